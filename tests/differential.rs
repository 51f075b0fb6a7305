//! The engine against two independent hand-written implementations of the
//! reference plan, which share no code with it or with each other:
//! - `support/reference_plan.rs`, the simple oracle: one thread, `Decimal`
//!   throughout, written straight from the plan's text;
//! - `support/handwritten_fast.rs`, the benchmark's baseline
//!   (`examples/handwritten.rs`): `sales.csv` split into byte ranges read on
//!   several threads, exact integer sums.
//!
//! All three must print the same bytes, on the sample data, on a generated
//! dataset of 5,000 rows, and (ignored by default, as it takes a while in a
//! debug build) on 200,000 rows:
//!
//! ```sh
//! cargo test --release --test differential -- --ignored
//! ```
//!
//! `bench/run.py` checks the same at 1M and 10M rows.

mod common;
#[path = "support/handwritten_fast.rs"]
mod handwritten_fast;
#[path = "support/reference_plan.rs"]
mod reference_plan;

use std::path::Path;
use std::process::Command;

/// Panics with the first differing lines when `actual` is not `expected`.
fn assert_same(data: &str, expected_name: &str, expected: &str, actual_name: &str, actual: &str) {
    if actual == expected {
        return;
    }
    let diff: Vec<String> = expected
        .lines()
        .zip(actual.lines())
        .filter(|(e, a)| e != a)
        .take(20)
        .map(|(e, a)| format!("  {expected_name}: {e}\n  {actual_name}: {a}"))
        .collect();
    panic!(
        "{data}: {actual_name} differs from {expected_name} ({} lines vs {}):\n{}",
        actual.lines().count(),
        expected.lines().count(),
        diff.join("\n")
    );
}

/// `comp run`, the reference and the fast implementation (on 1, 2 and 3
/// threads) give the same bytes on the data in `dir`.
fn all_agree(name: &str, dir: &Path) {
    let plan = common::plan_file(&common::root().join("rules/sales_2024.comp"));
    let reference = reference_plan::run(dir);
    assert_same(name, "reference", &reference, "comp run", &common::run_csv(&plan, dir));
    for threads in [1, 2, 3] {
        let fast = handwritten_fast::run(dir, threads);
        assert_same(name, "reference", &reference, &format!("fast on {threads} threads"), &fast);
    }
}

/// Generated data for the reference plan in a temporary directory.
fn generate(rows: u32, reps: u32, teams: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new(env!("CARGO_BIN_EXE_comp-datagen"))
        .arg("--out")
        .arg(dir.path())
        .args(["--rows", &rows.to_string(), "--reps", &reps.to_string(), "--teams", &teams.to_string()])
        .status()
        .expect("running comp-datagen");
    assert!(status.success(), "comp-datagen failed: {status}");
    dir
}

#[test]
fn sample_data() {
    all_agree("the sample data", &common::root().join("rules/data/2024"));
}

#[test]
fn generated_5000_rows() {
    let dir = generate(5_000, 60, 6);
    all_agree("5,000 generated rows", dir.path());
}

#[test]
#[ignore = "200,000 rows: run with `cargo test --release --test differential -- --ignored`"]
fn generated_200k_rows() {
    let dir = generate(200_000, 2_000, 100);
    all_agree("200,000 generated rows", dir.path());
}

/// The sample data with quoted fields that hold newlines: a split of
/// `sales.csv` at newlines would cut rows in two, so the fast implementation
/// must notice the quotes and read the file on one thread.
#[test]
fn quoted_fields_with_newlines() {
    let sample = common::root().join("rules/data/2024");
    let dir = tempfile::tempdir().expect("temp dir");
    for table in ["roster.csv", "quotas.csv"] {
        std::fs::copy(sample.join(table), dir.path().join(table)).expect("copy");
    }
    let sales = std::fs::read_to_string(sample.join("sales.csv")).expect("sales.csv");
    let mut quoted = String::new();
    for (i, line) in sales.lines().enumerate() {
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        if i > 0 {
            // region (not read by the plan): long, with commas and newlines.
            fields[6] = format!("\"{}\n{}, \"\"{}\"\"\n\"", fields[6], "x".repeat(200), i);
        }
        quoted.push_str(&fields.join(","));
        quoted.push('\n');
    }
    std::fs::write(dir.path().join("sales.csv"), quoted).expect("write");
    let reference = reference_plan::run(&sample);
    assert_same("quoted sample", "reference", &reference, "reference on quoted data", &reference_plan::run(dir.path()));
    for threads in [1, 2, 3, 8] {
        let fast = handwritten_fast::run(dir.path(), threads);
        assert_same("quoted sample", "reference", &reference, &format!("fast on {threads} threads"), &fast);
    }
}

/// Quoted fields (without newlines, where a split at newlines would be
/// right): the fast implementation still reads on one thread, which shows
/// that it looks for quotes rather than relying on a mis-split to fail.
#[test]
fn quotes_make_the_fast_implementation_read_on_one_thread() {
    let sample = common::root().join("rules/data/2024");
    let (out, threads) = handwritten_fast::run_counting_threads(&sample, 2);
    assert_eq!(threads, 2, "unquoted data is read on both threads");
    let dir = tempfile::tempdir().expect("temp dir");
    for table in ["roster.csv", "quotas.csv"] {
        std::fs::copy(sample.join(table), dir.path().join(table)).expect("copy");
    }
    let sales = std::fs::read_to_string(sample.join("sales.csv")).expect("sales.csv");
    // One quoted region, in the last row.
    let at = sales.trim_end().rfind('\n').expect("rows") + 1;
    let mut fields: Vec<String> = sales[at..].trim_end().split(',').map(str::to_string).collect();
    fields[6] = format!("\"{}\"", fields[6]);
    std::fs::write(dir.path().join("sales.csv"), format!("{}{}\n", &sales[..at], fields.join(","))).expect("write");
    let (quoted, threads) = handwritten_fast::run_counting_threads(dir.path(), 2);
    assert_eq!(threads, 1, "quoted data is read on one thread");
    assert_same("one quoted field", "unquoted", &out, "quoted", &quoted);
}

/// Bad input found by a parallel pass is reported as on one thread.
#[test]
#[should_panic(expected = "\"R99\" is not in the roster")]
fn fast_implementation_reports_an_unknown_rep() {
    let sample = common::root().join("rules/data/2024");
    let dir = tempfile::tempdir().expect("temp dir");
    for table in ["roster.csv", "quotas.csv"] {
        std::fs::copy(sample.join(table), dir.path().join(table)).expect("copy");
    }
    let sales = std::fs::read_to_string(sample.join("sales.csv")).expect("sales.csv");
    std::fs::write(dir.path().join("sales.csv"), sales.replacen(",R04,", ",R99,", 1)).expect("write");
    handwritten_fast::run(dir.path(), 2);
}
