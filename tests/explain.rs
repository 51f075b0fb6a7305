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
            let expected = match *function {
                "min" => values.iter().copied().min().unwrap(),
                "max" => values.iter().copied().max().unwrap(),
                "clamp" => values[0].min(values[2]).max(values[1]),
                other => panic!("unknown choice {other}"),
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

/// A plan with the constructs the sample plan does not use: `prev` (also of
/// itself), values to date, whole and fixed-amount tiers, ranks and averages
/// over a team, rows over a team, `clamp`, `round`, `not`/`or`, `abs`, `min`,
/// `max`, `avg` and `count` of rows.
const CONSTRUCTS: &str = r#"
plan "constructs" {
    currency CNY
    period   quarter
    year     2024
}
participants roster by participant {
    participant: text
    role:        text
    team:        text
}
lookup quotas by rep {
    rep:          text
    annual_quota: money
}
events sales by rep on date {
    date:         date
    rep:          text
    customer:     text
    new_customer: bool
    amount:       money
}
param weight = by quarter { Q1: 20%, Q2: 30%, Q3: 20%, Q4: 30% }

value C = sum(amount)
info year_total = sum(C) over year
info to_date = sum(C) over ytd
info rows_to_date = sum(amount) over ytd
info last_quarter = prev(C, 0 CNY)
info running = prev(running, 0 CNY) + C
info biggest = max(amount)
info smallest = min(amount)
info average = avg(amount)
info rows = count() × 1 CNY

section reps where role == "rep" {
    value A = C / (quotas.annual_quota × weight)
    payout kicker = tiers whole on A {
        0%   to 50%    : 0 CNY
        50%  to 100%   : 500 CNY
        100% and above : 1,000 CNY
    }
    payout whole_rate = tiers whole on C {
        0 CNY     to 1,000 CNY : 1%
        1,000 CNY and above    : 2%
    }
    payout steps = tiers marginal on C {
        0 CNY     to 1,000 CNY : 10 CNY
        1,000 CNY and above    : 20 CNY
    }
    info place = rank(C) over team × 1 CNY
    info team_average = avg(C) over team
    info team_rows = sum(amount) over team
    value new_ones = count(distinct customer where new_customer)
    payout clamped = clamp(C - 1,000 CNY, 0, 100 CNY)
    info rounded = round(C × 0.7%, 1, down)
    payout either = if not (C > 500 CNY) or new_ones > 0 then 1 CNY else abs(C - 2,000 CNY) × 1%
}

section managers where role == "manager" {
    payout override = sum(C) over team × 1%
}
"#;

#[test]
fn other_constructs_explain_to_the_run_values() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("roster", "participant,role,team\nR1,rep,A\nR2,rep,A\nR3,rep,B\nM1,manager,A\n"),
        ("quotas", "rep,annual_quota\nR1,10000\nR2,4000\nR3,2000\n"),
        (
            "sales",
            "date,rep,customer,new_customer,amount\n\
             2024-01-05,R1,C1,true,800\n2024-02-06,R1,C2,false,-100\n2024-01-07,R2,C3,false,2000\n\
             2024-05-05,R1,C1,false,1500\n2024-05-09,R3,C9,true,300\n2024-06-30,R2,C3,false,1000\n\
             2024-11-01,R1,C4,true,2500\n2024-12-31,R3,C9,false,700\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(format!("{name}.csv")), text).unwrap();
    }
    let plan = common::plan_from(CONSTRUCTS, &[]);
    let run = common::parse_csv(&common::run_csv(&plan, dir.path()));
    let source = Source { name: "constructs.comp".into(), text: CONSTRUCTS.into() };
    let inputs = Inputs::new(&plan, Some(dir.path()), &[]).unwrap();
    let ev = comp::eval::run(&plan, &inputs, comp::eval::Options::default()).unwrap();
    let mut explained = common::Payouts::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (p, id) in ev.participants().iter().enumerate() {
        let x = Explainer::new(&ev, &source, inputs.path(&plan.events), p).unwrap();
        for period in x.explain(&Request::default()).periods {
            for line in &period.lines {
                let name = line.name.clone().unwrap();
                check_node(line, &format!("{id} {} {name}", period.period));
                line.walk(&mut |n| {
                    kinds.insert(format!("{:?}", n.kind));
                    if let Some(d) = &n.detail {
                        kinds.insert(format!("detail:{}", serde_json::to_value(d).unwrap()["kind"].as_str().unwrap()));
                    }
                });
                explained.insert((id.to_string(), period.period.clone(), name), line.value.as_ref().unwrap().exact());
            }
            let total = period.total.unwrap().exact();
            explained.insert((id.to_string(), period.period.clone(), "total".into()), total);
        }
    }
    assert_eq!(explained, run);
    let kinds: Vec<String> = kinds.into_iter().collect();
    insta::assert_snapshot!("constructs_kinds", kinds.join(" "));
    // R1 in Q2: the previous quarter's values, whole and fixed tiers.
    insta::assert_snapshot!("constructs_text", explain_in(dir.path(), "R1", "2024-Q2"));
}

/// `comp explain` of the constructs plan.
fn explain_in(data: &std::path::Path, participant: &str, period: &str) -> String {
    let plan = data.join("constructs.comp");
    std::fs::write(&plan, CONSTRUCTS).unwrap();
    let args = [
        "explain",
        plan.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
        "--participant",
        participant,
        "--period",
        period,
    ];
    let out = comp(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().replace(data.to_str().unwrap(), "DIR")
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

/// `comp explain ... | head`: a reader that goes away ends the output quietly.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::io::Read;
    for command in ["explain", "statement"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_comp"))
            .current_dir(common::root())
            .args([command, "rules/sales_2024.comp", "--data", "rules/data/2024", "--participant", "R03"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start comp");
        drop(child.stdout.take());
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        assert_eq!(stderr, "", "{command}");
        assert_eq!(child.wait().unwrap().code(), Some(0), "{command}");
    }
}

/// A split row is listed for each participant credited, with the share used,
/// and the rows read again add up to the run's (or explain would refuse).
#[test]
fn listed_rows_show_each_participants_split_share() {
    let args = |who: &'static str| {
        [
            "explain",
            "rules/examples/split_credit.comp",
            "--data",
            "rules/examples/data/split_credit",
            "--participant",
            who,
            "--period",
            "Q2",
            "--rows",
        ]
    };
    // D3 (30,000, R3's deal) is split 50/25/25 between R1, R2 and R3.
    let r1 = ok(&args("R1"));
    assert!(r1.contains("rows of R1 in 2024-Q2"), "{r1}");
    let row = r1.lines().find(|l| l.contains("D3")).unwrap_or_else(|| panic!("no D3 row for R1:\n{r1}"));
    assert!(row.contains("50%") && row.contains("15,000.00"), "{row}");
    let r3 = ok(&args("R3"));
    let row = r3.lines().find(|l| l.contains("D3")).unwrap_or_else(|| panic!("no D3 row for R3:\n{r3}"));
    assert!(row.contains("25%") && row.contains("7,500.00"), "{row}");
    assert!(r3.contains("commission = 750.00"), "{r3}");
}

/// A clawback line shows each original period, the rows' amount dated in it
/// and the rate read there: Q3 takes back 10,000 at Q1's 6% and 10,000 at
/// Q2's 5% (rules/examples/clawback.tests works them by hand).
#[test]
fn a_clawback_shows_the_rate_read_in_each_original_period() {
    let args = [
        "explain",
        "rules/examples/clawback.comp",
        "--data",
        "rules/examples/data/clawback",
        "--participant",
        "R1",
        "--period",
        "Q3",
        "--line",
        "clawback",
    ];
    let text = ok(&args);
    assert!(text.contains("clawback = -1,100.00"), "{text}");
    assert!(text.contains("summed by the period of each row's deal_date"), "{text}");
    let row = |period: &str| {
        text.lines().find(|l| l.contains(period)).unwrap_or_else(|| panic!("no {period} row:\n{text}")).to_string()
    };
    let (q1, q2) = (row("2024-Q1"), row("2024-Q2"));
    assert!(q1.contains("10,000.00") && q1.contains("6%") && q1.contains("600.00"), "{q1}");
    assert!(q2.contains("10,000.00") && q2.contains("5%") && q2.contains("500.00"), "{q2}");
    // The row outside the 180-day window is not counted.
    assert!(text.contains("2 rows in this period"), "{text}");
    let json = ok(&[&args[..], &["--format", "json"]].concat());
    assert!(json.contains("\"kind\":\"at\"") || json.contains("\"kind\": \"at\""), "{json}");
}

#[test]
fn a_draw_explains_its_parts() {
    // The balance owed after Q4: the balance before, the top-up and what was
    // recovered, each with the formula it stands for.
    let args = ["explain", "rules/examples/draws.comp", "--data", "rules/examples/data/draws"];
    let text =
        ok(&[&args[..], &["--participant", "R1", "--period", "2024-Q4", "--line", "guarantee_balance"]].concat());
    for part in [
        "guarantee_balance = 600.00",
        "guarantee_balance_before = 1,400.00",
        "guarantee = 0.00",
        "guarantee_recovered_from_commission = -800.00",
        "guarantee_recoverable = 800.00",
    ] {
        assert!(text.contains(part), "no `{part}` in:\n{text}");
    }
    insta::assert_snapshot!("draw_balance", text);
}

#[test]
fn an_interpolated_table_explains_its_segment() {
    let args =
        ["explain", "rules/examples/interpolated_rates.comp", "--data", "rules/examples/data/interpolated_rates"];
    let text = ok(&[&args[..], &["--participant", "R1", "--period", "2024-Q1", "--line", "bonus"]].concat());
    assert!(text.contains("interpolated tiers on 70%"), "{text}");
    insta::assert_snapshot!("interpolated_bonus", text);
}

/// A split row in another currency: converted once, at the deal's rate, then
/// the participant's share of it; the rows read again add up to the run's.
#[test]
fn a_split_row_in_another_currency_shows_its_share_and_rate() {
    let args = |who: &'static str, period: &'static str| {
        [
            "explain",
            "rules/examples/split_currency_draw.comp",
            "--data",
            "rules/examples/data/split_currency_draw",
            "--participant",
            who,
            "--period",
            period,
            "--rows",
        ]
    };
    let r1 = ok(&args("R1", "Q2"));
    // D2: 5,000 USD at 7.20 = 36,000 CNY, R1's 50% at 4% + 1% (senior) = 900
    let row = r1.lines().find(|l| l.contains("D2")).unwrap_or_else(|| panic!("no D2 row for R1:\n{r1}"));
    assert!(row.contains("50%") && row.contains("7.2") && row.contains("36,000.00") && row.contains("900.00"), "{row}");
    // D3, R1's own deal in CNY: whole, no rate, 3% (junior, before 05-15)
    let row = r1.lines().find(|l| l.contains("D3")).unwrap_or_else(|| panic!("no D3 row for R1:\n{r1}"));
    assert!(row.contains("100%") && row.contains("10,000.00") && row.contains("300.00"), "{row}");
    let r2 = ok(&args("R2", "Q1"));
    // D1: 10,000 USD at 7.00 = 70,000 CNY, R2's 40% at 3% = 840
    let row = r2.lines().find(|l| l.contains("D1")).unwrap_or_else(|| panic!("no D1 row for R2:\n{r2}"));
    assert!(row.contains("40%") && row.contains("70,000.00") && row.contains("840.00"), "{row}");
}
