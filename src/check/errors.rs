//! What the checker can say about a plan that parses but does not make sense.
//!
//! Messages are lowercase and put the user's words in backticks; detail goes in
//! labels and help.

use crate::syntax::Span;
use miette::{Diagnostic, LabeledSpan, SourceSpan};
use thiserror::Error;

#[derive(Clone, Debug, Error, Diagnostic, PartialEq, Eq)]
pub enum CheckError {
    #[error("unknown {what} `{name}`")]
    #[diagnostic(code(comp::check::unknown))]
    Unknown {
        what: &'static str,
        name: String,
        #[label("not defined")]
        span: SourceSpan,
        #[help]
        help: Option<String>,
    },

    #[error("`{name}` is defined twice")]
    #[diagnostic(code(comp::check::duplicate), help("give each definition its own name"))]
    Duplicate {
        name: String,
        #[label("defined again here")]
        span: SourceSpan,
        #[label("first defined here")]
        first: SourceSpan,
    },

    #[error("type mismatch: {message}")]
    #[diagnostic(code(comp::check::types))]
    Type {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(comp::check::level))]
    Level {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("tiers: {message}")]
    #[diagnostic(code(comp::check::tiers))]
    Tiers {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[label("{other_label}")]
        other: Option<SourceSpan>,
        other_label: String,
        #[help]
        help: Option<String>,
    },

    /// A dated parameter used where its changes cannot apply: a label on the
    /// use and one on the change.
    #[error("{message}")]
    #[diagnostic(code(comp::check::dated))]
    Dated {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[label("{other_label}")]
        other: SourceSpan,
        other_label: String,
        #[help]
        help: Option<String>,
    },

    /// Definitions that need each other: one label on each reference that
    /// closes the loop.
    #[error("{message}")]
    #[diagnostic(code(comp::check::cycle))]
    Cycle {
        message: String,
        #[label(collection)]
        labels: Vec<LabeledSpan>,
        #[help]
        help: String,
    },

    #[error("{message}")]
    #[diagnostic(code(comp::check::plan))]
    Invalid {
        message: String,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },

    /// Something the plan must declare and does not. The label, when there is
    /// a header to put it on, points at the plan's name.
    #[error("{message}")]
    #[diagnostic(code(comp::check::plan))]
    Missing {
        message: String,
        #[label("in this plan")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },

    /// The last error when there are too many to go on.
    #[error("checking stopped after {limit} errors")]
    #[diagnostic(code(comp::check::stopped), help("fix these first: the rest of the plan was not checked"))]
    Stopped { limit: usize },

    #[error("invalid `--set {name}`: {message}")]
    #[diagnostic(code(comp::check::set))]
    BadOverride {
        name: String,
        message: String,
        #[label("the parameter is declared here")]
        span: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },
}

impl CheckError {
    pub fn invalid(
        message: impl Into<String>,
        span: impl Into<SourceSpan>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        CheckError::Invalid { message: message.into(), span: span.into(), label: label.into(), help }
    }

    pub fn type_error(
        message: impl Into<String>,
        span: impl Into<SourceSpan>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        CheckError::Type { message: message.into(), span: span.into(), label: label.into(), help }
    }
}

/// A loop of definitions (or parameters) that need each other. `members[k]`
/// uses `members[k + 1]` at `refs[k]`, and the last uses the first at the last
/// reference: `A` → `B` → `A` is `members = [A, B]`, `refs = [B in A, A in B]`.
pub fn cycle(members: &[&str], refs: &[Span], help: String) -> CheckError {
    let names: Vec<String> = members.iter().map(|n| format!("`{n}`")).collect();
    let message = match names.as_slice() {
        [one] => format!("{one} depends on itself"),
        [init @ .., last] => {
            let path: Vec<&str> = names.iter().chain(names.first()).map(String::as_str).collect();
            format!("{} and {last} depend on each other ({})", init.join(", "), path.join(" → "))
        }
        [] => unreachable!("a cycle has members"),
    };
    let labels = if members.len() == 1 {
        refs.iter().map(|r| LabeledSpan::at(*r, "uses itself here")).collect()
    } else {
        refs.iter()
            .enumerate()
            .map(|(k, r)| {
                let user = members[k];
                let used = members[(k + 1) % members.len()];
                LabeledSpan::at(*r, format!("`{user}` uses `{used}`"))
            })
            .collect()
    };
    CheckError::Cycle { message, labels, help }
}

/// "did you mean `x`?" for the closest of `candidates`, if any is close.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The candidate `name` is most likely a misspelling of, if any is close.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&name.to_lowercase(), &c.to_lowercase());
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}
