//! Runs that fail: the error is reported with where it is (file, line,
//! column and value; or rule, participant and period), and no output is
//! written — no new file, and an existing one untouched — however far into
//! the data the error is.

mod common;

use comp::data::Inputs;
use comp::eval::{EvalError, Fault, Options, RunError};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

const DATA_PLAN: &str = "tests/bad/data/plan.comp";

fn comp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(common::root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run comp")
}

/// The files in `dir`, by name.
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// `comp run` of the data plan over `data` into `DIR/payouts.csv`, which
/// exists beforehand when `existing` says so: it must fail with exit code 1,
/// leave no file in the first case and the old bytes in the second, and
/// leave no temporary file behind. Returns stderr.
fn fails_without_output(data: &str, existing: bool) -> String {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("payouts.csv");
    if existing {
        std::fs::write(&target, "the last good run\n").unwrap();
    }
    let run = comp(&["run", DATA_PLAN, "--data", data, "--format", "csv", "--output", target.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(run.stdout.is_empty());
    if existing {
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "the last good run\n");
        assert_eq!(files(out.path()), ["payouts.csv"], "a failed run left a file");
    } else {
        assert_eq!(files(out.path()), Vec::<String>::new(), "a failed run wrote a file");
    }
    stderr
}

/// Both ways: to a new file and over an existing one.
fn fails_both_ways(data: &str) -> String {
    fails_without_output(data, true);
    fails_without_output(data, false)
}

#[test]
fn a_data_error_writes_nothing() {
    let stderr = fails_both_ways("tests/bad/data/not_a_number");
    assert!(stderr.contains("expected an amount in column `collected`, found `abc`"), "{stderr}");
    fails_both_ways("tests/bad/data/open_quote");
    fails_both_ways("tests/bad/data/duplicate_roster_key");
}

#[test]
fn an_evaluation_error_writes_nothing() {
    let stderr = fails_both_ways("tests/bad/data/quota_zero");
    assert!(stderr.contains("division by zero in `A` for participant `R02` in 2024-Q1"), "{stderr}");
    let stderr = fails_both_ways("tests/bad/data/overflow_sum");
    assert!(stderr.contains("arithmetic overflow in `C` for participant `R02` in 2024-Q1"), "{stderr}");
}

/// An error in row 900,000 of a 900,000-row file is found and reported
/// with its file, line, column and value, and nothing is written.
#[test]
fn an_error_in_row_900000_is_reported_and_nothing_is_written() {
    let rows = 900_000;
    let data = data_with_static_tables();
    let file = std::fs::File::create(data.path().join("sales.csv")).unwrap();
    let mut sales = std::io::BufWriter::with_capacity(1 << 20, file);
    sales.write_all(b"id,date,rep,new_customer,collected\n").unwrap();
    for i in 1..rows {
        writeln!(
            sales,
            "S{i},2024-{:02}-{:02},R0{},{},{}.{:02}",
            i % 12 + 1,
            i % 28 + 1,
            i % 2 + 1,
            i % 3 == 0,
            i % 99_991,
            i % 100
        )
        .unwrap();
    }
    sales.write_all(format!("S{rows},2024-12-31,R02,false,abc\n").as_bytes()).unwrap();
    sales.flush().unwrap();
    drop(sales);
    let stderr = fails_without_output(data.path().to_str().unwrap(), false);
    let line = rows + 1;
    assert!(stderr.contains(&format!("sales.csv:{line}:30]")), "{stderr}");
    assert!(stderr.contains(&format!("{line} │ S{rows},2024-12-31,R02,false,abc")), "{stderr}");
    assert!(stderr.contains("expected an amount in column `collected`, found `abc`"), "{stderr}");
}

/// Division by zero and overflow name the rule, the participant and the
/// period; a plan that guards the division pays instead.
#[test]
fn arithmetic_errors_name_the_rule_participant_and_period() {
    let plan = common::plan_file(&common::root().join(DATA_PLAN));
    let run = |case: &str, plan: &comp::check::Plan| {
        let inputs = Inputs::new(plan, Some(&common::root().join("tests/bad/data").join(case)), &[]).unwrap();
        comp::eval::run(plan, &inputs, Options::threads(2))
            .map(|ev| comp::report::csv(plan, &comp::report::statements(&ev)))
    };
    let first = |case: &str| match run(case, &plan) {
        Err(RunError::Eval(errors)) => errors.into_iter().next().expect("an error"),
        Err(RunError::Data(errors)) => panic!("{case}: data errors {errors:?}"),
        Ok(_) => panic!("{case} ran"),
    };
    let fields = |e: &EvalError| (e.fault.clone(), e.rule.clone(), e.participant.clone(), e.period.clone());
    let expect = |fault: Fault, rule: &str| (fault, rule.to_string(), "R02".to_string(), "2024-Q1".to_string());
    assert_eq!(fields(&first("quota_zero")), expect(Fault::DivisionByZero, "A"));
    assert_eq!(fields(&first("overflow_sum")), expect(Fault::Overflow, "C"));
    assert_eq!(fields(&first("overflow_ratio")), expect(Fault::Overflow, "A"));
    // The fallback the help suggests.
    let text = std::fs::read_to_string(common::root().join(DATA_PLAN)).unwrap();
    let guarded = common::plan_from(&text.replace("value A = C / Q", "value A = if Q == 0 then 0% else C / Q"), &[]);
    let csv = run("quota_zero", &guarded).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(csv.contains("R02,2024-Q1,commission,4440.02\nR02,2024-Q1,target_bonus,0.00\n"), "{csv}");
}

/// A row too long to show whole (an id of 100,000 bytes, 70,000 tabs) is
/// still reported at its file and line, shown in part, without a panic.
#[test]
fn a_very_long_row_is_located() {
    let data = data_with_static_tables();
    let sales = format!(
        "id,date,rep,new_customer,collected\nS1,2024-01-15,R01,true,25000.00\n{},2024-02-10,R02,false,abc\n{}S3,2024-02-10,R02,false,abc\n",
        "S".repeat(100_000),
        "\t".repeat(70_000)
    );
    std::fs::write(data.path().join("sales.csv"), sales).unwrap();
    let stderr = fails_without_output(data.path().to_str().unwrap(), false);
    assert!(stderr.contains("sales.csv:3:") && stderr.contains("sales.csv:4:"), "{stderr}");
    assert!(stderr.contains("not an amount, further on (the line is longer than 64 KiB)"), "{stderr}");
    assert!(stderr.len() < 5_000, "{stderr}");
}

/// A quote left open near the start of a large events file: the rest of the
/// file would be one field. Reading stops after 64 MiB of it (instead of
/// holding the file in memory), at the opening quote.
#[test]
fn a_quote_left_open_in_a_large_file_stops_reading() {
    let data = data_with_static_tables();
    let file = std::fs::File::create(data.path().join("sales.csv")).unwrap();
    let mut sales = std::io::BufWriter::with_capacity(1 << 20, file);
    sales.write_all(b"id,date,rep,new_customer,collected\nS1,2024-01-15,R01,true,25000.00\n\"S2,2024-01-15").unwrap();
    let rows = "S3,2024-02-10,R02,false,148000.50\n".repeat(30_000);
    for _ in 0..70 {
        sales.write_all(rows.as_bytes()).unwrap();
    }
    sales.flush().unwrap();
    drop(sales);
    let stderr = fails_without_output(data.path().to_str().unwrap(), false);
    assert!(stderr.contains("a quoted field runs on for more than 64 MiB"), "{stderr}");
    assert!(stderr.contains("sales.csv:3:1]") && stderr.contains("opened here, and not closed"), "{stderr}");
}

/// `--set` values go through the expression parser: one that does not
/// parse (here with a byte-order mark before an unclosed `(`, which made
/// the parser's diagnosis panic) is a diagnostic.
#[test]
fn a_set_value_that_does_not_parse_is_a_diagnostic() {
    for value in ["\u{feff}(6%", "×(6%", "((((", "6% +"] {
        let set = format!("over_rate={value}");
        let out = comp(&["run", "rules/sales_2024.comp", "--data", "rules/data/2024", "--set", &set]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{value:?}: {stderr}");
        assert!(stderr.contains("invalid `--set over_rate`") && !stderr.contains("panicked"), "{value:?}: {stderr}");
    }
}

/// A folder with the bad-data plan's roster and quotas (valid ones), for a
/// test to write its own `sales.csv` beside them.
fn data_with_static_tables() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    for table in ["roster", "quotas"] {
        let from = common::root().join(format!("tests/bad/data/ragged_row/{table}.csv"));
        std::fs::copy(from, data.path().join(format!("{table}.csv"))).unwrap();
    }
    data
}
