//! `comp fmt`: one canonical layout for plan files.
//!
//! The plan is parsed and printed again from its AST, so formatting cannot
//! change what the plan means: `parse(format(x)) == parse(x)` (spans aside).
//! The layout:
//!
//! - four spaces a level; one declaration, setting, column or band a line;
//! - runs of similar lines (header settings, columns, parameters, definitions,
//!   bands) aligned in columns; a blank line or another kind of line ends a run;
//! - blank lines kept from the source, at most one, never after `{` or before `}`;
//! - a formula wider than [`WIDTH`] broken before the operators of its top
//!   level (or before `then` and `else`), continued one level deeper.
//!
//! What the AST does not record is read back from the source: comments (each
//! put before the line it preceded, or at the end of the line it trailed),
//! parentheses the author wrote around an operation, and how each literal and
//! operator was spelt (`¥20,000` or `20,000 CNY`, `×` or `*`).

mod print;
mod source;

pub use print::WIDTH;

use crate::syntax::ast::PlanFile;
use crate::syntax::SyntaxError;
use print::{Class, Line, Printer};
use source::Source;
use unicode_width::UnicodeWidthStr;

/// Formats plan text; a plan that does not parse is returned as its errors.
///
/// ```
/// let text = "param  rate=3%  // the base rate\nparam cap = 100,000 CNY\n";
/// let formatted = comp::fmt::format_source(text).unwrap();
/// assert_eq!(formatted, "param rate = 3%  // the base rate\nparam cap  = 100,000 CNY\n");
/// ```
pub fn format_source(text: &str) -> Result<String, Vec<SyntaxError>> {
    let file = crate::syntax::parse(text)?;
    let src = Source::scan(text);
    let mut printer = Printer::new(Some(&src));
    printer.file(&file);
    let mut lines = printer.lines;
    place_comments(&src, &mut lines);
    Ok(render(&lines, Some(&src)))
}

/// Prints an AST that has no source text (one built by a program): literals
/// and operators in their usual spelling, no comments.
pub fn print(file: &PlanFile) -> String {
    let mut printer = Printer::new(None);
    printer.file(file);
    render(&printer.lines, None)
}

/// Gives each comment a line: a comment on its own line goes before the line
/// that follows it (or, inside a line's tokens, before that line); a comment
/// after code goes at the end of that code's line. A line keeps one comment
/// at its end; others move before it.
fn place_comments(src: &Source, lines: &mut [Line]) {
    for (i, c) in src.comments.iter().enumerate() {
        let after = lines.partition_point(|l| l.start.is_none_or(|s| s <= c.start));
        let Some(k) = after.checked_sub(1) else {
            lines[0].leading.push(i);
            continue;
        };
        let inside = lines[k].end.is_some_and(|e| c.start < e);
        if !c.own_line && !lines[k].eof {
            lines[k].trailing.push(i);
        } else if inside || k + 1 == lines.len() {
            lines[k].leading.push(i);
        } else {
            lines[k + 1].leading.push(i);
        }
    }
    for line in lines.iter_mut() {
        if line.trailing.len() > 1 {
            let keep = line.trailing.pop().expect("more than one");
            line.leading.append(&mut line.trailing);
            line.trailing.push(keep);
        }
    }
}

/// Where blank lines go: before each leading comment and before the code.
struct Blanks {
    leading: Vec<bool>,
    code: bool,
}

fn blanks(lines: &[Line], src: Option<&Source>) -> Vec<Blanks> {
    let Some(src) = src else {
        return lines.iter().map(|l| Blanks { leading: vec![false; l.leading.len()], code: false }).collect();
    };
    let mut prev_end: Option<usize> = None;
    let mut prev_opens = true;
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut leading = Vec::with_capacity(line.leading.len());
        for &c in &line.leading {
            let c = &src.comments[c];
            let allowed = !prev_opens && (line.element || line.closes || line.eof);
            leading.push(allowed && prev_end.is_some_and(|a| src.blank_between(a, c.start)));
            prev_end = Some(c.end);
            prev_opens = false;
        }
        let mut code = false;
        if !line.eof {
            let allowed = !prev_opens && line.element;
            code = allowed && prev_end.zip(line.start).is_some_and(|(a, b)| src.blank_between(a, b));
            let trailing_end = line.trailing.iter().map(|&c| src.comments[c].end).max();
            prev_end = line.end.max(trailing_end).or(prev_end);
            prev_opens = line.opens;
        }
        out.push(Blanks { leading, code });
    }
    out
}

/// Runs of lines aligned together: consecutive lines of one class, with no
/// blank line between them.
fn runs(lines: &[Line], blanks: &[Blanks]) -> Vec<std::ops::Range<usize>> {
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let joins = match runs.last() {
            Some(r) if r.end == i && line.class != Class::None => {
                lines[r.start].class == line.class && !blanks[i].code && !blanks[i].leading.contains(&true)
            }
            _ => false,
        };
        if joins {
            runs.last_mut().expect("a run").end = i + 1;
        } else {
            runs.push(i..i + 1);
        }
    }
    runs
}

fn render(lines: &[Line], src: Option<&Source>) -> String {
    let blanks = blanks(lines, src);
    let mut code: Vec<String> = vec![String::new(); lines.len()];
    let mut comment_column: Vec<usize> = vec![0; lines.len()];
    for run in runs(lines, &blanks) {
        let run_lines = &lines[run.clone()];
        let cells = run_lines.iter().map(|l| l.cells.len()).max().unwrap_or(1);
        let widths: Vec<usize> = (0..cells)
            .map(|c| run_lines.iter().filter(|l| l.cells.len() > c + 1).map(|l| l.cells[c].width()).max().unwrap_or(0))
            .collect();
        for (i, line) in run.clone().zip(run_lines) {
            let mut text = " ".repeat(line.indent);
            for (c, cell) in line.cells.iter().enumerate() {
                text.push_str(cell);
                if c + 1 < line.cells.len() {
                    text.push_str(&" ".repeat(widths[c] - cell.width() + line.class.gap()));
                }
            }
            code[i] = text;
        }
        let column = run.clone().filter(|&i| !lines[i].trailing.is_empty()).map(|i| code[i].width()).max();
        for i in run {
            comment_column[i] = column.unwrap_or(0) + 2;
        }
    }
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        for (&c, &blank) in line.leading.iter().zip(&blanks[i].leading) {
            if blank {
                out.push('\n');
            }
            let src = src.expect("comments come from a source");
            out.push_str(&" ".repeat(line.comment_indent()));
            out.push_str(src.comment_text(&src.comments[c]));
            out.push('\n');
        }
        if line.eof {
            continue;
        }
        if blanks[i].code {
            out.push('\n');
        }
        out.push_str(code[i].trim_end());
        if let Some(&c) = line.trailing.first() {
            let src = src.expect("comments come from a source");
            let width = code[i].trim_end().width();
            out.push_str(&" ".repeat(comment_column[i].saturating_sub(width).max(2)));
            out.push_str(src.comment_text(&src.comments[c]));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        let out = format_source(text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(crate::syntax::parse(&out).unwrap(), crate::syntax::parse(text).unwrap(), "meaning changed:\n{out}");
        assert_eq!(format_source(&out).unwrap(), out, "not idempotent");
        out
    }

    #[test]
    fn parentheses_follow_precedence_and_the_author() {
        assert_eq!(fmt("value x=(a+b)*c"), "value x = (a + b) * c\n");
        assert_eq!(fmt("value x = a + (b × c)"), "value x = a + (b × c)\n");
        assert_eq!(fmt("value x = a - (b - c)"), "value x = a - (b - c)\n");
        assert_eq!(fmt("value x = not (a and b) or c"), "value x = not (a and b) or c\n");
        assert_eq!(fmt("value x = max((a))"), "value x = max(a)\n");
    }

    #[test]
    fn comments_stay_where_they_were() {
        let text = "// head\n\nparam a = 1 // one\n\n\n// before b\nparam b = 2\n/* tail */\n";
        assert_eq!(fmt(text), "// head\n\nparam a = 1  // one\n\n// before b\nparam b = 2\n/* tail */\n");
        let inside = "value x = a\n    // why\n    + b // end\n";
        assert_eq!(fmt(inside), "// why\nvalue x = a + b  // end\n");
    }

    #[test]
    fn tiers_and_sections_are_laid_out_and_aligned() {
        let text = "section reps where role == \"rep\" {\nvalue p = tiers marginal on C of Q { // bands\n0% to 100% : 3%\n100% and above:5% }\n}";
        assert_eq!(
            fmt(text),
            "section reps where role == \"rep\" {\n    value p = tiers marginal on C of Q {  // bands\n        0%   to 100%   : 3%\n        100% and above : 5%\n    }\n}\n"
        );
    }

    #[test]
    fn long_formulas_break_before_operators() {
        let long = format!("payout x = {} × count(distinct customer where new)", "a_long_name_".repeat(10));
        let out = fmt(&long);
        assert!(out.contains("\n    × count("), "{out}");
    }
}
