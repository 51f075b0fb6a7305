//! `comp run PLAN --data DIR`: evaluate a plan and print the payout lines.

use super::loading::{evaluate, load, PlanArgs};
use super::{is_broken_pipe, write, write_atomic, CliError, Exit, Reporter, Stream};
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
    let written = match &args.output {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => write(Stream::Stdout, &text),
    };
    match written {
        Ok(()) => Exit::Ok,
        // `comp run ... | head`: the reader has what it wanted.
        Err(e) if args.output.is_none() && is_broken_pipe(&e) => Exit::Ok,
        Err(e) => {
            reporter.report(CliError::write(args.output.as_deref(), &e), None);
            Exit::Invalid
        }
    }
}
