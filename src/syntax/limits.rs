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
                // A declaration starts a fresh count of `if`s, at the top level
                // and in a section alike.
                if starts_declaration(source, start, i) {
                    *levels.last_mut().unwrap() = 0;
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

/// Whether the word at `start..end` begins a declaration: `value C =`,
/// `payout x =`, `info x =`, `param x =`. The words alone do not: `value` can
/// be a name inside a formula (`if value > 0 then ...`), and counting afresh
/// there would let `if`s nest without bound. Inside a formula the whole
/// pattern cannot parse, so the parser never nests past it.
fn starts_declaration(source: &str, start: usize, end: usize) -> bool {
    if !matches!(&source[start..end], "value" | "payout" | "info" | "param") {
        return false;
    }
    let bytes = source.as_bytes();
    let skip_space = |mut i: usize| {
        while matches!(bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let name_start = skip_space(end);
    let mut name_end = name_start;
    while is_word(bytes.get(name_end).copied()) {
        name_end += 1;
    }
    let eq = skip_space(name_end);
    name_end > name_start && bytes.get(eq) == Some(&b'=') && bytes.get(eq + 1) != Some(&b'=')
}

fn is_word(b: Option<u8>) -> bool {
    matches!(b, Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_deep(source: &str) -> bool {
        matches!(check_source(source).err().as_deref(), Some([SyntaxError::TooDeep { .. }]))
    }

    #[test]
    fn each_definition_counts_its_own_ifs() {
        let defs: String = (0..100).map(|i| format!("    value v{i} = if C > 0 then C else 0\n")).collect();
        assert!(check_source(&format!("section s where x {{\n{defs}}}\n")).is_ok());
        assert!(check_source(&defs).is_ok());
    }

    #[test]
    fn a_name_is_not_a_declaration() {
        let nested = "if value > 0 then ".repeat(MAX_NESTING + 1);
        assert!(too_deep(&format!("param p = {nested}1")));
        assert!(too_deep(&format!("section s where x {{\n    value v = {nested}1\n}}")));
        assert!(starts_declaration("payout bonus = 1", 0, 6));
        assert!(!starts_declaration("value == 1", 0, 5));
        assert!(!starts_declaration("value > 1", 0, 5));
    }
}
