//! Syntax: plan text → AST with spans.
//!
//! The pest grammar lives in `grammar/comp.pest`; [`parser`] runs it and builds
//! the [`ast`]. Nothing here knows about types or names: that is `check`'s job.

pub mod ast;
mod diagnose;
mod errors;
mod lexical;
mod limits;
mod parser;
pub mod span;

pub use diagnose::RESERVED;
pub use errors::SyntaxError;
pub use limits::{MAX_NAME_BYTES, MAX_NESTING, MAX_OPERATORS, MAX_SOURCE_BYTES};
pub use parser::{parse, parse_expr};
pub use span::{Ident, Span, Spanned};
