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
mod errors;
mod expr;
mod rows;

pub use accumulate::Accumulators;
pub use cells::{Evaluation, LineValue};
pub use errors::EvalError;
pub use expr::{arith, eval, eval_constant, round, Env, EvalResult, Failure, Fault};
pub use rows::RowProgram;

use crate::check::Plan;
use crate::data::{self, DataError, Inputs, StaticData};

/// Why a run produced no result.
#[derive(Debug)]
pub enum RunError {
    Data(Vec<DataError>),
    Eval(Vec<EvalError>),
}

/// Reads the inputs and evaluates the plan over them.
pub fn run<'p>(plan: &'p Plan, inputs: &Inputs) -> Result<Evaluation<'p>, RunError> {
    let statics = data::load_static(plan, inputs).map_err(RunError::Data)?;
    run_with(plan, statics, inputs)
}

/// Evaluates the plan with the static tables already read.
pub fn run_with<'p>(plan: &'p Plan, statics: StaticData, inputs: &Inputs) -> Result<Evaluation<'p>, RunError> {
    let program = RowProgram::new(plan, &statics).map_err(RunError::Eval)?;
    let mut accs = Accumulators::new(plan, statics.ids.len());
    let mut eval_errors = Vec::new();
    data::stream_events(plan, &statics, inputs, |p, t, row| {
        if let Err(e) = program.push(&mut accs, p, t, row) {
            if eval_errors.len() < data::MAX_ERRORS {
                eval_errors.push(*e);
            }
        }
        Ok(())
    })
    .map_err(RunError::Data)?;
    if !eval_errors.is_empty() {
        return Err(RunError::Eval(eval_errors));
    }
    let members = program.into_members();
    Evaluation::compute(plan, statics, members, accs).map_err(RunError::Eval)
}
