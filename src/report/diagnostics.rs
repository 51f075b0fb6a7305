//! Rendering diagnostics (miette) as text or JSON, the same way for every
//! subcommand and for the tests' snapshots.

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents, NamedSource, Report,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

/// A plan file's name and text, to show errors against.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn named(&self) -> NamedSource<String> {
        NamedSource::new(self.name.clone(), self.text.clone()).with_language("comp")
    }
}

/// Renders one diagnostic, with `source` when the diagnostic carries none.
pub fn render<D: Diagnostic + Send + Sync + 'static>(diag: D, source: Option<&Source>, color: bool) -> String {
    let report = match source {
        Some(s) if diag.source_code().is_none() => Report::new(diag).with_source_code(Clipped(s.named())),
        _ => Report::new(diag),
    };
    render_report(&report, color)
}

/// Source code whose long lines are shown in part (see [`clip`]).
#[derive(Debug)]
pub struct Clipped<S>(pub S);

impl<S: SourceCode> SourceCode for Clipped<S> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        Ok(clip(self.0.read_span(span, context_lines_before, context_lines_after)?, span))
    }
}

/// A line longer than this is shown in part.
const MAX_SHOWN_LINE: usize = 1000;
/// Bytes shown on each side of a label in a line shown in part.
const SHOWN_AROUND: usize = 60;

/// The source shown around `span`, with long lines cut: when a line is longer
/// than [`MAX_SHOWN_LINE`], only the span's line is shown, from a little
/// before the span to a little after it (a long span is cut too). A minified plan or a CSV
/// export can have lines of megabytes, which help no one, and the renderer
/// cannot put a label past column 65,535 (it panics).
pub fn clip<'a>(contents: Box<dyn SpanContents<'a> + 'a>, span: &SourceSpan) -> Box<dyn SpanContents<'a> + 'a> {
    let data: &'a [u8] = contents.data();
    if data.split(|&b| b == b'\n').all(|line| line.len() <= MAX_SHOWN_LINE) {
        return contents;
    }
    let at = span.offset().saturating_sub(contents.span().offset()).min(data.len());
    let line_start = data[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line_end = data[at..].iter().position(|&b| b == b'\n').map_or(data.len(), |i| at + i);
    let is_inside_char = |i: usize| data.get(i).is_some_and(|&b| b & 0xC0 == 0x80);
    let mut from = at.saturating_sub(SHOWN_AROUND).max(line_start);
    while is_inside_char(from) {
        from -= 1;
    }
    let mut to = (at + span.len().min(MAX_SHOWN_LINE) + SHOWN_AROUND).min(line_end);
    while is_inside_char(to) {
        to += 1;
    }
    let newlines = data[..from].iter().filter(|&&b| b == b'\n').count();
    let column = if newlines == 0 { contents.column() + from } else { from - line_start };
    let (line, window) = (contents.line() + newlines, &data[from..to]);
    let span = SourceSpan::new((contents.span().offset() + from).into(), to - from);
    Box::new(match contents.name() {
        Some(name) => MietteSpanContents::new_named(name.to_string(), window, span, line, column, 1),
        None => MietteSpanContents::new(window, span, line, column, 1),
    })
}

pub fn render_report(report: &Report, color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    handler.render_report(&mut out, report.as_ref()).expect("writing to a String cannot fail");
    out
}

/// A diagnostic as data, for editors and CI annotations.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    pub severity: &'static str,
    pub code: Option<String>,
    pub message: String,
    pub file: Option<String>,
    /// 1-based.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
    pub label: Option<String>,
    pub help: Option<String>,
}

pub fn to_json<D: Diagnostic>(diag: &D, source: Option<&Source>) -> JsonDiagnostic {
    let label = diag.labels().and_then(|mut ls| ls.next());
    let mut file = source.map(|s| s.name.clone());
    let (mut line, mut column) = (None, None);
    if let Some(l) = &label {
        let code: Option<&dyn SourceCode> = diag.source_code().or(source.map(|s| &s.text as &dyn SourceCode));
        if let Some(code) = code {
            if let Ok(contents) = code.read_span(l.inner(), 0, 0) {
                line = Some(contents.line() + 1);
                column = Some(contents.column() + 1);
                if let Some(name) = contents.name() {
                    file = Some(name.to_string());
                }
            }
        }
    }
    JsonDiagnostic {
        severity: "error",
        code: diag.code().map(|c| c.to_string()),
        message: diag.to_string(),
        file,
        line,
        column,
        label: label.and_then(|l| l.label().map(str::to_string)),
        help: diag.help().map(|h| h.to_string()),
    }
}
