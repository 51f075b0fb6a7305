//! Data: the plan's input tables, read from CSV and validated against the schema
//! the plan declares.
//!
//! The participants and lookup tables are small and read whole into
//! [`StaticData`]. The events table is streamed: each row is parsed, placed with
//! its participant and period, and handed to a callback, so memory does not grow
//! with the number of rows.

mod cell;
mod errors;
mod events;
mod fx;
mod records;
mod source;
mod splits;

pub(crate) use cell::parse as parse_cell;
pub use errors::{io_reason, DataError};
pub(crate) use events::BlockReader;
pub use events::{stream_events, EventSink};
pub use fx::{FxRates, History};
pub use source::Snippet;
pub(crate) use source::{Line, OpenQuote, QuoteScan};
pub use splits::{percent, SplitShares};

use crate::check::{Plan, TableSchema};
use crate::value::{Key, KeyRef, Val, Value};
use hashbrown::HashMap;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Stop reading after this many data errors: the rest are likely the same mistake.
/// The error after which reading stopped is marked ([`DataError::stopped`]).
pub const MAX_ERRORS: usize = 20;

/// Where each table is read from.
#[derive(Debug, Clone)]
pub struct Inputs {
    pub paths: BTreeMap<String, PathBuf>,
}

impl Inputs {
    /// `DIR/<table>.csv` for every table, with `overrides` (`--table NAME=PATH`) on top.
    pub fn new(plan: &Plan, dir: Option<&Path>, overrides: &[(String, PathBuf)]) -> Result<Inputs, Box<DataError>> {
        let mut paths = BTreeMap::new();
        for (_, t) in plan.tables() {
            if let Some(dir) = dir {
                paths.insert(t.name.clone(), dir.join(format!("{}.csv", t.name)));
            }
        }
        for (name, path) in overrides {
            if plan.tables().all(|(_, t)| &t.name != name) {
                let names: Vec<&str> = plan.tables().map(|(_, t)| t.name.as_str()).collect();
                return Err(Box::new(DataError::file(
                    &path.display().to_string(),
                    format!("`--table {name}=...` names no table of the plan"),
                    Some(format!("the plan's tables are {}", names.join(", "))),
                )));
            }
            paths.insert(name.clone(), path.clone());
        }
        for (_, t) in plan.tables() {
            if !paths.contains_key(&t.name) {
                return Err(Box::new(DataError::file(
                    &t.name,
                    format!("no file for table `{}`", t.name),
                    Some(format!("pass `--data DIR` (reads DIR/{}.csv) or `--table {}=PATH`", t.name, t.name)),
                )));
            }
        }
        Ok(Inputs { paths })
    }

    pub fn path(&self, table: &TableSchema) -> &Path {
        &self.paths[&table.name]
    }
}

/// The participants and lookup tables, indexed by participant.
#[derive(Debug, Clone)]
pub struct StaticData {
    /// Participant ids, sorted: participant `i` is `ids[i]` everywhere.
    pub ids: Vec<Arc<str>>,
    pub index: IdIndex,
    /// The participants table's row for each participant.
    /// For a participants table with effective dates (`from ...`), the row
    /// in effect at the plan's start (before a participant's first row, that
    /// row applies).
    pub attributes: Vec<Vec<Value>>,
    pub lookups: Vec<Lookup>,
    /// The splits table, when the plan has one.
    pub splits: Option<SplitShares>,
    /// The participants table's rows by effective date (`from ...`), if it has them.
    pub history: Option<History>,
    /// The exchange rates, if the plan declares them.
    pub fx: Option<FxRates>,
}

#[derive(Debug, Clone)]
pub struct Lookup {
    pub rows: Vec<Vec<Value>>,
    /// The lookup row keyed by each participant's id, if any.
    pub by_participant: Vec<Option<usize>>,
}

/// Participant ids to their index. Every row looks its participant up here,
/// by a packed [`Key`] (no pointer followed, no `memcmp`).
#[derive(Debug, Clone, Default)]
pub struct IdIndex(HashMap<Key, usize>);

impl IdIndex {
    fn new(ids: &[Arc<str>]) -> Self {
        IdIndex(ids.iter().enumerate().map(|(i, id)| (KeyRef::of(Val::Text(id)).to_key(), i)).collect())
    }

    #[inline]
    pub fn get(&self, id: &str) -> Option<usize> {
        self.0.get(&KeyRef::of(Val::Text(id))).copied()
    }
}

impl StaticData {
    #[inline]
    pub fn participant(&self, id: &str) -> Option<usize> {
        self.index.get(id)
    }

    /// Participant `p`'s attributes in effect for period `t` (at its start).
    pub fn attributes_in(&self, p: usize, t: usize) -> &[Value] {
        match &self.history {
            Some(h) => h.in_period(p, t),
            None => &self.attributes[p],
        }
    }

    /// Participant `p`'s attributes in effect on `date`.
    pub fn attributes_on(&self, p: usize, date: chrono::NaiveDate) -> &[Value] {
        match &self.history {
            Some(h) => h.on(p, date),
            None => &self.attributes[p],
        }
    }
}

/// Reads the participants and lookup tables.
pub fn load_static(plan: &Plan, inputs: &Inputs) -> Result<StaticData, Vec<DataError>> {
    let mut errors = Vec::new();
    let participants =
        read_table(&plan.participants, inputs.path(&plan.participants), plan.participants.from, None, &mut errors);
    let lookups: Vec<_> = plan.lookups.iter().map(|t| read_table(t, inputs.path(t), None, None, &mut errors)).collect();
    let fx = plan.fx.as_ref().and_then(|f| fx::read(plan, f, inputs.path(&f.schema), &mut errors));
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = participants.expect("read without errors");
    let key = plan.participants.key;
    // By participant, then by effective date: each participant's first row
    // stands for it where one row is needed.
    rows.sort_by(|a, b| {
        a.1[key]
            .cmp(&b.1[key])
            .then_with(|| plan.participants.from.map_or(std::cmp::Ordering::Equal, |f| a.1[f].cmp(&b.1[f])))
    });
    let history = plan.participants.from.map(|from| History::new(plan, &rows, key, from));
    rows.dedup_by(|b, a| a.1[key] == b.1[key]);
    let ids: Vec<Arc<str>> = rows
        .iter()
        .map(|(_, r)| match &r[key] {
            Value::Text(t) => t.clone(),
            // INVARIANT: key columns are checked to be text.
            other => unreachable!("non-text key {other:?}"),
        })
        .collect();
    let index = IdIndex::new(&ids);
    // With a history, the rows in effect at the plan's start.
    let attributes: Vec<Vec<Value>> = match &history {
        Some(h) => (0..ids.len()).map(|p| h.in_period(p, 0).to_vec()).collect(),
        None => rows.into_iter().map(|(_, r)| r).collect(),
    };
    let lookups = plan
        .lookups
        .iter()
        .zip(lookups)
        .map(|(schema, table)| {
            let rows = table.expect("read without errors");
            let mut by_participant = vec![None; ids.len()];
            let rows: Vec<Vec<Value>> = rows.into_iter().map(|(_, r)| r).collect();
            for (i, r) in rows.iter().enumerate() {
                if let Value::Text(k) = &r[schema.key] {
                    if let Some(p) = index.get(k) {
                        by_participant[p] = Some(i);
                    }
                }
            }
            Lookup { rows, by_participant }
        })
        .collect();
    let splits = match &plan.splits {
        Some(schema) => {
            let find = |id: &str| index.get(id);
            let read =
                splits::read(schema, inputs.path(&schema.table), &plan.participants, &plan.events, find, &mut errors);
            Some(read.ok_or(errors)?)
        }
        None => None,
    };
    Ok(StaticData { ids, index, attributes, lookups, splits, history, fx })
}

pub(crate) type Rows = Vec<(usize, Vec<Value>)>;

/// A check of a whole row of a small table (the exchange rates' rate).
pub(crate) type RowCheck<'a> = dyn Fn(&[Value]) -> Option<RowProblem> + 'a;

/// Reads a small keyed table whole; rejects duplicate keys. With `dated` (a
/// date column), a key may appear once per date.
pub(crate) fn read_table(
    schema: &TableSchema,
    path: &Path,
    dated: Option<usize>,
    check: Option<&RowCheck<'_>>,
    errors: &mut Vec<DataError>,
) -> Option<Rows> {
    let before = errors.len();
    let mut rows: Rows = Vec::new();
    // Each key's (and date's) first record position (line, byte).
    let mut seen: HashMap<(String, Option<Value>), (usize, usize)> = HashMap::new();
    let result = for_each_record(schema, path, errors, |line, byte, values| {
        let owned: Vec<Value> = values.iter().map(|v| v.to_owned_value()).collect();
        if let Some(problem) = check.and_then(|c| c(&owned)) {
            return Err(problem);
        }
        if let Value::Text(k) = &owned[schema.key] {
            if let Some(padded) = padded_key(k, &schema.name, |_| None) {
                return Err(RowProblem { column: Some(schema.key), ..padded });
            }
            let date = dated.map(|d| owned[d].clone());
            if let (Some(&(first, first_byte)), Some(d), Some(Value::Date(on))) =
                (seen.get(&(k.to_string(), date.clone())), dated, &date)
            {
                let first = Line::read(path, first, first_byte).number;
                let on = on.format("%Y-%m-%d");
                return Err(RowProblem {
                    column: Some(d),
                    message: format!("`{k}` has two rows from {on} in `{}`", schema.name),
                    label: "the same date again".into(),
                    help: Some(format!(
                        "line {first} is already `{k}`'s row from {on}; each row is in effect from its own date until the next, so give each change one row"
                    )),
                });
            }
            if let Some(&(first, first_byte)) = seen.get(&(k.to_string(), date.clone())) {
                // The record position's line can be one short (CRLF): read it back.
                let first = Line::read(path, first, first_byte).number;
                return Err(RowProblem {
                    column: Some(schema.key),
                    message: format!("duplicate key `{k}` in `{}`", schema.name),
                    label: "again here".into(),
                    help: Some(format!(
                        "`{k}` is already on line {first}; each {} appears once",
                        schema.columns[schema.key].name
                    )),
                });
            }
            seen.insert((k.to_string(), date), (line, byte));
        }
        rows.push((line, owned));
        Ok(())
    });
    if result.is_err() || errors.len() > before {
        return None;
    }
    Some(rows)
}

/// A cell of `column` that does not read as its type: message, label, help.
pub(crate) fn cell_error(problem: cell::CellProblem, column: &str, text: &str) -> (String, String, String) {
    if text.is_empty() {
        return (
            format!("column `{column}` is empty"),
            "empty".into(),
            format!("fill in the cell: `{column}` is required (only `text?` columns may be empty)"),
        );
    }
    (
        format!("expected {} in column `{column}`, found `{text}`", problem.expected),
        format!("not {}", problem.expected),
        problem.help,
    )
}

/// A key with spaces around it (` R02`), which match no other table's key:
/// keys are compared exactly, never trimmed. `known` tells, for a key looked
/// up in `table`, whether the trimmed key is there.
pub(crate) fn padded_key(key: &str, table: &str, known: impl Fn(&str) -> Option<bool>) -> Option<RowProblem> {
    let trimmed = key.trim();
    let leading = key.chars().take_while(|c| c.is_whitespace()).count();
    let trailing = key.chars().rev().take_while(|c| c.is_whitespace()).count();
    let side = |n: usize, side: &str| if n == 1 { format!("a {side} space") } else { format!("{side} spaces") };
    let padding = match (leading, trailing) {
        _ if trimmed.is_empty() => return None,
        (0, 0) => return None,
        (n, 0) => side(n, "leading"),
        (0, n) => side(n, "trailing"),
        _ => "leading and trailing spaces".to_string(),
    };
    let them = if leading + trailing == 1 { "it" } else { "them" };
    let help = match known(trimmed) {
        Some(true) => format!("remove {them}: `{trimmed}` is in `{table}`"),
        Some(false) => format!("remove {them}, and add `{trimmed}` to `{table}` or correct the id"),
        None => format!("remove {them}; keys are compared exactly"),
    };
    Some(RowProblem { column: None, message: format!("`{key}` has {padding}"), label: padding, help: Some(help) })
}

/// A problem with a parsed row, reported against its line.
pub struct RowProblem {
    pub column: Option<usize>,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

/// Where each of the schema's columns is in the file's header; reports missing ones.
pub(crate) fn header_positions(
    schema: &TableSchema,
    shown: &str,
    path: &Path,
    headers: &csv::ByteRecord,
    errors: &mut Vec<DataError>,
) -> Option<Vec<usize>> {
    let header_names: Vec<String> = headers.iter().map(|h| String::from_utf8_lossy(h).trim().to_string()).collect();
    if header_names.is_empty() {
        // The csv parser skips blank lines: the file has nothing else.
        errors.push(empty_file(schema, shown));
        return None;
    }
    if header_names.iter().all(String::is_empty) {
        errors.push(located(
            shown,
            path,
            1,
            0,
            At::Row,
            format!("`{shown}` has no header"),
            "no column names".into(),
            Some(format!("the first line names the columns: {}", column_list(schema))),
        ));
        return None;
    }
    // Where each name is in the header (looked up, not searched: a plan's table
    // and a file's header can both be wide).
    let mut fields: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, h) in header_names.iter().enumerate() {
        fields.entry(h.as_str()).or_default().push(i);
    }
    // Header fields that name no column of the schema: a missing column may be
    // one of them, misspelt.
    let declared: hashbrown::HashSet<&str> = schema.columns.iter().map(|c| c.name.as_str()).collect();
    let unclaimed: Vec<usize> =
        (0..header_names.len()).filter(|&i| !declared.contains(header_names[i].as_str())).collect();
    let mut positions = Vec::with_capacity(schema.columns.len());
    let before = errors.len();
    for c in &schema.columns {
        if errors.len() - before >= MAX_ERRORS {
            stop(errors);
            return None;
        }
        if let Some(found) = fields.get(c.name.as_str()) {
            // The same column twice: which one holds the values is anyone's guess.
            if let Some(&again) = found.get(1) {
                let message = format!("`{shown}` has two columns `{}`", c.name);
                let help = format!("keep one column `{}`: rename or remove the other", c.name);
                errors.push(located(shown, path, 1, 0, At::Field(again), message, "again here".into(), Some(help)));
            }
            positions.push(found[0]);
            continue;
        }
        let message = format!("`{shown}` has no column `{}`", c.name);
        let (at, label, help) = match misspelt(&c.name, &header_names, &unclaimed) {
            Some((i, true)) => (
                At::Field(i),
                format!("case differs from `{}`", c.name),
                format!("column names are case-sensitive: rename `{}` to `{}`", header_names[i], c.name),
            ),
            Some((i, false)) => (
                At::Field(i),
                format!("`{}` misspelt?", c.name),
                format!("rename `{}` to `{}`", header_names[i], c.name),
            ),
            None => (
                At::Row,
                format!("the header has no `{}`", c.name),
                format!("add a `{}` column; the header has {}", c.name, header_names.join(", ")),
            ),
        };
        errors.push(located(shown, path, 1, 0, at, message, label, Some(help)));
    }
    (errors.len() == before).then_some(positions)
}

/// The unclaimed header field most like `column`, if one is close, and whether
/// it differs only in case.
fn misspelt(column: &str, header: &[String], unclaimed: &[usize]) -> Option<(usize, bool)> {
    let lower = column.to_lowercase();
    if let Some(&i) = unclaimed.iter().find(|&&i| header[i].to_lowercase() == lower) {
        return Some((i, true));
    }
    let score = |i: usize| strsim::jaro_winkler(&lower, &header[i].to_lowercase());
    unclaimed
        .iter()
        .copied()
        .filter(|&i| score(i) > 0.8)
        .max_by(|&a, &b| score(a).total_cmp(&score(b)))
        .map(|i| (i, false))
}

/// Opens a table's file.
pub(crate) fn open_table(schema: &TableSchema, path: &Path, shown: &str) -> Result<std::fs::File, Box<DataError>> {
    let table = &schema.name;
    let help = "check the path; `--data DIR` reads DIR/<table>.csv, `--table NAME=PATH` names one file";
    let (message, help) = match std::fs::File::open(path) {
        Ok(f) if !f.metadata().is_ok_and(|m| m.is_dir()) => return Ok(f),
        Ok(_) => (format!("`{shown}` is a folder, not a file for table `{table}`"), help),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (format!("no file `{shown}` for table `{table}`"), help),
        Err(e) => {
            let help =
                if e.kind() == std::io::ErrorKind::PermissionDenied { "check the file's permissions" } else { help };
            (format!("cannot read `{shown}` for table `{table}`: {}", io_reason(&e)), help)
        }
    };
    Err(Box::new(DataError::file(shown, message, Some(help.into()))))
}

/// A file with no header, not even a blank one.
pub(crate) fn empty_file(schema: &TableSchema, shown: &str) -> DataError {
    DataError::file(
        shown,
        format!("`{shown}` is empty"),
        Some(format!("the first line names the columns: {}", column_list(schema))),
    )
}

/// The schema's columns as a header line: `id,date,rep`.
fn column_list(schema: &TableSchema) -> String {
    schema.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(",")
}

/// Reads a CSV file against its schema, calling `f` with each row's record
/// position (1-based line, byte offset; see [`Line::read`]) and typed values.
/// Errors are collected (up to [`MAX_ERRORS`]).
fn for_each_record<F>(schema: &TableSchema, path: &Path, errors: &mut Vec<DataError>, mut f: F) -> Result<(), ()>
where
    F: FnMut(usize, usize, &[Val<'_>]) -> Result<(), RowProblem>,
{
    if errors.len() >= MAX_ERRORS {
        // Reading stopped in an earlier table.
        return Err(());
    }
    let shown = path.display().to_string();
    let file = match open_table(schema, path, &shown) {
        Ok(f) => f,
        Err(e) => {
            errors.push(*e);
            return Err(());
        }
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(csv_error(&shown, path, e));
            return Err(());
        }
    };
    let before = errors.len();
    let Some(positions) = header_positions(schema, &shown, path, &headers, errors) else {
        let header_end = reader.position().byte() as usize;
        if let Some(quote) = unclosed_quote_in_file(path, 0).filter(|q| q.offset < header_end) {
            // The header swallowed the file.
            errors.truncate(before);
            errors.push(unclosed_quote_error(&shown, path, 1, 0, quote));
        }
        return Err(());
    };
    let mut record = csv::ByteRecord::new();
    // The last record's position, and the errors before it.
    let mut last = None;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                errors.push(csv_error(&shown, path, e));
                return Err(());
            }
        }
        let pos = record.position().expect("records read from a reader have a position");
        let (line, byte) = (pos.line() as usize, pos.byte() as usize);
        last = Some((line, byte, errors.len()));
        let mut row: Vec<Val<'_>> = Vec::with_capacity(schema.columns.len());
        let mut bad = false;
        for (ci, c) in schema.columns.iter().enumerate() {
            let raw = record.get(positions[ci]).unwrap_or_default();
            let text = match std::str::from_utf8(raw) {
                Ok(t) => t,
                Err(_) => {
                    errors.push(located(
                        &shown,
                        path,
                        line,
                        byte,
                        Some(positions[ci]),
                        format!("column `{}` is not valid UTF-8", c.name),
                        "bytes that are not UTF-8".into(),
                        Some("save the file as UTF-8 (Excel: CSV UTF-8)".into()),
                    ));
                    bad = true;
                    continue;
                }
            };
            match cell::parse(text, c.ty, c.optional) {
                Ok(v) => row.push(v),
                Err(p) => {
                    let (message, label, help) = cell_error(p, &c.name, text);
                    errors.push(located(&shown, path, line, byte, Some(positions[ci]), message, label, Some(help)));
                    bad = true;
                }
            }
        }
        if !bad {
            if let Err(problem) = f(line, byte, &row) {
                errors.push(located(
                    &shown,
                    path,
                    line,
                    byte,
                    problem.column.map(|c| positions[c]),
                    problem.message,
                    problem.label,
                    problem.help,
                ));
            }
        }
        if errors.len() >= MAX_ERRORS {
            stop(errors);
            return Err(());
        }
    }
    // A field left open runs to the end of the file: it is in the last record,
    // which may even have parsed.
    if let Some((line, byte, before)) = last {
        if let Some(quote) = unclosed_quote_in_file(path, byte) {
            errors.truncate(before);
            errors.push(unclosed_quote_error(&shown, path, line, byte, quote));
            return Err(());
        }
    }
    Ok(())
}

/// The error for a quoted field never closed: `quote` was found scanning from
/// the record position (`line`, `byte`).
pub(crate) fn unclosed_quote_error(shown: &str, path: &Path, line: usize, byte: usize, quote: OpenQuote) -> DataError {
    located(
        shown,
        path,
        line + quote.newlines,
        byte + quote.line_start,
        At::Bytes { offset: byte + quote.offset, len: 1 },
        "a quoted field is never closed".into(),
        "opened here: the rest of the file reads as this one field".into(),
        Some("close the quote; write `\"\"` for a quote inside a quoted field".into()),
    )
}

/// A quoted field left open in `path`, scanning from the record at `byte`.
fn unclosed_quote_in_file(path: &Path, byte: usize) -> Option<OpenQuote> {
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(SeekFrom::Start(byte as u64)).ok()?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    // The csv parser skips a byte-order mark at the start of the file.
    let skipped = if byte == 0 && reader.fill_buf().ok()?.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    reader.consume(skipped);
    let mut scan = QuoteScan::default();
    loop {
        let buf = reader.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        scan.feed(buf);
        let n = buf.len();
        reader.consume(n);
    }
    scan.finish().map(|q| OpenQuote { offset: q.offset + skipped, line_start: q.line_start + skipped, ..q })
}

/// Marks the last error as the one after which reading stopped.
pub(crate) fn stop(errors: &mut [DataError]) {
    if let Some(last) = errors.last_mut() {
        last.stopped = true;
    }
}

fn csv_error(shown: &str, path: &Path, e: csv::Error) -> DataError {
    let pos = e.position().cloned();
    let (message, help) = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos: Some(p), expected_len, len } => {
            let (line, byte) = (p.line() as usize, p.byte() as usize);
            return match unclosed_quote_in_file(path, byte) {
                Some(quote) => unclosed_quote_error(shown, path, line, byte, quote),
                None => ragged_row(shown, path, line, byte, *len as usize, *expected_len as usize),
            };
        }
        csv::ErrorKind::Utf8 { .. } => {
            ("the file is not valid UTF-8".to_string(), Some("save the file as UTF-8 (Excel: CSV UTF-8)".to_string()))
        }
        csv::ErrorKind::Io(io) => (format!("cannot read `{shown}`: {}", io_reason(io)), None),
        _ => (format!("cannot read `{shown}`: {e}"), None),
    };
    match pos {
        Some(p) => located(shown, path, p.line() as usize, p.byte() as usize, None, message, "this row".into(), help),
        None => DataError::file(shown, message, help),
    }
}

/// A row with more or fewer fields than the header.
pub(crate) fn ragged_row(shown: &str, path: &Path, line: usize, byte: usize, len: usize, width: usize) -> DataError {
    let row = Line::read(path, line, byte);
    let fields = source::field_ranges(&row.text);
    let message = format!("row has {}, the header has {width}", count(len, "field"));
    // The fields of the line are the record's unless a quoted field spans lines.
    let whole = fields.len() == len;
    if len < width {
        let missing = count(width - len, "field");
        let help = format!(
            "each row has {width} fields, one per column of the header; an empty field is nothing between two commas"
        );
        return row.error(shown, At::Row, message, format!("{missing} missing"), Some(help));
    }
    if let Some((from, to)) = split_number(&row.text, &fields).filter(|&(from, to)| whole && to - from <= len - width) {
        let number = &row.text[fields[from].0..fields[to].1];
        let help = format!(
            "`{number}` looks like a number with a thousands separator, which splits it into {} fields; write `{}`",
            to - from + 1,
            number.replace(',', "")
        );
        let label = format!("read as {}", count(to - from + 1, "field"));
        return row.error(shown, At::Fields(from, to), message, label, Some(help));
    }
    if !whole {
        let help = "a field may contain a comma only inside double quotes";
        return row.error(shown, At::Row, message, "this row".into(), Some(help.into()));
    }
    let help = match len - width {
        _ if fields[width..].iter().any(|(s, e)| s != e) => "a field may contain a comma only inside double quotes",
        1 => "remove the comma at the end of the row: it adds an empty field",
        _ => "remove the commas at the end of the row: each adds an empty field",
    };
    let label = format!("{} extra", count(len - width, "field"));
    row.error(shown, At::Fields(width, len - 1), message, label, Some(help.into()))
}

/// Fields `from..=to` that look like one number split at its thousands
/// separators: `148` `000.50`, or `-1` `234` `567`.
fn split_number(text: &str, fields: &[(usize, usize)]) -> Option<(usize, usize)> {
    let field = |i: usize| &text[fields[i].0..fields[i].1];
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (0..fields.len()).find_map(|from| {
        let lead = field(from).strip_prefix(['-', '+']).unwrap_or(field(from));
        if !digits(lead) || lead.len() > 3 {
            return None;
        }
        let mut to = from;
        while to + 1 < fields.len() {
            let next = field(to + 1);
            let (group, fraction) = next.split_once('.').map_or((next, None), |(g, f)| (g, Some(f)));
            if group.len() != 3 || !digits(group) || fraction.is_some_and(|f| !digits(f)) {
                break;
            }
            to += 1;
            if fraction.is_some() {
                break;
            }
        }
        (to > from).then_some((from, to))
    })
}

/// `1 field`, `2 fields`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Where in its line a diagnostic points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    /// The whole line.
    Row,
    /// One field (an empty one gets a caret where it would be).
    Field(usize),
    /// Fields `from` to `to`, both included.
    Fields(usize, usize),
    /// `len` bytes from the byte at `offset` in the file.
    Bytes { offset: usize, len: usize },
}

impl From<Option<usize>> for At {
    fn from(field: Option<usize>) -> At {
        field.map_or(At::Row, At::Field)
    }
}

/// An error at a record of a file (the csv crate's record position: `line`,
/// `byte`); reads the line back for display.
#[allow(clippy::too_many_arguments)]
pub(crate) fn located(
    shown: &str,
    path: &Path,
    line: usize,
    byte: usize,
    at: impl Into<At>,
    message: String,
    label: String,
    help: Option<String>,
) -> DataError {
    Line::read(path, line, byte).error(shown, at.into(), message, label, help)
}

impl Line {
    /// An error on this line.
    pub(crate) fn error(
        self,
        shown: &str,
        at: At,
        message: String,
        mut label: String,
        help: Option<String>,
    ) -> DataError {
        let Line { number, start, mut text } = self;
        let fields = source::field_ranges(&text);
        let mut span = match at {
            At::Row => Some((0, text.len())),
            At::Field(i) => fields.get(i).copied(),
            At::Fields(from, to) => fields.get(from).zip(fields.get(to)).map(|(a, b)| (a.0, b.1)),
            At::Bytes { offset, len } => {
                offset.checked_sub(start).filter(|&s| s < text.len()).map(|s| (s, (s + len).min(text.len())))
            }
        };
        if span.is_none() && text.len() as u64 >= source::MAX_LINE_BYTES {
            // Past the part of a very long line that was read back: point at
            // its end, so that the file, line and column are still shown.
            span = Some((text.len(), text.len()));
            label = format!("{label}, further on (the line is longer than {} KiB)", source::MAX_LINE_BYTES / 1024);
        }
        if matches!(span, Some((s, e)) if s == e && s == text.len()) {
            // miette draws nothing for an empty span at the end of a line: give
            // the caret a blank to point at.
            text.push(' ');
        }
        DataError {
            message,
            source_code: Some(Snippet { name: shown.to_string(), text, first_line: number.saturating_sub(1) }),
            span: span.map(|(s, e)| (s, e - s).into()),
            label,
            help,
            file: shown.to_string(),
            line: Some(number),
            stopped: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Option<&str> {
        let fields = source::field_ranges(line);
        split_number(line, &fields).map(|(from, to)| &line[fields[from].0..fields[to].1])
    }

    #[test]
    fn numbers_split_by_thousands_commas() {
        assert_eq!(split("S2,2024-02-10,R02,false,148,000.50"), Some("148,000.50"));
        assert_eq!(split("S3,-1,234,567.89,R01"), Some("-1,234,567.89"));
        assert_eq!(split("S4,12,345"), Some("12,345"));
        assert_eq!(split("S5,2024-02-10,R02,false,148000.50,x"), None);
        assert_eq!(split("S6,1234,567"), None);
        assert_eq!(split("S7,12,34.5"), None);
    }

    #[test]
    fn padded_keys() {
        let message = |key: &str| padded_key(key, "roster", |_| None).map(|p| p.message);
        assert_eq!(message(" R02").as_deref(), Some("` R02` has a leading space"));
        assert_eq!(message("R02  ").as_deref(), Some("`R02  ` has trailing spaces"));
        assert_eq!(message("\u{a0}R02 ").as_deref(), Some("`\u{a0}R02 ` has leading and trailing spaces"));
        assert_eq!(message("\u{a0}R02").as_deref(), Some("`\u{a0}R02` has a leading space"));
        assert_eq!(message("R02"), None);
        assert_eq!(message("  "), None);
        let help = |known| padded_key(" R02", "roster", |_| Some(known)).and_then(|p| p.help);
        assert_eq!(help(true).as_deref(), Some("remove it: `R02` is in `roster`"));
        assert_eq!(help(false).as_deref(), Some("remove it, and add `R02` to `roster` or correct the id"));
    }
}
