//! Evaluation: event rows stream through the compiled plan into accumulators,
//! then every per-participant definition is computed stage by stage.
//!
//! 1. Section membership is decided per participant (from attributes and lookups).
//! 2. Each event row computes its row values and feeds the accumulators of its
//!    participant and period ([`accumulate`]).
//! 3. Stages of definitions run in dependency order ([`cells`]): a stage runs
//!    period by period, each definition for every participant in its section, so
//!    team totals, ranks and year totals see complete values.

pub mod accumulate;
mod cells;
mod compiled;
mod errors;
mod expr;
pub mod pair;
mod rows;

pub use accumulate::Accumulators;
pub use cells::Evaluation;
pub(crate) use cells::{lookup, period_part, Reuse};
pub use errors::EvalError;
pub use expr::{arith, eval, eval_constant, round, tier_bands, BandStep, Env, EvalResult, Failure, Fault};
pub(crate) use rows::RowEnv;
pub use rows::RowProgram;

use crate::check::Plan;
use crate::data::{self, DataError, Inputs, StaticData};
use crate::value::Val;
use rust_decimal::Decimal;

/// Why a run produced no result.
#[derive(Debug)]
pub enum RunError {
    Data(Vec<DataError>),
    Eval(Vec<EvalError>),
}

/// How to run.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Worker threads for the events table. The result does not depend on it.
    pub threads: usize,
    /// Row formulas by the interpreter only, none compiled. The result does
    /// not depend on it either: tests compare the two.
    pub interpret_rows: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options::threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

impl Options {
    /// `threads` workers, row formulas compiled.
    pub fn threads(threads: usize) -> Self {
        Options { threads, interpret_rows: false }
    }

    /// Sizes the process's rayon pool (definitions and reports run on it) to
    /// `threads`, once: a pool built per evaluation costs more than a small
    /// plan's whole evaluation. Later calls leave the first size.
    pub fn size_thread_pool(&self) {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(self.threads).build_global();
    }
}

/// Reads the inputs and evaluates the plan over them.
pub fn run<'p>(plan: &'p Plan, inputs: &Inputs, options: Options) -> Result<Evaluation<'p>, RunError> {
    let statics = data::load_static(plan, inputs).map_err(RunError::Data)?;
    run_with(plan, statics, inputs, options)
}

/// One worker's share of the rows.
struct Worker<'a> {
    program: &'a RowProgram<'a>,
    accumulators: Accumulators,
    scratch: Vec<Val<'static>>,
    /// The row with its amounts converted into the plan's currency (`money in ...`).
    converted: Vec<Val<'static>>,
    errors: Vec<(usize, EvalError)>,
    /// The plan converts no currency and splits no row.
    plain: bool,
}

impl<'a> Worker<'a> {
    fn new(program: &'a RowProgram<'a>) -> Self {
        let plan = program.plan();
        Worker {
            program,
            accumulators: Accumulators::new(plan, program.statics().ids.len()),
            scratch: Vec::new(),
            converted: Vec::new(),
            errors: Vec::new(),
            plain: plan.fx.is_none() && plan.splits.is_none(),
        }
    }

    /// Keeps a row's error, the first [`data::MAX_ERRORS`] of them.
    fn record(&mut self, line: usize, result: Result<(), Box<EvalError>>) {
        if let Err(e) = result {
            if self.errors.len() < data::MAX_ERRORS {
                self.errors.push((line, *e));
            }
        }
    }
}

impl data::EventSink for Worker<'_> {
    fn push(&mut self, line: usize, p: usize, t: usize, row: &[Val<'_>]) -> Result<(), data::RowProblem> {
        if self.plain {
            // No currencies to convert and no splits: the row is its participant's, whole.
            let result = self.program.push(&mut self.accumulators, &mut self.scratch, p, t, row);
            self.record(line, result);
            return Ok(());
        }
        // Amounts in other currencies are converted once, then the row is
        // credited (split or whole) in the plan's currency.
        let mut converted = crate::value::recycle(std::mem::take(&mut self.converted));
        let row = if self.program.statics().convert(self.program.plan(), row, &mut converted)? {
            &converted[..]
        } else {
            row
        };
        for (q, share) in self.program.credits(p, row) {
            let result = self.program.push_share(&mut self.accumulators, &mut self.scratch, q, t, row, share);
            self.record(line, result);
        }
        self.converted = crate::value::recycle(converted);
        Ok(())
    }
}

/// Who an event row is credited to: its own participant in full, or, when
/// the splits table divides it, each participant listed there with its share.
#[derive(Debug, Clone)]
pub enum Credits<'s> {
    Whole(Option<usize>),
    Split(std::slice::Iter<'s, (usize, Decimal)>),
}

impl<'s> Credits<'s> {
    /// The credits of a row of participant `p` with these columns.
    pub fn of(plan: &Plan, statics: &'s StaticData, p: usize, columns: &[Val<'_>]) -> Self {
        let split = plan.splits.as_ref().zip(statics.splits.as_ref()).and_then(|(schema, shares)| {
            match columns[schema.event_key] {
                Val::Text(id) => shares.credits(id),
                // INVARIANT: the checker makes the split key a text column, read for every row.
                _ => None,
            }
        });
        match split {
            Some(credits) => Credits::Split(credits.iter()),
            None => Credits::Whole(Some(p)),
        }
    }
}

impl Iterator for Credits<'_> {
    type Item = (usize, Decimal);
    fn next(&mut self) -> Option<(usize, Decimal)> {
        match self {
            Credits::Whole(p) => p.take().map(|p| (p, Decimal::ONE)),
            Credits::Split(it) => it.next().copied(),
        }
    }
}

/// Evaluates the plan with the static tables already read.
pub fn run_with<'p>(
    plan: &'p Plan,
    statics: StaticData,
    inputs: &Inputs,
    options: Options,
) -> Result<Evaluation<'p>, RunError> {
    let program = row_program(plan, &statics, options).map_err(RunError::Eval)?;
    let workers: Vec<Worker<'_>> = (0..options.threads.max(1)).map(|_| Worker::new(&program)).collect();
    let workers = data::stream_events(plan, &statics, inputs.path(&plan.events), workers).map_err(RunError::Data)?;
    let accumulators = merge_workers(plan, workers.into_iter().map(|w| (w.accumulators, w.errors)))?;
    let members = program.into_members();
    Evaluation::compute(plan, statics, members, accumulators.into(), options.threads, None).map_err(RunError::Eval)
}

/// The row program `options` ask for: formulas compiled, or all interpreted.
pub(crate) fn row_program<'p>(
    plan: &'p Plan,
    statics: &'p StaticData,
    options: Options,
) -> Result<RowProgram<'p>, Vec<EvalError>> {
    let program = RowProgram::new(plan, statics)?;
    Ok(if options.interpret_rows { program.interpreted() } else { program })
}

/// Merges the workers' accumulators; the row errors in line order (the first
/// [`data::MAX_ERRORS`]). Merging is exact (decimal sums), so the thread count
/// cannot change the result.
pub(crate) fn merge_workers(
    plan: &Plan,
    parts: impl Iterator<Item = (Accumulators, Vec<(usize, EvalError)>)>,
) -> Result<Accumulators, RunError> {
    let mut errors: Vec<(usize, EvalError)> = Vec::new();
    let mut accumulators: Option<Accumulators> = None;
    for (acc, errs) in parts {
        errors.extend(errs);
        match &mut accumulators {
            None => accumulators = Some(acc),
            Some(total) => {
                if let Err(fault) = total.merge(&acc) {
                    let failure = Failure { fault, span: plan.events.span };
                    errors.push((0, EvalError::new(failure, "an aggregate", "(all)", "the plan")));
                }
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|(line, _)| *line);
        return Err(RunError::Eval(errors.into_iter().map(|(_, e)| e).take(data::MAX_ERRORS).collect()));
    }
    Ok(accumulators.expect("at least one worker"))
}
