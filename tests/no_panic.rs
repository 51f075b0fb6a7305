//! Random input never makes comp panic: plans strung together from the
//! language's own tokens, and tables of the data cases' plan with cells,
//! quotes, line endings and bytes of every kind, give a result or
//! diagnostics, and the diagnostics render. (The fuzz targets in `fuzz/` go
//! further; these run with every `cargo test`.)

mod common;

use comp::data::Inputs;
use comp::eval::{Options, RunError};
use comp::report::diagnostics::{render, Source};
use proptest::prelude::*;

/// Pieces of plans: keywords, names, literals, brackets, operators, layout.
const TOKENS: &[&str] = &[
    "plan \"p\" {\n currency CNY\n period quarter\n year 2024\n}\n",
    "participants roster by participant { participant: text team: text }\n",
    "events sales by participant on date { participant: text date: date amount: money }\n",
    "lookup quotas by rep { rep: text q: money }\n",
    "participants roster by participant reports to boss { participant: text boss: text? hired: date }\n",
    "days_active(",
    "days_in_period",
    "hired",
    "lookup",
    "reports",
    "all_reports",
    "value",
    "payout",
    "info",
    "param",
    "section",
    "where",
    "having",
    "distinct",
    "over",
    "by",
    "on",
    "of",
    "to",
    "tiers",
    "marginal",
    "whole",
    "and above",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "true",
    "false",
    "sum(",
    "count(",
    "max(",
    "min(",
    "avg(",
    "rank(",
    "share(",
    "prev(",
    "round(",
    "clamp(",
    "abs(",
    "amount",
    "team",
    "C",
    "x",
    "quotas.q",
    "quarter",
    "month",
    "all",
    "year",
    "ytd",
    "名字",
    "0",
    "1",
    "3%",
    "120%",
    "1,000",
    "0.5",
    "20,000 CNY",
    "¥100",
    "$5",
    "2024-03-31",
    "2024-02-30",
    "99999999999999999999999999999",
    "\"text\"",
    "\"open",
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    ".",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">=",
    ">",
    "+",
    "-",
    "*",
    "/",
    "×",
    "÷",
    "≥",
    " ",
    "\n",
    "\t",
    "\u{3000}",
    "// note\n",
    "/* block */",
    "/*",
];

fn plan_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|tokens| tokens.join(" "))
}

/// A plan in the shape of a real one with random formulas.
fn formula_plan() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(TOKENS), 1..40),
        prop::collection::vec(prop::sample::select(TOKENS), 1..40),
    )
        .prop_map(|(a, b)| {
            format!(
                "{}{}{}value C = sum(amount)\nvalue v = {}\npayout p = {}\n",
                TOKENS[0],
                TOKENS[1],
                TOKENS[2],
                a.join(" "),
                b.join(" ")
            )
        })
}

fn check_text(text: &str) {
    let source = Source { name: "random.comp".into(), text: text.to_string() };
    match comp::syntax::parse(text) {
        Err(errors) => errors.into_iter().for_each(|e| drop(render(e, Some(&source), false))),
        Ok(file) => {
            if let Err(errors) = comp::check::check(&file, &[]) {
                errors.into_iter().for_each(|e| drop(render(e, Some(&source), false)));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_plans_give_diagnostics_not_panics(text in plan_text()) {
        check_text(&text);
    }

    #[test]
    fn random_formulas_give_diagnostics_not_panics(text in formula_plan()) {
        check_text(&text);
    }
}

/// Cells of every kind for the data cases' tables.
const CELLS: &[&str] = &[
    "R01",
    "R02",
    "M1",
    "R99",
    " R01",
    "",
    "rep",
    "manager",
    "true",
    "false",
    "yes",
    "maybe",
    "2024-01-15",
    "2024-02-30",
    "2023-12-31",
    "2024/3/1",
    "25000.00",
    "-1200",
    "0",
    "abc",
    "1,234.56",
    "\"1,234.56\"",
    "¥100",
    "1e5",
    "79228162514264337593543950335",
    "123456789012345678901234567890",
    "0.0000000001",
    "\"quoted\"",
    "\"say \"\"hi\"\"\"",
    "\"line\nbreak\"",
    "\"open",
    "a\"b",
    "\u{feff}",
    "华东",
    "\u{fffd}",
];

/// A table: a header (sometimes wrong) and rows of random cells and separators.
fn table(header: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let row = prop::collection::vec(prop::sample::select(CELLS), 1..7).prop_map(|cells| cells.join(","));
    (
        prop::sample::select(vec![header, "", "id,date", "\u{feff}id,date,rep"]),
        prop::collection::vec(row, 0..12),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        any::<bool>(),
        any::<u8>(),
    )
        .prop_map(|(header, rows, end, gbk, at)| {
            let mut bytes = format!("{header}{end}{}", rows.join(end)).into_bytes();
            if gbk && !bytes.is_empty() {
                // Bytes that are not UTF-8 somewhere (GBK for 华).
                let i = at as usize % bytes.len();
                bytes.splice(i..i, [0xbb, 0xaa]);
            }
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_tables_give_diagnostics_not_panics(
        roster in table("participant,role,manager"),
        quotas in table("rep,annual_quota"),
        sales in table("id,date,rep,new_customer,collected"),
        threads in 1usize..3,
    ) {
        let plan = common::plan_file(&common::root().join("tests/bad/data/plan.comp"));
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [("roster", &roster), ("quotas", &quotas), ("sales", &sales)] {
            std::fs::write(dir.path().join(format!("{name}.csv")), bytes).unwrap();
        }
        let inputs = Inputs::new(&plan, Some(dir.path()), &[]).unwrap();
        match comp::eval::run(&plan, &inputs, Options::threads(threads)) {
            Ok(ev) => drop(comp::report::table(&plan, &comp::report::statements(&ev))),
            Err(RunError::Data(errors)) => errors.into_iter().for_each(|e| drop(render(e, None, false))),
            Err(RunError::Eval(errors)) => errors.into_iter().for_each(|e| drop(render(e, None, false))),
        }
    }
}

/// A section's values exist only for its participants. Outside the section,
/// a rank, a share or an aggregate over periods needs the participant's own
/// value, which others do not have: each was a panic at run time, and is an
/// error now. Inside an aggregate across participants they range over the
/// section's participants, and run.
#[test]
fn section_values_needed_for_every_participant() {
    let plan = |line: &str| {
        format!(
            "{}participants roster by participant {{ participant: text role: text }}\n{}\
             section reps where role == \"rep\" {{\n    value A = sum(amount)\n}}\n{line}\n",
            TOKENS[0], TOKENS[2]
        )
    };
    for line in [
        "info r = rank(A) over all × 1 CNY",
        "payout s = share(100 CNY, A) over all",
        "payout y = sum(A) over year",
        "payout t = sum(A) over ytd",
        "info z = rank(sum(A) over year) over all × 1 CNY",
    ] {
        let errors = comp::check::check(&comp::syntax::parse(&plan(line)).unwrap(), &[]).unwrap_err();
        assert!(errors[0].to_string().contains("section `reps`"), "{line}: {errors:#?}");
    }
    let text = plan("payout y = sum(sum(A) over year) over all\ninfo r = sum(rank(A) over all) over all × 1 CNY");
    let out = common::run_inline(
        &text,
        &[
            ("roster", "participant,role\nA,rep\nB,rep\nM,manager\n"),
            ("sales", "participant,date,amount\nA,2024-01-02,5\nB,2024-05-02,7\nM,2024-02-02,9\n"),
        ],
        &[],
    );
    for who in ["A", "B", "M"] {
        assert_eq!(out[&(who.to_string(), "2024-Q3".to_string(), "y".to_string())], "12.00", "{who}");
    }
    assert_eq!(out[&("M".to_string(), "2024-Q2".to_string(), "r".to_string())], "3.00");
}

/// Inside an aggregate of rows, formulas are computed for each row; a
/// `having` condition once per key from the key's rows. Each of these read
/// something the row (or the key) does not have, and panicked at run time;
/// they are check errors now. What rows do have still runs.
#[test]
fn aggregates_of_rows_use_what_rows_have() {
    let plan = |line: &str| {
        format!(
            "{}participants roster by participant {{ participant: text role: text }}\n{}value C = sum(amount)\n{line}\n",
            TOKENS[0], TOKENS[2]
        )
    };
    for line in [
        "payout a = sum(C where amount > 0 CNY)",
        "payout b = 1 CNY × count(distinct C)",
        "payout c = sum(amount where C > 0 CNY)",
        "payout d = 1 CNY × count(distinct date having sum(amount) > C)",
        "payout e = 1 CNY × count(distinct date having sum(amount) > 0 CNY and quarter == 1)",
        "payout f = 1 CNY × count(distinct date having sum(amount) > 0 CNY and role == \"rep\")",
        "payout g = 1 CNY × count(distinct date having amount > 0 CNY)",
        "payout h = 1 CNY × count(distinct date having sum(C) > 0 CNY)",
    ] {
        assert!(comp::check::check(&comp::syntax::parse(&plan(line)).unwrap(), &[]).is_err(), "{line}");
    }
    let text = plan(
        "payout k = sum(amount × quarter where role == \"rep\")\npayout n = 1 CNY × count(distinct date having sum(amount) > 6 CNY)",
    );
    let out = common::run_inline(
        &text,
        &[
            ("roster", "participant,role\nA,rep\n"),
            ("sales", "participant,date,amount\nA,2024-01-02,5\nA,2024-05-02,7\n"),
        ],
        &[],
    );
    assert_eq!(out[&("A".to_string(), "2024-Q2".to_string(), "k".to_string())], "14.00");
    assert_eq!(out[&("A".to_string(), "2024-Q2".to_string(), "n".to_string())], "1.00");
    assert_eq!(out[&("A".to_string(), "2024-Q1".to_string(), "n".to_string())], "0.00");
}

/// A formula made of the language's constructs, nested: most are wrong in
/// some way (units, levels), some check. Every one that checks must run.
fn formula() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "amount",
        "C",
        "A",
        "r",
        "1 CNY",
        "3%",
        "0",
        "2",
        "quarter",
        "days_in_period",
        "period_number",
        "quotas.q",
        "team",
        "\"t1\"",
        "role == \"rep\"",
        "true",
        "hired",
        "2024-03-01",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(4, 24, 3, |inner| {
        let two = (inner.clone(), inner.clone());
        prop_oneof![
            (inner.clone(), prop::sample::select(vec!["+", "-", "×", "÷", ">", "==", "and"]), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| format!("(if {c} then {a} else {b})")),
            (prop::sample::select(vec!["sum", "max", "min", "avg", "count"]), inner.clone(), inner.clone())
                .prop_map(|(f, a, w)| format!("{f}({a} where {w})")),
            two.clone().prop_map(|(k, h)| format!("count(distinct {k} having sum({h}) > 0 CNY)")),
            (
                prop::sample::select(vec!["sum", "max", "min", "avg", "count", "rank"]),
                inner.clone(),
                prop::sample::select(vec!["all", "team", "year", "ytd", "reports", "all_reports"])
            )
                .prop_map(|(f, a, o)| format!("{f}({a}) over {o}")),
            two.clone().prop_map(|(p, w)| format!("share({p}, {w}) over team")),
            inner.clone().prop_map(|d| format!("prev(C, {d})")),
            inner.clone().prop_map(|d| format!("prev(A, {d})")),
            inner.clone().prop_map(|x| format!("tiers whole on {x} {{ 0 CNY to 10 CNY : 1%  10 CNY and above : 2% }}")),
            two.clone().prop_map(|(x, y)| format!("tiers lookup on {x} {{ 0% to 100% : {y}  100% and above : 2% }}")),
            two.clone().prop_map(|(a, b)| format!("days_active({a}, {b})")),
            inner.clone().prop_map(|x| format!("round({x}, 0.05)")),
            (inner.clone(), inner.clone(), inner).prop_map(|(x, l, h)| format!("clamp({x}, {l}, {h})")),
        ]
    })
}

/// A money formula built by type (money, ratio, flag), so that more of
/// them check: row and period levels still mix at random.
fn money_formula() -> impl Strategy<Value = String> {
    #[derive(Clone, Debug)]
    struct Typed {
        money: String,
        ratio: String,
        flag: String,
    }
    let leaf = (
        prop::sample::select(vec!["amount", "C", "A", "1 CNY", "0 CNY", "quotas.q", "prev(C, 0 CNY)"]),
        prop::sample::select(vec!["3%", "120%", "0%", "days_active(hired, 9999-12-31) / days_in_period"]),
        prop::sample::select(vec!["role == \"rep\"", "true", "quarter == 2", "amount > 0 CNY", "C > 0 CNY"]),
    )
        .prop_map(|(m, r, f)| Typed { money: m.into(), ratio: r.into(), flag: f.into() });
    let typed = leaf.prop_recursive(4, 32, 4, |inner| {
        (inner.clone(), inner, 0usize..14).prop_map(|(a, b, pick)| {
            let (m, n) = (&a.money, &b.money);
            let money = match pick {
                0 => format!("({m} + {n})"),
                1 => format!("({m} × {})", b.ratio),
                2 => format!("(if {} then {m} else {n})", a.flag),
                3 => format!("sum({m} where {})", b.flag),
                4 => format!("max({m}) over team"),
                5 => format!("sum({m}) over all_reports"),
                6 => format!("share({m}, {n}) over team"),
                7 => format!("tiers whole on {m} {{ 0 CNY to 10 CNY : {}  10 CNY and above : 2% }}", b.ratio),
                8 => format!("tiers marginal on {m} of {n} {{ 0% to 100% : 1%  100% and above : {} }}", a.ratio),
                9 => format!("round({m}, 0.05, half_even)"),
                10 => format!("clamp({m}, 0 CNY, {n})"),
                11 => format!("sum({m}) over ytd"),
                12 => format!("({m} × rank({n}) over all)"),
                _ => format!("({m} × count(distinct date having sum(amount) > 0 CNY))"),
            };
            let ratio = match pick % 3 {
                0 => format!("({m} / {n})"),
                1 => format!("tiers lookup on {} {{ 0% to 100% : {}  100% and above : 150% }}", a.ratio, b.ratio),
                _ => a.ratio.clone(),
            };
            let flag = match pick % 3 {
                0 => format!("({m} >= {n})"),
                1 => format!("({} and not {})", a.flag, b.flag),
                _ => b.flag.clone(),
            };
            Typed { money, ratio, flag }
        })
    });
    typed.prop_map(|t| t.money)
}

const FORMULA_PLAN: &str = r#"plan "p" {
    currency CNY
    period   quarter
    year     2024
}
participants roster by participant reports to boss {
    participant: text
    role:        text
    team:        text
    boss:        text?
    hired:       date
}
lookup quotas by rep { rep: text  q: money }
events sales by participant on date { participant: text  date: date  amount: money }
value C = sum(amount)
value r = amount × 2
section reps where role == "rep" {
    value A = sum(amount) + 1 CNY
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Formulas that check, in a section or outside, run (on one thread and
    /// on two, with the same result) or give diagnostics; never a panic.
    #[test]
    fn formulas_that_check_run(
        f in prop_oneof![formula(), money_formula()],
        g in prop_oneof![formula(), money_formula()],
        line in any::<bool>(),
    ) {
        let kind = if line { "payout" } else { "value" };
        let text = format!("{FORMULA_PLAN}    {kind} s = {f}\n}}\n{kind} g = {g}\n");
        let Ok(file) = comp::syntax::parse(&text) else { return Ok(()) };
        let Ok(plan) = comp::check::check(&file, &[]) else { return Ok(()) };
        let dir = tempfile::tempdir().unwrap();
        let tables = [
            ("roster", "participant,role,team,boss,hired\nA,rep,t1,M,2024-02-15\nB,rep,t1,M,2023-01-01\nM,lead,t1,,2020-01-01\nX,rep,t2,X,2024-09-01\n"),
            ("quotas", "rep,q\nA,400000\nB,0\nM,1\n"),
            ("sales", "participant,date,amount\nA,2024-01-15,25000\nB,2024-02-10,-1200.50\nX,2024-11-30,7\nM,2024-05-01,0\n"),
        ];
        for (name, csv) in tables {
            std::fs::write(dir.path().join(format!("{name}.csv")), csv).unwrap();
        }
        let inputs = Inputs::new(&plan, Some(dir.path()), &[]).unwrap();
        let out = |threads| match comp::eval::run(&plan, &inputs, Options::threads(threads)) {
            Ok(ev) => Ok(comp::report::csv(&plan, &comp::report::statements(&ev))),
            Err(RunError::Eval(errors)) => Err(errors.into_iter().map(|e| render(e, None, false)).collect::<Vec<_>>()),
            Err(RunError::Data(errors)) => panic!("the data is valid: {errors:?}"),
        };
        prop_assert_eq!(out(1), out(2));
    }
}

/// `count(x) over ...` counts values of any type; counting text panicked
/// (found by `formulas_that_check_run`).
#[test]
fn count_across_participants_counts_any_value() {
    let text = format!(
        "{}participants roster by participant {{ participant: text team: text }}\n{}\
         info teams = count(team) over all × 1 CNY\ninfo flags = count(team == \"t1\") over team × 1 CNY\n",
        TOKENS[0], TOKENS[2]
    );
    let out = common::run_inline(
        &text,
        &[("roster", "participant,team\nA,t1\nB,t1\nC,t2\n"), ("sales", "participant,date,amount\nA,2024-01-02,5\n")],
        &[],
    );
    assert_eq!(out[&("C".to_string(), "2024-Q1".to_string(), "teams".to_string())], "3.00");
    assert_eq!(out[&("A".to_string(), "2024-Q1".to_string(), "flags".to_string())], "2.00");
}
