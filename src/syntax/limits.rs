//! Explicit limits on plan text, checked before pest runs.
//!
//! pest has no nesting limit of its own (pest-parser/pest#1129): deeply nested
//! input would overflow the stack in the parser, and later in the checker and
//! evaluator, which recurse over the AST. One cheap lexical pass bounds all of
//! them. INVARIANT: after `check_source` succeeds, no expression nests deeper than
//! [`MAX_NESTING`], so every recursive walk over the AST is bounded.

use super::errors::SyntaxError;
use super::span::Span;

/// Parentheses, braces and `if`s open at once.
pub const MAX_NESTING: usize = 64;
/// Bytes in one plan file.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;
/// Bytes in one name.
pub const MAX_NAME_BYTES: usize = 256;
/// Bytes of a too-long name underlined in its error.
const NAME_SHOWN_BYTES: usize = 40;

pub fn check_source(source: &str) -> Result<(), Vec<SyntaxError>> {
    if source.len() > MAX_SOURCE_BYTES {
        let start = MAX_SOURCE_BYTES.min(source.len());
        return Err(vec![SyntaxError::TooLarge { limit: MAX_SOURCE_BYTES, span: Span::new(start, start).into() }]);
    }
    // Each open bracket level counts one, plus the `if`s written directly inside it
    // (an `else if` chain nests in the grammar without brackets).
    let mut levels: Vec<usize> = vec![0];
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'{' | b'[' => levels.push(0),
            b')' | b'}' | b']' if levels.len() > 1 => {
                levels.pop();
            }
            b'i' if bytes.get(i + 1) == Some(&b'f')
                && !is_word(bytes.get(i + 2).copied())
                && (i == 0 || !is_word(Some(bytes[i - 1]))) =>
            {
                *levels.last_mut().unwrap() += 1;
            }
            _ if is_word(Some(b)) && (i == 0 || !is_word(Some(bytes[i - 1]))) => {
                let start = i;
                while i < bytes.len() && is_word(Some(bytes[i])) {
                    i += 1;
                }
                if i - start > MAX_NAME_BYTES {
                    let mut shown = start + NAME_SHOWN_BYTES;
                    while !source.is_char_boundary(shown) {
                        shown -= 1;
                    }
                    return Err(vec![SyntaxError::NameTooLong {
                        len: i - start,
                        limit: MAX_NAME_BYTES,
                        span: Span::new(start, shown).into(),
                    }]);
                }
                // Top-level declarations start a fresh count of `if`s.
                if levels.len() == 1 {
                    let word = &source[start..i];
                    if matches!(word, "value" | "payout" | "info" | "param") {
                        levels[0] = 0;
                    }
                }
                continue;
            }
            _ => {}
        }
        let depth: usize = levels.len() - 1 + levels.iter().sum::<usize>();
        if depth > MAX_NESTING {
            return Err(vec![SyntaxError::TooDeep { limit: MAX_NESTING, span: Span::new(i, i + 1).into() }]);
        }
        i += 1;
    }
    Ok(())
}

fn is_word(b: Option<u8>) -> bool {
    matches!(b, Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
}
