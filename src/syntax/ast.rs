//! The abstract syntax of a plan file, as written: names are not yet resolved and
//! no type is known. Every node carries its [`Span`]; equality and hashing ignore
//! spans, so the same formula written twice is one key.

use super::span::{Ident, Span, Spanned};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A whole plan file: its items in the order written.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanFile {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Header(Header),
    Table(TableDecl),
    Param(ParamDecl),
    Section(SectionDecl),
    Definition(Definition),
    Draw(DrawDecl),
}

/// `plan "name" { version "1" currency CNY period quarter year 2024 ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub name: Spanned<String>,
    pub settings: Vec<Setting>,
    pub span: Span,
}

/// One line of the header: a name and one or more words after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub key: Ident,
    pub args: Vec<Spanned<SettingArg>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SettingArg {
    Word(String),
    Text(String),
    Number(Decimal),
    Percent(Decimal),
    Date(NaiveDate),
}

/// `events sales by rep on date { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct TableDecl {
    /// `participants`, `lookup`, `events` or `splits` (checked later).
    pub kind: Ident,
    pub name: Ident,
    /// The events table a splits table divides (`for sales`).
    pub splits: Option<Ident>,
    /// The key column (`by ...`): the participant for events and participants, the
    /// lookup key for lookups.
    pub key: Ident,
    /// The date column that places an event in a period (`on ...`).
    pub date: Option<Ident>,
    /// The column from whose date each row is in effect (`from since`): a
    /// participants table with several rows per participant.
    pub from: Option<Ident>,
    /// The column naming each participant's manager (`reports to manager`).
    pub reports_to: Option<Ident>,
    pub columns: Vec<ColumnDecl>,
    pub span: Span,
}

/// `collected: money "回款额"`
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnDecl {
    pub name: Ident,
    pub ty: Ident,
    pub optional: bool,
    /// `amount: money in currency`: the column naming each row's currency.
    pub currency: Option<Ident>,
    pub label: Option<Spanned<String>>,
    pub span: Span,
}

/// `param over_rate = 5%` or `param weight = by quarter { Q1: 20%, ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDecl {
    pub name: Ident,
    pub value: ParamValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    Single(Expr),
    PerPeriod {
        grain: Ident,
        entries: Vec<(Ident, Expr)>,
    },
    /// `3%, from 2024-07-01: 4%`: the first value, then each change and its date.
    Dated {
        first: Expr,
        changes: Vec<(Spanned<NaiveDate>, Expr)>,
    },
}

/// `section reps where role == "rep" { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct SectionDecl {
    pub name: Ident,
    pub condition: Expr,
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefKind {
    /// A named intermediate value.
    Value,
    /// A payout line, added to the participant's total.
    Payout,
    /// A line shown with the payout lines but not paid (not in the total).
    Info,
}

impl DefKind {
    pub fn keyword(self) -> &'static str {
        match self {
            DefKind::Value => "value",
            DefKind::Payout => "payout",
            DefKind::Info => "info",
        }
    }

    pub fn is_line(self) -> bool {
        !matches!(self, DefKind::Value)
    }
}

/// `value C = sum(credit)`, `payout target_bonus = if A >= 100% then 5,000 CNY`
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub kind: DefKind,
    pub name: Ident,
    pub expr: Expr,
    pub span: Span,
}

/// `draw guarantee = 1,000 CNY against commission { recover from commission }`:
/// a guaranteed amount per period, topped up when the earnings fall short.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawDecl {
    pub name: Ident,
    /// The amount guaranteed each period.
    pub amount: Expr,
    /// What the guarantee is measured against: the period's earnings.
    pub against: Expr,
    /// `None` when the plan states no recovery rule (an error the checker
    /// reports, so that the parser does not).
    pub recovery: Option<Recovery>,
    /// Where `{ ... }` is written, if it is.
    pub body: Option<Span>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Recovery {
    /// `recover from commission, bonus`: the balance owed is taken back from
    /// these payout lines, in this order.
    From { lines: Vec<Ident>, span: Span },
    /// `not recoverable`: the top-up is never taken back.
    NotRecoverable(Span),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    /// `1,000` or `0.5`
    Number(Decimal),
    /// `120%`, stored as the ratio 1.2
    Percent(Decimal),
    /// `100,000 CNY` or `¥100,000`
    Money {
        amount: Decimal,
        currency: Ident,
    },
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    /// `credit`, `quotas.annual_quota`
    Name {
        qualifier: Option<Ident>,
        name: Ident,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Option<Box<Expr>>,
    },
    Call(Call),
    Tiers(Tiers),
    /// `rate_paid at original_date`: a per-period value read, for each row, in
    /// the period containing the row's date column (inside `sum` only).
    At {
        value: Box<Expr>,
        date: Box<Expr>,
    },
}

/// `f(args [where filter] [having cond]) [over scope]`: functions, row aggregates
/// and aggregates across participants or periods share this one form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Call {
    pub func: Ident,
    /// Where `distinct` is written, if it is.
    pub distinct: Option<Span>,
    pub args: Vec<Expr>,
    pub filter: Option<Box<Expr>>,
    pub having: Option<Box<Expr>>,
    pub over: Option<Ident>,
}

/// `tiers marginal on max(C, 0) of Q { 0% to 100% : 3% ... }`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tiers {
    pub mode: Ident,
    pub base: Box<Expr>,
    /// When present, band edges are percentages of this amount.
    pub of: Option<Box<Expr>>,
    pub bands: Vec<Band>,
}

/// `100% to 130% : 5%` or `130% and above : 7%`
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Band {
    pub from: Expr,
    /// `None` for the open top band (`and above`) and for a point.
    pub to: Option<Expr>,
    /// `50% : 0%`: a point of an `interpolated` table, not a band.
    pub point: bool,
    pub pays: Expr,
    pub span: Span,
}
