//! The reference plan (`rules/sales_2024.comp`, rules 1-13 of the plan
//! document) as a fast, single-purpose Rust program: the baseline that
//! `bench/run.py` times `comp run` against, and a second differential oracle
//! next to the simple one in `reference_plan.rs` (it shares no code with
//! either the engine or that file).
//!
//! `run(dir, threads)` returns exactly what `comp run rules/sales_2024.comp
//! --data DIR --format csv` prints, whatever `threads` is.
//!
//! How it is fast:
//! - `sales.csv` is split into `threads` byte ranges at line boundaries, and
//!   each range is read on its own thread with `csv::ByteRecord`s. Splitting at
//!   newlines is only right when no field is quoted (a quoted field may hold a
//!   newline): every byte is checked for `"` before the CSV parser sees it, and
//!   when one is found the whole file is read again on one thread, where the
//!   CSV parser handles quotes. Any other problem in a parallel pass (a bad
//!   amount, an unknown rep) also reruns on one thread, which reports it.
//! - One hash probe per row (the rep's id), plus one per `new_customer` row
//!   (the customer's sum, in a small map keyed by rep, quarter and customer).
//!   Ids of up to 15 bytes are keys of 16 bytes held in the table itself.
//! - Sums are exact integers (`i64`, overflow checked): `collected` and
//!   `contract_amount` in cents, credit in tenths of a cent (`collected ×
//!   120%` of a whole number of cents is a whole number of tenths). An amount
//!   with more than two decimals is not a whole number of cents; this program
//!   rejects it (the plan's data is in cents; the simple reference reads any
//!   decimal).
//! - The ranges' sums are merged, and the lines of each rep and quarter are
//!   computed from them with `rust_decimal`, as the reference does: shares
//!   multiplied before dividing, every line rounded to 0.01 half away from
//!   zero (rule 13).
//!
//! Input that `comp run` rejects panics here with a message, as in the
//! reference: a missing column, a row with too few or too many fields, an
//! unparsable amount, boolean or date, a date outside 2024, a sales row for an
//! id not in the roster, a participant or quota listed twice, a rep without a
//! positive quota. A sales row of a manager earns nothing and counts for no
//! team (the date is still checked).

use rust_decimal::{Decimal, RoundingStrategy};
use std::fs::File;
use std::hash::Hash;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::str::FromStr;

type Map<K, V> = hashbrown::HashMap<K, V>;

/// The plan's periods, in output order.
const PERIODS: [&[u8]; 4] = [b"2024-Q1", b"2024-Q2", b"2024-Q3", b"2024-Q4"];

/// `n × 10^-scale`, usable in constants.
const fn dec(n: u32, scale: u32) -> Decimal {
    Decimal::from_parts(n, 0, 0, false, scale)
}

/// Rule 1: the strategic industry; its credit is 12 tenths of a cent per cent
/// collected (120%), any other industry's 10.
const STRATEGIC_INDUSTRY: &[u8] = b"new_energy";
const STRATEGIC_TENTHS: i64 = 12;
const OTHER_TENTHS: i64 = 10;
/// Rule 2: quarterly weights of the annual quota.
const WEIGHTS: [Decimal; 4] = [dec(20, 2), dec(25, 2), dec(25, 2), dec(30, 2)];
/// Rule 3: marginal rates; the top band starts at 130% of `Q`.
const BASE_RATE: Decimal = dec(3, 2);
const OVER_RATE: Decimal = dec(5, 2);
const TOP_RATE: Decimal = dec(7, 2);
const TOP_FROM: Decimal = dec(13, 1);
/// Rule 4: the collection-rate gate halves the commission under 60%.
const GATE_RATE: Decimal = dec(60, 2);
const GATE_FACTOR: Decimal = dec(5, 1);
/// Rule 5: cap per quarter.
const CAP: Decimal = dec(100_000, 0);
/// Rule 6: paid now.
const PAID_NOW: Decimal = dec(80, 2);
/// Rule 7: 1,000 per new customer with at least 20,000 (in cents) collected.
const NEW_CUSTOMER_AWARD: Decimal = dec(1_000, 0);
const NEW_CUSTOMER_MIN_CENTS: i64 = 2_000_000;
/// Rule 8.
const TARGET_AWARD: Decimal = dec(5_000, 0);
/// Rule 9: the team pool, a share of the team's credit.
const POOL_RATE: Decimal = dec(1, 2);
/// Rule 10.
const OVERRIDE_RATE: Decimal = dec(5, 3);
/// Rule 11.
const CHAMPION_PRIZE: Decimal = dec(20_000, 0);
/// Rule 12.
const RELEASE_RATE: Decimal = dec(80, 2);

/// A participant id in the rep map that is a manager's.
const MANAGER: u32 = u32::MAX;

/// Rule 13.
fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Collection rate, 100% when nothing was contracted.
fn rate(collected: Decimal, contracted: Decimal) -> Decimal {
    if contracted.is_zero() {
        Decimal::ONE
    } else {
        collected / contracted
    }
}

struct Participant {
    id: String,
    /// Index into the reps, `None` for a manager.
    rep: Option<usize>,
    /// Index of the team.
    team: usize,
}

/// The roster and quotas, indexed.
struct Roster {
    /// Sorted by id: the output order.
    participants: Vec<Participant>,
    /// Per rep: team and annual quota.
    reps: Vec<(usize, Decimal)>,
    teams: usize,
    /// Participant id → rep index, or `MANAGER`.
    index: Ids<(), u32>,
}

/// An id of up to 15 bytes as one number (the bytes and the length), so that
/// a hash probe compares keys without following a pointer.
fn pack(id: &[u8]) -> Option<u128> {
    if id.len() > 15 {
        return None;
    }
    let mut bytes = [0u8; 16];
    bytes[..id.len()].copy_from_slice(id);
    bytes[15] = id.len() as u8;
    Some(u128::from_le_bytes(bytes))
}

/// A map keyed by a slot (`()` or a number) and an id: short ids packed,
/// long ones as bytes.
struct Ids<S, V> {
    short: Map<(S, u128), V>,
    long: Map<(S, Box<[u8]>), V>,
}

impl<S, V> Default for Ids<S, V> {
    fn default() -> Self {
        Ids { short: Map::new(), long: Map::new() }
    }
}

impl<S: Copy + Eq + Hash, V> Ids<S, V> {
    fn get(&self, slot: S, id: &[u8]) -> Option<&V> {
        match pack(id) {
            Some(key) => self.short.get(&(slot, key)),
            None => self.long.get(&Long(slot, id)),
        }
    }

    fn entry(&mut self, slot: S, id: &[u8]) -> &mut V
    where
        V: Default,
    {
        match pack(id) {
            Some(key) => self.short.entry((slot, key)).or_default(),
            None => self.long.entry_ref(&Long(slot, id)).or_default(),
        }
    }

    fn insert(&mut self, slot: S, id: &[u8], value: V) -> Option<V> {
        match pack(id) {
            Some(key) => self.short.insert((slot, key), value),
            None => self.long.insert((slot, id.into()), value),
        }
    }

    /// The slot and the value of every entry.
    fn values(&self) -> impl Iterator<Item = (S, &V)> {
        self.short.iter().map(|((n, _), v)| (*n, v)).chain(self.long.iter().map(|((n, _), v)| (*n, v)))
    }
}

/// A long key to look up without allocating: it hashes as `(S, Box<[u8]>)`.
#[derive(Hash)]
struct Long<'a, S>(S, &'a [u8]);

impl<S: Eq> hashbrown::Equivalent<(S, Box<[u8]>)> for Long<'_, S> {
    fn equivalent(&self, key: &(S, Box<[u8]>)) -> bool {
        self.0 == key.0 && self.1 == &*key.1
    }
}

impl<S: Copy> From<&Long<'_, S>> for (S, Box<[u8]>) {
    fn from(key: &Long<'_, S>) -> Self {
        (key.0, key.1.into())
    }
}

/// A rep's exact sums in one quarter.
#[derive(Clone, Copy, Default)]
struct Sums {
    /// Tenths of a cent.
    credit: i64,
    /// Cents.
    collected: i64,
    /// Cents.
    contracted: i64,
}

/// The sums of some of the rows.
struct Part {
    /// Per rep and quarter.
    sums: Vec<[Sums; 4]>,
    /// Cents collected per (rep × 4 + quarter, customer), over the rows with
    /// `new_customer = true`.
    customers: Ids<u32, i64>,
    /// Whether a sum left the range of an `i64`.
    overflow: bool,
}

impl Part {
    fn merge(&mut self, other: Part) {
        for (mine, theirs) in self.sums.iter_mut().zip(other.sums) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                add(&mut a.credit, b.credit, &mut self.overflow);
                add(&mut a.collected, b.collected, &mut self.overflow);
                add(&mut a.contracted, b.contracted, &mut self.overflow);
            }
        }
        for ((slot, key), cents) in other.customers.short {
            add(self.customers.short.entry((slot, key)).or_default(), cents, &mut self.overflow);
        }
        for ((slot, key), cents) in other.customers.long {
            add(self.customers.long.entry((slot, key)).or_default(), cents, &mut self.overflow);
        }
        self.overflow |= other.overflow;
    }
}

/// `*sum += x`, noting an overflow.
fn add(sum: &mut i64, x: i64, overflow: &mut bool) {
    let (s, o) = sum.overflowing_add(x);
    *sum = s;
    *overflow |= o;
}

/// Why a pass over a range stopped.
enum Stop {
    /// A `"` was seen: the split at newlines may be wrong.
    Quote,
    /// Bad input, with the message to panic with.
    Bad(String),
}

/// Positions of the columns the plan reads, and the number of columns.
#[derive(Clone, Copy)]
struct Columns {
    len: usize,
    date: usize,
    rep: usize,
    customer: usize,
    new_customer: usize,
    industry: usize,
    contract: usize,
    collected: usize,
}

/// Computes the plan on `dir/{sales,roster,quotas}.csv` with `threads` threads
/// (at least one) and returns what `comp run ... --format csv` prints.
pub fn run(dir: &Path, threads: usize) -> String {
    run_counting_threads(dir, threads).0
}

/// `run`, and the number of threads that read `sales.csv` in the pass whose
/// sums were used: 1 when the parallel pass was abandoned.
pub fn run_counting_threads(dir: &Path, threads: usize) -> (String, usize) {
    let roster = read_roster(dir);
    let (part, used) = read_sales(&dir.join("sales.csv"), &roster, threads.max(1));
    (String::from_utf8(payouts(&roster, &part)).expect("ids are UTF-8"), used)
}

fn read_roster(dir: &Path) -> Roster {
    let mut quotas: Map<String, Decimal> = Map::new();
    let mut reader = csv_reader(&dir.join("quotas.csv"));
    let [rep, quota] = header(&mut reader, "quotas.csv", ["rep", "annual_quota"]);
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("quotas.csv: unreadable row: {e}"));
        let amount = Decimal::from_str(record[quota].trim())
            .unwrap_or_else(|_| panic!("quotas.csv: bad amount {:?}", &record[quota]));
        if quotas.insert(record[rep].to_string(), amount).is_some() {
            panic!("quotas.csv: rep {} listed twice", &record[rep]);
        }
    }

    let mut reader = csv_reader(&dir.join("roster.csv"));
    let [id, role, team] = header(&mut reader, "roster.csv", ["participant", "role", "team"]);
    let mut rows: Vec<(String, bool, String)> = Vec::new();
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("roster.csv: unreadable row: {e}"));
        let is_rep = match &record[role] {
            "rep" => true,
            "manager" => false,
            other => panic!("roster.csv: unknown role {other:?}"),
        };
        rows.push((record[id].to_string(), is_rep, record[team].to_string()));
    }
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut team_index: Map<String, usize> = Map::new();
    let mut index: Ids<(), u32> = Ids::default();
    let mut reps = Vec::new();
    let mut participants = Vec::with_capacity(rows.len());
    for (id, is_rep, team) in rows {
        let next = team_index.len();
        let team = *team_index.entry(team).or_insert(next);
        let rep = is_rep.then(|| {
            let quota = *quotas.get(&id).unwrap_or_else(|| panic!("quotas.csv: no quota for rep {id}"));
            assert!(quota > Decimal::ZERO, "quotas.csv: quota of {id} is not > 0");
            reps.push((team, quota));
            reps.len() - 1
        });
        let slot = rep.map_or(MANAGER, |r| u32::try_from(4 * r).map(|_| r as u32).expect("fewer than 2^30 reps"));
        if index.insert((), id.as_bytes(), slot).is_some() {
            panic!("roster.csv: participant {id} listed twice");
        }
        participants.push(Participant { id, rep, team });
    }
    Roster { participants, reps, teams: team_index.len(), index }
}

fn csv_reader(path: &Path) -> csv::Reader<File> {
    csv::ReaderBuilder::new().from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Positions of the named columns.
fn header<const N: usize>(reader: &mut csv::Reader<File>, file: &str, names: [&str; N]) -> [usize; N] {
    let headers = reader.byte_headers().unwrap_or_else(|e| panic!("{file}: unreadable header: {e}"));
    names.map(|name| {
        headers.iter().position(|h| h == name.as_bytes()).unwrap_or_else(|| panic!("{file}: no column {name:?}"))
    })
}

/// The sums per rep and quarter over the whole of `sales.csv`, and the number
/// of threads that read it.
fn read_sales(path: &Path, roster: &Roster, threads: usize) -> (Part, usize) {
    let mut reader = csv_reader(path);
    let [date, rep, customer, new_customer, industry, contract, collected] = header(
        &mut reader,
        "sales.csv",
        ["date", "rep", "customer", "new_customer", "industry", "contract_amount", "collected"],
    );
    let len = reader.byte_headers().expect("read above").len();
    let cols = Columns { len, date, rep, customer, new_customer, industry, contract, collected };
    // Where the first row starts, and the end of the file.
    let start = reader.position().byte();
    let end = std::fs::metadata(path).unwrap_or_else(|e| panic!("sales.csv: {e}")).len();
    drop(reader);
    let sales = Sales { path, cols, roster };

    if threads > 1 {
        let bounds = split(path, start, end, threads);
        let parts: Result<Vec<Part>, Stop> = std::thread::scope(|scope| {
            let others: Vec<_> = bounds[1..]
                .windows(2)
                .map(|w| {
                    let (from, to) = (w[0], w[1]);
                    scope.spawn(move || sales.read_range(from, to, true))
                })
                .collect();
            let first = sales.read_range(bounds[0], bounds[1], true);
            let others = others.into_iter().map(|h| h.join().expect("a reader thread panicked"));
            std::iter::once(first).chain(others).collect()
        });
        // On any stop, read again on one thread: it handles quotes and
        // reports bad input.
        if let Ok(parts) = parts {
            let mut parts = parts.into_iter();
            let mut total = parts.next().expect("at least one range");
            parts.for_each(|part| total.merge(part));
            return (total, threads);
        }
    }
    match sales.read_range(start, end, false) {
        Ok(part) => (part, 1),
        Err(Stop::Bad(message)) => panic!("{message}"),
        Err(Stop::Quote) => unreachable!("quotes are only checked for in parallel passes"),
    }
}

/// `threads + 1` offsets from `start` to `end`, each but the last at the
/// start of a line.
fn split(path: &Path, start: u64, end: u64, threads: usize) -> Vec<u64> {
    let mut file = File::open(path).unwrap_or_else(|e| panic!("sales.csv: {e}"));
    let mut bounds = vec![start];
    let mut buf = vec![0u8; 64 * 1024];
    for i in 1..threads as u64 {
        let prev = *bounds.last().expect("not empty");
        // Look for the end of the line that holds the byte before the guess.
        let guess = (start + (end - start) * i / threads as u64).max(prev);
        let mut at = guess.saturating_sub(1).max(prev);
        let bound = loop {
            if at >= end {
                break end;
            }
            let n = file.seek(SeekFrom::Start(at)).and_then(|_| file.read(&mut buf));
            let got = n.unwrap_or_else(|e| panic!("sales.csv: {e}")).min((end - at) as usize);
            if got == 0 {
                break end;
            }
            match memchr::memchr(b'\n', &buf[..got]) {
                Some(i) => break at + i as u64 + 1,
                None => at += got as u64,
            }
        };
        bounds.push(bound.max(prev));
    }
    bounds.push(end);
    bounds
}

/// Reads `buf` and fails on the first `"` when `check` is set.
struct QuoteCheck<R> {
    inner: R,
    check: bool,
    quoted: bool,
}

impl<R: Read> Read for QuoteCheck<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.check && memchr::memchr(b'"', &buf[..n]).is_some() {
            self.quoted = true;
            return Err(io::Error::other("a quoted field"));
        }
        Ok(n)
    }
}

/// `sales.csv`: the file, its columns, and the roster its rows refer to.
#[derive(Clone, Copy)]
struct Sales<'a> {
    path: &'a Path,
    cols: Columns,
    roster: &'a Roster,
}

impl Sales<'_> {
    /// The sums of the rows in `from..to` (`from` at the start of a line),
    /// stopping at the first `"` when `check_quotes` is set.
    fn read_range(&self, from: u64, to: u64, check_quotes: bool) -> Result<Part, Stop> {
        let sums = vec![[Sums::default(); 4]; self.roster.reps.len()];
        let mut part = Part { sums, customers: Ids::default(), overflow: false };
        if from < to {
            self.read_rows(from, to, check_quotes, &mut part)?;
        }
        if part.overflow {
            return Err(Stop::Bad("sales.csv: a sum does not fit in 64 bits of cents".into()));
        }
        Ok(part)
    }

    fn read_rows(&self, from: u64, to: u64, check_quotes: bool, part: &mut Part) -> Result<(), Stop> {
        let Sales { path, cols, roster } = *self;
        let mut file = File::open(path).map_err(|e| Stop::Bad(format!("sales.csv: {e}")))?;
        file.seek(SeekFrom::Start(from)).map_err(|e| Stop::Bad(format!("sales.csv: {e}")))?;
        let source = QuoteCheck { inner: file.take(to - from), check: check_quotes, quoted: false };
        let mut reader = csv::ReaderBuilder::new().has_headers(false).buffer_capacity(1 << 16).from_reader(source);
        let mut record = csv::ByteRecord::new();
        let overflow = &mut part.overflow;
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(_) if reader.get_ref().quoted => return Err(Stop::Quote),
                Err(e) => return Err(Stop::Bad(format!("sales.csv: unreadable row: {e}"))),
            }
            if record.len() != cols.len {
                let message = format!("sales.csv: a row has {} fields, the header {}", record.len(), cols.len);
                return Err(Stop::Bad(message));
            }
            let q = quarter(&record[cols.date])?;
            // The one hash probe of every row.
            let rep = &record[cols.rep];
            let r = match roster.index.get((), rep) {
                Some(&MANAGER) => continue, // a manager's own sale
                Some(&r) => r,
                None => {
                    let message = format!("sales.csv: {:?} is not in the roster", String::from_utf8_lossy(rep));
                    return Err(Stop::Bad(message));
                }
            };
            let collected = cents(&record[cols.collected])?;
            let contracted = cents(&record[cols.contract])?;
            let tenths = if &record[cols.industry] == STRATEGIC_INDUSTRY { STRATEGIC_TENTHS } else { OTHER_TENTHS };
            let (credit, o) = collected.overflowing_mul(tenths);
            *overflow |= o;
            let s = &mut part.sums[r as usize][q];
            add(&mut s.credit, credit, overflow);
            add(&mut s.collected, collected, overflow);
            add(&mut s.contracted, contracted, overflow);
            if boolean(&record[cols.new_customer])? {
                add(part.customers.entry(r * 4 + q as u32, &record[cols.customer]), collected, overflow);
            }
        }
    }
}

/// Quarter index (0-3) of a `YYYY-MM-DD` date of 2024.
fn quarter(date: &[u8]) -> Result<usize, Stop> {
    const DAYS: [u8; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let bad = |what: &str| Stop::Bad(format!("sales.csv: {what} {:?}", String::from_utf8_lossy(date)));
    let shape = date.len() == 10
        && date[4] == b'-'
        && date[7] == b'-'
        && date.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape {
        return Err(bad("bad date"));
    }
    if &date[..4] != b"2024" {
        return Err(bad("a date outside the plan year 2024:"));
    }
    let month = usize::from((date[5] - b'0') * 10 + (date[6] - b'0'));
    let day = (date[8] - b'0') * 10 + (date[9] - b'0');
    if !(1..=12).contains(&month) || !(1..=DAYS[month - 1]).contains(&day) {
        return Err(bad("no such date"));
    }
    Ok((month - 1) / 3)
}

fn boolean(field: &[u8]) -> Result<bool, Stop> {
    match field {
        b"true" => Ok(true),
        b"false" => Ok(false),
        other => Err(Stop::Bad(format!("sales.csv: bad boolean {:?}", String::from_utf8_lossy(other)))),
    }
}

/// An amount in cents: `-?digits(.d{0,2})?` read directly, anything else by
/// `Decimal`'s parser; it must be a whole number of cents.
fn cents(field: &[u8]) -> Result<i64, Stop> {
    let (negative, body) = match field {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, field),
    };
    let (int, frac) = match memchr::memchr(b'.', body) {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &body[..0]),
    };
    if !int.is_empty() && int.len() + frac.len() <= 16 && frac.len() <= 2 {
        let mut n: i64 = 0;
        let mut digits = true;
        for &b in int.iter().chain(frac) {
            digits &= b.is_ascii_digit();
            n = n * 10 + i64::from(b.wrapping_sub(b'0'));
        }
        if digits {
            let n = n * [100, 10, 1][frac.len()];
            return Ok(if negative { -n } else { n });
        }
    }
    let text = String::from_utf8_lossy(field);
    let mut d = Decimal::from_str(text.trim()).map_err(|_| Stop::Bad(format!("sales.csv: bad amount {text:?}")))?;
    d = d.normalize();
    if d.scale() > 2 {
        return Err(Stop::Bad(format!("sales.csv: {text:?} is not a whole number of cents")));
    }
    d.rescale(2);
    i64::try_from(d.mantissa()).map_err(|_| Stop::Bad(format!("sales.csv: {text:?} does not fit in 64 bits of cents")))
}

/// One rep's lines in one quarter.
#[derive(Clone, Copy, Default)]
struct Lines {
    credit: Decimal,
    commission: Decimal,
    paid: Decimal,
    deferred: Decimal,
    new_customer_bonus: Decimal,
    target_bonus: Decimal,
    team_bonus: Decimal,
}

/// Team credit `TC`, quota `TQ`, and Σ max(C, 0) of one team in one quarter.
#[derive(Clone, Copy, Default)]
struct Team {
    credit: Decimal,
    quota: Decimal,
    positive: Decimal,
}

/// The output CSV.
fn payouts(roster: &Roster, part: &Part) -> Vec<u8> {
    // Rule 7: qualifying new customers per rep × 4 + quarter.
    let mut new_customers = vec![0u32; 4 * roster.reps.len()];
    for (slot, &cents) in part.customers.values() {
        new_customers[slot as usize] += u32::from(cents >= NEW_CUSTOMER_MIN_CENTS);
    }

    // Rules 1-8 per rep and quarter; team sums (rule 9) on the way.
    let mut lines = vec![[Lines::default(); 4]; roster.reps.len()];
    let mut teams = vec![[Team::default(); 4]; roster.teams];
    for (r, (&(team, annual_quota), quarters)) in roster.reps.iter().zip(&part.sums).enumerate() {
        for (q, s) in quarters.iter().enumerate() {
            let quota = annual_quota * WEIGHTS[q];
            let c = Decimal::new(s.credit, 3);
            let base = c.max(Decimal::ZERO);
            let top = quota * TOP_FROM;
            let mut commission = BASE_RATE * base.min(quota)
                + OVER_RATE * (base.min(top) - quota).max(Decimal::ZERO)
                + TOP_RATE * (base - top).max(Decimal::ZERO);
            if rate(Decimal::new(s.collected, 2), Decimal::new(s.contracted, 2)) < GATE_RATE {
                commission *= GATE_FACTOR;
            }
            let l = &mut lines[r][q];
            l.credit = c;
            l.commission = round(commission.min(CAP));
            l.paid = round(l.commission * PAID_NOW);
            l.deferred = l.commission - l.paid;
            l.new_customer_bonus = NEW_CUSTOMER_AWARD * Decimal::from(new_customers[4 * r + q]);
            if c >= quota {
                l.target_bonus = TARGET_AWARD;
            }
            let t = &mut teams[team][q];
            t.credit += c;
            t.quota += quota;
            t.positive += base;
        }
    }
    // Rule 9: the pool shared by max(C, 0), multiplied before dividing.
    for (&(team, _), rep) in roster.reps.iter().zip(lines.iter_mut()) {
        for (q, l) in rep.iter_mut().enumerate() {
            let t = teams[team][q];
            if t.credit >= t.quota && !t.positive.is_zero() {
                l.team_bonus = round(POOL_RATE * t.credit * l.credit.max(Decimal::ZERO) / t.positive);
            }
        }
    }
    // Rule 11: the highest annual attainment; ties all win.
    let attainment: Vec<Decimal> = roster
        .reps
        .iter()
        .zip(&lines)
        .map(|(&(_, annual_quota), rep)| rep.iter().map(|l| l.credit).sum::<Decimal>() / annual_quota)
        .collect();
    let best = attainment.iter().max().copied();

    let mut out = Vec::with_capacity(48 * (36 * roster.reps.len() + 8 * roster.participants.len()) + 32);
    out.extend_from_slice(b"participant,period,line,amount\n");
    for p in &roster.participants {
        let id = p.id.as_bytes();
        let Some(r) = p.rep else {
            // Rule 10: the override on the manager's team's credit.
            for (q, period) in PERIODS.iter().enumerate() {
                let tc = teams[p.team][q].credit;
                let paid = if tc > Decimal::ZERO { round(OVERRIDE_RATE * tc) } else { Decimal::ZERO };
                row(&mut out, id, period, b"manager_override", paid);
                row(&mut out, id, period, b"total", paid);
            }
            continue;
        };
        // Rule 12: the year's deferred commission, released in Q4 when the
        // annual collection rate is at least 80%.
        let year = |cents: fn(&Sums) -> i64| part.sums[r].iter().map(|s| Decimal::new(cents(s), 2)).sum::<Decimal>();
        let release = if rate(year(|s| s.collected), year(|s| s.contracted)) >= RELEASE_RATE {
            lines[r].iter().map(|l| l.deferred).sum()
        } else {
            Decimal::ZERO
        };
        let champion = if Some(attainment[r]) == best { CHAMPION_PRIZE } else { Decimal::ZERO };
        for (q, (period, l)) in PERIODS.iter().zip(&lines[r]).enumerate() {
            let (champion, release) = if q == 3 { (champion, release) } else { (Decimal::ZERO, Decimal::ZERO) };
            let total = l.paid + l.new_customer_bonus + l.target_bonus + l.team_bonus + champion + release;
            row(&mut out, id, period, b"commission", l.commission);
            row(&mut out, id, period, b"commission_paid", l.paid);
            row(&mut out, id, period, b"commission_deferred", l.deferred);
            row(&mut out, id, period, b"new_customer_bonus", l.new_customer_bonus);
            row(&mut out, id, period, b"target_bonus", l.target_bonus);
            row(&mut out, id, period, b"team_bonus", l.team_bonus);
            row(&mut out, id, period, b"champion_award", champion);
            row(&mut out, id, period, b"deferred_release", release);
            row(&mut out, id, period, b"total", total);
        }
    }
    out
}

/// `participant,period,line,amount` with the amount in two decimals.
fn row(out: &mut Vec<u8>, id: &[u8], period: &[u8], line: &[u8], amount: Decimal) {
    let mut amount = amount;
    amount.rescale(2);
    let cents = amount.mantissa();
    for part in [id, b",", period, b",", line, b","] {
        out.extend_from_slice(part);
    }
    if cents < 0 {
        out.push(b'-');
    }
    let cents = cents.unsigned_abs();
    let mut digits = [0u8; 40];
    let mut i = digits.len();
    let mut n = cents / 100;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
    out.extend_from_slice(&[b'.', b'0' + (cents / 10 % 10) as u8, b'0' + (cents % 10) as u8, b'\n']);
}
