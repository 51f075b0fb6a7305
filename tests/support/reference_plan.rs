//! An independent, hand-written implementation of the reference plan, the
//! 2024 sales incentive plan (`rules/sales_2024.comp`; its rules 1-13 are in
//! the plan document), used as the differential oracle for the engine.
//!
//! It is written straight from the plan's text, sharing no code with the
//! engine, so that a bug has to be made twice, the same way, to go unseen.
//! `run` returns exactly what `comp run rules/sales_2024.comp --data DIR
//! --format csv` prints: tests compare the two byte for byte. It is kept
//! simple (one thread, `Decimal` throughout) on purpose; the benchmark's fast
//! baseline is `handwritten_fast.rs`, a second oracle checked against this one.
//!
//! Money is `rust_decimal::Decimal` throughout, never floating point.
//! Division is `Decimal`'s `/` (28 significant digits); every amount paid is
//! rounded to 0.01, half away from zero (rule 13).
//!
//! Semantics settled where the plan's text leaves room:
//! - `C` sums credit, `collected × 1.2` for `new_energy` rows; `Q` is
//!   `annual_quota × weight`. The commission bands apply to `max(C, 0)`.
//! - `R = Σ collected / Σ contract_amount` over the rep's rows in the quarter,
//!   counted as 100% when `Σ contract_amount` is 0; the gate halves the
//!   commission before the 100,000 cap.
//! - The new-customer bonus counts distinct customers whose `collected`, summed
//!   over the rep's rows in the quarter that have `new_customer = true`, is at
//!   least 20,000.
//! - Team members are the roster's reps of the team (with or without sales);
//!   each member's team-bonus share is `round(pool × max(C, 0) / Σ max(C, 0))`,
//!   multiplying before dividing, and 0 when that sum is 0.
//! - The champion award goes to every rep whose `Σ C ÷ annual_quota` equals
//!   the maximum over all reps (ties all win).
//! - A sales row whose rep is a manager of the roster earns nothing and counts
//!   for no team.
//!
//! Input the engine rejects panics here, with a message (this is test code):
//! a missing column, an unparsable amount, boolean or date, a date outside
//! 2024, a sales row for an id not in the roster, a participant or quota
//! listed twice, a rep without a quota.

use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

/// The plan's periods, in output order.
const PERIODS: [&str; 4] = ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"];
/// Output lines of a rep, in output order.
const REP_LINES: [&str; 9] = [
    "commission",
    "commission_paid",
    "commission_deferred",
    "new_customer_bonus",
    "target_bonus",
    "team_bonus",
    "champion_award",
    "deferred_release",
    "total",
];

/// `n × 10^-scale`, usable in constants.
const fn dec(n: u32, scale: u32) -> Decimal {
    Decimal::from_parts(n, 0, 0, false, scale)
}

/// Rule 1: credit weight of the strategic industry.
const STRATEGIC_INDUSTRY: &[u8] = b"new_energy";
const STRATEGIC_CREDIT: Decimal = dec(12, 1);
/// Rule 2: quarterly weights of the annual quota.
const QUARTER_WEIGHTS: [Decimal; 4] = [dec(20, 2), dec(25, 2), dec(25, 2), dec(30, 2)];
/// Rule 3: marginal commission rates and band edges (multiples of `Q`).
const RATE_BASE: Decimal = dec(3, 2);
const RATE_MID: Decimal = dec(5, 2);
const RATE_TOP: Decimal = dec(7, 2);
const TOP_BAND_START: Decimal = dec(13, 1);
/// Rule 4: collection-rate gate.
const GATE_RATE: Decimal = dec(60, 2);
const GATE_FACTOR: Decimal = dec(5, 1);
/// Rule 5: cap per quarter, after the gate.
const CAP: Decimal = dec(100_000, 0);
/// Rule 6: share of the commission paid now.
const PAID_NOW: Decimal = dec(80, 2);
/// Rule 7: new-customer bonus and its threshold.
const NEW_CUSTOMER_BONUS: Decimal = dec(1_000, 0);
const NEW_CUSTOMER_MIN: Decimal = dec(20_000, 0);
/// Rule 8: quarterly target bonus.
const TARGET_BONUS: Decimal = dec(5_000, 0);
/// Rule 9: team pool as a share of team credit.
const TEAM_POOL: Decimal = dec(1, 2);
/// Rule 10: manager override as a share of team credit.
const OVERRIDE: Decimal = dec(5, 3);
/// Rule 11: champion award.
const CHAMPION_AWARD: Decimal = dec(20_000, 0);
/// Rule 12: annual collection rate needed to release the deferred commission.
const RELEASE_RATE: Decimal = dec(80, 2);

/// Rule 13: 0.01, half away from zero.
fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Collection rate: collected ÷ contracted, 100% when nothing was contracted.
fn collection_rate(collected: Decimal, contracted: Decimal) -> Decimal {
    if contracted.is_zero() {
        Decimal::ONE
    } else {
        collected / contracted
    }
}

/// A rep's sums over their rows in one quarter.
#[derive(Default)]
struct Quarter {
    credit: Decimal,
    collected: Decimal,
    contracted: Decimal,
    /// `collected` per customer over the rows with `new_customer = true`.
    new_customers: HashMap<Box<[u8]>, Decimal>,
}

/// A row of the roster.
struct Participant {
    id: String,
    is_rep: bool,
    team: String,
}

struct Rep {
    /// Index of the rep's team (teams are numbered in order of appearance).
    team: usize,
    annual_quota: Decimal,
    quarters: [Quarter; 4],
}

/// A team's sums over its reps in one quarter.
#[derive(Clone, Copy, Default)]
struct TeamQuarter {
    /// `TC`, Σ C.
    credit: Decimal,
    /// `TQ`, Σ Q.
    quota: Decimal,
    /// Σ max(C, 0), what the pool is shared by.
    positive_credit: Decimal,
}

/// Per-rep, per-quarter results.
#[derive(Clone, Copy, Default)]
struct RepQuarter {
    credit: Decimal,
    commission: Decimal,
    paid: Decimal,
    deferred: Decimal,
    new_customer_bonus: Decimal,
    target_bonus: Decimal,
    team_bonus: Decimal,
}

/// Computes the plan on `dir/{sales,roster,quotas}.csv` and returns the CSV
/// that `comp run ... --format csv` prints.
pub fn run(dir: &Path) -> String {
    // Roster: participants in id order, reps, teams and their managers.
    let mut roster = csv_reader(&dir.join("roster.csv"));
    let [c_participant, c_role, c_team] = columns(&mut roster, ["participant", "role", "team"]);
    let mut participants: Vec<Participant> = Vec::new();
    for record in roster.records() {
        let record = record.expect("roster.csv: unreadable row");
        let is_rep = match &record[c_role] {
            "rep" => true,
            "manager" => false,
            other => panic!("roster.csv: unknown role {other:?}"),
        };
        participants.push(Participant {
            id: record[c_participant].to_string(),
            is_rep,
            team: record[c_team].to_string(),
        });
    }
    // `str` orders by bytes, which is the output order.
    participants.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = participants.windows(2).find(|w| w[0].id == w[1].id) {
        panic!("roster.csv: participant {} listed twice", w[0].id);
    }

    let mut quotas = csv_reader(&dir.join("quotas.csv"));
    let [c_qrep, c_quota] = columns(&mut quotas, ["rep", "annual_quota"]);
    let mut quota_of: HashMap<String, Decimal> = HashMap::new();
    for record in quotas.records() {
        let record = record.expect("quotas.csv: unreadable row");
        let rep = record[c_qrep].to_string();
        if quota_of.insert(rep.clone(), money(record[c_quota].as_bytes())).is_some() {
            panic!("quotas.csv: rep {rep} listed twice");
        }
    }

    // Teams in order of first appearance; reps indexed for the sales pass.
    let mut team_of: HashMap<&str, usize> = HashMap::new();
    let mut reps: Vec<Rep> = Vec::new();
    let mut rep_of: HashMap<Box<[u8]>, usize> = HashMap::new();
    for Participant { id, is_rep, team } in &participants {
        let next = team_of.len();
        let team = *team_of.entry(team.as_str()).or_insert(next);
        if *is_rep {
            let annual_quota = *quota_of.get(id).unwrap_or_else(|| panic!("quotas.csv: no quota for rep {id}"));
            assert!(annual_quota > Decimal::ZERO, "quotas.csv: quota of {id} is not > 0");
            rep_of.insert(id.as_bytes().into(), reps.len());
            reps.push(Rep { team, annual_quota, quarters: Default::default() });
        }
    }

    let managers: HashSet<&[u8]> = participants.iter().filter(|p| !p.is_rep).map(|p| p.id.as_bytes()).collect();

    // Sales: one pass, one look-up per row.
    let mut sales = csv_reader(&dir.join("sales.csv"));
    let [c_date, c_rep, c_customer, c_new, c_industry, c_contract, c_collected] =
        columns(&mut sales, ["date", "rep", "customer", "new_customer", "industry", "contract_amount", "collected"]);
    let mut record = csv::ByteRecord::new();
    while sales.read_byte_record(&mut record).expect("sales.csv: unreadable row") {
        let q = quarter_of(&record[c_date]);
        let Some(&r) = rep_of.get(&record[c_rep]) else {
            let id = &record[c_rep];
            assert!(managers.contains(id), "sales.csv: {:?} is not in the roster", String::from_utf8_lossy(id));
            continue; // a manager's own sale
        };
        let collected = money(&record[c_collected]);
        let quarter = &mut reps[r].quarters[q];
        quarter.collected += collected;
        quarter.contracted += money(&record[c_contract]);
        quarter.credit +=
            if &record[c_industry] == STRATEGIC_INDUSTRY { collected * STRATEGIC_CREDIT } else { collected };
        if boolean(&record[c_new]) {
            let customer = &record[c_customer];
            match quarter.new_customers.get_mut(customer) {
                Some(sum) => *sum += collected,
                None => {
                    quarter.new_customers.insert(customer.into(), collected);
                }
            }
        }
    }

    // Rules 1-8, per rep and quarter.
    let mut results: Vec<[RepQuarter; 4]> = Vec::with_capacity(reps.len());
    for rep in &reps {
        let mut out = [RepQuarter::default(); 4];
        for (q, (quarter, res)) in rep.quarters.iter().zip(out.iter_mut()).enumerate() {
            let quota = rep.annual_quota * QUARTER_WEIGHTS[q];
            let c = quarter.credit;
            let base = c.max(Decimal::ZERO);
            let top = quota * TOP_BAND_START;
            let mut commission = RATE_BASE * base.min(quota)
                + RATE_MID * (base.min(top) - quota).max(Decimal::ZERO)
                + RATE_TOP * (base - top).max(Decimal::ZERO);
            if collection_rate(quarter.collected, quarter.contracted) < GATE_RATE {
                commission *= GATE_FACTOR;
            }
            res.credit = c;
            res.commission = round(commission.min(CAP));
            res.paid = round(res.commission * PAID_NOW);
            res.deferred = res.commission - res.paid;
            let qualifying = quarter.new_customers.values().filter(|sum| **sum >= NEW_CUSTOMER_MIN).count();
            res.new_customer_bonus = NEW_CUSTOMER_BONUS * Decimal::from(qualifying);
            if c >= quota {
                res.target_bonus = TARGET_BONUS;
            }
        }
        results.push(out);
    }

    // Rule 9, per team and quarter; the members are the team's reps.
    let mut teams = vec![[TeamQuarter::default(); 4]; team_of.len()];
    for (rep, res) in reps.iter().zip(&results) {
        for q in 0..4 {
            let team = &mut teams[rep.team][q];
            team.credit += res[q].credit;
            team.quota += rep.annual_quota * QUARTER_WEIGHTS[q];
            team.positive_credit += res[q].credit.max(Decimal::ZERO);
        }
    }
    for (rep, res) in reps.iter().zip(results.iter_mut()) {
        for q in 0..4 {
            let team = teams[rep.team][q];
            if team.credit >= team.quota && !team.positive_credit.is_zero() {
                // Multiply before dividing, then round the share.
                let pool = TEAM_POOL * team.credit;
                let share = pool * res[q].credit.max(Decimal::ZERO) / team.positive_credit;
                res[q].team_bonus = round(share);
            }
        }
    }

    // Rule 11: the highest annual attainment; ties all win.
    let attainment: Vec<Decimal> = reps
        .iter()
        .zip(&results)
        .map(|(rep, res)| res.iter().map(|r| r.credit).sum::<Decimal>() / rep.annual_quota)
        .collect();
    let best = attainment.iter().max().copied();

    // Output, participants in id order.
    let mut out = String::with_capacity(64 * 40 * participants.len() + 32);
    out.push_str("participant,period,line,amount\n");
    for Participant { id, is_rep, team } in &participants {
        if *is_rep {
            let r = rep_of[id.as_bytes()];
            let res = &results[r];
            // Rule 12: release the year's deferred commission in Q4.
            let (collected, contracted) = reps[r]
                .quarters
                .iter()
                .fold((Decimal::ZERO, Decimal::ZERO), |(a, b), q| (a + q.collected, b + q.contracted));
            let release = if collection_rate(collected, contracted) >= RELEASE_RATE {
                res.iter().map(|r| r.deferred).sum()
            } else {
                Decimal::ZERO
            };
            let champion = if Some(attainment[r]) == best { CHAMPION_AWARD } else { Decimal::ZERO };
            for (q, period) in PERIODS.iter().enumerate() {
                let x = &res[q];
                let (champion, release) = if q == 3 { (champion, release) } else { (Decimal::ZERO, Decimal::ZERO) };
                let total = x.paid + x.new_customer_bonus + x.target_bonus + x.team_bonus + champion + release;
                let amounts = [
                    x.commission,
                    x.paid,
                    x.deferred,
                    x.new_customer_bonus,
                    x.target_bonus,
                    x.team_bonus,
                    champion,
                    release,
                    total,
                ];
                for (line, amount) in REP_LINES.iter().zip(amounts) {
                    push_row(&mut out, id, period, line, amount);
                }
            }
        } else {
            // Rule 10: the override on the credit of the manager's team.
            for (q, period) in PERIODS.iter().enumerate() {
                let tc = teams[team_of[team.as_str()]][q].credit;
                let amount = if tc > Decimal::ZERO { round(OVERRIDE * tc) } else { Decimal::ZERO };
                push_row(&mut out, id, period, "manager_override", amount);
                push_row(&mut out, id, period, "total", amount);
            }
        }
    }
    out
}

fn push_row(out: &mut String, participant: &str, period: &str, line: &str, amount: Decimal) {
    let mut amount = amount;
    amount.rescale(2);
    if amount.is_zero() {
        amount.set_sign_positive(true);
    }
    writeln!(out, "{participant},{period},{line},{amount}").expect("writing to a String");
}

fn csv_reader(path: &Path) -> csv::Reader<std::fs::File> {
    csv::ReaderBuilder::new().from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Positions of the named columns in the header.
fn columns<const N: usize>(reader: &mut csv::Reader<std::fs::File>, names: [&str; N]) -> [usize; N] {
    let headers = reader.byte_headers().expect("readable header").clone();
    names.map(|name| headers.iter().position(|h| h == name.as_bytes()).unwrap_or_else(|| panic!("no column {name:?}")))
}

/// Quarter index (0-3) of a `YYYY-MM-DD` date of 2024.
fn quarter_of(date: &[u8]) -> usize {
    const DAYS_IN_MONTH_2024: [u8; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let text = || String::from_utf8_lossy(date);
    let ok = date.len() == 10
        && date[4] == b'-'
        && date[7] == b'-'
        && date.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    assert!(ok, "sales.csv: bad date {:?}", text());
    assert!(&date[..4] == b"2024", "sales.csv: {:?} is outside the plan year 2024", text());
    let month = usize::from((date[5] - b'0') * 10 + (date[6] - b'0'));
    let day = (date[8] - b'0') * 10 + (date[9] - b'0');
    assert!(
        (1..=12).contains(&month) && (1..=DAYS_IN_MONTH_2024[month - 1]).contains(&day),
        "sales.csv: no such date {:?}",
        text()
    );
    (month - 1) / 3
}

fn boolean(field: &[u8]) -> bool {
    match field {
        b"true" => true,
        b"false" => false,
        other => panic!("bad boolean {:?}", String::from_utf8_lossy(other)),
    }
}

/// Parses an amount: a fast path for `-?digits(.digits)?`, `Decimal`'s own
/// parser for anything else.
fn money(field: &[u8]) -> Decimal {
    let (negative, body) = match field {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, field),
    };
    let (int, frac) = match body.iter().position(|&b| b == b'.') {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &body[..0]),
    };
    let digits = || int.iter().chain(frac);
    if !int.is_empty() && int.len() + frac.len() <= 18 && digits().all(u8::is_ascii_digit) {
        let m = digits().fold(0i64, |m, &b| m * 10 + i64::from(b - b'0'));
        return Decimal::new(if negative { -m } else { m }, frac.len() as u32);
    }
    let text = String::from_utf8_lossy(field);
    Decimal::from_str(text.trim()).unwrap_or_else(|_| panic!("bad amount {text:?}"))
}
