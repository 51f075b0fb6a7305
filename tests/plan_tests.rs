//! `comp test`: the reference plan's tests hold, and a wrong expectation fails
//! with a report that shows expected against actual and the calculation
//! behind the actual value (snapshot).

use std::process::{Command, Output};

fn comp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("failed to start the comp binary")
}

#[test]
fn the_reference_plan_passes_its_tests() {
    let out = comp(&["test", "rules/"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // One case per clause of the plan (13), a what-if and the sample data; the
    // example plans' cases run too.
    assert!(stdout.contains("rules/sales_2024.tests · 15 cases"), "{stdout}");
    for clause in 1..=13 {
        assert!(stdout.contains(&format!("  ok    {clause}. ")), "no case for clause {clause}:\n{stdout}");
    }
}

#[test]
fn a_plan_path_runs_the_tests_beside_it() {
    let out = comp(&["test", "rules/sales_2024.comp"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_wrong_expectation_fails_with_the_calculation_behind_the_actual_value() {
    let out = comp(&["test", "tests/fixtures/wrong_expectation"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn a_mistake_in_a_test_file_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wrong_expectation/gated.comp"),
        dir.path().join("p.comp"),
    )
    .unwrap();
    std::fs::write(dir.path().join("p.tests"), "case \"x\"\n    expect R1 2024-Q1 commission 5\n").unwrap();
    let out = comp(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("p.tests:2: expected `expect PARTICIPANT PERIOD NAME = AMOUNT`"), "{stdout}");
}

#[test]
fn no_tests_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = comp(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}
