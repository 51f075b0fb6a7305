//! The reference plan on the sample data, through the binary as a user runs it:
//! every output format snapshotted, the formats agreeing with each other, and the
//! same bytes out whatever the order of the input rows.

mod common;

use std::process::Command;

fn comp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_comp")).current_dir(common::root()).args(args).output().expect("run comp")
}

fn run(format: &str) -> String {
    let out = comp(&["run", "rules/sales_2024.comp", "--data", "rules/data/2024", "--format", format]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "unexpected stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn table_output() {
    insta::assert_snapshot!(run("table"));
}

#[test]
fn csv_output() {
    insta::assert_snapshot!(run("csv"));
}

#[test]
fn json_output_matches_csv() {
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("valid JSON");
    assert_eq!(json["currency"], "CNY");
    assert_eq!(json["periods"], serde_json::json!(["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]));
    let mut from_json = String::from("participant,period,line,amount\n");
    for p in json["participants"].as_array().expect("participants") {
        for period in p["periods"].as_array().expect("periods") {
            for l in period["lines"].as_array().expect("lines") {
                from_json.push_str(&format!(
                    "{},{},{},{}\n",
                    p["id"].as_str().unwrap(),
                    period["period"].as_str().unwrap(),
                    l["line"].as_str().unwrap(),
                    l["amount"].as_str().unwrap()
                ));
            }
        }
    }
    assert_eq!(from_json, run("csv"));
}

#[test]
fn check_accepts_the_reference_plan() {
    let out = comp(&["check", "rules/sales_2024.comp"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn check_counts_one_line_as_one_line() {
    let out = comp(&["check", "rules/examples/multi_currency.comp"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ok: rules/examples/multi_currency.comp — plan `multi-currency`, 2 definitions, 1 line, 4 periods\n"
    );
}

#[test]
fn check_with_data_reads_and_computes_without_printing_payouts() {
    let out = comp(&["check", "rules/sales_2024.comp", "--data", "rules/data/2024"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ok: rules/sales_2024.comp — plan `2024年度销售团队目标与激励计划` and its data, 36 participants\n"
    );
    let bad = comp(&["check", "tests/bad/data/plan.comp", "--data", "tests/bad/data/bad_date"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected a date in column `date`"));
}

#[test]
fn output_does_not_depend_on_row_order() {
    let root = common::root();
    let dir = tempfile::tempdir().unwrap();
    for t in ["roster", "quotas"] {
        std::fs::copy(root.join(format!("rules/data/2024/{t}.csv")), dir.path().join(format!("{t}.csv"))).unwrap();
    }
    // Reverse the rows of every table (header first).
    for t in ["sales", "roster", "quotas"] {
        let text = std::fs::read_to_string(root.join(format!("rules/data/2024/{t}.csv"))).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        lines.reverse();
        std::fs::write(dir.path().join(format!("{t}.csv")), format!("{header}\n{}\n", lines.join("\n"))).unwrap();
    }
    let out = comp(&["run", "rules/sales_2024.comp", "--data", dir.path().to_str().unwrap(), "--format", "csv"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), run("csv"));
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("payouts.csv");
    let ok = comp(&[
        "run",
        "rules/sales_2024.comp",
        "--data",
        "rules/data/2024",
        "--format",
        "csv",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert!(ok.status.success());
    assert!(ok.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), run("csv"));
    // A failing run (bad parameter) leaves the existing file untouched and adds none.
    let failed = comp(&[
        "run",
        "rules/sales_2024.comp",
        "--data",
        "rules/data/2024",
        "--set",
        "over_rate=5 CNY",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), run("csv"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(comp(&["run", "rules/sales_2024.comp"]).status.code(), Some(2));
    assert_eq!(comp(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(comp(&["run", "rules/sales_2024.comp", "--data", "x", "--set", "novalue"]).status.code(), Some(2));
}

#[test]
fn set_changes_a_parameter_without_editing_the_plan() {
    let out = comp(&[
        "run",
        "rules/sales_2024.comp",
        "--data",
        "rules/data/2024",
        "--format",
        "csv",
        "--set",
        "target_award=6,000 CNY",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let with = common::parse_csv(&String::from_utf8(out.stdout).unwrap());
    let without = common::parse_csv(&run("csv"));
    let mut changed = 0;
    for (k, v) in &without {
        if k.2 == "target_bonus" && v == "5000.00" {
            assert_eq!(with[k], "6000.00");
            changed += 1;
        }
    }
    assert!(changed > 0);
}
