//! `comp check --format json`: one JSON object a line per diagnostic, with
//! what an editor or a CI annotation needs: file, line, column (1-based,
//! in characters), message and help.

use std::process::Command;

fn check_json(plans: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("check")
        .args(plans)
        .args(["--format", "json"])
        .output()
        .expect("failed to start the comp binary");
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code(), stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON object a line")).collect())
}

#[test]
fn each_diagnostic_has_file_line_column_message_and_help() {
    let (code, diags) =
        check_json(&["tests/bad/plans/unknown_name.comp", "tests/bad/plans/syntax_missing_equals.comp"]);
    assert_eq!(code, Some(1));
    assert_eq!(diags.len(), 2);
    let unknown = &diags[0];
    assert_eq!(unknown["file"], "tests/bad/plans/unknown_name.comp");
    assert_eq!((unknown["line"].as_u64(), unknown["column"].as_u64()), (Some(31), Some(30)));
    assert_eq!(unknown["message"], "unknown name `rat`");
    assert_eq!(unknown["help"], "did you mean `rate`?");
    assert_eq!(unknown["severity"], "error");
    let syntax = &diags[1];
    assert_eq!(syntax["file"], "tests/bad/plans/syntax_missing_equals.comp");
    assert_eq!((syntax["line"].as_u64(), syntax["column"].as_u64()), (Some(29), Some(13)));
    assert_eq!(syntax["message"], "expected `=`");
    assert!(syntax["help"].as_str().is_some_and(|h| !h.is_empty()));
    for d in &diags {
        for key in ["file", "line", "column", "message", "help", "code", "label"] {
            assert!(d.get(key).is_some(), "no `{key}` in {d}");
        }
    }
}

#[test]
fn a_clean_plan_prints_nothing() {
    let (code, diags) = check_json(&["rules/sales_2024.comp"]);
    assert_eq!(code, Some(0));
    assert!(diags.is_empty());
}

#[test]
fn a_missing_plan_still_names_its_file() {
    let (code, diags) = check_json(&["rules/no_such_plan.comp"]);
    assert_eq!(code, Some(1));
    assert_eq!(diags[0]["file"], "rules/no_such_plan.comp");
    assert!(diags[0]["message"].as_str().unwrap().starts_with("cannot read"));
}
