//! `comp statement PLAN --data DIR --participant ID`: a participant's
//! statement, as Markdown or a self-contained HTML page.

use super::explain::explainer;
use super::loading::{evaluate, load, PlanArgs};
use super::write_out;
use super::{Exit, Reporter};
use crate::report::statement;
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: PlanArgs,
    /// The participant (an id of the participants table).
    #[arg(long, value_name = "ID")]
    pub participant: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: StatementFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatementFormat {
    Markdown,
    Html,
}

pub fn run(args: Args) -> Exit {
    let mut reporter = Reporter::new(args.common.diagnostics);
    let loaded = match load(&args.common, &mut reporter, "statement") {
        Ok(l) => l,
        Err(e) => return e,
    };
    let ev = match evaluate(&loaded, &mut reporter) {
        Ok(ev) => ev,
        Err(e) => return e,
    };
    let x = match explainer(&ev, &loaded, &args.participant, &mut reporter) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let s = statement::build(&x, &loaded.source.name);
    let text = match args.format {
        StatementFormat::Markdown => statement::markdown(&s),
        StatementFormat::Html => statement::html(&s),
    };
    write_out(&args.output, &text, &mut reporter)
}
