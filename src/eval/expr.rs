//! The expression evaluator, shared by every level: constants, event rows and
//! per-participant cells differ only in the [`Env`] that answers leaves.
//!
//! INVARIANT: the checker has resolved names and checked types, so a leaf is only
//! asked of an environment that has it, and operands have the types the operator
//! needs. A violation is a bug in the checker, hence `unreachable!`.

use crate::check::{ArithOp, CmpOp, Expr, ExprKind, Param, PeriodPart, PeriodScope, Rounding, TierMode, TierTable};
use crate::value::{Val, Value};
use rust_decimal::Decimal;

/// What can go wrong while computing: the data made an operation impossible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    DivisionByZero,
    Overflow,
    MissingLookup {
        table: String,
        key: String,
    },
    /// A value this one needs failed already (and was reported there).
    Upstream,
    /// The date of `x at date` is outside the plan's periods, or in a later
    /// period than its row (a reversal dated before what it reverses).
    AtDate {
        date: chrono::NaiveDate,
        later: bool,
    },
}

/// A fault and the expression it happened in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub fault: Fault,
    pub span: crate::syntax::Span,
}

/// Boxed: the error is rare and a small `Result` keeps the hot path lean.
pub type EvalResult<T> = Result<T, Box<Failure>>;

/// Answers the leaves of an expression.
pub trait Env<'a> {
    fn param(&self, id: usize) -> Val<'a>;
    fn period(&self) -> usize;
    fn period_part(&self, part: PeriodPart) -> Decimal;
    fn column(&self, _col: usize) -> Val<'a> {
        unreachable!("a column outside a row")
    }
    fn row_value(&self, _id: usize) -> Val<'a> {
        unreachable!("a row value outside a row")
    }
    /// The share of the row credited to the participant: 100% unless the
    /// row is split.
    fn split_share(&self) -> Decimal {
        Decimal::ONE
    }
    fn attribute(&self, _col: usize) -> Val<'a> {
        unreachable!("an attribute without a participant")
    }
    fn lookup(&self, _table: usize, _col: usize) -> Result<Val<'a>, Fault> {
        unreachable!("a lookup without a participant")
    }
    fn cell(&self, _id: usize) -> EvalResult<Val<'a>> {
        unreachable!("a cell outside cell evaluation")
    }
    fn prev(&self, _id: usize) -> EvalResult<Option<Val<'a>>> {
        unreachable!("prev outside cell evaluation")
    }
    fn aggregate(&self, _acc: usize, _scope: PeriodScope) -> EvalResult<Val<'a>> {
        unreachable!("an aggregate outside cell evaluation")
    }
    fn group_aggregate(&self, _i: usize) -> Val<'a> {
        unreachable!("a group aggregate outside `having`")
    }
    fn across(&self, _id: usize) -> EvalResult<Val<'a>> {
        unreachable!("an aggregate across participants outside cell evaluation")
    }
    /// The period a date falls in (a row's `at` date).
    fn period_of(&self, _date: chrono::NaiveDate) -> Option<usize> {
        unreachable!("a period of a date outside a row")
    }
    /// `sum(x × cell at date)`: Σ over original periods of the rows' sums × `cell` there.
    fn sum_at(&self, _acc: usize, _cell: usize) -> EvalResult<Val<'a>> {
        unreachable!("a sum at original periods outside cell evaluation")
    }
}

/// Evaluates `e` in `env`.
pub fn eval<'a, E: Env<'a>>(e: &'a Expr, env: &E) -> EvalResult<Val<'a>> {
    let fail = |fault: Fault| Box::new(Failure { fault, span: e.span });
    Ok(match &e.kind {
        ExprKind::Const(v) => v.as_val(),
        ExprKind::Param(id) => env.param(*id),
        ExprKind::Column(c) => env.column(*c),
        ExprKind::SplitShare => Val::Num(env.split_share()),
        ExprKind::RowValue(r) => env.row_value(*r),
        ExprKind::Attribute(c) => env.attribute(*c),
        ExprKind::Lookup { table, column } => env.lookup(*table, *column).map_err(fail)?,
        ExprKind::Cell(c) => env.cell(*c).map_err(|_| fail(Fault::Upstream))?,
        ExprKind::Prev { cell, default } => match env.prev(*cell).map_err(|_| fail(Fault::Upstream))? {
            Some(v) => v,
            None => eval_inline(default, env)?,
        },
        ExprKind::Aggregate { acc, scope } => env.aggregate(*acc, *scope)?,
        ExprKind::GroupAggregate(i) => env.group_aggregate(*i),
        ExprKind::Across(id) => env.across(*id)?,
        ExprKind::PeriodPart(part) => Val::Num(env.period_part(*part)),
        ExprKind::Neg(x) => Val::Num(-eval_inline(x, env)?.num()),
        ExprKind::Not(x) => Val::Bool(!eval_inline(x, env)?.bool()),
        ExprKind::Arith(op, l, r) => {
            let (a, b) = (eval_inline(l, env)?.num(), eval_inline(r, env)?.num());
            Val::Num(arith(*op, a, b).map_err(fail)?)
        }
        ExprKind::Compare(op, l, r) => {
            let (a, b) = (eval_inline(l, env)?, eval_inline(r, env)?);
            Val::Bool(compare(*op, a, b))
        }
        ExprKind::And(l, r) => Val::Bool(eval_inline(l, env)?.bool() && eval_inline(r, env)?.bool()),
        ExprKind::Or(l, r) => Val::Bool(eval_inline(l, env)?.bool() || eval_inline(r, env)?.bool()),
        ExprKind::If { cond, then, otherwise } => {
            if eval_inline(cond, env)?.bool() {
                eval_inline(then, env)?
            } else {
                eval_inline(otherwise, env)?
            }
        }
        ExprKind::Min(xs) => Val::Num(fold(xs, env, Decimal::min)?),
        ExprKind::Max(xs) => Val::Num(fold(xs, env, Decimal::max)?),
        ExprKind::Abs(x) => Val::Num(eval_inline(x, env)?.num().abs()),
        ExprKind::DaysActive(from, to) => {
            use chrono::Datelike;
            let day = |v: Val<'_>| match v {
                Val::Date(d) => Decimal::from(d.num_days_from_ce()),
                // INVARIANT: the checker requires dates.
                other => unreachable!("days_active of {other:?}"),
            };
            let first = env.period_part(PeriodPart::FirstDay).max(day(eval_inline(from, env)?));
            let last = env.period_part(PeriodPart::LastDay).min(day(eval_inline(to, env)?));
            Val::Num((last - first + Decimal::ONE).max(Decimal::ZERO))
        }
        ExprKind::DaysBetween(from, to) => {
            let (from, to) = match (eval_inline(from, env)?, eval_inline(to, env)?) {
                (Val::Date(a), Val::Date(b)) => (a, b),
                // INVARIANT: the checker requires dates.
                other => unreachable!("days_between of {other:?}"),
            };
            Val::Num(Decimal::from((to - from).num_days()))
        }
        ExprKind::SumAt { acc, cell, .. } => env.sum_at(*acc, *cell)?,
        ExprKind::Round { value, rounding } => {
            Val::Num(round(*rounding, eval_inline(value, env)?.num()).map_err(fail)?)
        }
        ExprKind::Tiers(t) => Val::Num(tiers(t, env)?),
    })
}

/// `eval`, with the leaves answered without a call: most operands are columns,
/// parameters and constants, and this keeps the recursion for real subtrees.
#[inline(always)]
pub(crate) fn eval_inline<'a, E: Env<'a>>(e: &'a Expr, env: &E) -> EvalResult<Val<'a>> {
    match &e.kind {
        ExprKind::Column(c) => Ok(env.column(*c)),
        ExprKind::RowValue(r) => Ok(env.row_value(*r)),
        ExprKind::Const(v) => Ok(v.as_val()),
        ExprKind::Param(p) => Ok(env.param(*p)),
        _ => eval(e, env),
    }
}

fn fold<'a, E: Env<'a>>(xs: &'a [Expr], env: &E, f: fn(Decimal, Decimal) -> Decimal) -> EvalResult<Decimal> {
    let mut acc = eval(&xs[0], env)?.num();
    for x in &xs[1..] {
        acc = f(acc, eval(x, env)?.num());
    }
    Ok(acc)
}

/// Exact decimal arithmetic; overflow and division by zero are faults.
pub fn arith(op: ArithOp, a: Decimal, b: Decimal) -> Result<Decimal, Fault> {
    match op {
        ArithOp::Add => a.checked_add(b).ok_or(Fault::Overflow),
        ArithOp::Sub => a.checked_sub(b).ok_or(Fault::Overflow),
        ArithOp::Mul => a.checked_mul(b).ok_or(Fault::Overflow),
        ArithOp::Div => {
            if b.is_zero() {
                Err(Fault::DivisionByZero)
            } else {
                a.checked_div(b).ok_or(Fault::Overflow)
            }
        }
    }
}

pub fn round(rounding: Rounding, x: Decimal) -> Result<Decimal, Fault> {
    rounding.apply(x).ok_or(Fault::Overflow)
}

fn compare(op: CmpOp, a: Val<'_>, b: Val<'_>) -> bool {
    holds(op, &a, &b)
}

/// Whether `a op b`: one meaning of each comparison for every evaluator.
#[inline]
pub(crate) fn holds<T: PartialOrd + ?Sized>(op: CmpOp, a: &T, b: &T) -> bool {
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

/// A tier table applied to its base. Bands are half-open `[from, to)`: a value
/// on an edge belongs to the higher band.
fn tiers<'a, E: Env<'a>>(t: &'a TierTable, env: &E) -> EvalResult<Decimal> {
    tier_bands(t, env, |_| {})
}

/// One band of a tier table as applied to a base: what [`tier_bands`] reports
/// for each band it looks at, so explanations show the evaluator's own figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandStep {
    /// The band's index in the table.
    pub band: usize,
    /// The band's edges, scaled by `of` when there is one.
    pub from: Decimal,
    pub to: Option<Decimal>,
    /// The base the table is applied to.
    pub base: Decimal,
    /// The part of the base the band pays on: the part inside the band
    /// (marginal rates), the whole base (whole, and fixed amounts), zero when
    /// the band pays nothing.
    pub portion: Decimal,
    /// The band's rate or fixed amount, when the evaluator read it (bands that
    /// pay nothing are not read).
    pub pays: Option<Decimal>,
    /// What the band adds to the result.
    pub amount: Decimal,
}

/// Applies a tier table, calling `step` for every band up to the last one the
/// evaluator looks at, and returns the table's value. The evaluator and the
/// explainer both go through here.
pub fn tier_bands<'a, E: Env<'a>>(t: &'a TierTable, env: &E, mut step: impl FnMut(BandStep)) -> EvalResult<Decimal> {
    let fail = |fault: Fault, span| Box::new(Failure { fault, span });
    let x = eval(&t.base, env)?.num();
    let scale = match &t.of {
        Some(of) => Some(eval(of, env)?.num()),
        None => None,
    };
    let edge = |e: &'a Expr| -> EvalResult<Decimal> {
        let v = eval(e, env)?.num();
        match scale {
            Some(s) => arith(ArithOp::Mul, v, s).map_err(|f| fail(f, e.span)),
            None => Ok(v),
        }
    };
    if t.mode == TierMode::Interpolated {
        return interpolate(t, x, edge, env, step);
    }
    let mut total = Decimal::ZERO;
    for (i, band) in t.bands.iter().enumerate() {
        let from = edge(&band.from)?;
        let to = match &band.to {
            Some(e) => Some(edge(e)?),
            None => None,
        };
        let pays = || eval(&band.pays, env).map(|v| v.num());
        let entered = x >= from;
        let inside = entered && to.is_none_or(|to| x < to);
        let mut report =
            BandStep { band: i, from, to, base: x, portion: Decimal::ZERO, pays: None, amount: Decimal::ZERO };
        match (t.mode, t.fixed) {
            (TierMode::Marginal, false) if x > from => {
                let top = to.map_or(x, |to| x.min(to));
                let part = arith(ArithOp::Sub, top, from).map_err(|f| fail(f, band.span))?;
                let rate = pays()?;
                let amount = arith(ArithOp::Mul, part, rate).map_err(|f| fail(f, band.span))?;
                total = arith(ArithOp::Add, total, amount).map_err(|f| fail(f, band.span))?;
                report = BandStep { portion: part, pays: Some(rate), amount, ..report };
            }
            (TierMode::Marginal, true) if entered => {
                let amount = pays()?;
                total = arith(ArithOp::Add, total, amount).map_err(|f| fail(f, band.span))?;
                report = BandStep { portion: x, pays: Some(amount), amount, ..report };
            }
            (TierMode::Whole, false) if inside => {
                let rate = pays()?;
                let amount = arith(ArithOp::Mul, x, rate).map_err(|f| fail(f, band.span))?;
                step(BandStep { portion: x, pays: Some(rate), amount, ..report });
                return Ok(amount);
            }
            (TierMode::Lookup, _) if inside => {
                let value = pays()?;
                step(BandStep { portion: x, pays: Some(value), amount: value, ..report });
                return Ok(value);
            }
            (TierMode::Whole, true) if inside => {
                let amount = pays()?;
                step(BandStep { portion: x, pays: Some(amount), amount, ..report });
                return Ok(amount);
            }
            _ => {}
        }
        step(report);
    }
    Ok(total)
}

/// An `interpolated` table: the value on the straight line between the two
/// points around `x`, flat before the first point and after the last (a curve
/// through points has no slope to extend). Each segment is reported as a band
/// from its point to the next; the one `x` falls in carries the value.
fn interpolate<'a, E: Env<'a>>(
    t: &'a TierTable,
    x: Decimal,
    edge: impl Fn(&'a Expr) -> EvalResult<Decimal>,
    env: &E,
    mut step: impl FnMut(BandStep),
) -> EvalResult<Decimal> {
    let fail = |fault: Fault, span| Box::new(Failure { fault, span });
    let mut xs = Vec::with_capacity(t.bands.len());
    for band in &t.bands {
        xs.push(edge(&band.from)?);
    }
    let y = |i: usize| eval(&t.bands[i].pays, env).map(|v| v.num());
    let last = t.bands.len() - 1;
    for i in 0..=last {
        let from = xs[i];
        let to = xs.get(i + 1).copied();
        let report = BandStep { band: i, from, to, base: x, portion: Decimal::ZERO, pays: None, amount: Decimal::ZERO };
        let before_first = i == 0 && x < from;
        let inside = x >= from && to.is_none_or(|to| x < to);
        if !(before_first || inside) {
            step(report);
            continue;
        }
        let y0 = y(i)?;
        let value = match to {
            Some(to) if !before_first => {
                let span = t.bands[i].span;
                // Multiplied before dividing, so that the value is exact
                // whenever it can be.
                let rise = arith(ArithOp::Sub, y(i + 1)?, y0).map_err(|f| fail(f, span))?;
                let run = arith(ArithOp::Sub, x, from).map_err(|f| fail(f, span))?;
                let width = arith(ArithOp::Sub, to, from).map_err(|f| fail(f, span))?;
                let part = arith(ArithOp::Mul, rise, run).map_err(|f| fail(f, span))?;
                let part = arith(ArithOp::Div, part, width).map_err(|f| fail(f, span))?;
                arith(ArithOp::Add, y0, part).map_err(|f| fail(f, span))?
            }
            _ => y0,
        };
        let portion = if before_first { Decimal::ZERO } else { x - from };
        step(BandStep { portion, pays: Some(y0), amount: value, ..report });
        return Ok(value);
    }
    // INVARIANT: the checker requires two points or more, and the loop returns
    // at the segment holding `x` (the last point's is open above).
    unreachable!("interpolated table without points")
}

/// Evaluates an expression that uses only literals and parameters.
pub fn eval_constant(e: &Expr, params: &[Param], period: usize) -> Result<Value, Fault> {
    struct Constants<'p> {
        params: &'p [Param],
        period: usize,
    }
    impl<'p> Env<'p> for Constants<'p> {
        fn param(&self, id: usize) -> Val<'p> {
            self.params[id].values.at(self.period).as_val()
        }
        fn period(&self) -> usize {
            self.period
        }
        fn period_part(&self, _: PeriodPart) -> Decimal {
            unreachable!("constants do not depend on the period")
        }
    }
    eval(e, &Constants { params, period }).map(|v| v.to_owned_value()).map_err(|f| f.fault.clone())
}
