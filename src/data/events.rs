//! Streaming the events table, in parallel.
//!
//! The file is read in blocks that end on a record boundary (a newline outside
//! quotes: a newline is inside a quoted field exactly when an odd number of
//! quotes precede it in the record stream). Blocks go through a bounded channel
//! to worker threads, each feeding its own sink, so memory holds a few blocks
//! and the sinks' state — never the file. Workers receive blocks in file order,
//! so each one's errors are in line order and the first [`MAX_ERRORS`] errors
//! overall are always found, whatever the thread count.

use super::cell;
use super::records::{Fields, Record, Records};
use super::source::find_unclosed_quote;
use super::{
    cell_error, empty_file, header_positions, io_reason, located, open_table, padded_key, ragged_row, stop,
    unclosed_quote_error, At, DataError, OpenQuote, RowProblem, StaticData, MAX_ERRORS,
};
use crate::check::Plan;
use crate::value::{recycle, Val};
use rust_decimal::Decimal;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc;

/// Blocks are about this long: a few in flight per worker, each small enough
/// to stay in a core's cache from the read to the parse.
const BLOCK_BYTES: usize = 1 << 18;
/// The least read at a time.
const READ_BYTES: usize = 1 << 16;
/// A record may be at most this long. Longer is a quote left open (the rest
/// of the file would be one field) or no CSV at all; reading on would hold
/// the rest of the file in memory.
const MAX_RECORD_BYTES: usize = 64 << 20;

/// Receives the valid rows of the events table, each with its participant and period.
pub trait EventSink: Send {
    fn push(&mut self, line: usize, participant: usize, period: usize, row: &[Val<'_>]) -> Result<(), RowProblem>;

    /// The columns to parse, by schema index; `None` (the default): the ones
    /// the plan's rules read. A sink feeding several plans returns their union.
    fn columns(&self) -> Option<Vec<bool>> {
        None
    }
}

pub(crate) struct Block {
    pub(crate) bytes: Vec<u8>,
    /// Byte offset of `bytes[0]` in the file.
    offset: usize,
    /// 1-based line number of the block's first line.
    pub(crate) first_line: usize,
    /// In the last block: a quoted field never closed (it runs to the end of
    /// the file), found from the block's start.
    open_quote: Option<OpenQuote>,
}

/// Streams the events table through `sinks` (one worker thread each) and
/// returns them for merging.
pub fn stream_events<S: EventSink>(
    plan: &Plan,
    statics: &StaticData,
    path: &Path,
    mut sinks: Vec<S>,
) -> Result<Vec<S>, Vec<DataError>> {
    let shown = path.display().to_string();
    let schema = &plan.events;
    let mut errors = Vec::new();
    let mut file = open_table(schema, path, &shown).map_err(|e| vec![*e])?;
    let mut reader = BlockReader::new(&mut file, path);
    // The header: the first record.
    let first = match reader.next_block(&shown, true) {
        Ok(Some(b)) => b,
        Ok(None) => return Err(vec![empty_file(schema, &shown)]),
        Err(e) => return Err(vec![*e]),
    };
    let mut header_reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&first.bytes[..]);
    let mut headers = csv::ByteRecord::new();
    let _ = header_reader.read_byte_record(&mut headers);
    let Some(positions) = header_positions(schema, &shown, path, &headers, &mut errors) else {
        if let Some(quote) = first.open_quote {
            // The header swallowed the file.
            return Err(vec![unclosed_quote_error(&shown, path, first.first_line, first.offset, quote)]);
        }
        return Err(errors);
    };
    let used = sinks.first().and_then(EventSink::columns).unwrap_or_else(|| plan.used_event_columns());
    let readers = Readers::new(plan, &used, &positions);
    let ctx =
        Context { plan, statics, path, shown: &shown, positions: &positions, width: headers.len(), used, readers };
    let workers = sinks.len().max(1);
    // One queue that idle workers pull from: a worker that falls behind does
    // not hold the others up. A worker takes blocks in file order.
    let (sender, receiver) = mpsc::sync_channel::<Block>(2 * workers);
    let receiver = std::sync::Mutex::new(receiver);
    // Parsed blocks go back to the reader, to be read into again.
    let (give_back, given_back) = mpsc::channel::<Vec<u8>>();
    let (results, read_error) = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for mut sink in sinks.drain(..) {
            let (ctx, receiver, give_back) = (&ctx, &receiver, give_back.clone());
            handles.push(scope.spawn(move || {
                let mut errors = Vec::new();
                loop {
                    // INVARIANT: the lock is held only to take a block, never while parsing.
                    let next = receiver.lock().map_or(Err(mpsc::RecvError), |r| r.recv());
                    let Ok(block) = next else { break };
                    if errors.len() < MAX_ERRORS {
                        ctx.parse_block(&block, &mut sink, &mut errors);
                    }
                    let _ = give_back.send(block.bytes);
                }
                (sink, errors)
            }));
        }
        let mut read_error = None;
        loop {
            for bytes in given_back.try_iter() {
                reader.give_back(bytes);
            }
            match reader.next_block(&shown, false) {
                Ok(Some(block)) => {
                    if sender.send(block).is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            }
        }
        drop(sender);
        let results: Vec<(S, Vec<(usize, DataError)>)> =
            handles.into_iter().map(|h| h.join().expect("a worker panicked")).collect();
        (results, read_error)
    });
    let mut all_errors: Vec<(usize, DataError)> = Vec::new();
    let mut out = Vec::with_capacity(results.len());
    // A worker stops parsing at MAX_ERRORS errors of its own.
    let mut stopped = false;
    for (sink, errs) in results {
        out.push(sink);
        stopped |= errs.len() >= MAX_ERRORS;
        all_errors.extend(errs);
    }
    all_errors.sort_by_key(|(line, _)| *line);
    stopped |= all_errors.len() > MAX_ERRORS;
    let mut errors: Vec<DataError> = all_errors.into_iter().map(|(_, e)| e).take(MAX_ERRORS).collect();
    if stopped {
        stop(&mut errors);
    }
    errors.extend(read_error.map(|e| *e));
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

struct Context<'a> {
    plan: &'a Plan,
    statics: &'a StaticData,
    path: &'a Path,
    shown: &'a str,
    /// Field index of each schema column.
    positions: &'a [usize],
    /// Fields in the header.
    width: usize,
    /// Columns some rule reads; the others are not parsed.
    used: Vec<bool>,
    /// The used columns grouped by how they are read, so that each loop over
    /// them takes the same branches row after row (a loop switching on each
    /// column's type mispredicts at nearly every column).
    readers: Readers,
}

/// Used columns (schema index, field index) by the way they are read.
struct Readers {
    /// The date that places a row in its period.
    date: (usize, usize),
    /// Required text: taken as it is.
    texts: Vec<(usize, usize)>,
    /// Required money and decimals.
    numbers: Vec<(usize, usize)>,
    /// The rest (flags, integers, percentages, optional cells), read by [`cell::parse`].
    others: Vec<(usize, usize)>,
}

impl Readers {
    fn new(plan: &Plan, used: &[bool], positions: &[usize]) -> Self {
        use crate::check::ColumnType;
        // INVARIANT: the checker requires a date column on the events table.
        let date = plan.events.date.expect("events have a date");
        let mut readers =
            Readers { date: (date, positions[date]), texts: Vec::new(), numbers: Vec::new(), others: Vec::new() };
        for (ci, c) in plan.events.columns.iter().enumerate() {
            if !used[ci] || ci == date {
                continue;
            }
            let at = (ci, positions[ci]);
            match c.ty {
                ColumnType::Text if !c.optional => readers.texts.push(at),
                ColumnType::Money | ColumnType::Decimal if !c.optional => readers.numbers.push(at),
                _ => readers.others.push(at),
            }
        }
        readers
    }
}

impl Context<'_> {
    /// Reads one block. Valid UTF-8 without an unclosed quote (nearly every
    /// block) takes the fast path; anything else the general one, which
    /// locates those faults precisely.
    fn parse_block<S: EventSink>(&self, block: &Block, sink: &mut S, errors: &mut Vec<(usize, DataError)>) {
        if block.open_quote.is_none() {
            if let Ok(text) = simdutf8::basic::from_utf8(&block.bytes) {
                return self.parse_text(block, text, sink, errors);
            }
        }
        self.parse_general(block, sink, errors);
    }

    /// The fast path: records split by [`Records`]; quoted ones read by the
    /// `csv` crate.
    fn parse_text<S: EventSink>(&self, block: &Block, text: &str, sink: &mut S, errors: &mut Vec<(usize, DataError)>) {
        let mut records = Records::new(text);
        let mut fields = Fields::new(text);
        let mut spare = Scratch::new(self.plan.events.columns.len());
        while let Some((at, record)) = records.next_record(&mut fields) {
            let line = block.first_line + at.line;
            let byte = block.offset + at.byte;
            let report = |field: Option<usize>, message: String, label: String, help: Option<String>| {
                (line, located(self.shown, self.path, line, byte, field, message, label, help))
            };
            match record {
                Record::Plain => self.process(&fields, (line, byte), &mut spare, sink, errors, &report),
                Record::Complex(raw) => {
                    let mut reader =
                        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(raw.as_bytes());
                    let mut quoted = csv::StringRecord::new();
                    match reader.read_record(&mut quoted) {
                        Ok(_) => {
                            let texts: Vec<&str> = quoted.iter().collect();
                            self.process(&texts, (line, byte), &mut spare, sink, errors, &report);
                        }
                        Err(e) => {
                            errors.push(report(None, format!("cannot read the row: {e}"), "this row".into(), None))
                        }
                    }
                }
            }
            if errors.len() >= MAX_ERRORS {
                return;
            }
        }
    }

    /// One record's fields: width, typed cells, participant and period, then the sink.
    fn process<'r, S: EventSink>(
        &self,
        fields: &impl FieldSource<'r>,
        (line, byte): (usize, usize),
        spare: &mut Scratch,
        sink: &mut S,
        errors: &mut Vec<(usize, DataError)>,
        report: &dyn Fn(Option<usize>, String, String, Option<String>) -> (usize, DataError),
    ) {
        let schema = &self.plan.events;
        if fields.count() != self.width {
            errors.push((line, ragged_row(self.shown, self.path, line, byte, fields.count(), self.width)));
            return;
        }
        // The participant first: its index lookup is a likely cache miss,
        // which the cells' parsing below (independent of it) can overlap.
        let key = self.plan.events.key;
        let participant = self.statics.participant(fields.field(self.positions[key]));
        let mut row = recycle(std::mem::take(&mut spare.row));
        // Unused columns keep a placeholder: no rule reads them.
        row.resize(schema.columns.len(), Val::Bool(false));
        let (date_column, date_field) = self.readers.date;
        let (mut period, mut bad) = (None, false);
        match spare.date(fields.field(date_field), &self.plan.calendar) {
            Some((date, t)) => {
                row[date_column] = Val::Date(date);
                period = t;
            }
            None => bad = true,
        }
        for &(ci, field) in &self.readers.texts {
            let text = fields.field(field);
            bad |= text.is_empty();
            row[ci] = Val::Text(text);
        }
        for &(ci, field) in &self.readers.numbers {
            let text = fields.field(field);
            match cell::short_decimal(text) {
                Some((mantissa, scale)) => row[ci] = Val::Num(Decimal::new(mantissa, scale)),
                None => match cell::long_decimal(text) {
                    Some(x) => row[ci] = Val::Num(x),
                    None => bad = true,
                },
            }
        }
        for &(ci, field) in &self.readers.others {
            match cell::parse(fields.field(field), schema.columns[ci].ty, schema.columns[ci].optional) {
                Ok(v) => row[ci] = v,
                Err(_) => bad = true,
            }
        }
        if bad {
            // Report the first bad cell in column order, with its reason.
            let first = schema.columns.iter().enumerate().filter(|(ci, _)| self.used[*ci]).find_map(|(ci, c)| {
                let text = fields.field(self.positions[ci]);
                cell::parse(text, c.ty, c.optional).err().map(|p| (ci, c, text, p))
            });
            // INVARIANT: the readers above reject exactly what `cell::parse` rejects.
            let (ci, c, text, problem) = first.expect("a rejected cell is rejected again");
            let (message, label, help) = cell_error(problem, &c.name, text);
            errors.push(report(Some(self.positions[ci]), message, label, Some(help)));
        }
        if !bad {
            if let Err(problem) = self.place(&row, participant, period).and_then(|(p, t)| sink.push(line, p, t, &row)) {
                errors.push(report(
                    problem.column.map(|c| self.positions[c]),
                    problem.message,
                    problem.label,
                    problem.help,
                ));
            }
        }
        spare.row = recycle(row);
    }

    /// The general path: the `csv` crate over bytes, each field checked as UTF-8.
    fn parse_general<S: EventSink>(&self, block: &Block, sink: &mut S, errors: &mut Vec<(usize, DataError)>) {
        let schema = &self.plan.events;
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&block.bytes[..]);
        let mut record = csv::ByteRecord::new();
        let mut spare = Scratch::new(schema.columns.len());
        // Whether the block's unclosed quote was reported with its (bad) record.
        let quote_reported = std::cell::Cell::new(false);
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let (line, byte) = e.position().map_or((0, 0), |p| (p.line() as usize, p.byte() as usize));
                    let line = block.first_line + line.saturating_sub(1);
                    errors.push((
                        line,
                        located(
                            self.shown,
                            self.path,
                            line,
                            block.offset + byte,
                            None,
                            format!("cannot read the row: {e}"),
                            "this row".into(),
                            None,
                        ),
                    ));
                    return;
                }
            }
            let pos = record.position().expect("records read from a reader have a position");
            let line = block.first_line + pos.line() as usize - 1;
            let byte = block.offset + pos.byte() as usize;
            // The record's error, unless it holds the block's unclosed quote.
            let unclosed = || {
                let (start, end) = (pos.byte() as usize, reader.position().byte() as usize);
                let quote = block.open_quote.filter(|q| (start..end).contains(&q.offset))?;
                quote_reported.set(true);
                Some(self.unclosed_quote(block, quote))
            };
            let report = |field: Option<usize>, message: String, label: String, help: Option<String>| {
                let error = unclosed()
                    .unwrap_or_else(|| located(self.shown, self.path, line, byte, field, message, label, help));
                (line, error)
            };
            if record.len() != self.width {
                let error = unclosed()
                    .unwrap_or_else(|| ragged_row(self.shown, self.path, line, byte, record.len(), self.width));
                errors.push((line, error));
                if errors.len() >= MAX_ERRORS {
                    return;
                }
                continue;
            }
            // Fields as text; the first that is not UTF-8 is the row's error.
            let mut texts: Vec<&str> = Vec::with_capacity(record.len());
            // The first field of a schema column that is not UTF-8 is the
            // row's error; extra header columns are ignored, whatever they hold.
            let mut bad_utf8 = None;
            for (i, raw) in record.iter().enumerate() {
                match std::str::from_utf8(raw) {
                    Ok(t) => texts.push(t),
                    Err(_) => match self.positions.iter().position(|&f| f == i) {
                        Some(column) => {
                            bad_utf8 = Some((i, column));
                            break;
                        }
                        None => texts.push(""),
                    },
                }
            }
            if let Some((field, column)) = bad_utf8 {
                errors.push(report(
                    Some(field),
                    format!("column `{}` is not valid UTF-8", schema.columns[column].name),
                    "bytes that are not UTF-8".into(),
                    Some("save the file as UTF-8 (Excel: CSV UTF-8)".into()),
                ));
            } else {
                self.process(&texts, (line, byte), &mut spare, sink, errors, &report);
            }
            if errors.len() >= MAX_ERRORS {
                return;
            }
        }
        // The record holding the unclosed quote parsed: report it all the same.
        if let Some(quote) = block.open_quote.filter(|_| !quote_reported.get()) {
            errors.push((block.first_line + quote.newlines, self.unclosed_quote(block, quote)));
        }
    }

    /// The error for the quote left open in `block`.
    fn unclosed_quote(&self, block: &Block, quote: OpenQuote) -> DataError {
        unclosed_quote_error(self.shown, self.path, block.first_line, block.offset, quote)
    }

    /// The row's participant (`participant`: its id looked up) and period.
    fn place(
        &self,
        row: &[Val<'_>],
        participant: Option<usize>,
        period: Option<usize>,
    ) -> Result<(usize, usize), RowProblem> {
        let calendar = &self.plan.calendar;
        let schema = &self.plan.events;
        let (key, date) = (schema.key, self.readers.date.0);
        let Val::Text(id) = row[key] else { unreachable!("text key") };
        let Some(p) = participant else {
            if let Some(padded) =
                padded_key(id, &self.plan.participants.name, |k| Some(self.statics.participant(k).is_some()))
            {
                return Err(RowProblem { column: Some(key), ..padded });
            }
            return Err(RowProblem {
                column: Some(key),
                message: format!("unknown participant `{id}`"),
                label: format!("not in `{}`", self.plan.participants.name),
                help: Some(format!(
                    "every `{}` must be a participant of `{}`; add `{id}` there or correct the id",
                    schema.columns[key].name, self.plan.participants.name
                )),
            });
        };
        let Val::Date(d) = row[date] else { unreachable!("date column") };
        let Some(t) = period else {
            let (first, last) = (&calendar.periods[0], calendar.periods.last().expect("periods"));
            return Err(RowProblem {
                column: Some(date),
                message: format!("date `{}` is outside the plan's periods", d.format("%Y-%m-%d")),
                label: "outside the plan".into(),
                help: Some(format!(
                    "the plan runs from {} to {}; remove rows of other periods from the file",
                    first.start.format("%Y-%m-%d"),
                    last.end.format("%Y-%m-%d")
                )),
            });
        };
        Ok((p, t))
    }
}

/// A record's fields, however they were split.
trait FieldSource<'r> {
    fn count(&self) -> usize;
    fn field(&self, i: usize) -> &'r str;
}

impl<'r> FieldSource<'r> for Fields<'r> {
    fn count(&self) -> usize {
        Fields::count(self)
    }
    #[inline]
    fn field(&self, i: usize) -> &'r str {
        self.get(i)
    }
}

impl<'r> FieldSource<'r> for Vec<&'r str> {
    fn count(&self) -> usize {
        self.len()
    }
    fn field(&self, i: usize) -> &'r str {
        self[i]
    }
}

/// A worker's buffers, reused from row to row.
struct Scratch {
    row: Vec<Val<'static>>,
    /// The last date read, with its period: rows come mostly in date order,
    /// so most rows repeat the previous row's date.
    last_date: Option<([u8; 10], chrono::NaiveDate, Option<usize>)>,
}

impl Scratch {
    fn new(columns: usize) -> Self {
        Scratch { row: Vec::with_capacity(columns), last_date: None }
    }

    /// The date in `text` and its period in `calendar` (`None`: outside it).
    fn date(&mut self, text: &str, calendar: &crate::check::Calendar) -> Option<(chrono::NaiveDate, Option<usize>)> {
        if let Some((last, date, period)) = &self.last_date {
            if text.as_bytes() == last {
                return Some((*date, *period));
            }
        }
        let date = cell::date(text)?;
        let period = calendar.period_of(date);
        if let Ok(bytes) = text.as_bytes().try_into() {
            self.last_date = Some((bytes, date, period));
        }
        Some((date, period))
    }
}

/// Reads a file in blocks that end on record boundaries (a newline outside
/// quotes), a UTF-8 byte order mark dropped.
///
/// Blocks handed back with [`BlockReader::give_back`] are read into again:
/// a fresh buffer per block would be fresh pages per block, and the kernel's
/// page faults cost more than the parsing of the rows in them.
pub(crate) struct BlockReader<'f> {
    file: &'f mut std::fs::File,
    path: &'f Path,
    /// The start of the next block: what followed the last record boundary.
    carry: Vec<u8>,
    /// Buffers of blocks done with, for the next blocks.
    spare: Vec<Vec<u8>>,
    offset: usize,
    line: usize,
    eof: bool,
}

impl<'f> BlockReader<'f> {
    pub(crate) fn new(file: &'f mut std::fs::File, path: &'f Path) -> Self {
        BlockReader { file, path, carry: Vec::new(), spare: Vec::new(), offset: 0, line: 1, eof: false }
    }

    /// Hands back a block's buffer for a later block to be read into.
    pub(crate) fn give_back(&mut self, mut bytes: Vec<u8>) {
        bytes.clear();
        self.spare.push(bytes);
    }

    /// An empty buffer a whole block fits in: no more (a page of memory costs
    /// the kernel more to hand out the first time than to parse the rows in it).
    fn buffer(&mut self) -> Vec<u8> {
        self.spare.pop().unwrap_or_else(|| Vec::with_capacity(BLOCK_BYTES + READ_BYTES))
    }

    /// The next block; with `one_record`, just the first record (the header).
    pub(crate) fn next_block(&mut self, shown: &str, one_record: bool) -> Result<Option<Block>, Box<DataError>> {
        let mut buf = std::mem::take(&mut self.carry);
        // Scanned once as it grows: rescanning the whole buffer after each
        // read was quadratic in the length of a record left open.
        let mut boundaries = Boundaries::default();
        loop {
            boundaries.feed(&buf);
            let cut = if one_record { boundaries.first } else { boundaries.last };
            if let Some(cut) = cut.filter(|_| one_record || buf.len() >= BLOCK_BYTES || self.eof) {
                self.carry = self.buffer();
                self.carry.extend_from_slice(&buf[cut..]);
                buf.truncate(cut);
                return Ok(Some(self.emit(buf)));
            }
            if cut.is_none() && buf.len() >= MAX_RECORD_BYTES {
                return Err(Box::new(self.too_long(shown, &buf)));
            }
            if self.eof {
                if buf.is_empty() {
                    return Ok(None);
                }
                // The rest of the file, with no record boundary: a field left
                // open ends up here.
                let open_quote = memchr::memchr(b'"', &buf).and_then(|_| find_unclosed_quote(&buf));
                return Ok(Some(Block { open_quote, ..self.emit(buf) }));
            }
            let start = buf.len();
            if buf.capacity() == 0 {
                buf = self.buffer();
            }
            // `read_to_end` through `take` fills spare capacity without zeroing it first.
            let want = BLOCK_BYTES.saturating_sub(buf.len()).max(READ_BYTES);
            buf.reserve(want);
            let n = (&mut *self.file).take(want as u64).read_to_end(&mut buf).map_err(|e| {
                Box::new(DataError::file(shown, format!("cannot read `{shown}`: {}", io_reason(&e)), None))
            })?;
            if n == 0 {
                self.eof = true;
            }
            if self.offset == 0 && start == 0 && buf.starts_with(b"\xEF\xBB\xBF") {
                // A UTF-8 byte order mark (Excel writes one) is not data.
                buf.drain(..3);
                self.offset = 3;
            }
        }
    }

    /// The error for a record that starts at the start of `buf` and runs on
    /// past [`MAX_RECORD_BYTES`].
    fn too_long(&self, shown: &str, buf: &[u8]) -> DataError {
        let limit = MAX_RECORD_BYTES >> 20;
        match find_unclosed_quote(buf) {
            Some(q) => located(
                shown,
                self.path,
                self.line + q.newlines,
                self.offset + q.line_start,
                At::Bytes { offset: self.offset + q.offset, len: 1 },
                format!("a quoted field runs on for more than {limit} MiB"),
                "opened here, and not closed".into(),
                Some("close the quote; write `\"\"` for a quote inside a quoted field".into()),
            ),
            None => located(
                shown,
                self.path,
                self.line,
                self.offset,
                At::Row,
                format!("a line runs on for more than {limit} MiB"),
                "no line break".into(),
                Some("each row of a CSV file ends with a line break".into()),
            ),
        }
    }

    fn emit(&mut self, bytes: Vec<u8>) -> Block {
        let block = Block { offset: self.offset, first_line: self.line, bytes, open_quote: None };
        self.offset += block.bytes.len();
        self.line += memchr::memchr_iter(b'\n', &block.bytes).count();
        block
    }
}

/// Where records end in a buffer that grows, each byte scanned once: just
/// past a newline outside quotes (a buffer starts outside quotes).
#[derive(Default)]
struct Boundaries {
    scanned: usize,
    in_quotes: bool,
    first: Option<usize>,
    last: Option<usize>,
}

impl Boundaries {
    /// Scans what `bytes` has gained since the last call.
    fn feed(&mut self, bytes: &[u8]) {
        let new = &bytes[self.scanned..];
        let at = self.scanned;
        if !self.in_quotes && memchr::memchr(b'"', new).is_none() {
            // No quotes (nearly every block): every newline ends a record.
            if self.first.is_none() {
                self.first = memchr::memchr(b'\n', new).map(|i| at + i + 1);
            }
            if let Some(i) = memchr::memrchr(b'\n', new) {
                self.last = Some(at + i + 1);
            }
        } else {
            for i in memchr::memchr2_iter(b'"', b'\n', new) {
                match new[i] {
                    b'"' => self.in_quotes = !self.in_quotes,
                    _ if !self.in_quotes => {
                        self.first.get_or_insert(at + i + 1);
                        self.last = Some(at + i + 1);
                    }
                    _ => {}
                }
            }
        }
        self.scanned = bytes.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Record ends found by reading every byte from the start.
    fn naive(bytes: &[u8]) -> (Option<usize>, Option<usize>) {
        let mut in_quotes = false;
        let ends: Vec<usize> = (0..bytes.len())
            .filter(|&i| {
                if bytes[i] == b'"' {
                    in_quotes = !in_quotes;
                }
                bytes[i] == b'\n' && !in_quotes
            })
            .map(|i| i + 1)
            .collect();
        (ends.first().copied(), ends.last().copied())
    }

    #[test]
    fn boundaries_fed_in_pieces_are_the_boundaries_of_the_whole() {
        let texts: [&[u8]; 6] = [
            b"a,b\nc,d\n",
            b"a,\"b\nc\",d\ne,f\n",
            b"\"open\nstill\nopen",
            b"no newline at all",
            b"x,\"\"\"q\"\"\"\ny\n\"z\n",
            b"\n\n\"\n\"\n",
        ];
        for text in texts {
            for piece in 1..=text.len() {
                let mut b = Boundaries::default();
                let mut buf = Vec::new();
                for chunk in text.chunks(piece) {
                    buf.extend_from_slice(chunk);
                    b.feed(&buf);
                }
                assert_eq!((b.first, b.last), naive(text), "{:?} in pieces of {piece}", String::from_utf8_lossy(text));
            }
        }
    }
}
