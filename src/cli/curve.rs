//! `comp curve PLAN --line NAME`: the payout curve of a line against
//! attainment, as SVG, from real evaluations of the plan (see
//! [`crate::report::curve`]).

use super::{load_plan, write_out, DiagnosticFormat, Exit, Reporter};
use crate::report::curve::{self, Curve, Options};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan file.
    pub plan: PathBuf,
    /// The payout or info line to draw (any value of the plan works).
    #[arg(long, value_name = "NAME")]
    pub line: String,
    /// A value of the plan for the x axis (default: the attainment of the
    /// tier table the line uses, its base ÷ its `of`, or the base alone).
    #[arg(long, value_name = "VALUE")]
    pub against: Option<String>,
    /// Another plan (a draft, last year's) drawn on the same chart.
    #[arg(long, value_name = "OTHER_PLAN")]
    pub compare: Option<PathBuf>,
    /// The period to run (default: the plan's first).
    #[arg(long, value_name = "LABEL")]
    pub period: Option<String>,
    /// Points on the curve, less one.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub steps: usize,
    /// Write the SVG to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE.svg")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    let mut reporter = Reporter::new(DiagnosticFormat::Text);
    let options = Options {
        line: args.line.clone(),
        against: args.against.clone(),
        period: args.period.clone(),
        steps: args.steps,
    };
    let mut curves: Vec<Curve> = Vec::new();
    for path in std::iter::once(&args.plan).chain(&args.compare) {
        match one(path, &options, &mut reporter) {
            Some(c) => curves.push(c),
            None => return Exit::Invalid,
        }
    }
    let svg = curve::svg(&curves);
    write_out(&args.output, &svg, &mut reporter)
}

fn one(path: &Path, options: &Options, reporter: &mut Reporter) -> Option<Curve> {
    let Some((plan, source)) = load_plan(path, &[], reporter) else {
        reporter.summary("the plan");
        return None;
    };
    match curve::sweep(&plan, &source.text, options) {
        Ok(c) => Some(c),
        Err(message) => {
            super::say(&format!("error: {}: {message}", path.display()));
            None
        }
    }
}
