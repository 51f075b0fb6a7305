//! Data errors: a cell, a row or a whole file that does not fit the plan's schema.

use super::source::Snippet;
use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// One problem in an input file, located at its line and (when known) cell.
#[derive(Debug, Clone, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(comp::data))]
pub struct DataError {
    pub message: String,
    #[source_code]
    pub source_code: Option<Snippet>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
    /// The file, as the user named it.
    pub file: String,
    /// The 1-based line, for an error in a row or the header.
    pub line: Option<usize>,
    /// Reading stopped after this error ([`MAX_ERRORS`](super::MAX_ERRORS)
    /// were found): the rest of the data was not checked.
    pub stopped: bool,
}

impl DataError {
    /// An error about a whole file (it cannot be opened, it has no header).
    pub fn file(path: &str, message: impl Into<String>, help: Option<String>) -> Self {
        DataError {
            message: message.into(),
            source_code: None,
            span: None,
            label: String::new(),
            help,
            file: path.to_string(),
            line: None,
            stopped: false,
        }
    }

    /// Where reading stopped, if it stopped early: `line N of `file`` (or the file).
    pub fn stopped_at(errors: &[DataError]) -> Option<String> {
        errors.iter().find(|e| e.stopped).map(|e| match e.line {
            Some(line) => format!("line {line} of `{}`", e.file),
            None => format!("`{}`", e.file),
        })
    }

    /// `file` or `file:line`, for summaries.
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }
}
