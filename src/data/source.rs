//! A piece of a data file to show in a diagnostic.
//!
//! Data files can be far larger than memory should hold, so a diagnostic carries
//! only the offending line (read back on the error path) and the line's number.
//! Spans in a [`DataError`](super::DataError) are relative to that line.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

#[derive(Debug, Clone)]
pub struct Snippet {
    pub name: String,
    pub text: String,
    /// 0-based line number of the snippet's first line in the file.
    pub first_line: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Byte ranges of the fields of one CSV line, honouring quotes.
pub fn field_ranges(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    let end = line.trim_end_matches(['\r', '\n']).len().max(start);
    out.push((start, end));
    out
}
