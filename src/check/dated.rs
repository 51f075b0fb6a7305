//! Where a dated parameter (`3%, from 2024-07-01: 4%`) may be used.
//!
//! In a row formula the value in effect on the row's date applies, so any
//! change date works there. A value computed once per period takes the value
//! in effect at the period's start; a change inside a period would then apply
//! to part of the period or none of it, which no reader could guess, so such a
//! use is an error. A section's condition is decided once for the year, so a
//! dated parameter there is an error whatever its dates.

use super::{CheckError, Dated, Declarations, Expr, ExprKind, ParamValues, Plan};
use crate::syntax::ast::ParamValue;
use crate::syntax::Span;

pub(super) fn check_uses(plan: &Plan, decls: &Declarations<'_>, errors: &mut Vec<CheckError>) {
    let starts: Vec<chrono::NaiveDate> = plan.calendar.periods.iter().map(|p| p.start).collect();
    // The first change of each dated parameter that falls inside a period.
    let inside: Vec<Option<Span>> = plan
        .params
        .iter()
        .zip(&decls.params)
        .map(|(param, decl)| match (&param.values, &decl.value) {
            (ParamValues::Dated(Dated { changes, .. }), ParamValue::Dated { changes: written, .. }) => {
                changes.iter().zip(written).find(|((d, _), _)| !starts.contains(d)).map(|(_, (date, _))| date.span)
            }
            _ => None,
        })
        .collect();
    let mut reported = vec![false; plan.params.len()];
    let mut per_period = |e: &Expr, errors: &mut Vec<CheckError>| {
        e.walk(&mut |x| {
            if let ExprKind::Param(id) = x.kind {
                if let (Some(change), false) = (inside[id], reported[id]) {
                    reported[id] = true;
                    let name = &plan.params[id].name;
                    errors.push(CheckError::Dated {
                        message: format!("`{name}` changes inside a period but is used once per period"),
                        span: x.span.into(),
                        label: "a value per period".into(),
                        other: change.into(),
                        other_label: "not the start of a period".into(),
                        help: Some(format!(
                            "a value per period takes the parameter at the period's start: date the change on a \
                             period's first day, or use `{name}` in a row formula (`sum(amount × {name})`), \
                             where each row takes the value on its date"
                        )),
                    });
                }
            }
        })
    };
    // Only the values computed once per period: a definition of each row
    // (`value pay = amount × rate`) is a cell too, but in no stage.
    for stage in &plan.stages {
        for &cell in &stage.cells {
            per_period(&plan.cells[cell].expr, errors);
        }
    }
    for a in &plan.across {
        per_period(&a.arg, errors);
        if let Some(w) = &a.weight {
            per_period(w, errors);
        }
    }
    for acc in &plan.accumulators {
        if let Some(h) = &acc.having {
            per_period(&h.cond, errors);
        }
    }
    for (section, decl) in plan.sections.iter().zip(&decls.sections) {
        section.condition.walk(&mut |x| {
            if let ExprKind::Param(id) = x.kind {
                if let ParamValues::Dated(_) = plan.params[id].values {
                    let name = &plan.params[id].name;
                    errors.push(CheckError::invalid(
                        format!("a section's condition cannot use the dated parameter `{name}`"),
                        x.span,
                        "dated",
                        Some(format!(
                            "section `{}` is decided once for the year; compare with a plain parameter",
                            decl.name.as_str()
                        )),
                    ));
                }
            }
        });
    }
}
