//! Text → [`PlanFile`]: runs the pest grammar (`grammar/comp.pest`) and builds the
//! AST. pest's concrete tree does not leave this module.

use super::ast::*;
use super::diagnose::{diagnose, Class, Expected};
use super::errors::SyntaxError;
use super::lexical;
use super::limits;
use super::span::{Ident, Span, Spanned};
use chrono::NaiveDate;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/comp.pest"]
struct CompParser;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or, Assoc::Left))
        .op(Op::infix(Rule::and, Assoc::Left))
        .op(Op::prefix(Rule::not))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left) | Op::infix(Rule::div, Assoc::Left))
        .op(Op::prefix(Rule::neg))
});

/// Runs the grammar from `rule`. On failure the parse runs again with pest's
/// error detail on, which tracks the literal tokens tried (`=`, `}`) as well as
/// rules, so the error can name them. Tracking halves parsing speed, so it is
/// off until the first error; the setting is global and, once on, stays on
/// (a parse running at the same time is only slower, never different).
fn run(rule: Rule, source: &str) -> Result<Pairs<'_, Rule>, SyntaxError> {
    CompParser::parse(rule, source).map_err(|err| {
        if err.parse_attempts().is_some() {
            return convert_error(source, err);
        }
        static DETAIL: std::sync::Once = std::sync::Once::new();
        DETAIL.call_once(|| pest::set_error_detail(true));
        match CompParser::parse(rule, source) {
            Err(detailed) => convert_error(source, detailed),
            Ok(_) => convert_error(source, err),
        }
    })
}

/// Parses a whole plan file.
///
/// ```
/// let plan = comp::syntax::parse("param rate = 3%").unwrap();
/// assert_eq!(plan.items.len(), 1);
/// ```
pub fn parse(source: &str) -> Result<PlanFile, Vec<SyntaxError>> {
    limits::check_source(source)?;
    let mut pairs = run(Rule::file, source).map_err(|e| vec![e])?;
    let file = pairs.next().expect("the file rule always produces one pair");
    let mut builder = Builder { errors: Vec::new() };
    let items = file.into_inner().filter(|p| p.as_rule() != Rule::EOI).map(|p| builder.item(p)).collect();
    if builder.errors.is_empty() {
        Ok(PlanFile { items })
    } else {
        Err(builder.finish())
    }
}

/// Parses one expression on its own (used by tests and `--set`).
pub fn parse_expr(source: &str) -> Result<Expr, Vec<SyntaxError>> {
    limits::check_source(source)?;
    let mut pairs = run(Rule::expr_only, source).map_err(|e| vec![e])?;
    let pair = pairs.next().expect("expr_only produces one pair");
    let mut builder = Builder { errors: Vec::new() };
    let expr = builder.expr(pair.into_inner().next().expect("expr_only holds an expr"));
    if builder.errors.is_empty() {
        Ok(expr)
    } else {
        Err(builder.finish())
    }
}

struct Builder {
    errors: Vec<SyntaxError>,
}

impl Builder {
    /// The errors found (numbers too large, days that do not exist), at most
    /// [`limits::MAX_ERRORS`] of them: each one shown costs a pass over the file.
    fn finish(mut self) -> Vec<SyntaxError> {
        if self.errors.len() > limits::MAX_ERRORS {
            self.errors.truncate(limits::MAX_ERRORS);
            self.errors.push(SyntaxError::Stopped { limit: limits::MAX_ERRORS });
        }
        self.errors
    }
}

/// The pair's span without the whitespace and comments pest lets a rule swallow
/// at its end (an optional tail that did not match still consumed the trivia).
fn span(pair: &Pair<Rule>) -> Span {
    let sp = pair.as_span();
    Span::new(sp.start(), sp.start() + significant_len(sp.as_str()))
}

fn significant_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut end) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = (lexical::string_end(bytes, i) + 1).min(bytes.len());
                end = i;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = lexical::line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
            }
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            _ => {
                let ch = text[i..].chars().next().map_or(1, char::len_utf8);
                i += ch;
                if !text[i - ch..i].chars().all(|c| c == '\u{3000}' || c == '\u{FEFF}') {
                    end = i;
                }
            }
        }
    }
    end
}

fn ident(pair: Pair<Rule>) -> Ident {
    debug_assert_eq!(pair.as_rule(), Rule::ident);
    Spanned::new(pair.as_str().to_string(), span(&pair))
}

impl Builder {
    fn item(&mut self, pair: Pair<Rule>) -> Item {
        match pair.as_rule() {
            Rule::plan_block => Item::Header(self.header(pair)),
            Rule::table_block => Item::Table(self.table(pair)),
            Rule::param_decl => Item::Param(self.param(pair)),
            Rule::section_block => Item::Section(self.section(pair)),
            Rule::definition => Item::Definition(self.definition(pair)),
            Rule::draw_decl => Item::Draw(self.draw(pair)),
            other => unreachable!("unexpected item rule {other:?}"),
        }
    }

    fn header(&mut self, pair: Pair<Rule>) -> Header {
        let sp = span(&pair);
        let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_plan);
        let name = self.string(inner.next().expect("plan name"));
        let settings = inner.map(|p| self.setting(p)).collect();
        Header { name, settings, span: sp }
    }

    fn setting(&mut self, pair: Pair<Rule>) -> Setting {
        let sp = span(&pair);
        let mut inner = pair.into_inner();
        let key = ident(inner.next().expect("setting key"));
        let args = inner
            .map(|p| {
                let sp = span(&p);
                let arg = match p.as_rule() {
                    Rule::ident => SettingArg::Word(p.as_str().to_string()),
                    Rule::string => SettingArg::Text(self.string(p).node),
                    Rule::number => SettingArg::Number(self.number(&p)),
                    Rule::percent => {
                        SettingArg::Percent(self.number(&p.into_inner().next().unwrap()) / Decimal::ONE_HUNDRED)
                    }
                    Rule::date => SettingArg::Date(self.date(&p)),
                    other => unreachable!("unexpected setting argument {other:?}"),
                };
                Spanned::new(arg, sp)
            })
            .collect();
        Setting { key, args, span: sp }
    }

    fn table(&mut self, pair: Pair<Rule>) -> TableDecl {
        let sp = span(&pair);
        let mut kind = None;
        let mut idents = Vec::new();
        let mut columns = Vec::new();
        let mut date = None;
        let mut after_on = false;
        let mut reports_to = None;
        let mut splits = None;
        let mut from = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::table_kind => kind = Some(ident(p.into_inner().next().unwrap())),
                Rule::kw_on => after_on = true,
                Rule::ident if after_on => date = Some(ident(p)),
                Rule::ident => idents.push(ident(p)),
                Rule::column => columns.push(self.column(p)),
                Rule::reports_to => reports_to = p.into_inner().find(|i| i.as_rule() == Rule::ident).map(ident),
                Rule::splits_for => splits = p.into_inner().find(|i| i.as_rule() == Rule::ident).map(ident),
                Rule::effective_from => from = p.into_inner().find(|i| i.as_rule() == Rule::ident).map(ident),
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        TableDecl {
            kind: kind.expect("table kind"),
            name: idents.next().expect("table name"),
            splits,
            key: idents.next().expect("table key"),
            date,
            from,
            reports_to,
            columns,
            span: sp,
        }
    }

    fn column(&mut self, pair: Pair<Rule>) -> ColumnDecl {
        let sp = span(&pair);
        let mut inner = pair.into_inner();
        let name = ident(inner.next().unwrap());
        let ty = ident(inner.next().unwrap());
        let mut optional = false;
        let mut label = None;
        let mut currency = None;
        for p in inner {
            match p.as_rule() {
                Rule::optional_mark => optional = true,
                Rule::in_currency => currency = p.into_inner().find(|i| i.as_rule() == Rule::ident).map(ident),
                Rule::string => label = Some(self.string(p)),
                _ => {}
            }
        }
        ColumnDecl { name, ty, optional, currency, label, span: sp }
    }

    fn param(&mut self, pair: Pair<Rule>) -> ParamDecl {
        let sp = span(&pair);
        let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_param);
        let name = ident(inner.next().unwrap());
        let value_pair = inner.next().unwrap();
        let value = match value_pair.as_rule() {
            Rule::per_period => {
                let mut inner = value_pair.into_inner().filter(|p| p.as_rule() != Rule::kw_by);
                let grain = ident(inner.next().unwrap());
                let entries = inner
                    .map(|entry| {
                        let mut e = entry.into_inner();
                        let key = ident(e.next().unwrap());
                        (key, self.expr(e.next().unwrap()))
                    })
                    .collect();
                ParamValue::PerPeriod { grain, entries }
            }
            Rule::dated => {
                let mut inner = value_pair.into_inner();
                let first = self.expr(inner.next().unwrap());
                let changes = inner
                    .map(|change| {
                        let mut c = change.into_inner().filter(|p| p.as_rule() != Rule::kw_from);
                        let date = c.next().unwrap();
                        let at = Spanned { node: self.date(&date), span: span(&date) };
                        (at, self.expr(c.next().unwrap()))
                    })
                    .collect();
                ParamValue::Dated { first, changes }
            }
            _ => ParamValue::Single(self.expr(value_pair)),
        };
        ParamDecl { name, value, span: sp }
    }

    fn section(&mut self, pair: Pair<Rule>) -> SectionDecl {
        let sp = span(&pair);
        let mut inner = pair.into_inner().filter(|p| !matches!(p.as_rule(), Rule::kw_section | Rule::kw_where));
        let name = ident(inner.next().unwrap());
        let condition = self.expr(inner.next().unwrap());
        let items = inner.map(|p| self.item(p)).collect();
        SectionDecl { name, condition, items, span: sp }
    }

    fn definition(&mut self, pair: Pair<Rule>) -> Definition {
        let sp = span(&pair);
        let mut inner = pair.into_inner();
        let kind_pair = inner.next().unwrap().into_inner().next().unwrap();
        let kind = match kind_pair.as_rule() {
            Rule::kw_value => DefKind::Value,
            Rule::kw_payout => DefKind::Payout,
            Rule::kw_info => DefKind::Info,
            other => unreachable!("unexpected definition kind {other:?}"),
        };
        let name = ident(inner.next().unwrap());
        let expr = self.expr(inner.next().unwrap());
        Definition { kind, name, expr, span: sp }
    }

    fn draw(&mut self, pair: Pair<Rule>) -> DrawDecl {
        let sp = span(&pair);
        let mut name = None;
        let mut exprs = Vec::new();
        let mut recovery = None;
        let mut body = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(ident(p)),
                Rule::expr => exprs.push(self.expr(p)),
                Rule::draw_body => {
                    body = Some(span(&p));
                    recovery = p.into_inner().next().map(|r| {
                        let rsp = span(&r);
                        match r.as_rule() {
                            Rule::recover_from => Recovery::From {
                                lines: r.into_inner().filter(|i| i.as_rule() == Rule::ident).map(ident).collect(),
                                span: rsp,
                            },
                            _ => Recovery::NotRecoverable(rsp),
                        }
                    });
                }
                _ => {}
            }
        }
        let mut exprs = exprs.into_iter();
        DrawDecl {
            name: name.expect("draw name"),
            amount: exprs.next().expect("draw amount"),
            against: exprs.next().expect("draw earnings"),
            recovery,
            body,
            span: sp,
        }
    }

    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        debug_assert_eq!(pair.as_rule(), Rule::expr);
        self.pratt(pair.into_inner())
    }

    fn pratt(&mut self, pairs: Pairs<Rule>) -> Expr {
        // The Pratt parser's closures cannot all borrow `self` mutably, so errors
        // found inside them are collected in a cell and moved over afterwards.
        let errors = std::cell::RefCell::new(Vec::new());
        let expr = PRATT
            .map_primary(|p| {
                let mut b = Builder { errors: Vec::new() };
                let e = b.primary(p);
                errors.borrow_mut().extend(b.errors);
                e
            })
            .map_prefix(|op, operand| {
                let op_span = span(&op);
                let op = match op.as_rule() {
                    Rule::neg => UnaryOp::Neg,
                    Rule::not => UnaryOp::Not,
                    other => unreachable!("unexpected prefix {other:?}"),
                };
                let sp = op_span.to(operand.span);
                Expr { kind: ExprKind::Unary { op, operand: Box::new(operand) }, span: sp }
            })
            .map_infix(|lhs, op, rhs| {
                let op = match op.as_rule() {
                    Rule::or => BinaryOp::Or,
                    Rule::and => BinaryOp::And,
                    Rule::eq => BinaryOp::Eq,
                    Rule::ne => BinaryOp::Ne,
                    Rule::lt => BinaryOp::Lt,
                    Rule::le => BinaryOp::Le,
                    Rule::gt => BinaryOp::Gt,
                    Rule::ge => BinaryOp::Ge,
                    Rule::add => BinaryOp::Add,
                    Rule::sub => BinaryOp::Sub,
                    Rule::mul => BinaryOp::Mul,
                    Rule::div => BinaryOp::Div,
                    other => unreachable!("unexpected infix {other:?}"),
                };
                let sp = lhs.span.to(rhs.span);
                Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span: sp }
            })
            .parse(pairs);
        self.errors.extend(errors.into_inner());
        expr
    }

    fn primary(&mut self, pair: Pair<Rule>) -> Expr {
        let sp = span(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.expr(pair),
            Rule::paren => {
                let inner = self.expr(pair.into_inner().next().expect("a parenthesised expression"));
                return Expr { span: sp, ..inner };
            }
            Rule::number => ExprKind::Number(self.number(&pair)),
            Rule::percent => ExprKind::Percent(self.number(&pair.into_inner().next().unwrap()) / Decimal::ONE_HUNDRED),
            Rule::money => self.money(pair),
            Rule::string => ExprKind::Text(self.string(pair).node),
            Rule::boolean => ExprKind::Bool(pair.into_inner().next().unwrap().as_rule() == Rule::kw_true),
            Rule::date => ExprKind::Date(self.date(&pair)),
            Rule::path => {
                let mut parts: Vec<Ident> = pair.into_inner().map(ident).collect();
                let name = parts.pop().unwrap();
                ExprKind::Name { qualifier: parts.pop(), name }
            }
            Rule::at_expr => {
                let mut inner = pair.into_inner().filter(|p| p.as_rule() == Rule::path);
                let value = Box::new(self.primary(inner.next().expect("the value read")));
                let date = Box::new(self.primary(inner.next().expect("the date column")));
                ExprKind::At { value, date }
            }
            Rule::if_expr => {
                let mut inner =
                    pair.into_inner().filter(|p| !matches!(p.as_rule(), Rule::kw_if | Rule::kw_then | Rule::kw_else));
                let cond = Box::new(self.expr(inner.next().unwrap()));
                let then = Box::new(self.expr(inner.next().unwrap()));
                let otherwise = inner.next().map(|p| Box::new(self.expr(p)));
                ExprKind::If { cond, then, otherwise }
            }
            Rule::call => ExprKind::Call(self.call(pair)),
            Rule::tiers_expr => ExprKind::Tiers(self.tiers(pair)),
            other => unreachable!("unexpected primary {other:?}"),
        };
        Expr { kind, span: sp }
    }

    fn call(&mut self, pair: Pair<Rule>) -> Call {
        let mut inner = pair.into_inner();
        let func = ident(inner.next().unwrap());
        let mut call = Call { func, distinct: None, args: Vec::new(), filter: None, having: None, over: None };
        for p in inner {
            match p.as_rule() {
                Rule::call_args => {
                    for a in p.into_inner() {
                        match a.as_rule() {
                            Rule::distinct => call.distinct = Some(span(&a)),
                            Rule::expr => call.args.push(self.expr(a)),
                            Rule::filter => call.filter = Some(Box::new(self.expr(a.into_inner().nth(1).unwrap()))),
                            Rule::having => call.having = Some(Box::new(self.expr(a.into_inner().nth(1).unwrap()))),
                            other => unreachable!("unexpected call argument {other:?}"),
                        }
                    }
                }
                Rule::over => call.over = Some(ident(p.into_inner().nth(1).unwrap())),
                other => unreachable!("unexpected call part {other:?}"),
            }
        }
        call
    }

    fn tiers(&mut self, pair: Pair<Rule>) -> Tiers {
        let mut mode = None;
        let mut base = None;
        let mut of = None;
        let mut bands = Vec::new();
        let mut seen_of = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => mode = Some(ident(p)),
                Rule::kw_of => seen_of = true,
                Rule::expr if seen_of => of = Some(Box::new(self.expr(p))),
                Rule::expr => base = Some(Box::new(self.expr(p))),
                Rule::band => bands.push(self.band(p)),
                _ => {}
            }
        }
        Tiers { mode: mode.unwrap(), base: base.unwrap(), of, bands }
    }

    fn band(&mut self, pair: Pair<Rule>) -> Band {
        let sp = span(&pair);
        let mut from = None;
        let mut to = None;
        let mut pays = None;
        let mut point = true;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::band_bound if from.is_none() => from = Some(self.band_bound(p)),
                Rule::band_bound => to = Some(self.band_bound(p)),
                Rule::expr => pays = Some(self.expr(p)),
                Rule::kw_to | Rule::open_end => point = false,
                _ => {}
            }
        }
        Band { from: from.unwrap(), to, point, pays: pays.unwrap(), span: sp }
    }

    fn band_bound(&mut self, pair: Pair<Rule>) -> Expr {
        let inner = pair.into_inner().next().unwrap();
        self.primary(inner)
    }

    fn money(&mut self, pair: Pair<Rule>) -> ExprKind {
        let mut amount = Decimal::ZERO;
        let mut currency = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::number => amount = self.number(&p),
                Rule::currency_code => currency = Some(Spanned::new(p.as_str().to_string(), span(&p))),
                Rule::currency_sign => {
                    let code = match p.as_str() {
                        "¥" | "￥" => "CNY",
                        "$" => "USD",
                        "€" => "EUR",
                        _ => "GBP",
                    };
                    currency = Some(Spanned::new(code.to_string(), span(&p)));
                }
                _ => {}
            }
        }
        ExprKind::Money { amount, currency: currency.expect("money has a currency") }
    }

    fn number(&mut self, pair: &Pair<Rule>) -> Decimal {
        let text: String = pair.as_str().chars().filter(|c| *c != ',').collect();
        match Decimal::from_str_exact(&text) {
            Ok(d) => d,
            Err(_) => {
                self.errors.push(SyntaxError::NumberTooLarge { span: span(pair).into() });
                Decimal::ZERO
            }
        }
    }

    fn date(&mut self, pair: &Pair<Rule>) -> NaiveDate {
        match NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                self.errors.push(SyntaxError::BadDate { text: pair.as_str().to_string(), span: span(pair).into() });
                NaiveDate::MIN
            }
        }
    }

    fn string(&mut self, pair: Pair<Rule>) -> Spanned<String> {
        let sp = span(&pair);
        let raw = pair.into_inner().next().map(|p| p.as_str()).unwrap_or("");
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        Spanned::new(out, sp)
    }
}

/// Turns pest's error into one that says what is wrong in words: what the
/// grammar tried at the furthest position it reached (rules, and literal tokens
/// when error detail is on), handed to [`diagnose`] with the source.
fn convert_error(source: &str, err: pest::error::Error<Rule>) -> SyntaxError {
    use pest::error::{ErrorVariant, InputLocation};
    let rule_pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { message } => {
            return SyntaxError::Other { message: message.clone(), span: Span::new(rule_pos, rule_pos).into() };
        }
    };
    let mut from_rules = Expected::default();
    positives.iter().for_each(|r| expect_rule(&mut from_rules, *r));
    // Literal tokens are tracked at their own furthest position, often past the
    // rules' (`value C sum(...)`: the rule `definition` failed at `value`, the
    // token `=` at `sum`). The furthest wins; at the same place both count.
    let mut from_tokens = Expected::default();
    let mut token_pos = 0;
    if let Some(attempts) = err.parse_attempts() {
        token_pos = attempts.max_position;
        for t in attempts.expected_tokens() {
            // Character ranges (`0..9`) and built-in rules (`XID_START`) are
            // parts of rules, which the rules describe better.
            let text = t.to_string();
            let range = text.chars().count() == 4 && text.chars().skip(1).take(2).all(|c| c == '.');
            // `at` may follow any name (`rate_paid at original_date`) but is
            // rare: offering it after every name would be noise.
            if text != "BUILTIN_RULE" && !range && text != "at" {
                from_tokens.token(&text);
            }
        }
    }
    let (pos, expected) = if from_tokens.is_empty() || token_pos < rule_pos {
        (rule_pos, from_rules)
    } else if token_pos == rule_pos {
        positives.iter().for_each(|r| expect_rule(&mut from_tokens, *r));
        (token_pos, from_tokens)
    } else {
        (token_pos, from_tokens)
    };
    diagnose(source, pos, &expected)
}

/// What a rule pest tried means, as a class or the literal token it is.
fn expect_rule(e: &mut Expected, rule: Rule) {
    let class = match rule {
        Rule::EOI => Class::End,
        Rule::item | Rule::table_block => Class::Declaration,
        Rule::plan_block | Rule::kw_plan => return e.token("plan"),
        Rule::param_decl | Rule::kw_param => return e.token("param"),
        Rule::section_block | Rule::kw_section => return e.token("section"),
        Rule::definition | Rule::def_kind | Rule::kw_value => return e.token("value"),
        Rule::kw_payout => return e.token("payout"),
        Rule::kw_info => return e.token("info"),
        // A draw is one more kind of definition to the reader.
        Rule::draw_decl | Rule::kw_draw => return e.token("value"),
        Rule::kw_against => return e.token("against"),
        Rule::draw_body => return e.token("{"),
        Rule::recover_from | Rule::kw_recover => return e.token("recover"),
        Rule::not_recoverable => return e.token("not"),
        Rule::kw_from => return e.token("from"),
        Rule::kw_recoverable => return e.token("recoverable"),
        Rule::ident | Rule::table_kind => Class::Name,
        Rule::expr
        | Rule::primary
        | Rule::prefix
        | Rule::neg
        | Rule::not
        | Rule::literal
        | Rule::call
        | Rule::call_args
        | Rule::path
        | Rule::if_expr
        | Rule::tiers_expr
        | Rule::band_bound
        | Rule::number
        | Rule::percent
        | Rule::money
        | Rule::date
        | Rule::boolean => Class::Expression,
        Rule::infix
        | Rule::eq
        | Rule::ne
        | Rule::lt
        | Rule::le
        | Rule::gt
        | Rule::ge
        | Rule::add
        | Rule::sub
        | Rule::mul
        | Rule::div => Class::Operator,
        Rule::or | Rule::kw_or => return e.token("or"),
        Rule::and | Rule::kw_and => return e.token("and"),
        Rule::string => Class::Text,
        Rule::setting => Class::Setting,
        Rule::column => Class::Column,
        Rule::band => Class::Band,
        Rule::period_entry => Class::PeriodValue,
        Rule::open_end => return e.token("and"),
        Rule::kw_above => return e.token("above"),
        // Not offered after every name in an error message: `at` is rare.
        Rule::kw_at => return,
        Rule::filter | Rule::kw_where => return e.token("where"),
        Rule::having | Rule::kw_having => return e.token("having"),
        Rule::over | Rule::kw_over => return e.token("over"),
        Rule::distinct | Rule::kw_distinct => return e.token("distinct"),
        Rule::kw_by => return e.token("by"),
        Rule::kw_on => return e.token("on"),
        Rule::kw_of => return e.token("of"),
        Rule::kw_to => return e.token("to"),
        Rule::kw_if => return e.token("if"),
        Rule::kw_then => return e.token("then"),
        Rule::kw_else => return e.token("else"),
        Rule::kw_not => return e.token("not"),
        Rule::kw_tiers => return e.token("tiers"),
        Rule::kw_true => return e.token("true"),
        Rule::kw_false => return e.token("false"),
        Rule::optional_mark => return e.token("?"),
        Rule::string_inner => return e.token("\""),
        _ => return,
    };
    e.class(class);
}

impl FromStr for PlanFile {
    type Err = Vec<SyntaxError>;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}
