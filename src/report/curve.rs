//! Payout curves: a line of a plan against attainment, from real evaluations.
//!
//! [`sweep`] builds data for one synthetic participant (in the section of the
//! line, with a quota in every lookup amount and one event row whose amounts
//! all equal X), runs the plan for each X of a sweep, and reads both axes from
//! the evaluation: the line (y) and the attainment, which is the tier base
//! divided by its `of` amount for the tier table the line depends on (or the
//! base, without `of`, or any value named with `against`). Nothing of the plan
//! is computed twice: every point is the engine's. [`svg`] draws the curves,
//! with the tier table's band edges marked and labelled.

use crate::check::{self, CellId, ExprKind, Plan, TableSchema, TierTable};
use crate::data::Inputs;
use crate::eval::{self, Env, EvalResult, Evaluation, Failure, Fault};
use crate::value::{Type, Val, Value};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write as _;
use std::path::Path;

/// What to sweep.
#[derive(Debug, Clone)]
pub struct Options {
    /// The payout or info line (or any value) on the y axis.
    pub line: String,
    /// A value of the plan for the x axis instead of the attainment.
    pub against: Option<String>,
    /// The period to run (default: the first).
    pub period: Option<String>,
    /// Points on the curve, less one.
    pub steps: usize,
}

/// One plan's curve.
#[derive(Debug, Clone)]
pub struct Curve {
    pub plan: String,
    pub line: String,
    pub currency: String,
    /// What the x axis is, in words.
    pub x_label: String,
    /// The x axis is a ratio, shown as percentages.
    pub x_percent: bool,
    pub points: Vec<(Decimal, Decimal)>,
    /// Band edges on the x axis, lowest first, with their labels.
    pub edges: Vec<(Decimal, String)>,
    /// What each band pays, by band, as written out (`3%`, `500 CNY`).
    pub pays: Vec<String>,
}

/// The synthetic participant's id.
const WHO: &str = "P1";
/// Every amount of every lookup table (an annual quota, say).
const QUOTA: i64 = 1_000_000;
/// The event amount of the calibration run.
const PROBE: i64 = 100_000;

/// Sweeps `opts.line` of `plan` (`source` is the plan's text, for labels).
pub fn sweep(plan: &Plan, source: &str, opts: &Options) -> Result<Curve, String> {
    let line = plan.cell_by_name(&opts.line).ok_or_else(|| {
        let names: Vec<&str> = plan.lines.iter().map(|&c| plan.cells[c].name.as_str()).collect();
        format!("the plan has no line or value `{}`; its lines are {}", opts.line, names.join(", "))
    })?;
    let t = match &opts.period {
        None => 0,
        Some(label) => plan.calendar.periods.iter().position(|p| &p.label == label).ok_or_else(|| {
            format!("no period `{label}` in the plan (its first is {})", plan.calendar.periods[0].label)
        })?,
    };
    let against = match &opts.against {
        None => None,
        Some(name) => Some(plan.cell_by_name(name).ok_or_else(|| format!("the plan has no value `{name}`"))?),
    };
    let tiers = find_tiers(plan, line);
    if tiers.is_none() && against.is_none() {
        return Err(format!(
            "`{}` uses no tier table, so there is no attainment to draw it against: pass `--against NAME`",
            opts.line
        ));
    }
    let text = |e: &check::Expr| one_line(&source[e.span.start..e.span.end.min(source.len())]);
    let x_label = match (against, tiers) {
        (Some(a), _) => plan.cells[a].name.clone(),
        (None, Some(t)) => match &t.of {
            Some(of) => format!("attainment: {} ÷ {}", text(&t.base), text(of)),
            None => format!("tier base: {}", text(&t.base)),
        },
        (None, None) => unreachable!("one of them is set"),
    };
    let edges_percent = tiers.is_some_and(|t| percent_edges(plan, t));
    let x_percent = match against {
        Some(a) => plan.cells[a].ty == Type::Ratio,
        None => edges_percent,
    };
    let dir = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    // The synthetic tables' folder is the sweep's own: an error names a file in it by its name.
    let folder = format!("{}{}", dir.path().display(), std::path::MAIN_SEPARATOR);
    let hide = |e: String| e.replace(&folder, "");
    write_static_tables(plan, line, dir.path()).map_err(hide)?;
    let inputs = Inputs::new(plan, Some(dir.path()), &[]).map_err(|e| hide(e.to_string()))?;

    // Calibration: where one probe amount lands on the x axis.
    let probe = Point::at(plan, &inputs, dir.path(), t, Decimal::from(PROBE), line, against, tiers).map_err(hide)?;
    if probe.x <= Decimal::ZERO {
        return Err(format!("the x axis ({x_label}) does not grow with the event amounts, so it cannot be swept"));
    }
    let edge_values: Vec<Decimal> = match tiers {
        Some(t) => band_edges(t, &probe.env()),
        None => Vec::new(),
    };
    let x_max = if x_percent {
        Decimal::TWO
    } else if against.is_none() && edge_values.iter().any(|e| *e > Decimal::ZERO) {
        edge_values.iter().max().copied().unwrap_or_default() * Decimal::TWO
    } else {
        probe.x * Decimal::TWO
    };
    let amount_max = x_max * Decimal::from(PROBE) / probe.x;
    let steps = opts.steps.max(1);
    let mut points = Vec::with_capacity(steps + 1);
    let mut ratios = Vec::with_capacity(steps + 1);
    for k in 0..=steps {
        let amount = (amount_max * Decimal::from(k) / Decimal::from(steps)).round_dp(2);
        let p = Point::at(plan, &inputs, dir.path(), t, amount, line, against, tiers).map_err(hide)?;
        points.push((p.x, p.y));
        ratios.push(p.ratio);
    }
    let unit = |v: Decimal| {
        if edges_percent {
            percent(v)
        } else {
            format!("{} {}", crate::report::grouped(v.normalize(), v.normalize().scale()), plan.currency)
        }
    };
    // Each edge where the sweep crosses it; on the default axis that is the edge itself.
    let mut edges = Vec::new();
    for e in edge_values.iter().filter(|e| **e > Decimal::ZERO) {
        let x = if against.is_none() { Some(*e) } else { crossing(&ratios, &points, *e) };
        if let Some(x) = x.filter(|x| *x <= x_max) {
            edges.push((x, unit(*e)));
        }
    }
    let pays = tiers.map(|t| pays_labels(t, plan, &probe.env())).unwrap_or_default();
    Ok(Curve {
        plan: plan.name.clone(),
        line: plan.cells[line].name.clone(),
        currency: plan.currency.clone(),
        x_label,
        x_percent,
        points,
        edges,
        pays,
    })
}

/// The first tier table the cell depends on, preferring one with `of`.
fn find_tiers(plan: &Plan, cell: CellId) -> Option<&TierTable> {
    let mut seen = vec![false; plan.cells.len()];
    let mut stack = vec![cell];
    let mut tables: Vec<&TierTable> = Vec::new();
    while let Some(c) = stack.pop() {
        if std::mem::replace(&mut seen[c], true) {
            continue;
        }
        let mut next = Vec::new();
        collect(&plan.cells[c].expr, &mut tables, &mut next);
        stack.extend(next.into_iter().rev());
    }
    tables.iter().find(|t| t.of.is_some()).or(tables.first()).copied()
}

/// The tier tables in `e`, and the cells it reads, in the order written.
fn collect<'a>(e: &'a check::Expr, tables: &mut Vec<&'a TierTable>, cells: &mut Vec<CellId>) {
    let mut go = |x: &'a check::Expr| collect(x, tables, cells);
    match &e.kind {
        ExprKind::Cell(c) => cells.push(*c),
        ExprKind::Prev { default, .. } => go(default),
        ExprKind::Neg(x) | ExprKind::Not(x) | ExprKind::Abs(x) => go(x),
        ExprKind::Round { value, .. } => go(value),
        ExprKind::Arith(_, a, b) | ExprKind::Compare(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            go(a);
            go(b);
        }
        ExprKind::If { cond, then, otherwise } => {
            go(cond);
            go(then);
            go(otherwise);
        }
        ExprKind::Min(xs) | ExprKind::Max(xs) => xs.iter().for_each(go),
        ExprKind::Tiers(t) => {
            tables.push(t);
            collect(&t.base, tables, cells);
            if let Some(of) = &t.of {
                collect(of, tables, cells);
            }
        }
        _ => {}
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn percent(v: Decimal) -> String {
    format!("{}%", (v * Decimal::ONE_HUNDRED).normalize())
}

/// The tables other than the events: one participant, in the line's section,
/// with every lookup amount the quota; no splits (each event row goes whole to
/// its own participant) and no exchange rates (the event rows are in the
/// plan's currency).
fn write_static_tables(plan: &Plan, line: CellId, dir: &Path) -> Result<(), String> {
    let wanted = plan.cells[line].section.map(|s| section_attributes(plan, s)).unwrap_or_default();
    let year_start = plan.calendar.periods[0].start;
    let write_rows = |table: &TableSchema, rows: &[Vec<String>]| {
        let header: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let mut text = format!("{}\n", header.join(","));
        for row in rows {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        std::fs::write(dir.join(format!("{}.csv", table.name)), text).map_err(|e| format!("cannot write: {e}"))
    };
    let write = |table: &TableSchema, row: Vec<String>| write_rows(table, &[row]);
    if let Some(splits) = &plan.splits {
        write_rows(&splits.table, &[])?;
    }
    if let Some(fx) = &plan.fx {
        write_rows(&fx.schema, &[])?;
    }
    let roster: Vec<String> = plan
        .participants
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == plan.participants.key {
                WHO.to_string()
            } else if let Some((_, v)) = wanted.iter().find(|(col, _)| *col == i) {
                v.clone()
            } else {
                filler(c.ty, c.optional, Decimal::ZERO, year_start)
            }
        })
        .collect();
    write(&plan.participants, roster)?;
    for table in &plan.lookups {
        let row = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == table.key {
                    WHO.to_string()
                } else {
                    filler(c.ty, c.optional, Decimal::from(QUOTA), year_start)
                }
            })
            .collect();
        write(table, row)?;
    }
    Ok(())
}

/// `column == "text"` tests of a section's condition: the attribute values
/// that put a participant in it.
fn section_attributes(plan: &Plan, section: usize) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    plan.sections[section].condition.walk(&mut |e| {
        if let ExprKind::Compare(check::CmpOp::Eq, a, b) = &e.kind {
            for (x, y) in [(a, b), (b, a)] {
                if let (ExprKind::Attribute(col), ExprKind::Const(Value::Text(t))) = (&x.kind, &y.kind) {
                    out.push((*col, t.to_string()));
                }
            }
        }
    });
    out
}

/// A cell for a column the sweep does not care about; `amount` for amounts.
fn filler(ty: check::ColumnType, optional: bool, amount: Decimal, date: chrono::NaiveDate) -> String {
    use check::ColumnType as C;
    match ty {
        C::Text if optional => String::new(),
        C::Text => "-".to_string(),
        C::Bool => "false".to_string(),
        C::Integer | C::Decimal | C::Percent => "0".to_string(),
        C::Money => amount.to_string(),
        C::Date => date.format("%Y-%m-%d").to_string(),
    }
}

/// One point of the sweep: the evaluation of the plan with event amount X.
struct Point<'p> {
    ev: Evaluation<'p>,
    t: usize,
    x: Decimal,
    y: Decimal,
    /// The tier base over its `of` (or the base): where the bands are.
    ratio: Decimal,
}

impl<'p> Point<'p> {
    #[allow(clippy::too_many_arguments)]
    fn at(
        plan: &'p Plan,
        inputs: &Inputs,
        dir: &Path,
        t: usize,
        amount: Decimal,
        line: CellId,
        against: Option<CellId>,
        tiers: Option<&TierTable>,
    ) -> Result<Point<'p>, String> {
        let events = &plan.events;
        let date = plan.calendar.periods[t].start;
        let header: Vec<&str> = events.columns.iter().map(|c| c.name.as_str()).collect();
        // A column naming an amount's currency (`money in currency`) names the
        // plan's: no exchange rate is needed.
        let is_currency = |i: usize| plan.converted_columns().any(|(_, k)| k == i);
        let row: Vec<String> = events
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == events.key {
                    WHO.to_string()
                } else if is_currency(i) {
                    plan.currency.clone()
                } else {
                    filler(c.ty, c.optional, amount, date)
                }
            })
            .collect();
        std::fs::write(dir.join(format!("{}.csv", events.name)), format!("{}\n{}\n", header.join(","), row.join(",")))
            .map_err(|e| format!("cannot write: {e}"))?;
        let ev = eval::run(plan, inputs, eval::Options::threads(1)).map_err(|e| match e {
            eval::RunError::Data(errors) => errors.first().map_or(String::new(), |e| e.to_string()),
            eval::RunError::Eval(errors) => errors.first().map_or(String::new(), |e| e.to_string()),
        })?;
        let read = |c: CellId| -> Result<Decimal, String> {
            match ev.value(c, 0, t) {
                Some(Value::Num(d)) => Ok(*d),
                Some(other) => Err(format!("`{}` is {other}, not a number", plan.cells[c].name)),
                None => Err(format!(
                    "`{}` does not apply to the synthetic participant (section `{}`)",
                    plan.cells[c].name,
                    plan.cells[c].section.map_or("", |s| plan.sections[s].name.as_str())
                )),
            }
        };
        let y = read(line)?;
        let env = PointEnv { ev: &ev, t };
        let ratio = match tiers {
            Some(tt) => {
                let base = eval::eval(&tt.base, &env).map_err(|f| unsupported(&f))?.num();
                match &tt.of {
                    Some(of) => {
                        let of = eval::eval(of, &env).map_err(|f| unsupported(&f))?.num();
                        if of.is_zero() {
                            return Err("the tier table's `of` amount is zero for the synthetic participant".into());
                        }
                        base / of
                    }
                    None => base,
                }
            }
            None => Decimal::ZERO,
        };
        let x = match against {
            Some(a) => read(a)?,
            None => ratio,
        };
        Ok(Point { ev, t, x, y, ratio })
    }

    fn env(&self) -> PointEnv<'_, 'p> {
        PointEnv { ev: &self.ev, t: self.t }
    }
}

fn unsupported(f: &Failure) -> String {
    match f.fault {
        Fault::Upstream => {
            "the tier base uses an aggregate across participants, which the sweep cannot read: pass `--against NAME`"
                .into()
        }
        ref other => format!("the tier base cannot be computed: {other:?}"),
    }
}

/// The edges of the bands, lowest first (`from` of each band and the last `to`).
fn band_edges(t: &TierTable, env: &PointEnv) -> Vec<Decimal> {
    let mut edges = Vec::new();
    for b in &t.bands {
        for e in std::iter::once(&b.from).chain(&b.to) {
            if let Ok(Val::Num(v)) = eval::eval(e, env) {
                if !edges.contains(&v) {
                    edges.push(v);
                }
            }
        }
    }
    edges.sort();
    edges
}

/// Whether the table's edges are percentages: of its `of` amount, or of a
/// base that is itself a ratio (attainment).
fn percent_edges(plan: &Plan, t: &TierTable) -> bool {
    t.of.is_some() || matches!(t.base.kind, check::ExprKind::Cell(c) if plan.cells[c].ty == Type::Ratio)
}

fn pays_labels(t: &TierTable, plan: &Plan, env: &PointEnv) -> Vec<String> {
    let labels: Vec<String> = t
        .bands
        .iter()
        .map(|b| match eval::eval(&b.pays, env) {
            Ok(Val::Num(v)) if t.fixed => {
                format!("{} {}", crate::report::grouped(v.normalize(), v.normalize().scale()), plan.currency)
            }
            Ok(Val::Num(v)) => percent(v),
            _ => String::new(),
        })
        .collect();
    if t.mode != check::TierMode::Interpolated {
        return labels;
    }
    // The regions of an interpolated table: flat before the first point, a
    // slope between two points, flat after the last. A first point at zero has
    // no region before it on the chart.
    let mut out = Vec::with_capacity(labels.len() + 1);
    let first_at_zero = matches!(eval::eval(&t.bands[0].from, env), Ok(Val::Num(x)) if x <= Decimal::ZERO);
    if !first_at_zero {
        out.push(labels[0].clone());
    }
    out.extend(labels.windows(2).map(|w| format!("{} → {}", w[0], w[1])));
    out.extend(labels.last().cloned());
    out
}

/// Where the sweep's ratio crosses `edge`, on the x axis, by interpolation.
fn crossing(ratios: &[Decimal], points: &[(Decimal, Decimal)], edge: Decimal) -> Option<Decimal> {
    for i in 1..ratios.len() {
        let (r0, r1) = (ratios[i - 1], ratios[i]);
        if r0 <= edge && edge <= r1 && r1 > r0 {
            let (x0, x1) = (points[i - 1].0, points[i].0);
            return Some(x0 + (x1 - x0) * (edge - r0) / (r1 - r0));
        }
    }
    None
}

/// Reads the leaves of a tier table's expressions from an evaluation.
struct PointEnv<'e, 'p> {
    ev: &'e Evaluation<'p>,
    t: usize,
}

impl<'e, 'p: 'e> Env<'e> for PointEnv<'e, 'p> {
    fn param(&self, id: usize) -> Val<'e> {
        self.ev.plan.params[id].values.at(self.t).as_val()
    }
    fn period(&self) -> usize {
        self.t
    }
    fn period_part(&self, part: check::PeriodPart) -> Decimal {
        eval::period_part(self.ev.plan, self.t, part)
    }
    fn attribute(&self, col: usize) -> Val<'e> {
        self.ev.statics.attributes[0][col].as_val()
    }
    fn lookup(&self, table: usize, col: usize) -> Result<Val<'e>, Fault> {
        eval::lookup(self.ev.plan, &self.ev.statics, 0, table, col)
    }
    fn cell(&self, id: usize) -> EvalResult<Val<'e>> {
        self.ev
            .value(id, 0, self.t)
            .map(Value::as_val)
            .ok_or_else(|| Box::new(Failure { fault: Fault::Upstream, span: self.ev.plan.cells[id].span }))
    }
    fn aggregate(&self, acc: usize, scope: check::PeriodScope) -> EvalResult<Val<'e>> {
        self.ev.accumulators.value(self.ev.plan, acc, 0, self.t, scope).map(Val::Num)
    }
    fn across(&self, id: usize) -> EvalResult<Val<'e>> {
        Err(Box::new(Failure { fault: Fault::Upstream, span: self.ev.plan.across[id].span }))
    }
    fn sum_at(&self, acc: usize, cell: usize) -> EvalResult<Val<'e>> {
        self.ev.sum_at(acc, cell, 0, self.t).map(Val::Num)
    }
    fn prev(&self, _id: usize) -> EvalResult<Option<Val<'e>>> {
        Err(Box::new(Failure { fault: Fault::Upstream, span: crate::syntax::Span::default() }))
    }
}

// ---------------------------------------------------------------- drawing

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 460.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 64.0;
const COLORS: [&str; 4] = ["#1f6fb2", "#d1495b", "#2e933c", "#8a5a9b"];

fn f(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

/// A tick step of 1, 2, 2.5 or 5 × 10^k giving at most `max` ticks up to `top`.
fn tick_step(top: f64, max: usize) -> f64 {
    if top <= 0.0 {
        return 1.0;
    }
    let raw = top / max as f64;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn money_tick(v: f64) -> String {
    let d = Decimal::from_f64_retain(v).unwrap_or_default().round_dp(2).normalize();
    crate::report::grouped(d, d.scale())
}

/// The curves on one chart: axes, band edges marked and labelled (the first
/// curve's bands named by what they pay), and a legend when there are several.
pub fn svg(curves: &[Curve]) -> String {
    let first = &curves[0];
    let x_max = curves.iter().flat_map(|c| c.points.iter().map(|p| f(p.0))).fold(0.0, f64::max).max(1e-9);
    let y_max = curves.iter().flat_map(|c| c.points.iter().map(|p| f(p.1))).fold(0.0, f64::max);
    let y_min = curves.iter().flat_map(|c| c.points.iter().map(|p| f(p.1))).fold(0.0, f64::min);
    let y_step = tick_step((y_max - y_min).max(1.0), 8);
    let y_top = (y_max / y_step).ceil().max(1.0) * y_step;
    let y_bottom = (y_min / y_step).floor() * y_step;
    let x_step = if first.x_percent { tick_step(x_max, 8).max(0.25) } else { tick_step(x_max, 8) };
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let px = |x: f64| LEFT + x / x_max * plot_w;
    let py = |y: f64| TOP + (y_top - y) / (y_top - y_bottom) * plot_h;
    let x_text = |x: f64| {
        if first.x_percent {
            format!("{}%", (x * 100.0).round())
        } else {
            money_tick(x)
        }
    };

    let mut s = String::new();
    let title = if curves.len() == 1 {
        format!("{} — {}", first.line, first.plan)
    } else {
        format!("{} — {}", first.line, curves.iter().map(|c| c.plan.as_str()).collect::<Vec<_>>().join(" vs "))
    };
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="Helvetica, Arial, 'Noto Sans CJK SC', sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, "<title>Payout curve: {}</title>", escape(&title));
    let _ = writeln!(s, r##"<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="24" font-size="15" font-weight="bold" fill="#222222">{}</text>"##,
        escape(&title)
    );

    // Bands of the first curve, shaded alternately and named by what they pay.
    let mut bounds = vec![0.0];
    bounds.extend(first.edges.iter().map(|e| f(e.0)));
    bounds.push(x_max);
    for (i, w) in bounds.windows(2).enumerate() {
        if i % 2 == 1 {
            let _ = writeln!(
                s,
                r##"<rect class="band" x="{:.2}" y="{TOP}" width="{:.2}" height="{plot_h}" fill="#f2f5f9"/>"##,
                px(w[0]),
                px(w[1]) - px(w[0])
            );
        }
        if let Some(pays) = first.pays.get(i).filter(|p| !p.is_empty()) {
            let _ = writeln!(
                s,
                r##"<text class="band-label" x="{:.2}" y="{:.2}" text-anchor="middle" fill="#555555">pays {}</text>"##,
                (px(w[0]) + px(w[1])) / 2.0,
                TOP + 16.0,
                escape(pays)
            );
        }
    }

    // Grid and ticks.
    let mut y = y_bottom;
    while y <= y_top + y_step / 2.0 {
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" x2="{:.2}" y1="{:.2}" y2="{:.2}" stroke="#e3e3e3"/>"##,
            LEFT + plot_w,
            py(y),
            py(y)
        );
        let _ = writeln!(
            s,
            r##"<text class="y-tick" x="{:.2}" y="{:.2}" text-anchor="end" fill="#444444">{}</text>"##,
            LEFT - 8.0,
            py(y) + 4.0,
            money_tick(y)
        );
        y += y_step;
    }
    let mut x = 0.0;
    while x <= x_max + x_step / 2.0 {
        let _ = writeln!(
            s,
            r##"<text class="x-tick" x="{:.2}" y="{:.2}" text-anchor="middle" fill="#444444">{}</text>"##,
            px(x),
            TOP + plot_h + 18.0,
            x_text(x)
        );
        let _ = writeln!(
            s,
            r##"<line x1="{:.2}" x2="{:.2}" y1="{:.2}" y2="{:.2}" stroke="#444444"/>"##,
            px(x),
            px(x),
            TOP + plot_h,
            TOP + plot_h + 5.0
        );
        x += x_step;
    }
    let _ = writeln!(s, r##"<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{:.2}" stroke="#444444"/>"##, TOP + plot_h);
    let _ = writeln!(
        s,
        r##"<line x1="{LEFT}" x2="{:.2}" y1="{:.2}" y2="{:.2}" stroke="#444444"/>"##,
        LEFT + plot_w,
        py(0.0_f64.clamp(y_bottom, y_top)),
        py(0.0_f64.clamp(y_bottom, y_top))
    );
    let _ = writeln!(
        s,
        r##"<text x="{:.2}" y="{:.2}" text-anchor="middle" fill="#222222">{}</text>"##,
        LEFT + plot_w / 2.0,
        HEIGHT - 16.0,
        escape(&first.x_label)
    );
    let _ = writeln!(
        s,
        r##"<text x="18" y="{:.2}" text-anchor="middle" fill="#222222" transform="rotate(-90 18 {:.2})">{} ({})</text>"##,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0,
        escape(&first.line),
        escape(&first.currency)
    );

    // Band edges, then the curves over them.
    for (i, c) in curves.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        for (x, label) in &c.edges {
            // An edge an earlier plan has too is drawn once.
            if curves[..i].iter().any(|o| o.edges.iter().any(|(ox, ol)| ox == x && ol == label)) {
                continue;
            }
            let _ = writeln!(
                s,
                r##"<line class="band-edge" data-plan="{}" x1="{:.2}" x2="{:.2}" y1="{TOP}" y2="{:.2}" stroke="{color}" stroke-dasharray="5 4" stroke-width="1.2"/>"##,
                escape(&c.plan),
                px(f(*x)),
                px(f(*x)),
                TOP + plot_h
            );
            let _ = writeln!(
                s,
                r##"<text class="band-edge-label" x="{:.2}" y="{:.2}" text-anchor="middle" fill="{color}">{}</text>"##,
                px(f(*x)),
                TOP - 6.0 - 13.0 * i as f64,
                escape(label)
            );
        }
    }
    for (i, c) in curves.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let points: Vec<String> = c.points.iter().map(|(x, y)| format!("{:.2},{:.2}", px(f(*x)), py(f(*y)))).collect();
        let _ = writeln!(
            s,
            r##"<polyline class="curve" data-plan="{}" points="{}" fill="none" stroke="{color}" stroke-width="2.2"/>"##,
            escape(&c.plan),
            points.join(" ")
        );
    }
    if curves.len() > 1 {
        for (i, c) in curves.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let y = TOP + 34.0 + 18.0 * i as f64;
            let _ = writeln!(
                s,
                r##"<g class="legend"><line x1="{:.2}" x2="{:.2}" y1="{y:.2}" y2="{y:.2}" stroke="{color}" stroke-width="2.2"/><text x="{:.2}" y="{:.2}" fill="#222222">{}</text></g>"##,
                LEFT + 14.0,
                LEFT + 40.0,
                LEFT + 46.0,
                y + 4.0,
                escape(&c.plan)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}
