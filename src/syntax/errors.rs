//! Syntax errors: what the parser can say about text that is not a plan.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum SyntaxError {
    #[error("syntax error: expected {expected}")]
    #[diagnostic(code(comp::syntax), help("see docs/language.md for the forms a plan file can take"))]
    Unexpected {
        expected: String,
        #[label("expected {expected} here")]
        span: SourceSpan,
    },
    #[error("syntax error: {message}")]
    #[diagnostic(code(comp::syntax))]
    Other {
        message: String,
        #[label("here")]
        span: SourceSpan,
    },
    #[error("number too large")]
    #[diagnostic(
        code(comp::syntax::number),
        help("numbers must fit in 28 significant digits; amounts are exact decimals")
    )]
    NumberTooLarge {
        #[label("this number does not fit")]
        span: SourceSpan,
    },
    #[error("`{text}` is not a date")]
    #[diagnostic(code(comp::syntax::date), help("dates are written YYYY-MM-DD, e.g. 2024-03-31"))]
    BadDate {
        text: String,
        #[label("no such day")]
        span: SourceSpan,
    },
    #[error("plan nests too deeply")]
    #[diagnostic(
        code(comp::limits::nesting),
        help("at most {limit} levels of parentheses, braces and `if`s; split the formula into named values")
    )]
    TooDeep {
        limit: usize,
        #[label("nesting passes {limit} levels here")]
        span: SourceSpan,
    },
    #[error("plan file too large")]
    #[diagnostic(code(comp::limits::size), help("a plan file may be at most {limit} bytes"))]
    TooLarge {
        limit: usize,
        #[label("the file goes past the limit here")]
        span: SourceSpan,
    },
    #[error("name is {len} bytes; the limit is {limit}")]
    #[diagnostic(code(comp::limits::name), help("shorten it; a comment (`// ...`) can say more"))]
    NameTooLong {
        len: usize,
        limit: usize,
        /// The name's first bytes only: the whole name would not fit on a screen.
        #[label("this name")]
        span: SourceSpan,
    },
}
