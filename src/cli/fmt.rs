//! `comp fmt [--check] PATH...`: rewrite plan files in the canonical layout,
//! or with `--check`, show how they differ from it and fail.

use super::{write_atomic, CliError, DiagnosticFormat, Exit, Reporter, Stream};
use crate::report::diagnostics::Source;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plan files, or folders: every `.comp` file in them, recursively.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Change nothing; print a diff for each file not formatted and exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

/// The `.comp` files of `paths`: files as given, folders searched recursively
/// (hidden folders and `target` skipped), in a stable order.
pub fn plan_files(paths: &[PathBuf], extension: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, extension, &mut out)?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&path, extension, out)?;
            }
        } else if name.ends_with(extension) {
            out.push(path);
        }
    }
    Ok(())
}

pub fn run(args: Args) -> Exit {
    let mut reporter = Reporter::new(DiagnosticFormat::Text);
    let files = match plan_files(&args.paths, ".comp") {
        Ok(f) => f,
        Err(e) => {
            super::say(&format!("error: cannot list the plan files: {}", crate::data::io_reason(&e)));
            return Exit::Usage;
        }
    };
    let mut unformatted = 0;
    for path in &files {
        let name = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                reporter.report(CliError::read_plan(path, &e), None);
                continue;
            }
        };
        let formatted = match crate::fmt::format_source(&text) {
            Ok(f) => f,
            Err(errors) => {
                let source = Source { name, text };
                for e in errors {
                    reporter.report(e, Some(&source));
                }
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if args.check {
            unformatted += 1;
            reporter.write(Stream::Stdout, &unified_diff(&name, &text, &formatted));
        } else if let Err(e) = write_atomic(path, formatted.as_bytes()) {
            reporter.report(CliError::write(Some(path), &e), None);
        }
    }
    if unformatted > 0 {
        let s = if unformatted == 1 { " is" } else { "s are" };
        reporter.write(
            Stream::Stderr,
            &format!("error: {unformatted} file{s} not formatted; `comp fmt PATH` rewrites them in place\n"),
        );
    }
    reporter.summary("formatting");
    if reporter.count > 0 || unformatted > 0 {
        Exit::Invalid
    } else {
        Exit::Ok
    }
}

/// `--- NAME` `+++ NAME` and the changed lines with three lines around.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .missing_newline_hint(false)
        .to_string()
}
