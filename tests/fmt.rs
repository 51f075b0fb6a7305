//! `comp fmt` never changes what a plan means and is idempotent: over every
//! plan in the repository, over the examples of docs/language.md, over plans
//! whose layout and comments are shuffled at random, and over ASTs generated
//! at random (proptest).

mod common;

use comp::fmt::{format_source, print};
use comp::syntax::ast::*;
use comp::syntax::{parse, Span, Spanned};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Formats `text`, checks the meaning is kept, the result a fixed point and
/// every comment still there; returns the result.
fn round_trip(text: &str, what: &str) -> String {
    let before = parse(text).unwrap_or_else(|e| panic!("{what} does not parse: {e:?}"));
    let out = format_source(text).unwrap_or_else(|e| panic!("{what}: {e:?}"));
    let after = parse(&out).unwrap_or_else(|e| panic!("{what}: the formatted plan does not parse: {e:?}\n{out}"));
    assert_eq!(after, before, "{what}: formatting changed the meaning:\n{out}");
    let again = format_source(&out).unwrap();
    assert_eq!(again, out, "{what}: formatting is not idempotent");
    assert_eq!(comments(&out), comments(text), "{what}: comments were lost or changed:\n{out}");
    out
}

/// The comments of a plan, sorted, as written.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['"', '/']) {
        let tail = &rest[i..];
        if let Some(body) = tail.strip_prefix('"') {
            let close = body.char_indices().scan(false, |esc, (j, c)| {
                let end = !*esc && c == '"';
                *esc = !*esc && c == '\\';
                Some((j, end))
            });
            let j = close.filter(|(_, end)| *end).map(|(j, _)| j).next().unwrap_or(tail.len() - 2);
            rest = &tail[j + 2..];
        } else if tail.starts_with("//") {
            let end = tail.find('\n').unwrap_or(tail.len());
            out.push(tail[..end].trim_end().to_string());
            rest = &tail[end..];
        } else if tail.starts_with("/*") {
            let end = tail.find("*/").map_or(tail.len(), |e| e + 2);
            out.push(tail[..end].to_string());
            rest = &tail[end..];
        } else {
            rest = &tail[1..];
        }
    }
    out.sort();
    out
}

fn comp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() && !name.starts_with('.') && name != "target" {
            comp_files(&path, out);
        } else if name.ends_with(".comp") {
            out.push(path);
        }
    }
}

#[test]
fn every_plan_in_the_repository_round_trips() {
    let root = common::root();
    let mut files = Vec::new();
    comp_files(&root, &mut files);
    let mut formatted = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        // tests/bad holds plans with syntax errors on purpose.
        if parse(&text).is_err() {
            continue;
        }
        round_trip(&text, &path.display().to_string());
        formatted += 1;
    }
    assert!(formatted >= 30, "only {formatted} plans found");
}

#[test]
fn every_example_of_the_language_reference_round_trips() {
    let text = std::fs::read_to_string(common::root().join("docs/language.md")).unwrap();
    let mut blocks = 0;
    for (n, block) in text.split("```").enumerate().filter(|(n, _)| n % 2 == 1) {
        let Some(body) = block.strip_prefix("comp\n").or_else(|| block.strip_prefix("comp-error\n")) else {
            continue;
        };
        if parse(body).is_ok() {
            round_trip(body, &format!("docs/language.md block {}", n / 2 + 1));
            blocks += 1;
        }
    }
    assert!(blocks >= 15, "only {blocks} examples found");
}

#[test]
fn the_reference_plan_is_formatted() {
    let text = std::fs::read_to_string(common::root().join("rules/sales_2024.comp")).unwrap();
    assert_eq!(round_trip(&text, "rules/sales_2024.comp"), text);
}

#[test]
fn layouts_that_need_care() {
    let cases = [
        // A name before a bracketed band edge would be read as a call.
        "value x = tiers marginal on C { 0 to (a + 1) : (rate)\n (a + 1) and above : 5% }",
        // `if` without `else` inside one with: brackets keep the `else` outside.
        "value x = if a then (if b then c) else d",
        "value x = (if a then b else c) + 1",
        "value x = -(a + b) * -c",
        "value x = (not a) == b",
        "value x = not a == b and not (c or d)",
        "value x = a - (b - c) / (d / e)",
        "value x = count(distinct customer where new_customer having sum(collected) >= 20,000 CNY)",
        "value x = sum(tiers marginal on collected {\n0 CNY to 10,000 CNY : 1%\n10,000 CNY and above : 2%\n})",
        "param w = by month { Jan: 1%, Feb: 2%, // February\n Mar: 3% }",
        "param money = ¥20,000 + 3,000CNY × 2",
        "section s where role == \"rep\" {\n\n value a = 1 /* one */ /* and */\n\n\n // last\n\n}\n// end",
        "plan \"p\" {\n currency CNY // the money\n\n period quarter\n}\n",
        "/* a block\n   over lines */ param a = 1",
        "value x = tiers interpolated on A { 50% : 0%  100% : 100% // full\n 150% : (rate) }",
        "draw g = $1,000 against a + b { recover from a, b }",
        "draw g = $1,000 against a {not recoverable} // kept\npayout a = 1",
        "draw g = $1,000 against a\ndraw h = $1 against b {\n}",
    ];
    for case in cases {
        round_trip(case, case);
    }
    let long = format!("value x = {}", ["a_fairly_long_name"; 12].join(" + "));
    let out = round_trip(&long, "a long sum");
    assert!(out.lines().count() > 1 && out.lines().all(|l| l.len() <= 120), "{out}");
}

#[test]
fn check_shows_a_diff_and_fmt_rewrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.comp");
    std::fs::write(&path, "param  a=1\nparam bb = 2 // two\n").unwrap();
    let comp = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_comp")).args(args).output().unwrap();
    let check = comp(&["fmt", "--check", dir.path().to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1));
    let diff = String::from_utf8(check.stdout).unwrap();
    assert!(diff.contains("-param  a=1\n-param bb = 2 // two\n+param a  = 1\n+param bb = 2  // two\n"), "{diff}");
    assert!(diff.contains(&format!("+++ {}", path.display())), "{diff}");
    assert!(String::from_utf8_lossy(&check.stderr).contains("1 file is not formatted"));
    assert_eq!(comp(&["fmt", path.to_str().unwrap()]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "param a  = 1\nparam bb = 2  // two\n");
    let again = comp(&["fmt", "--check", path.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(again.stdout.is_empty());
}

#[test]
fn a_plan_that_does_not_parse_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.comp");
    std::fs::write(&path, "value x = \n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_comp")).args(["fmt", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.comp"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "value x = \n");
}

// ---------------------------------------------------------------- shuffled layouts

/// The reference plan cut at its whitespace: `(chunks, gaps)`, where chunk `i`
/// is followed by gap `i`. Strings and comments stay whole.
fn chunks(text: &str) -> (Vec<String>, Vec<String>) {
    let (mut chunks, mut gaps) = (vec![String::new()], vec![String::new()]);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            gaps.last_mut().unwrap().push(c);
            continue;
        }
        if !gaps.last().unwrap().is_empty() {
            chunks.push(String::new());
            gaps.push(String::new());
        }
        let chunk = chunks.last_mut().unwrap();
        chunk.push(c);
        if c == '"' {
            while let Some(d) = chars.next() {
                chunk.push(d);
                if d == '\\' {
                    chunk.extend(chars.next());
                } else if d == '"' {
                    break;
                }
            }
        } else if c == '/' && chars.peek() == Some(&'/') {
            while let Some(&d) = chars.peek() {
                if d == '\n' {
                    break;
                }
                chunk.push(d);
                chars.next();
            }
        }
    }
    (chunks, gaps)
}

/// Another layout of the same plan: each gap replaced by a choice of
/// whitespace and comments that keeps the tokens. Gaps inside the header and
/// inside money (`20,000 CNY`) stay on one line.
fn relayout(text: &str, choices: &[u8]) -> String {
    let (chunks, gaps) = chunks(text);
    let header_end = text.find("\n}").unwrap();
    let mut out = String::new();
    let mut at = 0;
    for (i, (chunk, gap)) in chunks.iter().zip(&gaps).enumerate() {
        out.push_str(chunk);
        at += chunk.len() + gap.len();
        let next = chunks.get(i + 1).map_or("", String::as_str);
        let money = chunk.ends_with(|c: char| c.is_ascii_digit())
            && next.len() == 3
            && next.chars().all(|c| c.is_ascii_uppercase());
        let line_comment = chunk.starts_with("//");
        let one_line = money || (at < header_end && !gap.contains('\n'));
        let choice = choices[i % choices.len()];
        let replacement = if gap.is_empty() || i + 1 == chunks.len() {
            gap.clone()
        } else if one_line {
            [" ", "\t", "  "][choice as usize % 3].to_string()
        } else if line_comment || at < header_end {
            ["\n", "\n\n", "\n   // note\n", " \n\t", "\n/* block */\n", "\n\n\n"][choice as usize % 6].to_string()
        } else {
            [" ", "\n", "\n\n", " /* c */ ", " // trailing\n", "\n    // own line\n", "\t", gap][choice as usize % 8]
                .to_string()
        };
        out.push_str(&replacement);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The reference plan in a shuffled layout formats to a plan that means the
    /// same, keeps every comment, and formats to itself.
    #[test]
    fn a_shuffled_layout_formats_to_the_same_plan(choices in prop::collection::vec(any::<u8>(), 50..400)) {
        let text = std::fs::read_to_string(common::root().join("rules/sales_2024.comp")).unwrap();
        let shuffled = relayout(&text, &choices);
        prop_assert_eq!(parse(&shuffled).unwrap(), parse(&text).unwrap(), "the shuffle broke the plan:\n{}", shuffled);
        round_trip(&shuffled, "the shuffled reference plan");
    }

    /// Any AST prints as text that parses back to it and is formatted already.
    #[test]
    fn a_generated_plan_prints_and_parses_back(file in plan_file()) {
        let text = print(&file);
        let parsed = parse(&text).unwrap_or_else(|e| panic!("printed plan does not parse: {e:?}\n{text}"));
        prop_assert_eq!(&parsed, &file, "printed as:\n{}", text);
        prop_assert_eq!(format_source(&text).unwrap(), text);
    }
}

// ---------------------------------------------------------------- generated ASTs

fn sp<T>(node: T) -> Spanned<T> {
    Spanned::new(node, Span::default())
}

fn name() -> impl Strategy<Value = Spanned<String>> {
    prop::sample::select(vec!["a", "b", "C", "Q", "rate", "credit", "季度业绩", "x_1", "_y", "team"])
        .prop_map(|s| sp(s.to_string()))
}

fn expr_of(kind: ExprKind) -> Expr {
    Expr { kind, span: Span::default() }
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000, 0u32..4).prop_map(|(n, scale)| Decimal::new(n, scale))
}

fn date() -> impl Strategy<Value = chrono::NaiveDate> {
    (2000i32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!['a', 'z', ' ', '"', '\\', '\n', '\t', '新', '%']), 0..6)
        .prop_map(|cs| cs.into_iter().collect())
}

fn literal() -> impl Strategy<Value = Expr> {
    prop_oneof![
        decimal().prop_map(ExprKind::Number),
        decimal().prop_map(|d| ExprKind::Percent(d / Decimal::ONE_HUNDRED)),
        decimal().prop_map(|amount| ExprKind::Money { amount, currency: sp("CNY".to_string()) }),
        text().prop_map(ExprKind::Text),
        any::<bool>().prop_map(ExprKind::Bool),
        date().prop_map(ExprKind::Date),
        (prop::option::of(name()), name()).prop_map(|(qualifier, name)| ExprKind::Name { qualifier, name }),
        name().prop_map(|name| ExprKind::Name { qualifier: None, name }),
    ]
    .prop_map(expr_of)
}

fn binary_op() -> impl Strategy<Value = BinaryOp> {
    prop::sample::select(vec![
        BinaryOp::Or,
        BinaryOp::And,
        BinaryOp::Eq,
        BinaryOp::Ne,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
    ])
}

fn expr() -> impl Strategy<Value = Expr> {
    literal().prop_recursive(4, 24, 3, |inner| {
        let boxed = inner.clone().prop_map(Box::new);
        let opt = prop::option::of(inner.clone().prop_map(Box::new));
        prop_oneof![
            (prop::sample::select(vec![UnaryOp::Neg, UnaryOp::Not]), boxed.clone())
                .prop_map(|(op, operand)| ExprKind::Unary { op, operand }),
            (binary_op(), boxed.clone(), boxed.clone()).prop_map(|(op, lhs, rhs)| ExprKind::Binary { op, lhs, rhs }),
            (binary_op(), boxed.clone(), boxed.clone()).prop_map(|(op, lhs, rhs)| ExprKind::Binary { op, lhs, rhs }),
            (boxed.clone(), boxed.clone(), opt.clone()).prop_map(|(cond, then, otherwise)| ExprKind::If {
                cond,
                then,
                otherwise
            }),
            (
                name(),
                any::<bool>(),
                prop::collection::vec(inner.clone(), 0..3),
                opt.clone(),
                opt.clone(),
                prop::option::of(name())
            )
                .prop_map(|(func, distinct, args, filter, having, over)| ExprKind::Call(Call {
                    func,
                    distinct: distinct.then(Span::default),
                    args,
                    filter,
                    having,
                    over,
                })),
            (
                name(),
                boxed.clone(),
                opt.clone(),
                prop::collection::vec(
                    (inner.clone(), prop::option::of(inner.clone()), any::<bool>(), inner.clone()),
                    1..4
                )
            )
                .prop_map(|(mode, base, of, bands)| ExprKind::Tiers(Tiers {
                    mode,
                    base,
                    of,
                    bands: bands
                        .into_iter()
                        .map(|(from, to, point, pays)| Band {
                            point: point && to.is_none(),
                            from,
                            to,
                            pays,
                            span: Span::default()
                        })
                        .collect(),
                })),
            // `rate_paid at original_date`
            (name(), name()).prop_map(|(value, date)| ExprKind::At {
                value: Box::new(expr_of(ExprKind::Name { qualifier: None, name: value })),
                date: Box::new(expr_of(ExprKind::Name { qualifier: None, name: date })),
            }),
        ]
        .prop_map(expr_of)
    })
}

fn definition() -> impl Strategy<Value = Item> {
    (prop::sample::select(vec![DefKind::Value, DefKind::Payout, DefKind::Info]), name(), expr())
        .prop_map(|(kind, name, expr)| Item::Definition(Definition { kind, name, expr, span: Span::default() }))
}

fn draw() -> impl Strategy<Value = Item> {
    let recovery = prop_oneof![
        Just(None),
        Just(Some(Recovery::NotRecoverable(Span::default()))),
        prop::collection::vec(name(), 1..3).prop_map(|lines| Some(Recovery::From { lines, span: Span::default() })),
    ];
    (name(), expr(), expr(), recovery, any::<bool>()).prop_map(|(name, amount, against, recovery, braces)| {
        let body = (braces || recovery.is_some()).then(Span::default);
        Item::Draw(DrawDecl { name, amount, against, recovery, body, span: Span::default() })
    })
}

fn param() -> impl Strategy<Value = Item> {
    let value = prop_oneof![
        expr().prop_map(ParamValue::Single),
        (name(), prop::collection::vec((name(), expr()), 1..4))
            .prop_map(|(grain, entries)| ParamValue::PerPeriod { grain, entries }),
        (expr(), prop::collection::vec((date().prop_map(sp), expr()), 1..3))
            .prop_map(|(first, changes)| ParamValue::Dated { first, changes }),
    ];
    (name(), value).prop_map(|(name, value)| Item::Param(ParamDecl { name, value, span: Span::default() }))
}

fn setting_arg() -> impl Strategy<Value = Spanned<SettingArg>> {
    prop_oneof![
        name().prop_map(|n| SettingArg::Word(n.node)),
        text().prop_map(SettingArg::Text),
        decimal().prop_map(SettingArg::Number),
        decimal().prop_map(|d| SettingArg::Percent(d / Decimal::ONE_HUNDRED)),
        date().prop_map(SettingArg::Date),
    ]
    .prop_map(sp)
}

fn header() -> impl Strategy<Value = Item> {
    let setting = (name(), prop::collection::vec(setting_arg(), 1..3)).prop_map(|(key, args)| Setting {
        key,
        args,
        span: Span::default(),
    });
    (text(), prop::collection::vec(setting, 0..4))
        .prop_map(|(n, settings)| Item::Header(Header { name: sp(n), settings, span: Span::default() }))
}

fn table() -> impl Strategy<Value = Item> {
    let column = (name(), name(), any::<bool>(), prop::option::of(name()), prop::option::of(text())).prop_map(
        |(name, ty, optional, currency, label)| ColumnDecl {
            name,
            ty,
            optional,
            currency,
            label: label.map(sp),
            span: Span::default(),
        },
    );
    let names = (
        name(),
        name(),
        prop::option::of(name()),
        name(),
        prop::option::of(name()),
        prop::option::of(name()),
        prop::option::of(name()),
    );
    (names, prop::collection::vec(column, 0..4)).prop_map(
        |((kind, name, splits, key, date, from, reports_to), columns)| {
            Item::Table(TableDecl { kind, name, splits, key, date, from, reports_to, columns, span: Span::default() })
        },
    )
}

fn section() -> impl Strategy<Value = Item> {
    let inner = prop::collection::vec(prop_oneof![definition(), param(), draw()], 0..4);
    let nested = (name(), expr(), inner.clone()).prop_map(|(name, condition, items)| {
        Item::Section(SectionDecl { name, condition, items, span: Span::default() })
    });
    (name(), expr(), inner, prop::option::of(nested)).prop_map(|(name, condition, mut items, nested)| {
        items.extend(nested);
        Item::Section(SectionDecl { name, condition, items, span: Span::default() })
    })
}

fn plan_file() -> impl Strategy<Value = PlanFile> {
    prop::collection::vec(prop_oneof![header(), table(), param(), definition(), definition(), draw(), section()], 0..6)
        .prop_map(|items| PlanFile { items })
}
