//! A plan that checks, run over small tables made for its schema (the bytes
//! after the first NUL choose the values): a result or diagnostics, in every
//! output format; never a panic.
#![no_main]

mod common;

use comp::data::Inputs;
use comp::eval::{Options, RunError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, rest) = common::split(data);
    let Ok(file) = comp::syntax::parse(&text) else { return };
    let Ok(plan) = comp::check::check(&file, &[]) else { return };
    let mut choices = common::Choices::new(rest);
    let dir = tempfile::tempdir().expect("a temporary folder");
    common::write_tables(&plan, &mut choices, dir.path());
    let inputs = Inputs::new(&plan, Some(dir.path()), &[]).expect("a file for every table");
    // Oracles: one thread and two give the same bytes, and the CSV and
    // JSON outputs give the same amounts.
    let mut outputs = Vec::new();
    for threads in [1, 2] {
        outputs.push(match comp::eval::run(&plan, &inputs, Options { threads }) {
            Ok(evaluation) => {
                let statements = comp::report::statements(&evaluation);
                let _ = comp::report::table(&plan, &statements);
                let csv = comp::report::csv(&plan, &statements);
                assert_eq!(csv, csv_from_json(&comp::report::json(&plan, &statements)), "CSV and JSON disagree");
                Ok(csv)
            }
            Err(RunError::Data(errors)) => Err(common::report(errors, &text)),
            Err(RunError::Eval(errors)) => Err(common::report(errors, &text)),
        });
    }
    assert_eq!(outputs[0], outputs[1], "one thread and two disagree");
});

/// The CSV output, rebuilt from the JSON output.
fn csv_from_json(json: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let mut csv = String::from("participant,period,line,amount\n");
    for p in json["participants"].as_array().expect("participants") {
        for period in p["periods"].as_array().expect("periods") {
            for l in period["lines"].as_array().expect("lines") {
                let field = |v: &serde_json::Value| {
                    let s = v.as_str().expect("a string").to_string();
                    if s.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", s.replace('"', "\"\""))
                    } else {
                        s
                    }
                };
                csv.push_str(&format!(
                    "{},{},{},{}\n",
                    field(&p["id"]),
                    field(&period["period"]),
                    field(&l["line"]),
                    field(&l["amount"])
                ));
            }
        }
    }
    csv
}
