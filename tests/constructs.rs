//! One small plan per construct of the language, each with an expected figure
//! worked out by hand in the comment above the assertion.

mod common;

use common::{line, run_inline};

const HEADER: &str = r#"
plan "construct" {
    currency CNY
    period   quarter
    year     2024
}
participants roster by participant {
    participant: text
    role:        text
    team:        text
}
lookup quotas by rep {
    rep:          text
    annual_quota: money
}
events sales by rep on date {
    date:         date
    rep:          text
    customer:     text
    new_customer: bool
    amount:       money
}
"#;

const ROSTER: &str = "participant,role,team\nR1,rep,A\nR2,rep,A\nR3,rep,B\nM1,manager,A\n";
const QUOTAS: &str = "rep,annual_quota\nR1,400000\nR2,400000\nR3,400000\n";

fn run(body: &str, sales: &str) -> common::Payouts {
    run_with(body, sales, &[])
}

fn run_with(body: &str, sales: &str, sets: &[(&str, &str)]) -> common::Payouts {
    let plan = format!("{HEADER}\n{body}");
    let sales = format!("date,rep,customer,new_customer,amount\n{sales}");
    run_inline(&plan, &[("roster", ROSTER), ("quotas", QUOTAS), ("sales", &sales)], sets)
}

#[test]
fn marginal_tiers_pay_each_band_on_its_part() {
    let out = run(
        r#"payout pay = tiers marginal on sum(amount) {
            0 CNY     to 1,000 CNY : 1%
            1,000 CNY to 3,000 CNY : 2%
            3,000 CNY and above    : 5%
        }"#,
        "2024-01-05,R1,C1,false,4500\n2024-04-01,R1,C1,false,1000\n",
    );
    // Q1: 4,500 = 1,000 × 1% + 2,000 × 2% + 1,500 × 5% = 10 + 40 + 75 = 125
    assert_eq!(line(&out, "R1", "2024-Q1", "pay"), "125.00");
    // Q2: exactly 1,000 fills the first band: 10; the second band has no part.
    assert_eq!(line(&out, "R1", "2024-Q2", "pay"), "10.00");
    // Q3: no sales: 0
    assert_eq!(line(&out, "R1", "2024-Q3", "pay"), "0.00");
}

#[test]
fn whole_tiers_pay_the_reached_band_on_everything_and_edges_go_up() {
    let out = run(
        r#"payout pay = tiers whole on sum(amount) {
            0 CNY     to 1,000 CNY : 1%
            1,000 CNY to 3,000 CNY : 2%
            3,000 CNY and above    : 5%
        }"#,
        "2024-01-05,R1,C1,false,4500\n2024-04-01,R1,C1,false,1000\n2024-07-01,R1,C1,false,999.99\n",
    );
    // Q1: 4,500 reaches the 5% band: 4,500 × 5% = 225
    assert_eq!(line(&out, "R1", "2024-Q1", "pay"), "225.00");
    // Q2: exactly 1,000 is on an edge and enters the higher band: 1,000 × 2% = 20
    assert_eq!(line(&out, "R1", "2024-Q2", "pay"), "20.00");
    // Q3: 999.99 × 1% = 9.9999 → 10.00
    assert_eq!(line(&out, "R1", "2024-Q3", "pay"), "10.00");
}

#[test]
fn bands_as_percent_of_quota() {
    let out = run(
        r#"
        section reps where role == "rep" {
            value Q = quotas.annual_quota × 25%
            payout pay = tiers marginal on max(sum(amount), 0) of Q {
                0%   to 100%    : 3%
                100% to 130%    : 5%
                130% and above  : 7%
            }
        }"#,
        "2024-01-05,R1,C1,false,140000\n2024-01-06,R2,C1,false,-500\n",
    );
    // Q = 400,000 × 25% = 100,000; C = 140,000:
    // 100,000 × 3% + 30,000 × 5% + 10,000 × 7% = 3,000 + 1,500 + 700 = 5,200
    assert_eq!(line(&out, "R1", "2024-Q1", "pay"), "5200.00");
    // A negative credit is floored at 0 by max(..., 0): nothing.
    assert_eq!(line(&out, "R2", "2024-Q1", "pay"), "0.00");
}

#[test]
fn fixed_amount_bands() {
    let out = run(
        r#"
        section reps where role == "rep" {
            value A = sum(amount) / (quotas.annual_quota × 25%)
            payout kicker = tiers whole on A {
                0%   to 50%    : 0 CNY
                50%  to 100%   : 500 CNY
                100% and above : 1,000 CNY
            }
        }"#,
        "2024-01-05,R1,C1,false,60000\n2024-01-06,R2,C1,false,100000\n",
    );
    // R1: 60,000 / 100,000 = 60% → the 50–100% band: 500
    assert_eq!(line(&out, "R1", "2024-Q1", "kicker"), "500.00");
    // R2: exactly 100% → the top band: 1,000
    assert_eq!(line(&out, "R2", "2024-Q1", "kicker"), "1000.00");
}

#[test]
fn tiers_inside_a_row_aggregate_apply_per_transaction() {
    let out = run(
        r#"payout pay = sum(tiers marginal on amount {
            0 CNY     to 1,000 CNY : 1%
            1,000 CNY and above    : 2%
        })"#,
        "2024-01-05,R1,C1,false,1500\n2024-01-06,R1,C1,false,500\n",
    );
    // Each row restarts at zero: 1,500 → 10 + 10 = 20; 500 → 5. Total 25
    // (cumulatively 2,000 would pay 10 + 20 = 30).
    assert_eq!(line(&out, "R1", "2024-Q1", "pay"), "25.00");
}

#[test]
fn count_distinct_with_having_groups_inside_a_participant() {
    let out = run(
        r#"payout bonus = 1,000 CNY × count(distinct customer where new_customer having sum(amount) >= 20,000 CNY)"#,
        "2024-01-05,R1,N1,true,15000\n\
         2024-01-06,R1,N1,true,5000\n\
         2024-01-07,R1,N2,true,19999.99\n\
         2024-01-08,R1,N3,false,50000\n\
         2024-01-09,R1,N4,true,30000\n\
         2024-01-10,R1,N4,true,-10000.01\n",
    );
    // N1: 15,000 + 5,000 = 20,000 ≥ 20,000 ✓; N2: 19,999.99 ✗; N3: not new;
    // N4: 30,000 − 10,000.01 = 19,999.99 ✗ (a refund counts). One customer: 1,000
    assert_eq!(line(&out, "R1", "2024-Q1", "bonus"), "1000.00");
}

#[test]
fn team_sums_and_pool_shares_round_half_away_from_zero() {
    let out = run(
        r#"
        section reps where role == "rep" {
            value C = sum(amount)
            value TC = sum(C) over team
            info team_total = TC
            payout team_bonus = share(TC × 1%, max(C, 0)) over team
        }
        section managers where role == "manager" {
            payout override = sum(C) over team × 0.5%
        }"#,
        "2024-01-05,R1,C1,false,20429.50\n2024-01-06,R2,C1,false,20429.50\n2024-01-07,R3,C1,false,1000\n",
    );
    // Team A = R1 + R2 = 40,859; team B = R3 alone.
    assert_eq!(line(&out, "R1", "2024-Q1", "team_total"), "40859.00");
    assert_eq!(line(&out, "R3", "2024-Q1", "team_total"), "1000.00");
    // Pool 408.59 split 1:1 = 204.295 each, exactly half a cent: 204.30 (四舍五入).
    assert_eq!(line(&out, "R1", "2024-Q1", "team_bonus"), "204.30");
    assert_eq!(line(&out, "R2", "2024-Q1", "team_bonus"), "204.30");
    // The manager of team A: 40,859 × 0.5% = 204.295 → 204.30; managers get only their lines.
    assert_eq!(line(&out, "M1", "2024-Q1", "override"), "204.30");
    assert_eq!(line(&out, "M1", "2024-Q1", "total"), "204.30");
    assert!(!out.contains_key(&("M1".into(), "2024-Q1".into(), "team_bonus".into())));
}

#[test]
fn ranks_share_ties() {
    let out = run(
        r#"
        section reps where role == "rep" {
            value C = sum(amount)
            info place = rank(C) over all × 1 CNY
            payout prize = if rank(C) over all == 1 then 100 CNY
        }"#,
        "2024-01-05,R1,C1,false,500\n2024-01-06,R2,C1,false,500\n2024-01-07,R3,C1,false,100\n",
    );
    // R1 and R2 tie for first (rank 1 each), R3 is third (1, 1, 3).
    assert_eq!(line(&out, "R1", "2024-Q1", "place"), "1.00");
    assert_eq!(line(&out, "R2", "2024-Q1", "place"), "1.00");
    assert_eq!(line(&out, "R3", "2024-Q1", "place"), "3.00");
    assert_eq!(line(&out, "R1", "2024-Q1", "prize"), "100.00");
    assert_eq!(line(&out, "R2", "2024-Q1", "prize"), "100.00");
    assert_eq!(line(&out, "R3", "2024-Q1", "prize"), "0.00");
}

#[test]
fn values_across_periods_year_ytd_and_prev() {
    let out = run(
        r#"
        value C = sum(amount)
        info year_total = sum(C) over year
        info to_date = sum(C) over ytd
        info rows_to_date = sum(amount) over ytd
        info last_quarter = prev(C, 0 CNY)
        info running = prev(running, 0 CNY) + C
        "#,
        "2024-01-05,R1,C1,false,100\n2024-05-06,R1,C1,false,200\n2024-11-07,R1,C1,false,400\n",
    );
    // Quarters: 100, 200, 0, 400; the year: 700 in every quarter.
    assert_eq!(line(&out, "R1", "2024-Q1", "year_total"), "700.00");
    assert_eq!(line(&out, "R1", "2024-Q2", "to_date"), "300.00");
    assert_eq!(line(&out, "R1", "2024-Q3", "rows_to_date"), "300.00");
    assert_eq!(line(&out, "R1", "2024-Q4", "to_date"), "700.00");
    // prev: Q1 takes the default 0; Q3 sees Q2's 200.
    assert_eq!(line(&out, "R1", "2024-Q1", "last_quarter"), "0.00");
    assert_eq!(line(&out, "R1", "2024-Q3", "last_quarter"), "200.00");
    // A running balance defined by its own previous value: 100, 300, 300, 700.
    assert_eq!(line(&out, "R1", "2024-Q4", "running"), "700.00");
}

#[test]
fn gates_caps_and_conditions() {
    let out = run(
        r#"
        value C = sum(amount)
        value base = C × 10%
        value gated = if C < 1,000 CNY then base × 50% else base
        payout pay = min(gated, 150 CNY)
        payout clamped = clamp(C - 1,000 CNY, 0, 100 CNY)
        "#,
        "2024-01-05,R1,C1,false,800\n2024-01-06,R2,C1,false,2000\n2024-01-07,R3,C1,false,1050\n",
    );
    // R1: 800 × 10% = 80, gated (< 1,000) → 40
    assert_eq!(line(&out, "R1", "2024-Q1", "pay"), "40.00");
    // R2: 2,000 × 10% = 200, capped at 150
    assert_eq!(line(&out, "R2", "2024-Q1", "pay"), "150.00");
    // clamp(C − 1,000, 0, 100): R1 −200 → 0; R2 1,000 → 100; R3 50 → 50
    assert_eq!(line(&out, "R1", "2024-Q1", "clamped"), "0.00");
    assert_eq!(line(&out, "R2", "2024-Q1", "clamped"), "100.00");
    assert_eq!(line(&out, "R3", "2024-Q1", "clamped"), "50.00");
}

#[test]
fn rounding_where_the_plan_says() {
    let out = run(
        r#"
        value C = sum(amount)
        info even = round(C × 1%, 0.01, half_even)
        info away = round(C × 1%, 0.01)
        info hundreds = round(C, 100)
        info down = round(C × 1%, 1, down)
        "#,
        "2024-01-05,R1,C1,false,234.50\n2024-01-06,R2,C1,false,-234.50\n",
    );
    // 234.50 × 1% = 2.345: half_even → 2.34; half away from zero → 2.35
    assert_eq!(line(&out, "R1", "2024-Q1", "even"), "2.34");
    assert_eq!(line(&out, "R1", "2024-Q1", "away"), "2.35");
    // −2.345 rounds away from zero to −2.35
    assert_eq!(line(&out, "R2", "2024-Q1", "away"), "-2.35");
    // 234.50 to hundreds: 200; 2.345 down to 1: 2
    assert_eq!(line(&out, "R1", "2024-Q1", "hundreds"), "200.00");
    assert_eq!(line(&out, "R1", "2024-Q1", "down"), "2.00");
}

#[test]
fn info_lines_are_shown_but_not_paid() {
    let out = run(
        r#"
        info shown = 1,000 CNY
        payout paid = 250 CNY
        payout also_paid = 0.5 × 100 CNY
        "#,
        "",
    );
    // total = 250 + 50; the info line's 1,000 is not added.
    assert_eq!(line(&out, "R1", "2024-Q2", "total"), "300.00");
    assert_eq!(line(&out, "R1", "2024-Q2", "shown"), "1000.00");
}

#[test]
fn parameters_can_be_set_per_run_and_per_period() {
    let body = r#"
        param rate = 10%
        param weight = by quarter { Q1: 10%, Q2: 20%, Q3: 30%, Q4: 40% }
        payout pay = sum(amount) × rate
        payout weighted = 1,000 CNY × weight
    "#;
    let sales = "2024-01-05,R1,C1,false,1000\n";
    let out = run(body, sales);
    // 1,000 × 10% = 100; Q3's weight: 1,000 × 30% = 300
    assert_eq!(line(&out, "R1", "2024-Q1", "pay"), "100.00");
    assert_eq!(line(&out, "R1", "2024-Q3", "weighted"), "300.00");
    let out = run_with(body, sales, &[("rate", "12.5%")]);
    // --set rate=12.5%: 1,000 × 12.5% = 125
    assert_eq!(line(&out, "R1", "2024-Q1", "pay"), "125.00");
}

#[test]
fn a_participant_in_no_section_gets_no_lines() {
    let out = run(
        r#"
        section reps where role == "rep" {
            payout pay = sum(amount)
        }"#,
        "2024-01-05,R1,C1,false,1000\n",
    );
    assert_eq!(line(&out, "R1", "2024-Q1", "pay"), "1000.00");
    assert!(out.keys().all(|(p, _, _)| p != "M1"), "the manager is in no section: {out:#?}");
}

#[test]
fn monthly_plans_take_quarterly_values() {
    let plan = r#"
plan "monthly" {
    currency CNY
    period   month
    year     2024
}
participants roster by participant {
    participant: text
}
events sales by rep on date {
    date:   date
    rep:    text
    amount: money
}
param weight = by quarter { Q1: 1%, Q2: 2%, Q3: 3%, Q4: 4% }
payout pay = sum(amount) × weight
payout in_quarter = if quarter == 2 and month == 5 then 1 CNY
"#;
    let out = run_inline(
        plan,
        &[("roster", "participant\nP\n"), ("sales", "date,rep,amount\n2024-05-31,P,1000\n2024-12-01,P,1000\n")],
        &[],
    );
    // May is in Q2: 1,000 × 2% = 20; December in Q4: 1,000 × 4% = 40.
    assert_eq!(line(&out, "P", "2024-05", "pay"), "20.00");
    assert_eq!(line(&out, "P", "2024-12", "pay"), "40.00");
    assert_eq!(line(&out, "P", "2024-05", "in_quarter"), "1.00");
    assert_eq!(line(&out, "P", "2024-04", "in_quarter"), "0.00");
}
