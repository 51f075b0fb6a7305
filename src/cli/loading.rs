//! What `run`, `explain` and `statement` share: reading and checking the plan,
//! locating its data, and running it, with every error reported the same way.

use super::{load_plan, parse_assignment, parse_table, say, DiagnosticFormat, Exit, Reporter};
use crate::check::{Override, Plan};
use crate::data::{DataError, Inputs, MAX_ERRORS};
use crate::eval::{Evaluation, RunError};
use crate::report::diagnostics::Source;
use std::path::PathBuf;

/// The plan and its data, as every command that runs a plan takes them.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
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
    /// Worker threads (default: all cores). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Diagnostics as text or JSON lines.
    #[arg(long, value_enum, default_value = "text")]
    pub diagnostics: DiagnosticFormat,
}

/// A checked plan with its source and the files to read.
pub(super) struct Loaded {
    pub plan: Plan,
    pub source: Source,
    pub inputs: Inputs,
    pub options: crate::eval::Options,
}

/// Reads and checks the plan and locates the data, as `comp run` does.
pub(super) fn load(args: &PlanArgs, reporter: &mut Reporter, command: &str) -> Result<Loaded, Exit> {
    if args.data.is_none() && args.tables.is_empty() {
        say(&format!("error: `comp {command}` needs the data: `--data DIR` or `--table NAME=PATH` for each table"));
        return Err(Exit::Usage);
    }
    let mut options = crate::eval::Options::default();
    if let Some(n) = args.threads {
        if n == 0 {
            say("error: `--threads` must be at least 1");
            return Err(Exit::Usage);
        }
        options.threads = n;
    }
    options.size_thread_pool();
    let overrides: Vec<Override> =
        args.sets.iter().map(|(n, v)| Override { name: n.clone(), value: v.clone() }).collect();
    let Some((plan, source)) = load_plan(&args.plan, &overrides, reporter) else {
        reporter.summary("the plan");
        return Err(Exit::Invalid);
    };
    let inputs = match Inputs::new(&plan, args.data.as_deref(), &args.tables) {
        Ok(i) => i,
        Err(e) => {
            reporter.report(*e, None);
            return Err(Exit::Usage);
        }
    };
    Ok(Loaded { plan, source, inputs, options })
}

/// Reports data errors as `comp run` does.
pub(super) fn report_data(errors: Vec<DataError>, reporter: &mut Reporter) {
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
}

/// The run, exactly as `comp run` computes it.
pub(super) fn evaluate<'p>(loaded: &'p Loaded, reporter: &mut Reporter) -> Result<Evaluation<'p>, Exit> {
    match crate::eval::run(&loaded.plan, &loaded.inputs, loaded.options) {
        Ok(ev) => Ok(ev),
        Err(RunError::Data(errors)) => {
            report_data(errors, reporter);
            Err(Exit::Invalid)
        }
        Err(RunError::Eval(errors)) => {
            // Evaluation keeps the first MAX_ERRORS errors.
            let stopped = errors.len() >= MAX_ERRORS;
            for e in errors {
                reporter.report(e, Some(&loaded.source));
            }
            if stopped {
                reporter.summary_stopped("the run", &format!("only the first {MAX_ERRORS} are shown"));
            } else {
                reporter.summary("the run");
            }
            Err(Exit::Invalid)
        }
    }
}
