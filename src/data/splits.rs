//! The splits table: which event rows are credited to several participants,
//! and with which shares. It is small (one row per participant of a split
//! deal), so it is read whole, before the events stream.

use super::{for_each_record, padded_key, DataError, RowProblem};
use crate::check::{Splits, TableSchema};
use crate::value::Val;
use hashbrown::HashMap;
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// Each split id's credits: the participant and its share, in file order.
/// INVARIANT: the shares of an id add up to exactly 100%, and no participant
/// appears twice under one id.
#[derive(Debug, Clone, Default)]
pub struct SplitShares {
    pub by_id: HashMap<Arc<str>, Vec<(usize, Decimal)>>,
}

impl SplitShares {
    /// The participants an event row with split id `id` is credited to;
    /// `None` when the row is not split (it goes whole to its own participant).
    pub fn credits(&self, id: &str) -> Option<&[(usize, Decimal)]> {
        self.by_id.get(id).map(Vec::as_slice)
    }
}

/// `60%`, `33.5%`: a share as an analyst writes it.
pub fn percent(share: Decimal) -> String {
    format!("{}%", (share * Decimal::ONE_HUNDRED).normalize())
}

/// One split id as read: its rows' lines, and who each credits with what share.
#[derive(Default)]
struct Group {
    lines: Vec<usize>,
    credits: Vec<(usize, Decimal)>,
}

/// Reads the splits table; `participant` finds a participant by id.
pub(super) fn read(
    splits: &Splits,
    path: &Path,
    participants: &TableSchema,
    events: &TableSchema,
    participant: impl Fn(&str) -> Option<usize>,
    errors: &mut Vec<DataError>,
) -> Option<SplitShares> {
    let schema = &splits.table;
    let before = errors.len();
    let (key, who, share) = (schema.key, splits.participant, splits.share);
    let mut groups: HashMap<Arc<str>, Group> = HashMap::new();
    let result = for_each_record(schema, path, errors, |line, _, values| {
        let (Val::Text(id), Val::Text(name), Val::Num(s)) = (values[key], values[who], values[share]) else {
            // INVARIANT: the checker makes the key and participant text and the share a percent.
            unreachable!("splits columns are text, text, percent")
        };
        if let Some(padded) = padded_key(id, &schema.name, |_| None) {
            return Err(RowProblem { column: Some(key), ..padded });
        }
        let Some(p) = participant(name) else {
            if let Some(padded) = padded_key(name, &participants.name, |k| Some(participant(k).is_some())) {
                return Err(RowProblem { column: Some(who), ..padded });
            }
            return Err(RowProblem {
                column: Some(who),
                message: format!("unknown participant `{name}`"),
                label: format!("not in `{}`", participants.name),
                help: Some(format!(
                    "each split credits a participant of `{}`; add `{name}` there or correct the id",
                    participants.name
                )),
            });
        };
        if s.is_sign_negative() && !s.is_zero() {
            return Err(RowProblem {
                column: Some(share),
                message: format!("share `{}` of `{id}` is negative", percent(s)),
                label: "below 0%".into(),
                help: Some("a share is the part of the row credited to the participant, from 0% to 100%".into()),
            });
        }
        let group = match groups.get_mut(id) {
            Some(g) => g,
            None => groups.entry(Arc::from(id)).or_default(),
        };
        if let Some(i) = group.credits.iter().position(|(q, _)| *q == p) {
            return Err(RowProblem {
                column: Some(who),
                message: format!("`{name}` is credited twice for `{id}`"),
                label: "again here".into(),
                help: Some(format!(
                    "`{name}` already has a share of `{id}` on line {}; give each participant one row with its whole share",
                    group.lines[i]
                )),
            });
        }
        group.lines.push(line);
        group.credits.push((p, s));
        Ok(())
    });
    if result.is_err() || errors.len() > before {
        return None;
    }
    // Each id whose shares miss 100%, by the last of its rows, where the sum
    // is known: the second read below reports them in file order.
    let mut wrong: HashMap<usize, (Arc<str>, Decimal)> = HashMap::new();
    for (id, g) in &groups {
        let sum: Decimal = g.credits.iter().map(|(_, s)| s).sum();
        if sum != Decimal::ONE {
            wrong.insert(*g.lines.last().expect("a group has a row"), (id.clone(), sum));
        }
    }
    if wrong.is_empty() {
        let by_id = groups.into_iter().map(|(id, g)| (id, g.credits)).collect();
        return Some(SplitShares { by_id });
    }
    let (table, events) = (&schema.name, &events.name);
    // Read again to point at each wrong id's last share cell.
    let _ = for_each_record(schema, path, errors, |line, _, _| {
        let Some((id, sum)) = wrong.get(&line) else { return Ok(()) };
        let g = &groups[id];
        let terms: Vec<String> = g.credits.iter().map(|(_, s)| percent(*s)).collect();
        let lines: Vec<String> = g.lines.iter().map(usize::to_string).collect();
        let (short, over) =
            if *sum < Decimal::ONE { ("short", Decimal::ONE - sum) } else { ("over", sum - Decimal::ONE) };
        Err(RowProblem {
            column: Some(share),
            message: format!("the shares of `{id}` add up to {}, not 100%", percent(*sum)),
            label: format!("{} = {}, {} {short}", terms.join(" + "), percent(*sum), percent(over)),
            help: Some(format!(
                "the rows of `{id}` in `{table}` (lines {}) must add up to exactly 100%, so that each row of `{events}` with this id is credited once, in full",
                lines.join(", ")
            )),
        })
    });
    None
}
