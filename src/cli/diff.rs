//! `comp diff OLD NEW --data DIR`: what a change of the plan does to every
//! payout, before anyone is paid. Both plans run over the same data, the events
//! table read once; the report compares their statements.

use super::{parse_assignment, parse_table, say, write_out, CliError, DiagnosticFormat, Exit, Reporter, Stream};
use crate::check::{Override, Plan};
use crate::data::{DataError, Inputs, MAX_ERRORS};
use crate::eval::pair::{run_pair, Reading, Which};
use crate::eval::RunError;
use crate::report::diagnostics::{self, Source};
use crate::report::{self, diff};
use crate::syntax::ast::PlanFile;
use clap::ValueEnum;
use miette::{Diagnostic, LabeledSpan, NamedSource};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;
use thiserror::Error;

const AFTER_HELP: &str = "\
OLD and NEW are plan files, or REV:PATH to read a file from a commit of the git
repository around the current directory (`git show REV:PATH`; PATH is from the
top of the repository, `REV:./PATH` from here). What does my uncommitted edit do?
    comp diff HEAD:rules/sales_2024.comp rules/sales_2024.comp --data rules/data/2024
A what-if without an edit:
    comp diff rules/sales_2024.comp rules/sales_2024.comp --data rules/data/2024 --set over_rate=6%

Exit codes: 0 the report was written (with --fail-on-change: and no payout
differs); 1 an error in a plan or the data (diagnostics on stderr), or, with
--fail-on-change, a payout differs (the report is written, no diagnostics);
2 a usage error. So with --fail-on-change, 1 is either a change or an error:
tell them apart by the report on stdout (or the --output file) being there.";

#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The plan before the change: a file, or REV:PATH read from git.
    pub old: String,
    /// The plan after the change: a file, or REV:PATH read from git.
    pub new: String,
    /// Folder holding one `<table>.csv` per table of the plans.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Read one table from another file: `--table sales=export.csv` (for the plans that declare it).
    #[arg(long = "table", value_name = "NAME=PATH", value_parser = parse_table)]
    pub tables: Vec<(String, PathBuf)>,
    /// Override a parameter of the NEW plan only: `--set over_rate=6%`.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_assignment)]
    pub sets: Vec<(String, String)>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: DiffFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How many of the participants whose pay moved most to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Exit 1 when any payout differs (info lines do not count), 0 when none does.
    #[arg(long)]
    pub fail_on_change: bool,
    /// Worker threads (default: all cores). Output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Diagnostics as text or JSON lines.
    #[arg(long, value_enum, default_value = "text")]
    pub diagnostics: DiagnosticFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A readable report (coloured on a terminal).
    Table,
    /// Every figure, amounts as exact decimal strings.
    Json,
    /// `participant,period,line,old,new,delta`, the cells that differ.
    Csv,
    /// To paste into a pull request.
    Markdown,
}

/// A `REV:PATH` that git cannot give.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(comp::diff::git))]
pub struct GitError {
    message: String,
    #[help]
    help: Option<String>,
}

/// The plans declare their input tables differently.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(comp::diff::schema), severity(Warning))]
pub struct SchemaWarning {
    message: String,
    #[source_code]
    source_code: Option<NamedSource<String>>,
    #[label(collection)]
    labels: Vec<LabeledSpan>,
    #[help]
    help: String,
}

/// Why OLD or NEW cannot be read.
pub enum ReadError {
    File(CliError),
    Git(GitError),
}

/// Reads OLD or NEW: a file, or `REV:PATH` through `git show`.
pub fn read_plan_source(arg: &str) -> Result<Source, ReadError> {
    let path = Path::new(arg);
    let git = match arg.split_once(':') {
        Some((rev, file)) if !path.exists() && !rev.is_empty() && !file.is_empty() => Some((rev, file)),
        _ => None,
    };
    let Some((rev, file)) = git else {
        return match std::fs::read_to_string(path) {
            Ok(text) => Ok(Source { name: arg.to_string(), text }),
            Err(e) => Err(ReadError::File(CliError::read_plan(path, &e))),
        };
    };
    let output = match Command::new("git").arg("show").arg(format!("{rev}:{file}")).output() {
        Ok(o) => o,
        Err(e) => {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "git is not installed (or not on PATH)".to_string()
            } else {
                crate::data::io_reason(&e)
            };
            return Err(ReadError::Git(GitError {
                message: format!("cannot read `{arg}` from git: {why}"),
                help: Some(format!(
                    "`{arg}` is not a file here, so it is read as REV:PATH with `git show`; install git, or save that \
                     version to a file (`git show {arg} > old.comp`) and give the file"
                )),
            }));
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("git failed").trim();
        let why = why.strip_prefix("fatal: ").unwrap_or(why);
        return Err(ReadError::Git(GitError {
            message: format!("cannot read `{arg}` from git: {why}"),
            help: Some(format!(
                "`{arg}` is not a file here, so it is read as REV:PATH with `git show` in the repository around the \
                 current directory: REV a commit (`HEAD`, `HEAD~1`, `main`), PATH from the repository's top (or \
                 `./PATH` from here)"
            )),
        }));
    }
    match String::from_utf8(output.stdout) {
        Ok(text) => Ok(Source { name: arg.to_string(), text }),
        Err(_) => Err(ReadError::Git(GitError {
            message: format!("`{arg}` is not valid UTF-8"),
            help: Some("save the plan as UTF-8".into()),
        })),
    }
}

/// What an error stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Read,
    Check,
    Data,
    Run,
}

/// Diagnostics of both plans, each error counted against its plan and stage.
struct Diagnostics {
    reporter: Reporter,
    counts: Vec<(Which, Stage)>,
    /// Where reporting stopped early, by plan and stage: more errors may follow.
    stopped: Vec<((Which, Stage), String)>,
}

fn side_word(which: Which) -> &'static str {
    match which {
        Which::Old => "old",
        Which::New => "new",
        Which::Both => "both",
    }
}

/// A diagnostic as `comp run` prints it, one JSON object a line, with the plan
/// it concerns: `old`, `new` or `both`.
fn json_line(diag: diagnostics::JsonDiagnostic, plan: &str) -> String {
    let mut value = serde_json::to_value(diag).expect("plain data serialises");
    if let serde_json::Value::Object(fields) = &mut value {
        fields.insert("plan".into(), plan.into());
    }
    value.to_string()
}

impl Diagnostics {
    fn error<D: Diagnostic + Send + Sync + 'static>(&mut self, at: (Which, Stage), diag: D, source: Option<&Source>) {
        self.counts.push(at);
        match self.reporter.format {
            DiagnosticFormat::Text => self.reporter.report(diag, source),
            DiagnosticFormat::Json => {
                self.reporter.count += 1;
                let line = json_line(diagnostics::to_json(&diag, source), side_word(at.0)) + "\n";
                self.reporter.write(Stream::Stdout, &line);
            }
        }
    }

    /// Data errors, with the file each is in (for JSON).
    fn data_errors(&mut self, which: Which, errors: Vec<DataError>) {
        if let Some(at) = DataError::stopped_at(&errors) {
            self.stopped.push(((which, Stage::Data), format!("stopped after {at}")));
        }
        for e in errors {
            let file = Source { name: e.file.clone(), text: String::new() };
            self.error((which, Stage::Data), e, Some(&file));
        }
    }

    /// A warning: on stderr whatever the format, so it never mixes with the report.
    fn warning<D: Diagnostic + Send + Sync + 'static>(&mut self, diag: D) {
        let text = match self.reporter.format {
            DiagnosticFormat::Text => diagnostics::render(diag, None, std::io::stderr().is_terminal()),
            DiagnosticFormat::Json => {
                let mut json = diagnostics::to_json(&diag, None);
                json.severity = "warning";
                json_line(json, "both") + "\n"
            }
        };
        self.reporter.write(Stream::Stderr, &text);
    }

    /// Closing lines: what failed, for which plan, with how many errors.
    fn summary(&mut self, old: &str, new: &str) {
        if self.reporter.format != DiagnosticFormat::Text {
            return;
        }
        let mut lines = Vec::new();
        for which in [Which::Old, Which::New, Which::Both] {
            let plan = match which {
                Which::Old => format!("the old plan `{old}`"),
                Which::New => format!("the new plan `{new}`"),
                Which::Both => String::new(),
            };
            for stage in [Stage::Read, Stage::Check, Stage::Data, Stage::Run] {
                let n = self.counts.iter().filter(|c| **c == (which, stage)).count();
                if n == 0 {
                    continue;
                }
                let stopped = self.stopped.iter().find(|(at, _)| *at == (which, stage)).map(|(_, note)| note);
                let errors = match (n, stopped) {
                    (_, Some(_)) => format!("at least {n} errors"),
                    (1, None) => "1 error".to_string(),
                    (n, None) => format!("{n} errors"),
                };
                let errors = errors.as_str();
                let line = match (stage, which) {
                    (Stage::Read, _) => format!("cannot read {plan}"),
                    (Stage::Check, _) => format!("{plan} has {errors}"),
                    (Stage::Data, Which::Both) => format!("the data has {errors}"),
                    (Stage::Data, _) => format!("the data has {errors}, read for {plan}"),
                    (Stage::Run, Which::Both) => format!("the run has {errors} (for both plans)"),
                    (Stage::Run, _) => format!("the run of {plan} has {errors}"),
                };
                match stopped {
                    Some(note) => lines.push(format!("error: {line}; {note}\n")),
                    None => lines.push(format!("error: {line}\n")),
                }
            }
        }
        for line in lines {
            self.reporter.write(Stream::Stderr, &line);
        }
    }
}

/// Parses and checks a plan's text.
fn check_source(
    source: &Source,
    overrides: &[Override],
    which: Which,
    diags: &mut Diagnostics,
) -> Option<(PlanFile, Plan)> {
    let file = match crate::syntax::parse(&source.text) {
        Ok(f) => f,
        Err(errors) => {
            for e in errors {
                diags.error((which, Stage::Check), e, Some(source));
            }
            return None;
        }
    };
    match crate::check::check(&file, overrides) {
        Ok(plan) => Some((file, plan)),
        Err(errors) => {
            for e in errors {
                diags.error((which, Stage::Check), e, Some(source));
            }
            None
        }
    }
}

/// The schema differences as one warning, pointed at the new plan's
/// declarations (or the old plan's, when all of them are removals).
fn schema_warning(changes: &[diff::SchemaChange], old: &Source, new: &Source) -> SchemaWarning {
    let in_new = changes.iter().any(|c| c.new_span.is_some());
    let (source, spans): (&Source, Vec<LabeledSpan>) = if in_new {
        (
            new,
            changes
                .iter()
                .filter_map(|c| Some(LabeledSpan::new_with_span(Some(c.column_text.clone()), c.new_span?)))
                .collect(),
        )
    } else {
        (
            old,
            changes
                .iter()
                .filter_map(|c| Some(LabeledSpan::new_with_span(Some(c.column_text.clone()), c.old_span?)))
                .collect(),
        )
    };
    let tables: Vec<&str> = changes.iter().fold(Vec::new(), |mut v, c| {
        if !v.contains(&c.table.as_str()) {
            v.push(&c.table);
        }
        v
    });
    let message = match tables.as_slice() {
        [one] => format!("the old and the new plan declare table `{one}` differently"),
        _ => "the old and the new plan declare their input tables differently".to_string(),
    };
    let list: Vec<String> = changes.iter().map(|c| format!("- {}", c.text)).collect();
    SchemaWarning {
        message,
        source_code: Some(source.named()),
        labels: spans,
        help: format!(
            "{}\neach plan reads the columns it declares from the same files, so the data must fit both plans",
            list.join("\n")
        ),
    }
}

pub fn run(args: Args) -> Exit {
    let mut diags = Diagnostics { reporter: Reporter::new(args.diagnostics), counts: Vec::new(), stopped: Vec::new() };
    if args.data.is_none() && args.tables.is_empty() {
        say("error: `comp diff` needs the data: `--data DIR` or `--table NAME=PATH` for each table");
        return Exit::Usage;
    }
    let mut options = crate::eval::Options::default();
    if let Some(n) = args.threads {
        if n == 0 {
            say("error: `--threads` must be at least 1");
            return Exit::Usage;
        }
        options.threads = n;
    }
    options.size_thread_pool();

    // Both plans: read, parse and check (`--set` on the new one only).
    let sources = [(Which::Old, &args.old), (Which::New, &args.new)].map(|(which, arg)| match read_plan_source(arg) {
        Ok(s) => Some(s),
        Err(ReadError::File(e)) => {
            // The file's name, for `--diagnostics json`; there is no text to show.
            let file = Source { name: arg.clone(), text: String::new() };
            diags.error((which, Stage::Read), e, Some(&file));
            None
        }
        Err(ReadError::Git(e)) => {
            diags.error((which, Stage::Read), e, None);
            None
        }
    });
    let [Some(old_source), Some(new_source)] = sources else {
        diags.summary(&args.old, &args.new);
        return Exit::Invalid;
    };
    let overrides: Vec<Override> =
        args.sets.iter().map(|(n, v)| Override { name: n.clone(), value: v.clone() }).collect();
    let old = check_source(&old_source, &[], Which::Old, &mut diags);
    let new = check_source(&new_source, &overrides, Which::New, &mut diags);
    let (Some((old_file, old_plan)), Some((new_file, new_plan))) = (old, new) else {
        diags.summary(&args.old, &args.new);
        return Exit::Invalid;
    };

    let schema = diff::schema_changes(&old_plan, &new_plan);
    if !schema.is_empty() {
        diags.warning(schema_warning(&schema, &old_source, &new_source));
    }

    // Each plan reads its own tables; `--table` applies to the plans that declare the table.
    let declares = |plan: &Plan, name: &str| plan.tables().any(|(_, t)| t.name == name);
    if let Some((name, path)) = args.tables.iter().find(|(n, _)| !declares(&old_plan, n) && !declares(&new_plan, n)) {
        let mut names: Vec<&str> = old_plan.tables().chain(new_plan.tables()).map(|(_, t)| t.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let e = DataError::file(
            &path.display().to_string(),
            format!("`--table {name}=...` names no table of either plan"),
            Some(format!("the plans' tables are {}", names.join(", "))),
        );
        diags.data_errors(Which::Both, vec![e]);
        return Exit::Usage;
    }
    let inputs = |plan: &Plan| {
        let tables: Vec<(String, PathBuf)> = args.tables.iter().filter(|(n, _)| declares(plan, n)).cloned().collect();
        Inputs::new(plan, args.data.as_deref(), &tables)
    };
    let (old_inputs, new_inputs) = match (inputs(&old_plan), inputs(&new_plan)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let (o, n) = (o.err(), n.err());
            let same = matches!((&o, &n), (Some(a), Some(b)) if a.message == b.message);
            let errors = if same { vec![(Which::Both, o)] } else { vec![(Which::Old, o), (Which::New, n)] };
            for (which, e) in errors {
                if let Some(e) = e {
                    diags.data_errors(which, vec![*e]);
                }
            }
            return Exit::Usage;
        }
    };

    let pair = match run_pair(&old_plan, &old_inputs, &new_plan, &new_inputs, options) {
        Ok(p) => p,
        Err(errors) => {
            for (which, error) in errors {
                let source = if which == Which::New { &new_source } else { &old_source };
                match error {
                    RunError::Data(es) => diags.data_errors(which, es),
                    RunError::Eval(es) => {
                        if es.len() >= MAX_ERRORS {
                            let note = format!("only the first {MAX_ERRORS} are shown");
                            diags.stopped.push(((which, Stage::Run), note));
                        }
                        es.into_iter().for_each(|e| diags.error((which, Stage::Run), e, Some(source)))
                    }
                }
            }
            diags.summary(&args.old, &args.new);
            return Exit::Invalid;
        }
    };

    let (old_statements, new_statements) = (report::statements(&pair.old), report::statements(&pair.new));
    let new_label = if args.sets.is_empty() {
        args.new.clone()
    } else {
        let sets: Vec<String> = args.sets.iter().map(|(n, v)| format!("--set {n}={v}")).collect();
        format!("{} {}", args.new, sets.join(" "))
    };
    let mut comparison = diff::compare(
        &diff::Side { label: args.old.clone(), plan: &old_plan, statements: &old_statements },
        &diff::Side { label: new_label, plan: &new_plan, statements: &new_statements },
        args.top,
    );
    let set_names: Vec<String> = args.sets.iter().map(|(n, _)| n.clone()).collect();
    comparison.plan_changes = diff::plan_changes(&old_file, &old_plan, &new_file, &new_plan, &set_names);
    let events = &old_plan.events.name;
    comparison.notes.push(match &pair.reading {
        Reading::Shared => format!(
            "the events table `{events}` was read once; the plans aggregate rows alike, so rows were evaluated once"
        ),
        Reading::Paired { shared: 0, .. } => {
            format!("the events table `{events}` was read once, each row evaluated by both plans")
        }
        Reading::Paired { shared, aggregates } => format!(
            "the events table `{events}` was read once, each row evaluated by both plans ({shared} of the new plan's \
             {aggregates} row aggregates are the old plan's and were computed once)"
        ),
        Reading::Twice(why) => format!("the events table was read twice, once per plan: {why}"),
    });
    comparison.notes.extend(schema.iter().map(|c| format!("input schema: {}", c.text)));

    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = match args.format {
        DiffFormat::Table => diff::table(&comparison, color),
        DiffFormat::Json => diff::json(&comparison),
        DiffFormat::Csv => diff::csv(&comparison),
        DiffFormat::Markdown => diff::markdown(&comparison),
    };
    // `comp diff ... | head`: the reader has what it wanted; the exit code still tells.
    if let Exit::Invalid = write_out(&args.output, &text, &mut diags.reporter) {
        return Exit::Invalid;
    }
    if args.fail_on_change && comparison.changed() {
        Exit::Invalid
    } else {
        Exit::Ok
    }
}
