//! Row formulas compiled once into closures, so that the millions of rows a
//! run streams do not walk the expression tree through the general
//! interpreter ([`eval`](super::expr::eval)), whose one large function pays
//! for every kind of expression at every node.
//!
//! Only what a row formula is made of is compiled: numbers and conditions over
//! the row's columns, earlier row values, parameters and constants, with
//! arithmetic, comparisons, `if`, `min`/`max`, `abs` and rounding. A formula
//! with anything else (attributes, lookups, dates, `days_between`, tiers, text
//! values) is left to the interpreter, whole. Both paths compute the same
//! values and the same faults at the same spans: `tests/row_formulas.rs` runs
//! plans through each and compares.
//!
//! ```text
//! value credit = if industry == strategic_industry then collected × strategic_uplift else collected
//! ```
//! compiles to a text comparison of column `industry` with the parameter's
//! text, and a product of column `collected` with the parameter's number.

use super::expr::{arith, holds, round, EvalResult, Failure};
use super::rows::RowEnv;
use crate::check::{CmpOp, Expr, ExprKind, ParamValues, Plan, Rounding};
use crate::value::{Type, Val, Value};
use rust_decimal::Decimal;

/// A compiled number-valued formula.
type NumFn<'p> = Box<dyn Fn(&RowEnv<'_, '_>) -> EvalResult<Decimal> + Send + Sync + 'p>;
/// A compiled condition.
type FlagFn<'p> = Box<dyn Fn(&RowEnv<'_, '_>) -> EvalResult<bool> + Send + Sync + 'p>;

/// A row formula, compiled.
pub(crate) enum Compiled<'p> {
    Num(NumFn<'p>),
    Flag(FlagFn<'p>),
}

impl Compiled<'_> {
    /// The formula's value for the row in `env`.
    #[inline]
    pub fn eval<'a>(&self, env: &RowEnv<'a, '_>) -> EvalResult<Val<'a>> {
        Ok(match self {
            Compiled::Num(f) => Val::Num(f(env)?),
            Compiled::Flag(f) => Val::Bool(f(env)?),
        })
    }
}

/// Compiles `e`, a formula of the events table's rows; `None` when it holds
/// something only the interpreter computes.
pub(crate) fn compile<'p>(plan: &'p Plan, e: &'p Expr) -> Option<Compiled<'p>> {
    match shape(plan, e)? {
        Type::Bool => flag(plan, e).map(Compiled::Flag),
        ty if ty.is_numeric() => num(plan, e).map(|n| Compiled::Num(n.boxed())),
        _ => None,
    }
}

/// A number an operator reads: the leaves are read in place, without a call.
enum Num<'p> {
    Const(Decimal),
    /// A parameter: its value in each period.
    PerPeriod(Vec<Decimal>),
    Column(usize),
    RowValue(usize),
    Node(NumFn<'p>),
}

impl<'p> Num<'p> {
    #[inline]
    fn get(&self, env: &RowEnv<'_, '_>) -> EvalResult<Decimal> {
        Ok(match self {
            Num::Const(x) => *x,
            Num::PerPeriod(xs) => xs[env.t],
            Num::Column(c) => env.columns[*c].num(),
            Num::RowValue(r) => env.row_values[*r].num(),
            Num::Node(f) => f(env)?,
        })
    }

    fn boxed(self) -> NumFn<'p> {
        match self {
            Num::Node(f) => f,
            leaf => Box::new(move |env| leaf.get(env)),
        }
    }
}

/// A text a comparison reads.
enum Text {
    Const(Box<str>),
    /// A parameter: its value in each period.
    PerPeriod(Vec<Box<str>>),
    Column(usize),
}

impl Text {
    #[inline]
    fn get<'s>(&'s self, env: &'s RowEnv<'_, '_>) -> &'s str {
        match self {
            Text::Const(s) => s,
            Text::PerPeriod(xs) => &xs[env.t],
            Text::Column(c) => match env.columns[*c] {
                Val::Text(s) => s,
                // INVARIANT: `text` takes only text columns.
                other => unreachable!("text column holds {other:?}"),
            },
        }
    }
}

/// The type of a row formula's value, as far as compiling needs it.
fn shape(plan: &Plan, e: &Expr) -> Option<Type> {
    Some(match &e.kind {
        ExprKind::Const(v) => match v {
            Value::Num(_) => Type::Number,
            Value::Bool(_) => Type::Bool,
            Value::Text(_) => Type::Text,
            Value::Date(_) => Type::Date,
        },
        ExprKind::Param(id) => plan.params[*id].ty,
        ExprKind::Column(c) => plan.events.columns[*c].ty.value_type(),
        ExprKind::RowValue(r) => plan.row_values[*r].ty,
        ExprKind::SplitShare => Type::Ratio,
        ExprKind::Neg(_)
        | ExprKind::Abs(_)
        | ExprKind::Arith(..)
        | ExprKind::Min(_)
        | ExprKind::Max(_)
        | ExprKind::Round { .. } => Type::Number,
        ExprKind::Not(_) | ExprKind::Compare(..) | ExprKind::And(..) | ExprKind::Or(..) => Type::Bool,
        ExprKind::If { then, .. } => shape(plan, then)?,
        _ => return None,
    })
}

/// A parameter's value in each period; `None` for one that changes within a
/// period (the row's date picks the value: left to the interpreter).
fn param_by_period(plan: &Plan, id: usize) -> Option<Vec<&Value>> {
    let values = &plan.params[id].values;
    match values {
        ParamValues::Dated(_) => None,
        _ => Some((0..plan.calendar.periods.len()).map(|t| values.at(t)).collect()),
    }
}

fn num<'p>(plan: &'p Plan, e: &'p Expr) -> Option<Num<'p>> {
    let span = e.span;
    Some(match &e.kind {
        ExprKind::Const(Value::Num(x)) => Num::Const(*x),
        ExprKind::Param(id) => Num::PerPeriod(param_by_period(plan, *id)?.into_iter().map(Value::num).collect()),
        ExprKind::Column(c) if is_required(plan, *c) => Num::Column(*c),
        ExprKind::RowValue(r) if plan.row_values[*r].ty.is_numeric() => Num::RowValue(*r),
        ExprKind::SplitShare => Num::Node(Box::new(|env| Ok(env.share))),
        ExprKind::Neg(x) => {
            let x = num(plan, x)?;
            Num::Node(Box::new(move |env| Ok(-x.get(env)?)))
        }
        ExprKind::Abs(x) => {
            let x = num(plan, x)?;
            Num::Node(Box::new(move |env| Ok(x.get(env)?.abs())))
        }
        ExprKind::Arith(op, a, b) => {
            let (op, a, b) = (*op, num(plan, a)?, num(plan, b)?);
            Num::Node(Box::new(move |env| {
                arith(op, a.get(env)?, b.get(env)?).map_err(|fault| Box::new(Failure { fault, span }))
            }))
        }
        ExprKind::If { cond, then, otherwise } => {
            let (cond, then, otherwise) = (flag(plan, cond)?, num(plan, then)?, num(plan, otherwise)?);
            Num::Node(Box::new(move |env| if cond(env)? { then.get(env) } else { otherwise.get(env) }))
        }
        ExprKind::Min(xs) => fold(plan, xs, Decimal::min)?,
        ExprKind::Max(xs) => fold(plan, xs, Decimal::max)?,
        ExprKind::Round { value, rounding } => {
            let (x, rounding): (Num<'p>, Rounding) = (num(plan, value)?, *rounding);
            Num::Node(Box::new(move |env| {
                round(rounding, x.get(env)?).map_err(|fault| Box::new(Failure { fault, span }))
            }))
        }
        _ => return None,
    })
}

fn fold<'p>(plan: &'p Plan, xs: &'p [Expr], f: fn(Decimal, Decimal) -> Decimal) -> Option<Num<'p>> {
    let xs: Vec<Num<'p>> = xs.iter().map(|x| num(plan, x)).collect::<Option<_>>()?;
    if xs.is_empty() {
        // The checker gives `min` and `max` an argument at least; the interpreter says why not.
        return None;
    }
    Some(Num::Node(Box::new(move |env| {
        let mut acc = xs[0].get(env)?;
        for x in &xs[1..] {
            acc = f(acc, x.get(env)?);
        }
        Ok(acc)
    })))
}

fn flag<'p>(plan: &'p Plan, e: &'p Expr) -> Option<FlagFn<'p>> {
    Some(match &e.kind {
        ExprKind::Const(Value::Bool(b)) => {
            let b = *b;
            Box::new(move |_| Ok(b))
        }
        ExprKind::Param(id) => {
            let values: Vec<bool> = param_by_period(plan, *id)?.into_iter().map(|v| v.as_val().bool()).collect();
            Box::new(move |env| Ok(values[env.t]))
        }
        ExprKind::Column(c) if is_required(plan, *c) => {
            let c = *c;
            Box::new(move |env| Ok(env.columns[c].bool()))
        }
        ExprKind::RowValue(r) if plan.row_values[*r].ty == Type::Bool => {
            let r = *r;
            Box::new(move |env| Ok(env.row_values[r].bool()))
        }
        ExprKind::Not(x) => {
            let x = flag(plan, x)?;
            Box::new(move |env| Ok(!x(env)?))
        }
        ExprKind::And(a, b) => {
            let (a, b) = (flag(plan, a)?, flag(plan, b)?);
            Box::new(move |env| Ok(a(env)? && b(env)?))
        }
        ExprKind::Or(a, b) => {
            let (a, b) = (flag(plan, a)?, flag(plan, b)?);
            Box::new(move |env| Ok(a(env)? || b(env)?))
        }
        ExprKind::If { cond, then, otherwise } => {
            let (cond, then, otherwise) = (flag(plan, cond)?, flag(plan, then)?, flag(plan, otherwise)?);
            Box::new(move |env| if cond(env)? { then(env) } else { otherwise(env) })
        }
        ExprKind::Compare(op, a, b) => compare(plan, *op, a, b)?,
        _ => return None,
    })
}

/// A comparison of two numbers or two texts (others are interpreted).
fn compare<'p>(plan: &'p Plan, op: CmpOp, a: &'p Expr, b: &'p Expr) -> Option<FlagFn<'p>> {
    match (shape(plan, a)?, shape(plan, b)?) {
        (Type::Text, Type::Text) => {
            let (a, b) = (text(plan, a)?, text(plan, b)?);
            Some(Box::new(move |env| Ok(holds(op, a.get(env), b.get(env)))))
        }
        (x, y) if x.is_numeric() && y.is_numeric() => {
            let (a, b) = (num(plan, a)?, num(plan, b)?);
            Some(Box::new(move |env| Ok(holds(op, &a.get(env)?, &b.get(env)?))))
        }
        _ => None,
    }
}

fn text<'p>(plan: &'p Plan, e: &'p Expr) -> Option<Text> {
    let owned = |v: &Value| -> Box<str> {
        match v {
            Value::Text(s) => Box::from(&**s),
            // INVARIANT: `shape` said text.
            other => unreachable!("text holds {other:?}"),
        }
    };
    Some(match &e.kind {
        ExprKind::Const(v) => Text::Const(owned(v)),
        ExprKind::Param(id) => Text::PerPeriod(param_by_period(plan, *id)?.into_iter().map(owned).collect()),
        ExprKind::Column(c) if is_required(plan, *c) => Text::Column(*c),
        _ => return None,
    })
}

/// Whether column `c` always holds a value of its type (an optional cell may be empty).
fn is_required(plan: &Plan, c: usize) -> bool {
    !plan.events.columns[c].optional
}
