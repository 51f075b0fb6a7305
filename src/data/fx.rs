//! Exchange rates (`fx rates by currency on date { ... }`) and participants
//! tables with effective dates (`participants roster by participant from since`):
//! the two tables whose rows apply from a date on.

use super::{read_table, RowProblem, Rows, StaticData};
use crate::check::{FxTable, Plan};
use crate::value::{Val, Value};
use chrono::NaiveDate;
use hashbrown::HashMap;
use rust_decimal::Decimal;
use std::path::Path;

/// The rates into the plan's currency, by currency, earliest first.
#[derive(Debug, Clone)]
pub struct FxRates {
    rates: HashMap<String, Vec<(NaiveDate, Decimal)>>,
    /// The rates file, as the user named it (for help lines).
    pub file: String,
    /// The plan's currency, which needs no rate.
    pub currency: String,
    /// The events columns converted, each with its currency column
    /// ([`Plan::converted_columns`], found once rather than for every row).
    converted: Vec<(usize, usize)>,
}

/// Reads the exchange rates; a rate must be positive, and the plan's own
/// currency has none.
pub(super) fn read(plan: &Plan, fx: &FxTable, path: &Path, errors: &mut Vec<super::DataError>) -> Option<FxRates> {
    let schema = &fx.schema;
    // INVARIANT: the checker requires a date column on the fx table.
    let date = schema.date.expect("fx has a date");
    let check = |row: &[Value]| -> Option<RowProblem> {
        if let Value::Text(c) = &row[schema.key] {
            if **c == *plan.currency {
                return Some(RowProblem {
                    column: Some(schema.key),
                    message: format!("a rate for `{c}`, the plan's own currency"),
                    label: "the plan's currency".into(),
                    help: Some(format!("amounts in {c} are not converted: remove the row")),
                });
            }
        }
        match &row[fx.rate] {
            Value::Num(r) if *r > Decimal::ZERO => None,
            other => Some(RowProblem {
                column: Some(fx.rate),
                message: format!("the rate `{}` is not positive", other.as_val().num()),
                label: "not a rate".into(),
                help: Some(format!("a rate is the amount in {} of one unit of the currency", plan.currency)),
            }),
        }
    };
    let rows = read_table(schema, path, Some(date), Some(&check), errors)?;
    let mut rates: HashMap<String, Vec<(NaiveDate, Decimal)>> = HashMap::new();
    for (_, row) in rows {
        if let (Value::Text(c), Value::Date(d), Value::Num(r)) = (&row[schema.key], &row[date], &row[fx.rate]) {
            rates.entry(c.to_string()).or_default().push((*d, *r));
        }
    }
    for list in rates.values_mut() {
        list.sort_unstable();
    }
    Some(FxRates {
        rates,
        file: path.display().to_string(),
        currency: plan.currency.clone(),
        converted: plan.converted_columns().collect(),
    })
}

/// Why a row's amount could not be converted.
pub enum Miss {
    /// No rate at all for the currency.
    Unknown,
    /// Rates, but the first is after the row's date.
    TooEarly { first: NaiveDate },
}

impl FxRates {
    /// The rate for `currency` on `date`: the latest on or before it; `None`
    /// for the plan's own currency.
    pub fn rate(&self, currency: &str, date: NaiveDate) -> Result<Option<Decimal>, Miss> {
        if currency == self.currency {
            return Ok(None);
        }
        let list = self.rates.get(currency).ok_or(Miss::Unknown)?;
        let i = list.partition_point(|(d, _)| *d <= date);
        match i.checked_sub(1) {
            Some(i) => Ok(Some(list[i].1)),
            None => Err(Miss::TooEarly { first: list[0].0 }),
        }
    }

    fn currencies(&self) -> String {
        let mut names: Vec<&str> = self.rates.keys().map(String::as_str).collect();
        names.sort_unstable();
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    }
}

impl StaticData {
    /// `row` with its amounts in other currencies converted into the plan's,
    /// exactly (no rounding), into `out`; `false` when the plan converts
    /// nothing (use `row` as it is).
    pub fn convert<'r>(&self, plan: &Plan, row: &[Val<'r>], out: &mut Vec<Val<'r>>) -> Result<bool, RowProblem> {
        let Some(fx) = &self.fx else { return Ok(false) };
        // INVARIANT: the checker requires a date column on the events table.
        let date_col = plan.events.date.expect("events have a date");
        let Val::Date(date) = row[date_col] else { unreachable!("date column") };
        out.clear();
        out.extend_from_slice(row);
        for &(amount_col, currency_col) in &fx.converted {
            // Columns no rule reads are not parsed (a placeholder stands there).
            let (Val::Num(amount), Val::Text(currency)) = (row[amount_col], row[currency_col]) else { continue };
            let rate = match fx.rate(currency, date) {
                Ok(None) => continue,
                Ok(Some(rate)) => rate,
                Err(Miss::Unknown) => {
                    return Err(RowProblem {
                        column: Some(currency_col),
                        message: format!("unknown currency `{currency}`"),
                        label: format!("no rate in `{}`", fx.file),
                        help: Some(format!(
                            "`{}` has rates for {}, and {} (the plan's currency) needs none; add `{currency}`'s rates or correct the code",
                            fx.file,
                            fx.currencies(),
                            fx.currency
                        )),
                    })
                }
                Err(Miss::TooEarly { first }) => {
                    let day = date.format("%Y-%m-%d");
                    return Err(RowProblem {
                        column: Some(date_col),
                        message: format!("no `{currency}` rate on or before {day}"),
                        label: format!("before the first `{currency}` rate"),
                        help: Some(format!(
                            "the first `{currency}` rate in `{}` is from {}; add one dated {day} or earlier",
                            fx.file,
                            first.format("%Y-%m-%d")
                        )),
                    });
                }
            };
            let converted = amount.checked_mul(rate).ok_or_else(|| RowProblem {
                column: Some(amount_col),
                message: format!(
                    "`{}` × the `{currency}` rate {rate} is too large",
                    plan.events.columns[amount_col].name
                ),
                label: "too large once converted".into(),
                help: Some(
                    "an exact decimal holds at most 28 significant digits; check the data for absurd values".into(),
                ),
            })?;
            out[amount_col] = Val::Num(converted);
        }
        Ok(true)
    }
}

/// A participants table with effective dates: each participant's rows,
/// earliest first, each in effect from its date until the next.
#[derive(Debug, Clone)]
pub struct History {
    rows: Vec<Vec<(NaiveDate, Vec<Value>)>>,
    /// `[participant][period]`: the row in effect at the period's start.
    at_start: Vec<Vec<usize>>,
}

impl History {
    /// From the table's rows, sorted by participant and date.
    pub(super) fn new(plan: &Plan, rows: &Rows, key: usize, from: usize) -> History {
        let mut by_participant: Vec<Vec<(NaiveDate, Vec<Value>)>> = Vec::new();
        let mut last: Option<&Value> = None;
        for (_, row) in rows {
            if last != Some(&row[key]) {
                by_participant.push(Vec::new());
                last = Some(&row[key]);
            }
            let Value::Date(d) = row[from] else { unreachable!("the checker requires a date") };
            by_participant.last_mut().expect("pushed above").push((d, row.clone()));
        }
        let mut h = History { rows: by_participant, at_start: Vec::new() };
        h.at_start = (0..h.rows.len())
            .map(|p| plan.calendar.periods.iter().map(|period| h.index_on(p, period.start)).collect())
            .collect();
        h
    }

    /// The row in effect on `date`; before the first row, the first.
    fn index_on(&self, p: usize, date: NaiveDate) -> usize {
        self.rows[p].partition_point(|(d, _)| *d <= date).saturating_sub(1)
    }

    pub fn on(&self, p: usize, date: NaiveDate) -> &[Value] {
        &self.rows[p][self.index_on(p, date)].1
    }

    pub fn in_period(&self, p: usize, t: usize) -> &[Value] {
        &self.rows[p][self.at_start[p][t]].1
    }

    /// Participant `p`'s rows: each effective date and its attributes.
    pub fn rows(&self, p: usize) -> &[(NaiveDate, Vec<Value>)] {
        &self.rows[p]
    }
}
