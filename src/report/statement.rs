//! A participant's statement: per period, every line with its amount and the
//! year to date, and the total; as Markdown, or as a self-contained HTML page
//! (inline CSS, no scripts, nothing fetched) where each line's explanation is
//! one click away.

use super::explain::{self, Explainer, Field, Node, Shown};
use crate::syntax::ast::DefKind;
use crate::value::{Type, Value};
use rust_decimal::Decimal;
use std::fmt::Write;

/// One participant's statement.
#[derive(Debug, Clone)]
pub struct ParticipantStatement {
    pub participant: String,
    pub plan: String,
    pub version: Option<String>,
    pub currency: String,
    pub plan_file: String,
    pub attributes: Vec<Field>,
    pub periods: Vec<StatementPeriod>,
}

#[derive(Debug, Clone)]
pub struct StatementPeriod {
    pub period: String,
    pub lines: Vec<StatementLine>,
    /// The payout lines' sum: this period, and the year to date.
    pub total: Shown,
    pub total_ytd: Shown,
}

#[derive(Debug, Clone)]
pub struct StatementLine {
    pub name: String,
    /// Paid (`payout`) or shown only (`info`).
    pub paid: bool,
    pub amount: Shown,
    pub ytd: Shown,
    /// How the amount is calculated.
    pub explanation: Node,
}

/// Builds the statement from the run (through the explainer).
pub fn build(x: &Explainer<'_, '_>, plan_file: &str) -> ParticipantStatement {
    let ev = x.evaluation();
    let plan = ev.plan;
    let p = x.participant();
    let scale = super::amount_scale(plan);
    let money = |d: Decimal| Shown { value: Value::Num(d), ty: Type::Money, scale };
    let lines: Vec<_> = plan.lines.iter().copied().filter(|&c| ev.in_section(plan.cells[c].section, p)).collect();
    let mut ytd = vec![Decimal::ZERO; lines.len()];
    let mut total_ytd = Decimal::ZERO;
    let mut periods = Vec::new();
    for (t, period) in plan.calendar.periods.iter().enumerate() {
        let mut total = Decimal::ZERO;
        let mut out = Vec::new();
        for (i, &c) in lines.iter().enumerate() {
            let cell = &plan.cells[c];
            let amount = ev.value(c, p, t).map_or(Decimal::ZERO, |v| v.num());
            let paid = cell.kind == DefKind::Payout;
            // INVARIANT: lines are rounded amounts far below the decimal range.
            ytd[i] += amount;
            if paid {
                total += amount;
            }
            out.push(StatementLine {
                name: cell.name.clone(),
                paid,
                amount: money(amount),
                ytd: money(ytd[i]),
                explanation: x.line(c, t),
            });
        }
        total_ytd += total;
        periods.push(StatementPeriod {
            period: period.label.clone(),
            lines: out,
            total: money(total),
            total_ytd: money(total_ytd),
        });
    }
    ParticipantStatement {
        participant: ev.statics.ids[p].to_string(),
        plan: plan.name.clone(),
        version: plan.version.clone(),
        currency: plan.currency.clone(),
        plan_file: plan_file.to_string(),
        attributes: x.attributes(),
        periods,
    }
}

impl ParticipantStatement {
    fn subtitle(&self) -> String {
        let mut parts = vec![self.plan.clone()];
        if let Some(v) = &self.version {
            parts.push(format!("version {v}"));
        }
        parts.push(self.currency.clone());
        parts.join(" · ")
    }

    fn about(&self) -> String {
        self.attributes
            .iter()
            .filter(|a| !a.value.is_empty())
            .map(|a| format!("{} {}", a.name, a.value))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

fn line_label(l: &StatementLine) -> String {
    if l.paid {
        l.name.clone()
    } else {
        format!("{} (info, not paid)", l.name)
    }
}

/// The statement as Markdown: one table per period.
pub fn markdown(s: &ParticipantStatement) -> String {
    let esc = |t: &str| t.replace('|', "\\|").replace('*', "\\*");
    let mut out = String::new();
    let _ = writeln!(out, "# Statement · {}\n", esc(&s.participant));
    let _ = writeln!(out, "{}  ", esc(&s.subtitle()));
    let _ = writeln!(out, "{}", esc(&s.about()));
    for p in &s.periods {
        let _ = writeln!(out, "\n## {}\n", p.period);
        if p.lines.is_empty() {
            let _ = writeln!(out, "No line of the plan applies.");
            continue;
        }
        let _ = writeln!(out, "| line | {} | year to date |", p.period);
        let _ = writeln!(out, "| --- | ---: | ---: |");
        for l in &p.lines {
            let _ = writeln!(out, "| {} | {} | {} |", esc(&line_label(l)), l.amount.text(), l.ytd.text());
        }
        let _ = writeln!(out, "| **total** | **{}** | **{}** |", p.total.text(), p.total_ytd.text());
    }
    let _ = writeln!(
        out,
        "\nHow each line is calculated: `comp explain {} --data DIR --participant {} --period PERIOD --line LINE`.",
        s.plan_file, s.participant
    );
    out
}

const STYLE: &str = r#"
:root { --ink: #1d2330; --muted: #5f6b7a; --rule: #d5dae1; --paper: #ffffff; --band: #f3f5f8; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 980px; padding: 32px 40px; background: var(--paper); color: var(--ink);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", sans-serif; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 6px; color: var(--accent); }
.sub, .about, .hint { margin: 2px 0; color: var(--muted); }
.hint { font-size: 13px; margin-top: 10px; }
.lines .row, .lines summary { display: grid; grid-template-columns: 1fr 11em 11em; gap: 8px; padding: 6px 8px;
       border-bottom: 1px solid var(--rule); }
.lines .r { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.lines .head { font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--rule); }
.lines .total { font-weight: 700; border-top: 2px solid var(--ink); border-bottom: none; }
.lines summary { cursor: pointer; list-style: none; }
.lines summary::-webkit-details-marker { display: none; }
.lines summary:hover { background: var(--band); }
.lines summary .name::before { content: "\25B8\00A0"; color: var(--accent); }
.lines details[open] > summary .name::before { content: "\25BE\00A0"; }
.lines details.info summary .name { color: var(--muted); }
.why { padding: 8px 8px 12px 22px; border-bottom: 1px solid var(--rule); background: #fbfcfd; overflow-x: auto; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 18px; }
ul.tree { padding-left: 0; font-size: 13px; }
ul.tree ul { border-left: 1px solid var(--rule); margin-left: 4px; }
ul.tree li { margin: 3px 0; }
ul.tree .n { font-weight: 600; }
ul.tree .v { font-variant-numeric: tabular-nums; }
ul.tree .m { color: var(--muted); }
ul.tree .b { color: var(--muted); margin-left: 2px; }
ul.tree code, ul.tree pre.f { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; }
ul.tree pre.f { margin: 2px 0; padding: 4px 8px; background: var(--band); border-radius: 4px; white-space: pre-wrap; }
table.t { border-collapse: collapse; margin: 4px 0; font-size: 12px; }
table.t th, table.t td { padding: 2px 8px; border-bottom: 1px solid var(--rule); text-align: left; }
table.t .r { text-align: right; font-variant-numeric: tabular-nums; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 12pt; }
  .hint, .why { display: none; }
  .lines summary .name::before { content: none; }
  section.period { break-inside: avoid; }
  section.period + section.period { break-before: page; }
  h2 { color: var(--ink); }
  header { border-bottom-color: var(--ink); }
}
"#;

/// The statement as one self-contained HTML page: each line is a `<details>`
/// whose summary is the line's row and whose body is its explanation.
pub fn html(s: &ParticipantStatement) -> String {
    let e = explain::html_escape;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>Statement · {} · {}</title>", e(&s.participant), e(&s.plan));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<header>\n<h1>Statement · {}</h1>", e(&s.participant));
    let _ = writeln!(out, "<p class=\"sub\">{}</p>", e(&s.subtitle()));
    let _ = writeln!(out, "<p class=\"about\">{}</p>", e(&s.about()));
    out.push_str("<p class=\"hint\">Click a line to see how it is calculated.</p>\n</header>\n");
    for p in &s.periods {
        let _ = writeln!(out, "<section class=\"period\">\n<h2>{}</h2>", e(&p.period));
        if p.lines.is_empty() {
            out.push_str("<p>No line of the plan applies.</p>\n</section>\n");
            continue;
        }
        out.push_str("<div class=\"lines\">\n");
        let _ = writeln!(
            out,
            "<div class=\"row head\"><span>line</span><span class=\"r\">{}</span><span class=\"r\">year to date</span></div>",
            e(&p.period)
        );
        for l in &p.lines {
            let _ = writeln!(
                out,
                "<details class=\"line{}\"><summary><span class=\"name\">{}</span><span class=\"r\">{}</span><span class=\"r\">{}</span></summary>\n<div class=\"why\">{}</div></details>",
                if l.paid { "" } else { " info" },
                e(&line_label(l)),
                e(&l.amount.text()),
                e(&l.ytd.text()),
                explain::html_tree(&l.explanation)
            );
        }
        let _ = writeln!(
            out,
            "<div class=\"row total\"><span>total</span><span class=\"r\">{}</span><span class=\"r\">{}</span></div>\n</div>\n</section>",
            e(&p.total.text()),
            e(&p.total_ytd.text())
        );
    }
    let _ = writeln!(
        out,
        "<footer>Computed by comp from <code>{}</code>; every amount is exact and rounded as the plan says.</footer>\n</body>\n</html>",
        e(&s.plan_file)
    );
    out
}
