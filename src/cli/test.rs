//! `comp test [PATH...]`: run the test cases beside plans (`NAME.tests` next
//! to `NAME.comp`); exit 1 if any fails.

use super::{Exit, Reporter, Stream};
use crate::report::diagnostics::Source;
use crate::testing::{self, file, CaseResult, Failure};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Test files (`.tests`), plans (their `.tests` file is run) or folders
    /// (every `.tests` file in them). Default: the current folder.
    pub paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    let mut reporter = Reporter::new(super::DiagnosticFormat::Text);
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let mut files = Vec::new();
    for path in &paths {
        if path.extension().is_some_and(|e| e == "comp") {
            files.push(testing::tests_path(path));
        } else {
            match super::fmt::plan_files(std::slice::from_ref(path), ".tests") {
                Ok(found) => files.extend(found),
                Err(e) => {
                    super::say(&format!("error: cannot read `{}`: {}", path.display(), crate::data::io_reason(&e)));
                    return Exit::Usage;
                }
            }
        }
    }
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        super::say(&format!("error: no test files (`NAME.tests` beside `NAME.comp`) in {}", shown.join(", ")));
        return Exit::Usage;
    }
    let (mut cases, mut failed, mut expectations) = (0, 0, 0);
    for tests_path in &files {
        let mut out = String::new();
        let plan_path = testing::plan_path(tests_path);
        let tests = std::fs::read_to_string(tests_path)
            .map_err(|e| format!("error: cannot read `{}`: {}", tests_path.display(), crate::data::io_reason(&e)))
            .and_then(|text| {
                let dir = tests_path.parent().unwrap_or(std::path::Path::new("."));
                file::parse(&text, dir)
                    .map_err(|e| format!("error: {}:{}: {}", tests_path.display(), e.line, e.message))
            });
        let plan = std::fs::read_to_string(&plan_path).map_err(|e| {
            format!(
                "error: cannot read the plan `{}` for `{}`: {}",
                plan_path.display(),
                tests_path.display(),
                crate::data::io_reason(&e)
            )
        });
        let (tests, text) = match (tests, plan) {
            (Ok(t), Ok(p)) => (t, p),
            (Err(e), _) | (_, Err(e)) => {
                failed += 1;
                reporter.write(Stream::Stdout, &format!("{e}\n"));
                continue;
            }
        };
        let source = Source { name: plan_path.display().to_string(), text };
        let _ = writeln!(out, "{} · {} cases", tests_path.display(), tests.cases.len());
        for outcome in testing::run(&source, &tests) {
            cases += 1;
            match outcome.result {
                CaseResult::Passed(n) => {
                    expectations += n;
                    let _ = writeln!(out, "  ok    {}", outcome.name);
                }
                CaseResult::Failed(failures, n) => {
                    failed += 1;
                    expectations += n;
                    let _ = writeln!(out, "  FAIL  {} ({}:{})", outcome.name, tests_path.display(), outcome.line);
                    for f in &failures {
                        failure(&mut out, f, tests_path);
                    }
                }
                CaseResult::Error(message) => {
                    failed += 1;
                    let _ = writeln!(
                        out,
                        "  ERROR {} ({}:{}): the case cannot run",
                        outcome.name,
                        tests_path.display(),
                        outcome.line
                    );
                    for line in message.lines() {
                        let _ = writeln!(out, "        {line}");
                    }
                }
            }
        }
        reporter.write(Stream::Stdout, &out);
    }
    let summary = if failed == 0 {
        format!("\ncomp test: {cases} cases, {expectations} expectations, all hold\n")
    } else {
        format!("\ncomp test: {failed} of {cases} cases fail\n")
    };
    reporter.write(Stream::Stdout, &summary);
    if failed == 0 {
        Exit::Ok
    } else {
        Exit::Invalid
    }
}

fn failure(out: &mut String, f: &Failure, tests_path: &std::path::Path) {
    let e = &f.expect;
    let _ = writeln!(out, "        {} {} {}  ({}:{})", e.participant, e.period, e.name, tests_path.display(), e.line);
    let _ = writeln!(out, "          expected  {}", e.written);
    match &f.actual {
        Ok(actual) => {
            let _ = writeln!(out, "          actual    {actual}");
        }
        Err(why) => {
            let _ = writeln!(out, "          actual    none: {why}");
        }
    }
    for (i, line) in f.explanation.iter().enumerate() {
        let lead = if i == 0 { "          because   " } else { "                    " };
        let _ = writeln!(out, "{lead}{line}");
    }
}
