//! Check: AST → compiled [`Plan`].
//!
//! Resolves every name, infers every type and unit, validates tiers, orders the
//! definitions (rejecting cycles), and folds parameters to constants. All errors
//! found are returned together. After this stage the evaluator never looks a
//! name up and never checks a type.

mod draw;
mod errors;
mod expr;
mod order;
mod plan;
mod settings;
mod tiers;

pub use errors::{closest, did_you_mean, CheckError};
pub use plan::*;

use crate::syntax::ast::{self, Item, PlanFile};
use crate::syntax::{Ident, Span};
use expr::Compiler;
use std::collections::HashMap;

/// A `--set name=value` given on the command line.
#[derive(Debug, Clone)]
pub struct Override {
    pub name: String,
    pub value: String,
}

/// Checking stops once it has found more errors than this; the first
/// `MAX_ERRORS` are reported, and a last one says that checking stopped.
pub const MAX_ERRORS: usize = 100;

/// Checks a parsed plan and compiles it.
pub fn check(file: &PlanFile, overrides: &[Override]) -> Result<Plan, Vec<CheckError>> {
    compile(file, overrides).map_err(|mut errors| {
        if errors.len() > MAX_ERRORS {
            errors.truncate(MAX_ERRORS);
            errors.push(CheckError::Stopped { limit: MAX_ERRORS });
        }
        errors
    })
}

fn compile(file: &PlanFile, overrides: &[Override]) -> Result<Plan, Vec<CheckError>> {
    let mut errors = Vec::new();
    let (file, written) = draw::expand(file, &mut errors);
    let mut decls = Declarations::collect(&file, &mut errors);
    decls.written = written;
    let settings = settings::read(decls.header, &mut errors);
    let tables = collect_tables(&decls.tables, decls.header.map(|h| h.name.span), &mut errors);
    let Some((participants, events, lookups)) = tables else {
        return Err(errors);
    };
    let mut c = Compiler::new(settings, participants, events, lookups, &decls, &mut errors);
    c.compile_params(overrides);
    c.compile_sections();
    c.compile_definitions();
    let plan = c.finish();
    if errors.is_empty() {
        Ok(plan.expect("a plan is built when there are no errors"))
    } else {
        Err(errors)
    }
}

/// The items of a file, flattened, with the section each one sits in.
pub(crate) struct Declarations<'a> {
    pub header: Option<&'a ast::Header>,
    pub tables: Vec<&'a ast::TableDecl>,
    pub params: Vec<&'a ast::ParamDecl>,
    pub sections: Vec<&'a ast::SectionDecl>,
    pub defs: Vec<(&'a ast::Definition, Option<SectionId>)>,
    /// Every parameter and definition name → where it is declared.
    pub names: HashMap<String, NameRef>,
    /// The formula to show for a definition a draw stands for, when its
    /// expression is not written in the file (by name).
    pub written: HashMap<String, String>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum NameRef {
    Param(usize),
    Def(usize),
}

impl<'a> Declarations<'a> {
    fn collect(file: &'a PlanFile, errors: &mut Vec<CheckError>) -> Self {
        let mut d = Declarations {
            header: None,
            tables: Vec::new(),
            params: Vec::new(),
            sections: Vec::new(),
            defs: Vec::new(),
            names: HashMap::new(),
            written: HashMap::new(),
        };
        let mut spans: HashMap<String, Span> = HashMap::new();
        d.walk(&file.items, None, &mut spans, errors);
        d
    }

    fn walk(
        &mut self,
        items: &'a [Item],
        section: Option<SectionId>,
        spans: &mut HashMap<String, Span>,
        errors: &mut Vec<CheckError>,
    ) {
        for item in items {
            match item {
                Item::Header(h) => {
                    if let Some(first) = self.header {
                        errors.push(CheckError::Duplicate {
                            name: "plan".into(),
                            span: h.span.into(),
                            first: first.span.into(),
                        });
                    } else {
                        self.header = Some(h);
                    }
                }
                Item::Table(t) => self.tables.push(t),
                // Replaced by its definitions before this walk (draw.rs).
                Item::Draw(_) => {}
                Item::Param(p) => {
                    if declare(&p.name, spans, errors) {
                        self.names.insert(p.name.node.clone(), NameRef::Param(self.params.len()));
                    }
                    self.params.push(p);
                }
                Item::Definition(def) => {
                    if def.kind.is_line() && def.name.as_str() == TOTAL {
                        // The computed sum of the payout lines already has this name.
                        errors.push(CheckError::invalid(
                            format!("a line cannot be named `{}`", TOTAL),
                            def.name.span,
                            "reserved for the sum of the payout lines",
                            Some("every statement ends with `total`, the sum of its payout lines; name this line otherwise".into()),
                        ));
                    }
                    if declare(&def.name, spans, errors) {
                        self.names.insert(def.name.node.clone(), NameRef::Def(self.defs.len()));
                    }
                    self.defs.push((def, section));
                }
                Item::Section(s) => {
                    if section.is_some() {
                        errors.push(CheckError::invalid(
                            "sections cannot be nested",
                            s.name.span,
                            "inside another section",
                            Some(
                                "close the outer section first; a section's condition can combine tests with `and`"
                                    .into(),
                            ),
                        ));
                    }
                    if self.sections.iter().any(|o| o.name == s.name) {
                        let first = self.sections.iter().find(|o| o.name == s.name).unwrap();
                        errors.push(CheckError::Duplicate {
                            name: s.name.node.clone(),
                            span: s.name.span.into(),
                            first: first.name.span.into(),
                        });
                    }
                    let id = self.sections.len();
                    self.sections.push(s);
                    self.walk(&s.items, Some(id), spans, errors);
                }
            }
        }
    }
}

fn declare(name: &Ident, spans: &mut HashMap<String, Span>, errors: &mut Vec<CheckError>) -> bool {
    if let Some(first) = spans.get(&name.node) {
        errors.push(CheckError::Duplicate { name: name.node.clone(), span: name.span.into(), first: (*first).into() });
        false
    } else {
        spans.insert(name.node.clone(), name.span);
        true
    }
}

fn collect_tables(
    decls: &[&ast::TableDecl],
    plan_name: Option<Span>,
    errors: &mut Vec<CheckError>,
) -> Option<(TableSchema, TableSchema, Vec<TableSchema>)> {
    const KINDS: [(&str, TableKind); 3] =
        [("participants", TableKind::Participants), ("lookup", TableKind::Lookup), ("events", TableKind::Events)];
    let mut participants: Option<TableSchema> = None;
    let mut events: Option<TableSchema> = None;
    let mut lookups: Vec<TableSchema> = Vec::new();
    // Kinds of table declared but rejected (already reported): their absence is
    // not reported again.
    let mut invalid: Vec<TableKind> = Vec::new();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for t in decls {
        if let Some(first) = seen.get(t.name.as_str()) {
            errors.push(CheckError::Duplicate {
                name: t.name.node.clone(),
                span: t.name.span.into(),
                first: (*first).into(),
            });
            continue;
        }
        seen.insert(t.name.as_str(), t.name.span);
        let Some(kind) = KINDS.iter().find(|(n, _)| *n == t.kind.as_str()).map(|(_, k)| *k) else {
            let other = t.kind.as_str();
            let guess = closest(other, KINDS.iter().map(|(n, _)| *n));
            // A misspelt kind is the kind it is closest to; failing that, only
            // an events table has a date column (`on ...`).
            let meant = guess.and_then(|g| KINDS.iter().find(|(n, _)| *n == g).map(|(_, k)| *k));
            invalid.extend(meant.or(t.date.as_ref().map(|_| TableKind::Events)));
            errors.push(CheckError::Unknown {
                what: "kind of table",
                name: other.to_string(),
                span: t.kind.span.into(),
                help: guess
                    .map(|g| format!("did you mean `{g}`?"))
                    .or_else(|| Some("a table is `participants`, `lookup` or `events`".into())),
            });
            continue;
        };
        let Some(schema) = table_schema(t, kind, errors) else {
            invalid.push(kind);
            continue;
        };
        let slot = match kind {
            TableKind::Participants => &mut participants,
            TableKind::Events => &mut events,
            TableKind::Lookup => {
                lookups.push(schema);
                continue;
            }
        };
        if let Some(first) = slot {
            errors.push(CheckError::invalid(
                format!("a plan has one `{}` table", t.kind.as_str()),
                t.name.span,
                "a second one",
                Some(format!("`{}` is already the {} table", first.name, t.kind.as_str())),
            ));
        } else {
            *slot = Some(schema);
        }
    }
    if participants.is_none() && !invalid.contains(&TableKind::Participants) {
        errors.push(CheckError::Missing {
            message: "the plan declares no `participants` table".into(),
            span: plan_name.map(Into::into),
            help: Some("declare who is paid: `participants roster by participant { participant: text ... }`".into()),
        });
    }
    if events.is_none() && !invalid.contains(&TableKind::Events) {
        errors.push(CheckError::Missing {
            message: "the plan declares no `events` table".into(),
            span: plan_name.map(Into::into),
            help: Some("declare the transactions: `events sales by rep on date { ... }`".into()),
        });
    }
    Some((participants?, events?, lookups))
}

fn table_schema(t: &ast::TableDecl, kind: TableKind, errors: &mut Vec<CheckError>) -> Option<TableSchema> {
    let mut columns: Vec<ColumnSchema> = Vec::new();
    let mut ok = true;
    for c in &t.columns {
        if let Some(first) = columns.iter().find(|o| o.name == c.name.node) {
            errors.push(CheckError::Duplicate {
                name: c.name.node.clone(),
                span: c.name.span.into(),
                first: first.span.into(),
            });
            ok = false;
            continue;
        }
        let Some(ty) = ColumnType::ALL.iter().find(|(n, _)| *n == c.ty.as_str()).map(|(_, t)| *t) else {
            let names: Vec<&str> = ColumnType::ALL.iter().map(|(n, _)| *n).collect();
            errors.push(CheckError::Unknown {
                what: "column type",
                name: c.ty.node.clone(),
                span: c.ty.span.into(),
                help: did_you_mean(c.ty.as_str(), names.iter().copied())
                    .or_else(|| Some(format!("the column types are {}", settings::list(&names)))),
            });
            ok = false;
            continue;
        };
        if c.optional && ty != ColumnType::Text {
            errors.push(CheckError::invalid(
                "only text columns can be optional",
                c.span,
                "an empty cell here would have no value",
                Some(format!("remove the `?`; {}", fill_in(ty))),
            ));
            ok = false;
        }
        columns.push(ColumnSchema { name: c.name.node.clone(), ty, optional: c.optional, span: c.name.span });
    }
    let find = |id: &Ident, role: &str, errors: &mut Vec<CheckError>| -> Option<usize> {
        let found = columns.iter().position(|c| c.name == id.node);
        if found.is_none() {
            errors.push(CheckError::Unknown {
                what: "column",
                name: id.node.clone(),
                span: id.span.into(),
                help: did_you_mean(id.as_str(), columns.iter().map(|c| c.name.as_str()))
                    .or_else(|| Some(format!("the {role} must be one of `{}`'s columns", t.name.as_str()))),
            });
        }
        found
    };
    let key = find(&t.key, "key (`by`)", errors);
    if let Some(k) = key {
        if columns[k].ty != ColumnType::Text || columns[k].optional {
            errors.push(CheckError::invalid(
                "a key column must be required text",
                t.key.span,
                format!("`{}` is {}", columns[k].name, columns[k].ty.name()),
                Some("participant ids and lookup keys are read as text".into()),
            ));
            ok = false;
        }
    }
    let date = match (&t.date, kind) {
        (Some(d), TableKind::Events) => {
            let i = find(d, "date (`on`)", errors);
            if let Some(i) = i {
                if columns[i].ty != ColumnType::Date {
                    errors.push(CheckError::invalid(
                        "the column that places an event in a period must be a date",
                        d.span,
                        format!("`{}` is {}", columns[i].name, columns[i].ty.name()),
                        None,
                    ));
                    ok = false;
                }
            }
            i
        }
        (None, TableKind::Events) => {
            errors.push(CheckError::invalid(
                "an events table needs a date column",
                t.name.span,
                "no `on` column",
                Some(format!("write `events {} by {} on <date column>`", t.name.as_str(), t.key.as_str())),
            ));
            None
        }
        (Some(d), _) => {
            errors.push(CheckError::invalid(
                "only events tables have a date column",
                d.span,
                "not an events table",
                Some("remove `on ...`".into()),
            ));
            None
        }
        (None, _) => None,
    };
    let key = key?;
    if !ok || (kind == TableKind::Events && date.is_none()) {
        return None;
    }
    let reports_to = match &t.reports_to {
        Some(r) if kind != TableKind::Participants => {
            errors.push(CheckError::invalid(
                "only the participants table has a hierarchy",
                r.span,
                "not a participants table",
                Some("write `reports to COLUMN` on the `participants` table".into()),
            ));
            return None;
        }
        Some(r) => {
            let c = find(r, "manager column (`reports to`)", errors)?;
            if columns[c].ty != ColumnType::Text {
                errors.push(CheckError::invalid(
                    "the manager column must be text",
                    r.span,
                    format!("`{}` is {}", columns[c].name, columns[c].ty.name()),
                    Some("each participant's manager is named by id".into()),
                ));
                return None;
            }
            Some(c)
        }
        None => None,
    };
    Some(TableSchema { name: t.name.node.clone(), kind, columns, key, date, reports_to, span: t.name.span })
}

/// What to write in the data instead of leaving a required cell empty.
fn fill_in(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Money => "write 0 in the data where an amount is zero",
        ColumnType::Integer | ColumnType::Decimal => "write 0 in the data where a number is zero",
        ColumnType::Percent => "write 0% in the data where a percentage is zero",
        ColumnType::Bool => "write `false` in the data where a flag is not set",
        ColumnType::Date | ColumnType::Text => "give every row a value",
    }
}
