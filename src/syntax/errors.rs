//! Syntax errors: what the parser can say about text that is not a plan.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum SyntaxError {
    /// The general case: what could have come here, and what did.
    #[error("expected {expected}")]
    #[diagnostic(code(comp::syntax))]
    Expected {
        expected: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: String,
    },
    /// The file ends (or a new line starts) inside a `{` or `(`.
    #[error("expected `{close}`: {what} is not closed")]
    #[diagnostic(code(comp::syntax))]
    Unclosed {
        close: String,
        open: String,
        what: String,
        #[label("this `{open}` is never closed")]
        span: SourceSpan,
        #[help]
        help: String,
    },
    /// A closing bracket with nothing to close.
    #[error("unexpected `{token}`")]
    #[diagnostic(code(comp::syntax))]
    Stray {
        token: String,
        open: String,
        #[label("no `{open}` to close")]
        span: SourceSpan,
        #[help]
        help: String,
    },
    #[error("`{word}` is a reserved word")]
    #[diagnostic(code(comp::syntax))]
    Reserved {
        word: String,
        #[label("cannot be a name")]
        span: SourceSpan,
        #[help]
        help: String,
    },
    #[error("`=` is not a comparison; write `==`")]
    #[diagnostic(
        code(comp::syntax),
        help("`=` gives a name its value (`value C = ...`); `==` compares (`role == \"rep\"`)")
    )]
    SingleEquals {
        #[label("use `==` to compare")]
        span: SourceSpan,
    },
    #[error("text is not closed: no `\"` before the end of the line")]
    #[diagnostic(code(comp::syntax), help("add the closing `\"`; a text cannot run over two lines"))]
    UnclosedText {
        #[label("this text has no closing `\"`")]
        span: SourceSpan,
    },
    /// pest's own errors: its call or stack limit reached.
    #[error("{message}")]
    #[diagnostic(code(comp::syntax), help("split long or deeply nested formulas into named values"))]
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
        help("at most {limit} levels of brackets, `if`s and `tiers`; split the formula into named values")
    )]
    TooDeep {
        limit: usize,
        #[label("nesting passes {limit} levels here")]
        span: SourceSpan,
    },
    #[error("formula has more than {limit} operators")]
    #[diagnostic(
        code(comp::limits::operators),
        help("split the formula into named values (`value part = ...`) and combine those")
    )]
    TooManyOperators {
        limit: usize,
        #[label("the formula passes {limit} operators here")]
        span: SourceSpan,
    },
    /// The last error when there are too many to go on.
    #[error("stopped after {limit} errors")]
    #[diagnostic(code(comp::syntax::stopped), help("fix these first; the ones after them are not shown"))]
    Stopped { limit: usize },
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
