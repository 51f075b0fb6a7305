//! The corpus of user mistakes in `tests/bad/`, each with its diagnostic
//! snapshotted in `tests/snapshots/`.
//!
//! - `bad/plans/<case>.comp`: a small plan with one mistake (its first line says
//!   which), run as `comp check tests/bad/plans/<case>.comp`.
//! - `bad/data/<case>/`: the tables of the shared `bad/data/plan.comp` with one
//!   mistake (`bad/data/README.md` lists them), run as
//!   `comp run tests/bad/data/plan.comp --data tests/bad/data/<case> --format csv`.
//!   A case folder holding its own `plan.comp` (a construct the shared plan does
//!   not use) is run as `comp check <case>/plan.comp --data <case>`.
//! - `bad/accepted/bom_crlf/`: the same tables as Excel saves them, which must
//!   be accepted.
//!
//! Every bad case must exit with 1 and print no output, only diagnostics, and
//! never panic. The binary runs from the crate root with relative paths so the
//! snapshots hold no machine paths. After changing a diagnostic, rewrite the
//! snapshots with `INSTA_UPDATE=always cargo test --test bad_corpus` and read
//! every changed one before committing it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DATA_PLAN: &str = "tests/bad/data/plan.comp";

fn root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    root.canonicalize().unwrap_or(root)
}

/// `path` relative to the crate root, with `/` separators on every platform.
fn relative(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let rel = path.strip_prefix(root()).unwrap_or_else(|_| panic!("{} is outside the crate", path.display()));
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Runs `comp ARGS` from the crate root, without colors.
fn comp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("failed to start the comp binary")
}

/// Checks what every rejected input must satisfy, and returns stderr.
fn rejected(command: &str, output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8(output.stderr.clone()).expect("comp printed invalid UTF-8 on stderr");
    assert!(!stderr.contains("panicked"), "`{command}` panicked:\n{stderr}");
    assert_eq!(output.status.code(), Some(1), "`{command}` should exit with 1; stderr:\n{stderr}");
    assert!(stdout.is_empty(), "`{command}` should print nothing on stdout, printed:\n{stdout}");
    assert!(!stderr.contains('\u{1b}'), "`{command}` printed ANSI escapes with NO_COLOR=1 to a pipe:\n{stderr}");
    assert!(!stderr.trim().is_empty(), "`{command}` failed without a diagnostic");
    stderr
}

#[test]
fn plans() {
    insta::glob!("bad/plans/*.comp", |path| {
        let plan = relative(path);
        let command = format!("comp check {plan}");
        let stderr = rejected(&command, &comp(&["check", &plan]));
        insta::with_settings!({ description => command, omit_expression => true }, {
            insta::assert_snapshot!(stderr);
        });
    });
}

#[test]
fn data() {
    insta::glob!("bad/data/*", |path| {
        // The folder also holds the shared plan and the README.
        if !path.is_dir() {
            return;
        }
        let dir = relative(path);
        let (command, output) = if path.join("plan.comp").exists() {
            let plan = format!("{dir}/plan.comp");
            (format!("comp check {plan} --data {dir}"), comp(&["check", &plan, "--data", &dir]))
        } else {
            let command = format!("comp run {DATA_PLAN} --data {dir} --format csv");
            (command, comp(&["run", DATA_PLAN, "--data", &dir, "--format", "csv"]))
        };
        let stderr = rejected(&command, &output);
        insta::with_settings!({ description => command, omit_expression => true }, {
            insta::assert_snapshot!(stderr);
        });
    });
}

/// Data as Excel saves it ("CSV UTF-8": a byte-order mark, CRLF line endings)
/// is read like plain UTF-8 with LF line endings.
#[test]
fn bom_and_crlf_are_accepted() {
    let dir = "tests/bad/accepted/bom_crlf";
    let command = format!("comp run {DATA_PLAN} --data {dir} --format csv");
    let output = comp(&["run", DATA_PLAN, "--data", dir, "--format", "csv"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "`{command}` failed ({}):\n{stderr}", output.status);
    assert!(stderr.is_empty(), "`{command}` printed diagnostics:\n{stderr}");
    let stdout = String::from_utf8(output.stdout).expect("comp printed invalid UTF-8");
    assert!(!stdout.contains('\r'), "CRLF leaked into the output:\n{stdout}");
    insta::with_settings!({ description => command, omit_expression => true }, {
        insta::assert_snapshot!(stdout);
    });
}

/// A plan path that does not exist is reported, not a panic.
#[test]
fn missing_plan_file() {
    let command = "comp check tests/bad/no_such_plan.comp";
    let stderr = rejected(command, &comp(&["check", "tests/bad/no_such_plan.comp"]));
    insta::with_settings!({ description => command, omit_expression => true }, {
        insta::assert_snapshot!(stderr);
    });
}
