//! One participant's event rows, read again from the events file for an
//! explanation, skipping other participants' rows early: the file is read in
//! blocks, and in a block without quotes only the lines that contain the
//! participant's id (found with a substring search) are parsed as CSV; a block
//! with quotes is parsed whole, but only the key field of other participants'
//! rows is looked at.
//!
//! The rows are fed through the evaluator's own accumulators and the states must
//! come out equal to the run's, so the counts an explanation shows are the rows
//! the run aggregated.

use crate::check::SectionId;
use crate::data::{header_positions, parse_cell, BlockReader, DataError};
use crate::eval::{eval, Accumulators, Evaluation, Fault, RowEnv};
use crate::value::{Val, Value};
use rust_decimal::Decimal;
use std::path::Path;

/// One event row of the participant.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// 1-based line number in the events file.
    pub line: usize,
    pub period: usize,
    /// Every column of the events table, as written in the file.
    pub fields: Vec<String>,
    /// Each row value of the plan (`credit`); `None` outside its section.
    pub values: Vec<Option<Value>>,
    /// For each row aggregate: whether this row went into it (its section
    /// applies and its `where` holds).
    pub counted: Vec<bool>,
    /// The participant's share of a split row (`None`: not split, 100%).
    pub share: Option<Decimal>,
    /// For each amount in another currency (`money in ...`): the rate used
    /// (`None` in the plan's own currency) and the amount converted.
    pub conversions: Vec<(Option<Decimal>, Decimal)>,
}

/// The participant's rows, in file order.
#[derive(Debug, Clone, Default)]
pub struct ParticipantRows {
    pub rows: Vec<EventRow>,
}

impl ParticipantRows {
    /// How many rows of `periods` went into aggregate `acc`.
    pub fn count(&self, acc: usize, periods: std::ops::Range<usize>) -> usize {
        self.rows.iter().filter(|r| periods.contains(&r.period) && r.counted[acc]).count()
    }

    pub fn in_period(&self, t: usize) -> impl Iterator<Item = &EventRow> {
        self.rows.iter().filter(move |r| r.period == t)
    }
}

/// Why the rows could not be read again.
#[derive(Debug)]
pub enum RowsError {
    Data(Vec<DataError>),
    /// The rows read now do not add up to the run's accumulators.
    Mismatch(String),
}

fn mismatch(message: String) -> RowsError {
    RowsError::Mismatch(message)
}

/// Reads participant `p`'s rows from the events file at `path` and checks them
/// against the run's accumulators.
pub fn read(ev: &Evaluation<'_>, path: &Path, p: usize) -> Result<ParticipantRows, RowsError> {
    let plan = ev.plan;
    let schema = &plan.events;
    let shown = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|e| {
        RowsError::Data(vec![DataError::file(
            &shown,
            format!("cannot read `{shown}` for table `{}`: {e}", schema.name),
            None,
        )])
    })?;
    // The blocks the run read, split the same way.
    let mut blocks = BlockReader::new(&mut file, path);
    let unreadable = |e: Box<DataError>| RowsError::Data(vec![*e]);
    let Some(header) = blocks.next_block(&shown, true).map_err(unreadable)? else {
        return Err(mismatch(format!("`{shown}` is empty")));
    };
    let mut headers = csv::ByteRecord::new();
    let _ = csv::ReaderBuilder::new().has_headers(false).from_reader(&header.bytes[..]).read_byte_record(&mut headers);
    let mut errors = Vec::new();
    let Some(positions) = header_positions(schema, &shown, path, &headers, &mut errors) else {
        return Err(RowsError::Data(errors));
    };
    let mut scan = Scan {
        ev,
        p,
        shown: &shown,
        used: plan.used_event_columns(),
        key_field: positions[schema.key],
        positions,
        // INVARIANT: the checker requires a date column on the events table.
        date: schema.date.expect("events have a date"),
        check: Accumulators::new(plan, 1),
        out: ParticipantRows::default(),
    };
    let id = ev.statics.ids[p].as_bytes();
    let finder = memchr::memmem::Finder::new(id);
    let mut record = csv::ByteRecord::new();
    let csv_error = |e: csv::Error| mismatch(format!("cannot read `{shown}` again: {e}"));
    // With splits, a row credited to the participant need not hold its id:
    // every record is looked at.
    let splits =
        plan.splits.as_ref().zip(ev.statics.splits.as_ref()).map(|(s, shares)| (scan.positions[s.event_key], shares));
    while let Some(block) = blocks.next_block(&shown, false).map_err(unreadable)? {
        let bytes = &block.bytes[..];
        if let Some((split_field, shares)) = splits {
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
            while reader.read_byte_record(&mut record).map_err(csv_error)? {
                let split = std::str::from_utf8(record.get(split_field).unwrap_or_default())
                    .ok()
                    .and_then(|k| shares.credits(k));
                let share = match split {
                    Some(credits) => match credits.iter().find(|(q, _)| *q == p) {
                        Some(&(_, share)) => Some(share),
                        None => continue,
                    },
                    None if record.get(scan.key_field) == Some(id) => None,
                    None => continue,
                };
                let line = block.first_line + record.position().map_or(1, |pos| pos.line() as usize) - 1;
                scan.row(line, &record, share)?;
            }
        } else if memchr::memchr(b'"', bytes).is_none() {
            // No quotes: a line is a record. Parse only lines holding the id.
            let (mut line, mut counted, mut done) = (block.first_line, 0, 0);
            for at in finder.find_iter(bytes) {
                if at < done {
                    continue;
                }
                let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
                let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
                line += memchr::memchr_iter(b'\n', &bytes[counted..start]).count();
                (counted, done) = (start, end);
                let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[start..end]);
                if reader.read_byte_record(&mut record).map_err(csv_error)? && record.get(scan.key_field) == Some(id) {
                    scan.row(line, &record, None)?;
                }
            }
        } else {
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
            while reader.read_byte_record(&mut record).map_err(csv_error)? {
                if record.get(scan.key_field) != Some(id) {
                    continue;
                }
                let line = block.first_line + record.position().map_or(1, |pos| pos.line() as usize) - 1;
                scan.row(line, &record, None)?;
            }
        }
        blocks.give_back(block.bytes);
    }
    for t in 0..plan.calendar.periods.len() {
        for i in 0..plan.accumulators.len() {
            if scan.check.state(0, t, i) != ev.accumulators.state(p, t, i) {
                return Err(mismatch(format!(
                    "the rows of `{}` in `{shown}` no longer add up to the run's (in {}); was the file changed?",
                    ev.statics.ids[p], plan.calendar.periods[t].label
                )));
            }
        }
    }
    Ok(scan.out)
}

/// The participant's rows as they are found.
struct Scan<'a, 'p> {
    ev: &'a Evaluation<'p>,
    p: usize,
    shown: &'a str,
    /// Columns some rule reads (the others are not parsed, as in the run).
    used: Vec<bool>,
    /// Field index of each schema column, and of the key.
    positions: Vec<usize>,
    key_field: usize,
    date: usize,
    /// The participant's accumulators, rebuilt from the rows read.
    check: Accumulators,
    out: ParticipantRows,
}

impl Scan<'_, '_> {
    /// One row of the participant, at `line` of the file.
    fn row(&mut self, line: usize, record: &csv::ByteRecord, share: Option<Decimal>) -> Result<(), RowsError> {
        let (ev, p, shown) = (self.ev, self.p, self.shown);
        let plan = ev.plan;
        let failed = |what: &str, fault: Fault| {
            mismatch(format!("{what} failed on `{shown}` line {line} when the rows were read again: {fault:?}"))
        };
        let texts: Vec<&str> = self
            .positions
            .iter()
            .map(|&f| std::str::from_utf8(record.get(f).unwrap_or_default()).unwrap_or_default())
            .collect();
        let mut columns: Vec<Val<'_>> = Vec::with_capacity(texts.len());
        for (ci, c) in plan.events.columns.iter().enumerate() {
            if !self.used[ci] {
                // As in the run: no rule reads this column.
                columns.push(Val::Bool(false));
                continue;
            }
            match parse_cell(texts[ci], c.ty, c.optional) {
                Ok(v) => columns.push(v),
                Err(_) => return Err(mismatch(format!("`{shown}` line {line} no longer reads as it did in the run"))),
            }
        }
        let Val::Date(d) = columns[self.date] else { unreachable!("date column") };
        let Some(t) = plan.calendar.period_of(d) else {
            return Err(mismatch(format!("`{shown}` line {line} is outside the plan's periods")));
        };
        // Amounts in other currencies, converted as the run converted them.
        let mut converted = Vec::new();
        if ev.statics.convert(plan, &columns, &mut converted).map_err(|e| mismatch(e.message))? {
            columns = converted;
        }
        let conversions = plan
            .converted_columns()
            .map(|(amount, currency)| {
                let rate = match (&ev.statics.fx, columns[currency]) {
                    (Some(fx), Val::Text(c)) => fx.rate(c, d).ok().flatten(),
                    _ => None,
                };
                let amount = match columns[amount] {
                    Val::Num(n) => n,
                    _ => Decimal::ZERO,
                };
                (rate, amount)
            })
            .collect();
        let applies = |s: Option<SectionId>| ev.in_section(s, p);
        let mut row_values: Vec<Val<'_>> = Vec::with_capacity(plan.row_values.len());
        let mut values = Vec::with_capacity(plan.row_values.len());
        for rv in &plan.row_values {
            if applies(rv.section) {
                let env = RowEnv {
                    plan,
                    statics: &ev.statics,
                    p,
                    t,
                    columns: &columns,
                    row_values: &row_values,
                    share: share.unwrap_or(Decimal::ONE),
                };
                let v = eval(&rv.expr, &env).map_err(|f| failed(&rv.name, f.fault))?;
                row_values.push(v);
                values.push(Some(v.to_owned_value()));
            } else {
                row_values.push(Val::Num(Decimal::ZERO));
                values.push(None);
            }
        }
        let whole = share.unwrap_or(Decimal::ONE);
        let env = RowEnv { plan, statics: &ev.statics, p, t, columns: &columns, row_values: &row_values, share: whole };
        let mut counted = Vec::with_capacity(plan.accumulators.len());
        for (i, acc) in plan.accumulators.iter().enumerate() {
            if !applies(acc.section) {
                counted.push(false);
                continue;
            }
            let passes = match &acc.filter {
                Some(f) => eval(f, &env).map_err(|e| failed("a `where`", e.fault))?.bool(),
                None => true,
            };
            counted.push(passes);
            self.check.push(acc, i, 0, t, &env).map_err(|e| failed("an aggregate", e.fault))?;
        }
        self.out.rows.push(EventRow {
            line,
            period: t,
            fields: texts.iter().map(|s| s.to_string()).collect(),
            values,
            counted,
            share,
            conversions,
        });
        Ok(())
    }
}
