//! `comp explain PLAN --data DIR --participant ID`: the calculation behind a
//! participant's lines, as a tree.

use super::loading::{evaluate, load, report_data, Loaded, PlanArgs};
use super::{say, write_out, Exit, Reporter};
use crate::check::{CellId, Plan};
use crate::eval::Evaluation;
use crate::report::explain::{self, Explainer, Request, RowsError};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: PlanArgs,
    /// The participant to explain (an id of the participants table).
    #[arg(long, value_name = "ID")]
    pub participant: String,
    /// Only this period: `2024-Q4` (or `Q4`).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Only this line (or any named value of the plan).
    #[arg(long, value_name = "NAME")]
    pub line: Option<String>,
    /// List the participant's rows of each period.
    #[arg(long)]
    pub rows: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExplainFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
    Markdown,
}

/// The explainer for one participant, by id.
pub(super) fn explainer<'e, 'p>(
    ev: &'e Evaluation<'p>,
    loaded: &'e Loaded,
    id: &str,
    reporter: &mut Reporter,
) -> Result<Explainer<'e, 'p>, Exit> {
    let Some(p) = ev.statics.participant(id) else {
        let hint = crate::check::did_you_mean(id, ev.participants().iter().map(|s| &**s))
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        say(&format!("error: no participant `{id}` in `{}`{hint}", loaded.plan.participants.name));
        return Err(Exit::Usage);
    };
    match Explainer::new(ev, &loaded.source, loaded.inputs.path(&loaded.plan.events), p) {
        Ok(x) => Ok(x),
        Err(RowsError::Data(errors)) => {
            report_data(errors, reporter);
            Err(Exit::Invalid)
        }
        Err(RowsError::Mismatch(message)) => {
            say(&format!("error: {message}"));
            Err(Exit::Invalid)
        }
    }
}

/// A period by its label (`2024-Q4`) or the label's last part (`Q4`).
fn period(plan: &Plan, wanted: &str) -> Result<usize, Exit> {
    let periods = &plan.calendar.periods;
    let w = wanted.trim().to_lowercase();
    let found = periods.iter().position(|p| p.label.to_lowercase() == w).or_else(|| {
        let short: Vec<usize> = periods
            .iter()
            .enumerate()
            .filter(|(_, p)| p.label.rsplit_once('-').is_some_and(|(_, s)| s.to_lowercase() == w))
            .map(|(i, _)| i)
            .collect();
        (short.len() == 1).then(|| short[0])
    });
    found.ok_or_else(|| {
        let labels: Vec<&str> = periods.iter().map(|p| p.label.as_str()).collect();
        say(&format!("error: no period `{wanted}`; the plan's periods are {}", labels.join(", ")));
        Exit::Usage
    })
}

/// A definition to explain: a line or a named value of the participant.
fn definition(ev: &Evaluation<'_>, p: usize, name: &str) -> Result<CellId, Exit> {
    let plan = ev.plan;
    if plan.row_values.iter().any(|r| r.name == name) {
        say(&format!(
            "error: `{name}` is a value of each row; explain a value that aggregates it, or list the rows with `--rows`"
        ));
        return Err(Exit::Usage);
    }
    let Some(c) = plan.cell_by_name(name) else {
        let names = plan.cells.iter().map(|c| c.name.as_str());
        let hint = crate::check::did_you_mean(name, names).map(|h| format!("; {h}")).unwrap_or_default();
        say(&format!("error: the plan has no line or value `{name}`{hint}"));
        return Err(Exit::Usage);
    };
    let cell = &plan.cells[c];
    if !ev.in_section(cell.section, p) {
        let section = cell.section.map(|s| plan.sections[s].name.as_str()).unwrap_or("?");
        say(&format!(
            "error: `{name}` does not apply to `{}`: it is defined in section `{section}`",
            ev.statics.ids[p]
        ));
        return Err(Exit::Usage);
    }
    Ok(c)
}

pub fn run(args: Args) -> Exit {
    let mut reporter = Reporter::new(args.common.diagnostics);
    let loaded = match load(&args.common, &mut reporter, "explain") {
        Ok(l) => l,
        Err(e) => return e,
    };
    let mut request = Request { rows: args.rows, ..Request::default() };
    if let Some(p) = &args.period {
        match period(&loaded.plan, p) {
            Ok(t) => request.periods.push(t),
            Err(e) => return e,
        }
    }
    let ev = match evaluate(&loaded, &mut reporter) {
        Ok(ev) => ev,
        Err(e) => return e,
    };
    let x = match explainer(&ev, &loaded, &args.participant, &mut reporter) {
        Ok(x) => x,
        Err(e) => return e,
    };
    if let Some(name) = &args.line {
        match definition(&ev, x.participant(), name) {
            Ok(c) => request.line = Some(c),
            Err(e) => return e,
        }
    }
    let explanation = x.explain(&request);
    let text = match args.format {
        ExplainFormat::Text => explain::text(&explanation),
        ExplainFormat::Markdown => explain::markdown(&explanation),
        ExplainFormat::Json => {
            let mut s = serde_json::to_string_pretty(&explanation).expect("plain data serialises");
            s.push('\n');
            s
        }
    };
    write_out(&args.output, &text, &mut reporter)
}
