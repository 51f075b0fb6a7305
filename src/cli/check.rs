//! `comp check PLAN...`: parse and check plan files, report every error.

use super::{load_plan, DiagnosticFormat, Exit, Reporter, Stream};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plan files (`.comp`).
    #[arg(required = true)]
    pub plans: Vec<PathBuf>,
    /// `text` for people, `json` (one diagnostic per line) for editors and CI.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiagnosticFormat,
}

pub fn run(args: Args) -> Exit {
    let mut reporter = Reporter::new(args.format);
    let mut ok = true;
    for path in &args.plans {
        let before = reporter.count;
        match load_plan(path, &[], &mut reporter) {
            Some((plan, _)) if args.format == DiagnosticFormat::Text => {
                let lines = plan.lines.len();
                let ok = format!(
                    "ok: {} — plan `{}`, {} definitions, {} lines, {} periods\n",
                    path.display(),
                    plan.name,
                    plan.cells.len(),
                    lines,
                    plan.calendar.periods.len()
                );
                reporter.write(Stream::Stdout, &ok);
            }
            Some(_) => {}
            None => {
                ok = false;
                let _ = before;
            }
        }
    }
    reporter.summary("the plan");
    if ok {
        Exit::Ok
    } else {
        Exit::Invalid
    }
}
