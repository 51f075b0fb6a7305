//! The `comp` command: one file per subcommand, sharing plan loading and
//! diagnostic output from here.

mod check;
mod curve;
mod diff;
mod errors;
mod explain;
mod fmt;
mod loading;
mod run;
mod statement;
mod test;

pub use errors::CliError;

use crate::check::{Override, Plan};
use crate::report::diagnostics::{self, Source};
use clap::{Parser, Subcommand, ValueEnum};
use miette::Diagnostic;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// comp: sales incentive compensation plans as text, exact money, explained payouts.
#[derive(Debug, Parser)]
#[command(name = "comp", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plan files: syntax, names, types and units, tiers, cycles.
    Check(check::Args),
    /// Run a plan over data and print every participant's payout lines.
    Run(run::Args),
    /// Compare two versions of a plan over the same data: what changes for every payout.
    Diff(diff::Args),
    /// Explain a participant's lines: the calculation behind every number, as a tree.
    Explain(explain::Args),
    /// A participant's statement: lines per period, total and year to date (Markdown or HTML).
    Statement(statement::Args),
    /// Rewrite plan files in the canonical layout (`--check`: show the diff, change nothing).
    Fmt(fmt::Args),
    /// Run the test cases beside plans (`NAME.tests` next to `NAME.comp`).
    Test(test::Args),
    /// Draw a line's payout curve against attainment, as SVG (`--compare` a second plan).
    Curve(curve::Args),
}

/// How a subcommand ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// The plan or the data has errors (reported as diagnostics).
    Invalid = 1,
    /// The command line is wrong.
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Run(args) => run::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Statement(args) => statement::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Test(args) => test::run(args),
        Command::Curve(args) => curve::run(args),
    };
    result.into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    Text,
    Json,
}

/// Prints diagnostics to stderr (text) or stdout (JSON lines).
pub struct Reporter {
    pub format: DiagnosticFormat,
    color: bool,
    pub count: usize,
    /// Writing to stdout or stderr failed (a reader that went away): write no more there.
    closed: [bool; 2],
}

/// Standard output or standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout = 0,
    Stderr = 1,
}

/// Writes `text` to `stream` and flushes it. Unlike `print!`, a failure is an
/// error, not a panic: `comp run ... | head -1` closes the pipe early, which
/// is a broken pipe here ([`is_broken_pipe`]).
pub fn write(stream: Stream, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    match stream {
        Stream::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
        Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
    }
}

/// The reader went away: stop writing and end quietly, as command-line tools do.
pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// A line on stderr for which there is no better place; a failure to write it
/// is ignored (there is nowhere left to say so).
pub fn say(line: &str) {
    let _ = write(Stream::Stderr, &format!("{line}\n"));
}

impl Reporter {
    pub fn new(format: DiagnosticFormat) -> Self {
        Reporter { format, color: std::io::stderr().is_terminal(), count: 0, closed: [false; 2] }
    }

    pub fn report<D: Diagnostic + Send + Sync + 'static>(&mut self, diag: D, source: Option<&Source>) {
        self.count += 1;
        match self.format {
            DiagnosticFormat::Text => {
                let text = diagnostics::render(diag, source, self.color);
                self.write(Stream::Stderr, &text);
            }
            DiagnosticFormat::Json => {
                let json = diagnostics::to_json(&diag, source);
                let line = serde_json::to_string(&json).expect("plain data serialises") + "\n";
                self.write(Stream::Stdout, &line);
            }
        }
    }

    /// Writes to `stream` unless an earlier write there failed. A broken pipe
    /// ends the output quietly; another failure is said once on stderr.
    pub fn write(&mut self, stream: Stream, text: &str) {
        if self.closed[stream as usize] {
            return;
        }
        if let Err(e) = write(stream, text) {
            self.closed[stream as usize] = true;
            if !is_broken_pipe(&e) && stream == Stream::Stdout {
                say(&format!("error: cannot write the diagnostics: {}", crate::data::io_reason(&e)));
            }
        }
    }

    /// A closing line when there were errors.
    pub fn summary(&mut self, what: &str) {
        if self.count > 0 && self.format == DiagnosticFormat::Text {
            let s = if self.count == 1 { "" } else { "s" };
            self.write(Stream::Stderr, &format!("error: {what} has {} error{s}\n", self.count));
        }
    }

    /// A closing line when reporting stopped early, so there may be more
    /// errors than were shown; `note` says where it stopped.
    pub fn summary_stopped(&mut self, what: &str, note: &str) {
        if self.format == DiagnosticFormat::Text {
            self.write(Stream::Stderr, &format!("error: {what} has at least {} errors; {note}\n", self.count));
        }
    }
}

/// Reads, parses and checks a plan file, reporting every error found.
pub fn load_plan(path: &Path, overrides: &[Override], reporter: &mut Reporter) -> Option<(Plan, Source)> {
    let name = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            // The file's name, for `--format json`; there is no text to show.
            let file = Source { name: name.clone(), text: String::new() };
            reporter.report(CliError::read_plan(path, &e), Some(&file));
            return None;
        }
    };
    let source = Source { name, text };
    let file = match crate::syntax::parse(&source.text) {
        Ok(f) => f,
        Err(errors) => {
            for e in errors {
                reporter.report(e, Some(&source));
            }
            return None;
        }
    };
    match crate::check::check(&file, overrides) {
        Ok(plan) => Some((plan, source)),
        Err(errors) => {
            for e in errors {
                reporter.report(e, Some(&source));
            }
            None
        }
    }
}

/// `NAME=VALUE` from the command line.
pub fn parse_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("expected NAME=VALUE, found `{s}`")),
    }
}

pub fn parse_table(s: &str) -> Result<(String, PathBuf), String> {
    parse_assignment(s).map(|(k, v)| (k, PathBuf::from(v)))
}

/// Writes a command's result: atomically to `--output`, or to stdout,
/// where a reader that went away (`| head`) ends the output quietly.
pub(super) fn write_out(output: &Option<std::path::PathBuf>, text: &str, reporter: &mut Reporter) -> Exit {
    let written = match output {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => write(Stream::Stdout, text),
    };
    match written {
        Ok(()) => Exit::Ok,
        Err(e) if output.is_none() && is_broken_pipe(&e) => Exit::Ok,
        Err(e) => {
            reporter.report(CliError::write(output.as_deref(), &e), None);
            Exit::Invalid
        }
    }
}

/// Writes `contents` to `path` atomically: a temporary file beside it, renamed
/// over it only when complete. A failed run leaves `path` untouched.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
