//! A piece of a data file to show in a diagnostic.
//!
//! Data files can be far larger than memory should hold, so a diagnostic carries
//! only the offending line (read back on the error path) and the line's number.
//! Spans in a [`DataError`](super::DataError) are relative to that line.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Snippet {
    pub name: String,
    pub text: String,
    /// 0-based line number of the snippet's first line in the file.
    pub first_line: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, context_lines_before, context_lines_after)?;
        let contents = Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        ));
        Ok(crate::report::diagnostics::clip(contents, span))
    }
}

/// One line of a data file, read back on the error path to show in a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    /// 1-based line number.
    pub number: usize,
    /// Byte offset of `text` in the file.
    pub start: usize,
    /// The line without its line ending, or a byte-order mark before it.
    pub text: String,
}

/// At most this much of a line is shown.
pub(crate) const MAX_LINE_BYTES: u64 = 64 * 1024;

impl Line {
    /// The line of `path` on which a record starts, from the csv crate's record
    /// position (`line`, `byte`); empty if the file cannot be read back.
    pub fn read(path: &Path, line: usize, byte: usize) -> Line {
        let read = || -> std::io::Result<Line> {
            let mut file = std::fs::File::open(path)?;
            file.seek(SeekFrom::Start(byte as u64))?;
            Line::from_reader(BufReader::new(file), line, byte)
        };
        read().unwrap_or(Line { number: line, start: byte, text: String::new() })
    }

    /// The line at the start of `reader`, which is at the record position
    /// (`line`, `byte`).
    ///
    /// The csv crate places a record just past the previous record's
    /// terminator. With CRLF line endings that is the previous line's `\r`: the
    /// position is on the `\n`, and its line number is one too low. Blank lines
    /// (skipped by the parser) can also come first. So line endings at the
    /// start are skipped, and every `\n` among them moves the line on by one.
    pub fn from_reader(mut reader: impl BufRead, line: usize, byte: usize) -> std::io::Result<Line> {
        let (mut number, mut start) = (line, byte);
        loop {
            let buf = reader.fill_buf()?;
            let ends = buf.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
            number += buf[..ends].iter().filter(|&&b| b == b'\n').count();
            start += ends;
            let done = ends < buf.len() || buf.is_empty();
            reader.consume(ends);
            if done {
                break;
            }
        }
        let mut bytes = Vec::new();
        reader.take(MAX_LINE_BYTES).read_until(b'\n', &mut bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => {
                start += 3;
                rest
            }
            None => &text,
        };
        Ok(Line { number, start, text: text.trim_end_matches(['\r', '\n']).to_string() })
    }
}

/// A `"` that opens a quoted field, found by [`QuoteScan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenQuote {
    /// Offset of the `"` from where the scan started.
    pub offset: usize,
    /// Line feeds before it.
    pub newlines: usize,
    /// Offset of the start of its line.
    pub line_start: usize,
}

/// Reads CSV from the start of a record as the csv crate does, to find a
/// quoted field that is never closed: a `"` opens a quoted field only at the
/// start of a field (elsewhere it is an ordinary character), a lone `"` closes
/// it, and `""` inside it is a quote. An unclosed field runs to the end of the
/// input, so what matters is the state at the end.
#[derive(Debug, Default)]
pub(crate) struct QuoteScan {
    state: QuoteState,
    pos: usize,
    newlines: usize,
    line_start: usize,
    open: Option<OpenQuote>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A `"` inside a quoted field: the end of the field, or the first of `""`.
    QuoteInQuoted,
}

impl QuoteScan {
    pub fn feed(&mut self, bytes: &[u8]) {
        use QuoteState::*;
        for &b in bytes {
            self.state = match (self.state, b) {
                (FieldStart, b'"') => {
                    self.open =
                        Some(OpenQuote { offset: self.pos, newlines: self.newlines, line_start: self.line_start });
                    Quoted
                }
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (QuoteInQuoted, b'"') => Quoted,
                (_, b',' | b'\r' | b'\n') => FieldStart,
                _ => Unquoted,
            };
            self.pos += 1;
            if b == b'\n' {
                self.newlines += 1;
                self.line_start = self.pos;
            }
        }
    }

    /// The quote that opened a field still open at the end of the input.
    pub fn finish(self) -> Option<OpenQuote> {
        self.open.filter(|_| self.state == QuoteState::Quoted)
    }
}

/// The quote opening a field that `bytes`, from the start of a record, never closes.
pub(crate) fn find_unclosed_quote(bytes: &[u8]) -> Option<OpenQuote> {
    let mut scan = QuoteScan::default();
    scan.feed(bytes);
    scan.finish()
}

/// Byte ranges of the fields of one CSV line, honouring quotes.
pub fn field_ranges(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => {
                out.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    let end = line.trim_end_matches(['\r', '\n']).len().max(start);
    out.push((start, end));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each record's line as read back from the csv crate's record position.
    fn lines_at_records(data: &[u8]) -> Vec<Line> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(data);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let pos = record.position().unwrap();
            let (line, byte) = (pos.line() as usize, pos.byte() as usize);
            out.push(Line::from_reader(&data[byte..], line, byte).unwrap());
        }
        out
    }

    fn line(number: usize, start: usize, text: &str) -> Line {
        Line { number, start, text: text.to_string() }
    }

    fn open_at(offset: usize, newlines: usize, line_start: usize) -> Option<OpenQuote> {
        Some(OpenQuote { offset, newlines, line_start })
    }

    #[test]
    fn a_quote_left_open_is_found_where_it_opens() {
        assert_eq!(find_unclosed_quote(b"\"S2,2024-02-10,R02\nS3,2024-05-03,R01\n"), open_at(0, 0, 0));
        assert_eq!(find_unclosed_quote(b"S2,x\r\nS3,\"abc,1\r\nS4,y\r\n"), open_at(9, 1, 6));
        // Another record's quoted field, closed and holding a line break, comes first.
        assert_eq!(find_unclosed_quote(b"S1,\"a\nb\"\nS2,\"c\n"), open_at(12, 2, 9));
    }

    #[test]
    fn closed_and_escaped_quotes_are_not_open() {
        assert_eq!(find_unclosed_quote(b"S1,\"148,000.50\"\nS2,1\n"), None);
        assert_eq!(find_unclosed_quote(b"S1,\"say \"\"hi\"\"\",1\n"), None);
        assert_eq!(find_unclosed_quote(b"S1,\"a\nb\",1\n"), None);
        assert_eq!(find_unclosed_quote(b""), None);
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_an_ordinary_character() {
        // The csv crate reads `12" pipe` as it is: an odd number of quotes, none open.
        assert_eq!(find_unclosed_quote(b"S1,12\" pipe,1\nS2,x,2\n"), None);
        assert_eq!(find_unclosed_quote(b"S1,12\" pipe,\"x\n"), open_at(12, 0, 0));
        // After a closing quote, the rest of the field is ordinary too.
        assert_eq!(find_unclosed_quote(b"S1,\"a\"b\",1\n"), None);
    }

    #[test]
    fn the_scan_agrees_with_the_csv_crate_on_where_fields_end() {
        // The field the csv crate reads from an unclosed quote runs to the end.
        let data = b"id,note\nS1,\"ok\"\nS2,\"left open\nS3,more\n";
        let mut reader = csv::ReaderBuilder::new().from_reader(&data[..]);
        let records: Vec<csv::ByteRecord> = reader.byte_records().map(Result::unwrap).collect();
        assert_eq!(records[1].get(1), Some(&b"left open\nS3,more\n"[..]));
        let start = records[1].position().unwrap().byte() as usize;
        assert_eq!(find_unclosed_quote(&data[start..]), open_at(3, 0, 0));
        assert_eq!(find_unclosed_quote(&data[..start]), None);
    }

    #[test]
    fn lf_lines_are_read_as_positioned() {
        assert_eq!(
            lines_at_records(b"id,amount\nS1,10\nS2,abc\n"),
            [line(1, 0, "id,amount"), line(2, 10, "S1,10"), line(3, 16, "S2,abc")]
        );
    }

    #[test]
    fn crlf_positions_are_moved_past_the_line_ending() {
        // The csv crate puts the second record at byte 11 (the first line's
        // `\n`) on line 1.
        let data = b"id,amount\r\nS1,10\r\nS2,abc\r\n";
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&data[..]);
        let mut record = csv::ByteRecord::new();
        reader.read_byte_record(&mut record).unwrap();
        reader.read_byte_record(&mut record).unwrap();
        let pos = record.position().unwrap();
        assert_eq!((pos.line(), pos.byte()), (1, 10));
        assert_eq!(lines_at_records(data), [line(1, 0, "id,amount"), line(2, 11, "S1,10"), line(3, 18, "S2,abc")]);
    }

    #[test]
    fn blank_lines_and_a_last_line_without_ending() {
        assert_eq!(lines_at_records(b"a\n\n\nb\r\n\r\nc"), [line(1, 0, "a"), line(4, 4, "b"), line(6, 9, "c")]);
    }

    #[test]
    fn a_byte_order_mark_is_not_shown() {
        assert_eq!(lines_at_records(b"\xEF\xBB\xBFid,date\r\nS1,x\r\n"), [line(1, 3, "id,date"), line(2, 12, "S1,x")]);
    }

    #[test]
    fn a_position_past_the_end_reads_an_empty_line() {
        assert_eq!(Line::from_reader(&b"\r\n"[..], 7, 40).unwrap(), line(8, 42, ""));
    }
}
