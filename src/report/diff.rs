//! `comp diff`: two runs' statements compared, as a readable table, Markdown,
//! CSV or JSON.
//!
//! Conventions, the same in every format:
//!
//! - Amounts are the statements' lines, exact decimals with the plans' scale
//!   (two decimals, or more if a plan rounds finer); delta = new − old.
//! - Totals (overall, per period, per participant) add up payout lines only, as
//!   a statement's `total` does; info lines are compared line by line.
//! - Percent = delta ÷ |old| × 100, to two decimals. When old is zero it is not
//!   defined: `—` in tables, `null` in JSON, empty in CSV (0.00% when new is
//!   zero too).
//! - A line or participant missing from one result is absent on that side
//!   (`—`, `null`, an empty CSV cell) and counts as zero in the delta.
//! - Something *changed* when a payout line or a total differs, or a
//!   participant is in one result only. Info lines that differ are listed but
//!   change no pay (`--fail-on-change` ignores them).

mod changes;

pub use changes::{plan_changes, schema_changes, ChangeKind, PlanChange, SchemaChange};

use super::format::{amount, grouped};
use super::{amount_scale, Statement, TOTAL};
use crate::check::Plan;
use crate::syntax::ast::DefKind;
use hashbrown::HashMap;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::sync::Arc;
use unicode_width::UnicodeWidthStr;

/// One plan's result, and how the command line named it.
pub struct Side<'a> {
    /// A path or `REV:PATH`, with any `--set` for the new plan.
    pub label: String,
    pub plan: &'a Plan,
    pub statements: &'a [Statement<'a>],
}

/// An amount on each side; `None` where the side has no such line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pair {
    pub old: Option<Decimal>,
    pub new: Option<Decimal>,
}

impl Pair {
    fn both(old: Decimal, new: Decimal) -> Pair {
        Pair { old: Some(old), new: Some(new) }
    }

    pub fn delta(&self) -> Decimal {
        // INVARIANT: amounts are statement lines and their sums, rounded amounts
        // far below the decimal range (as `report::statements` assumes).
        self.new.unwrap_or_default() - self.old.unwrap_or_default()
    }

    pub fn differs(&self) -> bool {
        self.old != self.new
    }

    /// delta ÷ |old| × 100 to two decimals; `None` when old is zero and new is not.
    pub fn percent(&self) -> Option<Decimal> {
        let (old, delta) = (self.old.unwrap_or_default(), self.delta());
        if old.is_zero() {
            return delta.is_zero().then_some(Decimal::ZERO);
        }
        let p = delta.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(old.abs())?;
        let mut p = p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        p.rescale(2);
        Some(p)
    }

    fn add(&mut self, other: Pair) {
        let sum = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or_default() + b.unwrap_or_default()),
        };
        self.old = sum(self.old, other.old);
        self.new = sum(self.new, other.new);
    }
}

/// A line's kind in each plan (`None`: the plan has no such line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    pub old: Option<DefKind>,
    pub new: Option<DefKind>,
}

impl Kinds {
    /// A payout line in either plan (or the total).
    pub fn paid(&self) -> bool {
        self.old == Some(DefKind::Payout) || self.new == Some(DefKind::Payout)
    }

    fn label(&self) -> &'static str {
        match (self.old, self.new) {
            (Some(_), None) => "removed",
            (None, Some(_)) => "added",
            (Some(DefKind::Payout), Some(DefKind::Payout)) => "payout",
            (Some(DefKind::Payout), Some(_)) => "payout → info",
            (Some(_), Some(DefKind::Payout)) => "info → payout",
            _ => "info",
        }
    }
}

/// One line, all participants and periods together.
#[derive(Debug, Clone)]
pub struct LineSummary {
    pub line: String,
    pub kinds: Kinds,
    pub amounts: Pair,
}

/// A changed cell: one line of one participant in one period.
#[derive(Debug, Clone)]
pub struct Row {
    /// Shared with the participant's, period's and line's other rows: a
    /// what-if moves thousands of cells, each a row.
    pub participant: Arc<str>,
    pub period: Arc<str>,
    pub line: Arc<str>,
    /// A payout line or the total: the cell is pay.
    pub paid: bool,
    pub amounts: Pair,
}

/// How the participants in both results moved, by their total for the year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub compared: usize,
    pub up: usize,
    pub down: usize,
    pub unchanged: usize,
    /// Of the unchanged: the same total, but payout lines moved.
    pub unchanged_total_lines_moved: usize,
}

/// A participant whose total moved, and the payout line that moved most.
#[derive(Debug, Clone)]
pub struct Mover {
    pub participant: String,
    pub total: Pair,
    pub line: Option<(String, Decimal)>,
}

/// Everything `comp diff` reports.
pub struct Comparison {
    pub old: String,
    pub new: String,
    pub plan_name: String,
    pub currency: String,
    pub scale: u32,
    pub periods: Vec<(String, Pair)>,
    pub total: Pair,
    pub lines: Vec<LineSummary>,
    pub counts: Counts,
    /// The top movers, largest change first (ties by id).
    pub movers: Vec<Mover>,
    /// How many movers were asked for.
    pub top: usize,
    /// Participants in one result only, with their total for the year.
    pub only_old: Vec<(String, Decimal)>,
    pub only_new: Vec<(String, Decimal)>,
    /// Every cell that differs, by participant, period and line.
    pub rows: Vec<Row>,
    /// Definitions that differ between the two files.
    pub plan_changes: Vec<PlanChange>,
    /// How the data was read, schema differences and other remarks.
    pub notes: Vec<String>,
}

impl Comparison {
    /// Does any pay differ? (`--fail-on-change`)
    pub fn changed(&self) -> bool {
        !self.only_old.is_empty() || !self.only_new.is_empty() || self.rows.iter().any(|r| r.paid)
    }
}

/// Compares two runs.
pub fn compare(old: &Side<'_>, new: &Side<'_>, top: usize) -> Comparison {
    let kinds_of = |plan: &Plan| -> HashMap<String, DefKind> {
        plan.lines.iter().map(|&c| (plan.cells[c].name.clone(), plan.cells[c].kind)).collect()
    };
    let (old_kinds, new_kinds) = (kinds_of(old.plan), kinds_of(new.plan));
    let kinds = |line: &str| -> Kinds {
        if line == TOTAL {
            return Kinds { old: Some(DefKind::Payout), new: Some(DefKind::Payout) };
        }
        Kinds { old: old_kinds.get(line).copied(), new: new_kinds.get(line).copied() }
    };
    // Line order: the new plan's, then lines only the old plan has.
    let mut line_order: Vec<String> = Vec::new();
    for plan in [new.plan, old.plan] {
        for &c in &plan.lines {
            if !line_order.contains(&plan.cells[c].name) {
                line_order.push(plan.cells[c].name.clone());
            }
        }
    }
    let mut period_order: Vec<String> = Vec::new();
    for plan in [old.plan, new.plan] {
        for p in &plan.calendar.periods {
            if !period_order.contains(&p.label) {
                period_order.push(p.label.clone());
            }
        }
    }
    let (old_cells, new_cells) = (index(old.statements), index(new.statements));
    let old_ids: BTreeSet<&str> = old.statements.iter().map(|s| s.participant).collect();
    let new_ids: BTreeSet<&str> = new.statements.iter().map(|s| s.participant).collect();
    let total_name = TOTAL.to_string();
    let all_lines = || line_order.iter().chain([&total_name]);
    // Each line's place in `line_order` (the total last), and its kinds.
    let places: HashMap<&str, usize> = all_lines().enumerate().map(|(i, l)| (l.as_str(), i)).collect();
    let line_kinds: Vec<Kinds> = all_lines().map(|l| kinds(l)).collect();
    // A statement's amounts by line place.
    let amounts_of = |statement: Option<&&Statement<'_>>, out: &mut Vec<Option<Decimal>>| {
        out.clear();
        out.resize(line_kinds.len(), None);
        for (line, v) in statement.map_or(&[][..], |s| &s.lines[..]) {
            // (A statement's lines are its plan's: every one has a place.)
            if let Some(&at) = places.get(line) {
                out[at] = Some(*v);
            }
        }
    };
    let (mut old_amounts, mut new_amounts) = (Vec::new(), Vec::new());
    let (period_names, line_names): (Vec<Arc<str>>, Vec<Arc<str>>) = (
        period_order.iter().map(|t| Arc::from(t.as_str())).collect(),
        all_lines().map(|l| Arc::from(l.as_str())).collect(),
    );

    let mut periods: Vec<(String, Pair)> = period_order.iter().map(|t| (t.clone(), Pair::default())).collect();
    let mut lines: Vec<LineSummary> =
        line_order.iter().map(|l| LineSummary { line: l.clone(), kinds: kinds(l), amounts: Pair::default() }).collect();
    let mut rows = Vec::new();
    let mut counts = Counts::default();
    let mut movers = Vec::new();
    let (mut only_old, mut only_new) = (Vec::new(), Vec::new());
    let zero_if = |present: bool| present.then_some(Decimal::ZERO);
    for &p in old_ids.union(&new_ids) {
        let (in_old, in_new) = (old_ids.contains(p), new_ids.contains(p));
        let mut year = Pair { old: zero_if(in_old), new: zero_if(in_new) };
        let mut line_moves: Vec<Decimal> = vec![Decimal::ZERO; line_order.len()];
        let mut name: Option<Arc<str>> = None;
        for (ti, t) in period_order.iter().enumerate() {
            amounts_of(old_cells.get(&(p, t.as_str())), &mut old_amounts);
            amounts_of(new_cells.get(&(p, t.as_str())), &mut new_amounts);
            for (li, line) in all_lines().enumerate() {
                let cell = Pair { old: old_amounts[li], new: new_amounts[li] };
                let k = line_kinds[li];
                if line == TOTAL {
                    periods[ti].1.add(cell);
                    year.add(cell);
                } else {
                    lines[li].amounts.add(cell);
                    if k.paid() {
                        line_moves[li] += cell.delta();
                    }
                }
                if cell.differs() {
                    rows.push(Row {
                        participant: Arc::clone(name.get_or_insert_with(|| Arc::from(p))),
                        period: Arc::clone(&period_names[ti]),
                        line: Arc::clone(&line_names[li]),
                        paid: k.paid(),
                        amounts: cell,
                    });
                }
            }
        }
        match (in_old, in_new) {
            (true, false) => only_old.push((p.to_string(), year.old.unwrap_or_default())),
            (false, true) => only_new.push((p.to_string(), year.new.unwrap_or_default())),
            _ => {
                counts.compared += 1;
                let delta = year.delta();
                if delta > Decimal::ZERO {
                    counts.up += 1;
                } else if delta < Decimal::ZERO {
                    counts.down += 1;
                } else {
                    counts.unchanged += 1;
                    if line_moves.iter().any(|d| !d.is_zero()) {
                        counts.unchanged_total_lines_moved += 1;
                    }
                }
                if !delta.is_zero() {
                    // The payout line that moved most; the first in line order on a tie.
                    let line = line_moves
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| !d.is_zero())
                        .fold(None::<(usize, Decimal)>, |best, (i, d)| match best {
                            Some((_, b)) if b.abs() >= d.abs() => best,
                            _ => Some((i, *d)),
                        })
                        .map(|(i, d)| (line_order[i].clone(), d));
                    movers.push(Mover { participant: p.to_string(), total: year, line });
                }
            }
        }
    }
    movers.sort_by(|a, b| b.total.delta().abs().cmp(&a.total.delta().abs()).then(a.participant.cmp(&b.participant)));
    movers.truncate(top);
    let total = periods.iter().fold(Pair::default(), |mut acc, (_, p)| {
        acc.add(*p);
        acc
    });
    let total = Pair::both(total.old.unwrap_or_default(), total.new.unwrap_or_default());
    let plan_name = if old.plan.name == new.plan.name {
        new.plan.name.clone()
    } else {
        format!("{} → {}", old.plan.name, new.plan.name)
    };
    let currency = if old.plan.currency == new.plan.currency {
        new.plan.currency.clone()
    } else {
        format!("{} → {}", old.plan.currency, new.plan.currency)
    };
    Comparison {
        old: old.label.clone(),
        new: new.label.clone(),
        plan_name,
        currency,
        scale: amount_scale(old.plan).max(amount_scale(new.plan)),
        periods,
        total,
        lines,
        counts,
        movers,
        top,
        only_old,
        only_new,
        rows,
        plan_changes: Vec::new(),
        notes: Vec::new(),
    }
}

type Cells<'s> = HashMap<(&'s str, &'s str), &'s Statement<'s>>;

fn index<'s>(statements: &'s [Statement<'s>]) -> Cells<'s> {
    statements.iter().map(|st| ((st.participant, st.period), st)).collect()
}

// ------------------------------------------------------------------ text helpers

/// An amount for reading: grouped, `—` when absent.
fn shown(v: Option<Decimal>, scale: u32) -> String {
    v.map_or_else(|| "—".to_string(), |v| grouped(v, scale))
}

/// A delta for reading: grouped, with its sign (`+1,200.00`, `-3.10`, `0.00`).
fn signed(v: Decimal, scale: u32) -> String {
    let g = grouped(v, scale);
    if v > Decimal::ZERO && !g.starts_with('-') && g.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        format!("+{g}")
    } else {
        g
    }
}

fn percent_shown(p: Option<Decimal>) -> String {
    match p {
        None => "—".to_string(),
        Some(p) if p > Decimal::ZERO => format!("+{p}%"),
        Some(p) if p.is_zero() => "0.00%".to_string(),
        Some(p) => format!("{p}%"),
    }
}

fn plain(v: Option<Decimal>, scale: u32) -> Option<String> {
    v.map(|v| amount(v, scale))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A cell of a rendered table; `tone` colours it on a terminal.
struct Cell {
    text: String,
    tone: Option<bool>,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell { text: s.into(), tone: None }
    }
    /// Green when `up`, red when down.
    fn toned(s: impl Into<String>, v: Decimal) -> Cell {
        Cell { text: s.into(), tone: (!v.is_zero()).then_some(v > Decimal::ZERO) }
    }
}

fn amount_cells(p: &Pair, scale: u32) -> Vec<Cell> {
    let d = p.delta();
    vec![
        Cell::text(shown(p.old, scale)),
        Cell::text(shown(p.new, scale)),
        Cell::toned(signed(d, scale), d),
        Cell::toned(percent_shown(p.percent()), d),
    ]
}

/// Columns padded to their widest cell, two spaces apart, indented by two.
fn grid(out: &mut String, header: &[&str], align: &[Align], rows: &[Vec<Cell>], color: bool) {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| rows.iter().map(|r| r[c].text.width()).chain([header[c].width()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<(&str, Option<bool>)>, out: &mut String| {
        let mut s = String::from("  ");
        for (c, (text, tone)) in cells.into_iter().enumerate() {
            let pad = " ".repeat(widths[c] - text.width());
            if c > 0 {
                s.push_str("  ");
            }
            let coloured = match tone {
                Some(up) if color => format!("\x1b[{}m{text}\x1b[0m", if up { 32 } else { 31 }),
                _ => text.to_string(),
            };
            match align[c] {
                Align::Left => {
                    s.push_str(&coloured);
                    s.push_str(&pad);
                }
                Align::Right => {
                    s.push_str(&pad);
                    s.push_str(&coloured);
                }
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(header.iter().map(|h| (*h, None)).collect(), out);
    for r in rows {
        line(r.iter().map(|c| (c.text.as_str(), c.tone)).collect(), out);
    }
}

const AMOUNT_ALIGN: [Align; 5] = [Align::Left, Align::Right, Align::Right, Align::Right, Align::Right];

fn headline(c: &Comparison) -> String {
    let d = c.total.delta();
    let moved = c.counts.up + c.counts.down;
    let mut s = if !c.changed() {
        "no payout changes".to_string()
    } else {
        let who = format!("{moved} of {} participants paid differently", c.counts.compared);
        format!("{who}; total payout {} ({})", signed(d, c.scale), percent_shown(c.total.percent()))
    };
    let others = c.only_old.len() + c.only_new.len();
    if others > 0 {
        let _ = write!(s, "; {others} in one result only");
    }
    s
}

fn counts_text(c: &Counts) -> String {
    let mut s = format!("{} compared: {} up, {} down, {} unchanged", c.compared, c.up, c.down, c.unchanged);
    if c.unchanged_total_lines_moved > 0 {
        let _ = write!(s, " ({} of them with payout lines moved)", c.unchanged_total_lines_moved);
    }
    s
}

fn line_label(l: &LineSummary) -> String {
    match l.kinds.label() {
        "payout" => l.line.clone(),
        k => format!("{} ({k})", l.line),
    }
}

fn mover_line(m: &Mover, scale: u32) -> String {
    m.line.as_ref().map_or_else(String::new, |(l, d)| format!("{l} {}", signed(*d, scale)))
}

// ------------------------------------------------------------------ table

/// The readable report. `color`: ANSI colours for increases (green) and
/// decreases (red); only when writing to a terminal.
pub fn table(c: &Comparison, color: bool) -> String {
    let s = c.scale;
    let mut out = String::new();
    let _ = writeln!(out, "comp diff · {} · {}", c.plan_name, c.currency);
    let _ = writeln!(out, "old  {}", c.old);
    let _ = writeln!(out, "new  {}", c.new);
    let _ = writeln!(out, "\n{}", headline(c));

    let _ = writeln!(out, "\nTotal payout");
    let mut rows = vec![std::iter::once(Cell::text("all")).chain(amount_cells(&c.total, s)).collect::<Vec<_>>()];
    for (t, p) in &c.periods {
        rows.push(std::iter::once(Cell::text(t.clone())).chain(amount_cells(p, s)).collect());
    }
    grid(&mut out, &["", "old", "new", "delta", "%"], &AMOUNT_ALIGN, &rows, color);

    let _ = writeln!(out, "\nBy line");
    let rows: Vec<Vec<Cell>> = c
        .lines
        .iter()
        .map(|l| std::iter::once(Cell::text(line_label(l))).chain(amount_cells(&l.amounts, s)).collect())
        .collect();
    grid(&mut out, &["", "old", "new", "delta", "%"], &AMOUNT_ALIGN, &rows, color);

    let _ = writeln!(out, "\nParticipants: {}", counts_text(&c.counts));

    if c.top > 0 {
        if c.movers.is_empty() {
            let _ = writeln!(out, "\nTop movers: none");
        } else {
            let _ = writeln!(out, "\nTop {} movers (total for the year)", c.movers.len());
            let rows: Vec<Vec<Cell>> = c
                .movers
                .iter()
                .map(|m| {
                    std::iter::once(Cell::text(m.participant.clone()))
                        .chain(amount_cells(&m.total, s))
                        .chain([Cell::text(mover_line(m, s))])
                        .collect()
                })
                .collect();
            let mut align = AMOUNT_ALIGN.to_vec();
            align.push(Align::Left);
            grid(&mut out, &["", "old", "new", "delta", "%", "moved most"], &align, &rows, color);
        }
    }
    for (title, list) in [("Only in the old result", &c.only_old), ("Only in the new result", &c.only_new)] {
        if !list.is_empty() {
            let _ = writeln!(out, "\n{title} (total for the year)");
            let rows: Vec<Vec<Cell>> =
                list.iter().map(|(p, v)| vec![Cell::text(p.clone()), Cell::text(grouped(*v, s))]).collect();
            grid(&mut out, &["", "total"], &[Align::Left, Align::Right], &rows, false);
        }
    }
    let _ = writeln!(out, "\nPlan changes");
    if c.plan_changes.is_empty() {
        let _ = writeln!(out, "  none: the two files define the same things");
    }
    for ch in &c.plan_changes {
        let _ = writeln!(out, "  {ch}");
    }
    if !c.notes.is_empty() {
        let _ = writeln!(out, "\nNotes");
        for n in &c.notes {
            let _ = writeln!(out, "  {n}");
        }
    }
    out
}

// ------------------------------------------------------------------ markdown

/// A table cell's text: `|` would end the cell.
fn md_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|")
}

fn md_table(out: &mut String, header: &[&str], align: &[Align], rows: &[Vec<String>]) {
    let cells = |r: &[String]| r.iter().map(|c| md_escape(c)).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let rule: Vec<&str> = align.iter().map(|a| if *a == Align::Right { "---:" } else { "---" }).collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for r in rows {
        let _ = writeln!(out, "| {} |", cells(r));
    }
}

fn amount_texts(p: &Pair, scale: u32) -> Vec<String> {
    amount_cells(p, scale).into_iter().map(|c| c.text).collect()
}

/// The report as Markdown, to paste into a pull request.
pub fn markdown(c: &Comparison) -> String {
    let s = c.scale;
    let mut out = String::new();
    let _ = writeln!(out, "### comp diff: {} ({})\n", c.plan_name, c.currency);
    let _ = writeln!(out, "- old: `{}`", c.old.replace('`', "'"));
    let _ = writeln!(out, "- new: `{}`\n", c.new.replace('`', "'"));
    let _ = writeln!(out, "**{}**\n", headline(c));
    let mut rows = vec![std::iter::once("**all**".to_string()).chain(amount_texts(&c.total, s)).collect::<Vec<_>>()];
    rows.extend(c.periods.iter().map(|(t, p)| std::iter::once(t.clone()).chain(amount_texts(p, s)).collect()));
    md_table(&mut out, &["total payout", "old", "new", "delta", "%"], &AMOUNT_ALIGN, &rows);
    out.push('\n');
    let rows: Vec<Vec<String>> =
        c.lines.iter().map(|l| std::iter::once(line_label(l)).chain(amount_texts(&l.amounts, s)).collect()).collect();
    md_table(&mut out, &["line", "old", "new", "delta", "%"], &AMOUNT_ALIGN, &rows);
    let _ = writeln!(out, "\n**Participants:** {}.", counts_text(&c.counts));
    if c.top > 0 && !c.movers.is_empty() {
        let _ = writeln!(out, "\n#### Top {} movers (total for the year)\n", c.movers.len());
        let rows: Vec<Vec<String>> = c
            .movers
            .iter()
            .map(|m| {
                std::iter::once(m.participant.clone())
                    .chain(amount_texts(&m.total, s))
                    .chain([mover_line(m, s)])
                    .collect()
            })
            .collect();
        let mut align = AMOUNT_ALIGN.to_vec();
        align.push(Align::Left);
        md_table(&mut out, &["participant", "old", "new", "delta", "%", "moved most"], &align, &rows);
    }
    for (title, list) in [("Only in the old result", &c.only_old), ("Only in the new result", &c.only_new)] {
        if !list.is_empty() {
            let _ = writeln!(out, "\n#### {title}\n");
            let rows: Vec<Vec<String>> = list.iter().map(|(p, v)| vec![p.clone(), grouped(*v, s)]).collect();
            md_table(&mut out, &["participant", "total for the year"], &[Align::Left, Align::Right], &rows);
        }
    }
    let _ = writeln!(out, "\n#### Plan changes\n");
    if c.plan_changes.is_empty() {
        let _ = writeln!(out, "None: the two files define the same things.");
    }
    for ch in &c.plan_changes {
        let _ = writeln!(out, "- {}", ch.markdown());
    }
    if !c.notes.is_empty() {
        let _ = writeln!(out, "\n#### Notes\n");
        for n in &c.notes {
            let _ = writeln!(out, "- {n}");
        }
    }
    out
}

// ------------------------------------------------------------------ csv

/// `participant,period,line,old,new,delta`: every cell that differs (info lines
/// and each statement's `total` included), by participant, period and line. A
/// side without the line (or the participant) is an empty field.
pub fn csv(c: &Comparison) -> String {
    let mut out = String::from("participant,period,line,old,new,delta\n");
    for r in &c.rows {
        super::csv_field(&mut out, &r.participant);
        out.push(',');
        super::csv_field(&mut out, &r.period);
        out.push(',');
        super::csv_field(&mut out, &r.line);
        for v in [r.amounts.old, r.amounts.new, Some(r.amounts.delta())] {
            out.push(',');
            out.push_str(&plain(v, c.scale).unwrap_or_default());
        }
        out.push('\n');
    }
    out
}

// ------------------------------------------------------------------ json

#[derive(Serialize)]
struct JsonPair {
    old: Option<String>,
    new: Option<String>,
    delta: String,
    /// delta ÷ |old| × 100; `null` when old is zero and new is not.
    percent: Option<String>,
}

impl JsonPair {
    fn of(p: &Pair, scale: u32) -> JsonPair {
        JsonPair {
            old: plain(p.old, scale),
            new: plain(p.new, scale),
            delta: amount(p.delta(), scale),
            percent: p.percent().map(|p| p.to_string()),
        }
    }
}

#[derive(Serialize)]
struct JsonDiff {
    old: String,
    new: String,
    plan: String,
    currency: String,
    /// A payout differs or a participant is in one result only.
    changed: bool,
    total: JsonPair,
    periods: Vec<JsonNamed>,
    lines: Vec<JsonLine>,
    participants: Counts,
    movers: Vec<JsonMover>,
    only_in_old: Vec<JsonTotal>,
    only_in_new: Vec<JsonTotal>,
    plan_changes: Vec<JsonChange>,
    notes: Vec<String>,
    rows: Vec<JsonRow>,
}

#[derive(Serialize)]
struct JsonNamed {
    period: String,
    #[serde(flatten)]
    amounts: JsonPair,
}

#[derive(Serialize)]
struct JsonLine {
    line: String,
    old_kind: Option<&'static str>,
    new_kind: Option<&'static str>,
    #[serde(flatten)]
    amounts: JsonPair,
}

#[derive(Serialize)]
struct JsonMover {
    participant: String,
    #[serde(flatten)]
    total: JsonPair,
    moved_most: Option<JsonMoved>,
}

#[derive(Serialize)]
struct JsonMoved {
    line: String,
    delta: String,
}

#[derive(Serialize)]
struct JsonTotal {
    participant: String,
    total: String,
}

#[derive(Serialize)]
struct JsonChange {
    what: &'static str,
    name: String,
    change: &'static str,
    detail: Option<String>,
}

#[derive(Serialize)]
struct JsonRow {
    participant: String,
    period: String,
    line: String,
    paid: bool,
    old: Option<String>,
    new: Option<String>,
    delta: String,
}

/// The whole report as JSON; amounts are exact decimal strings.
pub fn json(c: &Comparison) -> String {
    let s = c.scale;
    let kind = |k: Option<DefKind>| k.map(DefKind::keyword);
    let doc = JsonDiff {
        old: c.old.clone(),
        new: c.new.clone(),
        plan: c.plan_name.clone(),
        currency: c.currency.clone(),
        changed: c.changed(),
        total: JsonPair::of(&c.total, s),
        periods: c.periods.iter().map(|(t, p)| JsonNamed { period: t.clone(), amounts: JsonPair::of(p, s) }).collect(),
        lines: c
            .lines
            .iter()
            .map(|l| JsonLine {
                line: l.line.clone(),
                old_kind: kind(l.kinds.old),
                new_kind: kind(l.kinds.new),
                amounts: JsonPair::of(&l.amounts, s),
            })
            .collect(),
        participants: c.counts,
        movers: c
            .movers
            .iter()
            .map(|m| JsonMover {
                participant: m.participant.clone(),
                total: JsonPair::of(&m.total, s),
                moved_most: m.line.as_ref().map(|(l, d)| JsonMoved { line: l.clone(), delta: amount(*d, s) }),
            })
            .collect(),
        only_in_old: c
            .only_old
            .iter()
            .map(|(p, v)| JsonTotal { participant: p.clone(), total: amount(*v, s) })
            .collect(),
        only_in_new: c
            .only_new
            .iter()
            .map(|(p, v)| JsonTotal { participant: p.clone(), total: amount(*v, s) })
            .collect(),
        plan_changes: c
            .plan_changes
            .iter()
            .map(|ch| JsonChange {
                what: ch.what,
                name: ch.name.clone(),
                change: ch.change.word(),
                detail: ch.detail.clone(),
            })
            .collect(),
        notes: c.notes.clone(),
        rows: c
            .rows
            .iter()
            .map(|r| JsonRow {
                participant: r.participant.to_string(),
                period: r.period.to_string(),
                line: r.line.to_string(),
                paid: r.paid,
                old: plain(r.amounts.old, s),
                new: plain(r.amounts.new, s),
                delta: amount(r.amounts.delta(), s),
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("serialising plain data cannot fail");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn percent_rules() {
        assert_eq!(Pair::both(d("200"), d("201")).percent(), Some(d("0.50")));
        assert_eq!(Pair::both(d("-200"), d("-100")).percent(), Some(d("50.00")));
        assert_eq!(Pair::both(d("3"), d("2")).percent(), Some(d("-33.33")));
        assert_eq!(Pair::both(d("0"), d("0")).percent(), Some(Decimal::ZERO));
        assert_eq!(Pair::both(d("0"), d("5")).percent(), None);
        assert_eq!(Pair { old: None, new: Some(d("5")) }.percent(), None);
        assert_eq!(Pair { old: Some(d("5")), new: None }.percent(), Some(d("-100.00")));
        assert_eq!(percent_shown(Some(d("0.50"))), "+0.50%");
        assert_eq!(percent_shown(Some(d("-33.33"))), "-33.33%");
        assert_eq!(percent_shown(None), "—");
    }

    #[test]
    fn signed_amounts() {
        assert_eq!(signed(d("1234.5"), 2), "+1,234.50");
        assert_eq!(signed(d("-0.1"), 2), "-0.10");
        assert_eq!(signed(Decimal::ZERO, 2), "0.00");
        // Rounds to zero at the scale shown: no sign.
        assert_eq!(signed(d("0.001"), 2), "0.00");
    }
}
