//! `comp test`: test cases that live beside a plan, in `NAME.tests` next to
//! `NAME.comp` (the format is described in [`file`]). Each case runs the plan
//! on a few rows given inline (or a data folder) and compares lines and values
//! with the figures expected. A figure that differs is shown with the
//! calculation behind the actual value: the definition's formula and the
//! values, from the same evaluation, of the definitions and parameters it uses.

pub mod file;

use crate::check::{self, CellId, ExprKind, Override, Plan};
use crate::data::Inputs;
use crate::report::diagnostics::{self, Source};
use crate::syntax::ast::{self, DefKind, Item};
use crate::value::{Type, Value};
use file::{Case, Expect, Setup, TestFile};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// How one case went.
#[derive(Debug)]
pub struct Outcome {
    pub name: String,
    pub line: usize,
    pub result: CaseResult,
}

#[derive(Debug)]
pub enum CaseResult {
    /// Every expectation held; how many there were.
    Passed(usize),
    /// Some did not: the failures, and how many expectations there were.
    Failed(Vec<Failure>, usize),
    /// The case could not run (a `set` the plan rejects, bad data, ...).
    Error(String),
}

/// An expectation that did not hold.
#[derive(Debug)]
pub struct Failure {
    pub expect: Expect,
    /// The actual value as shown, or why there is none.
    pub actual: Result<String, String>,
    /// The calculation behind the actual value, one line each.
    pub explanation: Vec<String>,
}

/// The test file beside a plan: `rules/sales_2024.comp` → `rules/sales_2024.tests`.
pub fn tests_path(plan: &Path) -> PathBuf {
    plan.with_extension("tests")
}

/// The plan a test file tests: `NAME.tests` → `NAME.comp`.
pub fn plan_path(tests: &Path) -> PathBuf {
    tests.with_extension("comp")
}

/// Runs every case of `tests` against the plan `source` (already read).
pub fn run(source: &Source, tests: &TestFile) -> Vec<Outcome> {
    let parsed = crate::syntax::parse(&source.text);
    tests
        .cases
        .iter()
        .map(|case| {
            let result = match &parsed {
                Ok(ast) => run_case(source, ast, &tests.defaults, case),
                Err(errors) => Err(render_all(errors.clone(), Some(source))),
            };
            let result = match result {
                Ok(r) => r,
                Err(e) => CaseResult::Error(e),
            };
            Outcome { name: case.name.clone(), line: case.line, result }
        })
        .collect()
}

fn render_all<D: miette::Diagnostic + Send + Sync + 'static>(errors: Vec<D>, source: Option<&Source>) -> String {
    errors.into_iter().take(5).map(|e| diagnostics::render(e, source, false)).collect::<Vec<_>>().join("")
}

/// The case's setup over the file's: its own tables and `set`s win, and a case
/// that names its own `data` folder starts from that folder alone.
fn merged(defaults: &Setup, case: &Setup) -> Setup {
    let mut tables = if case.data.is_some() { Vec::new() } else { defaults.tables.clone() };
    for (name, csv) in &case.tables {
        tables.retain(|(n, _)| n != name);
        tables.push((name.clone(), csv.clone()));
    }
    let mut sets = defaults.sets.clone();
    sets.extend(case.sets.iter().cloned());
    Setup { data: case.data.clone().or_else(|| defaults.data.clone()), tables, sets }
}

fn run_case(source: &Source, ast: &ast::PlanFile, defaults: &Setup, case: &Case) -> Result<CaseResult, String> {
    let setup = merged(defaults, &case.setup);
    let overrides: Vec<Override> =
        setup.sets.iter().map(|(name, value)| Override { name: name.clone(), value: value.clone() }).collect();
    let plan = check::check(ast, &overrides).map_err(|e| render_all(e, Some(source)))?;
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let mut inline = Vec::new();
    for (name, csv) in &setup.tables {
        let path = dir.path().join(format!("{name}.csv"));
        std::fs::write(&path, csv).map_err(|e| format!("cannot write table `{name}`: {e}"))?;
        inline.push((name.clone(), path));
    }
    let inputs = Inputs::new(&plan, setup.data.as_deref(), &inline).map_err(|e| render_all(vec![*e], None))?;
    let ev = match crate::eval::run(&plan, &inputs, crate::eval::Options::threads(1)) {
        Ok(ev) => ev,
        Err(crate::eval::RunError::Data(errors)) => return Err(render_all(errors, None)),
        Err(crate::eval::RunError::Eval(errors)) => return Err(render_all(errors, Some(source))),
    };
    let mut failures = Vec::new();
    for expect in &case.expects {
        if let Some(f) = verify(&plan, &ev, source, ast, expect) {
            failures.push(f);
        }
    }
    Ok(if failures.is_empty() {
        CaseResult::Passed(case.expects.len())
    } else {
        CaseResult::Failed(failures, case.expects.len())
    })
}

fn verify(
    plan: &Plan,
    ev: &crate::eval::Evaluation,
    source: &Source,
    ast: &ast::PlanFile,
    expect: &Expect,
) -> Option<Failure> {
    let fail = |actual: Result<String, String>, explanation: Vec<String>| {
        Some(Failure { expect: expect.clone(), actual, explanation })
    };
    let Some(p) = ev.participants().iter().position(|id| **id == *expect.participant) else {
        return fail(Err(format!("no participant `{}` in the data", expect.participant)), Vec::new());
    };
    let periods = &plan.calendar.periods;
    let Some(t) = periods.iter().position(|x| x.label == expect.period) else {
        let first = periods.first().map_or("", |x| x.label.as_str());
        let last = periods.last().map_or("", |x| x.label.as_str());
        return fail(
            Err(format!("no period `{}`: the plan's periods are {first} to {last}", expect.period)),
            Vec::new(),
        );
    };
    if expect.name == crate::report::TOTAL {
        let mut total = Decimal::ZERO;
        let mut explanation = Vec::new();
        for &c in &plan.lines {
            let cell = &plan.cells[c];
            if let (DefKind::Payout, Some(v)) = (cell.kind, ev.value(c, p, t)) {
                total += v.num();
                explanation.push(format!("{} = {}", cell.name, show(v, Type::Money)));
            }
        }
        if total == expect.value {
            return None;
        }
        let mut lines = vec!["total = the sum of the payout lines:".to_string()];
        lines.extend(align(explanation).into_iter().map(|l| format!("  {l}")));
        return fail(Ok(show(&Value::Num(total), Type::Money)), lines);
    }
    let Some(c) = plan.cell_by_name(&expect.name) else {
        return fail(Err(format!("the plan has no line or value `{}`", expect.name)), Vec::new());
    };
    let cell = &plan.cells[c];
    let Some(v) = ev.value(c, p, t) else {
        let section = cell.section.map_or("the plan", |s| plan.sections[s].name.as_str());
        return fail(
            Err(format!(
                "`{}` does not apply to {}: it belongs to section `{section}`",
                expect.name, expect.participant
            )),
            Vec::new(),
        );
    };
    if matches!(v, Value::Num(d) if *d == expect.value) {
        return None;
    }
    fail(Ok(show(v, cell.ty)), explain(plan, ev, source, ast, c, p, t))
}

/// The definition of cell `c` as written, and the values of what it uses.
fn explain(
    plan: &Plan,
    ev: &crate::eval::Evaluation,
    source: &Source,
    ast: &ast::PlanFile,
    c: CellId,
    p: usize,
    t: usize,
) -> Vec<String> {
    let cell = &plan.cells[c];
    let mut lines = Vec::new();
    if let Some(def) = definition(&ast.items, &cell.name) {
        let (line, _) = line_col(&source.text, def.span.start);
        lines.push(format!("{}:{line}:", source.name));
        lines.extend(written(&source.text, def.span.start, def.span.end).into_iter().map(|l| format!("  {l}")));
    }
    let mut cells: Vec<CellId> = Vec::new();
    let mut params: Vec<usize> = Vec::new();
    let mut uses: Vec<(String, String, String)> = Vec::new();
    cell.expr.walk(&mut |e| match e.kind {
        ExprKind::Cell(used) if !cells.contains(&used) => {
            cells.push(used);
            let u = &plan.cells[used];
            let value = ev.value(used, p, t).map_or("(none)".to_string(), |v| show(v, u.ty));
            let formula = definition(&ast.items, &u.name)
                .map(|d| one_line(&source.text[d.span.start..d.span.end]))
                .unwrap_or_default();
            uses.push((u.name.clone(), value, formula));
        }
        ExprKind::Param(id) if !params.contains(&id) => {
            params.push(id);
            let param = &plan.params[id];
            let formula = param_decl(&ast.items, &param.name)
                .map(|d| one_line(&source.text[d.span.start..d.span.end]))
                .unwrap_or_default();
            uses.push((param.name.clone(), show(param.values.at(t), param.ty), formula));
        }
        _ => {}
    });
    if !uses.is_empty() {
        lines.push(format!("where, for {} in {}:", ev.participants()[p], plan.calendar.periods[t].label));
        let name_width = uses.iter().map(|u| unicode_width::UnicodeWidthStr::width(u.0.as_str())).max().unwrap_or(0);
        let value_width = uses.iter().map(|u| u.1.len()).max().unwrap_or(0);
        for (name, value, formula) in uses {
            let pad = name_width - unicode_width::UnicodeWidthStr::width(name.as_str());
            let line = format!("  {name}{} = {value:<value_width$}  {formula}", " ".repeat(pad));
            lines.push(line.trim_end().to_string());
        }
    }
    lines
}

/// `name = value` lines with the `=` aligned.
fn align(lines: Vec<String>) -> Vec<String> {
    let width = lines.iter().filter_map(|l| l.find(" = ")).max().unwrap_or(0);
    lines
        .into_iter()
        .map(|l| match l.split_once(" = ") {
            Some((name, value)) => format!("{name:<width$} = {value}"),
            None => l,
        })
        .collect()
}

fn definition<'a>(items: &'a [Item], name: &str) -> Option<&'a ast::Definition> {
    items.iter().find_map(|item| match item {
        Item::Definition(d) if d.name.node == name => Some(d),
        Item::Section(s) => definition(&s.items, name),
        _ => None,
    })
}

fn param_decl<'a>(items: &'a [Item], name: &str) -> Option<&'a ast::ParamDecl> {
    items.iter().find_map(|item| match item {
        Item::Param(p) if p.name.node == name => Some(p),
        Item::Section(s) => param_decl(&s.items, name),
        _ => None,
    })
}

/// The source lines of `start..end`, the first line's indentation taken off all.
fn written(text: &str, start: usize, end: usize) -> Vec<String> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = start - line_start;
    text[start..end]
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                let cut = l.len() - l.trim_start().len();
                l[cut.min(indent)..].to_string()
            }
        })
        .collect()
}

fn one_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() > 90 {
        format!("{}…", line.chars().take(89).collect::<String>())
    } else {
        line
    }
}

fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(pos, |i| pos - i - 1) + 1;
    (line, col)
}

/// A value as a reader writes it: money with grouped digits and at least two
/// decimals, ratios as percentages.
pub fn show(v: &Value, ty: Type) -> String {
    match (v, ty) {
        (Value::Num(d), Type::Money) => {
            let d = d.normalize();
            crate::report::grouped(d, d.scale().max(2))
        }
        (Value::Num(d), Type::Ratio) => format!("{}%", (*d * Decimal::ONE_HUNDRED).normalize()),
        (Value::Num(d), _) => d.normalize().to_string(),
        (other, _) => other.to_string(),
    }
}
