//! Per-participant, per-period values: the stages of definitions, aggregates
//! across participants (team totals, ranks, shares) and across periods.

use super::accumulate::Accumulators;
use super::errors::EvalError;
use super::expr::{arith, eval, Env, EvalResult, Failure, Fault};
use crate::check::{AccId, AcrossFunc, AcrossScope, ArithOp, CellId, PeriodPart, PeriodScope, Plan, SectionId};
use crate::data::StaticData;
use crate::value::{Val, Value};
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The result of evaluating a plan: every definition for every participant and
/// period it applies to.
pub struct Evaluation<'p> {
    pub plan: &'p Plan,
    pub statics: StaticData,
    /// `members[section][participant]`.
    pub members: Vec<Vec<bool>>,
    /// Shared: `comp diff` gives both plans' evaluations the same rows'
    /// aggregates when the plans aggregate rows alike.
    pub accumulators: Arc<Accumulators>,
    /// Each definition's values: `store[cell][participant × periods + period]`.
    store: Vec<Vec<Option<Value>>>,
    /// Values whose evaluation failed (their slot holds zero), as `store`.
    failed: Vec<Vec<bool>>,
    /// For each aggregate across participants (by id) and period: the groups it ranges over.
    groups: Vec<Vec<Groups>>,
    /// Group results by aggregate, period and group, each computed once, by
    /// the first participant that needs it; the others read it without a lock.
    cache: Vec<Vec<Vec<OnceLock<EvalResult<Cached>>>>>,
}

/// The participants an aggregate ranges over: each participant's group, and
/// each group's members (those in the aggregate's domain).
#[derive(Default, Clone)]
struct Groups {
    of: Vec<usize>,
    members: Vec<Vec<usize>>,
}

impl Groups {
    /// The groups of aggregate `a` with participants' attributes as
    /// `attributes` gives them.
    fn of<'s>(
        plan: &Plan,
        statics: &StaticData,
        a: &crate::check::Across,
        attributes: impl Fn(usize) -> &'s [Value],
        in_domain: &impl Fn(Option<SectionId>, usize) -> bool,
    ) -> Groups {
        let n = statics.ids.len();
        match a.scope {
            AcrossScope::Group(col) => {
                let mut keys: HashMap<&Value, usize> = HashMap::new();
                let mut groups = Groups::default();
                for p in 0..n {
                    let next = keys.len();
                    let g = *keys.entry(&attributes(p)[col]).or_insert(next);
                    if g == groups.members.len() {
                        groups.members.push(Vec::new());
                    }
                    groups.of.push(g);
                    if in_domain(a.domain, p) {
                        groups.members[g].push(p);
                    }
                }
                groups
            }
            AcrossScope::Reports { transitive } => {
                // Each participant's own group: those below it.
                let col = plan.participants.reports_to.expect("the checker requires `reports to`");
                let mut direct: Vec<Vec<usize>> = vec![Vec::new(); n];
                for q in 0..n {
                    if let Value::Text(m) = &attributes(q)[col] {
                        if let Some(boss) = statics.index.get(m) {
                            if boss != q {
                                direct[boss].push(q);
                            }
                        }
                    }
                }
                // `seen` stops a loop in bad data; cleared after each search.
                let mut seen = vec![false; n];
                let members = (0..n)
                    .map(|p| {
                        let mut below = direct[p].clone();
                        if transitive {
                            // Breadth first.
                            seen[p] = true;
                            let mut i = 0;
                            while i < below.len() {
                                let q = below[i];
                                if !seen[q] {
                                    seen[q] = true;
                                    below.extend(direct[q].iter().copied().filter(|r| !seen[*r]));
                                }
                                i += 1;
                            }
                            seen[p] = false;
                            for &q in &below {
                                seen[q] = false;
                            }
                            below.sort_unstable();
                            below.dedup();
                        }
                        below.retain(|&q| in_domain(a.domain, q));
                        below
                    })
                    .collect();
                Groups { of: (0..n).collect(), members }
            }
            AcrossScope::All => {
                Groups { of: vec![0; n], members: vec![(0..n).filter(|&p| in_domain(a.domain, p)).collect()] }
            }
            AcrossScope::Periods(_) => Groups::default(),
        }
    }
}

#[derive(Clone)]
enum Cached {
    Number(Decimal),
    /// Values sorted highest first, for ranks.
    Sorted(Vec<Decimal>),
}

pub(crate) fn section_members(plan: &Plan, statics: &StaticData) -> Result<Vec<Vec<bool>>, Vec<EvalError>> {
    let mut errors = Vec::new();
    let members = plan
        .sections
        .iter()
        .map(|s| {
            (0..statics.ids.len())
                .map(|p| {
                    let env = StaticEnv { plan, statics, p };
                    match eval(&s.condition, &env) {
                        Ok(v) => v.bool(),
                        Err(f) => {
                            errors.push(EvalError::new(
                                *f,
                                &format!("section {}", s.name),
                                &statics.ids[p],
                                "the plan",
                            ));
                            false
                        }
                    }
                })
                .collect()
        })
        .collect();
    if errors.is_empty() {
        Ok(members)
    } else {
        Err(errors)
    }
}

pub(crate) fn period_part(plan: &Plan, t: usize, part: PeriodPart) -> Decimal {
    use chrono::Datelike;
    let p = &plan.calendar.periods[t];
    Decimal::from(match part {
        PeriodPart::Quarter => p.quarter as i64,
        PeriodPart::Month => p.month as i64,
        PeriodPart::Number => t as i64 + 1,
        PeriodPart::Days => (p.end - p.start).num_days() + 1,
        PeriodPart::FirstDay => p.start.num_days_from_ce() as i64,
        PeriodPart::LastDay => p.end.num_days_from_ce() as i64,
    })
}

pub(crate) fn lookup<'a>(
    plan: &Plan,
    statics: &'a StaticData,
    p: usize,
    table: usize,
    col: usize,
) -> Result<Val<'a>, Fault> {
    let data = &statics.lookups[table];
    match data.by_participant[p] {
        Some(r) => Ok(data.rows[r][col].as_val()),
        None => Err(Fault::MissingLookup { table: plan.lookups[table].name.clone(), key: statics.ids[p].to_string() }),
    }
}

struct StaticEnv<'a> {
    plan: &'a Plan,
    statics: &'a StaticData,
    p: usize,
}

impl<'a> Env<'a> for StaticEnv<'a> {
    fn param(&self, id: usize) -> Val<'a> {
        self.plan.params[id].values.at(0).as_val()
    }
    fn period(&self) -> usize {
        0
    }
    fn period_part(&self, part: PeriodPart) -> Decimal {
        period_part(self.plan, 0, part)
    }
    fn attribute(&self, col: usize) -> Val<'a> {
        self.statics.attributes[self.p][col].as_val()
    }
    fn lookup(&self, table: usize, col: usize) -> Result<Val<'a>, Fault> {
        lookup(self.plan, self.statics, self.p, table, col)
    }
}

/// `work()`, on `pool` if there is one (else on the process's pool).
fn in_pool<R: Send>(pool: &Option<rayon::ThreadPool>, work: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// Definitions whose values an evaluation takes from another one over the
/// same participants, periods and tables (`comp diff`'s two plans).
pub(crate) struct Reuse<'e, 'p> {
    pub from: &'e Evaluation<'p>,
    /// For each definition, the other evaluation's definition it equals.
    pub definitions: Vec<Option<CellId>>,
}

impl<'p> Evaluation<'p> {
    pub(crate) fn compute(
        plan: &'p Plan,
        statics: StaticData,
        members: Vec<Vec<bool>>,
        accumulators: Arc<Accumulators>,
        threads: usize,
        reuse: Option<Reuse<'_, 'p>>,
    ) -> Result<Self, Vec<EvalError>> {
        let n = statics.ids.len();
        let periods = plan.calendar.periods.len();
        let in_domain = |domain: Option<SectionId>, p: usize| domain.is_none_or(|s| members[s][p]);
        // Per period: with effective-dated attributes a participant may change
        // team (or manager) during the year; the groups follow, period by
        // period. Without them every period has the same groups.
        let groups: Vec<Vec<Groups>> = plan
            .across
            .iter()
            .map(|a| {
                let in_period = |t: usize| Groups::of(plan, &statics, a, |p| statics.attributes_in(p, t), &in_domain);
                if statics.history.is_some() {
                    (0..periods).map(in_period).collect()
                } else {
                    vec![in_period(0); periods]
                }
            })
            .collect();
        let cache = groups
            .iter()
            .map(|per_period| per_period.iter().map(|g| g.members.iter().map(|_| OnceLock::new()).collect()).collect())
            .collect();
        let mut ev = Evaluation {
            plan,
            statics,
            members,
            accumulators,
            store: vec![Vec::new(); plan.cells.len()],
            failed: vec![Vec::new(); plan.cells.len()],
            groups,
            cache,
        };
        let mut errors = Vec::new();
        // The process's pool when it has the size asked for (the CLI sizes it).
        let own_pool = threads > 1 && threads != rayon::current_num_threads();
        let pool = own_pool.then(|| rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok()).flatten();
        for stage in &plan.stages {
            for &c in &stage.cells {
                // Values another run computed are taken, not computed again.
                match reuse.as_ref().and_then(|r| Some((r.from, r.definitions[c]?))) {
                    Some((from, d)) => {
                        ev.store[c].clone_from(&from.store[d]);
                        ev.failed[c].clone_from(&from.failed[d]);
                    }
                    None => {
                        ev.store[c] = vec![None; n * periods];
                        ev.failed[c] = vec![false; n * periods];
                    }
                }
            }
            let computed: Vec<CellId> = stage
                .cells
                .iter()
                .copied()
                .filter(|&c| reuse.as_ref().is_none_or(|r| r.definitions[c].is_none()))
                .collect();
            if stage.recursive {
                // Period by period, definition by definition: each step reads
                // the ones before (`prev`, of itself or of the others).
                for t in 0..periods {
                    for &c in &computed {
                        let section = plan.cells[c].section;
                        let jobs: Vec<usize> = (0..n).filter(|&p| ev.in_section(section, p)).collect();
                        let evaluate = |&p: &usize| {
                            eval(&plan.cells[c].expr, &CellEnv { ev: &ev, p, t }).map(|v| v.to_owned_value())
                        };
                        let results: Vec<_> = if threads > 1 {
                            // A few large jobs: a participant's definition is a few
                            // hundred instructions, less than rayon's cost of a job.
                            in_pool(&pool, || {
                                jobs.par_iter().with_min_len(jobs.len().div_ceil(4 * threads)).map(evaluate).collect()
                            })
                        } else {
                            jobs.iter().map(evaluate).collect()
                        };
                        for (&p, result) in jobs.iter().zip(results) {
                            let i = ev.index(p, t);
                            let value = match result {
                                Ok(v) => v,
                                Err(f) => {
                                    ev.failed[c][i] = true;
                                    errors.extend(ev.reported(c, p, t, *f));
                                    Value::ZERO
                                }
                            };
                            ev.store[c][i] = Some(value);
                        }
                    }
                }
                continue;
            }
            // INVARIANT: a stage that is not recursive is one definition,
            // which reads no value of itself: its values are taken out while
            // every participant's are computed in parallel into them.
            for &c in &computed {
                let section = plan.cells[c].section;
                let mut values = std::mem::take(&mut ev.store[c]);
                let mut failed = std::mem::take(&mut ev.failed[c]);
                let ev_ref = &ev;
                let participant = |(p, (values, failed)): (usize, (&mut [Option<Value>], &mut [bool]))| {
                    let mut errors = Vec::new();
                    if ev_ref.in_section(section, p) {
                        for t in 0..periods {
                            let result =
                                eval(&plan.cells[c].expr, &CellEnv { ev: ev_ref, p, t }).map(|v| v.to_owned_value());
                            values[t] = Some(match result {
                                Ok(v) => v,
                                Err(f) => {
                                    failed[t] = true;
                                    errors.push((t, p, *f));
                                    Value::ZERO
                                }
                            });
                        }
                    }
                    errors
                };
                let mut failures: Vec<(usize, usize, Failure)> = if threads > 1 {
                    in_pool(&pool, || {
                        values
                            .par_chunks_mut(periods)
                            .zip(failed.par_chunks_mut(periods))
                            .enumerate()
                            .with_min_len(n.div_ceil(4 * threads))
                            .flat_map_iter(participant)
                            .collect()
                    })
                } else {
                    values
                        .chunks_mut(periods)
                        .zip(failed.chunks_mut(periods))
                        .enumerate()
                        .flat_map(participant)
                        .collect()
                };
                // In the order the errors are reported: by period, then participant.
                failures.sort_by_key(|&(t, p, _)| (t, p));
                errors.extend(failures.into_iter().filter_map(|(t, p, f)| ev.reported(c, p, t, f)));
                ev.store[c] = values;
                ev.failed[c] = failed;
            }
        }
        let mut errors = super::errors::fold(errors);
        errors.truncate(crate::data::MAX_ERRORS);
        if errors.is_empty() {
            Ok(ev)
        } else {
            Err(errors)
        }
    }

    fn index(&self, p: usize, t: usize) -> usize {
        p * self.plan.calendar.periods.len() + t
    }

    /// The error to report for a failure of definition `c` for participant
    /// `p` in period `t`; none when it follows an earlier failure.
    fn reported(&self, c: CellId, p: usize, t: usize, failure: Failure) -> Option<EvalError> {
        (failure.fault != Fault::Upstream).then(|| {
            let plan = self.plan;
            EvalError::new(failure, &plan.cells[c].name, &self.statics.ids[p], &plan.calendar.periods[t].label)
        })
    }

    pub fn in_section(&self, section: Option<SectionId>, p: usize) -> bool {
        section.is_none_or(|s| self.members[s][p])
    }

    /// A value another definition reads; a failed one fails the reader too.
    fn read(&self, cell: CellId, p: usize, t: usize) -> EvalResult<Val<'_>> {
        let i = self.index(p, t);
        if self.failed[cell][i] {
            return Err(Box::new(Failure { fault: Fault::Upstream, span: self.plan.cells[cell].span }));
        }
        // INVARIANT: stages run in dependency order, so a definition is computed
        // before any definition that reads it in the same period.
        Ok(self.store[cell][i].as_ref().expect("computed before use").as_val())
    }

    /// `sum(x × cell at date)` for participant `p` in period `t`: each
    /// original period's sum of `x` times `cell` in that period, added up
    /// exactly. Original periods are `t` or earlier (rows of later ones
    /// failed while streaming), all computed by now.
    pub fn sum_at(&self, acc: AccId, cell: CellId, p: usize, t: usize) -> EvalResult<Decimal> {
        let fail = |fault| Box::new(Failure { fault, span: self.plan.accumulators[acc].span });
        let mut total = Decimal::ZERO;
        for (o, sum) in self.accumulators.by_period(p, t, acc).map_err(fail)?.into_iter().enumerate() {
            if sum.is_zero() {
                continue;
            }
            let read = self.read(cell, p, o)?.num();
            total = arith(ArithOp::Add, total, arith(ArithOp::Mul, sum, read).map_err(fail)?).map_err(fail)?;
        }
        Ok(total)
    }

    /// A definition's value, if it applies to the participant.
    pub fn value(&self, cell: CellId, p: usize, t: usize) -> Option<&Value> {
        self.store[cell].get(self.index(p, t))?.as_ref()
    }

    pub fn participants(&self) -> &[std::sync::Arc<str>] {
        &self.statics.ids
    }

    /// Does any line apply to the participant?
    pub fn is_paid(&self, p: usize) -> bool {
        self.plan.lines.iter().any(|&c| self.in_section(self.plan.cells[c].section, p))
    }

    /// Evaluates a part of a definition (a sub-expression of the plan) for a
    /// participant and period, as the run did: definitions are read from the
    /// store, aggregates from the accumulators and group values from the cache.
    /// For explanations; the participant must be one the expression applies to.
    pub fn eval_at<'a>(&'a self, e: &'a crate::check::Expr, p: usize, t: usize) -> EvalResult<Val<'a>> {
        eval(e, &CellEnv { ev: self, p, t })
    }

    /// The environment definitions are evaluated in, for participant `p` in
    /// period `t` (for [`super::tier_bands`] and the like).
    pub fn env_at<'a>(&'a self, p: usize, t: usize) -> impl Env<'a> + 'a {
        CellEnv { ev: self, p, t }
    }

    /// The members of `p`'s group for an aggregate across participants (in the
    /// aggregate's domain), sorted by id; `None` for aggregates across periods.
    pub fn group_members(&self, across: crate::check::AcrossId, p: usize, t: usize) -> Option<&[usize]> {
        let groups = self.groups[across].get(t)?;
        let g = *groups.of.get(p)?;
        Some(&groups.members[g])
    }

    fn across(&self, id: usize, p: usize, t: usize) -> EvalResult<Val<'_>> {
        let a = &self.plan.across[id];
        let fail = |fault| Box::new(Failure { fault, span: a.span });
        // `count` counts values of any type (`count(team) over all`); the
        // others read numbers.
        let counting = a.func == AcrossFunc::Count;
        let arg_at = |q: usize, t: usize| {
            eval(&a.arg, &CellEnv { ev: self, p: q, t }).map(|v| if counting { Decimal::ONE } else { v.num() })
        };
        match a.scope {
            AcrossScope::Periods(scope) => {
                let range = scope.range(t, self.plan.calendar.periods.len());
                let values = range.map(|t| arg_at(p, t)).collect::<EvalResult<Vec<_>>>()?;
                Ok(Val::Num(combine(a.func, &values).map_err(fail)?))
            }
            AcrossScope::Group(_) | AcrossScope::All | AcrossScope::Reports { .. } => {
                let group = self.groups[id][t].of[p];
                // INVARIANT: a group's argument never reads its own aggregate
                // (the checker rejects the cycle), so the initialisation
                // cannot re-enter this slot.
                let cached = self.cache[id][t][group].get_or_init(|| {
                    let members = &self.groups[id][t].members[group];
                    Ok(match a.func {
                        AcrossFunc::Rank => {
                            let mut values = members.iter().map(|&q| arg_at(q, t)).collect::<EvalResult<Vec<_>>>()?;
                            values.sort_unstable_by(|x, y| y.cmp(x));
                            Cached::Sorted(values)
                        }
                        AcrossFunc::Share => {
                            let weight = a.weight.as_ref().expect("share has a weight");
                            let mut total = Decimal::ZERO;
                            for &q in members {
                                let w = eval(weight, &CellEnv { ev: self, p: q, t })?.num();
                                total = arith(ArithOp::Add, total, w).map_err(fail)?;
                            }
                            Cached::Number(total)
                        }
                        func => {
                            let values = members.iter().map(|&q| arg_at(q, t)).collect::<EvalResult<Vec<_>>>()?;
                            Cached::Number(combine(func, &values).map_err(fail)?)
                        }
                    })
                });
                let cached = cached.as_ref().map_err(|f| f.clone())?;
                Ok(Val::Num(match (a.func, cached) {
                    (AcrossFunc::Rank, Cached::Sorted(values)) => {
                        let mine = arg_at(p, t)?;
                        Decimal::from(values.partition_point(|v| *v > mine) + 1)
                    }
                    (AcrossFunc::Share, Cached::Number(total)) => {
                        if total.is_zero() {
                            Decimal::ZERO
                        } else {
                            let pool = eval(&a.arg, &CellEnv { ev: self, p, t })?.num();
                            let weight = eval(a.weight.as_ref().expect("weight"), &CellEnv { ev: self, p, t })?.num();
                            // Multiply before dividing: exact whenever the share is.
                            let product = arith(ArithOp::Mul, pool, weight).map_err(fail)?;
                            arith(ArithOp::Div, product, *total).map_err(fail)?
                        }
                    }
                    (_, Cached::Number(n)) => *n,
                    (_, Cached::Sorted(_)) => unreachable!("only ranks cache sorted values"),
                }))
            }
        }
    }
}

/// Sum, count, min, max or average of values.
fn combine(func: AcrossFunc, values: &[Decimal]) -> Result<Decimal, Fault> {
    Ok(match func {
        AcrossFunc::Sum => values.iter().try_fold(Decimal::ZERO, |a, b| arith(ArithOp::Add, a, *b))?,
        AcrossFunc::Count => Decimal::from(values.len()),
        AcrossFunc::Min => values.iter().copied().min().unwrap_or(Decimal::ZERO),
        AcrossFunc::Max => values.iter().copied().max().unwrap_or(Decimal::ZERO),
        AcrossFunc::Avg => {
            if values.is_empty() {
                Decimal::ZERO
            } else {
                let sum = values.iter().try_fold(Decimal::ZERO, |a, b| arith(ArithOp::Add, a, *b))?;
                arith(ArithOp::Div, sum, Decimal::from(values.len()))?
            }
        }
        AcrossFunc::Rank | AcrossFunc::Share => unreachable!("ranks and shares are per participant"),
    })
}

struct CellEnv<'a, 'p> {
    ev: &'a Evaluation<'p>,
    p: usize,
    t: usize,
}

impl<'a, 'p: 'a> Env<'a> for CellEnv<'a, 'p> {
    fn param(&self, id: usize) -> Val<'a> {
        self.ev.plan.params[id].values.at(self.t).as_val()
    }
    fn period(&self) -> usize {
        self.t
    }
    fn period_part(&self, part: PeriodPart) -> Decimal {
        period_part(self.ev.plan, self.t, part)
    }
    fn attribute(&self, col: usize) -> Val<'a> {
        // The attributes in effect at the period's start.
        self.ev.statics.attributes_in(self.p, self.t)[col].as_val()
    }
    fn lookup(&self, table: usize, col: usize) -> Result<Val<'a>, Fault> {
        lookup(self.ev.plan, &self.ev.statics, self.p, table, col)
    }
    fn cell(&self, id: usize) -> EvalResult<Val<'a>> {
        self.ev.read(id, self.p, self.t)
    }
    fn prev(&self, id: usize) -> EvalResult<Option<Val<'a>>> {
        match self.t.checked_sub(1) {
            Some(t) => self.ev.read(id, self.p, t).map(Some),
            None => Ok(None),
        }
    }
    fn aggregate(&self, acc: usize, scope: PeriodScope) -> EvalResult<Val<'a>> {
        self.ev.accumulators.value(self.ev.plan, acc, self.p, self.t, scope).map(Val::Num)
    }
    fn across(&self, id: usize) -> EvalResult<Val<'a>> {
        self.ev.across(id, self.p, self.t)
    }
    fn sum_at(&self, acc: usize, cell: usize) -> EvalResult<Val<'a>> {
        self.ev.sum_at(acc, cell, self.p, self.t).map(Val::Num)
    }
}
