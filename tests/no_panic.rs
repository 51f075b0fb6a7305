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
        match comp::eval::run(&plan, &inputs, Options { threads }) {
            Ok(ev) => drop(comp::report::table(&plan, &comp::report::statements(&ev))),
            Err(RunError::Data(errors)) => errors.into_iter().for_each(|e| drop(render(e, None, false))),
            Err(RunError::Eval(errors)) => errors.into_iter().for_each(|e| drop(render(e, None, false))),
        }
    }
}
