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

/// The fields of the last plain record: where each ends in the block's text
/// (offsets are cheaper to record than slices; only the fields a plan reads
/// are sliced).
pub struct Fields<'a> {
    text: &'a str,
    start: usize,
    ends: Vec<usize>,
}

impl<'a> Fields<'a> {
    pub fn new(text: &'a str) -> Self {
        Fields { text, start: 0, ends: Vec::new() }
    }

    pub fn count(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` (below [`count`](Self::count)).
    #[inline]
    pub fn get(&self, i: usize) -> &'a str {
        let start = if i == 0 { self.start } else { self.ends[i - 1] + 1 };
        // INVARIANT: fields start after a `,` and end before a `,`, `\r` or `\n`
        // (all ASCII), or at the block's ends: char boundaries.
        &self.text[start..self.ends[i]]
    }

    fn begin(&mut self, start: usize) {
        self.start = start;
        self.ends.clear();
    }
}

/// Iterates over the records of a block that starts and ends on record
/// boundaries.
pub struct Records<'a> {
    text: &'a str,
    pos: usize,
    /// Newlines consumed so far.
    lines: usize,
    /// The block holds no quote and no `\r`: every record is plain.
    all_plain: bool,
}

/// Where a record starts: 0-based line within the block and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub line: usize,
    pub byte: usize,
}

impl<'a> Records<'a> {
    pub fn new(text: &'a str) -> Self {
        let all_plain = memchr::memchr2(b'"', b'\r', text.as_bytes()).is_none();
        Records { text, pos: 0, lines: 0, all_plain }
    }

    /// A plain record from a block without quotes or `\r`: the line, then its
    /// commas ([`push_commas`]).
    #[inline]
    fn next_plain(&mut self, fields: &mut Fields<'a>) -> Option<(At, Record<'a>)> {
        let bytes = self.text.as_bytes();
        loop {
            if self.pos >= bytes.len() {
                return None;
            }
            let start = self.pos;
            let at = At { line: self.lines, byte: start };
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            self.pos = end + 1;
            self.lines += 1;
            if end == start {
                // An empty line, skipped as the `csv` crate does.
                continue;
            }
            fields.begin(start);
            push_commas(bytes, start, end, &mut fields.ends);
            fields.ends.push(end);
            return Some((at, Record::Plain));
        }
    }

    /// The next record, filling `fields` for a plain one. Empty lines are
    /// skipped, as the `csv` crate does.
    pub fn next_record(&mut self, fields: &mut Fields<'a>) -> Option<(At, Record<'a>)> {
        if self.all_plain {
            return self.next_plain(fields);
        }
        let bytes = self.text.as_bytes();
        loop {
            if self.pos >= bytes.len() {
                return None;
            }
            let start = self.pos;
            let at = At { line: self.lines, byte: start };
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let mut line = &self.text[start..end];
            let mut line_end = end;
            if let Some(stripped) = line.strip_suffix('\r') {
                line = stripped;
                line_end -= 1;
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
            fields.begin(start);
            push_commas(bytes, start, line_end, &mut fields.ends);
            fields.ends.push(line_end);
            self.pos = end + 1;
            self.lines += 1;
            return Some((at, Record::Plain));
        }
    }
}

/// Pushes the offset of each `,` in `bytes[start..end]`. Eight bytes are
/// tested at a time (SWAR: "SIMD within a register"), so a line costs a few
/// operations per word and per field rather than a branch per byte.
#[inline]
fn push_commas(bytes: &[u8], start: usize, end: usize, ends: &mut Vec<usize>) {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const COMMAS: u64 = b',' as u64 * 0x0101_0101_0101_0101;
    let mut at = start;
    while at < end {
        let word = match bytes.get(at..at + 8) {
            // Past the line's end when it ends inside the word: masked below.
            Some(w) => u64::from_le_bytes(w.try_into().expect("8 bytes")),
            None => {
                // The block's last bytes. (Copied only here: bytes written
                // one by one and read back as a word stall the read.)
                let mut tail = [0u8; 8];
                tail[..end - at].copy_from_slice(&bytes[at..end]);
                u64::from_le_bytes(tail)
            }
        };
        // The high bit of each byte that is `,`, exactly (no false
        // positives from borrows between bytes).
        let x = word ^ COMMAS;
        let mut marks = !(((x & LOW7) + LOW7) | x | LOW7);
        if end - at < 8 {
            // Only the line's own bytes.
            marks &= (1u64 << (8 * (end - at))) - 1;
        }
        while marks != 0 {
            ends.push(at + (marks.trailing_zeros() / 8) as usize);
            marks &= marks - 1;
        }
        at += 8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record as the fields the `csv` crate would read.
    fn split(text: &str) -> Vec<(usize, Vec<String>)> {
        let mut records = Records::new(text);
        let mut fields = Fields::new(text);
        let mut out = Vec::new();
        while let Some((at, record)) = records.next_record(&mut fields) {
            let row = match record {
                Record::Plain => (0..fields.count()).map(|i| fields.get(i).to_string()).collect(),
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
            "id,date,rep,customer,amount\nS0000001,2024-01-01,R1228,C49106,22900.00\nS2,2024-01-01,R0777,,0\n",
            "a,b,c,d,e,f,g,h,i,j\n,,,,,,,,,\n0123456789abcdef,x\n\n\n1234567,\n12345678\n",
            "é,ü\n€,\u{1F600}\n一,二,三,四",
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
