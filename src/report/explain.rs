//! Explanations: the calculation behind every number of a run, as a tree.
//!
//! An explanation is read from the [`Evaluation`] that `comp run` computes, not
//! computed a second time: a definition's value comes from the evaluation's
//! store, a row aggregate from its accumulators, a team total or rank from its
//! group cache, a tier table's bands from [`crate::eval::tier_bands`] (the
//! function the evaluator itself applies tiers with). Parts of a formula that
//! have no name of their own (`C / Q`, the condition of an `if`) are evaluated
//! by the same evaluator on the same values. The participant's event rows are
//! read again (other participants' rows are skipped on their key) to count and
//! list them, and are checked to add up to the run's accumulators.
//!
//! # The JSON form (`comp explain --format json`)
//!
//! The field names are stable; tools may rely on them. Every value the plan
//! computes or reads (`value`, amounts, edges, rates, members' values) is a
//! string: numbers are exact decimals (`"1528.245"`, a ratio `"0.6"` for 60%,
//! money with at least two decimals), booleans `"true"`/`"false"`, dates
//! `YYYY-MM-DD`. Counts, indexes and flags (`row_count`, `rows`, `chosen`,
//! `condition`, `result`, `this`, ...) are JSON numbers and booleans. Fields
//! marked `?` are left out when they do not apply.
//!
//! ```text
//! Explanation {
//!   plan, version?, currency, participant,
//!   attributes: [{name, value}],          the participant's row of the participants table
//!   sections:   [name],                   the sections the participant is in
//!   periods: [{
//!     period,                             "2024-Q4"
//!     row_count,                          the participant's event rows in the period
//!     lines: [Node],                      each payout and info line (or the `--line`)
//!     total?,                             the sum of the payout lines
//!     rows?: {columns, values, rows: [{line, fields, values}]}   with `--rows`: each row's
//!                                         fields as written, and the plan's row values
//!   }]
//! }
//!
//! Node {
//!   kind,       payout | info | value | parameter | attribute | lookup | period | rows |
//!               row_value | group | periods | tiers | if | compare | condition | min |
//!               max | clamp | round | prev | constant | expression
//!   role?,      the node's place in its parent: condition | then | else | argument |
//!               base | of | pool | weight | own | default
//!   name?,      the definition, parameter or column name
//!   formula?,   the source text of the formula (as written, comments included)
//!   at?,        "file:line" of the definition
//!   type?,      money | percent | number | bool | text | date
//!   value,      the value (null when not evaluated: a branch not taken, a row value)
//!   unrounded?, rounding?   the value before the rounding of a line (or a `round()`), when it differs
//!   note?,      a remark for people ("not taken", "explained above")
//!   see_above?, true when the definition is explained earlier in the same period
//!   detail?,    one of (by its `kind`):
//!     rows     {function, periods, rows, filter?, having?, keys?: [{key, values, counted}], keys_total?}
//!              (rows: the rows that went into the aggregate; keys of a count(distinct),
//!              at most 50, with their `having` aggregates)
//!     group    {function, over, group?, size, members: [{participant, value, rank?, this}],
//!               truncated, pool?, weight?, total_weight?}
//!              (members: ranks in rank order, others by id; at most 25, always with the
//!              participant explained; `truncated` when some are left out; a share's
//!              member values are the weights)
//!     periods  {function, over, values: [{period, value}]}
//!     tiers    {mode, fixed, base, of?, bands: [{band, from, to?, portion, pays, rate, amount, reached}]}
//!              (fixed: bands pay amounts, `rate` is the amount and `portion` the whole base)
//!     if       {condition, taken}
//!     compare  {left: {formula, value}, op, right: {formula, value}, result}
//!     choice   {function (min | max | clamp), arguments: [{formula, value}], chosen}
//!              (clamp's arguments are x, lo, hi; chosen is x when inside the bounds)
//!     prev     {of, from?, default_used}
//!   children?: [Node]  what the value is computed from
//! }
//! ```

mod render;
mod rows;

pub use render::{html_escape, html_tree, markdown, markdown_node, one_line, text, text_node};
pub use rows::{EventRow, ParticipantRows, RowsError};

use super::diagnostics::Source;
use crate::check::{
    AccId, AcrossFunc, AcrossScope, AggFunc, CellId, CmpOp, Expr, ExprKind, PeriodPart, PeriodScope, Plan, TierMode,
    TierTable,
};
use crate::eval::accumulate::{ParamsAt, State};
use crate::eval::{arith, eval, tier_bands, BandStep, Env, Evaluation};
use crate::syntax::ast::DefKind;
use crate::syntax::Span;
use crate::value::{Type, Val, Value};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::collections::HashSet;
use std::path::Path;

/// Members of a group listed at most (the participant is always listed).
pub const MAX_MEMBERS: usize = 25;
/// Distinct keys of a `count(distinct ...)` listed at most.
pub const MAX_KEYS: usize = 50;

/// The explanation of one participant's lines, period by period.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub plan: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub currency: String,
    pub participant: String,
    pub attributes: Vec<Field>,
    pub sections: Vec<String>,
    pub periods: Vec<PeriodExplanation>,
}

/// A named text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodExplanation {
    pub period: String,
    pub row_count: usize,
    pub lines: Vec<Node>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<RowListing>,
}

/// The participant's rows of a period (`--rows`).
#[derive(Debug, Clone, Serialize)]
pub struct RowListing {
    /// The events table's columns.
    pub columns: Vec<String>,
    /// The plan's row values (`credit`), computed for each row.
    pub values: Vec<String>,
    /// For each amount in another currency: the rate used and the amount in
    /// the plan's currency.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub converted: Vec<String>,
    pub rows: Vec<ListedRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListedRow {
    /// Line number in the events file.
    pub line: usize,
    /// Each column as written in the file.
    pub fields: Vec<String>,
    /// Each row value; null outside its section.
    pub values: Vec<Option<Shown>>,
    /// Each conversion's rate (null in the plan's currency) and converted amount.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub converted: Vec<Option<Shown>>,
}

/// A value with its type: shown for people in text, exact in JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub value: Value,
    pub ty: Type,
    /// Decimals money is shown with (at least).
    pub scale: u32,
}

impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.exact())
    }
}

impl Shown {
    /// The exact value: `1528.245`, `0.6`, `12600.00`, `true`, `east`.
    pub fn exact(&self) -> String {
        match &self.value {
            Value::Num(d) => {
                let mut n = d.normalize();
                if self.ty == Type::Money && n.scale() < self.scale {
                    n.rescale(self.scale);
                }
                n.to_string()
            }
            Value::Bool(b) => b.to_string(),
            Value::Text(t) => t.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// For reading: money grouped with two decimals (more when the exact value
    /// has them, `≈` when it has too many), ratios as percentages.
    pub fn text(&self) -> String {
        match &self.value {
            Value::Num(d) => match self.ty {
                Type::Money => money(*d, self.scale),
                Type::Ratio => percent(*d),
                _ => number(*d),
            },
            Value::Bool(b) => b.to_string(),
            Value::Text(t) => t.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn num(&self) -> Option<Decimal> {
        match self.value {
            Value::Num(d) => Some(d),
            _ => None,
        }
    }
}

/// Exact digits shown at most before falling back to `≈`.
const MAX_SHOWN_SCALE: u32 = 6;

fn money(d: Decimal, scale: u32) -> String {
    let n = d.normalize();
    if n.scale() <= scale {
        super::grouped(d, scale)
    } else if n.scale() <= MAX_SHOWN_SCALE {
        super::grouped(d, n.scale())
    } else {
        format!("≈{}", super::grouped(d, scale))
    }
}

fn percent(d: Decimal) -> String {
    match d.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => {
            let n = p.normalize();
            if n.scale() <= 2 {
                format!("{}%", super::grouped(n, n.scale()))
            } else {
                format!("≈{}%", super::grouped(n, 2))
            }
        }
        None => d.normalize().to_string(),
    }
}

fn number(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() <= MAX_SHOWN_SCALE {
        super::grouped(n, n.scale())
    } else {
        format!("≈{}", super::grouped(n, 4))
    }
}

/// One step of the calculation.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", serialize_with = "type_name")]
    pub ty: Option<Type>,
    pub value: Option<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unrounded: Option<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub see_above: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

fn type_name<S: Serializer>(ty: &Option<Type>, s: S) -> Result<S::Ok, S::Error> {
    match ty {
        Some(t) => s.serialize_str(t.name()),
        None => s.serialize_none(),
    }
}

impl Node {
    fn new(kind: Kind) -> Node {
        Node {
            kind,
            role: None,
            name: None,
            formula: None,
            at: None,
            ty: None,
            value: None,
            unrounded: None,
            rounding: None,
            note: None,
            see_above: false,
            detail: None,
            children: Vec::new(),
        }
    }

    fn role(mut self, role: Option<Role>) -> Node {
        if role.is_some() {
            self.role = role;
        }
        self
    }

    /// Calls `f` on this node and every node below it.
    pub fn walk<'n>(&'n self, f: &mut impl FnMut(&'n Node)) {
        f(self);
        for c in &self.children {
            c.walk(f);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Payout,
    Info,
    Value,
    Parameter,
    Attribute,
    Lookup,
    Period,
    Rows,
    RowValue,
    Group,
    Periods,
    Tiers,
    If,
    Compare,
    Condition,
    Min,
    Max,
    Clamp,
    Round,
    Prev,
    /// `sum(x × cell at date)`: rows summed by the period of their date.
    At,
    Constant,
    Expression,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Payout => "payout",
            Kind::Info => "info",
            Kind::Value => "value",
            Kind::Parameter => "parameter",
            Kind::Attribute => "attribute",
            Kind::Lookup => "lookup",
            Kind::Period => "period",
            Kind::Rows => "rows",
            Kind::RowValue => "row value",
            Kind::Group => "group",
            Kind::Periods => "periods",
            Kind::Tiers => "tiers",
            Kind::If => "if",
            Kind::Compare => "compare",
            Kind::Condition => "condition",
            Kind::Min => "min",
            Kind::Max => "max",
            Kind::Clamp => "clamp",
            Kind::Round => "round",
            Kind::Prev => "prev",
            Kind::At => "at",
            Kind::Constant => "constant",
            Kind::Expression => "expression",
        }
    }

    /// A named definition of the plan.
    pub fn is_definition(self) -> bool {
        matches!(self, Kind::Payout | Kind::Info | Kind::Value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Condition,
    Then,
    Else,
    Argument,
    Base,
    Of,
    Pool,
    Weight,
    Own,
    Default,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Condition => "condition",
            Role::Then => "then",
            Role::Else => "else",
            Role::Argument => "argument",
            Role::Base => "base",
            Role::Of => "of",
            Role::Pool => "pool",
            Role::Weight => "weight",
            Role::Own => "own value",
            Role::Default => "default",
        }
    }
}

/// A part of a formula and its value.
#[derive(Debug, Clone, Serialize)]
pub struct Operand {
    pub formula: String,
    pub value: Option<Shown>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub participant: String,
    /// The value aggregated (the weight of a share, the value ranked on).
    pub value: Option<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<usize>,
    /// The participant explained.
    pub this: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodValue {
    pub period: String,
    pub value: Option<Shown>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Band {
    /// The band as written: `100% to 130%`.
    pub band: String,
    pub from: Option<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Shown>,
    /// The part of the base the band pays on.
    pub portion: Shown,
    /// What the band pays, as written: `over_rate`.
    pub pays: String,
    /// Its value: a rate, or a fixed amount.
    pub rate: Option<Shown>,
    pub amount: Shown,
    /// Whether the base reaches the band (it pays something).
    pub reached: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DistinctKey {
    pub key: String,
    /// The `having` aggregates of the key's rows.
    pub values: Vec<Operand>,
    pub counted: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// An aggregate over the participant's event rows.
    Rows {
        function: &'static str,
        periods: Vec<String>,
        /// Rows that went into the aggregate (after `where`).
        rows: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        filter: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        having: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        keys: Vec<DistinctKey>,
        #[serde(skip_serializing_if = "Option::is_none")]
        keys_total: Option<usize>,
    },
    /// An aggregate across participants.
    Group {
        function: &'static str,
        /// The participants table's column grouped by, or `all`.
        over: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        size: usize,
        members: Vec<Member>,
        truncated: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pool: Option<Shown>,
        #[serde(skip_serializing_if = "Option::is_none")]
        weight: Option<Shown>,
        #[serde(skip_serializing_if = "Option::is_none")]
        total_weight: Option<Shown>,
    },
    /// An aggregate across the participant's periods.
    Periods {
        function: &'static str,
        over: &'static str,
        values: Vec<PeriodValue>,
    },
    Tiers {
        mode: &'static str,
        /// Bands pay fixed amounts instead of rates.
        fixed: bool,
        base: Option<Shown>,
        #[serde(skip_serializing_if = "Option::is_none")]
        of: Option<Shown>,
        bands: Vec<Band>,
    },
    If {
        condition: bool,
        taken: &'static str,
    },
    Compare {
        left: Operand,
        op: &'static str,
        right: Operand,
        result: bool,
    },
    Choice {
        function: &'static str,
        arguments: Vec<Operand>,
        /// The index of the argument that is the result.
        chosen: usize,
    },
    Prev {
        of: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        default_used: bool,
    },
    /// `sum(refund × rate_paid at original_date)`: the rows' amounts summed by
    /// the period of their date, each sum times the value read in that period.
    At {
        /// The value read (`rate_paid`).
        of: String,
        /// The date column whose period is read (`original_date`).
        date: String,
        /// Rows that went into the sums (after `where`).
        rows: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        filter: Option<String>,
        periods: Vec<AtPeriod>,
    },
}

/// One original period of a [`Detail::At`].
#[derive(Debug, Clone, Serialize)]
pub struct AtPeriod {
    pub period: String,
    /// The rows' amount dated in the period.
    pub amount: Shown,
    /// The value read in the period.
    pub value: Option<Shown>,
    /// amount × value.
    pub product: Option<Shown>,
}

/// What to explain.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Periods by index; empty for all.
    pub periods: Vec<usize>,
    /// One definition instead of every line.
    pub line: Option<CellId>,
    /// List the rows of each period.
    pub rows: bool,
}

/// Explains one participant's values: holds the run and the participant's rows.
pub struct Explainer<'e, 'p> {
    ev: &'e Evaluation<'p>,
    plan: &'p Plan,
    source: &'e Source,
    line_starts: Vec<usize>,
    rows: ParticipantRows,
    p: usize,
    scale: u32,
}

impl<'e, 'p> Explainer<'e, 'p> {
    /// Reads participant `p`'s rows from `events` (the file the run read) and
    /// checks them against the run.
    pub fn new(ev: &'e Evaluation<'p>, source: &'e Source, events: &Path, p: usize) -> Result<Self, RowsError> {
        let rows = rows::read(ev, events, p)?;
        let line_starts =
            std::iter::once(0).chain(source.text.match_indices('\n').map(|(i, _)| i + 1)).collect::<Vec<_>>();
        Ok(Explainer { ev, plan: ev.plan, source, line_starts, rows, p, scale: super::amount_scale(ev.plan) })
    }

    pub fn participant(&self) -> usize {
        self.p
    }

    pub fn evaluation(&self) -> &'e Evaluation<'p> {
        self.ev
    }

    pub fn rows(&self) -> &ParticipantRows {
        &self.rows
    }

    /// One definition in one period, explained on its own.
    pub fn line(&self, cell: CellId, t: usize) -> Node {
        let mut walk = Walk { x: self, t, seen: HashSet::new() };
        walk.cell(cell, None)
    }

    /// The explanation `request` asks for. A definition explained once in a
    /// period is referred to, not repeated, further down the same period.
    pub fn explain(&self, request: &Request) -> Explanation {
        let plan = self.plan;
        let ev = self.ev;
        let p = self.p;
        let periods: Vec<usize> = if request.periods.is_empty() {
            (0..plan.calendar.periods.len()).collect()
        } else {
            request.periods.clone()
        };
        let cells: Vec<CellId> = match request.line {
            Some(c) => vec![c],
            None => plan.lines.clone(),
        };
        let cells: Vec<CellId> = cells.into_iter().filter(|&c| ev.in_section(plan.cells[c].section, p)).collect();
        let periods = periods
            .into_iter()
            .map(|t| {
                let mut walk = Walk { x: self, t, seen: HashSet::new() };
                let lines: Vec<Node> = cells.iter().map(|&c| walk.cell(c, None)).collect();
                let total = request.line.is_none().then(|| {
                    let mut total = Decimal::ZERO;
                    for &c in &cells {
                        if plan.cells[c].kind == DefKind::Payout {
                            if let Some(v) = ev.value(c, p, t) {
                                total += v.num();
                            }
                        }
                    }
                    self.shown(Value::Num(total), Type::Money)
                });
                PeriodExplanation {
                    period: plan.calendar.periods[t].label.clone(),
                    row_count: self.rows.in_period(t).count(),
                    lines,
                    total,
                    rows: request.rows.then(|| self.listing(t)),
                }
            })
            .collect();
        Explanation {
            plan: plan.name.clone(),
            version: plan.version.clone(),
            currency: plan.currency.clone(),
            participant: ev.statics.ids[p].to_string(),
            attributes: self.attributes(),
            sections: plan
                .sections
                .iter()
                .enumerate()
                .filter(|(s, _)| ev.members[*s][p])
                .map(|(_, s)| s.name.clone())
                .collect(),
            periods,
        }
    }

    /// The participant's row of the participants table, key first.
    pub fn attributes(&self) -> Vec<Field> {
        let schema = &self.plan.participants;
        schema
            .columns
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != schema.key)
            .map(|(i, c)| Field {
                name: c.name.clone(),
                value: self.shown(self.ev.statics.attributes[self.p][i].clone(), c.ty.value_type()).text(),
            })
            .collect()
    }

    fn listing(&self, t: usize) -> RowListing {
        let plan = self.plan;
        RowListing {
            // A split plan shows each row's share after the events columns.
            columns: plan
                .events
                .columns
                .iter()
                .map(|c| c.name.clone())
                .chain(plan.splits.iter().map(|s| s.table.columns[s.share].name.clone()))
                .collect(),
            values: plan.row_values.iter().map(|r| r.name.clone()).collect(),
            converted: plan
                .converted_columns()
                .flat_map(|(amount, currency)| {
                    let columns = &plan.events.columns;
                    [
                        format!("{} rate", columns[currency].name),
                        format!("{} in {}", columns[amount].name, plan.currency),
                    ]
                })
                .collect(),
            rows: self
                .rows
                .in_period(t)
                .map(|r| ListedRow {
                    line: r.line,
                    fields: r
                        .fields
                        .iter()
                        .cloned()
                        .chain(plan.splits.iter().map(|_| crate::data::percent(r.share.unwrap_or(Decimal::ONE))))
                        .collect(),
                    values: r
                        .values
                        .iter()
                        .zip(&plan.row_values)
                        .map(|(v, rv)| v.as_ref().map(|v| self.shown(v.clone(), rv.ty)))
                        .collect(),
                    converted: r
                        .conversions
                        .iter()
                        .flat_map(|(rate, amount)| {
                            [
                                rate.map(|r| self.shown(Value::Num(r), Type::Number)),
                                Some(self.shown(Value::Num(*amount), Type::Money)),
                            ]
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn shown(&self, value: Value, ty: Type) -> Shown {
        Shown { value, ty, scale: self.scale }
    }

    /// The source text of a span. The parser's span of an expression with a
    /// parenthesised operand stops inside the parentheses (`C / (a × b`), so
    /// the excerpt is widened over the parentheses it lacks.
    fn excerpt(&self, span: Span) -> String {
        let text = &self.source.text;
        let Some(inner) = text.get(span.start..span.end) else { return String::new() };
        let (mut depth, mut lowest) = (0i32, 0i32);
        for c in inner.chars() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    lowest = lowest.min(depth);
                }
                _ => {}
            }
        }
        let (mut start, mut end) = (span.start, span.end);
        for _ in 0..-lowest {
            match text[..start].trim_end().strip_suffix('(') {
                Some(before) => start = before.len(),
                None => break,
            }
        }
        for _ in 0..(depth - lowest) {
            let rest = &text[end..];
            match rest.trim_start().strip_prefix(')') {
                Some(after) => end = text.len() - after.len(),
                None => break,
            }
        }
        text[start..end].to_string()
    }

    /// `file:line` of a position in the plan.
    fn at(&self, span: Span) -> String {
        let line = self.line_starts.partition_point(|&s| s <= span.start);
        format!("{}:{line}", self.source.name)
    }

    /// The type of an expression, for showing its value: the compiled plan
    /// keeps types on definitions, parameters, columns and aggregates; the
    /// rest follows the checker's unit rules.
    fn type_of(&self, e: &Expr) -> Type {
        let plan = self.plan;
        match &e.kind {
            ExprKind::Const(v) => match v {
                Value::Num(_) => self.literal_type(e.span),
                Value::Bool(_) => Type::Bool,
                Value::Text(_) => Type::Text,
                Value::Date(_) => Type::Date,
            },
            ExprKind::Param(id) => plan.params[*id].ty,
            ExprKind::Column(c) => plan.events.columns[*c].ty.value_type(),
            ExprKind::SplitShare => Type::Ratio,
            ExprKind::RowValue(r) => plan.row_values[*r].ty,
            ExprKind::Attribute(c) => plan.participants.columns[*c].ty.value_type(),
            ExprKind::Lookup { table, column } => plan.lookups[*table].columns[*column].ty.value_type(),
            ExprKind::Cell(c) | ExprKind::Prev { cell: c, .. } => plan.cells[*c].ty,
            ExprKind::Aggregate { acc, .. } => plan.accumulators[*acc].ty,
            ExprKind::GroupAggregate(_)
            | ExprKind::PeriodPart(_)
            | ExprKind::DaysActive(..)
            | ExprKind::DaysBetween(..) => Type::Number,
            ExprKind::SumAt { ty, .. } => *ty,
            ExprKind::Across(id) => plan.across[*id].ty,
            ExprKind::Neg(x) | ExprKind::Abs(x) => self.type_of(x),
            ExprKind::Round { value, .. } => self.type_of(value),
            ExprKind::Not(_) | ExprKind::Compare(..) | ExprKind::And(..) | ExprKind::Or(..) => Type::Bool,
            ExprKind::Arith(op, a, b) => {
                let (a, b) = (self.type_of(a), self.type_of(b));
                let any = |t: Type| a == t || b == t;
                match op {
                    crate::check::ArithOp::Div if a == Type::Money && b == Type::Money => Type::Ratio,
                    crate::check::ArithOp::Div if a == Type::Money => Type::Money,
                    _ if any(Type::Money) => Type::Money,
                    _ if any(Type::Ratio) => Type::Ratio,
                    _ => a,
                }
            }
            ExprKind::If { then, otherwise, .. } => self.first_type([then.as_ref(), otherwise.as_ref()]),
            ExprKind::Min(xs) | ExprKind::Max(xs) => self.first_type(xs.iter()),
            ExprKind::Tiers(t) => {
                if t.fixed || matches!(t.mode, crate::check::TierMode::Lookup | crate::check::TierMode::Interpolated) {
                    self.first_type(t.bands.iter().map(|b| &b.pays))
                } else {
                    self.type_of(&t.base)
                }
            }
        }
    }

    /// The type of the first operand that is not a bare number.
    fn first_type<'a>(&self, xs: impl IntoIterator<Item = &'a Expr>) -> Type {
        let types: Vec<Type> = xs.into_iter().map(|x| self.type_of(x)).collect();
        types.iter().copied().find(|t| *t != Type::Number).or(types.first().copied()).unwrap_or(Type::Number)
    }

    /// A number as written: `20,000 CNY` is money, `5%` a ratio.
    fn literal_type(&self, span: Span) -> Type {
        let text = self.excerpt(span);
        let text = text.trim();
        if text.ends_with('%') {
            Type::Ratio
        } else if text.contains(self.plan.currency.as_str()) || text.starts_with(['¥', '$', '€', '£']) {
            Type::Money
        } else {
            Type::Number
        }
    }
}

/// Building the tree of one period.
struct Walk<'w, 'e, 'p> {
    x: &'w Explainer<'e, 'p>,
    t: usize,
    /// Definitions already explained in this tree.
    seen: HashSet<CellId>,
}

impl<'p> Walk<'_, '_, 'p> {
    fn plan(&self) -> &'p Plan {
        self.x.plan
    }

    fn value_of(&self, e: &'p Expr) -> Option<Value> {
        self.x.ev.eval_at(e, self.x.p, self.t).ok().map(Val::to_owned_value)
    }

    fn shown_of(&self, e: &'p Expr) -> Option<Shown> {
        self.value_of(e).map(|v| self.x.shown(v, self.x.type_of(e)))
    }

    fn bool_of(&self, e: &'p Expr) -> Option<bool> {
        match self.value_of(e) {
            Some(Value::Bool(b)) => Some(b),
            _ => None,
        }
    }

    fn operand(&self, e: &'p Expr) -> Operand {
        Operand { formula: self.x.excerpt(e.span), value: self.shown_of(e) }
    }

    /// A node for an expression with its formula and value.
    fn formula_node(&self, kind: Kind, e: &'p Expr, role: Option<Role>) -> Node {
        let mut node = Node::new(kind).role(role);
        node.formula = Some(self.x.excerpt(e.span));
        node.ty = Some(self.x.type_of(e));
        node.value = self.shown_of(e);
        node
    }

    /// A definition: its value from the run's store, its formula, and what the
    /// formula reads.
    fn cell(&mut self, c: CellId, role: Option<Role>) -> Node {
        let x = self.x;
        let cell = &self.plan().cells[c];
        let mut node = Node::new(match cell.kind {
            DefKind::Payout => Kind::Payout,
            DefKind::Info => Kind::Info,
            DefKind::Value => Kind::Value,
        })
        .role(role);
        node.name = Some(cell.name.clone());
        node.at = Some(x.at(cell.span));
        node.ty = Some(cell.ty);
        node.value = x.ev.value(c, x.p, self.t).map(|v| x.shown(v.clone(), cell.ty));
        // Every line is rounded by the plan's rule: explain what is rounded.
        let inner = match &cell.expr.kind {
            ExprKind::Round { value, rounding } if cell.kind.is_line() => {
                let unrounded = self.value_of(value).map(|v| x.shown(v, cell.ty));
                if unrounded.is_some() && unrounded != node.value {
                    node.unrounded = unrounded;
                    node.rounding = Some(format!("{} {}", rounding.unit, rounding.mode.name()));
                }
                value.as_ref()
            }
            _ => &cell.expr,
        };
        node.formula = Some(cell.written.clone().unwrap_or_else(|| x.excerpt(inner.span)));
        if node.value.is_none() {
            node.note = Some("does not apply to this participant".into());
            return node;
        }
        if !self.seen.insert(c) {
            node.see_above = true;
            node.note = Some("explained above".into());
            return node;
        }
        if cell.written.is_some() {
            // A part of a draw: its formula is not in the file, so what it
            // reads is shown as the named values alone.
            let mut read = Vec::new();
            inner.walk(&mut |e| {
                if let ExprKind::Cell(c) = e.kind {
                    if !read.contains(&c) {
                        read.push(c);
                    }
                }
            });
            node.children = read.into_iter().map(|c| self.cell(c, None)).collect();
            return node;
        }
        match &inner.kind {
            // A formula that is one aggregate: its detail is the definition's.
            ExprKind::Aggregate { .. } | ExprKind::Across(_) | ExprKind::Prev { .. } | ExprKind::SumAt { .. } => {
                let whole = self.node(inner, None);
                node.detail = whole.detail;
                node.children = whole.children;
            }
            _ => match self.special(inner) {
                Some((_, detail, children)) => {
                    node.detail = detail;
                    node.children = children;
                }
                None => node.children = self.parts(inner),
            },
        }
        if let ExprKind::Round { value, rounding } = &inner.kind {
            // `round(...)` written in the formula.
            let unrounded = self.value_of(value).map(|v| x.shown(v, cell.ty));
            if node.unrounded.is_none() && unrounded.is_some() && unrounded != node.value {
                node.unrounded = unrounded;
                node.rounding = Some(format!("{} {}", rounding.unit, rounding.mode.name()));
            }
        }
        node
    }

    /// The nodes explaining the parts of `e`: named things and decisions, with
    /// plain arithmetic flattened.
    fn parts(&mut self, e: &'p Expr) -> Vec<Node> {
        match &e.kind {
            ExprKind::Const(_)
            | ExprKind::Column(_)
            | ExprKind::SplitShare
            | ExprKind::RowValue(_)
            | ExprKind::GroupAggregate(_) => vec![],
            ExprKind::Neg(a) | ExprKind::Abs(a) | ExprKind::Not(a) => self.parts(a),
            ExprKind::Arith(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let mut out = self.parts(a);
                out.extend(self.parts(b));
                out
            }
            _ => vec![self.node(e, None)],
        }
    }

    /// One node for `e`.
    fn node(&mut self, e: &'p Expr, role: Option<Role>) -> Node {
        let x = self.x;
        let plan = self.plan();
        match &e.kind {
            ExprKind::Cell(c) => self.cell(*c, role),
            ExprKind::Param(id) => {
                let param = &plan.params[*id];
                let mut node = Node::new(Kind::Parameter).role(role);
                node.name = Some(param.name.clone());
                node.at = Some(x.at(param.span));
                node.ty = Some(param.ty);
                node.value = Some(x.shown(param.values.at(self.t).clone(), param.ty));
                if matches!(param.values, crate::check::ParamValues::PerPeriod(_)) {
                    node.note = Some(format!("for {}", plan.calendar.periods[self.t].label));
                }
                if let crate::check::ParamValues::Dated(d) = &param.values {
                    let mut schedule = x.shown(d.first.clone(), param.ty).text();
                    for (date, v) in &d.changes {
                        schedule.push_str(&format!(
                            ", from {}: {}",
                            date.format("%Y-%m-%d"),
                            x.shown(v.clone(), param.ty).text()
                        ));
                    }
                    node.note = Some(format!(
                        "in effect at the start of {} ({schedule}); a row formula takes the value on the row's date",
                        plan.calendar.periods[self.t].label
                    ));
                }
                node
            }
            ExprKind::Attribute(col) => {
                let column = &plan.participants.columns[*col];
                let mut node = Node::new(Kind::Attribute).role(role);
                node.name = Some(column.name.clone());
                node.at = Some(x.at(column.span));
                node.ty = Some(column.ty.value_type());
                node.value = self.shown_of(e);
                node.note = Some(format!("column of `{}`", plan.participants.name));
                node
            }
            ExprKind::Lookup { table, column } => {
                let t = &plan.lookups[*table];
                let mut node = Node::new(Kind::Lookup).role(role);
                node.name = Some(format!("{}.{}", t.name, t.columns[*column].name));
                node.at = Some(x.at(t.columns[*column].span));
                node.ty = Some(t.columns[*column].ty.value_type());
                node.value = self.shown_of(e);
                node.note =
                    Some(format!("`{}` row where {} = {}", t.name, t.columns[t.key].name, x.ev.statics.ids[x.p]));
                node
            }
            ExprKind::PeriodPart(part) => {
                let mut node = self.formula_node(Kind::Period, e, role);
                node.name = Some(
                    match part {
                        PeriodPart::Quarter => "quarter",
                        PeriodPart::Month => "month",
                        PeriodPart::Number => "period_number",
                        PeriodPart::Days => "days_in_period",
                        PeriodPart::FirstDay | PeriodPart::LastDay => "the period's bounds",
                    }
                    .into(),
                );
                node.formula = None;
                node.note = Some(plan.calendar.periods[self.t].label.clone());
                node
            }
            ExprKind::Const(_) => self.formula_node(Kind::Constant, e, role),
            ExprKind::Aggregate { acc, scope } => self.rows_node(e, *acc, *scope, role),
            ExprKind::SumAt { acc, cell, .. } => self.at_node(e, *acc, *cell, role),
            ExprKind::Across(id) => self.across_node(e, *id, role),
            ExprKind::Prev { cell, default } => {
                let mut node = self.formula_node(Kind::Prev, e, role);
                let from = self.t.checked_sub(1).map(|t| plan.calendar.periods[t].label.clone());
                if from.is_none() {
                    node.children = self.parts(default);
                }
                node.detail =
                    Some(Detail::Prev { of: plan.cells[*cell].name.clone(), default_used: from.is_none(), from });
                node
            }
            _ => match self.special(e) {
                Some((kind, detail, children)) => {
                    let mut node = self.formula_node(kind, e, role);
                    node.detail = detail;
                    node.children = children;
                    if kind == Kind::Round {
                        if let ExprKind::Round { value, rounding } = &e.kind {
                            node.unrounded = self.shown_of(value);
                            node.rounding = Some(format!("{} {}", rounding.unit, rounding.mode.name()));
                        }
                    }
                    node
                }
                None => {
                    let mut node = self.formula_node(Kind::Expression, e, role);
                    node.children = self.parts(e);
                    node
                }
            },
        }
    }

    /// Decisions and tables: `if`, comparisons, `min`/`max`, tiers, `round`.
    fn special(&mut self, e: &'p Expr) -> Option<(Kind, Option<Detail>, Vec<Node>)> {
        Some(match &e.kind {
            ExprKind::If { cond, then, otherwise } => {
                let c = self.bool_of(cond);
                // `if ... then x` without `else`: the checker made the else a
                // zero with the `then`'s span.
                let implicit_else = matches!(otherwise.kind, ExprKind::Const(_))
                    && (otherwise.span.start, otherwise.span.end) == (then.span.start, then.span.end);
                let mut children = vec![self.condition(cond, Some(Role::Condition))];
                let (taken, taken_role, not_taken, other_role) = if c == Some(false) {
                    (otherwise, Role::Else, then, Role::Then)
                } else {
                    (then, Role::Then, otherwise, Role::Else)
                };
                let mut taken_node = self.node(taken, Some(taken_role));
                let mut other = self.untaken(not_taken, other_role);
                if implicit_else {
                    let (n, note) = if taken_role == Role::Else {
                        (&mut taken_node, "no `else`: zero")
                    } else {
                        (&mut other, "not taken; no `else`: zero")
                    };
                    n.formula = Some("0".into());
                    n.note = Some(note.into());
                }
                children.push(taken_node);
                children.push(other);
                let detail = c.map(|c| Detail::If { condition: c, taken: if c { "then" } else { "else" } });
                (Kind::If, detail, children)
            }
            ExprKind::Compare(op, l, r) => {
                let result = self.bool_of(e).unwrap_or(false);
                let detail =
                    Detail::Compare { left: self.operand(l), op: cmp_name(*op), right: self.operand(r), result };
                let mut children = self.parts(l);
                children.extend(self.parts(r));
                (Kind::Compare, Some(detail), children)
            }
            ExprKind::Max(_) if clamp_parts(e).is_some() => {
                // `clamp(x, lo, hi)`, compiled as `max(lo, min(x, hi))`.
                let (x, lo, hi) = clamp_parts(e).expect("checked");
                let arguments: Vec<Operand> = [x, lo, hi].iter().map(|a| self.operand(a)).collect();
                let result = self.value_of(e);
                let at = |i: usize| arguments[i].value.as_ref().map(|s| &s.value) == result.as_ref();
                // The value itself when inside the bounds, else the bound that applied.
                let chosen = if at(0) {
                    0
                } else if at(1) {
                    1
                } else {
                    2
                };
                let children = [x, lo, hi]
                    .into_iter()
                    .filter(|a| !matches!(a.kind, ExprKind::Const(_)))
                    .map(|a| self.node(a, Some(Role::Argument)))
                    .collect();
                (Kind::Clamp, Some(Detail::Choice { function: "clamp", arguments, chosen }), children)
            }
            ExprKind::Min(xs) | ExprKind::Max(xs) => {
                let is_min = matches!(e.kind, ExprKind::Min(_));
                let arguments: Vec<Operand> = xs.iter().map(|x| self.operand(x)).collect();
                let result = self.value_of(e);
                let chosen =
                    arguments.iter().position(|a| a.value.as_ref().map(|s| &s.value) == result.as_ref()).unwrap_or(0);
                let children = xs
                    .iter()
                    .filter(|x| !matches!(x.kind, ExprKind::Const(_)))
                    .map(|x| self.node(x, Some(Role::Argument)))
                    .collect();
                let detail = Detail::Choice { function: if is_min { "min" } else { "max" }, arguments, chosen };
                (if is_min { Kind::Min } else { Kind::Max }, Some(detail), children)
            }
            ExprKind::Tiers(table) => {
                let (detail, children) = self.tiers(table);
                (Kind::Tiers, Some(detail), children)
            }
            ExprKind::Round { value, .. } => (Kind::Round, None, self.parts(value)),
            _ => return None,
        })
    }

    /// A condition: comparisons with their values; `and`/`or` with the operand
    /// that decided (the other is not evaluated, as in the run).
    fn condition(&mut self, e: &'p Expr, role: Option<Role>) -> Node {
        match &e.kind {
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let is_and = matches!(e.kind, ExprKind::And(..));
                let mut node = self.formula_node(Kind::Condition, e, role);
                let left = self.condition(a, None);
                let decided = self.bool_of(a) == Some(!is_and);
                node.children.push(left);
                if decided {
                    let mut right = self.formula_node(Kind::Condition, b, None);
                    right.value = None;
                    right.note = Some(format!(
                        "not evaluated: the left side of `{}` decides",
                        if is_and { "and" } else { "or" }
                    ));
                    node.children.push(right);
                } else {
                    node.children.push(self.condition(b, None));
                }
                node
            }
            ExprKind::Not(a) => {
                let mut node = self.formula_node(Kind::Condition, e, role);
                node.children.push(self.condition(a, None));
                node
            }
            _ => self.node(e, role),
        }
    }

    /// The branch not taken: its formula only.
    fn untaken(&self, e: &'p Expr, role: Role) -> Node {
        let kind = match &e.kind {
            ExprKind::Cell(c) => match self.plan().cells[*c].kind {
                DefKind::Payout => Kind::Payout,
                DefKind::Info => Kind::Info,
                DefKind::Value => Kind::Value,
            },
            ExprKind::Param(_) => Kind::Parameter,
            ExprKind::Const(_) => Kind::Constant,
            _ => Kind::Expression,
        };
        let mut node = Node::new(kind).role(Some(role));
        match &e.kind {
            ExprKind::Cell(c) => node.name = Some(self.plan().cells[*c].name.clone()),
            ExprKind::Param(id) => node.name = Some(self.plan().params[*id].name.clone()),
            _ => node.formula = Some(self.x.excerpt(e.span)),
        }
        node.ty = Some(self.x.type_of(e));
        node.note = Some("not taken".into());
        node
    }

    fn tiers(&mut self, table: &'p TierTable) -> (Detail, Vec<Node>) {
        let x = self.x;
        let mut steps: Vec<BandStep> = Vec::new();
        let env = x.ev.env_at(x.p, self.t);
        let _ = tier_bands(table, &env, |s| steps.push(s));
        let base_ty = self.x.type_of(&table.base);
        let of = table.of.as_ref().and_then(|of| self.value_of(of)).map(num);
        let bands = table
            .bands
            .iter()
            .enumerate()
            .map(|(i, band)| {
                let step = steps.iter().find(|s| s.band == i);
                let edge = |e: &'p Expr| -> Option<Decimal> {
                    let v = eval(e, &env).ok()?.num();
                    match of {
                        Some(s) => arith(crate::check::ArithOp::Mul, v, s).ok(),
                        None => Some(v),
                    }
                };
                let (from, to) = match step {
                    Some(s) => (Some(s.from), s.to),
                    // A point of an interpolated table ends where the next one is.
                    None if table.mode == TierMode::Interpolated => {
                        (edge(&band.from), table.bands.get(i + 1).and_then(|n| edge(&n.from)))
                    }
                    None => (edge(&band.from), band.to.as_ref().and_then(edge)),
                };
                let rate = step.and_then(|s| s.pays).or_else(|| self.value_of(&band.pays).map(num));
                let pays_ty = self.x.type_of(&band.pays);
                let written = match &band.to {
                    Some(to) => format!("{} to {}", x.excerpt(band.from.span), x.excerpt(to.span)),
                    // A point, shown as the segment from it to the next.
                    None if table.mode == TierMode::Interpolated => match table.bands.get(i + 1) {
                        Some(next) => format!("{} to {}", x.excerpt(band.from.span), x.excerpt(next.from.span)),
                        None => format!("{} and above", x.excerpt(band.from.span)),
                    },
                    None => format!("{} and above", x.excerpt(band.from.span)),
                };
                Band {
                    band: written,
                    from: from.map(|d| x.shown(Value::Num(d), base_ty)),
                    to: to.map(|d| x.shown(Value::Num(d), base_ty)),
                    portion: x.shown(Value::Num(step.map_or(Decimal::ZERO, |s| s.portion)), base_ty),
                    pays: x.excerpt(band.pays.span),
                    rate: rate.map(|d| x.shown(Value::Num(d), pays_ty)),
                    amount: x.shown(
                        Value::Num(step.map_or(Decimal::ZERO, |s| s.amount)),
                        if table.fixed || table.mode == TierMode::Interpolated { pays_ty } else { base_ty },
                    ),
                    reached: step.is_some_and(|s| s.pays.is_some()),
                }
            })
            .collect();
        let detail = Detail::Tiers {
            mode: table.mode.name(),
            fixed: table.fixed,
            base: self.shown_of(&table.base),
            of: table.of.as_ref().and_then(|of| self.shown_of(of)),
            bands,
        };
        let mut children = vec![self.node(&table.base, Some(Role::Base))];
        if let Some(of) = &table.of {
            children.push(self.node(of, Some(Role::Of)));
        }
        (detail, children)
    }

    /// An aggregate over the participant's rows: the rows counted (read again
    /// and checked against the run's accumulators), and the row formulas.
    fn rows_node(&mut self, e: &'p Expr, id: AccId, scope: PeriodScope, role: Option<Role>) -> Node {
        let x = self.x;
        let plan = self.plan();
        let acc = &plan.accumulators[id];
        let range = scope.range(self.t, plan.calendar.periods.len());
        let mut node = self.formula_node(Kind::Rows, e, role);
        node.ty = Some(acc.ty);
        let mut keys = Vec::new();
        let mut keys_total = None;
        if acc.func == AggFunc::CountDistinct {
            let mut merged = State::new(acc.func);
            for t in range.clone() {
                let _ = merged.merge(x.ev.accumulators.state(x.p, t, id));
            }
            if let State::Distinct(map) = &merged {
                let mut entries: Vec<(Value, Vec<&State>)> = map.entries().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                keys_total = Some(entries.len());
                let params = ParamsAt { plan, period: self.t };
                for (key, states) in entries.into_iter().take(MAX_KEYS) {
                    let (values, counted) = match &acc.having {
                        Some(h) => {
                            let nums: Vec<Decimal> = states
                                .iter()
                                .map(|s| s.value(None, &params, acc.span).unwrap_or(Decimal::ZERO))
                                .collect();
                            let env = KeyEnv { plan, t: self.t, values: &nums };
                            let counted = eval(&h.cond, &env).map(|v| v.bool()).unwrap_or(false);
                            let values = h
                                .aggs
                                .iter()
                                .zip(&nums)
                                .map(|((f, a), v)| Operand {
                                    formula: format!(
                                        "{}({})",
                                        f.name(),
                                        a.as_ref().map(|a| x.excerpt(a.span)).unwrap_or_default()
                                    ),
                                    value: Some(
                                        x.shown(Value::Num(*v), a.as_ref().map_or(Type::Number, |a| x.type_of(a))),
                                    ),
                                })
                                .collect();
                            (values, counted)
                        }
                        None => (Vec::new(), true),
                    };
                    keys.push(DistinctKey { key: x.shown(key, Type::Text).text(), values, counted });
                }
            }
        }
        node.detail = Some(Detail::Rows {
            function: acc.func.name(),
            periods: range.clone().map(|t| plan.calendar.periods[t].label.clone()).collect(),
            rows: x.rows.count(id, range),
            filter: acc.filter.as_ref().map(|f| x.excerpt(f.span)),
            having: acc.having.as_ref().map(|h| x.excerpt(h.cond.span)),
            keys,
            keys_total,
        });
        // What each row contributes: the row formulas and parameters read.
        let mut leaves: Vec<&'p Expr> = Vec::new();
        let mut collect = |e: &'p Expr| {
            if matches!(
                e.kind,
                ExprKind::RowValue(_) | ExprKind::Param(_) | ExprKind::Attribute(_) | ExprKind::Lookup { .. }
            ) {
                leaves.push(e);
            }
        };
        for part in acc.arg.iter().chain(&acc.filter) {
            walk_ref(part, &mut collect);
        }
        if let Some(h) = &acc.having {
            walk_ref(&h.cond, &mut collect);
            for a in h.aggs.iter().filter_map(|(_, a)| a.as_ref()) {
                walk_ref(a, &mut collect);
            }
        }
        node.children = self.leaves(leaves);
        node
    }

    /// `sum(x × cell at date)`: for each original period, the rows' amount,
    /// the value read there, and their product.
    fn at_node(&mut self, e: &'p Expr, id: AccId, cell: CellId, role: Option<Role>) -> Node {
        let x = self.x;
        let plan = self.plan();
        let acc = &plan.accumulators[id];
        let mut node = self.formula_node(Kind::At, e, role);
        let sums = x.ev.accumulators.by_period(x.p, self.t, id).unwrap_or_default();
        let cell_ty = plan.cells[cell].ty;
        let periods = sums
            .iter()
            .enumerate()
            .filter(|(_, sum)| !sum.is_zero())
            .map(|(o, sum)| {
                let read = x.ev.value(cell, x.p, o).cloned();
                let product = read.as_ref().and_then(|r| sum.checked_mul(num(r.clone())));
                AtPeriod {
                    period: plan.calendar.periods[o].label.clone(),
                    amount: x.shown(Value::Num(*sum), acc.ty),
                    value: read.map(|r| x.shown(r, cell_ty)),
                    product: product.map(|v| x.shown(Value::Num(v), x.type_of(e))),
                }
            })
            .collect();
        node.detail = Some(Detail::At {
            of: plan.cells[cell].name.clone(),
            date: acc.at.map(|a| plan.events.columns[a.column].name.clone()).unwrap_or_default(),
            rows: x.rows.count(id, self.t..self.t + 1),
            filter: acc.filter.as_ref().map(|f| x.excerpt(f.span)),
            periods,
        });
        let mut leaves: Vec<&'p Expr> = Vec::new();
        let mut collect = |e: &'p Expr| {
            if matches!(
                e.kind,
                ExprKind::RowValue(_) | ExprKind::Param(_) | ExprKind::Attribute(_) | ExprKind::Lookup { .. }
            ) {
                leaves.push(e);
            }
        };
        for part in acc.arg.iter().chain(&acc.filter) {
            walk_ref(part, &mut collect);
        }
        node.children = self.leaves(leaves);
        node
    }

    /// Nodes for row formulas, parameters and attributes, each once.
    fn leaves(&mut self, leaves: Vec<&'p Expr>) -> Vec<Node> {
        let mut done: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for e in leaves {
            let node = match &e.kind {
                ExprKind::RowValue(r) => self.row_value(*r),
                _ => self.node(e, None),
            };
            let key = format!("{:?}{:?}", node.kind, node.name);
            if !done.contains(&key) {
                done.push(key);
                out.push(node);
            }
        }
        out
    }

    /// A value of each row (`credit`): its formula and what it reads.
    fn row_value(&mut self, r: usize) -> Node {
        let x = self.x;
        let rv = &self.plan().row_values[r];
        let mut node = Node::new(Kind::RowValue);
        node.name = Some(rv.name.clone());
        node.formula = Some(x.excerpt(rv.expr.span));
        node.at = Some(x.at(rv.span));
        node.ty = Some(rv.ty);
        node.note = Some("computed for each row".into());
        let mut leaves: Vec<&'p Expr> = Vec::new();
        walk_ref(&rv.expr, &mut |e: &'p Expr| {
            if matches!(
                e.kind,
                ExprKind::RowValue(_) | ExprKind::Param(_) | ExprKind::Attribute(_) | ExprKind::Lookup { .. }
            ) {
                leaves.push(e);
            }
        });
        node.children = self.leaves(leaves);
        node
    }

    /// An aggregate across participants (the group, its members and their
    /// values, the participant's share or rank) or across periods.
    fn across_node(&mut self, e: &'p Expr, id: usize, role: Option<Role>) -> Node {
        let x = self.x;
        let plan = self.plan();
        let a = &plan.across[id];
        let mut node = self.formula_node(Kind::Group, e, role);
        let func = across_name(a.func);
        match a.scope {
            AcrossScope::Periods(scope) => {
                node.kind = Kind::Periods;
                let range = scope.range(self.t, plan.calendar.periods.len());
                let ty = x.type_of(&a.arg);
                let values = range
                    .map(|t| PeriodValue {
                        period: plan.calendar.periods[t].label.clone(),
                        value: x.ev.eval_at(&a.arg, x.p, t).ok().map(|v| x.shown(v.to_owned_value(), ty)),
                    })
                    .collect();
                let over = match scope {
                    PeriodScope::Period => "period",
                    PeriodScope::YearToDate => "ytd",
                    PeriodScope::Year => "year",
                };
                node.detail = Some(Detail::Periods { function: func, over, values });
            }
            AcrossScope::Group(_) | AcrossScope::All | AcrossScope::Reports { .. } => {
                let members = x.ev.group_members(id, x.p, self.t).unwrap_or_default();
                let this_is_member = members.contains(&x.p);
                let weighed = a.weight.as_ref().filter(|_| a.func == AcrossFunc::Share);
                let valued = weighed.unwrap_or(&a.arg);
                let ty = x.type_of(valued);
                let mut listed: Vec<(usize, Option<Decimal>)> =
                    members.iter().map(|&q| (q, x.ev.eval_at(valued, q, self.t).ok().map(|v| v.num()))).collect();
                let ranks: Vec<Option<usize>> = if a.func == AcrossFunc::Rank {
                    listed.sort_by(|(pa, va), (pb, vb)| vb.cmp(va).then(pa.cmp(pb)));
                    listed.iter().map(|(_, v)| Some(1 + listed.iter().filter(|(_, w)| w > v).count())).collect()
                } else {
                    vec![None; listed.len()]
                };
                let size = listed.len();
                let shown: Vec<Member> = listed
                    .iter()
                    .zip(ranks)
                    .enumerate()
                    .filter(|(i, ((q, _), _))| size <= MAX_MEMBERS || *i < MAX_MEMBERS - 1 || *q == x.p)
                    .map(|(_, ((q, v), rank))| Member {
                        participant: x.ev.statics.ids[*q].to_string(),
                        value: v.map(|v| x.shown(Value::Num(v), ty)),
                        rank,
                        this: *q == x.p,
                    })
                    .collect();
                let truncated = shown.len() < size;
                let (over, group) = match a.scope {
                    AcrossScope::Group(col) => (
                        plan.participants.columns[col].name.clone(),
                        Some(x.shown(x.ev.statics.attributes_in(x.p, self.t)[col].clone(), Type::Text).text()),
                    ),
                    AcrossScope::Reports { transitive: false } => ("reports".to_string(), None),
                    AcrossScope::Reports { transitive: true } => ("all_reports".to_string(), None),
                    _ => ("all".to_string(), None),
                };
                let (mut pool, mut weight, mut total_weight) = (None, None, None);
                if let Some(w) = weighed {
                    pool = self.shown_of(&a.arg);
                    weight = this_is_member.then(|| self.shown_of(w)).flatten();
                    let mut total = Decimal::ZERO;
                    for (_, v) in &listed {
                        total = arith(crate::check::ArithOp::Add, total, v.unwrap_or(Decimal::ZERO)).unwrap_or(total);
                    }
                    total_weight = Some(x.shown(Value::Num(total), ty));
                    node.children.push(self.node(&a.arg, Some(Role::Pool)));
                    if this_is_member {
                        node.children.push(self.node(w, Some(Role::Weight)));
                    }
                } else if this_is_member {
                    node.children = self.parts(&a.arg).into_iter().map(|n| n.role(Some(Role::Own))).collect();
                    if matches!(a.arg.kind, ExprKind::Aggregate { .. }) {
                        // `sum(amount) over team`: the participant's own rows,
                        // written without the `over`.
                        for child in &mut node.children {
                            if let Some((own, _)) = child.formula.as_deref().and_then(|f| f.rsplit_once(" over ")) {
                                child.formula = Some(own.to_string());
                            }
                        }
                    }
                }
                node.detail = Some(Detail::Group {
                    function: func,
                    over,
                    group,
                    size,
                    members: shown,
                    truncated,
                    pool,
                    weight,
                    total_weight,
                });
            }
        }
        node
    }
}

/// `clamp(x, lo, hi)` is compiled to `max(lo, min(x, hi))`, both with the
/// call's span: its three arguments.
fn clamp_parts(e: &Expr) -> Option<(&Expr, &Expr, &Expr)> {
    let ExprKind::Max(outer) = &e.kind else { return None };
    let [lo, inner] = outer.as_slice() else { return None };
    let ExprKind::Min(xs) = &inner.kind else { return None };
    let [x, hi] = xs.as_slice() else { return None };
    let same = (inner.span.start, inner.span.end) == (e.span.start, e.span.end);
    same.then_some((x, lo, hi))
}

/// Answers a `having` condition for one distinct key.
struct KeyEnv<'p, 'v> {
    plan: &'p Plan,
    t: usize,
    values: &'v [Decimal],
}

impl<'p> Env<'p> for KeyEnv<'p, '_> {
    fn param(&self, id: usize) -> Val<'p> {
        self.plan.params[id].values.at(self.t).as_val()
    }
    fn period(&self) -> usize {
        self.t
    }
    fn period_part(&self, part: PeriodPart) -> Decimal {
        crate::eval::period_part(self.plan, self.t, part)
    }
    fn group_aggregate(&self, i: usize) -> Val<'p> {
        Val::Num(self.values[i])
    }
}

/// [`Expr::walk`] with the plan's lifetime on the callback's argument.
fn walk_ref<'p>(e: &'p Expr, f: &mut impl FnMut(&'p Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Prev { default, .. } => walk_ref(default, f),
        ExprKind::Neg(x) | ExprKind::Not(x) | ExprKind::Abs(x) => walk_ref(x, f),
        ExprKind::Round { value, .. } => walk_ref(value, f),
        ExprKind::Arith(_, a, b)
        | ExprKind::Compare(_, a, b)
        | ExprKind::And(a, b)
        | ExprKind::Or(a, b)
        | ExprKind::DaysBetween(a, b) => {
            walk_ref(a, f);
            walk_ref(b, f);
        }
        ExprKind::If { cond, then, otherwise } => {
            walk_ref(cond, f);
            walk_ref(then, f);
            walk_ref(otherwise, f);
        }
        ExprKind::Min(xs) | ExprKind::Max(xs) => xs.iter().for_each(|x| walk_ref(x, f)),
        ExprKind::Tiers(t) => {
            walk_ref(&t.base, f);
            if let Some(of) = &t.of {
                walk_ref(of, f);
            }
            for b in &t.bands {
                walk_ref(&b.from, f);
                if let Some(to) = &b.to {
                    walk_ref(to, f);
                }
                walk_ref(&b.pays, f);
            }
        }
        _ => {}
    }
}

fn num(v: Value) -> Decimal {
    match v {
        Value::Num(d) => d,
        _ => Decimal::ZERO,
    }
}

fn cmp_name(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

fn across_name(f: AcrossFunc) -> &'static str {
    match f {
        AcrossFunc::Sum => "sum",
        AcrossFunc::Count => "count",
        AcrossFunc::Min => "min",
        AcrossFunc::Max => "max",
        AcrossFunc::Avg => "avg",
        AcrossFunc::Rank => "rank",
        AcrossFunc::Share => "share",
    }
}
