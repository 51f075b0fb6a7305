//! Helpers shared by the integration tests: run a plan through the library the
//! way `comp run` does, and render diagnostics the way `comp check` does.
#![allow(dead_code)]

use comp::check::{self, Override, Plan};
use comp::data::Inputs;
use comp::report::{self, diagnostics::Source};
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Parses and checks a plan; panics with the rendered diagnostics otherwise.
pub fn plan_from(text: &str, overrides: &[(&str, &str)]) -> Plan {
    let file = comp::syntax::parse(text).unwrap_or_else(|e| panic!("syntax errors: {e:#?}"));
    let overrides: Vec<Override> =
        overrides.iter().map(|(n, v)| Override { name: n.to_string(), value: v.to_string() }).collect();
    check::check(&file, &overrides).unwrap_or_else(|errs| {
        let source = Source { name: "plan".into(), text: text.into() };
        let rendered: Vec<String> =
            errs.into_iter().map(|e| report::diagnostics::render(e, Some(&source), false)).collect();
        panic!("check errors:\n{}", rendered.join("\n"))
    })
}

pub fn plan_file(path: &Path) -> Plan {
    plan_from(&std::fs::read_to_string(path).expect("plan file"), &[])
}

/// `comp run --format csv` through the library.
pub fn run_csv(plan: &Plan, data: &Path) -> String {
    let inputs = Inputs::new(plan, Some(data), &[]).expect("inputs");
    let ev = match comp::eval::run(plan, &inputs, comp::eval::Options::default()) {
        Ok(ev) => ev,
        Err(e) => panic!("run failed: {e:?}"),
    };
    report::csv(plan, &report::statements(&ev))
}

/// (participant, period, line) → amount as printed.
pub type Payouts = std::collections::BTreeMap<(String, String, String), String>;

/// Runs plan text over tables given inline as CSV text.
pub fn run_inline(plan_text: &str, tables: &[(&str, &str)], overrides: &[(&str, &str)]) -> Payouts {
    let plan = plan_from(plan_text, overrides);
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, csv) in tables {
        std::fs::write(dir.path().join(format!("{name}.csv")), csv).expect("write table");
    }
    parse_csv(&run_csv(&plan, dir.path()))
}

pub fn parse_csv(csv: &str) -> Payouts {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("participant,period,line,amount"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            ((f[0].to_string(), f[1].to_string(), f[2].to_string()), f[3].to_string())
        })
        .collect()
}

/// The amount of one line, panicking with the whole output when it is absent.
pub fn line(out: &Payouts, participant: &str, period: &str, line: &str) -> String {
    out.get(&(participant.to_string(), period.to_string(), line.to_string()))
        .cloned()
        .unwrap_or_else(|| panic!("no line {participant} {period} {line} in {out:#?}"))
}
