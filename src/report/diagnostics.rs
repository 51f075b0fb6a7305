//! Rendering diagnostics (miette) as text or JSON, the same way for every
//! subcommand and for the tests' snapshots.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, Report, SourceCode};
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
        Some(s) if diag.source_code().is_none() => Report::new(diag).with_source_code(s.named()),
        _ => Report::new(diag),
    };
    render_report(&report, color)
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
