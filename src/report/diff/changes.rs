//! What differs between two plan files, by name: header settings, tables,
//! parameters, sections and definitions; and the input schema.
//!
//! Definitions are compared by their syntax trees, which compare equal when
//! they differ only in layout and comments (spans are ignored); parameters by
//! their checked values, so a `--set` on the new plan shows, and `5%` and
//! `0.05` are the same.

use crate::check::{ColumnSchema, Param, Plan, TableKind, TableSchema};
use crate::syntax::ast::{self, Item, PlanFile, SettingArg};
use crate::syntax::Span;
use crate::value::{Type, Value};
use rust_decimal::Decimal;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn word(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One named thing that differs between the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChange {
    /// `setting`, `table`, `param`, `section`, `value`, `payout` or `info`.
    pub what: &'static str,
    pub name: String,
    pub change: ChangeKind,
    pub detail: Option<String>,
}

impl fmt::Display for PlanChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}` {}", self.what, self.name, self.change.word())?;
        match &self.detail {
            Some(d) => write!(f, ": {d}"),
            None => Ok(()),
        }
    }
}

impl PlanChange {
    fn new(what: &'static str, name: &str, change: ChangeKind, detail: Option<String>) -> Self {
        PlanChange { what, name: name.to_string(), change, detail }
    }

    /// The change as a Markdown list item's text.
    pub fn markdown(&self) -> String {
        self.to_string()
    }
}

/// Named things in file order: (name, thing). Added ones follow the new file's
/// order, removed ones come last in the old file's.
fn by_name<'a, T>(
    old: &[(String, T)],
    new: &'a [(String, T)],
    mut same: impl FnMut(&T, &T) -> Option<Option<String>>,
    mut describe: impl FnMut(&T, ChangeKind) -> (&'static str, Option<String>),
    out: &mut Vec<PlanChange>,
) where
    T: 'a,
{
    for (name, n) in new {
        match old.iter().find(|(o, _)| o == name) {
            None => {
                let (what, detail) = describe(n, ChangeKind::Added);
                out.push(PlanChange::new(what, name, ChangeKind::Added, detail));
            }
            Some((_, o)) => {
                if let Some(detail) = same(o, n) {
                    let (what, _) = describe(n, ChangeKind::Changed);
                    out.push(PlanChange::new(what, name, ChangeKind::Changed, detail));
                }
            }
        }
    }
    for (name, o) in old {
        if !new.iter().any(|(n, _)| n == name) {
            let (what, detail) = describe(o, ChangeKind::Removed);
            out.push(PlanChange::new(what, name, ChangeKind::Removed, detail));
        }
    }
}

/// Everything a file declares, flattened, with each definition's section.
struct Decls<'a> {
    header: Option<&'a ast::Header>,
    tables: Vec<(String, &'a ast::TableDecl)>,
    params: Vec<(String, &'a ast::ParamDecl)>,
    sections: Vec<(String, &'a ast::SectionDecl)>,
    defs: Vec<(String, (&'a ast::Definition, Option<&'a str>))>,
    draws: Vec<(String, (&'a ast::DrawDecl, Option<&'a str>))>,
}

impl<'a> Decls<'a> {
    fn of(file: &'a PlanFile) -> Self {
        let mut d =
            Decls { header: None, tables: vec![], params: vec![], sections: vec![], defs: vec![], draws: vec![] };
        d.walk(&file.items, None);
        d
    }

    fn walk(&mut self, items: &'a [Item], section: Option<&'a str>) {
        for item in items {
            match item {
                Item::Header(h) => self.header = self.header.or(Some(h)),
                Item::Table(t) => self.tables.push((t.name.node.clone(), t)),
                Item::Param(p) => self.params.push((p.name.node.clone(), p)),
                Item::Section(s) => {
                    self.sections.push((s.name.node.clone(), s));
                    self.walk(&s.items, Some(s.name.as_str()));
                }
                Item::Definition(def) => self.defs.push((def.name.node.clone(), (def, section))),
                Item::Draw(d) => self.draws.push((d.name.node.clone(), (d, section))),
            }
        }
    }
}

/// The named definitions that differ between two checked plans and their files.
/// `set`: the parameters the command line overrides in the new plan.
pub fn plan_changes(
    old_file: &PlanFile,
    old: &Plan,
    new_file: &PlanFile,
    new: &Plan,
    set: &[String],
) -> Vec<PlanChange> {
    let (od, nd) = (Decls::of(old_file), Decls::of(new_file));
    let mut out = Vec::new();

    // Header: the name and each setting.
    let name = |d: &Decls| d.header.map(|h| h.name.node.clone()).unwrap_or_default();
    if name(&od) != name(&nd) {
        out.push(PlanChange::new(
            "setting",
            "plan",
            ChangeKind::Changed,
            Some(format!("{:?} → {:?}", name(&od), name(&nd))),
        ));
    }
    let settings = |d: &Decls| -> Vec<(String, String)> {
        d.header.map_or_else(Vec::new, |h| {
            h.settings
                .iter()
                .map(|s| {
                    (s.key.node.clone(), s.args.iter().map(|a| setting_arg(&a.node)).collect::<Vec<_>>().join(" "))
                })
                .collect()
        })
    };
    by_name(
        &settings(&od),
        &settings(&nd),
        |o, n| (o != n).then(|| Some(format!("{o} → {n}"))),
        |v, k| ("setting", (k != ChangeKind::Changed).then(|| v.clone())),
        &mut out,
    );

    // Tables, with what changed in their schema.
    let schema = schema_changes(old, new);
    by_name(
        &od.tables,
        &nd.tables,
        |o, n| {
            (o != n).then(|| {
                let table = n.name.as_str();
                let detail: Vec<&str> =
                    schema.iter().filter(|c| c.table == table).map(|c| c.column_text.as_str()).collect();
                Some(if detail.is_empty() { "column labels or order".to_string() } else { detail.join("; ") })
            })
        },
        |t, _| ("table", Some(format!("{} table", t.kind.as_str()))),
        &mut out,
    );

    // Parameters: by their checked values (with `--set`).
    let params = |plan: &Plan, d: &Decls| -> Vec<(String, Option<Param>)> {
        d.params.iter().map(|(n, _)| (n.clone(), plan.params.iter().find(|p| &p.name == n).cloned())).collect()
    };
    let periods: Vec<String> = new.calendar.periods.iter().map(|p| p.label.clone()).collect();
    let currency = new.currency.clone();
    by_name(
        &params(old, &od),
        &params(new, &nd),
        |o, n| {
            let (o, n) = (o.as_ref()?, n.as_ref()?);
            let mut detail = param_change(o, n, &periods, &currency)?;
            if set.contains(&n.name) {
                detail.push_str(" (--set)");
            }
            Some(Some(detail))
        },
        |p, k| {
            let value = p.as_ref().filter(|_| k != ChangeKind::Changed).map(|p| param_text(p, &periods, &currency));
            ("param", value)
        },
        &mut out,
    );

    // Sections, by their condition.
    by_name(
        &od.sections,
        &nd.sections,
        |o, n| (o.condition != n.condition).then(|| Some("its condition".to_string())),
        |_, _| ("section", None),
        &mut out,
    );

    // Definitions, by kind, section and expression.
    by_name(
        &od.defs,
        &nd.defs,
        |(o, os), (n, ns)| {
            let mut detail = Vec::new();
            if o.kind != n.kind {
                detail.push(
                    match o.kind {
                        ast::DefKind::Value => "was a value",
                        ast::DefKind::Payout => "was a payout",
                        ast::DefKind::Info => "was an info line",
                    }
                    .to_string(),
                );
            }
            if os != ns {
                let place = |s: &Option<&str>| s.map_or("the plan".to_string(), |s| format!("section `{s}`"));
                detail.push(format!("moved from {} to {}", place(os), place(ns)));
            }
            if o.expr != n.expr {
                detail.push("new rule".into());
            } else if detail.is_empty() {
                return None;
            }
            Some(Some(detail.join(", ")))
        },
        |(d, _), _| (d.kind.keyword(), None),
        &mut out,
    );
    // Draws, by their amount, earnings, recovery and section.
    by_name(
        &od.draws,
        &nd.draws,
        |(o, os), (n, ns)| {
            let mut detail = Vec::new();
            if o.amount != n.amount {
                detail.push("its amount");
            }
            if o.against != n.against {
                detail.push("what it is against");
            }
            if o.recovery != n.recovery {
                detail.push("its recovery");
            }
            if os != ns {
                detail.push("its section");
            }
            (!detail.is_empty()).then(|| Some(detail.join(", ")))
        },
        |_, _| ("draw", None),
        &mut out,
    );
    // "new rule" alone says nothing more than "changed".
    for c in &mut out {
        if c.detail.as_deref() == Some("new rule") {
            c.detail = None;
        }
    }
    out
}

fn setting_arg(a: &SettingArg) -> String {
    match a {
        SettingArg::Word(w) => w.clone(),
        SettingArg::Text(t) => format!("{t:?}"),
        SettingArg::Number(n) => n.normalize().to_string(),
        SettingArg::Percent(p) => format!("{}%", (p * Decimal::ONE_HUNDRED).normalize()),
        SettingArg::Date(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// A parameter's value as written in a plan: `7%`, `100,000 CNY`, `"new_energy"`.
fn value_text(ty: Type, v: &Value, currency: &str) -> String {
    match (ty, v) {
        (Type::Ratio, Value::Num(d)) => format!("{}%", (d * Decimal::ONE_HUNDRED).normalize()),
        (Type::Money, Value::Num(d)) => format!("{} {currency}", money_amount(*d)),
        (_, Value::Num(d)) => d.normalize().to_string(),
        (_, v) => v.to_string(),
    }
}

/// `1234567.5` → `1,234,567.50`: grouped; whole amounts without decimals,
/// others with at least two.
fn money_amount(d: Decimal) -> String {
    let mut d = d.normalize();
    if d.scale() == 1 {
        d.rescale(2);
    }
    crate::value::group_thousands(&d.to_string())
}

fn param_text(p: &Param, periods: &[String], currency: &str) -> String {
    match &p.values {
        crate::check::ParamValues::Single(v) => value_text(p.ty, v, currency),
        crate::check::ParamValues::PerPeriod(vs) => {
            let parts: Vec<String> = vs
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    format!("{}: {}", periods.get(i).map_or("?", String::as_str), value_text(p.ty, v, currency))
                })
                .collect();
            format!("by period {{ {} }}", parts.join(", "))
        }
        crate::check::ParamValues::Dated(d) => {
            let mut text = value_text(p.ty, &d.first, currency);
            for (date, v) in &d.changes {
                text.push_str(&format!(", from {}: {}", date.format("%Y-%m-%d"), value_text(p.ty, v, currency)));
            }
            text
        }
    }
}

/// `7% → 8%`, or per period the periods that differ; `None` when equal.
fn param_change(o: &Param, n: &Param, periods: &[String], currency: &str) -> Option<String> {
    use crate::check::ParamValues::{Dated, PerPeriod, Single};
    let same = |a: &Value, b: &Value| a == b;
    match (&o.values, &n.values) {
        (Single(a), Single(b)) if o.ty == n.ty => {
            (!same(a, b)).then(|| format!("{} → {}", value_text(o.ty, a, currency), value_text(n.ty, b, currency)))
        }
        (PerPeriod(a), PerPeriod(b)) if o.ty == n.ty && a.len() == b.len() => {
            let parts: Vec<String> = a
                .iter()
                .zip(b)
                .enumerate()
                .filter(|(_, (x, y))| !same(x, y))
                .map(|(i, (x, y))| {
                    let label = periods.get(i).map_or("?", String::as_str);
                    format!("{label} {} → {}", value_text(o.ty, x, currency), value_text(n.ty, y, currency))
                })
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        (Dated(a), Dated(b)) if o.ty == n.ty && a.first == b.first && a.changes == b.changes => None,
        _ => Some(format!("{} → {}", param_text(o, periods, currency), param_text(n, periods, currency))),
    }
}

// ------------------------------------------------------------------ input schema

/// One difference in the tables the plans read.
#[derive(Debug, Clone)]
pub struct SchemaChange {
    pub table: String,
    /// The difference, naming the table: "table `sales`: column `x` (money) added".
    pub text: String,
    /// The same without the table's name, for a list under the table.
    pub column_text: String,
    /// Where to point in the new plan (something added or changed there).
    pub new_span: Option<Span>,
    /// Where to point in the old plan (something removed).
    pub old_span: Option<Span>,
}

fn kind_name(k: TableKind) -> &'static str {
    match k {
        TableKind::Participants => "participants",
        TableKind::Lookup => "lookup",
        TableKind::Events => "events",
        TableKind::Splits => "splits",
        TableKind::Fx => "fx",
    }
}

fn column_type(c: &ColumnSchema) -> String {
    format!("{}{}", c.ty.name(), if c.optional { "?" } else { "" })
}

/// How the input tables the plans declare differ: tables added or removed,
/// their kind, key or date column changed, columns added, removed or retyped.
/// Column order does not count (columns are found by their header).
pub fn schema_changes(old: &Plan, new: &Plan) -> Vec<SchemaChange> {
    let mut out = Vec::new();
    let mut push = |table: &str, text: String, new_span: Option<Span>, old_span: Option<Span>| {
        out.push(SchemaChange {
            table: table.to_string(),
            text: format!("table `{table}`: {text}"),
            column_text: text,
            new_span,
            old_span,
        });
    };
    let find = |plan: &'_ Plan, name: &str| plan.tables().find(|(_, t)| t.name == name).map(|(_, t)| t.clone());
    for (_, n) in new.tables() {
        let Some(o) = find(old, &n.name) else {
            push(&n.name, format!("a new {} table", kind_name(n.kind)), Some(n.span), None);
            continue;
        };
        table_changes(&o, n, &mut push);
    }
    for (_, o) in old.tables() {
        if find(new, &o.name).is_none() {
            push(&o.name, format!("the {} table is gone from the new plan", kind_name(o.kind)), None, Some(o.span));
        }
    }
    out
}

fn table_changes(o: &TableSchema, n: &TableSchema, push: &mut impl FnMut(&str, String, Option<Span>, Option<Span>)) {
    let name = n.name.as_str();
    if o.kind != n.kind {
        push(
            name,
            format!("was a {} table, is now a {} table", kind_name(o.kind), kind_name(n.kind)),
            Some(n.span),
            None,
        );
    }
    let (ok, nk) = (&o.columns[o.key], &n.columns[n.key]);
    if ok.name != nk.name {
        push(name, format!("keyed by `{}` instead of `{}`", nk.name, ok.name), Some(n.span), None);
    }
    let date = |t: &TableSchema| t.date.map(|d| t.columns[d].name.clone());
    if date(o) != date(n) {
        let show = |d: Option<String>| d.map_or("no date".to_string(), |d| format!("`{d}`"));
        push(name, format!("dated by {} instead of {}", show(date(n)), show(date(o))), Some(n.span), None);
    }
    for c in &n.columns {
        match o.columns.iter().find(|x| x.name == c.name) {
            None => push(name, format!("column `{}` ({}) added", c.name, column_type(c)), Some(c.span), None),
            Some(x) if column_type(x) != column_type(c) => push(
                name,
                format!("column `{}` is {} instead of {}", c.name, column_type(c), column_type(x)),
                Some(c.span),
                None,
            ),
            Some(_) => {}
        }
    }
    for x in &o.columns {
        if !n.columns.iter().any(|c| c.name == x.name) {
            push(name, format!("column `{}` ({}) removed", x.name, column_type(x)), None, Some(x.span));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_amounts_are_grouped_with_cents_when_not_whole() {
        assert_eq!(money_amount("100000.00".parse().unwrap()), "100,000");
        assert_eq!(money_amount("-1234567.5".parse().unwrap()), "-1,234,567.50");
        assert_eq!(money_amount("0.125".parse().unwrap()), "0.125");
        assert_eq!(money_amount("999".parse().unwrap()), "999");
    }
}
