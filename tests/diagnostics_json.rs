//! `comp run --diagnostics json`: every data error names its file, and its
//! line and column when it is in a row, whatever the line endings.

use std::process::Command;

/// The JSON diagnostics of `comp run` on a data case of `tests/bad/data/`.
fn json_diagnostics(case: &str) -> Vec<serde_json::Value> {
    let dir = format!("tests/bad/data/{case}");
    let output = Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "tests/bad/data/plan.comp", "--data", &dir, "--diagnostics", "json"])
        .output()
        .expect("failed to start the comp binary");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    stdout.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}

fn location(d: &serde_json::Value) -> (&str, Option<u64>, Option<u64>) {
    (d["file"].as_str().unwrap_or("(none)"), d["line"].as_u64(), d["column"].as_u64())
}

#[test]
fn a_bad_cell_has_file_line_and_column_with_lf_and_with_crlf() {
    // The same row, `S2,2024-02-10,R02,false,abc`, on line 3 of both files.
    let lf = json_diagnostics("not_a_number");
    let crlf = json_diagnostics("crlf_bad_amount");
    assert_eq!(location(&lf[0]), ("tests/bad/data/not_a_number/sales.csv", Some(3), Some(25)));
    assert_eq!(location(&crlf[0]), ("tests/bad/data/crlf_bad_amount/sales.csv", Some(3), Some(25)));
    assert_eq!(crlf[0]["label"], "not an amount");
}

#[test]
fn an_error_about_a_whole_file_names_the_file() {
    let d = json_diagnostics("missing_file");
    assert_eq!(location(&d[0]), ("tests/bad/data/missing_file/quotas.csv", None, None));
    assert_eq!(d[0]["message"], "no file `tests/bad/data/missing_file/quotas.csv` for table `quotas`");
}

#[test]
fn an_unclosed_quote_is_located_at_the_quote() {
    let d = json_diagnostics("open_quote_roster");
    assert_eq!(location(&d[0]), ("tests/bad/data/open_quote_roster/roster.csv", Some(3), Some(9)));
}
