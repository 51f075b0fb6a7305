//! `comp run PLAN --data DIR`: evaluate a plan and print the payout lines.

use super::loading::{evaluate, load, PlanArgs};
use super::{write_out, Exit, Reporter};
use crate::report;
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: PlanArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
}

pub fn run(args: Args) -> Exit {
    let mut reporter = Reporter::new(args.common.diagnostics);
    let loaded = match load(&args.common, &mut reporter, "run") {
        Ok(l) => l,
        Err(exit) => return exit,
    };
    let evaluation = match evaluate(&loaded, &mut reporter) {
        Ok(ev) => ev,
        Err(exit) => return exit,
    };
    let plan = &loaded.plan;
    let statements = report::statements(&evaluation);
    let text = match args.format {
        OutputFormat::Table => report::table(plan, &statements),
        OutputFormat::Csv => report::csv(plan, &statements),
        OutputFormat::Json => report::json(plan, &statements),
    };
    // `comp run ... | head`: the reader has what it wanted.
    write_out(&args.output, &text, &mut reporter)
}
