//! The few lexical facts the hand-written scans over plan text share (the
//! nesting limits, the syntax-error diagnoser, span trimming): where a string
//! literal and a line comment end. The grammar is the authority; these agree
//! with it.

/// Given `bytes[start] == b'"'`, the index of the closing quote, or of the end
/// of the line (or text) where an unclosed string stops. `\` escapes one byte.
pub fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    i.min(bytes.len())
}

/// Given a `//` at `start`, the index of the newline ending the comment (or the
/// text's length).
pub fn line_end(bytes: &[u8], start: usize) -> usize {
    memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_comments_end_where_the_grammar_says() {
        let text = br#""a\"b" x"#;
        assert_eq!(string_end(text, 0), 5);
        assert_eq!(string_end(b"\"open\nnext", 0), 5);
        assert_eq!(line_end(b"// c\nx", 0), 4);
        assert_eq!(line_end(b"// c", 0), 4);
    }
}
