//! Splitting a block of CSV text into records and fields, fast.
//!
//! Most rows of a CRM export are plain: no quotes, no carriage return except
//! before the newline. Those are split here on `,` and `\n` directly over text
//! already validated as UTF-8 (once per block), which is several times cheaper
//! than a general CSV state machine plus a UTF-8 check per field. Any record
//! with a quote or a stray `\r` is handed back whole, for the `csv` crate to
//! read with full RFC 4180 rules: one code path decides what a field *is*.
//!
//! A block without any quote or `\r` (nearly every block) is split by
//! [`Separators`]: its commas and newlines found 64 bytes at a time with SIMD
//! compares, so a record costs a few operations per field, not per byte.

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
    /// The separators of a block with no quote and no `\r`, where every
    /// record is plain; `None` for any other block.
    all_plain: Option<Separators<'a>>,
}

/// Where a record starts: 0-based line within the block and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub line: usize,
    pub byte: usize,
}

impl<'a> Records<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let all_plain = memchr::memchr2(b'"', b'\r', bytes).is_none().then(|| Separators::new(bytes));
        Records { text, pos: 0, lines: 0, all_plain }
    }

    /// A plain record from a block without quotes or `\r`: its fields end at
    /// the next separators, up to a newline or the block's end.
    #[inline]
    fn next_plain(&mut self, fields: &mut Fields<'a>) -> Option<(At, Record<'a>)> {
        let len = self.text.len();
        let separators = self.all_plain.as_mut()?;
        loop {
            let start = self.pos;
            if start >= len {
                return None;
            }
            fields.begin(start);
            let end = loop {
                match separators.next() {
                    Some((at, Separator::Comma)) => fields.ends.push(at),
                    Some((at, Separator::Newline)) => break at,
                    None => break len,
                }
            };
            let at = At { line: self.lines, byte: start };
            self.pos = end + 1;
            self.lines += 1;
            if end == start {
                // An empty line, skipped as the `csv` crate does.
                continue;
            }
            fields.ends.push(end);
            return Some((at, Record::Plain));
        }
    }

    /// The next record, filling `fields` for a plain one. Empty lines are
    /// skipped, as the `csv` crate does.
    pub fn next_record(&mut self, fields: &mut Fields<'a>) -> Option<(At, Record<'a>)> {
        if self.all_plain.is_some() {
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
            // The line holds no newline: its separators are its commas.
            let mut commas = Separators::new(&bytes[start..line_end]);
            while let Some((at, _)) = commas.next() {
                fields.ends.push(start + at);
            }
            fields.ends.push(line_end);
            self.pos = end + 1;
            self.lines += 1;
            return Some((at, Record::Plain));
        }
    }
}

/// What a separator separates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    Comma,
    Newline,
}

/// The commas and newlines of a text, in order. Each 64 bytes are compared
/// with both at once, 16 at a time (the `wide` crate: SSE2 on x86-64, safe
/// code), into one bit per byte; a separator is then the lowest bit left.
struct Separators<'a> {
    bytes: &'a [u8],
    /// Where the current 64 bytes start.
    base: usize,
    /// The separators of the current 64 bytes not yet taken, a bit per byte.
    left: u64,
    /// Which bytes of the current 64 are newlines.
    newlines: u64,
}

/// Bytes compared at a time: one bit each in a `u64`.
const CHUNK: usize = 64;

impl<'a> Separators<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let mut separators = Separators { bytes, base: 0, left: 0, newlines: 0 };
        if !bytes.is_empty() {
            separators.load();
        }
        separators
    }

    /// The separator masks of the 64 bytes from `base`.
    #[inline]
    fn load(&mut self) {
        use wide::u8x16;
        let chunk: [u8; CHUNK] = match self.bytes.get(self.base..self.base + CHUNK) {
            Some(c) => c.try_into().expect("64 bytes"),
            None => {
                // The text's last bytes, padded with zeros: no separator.
                let mut tail = [0u8; CHUNK];
                tail[..self.bytes.len() - self.base].copy_from_slice(&self.bytes[self.base..]);
                tail
            }
        };
        let (comma, newline) = (u8x16::splat(b','), u8x16::splat(b'\n'));
        let (mut commas, mut newlines) = (0u64, 0u64);
        for (i, sixteen) in chunk.chunks_exact(16).enumerate() {
            let v = u8x16::from(<[u8; 16]>::try_from(sixteen).expect("16 bytes"));
            // `move_mask` sets bit i for byte i; as `u16`, its 16 bits.
            commas |= u64::from(v.cmp_eq(comma).move_mask() as u16) << (16 * i);
            newlines |= u64::from(v.cmp_eq(newline).move_mask() as u16) << (16 * i);
        }
        self.left = commas | newlines;
        self.newlines = newlines;
    }

    /// The next separator and where it is.
    #[inline]
    fn next(&mut self) -> Option<(usize, Separator)> {
        while self.left == 0 {
            self.base += CHUNK;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.load();
        }
        let bit = self.left.trailing_zeros();
        self.left &= self.left - 1;
        let kind = if self.newlines >> bit & 1 == 1 { Separator::Newline } else { Separator::Comma };
        Some((self.base + bit as usize, kind))
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

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Texts longer than the 64 bytes compared at a time, with separators
        /// on either side of every boundary, split as the `csv` crate splits
        /// them; with a quote, through the general path.
        #[test]
        fn long_texts_agree_with_the_csv_crate(text in "[a,\n]{0,300}(é|\n\"x,\ny\",)?[a,\n]{0,100}") {
            let fast: Vec<Vec<String>> = split(&text).into_iter().map(|(_, f)| f).collect();
            proptest::prop_assert_eq!(fast, by_csv(&text));
            let lines = text.split('\n').count() - usize::from(text.ends_with('\n'));
            let last = split(&text).last().map(|(line, _)| *line);
            proptest::prop_assert!(last.is_none_or(|l| l < lines.max(1)));
        }
    }
}
