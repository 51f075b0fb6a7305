//! `comp-datagen`: deterministic synthetic data for the reference plan
//! (`rules/sales_2024.comp`, the 2024 sales incentive plan).
//!
//! Writes `sales.csv`, `roster.csv` and `quotas.csv` into `--out`, with the
//! columns the plan reads, at any size: it feeds the benchmarks and the
//! differential tests that run the engine against the hand-written reference
//! implementation in `tests/support/reference_plan.rs`.
//!
//! This file owns only the data's shape; it knows nothing of the engine (it
//! does not use the `comp` library) so that it keeps working, and keeps
//! producing the same bytes, whatever happens to the engine.
//!
//! Determinism: the same `--seed` and arguments give byte-identical files on
//! every platform and every build. To make that hold, randomness comes from the
//! small hand-written SplitMix64 below rather than a crate (a PRNG crate may
//! change its algorithm or its sampling in an upgrade), only integer arithmetic
//! is used (money is integer cents, formatted by hand; no floating point), and
//! rows are produced in one sequential pass.
//!
//! Shape of the data (chosen so that every clause of the plan is reached):
//! - Each rep has an expected annual volume, a target annual attainment, a
//!   collection habit and a per-quarter activity level. Rows are spread over
//!   2024 in date order in proportion to the quarterly quota weights
//!   (20/25/25/30%) and given to reps in proportion to their activity, so the
//!   outcome distribution does not depend on `--rows`: more rows means smaller
//!   rows, not richer reps.
//! - Quotas are set after the sales are drawn, from each rep's realised annual
//!   credit and target attainment (rounded to 10,000), so quarterly attainment
//!   spreads roughly from 0% to 250% and every commission band is used; the
//!   largest reps reach the 100,000 quarterly cap.
//! - About 3% of rows are refunds (negative `collected`); about 34% sign a
//!   contract and collect a deposit of 0-50%, the rest are pure collections
//!   (`contract_amount` 0.00). A rep's collection habit sets the size of their
//!   contracts relative to their collections, so some reps collect under 60%
//!   of what they sign in a quarter (the gate) and some under 80% over the year
//!   (the deferred commission is forfeited).
//! - Each rep has 40 customers of their own; a customer's industry (one of six,
//!   `new_energy` being the strategic one) and whether it is new in 2024 are
//!   fixed per customer.
//! - About 1.5% of rep-quarters have no rows at all and 0.5% only refunds (a
//!   negative quarterly credit). Rep 1 is always active so no quarter is empty.

use clap::Parser;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Command-line arguments.
#[derive(Parser, Debug)]
#[command(
    name = "comp-datagen",
    version,
    about = "Write deterministic synthetic sales, roster and quota CSVs for the 2024 reference plan"
)]
struct Args {
    /// Directory to write sales.csv, roster.csv and quotas.csv into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Number of sales rows.
    #[arg(long, default_value_t = 1_000_000)]
    rows: u64,
    /// Number of reps.
    #[arg(long, default_value_t = 2000, value_parser = count_parser())]
    reps: u32,
    /// Number of teams (one manager each); reps are split into contiguous blocks.
    #[arg(long, default_value_t = 100, value_parser = count_parser())]
    teams: u32,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
}

/// Reps and teams: 1 to 1,000,000 (the bound keeps every sum in an `i64`).
fn count_parser() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..=1_000_000)
}

/// SplitMix64 (Steele, Lea and Flood, 2014). Hand-written on purpose: its
/// output is fixed forever, so the generated files are byte-stable across
/// crate upgrades, which a PRNG crate does not promise.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`) by multiply-shift; the bias, about n / 2^64,
    /// is far below anything these data could show.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

/// A stateless hash of `x` under `seed`, for attributes fixed per entity
/// (a customer's industry), independent of the order rows are drawn in.
fn hash(seed: u64, x: u64) -> u64 {
    Rng(seed ^ x.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64()
}

/// The industries; index 0 is the plan's strategic industry (credit × 120%).
const INDUSTRIES: [&str; 6] = ["new_energy", "manufacturing", "retail", "healthcare", "finance", "logistics"];
/// Sales regions; a team sells in one region.
const REGIONS: [&str; 7] = ["华东", "华南", "华北", "华中", "西南", "西北", "东北"];
/// Customers per rep (each rep has their own).
const CUSTOMERS_PER_REP: u64 = 40;
/// Share of customers that are new in 2024, per mille.
const NEW_CUSTOMER_PM: u64 = 150;
/// Row kinds, per mille of rows: refunds, then contract signings; the rest
/// are pure collections.
const REFUND_PM: u64 = 30;
const SIGNING_PM: u64 = 340;
/// Deposits collected when a contract is signed, percent of the contract
/// (mean 22%).
const DEPOSIT_PCT: [i64; 5] = [0, 10, 20, 30, 50];
/// Per-mille share of the rows in each quarter (the quota weights) and the
/// first day (0-based day of 2024, a leap year) of each quarter, plus the end.
const QUARTER_PM: [u64; 4] = [200, 250, 250, 300];
const QUARTER_START_DAY: [u64; 5] = [0, 91, 182, 274, 366];

/// One rep's hidden parameters and running totals.
struct Rep {
    team: u32,
    /// Expected annual volume in yuan; sets the rep's share of the rows.
    volume: u64,
    /// Target annual attainment in percent; sets the quota.
    attain_pct: u64,
    /// Contract size relative to a collection, per mille: high for reps who
    /// sign much more than they collect.
    contract_pm: u64,
    /// Share of ordinary rows (signings, collections) per quarter; 0 = none.
    weight: [u64; 4],
    /// Share of refund rows per quarter.
    refund_weight: [u64; 4],
    /// Realised annual credit in tenths of a cent (collected × 10, or × 12
    /// for `new_energy`).
    credit_tenth_cents: i64,
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    fs::create_dir_all(&args.out)?;

    let mut rng = Rng(args.seed);
    let mut reps = draw_reps(&mut rng, args.reps, args.teams);
    write_roster(&args.out, &reps, args.teams)?;
    write_sales(&args, &mut reps)?;
    write_quotas(&args.out, &reps)?;
    Ok(())
}

/// Draws every rep's parameters, in rep order.
fn draw_reps(rng: &mut Rng, n_reps: u32, n_teams: u32) -> Vec<Rep> {
    (0..n_reps)
        .map(|i| {
            let team = (u64::from(i) * u64::from(n_teams) / u64::from(n_reps)) as u32;
            // 1M-20M yuan a year, skewed towards the small end (mean ~5.75M).
            let volume = 1_000_000 + rng.below(19_000) * rng.below(1_000);
            let attain_pct = match rng.below(100) {
                0..=9 => rng.between(10, 50),
                10..=74 => rng.between(50, 130),
                _ => rng.between(130, 190),
            };
            // Collection habit e (per mille of the amount signed that gets
            // collected): mostly 90-120%, some poor collectors.
            let e_pm = match rng.below(100) {
                0..=3 => rng.between(350, 600),
                4..=9 => rng.between(600, 850),
                _ => rng.between(900, 1200),
            };
            // With s = signing share of ordinary rows (350‰), deposits of d =
            // 22% on average and contracts k times a collection, the rate is
            // e = d + (1 - s) / (s k), so k = (1 - s) / (s (e - d)).
            let contract_pm = 650_000_000 / (350 * (e_pm - 220));
            let mut weight = [0; 4];
            let mut refund_weight = [0; 4];
            for q in 0..4 {
                let activity = volume * rng.between(600, 1400) / 1000;
                match rng.below(1000) {
                    // No rows at all this quarter (leave, late hire).
                    0..=14 if i > 0 => {}
                    // Only refunds this quarter: a negative credit.
                    15..=19 if i > 0 => refund_weight[q] = volume,
                    _ => {
                        weight[q] = activity;
                        refund_weight[q] = activity;
                    }
                }
            }
            Rep { team, volume, attain_pct, contract_pm, weight, refund_weight, credit_tenth_cents: 0 }
        })
        .collect()
}

/// Cumulative weights for drawing a rep in proportion to a weight.
struct Picker {
    cumulative: Vec<u64>,
}

impl Picker {
    fn new(weights: impl Iterator<Item = u64>) -> Picker {
        let mut total = 0;
        let cumulative = weights
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Picker { cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        let x = rng.below(total.max(1));
        self.cumulative.partition_point(|&c| c <= x)
    }
}

fn write_sales(args: &Args, reps: &mut [Rep]) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(args.out.join("sales.csv"))?);
    out.write_all(b"id,date,rep,customer,new_customer,industry,region,contract_amount,collected\n")?;

    let rep_width = id_width(u64::from(args.reps), 4);
    let rep_ids: Vec<Vec<u8>> = (1..=u64::from(args.reps)).map(|n| padded_id(b'R', n, rep_width)).collect();
    let customer_width = id_width(u64::from(args.reps) * CUSTOMERS_PER_REP, 5);
    let id_w = id_width(args.rows, 7);
    let dates: Vec<[u8; 10]> = (0..366).map(date_of_day).collect();

    // A typical row, in cents: the reps' total expected volume spread over
    // the rows, so that a rep's yearly totals do not depend on --rows.
    let total_volume: u64 = reps.iter().map(|r| r.volume).sum();
    let ticket = (u128::from(total_volume) * 100 / u128::from(args.rows.max(1))).max(100) as u64;

    let mut rng = Rng(args.seed ^ 0x5A1E_5DA7_A000_0001);
    let mut line = Vec::with_capacity(256);
    let mut row: u64 = 0;
    for q in 0..4 {
        let ordinary = Picker::new(reps.iter().map(|r| r.weight[q]));
        let refunds = Picker::new(reps.iter().map(|r| r.refund_weight[q]));
        let first = args.rows * QUARTER_PM[..q].iter().sum::<u64>() / 1000;
        let end = args.rows * QUARTER_PM[..=q].iter().sum::<u64>() / 1000;
        let start_day = QUARTER_START_DAY[q];
        let days = QUARTER_START_DAY[q + 1] - start_day;
        for i in first..end {
            row += 1;
            let day = start_day + (i - first) * days / (end - first);
            let kind = rng.below(1000);
            let r = if kind < REFUND_PM { refunds.pick(&mut rng) } else { ordinary.pick(&mut rng) };
            let rep = &mut reps[r];
            let customer = r as u64 * CUSTOMERS_PER_REP + rng.below(CUSTOMERS_PER_REP) + 1;
            let traits = hash(args.seed, customer);
            let industry = (traits % INDUSTRIES.len() as u64) as usize;
            let is_new = (traits >> 16) % 1000 < NEW_CUSTOMER_PM;

            // Row size: 0.25-3.25 typical rows, skewed towards small (mean 1).
            let size = 250 + rng.below(1500) * rng.below(2000) / 1000;
            let base = (i128::from(ticket) * i128::from(size) / 1000) as i64;
            let (contract, collected) = if kind < REFUND_PM {
                (0, -(base / 2))
            } else if kind < REFUND_PM + SIGNING_PM {
                // Contracts are whole hundreds of yuan.
                let hundreds = i128::from(base) * i128::from(rep.contract_pm) / 1000 / 10_000;
                let contract = (hundreds as i64).max(1) * 10_000;
                let deposit = DEPOSIT_PCT[rng.below(DEPOSIT_PCT.len() as u64) as usize];
                (contract, contract * deposit / 100)
            } else {
                (0, base)
            };
            rep.credit_tenth_cents += collected * if industry == 0 { 12 } else { 10 };

            line.clear();
            push_id(&mut line, b'S', row, id_w);
            line.push(b',');
            line.extend_from_slice(&dates[day as usize]);
            line.push(b',');
            line.extend_from_slice(&rep_ids[r]);
            line.push(b',');
            push_id(&mut line, b'C', customer, customer_width);
            line.extend_from_slice(if is_new { b",true," } else { b",false," });
            line.extend_from_slice(INDUSTRIES[industry].as_bytes());
            line.push(b',');
            line.extend_from_slice(REGIONS[rep.team as usize % REGIONS.len()].as_bytes());
            line.push(b',');
            push_cents(&mut line, contract);
            line.push(b',');
            push_cents(&mut line, collected);
            line.push(b'\n');
            out.write_all(&line)?;
        }
    }
    out.flush()
}

fn write_roster(dir: &Path, reps: &[Rep], n_teams: u32) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(dir.join("roster.csv"))?);
    out.write_all(b"participant,role,team,manager\n")?;
    let team_width = id_width(u64::from(n_teams), 3);
    let rep_width = id_width(reps.len() as u64, 4);
    let mut line = Vec::new();
    for t in 1..=u64::from(n_teams) {
        line.clear();
        push_id(&mut line, b'M', t, team_width);
        line.extend_from_slice(b",manager,");
        push_id(&mut line, b'T', t, team_width);
        line.extend_from_slice(b",\n");
        out.write_all(&line)?;
    }
    for (i, rep) in reps.iter().enumerate() {
        let t = u64::from(rep.team) + 1;
        line.clear();
        push_id(&mut line, b'R', i as u64 + 1, rep_width);
        line.extend_from_slice(b",rep,");
        push_id(&mut line, b'T', t, team_width);
        line.push(b',');
        push_id(&mut line, b'M', t, team_width);
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.flush()
}

/// Quotas: realised annual credit ÷ target attainment, rounded to 10,000 yuan
/// (at least 10,000); a rep with no positive credit gets their expected volume.
fn write_quotas(dir: &Path, reps: &[Rep]) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(dir.join("quotas.csv"))?);
    out.write_all(b"rep,annual_quota\n")?;
    let rep_width = id_width(reps.len() as u64, 4);
    let mut line = Vec::new();
    for (i, rep) in reps.iter().enumerate() {
        let credit_yuan = rep.credit_tenth_cents / 1000;
        let quota = if credit_yuan > 0 { credit_yuan as u64 * 100 / rep.attain_pct } else { rep.volume };
        let quota = ((quota + 5_000) / 10_000).max(1) * 10_000;
        line.clear();
        push_id(&mut line, b'R', i as u64 + 1, rep_width);
        line.push(b',');
        push_cents(&mut line, quota as i64 * 100);
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.flush()
}

/// Digits needed to write ids up to `max`, at least `min`.
fn id_width(max: u64, min: usize) -> usize {
    max.to_string().len().max(min)
}

/// `prefix` followed by `n` zero-padded to `width` digits.
fn padded_id(prefix: u8, n: u64, width: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(width + 1);
    push_id(&mut v, prefix, n, width);
    v
}

fn push_id(buf: &mut Vec<u8>, prefix: u8, n: u64, width: usize) {
    buf.push(prefix);
    push_digits(buf, n, width);
}

/// Appends `n` in decimal, zero-padded to at least `width` digits.
fn push_digits(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    while n > 0 || tmp.len() - i < width.max(1) {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends an amount of cents as a plain decimal with two places: `-12.05`.
fn push_cents(buf: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        buf.push(b'-');
    }
    let c = cents.unsigned_abs();
    push_digits(buf, c / 100, 1);
    buf.push(b'.');
    push_digits(buf, c % 100, 2);
}

/// `YYYY-MM-DD` of the 0-based `day` of 2024 (a leap year).
fn date_of_day(day: u64) -> [u8; 10] {
    const MONTH_DAYS: [u64; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (mut month, mut d) = (0, day);
    while d >= MONTH_DAYS[month] {
        d -= MONTH_DAYS[month];
        month += 1;
    }
    let mut s = *b"2024-00-00";
    s[5] = b'0' + ((month + 1) / 10) as u8;
    s[6] = b'0' + ((month + 1) % 10) as u8;
    s[8] = b'0' + ((d + 1) / 10) as u8;
    s[9] = b'0' + ((d + 1) % 10) as u8;
    s
}
