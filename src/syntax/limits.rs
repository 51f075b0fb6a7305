//! Explicit limits on plan text, checked before pest runs.
//!
//! Deeply nested input would overflow the stack in the parser's AST builder,
//! and later in the checker and evaluator, which recurse over the AST (pest
//! itself stops at "stack limit reached", with nothing better to say). One
//! cheap lexical pass bounds all of them. INVARIANT: after `check_source`
//! succeeds, no expression is deeper than [`MAX_NESTING`] brackets and `if`s
//! plus [`MAX_OPERATORS`] operators, so every recursive walk over the AST is
//! bounded.
//!
//! The pass reads the text as the grammar does where it matters: comments and
//! quoted text hold no brackets, and a keyword is a whole word, its edges
//! decided by the grammar's own `XID_CONTINUE`. It may count more than the
//! parser nests (a date's `-` counts as an operator), never less.

use super::errors::SyntaxError;
use super::lexical;
use super::span::Span;

/// Parentheses, braces, `if`s and `tiers` open at once.
pub const MAX_NESTING: usize = 64;
/// Operators in one formula: `a + b + c` nests as deep as it is long.
pub const MAX_OPERATORS: usize = 256;
/// Bytes in one plan file.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;
/// Bytes in one name.
pub const MAX_NAME_BYTES: usize = 256;
/// Errors reported for one file; past this, reading stops.
pub const MAX_ERRORS: usize = 100;
/// Bytes of a too-long name underlined in its error.
const NAME_SHOWN_BYTES: usize = 40;

pub fn check_source(source: &str) -> Result<(), Vec<SyntaxError>> {
    if source.len() > MAX_SOURCE_BYTES {
        let start = MAX_SOURCE_BYTES.min(source.len());
        return Err(vec![SyntaxError::TooLarge { limit: MAX_SOURCE_BYTES, span: Span::new(start, start).into() }]);
    }
    // Each open bracket level counts one, plus the `if`s and `tiers` written
    // directly inside it (an `else if` chain nests in the grammar without
    // brackets).
    let mut levels: Vec<usize> = vec![0];
    // Operators since the current declaration started.
    let mut operators = 0;
    // Where a `/*` is known to have no `*/` after it.
    let mut unclosed_comments_from = usize::MAX;
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // The byte or character at `i`, and what it is.
        let mut len = 1;
        match b {
            b'"' => i = lexical::string_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = lexical::line_end(bytes, i),
            // A block comment; one never closed is no comment (the grammar
            // then reads `/` and fails at `*`).
            b'/' if bytes.get(i + 1) == Some(&b'*') && i < unclosed_comments_from => {
                match source[i + 2..].find("*/") {
                    Some(end) => {
                        i += 2 + end + 2;
                        continue;
                    }
                    None => {
                        // No `*/` follows this one, nor any later `/*`.
                        unclosed_comments_from = i;
                        operators += 1;
                    }
                }
            }
            b'(' | b'{' | b'[' => levels.push(0),
            b')' | b'}' | b']' if levels.len() > 1 => {
                levels.pop();
            }
            b'+' | b'-' | b'*' | b'/' | b'<' | b'>' | b'!' => operators += 1,
            b'=' if bytes.get(i + 1) == Some(&b'=') => {
                operators += 1;
                len = 2;
            }
            _ => {
                let c = source[i..].chars().next().expect("at a character boundary");
                len = c.len_utf8();
                if matches!(c, '×' | '÷' | '≤' | '≥') {
                    operators += 1;
                } else if is_word(c) {
                    let start = i;
                    let end = word_end(source, start);
                    let word = &source[start..end];
                    if end - start > MAX_NAME_BYTES {
                        let mut shown = start + NAME_SHOWN_BYTES;
                        while !source.is_char_boundary(shown) {
                            shown -= 1;
                        }
                        let span = Span::new(start, shown).into();
                        return Err(vec![if c.is_ascii_digit() {
                            SyntaxError::NumberTooLarge { span }
                        } else {
                            SyntaxError::NameTooLong { len: end - start, limit: MAX_NAME_BYTES, span }
                        }]);
                    }
                    match word {
                        "if" | "tiers" => *levels.last_mut().expect("the top level") += 1,
                        "and" | "or" | "not" => operators += 1,
                        // A declaration starts a fresh count of `if`s and
                        // operators, at the top level and in a section alike.
                        _ if starts_declaration(source, start, end) => {
                            *levels.last_mut().expect("the top level") = 0;
                            operators = 0;
                        }
                        _ => {}
                    }
                    len = end - start;
                }
            }
        }
        if operators > MAX_OPERATORS {
            return Err(vec![SyntaxError::TooManyOperators {
                limit: MAX_OPERATORS,
                span: Span::new(i, i + len).into(),
            }]);
        }
        let depth: usize = levels.len() - 1 + levels.iter().sum::<usize>();
        if depth > MAX_NESTING {
            return Err(vec![SyntaxError::TooDeep { limit: MAX_NESTING, span: Span::new(i, i + len).into() }]);
        }
        i += len;
    }
    Ok(())
}

/// Whether the word at `start..end` begins a declaration: `value C =`,
/// `payout x =`, `info x =`, `param x =`, `section s where`. The words alone
/// do not: `value` can be a name inside a formula (`if value > 0 then ...`),
/// and counting afresh there would let `if`s nest without bound. Inside a
/// formula the whole pattern cannot parse, so the parser never nests past it.
fn starts_declaration(source: &str, start: usize, end: usize) -> bool {
    let word = &source[start..end];
    if !matches!(word, "value" | "payout" | "info" | "draw" | "param" | "section") {
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
    let name_end = match source[name_start..].chars().next() {
        Some(c) if is_word(c) => word_end(source, name_start),
        _ => return false,
    };
    let after = skip_space(name_end);
    if word == "section" {
        let rest = &source[after..];
        return rest.starts_with("where") && rest[5..].chars().next().is_none_or(|c| !is_word(c));
    }
    bytes.get(after) == Some(&b'=') && bytes.get(after + 1) != Some(&b'=')
}

/// A character of a name, a keyword or a number, as the grammar reads them.
fn is_word(c: char) -> bool {
    c == '_' || pest::unicode::XID_CONTINUE(c)
}

/// The end of the word starting at `start`.
fn word_end(source: &str, start: usize) -> usize {
    source[start..].char_indices().find(|&(_, c)| !is_word(c)).map_or(source.len(), |(i, _)| start + i)
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

    fn too_many_operators(source: &str) -> bool {
        matches!(check_source(source).err().as_deref(), Some([SyntaxError::TooManyOperators { .. }]))
    }

    #[test]
    fn brackets_in_comments_and_text_do_not_count() {
        let inside = "(".repeat(MAX_NESTING + 1);
        assert!(check_source(&format!("value v = /* {inside} */ 1 // {inside}\nvalue w = \"{inside}\"")).is_ok());
        // Closing brackets in a comment close nothing.
        let hidden = format!("{} /* {} */\n", "(".repeat(40), ")".repeat(40));
        assert!(too_deep(&format!("value v = {}1", hidden.repeat(3))));
        // A `/*` never closed is no comment: what follows counts.
        assert!(too_deep(&format!("value v = 1 /* {inside}")));
        assert!(too_deep(&format!("value v = 1 /* */ /* {inside}")));
    }

    #[test]
    fn keywords_end_where_the_grammar_says() {
        // Whitespace the grammar allows, and operators, end a keyword even
        // when they are not ASCII.
        for nested in ["if\u{3000}true then ", "if\u{FEFF}true then ", "1×if true then ", "1÷if c then "] {
            assert!(too_deep(&format!("value v = {}1", nested.repeat(MAX_NESTING + 1))), "{nested:?}");
        }
        // A keyword inside a longer name is no keyword.
        assert!(check_source(&format!("value v = {}1", "iff + 规if + if_x + ".repeat(20))).is_ok());
    }

    #[test]
    fn tiers_nest_like_ifs() {
        let n = MAX_NESTING + 1;
        let source = format!("value v = {}C{}", "tiers marginal on ".repeat(n), " { 0 and above : 1% }".repeat(n));
        assert!(too_deep(&source));
    }

    #[test]
    fn operators_are_counted_per_formula() {
        let chain = |n: usize, op: &str| format!("value v = 1{}", format!(" {op} 1").repeat(n));
        assert!(check_source(&chain(MAX_OPERATORS, "+")).is_ok());
        for op in ["+", "-", "*", "/", "×", "÷", "<", "<=", "≤", "==", "!=", "and", "or"] {
            assert!(too_many_operators(&chain(MAX_OPERATORS + 1, op)), "{op}");
        }
        assert!(too_many_operators(&format!("value v = {}1", "- ".repeat(MAX_OPERATORS + 1))));
        assert!(too_many_operators(&format!("value v = {}true", "not ".repeat(MAX_OPERATORS + 1))));
        // Each declaration counts afresh, a section's condition too.
        let half = chain(MAX_OPERATORS / 2 + 1, "+");
        assert!(check_source(&format!("{half}\n{half}\nparam p = 1{}", " + 1".repeat(200))).is_ok());
        let condition = format!("section s where {} {{\n}}", "a and ".repeat(200) + "b");
        assert!(check_source(&format!("{half}\n{condition}\n{half}")).is_ok());
    }

    #[test]
    fn a_long_number_is_a_number_too_large() {
        let source = format!("value v = {}", "9".repeat(MAX_NAME_BYTES + 1));
        assert!(matches!(check_source(&source).err().as_deref(), Some([SyntaxError::NumberTooLarge { .. }])));
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
