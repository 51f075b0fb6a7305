//! Two plans over one data set (`comp diff`): the events table is read once and
//! every row feeds both plans.
//!
//! Each plan reads its own participants and lookup tables (they are small, and
//! the two plans may declare them differently). The events table is streamed
//! once when both plans declare it the same way, read it from the same file,
//! have the same periods and the same participants; otherwise it is read once
//! per plan and [`Reading::Twice`] says why.
//!
//! In the single pass, a row aggregate of the new plan that gathers the same
//! rows the same way as one of the old plan's (the same expressions over the
//! same parameter values, for the same participants) is computed once and
//! copied. When every aggregate is shared — the usual case for a change of
//! rates, bands or payout rules — the rows go to the old plan only
//! ([`Reading::Shared`]). Otherwise the new plan's remaining row work is
//! [fused](fuse) into the old plan's, so one program evaluates each row for
//! both and a participant's accumulators of both plans sit together in memory.
//! Where fusing is not possible (the plans read different participants or
//! lookup tables) or a row fails (each error must be reported against its own
//! plan), each worker thread holds one [`Worker`] of each plan ([`PairSink`]).
//!
//! After the pass, the old plan's definitions are computed, then the new
//! plan's, except those alike in both (`Same::definitions`: the same name,
//! members and formula, reading only what is itself alike), which take the
//! old plan's values: a what-if computes again what reads the change.

use super::{merge_workers, row_program, Accumulators, Evaluation, Options, Reuse, RowProgram, RunError, Worker};
use crate::check::{
    AccId, Accumulator, AcrossId, CellId, Expr, ExprKind, Having, Plan, RowValue, Section, SectionId, TableSchema,
    TierBand, TierTable,
};
use crate::data::{self, DataError, EventSink, Inputs, RowProblem, StaticData};
use crate::syntax::Span;
use crate::value::{Val, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// Which plan of the two an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Old,
    New,
    /// The same error for both (the data both read).
    Both,
}

/// How the events table was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// Once; the plans gather rows the same way, so rows were evaluated once.
    Shared,
    /// Once; every row fed both plans, but `shared` of the new plan's
    /// `aggregates` row aggregates are the old plan's and were computed once.
    Paired { shared: usize, aggregates: usize },
    /// Once per plan, for the reason given.
    Twice(String),
}

/// Both plans' results.
pub struct PairEvaluation<'p> {
    pub old: Evaluation<'p>,
    pub new: Evaluation<'p>,
    pub reading: Reading,
}

/// Why there is no result: each plan's errors, or the data's errors for both.
pub type PairErrors = Vec<(Which, RunError)>;

/// Reads the inputs and evaluates both plans, the events table once where possible.
pub fn run_pair<'p>(
    old: &'p Plan,
    old_inputs: &Inputs,
    new: &'p Plan,
    new_inputs: &Inputs,
    options: Options,
) -> Result<PairEvaluation<'p>, PairErrors> {
    // The two plans' work outside the row pass is independent: each pair
    // runs on two threads.
    let (old_statics, new_statics) = both(|| data::load_static(old, old_inputs), || data::load_static(new, new_inputs));
    let (old_statics, new_statics) = match (old_statics, new_statics) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => return Err(combine(o.err().map(RunError::Data), n.err().map(RunError::Data))),
    };
    if let Some(reason) = apart(old, old_inputs, &old_statics, new, new_inputs, &new_statics) {
        let o = super::run_with(old, old_statics, old_inputs, options);
        let n = super::run_with(new, new_statics, new_inputs, options);
        return match (o, n) {
            (Ok(old), Ok(new)) => Ok(PairEvaluation { old, new, reading: Reading::Twice(reason) }),
            (o, n) => Err(combine(o.err(), n.err())),
        };
    }
    let old_program = row_program(old, &old_statics, options).map_err(RunError::Eval);
    let new_program = row_program(new, &new_statics, options).map_err(RunError::Eval);
    let (old_program, new_program) = match (old_program, new_program) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => return Err(combine(o.err(), n.err())),
    };
    let pass = Pass {
        old,
        new,
        statics: &old_statics,
        new_statics: &new_statics,
        path: old_inputs.path(&old.events),
        options: Options { threads: options.threads.max(1), ..options },
    };
    // `None`: the plans read different participants or lookup tables, so the
    // new plan's rules must read its own; nothing is shared.
    let same = alike(old, &old_statics, new, &new_statics, old_inputs, new_inputs);
    let sharing = same.as_ref().map(|same| same.aggregates().to_vec());
    let shared = sharing.clone().unwrap_or_else(|| vec![None; new.accumulators.len()]);
    let all_shared =
        old.accumulators.len() == new.accumulators.len() && shared.iter().enumerate().all(|(j, from)| *from == Some(j));
    let (old_acc, new_acc) = if all_shared {
        let acc = Arc::new(pass.shared(&old_program)?);
        (Arc::clone(&acc), acc)
    } else {
        let fused = sharing.as_ref().and_then(|s| fuse(old, new, s));
        let (old_acc, new_acc) = match fused.map(|f| pass.fused(&f)).transpose()?.flatten() {
            Some(accs) => accs,
            // Separate workers: the plans' static tables differ, or a row
            // failed and each error must be reported against its own plan.
            None => pass.pair(&old_program, &shared)?,
        };
        (Arc::new(old_acc), Arc::new(new_acc))
    };
    let (old_members, new_members) = (old_program.into_members(), new_program.into_members());
    let threads = options.threads.max(1);
    let old_ev = Evaluation::compute(old, old_statics, old_members, old_acc, threads, None).map_err(RunError::Eval);
    // The new plan takes the values of definitions alike in both plans from
    // the old plan's run (when it succeeded: else each reports its own errors).
    let reuse = match (&old_ev, same) {
        (Ok(ev), Some(same)) => Some(Reuse { from: ev, definitions: same.definitions() }),
        _ => None,
    };
    let new_ev = Evaluation::compute(new, new_statics, new_members, new_acc, threads, reuse).map_err(RunError::Eval);
    let reading = if all_shared {
        Reading::Shared
    } else {
        Reading::Paired { shared: shared.iter().flatten().count(), aggregates: shared.len() }
    };
    match (old_ev, new_ev) {
        (Ok(old), Ok(new)) => Ok(PairEvaluation { old, new, reading }),
        (o, n) => Err(combine(o.err(), n.err())),
    }
}

/// `a()` and `b()`, `b` on a thread of its own.
fn both<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    std::thread::scope(|scope| {
        let b = scope.spawn(b);
        let a = a();
        (a, b.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// One pass over the events table, for both plans.
struct Pass<'a> {
    old: &'a Plan,
    new: &'a Plan,
    /// The old plan's participants: the same ids as the new plan's.
    statics: &'a StaticData,
    new_statics: &'a StaticData,
    path: &'a std::path::Path,
    /// At least one thread.
    options: Options,
}

impl Pass<'_> {
    /// Every aggregate is shared: the rows go to the old plan only.
    fn shared(&self, program: &RowProgram<'_>) -> Result<Accumulators, PairErrors> {
        let workers: Vec<Worker<'_>> = (0..self.options.threads).map(|_| Worker::new(program)).collect();
        let workers = data::stream_events(self.old, self.statics, self.path, workers).map_err(both_data)?;
        merge_workers(self.old, workers.into_iter().map(|w| (w.accumulators, w.errors)))
            .map_err(|e| vec![(Which::Both, e)])
    }

    /// One program for both plans' row work (see [`fuse`]); `None` when a row
    /// failed (the errors cannot be told apart by plan here).
    fn fused(&self, fused: &Fused) -> Result<Option<(Accumulators, Accumulators)>, PairErrors> {
        let Ok(program) = row_program(&fused.plan, self.statics, self.options) else { return Ok(None) };
        let n = self.statics.ids.len();
        let workers: Vec<Worker<'_>> = (0..self.options.threads).map(|_| Worker::new(&program)).collect();
        let workers = data::stream_events(&fused.plan, self.statics, self.path, workers).map_err(both_data)?;
        let Ok(all) = merge_workers(&fused.plan, workers.into_iter().map(|w| (w.accumulators, w.errors))) else {
            return Ok(None);
        };
        let mut old_acc = Accumulators::new(self.old, n);
        for i in 0..self.old.accumulators.len() {
            old_acc.copy_from(i, &all, i);
        }
        let mut new_acc = Accumulators::new(self.new, n);
        for (j, &from) in fused.new_index.iter().enumerate() {
            new_acc.copy_from(j, &all, from);
        }
        Ok(Some((old_acc, new_acc)))
    }

    /// One worker of each plan per thread; the new plan's skips what it shares.
    fn pair(
        &self,
        old_program: &RowProgram<'_>,
        shared: &[Option<usize>],
    ) -> Result<(Accumulators, Accumulators), PairErrors> {
        let new_rows = without_shared(self.new, shared);
        let new_program = row_program(&new_rows, self.new_statics, self.options)
            .map_err(|e| vec![(Which::New, RunError::Eval(e))])?;
        let columns: Vec<bool> =
            self.old.used_event_columns().iter().zip(self.new.used_event_columns()).map(|(a, b)| *a || b).collect();
        let sinks: Vec<PairSink<'_>> = (0..self.options.threads)
            .map(|_| PairSink {
                old: Worker::new(old_program),
                new: Worker::new(&new_program),
                columns: columns.clone(),
            })
            .collect();
        let sinks = data::stream_events(self.old, self.statics, self.path, sinks).map_err(both_data)?;
        let (olds, news): (Vec<_>, Vec<_>) =
            sinks.into_iter().map(|s| ((s.old.accumulators, s.old.errors), (s.new.accumulators, s.new.errors))).unzip();
        // A row error in a shared aggregate is reported once, for the old plan.
        let (old_acc, mut new_acc) =
            match (merge_workers(self.old, olds.into_iter()), merge_workers(self.new, news.into_iter())) {
                (Ok(o), Ok(n)) => (o, n),
                (o, n) => return Err(combine(o.err(), n.err())),
            };
        for (j, from) in shared.iter().enumerate() {
            if let Some(i) = from {
                new_acc.copy_from(j, &old_acc, *i);
            }
        }
        Ok((old_acc, new_acc))
    }
}

/// The old plan's row work followed by the new plan's, less what they share,
/// as one plan: one program evaluates both, and a row's accumulators of both
/// plans sit side by side in memory. Needs the same static tables (the new
/// plan's rules read the old plan's).
struct Fused {
    plan: Plan,
    /// Where each aggregate of the new plan is in the fused plan.
    new_index: Vec<usize>,
}

/// Fuses the plans (see [`Fused`]); `None` if a rule of the new plan cannot be
/// moved into the old one.
fn fuse(old: &Plan, new: &Plan, shared: &[Option<usize>]) -> Option<Fused> {
    let (params, rows, sections) = (old.params.len(), old.row_values.len(), old.sections.len());
    let shift = |e: &Expr| shifted(e, params, rows);
    let shift_opt = |e: &Option<Expr>| -> Option<Option<Expr>> {
        match e {
            None => Some(None),
            Some(x) => Some(Some(shift(x)?)),
        }
    };
    let mut plan = old.clone();
    plan.params.extend(new.params.iter().cloned());
    for s in &new.sections {
        plan.sections.push(Section { name: s.name.clone(), condition: shift(&s.condition)?, span: s.span });
    }
    let never = plan.sections.len();
    plan.sections.push(never_section());
    let needed = needed_row_values(new, shared);
    for (rv, needed) in new.row_values.iter().zip(needed) {
        let section = if needed { rv.section.map(|s| s + sections) } else { Some(never) };
        plan.row_values.push(RowValue { expr: shift(&rv.expr)?, section, ..rv.clone() });
    }
    let mut new_index = Vec::with_capacity(new.accumulators.len());
    for (acc, from) in new.accumulators.iter().zip(shared) {
        if let Some(i) = from {
            new_index.push(*i);
            continue;
        }
        let having = match &acc.having {
            None => None,
            Some(h) => Some(Having {
                aggs: h.aggs.iter().map(|(f, a)| Some((*f, shift_opt(a)?))).collect::<Option<_>>()?,
                cond: shift(&h.cond)?,
            }),
        };
        new_index.push(plan.accumulators.len());
        plan.accumulators.push(Accumulator {
            arg: shift_opt(&acc.arg)?,
            filter: shift_opt(&acc.filter)?,
            having,
            section: acc.section.map(|s| s + sections),
            ..acc.clone()
        });
    }
    Some(Fused { plan, new_index })
}

/// A row-level expression of the new plan as part of the fused plan: its
/// parameters and row values come after the old plan's. `None` for anything
/// that is not row-level.
fn shifted(e: &Expr, params: usize, rows: usize) -> Option<Expr> {
    use ExprKind as K;
    let s = |x: &Expr| shifted(x, params, rows).map(Box::new);
    let all = |xs: &[Expr]| xs.iter().map(|x| shifted(x, params, rows)).collect::<Option<Vec<_>>>();
    let kind = match &e.kind {
        K::Param(id) => K::Param(id + params),
        K::RowValue(id) => K::RowValue(id + rows),
        K::Const(_)
        | K::Column(_)
        | K::SplitShare
        | K::Attribute(_)
        | K::Lookup { .. }
        | K::GroupAggregate(_)
        | K::PeriodPart(_) => e.kind.clone(),
        K::Neg(x) => K::Neg(s(x)?),
        K::Not(x) => K::Not(s(x)?),
        K::Abs(x) => K::Abs(s(x)?),
        K::DaysActive(a, b) => K::DaysActive(s(a)?, s(b)?),
        K::DaysBetween(a, b) => K::DaysBetween(s(a)?, s(b)?),
        K::Arith(o, a, b) => K::Arith(*o, s(a)?, s(b)?),
        K::Compare(o, a, b) => K::Compare(*o, s(a)?, s(b)?),
        K::And(a, b) => K::And(s(a)?, s(b)?),
        K::Or(a, b) => K::Or(s(a)?, s(b)?),
        K::If { cond, then, otherwise } => K::If { cond: s(cond)?, then: s(then)?, otherwise: s(otherwise)? },
        K::Min(xs) => K::Min(all(xs)?),
        K::Max(xs) => K::Max(all(xs)?),
        K::Round { value, rounding } => K::Round { value: s(value)?, rounding: *rounding },
        K::Tiers(t) => {
            let one = |x: &Expr| shifted(x, params, rows);
            let bands = t
                .bands
                .iter()
                .map(|b| {
                    let to = match &b.to {
                        Some(x) => Some(one(x)?),
                        None => None,
                    };
                    Some(TierBand { from: one(&b.from)?, to, pays: one(&b.pays)?, span: b.span })
                })
                .collect::<Option<Vec<_>>>()?;
            let of = match &t.of {
                Some(x) => Some(one(x)?),
                None => None,
            };
            K::Tiers(Box::new(TierTable { mode: t.mode, base: one(&t.base)?, of, bands, fixed: t.fixed }))
        }
        K::Cell(_) | K::Prev { .. } | K::Aggregate { .. } | K::SumAt { .. } | K::Across(_) => return None,
    };
    Some(Expr { kind, span: e.span })
}

/// A section no participant is in: rules moved there are skipped.
fn never_section() -> Section {
    let nothing = Expr { kind: ExprKind::Const(Value::Bool(false)), span: Span::default() };
    Section { name: "(computed with the old plan)".into(), condition: nothing, span: Span::default() }
}

/// The row values the new plan's unshared aggregates read, directly or not.
fn needed_row_values(new: &Plan, shared: &[Option<usize>]) -> Vec<bool> {
    let mut needed = vec![false; new.row_values.len()];
    let mark = |e: &Expr, needed: &mut Vec<bool>| {
        e.walk(&mut |e| {
            if let ExprKind::RowValue(r) = e.kind {
                needed[r] = true;
            }
        })
    };
    for (acc, from) in new.accumulators.iter().zip(shared) {
        if from.is_none() {
            acc.arg.iter().chain(&acc.filter).for_each(|e| mark(e, &mut needed));
            if let Some(h) = &acc.having {
                h.aggs.iter().filter_map(|(_, a)| a.as_ref()).for_each(|e| mark(e, &mut needed));
            }
        }
    }
    // A row value reads only earlier ones.
    for r in (0..new.row_values.len()).rev() {
        if needed[r] {
            mark(&new.row_values[r].expr, &mut needed);
        }
    }
    needed
}

/// One worker of each plan: every row goes to both.
struct PairSink<'a> {
    old: Worker<'a>,
    new: Worker<'a>,
    /// The columns either plan reads.
    columns: Vec<bool>,
}

impl EventSink for PairSink<'_> {
    fn push(&mut self, line: usize, p: usize, t: usize, row: &[Val<'_>]) -> Result<(), RowProblem> {
        self.old.push(line, p, t, row)?;
        self.new.push(line, p, t, row)
    }

    fn columns(&self) -> Option<Vec<bool>> {
        Some(self.columns.clone())
    }
}

fn both_data(errors: Vec<DataError>) -> PairErrors {
    vec![(Which::Both, RunError::Data(errors))]
}

/// Each side's error; the data's errors once when both sides found the same.
fn combine(old: Option<RunError>, new: Option<RunError>) -> PairErrors {
    match (old, new) {
        (Some(RunError::Data(o)), Some(RunError::Data(n))) if same_data_errors(&o, &n) => {
            vec![(Which::Both, RunError::Data(o))]
        }
        (o, n) => o.map(|e| (Which::Old, e)).into_iter().chain(n.map(|e| (Which::New, e))).collect(),
    }
}

fn same_data_errors(a: &[DataError], b: &[DataError]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| x.location() == y.location() && x.message == y.message && x.help == y.help)
}

/// Why the events table cannot be read once for both plans, if it cannot.
fn apart(
    old: &Plan,
    old_inputs: &Inputs,
    old_statics: &StaticData,
    new: &Plan,
    new_inputs: &Inputs,
    new_statics: &StaticData,
) -> Option<String> {
    if !same_schema(&old.events, &new.events) {
        return Some(format!(
            "the plans declare the events table differently (`{}` and `{}`)",
            old.events.name, new.events.name
        ));
    }
    if old_inputs.path(&old.events) != new_inputs.path(&new.events) {
        return Some("the plans read the events from different files".into());
    }
    if old.calendar.grain != new.calendar.grain || old.calendar.periods != new.calendar.periods {
        return Some("the plans have different periods".into());
    }
    if old_statics.ids != new_statics.ids {
        return Some("the plans have different participants".into());
    }
    if old.splits.is_some() || new.splits.is_some() {
        // A split row feeds several participants, each with its share: each
        // plan's workers fan it out by its own splits table.
        return Some("the plans split rows between participants".into());
    }
    None
}

/// The same table: name, kind, columns (in order, with their types and
/// currency columns), key and date, and for participants the hierarchy and
/// the effective dates (they make the groups aggregates range over).
pub fn same_schema(a: &TableSchema, b: &TableSchema) -> bool {
    a.name == b.name
        && a.kind == b.kind
        && a.key == b.key
        && a.date == b.date
        && a.reports_to == b.reports_to
        && a.from == b.from
        && a.columns.len() == b.columns.len()
        && a.columns
            .iter()
            .zip(&b.columns)
            .all(|(x, y)| x.name == y.name && x.ty == y.ty && x.optional == y.optional && x.currency == y.currency)
}

/// For each row aggregate of the new plan, an aggregate of the old plan that
/// gathers the same rows the same way, if any: the same expressions over the
/// same parameter values, applied to the same participants. `None` whenever
/// unsure: then the new plan computes it itself. `None` for all when the plans
/// read different participants or lookup tables (or the same from other files).
/// The comparison of two plans' rules over the same tables; `None` when the
/// plans read different tables (or convert into different currencies), so
/// that nothing they compute can be taken as the same.
fn alike<'a>(
    old: &'a Plan,
    old_statics: &StaticData,
    new: &'a Plan,
    new_statics: &StaticData,
    old_inputs: &Inputs,
    new_inputs: &Inputs,
) -> Option<Same<'a>> {
    // Amounts are converted into each plan's currency as rows are read.
    let tables_same = old.currency == new.currency
        && old.lookups.len() == new.lookups.len()
        && old
            .tables()
            .zip(new.tables())
            .all(|((_, a), (_, b))| same_schema(a, b) && old_inputs.path(a) == new_inputs.path(b));
    if !tables_same {
        return None;
    }
    let (Ok(old_members), Ok(new_members)) =
        (super::cells::section_members(old, old_statics), super::cells::section_members(new, new_statics))
    else {
        return None;
    };
    let mut same = Same {
        old,
        new,
        old_members,
        new_members,
        participants: old_statics.ids.len(),
        rows: RefCell::default(),
        accumulators: Vec::new(),
        definitions: RefCell::default(),
    };
    same.accumulators = same.shared_aggregates();
    Some(same)
}

/// The new plan for its own row work: aggregates it shares with the old plan,
/// and row values only they read, moved to a section no participant is in.
fn without_shared(new: &Plan, shared: &[Option<usize>]) -> Plan {
    let mut plan = new.clone();
    let never = plan.sections.len();
    plan.sections.push(never_section());
    let needed = needed_row_values(new, shared);
    for (acc, from) in plan.accumulators.iter_mut().zip(shared) {
        if from.is_some() {
            acc.section = Some(never);
        }
    }
    for (rv, needed) in plan.row_values.iter_mut().zip(needed) {
        if !needed {
            rv.section = Some(never);
        }
    }
    plan
}

/// Structural equality of row-level expressions of two plans: parameters by
/// their values, constants by value and scale, row values by their
/// definitions, sections by their members. Spans are ignored.
struct Same<'a> {
    old: &'a Plan,
    new: &'a Plan,
    old_members: Vec<Vec<bool>>,
    new_members: Vec<Vec<bool>>,
    participants: usize,
    /// Row values already compared, by (old id, new id).
    rows: RefCell<HashMap<(usize, usize), bool>>,
    /// For each aggregate of the new plan, the old plan's it shares.
    accumulators: Vec<Option<AccId>>,
    /// For each definition of the new plan, the old plan's taken as alike so far.
    definitions: RefCell<Vec<Option<CellId>>>,
}

/// An aggregate's `having` condition, if it has one.
fn having_cond(acc: &Accumulator) -> Option<&Expr> {
    acc.having.as_ref().map(|h| &h.cond)
}

impl<'a> Same<'a> {
    /// For each aggregate of the new plan, the old plan's that gathers the
    /// same rows the same way.
    fn aggregates(&self) -> &[Option<AccId>] {
        &self.accumulators
    }

    fn shared_aggregates(&self) -> Vec<Option<AccId>> {
        self.new
            .accumulators
            .iter()
            .map(|b| {
                let olds = &self.old.accumulators;
                let alike: Vec<AccId> = (0..olds.len()).filter(|&a| self.accumulator(&olds[a], b)).collect();
                // Of several, the one with the same `having` condition, so
                // that what reads it can take the old plan's values too.
                let same_cond = alike.iter().find(|&&a| self.opt(having_cond(&olds[a]), having_cond(b)));
                same_cond.or(alike.first()).copied()
            })
            .collect()
    }

    /// For each definition of the new plan, the old plan's whose values it
    /// has (`None`: it is computed anew): the same name, type and members,
    /// and a formula alike, reading definitions that are alike and the
    /// aggregates shared with the old plan. A what-if that changes one rate
    /// computes again only what reads the rate.
    ///
    /// The greatest such matching: every same-named pair is assumed alike,
    /// then pairs whose formulas differ are dropped until none is. (`prev`
    /// makes definitions read themselves, so a pair cannot wait for what it
    /// reads to be decided first.)
    fn definitions(mut self) -> Vec<Option<CellId>> {
        let (old, new) = (self.old, self.new);
        let by_name: HashMap<&str, CellId> = old.cells.iter().enumerate().map(|(i, c)| (c.name.as_str(), i)).collect();
        *self.definitions.get_mut() = new
            .cells
            .iter()
            .map(|b| {
                let a = *by_name.get(b.name.as_str())?;
                (old.cells[a].ty == b.ty && self.section(old.cells[a].section, b.section)).then_some(a)
            })
            .collect();
        let mut dropped = true;
        while dropped {
            dropped = false;
            for (j, b) in new.cells.iter().enumerate() {
                let Some(i) = self.definitions.borrow()[j] else { continue };
                if !self.expr(&old.cells[i].expr, &b.expr) {
                    self.definitions.borrow_mut()[j] = None;
                    dropped = true;
                }
            }
        }
        self.definitions.into_inner()
    }

    fn definition(&self, a: CellId, b: CellId) -> bool {
        self.definitions.borrow().get(b) == Some(&Some(a))
    }

    /// Aggregates read by definitions: the same rows, and the same `having`
    /// condition (applied with each plan's parameters when the value is read).
    fn aggregate(&self, a: AccId, b: AccId) -> bool {
        self.accumulators.get(b) == Some(&Some(a))
            && self.opt(having_cond(&self.old.accumulators[a]), having_cond(&self.new.accumulators[b]))
    }

    fn across(&self, a: AcrossId, b: AcrossId) -> bool {
        let (x, y) = (&self.old.across[a], &self.new.across[b]);
        x.func == y.func
            && x.scope == y.scope
            && x.ty == y.ty
            && self.section(x.domain, y.domain)
            && self.expr(&x.arg, &y.arg)
            && self.opt(x.weight.as_ref(), y.weight.as_ref())
    }

    fn accumulator(&self, a: &Accumulator, b: &Accumulator) -> bool {
        a.func == b.func
            // Sums by original period are keyed by the same date column.
            && a.at.map(|x| x.column) == b.at.map(|x| x.column)
            && self.section(a.section, b.section)
            && self.opt(a.arg.as_ref(), b.arg.as_ref())
            && self.opt(a.filter.as_ref(), b.filter.as_ref())
            // The `having` condition is applied when the value is read, with
            // each plan's own parameters; only its per-key aggregates accumulate.
            && match (&a.having, &b.having) {
                (None, None) => true,
                (Some(x), Some(y)) => {
                    x.aggs.len() == y.aggs.len()
                        && x.aggs.iter().zip(&y.aggs).all(|((f, e), (g, d))| f == g && self.opt(e.as_ref(), d.as_ref()))
                }
                _ => false,
            }
    }

    fn section(&self, a: Option<SectionId>, b: Option<SectionId>) -> bool {
        let applies = |members: &[Vec<bool>], s: Option<SectionId>, p: usize| s.is_none_or(|s| members[s][p]);
        (0..self.participants).all(|p| applies(&self.old_members, a, p) == applies(&self.new_members, b, p))
    }

    fn row_value(&self, a: usize, b: usize) -> bool {
        if let Some(&known) = self.rows.borrow().get(&(a, b)) {
            return known;
        }
        let (x, y) = (&self.old.row_values[a], &self.new.row_values[b]);
        let same = self.section(x.section, y.section) && self.expr(&x.expr, &y.expr);
        self.rows.borrow_mut().insert((a, b), same);
        same
    }

    fn value(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Num(x), Value::Num(y)) => x == y && x.scale() == y.scale(),
            _ => a == b,
        }
    }

    fn param(&self, a: usize, b: usize) -> bool {
        use crate::check::ParamValues;
        let (a, b) = (&self.old.params[a], &self.new.params[b]);
        if a.ty != b.ty {
            return false;
        }
        match (&a.values, &b.values) {
            // A row reads a dated parameter on its own date, not at its period's start.
            (ParamValues::Dated(x), ParamValues::Dated(y)) => {
                Self::value(&x.first, &y.first)
                    && x.changes.len() == y.changes.len()
                    && x.changes.iter().zip(&y.changes).all(|((d, u), (e, v))| d == e && Self::value(u, v))
            }
            (ParamValues::Dated(_), _) | (_, ParamValues::Dated(_)) => false,
            _ => (0..self.old.calendar.periods.len()).all(|t| Self::value(a.values.at(t), b.values.at(t))),
        }
    }

    fn opt(&self, a: Option<&Expr>, b: Option<&Expr>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => self.expr(a, b),
            _ => false,
        }
    }

    fn all(&self, a: &[Expr], b: &[Expr]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| self.expr(a, b))
    }

    fn expr(&self, a: &Expr, b: &Expr) -> bool {
        use ExprKind as K;
        match (&a.kind, &b.kind) {
            (K::Const(x), K::Const(y)) => Self::value(x, y),
            (K::Param(x), K::Param(y)) => self.param(*x, *y),
            (K::RowValue(x), K::RowValue(y)) => self.row_value(*x, *y),
            (K::Column(x), K::Column(y))
            | (K::Attribute(x), K::Attribute(y))
            | (K::GroupAggregate(x), K::GroupAggregate(y)) => x == y,
            (K::Lookup { table: t, column: c }, K::Lookup { table: u, column: d }) => t == u && c == d,
            (K::PeriodPart(x), K::PeriodPart(y)) => x == y,
            (K::Neg(x), K::Neg(y)) | (K::Not(x), K::Not(y)) | (K::Abs(x), K::Abs(y)) => self.expr(x, y),
            (K::Arith(o, x1, x2), K::Arith(p, y1, y2)) => o == p && self.expr(x1, y1) && self.expr(x2, y2),
            (K::Compare(o, x1, x2), K::Compare(p, y1, y2)) => o == p && self.expr(x1, y1) && self.expr(x2, y2),
            (K::And(x1, x2), K::And(y1, y2)) | (K::Or(x1, x2), K::Or(y1, y2)) => self.expr(x1, y1) && self.expr(x2, y2),
            (K::If { cond: c, then: t, otherwise: o }, K::If { cond: d, then: u, otherwise: p }) => {
                self.expr(c, d) && self.expr(t, u) && self.expr(o, p)
            }
            (K::Min(xs), K::Min(ys)) | (K::Max(xs), K::Max(ys)) => self.all(xs, ys),
            // The unit's scale too: it is the result's.
            (K::Round { value: x, rounding: r }, K::Round { value: y, rounding: s }) => {
                r == s && r.unit.scale() == s.unit.scale() && self.expr(x, y)
            }
            (K::Tiers(x), K::Tiers(y)) => {
                x.mode == y.mode
                    && x.fixed == y.fixed
                    && self.expr(&x.base, &y.base)
                    && self.opt(x.of.as_ref(), y.of.as_ref())
                    && x.bands.len() == y.bands.len()
                    && x.bands.iter().zip(&y.bands).all(|(b, c)| {
                        self.expr(&b.from, &c.from)
                            && self.opt(b.to.as_ref(), c.to.as_ref())
                            && self.expr(&b.pays, &c.pays)
                    })
            }
            (K::DaysActive(x1, x2), K::DaysActive(y1, y2)) | (K::DaysBetween(x1, x2), K::DaysBetween(y1, y2)) => {
                self.expr(x1, y1) && self.expr(x2, y2)
            }
            // Per participant and period (in definitions only).
            (K::Cell(x), K::Cell(y)) => self.definition(*x, *y),
            (K::Prev { cell: x, default: d }, K::Prev { cell: y, default: e }) => {
                self.definition(*x, *y) && self.expr(d, e)
            }
            (K::Aggregate { acc: x, scope: s }, K::Aggregate { acc: y, scope: t }) => s == t && self.aggregate(*x, *y),
            (K::SumAt { acc: x, cell: c, ty: u }, K::SumAt { acc: y, cell: d, ty: v }) => {
                u == v && self.aggregate(*x, *y) && self.definition(*c, *d)
            }
            (K::Across(x), K::Across(y)) => self.across(*x, *y),
            // Anything else differs. Unequal only means the new plan
            // computes it itself.
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> Plan {
        crate::check::check(&crate::syntax::parse(text).expect("parses"), &[]).expect("checks")
    }

    const PLAN: &str = r#"
plan "p" {
    currency CNY
    period quarter
    year 2024
}
participants roster by participant { participant: text  role: text }
events sales by rep on date { date: date  rep: text  amount: money  kind: text }
param uplift = 120%
param rate = 5%
section reps where role == "rep" {
    value credit = if kind == "x" then amount × uplift else amount
    value C = sum(credit)
    value N = count(distinct kind)
    payout commission = C × rate + N × 1 CNY
}
"#;

    /// `f` of the comparison of plans `a` and `b` over the same small tables.
    fn compared<R>(a: &str, b: &str, f: impl FnOnce(Same<'_>) -> R) -> R {
        let (old, new) = (plan(a), plan(b));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("roster.csv"), "participant,role\nA,rep\nB,manager\n").unwrap();
        std::fs::write(dir.path().join("sales.csv"), "date,rep,amount,kind\n").unwrap();
        let oi = Inputs::new(&old, Some(dir.path()), &[]).unwrap();
        let ni = Inputs::new(&new, Some(dir.path()), &[]).unwrap();
        let os = data::load_static(&old, &oi).unwrap();
        let ns = data::load_static(&new, &ni).unwrap();
        f(alike(&old, &os, &new, &ns, &oi, &ni).expect("same tables"))
    }

    /// For each aggregate of `b`, the one of `a` it shares.
    fn shared(a: &str, b: &str) -> Vec<Option<usize>> {
        compared(a, b, |same| same.aggregates().to_vec())
    }

    /// For each definition of `b`, the one of `a` whose values it takes.
    fn reused(a: &str, b: &str) -> Vec<Option<usize>> {
        compared(a, b, |same| same.definitions())
    }

    #[test]
    fn definitions_are_reused_when_they_read_nothing_changed() {
        // Adds the highest C of all, and a running total of it.
        let plan = PLAN.replace(
            "payout commission = C × rate + N × 1 CNY",
            "payout commission = C × rate + N × 1 CNY\n    value top = max(C) over all\n    value best = prev(best, 0 CNY) + top",
        );
        let names: Vec<String> = self::plan(&plan).cells.iter().map(|c| c.name.clone()).collect();
        assert_eq!(names, ["credit", "C", "N", "commission", "top", "best"]);
        let all = vec![Some(0), Some(1), Some(2), Some(3), Some(4), Some(5)];
        assert_eq!(reused(&plan, &plan), all);
        // A rate read per participant: what reads it, only.
        assert_eq!(
            reused(&plan, &plan.replace("rate = 5%", "rate = 6%")),
            vec![Some(0), Some(1), Some(2), None, Some(4), Some(5)]
        );
        // A row value's parameter: the aggregate, and everything reading it
        // (across participants, and through `prev`).
        assert_eq!(
            reused(&plan, &plan.replace("uplift = 120%", "uplift = 130%")),
            vec![None, None, Some(2), None, None, None]
        );
        // A `having` condition is applied to the shared aggregate when read.
        let having = plan.replace("count(distinct kind)", "count(distinct kind having sum(amount) >= 10 CNY)");
        let changed = having.replace("10 CNY", "20 CNY");
        assert_eq!(reused(&having, &changed), vec![Some(0), Some(1), None, None, Some(4), Some(5)]);
        // A definition moved: matched by name.
        let moved = plan
            .replace("    value N = count(distinct kind)\n", "")
            .replace("    payout commission", "    value N = count(distinct kind)\n    payout commission");
        assert_eq!(reused(&plan, &moved), all);
        // Renamed: computed anew, and so is what reads it.
        let renamed = plan.replace("value top = max(C)", "value peak = max(C)").replace("+ top", "+ peak");
        assert_eq!(reused(&plan, &renamed), vec![Some(0), Some(1), Some(2), Some(3), None, None]);
    }

    #[test]
    fn aggregates_are_shared_only_when_they_gather_rows_alike() {
        let all = vec![Some(0), Some(1)];
        assert_eq!(shared(PLAN, PLAN), all);
        // A rate read only per participant and period.
        assert_eq!(shared(PLAN, &PLAN.replace("rate = 5%", "rate = 6%")), all);
        // Layout is not meaning.
        assert_eq!(shared(PLAN, &PLAN.replace("value C = sum(credit)", "value C =\n    sum( credit )")), all);
        // A parameter a row value reads: only the aggregate over that row value.
        assert_eq!(shared(PLAN, &PLAN.replace("uplift = 120%", "uplift = 130%")), vec![None, Some(1)]);
        // The same number written with another scale is not assumed equal.
        assert_eq!(shared(PLAN, &PLAN.replace("uplift = 120%", "uplift = 120.0%")), vec![None, Some(1)]);
        // A different row value.
        assert_eq!(shared(PLAN, &PLAN.replace("\"x\"", "\"y\"")), vec![None, Some(1)]);
        // A filter on the aggregate.
        assert_eq!(shared(PLAN, &PLAN.replace("sum(credit)", "sum(credit where amount > 0)")), vec![None, Some(1)]);
        // Found wherever they are: a new aggregate first shifts the others.
        let first = PLAN.replace("value C = sum(credit)", "value Z = max(amount)\n    value C = sum(credit)");
        let first = first.replace("C × rate", "(C + Z) × rate");
        assert_eq!(shared(PLAN, &first), vec![None, Some(0), Some(1)]);
        // The section's members change: nothing is shared.
        assert_eq!(shared(PLAN, &PLAN.replace("role == \"rep\"", "role != \"rep\"")), vec![None, None]);
    }

    #[test]
    fn skipped_work_moves_to_a_section_without_members() {
        let p = plan(PLAN);
        let rows = without_shared(&p, &[Some(0), None]);
        let never = p.sections.len();
        assert_eq!(rows.sections.len(), never + 1);
        assert_eq!(rows.accumulators[0].section, Some(never));
        assert_eq!(rows.accumulators[1].section, p.accumulators[1].section);
        // `credit` is read only by the shared sum.
        assert_eq!(rows.row_values[0].section, Some(never));
        let rows = without_shared(&p, &[None, Some(1)]);
        assert_eq!(rows.row_values[0].section, p.row_values[0].section);
    }
}
