//! Errors of the command itself: files it cannot read or write.

use crate::data::io_reason;
use miette::Diagnostic;
use std::io::ErrorKind;
use std::path::Path;
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum CliError {
    /// A plan file that cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(comp::cli))]
    ReadPlan {
        path: String,
        reason: String,
        #[help]
        help: Option<String>,
    },
    /// The result cannot be written (`--output FILE`, or standard output).
    #[error("cannot write {target}: {reason}")]
    #[diagnostic(code(comp::cli))]
    Write {
        /// `` `FILE` `` or `the output`.
        target: String,
        reason: String,
        #[help]
        help: Option<String>,
    },
}

impl CliError {
    pub fn read_plan(path: &Path, e: &std::io::Error) -> CliError {
        let help = match e.kind() {
            ErrorKind::NotFound => Some("check the path; a relative path starts from the current folder".into()),
            ErrorKind::PermissionDenied => Some("check the file's permissions".into()),
            ErrorKind::IsADirectory => Some("name a plan file (`.comp`), not a folder".into()),
            ErrorKind::InvalidData => Some("save the plan as UTF-8".into()),
            _ => None,
        };
        CliError::ReadPlan { path: path.display().to_string(), reason: io_reason(e), help }
    }

    /// `path` is `None` for standard output.
    pub fn write(path: Option<&Path>, e: &std::io::Error) -> CliError {
        let help = match e.kind() {
            ErrorKind::PermissionDenied => Some("check the permissions of the file and its folder".into()),
            ErrorKind::NotFound if path.is_some() => Some("the folder must exist".into()),
            _ => None,
        };
        let target = path.map_or_else(|| "the output".to_string(), |p| format!("`{}`", p.display()));
        CliError::Write { target, reason: io_reason(e), help }
    }
}
