//! What the formatter reads from the source text besides the AST: comments
//! (pest's `COMMENT` rule is silent, so they are found here again, by byte
//! offset), which bytes are tokens, matching parentheses, and how literals and
//! operators were spelt.

use std::collections::HashMap;

/// A comment of the source: `// ...` to the end of its line, or `/* ... */`.
#[derive(Debug, Clone)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
    /// Nothing but whitespace (or other comments) before it on its line; a
    /// block comment spanning lines counts as on its own line too.
    pub own_line: bool,
}

/// The source text with its comments, token bytes and parenthesis pairs.
pub struct Source<'a> {
    pub text: &'a str,
    pub comments: Vec<Comment>,
    /// `sig[i]`: byte `i` belongs to a token (not whitespace, not a comment).
    sig: Vec<bool>,
    /// Position of each `(` → position of its `)`.
    pub parens: HashMap<usize, usize>,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{3000}' | '\u{FEFF}')
}

impl<'a> Source<'a> {
    /// Scans `text`, which must be a plan that parses (strings are closed).
    pub fn scan(text: &'a str) -> Source<'a> {
        let bytes = text.as_bytes();
        let mut sig = vec![false; bytes.len()];
        let mut comments = Vec::new();
        let mut parens = HashMap::new();
        let mut open: Vec<usize> = Vec::new();
        let mut code_on_line = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    code_on_line = false;
                    i += 1;
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                    comments.push(Comment { start: i, end, own_line: !code_on_line });
                    i = end;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    let end = memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |n| i + 2 + n + 2);
                    let multiline = text[i..end].contains('\n');
                    comments.push(Comment { start: i, end, own_line: !code_on_line || multiline });
                    i = end;
                }
                b'"' => {
                    let start = i;
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i = (i + 1).min(bytes.len());
                    sig[start..i].iter_mut().for_each(|s| *s = true);
                    code_on_line = true;
                }
                _ => {
                    let c = text[i..].chars().next().expect("inside the text");
                    let len = c.len_utf8();
                    if !is_space(c) {
                        sig[i..i + len].iter_mut().for_each(|s| *s = true);
                        code_on_line = true;
                        if c == '(' {
                            open.push(i);
                        } else if c == ')' {
                            if let Some(o) = open.pop() {
                                parens.insert(o, i);
                            }
                        }
                    }
                    i += len;
                }
            }
        }
        Source { text, comments, sig, parens }
    }

    /// The first token byte at or after `pos`.
    pub fn next_sig(&self, pos: usize) -> Option<usize> {
        (pos..self.sig.len()).find(|&i| self.sig[i])
    }

    /// The last token byte before `pos`.
    pub fn prev_sig(&self, pos: usize) -> Option<usize> {
        (0..pos.min(self.sig.len())).rev().find(|&i| self.sig[i])
    }

    /// Widens `start..end` over the parentheses written around it; returns the
    /// widened range and how many pairs there were.
    pub fn widen(&self, mut start: usize, mut end: usize) -> (usize, usize, usize) {
        let mut pairs = 0;
        while let (Some(i), Some(j)) = (self.prev_sig(start), self.next_sig(end)) {
            if self.parens.get(&i) == Some(&j) {
                pairs += 1;
                start = i;
                end = j + 1;
            } else {
                break;
            }
        }
        (start, end, pairs)
    }

    /// Whether a line holding nothing but whitespace lies between `a` and `b`.
    pub fn blank_between(&self, a: usize, b: usize) -> bool {
        if a >= b {
            return false;
        }
        let segments: Vec<&str> = self.text[a..b].split('\n').collect();
        segments.len() >= 3 && segments[1..segments.len() - 1].iter().any(|s| s.chars().all(is_space))
    }

    /// A comment's text as it is written, without trailing whitespace.
    pub fn comment_text(&self, c: &Comment) -> &'a str {
        self.text[c.start..c.end].trim_end_matches(is_space)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_strings() {
        let src = Source::scan("param a = \"x // y\" // note\n/* block */ param b = (1)\n");
        let texts: Vec<&str> = src.comments.iter().map(|c| src.comment_text(c)).collect();
        assert_eq!(texts, ["// note", "/* block */"]);
        assert!(!src.comments[0].own_line);
        assert!(src.comments[1].own_line);
        let open = src.text.find('(').unwrap();
        assert_eq!(src.widen(open + 1, open + 2), (open, open + 3, 1));
    }

    #[test]
    fn blank_lines_are_seen() {
        let src = Source::scan("a\n\n  \nb\nc");
        assert!(src.blank_between(1, 6));
        assert!(!src.blank_between(6, 9));
    }
}
