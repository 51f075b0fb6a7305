//! `comp run PLAN --data DIR`: evaluate a plan and print the payout lines.

use super::{
    is_broken_pipe, load_plan, parse_assignment, parse_table, say, write, write_atomic, CliError, DiagnosticFormat,
    Exit, Reporter, Stream,
};
use crate::check::Override;
use crate::data::{DataError, Inputs, MAX_ERRORS};
use crate::eval::RunError;
use crate::report;
use crate::report::diagnostics::Source;
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan file.
    pub plan: PathBuf,
    /// Folder holding one `<table>.csv` per table of the plan.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Read one table from another file: `--table sales=export.csv`.
    #[arg(long = "table", value_name = "NAME=PATH", value_parser = parse_table)]
    pub tables: Vec<(String, PathBuf)>,
    /// Override a parameter for this run: `--set over_rate=6%`.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_assignment)]
    pub sets: Vec<(String, String)>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: OutputFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Diagnostics as text or JSON lines.
    #[arg(long, value_enum, default_value = "text")]
    pub diagnostics: DiagnosticFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
}

pub fn run(args: Args) -> Exit {
    let mut reporter = Reporter::new(args.diagnostics);
    if args.data.is_none() && args.tables.is_empty() {
        say("error: `comp run` needs the data: `--data DIR` or `--table NAME=PATH` for each table");
        return Exit::Usage;
    }
    let overrides: Vec<Override> =
        args.sets.iter().map(|(n, v)| Override { name: n.clone(), value: v.clone() }).collect();
    let Some((plan, source)) = load_plan(&args.plan, &overrides, &mut reporter) else {
        reporter.summary("the plan");
        return Exit::Invalid;
    };
    let inputs = match Inputs::new(&plan, args.data.as_deref(), &args.tables) {
        Ok(i) => i,
        Err(e) => {
            reporter.report(*e, None);
            return Exit::Usage;
        }
    };
    let mut options = crate::eval::Options::default();
    if let Some(n) = args.threads {
        if n == 0 {
            say("error: `--threads` must be at least 1");
            return Exit::Usage;
        }
        options.threads = n;
    }
    let evaluation = match crate::eval::run(&plan, &inputs, options) {
        Ok(ev) => ev,
        Err(RunError::Data(errors)) => {
            let stopped = DataError::stopped_at(&errors);
            for e in errors {
                // The file's name, for `--diagnostics json` when the error has no snippet.
                let file = Source { name: e.file.clone(), text: String::new() };
                reporter.report(e, Some(&file));
            }
            match stopped {
                Some(at) => reporter.summary_stopped("the data", &format!("stopped after {at}")),
                None => reporter.summary("the data"),
            }
            return Exit::Invalid;
        }
        Err(RunError::Eval(errors)) => {
            // Evaluation keeps the first MAX_ERRORS errors.
            let stopped = errors.len() >= MAX_ERRORS;
            for e in errors {
                reporter.report(e, Some(&source));
            }
            if stopped {
                reporter.summary_stopped("the run", &format!("only the first {MAX_ERRORS} are shown"));
            } else {
                reporter.summary("the run");
            }
            return Exit::Invalid;
        }
    };
    let statements = report::statements(&evaluation);
    let text = match args.format {
        OutputFormat::Table => report::table(&plan, &statements),
        OutputFormat::Csv => report::csv(&plan, &statements),
        OutputFormat::Json => report::json(&plan, &statements),
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
