//! Properties that must hold for any input (proptest): the output does not
//! depend on row order or thread count, tiers behave as documented, pool shares
//! add up, and participants are independent where no rule relates them.

mod common;

use comp::data::Inputs;
use comp::eval::Options;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::Path;

fn run_csv(plan: &comp::check::Plan, dir: &Path, threads: usize) -> String {
    let inputs = Inputs::new(plan, Some(dir), &[]).expect("inputs");
    let ev = comp::eval::run(plan, &inputs, Options::threads(threads)).unwrap_or_else(|e| panic!("{e:?}"));
    comp::report::csv(plan, &comp::report::statements(&ev))
}

fn sample_rows() -> (String, Vec<String>) {
    let text = std::fs::read_to_string(common::root().join("rules/data/2024/sales.csv")).unwrap();
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap();
    (header, lines.collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The reference plan gives the same bytes whatever the order of the sales
    /// rows and the number of threads.
    #[test]
    fn output_is_independent_of_row_order_and_threads(seed in any::<u64>(), threads in 1usize..5) {
        let root = common::root();
        let plan = common::plan_file(&root.join("rules/sales_2024.comp"));
        let expected = run_csv(&plan, &root.join("rules/data/2024"), 1);
        let (header, mut rows) = sample_rows();
        // A deterministic shuffle from the seed (Fisher–Yates with an LCG).
        let mut state = seed | 1;
        for i in (1..rows.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            rows.swap(i, (state >> 33) as usize % (i + 1));
        }
        let dir = tempfile::tempdir().unwrap();
        for t in ["roster", "quotas"] {
            std::fs::copy(root.join(format!("rules/data/2024/{t}.csv")), dir.path().join(format!("{t}.csv"))).unwrap();
        }
        std::fs::write(dir.path().join("sales.csv"), format!("{header}\n{}\n", rows.join("\n"))).unwrap();
        prop_assert_eq!(run_csv(&plan, dir.path(), threads), expected);
    }
}

const TIER_PLAN: &str = r#"
plan "tiers" {
    currency CNY
    period   year
    year     2024
}
participants roster by participant {
    participant: text
}
events sales by participant on date {
    participant: text
    date:        date
    amount:      money
}
value base = sum(amount)
info marginal = tiers marginal on base {
    0 CNY      to 10,000 CNY : 2%
    10,000 CNY to 50,000 CNY : 5%
    50,000 CNY and above     : 9%
}
info whole = tiers whole on base {
    0 CNY      to 10,000 CNY : 2%
    10,000 CNY to 50,000 CNY : 5%
    50,000 CNY and above     : 9%
}
"#;

/// Runs the tier plan for one participant per base amount (cents), returning
/// (marginal, whole) per amount, in the order given.
fn tier_payouts(amounts: &[i64]) -> Vec<(Decimal, Decimal)> {
    let plan = common::plan_from(TIER_PLAN, &[]);
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..amounts.len()).map(|i| format!("P{i:05}")).collect();
    std::fs::write(dir.path().join("roster.csv"), format!("participant\n{}\n", ids.join("\n"))).unwrap();
    let sales: Vec<String> =
        ids.iter().zip(amounts).map(|(id, c)| format!("{id},2024-05-01,{}", Decimal::new(*c, 2))).collect();
    std::fs::write(dir.path().join("sales.csv"), format!("participant,date,amount\n{}\n", sales.join("\n"))).unwrap();
    let out = common::parse_csv(&run_csv(&plan, dir.path(), 1));
    ids.iter()
        .map(|id| {
            let get = |line: &str| common::line(&out, id, "2024", line).parse::<Decimal>().unwrap();
            (get("marginal"), get("whole"))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Marginal tiers never decrease as the base grows and never jump: a cent
    /// more pays at most the top rate's share of a cent more (plus rounding).
    #[test]
    fn marginal_tiers_are_continuous_and_non_decreasing(mut cents in prop::collection::vec(0i64..10_000_000, 2..40)) {
        cents.sort_unstable();
        let with_next: Vec<i64> = cents.iter().flat_map(|c| [*c, c + 1]).collect();
        let pay = tier_payouts(&with_next);
        for w in pay.windows(2) {
            prop_assert!(w[0].0 <= w[1].0, "marginal decreased: {:?}", w);
        }
        for pair in pay.chunks(2) {
            // one cent more: at most 9% of a cent, which rounds to at most 0.01
            prop_assert!(pair[1].0 - pair[0].0 <= Decimal::new(1, 2), "marginal jumped: {:?}", pair);
        }
    }

    /// Whole-amount tiers jump only at band edges: between edges the payout is
    /// the base times one rate.
    #[test]
    fn whole_tiers_jump_only_at_edges(cents in prop::collection::vec(0i64..10_000_000, 1..40)) {
        let pay = tier_payouts(&cents);
        for (c, (_, whole)) in cents.iter().zip(&pay) {
            let base = Decimal::new(*c, 2);
            let rate = if base < Decimal::from(10_000) { Decimal::new(2, 2) }
                else if base < Decimal::from(50_000) { Decimal::new(5, 2) }
                else { Decimal::new(9, 2) };
            let expected = (base * rate).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            prop_assert_eq!(*whole, expected);
        }
    }
}

const POOL_PLAN: &str = r#"
plan "pool" {
    currency CNY
    period   year
    year     2024
}
participants roster by participant {
    participant: text
    team:        text
}
events sales by participant on date {
    participant: text
    date:        date
    amount:      money
}
value C = sum(amount)
info pool = sum(C) over team × 1%
payout share = share(sum(C) over team × 1%, max(C, 0)) over team
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Shares of a pool add up to the pool, up to each line's rounding: the
    /// residue is at most half a cent per member (each share is rounded on its
    /// own; the residue is not redistributed).
    #[test]
    fn pool_shares_add_up_to_the_pool(cents in prop::collection::vec(1i64..100_000_000, 1..30)) {
        let plan = common::plan_from(POOL_PLAN, &[]);
        let dir = tempfile::tempdir().unwrap();
        let ids: Vec<String> = (0..cents.len()).map(|i| format!("P{i:03}")).collect();
        let roster: Vec<String> = ids.iter().map(|id| format!("{id},T")).collect();
        std::fs::write(dir.path().join("roster.csv"), format!("participant,team\n{}\n", roster.join("\n"))).unwrap();
        let sales: Vec<String> = ids.iter().zip(&cents).map(|(id, c)| format!("{id},2024-05-01,{}", Decimal::new(*c, 2))).collect();
        std::fs::write(dir.path().join("sales.csv"), format!("participant,date,amount\n{}\n", sales.join("\n"))).unwrap();
        let out = common::parse_csv(&run_csv(&plan, dir.path(), 2));
        let total: Decimal = ids.iter().map(|id| common::line(&out, id, "2024", "share").parse::<Decimal>().unwrap()).sum();
        let exact_pool = Decimal::new(cents.iter().sum::<i64>(), 2) * Decimal::new(1, 2);
        let tolerance = Decimal::new(5, 3) * Decimal::from(ids.len());
        prop_assert!((total - exact_pool).abs() <= tolerance, "shares {total} vs pool {exact_pool}");
    }
}

const SOLO_PLAN: &str = r#"
plan "solo" {
    currency CNY
    period   quarter
    year     2024
}
participants roster by participant {
    participant: text
}
events sales by participant on date {
    participant: text
    date:        date
    amount:      money
    new:         bool
}
value C = sum(amount)
payout commission = tiers marginal on max(C, 0) { 0 CNY to 5,000 CNY : 3%  5,000 CNY and above : 6% }
payout kicker = 100 CNY × count(distinct amount where new)
info ytd = sum(C) over ytd
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Where no rule relates participants, evaluating each one alone and
    /// concatenating the results equals evaluating them together.
    #[test]
    fn participants_are_independent(rows in prop::collection::vec((0usize..5, 1u32..366, -50_000i64..900_000, any::<bool>()), 0..60)) {
        let plan = common::plan_from(SOLO_PLAN, &[]);
        let ids: Vec<String> = (0..5).map(|i| format!("P{i}")).collect();
        let line = |(p, day, cents, new): &(usize, u32, i64, bool)| {
            let date = chrono::NaiveDate::from_yo_opt(2024, *day).unwrap();
            format!("{},{},{},{}", ids[*p], date, Decimal::new(*cents, 2), new)
        };
        let write = |dir: &Path, who: &[usize]| {
            let roster: Vec<&str> = who.iter().map(|p| ids[*p].as_str()).collect();
            std::fs::write(dir.join("roster.csv"), format!("participant\n{}\n", roster.join("\n"))).unwrap();
            let sales: Vec<String> = rows.iter().filter(|r| who.contains(&r.0)).map(line).collect();
            std::fs::write(dir.join("sales.csv"), format!("participant,date,amount,new\n{}\n", sales.join("\n"))).unwrap();
        };
        let all = tempfile::tempdir().unwrap();
        write(all.path(), &[0, 1, 2, 3, 4]);
        let together = run_csv(&plan, all.path(), 2);
        let mut separately = String::from("participant,period,line,amount\n");
        for p in 0..5 {
            let one = tempfile::tempdir().unwrap();
            write(one.path(), &[p]);
            separately.push_str(run_csv(&plan, one.path(), 1).split_once('\n').unwrap().1);
        }
        prop_assert_eq!(together, separately);
    }
}
