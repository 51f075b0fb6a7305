//! Inputs at and past the limits: deep nesting, long formulas, huge literals,
//! long names, long files and long chains of definitions give a diagnostic
//! or a result, never a stack overflow; and the time to read a plan grows
//! with its size, not faster.
//!
//! Everything runs on a thread with a 2 MiB stack (a test thread's default,
//! set here so that `RUST_MIN_STACK` cannot hide an overflow) in a debug build.

mod common;

use comp::check::{self, CheckError};
use comp::report::diagnostics::{render, Source};
use comp::syntax::{self, SyntaxError, MAX_NAME_BYTES, MAX_NESTING, MAX_OPERATORS, MAX_SOURCE_BYTES};
use std::time::Instant;

const HEADER: &str = r#"plan "limits" {
    currency CNY
    period   quarter
    year     2024
}
participants roster by participant { participant: text  team: text }
events sales by participant on date { participant: text  date: date  amount: money }
"#;

/// Runs `f` on a thread with a 2 MiB stack.
fn small_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new().stack_size(2 << 20).spawn_scoped(s, f).expect("a thread").join().expect("no panic")
    })
}

/// Parses `body` after the header; the syntax errors, each rendered as
/// `comp check` would (the renderer must not fail on them either).
fn syntax_errors(body: &str) -> Vec<SyntaxError> {
    let text = format!("{HEADER}{body}");
    small_stack(|| {
        let errors = syntax::parse(&text).err().unwrap_or_default();
        let source = Source { name: "limits.comp".into(), text: text.clone() };
        for e in &errors {
            assert!(!render(e.clone(), Some(&source), false).is_empty());
        }
        errors
    })
}

fn assert_one<F: Fn(&SyntaxError) -> bool>(body: &str, what: &str, expected: F) {
    let errors = syntax_errors(body);
    assert!(errors.len() == 1 && expected(&errors[0]), "expected {what}, got {errors:#?}");
}

fn too_deep(e: &SyntaxError) -> bool {
    matches!(e, SyntaxError::TooDeep { limit, .. } if *limit == MAX_NESTING)
}

fn too_many_operators(e: &SyntaxError) -> bool {
    matches!(e, SyntaxError::TooManyOperators { limit, .. } if *limit == MAX_OPERATORS)
}

fn number_too_large(e: &SyntaxError) -> bool {
    matches!(e, SyntaxError::NumberTooLarge { .. })
}

#[test]
fn ten_thousand_nested_parentheses() {
    let n = 10_000;
    assert_one(&format!("payout p = {}sum(amount){}\n", "(".repeat(n), ")".repeat(n)), "too deep", too_deep);
    // Never closed, and hidden behind comments that close nothing.
    assert_one(&format!("payout p = {}\n", "(".repeat(n)), "too deep", too_deep);
    let hidden = format!("{}/* {} */\n", "(".repeat(50), ")".repeat(50));
    assert_one(&format!("payout p = {}1\n", hidden.repeat(n / 50)), "too deep", too_deep);
    // Calls and brackets of every kind.
    assert_one(&format!("payout p = {}0{}\n", "max(1, ".repeat(n), ")".repeat(n)), "too deep", too_deep);
    assert_one(&format!("payout p = {}\n", "[{".repeat(n)), "too deep", too_deep);
}

#[test]
fn ten_thousand_nested_ifs() {
    let n = 10_000;
    assert_one(&format!("payout p = {}1 CNY\n", "if true then ".repeat(n)), "too deep", too_deep);
    assert_one(&format!("payout p = {}1 CNY\n", "if true then 1 CNY else ".repeat(n)), "too deep", too_deep);
    assert_one(&format!("payout p = {}\n", "if ".repeat(n)), "too deep", too_deep);
    // Behind spaces and operators that are not ASCII.
    assert_one(&format!("payout p = {}1 CNY\n", "if\u{3000}true then ".repeat(n)), "too deep", too_deep);
    assert_one(&format!("payout p = 1 CNY{}\n", "×if true then 1".repeat(n)), "too deep", too_deep);
    let tiers = format!("payout p = {}sum(amount){}\n", "tiers whole on ".repeat(n), " { 0 and above : 1% }".repeat(n));
    assert_one(&tiers, "too deep", too_deep);
}

#[test]
fn long_operator_chains() {
    let n = 100_000;
    assert_one(&format!("payout p = sum(amount){}\n", " + 1 CNY".repeat(n)), "too many operators", too_many_operators);
    assert_one(&format!("payout p = {}sum(amount)\n", "-".repeat(n)), "too many operators", too_many_operators);
    assert_one(&format!("value v = {}true\n", "not ".repeat(n)), "too many operators", too_many_operators);
    assert_one(&format!("value v = 1{}\n", " and".repeat(n)), "too many operators", too_many_operators);
    // Broken at the end: the limit comes first.
    assert_one(&format!("value v = 1{} +\n", " + 1".repeat(n)), "too many operators", too_many_operators);
}

/// A formula at both limits at once, as deep as they let it be, is checked
/// and run on a small stack: the limits are low enough for every stage.
#[test]
fn a_formula_at_the_limits_runs() {
    let parens = MAX_NESTING - 2;
    let chain = " + sum(amount)".repeat(MAX_OPERATORS - 1);
    let negated = format!("-{}", "-".repeat(MAX_OPERATORS / 4));
    let body = format!(
        "payout deep = {}sum(amount){chain}{}\npayout neg = {negated}sum(amount) × 1\n",
        "(".repeat(parens),
        ")".repeat(parens)
    );
    let text = format!("{HEADER}{body}");
    let out = small_stack(|| {
        let plan = common::plan_from(&text, &[]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("roster.csv"), "participant,team\nA,T\n").unwrap();
        std::fs::write(dir.path().join("sales.csv"), "participant,date,amount\nA,2024-02-01,1.50\n").unwrap();
        common::parse_csv(&common::run_csv(&plan, dir.path()))
    });
    assert_eq!(out[&("A".into(), "2024-Q1".into(), "deep".into())], format!("{}.00", 3 * MAX_OPERATORS / 2));
    assert_eq!(out[&("A".into(), "2024-Q1".into(), "neg".into())], "-1.50");
}

#[test]
fn huge_numeric_literals() {
    assert_one(&format!("value v = {}\n", "9".repeat(100_000)), "number too large", number_too_large);
    assert_one(&format!("value v = 1{}\n", ",000".repeat(100_000)), "number too large", number_too_large);
    assert_one(&format!("value v = 0.{}1\n", "0".repeat(1_000)), "number too large", number_too_large);
    // Just past what an exact decimal holds (28 significant digits).
    assert_one("value v = 79,228,162,514,264,337,593,543,950,336\n", "number too large", number_too_large);
    assert_one(&format!("value v = ¥{}\n", "9".repeat(40)), "number too large", number_too_large);
    assert_one(&format!("value v = {}%\n", "9".repeat(40)), "number too large", number_too_large);
    // The largest that fits is fine.
    assert!(syntax_errors("value v = 79,228,162,514,264,337,593,543,950,335\n").is_empty());
}

#[test]
fn very_long_names() {
    let name_too_long =
        |e: &SyntaxError| matches!(e, SyntaxError::NameTooLong { limit, .. } if *limit == MAX_NAME_BYTES);
    assert_one(&format!("value {} = 1\n", "x".repeat(1_000_000)), "name too long", name_too_long);
    assert_one(&format!("value {} = 1\n", "名".repeat(100)), "name too long", name_too_long);
    assert_one(&format!("value v = {}\n", "x".repeat(MAX_NAME_BYTES + 1)), "name too long", name_too_long);
    assert!(syntax_errors(&format!("value {} = 1\n", "x".repeat(MAX_NAME_BYTES))).is_empty());
}

#[test]
fn very_long_files() {
    let line = "value v = 1 // a comment to make the file longer, as long as it needs to be\n";
    let body = line.repeat(MAX_SOURCE_BYTES / line.len() + 1);
    let too_large = |e: &SyntaxError| matches!(e, SyntaxError::TooLarge { limit, .. } if *limit == MAX_SOURCE_BYTES);
    assert_one(&body, "file too large", too_large);
    // A long line is shown in part.
    let line = format!("value v = 1{}+ @\n", " ".repeat(100_000));
    let text = format!("{HEADER}{line}");
    let errors = syntax::parse(&text).unwrap_err();
    let shown = render(errors[0].clone(), Some(&Source { name: "long.comp".into(), text: text.clone() }), false);
    assert!(shown.contains("long.comp:8:100014") && shown.len() < 2_000, "{shown}");
}

/// `value v0 = v1 + ...`, `value v1 = v2 + ...`: each definition is resolved
/// after the one it names, in a chain as long as the file.
fn chain_of_definitions(n: usize) -> String {
    let mut body = String::from(HEADER);
    for i in 0..n {
        body.push_str(&format!("value v{i} = v{} + sum(amount)\n", i + 1));
    }
    body.push_str(&format!("payout v{n} = sum(amount)\npayout first = v0\n"));
    for i in 0..n {
        body.push_str(&format!("param p{i} = p{} + 1\n", i + 1));
    }
    body.push_str(&format!("param p{n} = 0\n"));
    body
}

#[test]
fn long_chains_of_definitions() {
    let n = 5_000;
    let text = chain_of_definitions(n);
    let out = small_stack(|| {
        let plan = common::plan_from(&text, &[]);
        assert_eq!(plan.params[0].values.at(0).num(), rust_decimal::Decimal::from(n));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("roster.csv"), "participant,team\nA,T\n").unwrap();
        std::fs::write(dir.path().join("sales.csv"), "participant,date,amount\nA,2024-02-01,0.01\n").unwrap();
        common::parse_csv(&common::run_csv(&plan, dir.path()))
    });
    assert_eq!(out[&("A".into(), "2024-Q1".into(), "first".into())], format!("{}.{:02}", (n + 1) / 100, (n + 1) % 100));
    // A chain that closes into a loop is reported, not followed forever.
    let looped = chain_of_definitions(n).replace(&format!("payout v{n} = sum(amount)"), &format!("payout v{n} = v0"));
    let errors = small_stack(|| check::check(&syntax::parse(&looped).unwrap(), &[]).unwrap_err());
    assert!(matches!(errors.as_slice(), [CheckError::Cycle { .. }]), "{errors:#?}");
}

/// Past [`check::MAX_ERRORS`], checking stops: each error costs a search for
/// a suggestion among every name, and each one shown a pass over the file.
#[test]
fn checking_stops_after_many_errors() {
    let body: String = (0..5_000).map(|i| format!("value v{i} = unknown{i} + 1\n")).collect();
    let errors = check::check(&syntax::parse(&format!("{HEADER}{body}")).unwrap(), &[]).unwrap_err();
    assert_eq!(errors.len(), check::MAX_ERRORS + 1);
    assert!(matches!(errors.last(), Some(CheckError::Stopped { limit }) if *limit == check::MAX_ERRORS));
    let body: String = (0..5_000).map(|i| format!("value v{i} = 2024-02-30\n")).collect();
    let errors = syntax_errors(&body);
    assert!(matches!(errors.last(), Some(SyntaxError::Stopped { .. })) && errors.len() < 200, "{}", errors.len());
}

/// How much longer `run` takes on `plan(8 * n)` than on `plan(n)`: about 8
/// when the time is linear, 64 when it is quadratic. A ratio past 12 is
/// measured again (twice at most), in case the machine was busy.
fn growth(n: usize, plan: &dyn Fn(usize) -> String, run: &dyn Fn(&str)) -> (f64, String) {
    let (small, large) = (plan(n), plan(8 * n));
    let time = |text: &str| {
        let start = Instant::now();
        run(text);
        start.elapsed()
    };
    let mut best: Option<(f64, String)> = None;
    for _ in 0..3 {
        let (a, b) = (time(&small), time(&large));
        let ratio = b.as_secs_f64() / a.as_secs_f64();
        if best.as_ref().is_none_or(|(r, _)| ratio < *r) {
            best = Some((ratio, format!("{n} in {a:?}, {} in {b:?} ({ratio:.1}×)", 8 * n)));
        }
        if ratio < 12.0 {
            break;
        }
    }
    best.expect("measured")
}

/// The `i`th line of a long plan.
type Line = fn(usize) -> String;

fn parse_and_check(text: &str) {
    if let Ok(file) = syntax::parse(text) {
        let _ = check::check(&file, &[]);
    }
}

/// Parsing and checking take time in proportion to the plan's size: eight
/// times the plan takes well under 64 times as long (quadratic), for plans
/// long in each way a plan can be long.
#[test]
fn time_grows_linearly_with_size() {
    // Error detail, switched on by the first syntax error, slows every later
    // parse: switch it on before measuring.
    let _ = syntax::parse("value = (");
    // How many of each: enough for a quadratic cost to show, where one was
    // found (aggregates: looked up by a linear scan, once).
    let shapes: [(&str, usize, Line); 6] = [
        ("definitions", 250, |i| match i {
            0 => "value v0 = sum(amount)\n".to_string(),
            _ => format!("value v{i} = sum(amount) × 3% + v{}\n", i - 1),
        }),
        ("aggregates", 1_000, |i| {
            format!("value v{i} = sum(amount where amount > {i} CNY) + count(distinct date) × 1 CNY\n")
        }),
        ("parameters", 250, |i| format!("param p{i} = {i}% + 1%\n")),
        ("sections", 250, |i| format!("section s{i} where team == \"t{i}\" {{ value v{i} = sum(amount) }}\n")),
        ("lines", 150, |i| format!("payout l{i} = sum(amount) × {}% + max(sum(amount)) over team\n", i % 100)),
        ("bands", 250, |i| format!("  {i} CNY to {} CNY : {}%\n", i + 1, i % 7)),
    ];
    for (name, n, line) in shapes {
        let plan = |n: usize| {
            let body: String = (0..n).map(line).collect();
            match name {
                "bands" => {
                    format!("{HEADER}value t = tiers marginal on sum(amount) {{\n{body}  {n} CNY and above : 1%\n}}\n")
                }
                _ => format!("{HEADER}{body}"),
            }
        };
        if let Err(e) = check::check(&syntax::parse(&plan(10)).unwrap(), &[]) {
            panic!("{name}: {e:#?}");
        }
        let (ratio, report) = growth(n, &plan, &parse_and_check);
        eprintln!("{name}: {report}");
        assert!(ratio < 20.0, "{name}: {report}");
    }
}

/// Text built to make a backtracking parser go back and forth — long runs
/// of `(`, calls, `if`s and operators, each run as deep as the limits let
/// it be, valid or broken at the very end — takes time in proportion to its
/// size too.
#[test]
fn no_backtracking_blowup() {
    let _ = syntax::parse("value = (");
    let shapes: [(&str, Line); 4] = [
        ("parentheses", |i| format!("value v{i} = {}1{}\n", "(".repeat(60), ")".repeat(60))),
        ("calls", |i| format!("value v{i} = {}1{}\n", "max(1, (".repeat(30), "))".repeat(30))),
        ("ifs", |i| format!("value v{i} = {}1\n", "if amount > 0 then 1 else ".repeat(30))),
        ("operators", |i| format!("value v{i} = 1{}\n", " + 2 * 3 - 4 / 5".repeat(60))),
    ];
    for (name, line) in shapes {
        let plan = |n: usize| format!("{HEADER}{}", (0..n).map(line).collect::<String>());
        let broken = |n: usize| format!("{}value last = {}\n", plan(n), "max(1, (".repeat(30));
        assert!(syntax::parse(&plan(10)).is_ok() && syntax::parse(&broken(10)).is_err(), "{name}");
        for (what, text) in [("", &plan as &dyn Fn(usize) -> String), (", broken at the end", &broken)] {
            let (ratio, report) = growth(5, text, &|text| drop(syntax::parse(text)));
            eprintln!("{name}{what}: {report}");
            assert!(ratio < 20.0, "{name}{what}: {report}");
        }
    }
}
