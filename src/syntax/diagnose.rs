//! Syntax errors in words.
//!
//! When the grammar fails, pest reports the furthest position it reached and
//! what it tried there: rules, and (with error detail on) the literal tokens
//! such as `=` or `}`. The parser turns those into an [`Expected`] set; this
//! module looks at the source at that position ([`token_at`]: what is here)
//! and chooses one [`SyntaxError`]:
//!
//! | what is here                          | error                          |
//! | ------------------------------------- | ------------------------------ |
//! | a `"` not closed on its line          | [`SyntaxError::UnclosedText`]  |
//! | the end of the file, a new line inside `(`, or another block's `{`, where the innermost open bracket's closer could come | [`SyntaxError::Unclosed`] |
//! | `)` or `}` with no opener             | [`SyntaxError::Stray`]         |
//! | `=` where an operator is expected     | [`SyntaxError::SingleEquals`]  |
//! | a reserved word where a name is       | [`SyntaxError::Reserved`]      |
//! | anything else                         | [`SyntaxError::Expected`]      |

use super::errors::SyntaxError;
use super::lexical;
use super::span::Span;
use std::collections::BTreeSet;

/// The words the grammar reserves (its `keyword` rule): they cannot be names.
pub const RESERVED: [&str; 18] = [
    "if", "then", "else", "and", "or", "not", "where", "having", "distinct", "over", "of", "to", "on", "true", "false",
    "tiers", "above", "at",
];

/// Where the language is described, for errors with no better help.
const TOUR: &str = "see docs/language.md for how each construct is written";

/// A kind of thing the grammar would have accepted, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Name,
    Text,
    Expression,
    Operator,
    Definition,
    Declaration,
    Setting,
    Column,
    Band,
    PeriodValue,
    End,
}

impl Class {
    fn describe(self) -> &'static str {
        match self {
            Class::Name => "a name",
            Class::Text => "a quoted text",
            Class::Expression => "an expression",
            Class::Operator => "an operator",
            Class::Definition => "a definition (`value`, `payout`, ...)",
            Class::Declaration => "a declaration (`plan`, a table, `param`, `section`, `value`, ...)",
            Class::Setting => "a setting and its value (`year 2024`)",
            Class::Column => "a column (`name: type`)",
            Class::Band => "a band (`0% to 100% : 3%`)",
            Class::PeriodValue => "a period's value (`Q1: 20%`)",
            Class::End => "the end of the file",
        }
    }
}

/// What the grammar would have accepted at the error position: literal tokens
/// (shown in backticks) and classes of things.
#[derive(Debug, Default, Clone)]
pub struct Expected {
    tokens: BTreeSet<String>,
    classes: BTreeSet<Class>,
}

/// Operators that are nothing else (`-`, `and` and `or` can start or end
/// other things).
const OPERATORS: [&str; 13] = ["+", "*", "/", "×", "÷", "==", "!=", "<", "<=", ">", ">=", "≤", "≥"];
/// Tokens that can only start an expression.
const EXPRESSION_STARTS: [&str; 10] = ["if", "not", "tiers", "true", "false", "¥", "￥", "$", "€", "£"];
/// Whitespace and comments: possible everywhere, never worth naming.
const TRIVIA: [&str; 8] = [" ", "\t", "\r", "\n", "\u{3000}", "\u{FEFF}", "//", "/*"];

impl Expected {
    /// A literal token the grammar tried (`=`, `}`, `value`, `+`).
    pub fn token(&mut self, token: &str) {
        if !TRIVIA.contains(&token) {
            self.tokens.insert(token.to_string());
        }
    }

    pub fn class(&mut self, class: Class) {
        self.classes.insert(class);
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty() && self.classes.is_empty()
    }

    /// Tokens sorted into what a reader would call them: `+`, `==` and (next to
    /// them) `-`, `and`, `or` are operators; `value`, `payout`, ... start a
    /// definition; `"`, `if`, ... start an expression; `(` and `.` after a name
    /// (next to operators) would continue it and are not worth naming.
    fn settle(&self) -> (Vec<&str>, BTreeSet<Class>) {
        let mut classes = self.classes.clone();
        let has = |t: &str| self.tokens.contains(t);
        let operators = classes.contains(&Class::Operator) || OPERATORS.iter().any(|t| has(t));
        let top_level = has("plan");
        let mut literals = Vec::new();
        for t in &self.tokens {
            let t = t.as_str();
            let class = match t {
                _ if OPERATORS.contains(&t) => Some(Class::Operator),
                "-" | "and" | "or" if operators => Some(Class::Operator),
                "-" => Some(Class::Expression),
                "(" | "." if operators => None,
                "(" => Some(Class::Expression),
                _ if EXPRESSION_STARTS.contains(&t) => Some(Class::Expression),
                "\"" => Some(Class::Text),
                "_" => Some(Class::Name),
                "plan" => Some(Class::Declaration),
                "value" | "payout" | "info" | "draw" | "param" | "section" if top_level => Some(Class::Declaration),
                "value" | "payout" | "info" | "draw" | "param" | "section" => Some(Class::Definition),
                _ => {
                    literals.push(t);
                    continue;
                }
            };
            classes.extend(class);
        }
        // An expression can be a name or a text, and a declaration starts with
        // a name (`events ...`): naming both says nothing more.
        if classes.contains(&Class::Expression) {
            classes.remove(&Class::Name);
            classes.remove(&Class::Text);
        }
        if classes.contains(&Class::Declaration) {
            classes.remove(&Class::Name);
        }
        (literals, classes)
    }

    fn has_token(&self, token: &str) -> bool {
        self.settle().0.contains(&token)
    }

    fn has_class(&self, class: Class) -> bool {
        self.settle().1.contains(&class)
    }

    /// `` `then` or an operator ``, `` `}`, an operator or a definition (...) ``.
    pub fn describe(&self) -> String {
        let (literals, classes) = self.settle();
        // Without operators around, `and` starts an open band: `and above`,
        // named after the edge it can replace (`to`).
        let mut literals: Vec<&str> = literals.into_iter().map(|t| if t == "and" { "and above" } else { t }).collect();
        literals.sort_by_key(|t| (*t == "and above", *t));
        let items: Vec<String> =
            literals.iter().map(|t| format!("`{t}`")).chain(classes.iter().map(|c| c.describe().to_string())).collect();
        match items.as_slice() {
            [] => "something else".to_string(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }
}

/// What the source holds at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found<'a> {
    End,
    /// A name, or a word the grammar does not reserve.
    Word(&'a str),
    /// One of [`RESERVED`].
    Reserved(&'a str),
    Number(&'a str),
    /// Text in quotes, closed on its line.
    Text(&'a str),
    /// A `"` with no closing `"` before the end of its line.
    OpenText,
    /// Punctuation or an operator: `=`, `==`, `)`, `:`.
    Symbol(&'a str),
}

impl Found<'_> {
    fn describe(self) -> String {
        match self {
            Found::End => "the end of the file".to_string(),
            Found::OpenText => "an unclosed text".to_string(),
            Found::Word(s) | Found::Reserved(s) | Found::Number(s) | Found::Text(s) | Found::Symbol(s) => {
                format!("`{s}`")
            }
        }
    }
}

/// A [`Found`] and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub found: Found<'a>,
    pub span: Span,
}

/// The token at `pos`, after any whitespace and comments. At the end of the
/// file the span is empty, at the end.
pub fn token_at(source: &str, pos: usize) -> Token<'_> {
    let start = skip_trivia(source, pos.min(source.len()));
    let rest = &source[start..];
    fn token(found: Found<'_>, start: usize, len: usize) -> Token<'_> {
        Token { found, span: Span::new(start, start + len) }
    }
    let Some(c) = rest.chars().next() else {
        return Token { found: Found::End, span: Span::new(source.len(), source.len()) };
    };
    if c == '"' {
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        return match closing_quote(line) {
            Some(end) => token(Found::Text(&rest[..end]), start, end),
            None => token(Found::OpenText, start, line.trim_end_matches('\r').len()),
        };
    }
    if c.is_ascii_digit() {
        let mut len = rest.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')).unwrap_or(rest.len());
        if rest[len..].starts_with('%') {
            len += 1;
        }
        return token(Found::Number(&rest[..len]), start, len);
    }
    if is_word_char(c) {
        let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
        let word = &rest[..len];
        let found = if RESERVED.contains(&word) { Found::Reserved(word) } else { Found::Word(word) };
        return token(found, start, len);
    }
    for op in ["==", "!=", "<=", ">=", "=>", "=<"] {
        if rest.starts_with(op) {
            return token(Found::Symbol(op), start, op.len());
        }
    }
    token(Found::Symbol(&rest[..c.len_utf8()]), start, c.len_utf8())
}

fn is_word_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn skip_trivia(source: &str, mut pos: usize) -> usize {
    loop {
        let rest = &source[pos..];
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n', '\u{3000}', '\u{FEFF}']);
        pos += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            pos += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") {
            pos += trimmed.find("*/").map_or(trimmed.len(), |e| e + 2);
        } else {
            return pos;
        }
    }
}

/// The length of the quoted text at the start of `line`, closing quote
/// included, if it closes on the line.
fn closing_quote(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Where a text that is still open at `pos` starts: a `"` earlier on the same
/// line with no closing `"` before `pos`.
fn open_quote(source: &str, pos: usize) -> Option<usize> {
    let pos = pos.min(source.len());
    let line_start = source[..pos].rfind('\n').map_or(0, |i| i + 1);
    let bytes = source.as_bytes();
    let (mut i, mut open) = (line_start, None);
    while i < pos {
        match (bytes[i], open) {
            (b'"', None) => open = Some(i),
            (b'"', Some(_)) => open = None,
            (b'\\', Some(_)) => i += 1,
            (b'/', None) if bytes.get(i + 1) == Some(&b'/') => return None,
            _ => {}
        }
        i += 1;
    }
    open
}

/// The brackets open at `pos`, outermost first, each with where it is: `(`,
/// `{`, and `/*` for a comment that never ends. Text and comments are skipped.
fn open_brackets(source: &str, pos: usize) -> Vec<(&'static str, usize)> {
    let bytes = source.as_bytes();
    let mut stack: Vec<(&'static str, usize)> = Vec::new();
    let mut i = 0;
    while i < pos.min(bytes.len()) {
        match bytes[i] {
            b'"' => i = lexical::string_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = lexical::line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => match source[i + 2..].find("*/") {
                Some(end) => i += 2 + end + 1,
                None => {
                    stack.push(("/*", i));
                    break;
                }
            },
            b'(' => stack.push(("(", i)),
            b'{' => stack.push(("{", i)),
            b')' | b'}' if stack.last().is_some_and(|(o, _)| *o == opener_of(bytes[i])) => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack
}

fn opener_of(closer: u8) -> &'static str {
    if closer == b')' {
        "("
    } else {
        "{"
    }
}

fn closer_of(opener: &str) -> &'static str {
    match opener {
        "(" => ")",
        "{" => "}",
        _ => "*/",
    }
}

fn line_of(source: &str, pos: usize) -> usize {
    source.as_bytes()[..pos.min(source.len())].iter().filter(|b| **b == b'\n').count()
}

/// The syntax error for a parse that failed at `pos`, where `expected` could
/// have come.
pub fn diagnose(source: &str, pos: usize, expected: &Expected) -> SyntaxError {
    let tok = token_at(source, pos);
    // A text left open swallows the rest of its line; nothing after it matters.
    let quote = open_quote(source, pos).or((tok.found == Found::OpenText).then_some(tok.span.start));
    if let Some(start) = quote {
        let end = start + source[start..].find('\n').unwrap_or(source.len() - start);
        let end = if source[..end].ends_with('\r') { end - 1 } else { end };
        return SyntaxError::UnclosedText { span: Span::new(start, end).into() };
    }
    // The innermost open bracket is the culprit when its closer could come
    // here and what comes instead shows the closer is missing: the end of the
    // file, a new line inside `( ... )`, or another block's `{`.
    let open = open_brackets(source, tok.span.start);
    if let Some(&(opener, at)) = open.last() {
        let later = line_of(source, at) < line_of(source, tok.span.start);
        let missing = match tok.found {
            Found::End => true,
            Found::Symbol("{") => opener == "{" && later,
            _ => opener == "(" && later,
        };
        if expected.has_token(closer_of(opener)) && missing {
            return unclosed(source, opener, at);
        }
    }
    match tok.found {
        Found::Symbol(s @ (")" | "}")) if !expected.has_token(s) => {
            let opener = opener_of(s.as_bytes()[0]);
            if open.last().is_none_or(|(o, _)| *o != opener) {
                return SyntaxError::Stray {
                    token: s.to_string(),
                    open: opener.to_string(),
                    span: tok.span.into(),
                    help: format!("remove it; expected {}", expected.describe()),
                };
            }
        }
        Found::Symbol("=") if expected.has_class(Class::Operator) => {
            return SyntaxError::SingleEquals { span: tok.span.into() };
        }
        Found::Reserved(word) if expected.has_class(Class::Name) => {
            return SyntaxError::Reserved {
                word: word.to_string(),
                span: tok.span.into(),
                help: format!("choose another name; the reserved words are {}", reserved_list()),
            };
        }
        _ => {}
    }
    let (span, label) = match tok.found {
        // Nothing to underline past the end: point at what comes last.
        Found::End => match last_token(source) {
            Some(last) => (last, "the file ends after this".to_string()),
            None => (tok.span, "the file is empty".to_string()),
        },
        found => (tok.span, format!("found {}", found.describe())),
    };
    SyntaxError::Expected { expected: expected.describe(), label, span: span.into(), help: help(expected, tok.found) }
}

/// The help for an [`SyntaxError::Expected`]: how the construct that was
/// cut short is written.
fn help(expected: &Expected, found: Found) -> String {
    let examples = [
        ("above", "an open band is written `130% and above : 7%`"),
        ("to", "a band is written `0% to 100% : 3%`; the last band may be open: `130% and above : 7%`"),
        ("then", "an `if` is written `if C >= Q then 5,000 CNY else 0 CNY`"),
        ("=", "a definition is written `value C = sum(collected)`, a parameter `param rate = 3%`"),
    ];
    if let Some((_, help)) = examples.iter().find(|(t, _)| expected.has_token(t)) {
        return (*help).to_string();
    }
    // A connective where an expression should be is a missing expression, not
    // an attempt at a name.
    const CONNECTIVES: [&str; 9] = ["then", "else", "and", "or", "where", "having", "to", "of", "on"];
    if let Found::Reserved(word) = found {
        if expected.has_class(Class::Expression) && !CONNECTIVES.contains(&word) {
            return format!("`{word}` is a reserved word and cannot be a name; {TOUR}");
        }
    }
    TOUR.to_string()
}

fn reserved_list() -> String {
    let words: Vec<String> = RESERVED.iter().map(|w| format!("`{w}`")).collect();
    words.join(", ")
}

/// The span of the last token in the file, if any.
fn last_token(source: &str) -> Option<Span> {
    let mut last = None;
    let mut pos = 0;
    loop {
        let tok = token_at(source, pos);
        if tok.found == Found::End {
            return last;
        }
        last = Some(tok.span);
        pos = tok.span.end.max(pos + 1);
    }
}

/// `expected `}`: `section reps` is not closed`, labelling the opener.
fn unclosed(source: &str, opener: &str, at: usize) -> SyntaxError {
    let (what, help) = match opener {
        "{" => {
            let what = block_name(source, at);
            let help = format!("add `}}` after the last line of {what}");
            (what, help)
        }
        "(" => {
            let before = source[..at].trim_end();
            // The word just before `(`, after whatever character ends it
            // (`×` and a byte-order mark are more than a byte).
            let start =
                before.char_indices().rev().find(|&(_, c)| !is_word_char(c)).map_or(0, |(i, c)| i + c.len_utf8());
            let name = &before[start..];
            let what = if name.is_empty() { "a `(`".to_string() } else { format!("`{name}(`") };
            (what, "add `)` after the last argument".to_string())
        }
        _ => ("a comment".to_string(), "end the comment with `*/`, or start each line with `//`".to_string()),
    };
    SyntaxError::Unclosed {
        close: closer_of(opener).to_string(),
        open: opener.to_string(),
        what,
        span: Span::new(at, at + opener.len()).into(),
        help,
    }
}

/// What a `{` opens, from the words before it on its line (or the lines above
/// when it stands alone): `` `section reps` ``, `` the tiers of `payout bonus` ``.
fn block_name(source: &str, brace: usize) -> String {
    let mut end = brace;
    loop {
        let line_start = source[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = source[line_start..end].trim();
        let line = line.split("//").next().unwrap_or("").trim();
        if !line.is_empty() || line_start == 0 {
            let words: Vec<&str> = line.split_whitespace().collect();
            let head = words.iter().take(2).copied().collect::<Vec<_>>().join(" ");
            return if words.contains(&"tiers") && words.first() != Some(&"tiers") {
                format!("the tiers of `{head}`")
            } else if head.is_empty() {
                "this block".to_string()
            } else {
                format!("`{head}`")
            };
        }
        end = line_start - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: &str, pos: usize) -> Found<'_> {
        token_at(source, pos).found
    }

    #[test]
    fn classifies_the_token_at_a_position() {
        assert_eq!(found("x = 1", 1), Found::Symbol("="));
        assert_eq!(token_at("x = 1", 1).span, Span::new(2, 3));
        assert_eq!(found("a == b", 1), Found::Symbol("=="));
        assert_eq!(found("rate)\n}", 4), Found::Symbol(")"));
        assert_eq!(found("value over = 1", 5), Found::Reserved("over"));
        assert_eq!(found("value overtime = 1", 5), Found::Word("overtime"));
        assert_eq!(found("  // note\n  销售额 = 1", 0), Found::Word("销售额"));
        assert_eq!(found("x = 1,000.50% y", 3), Found::Number("1,000.50%"));
        assert_eq!(found("role == \"rep\" {", 7), Found::Text("\"rep\""));
        assert_eq!(found("role == \"rep {\n  value", 7), Found::OpenText);
        assert_eq!(found("x = 1\n  \n", 5), Found::End);
        assert_eq!(token_at("x = 1\n", 5).span, Span::new(6, 6));
    }

    /// Found by fuzzing: the word before an unclosed `(` was sliced one byte
    /// past the character ending it, inside `×` or a byte-order mark.
    #[test]
    fn an_unclosed_parenthesis_after_a_wide_character() {
        for (source, what) in [("x ×(1", "a `(`"), ("\u{feff} ( quarter", "a `(`"), ("y ÷max(1", "`max(`")] {
            match unclosed(source, "(", source.rfind('(').unwrap()) {
                SyntaxError::Unclosed { what: found, .. } => assert_eq!(found, what, "{source:?}"),
                other => panic!("{other:?}"),
            }
        }
        assert!(crate::syntax::parse_expr("\u{feff} ( quarter").is_err());
    }

    #[test]
    fn expected_tokens_read_as_classes() {
        let mut e = Expected::default();
        for t in [" ", "\n", "//", "==", "+", "-", "and", "(", ".", "value", "payout", "}"] {
            e.token(t);
        }
        assert_eq!(e.describe(), "`}`, an operator or a definition (`value`, `payout`, ...)");

        // Without operators, `and` is a word of its own (`130% and above`).
        let mut band = Expected::default();
        band.token("to");
        band.token("and");
        assert_eq!(band.describe(), "`to` or `and above`");

        let mut value = Expected::default();
        for t in ["(", "-", "\"", "if"] {
            value.token(t);
        }
        value.class(Class::Name);
        assert_eq!(value.describe(), "an expression");
    }

    #[test]
    fn finds_open_quotes_and_brackets() {
        let src = "section s where role == \"rep {\n";
        assert_eq!(open_quote(src, src.len() - 1), Some(24));
        assert_eq!(open_quote("a == \"b\" c", 9), None);
        assert_eq!(open_quote("x // \"quoted", 10), None);
        let src = "section s where f(\"(\") {\n  value x = (1 // )\n";
        assert_eq!(open_brackets(src, src.len()), vec![("{", 23), ("(", 37)]);
        assert_eq!(open_brackets("x /* y ( */ z /* w", 18), vec![("/*", 14)]);
        assert_eq!(block_name("  payout bonus = tiers marginal on C of Q {", 42), "the tiers of `payout bonus`");
        assert_eq!(block_name("section reps where x\n{", 21), "`section reps`");
    }

    fn error(source: &str) -> SyntaxError {
        crate::syntax::parse(source).expect_err("a syntax error").remove(0)
    }

    #[test]
    fn reserved_words_are_the_grammars() {
        for word in RESERVED {
            match error(&format!("param {word} = 1")) {
                SyntaxError::Reserved { word: w, .. } => assert_eq!(w, word),
                other => panic!("`{word}`: {other:?}"),
            }
        }
        for word in ["iffy", "total", "order", "value", "above_target"] {
            assert!(crate::syntax::parse(&format!("param {word} = 1")).is_ok(), "`{word}` is a name");
        }
    }

    #[test]
    fn chooses_the_error_from_what_is_here() {
        assert!(matches!(error("section s where role = \"rep\" {\n}"), SyntaxError::SingleEquals { .. }));
        match error("param rate = 3%)\n") {
            SyntaxError::Stray { token, open, .. } => assert_eq!((token.as_str(), open.as_str()), (")", "(")),
            other => panic!("{other:?}"),
        }
        match error("section s where x {\n    value y = 1\n") {
            SyntaxError::Unclosed { close, what, span, .. } => {
                assert_eq!((close.as_str(), what.as_str()), ("}", "`section s`"));
                assert_eq!(span.offset(), 18);
            }
            other => panic!("{other:?}"),
        }
        match error("value C sum(x)") {
            SyntaxError::Expected { expected, label, span, .. } => {
                assert_eq!((expected.as_str(), label.as_str()), ("`=`", "found `sum`"));
                assert_eq!((span.offset(), span.len()), (8, 3));
            }
            other => panic!("{other:?}"),
        }
        match error("section s where role == \"rep {\r\n}\r\n") {
            SyntaxError::UnclosedText { span } => assert_eq!((span.offset(), span.len()), (24, 6)),
            other => panic!("{other:?}"),
        }
    }
}
