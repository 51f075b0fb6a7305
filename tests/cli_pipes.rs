//! Output into a pipe whose reader has gone away (`comp run ... | head -1`):
//! comp stops writing and exits quietly, never with a panic.

use std::io::Read;
use std::process::{Command, Stdio};

/// Runs `comp ARGS` from the crate root with stdout and stderr piped, closes
/// the pipe named by `close` before comp writes, and returns its exit code and
/// what it wrote on the other one.
fn with_closed(close: &str, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("failed to start the comp binary");
    // comp reads and checks the plan and the data first, so the reader is gone
    // before it writes anything.
    let mut text = String::new();
    let read = match close {
        "stdout" => {
            drop(child.stdout.take());
            child.stderr.take().expect("piped").read_to_string(&mut text)
        }
        _ => {
            drop(child.stderr.take());
            child.stdout.take().expect("piped").read_to_string(&mut text)
        }
    };
    read.expect("read comp's output");
    (child.wait().expect("comp ran").code(), text)
}

#[test]
fn results_into_a_closed_pipe_end_quietly() {
    let (code, stderr) = with_closed("stdout", &["run", "rules/sales_2024.comp", "--data", "rules/data/2024"]);
    assert_eq!(stderr, "");
    assert_eq!(code, Some(0));
}

#[test]
fn json_diagnostics_into_a_closed_pipe_end_quietly() {
    let args = ["run", "tests/bad/data/plan.comp", "--data", "tests/bad/data/many_bad_rows", "--diagnostics", "json"];
    let (code, stderr) = with_closed("stdout", &args);
    assert_eq!(stderr, "");
    // The data has errors: the exit code says so, broken pipe or not.
    assert_eq!(code, Some(1));
}

#[test]
fn text_diagnostics_into_a_closed_pipe_end_quietly() {
    let (code, stdout) =
        with_closed("stderr", &["run", "tests/bad/data/plan.comp", "--data", "tests/bad/data/many_bad_rows"]);
    assert_eq!(stdout, "");
    assert_eq!(code, Some(1));
    let (code, _) = with_closed("stderr", &["check", "tests/bad/no_such_plan.comp"]);
    assert_eq!(code, Some(1));
}

#[test]
fn check_into_a_closed_pipe_ends_quietly() {
    let (code, stderr) = with_closed("stdout", &["check", "rules/sales_2024.comp"]);
    assert_eq!(stderr, "");
    assert_eq!(code, Some(0));
}
