//! Report: a run's results as a readable table, CSV or JSON; diagnostics.

pub mod curve;
pub mod diagnostics;
pub mod diff;
pub mod explain;
mod format;
pub mod statement;

pub use format::{amount, grouped, write_amount};

use crate::check::Plan;
use crate::eval::Evaluation;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// The name of the computed line that adds up a participant's payouts.
pub use crate::check::TOTAL;

/// One participant's lines in one period, total last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement<'a> {
    pub participant: &'a str,
    pub period: &'a str,
    pub lines: Vec<(&'a str, Decimal)>,
}

/// The run as statements, participants sorted by id, periods in order.
pub fn statements<'a>(ev: &'a Evaluation<'_>) -> Vec<Statement<'a>> {
    use rayon::prelude::*;
    let plan = ev.plan;
    // In parallel by participant; `collect` keeps the order.
    ev.participants()
        .par_iter()
        .enumerate()
        .filter(|(p, _)| ev.is_paid(*p))
        .flat_map_iter(|(p, id)| {
            plan.calendar.periods.iter().enumerate().map(move |(t, period)| {
                let mut lines = Vec::with_capacity(plan.lines.len() + 1);
                let mut total = Decimal::ZERO;
                for &c in &plan.lines {
                    if let Some(v) = ev.value(c, p, t) {
                        let cell = &plan.cells[c];
                        if cell.kind == crate::syntax::ast::DefKind::Payout {
                            // INVARIANT: lines are rounded amounts far below the
                            // decimal range, so their sum fits.
                            total += v.num();
                        }
                        lines.push((cell.name.as_str(), v.num()));
                    }
                }
                lines.push((TOTAL, total));
                Statement { participant: id, period: &period.label, lines }
            })
        })
        .collect()
}

/// `participant,period,line,amount`, one row per line. Chunks of statements
/// are formatted in parallel and joined in order: the same bytes whatever the
/// number of threads.
pub fn csv(plan: &Plan, statements: &[Statement]) -> String {
    use rayon::prelude::*;
    let scale = amount_scale(plan);
    let chunks: Vec<String> = statements
        .par_chunks(1024)
        .map(|chunk| {
            // Room for every line at once: a string grown by doubling copies
            // itself into fresh memory, whose pages cost more than the copy.
            // (An amount of up to 20 characters, as nearly all are.)
            let room = chunk
                .iter()
                .flat_map(|s| s.lines.iter().map(|(line, _)| s.participant.len() + s.period.len() + line.len() + 24))
                .sum();
            let mut out = String::with_capacity(room);
            for s in chunk {
                for (line, v) in &s.lines {
                    csv_field(&mut out, s.participant);
                    out.push(',');
                    out.push_str(s.period);
                    out.push(',');
                    csv_field(&mut out, line);
                    out.push(',');
                    format::write_amount(&mut out, *v, scale);
                    out.push('\n');
                }
            }
            out
        })
        .collect();
    let mut out = String::with_capacity(chunks.iter().map(String::len).sum::<usize>() + 32);
    out.push_str("participant,period,line,amount\n");
    for chunk in &chunks {
        out.push_str(chunk);
    }
    out
}

fn csv_field(out: &mut String, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Decimals shown for amounts: two, or more if the plan rounds finer.
pub fn amount_scale(plan: &Plan) -> u32 {
    plan.rounding.unit.normalize().scale().max(2)
}

#[derive(Serialize)]
struct JsonRun<'a> {
    plan: &'a str,
    version: Option<&'a str>,
    currency: &'a str,
    periods: Vec<&'a str>,
    participants: Vec<JsonParticipant>,
}

#[derive(Serialize)]
struct JsonParticipant {
    id: String,
    periods: Vec<JsonPeriod>,
}

#[derive(Serialize)]
struct JsonPeriod {
    period: String,
    lines: Vec<JsonLine>,
}

#[derive(Serialize)]
struct JsonLine {
    line: String,
    /// Exact decimal, as a string.
    amount: String,
}

pub fn json(plan: &Plan, statements: &[Statement]) -> String {
    let scale = amount_scale(plan);
    let mut participants: Vec<JsonParticipant> = Vec::new();
    for s in statements {
        if participants.last().is_none_or(|p| p.id != s.participant) {
            participants.push(JsonParticipant { id: s.participant.to_string(), periods: Vec::new() });
        }
        let lines = s.lines.iter().map(|(l, v)| JsonLine { line: l.to_string(), amount: amount(*v, scale) }).collect();
        participants.last_mut().expect("pushed").periods.push(JsonPeriod { period: s.period.to_string(), lines });
    }
    let run = JsonRun {
        plan: &plan.name,
        version: plan.version.as_deref(),
        currency: &plan.currency,
        periods: plan.calendar.periods.iter().map(|p| p.label.as_str()).collect(),
        participants,
    };
    let mut out = serde_json::to_string_pretty(&run).expect("serialising plain data cannot fail");
    out.push('\n');
    out
}

/// A readable table: per participant, one row per line, one column per period
/// and the year's sum.
pub fn table(plan: &Plan, statements: &[Statement]) -> String {
    let scale = amount_scale(plan);
    let periods: Vec<&str> = plan.calendar.periods.iter().map(|p| p.label.as_str()).collect();
    let mut out = String::new();
    let version = plan.version.as_deref().map(|v| format!(" · version {v}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{version} · {} · {}..{}",
        plan.name,
        plan.currency,
        periods.first().unwrap_or(&""),
        periods.last().unwrap_or(&"")
    );
    let year_label = "year";
    for chunk in statements.chunk_by(|a, b| a.participant == b.participant) {
        let names: Vec<&str> = chunk[0].lines.iter().map(|(l, _)| *l).collect();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let mut row = vec![name.to_string()];
            let mut sum = Decimal::ZERO;
            for s in chunk {
                let v = s.lines.get(i).map_or(Decimal::ZERO, |l| l.1);
                sum += v;
                row.push(grouped(v, scale));
            }
            row.push(grouped(sum, scale));
            rows.push(row);
        }
        let mut header = vec![chunk[0].participant.to_string()];
        header.extend(chunk.iter().map(|s| s.period.to_string()));
        header.push(year_label.to_string());
        let widths: Vec<usize> = (0..header.len())
            .map(|c| std::iter::once(&header).chain(&rows).map(|r| r[c].width()).max().unwrap_or(0))
            .collect();
        out.push('\n');
        let render = |row: &[String], out: &mut String| {
            for (c, cell) in row.iter().enumerate() {
                let pad = widths[c] - cell.width();
                if c == 0 {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str("  ");
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
            out.push('\n');
        };
        render(&header, &mut out);
        for row in &rows {
            if row[0] == TOTAL {
                let rule: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
                out.push_str(&"─".repeat(rule));
                out.push('\n');
            }
            render(row, &mut out);
        }
    }
    out
}
