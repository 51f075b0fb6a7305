//! Row formulas have two evaluation paths: compiled into closures once
//! (`src/eval/compiled.rs`, what runs) and the general interpreter (for
//! what is not compiled, and for explanations). The same plans and rows go
//! through both here, and must give the same payouts and the same faults.

mod common;

use comp::data::{self, Inputs};
use comp::eval::{self, Options, RowProgram, RunError};
use comp::report;
use std::path::Path;

/// The plan's CSV payouts and its rows' aggregates at full precision (every
/// sum with its scale), or its errors as text, through one path.
fn run(plan: &comp::check::Plan, data: &Path, interpret_rows: bool) -> String {
    let inputs = Inputs::new(plan, Some(data), &[]).expect("inputs");
    match eval::run(plan, &inputs, Options { interpret_rows, ..Options::threads(1) }) {
        Ok(ev) => format!("{}\n{:?}", report::csv(plan, &report::statements(&ev)), ev.accumulators),
        Err(RunError::Eval(errors)) => format!("{errors:#?}"),
        Err(RunError::Data(errors)) => panic!("bad data: {errors:?}"),
    }
}

/// How many of the plan's row values are compiled.
fn compiled(plan: &comp::check::Plan, data: &Path) -> usize {
    let inputs = Inputs::new(plan, Some(data), &[]).expect("inputs");
    let statics = data::load_static(plan, &inputs).expect("static tables");
    let count = RowProgram::new(plan, &statics).expect("program").compiled_count();
    count
}

fn both_paths(plan: &comp::check::Plan, data: &Path) -> String {
    let (compiled, interpreted) = (run(plan, data, false), run(plan, data, true));
    assert_eq!(compiled, interpreted, "the two paths differ on {}", data.display());
    compiled
}

#[test]
fn every_sample_plan_pays_the_same_through_both_paths() {
    let root = common::root();
    let mut plans = vec![(root.join("rules/sales_2024.comp"), root.join("rules/data/2024"))];
    for entry in std::fs::read_dir(root.join("rules/examples")).expect("rules/examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "comp") {
            let data = root.join("rules/examples/data").join(path.file_stem().expect("stem"));
            plans.push((path, data));
        }
    }
    let mut compiled_somewhere = 0;
    for (path, data) in &plans {
        let plan = common::plan_file(path);
        both_paths(&plan, data);
        compiled_somewhere += compiled(&plan, data);
    }
    // The reference plan's `credit` at least.
    assert!(compiled_somewhere > 0, "no sample plan has a compiled row formula");
}

const PLAN: &str = r#"
plan "row formulas" {
    currency  CNY
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
}

events sales by rep on date {
    date:    date
    rep:     text
    kind:    text
    vip:     bool
    amount:  money
    units:   integer
}

param uplift  = 120%
param focus   = "hardware"
param weight  = by quarter { Q1: 10%, Q2: 20%, Q3: 30%, Q4: 40% }
param floor   = 50 CNY
param ceiling = 1,000 CNY

value credit   = if kind == focus then amount × uplift else amount
value weighted = amount × weight
value signed   = -amount + abs(amount - 100 CNY)
value bounded  = min(max(amount, floor), ceiling)
value per_unit = round(amount / units, 0.01 CNY)
value picked   = vip and not (kind != focus) or amount >= 500 CNY
value chosen   = if picked then credit else weighted
value ordered  = if kind < "m" then 1 else 2

payout p_credit   = sum(credit)
payout p_weighted = sum(weighted)
payout p_signed   = sum(signed)
payout p_bounded  = sum(bounded)
payout p_per_unit = sum(per_unit)
payout p_chosen   = sum(chosen)
payout p_picked   = count(where picked) × 1 CNY
payout p_ordered  = sum(ordered) × 1 CNY
"#;

const ROSTER: &str = "participant\nR1\nR2\n";

fn data_dir(sales: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("roster.csv"), ROSTER).expect("roster");
    std::fs::write(dir.path().join("sales.csv"), sales).expect("sales");
    dir
}

/// Every kind of compiled formula, with figures worked by hand, through both paths.
#[test]
fn formulas_of_every_kind() {
    let plan = common::plan_from(PLAN, &[]);
    let dir = data_dir(
        "date,rep,kind,vip,amount,units\n\
         2024-01-10,R1,hardware,true,200.00,3\n\
         2024-02-10,R1,services,false,30.00,4\n\
         2024-05-10,R1,hardware,false,1500.00,7\n\
         2024-05-11,R2,services,true,-80.00,1\n",
    );
    let data = dir.path();
    assert_eq!(compiled(&plan, data), 8, "every row value here is compiled");
    let out = both_paths(&plan, data);
    let out = common::parse_csv(out.split("\n\n").next().expect("the payouts"));
    let line = |p: &str, t: &str, l: &str| common::line(&out, p, t, l);
    // Q1, R1: 200 (hardware, vip) and 30 (services).
    assert_eq!(line("R1", "2024-Q1", "p_credit"), "270.00"); // 240 + 30
    assert_eq!(line("R1", "2024-Q1", "p_weighted"), "23.00"); // 10% of 230
    assert_eq!(line("R1", "2024-Q1", "p_signed"), "-60.00"); // (-200 + 100) + (-30 + 70)
    assert_eq!(line("R1", "2024-Q1", "p_bounded"), "250.00"); // 200 + max(30, 50)
    assert_eq!(line("R1", "2024-Q1", "p_per_unit"), "74.17"); // 66.67 + 7.50
    assert_eq!(line("R1", "2024-Q1", "p_picked"), "1.00"); // the vip hardware row
    assert_eq!(line("R1", "2024-Q1", "p_chosen"), "243.00"); // 240 + 10% of 30
    assert_eq!(line("R1", "2024-Q1", "p_ordered"), "3.00"); // "hardware" < "m", "services" is not
                                                            // Q2: R1's 1,500 is picked by amount alone; R2's refund earns its weight.
    assert_eq!(line("R1", "2024-Q2", "p_bounded"), "1000.00");
    assert_eq!(line("R1", "2024-Q2", "p_chosen"), "1800.00");
    assert_eq!(line("R2", "2024-Q2", "p_chosen"), "-16.00");
    assert_eq!(line("R2", "2024-Q2", "p_signed"), "260.00"); // 80 + 180
}

/// A division by zero in a row formula is the same fault, at the same span,
/// naming the same rule, participant and period, whichever path computes it.
#[test]
fn a_fault_is_the_same_fault_through_both_paths() {
    let plan = common::plan_from(PLAN, &[]);
    let dir = data_dir("date,rep,kind,vip,amount,units\n2024-08-01,R2,hardware,false,10.00,0\n");
    let out = both_paths(&plan, dir.path());
    assert!(out.contains("DivisionByZero") && out.contains("per_unit") && out.contains("2024-Q3"), "{out}");
}

/// `PLAN`'s header and tables with other formulas, and a sales table.
fn plan_and_rows(formulas: &str, sales: &str) -> (comp::check::Plan, tempfile::TempDir) {
    let header = &PLAN[..PLAN.find("param uplift").expect("the parameters")];
    (common::plan_from(&format!("{header}{formulas}"), &[]), data_dir(sales))
}

/// What the interpreter leaves unevaluated, the compiled formulas leave too:
/// the other side of `and`, `or` and `if`.
#[test]
fn conditions_stop_where_the_interpreter_stops() {
    let (plan, dir) = plan_and_rows(
        r#"
value some  = units > 0 and amount / units > 10 CNY
value none  = units == 0 or amount / units > 10 CNY
value share = if units == 0 then 0 CNY else amount / units
payout p_share = sum(share) + count(where some) × 1 CNY + count(where none) × 1 CNY
"#,
        "date,rep,kind,vip,amount,units\n2024-01-10,R1,a,true,200.00,0\n2024-01-11,R1,a,true,200.00,4\n",
    );
    assert_eq!(compiled(&plan, dir.path()), 3);
    let out = both_paths(&plan, dir.path());
    // 200 / 4; `some` holds for the second row; `none` for both.
    assert!(out.contains("R1,2024-Q1,p_share,53.00"), "{out}");
}

/// Of two faults in one formula, both paths report the first, at its span.
#[test]
fn the_first_fault_is_the_one_reported() {
    let (plan, dir) = plan_and_rows(
        "value first = min(amount / units, amount / (units - units))\npayout p_first = sum(first)\n",
        "date,rep,kind,vip,amount,units\n2024-01-10,R1,a,true,200.00,0\n",
    );
    assert_eq!(compiled(&plan, dir.path()), 1);
    let out = both_paths(&plan, dir.path());
    // The failure's span is the first division's (both paths' errors are compared whole above).
    assert!(out.contains("DivisionByZero") && out.contains("first"), "{out}");
}

/// Formulas with what only the interpreter computes (a dated parameter, an
/// optional column, a text value, a date) fall back to it, whole.
#[test]
fn what_is_not_compiled_is_interpreted() {
    let (plan, dir) = plan_and_rows(
        r#"
param dated_rate = 3%, from 2024-07-01: 4%
value by_date  = amount × dated_rate
value late     = date >= 2024-07-01
value label    = if vip then "gold" else kind
value plain    = amount × 2
payout p_by_date = sum(by_date)
payout p_late    = count(where late) × 1 CNY
payout p_gold    = count(where label == "gold") × 1 CNY
payout p_plain   = sum(plain)
"#,
        "date,rep,kind,vip,amount,units\n2024-06-30,R1,a,true,100.00,1\n2024-07-01,R1,b,false,100.00,1\n",
    );
    assert_eq!(plan.row_values.len(), 4);
    assert_eq!(compiled(&plan, dir.path()), 1, "`plain` alone");
    let out = both_paths(&plan, dir.path());
    assert!(out.contains("R1,2024-Q2,p_by_date,3.00") && out.contains("R1,2024-Q3,p_by_date,4.00"), "{out}");
    assert!(out.contains("R1,2024-Q3,p_late,1.00") && out.contains("R1,2024-Q2,p_gold,1.00"), "{out}");
}
