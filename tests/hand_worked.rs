//! The reference plan (`rules/sales_2024.comp`) on its sample data
//! (`rules/data/2024`), checked against figures worked out by hand.
//!
//! Team `east` (reps R01, R02, R03 and their manager M1) was written for this
//! test: few rows, round numbers, so that every line of every quarter can be
//! worked out on paper from the rows of `sales.csv` (cited by id). Between
//! them these four cover every rule of the plan and the edges of its
//! comparisons: all three commission bands, the collection-rate gate (and a
//! rate of exactly 60%, not gated), the cap (and the gate applying before
//! it), the `new_energy` credit, refunds and a negative quarterly credit,
//! new-customer bonuses (one customer at exactly 20,000, one under it), the
//! target bonus (once at exactly 100%), team-bonus quarters paid (once at
//! exactly the team quota) and not paid, exact half cents before rounding,
//! the manager override, a champion tied with a rep of another team, and the
//! year's deferred commission released (R01 at an annual rate of exactly 80%,
//! R02) and forfeited (R03).
//!
//! The tests:
//! - the engine (`comp run ... --format csv`) gives the hand-worked figures;
//! - the reference implementation (`support/reference_plan.rs`) gives them too,
//!   so the oracle itself is pinned by figures a person checked;
//! - the engine's output equals the reference implementation's, byte for
//!   byte, for every participant and line of the sample data.

#[path = "support/reference_plan.rs"]
mod reference_plan;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const PLAN: &str = "rules/sales_2024.comp";
const DATA: &str = "rules/data/2024";

/// Runs `comp run PLAN --data DATA --format csv` from the crate root.
fn engine_output() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", PLAN, "--data", DATA, "--format", "csv"])
        .output()
        .expect("failed to start the comp binary");
    assert!(
        output.status.success(),
        "comp run failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("comp printed invalid UTF-8")
}

fn reference_output() -> String {
    reference_plan::run(&Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA))
}

/// (participant, period, line) → amount, as printed.
type Payouts = BTreeMap<(String, String, String), String>;

fn parse(csv: &str) -> Payouts {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("participant,period,line,amount"));
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 4, "not 4 fields: {line:?}");
            ((fields[0].to_string(), fields[1].to_string(), fields[2].to_string()), fields[3].to_string())
        })
        .collect()
}

/// The nine lines of a rep for one quarter, as they must be printed.
struct RepQuarter {
    commission: &'static str,
    commission_paid: &'static str,
    commission_deferred: &'static str,
    new_customer_bonus: &'static str,
    target_bonus: &'static str,
    team_bonus: &'static str,
    champion_award: &'static str,
    deferred_release: &'static str,
    total: &'static str,
}

/// Collects every mismatch, so that one run reports them all.
struct Checker {
    payouts: Payouts,
    mismatches: Vec<String>,
}

impl Checker {
    fn new(csv: &str) -> Checker {
        Checker { payouts: parse(csv), mismatches: Vec::new() }
    }

    fn line(&mut self, participant: &str, period: &str, line: &str, expected: &str) {
        let key = (participant.to_string(), period.to_string(), line.to_string());
        match self.payouts.get(&key) {
            Some(actual) if actual == expected => {}
            Some(actual) => {
                self.mismatches.push(format!("{participant} {period} {line}: expected {expected}, got {actual}"))
            }
            None => self.mismatches.push(format!("{participant} {period} {line}: expected {expected}, line missing")),
        }
    }

    fn rep(&mut self, rep: &str, period: &str, q: RepQuarter) {
        self.line(rep, period, "commission", q.commission);
        self.line(rep, period, "commission_paid", q.commission_paid);
        self.line(rep, period, "commission_deferred", q.commission_deferred);
        self.line(rep, period, "new_customer_bonus", q.new_customer_bonus);
        self.line(rep, period, "target_bonus", q.target_bonus);
        self.line(rep, period, "team_bonus", q.team_bonus);
        self.line(rep, period, "champion_award", q.champion_award);
        self.line(rep, period, "deferred_release", q.deferred_release);
        self.line(rep, period, "total", q.total);
    }

    fn manager(&mut self, manager: &str, period: &str, manager_override: &str) {
        self.line(manager, period, "manager_override", manager_override);
        // A manager is paid the override only.
        self.line(manager, period, "total", manager_override);
    }

    fn finish(self, source: &str) {
        assert!(
            self.mismatches.is_empty(),
            "{source} differs from the hand-worked figures:\n{}",
            self.mismatches.join("\n")
        );
    }
}

/// The hand-worked figures of team `east`.
///
/// Quotas (quotas.csv): R01 400,000; R02 600,000; R03 5,000,000. Quarterly
/// quota Q = annual × 20% / 25% / 25% / 30%:
///   R01  80,000 / 100,000 / 100,000 / 120,000
///   R02 120,000 / 150,000 / 150,000 / 180,000
///   R03 1,000,000 / 1,250,000 / 1,250,000 / 1,500,000
/// so the team quota TQ is 1,200,000 / 1,500,000 / 1,500,000 / 1,800,000.
/// Bands: 3% of C up to Q, 5% from Q to 1.3 Q, 7% above 1.3 Q.
fn check_east(payouts: &str, source: &str) {
    let mut c = Checker::new(payouts);

    // ---- R01 -------------------------------------------------------------
    // Q1: S0016 C0101 (new customer) contract 100,000, collected 40,000;
    //     S0069 C0101 (new customer) collected 20,000.
    //     C = 60,000; Q = 80,000; A = 75%. R = 60,000 / 100,000 = 60%.
    c.rep(
        "R01",
        "2024-Q1",
        RepQuarter {
            // 3% × 60,000; R = 60% is not below 60%, so no gate.
            commission: "1800.00",
            // 80% × 1,800
            commission_paid: "1440.00",
            // 1,800 − 1,440
            commission_deferred: "360.00",
            // C0101: 40,000 + 20,000 = 60,000 ≥ 20,000 → one new customer.
            new_customer_bonus: "1000.00",
            // A = 75% < 100%
            target_bonus: "0.00",
            // east TC = 60,000 − 5,000 (R02) + 750,000 (R03) = 805,000
            // < TQ 1,200,000: no pool.
            team_bonus: "0.00",
            champion_award: "0.00",
            deferred_release: "0.00",
            // 1,440 + 1,000
            total: "2440.00",
        },
    );
    // Q2: S0129 C0103 new_energy collected 50,000 (credit × 120% = 60,000),
    //     contract 50,000; S0165 C0104 collected 45,000; S0231 C0102 (new
    //     customer) contract 15,000, collected 15,000.
    //     C = 60,000 + 45,000 + 15,000 = 120,000; Q = 100,000; A = 120%.
    //     R = 110,000 / 65,000 = 169%.
    c.rep(
        "R01",
        "2024-Q2",
        RepQuarter {
            // 3% × 100,000 + 5% × 20,000 = 3,000 + 1,000
            commission: "4000.00",
            // 80% × 4,000
            commission_paid: "3200.00",
            commission_deferred: "800.00",
            // C0102 collected 15,000 < 20,000: does not count.
            new_customer_bonus: "0.00",
            // A = 120% ≥ 100%
            target_bonus: "5000.00",
            // east TC = 120,000 + 130,000 + 1,250,000 = 1,500,000 = TQ: the
            // team reaches its quota exactly, so the pool 1% × TC = 15,000
            // is paid. Every member's C is positive, so Σ max(C, 0) = TC and
            // a share is 1% of one's C: 15,000 × 120,000 / 1,500,000.
            team_bonus: "1200.00",
            champion_award: "0.00",
            deferred_release: "0.00",
            // 3,200 + 5,000 + 1,200
            total: "9400.00",
        },
    );
    // Q3: S0260 C0105 contract 100,000, collected 40,000; S0332 C0104 refund
    //     −10,000. C = 30,000; Q = 100,000; A = 30%.
    //     R = 30,000 / 100,000 = 30% < 60%: gated.
    c.rep(
        "R01",
        "2024-Q3",
        RepQuarter {
            // 3% × 30,000 = 900, halved by the gate
            commission: "450.00",
            // 80% × 450
            commission_paid: "360.00",
            commission_deferred: "90.00",
            new_customer_bonus: "0.00",
            target_bonus: "0.00",
            // east TC = 30,000 + 152,824.50 + 2,500,000 = 2,682,824.50
            // ≥ TQ 1,500,000: pool = 1% × TC = 26,828.245. Every member's C
            // is positive, so Σ max(C, 0) = TC and a share is 1% of one's C:
            // 26,828.245 × 30,000 / 2,682,824.50 = 1% × 30,000.
            team_bonus: "300.00",
            champion_award: "0.00",
            deferred_release: "0.00",
            // 360 + 300
            total: "660.00",
        },
    );
    // Q4: S0397 C0105 collected 60,000; S0435 C0103 new_energy contract
    //     185,000, collected 100,000 (credit 120,000).
    //     C = 180,000; Q = 120,000; 1.3 Q = 156,000; A = 150%.
    //     R = 160,000 / 185,000 = 86%.
    c.rep(
        "R01",
        "2024-Q4",
        RepQuarter {
            // Top band: 3% × 120,000 + 5% × 36,000 + 7% × 24,000
            //         = 3,600 + 1,800 + 1,680
            commission: "7080.00",
            // 80% × 7,080
            commission_paid: "5664.00",
            commission_deferred: "1416.00",
            new_customer_bonus: "0.00",
            target_bonus: "5000.00",
            // east TC = 180,000 + 198,000 + 3,000,000 = 3,378,000 ≥ TQ
            // 1,800,000: pool = 33,780; all C positive: 1% × 180,000.
            team_bonus: "1800.00",
            // Annual attainment 390,000 / 400,000 = 97.5%, not the highest.
            champion_award: "0.00",
            // Year: collected 60,000 + 110,000 + 30,000 + 160,000 = 360,000,
            // contracts 100,000 + 65,000 + 100,000 + 185,000 = 450,000:
            // rate exactly 80% ≥ 80%, so the deferred 360 + 800 + 90 + 1,416
            // is paid.
            deferred_release: "2666.00",
            // 5,664 + 5,000 + 1,800 + 2,666
            total: "15130.00",
        },
    );

    // ---- R02 -------------------------------------------------------------
    // Q1: only S0091, a refund of −5,000 (C0201): C = −5,000 < 0.
    c.rep(
        "R02",
        "2024-Q1",
        RepQuarter {
            // A negative C earns no commission.
            commission: "0.00",
            commission_paid: "0.00",
            commission_deferred: "0.00",
            new_customer_bonus: "0.00",
            target_bonus: "0.00",
            // No pool for east in Q1 (and C ≤ 0 would get no share anyway).
            team_bonus: "0.00",
            champion_award: "0.00",
            deferred_release: "0.00",
            total: "0.00",
        },
    );
    // Q2: S0148 C0201 collected 80,000; S0174 C0203 (new) contract 20,000,
    //     collected 12,000; S0213 C0203 (new) collected 8,000; S0244 C0204
    //     (new) contract 50,000, collected 30,000.
    //     C = 130,000; Q = 150,000; A = 86.7%. R = 130,000 / 70,000 = 186%.
    c.rep(
        "R02",
        "2024-Q2",
        RepQuarter {
            // 3% × 130,000
            commission: "3900.00",
            // 80% × 3,900
            commission_paid: "3120.00",
            commission_deferred: "780.00",
            // C0203: 12,000 + 8,000 = 20,000, exactly the threshold: counts,
            // once; C0204: 30,000 counts. Two new customers × 1,000.
            new_customer_bonus: "2000.00",
            target_bonus: "0.00",
            // A team bonus without the target bonus: east's pool of 15,000
            // (TC = TQ = 1,500,000) shared by C: 1% × 130,000.
            team_bonus: "1300.00",
            champion_award: "0.00",
            deferred_release: "0.00",
            // 3,120 + 2,000 + 1,300
            total: "6420.00",
        },
    );
    // Q3: S0281 C0201 contract 200,000, collected 100,000; S0352 C0202
    //     collected 52,824.50. C = 152,824.50; Q = 150,000; A = 101.9%.
    //     R = 152,824.50 / 200,000 = 76%.
    c.rep(
        "R02",
        "2024-Q3",
        RepQuarter {
            // 3% × 150,000 + 5% × 2,824.50 = 4,500 + 141.225 = 4,641.225:
            // an exact half cent, rounded away from zero (half-even would
            // give 4,641.22).
            commission: "4641.23",
            // 80% × 4,641.23 = 3,712.984
            commission_paid: "3712.98",
            // 4,641.23 − 3,712.98
            commission_deferred: "928.25",
            new_customer_bonus: "0.00",
            // A ≥ 100%
            target_bonus: "5000.00",
            // 26,828.245 × 152,824.50 / 2,682,824.50 = 1,528.245 exactly:
            // half a cent, rounded away from zero (half-even gives 1,528.24).
            team_bonus: "1528.25",
            champion_award: "0.00",
            deferred_release: "0.00",
            // 3,712.98 + 5,000 + 1,528.25
            total: "10241.23",
        },
    );
    // Q4: S0384 C0202 collected 98,000; S0459 C0201 contract 200,000,
    //     collected 100,000. C = 198,000; Q = 180,000; 1.3 Q = 234,000;
    //     A = 110%. R = 99%.
    c.rep(
        "R02",
        "2024-Q4",
        RepQuarter {
            // 3% × 180,000 + 5% × 18,000 = 5,400 + 900
            commission: "6300.00",
            // 80% × 6,300
            commission_paid: "5040.00",
            commission_deferred: "1260.00",
            new_customer_bonus: "0.00",
            target_bonus: "5000.00",
            // 1% × 198,000 (east pool 33,780, all C positive)
            team_bonus: "1980.00",
            // Annual attainment 475,824.50 / 600,000 = 79.3%.
            champion_award: "0.00",
            // Year: collected −5,000 + 130,000 + 152,824.50 + 198,000
            // = 475,824.50 over contracts 470,000: 101% ≥ 80%, so the
            // deferred 0 + 780 + 928.25 + 1,260 is paid.
            deferred_release: "2968.25",
            // 5,040 + 5,000 + 1,980 + 2,968.25
            total: "14988.25",
        },
    );

    // ---- R03 (a key account: large quota) ----------------------------------
    // Q1: S0042 C0301 contract 1,000,000, collected 750,000.
    //     C = 750,000; Q = 1,000,000; A = 75%. R = 75%.
    c.rep(
        "R03",
        "2024-Q1",
        RepQuarter {
            // 3% × 750,000
            commission: "22500.00",
            // 80% × 22,500
            commission_paid: "18000.00",
            commission_deferred: "4500.00",
            new_customer_bonus: "0.00",
            target_bonus: "0.00",
            // east missed in Q1.
            team_bonus: "0.00",
            champion_award: "0.00",
            deferred_release: "0.00",
            total: "18000.00",
        },
    );
    // Q2: S0188 C0301 collected 250,000; S0222 C0302 contract 1,000,000,
    //     collected 1,000,000. C = 1,250,000 = Q: A = 100% exactly.
    c.rep(
        "R03",
        "2024-Q2",
        RepQuarter {
            // All of C in the first band: 3% × 1,250,000
            commission: "37500.00",
            // 80% × 37,500
            commission_paid: "30000.00",
            commission_deferred: "7500.00",
            new_customer_bonus: "0.00",
            // A = 100% ≥ 100%: the bonus is paid at exactly the quota.
            target_bonus: "5000.00",
            // 1% × 1,250,000 (east pool 15,000, TC = TQ)
            team_bonus: "12500.00",
            champion_award: "0.00",
            deferred_release: "0.00",
            // 30,000 + 5,000 + 12,500
            total: "47500.00",
        },
    );
    // Q3: S0301 C0303 contract 5,000,000, collected 2,500,000.
    //     C = 2,500,000; Q = 1,250,000; 1.3 Q = 1,625,000; A = 200%.
    //     R = 2,500,000 / 5,000,000 = 50% < 60%: gated.
    c.rep(
        "R03",
        "2024-Q3",
        RepQuarter {
            // 3% × 1,250,000 + 5% × 375,000 + 7% × 875,000
            // = 37,500 + 18,750 + 61,250 = 117,500, halved by the gate to
            // 58,750, under the cap. (Capping first would give 50,000.)
            commission: "58750.00",
            // 80% × 58,750
            commission_paid: "47000.00",
            commission_deferred: "11750.00",
            new_customer_bonus: "0.00",
            // The gate halves the commission, not the attainment: A = 200%.
            target_bonus: "5000.00",
            // 1% × 2,500,000 (east pool 26,828.245, all C positive)
            team_bonus: "25000.00",
            champion_award: "0.00",
            deferred_release: "0.00",
            // 47,000 + 5,000 + 25,000
            total: "77000.00",
        },
    );
    // Q4: S0419 C0303 collected 1,000,000; S0482 C0302 contract 3,000,000,
    //     collected 2,000,000. C = 3,000,000; Q = 1,500,000; 1.3 Q =
    //     1,950,000; A = 200%. R = 100%.
    c.rep(
        "R03",
        "2024-Q4",
        RepQuarter {
            // 3% × 1,500,000 + 5% × 450,000 + 7% × 1,050,000
            // = 45,000 + 22,500 + 73,500 = 141,000, capped at 100,000.
            commission: "100000.00",
            // 80% × 100,000
            commission_paid: "80000.00",
            commission_deferred: "20000.00",
            new_customer_bonus: "0.00",
            target_bonus: "5000.00",
            // 1% × 3,000,000 (east pool 33,780, all C positive)
            team_bonus: "30000.00",
            // Annual attainment (750,000 + 1,250,000 + 2,500,000 + 3,000,000)
            // / 5,000,000 = 150%, the year's highest, tied exactly with R20
            // (1,800,000 / 1,200,000) of team south: both get the award.
            champion_award: "20000.00",
            // Year: collected 7,500,000 over contracts 10,000,000 = 75% < 80%:
            // the deferred 4,500 + 7,500 + 11,750 + 20,000 = 43,750 is
            // forfeited.
            deferred_release: "0.00",
            // 80,000 + 5,000 + 30,000 + 20,000
            total: "135000.00",
        },
    );

    // ---- M1, manager of east: 0.5% of TC when TC > 0 ------------------------
    // Q1: TC = 60,000 − 5,000 + 750,000 = 805,000 → 0.5% = 4,025 (paid
    // although the team missed its quota: only TC > 0 is required).
    c.manager("M1", "2024-Q1", "4025.00");
    // Q2: TC = 120,000 + 130,000 + 1,250,000 = 1,500,000 → 7,500.
    c.manager("M1", "2024-Q2", "7500.00");
    // Q3: TC = 30,000 + 152,824.50 + 2,500,000 = 2,682,824.50
    // → 13,414.1225, rounded to 13,414.12.
    c.manager("M1", "2024-Q3", "13414.12");
    // Q4: TC = 180,000 + 198,000 + 3,000,000 = 3,378,000 → 16,890.
    c.manager("M1", "2024-Q4", "16890.00");

    c.finish(source);
}

#[test]
fn engine_gives_the_hand_worked_figures() {
    check_east(&engine_output(), "comp run");
}

#[test]
fn reference_gives_the_hand_worked_figures() {
    check_east(&reference_output(), "the reference implementation");
}

#[test]
fn engine_matches_the_reference_byte_for_byte() {
    let expected = reference_output();
    let actual = engine_output();
    if actual == expected {
        return;
    }
    let exp: Vec<&str> = expected.lines().collect();
    let act: Vec<&str> = actual.lines().collect();
    let first = exp.iter().zip(&act).position(|(e, a)| e != a).unwrap_or(exp.len().min(act.len()));
    if first == exp.len() && first == act.len() {
        panic!("comp run prints the reference's lines, but its line endings differ");
    }
    panic!(
        "comp run differs from the reference implementation: {} lines expected, {} printed; \
         first difference at line {}:\n  expected: {:?}\n  printed:  {:?}",
        exp.len(),
        act.len(),
        first + 1,
        exp.get(first),
        act.get(first),
    );
}
