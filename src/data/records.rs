//! Splitting a block of CSV text into records and fields, fast.
//!
//! Most rows of a CRM export are plain: no quotes, no carriage return except
//! before the newline. Those are split here on `,` and `\n` directly over text
//! already validated as UTF-8 (once per block), which is several times cheaper
//! than a general CSV state machine plus a UTF-8 check per field. Any record
//! with a quote or a stray `\r` is handed back whole, for the `csv` crate to
//! read with full RFC 4180 rules: one code path decides what a field *is*.

/// One record of a block.
pub enum Record<'a> {
    /// A plain record's fields.
    Plain,
    /// A record that needs full CSV rules; `text` is the whole record (it may
    /// span lines inside quotes).
    Complex(&'a str),
}

/// Iterates over the records of a block that starts and ends on record
/// boundaries.
pub struct Records<'a> {
    text: &'a str,
    pos: usize,
    /// Newlines consumed so far.
    lines: usize,
}

/// Where a record starts: 0-based line within the block and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub line: usize,
    pub byte: usize,
}

impl<'a> Records<'a> {
    pub fn new(text: &'a str) -> Self {
        Records { text, pos: 0, lines: 0 }
    }

    /// The next record, filling `fields` for a plain one. Empty lines are
    /// skipped, as the `csv` crate does.
    pub fn next_record(&mut self, fields: &mut Vec<&'a str>) -> Option<(At, Record<'a>)> {
        let bytes = self.text.as_bytes();
        loop {
            if self.pos >= bytes.len() {
                return None;
            }
            let start = self.pos;
            let at = At { line: self.lines, byte: start };
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let mut line = &self.text[start..end];
            if let Some(stripped) = line.strip_suffix('\r') {
                line = stripped;
            }
            if line.is_empty() {
                self.pos = end + 1;
                self.lines += 1;
                continue;
            }
            if memchr::memchr2(b'"', b'\r', line.as_bytes()).is_some() {
                // Find the record's end: the first newline outside quotes.
                let mut in_quotes = false;
                let mut record_end = bytes.len();
                for i in memchr::memchr2_iter(b'"', b'\n', &bytes[start..]) {
                    match bytes[start + i] {
                        b'"' => in_quotes = !in_quotes,
                        _ if !in_quotes => {
                            record_end = start + i;
                            break;
                        }
                        _ => {}
                    }
                }
                let text = &self.text[start..record_end];
                self.lines += memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
                self.pos = record_end + 1;
                return Some((at, Record::Complex(text)));
            }
            fields.clear();
            // A byte loop: fields are short, and `str::split` pays a search
            // set-up per field.
            let mut field_start = 0;
            for (i, &b) in line.as_bytes().iter().enumerate() {
                if b == b',' {
                    fields.push(&line[field_start..i]);
                    field_start = i + 1;
                }
            }
            fields.push(&line[field_start..]);
            self.pos = end + 1;
            self.lines += 1;
            return Some((at, Record::Plain));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as the fields the `csv` crate would read.
    fn split(text: &str) -> Vec<(usize, Vec<String>)> {
        let mut records = Records::new(text);
        let mut fields = Vec::new();
        let mut out = Vec::new();
        while let Some((at, record)) = records.next_record(&mut fields) {
            let row = match record {
                Record::Plain => fields.iter().map(|f| f.to_string()).collect(),
                Record::Complex(t) => {
                    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(t.as_bytes());
                    r.records().next().unwrap().unwrap().iter().map(str::to_string).collect()
                }
            };
            out.push((at.line, row));
        }
        out
    }

    fn by_csv(text: &str) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        r.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
    }

    #[test]
    fn agrees_with_the_csv_crate() {
        for text in [
            "a,b,c\n1,2,3\n",
            "a,b\r\n1,2\r\n",
            "a,b\n\n1,2\n\n",
            "a,b\n1,\"x,y\"\n2,\"multi\nline\"\n3,\"say \"\"hi\"\"\"\n",
            "a,b\n1,2",
            "a,,c\n,,\n",
            "名前,金额\n张三,12.50\n",
        ] {
            let fast: Vec<Vec<String>> = split(text).into_iter().map(|(_, f)| f).collect();
            assert_eq!(fast, by_csv(text), "{text:?}");
        }
    }

    #[test]
    fn records_know_their_line() {
        let lines: Vec<usize> = split("h\n1\n\"a\nb\"\n2\n").into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, vec![0, 1, 2, 4]);
    }
}
