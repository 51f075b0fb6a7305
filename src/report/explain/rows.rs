//! One participant's event rows, read again from the events file for an
//! explanation: rows of other participants are skipped on their key field,
//! before any other field is parsed.
//!
//! The rows are fed through the evaluator's own accumulators and the states must
//! come out equal to the run's, so the counts an explanation shows are the rows
//! the run aggregated.

use crate::check::SectionId;
use crate::data::{header_positions, parse_cell, DataError};
use crate::eval::{eval, lookup, period_part, Accumulators, Env, Evaluation, Fault};
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

/// Reads participant `p`'s rows from the events file at `path` and checks them
/// against the run's accumulators.
pub fn read(ev: &Evaluation<'_>, path: &Path, p: usize) -> Result<ParticipantRows, RowsError> {
    let plan = ev.plan;
    let schema = &plan.events;
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| {
        RowsError::Data(vec![DataError::file(
            &shown,
            format!("cannot read `{shown}` for table `{}`: {e}", schema.name),
            None,
        )])
    })?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let mut headers = reader.byte_headers().map_err(|e| mismatch(format!("cannot read `{shown}`: {e}")))?.clone();
    if let Some(first) = headers.get(0).and_then(|h| h.strip_prefix(b"\xEF\xBB\xBF")) {
        // A UTF-8 byte order mark (Excel writes one) is not part of the name.
        let mut fixed = csv::ByteRecord::new();
        fixed.push_field(first);
        headers.iter().skip(1).for_each(|h| fixed.push_field(h));
        headers = fixed;
    }
    let mut errors = Vec::new();
    let Some(positions) = header_positions(schema, &shown, path, &headers, &mut errors) else {
        return Err(RowsError::Data(errors));
    };
    let used = plan.used_event_columns();
    let key_field = positions[schema.key];
    // INVARIANT: the checker requires a date column on the events table.
    let date = schema.date.expect("events have a date");
    let id = ev.statics.ids[p].as_bytes();
    let mut out = ParticipantRows::default();
    let mut check = Accumulators::new(plan, 1);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(mismatch(format!("cannot read `{shown}` again: {e}"))),
        }
        // Skip other participants' rows on the key alone.
        if record.get(key_field) != Some(id) {
            continue;
        }
        let line = record.position().map_or(0, |pos| pos.line() as usize);
        let texts: Vec<&str> = positions
            .iter()
            .map(|&f| std::str::from_utf8(record.get(f).unwrap_or_default()).unwrap_or_default())
            .collect();
        let mut columns: Vec<Val<'_>> = Vec::with_capacity(texts.len());
        for (ci, c) in schema.columns.iter().enumerate() {
            if !used[ci] {
                // As in the run: no rule reads this column.
                columns.push(Val::Bool(false));
                continue;
            }
            match parse_cell(texts[ci], c.ty, c.optional) {
                Ok(v) => columns.push(v),
                Err(_) => return Err(mismatch(format!("`{shown}` line {line} no longer reads as it did in the run"))),
            }
        }
        let Val::Date(d) = columns[date] else { unreachable!("date column") };
        let Some(t) = plan.calendar.period_of(d) else {
            return Err(mismatch(format!("`{shown}` line {line} is outside the plan's periods")));
        };
        let applies = |s: Option<SectionId>| ev.in_section(s, p);
        let mut row_values: Vec<Val<'_>> = Vec::with_capacity(plan.row_values.len());
        let mut values = Vec::with_capacity(plan.row_values.len());
        for rv in &plan.row_values {
            if applies(rv.section) {
                let env = RowEnv { ev, p, t, columns: &columns, row_values: &row_values };
                let v = eval(&rv.expr, &env).map_err(|f| mismatch(failure(&rv.name, line, f.fault)))?;
                row_values.push(v);
                values.push(Some(v.to_owned_value()));
            } else {
                row_values.push(Val::Num(Decimal::ZERO));
                values.push(None);
            }
        }
        let env = RowEnv { ev, p, t, columns: &columns, row_values: &row_values };
        let mut counted = Vec::with_capacity(plan.accumulators.len());
        for (i, acc) in plan.accumulators.iter().enumerate() {
            if !applies(acc.section) {
                counted.push(false);
                continue;
            }
            let passes = match &acc.filter {
                Some(f) => eval(f, &env).map_err(|e| mismatch(failure("a `where`", line, e.fault)))?.bool(),
                None => true,
            };
            counted.push(passes);
            check.push(acc, i, 0, t, &env).map_err(|e| mismatch(failure("an aggregate", line, e.fault)))?;
        }
        out.rows.push(EventRow {
            line,
            period: t,
            fields: texts.iter().map(|s| s.to_string()).collect(),
            values,
            counted,
        });
    }
    for t in 0..plan.calendar.periods.len() {
        for i in 0..plan.accumulators.len() {
            if check.state(0, t, i) != ev.accumulators.state(p, t, i) {
                return Err(mismatch(format!(
                    "the rows of `{}` in `{shown}` no longer add up to the run's (in {}); was the file changed?",
                    ev.statics.ids[p], plan.calendar.periods[t].label
                )));
            }
        }
    }
    Ok(out)
}

fn mismatch(message: String) -> RowsError {
    RowsError::Mismatch(message)
}

fn failure(what: &str, line: usize, fault: Fault) -> String {
    format!("{what} failed on line {line} when the rows were read again: {fault:?}")
}

/// Answers the leaves of row formulas, as the run's row step does.
struct RowEnv<'a, 'v> {
    ev: &'a Evaluation<'a>,
    p: usize,
    t: usize,
    columns: &'a [Val<'a>],
    row_values: &'v [Val<'a>],
}

impl<'a> Env<'a> for RowEnv<'a, '_> {
    fn param(&self, id: usize) -> Val<'a> {
        self.ev.plan.params[id].values.at(self.t).as_val()
    }
    fn period(&self) -> usize {
        self.t
    }
    fn period_part(&self, part: crate::check::PeriodPart) -> Decimal {
        period_part(self.ev.plan, self.t, part)
    }
    fn column(&self, col: usize) -> Val<'a> {
        self.columns[col]
    }
    fn row_value(&self, id: usize) -> Val<'a> {
        self.row_values[id]
    }
    fn attribute(&self, col: usize) -> Val<'a> {
        self.ev.statics.attributes[self.p][col].as_val()
    }
    fn lookup(&self, table: usize, col: usize) -> Result<Val<'a>, Fault> {
        lookup(self.ev.plan, &self.ev.statics, self.p, table, col)
    }
}
