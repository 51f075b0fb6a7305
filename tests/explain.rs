//! `comp explain` and `comp statement` on the reference plan: every explained
//! value is the run's value, the figures inside each explanation add up, and
//! the explanations of the set cases (top band, gate, manager, champion) are
//! snapshotted.

mod common;

use comp::data::Inputs;
use comp::report::diagnostics::Source;
use comp::report::explain::{Detail, Explainer, Explanation, Node, Request, Role};
use rust_decimal::Decimal;
use std::process::Command;

fn comp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_comp")).current_dir(common::root()).args(args).output().expect("run comp")
}

fn ok(args: &[&str]) -> String {
    let out = comp(args);
    assert!(out.status.success(), "comp {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "unexpected stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn explain(participant: &str, extra: &[&str]) -> String {
    let mut args = vec!["explain", "rules/sales_2024.comp", "--data", "rules/data/2024", "--participant", participant];
    args.extend_from_slice(extra);
    ok(&args)
}

/// Runs the reference plan once and explains every participant from that run.
fn explain_everyone(request: &Request) -> Vec<(String, Explanation)> {
    explain_everyone_in(&common::root().join("rules/data/2024"), request)
}

fn explain_everyone_in(data: &std::path::Path, request: &Request) -> Vec<(String, Explanation)> {
    explain_some_in(data, request, None)
}

/// Explains the participants `only` (or everyone) from one run over `data`.
fn explain_some_in(data: &std::path::Path, request: &Request, only: Option<&[&str]>) -> Vec<(String, Explanation)> {
    let root = common::root();
    let text = std::fs::read_to_string(root.join("rules/sales_2024.comp")).unwrap();
    let source = Source { name: "rules/sales_2024.comp".into(), text: text.clone() };
    let plan = common::plan_from(&text, &[]);
    let inputs = Inputs::new(&plan, Some(data), &[]).unwrap();
    let ev = comp::eval::run(&plan, &inputs, comp::eval::Options::default()).expect("the run");
    (0..ev.participants().len())
        .filter(|&p| only.is_none_or(|ids| ids.contains(&&*ev.participants()[p])))
        .map(|p| {
            let x = Explainer::new(&ev, &source, inputs.path(&plan.events), p).expect("rows read again");
            (ev.participants()[p].to_string(), x.explain(request))
        })
        .collect()
}

fn num(n: &Node) -> Decimal {
    n.value.as_ref().and_then(|v| v.num()).unwrap_or_else(|| panic!("no number in {n:#?}"))
}

/// A node's value before the plan's rounding of lines.
fn unrounded(n: &Node) -> Decimal {
    n.unrounded.as_ref().and_then(|v| v.num()).unwrap_or_else(|| num(n))
}

/// The figures inside a node agree with its value.
fn check_node(n: &Node, at: &str) {
    let ctx = || format!("{at}: {} {:?}", n.name.as_deref().unwrap_or(""), n.formula);
    match &n.detail {
        Some(Detail::Tiers { mode, bands, .. }) => {
            let sum: Decimal = bands.iter().map(|b| b.amount.num().unwrap()).sum();
            assert_eq!(sum, unrounded(n), "bands add up to the tier value, {}", ctx());
            if *mode == "whole" {
                assert!(bands.iter().filter(|b| b.reached).count() <= 1, "{}", ctx());
            }
        }
        Some(Detail::If { taken, .. }) => {
            let role = if *taken == "then" { Role::Then } else { Role::Else };
            let branch = n.children.iter().find(|c| c.role == Some(role) && c.value.is_some()).expect("taken branch");
            assert_eq!(branch.value.as_ref().map(|v| &v.value), Some(&unrounded_value(n)), "{}", ctx());
        }
        Some(Detail::Choice { function, arguments, chosen }) => {
            let values: Vec<Decimal> = arguments.iter().map(|a| a.value.as_ref().unwrap().num().unwrap()).collect();
            let expected = if *function == "min" {
                values.iter().copied().min().unwrap()
            } else {
                values.iter().copied().max().unwrap()
            };
            assert_eq!(expected, unrounded(n), "{}", ctx());
            assert_eq!(values[*chosen], expected, "{}", ctx());
        }
        Some(Detail::Compare { left, op, right, result }) => {
            if let (Some(l), Some(r)) =
                (left.value.as_ref().and_then(|v| v.num()), right.value.as_ref().and_then(|v| v.num()))
            {
                let expected = match *op {
                    "==" => l == r,
                    "!=" => l != r,
                    "<" => l < r,
                    "<=" => l <= r,
                    ">" => l > r,
                    ">=" => l >= r,
                    other => panic!("unknown operator {other}"),
                };
                assert_eq!(*result, expected, "{}", ctx());
            }
        }
        Some(Detail::Group { function, members, truncated, pool, weight, total_weight, .. }) => {
            let values = || members.iter().map(|m| m.value.as_ref().unwrap().num().unwrap());
            match *function {
                "sum" if !truncated => assert_eq!(values().sum::<Decimal>(), num(n), "{}", ctx()),
                "rank" => {
                    if let Some(me) = members.iter().find(|m| m.this) {
                        assert_eq!(Decimal::from(me.rank.unwrap()), num(n), "{}", ctx());
                    }
                }
                "share" => {
                    let (p, w, t) = (
                        pool.as_ref().unwrap().num().unwrap(),
                        weight.as_ref().unwrap().num().unwrap(),
                        total_weight.as_ref().unwrap().num().unwrap(),
                    );
                    let expected = if t.is_zero() { Decimal::ZERO } else { p * w / t };
                    assert_eq!(expected, num(n), "{}", ctx());
                    assert_eq!(values().sum::<Decimal>(), t, "{}", ctx());
                }
                _ => {}
            }
        }
        Some(Detail::Periods { function: "sum", values, .. }) => {
            let sum: Decimal = values.iter().map(|v| v.value.as_ref().unwrap().num().unwrap()).sum();
            assert_eq!(sum, num(n), "{}", ctx());
        }
        _ => {}
    }
    for c in &n.children {
        check_node(c, at);
    }
}

fn unrounded_value(n: &Node) -> comp::value::Value {
    n.unrounded.as_ref().or(n.value.as_ref()).unwrap().value.clone()
}

#[test]
fn every_explained_line_is_the_run_value_and_adds_up() {
    let root = common::root();
    let plan = common::plan_file(&root.join("rules/sales_2024.comp"));
    let run = common::parse_csv(&common::run_csv(&plan, &root.join("rules/data/2024")));
    let mut explained = common::Payouts::new();
    for (id, e) in explain_everyone(&Request::default()) {
        for p in &e.periods {
            for line in &p.lines {
                let name = line.name.clone().unwrap();
                let amount = line.value.as_ref().unwrap().exact();
                explained.insert((id.clone(), p.period.clone(), name.clone()), amount);
                check_node(line, &format!("{id} {} {name}", p.period));
            }
            if let Some(total) = &p.total {
                explained.insert((id.clone(), p.period.clone(), "total".into()), total.exact());
            }
        }
    }
    assert_eq!(explained.len(), run.len());
    for (key, amount) in &run {
        assert_eq!(explained.get(key), Some(amount), "{key:?}");
    }
}

#[test]
fn listed_rows_are_the_rows_aggregated() {
    let request = Request { rows: true, ..Request::default() };
    let mut reps = 0;
    for (id, e) in explain_everyone(&request) {
        for p in &e.periods {
            let listing = p.rows.as_ref().unwrap();
            assert_eq!(listing.rows.len(), p.row_count, "{id} {}", p.period);
            let Some(commission) = p.lines.iter().find(|l| l.name.as_deref() == Some("commission")) else {
                continue;
            };
            reps += 1;
            // C = sum(credit): the listed rows' credits add up to it, and the
            // aggregate counts every listed row.
            let mut c_node = None;
            commission.walk(&mut |n| {
                if n.name.as_deref() == Some("C") && !n.see_above {
                    c_node = Some(n);
                }
            });
            let c_node = c_node.expect("C explained under commission");
            let credit = listing.values.iter().position(|v| v == "credit").unwrap();
            let sum: Decimal = listing.rows.iter().map(|r| r.values[credit].as_ref().unwrap().num().unwrap()).sum();
            assert_eq!(sum, num(c_node), "{id} {}", p.period);
            match &c_node.detail {
                Some(Detail::Rows { rows, .. }) => assert_eq!(*rows, p.row_count, "{id} {}", p.period),
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(reps, 32 * 4);
}

/// The sample data with its sales rows rewritten by `f` (and repeated).
fn sample_with_sales(repeat: usize, f: impl Fn(&str) -> String, bom: bool) -> tempfile::TempDir {
    let root = common::root();
    let dir = tempfile::tempdir().unwrap();
    for t in ["roster", "quotas"] {
        std::fs::copy(root.join(format!("rules/data/2024/{t}.csv")), dir.path().join(format!("{t}.csv"))).unwrap();
    }
    let text = std::fs::read_to_string(root.join("rules/data/2024/sales.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    out.push_str(&f(lines.next().unwrap()));
    let rows: Vec<&str> = lines.collect();
    for _ in 0..repeat {
        for row in &rows {
            out.push_str(&f(row));
        }
    }
    std::fs::write(dir.path().join("sales.csv"), out).unwrap();
    dir
}

/// Rows are found again whatever the file looks like: CRLF and a byte order
/// mark, quoted fields (parsed as CSV), a file of many blocks with and without
/// quotes; the explanations do not change and the line numbers are the file's.
#[test]
fn rows_are_found_in_any_csv_layout() {
    let request = Request { rows: true, ..Request::default() };
    let json =
        |es: Vec<(String, Explanation)>| serde_json::to_value(es.into_iter().map(|e| e.1).collect::<Vec<_>>()).unwrap();
    let plain = json(explain_everyone(&request));
    let crlf = sample_with_sales(1, |l| format!("{l}\r\n"), true);
    assert_eq!(json(explain_everyone_in(crlf.path(), &request)), plain);
    let quote_customer = |l: &str| {
        let mut f: Vec<String> = l.split(',').map(String::from).collect();
        f[3] = format!("\"{}\"", f[3]);
        format!("{}\n", f.join(","))
    };
    let quoted = sample_with_sales(1, quote_customer, false);
    assert_eq!(json(explain_everyone_in(quoted.path(), &request)), plain);
    // More than a block (1 MiB): every row 40 times over, with and without quotes.
    let rows_of = |es: &[(String, Explanation)], who: &str| -> Vec<usize> {
        let e = &es.iter().find(|(id, _)| id == who).unwrap().1;
        e.periods.iter().flat_map(|p| p.rows.as_ref().unwrap().rows.iter().map(|r| r.line)).collect()
    };
    let once = explain_everyone(&request);
    for layout in [sample_with_sales(40, |l| format!("{l}\n"), false), sample_with_sales(40, quote_customer, false)] {
        assert!(std::fs::metadata(layout.path().join("sales.csv")).unwrap().len() > 1 << 20);
        let many = explain_some_in(layout.path(), &request, Some(&["R01", "R20", "M3"]));
        for who in ["R01", "R20", "M3"] {
            let mut expected: Vec<usize> =
                (0..40).flat_map(|k| rows_of(&once, who).into_iter().map(move |l| l + 499 * k)).collect();
            expected.sort();
            let mut found = rows_of(&many, who);
            found.sort();
            assert_eq!(found, expected, "{who}");
        }
    }
}

#[test]
fn formats_agree() {
    let json: serde_json::Value =
        serde_json::from_str(&explain("R02", &["--period", "2024-Q3", "--format", "json"])).unwrap();
    let lines = json["periods"][0]["lines"].as_array().unwrap();
    let team_bonus = lines.iter().find(|l| l["name"] == "team_bonus").unwrap();
    // The share of exactly half a cent, and its rounding.
    assert_eq!(team_bonus["value"], "1528.25");
    assert_eq!(team_bonus["unrounded"], "1528.245");
    assert_eq!(team_bonus["rounding"], "0.01 half_away_from_zero");
    let text = explain("R02", &["--period", "Q3", "--line", "team_bonus"]);
    assert!(text.contains("team_bonus = 1,528.25"), "{text}");
    assert!(text.contains("rounded from 1,528.245 (0.01 half_away_from_zero)"), "{text}");
    let md = explain("R02", &["--period", "q3", "--line", "team_bonus", "--format", "markdown"]);
    assert!(md.contains("- **team_bonus** = 1,528.25"), "{md}");
}

#[test]
fn rows_are_listed_with_their_line_numbers() {
    let text = explain("R01", &["--period", "2024-Q2", "--line", "C", "--rows"]);
    insta::assert_snapshot!(text);
}

#[test]
fn top_band_rep() {
    insta::assert_snapshot!("top_band_text", explain("R01", &["--period", "2024-Q4"]));
    insta::assert_snapshot!(
        "top_band_json",
        explain("R01", &["--period", "2024-Q4", "--line", "commission_paid", "--format", "json"])
    );
}

#[test]
fn gated_rep() {
    insta::assert_snapshot!("gated_text", explain("R11", &["--period", "2024-Q1"]));
    insta::assert_snapshot!(
        "gated_json",
        explain("R11", &["--period", "2024-Q1", "--line", "gated", "--format", "json"])
    );
}

#[test]
fn manager() {
    insta::assert_snapshot!("manager_text", explain("M1", &[]));
    insta::assert_snapshot!(
        "manager_json",
        explain("M1", &["--period", "2024-Q2", "--line", "manager_override", "--format", "json"])
    );
}

#[test]
fn champion() {
    insta::assert_snapshot!("champion_text", explain("R03", &["--period", "2024-Q4"]));
    insta::assert_snapshot!(
        "champion_json",
        explain("R03", &["--period", "2024-Q4", "--line", "champion_award", "--format", "json"])
    );
}

#[test]
fn statement_markdown() {
    let md = ok(&["statement", "rules/sales_2024.comp", "--data", "rules/data/2024", "--participant", "R01"]);
    insta::assert_snapshot!(md);
}

#[test]
fn statement_html_is_self_contained() {
    let html = ok(&[
        "statement",
        "rules/sales_2024.comp",
        "--data",
        "rules/data/2024",
        "--participant",
        "R03",
        "--format",
        "html",
    ]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for external in ["http://", "https://", "src=", "<script", "<link", "@import", "url("] {
        assert!(!html.contains(external), "the page must not load anything: found `{external}`");
    }
    // Each line's explanation one click away.
    assert_eq!(html.matches("<details class=\"line").count(), 4 * 8);
    assert!(html.contains("@media print"));
}

#[test]
fn usage_errors() {
    let base = ["explain", "rules/sales_2024.comp", "--data", "rules/data/2024", "--participant"];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let out = comp(&args);
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (code, err) = run(&["R1"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no participant `R1`"), "{err}");
    let (code, err) = run(&["R01", "--period", "Q5"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("2024-Q1, 2024-Q2, 2024-Q3, 2024-Q4"), "{err}");
    let (code, err) = run(&["R01", "--line", "comission"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("commission"), "{err}");
    let (code, err) = run(&["R01", "--line", "manager_override"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("section `managers`"), "{err}");
    let (code, err) = run(&["R01", "--line", "credit"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("a value of each row"), "{err}");
    assert_eq!(comp(&["explain", "rules/sales_2024.comp", "--participant", "R01"]).status.code(), Some(2));
}
