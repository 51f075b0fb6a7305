//! AST → output lines. Each line keeps the source range of the tokens printed
//! on it, so comments can be put back by position ([`super::place_comments`]),
//! and its text split into cells, so runs of similar lines can be aligned.

use super::source::Source;
use crate::syntax::ast::*;
use crate::syntax::{Ident, Span, Spanned};
use unicode_width::UnicodeWidthStr;

/// Lines wider than this are broken, where the expression allows it.
pub const WIDTH: usize = 120;
/// One level of indentation.
pub const INDENT: usize = 4;

/// What kind of line, for aligning runs of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Not aligned with its neighbours.
    None,
    /// `currency  CNY`
    Setting,
    /// `collected:  money  "回款额"`
    Column,
    /// `param over_rate = 5%`
    Param,
    /// `payout commission = ...`
    Def,
    /// `100% to 130% : over_rate`
    Band,
    /// `Q1: 20%,` in a per-period parameter written one entry a line.
    Entry,
}

impl Class {
    /// Spaces after a padded cell.
    pub fn gap(self) -> usize {
        match self {
            Class::Setting | Class::Column => 2,
            _ => 1,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Line {
    pub indent: usize,
    pub cells: Vec<String>,
    pub class: Class,
    /// Where the line's first token is in the source.
    pub start: Option<usize>,
    /// Where the line's last token ends in the source.
    pub end: Option<usize>,
    /// Starts a declaration, setting, column, band or entry: a blank line kept
    /// from the source may come before it.
    pub element: bool,
    /// Ends with a `{` that opens a block (no blank line after it).
    pub opens: bool,
    /// A line starting with the `}` that closes a block; comments put before
    /// it are indented as the block's contents.
    pub closes: bool,
    /// The end of file: holds the comments after the last line only.
    pub eof: bool,
    /// Comments (indices into [`Source::comments`]) put on their own lines
    /// before this one, and at its end.
    pub leading: Vec<usize>,
    pub trailing: Vec<usize>,
}

impl Line {
    fn new(indent: usize, class: Class, start: Option<usize>, element: bool) -> Line {
        Line {
            indent,
            cells: vec![String::new()],
            class,
            start,
            end: None,
            element,
            opens: false,
            closes: false,
            eof: false,
            leading: Vec::new(),
            trailing: Vec::new(),
        }
    }

    pub fn comment_indent(&self) -> usize {
        if self.closes {
            self.indent + INDENT
        } else {
            self.indent
        }
    }
}

/// Binding strength, as the parser's Pratt table has it.
fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => 1,
        BinaryOp::And => 2,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => 4,
        BinaryOp::Add | BinaryOp::Sub => 5,
        BinaryOp::Mul | BinaryOp::Div => 6,
    }
}
/// `not` binds looser than comparisons and tighter than `and`.
const NOT_PRECEDENCE: u8 = 3;

fn has_tiers(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Tiers(_) => true,
        ExprKind::Unary { operand, .. } => has_tiers(operand),
        ExprKind::Binary { lhs, rhs, .. } => has_tiers(lhs) || has_tiers(rhs),
        ExprKind::If { cond, then, otherwise } => {
            has_tiers(cond) || has_tiers(then) || otherwise.as_ref().is_some_and(|o| has_tiers(o))
        }
        ExprKind::Call(c) => {
            c.args.iter().any(has_tiers)
                || c.filter.as_ref().is_some_and(|f| has_tiers(f))
                || c.having.as_ref().is_some_and(|h| has_tiers(h))
        }
        _ => false,
    }
}

fn is_atom(e: &Expr) -> bool {
    !matches!(e.kind, ExprKind::Unary { .. } | ExprKind::Binary { .. } | ExprKind::If { .. })
}

/// A band edge is written bare only if it is a literal or a name.
fn bare_bound(e: &Expr) -> bool {
    !matches!(
        e.kind,
        ExprKind::Unary { .. }
            | ExprKind::Binary { .. }
            | ExprKind::If { .. }
            | ExprKind::Call(_)
            | ExprKind::Tiers(_)
            | ExprKind::At { .. }
    )
}

pub struct Printer<'s> {
    src: Option<&'s Source<'s>>,
    pub lines: Vec<Line>,
}

impl<'s> Printer<'s> {
    pub fn new(src: Option<&'s Source<'s>>) -> Self {
        Printer { src, lines: Vec::new() }
    }

    // ------------------------------------------------------------ the builder

    fn open(&mut self, indent: usize, class: Class, start: Option<usize>, element: bool) {
        self.lines.push(Line::new(indent, class, start, element));
    }

    fn cur(&mut self) -> &mut Line {
        self.lines.last_mut().expect("a line is open")
    }

    fn put(&mut self, text: &str) {
        self.cur().cells.last_mut().expect("a line has a cell").push_str(text);
    }

    fn cell(&mut self) {
        self.cur().cells.push(String::new());
    }

    fn reach(&mut self, end: Option<usize>) {
        if let Some(end) = end {
            let line = self.cur();
            line.end = Some(line.end.map_or(end, |e| e.max(end)));
        }
    }

    fn indent(&mut self) -> usize {
        self.cur().indent
    }

    // ------------------------------------------------------------ the source

    fn start(&self, span: Span) -> Option<usize> {
        self.src.map(|_| span.start)
    }

    fn end(&self, span: Span) -> Option<usize> {
        self.src.map(|_| span.end)
    }

    /// The expression's extent in the source, with the parentheses written
    /// around it, and how many pairs those are.
    fn outer(&self, e: &Expr) -> Option<(usize, usize, usize)> {
        let src = self.src?;
        let (s, t) = self.inner_extent(e)?;
        Some(src.widen(s, t))
    }

    fn inner_extent(&self, e: &Expr) -> Option<(usize, usize)> {
        Some(match &e.kind {
            ExprKind::Binary { lhs, rhs, .. } => (self.outer(lhs)?.0, self.outer(rhs)?.1),
            ExprKind::Unary { operand, .. } => (self.core(e.span).start, self.outer(operand)?.1),
            _ => {
                let core = self.core(e.span);
                (core.start, core.end)
            }
        })
    }

    /// The span without the parentheses around it: the parser gives a
    /// bracketed expression the span of its brackets.
    fn core(&self, span: Span) -> Span {
        let Some(src) = self.src else { return span };
        let mut span = span;
        while span.end > span.start
            && src.text.as_bytes()[span.start] == b'('
            && src.parens.get(&span.start) == Some(&(span.end - 1))
        {
            match (src.next_sig(span.start + 1), src.prev_sig(span.end - 1)) {
                (Some(s), Some(e)) if s <= e => span = Span::new(s, e + 1),
                _ => break,
            }
        }
        span
    }

    fn outer_end(&self, e: &Expr) -> Option<usize> {
        self.outer(e).map(|o| o.1)
    }

    /// Parentheses the author wrote around `e` beyond `owned` ones that belong
    /// to the construct around it. Kept (one pair) around operators and `if`s.
    fn user_parens(&self, e: &Expr, owned: usize) -> bool {
        !is_atom(e) && self.outer(e).is_some_and(|(_, _, pairs)| pairs > owned)
    }

    /// The first token at or after `pos`.
    fn token_at(&self, pos: Option<usize>) -> Option<usize> {
        self.src?.next_sig(pos?)
    }

    fn text(&self, span: Span) -> Option<&'s str> {
        let span = self.core(span);
        self.src.map(|s| &s.text[span.start..span.end])
    }

    /// How the operator between `lhs` and `rhs` was written (`×` or `*`, ...).
    fn op_symbol(&self, op: BinaryOp, lhs: &Expr) -> &'static str {
        let written = self.token_at(self.outer_end(lhs)).map(|p| &self.src.expect("a source").text[p..]);
        let choose = |plain: &'static str, fancy: &'static str, default: &'static str| match written {
            Some(w) if w.starts_with(plain) => plain,
            Some(w) if w.starts_with(fancy) => fancy,
            _ => default,
        };
        match op {
            BinaryOp::Mul => choose("*", "×", "×"),
            BinaryOp::Div => choose("/", "÷", "/"),
            BinaryOp::Le => choose("<=", "≤", "<="),
            BinaryOp::Ge => choose(">=", "≥", ">="),
            other => other.symbol(),
        }
    }

    // ------------------------------------------------------------ items

    pub fn file(&mut self, file: &PlanFile) {
        self.items(&file.items, 0);
        let end = self.src.map(|s| s.text.len());
        let mut eof = Line::new(0, Class::None, end, false);
        eof.eof = true;
        eof.end = end;
        self.lines.push(eof);
    }

    fn items(&mut self, items: &[Item], indent: usize) {
        for item in items {
            match item {
                Item::Header(h) => self.header(h, indent),
                Item::Table(t) => self.table(t, indent),
                Item::Param(p) => self.param(p, indent),
                Item::Section(s) => self.section(s, indent),
                Item::Definition(d) => self.definition(d, indent),
                Item::Draw(d) => self.draw(d, indent),
            }
        }
    }

    fn close(&mut self, indent: usize, block: Span) {
        let brace = self.src.map(|_| block.end - 1);
        self.open(indent, Class::None, brace, false);
        self.cur().closes = true;
        self.put("}");
        self.reach(self.end(block));
    }

    /// Writes ` {` found after `pos` and marks the line as opening a block.
    fn open_brace(&mut self, after: Option<usize>) {
        self.put(" {");
        let brace = self.token_at(after);
        self.reach(brace.map(|b| b + 1));
        self.cur().opens = true;
    }

    fn string(&self, s: &Spanned<String>) -> String {
        match self.text(s.span) {
            Some(t) => t.to_string(),
            None => quote(&s.node),
        }
    }

    fn header(&mut self, h: &Header, indent: usize) {
        self.open(indent, Class::None, self.start(h.span), true);
        self.put("plan ");
        let name = self.string(&h.name);
        self.put(&name);
        self.reach(self.end(h.name.span));
        self.open_brace(self.end(h.name.span));
        for s in &h.settings {
            self.open(indent + INDENT, Class::Setting, self.start(s.span), true);
            self.put(&s.key.node);
            self.cell();
            let args: Vec<String> = s
                .args
                .iter()
                .map(|a| match self.text(a.span) {
                    Some(t) => t.to_string(),
                    None => setting_arg(&a.node),
                })
                .collect();
            self.put(&args.join(" "));
            self.reach(self.end(s.span));
        }
        self.close(indent, h.span);
    }

    fn table(&mut self, t: &TableDecl, indent: usize) {
        self.open(indent, Class::None, self.start(t.span), true);
        match &t.splits {
            Some(events) => self.put(&format!("{} {} for {} by {}", t.kind.node, t.name.node, events.node, t.key.node)),
            None => self.put(&format!("{} {} by {}", t.kind.node, t.name.node, t.key.node)),
        }
        let mut last = t.key.span;
        if let Some(d) = &t.date {
            self.put(&format!(" on {}", d.node));
            last = d.span;
        }
        if let Some(f) = &t.from {
            self.put(&format!(" from {}", f.node));
            last = f.span;
        }
        if let Some(r) = &t.reports_to {
            self.put(&format!(" reports to {}", r.node));
            last = r.span;
        }
        self.reach(self.end(last));
        self.open_brace(self.end(last));
        for c in &t.columns {
            self.open(indent + INDENT, Class::Column, self.start(c.span), true);
            self.put(&format!("{}:", c.name.node));
            self.cell();
            self.put(&c.ty.node);
            if c.optional {
                self.put("?");
            }
            if let Some(currency) = &c.currency {
                self.put(&format!(" in {}", currency.node));
            }
            if let Some(label) = &c.label {
                self.cell();
                let l = self.string(label);
                self.put(&l);
            }
            self.reach(self.end(c.span));
        }
        self.close(indent, t.span);
    }

    fn section(&mut self, s: &SectionDecl, indent: usize) {
        self.open(indent, Class::None, self.start(s.span), true);
        self.put(&format!("section {} where ", s.name.node));
        self.top_expr(&s.condition);
        self.open_brace(self.outer_end(&s.condition));
        self.items(&s.items, indent + INDENT);
        self.close(indent, s.span);
    }

    /// An expression that stands alone (a definition's formula, a condition):
    /// parentheses around it only if the author wrote them.
    fn top_expr(&mut self, e: &Expr) {
        self.operand(e, self.user_parens(e, 0));
    }

    fn definition(&mut self, d: &Definition, indent: usize) {
        let multiline = has_tiers(&d.expr);
        let class = if multiline { Class::None } else { Class::Def };
        let prefix_width = indent + d.kind.keyword().len() + 1 + d.name.node.width() + 3;
        let broken = !multiline && prefix_width + self.flat_width(&d.expr) > WIDTH;
        self.open(indent, if broken { Class::None } else { class }, self.start(d.span), true);
        self.put(d.kind.keyword());
        self.cell();
        self.put(&d.name.node);
        self.cell();
        self.put("= ");
        if broken {
            self.broken(&d.expr);
        } else {
            self.top_expr(&d.expr);
        }
        self.reach(self.end(d.span));
    }

    fn draw(&mut self, d: &DrawDecl, indent: usize) {
        self.open(indent, Class::None, self.start(d.span), true);
        self.put(&format!("draw {} = ", d.name.node));
        self.top_expr(&d.amount);
        self.put(" against ");
        self.top_expr(&d.against);
        if d.body.is_none() {
            self.reach(self.end(d.span));
            return;
        }
        self.open_brace(self.outer_end(&d.against));
        let (text, span) = match &d.recovery {
            Some(Recovery::From { lines, span }) => {
                let names: Vec<&str> = lines.iter().map(|l| l.node.as_str()).collect();
                (format!("recover from {}", names.join(", ")), *span)
            }
            Some(Recovery::NotRecoverable(span)) => ("not recoverable".to_string(), *span),
            None => return self.close(indent, d.span),
        };
        self.open(indent + INDENT, Class::None, self.start(span), true);
        self.put(&text);
        self.reach(self.end(span));
        self.close(indent, d.span);
    }

    fn param(&mut self, p: &ParamDecl, indent: usize) {
        let prefix_width = indent + "param ".len() + p.name.node.width() + 3;
        match &p.value {
            ParamValue::Single(e) => {
                let multiline = has_tiers(e);
                let broken = !multiline && prefix_width + self.flat_width(e) > WIDTH;
                let class = if multiline || broken { Class::None } else { Class::Param };
                self.open(indent, class, self.start(p.span), true);
                self.put(&format!("param {}", p.name.node));
                self.cell();
                self.put("= ");
                if broken {
                    self.broken(e);
                } else {
                    self.top_expr(e);
                }
            }
            ParamValue::PerPeriod { grain, entries } => {
                let brace = self.token_at(self.end(grain.span));
                let close = self.src.map(|_| p.span.end - 1);
                let commented = match (self.src, brace, close) {
                    (Some(src), Some(b), Some(c)) => src.comments.iter().any(|k| k.start > b && k.start < c),
                    _ => false,
                };
                // `by quarter { Q1: 20%, ... }` after `param name = `.
                let flat_width = 8 + grain.node.width() + self.flat_entries(entries).width();
                let multiline =
                    commented || entries.iter().any(|(_, e)| has_tiers(e)) || prefix_width + flat_width > WIDTH;
                let class = if multiline { Class::None } else { Class::Param };
                self.open(indent, class, self.start(p.span), true);
                self.put(&format!("param {}", p.name.node));
                self.cell();
                self.put(&format!("= by {}", grain.node));
                if multiline {
                    self.reach(self.end(grain.span));
                    self.open_brace(self.end(grain.span));
                    for (key, value) in entries {
                        let class = if has_tiers(value) { Class::None } else { Class::Entry };
                        self.open(indent + INDENT, class, self.start(key.span), true);
                        self.put(&format!("{}:", key.node));
                        self.cell();
                        self.top_expr(value);
                        self.put(",");
                        let comma = self.token_at(self.outer_end(value));
                        let comma = comma.filter(|&c| self.src.is_some_and(|s| s.text.as_bytes()[c] == b','));
                        self.reach(comma.map(|c| c + 1));
                    }
                    self.close(indent, p.span);
                } else {
                    self.put(" { ");
                    for (i, (key, value)) in entries.iter().enumerate() {
                        if i > 0 {
                            self.put(", ");
                        }
                        self.put(&format!("{}: ", key.node));
                        self.top_expr(value);
                    }
                    self.put(" }");
                }
            }
            ParamValue::Dated { first, changes } => {
                // One line: `3%, from 2024-07-01: 4%`, as a sentence reads.
                self.open(indent, Class::Param, self.start(p.span), true);
                self.put(&format!("param {}", p.name.node));
                self.cell();
                self.put("= ");
                self.top_expr(first);
                for (date, value) in changes {
                    self.put(&format!(", from {}: ", date.node.format("%Y-%m-%d")));
                    self.top_expr(value);
                }
            }
        }
        self.reach(self.end(p.span));
    }

    /// The entries of a per-period parameter on one line, if none holds a table.
    fn flat_entries(&self, entries: &[(Ident, Expr)]) -> String {
        let parts: Vec<String> = entries.iter().map(|(k, e)| format!("{}: {}", k.node, self.flat(e))).collect();
        parts.join(", ")
    }

    /// The expression printed on one line (tier tables aside).
    fn flat(&self, e: &Expr) -> String {
        let mut p = Printer { src: self.src, lines: vec![Line::new(0, Class::None, None, false)] };
        p.top_expr(e);
        p.lines.iter().map(|l| l.cells.concat()).collect::<Vec<_>>().join("\n")
    }

    fn flat_width(&self, e: &Expr) -> usize {
        self.flat(e).width()
    }

    /// A formula too wide for one line: a chain of operators of the same
    /// strength is broken before each operator, an `if` before `then` and
    /// `else`; the rest continues one level deeper.
    fn broken(&mut self, e: &Expr) {
        let indent = self.indent() + INDENT;
        if self.user_parens(e, 0) {
            return self.top_expr(e);
        }
        match &e.kind {
            ExprKind::Binary { op, .. } => {
                let level = precedence(*op);
                // The left spine: ((a op b) op c) op d → a, [(op, b), (op, c), (op, d)].
                let mut rest = Vec::new();
                let mut first = e;
                while let ExprKind::Binary { op, lhs, rhs } = &first.kind {
                    if precedence(*op) != level || (!std::ptr::eq(first, e) && self.user_parens(first, 0)) {
                        break;
                    }
                    rest.push((*op, &**lhs, &**rhs, first));
                    first = lhs;
                }
                rest.reverse();
                let (_, _, _, innermost) = rest[0];
                self.child(first, innermost, false);
                for (op, lhs, rhs, parent) in rest {
                    let at = self.token_at(self.outer_end(lhs));
                    self.open(indent, Class::None, at, false);
                    let symbol = self.op_symbol(op, lhs);
                    self.put(symbol);
                    self.put(" ");
                    self.child(rhs, parent, true);
                }
            }
            ExprKind::If { cond, then, otherwise } => {
                self.put("if ");
                self.if_part(cond, true);
                let at = self.token_at(self.outer_end(cond));
                self.open(indent, Class::None, at, false);
                self.put("then ");
                self.if_part(then, otherwise.is_some());
                if let Some(o) = otherwise {
                    let at = self.token_at(self.outer_end(then));
                    self.open(indent, Class::None, at, false);
                    self.put("else ");
                    self.if_part(o, false);
                }
            }
            _ => self.top_expr(e),
        }
    }

    // ------------------------------------------------------------ expressions

    /// Writes `e`, in parentheses if `parens`.
    fn operand(&mut self, e: &Expr, parens: bool) {
        if parens {
            self.put("(");
        }
        self.expr(e);
        if parens {
            self.put(")");
        }
        self.reach(self.outer_end(e));
    }

    /// An operand of `parent` (a binary or unary operator).
    fn child(&mut self, e: &Expr, parent: &Expr, right: bool) {
        let needed = match (&parent.kind, &e.kind) {
            (_, ExprKind::If { .. }) => true,
            (ExprKind::Binary { op: outer, .. }, ExprKind::Binary { op: inner, .. }) => {
                let (o, i) = (precedence(*outer), precedence(*inner));
                i < o || (right && i == o)
            }
            (ExprKind::Binary { op, .. }, ExprKind::Unary { op: UnaryOp::Not, .. }) => precedence(*op) > NOT_PRECEDENCE,
            (ExprKind::Binary { .. }, ExprKind::Unary { op: UnaryOp::Neg, .. }) => false,
            (ExprKind::Unary { op: UnaryOp::Neg, .. }, ExprKind::Binary { .. } | ExprKind::Unary { .. }) => true,
            (ExprKind::Unary { op: UnaryOp::Not, .. }, ExprKind::Binary { op, .. }) => precedence(*op) < NOT_PRECEDENCE,
            (ExprKind::Unary { op: UnaryOp::Not, .. }, ExprKind::Unary { op: UnaryOp::Neg, .. }) => true,
            _ => false,
        };
        self.operand(e, needed || self.user_parens(e, 0));
    }

    /// A part of an `if`: an `if` inside is bracketed where it would take an
    /// `else` or `then` that is not its own.
    fn if_part(&mut self, e: &Expr, followed: bool) {
        let nested_if = matches!(e.kind, ExprKind::If { .. });
        self.operand(e, (followed && nested_if) || self.user_parens(e, 0));
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Number(n) => self.literal(e, || n.to_string()),
            ExprKind::Percent(p) => {
                self.literal(e, || format!("{}%", (*p * rust_decimal::Decimal::ONE_HUNDRED).normalize()))
            }
            ExprKind::Money { amount, currency } => {
                let written = self.text(e.span).map(|t| {
                    if t.starts_with(|c: char| c.is_ascii_digit()) {
                        let (number, code) = t.split_at(t.len() - 3);
                        format!("{} {code}", number.trim_end())
                    } else {
                        t.to_string()
                    }
                });
                let text = written.unwrap_or_else(|| format!("{amount} {}", currency.node));
                self.put(&text);
            }
            ExprKind::Text(t) => self.literal(e, || quote(t)),
            ExprKind::Bool(b) => self.put(if *b { "true" } else { "false" }),
            ExprKind::Date(d) => self.literal(e, || d.format("%Y-%m-%d").to_string()),
            ExprKind::Name { qualifier, name } => {
                if let Some(q) = qualifier {
                    self.put(&q.node);
                    self.put(".");
                }
                self.put(&name.node);
            }
            ExprKind::Unary { op, operand } => {
                self.put(match op {
                    UnaryOp::Neg => "-",
                    UnaryOp::Not => "not ",
                });
                self.child(operand, e, true);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.child(lhs, e, false);
                let symbol = self.op_symbol(*op, lhs);
                self.put(" ");
                self.put(symbol);
                self.put(" ");
                self.child(rhs, e, true);
            }
            ExprKind::If { cond, then, otherwise } => {
                self.put("if ");
                self.if_part(cond, true);
                self.put(" then ");
                self.if_part(then, otherwise.is_some());
                if let Some(o) = otherwise {
                    self.put(" else ");
                    self.if_part(o, false);
                }
            }
            ExprKind::Call(c) => self.call(c),
            ExprKind::Tiers(t) => self.tiers(t, e.span),
            ExprKind::At { value, date } => {
                self.expr(value);
                self.put(" at ");
                self.expr(date);
            }
        }
    }

    fn literal(&mut self, e: &Expr, canonical: impl FnOnce() -> String) {
        match self.text(e.span) {
            Some(t) => self.put(t),
            None => self.put(&canonical()),
        }
    }

    fn call(&mut self, c: &Call) {
        self.put(&c.func.node);
        self.put("(");
        let sole = c.args.len() == 1 && c.distinct.is_none() && c.filter.is_none() && c.having.is_none();
        let mut first = true;
        let mut space = |p: &mut Self| {
            if !std::mem::take(&mut first) {
                p.put(" ");
            }
        };
        if c.distinct.is_some() {
            space(self);
            self.put("distinct");
        }
        if !c.args.is_empty() {
            space(self);
            for (i, a) in c.args.iter().enumerate() {
                if i > 0 {
                    self.put(", ");
                }
                self.operand(a, self.user_parens(a, usize::from(sole)));
            }
        }
        if let Some(f) = &c.filter {
            space(self);
            self.put("where ");
            self.top_expr(f);
        }
        if let Some(h) = &c.having {
            space(self);
            self.put("having ");
            self.top_expr(h);
        }
        self.put(")");
        if let Some(o) = &c.over {
            self.put(" over ");
            self.put(&o.node);
        }
    }

    fn tiers(&mut self, t: &Tiers, span: Span) {
        let indent = self.indent();
        self.put(&format!("tiers {} on ", t.mode.node));
        self.if_part(&t.base, true);
        let mut before_brace = self.outer_end(&t.base);
        if let Some(of) = &t.of {
            self.put(" of ");
            self.if_part(of, true);
            before_brace = self.outer_end(of);
        }
        self.open_brace(before_brace);
        for (i, b) in t.bands.iter().enumerate() {
            let simple = !has_tiers(&b.pays) && !has_tiers(&b.from) && b.to.as_ref().is_none_or(|to| !has_tiers(to));
            let class = if simple { Class::Band } else { Class::None };
            self.open(indent + INDENT, class, self.start(b.span), true);
            self.bound(&b.from);
            self.cell();
            match &b.to {
                Some(to) => {
                    self.put("to ");
                    self.bound(to);
                    self.cell();
                }
                // A point of an interpolated table: `50% : 0%`.
                None if b.point => {}
                None => {
                    self.put("and above");
                    self.cell();
                }
            }
            self.put(": ");
            // A name at the end of this band followed by `(` would be read as
            // a call: `rate (x) to ...`.
            let next_bracketed = t.bands.get(i + 1).is_some_and(|n| !bare_bound(&n.from));
            let ends_in_name =
                next_bracketed && self.flat(&b.pays).ends_with(|c: char| c.is_alphanumeric() || c == '_');
            self.operand(&b.pays, ends_in_name || self.user_parens(&b.pays, 0));
            self.reach(self.end(b.span));
        }
        self.close(indent, span);
    }

    fn bound(&mut self, e: &Expr) {
        self.operand(e, !bare_bound(e));
    }
}

/// A string literal for text that has no source.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn setting_arg(a: &SettingArg) -> String {
    match a {
        SettingArg::Word(w) => w.clone(),
        SettingArg::Text(t) => quote(t),
        SettingArg::Number(n) => n.to_string(),
        SettingArg::Percent(p) => format!("{}%", (*p * rust_decimal::Decimal::ONE_HUNDRED).normalize()),
        SettingArg::Date(d) => d.format("%Y-%m-%d").to_string(),
    }
}
