//! The per-row step: compute a row's values and feed its participant's
//! accumulators for the row's period.

use super::accumulate::Accumulators;
use super::compiled::{self, Compiled};
use super::errors::EvalError;
use super::expr::{eval, Env, Fault};
use crate::check::{PeriodPart, Plan, SectionId};
use crate::data::StaticData;
use crate::value::{recycle, Val};
use rust_decimal::Decimal;

/// The plan's row-level work, with section membership decided up front.
pub struct RowProgram<'p> {
    plan: &'p Plan,
    statics: &'p StaticData,
    /// `members[section][participant]`.
    members: Vec<Vec<bool>>,
    /// How each accumulator takes a row, by accumulator.
    steps: Vec<Step>,
    /// Each row value's formula compiled, by row value; `None` where the
    /// interpreter computes it.
    compiled: Vec<Option<Compiled<'p>>>,
}

/// How one accumulator takes a row. Most are a plain `sum` of a column or a
/// row value; those skip the general path (filter, argument expression,
/// state dispatch) for one addition.
#[derive(Debug, Clone, Copy)]
enum Step {
    SumColumn(usize),
    SumRowValue(usize),
    General,
}

impl Step {
    fn of(acc: &crate::check::Accumulator) -> Step {
        use crate::check::{AggFunc, ExprKind};
        if acc.func != AggFunc::Sum || acc.filter.is_some() || acc.having.is_some() {
            return Step::General;
        }
        match acc.arg.as_ref().map(|a| &a.kind) {
            Some(ExprKind::Column(column)) => Step::SumColumn(*column),
            Some(ExprKind::RowValue(value)) => Step::SumRowValue(*value),
            _ => Step::General,
        }
    }
}

impl<'p> RowProgram<'p> {
    pub fn new(plan: &'p Plan, statics: &'p StaticData) -> Result<Self, Vec<EvalError>> {
        let members = super::cells::section_members(plan, statics)?;
        let steps = plan.accumulators.iter().map(Step::of).collect();
        let compiled = plan.row_values.iter().map(|rv| compiled::compile(plan, &rv.expr)).collect();
        Ok(RowProgram { plan, statics, members, steps, compiled })
    }

    /// How many row values are computed by compiled formulas.
    pub fn compiled_count(&self) -> usize {
        self.compiled.iter().flatten().count()
    }

    /// This program with every row formula left to the interpreter: the other
    /// of the two paths that must agree (see `eval::compiled`).
    pub fn interpreted(mut self) -> Self {
        self.compiled.iter_mut().for_each(|c| *c = None);
        self
    }

    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    pub fn statics(&self) -> &'p StaticData {
        self.statics
    }

    pub fn into_members(self) -> Vec<Vec<bool>> {
        self.members
    }

    fn applies(&self, section: Option<SectionId>, participant: usize) -> bool {
        section.is_none_or(|s| self.members[s][participant])
    }

    /// Feeds one event row (participant `p`, period `t`) into `accs`.
    ///
    /// `scratch` is the caller's buffer for the row's values, reused across rows.
    pub fn push(
        &self,
        accs: &mut Accumulators,
        scratch: &mut Vec<Val<'static>>,
        p: usize,
        t: usize,
        columns: &[Val<'_>],
    ) -> Result<(), Box<EvalError>> {
        self.push_share(accs, scratch, p, t, columns, Decimal::ONE)
    }

    /// The participants a row of participant `p` is credited to, each with
    /// its share: `p` in full, unless the splits table divides the row.
    pub fn credits<'r>(&'r self, p: usize, columns: &[Val<'_>]) -> super::Credits<'r> {
        super::Credits::of(self.plan, self.statics, p, columns)
    }

    /// [`push`](Self::push) for participant `p`'s `share` of a split row.
    pub fn push_share(
        &self,
        accs: &mut Accumulators,
        scratch: &mut Vec<Val<'static>>,
        p: usize,
        t: usize,
        columns: &[Val<'_>],
        share: Decimal,
    ) -> Result<(), Box<EvalError>> {
        let stamp = |name: &str, f: Box<super::expr::Failure>| {
            Box::new(EvalError::new(*f, name, &self.statics.ids[p], &self.plan.calendar.periods[t].label))
        };
        let mut row_values: Vec<Val<'_>> = recycle(std::mem::take(scratch));
        for (rv, compiled) in self.plan.row_values.iter().zip(&self.compiled) {
            let v = if self.applies(rv.section, p) {
                let env =
                    RowEnv { plan: self.plan, statics: self.statics, p, t, columns, row_values: &row_values, share };
                match compiled {
                    Some(c) => c.eval(&env),
                    None => eval(&rv.expr, &env),
                }
                .map_err(|f| stamp(&rv.name, f))?
            } else {
                Val::Num(Decimal::ZERO)
            };
            row_values.push(v);
        }
        let env = RowEnv { plan: self.plan, statics: self.statics, p, t, columns, row_values: &row_values, share };
        let states = accs.cell_mut(p, t);
        for (id, (step, acc)) in self.steps.iter().zip(&self.plan.accumulators).enumerate() {
            if !self.applies(acc.section, p) {
                continue;
            }
            let fail = |fault| stamp("an aggregate", Box::new(super::expr::Failure { fault, span: acc.span }));
            match *step {
                Step::SumColumn(column) => states[id].add_to_sum(columns[column].num()).map_err(fail)?,
                Step::SumRowValue(value) => states[id].add_to_sum(row_values[value].num()).map_err(fail)?,
                Step::General => states[id].take_row(acc, t, &env).map_err(|f| stamp("an aggregate", f))?,
            }
        }
        *scratch = recycle(row_values);
        Ok(())
    }
}

/// Answers the leaves of row formulas for one row credited to participant `p`
/// in period `t`: the run's row step, and explain's when it reads rows again.
pub(crate) struct RowEnv<'a, 'v> {
    pub plan: &'a Plan,
    pub statics: &'a StaticData,
    pub p: usize,
    pub t: usize,
    pub columns: &'a [Val<'a>],
    /// The row values computed so far (each reads only earlier ones).
    pub row_values: &'v [Val<'a>],
    /// The share of the row credited to `p`.
    pub share: Decimal,
}

impl RowEnv<'_, '_> {
    fn date(&self) -> chrono::NaiveDate {
        // INVARIANT: the checker requires a date column on the events table.
        match self.columns[self.plan.events.date.expect("events have a date")] {
            Val::Date(d) => d,
            other => unreachable!("date column holds {other:?}"),
        }
    }
}

impl<'a> Env<'a> for RowEnv<'a, '_> {
    fn param(&self, id: usize) -> Val<'a> {
        // A dated parameter takes the value in effect on the row's date.
        match &self.plan.params[id].values {
            crate::check::ParamValues::Dated(d) => d.on(self.date()).as_val(),
            values => values.at(self.t).as_val(),
        }
    }
    fn period(&self) -> usize {
        self.t
    }
    fn period_part(&self, part: PeriodPart) -> Decimal {
        super::cells::period_part(self.plan, self.t, part)
    }
    fn column(&self, col: usize) -> Val<'a> {
        self.columns[col]
    }
    fn row_value(&self, id: usize) -> Val<'a> {
        self.row_values[id]
    }
    fn split_share(&self) -> Decimal {
        self.share
    }
    fn period_of(&self, date: chrono::NaiveDate) -> Option<usize> {
        self.plan.calendar.period_of(date)
    }
    fn attribute(&self, col: usize) -> Val<'a> {
        // With effective-dated attributes, the row's date picks them.
        self.statics.attributes_on(self.p, self.date())[col].as_val()
    }
    fn lookup(&self, table: usize, col: usize) -> Result<Val<'a>, Fault> {
        super::cells::lookup(self.plan, self.statics, self.p, table, col)
    }
}
