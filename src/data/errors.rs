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

/// Why an I/O operation failed, in lowercase words without the OS error
/// number: "permission denied", "is a directory".
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or_default();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => e.kind().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::io_reason;
    use std::io::{Error, ErrorKind};

    #[test]
    fn io_reasons_are_lowercase_words() {
        assert_eq!(io_reason(&Error::from_raw_os_error(2)), "no such file or directory");
        assert_eq!(io_reason(&Error::from_raw_os_error(13)), "permission denied");
        assert_eq!(
            io_reason(&Error::new(ErrorKind::InvalidData, "stream did not contain valid UTF-8")),
            "stream did not contain valid UTF-8"
        );
        assert_eq!(io_reason(&Error::from(ErrorKind::NotFound)), "entity not found");
    }
}
