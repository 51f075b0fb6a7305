//! The compiled plan: what the checker hands to the evaluator.
//!
//! Names are resolved to indices and operators to their typed forms, so the
//! evaluator does no lookups by string and no type dispatch. Every definition
//! keeps its name and span for diagnostics and explanations.

use crate::syntax::ast::DefKind;
use crate::syntax::Span;
use crate::value::{Type, Value};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

/// The name of the computed line that adds up a participant's payout lines.
pub const TOTAL: &str = "total";

pub type ParamId = usize;
pub type SectionId = usize;
pub type RowValueId = usize;
pub type AccId = usize;
pub type CellId = usize;
pub type AcrossId = usize;

#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub version: Option<String>,
    pub currency: String,
    pub calendar: Calendar,
    pub rounding: Rounding,
    pub participants: TableSchema,
    pub lookups: Vec<TableSchema>,
    pub events: TableSchema,
    /// The splits table, if the plan credits rows to several participants.
    pub splits: Option<Splits>,
    /// The exchange rates (`fx rates by currency on date { ... }`), if the plan
    /// has amounts in other currencies.
    pub fx: Option<FxTable>,
    pub params: Vec<Param>,
    pub sections: Vec<Section>,
    pub row_values: Vec<RowValue>,
    pub accumulators: Vec<Accumulator>,
    pub across: Vec<Across>,
    pub cells: Vec<CellDef>,
    /// Cell definitions grouped for evaluation, in dependency order.
    pub stages: Vec<Stage>,
    /// Payout and info lines, in the order written.
    pub lines: Vec<CellId>,
}

impl Plan {
    pub fn table(&self, id: TableId) -> &TableSchema {
        match id {
            TableId::Participants => &self.participants,
            TableId::Events => &self.events,
            TableId::Lookup(i) => &self.lookups[i],
            // INVARIANT: `TableId::Splits` is only handed out when the plan has one.
            TableId::Splits => &self.splits.as_ref().expect("a splits table").table,
            TableId::Fx => &self.fx.as_ref().expect("an fx table id only when there is one").schema,
        }
    }

    pub fn tables(&self) -> impl Iterator<Item = (TableId, &TableSchema)> {
        std::iter::once((TableId::Participants, &self.participants))
            .chain(self.lookups.iter().enumerate().map(|(i, t)| (TableId::Lookup(i), t)))
            .chain(self.fx.iter().map(|f| (TableId::Fx, &f.schema)))
            .chain(std::iter::once((TableId::Events, &self.events)))
            .chain(self.splits.iter().map(|s| (TableId::Splits, &s.table)))
    }

    pub fn cell_by_name(&self, name: &str) -> Option<CellId> {
        self.cells.iter().position(|c| c.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableId {
    Participants,
    Events,
    Lookup(usize),
    Splits,
    Fx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Participants,
    Lookup,
    Events,
    /// Shares of event rows credited to several participants.
    Splits,
    /// Exchange rates into the plan's currency, by currency and date.
    Fx,
}

/// The exchange rates: the schema's key is the currency, its date the day a
/// rate applies from; `rate` is the plan-currency amount of one unit.
#[derive(Debug, Clone)]
pub struct FxTable {
    pub schema: TableSchema,
    /// Index of the rate column (the table's one `decimal` column).
    pub rate: usize,
}

/// `splits deal_splits for sales by id { id: text  rep: text  share: percent }`:
/// an event row whose `id` has rows here is credited to each participant named
/// there, with that share, instead of to the row's own participant.
#[derive(Debug, Clone)]
pub struct Splits {
    pub table: TableSchema,
    /// The events column matched with the splits table's key (same name).
    pub event_key: usize,
    /// The splits column naming the participant credited (named like the
    /// events table's participant column).
    pub participant: usize,
    /// The splits column holding the share (the one `percent` column).
    pub share: usize,
}

#[derive(Debug, Clone)]
pub struct TableSchema {
    pub name: String,
    pub kind: TableKind,
    pub columns: Vec<ColumnSchema>,
    /// Index of the key column (`by ...`).
    pub key: usize,
    /// Index of the date column of an events table (`on ...`).
    pub date: Option<usize>,
    /// Index of the participants table's manager column (`reports to ...`).
    pub reports_to: Option<usize>,
    /// Index of the participants table's effective date column (`from ...`):
    /// each row is in effect from its date until the participant's next row.
    pub from: Option<usize>,
    pub span: Span,
}

impl TableSchema {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct ColumnSchema {
    pub name: String,
    pub ty: ColumnType,
    pub optional: bool,
    /// `money in COLUMN`: the events column naming each row's currency; the
    /// amount is converted into the plan's currency as the row is read.
    pub currency: Option<usize>,
    pub span: Span,
}

/// How a column is read from a file. Several read into one [`Type`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Bool,
    Integer,
    Decimal,
    Money,
    Percent,
    Date,
}

impl ColumnType {
    pub const ALL: [(&'static str, ColumnType); 7] = [
        ("text", ColumnType::Text),
        ("bool", ColumnType::Bool),
        ("integer", ColumnType::Integer),
        ("decimal", ColumnType::Decimal),
        ("money", ColumnType::Money),
        ("percent", ColumnType::Percent),
        ("date", ColumnType::Date),
    ];

    pub fn value_type(self) -> Type {
        match self {
            ColumnType::Text => Type::Text,
            ColumnType::Bool => Type::Bool,
            ColumnType::Integer | ColumnType::Decimal => Type::Number,
            ColumnType::Money => Type::Money,
            ColumnType::Percent => Type::Ratio,
            ColumnType::Date => Type::Date,
        }
    }

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, t)| *t == self).map(|(n, _)| *n).unwrap_or("?")
    }
}

/// The plan's periods: the grain and the date range of each period.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub grain: Grain,
    pub periods: Vec<Period>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Month,
    Quarter,
    Year,
}

impl Grain {
    pub fn name(self) -> &'static str {
        match self {
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `2024-Q1`, `2024-03` or `2024`.
    pub label: String,
    pub start: NaiveDate,
    /// Inclusive.
    pub end: NaiveDate,
    pub year: i32,
    /// 1..=4, the quarter the period falls in (its first day's).
    pub quarter: u32,
    /// 1..=12, the period's first month.
    pub month: u32,
}

impl Calendar {
    /// The period a date falls in, if any.
    pub fn period_of(&self, date: NaiveDate) -> Option<usize> {
        use chrono::Datelike;
        let first = self.periods.first()?;
        if date < first.start || date > self.periods.last()?.end {
            return None;
        }
        // Periods are whole calendar months, quarters or years, contiguous.
        let months = (date.year() - first.year) * 12 + date.month0() as i32 - (first.month as i32 - 1);
        let per = match self.grain {
            Grain::Month => 1,
            Grain::Quarter => 3,
            Grain::Year => 12,
        };
        Some((months / per) as usize)
    }
}

/// A rounding rule: a unit (0.01) and a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    pub unit: Decimal,
    pub mode: RoundingMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingMode {
    HalfAwayFromZero,
    HalfEven,
    HalfTowardZero,
    Up,
    Down,
    Floor,
    Ceiling,
}

impl RoundingMode {
    pub const ALL: [(&'static str, RoundingMode); 7] = [
        ("half_away_from_zero", RoundingMode::HalfAwayFromZero),
        ("half_even", RoundingMode::HalfEven),
        ("half_toward_zero", RoundingMode::HalfTowardZero),
        ("up", RoundingMode::Up),
        ("down", RoundingMode::Down),
        ("floor", RoundingMode::Floor),
        ("ceiling", RoundingMode::Ceiling),
    ];

    pub fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfTowardZero => RoundingStrategy::MidpointTowardZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, m)| *m == self).map(|(n, _)| *n).unwrap_or("?")
    }
}

impl Rounding {
    /// The one rounding function: to a multiple of `unit`, ties by `mode`.
    ///
    /// ```
    /// use comp::check::{Rounding, RoundingMode};
    /// use rust_decimal::Decimal;
    /// let cents = Rounding { unit: Decimal::new(1, 2), mode: RoundingMode::HalfAwayFromZero };
    /// assert_eq!(cents.apply(Decimal::new(204295, 3)), Some(Decimal::new(20430, 2)));
    /// assert_eq!(cents.apply(Decimal::new(-5, 3)), Some(Decimal::new(-1, 2)));
    /// ```
    pub fn apply(self, x: Decimal) -> Option<Decimal> {
        if self.unit.is_zero() {
            return Some(x);
        }
        if self.unit.mantissa() == 1 {
            // A unit of 10^-k (0.01): round to k decimals directly.
            if x.scale() == self.unit.scale() {
                // Already exactly k decimals (a sum of amounts in cents).
                return Some(x);
            }
            let mut result = x.round_dp_with_strategy(self.unit.scale(), self.mode.strategy());
            if result.scale() < self.unit.scale() {
                result.rescale(self.unit.scale());
            }
            return Some(result);
        }
        let scaled = x.checked_div(self.unit)?;
        let rounded = scaled.round_dp_with_strategy(0, self.mode.strategy());
        let result = rounded.checked_mul(self.unit)?;
        // Keep the unit's scale so 12.5 rounded to 0.01 prints as 12.50.
        let mut result = result;
        if result.scale() < self.unit.scale() {
            result.rescale(self.unit.scale());
        }
        Some(result)
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub ty: Type,
    /// One value, or one per period.
    pub values: ParamValues,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ParamValues {
    Single(Value),
    PerPeriod(Vec<Value>),
    /// `3%, from 2024-07-01: 4%`: a value that changes from dates on.
    Dated(Dated),
}

/// A dated parameter: the first value, and each change from its date on.
#[derive(Debug, Clone)]
pub struct Dated {
    pub first: Value,
    /// In date order, each date inside the plan year.
    pub changes: Vec<(NaiveDate, Value)>,
    /// The value in effect at each period's start.
    pub at_start: Vec<Value>,
}

impl Dated {
    /// The value in effect on `date`: the last change on or before it.
    pub fn on(&self, date: NaiveDate) -> &Value {
        let i = self.changes.partition_point(|(d, _)| *d <= date);
        if i == 0 {
            &self.first
        } else {
            &self.changes[i - 1].1
        }
    }
}

impl ParamValues {
    /// The value for a period: for a dated parameter, the one in effect at
    /// the period's start (the checker rejects a per-period use of one that
    /// changes inside a period).
    pub fn at(&self, period: usize) -> &Value {
        match self {
            ParamValues::Single(v) => v,
            ParamValues::PerPeriod(vs) => &vs[period],
            ParamValues::Dated(d) => &d.at_start[period],
        }
    }

    /// The value for an event row dated `date` in `period`.
    pub fn on(&self, date: NaiveDate, period: usize) -> &Value {
        match self {
            ParamValues::Dated(d) => d.on(date),
            _ => self.at(period),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    /// A condition on the participant alone (attributes, lookups, parameters).
    pub condition: Expr,
    pub span: Span,
}

/// A value computed for each event row (`value credit = ...`).
#[derive(Debug, Clone)]
pub struct RowValue {
    pub name: String,
    pub ty: Type,
    pub expr: Expr,
    pub section: Option<SectionId>,
    pub span: Span,
}

/// An aggregate over a participant's rows, accumulated while rows stream.
#[derive(Debug, Clone)]
pub struct Accumulator {
    pub func: AggFunc,
    /// The row expression aggregated; `None` for `count()`.
    pub arg: Option<Expr>,
    pub filter: Option<Expr>,
    /// `count(distinct k having cond)`: per-key aggregates and the condition.
    pub having: Option<Having>,
    pub section: Option<SectionId>,
    pub ty: Type,
    pub span: Span,
    /// For [`AggFunc::SumByPeriod`]: the date column whose period keys each
    /// row's sum (`rate_paid at original_date`).
    pub at: Option<AtColumn>,
}

/// The date column of `CELL at COLUMN`, and where `at ...` is written.
#[derive(Debug, Clone, Copy)]
pub struct AtColumn {
    pub column: usize,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Having {
    /// Aggregates kept per distinct key; `Expr::GroupAggregate(i)` reads the i-th.
    pub aggs: Vec<(AggFunc, Option<Expr>)>,
    pub cond: Expr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggFunc {
    Sum,
    Count,
    Min,
    Max,
    Avg,
    CountDistinct,
    /// `sum(refund × rate_paid at original_date)`: one running sum per period
    /// of the row's `at` date (the original period), multiplied by the value
    /// read in that period once values are computed.
    SumByPeriod,
}

impl AggFunc {
    pub fn name(self) -> &'static str {
        match self {
            AggFunc::Sum => "sum",
            AggFunc::Count => "count",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::Avg => "avg",
            AggFunc::CountDistinct => "count distinct",
            AggFunc::SumByPeriod => "sum",
        }
    }
}

/// Which periods a row aggregate covers, seen from the period being evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodScope {
    /// The period itself.
    Period,
    /// The plan's periods up to and including this one.
    YearToDate,
    /// All the plan's periods.
    Year,
}

impl PeriodScope {
    /// The periods the scope covers, seen from period `t` of `periods`.
    pub fn range(self, t: usize, periods: usize) -> std::ops::Range<usize> {
        match self {
            PeriodScope::Period => t..t + 1,
            PeriodScope::YearToDate => 0..t + 1,
            PeriodScope::Year => 0..periods,
        }
    }
}

/// An aggregate across participants or periods of a per-participant value:
/// `sum(C) over team`, `rank(x) over all`, `sum(C) over year`.
#[derive(Debug, Clone)]
pub struct Across {
    pub func: AcrossFunc,
    pub arg: Expr,
    /// The second argument of `share(pool, weight)`: the weight.
    pub weight: Option<Expr>,
    pub scope: AcrossScope,
    /// The participants the argument is defined for.
    pub domain: Option<SectionId>,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcrossFunc {
    Sum,
    Count,
    Min,
    Max,
    Avg,
    /// 1 for the highest value; ties share a rank (1, 1, 3).
    Rank,
    /// `share(pool, weight)`: pool × weight ÷ the group's total weight.
    Share,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcrossScope {
    /// Participants sharing this participants-table column's value.
    Group(usize),
    /// Every participant (in the argument's domain).
    All,
    /// The participants reporting to this one (`reports`), or everyone below
    /// it in the hierarchy at any depth (`all_reports`).
    Reports { transitive: bool },
    /// The participant's own periods.
    Periods(PeriodScope),
}

#[derive(Debug, Clone)]
pub struct CellDef {
    pub name: String,
    pub kind: DefKind,
    pub ty: Type,
    pub expr: Expr,
    pub section: Option<SectionId>,
    pub span: Span,
    /// The formula to show when the expression is not written in the plan:
    /// the parts of a draw.
    pub written: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    /// In evaluation order within a period.
    pub cells: Vec<CellId>,
    /// Whether a member refers to an earlier period of another (or itself), so
    /// periods must be the outer loop.
    pub recursive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierMode {
    /// Each band's rate applies to the part of the base inside it (超额累进).
    Marginal,
    /// The band the whole base falls in sets the rate for all of it (全额累进).
    Whole,
    /// The value of the band the base falls in (a step function; nested, a
    /// matrix of coefficients).
    Lookup,
    /// The value read off the straight lines through points `x : y`, flat
    /// before the first point and after the last (each band is a point: its
    /// `from` is x, its `pays` y, its `to` none).
    Interpolated,
}

impl TierMode {
    pub fn name(self) -> &'static str {
        match self {
            TierMode::Marginal => "marginal",
            TierMode::Whole => "whole",
            TierMode::Lookup => "lookup",
            TierMode::Interpolated => "interpolated",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TierTable {
    pub mode: TierMode,
    pub base: Expr,
    /// Band edges are multiplied by this (percent-of-quota bands).
    pub of: Option<Expr>,
    pub bands: Vec<TierBand>,
    /// Bands pay a fixed amount instead of a rate (for `interpolated`: the
    /// points' values are amounts).
    pub fixed: bool,
}

#[derive(Debug, Clone)]
pub struct TierBand {
    pub from: Expr,
    pub to: Option<Expr>,
    pub pays: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodPart {
    Quarter,
    Month,
    Number,
    /// Days in the period (`days_in_period`).
    Days,
    /// The period's first and last day, as days from the common era (for `days_active`).
    FirstDay,
    LastDay,
}

/// A checked expression. Each node keeps its span for diagnostics.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Const(Value),
    Param(ParamId),
    /// A column of the current event row.
    Column(usize),
    /// The share of the current event row credited to the participant (100%
    /// for a row without splits).
    SplitShare,
    RowValue(RowValueId),
    /// A column of the participant's row in the participants table.
    Attribute(usize),
    /// A column of the participant's row in a lookup table keyed by participant.
    Lookup {
        table: usize,
        column: usize,
    },
    /// Another definition, same participant and period.
    Cell(CellId),
    /// Another definition in the previous period (the default in the first).
    Prev {
        cell: CellId,
        default: Box<Expr>,
    },
    Aggregate {
        acc: AccId,
        scope: PeriodScope,
    },
    /// Inside `having`: the i-th per-key aggregate.
    GroupAggregate(usize),
    Across(AcrossId),
    PeriodPart(PeriodPart),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    Abs(Box<Expr>),
    /// `days_active(from, to)`: the days of the current period from `from` to
    /// `to`, both included (proration).
    DaysActive(Box<Expr>, Box<Expr>),
    /// `days_between(from, to)`: the days from `from` to `to` (negative when
    /// `to` is earlier): a clawback's window.
    DaysBetween(Box<Expr>, Box<Expr>),
    /// `sum(x × cell at date)`: Σ over the original periods `o` of the
    /// accumulator's sum of `x` for rows dated (`at`) in `o`, × `cell` in `o`.
    SumAt {
        acc: AccId,
        cell: CellId,
        /// The unit of the result: the rows' amount × the value read.
        ty: Type,
    },
    Round {
        value: Box<Expr>,
        rounding: Rounding,
    },
    Tiers(Box<TierTable>),
}

impl Expr {
    /// Calls `f` on this expression and every expression inside it.
    pub fn walk(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Prev { default, .. } => default.walk(f),
            ExprKind::Neg(x) | ExprKind::Not(x) | ExprKind::Abs(x) => x.walk(f),
            ExprKind::DaysActive(a, b) | ExprKind::DaysBetween(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::Round { value, .. } => value.walk(f),
            ExprKind::Arith(_, a, b) | ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::If { cond, then, otherwise } => {
                cond.walk(f);
                then.walk(f);
                otherwise.walk(f);
            }
            ExprKind::Min(xs) | ExprKind::Max(xs) => xs.iter().for_each(|x| x.walk(f)),
            ExprKind::Tiers(t) => {
                t.base.walk(f);
                if let Some(of) = &t.of {
                    of.walk(f);
                }
                for b in &t.bands {
                    b.from.walk(f);
                    if let Some(to) = &b.to {
                        to.walk(f);
                    }
                    b.pays.walk(f);
                }
            }
            ExprKind::Const(_)
            | ExprKind::Param(_)
            | ExprKind::Column(_)
            | ExprKind::SplitShare
            | ExprKind::RowValue(_)
            | ExprKind::Attribute(_)
            | ExprKind::Lookup { .. }
            | ExprKind::Cell(_)
            | ExprKind::Aggregate { .. }
            | ExprKind::SumAt { .. }
            | ExprKind::GroupAggregate(_)
            | ExprKind::Across(_)
            | ExprKind::PeriodPart(_) => {}
        }
    }
}

impl Plan {
    /// Which columns of the events table some rule reads (plus the key and
    /// date). Only these are parsed from each row.
    pub fn used_event_columns(&self) -> Vec<bool> {
        let mut used = vec![false; self.events.columns.len()];
        used[self.events.key] = true;
        if let Some(d) = self.events.date {
            used[d] = true;
        }
        if let Some(s) = &self.splits {
            // Each row is looked up in the splits table by this column.
            used[s.event_key] = true;
        }
        // The original date of `rate_paid at original_date` keys its sums.
        for at in self.accumulators.iter().filter_map(|a| a.at) {
            used[at.column] = true;
        }
        let mut mark = |e: &Expr| {
            if let ExprKind::Column(c) = e.kind {
                used[c] = true;
            }
        };
        for rv in &self.row_values {
            rv.expr.walk(&mut mark);
        }
        for acc in &self.accumulators {
            acc.arg.iter().chain(&acc.filter).for_each(|e| e.walk(&mut mark));
            if let Some(h) = &acc.having {
                h.aggs.iter().filter_map(|(_, a)| a.as_ref()).for_each(|e| e.walk(&mut mark));
                h.cond.walk(&mut mark);
            }
        }
        // A converted amount needs its row's currency.
        for (i, c) in self.events.columns.iter().enumerate() {
            if let Some(currency) = c.currency.filter(|_| used[i]) {
                used[currency] = true;
            }
        }
        used
    }

    /// The events columns converted into the plan's currency (`money in
    /// COLUMN`), each with its currency column.
    pub fn converted_columns(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.events.columns.iter().enumerate().filter_map(|(i, c)| c.currency.map(|k| (i, k)))
    }
}
