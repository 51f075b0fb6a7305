//! Evaluation errors: an operation the data made impossible, stamped once with
//! the rule, participant and period it happened in.

use super::expr::{Failure, Fault};
use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

#[derive(Debug, Clone, Error, Diagnostic, PartialEq, Eq)]
#[error("{fault} in `{rule}` for participant `{participant}` in {period}{}", more_periods(*.also_in))]
#[diagnostic(code(comp::eval))]
pub struct EvalError {
    pub fault: Fault,
    pub rule: String,
    pub participant: String,
    pub period: String,
    /// How many later periods failed the same way.
    pub also_in: usize,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl EvalError {
    pub fn new(failure: Failure, rule: &str, participant: &str, period: &str) -> Self {
        let (label, help) = match &failure.fault {
            Fault::DivisionByZero => (
                "the divisor is zero here".to_string(),
                Some(
                    "guard the division, e.g. `if Q == 0 then 0% else C / Q`, or fix the data (a quota of 0?)"
                        .to_string(),
                ),
            ),
            Fault::Overflow => (
                "the result does not fit".to_string(),
                Some(
                    "amounts are exact decimals of up to 28 significant digits; check the data for absurd values"
                        .to_string(),
                ),
            ),
            Fault::Upstream => ("here".to_string(), None),
            Fault::AtDate { later: true, .. } => (
                "read in this date's period".to_string(),
                Some("a reversal is dated on or after what it reverses: check the row's dates".to_string()),
            ),
            Fault::AtDate { later: false, .. } => (
                "read in this date's period".to_string(),
                Some(
                    "no value is known before the plan's first period: leave such rows out with `where`, \
                     or fix the date"
                        .to_string(),
                ),
            ),
            Fault::MissingLookup { table, key } => (
                format!("looked up in `{table}` here"),
                Some(format!(
                    "add a row for `{key}` to `{table}`, or limit this rule to the participants who have one"
                )),
            ),
        };
        EvalError {
            fault: failure.fault,
            rule: rule.to_string(),
            participant: participant.to_string(),
            period: period.to_string(),
            also_in: 0,
            span: failure.span.into(),
            label,
            help,
        }
    }
}

fn more_periods(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " (and 1 more period)".to_string(),
        n => format!(" (and {n} more periods)"),
    }
}

/// Folds errors that repeat a rule, participant and fault in later periods into
/// the first, and drops the ones caused by an earlier failure.
pub fn fold(errors: Vec<EvalError>) -> Vec<EvalError> {
    let mut out: Vec<EvalError> = Vec::new();
    for e in errors {
        if e.fault == Fault::Upstream {
            continue;
        }
        match out.iter_mut().find(|o| o.rule == e.rule && o.participant == e.participant && o.fault == e.fault) {
            Some(first) => first.also_in += 1,
            None => out.push(e),
        }
    }
    out
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::DivisionByZero => f.write_str("division by zero"),
            Fault::Overflow => f.write_str("arithmetic overflow"),
            Fault::MissingLookup { table, key } => write!(f, "`{key}` has no row in `{table}`"),
            Fault::Upstream => f.write_str("a value it needs could not be computed"),
            Fault::AtDate { date, later: true } => write!(f, "the date {date} is in a later period than its row"),
            Fault::AtDate { date, later: false } => write!(f, "the date {date} is outside the plan's periods"),
        }
    }
}
