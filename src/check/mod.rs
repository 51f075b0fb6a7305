//! Check: AST → compiled [`Plan`].
//!
//! Resolves every name, infers every type and unit, validates tiers, orders the
//! definitions (rejecting cycles), and folds parameters to constants. All errors
//! found are returned together. After this stage the evaluator never looks a
//! name up and never checks a type.

mod dated;
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
    let Some((participants, events, lookups, splits, fx)) = tables else {
        return Err(errors);
    };
    let mut c = Compiler::new(settings, participants, events, lookups, splits, &decls, &mut errors);
    c.compile_params(overrides);
    c.compile_sections();
    c.compile_definitions();
    let plan = c.finish().map(|plan| Plan { fx, ..plan });
    if let Some(plan) = &plan {
        dated::check_uses(plan, &decls, &mut errors);
    }
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

/// The plan's tables: participants, events, lookups, the splits table and
/// the exchange rates.
type Tables = (TableSchema, TableSchema, Vec<TableSchema>, Option<Splits>, Option<FxTable>);

fn collect_tables(decls: &[&ast::TableDecl], plan_name: Option<Span>, errors: &mut Vec<CheckError>) -> Option<Tables> {
    const KINDS: [(&str, TableKind); 5] = [
        ("participants", TableKind::Participants),
        ("lookup", TableKind::Lookup),
        ("events", TableKind::Events),
        ("splits", TableKind::Splits),
        ("fx", TableKind::Fx),
    ];
    let mut participants: Option<TableSchema> = None;
    let mut events: Option<TableSchema> = None;
    // The splits table, with the `for` naming its events table.
    let mut splits: Option<(TableSchema, &Ident)> = None;
    let mut fx: Option<TableSchema> = None;
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
                    .or_else(|| Some("a table is `participants`, `lookup`, `events`, `splits` or `fx`".into())),
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
            TableKind::Fx => &mut fx,
            TableKind::Lookup => {
                lookups.push(schema);
                continue;
            }
            TableKind::Splits => {
                match (&splits, &t.splits) {
                    (Some((first, _)), _) => errors.push(CheckError::invalid(
                        "a plan has one `splits` table",
                        t.name.span,
                        "a second one",
                        Some(format!("`{}` is already the splits table; one table holds every split", first.name)),
                    )),
                    (None, Some(of)) => splits = Some((schema, of)),
                    // INVARIANT: `table_schema` rejects a splits table without `for`.
                    (None, None) => {}
                }
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
    let fx = fx.and_then(|schema| fx_table(schema, errors));
    // Amounts in another currency need the rates to convert them.
    if fx.is_none() && !invalid.contains(&TableKind::Fx) {
        for t in decls.iter().filter(|t| t.kind.as_str() == "events") {
            if let Some(currency) = t.columns.iter().find_map(|c| c.currency.as_ref()) {
                errors.push(CheckError::invalid(
                    "amounts in other currencies need an `fx` table",
                    currency.span,
                    "no `fx` table to convert with",
                    Some(
                        "declare the exchange rates: `fx rates by currency on date { currency: text  date: date  rate: decimal }`"
                            .into(),
                    ),
                ));
                return None;
            }
        }
    }
    let (participants, events) = (participants?, events?);
    let splits = match splits {
        Some((table, of)) => Some(splits_schema(table, of, &participants, &events, errors)?),
        None => None,
    };
    Some((participants, events, lookups, splits, fx))
}

/// Checks a splits table against the events table it divides: its key is an
/// events column too, one column names the participant credited (named like
/// the events table's participant column) and one `percent` column the share.
fn splits_schema(
    table: TableSchema,
    of: &Ident,
    participants: &TableSchema,
    events: &TableSchema,
    errors: &mut Vec<CheckError>,
) -> Option<Splits> {
    if of.node != events.name {
        errors.push(CheckError::Unknown {
            what: "events table",
            name: of.node.clone(),
            span: of.span.into(),
            help: Some(format!("the plan's events table is `{}`: write `for {}`", events.name, events.name)),
        });
        return None;
    }
    let key = &table.columns[table.key];
    let Some(event_key) = events.column(&key.name) else {
        errors.push(CheckError::invalid(
            format!("`{}` is not a column of `{}`", key.name, events.name),
            key.span,
            format!("no `{}` in `{}`", key.name, events.name),
            Some(format!(
                "a split is found by the events row's `{}`: declare the column in `{}` too, or split by one of its columns",
                key.name, events.name
            )),
        ));
        return None;
    };
    if events.columns[event_key].ty != ColumnType::Text {
        errors.push(CheckError::invalid(
            format!("`{}.{}` must be text to find a row's splits", events.name, key.name),
            key.span,
            format!("`{}.{}` is {}", events.name, key.name, events.columns[event_key].ty.name()),
            Some("rows are matched with their splits by id, as text".into()),
        ));
        return None;
    }
    let who = &events.columns[events.key].name;
    let participant = table.column(who).filter(|&c| c != table.key);
    let shares: Vec<usize> = (0..table.columns.len()).filter(|&c| table.columns[c].ty == ColumnType::Percent).collect();
    let renamed: Vec<usize> = (0..table.columns.len())
        .filter(|&c| c != table.key && table.columns[c].ty == ColumnType::Text && participant.is_none())
        .collect();
    let mut ok = true;
    match participant {
        Some(c) if table.columns[c].ty != ColumnType::Text || table.columns[c].optional => {
            errors.push(CheckError::invalid(
                format!("`{who}` must be required text: it names the participant credited"),
                table.columns[c].span,
                format!("`{who}` is {}", table.columns[c].ty.name()),
                Some(format!("participant ids are text, as in `{}`", participants.name)),
            ));
            ok = false;
        }
        Some(_) => {}
        // One other text column: the participant's, named otherwise.
        None if renamed.len() == 1 => {
            let c = renamed[0];
            errors.push(CheckError::invalid(
                format!(
                    "splits table `{}` names the participant credited `{}`, not `{who}`",
                    table.name, table.columns[c].name
                ),
                table.columns[c].span,
                format!("rename to `{who}`"),
                Some(format!(
                    "the participant credited is in the column named like `{}`'s participant column, `{who}`",
                    events.name
                )),
            ));
            ok = false;
        }
        None => {
            errors.push(CheckError::Missing {
                message: format!("splits table `{}` has no column `{who}`", table.name),
                span: Some(table.span.into()),
                help: Some(format!(
                    "declare `{who}: text`: each split row names the participant credited, in the column named like `{}`'s participant column",
                    events.name
                )),
            });
            ok = false;
        }
    }
    let share = match shares[..] {
        [one] => Some(one),
        [] => {
            errors.push(CheckError::Missing {
                message: format!("splits table `{}` has no `percent` column for the share", table.name),
                span: Some(table.span.into()),
                help: Some("declare the share credited to each participant: `share: percent`".into()),
            });
            None
        }
        [_, second, ..] => {
            errors.push(CheckError::invalid(
                format!("splits table `{}` has more than one `percent` column", table.name),
                table.columns[second].span,
                "a second share",
                Some("a split row has one share, its one `percent` column".into()),
            ));
            None
        }
    };
    let extra = (0..table.columns.len()).find(|&c| c != table.key && Some(c) != participant && Some(c) != share);
    // The participant's column under another name is reported above.
    let extra = extra.filter(|c| !(renamed.len() == 1 && renamed[0] == *c));
    if let (Some(c), Some(_)) = (extra, share) {
        errors.push(CheckError::invalid(
            format!(
                "splits table `{}` has a column `{}` that says nothing about a split",
                table.name, table.columns[c].name
            ),
            table.columns[c].span,
            "not the key, the participant or the share",
            Some(format!(
                "a splits table has three columns: `{}`, `{who}` and the share; remove `{}`",
                key.name, table.columns[c].name
            )),
        ));
        ok = false;
    }
    let share = share?;
    let other = [events, participants].into_iter().find(|t| t.column(&table.columns[share].name).is_some());
    if let Some(other) = other {
        errors.push(CheckError::invalid(
            format!("`{}` is a column of both `{}` and `{}`", table.columns[share].name, other.name, table.name),
            table.columns[share].span,
            format!("the share would hide `{}.{}`", other.name, table.columns[share].name),
            Some(format!("rename the share, e.g. `{}_share`", table.name)),
        ));
        ok = false;
    }
    ok.then(|| Splits { participant: participant.expect("checked above"), share, event_key, table })
}

/// The exchange rates table: its one `decimal` column is the rate.
fn fx_table(schema: TableSchema, errors: &mut Vec<CheckError>) -> Option<FxTable> {
    let decimals: Vec<usize> =
        (0..schema.columns.len()).filter(|&i| schema.columns[i].ty == ColumnType::Decimal).collect();
    match decimals[..] {
        [rate] => Some(FxTable { schema, rate }),
        _ => {
            errors.push(CheckError::invalid(
                "an `fx` table has one `decimal` column: the rate",
                schema.span,
                if decimals.is_empty() { "no `decimal` column" } else { "more than one `decimal` column" },
                Some("declare `rate: decimal`, the plan-currency amount of one unit of the row's currency".into()),
            ));
            None
        }
    }
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
        columns.push(ColumnSchema {
            name: c.name.node.clone(),
            ty,
            optional: c.optional,
            currency: None,
            span: c.name.span,
        });
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
    match (&t.splits, kind) {
        (None, TableKind::Splits) => {
            errors.push(CheckError::invalid(
                "a splits table names the events table it divides",
                t.name.span,
                "no `for` table",
                Some(format!("write `splits {} for <events table> by {}`", t.name.as_str(), t.key.as_str())),
            ));
            ok = false;
        }
        (Some(f), kind) if kind != TableKind::Splits => {
            errors.push(CheckError::invalid(
                "only a splits table names another table with `for`",
                f.span,
                "not a splits table",
                Some(format!("remove `for {}`", f.as_str())),
            ));
            ok = false;
        }
        _ => {}
    }
    // `amount: money in currency`: only amounts of events, in a text column.
    let mut currencies = Vec::new();
    for c in &t.columns {
        let Some(currency) = &c.currency else { continue };
        let Some(i) = columns.iter().position(|o| o.name == c.name.node) else { continue };
        if kind != TableKind::Events {
            errors.push(CheckError::invalid(
                "only amounts of the events table can be in another currency",
                currency.span,
                format!("`{}` is not an events table", t.name.as_str()),
                Some("remove `in ...`: other tables' amounts are in the plan's currency".into()),
            ));
            ok = false;
            continue;
        }
        if columns[i].ty != ColumnType::Money {
            errors.push(CheckError::invalid(
                "only a money column can be in another currency",
                currency.span,
                format!("`{}` is {}", columns[i].name, columns[i].ty.name()),
                Some(format!("declare `{}: money in {}`, or remove `in ...`", columns[i].name, currency.as_str())),
            ));
            ok = false;
            continue;
        }
        let Some(k) = find(currency, "currency column (`in`)", errors) else {
            ok = false;
            continue;
        };
        if columns[k].ty != ColumnType::Text || columns[k].optional {
            errors.push(CheckError::invalid(
                "a currency column must be required text",
                currency.span,
                format!("`{}` is {}", columns[k].name, columns[k].ty.name()),
                Some("each row names its currency with a code such as `USD`".into()),
            ));
            ok = false;
            continue;
        }
        currencies.push((i, k));
    }
    let date = match (&t.date, kind) {
        (Some(d), TableKind::Events | TableKind::Fx) => {
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
        (None, TableKind::Fx) => {
            errors.push(CheckError::invalid(
                "an `fx` table needs a date column",
                t.name.span,
                "no `on` column",
                Some(format!(
                    "write `fx {} by {} on <date column>`: each rate applies from its date",
                    t.name.as_str(),
                    t.key.as_str()
                )),
            ));
            None
        }
        (Some(d), _) => {
            errors.push(CheckError::invalid(
                "only events and `fx` tables have a date column",
                d.span,
                "not an events table",
                Some("remove `on ...`".into()),
            ));
            None
        }
        (None, _) => None,
    };
    let key = key?;
    if !ok || (matches!(kind, TableKind::Events | TableKind::Fx) && date.is_none()) {
        return None;
    }
    let from = match &t.from {
        Some(f) if kind != TableKind::Participants => {
            errors.push(CheckError::invalid(
                "only the participants table has effective dates",
                f.span,
                "not a participants table",
                Some("write `from COLUMN` on the `participants` table".into()),
            ));
            return None;
        }
        Some(f) => {
            let c = find(f, "effective date column (`from`)", errors)?;
            if columns[c].ty != ColumnType::Date {
                errors.push(CheckError::invalid(
                    "the effective date column must be a date",
                    f.span,
                    format!("`{}` is {}", columns[c].name, columns[c].ty.name()),
                    Some("each row is in effect from its date: `2024-07-01`".into()),
                ));
                return None;
            }
            Some(c)
        }
        None => None,
    };
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
    for (i, k) in currencies {
        columns[i].currency = Some(k);
    }
    Some(TableSchema { name: t.name.node.clone(), kind, columns, key, date, reports_to, from, span: t.name.span })
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
