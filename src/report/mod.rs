//! Report: a run's results as a readable table, CSV or JSON; diagnostics.

pub mod diagnostics;
mod format;

pub use format::{amount, grouped};

use crate::check::Plan;
use crate::eval::Evaluation;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// The name of the computed line that adds up a participant's payouts.
pub const TOTAL: &str = "total";

/// One participant's lines in one period, total last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub participant: String,
    pub period: String,
    pub lines: Vec<(String, Decimal)>,
}

/// The run as statements, participants sorted by id, periods in order.
pub fn statements(ev: &Evaluation<'_>) -> Vec<Statement> {
    let plan = ev.plan;
    let mut out = Vec::new();
    for (p, id) in ev.participants().iter().enumerate() {
        if !ev.is_paid(p) {
            continue;
        }
        for (t, period) in plan.calendar.periods.iter().enumerate() {
            let mut lines = Vec::new();
            let mut total = Decimal::ZERO;
            for &c in &plan.lines {
                if let Some(v) = ev.value(c, p, t) {
                    let cell = &plan.cells[c];
                    if cell.kind == crate::syntax::ast::DefKind::Payout {
                        // INVARIANT: lines are rounded amounts far below the
                        // decimal range, so their sum fits.
                        total += v.num();
                    }
                    lines.push((cell.name.clone(), v.num()));
                }
            }
            lines.push((TOTAL.to_string(), total));
            out.push(Statement { participant: id.to_string(), period: period.label.clone(), lines });
        }
    }
    out
}

/// `participant,period,line,amount`, one row per line.
pub fn csv(plan: &Plan, statements: &[Statement]) -> String {
    let scale = amount_scale(plan);
    let mut out = String::from("participant,period,line,amount\n");
    for s in statements {
        for (line, v) in &s.lines {
            let _ = writeln!(out, "{},{},{},{}", csv_field(&s.participant), s.period, line, amount(*v, scale));
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
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
            participants.push(JsonParticipant { id: s.participant.clone(), periods: Vec::new() });
        }
        let lines = s.lines.iter().map(|(l, v)| JsonLine { line: l.clone(), amount: amount(*v, scale) }).collect();
        participants.last_mut().expect("pushed").periods.push(JsonPeriod { period: s.period.clone(), lines });
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
        let names: Vec<&str> = chunk[0].lines.iter().map(|(l, _)| l.as_str()).collect();
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
        let mut header = vec![chunk[0].participant.clone()];
        header.extend(chunk.iter().map(|s| s.period.clone()));
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
