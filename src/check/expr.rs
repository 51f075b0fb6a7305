//! Expression checking: resolves names, infers types, units and levels, and
//! builds the compiled [`Expr`]s and the plan around them.
//!
//! Every value lives at a [`Level`]: constants (parameters, literals), static
//! per-participant values (roster attributes, lookups), values of each event row,
//! and values per participant and period ("cell"). Row and cell values never mix
//! without an aggregate in between; that is what lets rows stream.

use super::errors::{did_you_mean, CheckError};
use super::order;
use super::plan::*;
use super::settings::{self, Settings};
use super::tiers;
use super::{Declarations, NameRef, Override, MAX_ERRORS};
use crate::eval::{Env, Fault};
use crate::syntax::ast::{self, BinaryOp, ParamValue, UnaryOp};
use crate::syntax::{Ident, Span};
use crate::value::{Type, Val, Value};
use rust_decimal::Decimal;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Literals and parameters.
    Constant,
    /// Depends on the participant (and period) only: attributes, lookups.
    Static,
    /// A value of each event row.
    Row,
    /// A value per participant and period.
    Cell,
}

/// A type as inferred: `Zero` is the literal `0`, which fits any numeric unit;
/// `Error` stops one mistake from being reported again further up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Known(Type),
    Zero,
    Error,
}

impl Ty {
    fn numeric(self) -> bool {
        match self {
            Ty::Known(t) => t.is_numeric(),
            _ => true,
        }
    }
    fn describe(self) -> String {
        match self {
            Ty::Known(t) => t.name().to_string(),
            Ty::Zero => "number".into(),
            Ty::Error => "unknown".into(),
        }
    }
    /// The concrete type, with `0` read as a plain number.
    pub fn concrete(self) -> Type {
        match self {
            Ty::Known(t) => t,
            _ => Type::Number,
        }
    }
}

/// Whose definitions an expression may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    Global,
    Section(SectionId),
    /// Inside the argument of an aggregate across participants: any section's
    /// definitions, which then set the aggregate's domain.
    Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    Same,
    Prev,
    AllPeriods,
}

struct Typed {
    expr: Expr,
    ty: Ty,
    level: Level,
}

struct Scope {
    home: Home,
    /// The highest level allowed (Constant in parameters, Static in conditions).
    max_level: Level,
    having: Option<Vec<(AggFunc, Option<Expr>)>>,
    dep_kind: DepKind,
    deps: Vec<(usize, DepKind)>,
    sections_seen: BTreeSet<SectionId>,
    /// What the expression is, for messages ("a parameter").
    context: &'static str,
}

impl Scope {
    fn new(home: Home, max_level: Level, context: &'static str) -> Self {
        Scope {
            home,
            max_level,
            having: None,
            dep_kind: DepKind::Same,
            deps: Vec::new(),
            sections_seen: BTreeSet::new(),
            context,
        }
    }
}

enum DefState {
    Todo,
    InProgress,
    Done { ty: Ty, level: Level },
    Failed,
}

/// How a definition or parameter was reached while resolving another.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// Resolved in declaration order, not through a reference.
    Start,
    /// A reference by name.
    Name(Span),
    /// `prev(x)` without a default, which needs `x`'s type.
    Prev(Span),
    /// `x at date` inside `sum`, which reads `x` in this period or earlier ones.
    At(Span),
}

impl Via {
    fn span(self) -> Option<Span> {
        match self {
            Via::Start => None,
            Via::Name(s) | Via::Prev(s) | Via::At(s) => Some(s),
        }
    }
}

enum ParamState {
    Todo,
    InProgress,
    Done,
    Failed,
}

pub(crate) struct Compiler<'a, 'e> {
    settings: Settings,
    participants: TableSchema,
    events: TableSchema,
    lookups: Vec<TableSchema>,
    splits: Option<Splits>,
    decls: &'a Declarations<'a>,
    errors: &'e mut Vec<CheckError>,
    params: Vec<Option<Param>>,
    param_state: Vec<ParamState>,
    sections: Vec<Section>,
    def_state: Vec<DefState>,
    cells: Vec<Option<CellDef>>,
    cell_row: Vec<Option<RowValueId>>,
    deps: Vec<Vec<(usize, DepKind)>>,
    row_values: Vec<RowValue>,
    accumulators: Vec<Accumulator>,
    /// Each row aggregate's id, by what it is written as and its section.
    acc_keys: HashMap<(ast::Call, Option<SectionId>), AccId>,
    across: Vec<Across>,
    /// `prev(x, default)` whose target is checked once everything is resolved.
    /// (target, the default's type and span, the target's span)
    prev_checks: Vec<(usize, Ty, Span, Span)>,
    /// The definitions being resolved, outermost first, each with the
    /// reference that led into it (none for the outermost): the path of a cycle.
    def_path: Vec<(usize, Via)>,
    /// The same for parameters.
    param_path: Vec<(usize, Via)>,
}

/// Runs `f` with room on the stack to recurse: a definition resolves the ones it
/// names first, and those can chain as long as the file, deeper than a
/// thread's stack. Near the end of the stack, `f` runs on a fresh segment
/// allocated on the heap.
pub(crate) fn deeper<R>(f: impl FnOnce() -> R) -> R {
    /// More than the frames between two calls use, in a debug build.
    const RED_ZONE: usize = 256 * 1024;
    const SEGMENT: usize = 4 * 1024 * 1024;
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

const SCOPE_WORDS: [&str; 5] = ["all", "year", "ytd", "reports", "all_reports"];
const FUNCTIONS: [&str; 14] = [
    "sum",
    "count",
    "min",
    "max",
    "avg",
    "rank",
    "share",
    "round",
    "abs",
    "clamp",
    "prev",
    "days_active",
    "days_between",
    "average",
];

impl<'a, 'e> Compiler<'a, 'e> {
    pub fn new(
        settings: Settings,
        participants: TableSchema,
        events: TableSchema,
        lookups: Vec<TableSchema>,
        splits: Option<Splits>,
        decls: &'a Declarations<'a>,
        errors: &'e mut Vec<CheckError>,
    ) -> Self {
        let n_defs = decls.defs.len();
        Compiler {
            settings,
            participants,
            events,
            lookups,
            splits,
            decls,
            errors,
            params: (0..decls.params.len()).map(|_| None).collect(),
            param_state: (0..decls.params.len()).map(|_| ParamState::Todo).collect(),
            sections: Vec::new(),
            def_state: (0..n_defs).map(|_| DefState::Todo).collect(),
            cells: (0..n_defs).map(|_| None).collect(),
            cell_row: vec![None; n_defs],
            deps: vec![Vec::new(); n_defs],
            row_values: Vec::new(),
            accumulators: Vec::new(),
            acc_keys: HashMap::new(),
            across: Vec::new(),
            prev_checks: Vec::new(),
            def_path: Vec::new(),
            param_path: Vec::new(),
        }
    }

    /// Whether so many errors were found that checking stops: the first ones
    /// are what to fix, and each costs a search for a suggestion.
    fn stopped(&self) -> bool {
        self.errors.len() > MAX_ERRORS
    }

    // ------------------------------------------------------------ parameters

    pub fn compile_params(&mut self, overrides: &[Override]) {
        for i in 0..self.decls.params.len() {
            if self.stopped() {
                return;
            }
            self.resolve_param(i, Via::Start);
        }
        for o in overrides {
            self.apply_override(o);
        }
    }

    /// Resolves parameter `i`, reached through the reference `via`.
    fn resolve_param(&mut self, i: usize, via: Via) {
        match self.param_state[i] {
            ParamState::Done | ParamState::Failed => return,
            ParamState::InProgress => {
                let error = cycle_error(
                    &self.param_path,
                    i,
                    via,
                    |j| &self.decls.params[j].name,
                    |first, last| {
                        if first == last {
                            "a parameter's value cannot depend on itself".to_string()
                        } else {
                            "a parameter's value cannot depend on itself, even through other parameters".to_string()
                        }
                    },
                );
                self.errors.push(error);
                self.param_state[i] = ParamState::Failed;
                return;
            }
            ParamState::Todo => {}
        }
        self.param_state[i] = ParamState::InProgress;
        self.param_path.push((i, via));
        deeper(|| self.compile_param(i));
        self.param_path.pop();
    }

    fn compile_param(&mut self, i: usize) {
        let decl = self.decls.params[i];
        let param = match &decl.value {
            ParamValue::Single(e) => self.constant(e, "a parameter").map(|(ty, v)| Param {
                name: decl.name.node.clone(),
                ty,
                values: ParamValues::Single(v),
                span: decl.name.span,
            }),
            ParamValue::PerPeriod { grain, entries } => self.per_period_param(decl, grain, entries),
            ParamValue::Dated { first, changes } => self.dated_param(decl, first, changes),
        };
        self.param_state[i] = if param.is_some() { ParamState::Done } else { ParamState::Failed };
        self.params[i] = param;
    }

    /// Compiles and evaluates a constant expression.
    fn constant(&mut self, e: &ast::Expr, context: &'static str) -> Option<(Type, Value)> {
        let mut scope = Scope::new(Home::Global, Level::Constant, context);
        let typed = self.expr(e, &mut scope)?;
        if typed.ty == Ty::Error {
            return None;
        }
        // A constant is one value; a dated parameter is several.
        let mut dated = None;
        typed.expr.walk(&mut |x| {
            if let ExprKind::Param(id) = x.kind {
                if let Some(Param { values: ParamValues::Dated(_), name, .. }) = &self.params[id] {
                    dated.get_or_insert((name.clone(), x.span));
                }
            }
        });
        if let Some((name, span)) = dated {
            self.errors.push(CheckError::invalid(
                format!("{context} cannot use the dated parameter `{name}`"),
                span,
                "changes during the year",
                Some(format!("use `{name}` in a value, where the value in effect on each date applies")),
            ));
            return None;
        }
        let value = self.eval_constant(&typed.expr);
        match value {
            Ok(v) => Some((typed.ty.concrete(), v)),
            Err(err) => {
                self.errors.push(CheckError::invalid(format!("cannot compute {context}: {err}"), e.span, "here", None));
                None
            }
        }
    }

    /// Evaluates a constant expression. Parameter ids index `self.params`:
    /// the parameters resolved so far include every one `e` refers to (a
    /// failed one reads as zero; its error is reported already). Read in
    /// place, not copied, as each of thousands of parameters may need them.
    fn eval_constant(&self, e: &Expr) -> Result<Value, Fault> {
        struct Constants<'p> {
            params: &'p [Option<Param>],
        }
        impl<'p> Env<'p> for Constants<'p> {
            fn param(&self, id: usize) -> Val<'p> {
                self.params[id].as_ref().map_or(Val::Num(Decimal::ZERO), |p| p.values.at(0).as_val())
            }
            fn period(&self) -> usize {
                0
            }
            fn period_part(&self, _: PeriodPart) -> Decimal {
                unreachable!("constants do not depend on the period")
            }
        }
        crate::eval::eval(e, &Constants { params: &self.params })
            .map(|v| v.to_owned_value())
            .map_err(|f| f.fault.clone())
    }

    fn per_period_param(
        &mut self,
        decl: &ast::ParamDecl,
        grain: &Ident,
        entries: &[(Ident, ast::Expr)],
    ) -> Option<Param> {
        let plan_grain = self.settings.calendar.grain;
        let param_grain = match grain.as_str() {
            "month" => Grain::Month,
            "quarter" => Grain::Quarter,
            "year" => Grain::Year,
            other => {
                self.errors.push(CheckError::invalid(
                    format!("unknown period grain `{other}`"),
                    grain.span,
                    "expected `month`, `quarter` or `year`",
                    did_you_mean(other, ["month", "quarter", "year"]),
                ));
                return None;
            }
        };
        let finer = |g: Grain| match g {
            Grain::Month => 0,
            Grain::Quarter => 1,
            Grain::Year => 2,
        };
        if finer(param_grain) < finer(plan_grain) {
            self.errors.push(CheckError::invalid(
                format!("values by {} do not fit a plan paid by {}", param_grain.name(), plan_grain.name()),
                grain.span,
                "finer than the plan's periods",
                Some(format!("give one value per {}", plan_grain.name())),
            ));
            return None;
        }
        let keys = period_keys(param_grain, self.settings.calendar.periods.first().map_or(2000, |p| p.year));
        let mut values: Vec<Option<(Type, Value)>> = vec![None; keys.len()];
        let mut ty: Option<Type> = None;
        let mut ok = true;
        for (key, e) in entries {
            let Some(slot) = keys.iter().position(|k| k.eq_ignore_ascii_case(key.as_str())) else {
                self.errors.push(CheckError::Unknown {
                    what: "period",
                    name: key.node.clone(),
                    span: key.span.into(),
                    help: Some(format!("the {}s are {}", param_grain.name(), keys.join(", "))),
                });
                ok = false;
                continue;
            };
            if values[slot].is_some() {
                self.errors.push(CheckError::invalid(
                    format!("`{}` is given twice", key.as_str()),
                    key.span,
                    "again here",
                    None,
                ));
                ok = false;
                continue;
            }
            let Some((t, v)) = self.constant(e, "a parameter") else {
                ok = false;
                continue;
            };
            match ty {
                None => ty = Some(t),
                Some(prev) if !compatible(prev, t) => {
                    self.errors.push(CheckError::type_error(
                        format!("`{}` mixes {} and {}", decl.name.as_str(), prev, t),
                        e.span,
                        format!("this is {t}"),
                        Some("every period's value must have the same unit".into()),
                    ));
                    ok = false;
                }
                _ => {}
            }
            values[slot] = Some((t, v));
        }
        let missing: Vec<&str> =
            keys.iter().zip(&values).filter(|(_, v)| v.is_none()).map(|(k, _)| k.as_str()).collect();
        if ok && !missing.is_empty() {
            self.errors.push(CheckError::invalid(
                format!("`{}` has no value for {}", decl.name.as_str(), missing.join(", ")),
                decl.name.span,
                "incomplete",
                Some(format!("give a value for every {}", param_grain.name())),
            ));
            return None;
        }
        if !ok {
            return None;
        }
        let months_per = |g: Grain| match g {
            Grain::Month => 1,
            Grain::Quarter => 3,
            Grain::Year => 12,
        };
        let per_value = months_per(param_grain) / months_per(plan_grain);
        let per_period = self
            .settings
            .calendar
            .periods
            .iter()
            .enumerate()
            .map(|(i, _)| values[i / per_value as usize].as_ref().expect("all present").1.clone())
            .collect();
        Some(Param {
            name: decl.name.node.clone(),
            ty: ty.unwrap_or(Type::Number),
            values: ParamValues::PerPeriod(per_period),
            span: decl.name.span,
        })
    }

    /// `param base_rate = 3%, from 2024-07-01: 4%`: changes in date order,
    /// inside the plan year, each value of the first one's unit.
    fn dated_param(
        &mut self,
        decl: &ast::ParamDecl,
        first: &ast::Expr,
        changes: &[(crate::syntax::Spanned<chrono::NaiveDate>, ast::Expr)],
    ) -> Option<Param> {
        let (ty, first_value) = self.constant(first, "a parameter")?;
        let periods = self.settings.calendar.periods.clone();
        let (start, end) = match (periods.first(), periods.last()) {
            (Some(f), Some(l)) => (f.start, l.end),
            _ => return None,
        };
        let mut ok = true;
        let mut values: Vec<(chrono::NaiveDate, Value)> = Vec::with_capacity(changes.len());
        for (i, (date, e)) in changes.iter().enumerate() {
            let d = date.node;
            if d <= start || d > end {
                self.errors.push(CheckError::invalid(
                    format!("`{}` changes on {}, outside the plan year", decl.name.as_str(), d.format("%Y-%m-%d")),
                    date.span,
                    "not inside the plan year",
                    Some(format!(
                        "a change falls after the plan's first day, {}, and by its last, {}; the first value applies from the start",
                        start.format("%Y-%m-%d"),
                        end.format("%Y-%m-%d")
                    )),
                ));
                ok = false;
            } else if let Some(prev) = i.checked_sub(1).map(|j| changes[j].0.node).filter(|p| *p >= d) {
                let message = if prev == d {
                    format!("`{}` changes twice on {}", decl.name.as_str(), d.format("%Y-%m-%d"))
                } else {
                    format!("`{}`'s changes are not in date order", decl.name.as_str())
                };
                self.errors.push(CheckError::invalid(
                    message,
                    date.span,
                    format!("after {}", prev.format("%Y-%m-%d")),
                    Some("write each change once, earliest first".into()),
                ));
                ok = false;
            }
            let Some((t, v)) = self.constant(e, "a parameter") else {
                ok = false;
                continue;
            };
            if !compatible(ty, t) {
                self.errors.push(CheckError::type_error(
                    format!("`{}` mixes {} and {}", decl.name.as_str(), ty, t),
                    e.span,
                    format!("this is {t}"),
                    Some("every dated value must have the first one's unit".into()),
                ));
                ok = false;
            }
            values.push((d, v));
        }
        if !ok {
            return None;
        }
        let mut dated = Dated { first: first_value, changes: values, at_start: Vec::new() };
        dated.at_start = periods.iter().map(|p| dated.on(p.start).clone()).collect();
        Some(Param { name: decl.name.node.clone(), ty, values: ParamValues::Dated(dated), span: decl.name.span })
    }

    fn apply_override(&mut self, o: &Override) {
        let Some(NameRef::Param(i)) = self.decls.names.get(&o.name).copied() else {
            let names: Vec<&str> = self.decls.params.iter().map(|p| p.name.as_str()).collect();
            self.errors.push(CheckError::BadOverride {
                name: o.name.clone(),
                message: "no such parameter".into(),
                span: None,
                help: did_you_mean(&o.name, names.iter().copied())
                    .or_else(|| Some(format!("the parameters are {}", settings::list(&names)))),
            });
            return;
        };
        let Some(param) = self.params[i].clone() else { return };
        let bad = |message: String, help: Option<String>| CheckError::BadOverride {
            name: o.name.clone(),
            message,
            span: Some(param.span.into()),
            help,
        };
        if matches!(param.values, ParamValues::PerPeriod(_)) {
            self.errors.push(bad("a per-period parameter cannot be set from the command line yet".into(), None));
            return;
        }
        if matches!(param.values, ParamValues::Dated(_)) {
            self.errors.push(bad("a dated parameter cannot be set from the command line yet".into(), None));
            return;
        }
        let expr = match crate::syntax::parse_expr(&o.value) {
            Ok(e) => e,
            Err(_) => {
                self.errors.push(bad(
                    format!("`{}` is not a value", o.value),
                    Some(example_for(param.ty, &self.settings.currency)),
                ));
                return;
            }
        };
        let Some((ty, value)) = self.constant(&expr, "a `--set` value") else { return };
        let is_zero = matches!(&value, Value::Num(d) if d.is_zero()) && ty == Type::Number;
        if !(compatible(ty, param.ty)
            && (ty.is_numeric() == param.ty.is_numeric())
            && (ty == Type::Money) == (param.ty == Type::Money)
            || is_zero && param.ty.is_numeric())
        {
            self.errors.push(bad(
                format!("`{}` is {} but `{}` is {}", o.value, ty, param.name, param.ty),
                Some(example_for(param.ty, &self.settings.currency)),
            ));
            return;
        }
        if let Some(p) = self.params[i].as_mut() {
            p.values = ParamValues::Single(value);
        }
    }

    // ------------------------------------------------------------ sections

    pub fn compile_sections(&mut self) {
        for (id, s) in self.decls.sections.iter().enumerate() {
            let mut scope = Scope::new(Home::Global, Level::Static, "a section's condition");
            let checked = if self.stopped() { None } else { self.expr(&s.condition, &mut scope) };
            let cond = match checked {
                Some(t) => {
                    self.expect_bool(&t, s.condition.span, "a section's condition");
                    t.expr
                }
                None => Expr { kind: ExprKind::Const(Value::Bool(false)), span: s.condition.span },
            };
            debug_assert_eq!(id, self.sections.len());
            self.sections.push(Section { name: s.name.node.clone(), condition: cond, span: s.name.span });
        }
    }

    // ------------------------------------------------------------ definitions

    pub fn compile_definitions(&mut self) {
        for i in 0..self.decls.defs.len() {
            if self.stopped() {
                return;
            }
            self.resolve_def(i, Via::Start);
        }
        let checks = std::mem::take(&mut self.prev_checks);
        for (target, ty, span, target_span) in checks {
            if let DefState::Done { ty: actual, level } = self.def_state[target] {
                if level == Level::Row {
                    self.errors.push(prev_of_row(target_span));
                } else if !unify_ok(actual, ty) {
                    self.errors.push(CheckError::type_error(
                        format!(
                            "`prev` default is {} but `{}` is {}",
                            ty.describe(),
                            self.decls.defs[target].0.name.as_str(),
                            actual.describe()
                        ),
                        span,
                        "this default",
                        Some("give a default with the same unit, e.g. `0 CNY` for money".into()),
                    ));
                }
            }
        }
    }

    /// Resolves definition `i`, reached through the reference `via`.
    fn resolve_def(&mut self, i: usize, via: Via) -> Option<(Ty, Level)> {
        match self.def_state[i] {
            DefState::Done { ty, level } => return Some((ty, level)),
            DefState::Failed => return None,
            DefState::InProgress => {
                let name = |j: usize| &self.decls.defs[j].0.name;
                let error = cycle_error(&self.def_path, i, via, name, |first, last| {
                    if first == last {
                        format!("`{first}` is needed to compute itself; to use last period's value write `prev({first}, 0)`")
                    } else {
                        format!("break the loop: to use last period's value, write `prev({first}, 0)` in `{last}`")
                    }
                });
                self.errors.push(error);
                self.def_state[i] = DefState::Failed;
                return None;
            }
            DefState::Todo => {}
        }
        self.def_state[i] = DefState::InProgress;
        self.def_path.push((i, via));
        let resolved = deeper(|| self.compile_def(i));
        self.def_path.pop();
        resolved
    }

    fn compile_def(&mut self, i: usize) -> Option<(Ty, Level)> {
        let (def, section) = self.decls.defs[i];
        let home = section.map_or(Home::Global, Home::Section);
        let mut scope = Scope::new(home, Level::Cell, "a definition");
        let typed = self.expr(&def.expr, &mut scope);
        if matches!(self.def_state[i], DefState::Failed) {
            return None;
        }
        let Some(mut typed) = typed else {
            self.def_state[i] = DefState::Failed;
            return None;
        };
        if def.kind.is_line() {
            if typed.level == Level::Row {
                self.errors.push(CheckError::Level {
                    message: format!("payout line `{}` is a value of each row", def.name.as_str()),
                    span: def.expr.span.into(),
                    label: "a row value".into(),
                    help: Some("a line is paid per participant and period: aggregate the rows, e.g. `sum(...)`".into()),
                });
                self.def_state[i] = DefState::Failed;
                return None;
            }
            match typed.ty {
                Ty::Known(Type::Money) | Ty::Zero | Ty::Error => {}
                Ty::Known(other) => {
                    let help = self.money_help(i, &def.expr, other);
                    self.errors.push(CheckError::type_error(
                        format!("{} line `{}` must be money, not {}", def.kind.keyword(), def.name.as_str(), other),
                        def.expr.span,
                        format!("this is {other}"),
                        Some(help),
                    ));
                }
            }
            // Rule 13 and its kind: every line is rounded by the plan's rule.
            let span = typed.expr.span;
            typed.expr =
                Expr { kind: ExprKind::Round { value: Box::new(typed.expr), rounding: self.settings.rounding }, span };
            typed.ty = Ty::Known(Type::Money);
        }
        let ty = match typed.ty {
            Ty::Zero => Ty::Known(Type::Number),
            t => t,
        };
        let row = if typed.level == Level::Row {
            let id = self.row_values.len();
            self.row_values.push(RowValue {
                name: def.name.node.clone(),
                ty: ty.concrete(),
                expr: typed.expr.clone(),
                section,
                span: def.name.span,
            });
            Some(id)
        } else {
            None
        };
        self.cell_row[i] = row;
        self.deps[i] = std::mem::take(&mut scope.deps);
        self.cells[i] = Some(CellDef {
            name: def.name.node.clone(),
            kind: def.kind,
            ty: ty.concrete(),
            expr: typed.expr,
            section,
            span: def.name.span,
            written: self.decls.written.get(def.name.as_str()).cloned(),
        });
        let level = if typed.level == Level::Row { Level::Row } else { Level::Cell };
        self.def_state[i] = DefState::Done { ty, level };
        Some((ty, level))
    }

    /// How to turn line `i`'s formula `e`, of type `ty`, into an amount. The
    /// example multiplies by an amount the line can use (a money value resolved
    /// before it, in its section or the whole plan), never by the line itself.
    fn money_help(&self, i: usize, e: &ast::Expr, ty: Type) -> String {
        let what = match &e.kind {
            ast::ExprKind::Name { qualifier: Some(q), name } => format!("{}.{}", q.as_str(), name.as_str()),
            ast::ExprKind::Name { qualifier: None, name } => name.as_str().to_string(),
            _ => "(…)".to_string(),
        };
        let section = self.decls.defs[i].1;
        let amount = (0..i)
            .find(|&j| {
                let (d, s) = self.decls.defs[j];
                !d.kind.is_line()
                    && (s.is_none() || s == section)
                    && matches!(self.def_state[j], DefState::Done { ty: Ty::Known(Type::Money), level: Level::Cell })
            })
            .map(|j| self.decls.defs[j].0.name.as_str().to_string())
            .unwrap_or_else(|| format!("1,000 {}", self.settings.currency));
        match ty {
            Type::Ratio => format!("multiply the rate by an amount, e.g. `{what} × {amount}`"),
            Type::Number => {
                format!("multiply the number by an amount per unit, e.g. `{what} × 100 {}`", self.settings.currency)
            }
            Type::Bool => {
                format!("pay an amount when it holds, e.g. `if {what} then 1,000 {}`", self.settings.currency)
            }
            Type::Text | Type::Date | Type::Money => "a line pays an amount of money".to_string(),
        }
    }

    pub fn finish(self) -> Option<Plan> {
        if !self.errors.is_empty() {
            return None;
        }
        let cells: Vec<CellDef> = self.cells.into_iter().map(|c| c.expect("resolved")).collect();
        let is_cell: Vec<bool> = self.cell_row.iter().map(|r| r.is_none()).collect();
        let stages = match order::stages(&cells, &is_cell, &self.deps) {
            Ok(s) => s,
            Err(errs) => {
                self.errors.extend(errs);
                return None;
            }
        };
        let lines = cells.iter().enumerate().filter(|(_, c)| c.kind.is_line()).map(|(i, _)| i).collect();
        let params = self.params.into_iter().map(|p| p.expect("resolved")).collect();
        Some(Plan {
            name: self.settings.name,
            version: self.settings.version,
            currency: self.settings.currency,
            calendar: self.settings.calendar,
            rounding: self.settings.rounding,
            participants: self.participants,
            lookups: self.lookups,
            events: self.events,
            splits: self.splits,
            fx: None,
            params,
            sections: self.sections,
            row_values: self.row_values,
            accumulators: self.accumulators,
            across: self.across,
            cells,
            stages,
            lines,
        })
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, e: &ast::Expr, scope: &mut Scope) -> Option<Typed> {
        deeper(|| self.expr_here(e, scope))
    }

    fn expr_here(&mut self, e: &ast::Expr, scope: &mut Scope) -> Option<Typed> {
        use ast::ExprKind as K;
        let span = e.span;
        let mk = |kind: ExprKind, ty: Ty, level: Level| Some(Typed { expr: Expr { kind, span }, ty, level });
        match &e.kind {
            K::Number(n) => {
                let ty = if n.is_zero() { Ty::Zero } else { Ty::Known(Type::Number) };
                mk(ExprKind::Const(Value::Num(*n)), ty, Level::Constant)
            }
            K::Percent(p) => mk(ExprKind::Const(Value::Num(*p)), Ty::Known(Type::Ratio), Level::Constant),
            K::Money { amount, currency } => {
                if currency.as_str() != self.settings.currency {
                    self.errors.push(CheckError::type_error(
                        format!("`{}` is not the plan currency", currency.as_str()),
                        currency.span,
                        format!("the plan pays in {}", self.settings.currency),
                        Some(format!("write amounts in {}", self.settings.currency)),
                    ));
                    return None;
                }
                mk(ExprKind::Const(Value::Num(*amount)), Ty::Known(Type::Money), Level::Constant)
            }
            K::Text(t) => mk(ExprKind::Const(Value::Text(t.as_str().into())), Ty::Known(Type::Text), Level::Constant),
            K::Bool(b) => mk(ExprKind::Const(Value::Bool(*b)), Ty::Known(Type::Bool), Level::Constant),
            K::Date(d) => mk(ExprKind::Const(Value::Date(*d)), Ty::Known(Type::Date), Level::Constant),
            K::Name { qualifier, name } => self.name(qualifier.as_ref(), name, span, scope),
            K::At { .. } => {
                // Reached only outside the linear form `sum(x × cell at date)`,
                // which `at_sum` takes apart before compiling.
                self.errors.push(CheckError::invalid(
                    "`at` reads a value in another period only inside `sum(...)`",
                    span,
                    "not a factor of a `sum`'s argument",
                    Some("e.g. `sum(refund × rate_paid at original_date)`: each row's amount at the rate of its original period".into()),
                ));
                None
            }
            K::Unary { op, operand } => {
                let t = self.expr(operand, scope)?;
                match op {
                    UnaryOp::Neg => {
                        if !t.ty.numeric() {
                            self.errors.push(CheckError::type_error(
                                format!("cannot negate {}", t.ty.describe()),
                                operand.span,
                                format!("this is {}", t.ty.describe()),
                                None,
                            ));
                            return None;
                        }
                        mk(ExprKind::Neg(Box::new(t.expr)), t.ty, t.level)
                    }
                    UnaryOp::Not => {
                        self.expect_bool(&t, operand.span, "`not`");
                        mk(ExprKind::Not(Box::new(t.expr)), Ty::Known(Type::Bool), t.level)
                    }
                }
            }
            K::Binary { op, lhs, rhs } => {
                let l = self.expr(lhs, scope);
                let r = self.expr(rhs, scope);
                let (l, r) = (l?, r?);
                let level = self.join(&l, &r, lhs.span, rhs.span)?;
                self.binary(*op, l, r, span, lhs.span, rhs.span, level)
            }
            K::If { cond, then, otherwise } => {
                let c = self.expr(cond, scope);
                let t = self.expr(then, scope);
                let o = otherwise.as_ref().map(|o| self.expr(o, scope));
                let (c, t) = (c?, t?);
                self.expect_bool(&c, cond.span, "an `if` condition");
                let mut level = self.join(&c, &t, cond.span, then.span)?;
                let (o, oty) = match o {
                    Some(o) => {
                        let o = o?;
                        level = self.join_level(level, o.level, span, otherwise.as_ref().unwrap().span)?;
                        let ty = o.ty;
                        (o.expr, ty)
                    }
                    None => {
                        if !t.ty.numeric() {
                            self.errors.push(CheckError::type_error(
                                "an `if` without `else` must give a number".to_string(),
                                then.span,
                                format!("this is {}", t.ty.describe()),
                                Some("add `else ...`; without it the value is zero".into()),
                            ));
                            return None;
                        }
                        (Expr { kind: ExprKind::Const(Value::ZERO), span: then.span }, Ty::Zero)
                    }
                };
                let ty = self.unify(
                    t.ty,
                    oty,
                    then.span,
                    otherwise.as_ref().map_or(then.span, |o| o.span),
                    "the branches of an `if`",
                )?;
                mk(ExprKind::If { cond: Box::new(c.expr), then: Box::new(t.expr), otherwise: Box::new(o) }, ty, level)
            }
            K::Call(call) => self.call(call, span, scope),
            K::Tiers(t) => self.tiers(t, span, scope),
        }
    }

    fn expect_bool(&mut self, t: &Typed, span: Span, what: &str) {
        if !matches!(t.ty, Ty::Known(Type::Bool) | Ty::Error) {
            self.errors.push(CheckError::type_error(
                format!("{what} must be true or false"),
                span,
                format!("this is {}", t.ty.describe()),
                Some("compare it, e.g. `x > 0` or `role == \"rep\"`".into()),
            ));
        }
    }

    fn join(&mut self, l: &Typed, r: &Typed, ls: Span, rs: Span) -> Option<Level> {
        if l.level == Level::Row && r.level == Level::Cell {
            return self.join_level(r.level, l.level, rs, ls);
        }
        self.join_level(l.level, r.level, ls, rs)
    }

    /// The level of an expression combining two; a row value cannot meet a
    /// per-participant value without an aggregate.
    fn join_level(&mut self, a: Level, b: Level, _a_span: Span, b_span: Span) -> Option<Level> {
        match (a, b) {
            (Level::Row, Level::Cell) | (Level::Cell, Level::Row) => {
                self.errors.push(CheckError::Level {
                    message: "a row value is used with per-participant values".into(),
                    span: b_span.into(),
                    label: if b == Level::Row {
                        "a value of each row".into()
                    } else {
                        "a value per participant and period".into()
                    },
                    help: Some("aggregate the row value first, e.g. `sum(collected)`, or compute both per row".into()),
                });
                None
            }
            _ => Some(a.max(b)),
        }
    }

    fn unify(&mut self, a: Ty, b: Ty, a_span: Span, b_span: Span, what: &str) -> Option<Ty> {
        match (a, b) {
            (Ty::Error, _) | (_, Ty::Error) => Some(Ty::Error),
            (Ty::Zero, t) | (t, Ty::Zero) if t.numeric() => Some(t),
            (Ty::Known(x), Ty::Known(y)) if x == y => Some(a),
            (Ty::Known(x), Ty::Known(y)) if x.is_dimensionless() && y.is_dimensionless() => {
                Some(Ty::Known(Type::Ratio))
            }
            _ => {
                self.errors.push(CheckError::Type {
                    message: format!("{what} are {} and {}", a.describe(), b.describe()),
                    span: b_span.into(),
                    label: format!("this is {}", b.describe()),
                    help: Some(format!(
                        "make both {} (the first is at {}..{})",
                        a.describe(),
                        a_span.start,
                        a_span.end
                    )),
                });
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn binary(
        &mut self,
        op: BinaryOp,
        l: Typed,
        r: Typed,
        span: Span,
        ls: Span,
        rs: Span,
        level: Level,
    ) -> Option<Typed> {
        use Type::*;
        let mk = |kind: ExprKind, ty: Ty| Some(Typed { expr: Expr { kind, span }, ty, level });
        let (lt, rt) = (l.ty, r.ty);
        if lt == Ty::Error || rt == Ty::Error {
            return None;
        }
        let boxed = |x: Expr| Box::new(x);
        match op {
            BinaryOp::And | BinaryOp::Or => {
                self.expect_bool(&l, ls, &format!("`{}`'s left side", op.symbol()));
                self.expect_bool(&r, rs, &format!("`{}`'s right side", op.symbol()));
                let kind = if op == BinaryOp::And {
                    ExprKind::And(boxed(l.expr), boxed(r.expr))
                } else {
                    ExprKind::Or(boxed(l.expr), boxed(r.expr))
                };
                mk(kind, Ty::Known(Bool))
            }
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ok = match (lt, rt) {
                    (Ty::Zero, t) | (t, Ty::Zero) => t.numeric(),
                    (Ty::Known(a), Ty::Known(b)) => a == b || (a.is_dimensionless() && b.is_dimensionless()),
                    _ => true,
                };
                let ordered = !matches!(lt, Ty::Known(Bool)) || matches!(op, BinaryOp::Eq | BinaryOp::Ne);
                if !ok {
                    let either = |t: Type| lt == Ty::Known(t) || rt == Ty::Known(t);
                    let help = if either(Text) {
                        Some("compare text with quoted text, e.g. `role == \"rep\"`".to_string())
                    } else if either(Money) {
                        Some(format!("write amounts with their currency, e.g. `20,000 {}`", self.settings.currency))
                    } else if either(Date) {
                        Some("compare a date with a date, e.g. `date >= 2024-07-01`".to_string())
                    } else if either(Bool) {
                        Some("compare true/false values with `true` or `false`".to_string())
                    } else {
                        None
                    };
                    self.errors.push(CheckError::Type {
                        message: format!("cannot compare {} with {}", lt.describe(), rt.describe()),
                        span: span.into(),
                        label: format!("{} `{}` {}", lt.describe(), op.symbol(), rt.describe()),
                        help,
                    });
                    return None;
                }
                if !ordered {
                    self.errors.push(CheckError::type_error(
                        format!("`{}` does not apply to true/false values", op.symbol()),
                        span,
                        "here",
                        Some("use `==` or `!=`".into()),
                    ));
                    return None;
                }
                let cmp = match op {
                    BinaryOp::Eq => CmpOp::Eq,
                    BinaryOp::Ne => CmpOp::Ne,
                    BinaryOp::Lt => CmpOp::Lt,
                    BinaryOp::Le => CmpOp::Le,
                    BinaryOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                mk(ExprKind::Compare(cmp, boxed(l.expr), boxed(r.expr)), Ty::Known(Bool))
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                for (t, s) in [(lt, ls), (rt, rs)] {
                    if !t.numeric() {
                        self.errors.push(CheckError::type_error(
                            format!("`{}` needs numbers, not {}", op.symbol(), t.describe()),
                            s,
                            format!("this is {}", t.describe()),
                            None,
                        ));
                        return None;
                    }
                }
                let dimless = |t: Ty| matches!(t, Ty::Zero) || matches!(t, Ty::Known(x) if x.is_dimensionless());
                let ratio_if_any = |a: Ty, b: Ty| {
                    if a == Ty::Known(Ratio) || b == Ty::Known(Ratio) {
                        Ty::Known(Ratio)
                    } else {
                        Ty::Known(Number)
                    }
                };
                let money = Ty::Known(Money);
                let ty = match op {
                    BinaryOp::Add | BinaryOp::Sub => match (lt, rt) {
                        (Ty::Zero, t) | (t, Ty::Zero) => t,
                        (a, b) if a == money && b == money => money,
                        (a, b) if dimless(a) && dimless(b) => ratio_if_any(a, b),
                        _ => {
                            self.errors.push(CheckError::Type {
                                message: format!("cannot {} {} and {}", if op == BinaryOp::Add { "add" } else { "subtract" }, lt.describe(), rt.describe()),
                                span: span.into(),
                                label: format!("{} `{}` {}", lt.describe(), op.symbol(), rt.describe()),
                                help: Some(format!(
                                    "a percentage applies to an amount by multiplying: `amount × rate`; write fixed amounts with their currency (`1,000 {}`)",
                                    self.settings.currency
                                )),
                            });
                            return None;
                        }
                    },
                    BinaryOp::Mul => {
                        match (lt, rt) {
                            (a, b) if a == money && b == money => {
                                self.errors.push(CheckError::Type {
                                message: "cannot multiply money by money".into(),
                                span: span.into(),
                                label: "money `×` money".into(),
                                help: Some("one side should be a rate or a count: divide one amount by another to get a ratio".into()),
                            });
                                return None;
                            }
                            (a, _) | (_, a) if a == money => money,
                            (a, b) => ratio_if_any(a, b),
                        }
                    }
                    _ => match (lt, rt) {
                        (a, b) if a == money && b == money => Ty::Known(Ratio),
                        (a, _) if a == money => money,
                        (_, b) if b == money => {
                            self.errors.push(CheckError::Type {
                                message: format!("cannot divide {} by money", lt.describe()),
                                span: span.into(),
                                label: format!("{} `/` money", lt.describe()),
                                help: Some("divide an amount by an amount (a ratio) or an amount by a number".into()),
                            });
                            return None;
                        }
                        (Ty::Zero, _) => Ty::Zero,
                        (a, _) => ratio_if_any(a, Ty::Known(Number)).max_ratio(a),
                    },
                };
                let aop = match op {
                    BinaryOp::Add => ArithOp::Add,
                    BinaryOp::Sub => ArithOp::Sub,
                    BinaryOp::Mul => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                mk(ExprKind::Arith(aop, boxed(l.expr), boxed(r.expr)), ty)
            }
        }
    }

    fn name(&mut self, qualifier: Option<&Ident>, name: &Ident, span: Span, scope: &mut Scope) -> Option<Typed> {
        let mk = |kind: ExprKind, ty: Type, level: Level| {
            Some(Typed { expr: Expr { kind, span }, ty: Ty::Known(ty), level })
        };
        if let Some(q) = qualifier {
            return self.qualified(q, name, span, scope);
        }
        let n = name.as_str();
        match self.decls.names.get(n).copied() {
            Some(NameRef::Param(i)) => {
                self.resolve_param(i, Via::Name(span));
                let Some(p) = &self.params[i] else {
                    return Some(Typed {
                        expr: Expr { kind: ExprKind::Param(i), span },
                        ty: Ty::Error,
                        level: Level::Constant,
                    });
                };
                return mk(ExprKind::Param(i), p.ty, Level::Constant);
            }
            Some(NameRef::Def(i)) => return self.def_ref(i, name, span, scope),
            None => {}
        }
        if self.splits.as_ref().is_some_and(|s| s.table.columns[s.share].name == n) {
            return self.split_share(span, scope);
        }
        let in_events = self.events.column(n);
        let in_participants = self.participants.column(n);
        match (in_events, in_participants) {
            (Some(_), Some(_)) => {
                self.errors.push(CheckError::invalid(
                    format!("`{n}` is a column of both `{}` and `{}`", self.events.name, self.participants.name),
                    span,
                    "ambiguous",
                    Some(format!("write `{}.{n}` or `{}.{n}`", self.events.name, self.participants.name)),
                ));
                None
            }
            (Some(c), None) => self.event_column(c, span, scope),
            (None, Some(c)) => self.attribute(c, span, scope),
            (None, None) => {
                if let Some(part) = match n {
                    "quarter" => Some(PeriodPart::Quarter),
                    "month" => Some(PeriodPart::Month),
                    "period_number" => Some(PeriodPart::Number),
                    "days_in_period" => Some(PeriodPart::Days),
                    _ => None,
                } {
                    if part == PeriodPart::Month && self.settings.calendar.grain != Grain::Month {
                        self.errors.push(CheckError::invalid(
                            "`month` needs a plan paid by month",
                            span,
                            format!("this plan is paid by {}", self.settings.calendar.grain.name()),
                            Some("use `quarter` or `period_number`".into()),
                        ));
                        return None;
                    }
                    if scope.max_level == Level::Constant {
                        return self.too_high(span, scope, "the period");
                    }
                    return mk(ExprKind::PeriodPart(part), Type::Number, Level::Static);
                }
                let candidates: Vec<&str> = self
                    .decls
                    .names
                    .keys()
                    .map(String::as_str)
                    .chain(self.events.columns.iter().map(|c| c.name.as_str()))
                    .chain(self.participants.columns.iter().map(|c| c.name.as_str()))
                    .chain(["quarter", "period_number", "days_in_period"])
                    .chain(self.splits.iter().map(|s| s.table.columns[s.share].name.as_str()))
                    .collect();
                let help = did_you_mean(n, candidates.iter().copied()).or_else(|| {
                    self.lookups
                        .iter()
                        .find(|t| t.column(n).is_some())
                        .map(|t| format!("`{n}` is a column of `{}`: write `{}.{n}`", t.name, t.name))
                });
                self.errors.push(CheckError::Unknown { what: "name", name: n.to_string(), span: span.into(), help });
                None
            }
        }
    }

    fn too_high(&mut self, span: Span, scope: &Scope, what: &str) -> Option<Typed> {
        let allowed = match scope.max_level {
            Level::Constant => "literals and other parameters",
            _ => "participant attributes, lookups and parameters",
        };
        self.errors.push(CheckError::Level {
            message: format!("{} cannot depend on {what}", scope.context),
            span: span.into(),
            label: "not allowed here".into(),
            help: Some(format!("{} may use only {allowed}", scope.context)),
        });
        None
    }

    fn qualified(&mut self, q: &Ident, name: &Ident, span: Span, scope: &mut Scope) -> Option<Typed> {
        let qn = q.as_str();
        if let Some(splits) = self.splits.as_ref().filter(|s| s.table.name == qn) {
            if splits.table.columns[splits.share].name == name.as_str() {
                return self.split_share(span, scope);
            }
            let share = &splits.table.columns[splits.share].name;
            self.errors.push(CheckError::Unknown {
                what: "column",
                name: format!("{qn}.{}", name.as_str()),
                span: name.span.into(),
                help: Some(format!(
                    "a formula reads one column of `{qn}`: the share credited, `{qn}.{share}` (or `{share}`)"
                )),
            });
            return None;
        }
        let (table, id) = if qn == self.events.name {
            (&self.events, TableId::Events)
        } else if qn == self.participants.name {
            (&self.participants, TableId::Participants)
        } else if let Some(i) = self.lookups.iter().position(|t| t.name == qn) {
            (&self.lookups[i], TableId::Lookup(i))
        } else {
            let names: Vec<&str> = std::iter::once(self.events.name.as_str())
                .chain(std::iter::once(self.participants.name.as_str()))
                .chain(self.lookups.iter().map(|t| t.name.as_str()))
                .chain(self.splits.iter().map(|s| s.table.name.as_str()))
                .collect();
            self.errors.push(CheckError::Unknown {
                what: "table",
                name: qn.to_string(),
                span: q.span.into(),
                help: did_you_mean(qn, names.iter().copied())
                    .or_else(|| Some(format!("the tables are {}", settings::list(&names)))),
            });
            return None;
        };
        let Some(col) = table.column(name.as_str()) else {
            self.errors.push(CheckError::Unknown {
                what: "column",
                name: format!("{qn}.{}", name.as_str()),
                span: name.span.into(),
                help: did_you_mean(name.as_str(), table.columns.iter().map(|c| c.name.as_str()))
                    .map(|h| h.replacen("did you mean `", &format!("did you mean `{qn}."), 1)),
            });
            return None;
        };
        match id {
            // INVARIANT: the exchange rates are not found by name above.
            TableId::Fx => unreachable!("the fx table is not named in formulas"),
            TableId::Events => self.event_column(col, span, scope),
            TableId::Participants => self.attribute(col, span, scope),
            // INVARIANT: a splits table's name is answered above.
            TableId::Splits => unreachable!("splits table resolved above"),
            TableId::Lookup(t) => {
                if scope.max_level == Level::Constant {
                    return self.too_high(span, scope, "a lookup");
                }
                let ty = self.lookups[t].columns[col].ty.value_type();
                Some(Typed {
                    expr: Expr { kind: ExprKind::Lookup { table: t, column: col }, span },
                    ty: Ty::Known(ty),
                    level: Level::Static,
                })
            }
        }
    }

    fn event_column(&mut self, col: usize, span: Span, scope: &mut Scope) -> Option<Typed> {
        if scope.max_level < Level::Row {
            return self.too_high(span, scope, "an event row");
        }
        let ty = self.events.columns[col].ty.value_type();
        Some(Typed { expr: Expr { kind: ExprKind::Column(col), span }, ty: Ty::Known(ty), level: Level::Row })
    }

    /// The share of the row credited to the participant: a value of each row.
    fn split_share(&mut self, span: Span, scope: &mut Scope) -> Option<Typed> {
        if scope.max_level < Level::Row {
            return self.too_high(span, scope, "an event row's split share");
        }
        Some(Typed { expr: Expr { kind: ExprKind::SplitShare, span }, ty: Ty::Known(Type::Ratio), level: Level::Row })
    }

    fn attribute(&mut self, col: usize, span: Span, scope: &mut Scope) -> Option<Typed> {
        if scope.max_level == Level::Constant {
            return self.too_high(span, scope, "a participant");
        }
        let ty = self.participants.columns[col].ty.value_type();
        Some(Typed { expr: Expr { kind: ExprKind::Attribute(col), span }, ty: Ty::Known(ty), level: Level::Static })
    }

    fn def_ref(&mut self, i: usize, name: &Ident, span: Span, scope: &mut Scope) -> Option<Typed> {
        let (def, section) = self.decls.defs[i];
        if scope.max_level < Level::Row {
            return self.too_high(span, scope, &format!("`{}`", def.name.as_str()));
        }
        self.check_visible(section, name, scope)?;
        let (ty, level) = self.resolve_def(i, Via::Name(span))?;
        if level == Level::Cell {
            scope.deps.push((i, scope.dep_kind));
        }
        let kind = match self.cell_row[i] {
            Some(r) => ExprKind::RowValue(r),
            None => ExprKind::Cell(i),
        };
        Some(Typed { expr: Expr { kind, span }, ty, level })
    }

    fn check_visible(&mut self, section: Option<SectionId>, name: &Ident, scope: &mut Scope) -> Option<()> {
        let Some(s) = section else { return Some(()) };
        match scope.home {
            Home::Open => {
                scope.sections_seen.insert(s);
                Some(())
            }
            Home::Section(h) if h == s => Some(()),
            home => {
                let sec = &self.decls.sections[s];
                let here = match home {
                    Home::Section(h) => format!("section `{}`", self.decls.sections[h].name.as_str()),
                    _ => "the whole plan".into(),
                };
                self.errors.push(CheckError::Level {
                    message: format!("`{}` is defined only in section `{}`", name.as_str(), sec.name.as_str()),
                    span: name.span.into(),
                    label: format!("used in {here}"),
                    help: Some(format!(
                        "a section's values exist only for its participants; to use them across participants write e.g. `sum({}) over team`",
                        name.as_str()
                    )),
                });
                None
            }
        }
    }

    // ------------------------------------------------------------ calls

    /// The two date arguments of `days_active` or `days_between`.
    fn two_dates(&mut self, call: &ast::Call, example: &str, scope: &mut Scope) -> Option<(Typed, Typed)> {
        self.arity(call, 2, 2)?;
        let from = self.expr(&call.args[0], scope)?;
        let to = self.expr(&call.args[1], scope)?;
        for (t, a) in [(&from, &call.args[0]), (&to, &call.args[1])] {
            if !matches!(t.ty, Ty::Known(Type::Date) | Ty::Error) {
                self.errors.push(CheckError::type_error(
                    format!("`{}` takes dates, not {}", call.func.as_str(), t.ty.describe()),
                    a.span,
                    format!("this is {}", t.ty.describe()),
                    Some(example.into()),
                ));
                return None;
            }
        }
        Some((from, to))
    }

    fn call(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        let f = call.func.as_str();
        let nargs = call.args.len();
        let aggregate_form =
            call.distinct.is_some() || call.filter.is_some() || call.having.is_some() || call.over.is_some();
        match f {
            "min" | "max" if nargs >= 2 && !aggregate_form => self.min_max(f == "min", call, span, scope),
            "sum" | "count" | "min" | "max" | "avg" | "average" => self.aggregate(call, span, scope),
            "rank" | "share" => self.across_call(call, span, scope),
            "days_active" if !aggregate_form => {
                let example = "e.g. `days_active(hire_date, leave_date)` with date columns of the roster";
                let (from, to) = self.two_dates(call, example, scope)?;
                // It reads the period, even of constant dates.
                if scope.max_level == Level::Constant {
                    return self.too_high(span, scope, "the period");
                }
                let level = self.join(&from, &to, call.args[0].span, call.args[1].span)?.max(Level::Static);
                let kind = ExprKind::DaysActive(Box::new(from.expr), Box::new(to.expr));
                Some(Typed { expr: Expr { kind, span }, ty: Ty::Known(Type::Number), level })
            }
            "days_between" if !aggregate_form => {
                let example = "e.g. `days_between(original_date, date) <= 180`: the days from the first to the second";
                let (from, to) = self.two_dates(call, example, scope)?;
                let level = self.join(&from, &to, call.args[0].span, call.args[1].span)?;
                let kind = ExprKind::DaysBetween(Box::new(from.expr), Box::new(to.expr));
                Some(Typed { expr: Expr { kind, span }, ty: Ty::Known(Type::Number), level })
            }
            "abs" | "round" | "clamp" | "prev" => {
                if aggregate_form {
                    self.errors.push(CheckError::invalid(
                        format!("`{f}` is not an aggregate"),
                        span,
                        "`distinct`, `where`, `having` and `over` do not apply",
                        None,
                    ));
                    return None;
                }
                match f {
                    "abs" => {
                        self.arity(call, 1, 1)?;
                        let t = self.numeric_arg(&call.args[0], scope)?;
                        Some(Typed {
                            expr: Expr { kind: ExprKind::Abs(Box::new(t.expr)), span },
                            ty: t.ty,
                            level: t.level,
                        })
                    }
                    "round" => self.round(call, span, scope),
                    "clamp" => self.clamp(call, span, scope),
                    _ => self.prev(call, span, scope),
                }
            }
            _ => {
                self.errors.push(CheckError::Unknown {
                    what: "function",
                    name: f.to_string(),
                    span: call.func.span.into(),
                    help: did_you_mean(f, FUNCTIONS)
                        .or_else(|| Some(format!("the functions are {}", settings::list(&FUNCTIONS[..13])))),
                });
                None
            }
        }
    }

    fn arity(&mut self, call: &ast::Call, min: usize, max: usize) -> Option<()> {
        let n = call.args.len();
        if n < min || n > max {
            let expected = if min == max { format!("{min}") } else { format!("{min} to {max}") };
            self.errors.push(CheckError::invalid(
                format!(
                    "`{}` takes {expected} argument{}, not {n}",
                    call.func.as_str(),
                    if max == 1 { "" } else { "s" }
                ),
                call.func.span,
                "called here",
                Some(usage(call.func.as_str()).into()),
            ));
            return None;
        }
        Some(())
    }

    fn numeric_arg(&mut self, e: &ast::Expr, scope: &mut Scope) -> Option<Typed> {
        let t = self.expr(e, scope)?;
        if !t.ty.numeric() {
            self.errors.push(CheckError::type_error(
                format!("expected a number, found {}", t.ty.describe()),
                e.span,
                format!("this is {}", t.ty.describe()),
                None,
            ));
            return None;
        }
        Some(t)
    }

    fn min_max(&mut self, is_min: bool, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        let mut out: Vec<Expr> = Vec::new();
        let mut ty = Ty::Zero;
        let mut level = Level::Constant;
        let mut first_span = call.args[0].span;
        for a in &call.args {
            let t = self.numeric_arg(a, scope)?;
            level = self.join_level(level, t.level, first_span, a.span)?;
            ty = self.unify(ty, t.ty, first_span, a.span, &format!("the arguments of `{}`", call.func.as_str()))?;
            first_span = a.span;
            out.push(t.expr);
        }
        let kind = if is_min { ExprKind::Min(out) } else { ExprKind::Max(out) };
        Some(Typed { expr: Expr { kind, span }, ty, level })
    }

    fn clamp(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        self.arity(call, 3, 3)?;
        let x = self.numeric_arg(&call.args[0], scope)?;
        let lo = self.numeric_arg(&call.args[1], scope)?;
        let hi = self.numeric_arg(&call.args[2], scope)?;
        let mut level = self.join(&x, &lo, call.args[0].span, call.args[1].span)?;
        level = self.join_level(level, hi.level, span, call.args[2].span)?;
        let ty = self.unify(x.ty, lo.ty, call.args[0].span, call.args[1].span, "the arguments of `clamp`")?;
        let ty = self.unify(ty, hi.ty, call.args[0].span, call.args[2].span, "the arguments of `clamp`")?;
        let inner = Expr { kind: ExprKind::Min(vec![x.expr, hi.expr]), span };
        Some(Typed { expr: Expr { kind: ExprKind::Max(vec![lo.expr, inner]), span }, ty, level })
    }

    fn round(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        self.arity(call, 1, 3)?;
        let x = self.numeric_arg(&call.args[0], scope)?;
        let mut rounding = self.settings.rounding;
        if let Some(unit) = call.args.get(1) {
            let (ty, v) = self.constant(unit, "a rounding unit")?;
            let u = v.num();
            if !ty.is_numeric() || u <= Decimal::ZERO {
                self.errors.push(CheckError::invalid(
                    "a rounding unit must be a positive number",
                    unit.span,
                    "here",
                    Some("e.g. `round(x, 0.01)` to the cent, `round(x, 100)` to hundreds".into()),
                ));
                return None;
            }
            rounding.unit = u;
        }
        if let Some(mode) = call.args.get(2) {
            let word = match &mode.kind {
                ast::ExprKind::Name { qualifier: None, name } => name.as_str(),
                _ => "",
            };
            match settings::rounding_mode(word) {
                Some(m) => rounding.mode = m,
                None => {
                    self.errors.push(settings::unknown_mode(word, mode.span));
                    return None;
                }
            }
        }
        Some(Typed {
            expr: Expr { kind: ExprKind::Round { value: Box::new(x.expr), rounding }, span },
            ty: x.ty,
            level: x.level,
        })
    }

    /// The accumulator for `key`: the same aggregate written twice (same call,
    /// same section) accumulates once.
    fn intern_accumulator(&mut self, key: (ast::Call, Option<SectionId>), acc: Accumulator) -> AccId {
        if let Some(&i) = self.acc_keys.get(&key) {
            return i;
        }
        self.acc_keys.insert(key, self.accumulators.len());
        self.accumulators.push(acc);
        self.accumulators.len() - 1
    }

    /// The definition `e` names, when it is a bare name of one (`prev(x)`, `x at date`).
    fn definition_named<'x>(&self, e: &'x ast::Expr) -> Option<(usize, &'x crate::syntax::Ident)> {
        match &e.kind {
            ast::ExprKind::Name { qualifier: None, name } => match self.decls.names.get(name.as_str()) {
                Some(NameRef::Def(i)) => Some((*i, name)),
                _ => None,
            },
            _ => None,
        }
    }

    fn prev(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        self.arity(call, 1, 2)?;
        let Some((i, name)) = self.definition_named(&call.args[0]) else {
            self.errors.push(CheckError::invalid(
                "`prev` takes the name of a value",
                call.args[0].span,
                "expected a `value`, `payout` or `info` name",
                Some("e.g. `prev(balance, 0 CNY)`: `balance` in the previous period".into()),
            ));
            return None;
        };
        let (_, section) = self.decls.defs[i];
        self.check_visible(section, name, scope)?;
        let default = match call.args.get(1) {
            Some(d) => {
                let mut inner = Scope::new(Home::Global, Level::Static, "a `prev` default");
                let t = self.expr(d, &mut inner)?;
                self.prev_checks.push((i, t.ty, d.span, call.args[0].span));
                Some(t)
            }
            None => None,
        };
        let ty = match &default {
            Some(d) => d.ty,
            None => {
                let (ty, level) = self.resolve_def(i, Via::Prev(call.args[0].span))?;
                if level == Level::Row {
                    self.errors.push(prev_of_row(call.args[0].span));
                    return None;
                }
                ty
            }
        };
        scope.deps.push((i, DepKind::Prev));
        let default = default.map(|d| d.expr).unwrap_or(Expr { kind: ExprKind::Const(Value::ZERO), span });
        Some(Typed {
            expr: Expr { kind: ExprKind::Prev { cell: i, default: Box::new(default) }, span },
            ty,
            level: Level::Cell,
        })
    }

    /// `sum`, `count`, `min`, `max`, `avg`: over rows when the argument is a row
    /// value, across participants or periods otherwise.
    fn aggregate(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        let f = call.func.as_str();
        if scope.max_level < Level::Row {
            return self.too_high(span, scope, "an aggregate");
        }
        let max_args = 1;
        let min_args = if f == "count" { 0 } else { 1 };
        self.arity(call, min_args, max_args)?;
        if let Some(having) = &scope.having {
            let _ = having;
            return self.group_aggregate(call, span, scope);
        }
        if call.args.first().is_some_and(contains_at) {
            return self.at_sum(call, span, scope);
        }
        // Decide by the argument's level: compile it in an open scope first.
        let mut probe = Scope::new(Home::Open, Level::Cell, scope.context);
        probe.dep_kind = scope.dep_kind;
        let arg = match call.args.first() {
            Some(a) => Some(self.expr(a, &mut probe)?),
            None => None,
        };
        let row_level = arg.as_ref().is_none_or(|a| a.level == Level::Row)
            || call.filter.is_some()
            || call.distinct.is_some()
            || call.having.is_some();
        if row_level {
            self.row_aggregate(call, span, scope)
        } else {
            let arg = arg.expect("a non-row aggregate has an argument");
            self.across_aggregate(call, arg, probe, span, scope)
        }
    }

    fn row_aggregate(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        let f = call.func.as_str();
        let func = match (f, call.distinct) {
            ("count", Some(_)) => AggFunc::CountDistinct,
            (_, Some(distinct)) => {
                self.errors.push(CheckError::invalid(
                    "`distinct` goes with `count` only",
                    distinct,
                    format!("`{f}` takes no `distinct`"),
                    Some("remove `distinct`; to count different values use `count(distinct …)`".into()),
                ));
                return None;
            }
            ("sum", None) => AggFunc::Sum,
            ("count", None) => AggFunc::Count,
            ("min", None) => AggFunc::Min,
            ("max", None) => AggFunc::Max,
            _ => AggFunc::Avg,
        };
        if let (Some(having), false) = (&call.having, func == AggFunc::CountDistinct) {
            self.errors.push(CheckError::invalid(
                "`having` goes with `count(distinct ...)`",
                having.span,
                "a condition on each distinct key",
                Some("e.g. `count(distinct customer having sum(collected) >= 20,000 CNY)`".into()),
            ));
            return None;
        }
        let home = match scope.home {
            Home::Section(s) => Some(s),
            _ => None,
        };
        if func == AggFunc::CountDistinct && call.args.is_empty() {
            self.errors.push(CheckError::invalid(
                "`count(distinct ...)` needs what to count",
                span,
                "distinct what?",
                Some("name the column whose different values are counted, e.g. `count(distinct customer)`".into()),
            ));
            return None;
        }
        let mut row_scope = Scope::new(scope.home, Level::Row, "a row formula");
        let arg = match call.args.first() {
            Some(a) => {
                let t = self.expr(a, &mut row_scope)?;
                self.per_row(&t, a.span, &format!("`{f}`'s argument"))?;
                if func != AggFunc::CountDistinct && func != AggFunc::Count && !t.ty.numeric() {
                    self.errors.push(CheckError::type_error(
                        format!("`{f}` needs numbers, not {}", t.ty.describe()),
                        a.span,
                        format!("this is {}", t.ty.describe()),
                        None,
                    ));
                    return None;
                }
                Some(t)
            }
            None => None,
        };
        let filter = match &call.filter {
            Some(fe) => {
                let t = self.expr(fe, &mut row_scope)?;
                self.per_row(&t, fe.span, "a `where` condition")?;
                self.expect_bool(&t, fe.span, "a `where` condition");
                Some(t.expr)
            }
            None => None,
        };
        let having = match &call.having {
            Some(h) => {
                let mut hs = Scope::new(Home::Global, Level::Row, "a `having` condition");
                hs.having = Some(Vec::new());
                let t = self.expr(h, &mut hs)?;
                if t.level > Level::Constant {
                    // Tested once per key, on the key's rows: nothing else is at hand.
                    self.errors.push(CheckError::Level {
                        message: "a `having` condition can use only aggregates of the key's rows, literals and parameters"
                            .into(),
                        span: h.span.into(),
                        label: "uses something else".into(),
                        help: Some(
                            "e.g. `having sum(collected) >= 20,000 CNY`; test rows in `where`, and other values outside the count"
                                .into(),
                        ),
                    });
                    return None;
                }
                self.expect_bool(&t, h.span, "a `having` condition");
                Some(Having { aggs: hs.having.take().unwrap_or_default(), cond: t.expr })
            }
            None => None,
        };
        let ty = match func {
            AggFunc::Count | AggFunc::CountDistinct => Ty::Known(Type::Number),
            _ => match arg.as_ref().map(|a| a.ty) {
                Some(Ty::Zero) | None => Ty::Known(Type::Number),
                Some(t) => t,
            },
        };
        // Dedupe: the same aggregate written twice accumulates once.
        let mut key = call.clone();
        key.over = None;
        let acc = self.intern_accumulator(
            (key, home),
            Accumulator {
                func,
                arg: arg.map(|a| a.expr),
                filter,
                having,
                section: home,
                ty: ty.concrete(),
                span,
                at: None,
            },
        );
        let agg_scope = match call.over.as_ref().map(|o| o.as_str()) {
            None => PeriodScope::Period,
            Some("year") => PeriodScope::Year,
            Some("ytd") => PeriodScope::YearToDate,
            Some(_) => {
                // Rows aggregated per participant, then across participants.
                let over = call.over.as_ref().unwrap();
                let func = match func {
                    AggFunc::Sum | AggFunc::Count => AcrossFunc::Sum,
                    AggFunc::Min => AcrossFunc::Min,
                    AggFunc::Max => AcrossFunc::Max,
                    _ => {
                        self.errors.push(CheckError::invalid(
                            format!("`{}` of rows cannot be taken over `{}`", func.name(), over.as_str()),
                            span,
                            "not additive across participants",
                            Some(format!(
                                "name the per-participant value first, then e.g. `avg(x) over {}`",
                                over.as_str()
                            )),
                        ));
                        return None;
                    }
                };
                let arg = Expr { kind: ExprKind::Aggregate { acc, scope: PeriodScope::Period }, span };
                let across_scope = self.across_scope(over, false)?;
                let id = self.across.len();
                self.across.push(Across {
                    func,
                    arg,
                    weight: None,
                    scope: across_scope,
                    domain: home,
                    ty: ty.concrete(),
                    span,
                });
                return Some(Typed { expr: Expr { kind: ExprKind::Across(id), span }, ty, level: Level::Cell });
            }
        };
        Some(Typed { expr: Expr { kind: ExprKind::Aggregate { acc, scope: agg_scope }, span }, ty, level: Level::Cell })
    }

    /// `sum(refund × rate_paid at original_date where ...)`: each row's amount
    /// times `rate_paid` in the period of the row's `original_date`. Linear in
    /// the rows, so it streams: the rows' amounts are summed per original
    /// period, and each sum is multiplied by that period's value afterwards.
    fn at_sum(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        let example =
            "e.g. `sum(refund × rate_paid at original_date)`: each row's amount at the rate of its original period";
        if call.func.as_str() != "sum" || call.distinct.is_some() || call.having.is_some() {
            self.errors.push(CheckError::invalid(
                format!("`at` goes with `sum` only, not `{}`", call.func.as_str()),
                span,
                "reads a value in another period",
                Some(example.into()),
            ));
            return None;
        }
        if let Some(over) = &call.over {
            self.errors.push(CheckError::invalid(
                format!("a `sum` with `at` cannot be taken `over {}`", over.as_str()),
                over.span,
                "the rows' own periods already decide what is read",
                Some("name the per-period value first, then e.g. `sum(clawback) over year`".into()),
            ));
            return None;
        }
        let arg = &call.args[0];
        let (row, at) = match split_at(arg) {
            Ok(parts) => parts,
            Err(bad) => {
                self.errors.push(CheckError::invalid(
                    "`sum` takes `at` only as a factor of its argument",
                    bad,
                    "not a product with one `at`",
                    Some(format!("write the row amount times the value read: {example}")),
                ));
                return None;
            }
        };
        let ast::ExprKind::At { value, date } = &at.kind else { unreachable!("split_at returns an `at`") };
        let home = match scope.home {
            Home::Section(s) => Some(s),
            _ => None,
        };
        let mut row_scope = Scope::new(scope.home, Level::Row, "a row formula");
        let row_t = match &row {
            Some(r) => {
                let t = self.expr(r, &mut row_scope)?;
                self.per_row(&t, r.span, "`sum`'s argument")?;
                if !t.ty.numeric() {
                    self.errors.push(CheckError::type_error(
                        format!("`sum` needs numbers, not {}", t.ty.describe()),
                        r.span,
                        format!("this is {}", t.ty.describe()),
                        None,
                    ));
                    return None;
                }
                t
            }
            // `sum(rate_paid at original_date)`: each row counts once.
            None => Typed {
                expr: Expr { kind: ExprKind::Const(Value::Num(Decimal::ONE)), span: at.span },
                ty: Ty::Known(Type::Number),
                level: Level::Constant,
            },
        };
        let column = self.at_date(date, &mut row_scope)?;
        let (cell, cell_ty) = self.at_value(value, scope)?;
        let filter = match &call.filter {
            Some(fe) => {
                let t = self.expr(fe, &mut row_scope)?;
                self.per_row(&t, fe.span, "a `where` condition")?;
                self.expect_bool(&t, fe.span, "a `where` condition");
                Some(t.expr)
            }
            None => None,
        };
        // The unit of one row's term: the row amount times the value read.
        let row_ty = row_t.ty;
        let row_expr = row_t.expr.clone();
        let read = Typed { expr: Expr { kind: ExprKind::Cell(cell), span: at.span }, ty: cell_ty, level: Level::Row };
        let row_span = row.as_ref().map_or(at.span, |r| r.span);
        let ty = self.binary(BinaryOp::Mul, row_t, read, arg.span, row_span, at.span, Level::Row)?.ty;
        let acc = self.intern_accumulator(
            (call.clone(), home),
            Accumulator {
                func: AggFunc::SumByPeriod,
                arg: Some(row_expr),
                filter,
                having: None,
                section: home,
                ty: match row_ty {
                    Ty::Known(t) => t,
                    _ => Type::Number,
                },
                span,
                at: Some(AtColumn { column, span: date.span }),
            },
        );
        let kind = ExprKind::SumAt { acc, cell, ty: ty.concrete() };
        Some(Typed { expr: Expr { kind, span }, ty, level: Level::Cell })
    }

    /// The date of `x at date`: a date column of the events table.
    fn at_date(&mut self, date: &ast::Expr, row_scope: &mut Scope) -> Option<usize> {
        let t = self.expr(date, row_scope)?;
        if let (ExprKind::Column(c), Ty::Known(Type::Date)) = (&t.expr.kind, t.ty) {
            return Some(*c);
        }
        let dates: Vec<&str> =
            self.events.columns.iter().filter(|c| c.ty == ColumnType::Date).map(|c| c.name.as_str()).collect();
        self.errors.push(CheckError::type_error(
            format!("`at` needs a date column of `{}`", self.events.name),
            date.span,
            if t.level == Level::Row && matches!(t.expr.kind, ExprKind::Column(_)) {
                format!("this column is {}", t.ty.describe())
            } else {
                format!("this is {}, not a column of each row", t.ty.describe())
            },
            Some(format!(
                "the value is read in the period containing each row's date; the date columns of `{}` are {}",
                self.events.name,
                settings::list(&dates)
            )),
        ));
        None
    }

    /// The value of `x at date`: a definition per participant and period.
    fn at_value(&mut self, value: &ast::Expr, scope: &mut Scope) -> Option<(CellId, Ty)> {
        let Some((i, name)) = self.definition_named(value) else {
            self.errors.push(CheckError::invalid(
                "`at` reads a `value`, `payout` or `info` in another period",
                value.span,
                "not the name of a definition",
                Some("e.g. `value rate_paid = commission / C`, then `sum(refund × rate_paid at original_date)`".into()),
            ));
            return None;
        };
        let (_, section) = self.decls.defs[i];
        self.check_visible(section, name, scope)?;
        let (ty, level) = self.resolve_def(i, Via::At(value.span))?;
        if level == Level::Row {
            self.errors.push(CheckError::Level {
                message: format!("`{}` is a value of each row", name.as_str()),
                span: value.span.into(),
                label: "a value of each row".into(),
                help: Some(
                    "`at` reads a value per participant and period, e.g. `value rate_paid = commission / C`".into(),
                ),
            });
            return None;
        }
        // Read in this period or earlier ones: ordered like a same-period use.
        scope.deps.push((i, scope.dep_kind));
        Some((i, ty))
    }

    /// An aggregate inside `having`: one per distinct key.
    /// Inside an aggregate of rows, a formula is computed for each row: it
    /// cannot use a value per participant and period (a definition that is
    /// not a row value, or another aggregate), which rows do not have.
    fn per_row(&mut self, t: &Typed, span: Span, what: &str) -> Option<()> {
        if t.level <= Level::Row {
            return Some(());
        }
        self.errors.push(CheckError::Level {
            message: format!("{what} is computed for each row, and uses a value per participant and period"),
            span: span.into(),
            label: "not a value of each row".into(),
            help: Some(
                "inside an aggregate, use the row's columns, row values, attributes, lookups and parameters; \
                 combine with per-participant values outside it"
                    .into(),
            ),
        });
        None
    }

    fn group_aggregate(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        let f = call.func.as_str();
        if call.distinct.is_some() || call.filter.is_some() || call.having.is_some() || call.over.is_some() {
            self.errors.push(CheckError::invalid(
                "inside `having`, aggregates are plain",
                span,
                "no `distinct`, `where`, `having` or `over` here",
                Some("filter rows in the outer `where`".into()),
            ));
            return None;
        }
        let func = match f {
            "sum" => AggFunc::Sum,
            "count" => AggFunc::Count,
            "min" => AggFunc::Min,
            "max" => AggFunc::Max,
            _ => AggFunc::Avg,
        };
        let mut row_scope = Scope::new(Home::Global, Level::Row, "a row formula");
        let arg = match call.args.first() {
            Some(a) => {
                let t = self.numeric_arg(a, &mut row_scope)?;
                self.per_row(&t, a.span, &format!("`{f}`'s argument"))?;
                Some(t)
            }
            None => None,
        };
        let ty = match func {
            AggFunc::Count => Ty::Known(Type::Number),
            _ => arg.as_ref().map_or(Ty::Known(Type::Number), |a| a.ty),
        };
        let aggs = scope.having.as_mut().expect("in having");
        aggs.push((func, arg.map(|a| a.expr)));
        let i = aggs.len() - 1;
        Some(Typed { expr: Expr { kind: ExprKind::GroupAggregate(i), span }, ty, level: Level::Constant })
    }

    fn across_scope(&mut self, over: &Ident, periods_ok: bool) -> Option<AcrossScope> {
        match over.as_str() {
            "all" => Some(AcrossScope::All),
            "year" if periods_ok => Some(AcrossScope::Periods(PeriodScope::Year)),
            "ytd" if periods_ok => Some(AcrossScope::Periods(PeriodScope::YearToDate)),
            "reports" | "all_reports" => {
                if self.participants.reports_to.is_none() {
                    self.errors.push(CheckError::invalid(
                        format!("`over {}` needs a hierarchy", over.as_str()),
                        over.span,
                        "no `reports to` column",
                        Some(format!(
                            "declare who reports to whom: `participants {} by {} reports to manager {{ ... }}`",
                            self.participants.name, self.participants.columns[self.participants.key].name
                        )),
                    ));
                    return None;
                }
                Some(AcrossScope::Reports { transitive: over.as_str() == "all_reports" })
            }
            w => match self.participants.column(w) {
                Some(c) => Some(AcrossScope::Group(c)),
                None => {
                    let cands: Vec<&str> = SCOPE_WORDS
                        .iter()
                        .copied()
                        .chain(self.participants.columns.iter().map(|c| c.name.as_str()))
                        .collect();
                    self.errors.push(CheckError::Unknown {
                        what: "group",
                        name: w.to_string(),
                        span: over.span.into(),
                        help: did_you_mean(w, cands.iter().copied()).or_else(|| {
                            Some(format!(
                                "`over` takes `all`, `year`, `ytd` or a column of `{}` such as `team`",
                                self.participants.name
                            ))
                        }),
                    });
                    None
                }
            },
        }
    }

    fn across_aggregate(
        &mut self,
        call: &ast::Call,
        arg: Typed,
        probe: Scope,
        span: Span,
        scope: &mut Scope,
    ) -> Option<Typed> {
        let f = call.func.as_str();
        let Some(over) = &call.over else {
            self.errors.push(CheckError::Level {
                message: format!("`{f}` of a per-participant value needs `over`"),
                span: span.into(),
                label: "aggregate over what?".into(),
                help: Some(format!(
                    "write `{f}(...) over team` (a column of `{}`), `over all`, `over year` or `over ytd`",
                    self.participants.name
                )),
            });
            return None;
        };
        if !arg.ty.numeric() && f != "count" {
            self.errors.push(CheckError::type_error(
                format!("`{f}` needs numbers, not {}", arg.ty.describe()),
                call.args[0].span,
                format!("this is {}", arg.ty.describe()),
                None,
            ));
            return None;
        }
        let func = match f {
            "sum" => AcrossFunc::Sum,
            "count" => AcrossFunc::Count,
            "min" => AcrossFunc::Min,
            "max" => AcrossFunc::Max,
            _ => AcrossFunc::Avg,
        };
        let ty = if func == AcrossFunc::Count { Ty::Known(Type::Number) } else { arg.ty };
        self.finish_across(func, arg, None, probe, over, ty, span, scope)
    }

    fn across_call(&mut self, call: &ast::Call, span: Span, scope: &mut Scope) -> Option<Typed> {
        let f = call.func.as_str();
        if scope.max_level < Level::Row {
            return self.too_high(span, scope, &format!("`{f}`"));
        }
        let (min, max) = if f == "share" { (2, 2) } else { (1, 1) };
        self.arity(call, min, max)?;
        if call.distinct.is_some() || call.filter.is_some() || call.having.is_some() {
            self.errors.push(CheckError::invalid(
                format!("`{f}` takes no `distinct`, `where` or `having`"),
                span,
                "here",
                None,
            ));
            return None;
        }
        let Some(over) = &call.over else {
            self.errors.push(CheckError::Level {
                message: format!("`{f}` needs `over`"),
                span: span.into(),
                label: format!("{f} among whom?"),
                help: Some(format!("write `{f}(...) over team` or `over all`")),
            });
            return None;
        };
        let mut probe = Scope::new(Home::Open, Level::Cell, scope.context);
        let (func, arg, weight, ty) = if f == "rank" {
            let a = self.numeric_arg(&call.args[0], &mut probe)?;
            (AcrossFunc::Rank, a, None, Ty::Known(Type::Number))
        } else {
            // The pool is read at the participant itself, in the caller's scope.
            let pool = self.numeric_arg(&call.args[0], scope)?;
            let w = self.numeric_arg(&call.args[1], &mut probe)?;
            let ty = pool.ty;
            (AcrossFunc::Share, pool, Some(w), ty)
        };
        for t in std::iter::once(&arg).chain(weight.as_ref()) {
            if t.level == Level::Row {
                self.errors.push(CheckError::Level {
                    message: format!("`{f}` takes per-participant values, not rows"),
                    span: span.into(),
                    label: "a row value".into(),
                    help: Some("aggregate the rows first, e.g. `sum(collected)`".into()),
                });
                return None;
            }
        }
        self.finish_across(func, arg, weight, probe, over, ty, span, scope)
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_across(
        &mut self,
        func: AcrossFunc,
        arg: Typed,
        weight: Option<Typed>,
        probe: Scope,
        over: &Ident,
        ty: Ty,
        span: Span,
        scope: &mut Scope,
    ) -> Option<Typed> {
        let periods_ok = !matches!(func, AcrossFunc::Rank | AcrossFunc::Share);
        let across_scope = self.across_scope(over, periods_ok)?;
        let domain = match probe.sections_seen.len() {
            0 => match scope.home {
                Home::Section(s) => Some(s),
                _ => None,
            },
            1 => probe.sections_seen.iter().next().copied(),
            _ => {
                let names: Vec<String> = probe
                    .sections_seen
                    .iter()
                    .map(|s| format!("`{}`", self.decls.sections[*s].name.as_str()))
                    .collect();
                self.errors.push(CheckError::Level {
                    message: "an aggregate mixes values of different sections".into(),
                    span: span.into(),
                    label: format!("uses values of {}", names.join(" and ")),
                    help: Some("aggregate each section's values separately".into()),
                });
                return None;
            }
        };
        // Over periods, and for a rank or a share, the participant's own
        // value is needed: the caller's participants must have it.
        // What it is, of whose values: "another section's", "section `s`'s".
        let own: Option<fn(&str) -> String> = match (across_scope, func) {
            (AcrossScope::Periods(_), _) => Some(|whose| format!("a value of {whose}, over periods")),
            (_, AcrossFunc::Rank) => Some(|whose| format!("a rank among {whose}'s values")),
            (_, AcrossFunc::Share) => Some(|whose| format!("a share by {whose}'s values")),
            _ => None,
        };
        if let (Some(what), Some(d)) = (own, domain) {
            let section = self.decls.sections[d].name.as_str();
            match scope.home {
                Home::Section(h) if h != d => {
                    self.errors.push(CheckError::Level {
                        message: what("another section"),
                        span: span.into(),
                        label: "not defined for these participants".into(),
                        help: None,
                    });
                    return None;
                }
                // Outside any section, for every participant: only the
                // section's participants have its values.
                Home::Global => {
                    self.errors.push(CheckError::Level {
                        message: format!("{}, outside the section", what(&format!("section `{section}`"))),
                        span: span.into(),
                        label: "not defined for every participant".into(),
                        help: Some(format!("write this definition in section `{section}`")),
                    });
                    return None;
                }
                // Inside an aggregate across participants: those of the section.
                Home::Open => {
                    scope.sections_seen.insert(d);
                }
                Home::Section(_) => {}
            }
        }
        let kind = match across_scope {
            AcrossScope::Periods(_) => DepKind::AllPeriods,
            _ => scope.dep_kind,
        };
        scope.deps.extend(probe.deps.iter().map(|(d, k)| (*d, if *k == DepKind::Prev { DepKind::Prev } else { kind })));
        let id = self.across.len();
        self.across.push(Across {
            func,
            arg: arg.expr,
            weight: weight.map(|w| w.expr),
            scope: across_scope,
            domain,
            ty: ty.concrete(),
            span,
        });
        Some(Typed { expr: Expr { kind: ExprKind::Across(id), span }, ty, level: Level::Cell })
    }

    // ------------------------------------------------------------ tiers

    fn tiers(&mut self, t: &ast::Tiers, span: Span, scope: &mut Scope) -> Option<Typed> {
        let mode = match t.mode.as_str() {
            "marginal" => TierMode::Marginal,
            "whole" => TierMode::Whole,
            "lookup" => TierMode::Lookup,
            "interpolated" => TierMode::Interpolated,
            other => {
                self.errors.push(CheckError::Unknown {
                    what: "tier mode",
                    name: other.to_string(),
                    span: t.mode.span.into(),
                    help: did_you_mean(other, ["marginal", "whole", "lookup", "interpolated"]).or_else(|| {
                        Some("`marginal`: each band's rate on the part inside it (超额累进); `whole`: the band reached sets the rate for all (全额累进); `lookup`: the value of the band reached; `interpolated`: the value on the line through points `x : y`".into())
                    }),
                });
                return None;
            }
        };
        if !self.band_shapes(t, mode) {
            return None;
        }
        let base = self.numeric_arg(&t.base, scope)?;
        let mut level = base.level;
        let of = match &t.of {
            Some(o) => {
                let ot = self.numeric_arg(o, scope)?;
                level = self.join_level(level, ot.level, t.base.span, o.span)?;
                if !unify_ok(base.ty, ot.ty) {
                    self.errors.push(CheckError::type_error(
                        format!("tiers on {} of {}", base.ty.describe(), ot.ty.describe()),
                        o.span,
                        format!("this is {}", ot.ty.describe()),
                        Some("band edges are percentages of this amount, so it must have the base's unit".into()),
                    ));
                    return None;
                }
                Some(ot)
            }
            None => None,
        };
        let mut bands = Vec::new();
        let mut bounds: Vec<(Decimal, Option<Decimal>, Span)> = Vec::new();
        let mut fixed: Option<bool> = None;
        let mut lookup_ty: Option<Ty> = None;
        let mut ty = base.ty;
        for b in &t.bands {
            let edge_ty = if of.is_some() { Ty::Known(Type::Ratio) } else { base.ty };
            let from = self.band_edge(&b.from, edge_ty, of.is_some());
            let to = match &b.to {
                Some(e) => self.band_edge(e, edge_ty, of.is_some()).map(Some),
                None => Some(None),
            };
            let pays = self.numeric_arg(&b.pays, scope);
            let (Some(from), Some(to), Some(pays)) = (from, to, pays) else { continue };
            level = self.join_level(level, pays.level, t.base.span, b.pays.span)?;
            if matches!(mode, TierMode::Lookup | TierMode::Interpolated) {
                // A lookup gives the band's value itself: every band the same unit.
                lookup_ty = match lookup_ty {
                    None => Some(pays.ty),
                    Some(prev) => Some(self.unify(
                        prev,
                        pays.ty,
                        t.bands[0].pays.span,
                        b.pays.span,
                        "the values of a lookup's bands",
                    )?),
                };
                bounds.push((from.1, to.as_ref().map(|t| t.1), b.span));
                bands.push(TierBand { from: from.0, to: to.map(|t| t.0), pays: pays.expr, span: b.span });
                continue;
            }
            let is_fixed = pays.ty == Ty::Known(Type::Money);
            if let Some(f) = fixed {
                if f != is_fixed {
                    self.errors.push(CheckError::type_error(
                        "bands mix rates and fixed amounts",
                        b.pays.span,
                        if is_fixed { "a fixed amount" } else { "a rate" },
                        Some("every band pays a rate (a percentage) or every band pays an amount".into()),
                    ));
                    return None;
                }
            }
            fixed = Some(is_fixed);
            if is_fixed {
                ty = Ty::Known(Type::Money);
            }
            bounds.push((from.1, to.as_ref().map(|t| t.1), b.span));
            bands.push(TierBand { from: from.0, to: to.map(|t| t.0), pays: pays.expr, span: b.span });
        }
        if bands.len() != t.bands.len() {
            return None;
        }
        let unit = match (&of, base.ty) {
            (Some(_), _) | (None, Ty::Known(Type::Ratio)) => tiers::EdgeUnit::Percent,
            (None, Ty::Known(Type::Money)) => tiers::EdgeUnit::Money(&self.settings.currency),
            _ => tiers::EdgeUnit::Number,
        };
        let valid = if mode == TierMode::Interpolated {
            let points: Vec<(Decimal, Span)> = bounds.iter().map(|(x, _, span)| (*x, *span)).collect();
            tiers::validate_points(&points, t.mode.span, unit, self.errors)
        } else {
            tiers::validate(&bounds, unit, self.errors)
        };
        if !valid {
            return None;
        }
        if let Some(t) = lookup_ty {
            ty = t;
            // An interpolated table of amounts reads as one paying amounts.
            if mode == TierMode::Interpolated && t == Ty::Known(Type::Money) {
                fixed = Some(true);
            }
        }
        let table = TierTable { mode, base: base.expr, of: of.map(|o| o.expr), bands, fixed: fixed.unwrap_or(false) };
        Some(Typed { expr: Expr { kind: ExprKind::Tiers(Box::new(table)), span }, ty, level })
    }

    /// Bands of an `interpolated` table are points (`x : y`), and those of
    /// every other table are bands (`low to high`, `low and above`).
    fn band_shapes(&mut self, t: &ast::Tiers, mode: TierMode) -> bool {
        let before = self.errors.len();
        for b in &t.bands {
            if mode == TierMode::Interpolated && !b.point {
                self.errors.push(CheckError::Tiers {
                    message: "an interpolated table is written as points, not bands".into(),
                    span: b.span.into(),
                    label: "a band".into(),
                    other: Some(t.mode.span.into()),
                    other_label: "points are read on straight lines between them".into(),
                    help: Some(format!(
                        "write each point as `x : y`, e.g. `{} : ...`; or use `tiers lookup` for a step per band",
                        self.text_hint(&b.from)
                    )),
                });
            } else if mode != TierMode::Interpolated && b.point {
                self.errors.push(CheckError::Tiers {
                    message: "a band needs an upper edge".into(),
                    span: b.span.into(),
                    label: "no `to ...` or `and above`".into(),
                    other: None,
                    other_label: String::new(),
                    help: Some(format!(
                        "write `low to high : pays` or `low and above : pays`; points `x : y` belong to `tiers interpolated`, not `tiers {}`",
                        t.mode.as_str()
                    )),
                });
            }
        }
        self.errors.len() == before
    }

    /// A literal edge as the plan might write it, for a hint.
    fn text_hint(&self, e: &ast::Expr) -> String {
        match &e.kind {
            ast::ExprKind::Percent(p) => format!("{}%", (*p * Decimal::ONE_HUNDRED).normalize()),
            ast::ExprKind::Number(n) => n.normalize().to_string(),
            ast::ExprKind::Name { name, .. } => name.node.clone(),
            _ => "x".into(),
        }
    }

    fn band_edge(&mut self, e: &ast::Expr, expected: Ty, of_base: bool) -> Option<(Expr, Decimal)> {
        let mut scope = Scope::new(Home::Global, Level::Constant, "a band edge");
        let t = self.expr(e, &mut scope)?;
        if !unify_ok(t.ty, expected) || !t.ty.numeric() {
            let help = if of_base {
                "with `of`, band edges are percentages of that amount, e.g. `100%`".to_string()
            } else {
                format!("band edges have the base's unit, e.g. `20,000 {}`", self.settings.currency)
            };
            self.errors.push(CheckError::type_error(
                format!("band edge is {}, expected {}", t.ty.describe(), expected.describe()),
                e.span,
                format!("this is {}", t.ty.describe()),
                Some(help),
            ));
            return None;
        }
        match self.eval_constant(&t.expr) {
            Ok(v) => Some((t.expr, v.num())),
            Err(err) => {
                self.errors.push(CheckError::invalid(
                    format!("cannot compute a band edge: {err}"),
                    e.span,
                    "here",
                    None,
                ));
                None
            }
        }
    }
}

/// Whether `e` holds an `x at date`.
fn contains_at(e: &ast::Expr) -> bool {
    use ast::ExprKind as K;
    match &e.kind {
        K::At { .. } => true,
        K::Unary { operand, .. } => contains_at(operand),
        K::Binary { lhs, rhs, .. } => contains_at(lhs) || contains_at(rhs),
        K::If { cond, then, otherwise } => {
            contains_at(cond) || contains_at(then) || otherwise.as_deref().is_some_and(contains_at)
        }
        K::Call(c) => {
            c.args.iter().any(contains_at)
                || c.filter.as_deref().is_some_and(contains_at)
                || c.having.as_deref().is_some_and(contains_at)
        }
        K::Tiers(t) => {
            contains_at(&t.base)
                || t.of.as_deref().is_some_and(contains_at)
                || t.bands
                    .iter()
                    .any(|b| contains_at(&b.from) || b.to.as_ref().is_some_and(contains_at) || contains_at(&b.pays))
        }
        K::Number(_) | K::Percent(_) | K::Money { .. } | K::Text(_) | K::Bool(_) | K::Date(_) | K::Name { .. } => false,
    }
}

/// Takes `sum`'s argument apart into the row amount and the one `x at date`
/// it is multiplied by: `refund × rate_paid at original_date`, also negated or
/// divided by a row value (`-(refund × r at d) / 2`). The amount is `None` for
/// a bare `x at date`. Anything else (a sum, an `if`, two `at`s) is not linear
/// in the value read: its span is the error.
fn split_at(e: &ast::Expr) -> Result<(Option<ast::Expr>, &ast::Expr), Span> {
    use ast::ExprKind as K;
    let one = |span: Span| ast::Expr { kind: K::Number(Decimal::ONE), span };
    let combine = |op: BinaryOp, row: Option<ast::Expr>, other: &ast::Expr, at_left: bool| {
        let (lhs, rhs) = match (row, at_left) {
            (None, true) if op == BinaryOp::Mul => return other.clone(),
            (None, false) => return other.clone(),
            (row, true) => (row.unwrap_or_else(|| one(e.span)), other.clone()),
            (Some(row), false) => (other.clone(), row),
        };
        ast::Expr { span: lhs.span.to(rhs.span), kind: K::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) } }
    };
    match &e.kind {
        K::At { .. } => Ok((None, e)),
        K::Binary { op: BinaryOp::Mul, lhs, rhs } => match (contains_at(lhs), contains_at(rhs)) {
            (true, false) => {
                let (row, at) = split_at(lhs)?;
                Ok((Some(combine(BinaryOp::Mul, row, rhs, true)), at))
            }
            (false, true) => {
                let (row, at) = split_at(rhs)?;
                Ok((Some(combine(BinaryOp::Mul, row, lhs, false)), at))
            }
            _ => Err(e.span),
        },
        K::Binary { op: BinaryOp::Div, lhs, rhs } if contains_at(lhs) && !contains_at(rhs) => {
            let (row, at) = split_at(lhs)?;
            Ok((Some(combine(BinaryOp::Div, row, rhs, true)), at))
        }
        K::Unary { op: UnaryOp::Neg, operand } => {
            let (row, at) = split_at(operand)?;
            let row = row.unwrap_or_else(|| one(operand.span));
            Ok((Some(ast::Expr { kind: K::Unary { op: UnaryOp::Neg, operand: Box::new(row) }, span: e.span }), at))
        }
        _ => Err(e.span),
    }
}

/// `prev(r, ...)` of a row value `r`: there is no previous period of a row.
fn prev_of_row(span: Span) -> CheckError {
    CheckError::Level {
        message: "`prev` of a row value".into(),
        span: span.into(),
        label: "a value of each row".into(),
        help: Some("`prev` reads a per-participant value in the previous period".into()),
    }
}

/// The error for a reference `via` to `i`, which is already being resolved on
/// `path`: the loop is `i` and everything resolved since. `help` gets the
/// names of the first and last members.
///
/// A loop through `prev(x)` is legal (it reads the previous period), but
/// without a default `prev(x)` takes its unit from `x`, which is not known yet:
/// that `prev` is reported instead.
fn cycle_error<'n>(
    path: &[(usize, Via)],
    i: usize,
    via: Via,
    name: impl Fn(usize) -> &'n Ident,
    help: impl FnOnce(&str, &str) -> String,
) -> CheckError {
    let start = path.iter().position(|(j, _)| *j == i).expect("a name in progress is on the path");
    // Member k uses member k + 1 through `edges[k]`; the last edge, `via`,
    // closes the loop back to `i`.
    let members: Vec<usize> = path[start..].iter().map(|(j, _)| *j).collect();
    let edges: Vec<Via> = path[start + 1..].iter().map(|(_, v)| *v).chain(std::iter::once(via)).collect();
    if let Some(k) = edges.iter().position(|e| matches!(e, Via::Prev(_))) {
        let target = name(members[(k + 1) % members.len()]).as_str();
        let user = name(members[k]).as_str();
        return CheckError::invalid(
            format!("`prev({target})` needs a default here"),
            edges[k].span().expect("a `prev` edge has a span"),
            if user == target {
                format!("`{target}` is defined with this `prev`")
            } else {
                format!("`{target}` needs `{user}`, which uses this `prev`")
            },
            Some(format!(
                "write `prev({target}, 0)` (`0 CNY` for money): the default is the value before the first period \
                 and gives `prev` its unit"
            )),
        );
    }
    let names: Vec<&str> = members.iter().map(|j| name(*j).as_str()).collect();
    if let Some(k) = edges.iter().position(|e| matches!(e, Via::At(_))) {
        // A clawback reads the rate at each row's original date, which may be
        // in the same period: the rate cannot come from the clawback.
        let target = name(members[(k + 1) % members.len()]).as_str();
        let user = name(members[k]).as_str();
        let refs: Vec<Span> = members.iter().zip(&edges).map(|(j, e)| e.span().unwrap_or(name(*j).span)).collect();
        let help = format!(
            "`{user}` reads `{target}` in each row's original period, which can be this period: \
             compute `{target}` from what was paid before `{user}`, not from `{user}`"
        );
        return super::errors::cycle(&names, &refs, help);
    }
    // Every member after the first was reached through a reference (never
    // `Start`; the name is labelled if it were).
    let refs: Vec<Span> = members.iter().zip(&edges).map(|(j, e)| e.span().unwrap_or(name(*j).span)).collect();
    let help = help(names[0], names[names.len() - 1]);
    super::errors::cycle(&names, &refs, help)
}

fn compatible(a: Type, b: Type) -> bool {
    a == b || (a.is_dimensionless() && b.is_dimensionless())
}

fn unify_ok(a: Ty, b: Ty) -> bool {
    match (a, b) {
        (Ty::Error, _) | (_, Ty::Error) => true,
        (Ty::Zero, t) | (t, Ty::Zero) => t.numeric(),
        (Ty::Known(x), Ty::Known(y)) => compatible(x, y),
    }
}

trait MaxRatio {
    fn max_ratio(self, other: Ty) -> Ty;
}

impl MaxRatio for Ty {
    /// ratio ÷ number stays a ratio; number ÷ number is a number.
    fn max_ratio(self, numerator: Ty) -> Ty {
        if numerator == Ty::Known(Type::Ratio) {
            Ty::Known(Type::Ratio)
        } else {
            self
        }
    }
}

fn period_keys(grain: Grain, year: i32) -> Vec<String> {
    match grain {
        Grain::Month => ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        Grain::Quarter => (1..=4).map(|q| format!("Q{q}")).collect(),
        Grain::Year => vec![format!("Y{year}")],
    }
}

fn example_for(ty: Type, currency: &str) -> String {
    match ty {
        Type::Money => {
            format!("give an amount, e.g. `--set name=120000` is a number: write `--set 'name=120,000 {currency}'`")
        }
        Type::Ratio => "give a percentage, e.g. `--set name=6%`".into(),
        Type::Number => "give a number, e.g. `--set name=2`".into(),
        Type::Bool => "give `true` or `false`".into(),
        Type::Text => "give quoted text, e.g. `--set 'name=\"new_energy\"'`".into(),
        Type::Date => "give a date, e.g. `--set name=2024-06-30`".into(),
    }
}

fn usage(f: &str) -> &'static str {
    match f {
        "sum" => "`sum(x)` over the rows, `sum(x) over team` across participants, `sum(x) over year` across periods",
        "count" => "`count()` counts rows; `count(distinct customer where ...)` counts distinct values",
        "min" | "max" => "`min(a, b, ...)` of values, or `min(x)` over the rows",
        "avg" | "average" => "`avg(x)` over the rows, or `avg(x) over team`",
        "abs" => "`abs(x)`",
        "round" => "`round(x)`, `round(x, 0.01)` or `round(x, 1, half_even)`",
        "clamp" => "`clamp(x, low, high)`",
        "prev" => "`prev(x)` or `prev(x, default)`: x in the previous period",
        "rank" => "`rank(x) over all`: 1 for the highest",
        "share" => "`share(pool, weight) over team`: pool × weight ÷ the team's total weight",
        _ => "",
    }
}
