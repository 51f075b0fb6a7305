//! `comp check PLAN...`: parse and check plan files, report every error; with
//! `--data`, also read the data and compute the run, reporting every data and
//! evaluation error without printing payouts.

use super::loading::{evaluate, load, PlanArgs};
use super::{load_plan, parse_table, DiagnosticFormat, Exit, Reporter, Stream};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plan files (`.comp`).
    #[arg(required = true)]
    pub plans: Vec<PathBuf>,
    /// Also check the data: the folder holding one `<table>.csv` per table of the plan.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// With the data, read one table from another file: `--table sales=export.csv`.
    #[arg(long = "table", value_name = "NAME=PATH", value_parser = parse_table)]
    pub tables: Vec<(String, PathBuf)>,
    /// `text` for people, `json` (one diagnostic per line) for editors and CI.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiagnosticFormat,
}

pub fn run(args: Args) -> Exit {
    let with_data = args.data.is_some() || !args.tables.is_empty();
    let mut reporter = Reporter::new(args.format);
    let mut ok = true;
    for path in &args.plans {
        if with_data {
            ok &= check_with_data(&args, path, &mut reporter);
            continue;
        }
        match load_plan(path, &[], &mut reporter) {
            Some((plan, _)) if args.format == DiagnosticFormat::Text => {
                let ok = format!(
                    "ok: {} — plan `{}`, {}, {}, {}\n",
                    path.display(),
                    plan.name,
                    count(plan.cells.len(), "definition"),
                    count(plan.lines.len(), "line"),
                    count(plan.calendar.periods.len(), "period")
                );
                reporter.write(Stream::Stdout, &ok);
            }
            Some(_) => {}
            None => ok = false,
        }
    }
    if !with_data {
        reporter.summary("the plan");
    }
    if ok {
        Exit::Ok
    } else {
        Exit::Invalid
    }
}

/// The plan, then its data, read and computed exactly as `comp run` does.
fn check_with_data(args: &Args, path: &std::path::Path, reporter: &mut Reporter) -> bool {
    let plan_args = PlanArgs {
        plan: path.to_path_buf(),
        data: args.data.clone(),
        tables: args.tables.clone(),
        sets: Vec::new(),
        threads: None,
        diagnostics: args.format,
    };
    let Ok(loaded) = load(&plan_args, reporter, "check") else { return false };
    let Ok(evaluation) = evaluate(&loaded, reporter) else { return false };
    if args.format == DiagnosticFormat::Text {
        let ok = format!(
            "ok: {} — plan `{}` and its data, {}\n",
            path.display(),
            loaded.plan.name,
            count(evaluation.participants().len(), "participant")
        );
        reporter.write(Stream::Stdout, &ok);
    }
    true
}

/// `1 line`, `2 lines`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(super::count(1, "line"), "1 line");
        assert_eq!(super::count(0, "period"), "0 periods");
        assert_eq!(super::count(4, "period"), "4 periods");
    }
}
