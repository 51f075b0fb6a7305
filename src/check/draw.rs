//! Draws: `draw guarantee = 1,000 CNY against commission { recover from commission }`.
//!
//! A draw is checked and run as the definitions it stands for, written with
//! `prev` the way an analyst would by hand, so that ordering, levels, units,
//! explanations and diffs treat its parts like any other value. For a draw `g`
//! of amount `G` against earnings `E`, recovered from lines `L1, L2, ...`:
//!
//! ```text
//! value  g_amount         = G
//! value  g_earned         = E
//! payout g                = max(g_amount - g_earned, 0)                 the top-up paid
//! value  g_balance_before = prev(g_balance, 0)                          owed from earlier periods
//! value  g_recoverable    = min(g_balance_before, max(g_earned - g_amount, 0))
//! payout g_recovered_from_L1 = -min(g_recoverable, max(L1, 0))
//! payout g_recovered_from_L2 = -min(g_recoverable + g_recovered_from_L1, max(L2, 0))
//! info   g_balance        = g_balance_before + g + g_recovered_from_L1 + g_recovered_from_L2
//! ```
//!
//! Only earnings above the guarantee are recovered, so a period never pays less
//! than the guarantee; the lines are taken in the order stated, each no further
//! than its own amount. A draw `not recoverable` is the top-up alone.

use super::errors::{did_you_mean, CheckError};
use crate::syntax::ast::{
    self, BinaryOp, Call, DefKind, Definition, DrawDecl, Expr, ExprKind, Item, PlanFile, Recovery,
};
use crate::syntax::{Ident, Span, Spanned};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::HashMap;

/// The plan with every draw replaced by its definitions, and the formula to
/// show for each generated definition whose expression has no source text of
/// its own (by name).
pub(crate) fn expand<'f>(
    file: &'f PlanFile,
    errors: &mut Vec<CheckError>,
) -> (Cow<'f, PlanFile>, HashMap<String, String>) {
    let mut written = HashMap::new();
    if !has_draws(&file.items) {
        return (Cow::Borrowed(file), written);
    }
    let mut lines = HashMap::new();
    collect_defs(&file.items, &mut lines);
    let currency = file
        .items
        .iter()
        .find_map(|i| match i {
            Item::Header(h) => h.settings.iter().find(|s| s.key.as_str() == "currency"),
            _ => None,
        })
        .and_then(|s| match s.args.first().map(|a| &a.node) {
            Some(ast::SettingArg::Word(w)) => Some(w.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "CNY".to_string());
    let ctx = Context { lines: &lines, currency: &currency };
    let items = ctx.items(&file.items, errors, &mut written);
    (Cow::Owned(PlanFile { items }), written)
}

fn has_draws(items: &[Item]) -> bool {
    items.iter().any(|i| match i {
        Item::Draw(_) => true,
        Item::Section(s) => has_draws(&s.items),
        _ => false,
    })
}

fn collect_defs<'f>(items: &'f [Item], out: &mut HashMap<&'f str, &'f Definition>) {
    for i in items {
        match i {
            Item::Definition(d) => {
                out.entry(d.name.as_str()).or_insert(d);
            }
            Item::Section(s) => collect_defs(&s.items, out),
            _ => {}
        }
    }
}

struct Context<'c> {
    /// Every definition written in the file, by name.
    lines: &'c HashMap<&'c str, &'c Definition>,
    currency: &'c str,
}

impl Context<'_> {
    fn items(&self, items: &[Item], errors: &mut Vec<CheckError>, written: &mut HashMap<String, String>) -> Vec<Item> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Item::Draw(d) => out.extend(self.draw(d, errors, written).into_iter().map(Item::Definition)),
                Item::Section(s) => {
                    let mut s = s.clone();
                    s.items = self.items(&s.items, errors, written);
                    out.push(Item::Section(s));
                }
                other => out.push(other.clone()),
            }
        }
        out
    }

    fn draw(
        &self,
        d: &DrawDecl,
        errors: &mut Vec<CheckError>,
        written: &mut HashMap<String, String>,
    ) -> Vec<Definition> {
        let g = d.name.as_str();
        let at = d.name.span;
        let name = |suffix: &str| format!("{g}{suffix}");
        let mut defs = Vec::new();
        let mut def = |kind: DefKind, n: String, expr: Expr, shown: Option<String>| {
            if let Some(shown) = shown {
                written.insert(n.clone(), shown);
            }
            defs.push(Definition { kind, name: Spanned::new(n, at), expr, span: d.span });
        };
        let amount = name("_amount");
        let earned = name("_earned");
        let balance = name("_balance");
        let before = name("_balance_before");
        let recoverable = name("_recoverable");

        def(DefKind::Value, amount.clone(), d.amount.clone(), None);
        def(DefKind::Value, earned.clone(), d.against.clone(), None);
        let top_up = call("max", vec![bin(BinaryOp::Sub, var(&amount, at), var(&earned, at)), zero(at)], at);
        def(DefKind::Payout, g.to_string(), top_up, Some(format!("max({amount} - {earned}, 0)")));

        let from = match &d.recovery {
            Some(Recovery::From { lines, .. }) => self.recovery_lines(d, lines, errors),
            Some(Recovery::NotRecoverable(_)) => return defs,
            None => {
                errors.push(CheckError::invalid(
                    format!("draw `{g}` has no recovery rule"),
                    d.body.unwrap_or(d.name.span),
                    "no `recover from ...` or `not recoverable`",
                    Some(format!(
                        "a draw is recovered from later earnings, in a stated order, or not at all: add `{{ recover from LINE, ... }}` or `{{ not recoverable }}` after `against {}`",
                        describe(&d.against)
                    )),
                ));
                return defs;
            }
        };
        let money_zero = Expr {
            kind: ExprKind::Money { amount: Decimal::ZERO, currency: Spanned::new(self.currency.to_string(), at) },
            span: at,
        };
        let prev = call("prev", vec![var(&balance, at), money_zero], at);
        def(
            DefKind::Value,
            before.clone(),
            prev,
            Some(format!("prev({balance}, 0): the balance owed after the last period")),
        );
        let excess = call("max", vec![bin(BinaryOp::Sub, var(&earned, at), var(&amount, at)), zero(at)], at);
        def(
            DefKind::Value,
            recoverable.clone(),
            call("min", vec![var(&before, at), excess], at),
            Some(format!("min({before}, max({earned} - {amount}, 0))")),
        );
        let mut taken: Vec<String> = Vec::new();
        for line in from {
            let n = format!("{g}_recovered_from_{}", line.as_str());
            let mut left = var(&recoverable, at);
            let mut left_text = recoverable.clone();
            for t in &taken {
                left = bin(BinaryOp::Add, left, var(t, at));
                left_text = format!("{left_text} + {t}");
            }
            let own = call("max", vec![var(line.as_str(), line.span), zero(at)], at);
            let expr = bin(BinaryOp::Sub, zero(at), call("min", vec![left, own], at));
            def(DefKind::Payout, n.clone(), expr, Some(format!("-min({left_text}, max({}, 0))", line.as_str())));
            taken.push(n);
        }
        let mut total = bin(BinaryOp::Add, var(&before, at), var(g, at));
        let mut total_text = format!("{before} + {g}");
        for t in &taken {
            total = bin(BinaryOp::Add, total, var(t, at));
            total_text = format!("{total_text} + {t}");
        }
        def(DefKind::Info, balance, total, Some(total_text));
        defs
    }

    /// The lines a draw is recovered from, each a payout line written in the
    /// plan and named once; the ones that are not are reported and left out.
    fn recovery_lines<'d>(&self, d: &DrawDecl, lines: &'d [Ident], errors: &mut Vec<CheckError>) -> Vec<&'d Ident> {
        let mut out: Vec<&Ident> = Vec::new();
        for l in lines {
            match self.lines.get(l.as_str()) {
                None => errors.push(CheckError::Unknown {
                    what: "payout line",
                    name: l.node.clone(),
                    span: l.span.into(),
                    help: did_you_mean(l.as_str(), self.payout_names())
                        .or_else(|| Some("a draw is recovered from payout lines of the plan".into())),
                }),
                Some(def) if def.kind != DefKind::Payout => errors.push(CheckError::invalid(
                    format!(
                        "a draw is recovered from payout lines, and `{}` is a `{}`",
                        l.as_str(),
                        def.kind.keyword()
                    ),
                    l.span,
                    "not paid",
                    Some(format!("name the payout lines `{}` is taken back from", d.name.as_str())),
                )),
                Some(_) if out.iter().any(|o| o.node == l.node) => {
                    let first = out.iter().find(|o| o.node == l.node).expect("found");
                    errors.push(CheckError::Duplicate {
                        name: l.node.clone(),
                        span: l.span.into(),
                        first: first.span.into(),
                    })
                }
                Some(_) => out.push(l),
            }
        }
        out
    }

    fn payout_names(&self) -> impl Iterator<Item = &str> {
        self.lines.values().filter(|d| d.kind == DefKind::Payout).map(|d| d.name.as_str())
    }
}

/// A short description of an expression for a hint: a name as written, else `...`.
fn describe(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name { qualifier: None, name } => name.node.clone(),
        _ => "...".into(),
    }
}

fn var(name: &str, span: Span) -> Expr {
    Expr { kind: ExprKind::Name { qualifier: None, name: Spanned::new(name.to_string(), span) }, span }
}

fn zero(span: Span) -> Expr {
    Expr { kind: ExprKind::Number(Decimal::ZERO), span }
}

fn bin(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span;
    Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span }
}

fn call(func: &str, args: Vec<Expr>, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Call(Call {
            func: Spanned::new(func.to_string(), span),
            distinct: None,
            args,
            filter: None,
            having: None,
            over: None,
        }),
        span,
    }
}
