//! `comp diff`: the reference plan against changed versions of itself, over the
//! sample data, through the binary as a user runs it. Each test works in a
//! temporary folder holding `old.comp` (the reference plan), the changed plans
//! and `data/` (the sample data), so the reports name short relative paths.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    /// `old.comp` and `data/` in a fresh folder.
    fn new() -> Work {
        let root = common::root();
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::copy(root.join("rules/sales_2024.comp"), dir.path().join("old.comp")).expect("copy plan");
        std::fs::create_dir(dir.path().join("data")).unwrap();
        for t in ["roster", "quotas", "sales"] {
            let name = format!("{t}.csv");
            std::fs::copy(root.join("rules/data/2024").join(&name), dir.path().join("data").join(&name)).unwrap();
        }
        Work { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `name`: the reference plan with each `(from, to)` replaced once.
    fn variant(&self, name: &str, edits: &[(&str, &str)]) {
        let mut text = std::fs::read_to_string(self.path("old.comp")).unwrap();
        for (from, to) in edits {
            assert_eq!(text.matches(from).count(), 1, "`{from}` should occur once in the plan");
            text = text.replace(from, to);
        }
        std::fs::write(self.path(name), text).unwrap();
    }

    /// Runs `comp` in the folder.
    fn comp(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_comp"))
            .current_dir(self.dir.path())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("NO_COLOR")
            .args(args)
            .output()
            .expect("run comp")
    }

    /// `comp diff OLD NEW --data data ARGS...`, which must succeed without diagnostics.
    fn diff(&self, old: &str, new: &str, args: &[&str]) -> String {
        let mut all = vec!["diff", old, new, "--data", "data"];
        all.extend_from_slice(args);
        let out = self.comp(&all);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty(), "unexpected stderr: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// `comp run PLAN --format csv` as (participant, period, line) → amount.
    fn run(&self, plan: &str) -> common::Payouts {
        let out = self.comp(&["run", plan, "--data", "data", "--format", "csv"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        common::parse_csv(&String::from_utf8(out.stdout).unwrap())
    }
}

/// The change the issue's acceptance names: the top band's rate, 7% → 8%.
const TOP_RATE: (&str, &str) = ("param top_rate  = 7%", "param top_rate  = 8%");

type Key = (String, String, String);

/// The diff CSV as (participant, period, line) → (old, new, delta).
fn diff_rows(csv: &str) -> BTreeMap<Key, (String, String, String)> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("participant,period,line,old,new,delta"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 6, "{l}");
            ((f[0].into(), f[1].into(), f[2].into()), (f[3].into(), f[4].into(), f[5].into()))
        })
        .collect()
}

/// The diff CSV as (participant, period, line) → (old, new).
fn diff_amounts(csv: &str) -> BTreeMap<Key, (String, String)> {
    diff_rows(csv).into_iter().map(|(k, v)| (k, (v.0, v.1))).collect()
}

/// What the diff CSV must hold, from two separate `comp run`s: every cell that
/// differs, a missing side empty.
fn expected_rows(old: &common::Payouts, new: &common::Payouts) -> BTreeMap<Key, (String, String)> {
    let keys: BTreeSet<&Key> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| ((*k).clone(), (old.get(k).cloned().unwrap_or_default(), new.get(k).cloned().unwrap_or_default())))
        .collect()
}

fn cents(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let (int, frac) = s.split_once('.').expect("two decimals");
    let sign = if int.starts_with('-') { -1 } else { 1 };
    sign * (int.trim_start_matches('-').parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap())
}

/// Each rep's attainment `A` (C ÷ Q) per quarter under the reference plan, from
/// the engine (tests/hand_worked.rs checks those figures by hand).
fn attainment() -> BTreeMap<(String, String), rust_decimal::Decimal> {
    let root = common::root();
    let plan = common::plan_file(&root.join("rules/sales_2024.comp"));
    let inputs = comp::data::Inputs::new(&plan, Some(&root.join("rules/data/2024")), &[]).unwrap();
    let ev = comp::eval::run(&plan, &inputs, comp::eval::Options::default()).unwrap_or_else(|e| panic!("{e:?}"));
    let a = plan.cell_by_name("A").expect("the plan has A");
    let mut out = BTreeMap::new();
    for (p, id) in ev.participants().iter().enumerate() {
        for (t, period) in plan.calendar.periods.iter().enumerate() {
            if let Some(v) = ev.value(a, p, t) {
                out.insert((id.to_string(), period.label.clone()), v.num());
            }
        }
    }
    out
}

fn ratio(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

#[test]
fn identical_plans_change_nothing() {
    let w = Work::new();
    let table = w.diff("old.comp", "old.comp", &["--fail-on-change"]);
    assert!(table.contains("\nno payout changes\n"), "{table}");
    assert!(table.contains("Participants: 36 compared: 0 up, 0 down, 36 unchanged"), "{table}");
    assert!(table.contains("none: the two files define the same things"), "{table}");
    assert_eq!(w.diff("old.comp", "old.comp", &["--format", "csv"]), "participant,period,line,old,new,delta\n");
    let json: serde_json::Value =
        serde_json::from_str(&w.diff("old.comp", "old.comp", &["--format", "json"])).expect("json");
    assert_eq!(json["changed"], false);
    assert_eq!(json["total"]["delta"], "0.00");
    assert_eq!(json["total"]["percent"], "0.00");
    assert_eq!(json["rows"], serde_json::json!([]));
    // Layout and comments are not changes either.
    w.variant("reformatted.comp", &[("    value C      = sum(credit)", "    value C =   sum( credit )   // 季度业绩")]);
    let table = w.diff("old.comp", "reformatted.comp", &["--fail-on-change"]);
    assert!(table.contains("none: the two files define the same things"), "{table}");
}

#[test]
fn raising_the_top_rate_reports() {
    let w = Work::new();
    w.variant("new.comp", &[TOP_RATE]);
    insta::assert_snapshot!("top_rate_table", w.diff("old.comp", "new.comp", &["--top", "5"]));
    insta::assert_snapshot!(
        "top_rate_markdown",
        w.diff("old.comp", "new.comp", &["--top", "5", "--format", "markdown"])
    );
    insta::assert_snapshot!("top_rate_csv", w.diff("old.comp", "new.comp", &["--format", "csv"]));
    insta::assert_snapshot!("top_rate_json", w.diff("old.comp", "new.comp", &["--top", "2", "--format", "json"]));
}

/// `top_rate` pays on the part of a quarter's credit above 130% of its quota, so
/// raising it from 7% to 8% adds 1% × (C − 1.3 × Q) to the commission of each
/// rep-quarter above 130%, and nothing anywhere else; then the gate, the cap,
/// the 80% paid now and the deferred 20% (released in Q4 or forfeited) apply.
///
/// R01, Q4 (quota 400,000 × 30% = 120,000; credit C = 180,000, A = 150%):
///   old commission 3% × 120,000 + 5% × 36,000 + 7% × 24,000 = 3,600 + 1,800 + 1,680 = 7,080
///   new commission                            + 8% × 24,000 = 7,320: +240 = 1% × (180,000 − 156,000)
///   collected 160,000 of 185,000 contracted (86%): not gated; under the cap
///   paid now 80%: 5,664 → 5,856 (+192); deferred 20%: 1,416 → 1,464 (+48)
///   R01's annual collection rate is 360,000 / 450,000 = exactly 80%, so the
///   deferral is released in Q4: deferred_release 2,666 → 2,714 (+48)
///   Q4 total 15,130 → 15,370: +240, the whole raise (192 now + 48 released).
/// R03 (quota 5,000,000), the gate and the cap:
///   Q3: Q 1,250,000, C 2,500,000; collected 2,500,000 of 5,000,000 (50% < 60%): gated, halved
///       old (37,500 + 18,750 + 7% × 875,000 = 61,250) = 117,500 → 58,750
///       new (37,500 + 18,750 + 8% × 875,000 = 70,000) = 126,250 → 63,125: +4,375 = ½ × 1% × 875,000
///       paid now 47,000 → 50,500 (+3,500); deferred 11,750 → 12,625 (+875)
///   Q4: Q 1,500,000, C 3,000,000: old 45,000 + 22,500 + 73,500 = 141,000, new 151,500; both
///       capped at 100,000: no change
///   R03's annual collection rate is 7,500,000 / 10,000,000 = 75% < 80%: the deferral is
///   forfeited, so the +875 is never paid. R03's year: +3,500.
#[test]
fn raising_the_top_rate_changes_only_reps_above_130_percent() {
    let w = Work::new();
    w.variant("new.comp", &[TOP_RATE]);
    let rows = diff_rows(&w.diff("old.comp", "new.comp", &["--format", "csv"]));
    let row = |p: &str, t: &str, l: &str| {
        rows.get(&(p.into(), t.into(), l.into())).cloned().unwrap_or_else(|| panic!("no row {p} {t} {l}"))
    };
    let r = |o: &str, n: &str, d: &str| (o.to_string(), n.to_string(), d.to_string());
    assert_eq!(row("R01", "2024-Q4", "commission"), r("7080.00", "7320.00", "240.00"));
    assert_eq!(row("R01", "2024-Q4", "commission_paid"), r("5664.00", "5856.00", "192.00"));
    assert_eq!(row("R01", "2024-Q4", "commission_deferred"), r("1416.00", "1464.00", "48.00"));
    assert_eq!(row("R01", "2024-Q4", "deferred_release"), r("2666.00", "2714.00", "48.00"));
    assert_eq!(row("R01", "2024-Q4", "total"), r("15130.00", "15370.00", "240.00"));
    assert_eq!(rows.keys().filter(|k| k.0 == "R01").count(), 5, "R01 changes in Q4 only");
    assert_eq!(row("R03", "2024-Q3", "commission"), r("58750.00", "63125.00", "4375.00"));
    assert_eq!(row("R03", "2024-Q3", "commission_paid"), r("47000.00", "50500.00", "3500.00"));
    assert_eq!(row("R03", "2024-Q3", "commission_deferred"), r("11750.00", "12625.00", "875.00"));
    assert_eq!(row("R03", "2024-Q3", "total"), r("77000.00", "80500.00", "3500.00"));
    assert_eq!(rows.keys().filter(|k| k.0 == "R03").count(), 4, "R03: capped in Q4, deferral forfeited");

    // Every change is in a rep-quarter above 130%, or its deferral released in Q4.
    let a = attainment();
    let top: BTreeSet<(String, String)> =
        a.iter().filter(|(_, v)| **v > ratio("1.3")).map(|(k, _)| k.clone()).collect();
    assert_eq!(top.len(), 30, "rules/data/2024/README.md: 30 rep-quarters above 130%");
    for (p, t, line) in rows.keys() {
        let here = (p.clone(), t.clone());
        match line.as_str() {
            "commission" | "commission_paid" | "commission_deferred" => assert!(top.contains(&here), "{p} {t} {line}"),
            "deferred_release" => {
                assert_eq!(t, "2024-Q4");
                assert!(top.iter().any(|(q, _)| q == p), "{p}: released without a quarter above 130%");
            }
            "total" => {}
            other => panic!("{other} changed for {p} {t}"),
        }
    }
    // And every rep-quarter above 130% changes, unless its commission is capped both ways.
    let old = w.run("old.comp");
    for (p, t) in &top {
        let key = |l: &str| (p.clone(), t.clone(), l.to_string());
        if !rows.contains_key(&key("commission")) {
            assert_eq!(common::line(&old, p, t, "commission"), "100000.00", "{p} {t} is unchanged but not capped");
        }
    }

    // Totals and counts.
    let json: serde_json::Value =
        serde_json::from_str(&w.diff("old.comp", "new.comp", &["--format", "json"])).expect("json");
    let old_total: i64 = old.iter().filter(|(k, _)| k.2 == "total").map(|(_, v)| cents(v)).sum();
    let new_total: i64 = w.run("new.comp").iter().filter(|(k, _)| k.2 == "total").map(|(_, v)| cents(v)).sum();
    assert_eq!(cents(json["total"]["old"].as_str().unwrap()), old_total);
    assert_eq!(cents(json["total"]["new"].as_str().unwrap()), new_total);
    let delta: i64 = rows.iter().filter(|(k, _)| k.2 == "total").map(|(_, v)| cents(&v.2)).sum();
    assert_eq!(cents(json["total"]["delta"].as_str().unwrap()), delta);
    assert_eq!(delta, new_total - old_total);
    let up: BTreeSet<&str> = rows.keys().filter(|k| k.2 == "total").map(|k| k.0.as_str()).collect();
    assert!(rows.iter().filter(|(k, _)| k.2 == "total").all(|(_, v)| cents(&v.2) > 0), "raising a rate lowers no pay");
    assert_eq!(json["participants"]["up"], up.len());
    assert_eq!(json["participants"]["down"], 0);
    assert_eq!(json["participants"]["unchanged"], 36 - up.len());
    assert_eq!(json["participants"]["compared"], 36);
    assert_eq!(json["movers"].as_array().unwrap().len(), 10);
    assert_eq!(json["movers"][0]["participant"], "R03");
    assert_eq!(json["movers"][0]["delta"], "3500.00");
    assert_eq!(
        json["plan_changes"],
        serde_json::json!([{"what": "param", "name": "top_rate", "change": "changed", "detail": "7% → 8%"}])
    );
}

#[test]
fn fail_on_change_exits_1_with_the_report() {
    let w = Work::new();
    w.variant("new.comp", &[TOP_RATE]);
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data", "--fail-on-change", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.is_empty(), "a change is not an error: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), w.diff("old.comp", "new.comp", &["--format", "csv"]));
    // Without the flag a change is success.
    assert_eq!(w.comp(&["diff", "old.comp", "new.comp", "--data", "data"]).status.code(), Some(0));
}

#[test]
fn an_info_line_alone_is_no_change_of_pay() {
    let w = Work::new();
    // A new info line: shown, but paid to no one.
    w.variant(
        "new.comp",
        &[("    payout target_bonus", "    info   attainment_shown = A × 1 CNY\n    payout target_bonus")],
    );
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data", "--fail-on-change"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("\nno payout changes\n"), "{text}");
    assert!(text.contains("attainment_shown (added)"), "{text}");
    assert!(text.contains("info `attainment_shown` added"), "{text}");
}

/// Everything a structural change can show: a participant in one result only,
/// a line added and one removed, a section, a payout and a parameter changed.
#[test]
fn structural_changes_report() {
    let w = Work::new();
    w.variant(
        "new.comp",
        &[
            (r#"section managers where role == "manager""#, r#"section managers where role == "manager" and team != "west""#),
            ("    payout target_bonus = if A >= 100% then target_award", "    payout target_bonus = if A >= 110% then target_award"),
            (
                "    payout champion_award    = if quarter == 4 and rank(annual_attainment) over all == 1 then champion_prize\n",
                "    payout loyalty_bonus = if quarter == 4 and annual_attainment >= 100% then loyalty_award\n",
            ),
            ("param champion_prize     = 20,000 CNY  // 11. 销售冠军奖\n", "param loyalty_award      = 2,000 CNY\n"),
        ],
    );
    let table = w.diff("old.comp", "new.comp", &["--top", "3"]);
    insta::assert_snapshot!("structural_table", table);
    let json: serde_json::Value =
        serde_json::from_str(&w.diff("old.comp", "new.comp", &["--format", "json"])).expect("json");
    assert_eq!(json["only_in_old"], serde_json::json!([{"participant": "M4", "total": "98659.00"}]));
    assert_eq!(json["only_in_new"], serde_json::json!([]));
    // The participant in one result: every line, the other side empty.
    let rows = diff_rows(&w.diff("old.comp", "new.comp", &["--format", "csv"]));
    let m4: Vec<_> = rows.iter().filter(|(k, _)| k.0 == "M4").collect();
    assert_eq!(m4.len(), 8, "M4: manager_override and total in four quarters");
    assert!(m4.iter().all(|(_, v)| v.1.is_empty() && cents(&v.2) == -cents(&v.0)));
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data", "--fail-on-change"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn plan_changes_name_what_differs() {
    let w = Work::new();
    w.variant(
        "new.comp",
        &[
            (r#"version   "2024.1""#, r#"version   "2024.2""#),
            ("Q3: 25%, Q4: 30%", "Q3: 20%, Q4: 35%"),
            ("param commission_cap = 100,000 CNY", "param commission_cap = 120,000.50 CNY"),
            ("    info   commission_deferred", "    payout commission_deferred"),
            // Moved, not changed: the order of definitions does not matter.
            (
                "    value  TC         = sum(C) over team\n    value  TQ         = sum(Q) over team\n",
                "    value  TQ         = sum(Q) over team\n    value  TC         = sum(C) over team\n",
            ),
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&w.diff("old.comp", "new.comp", &["--format", "json"])).expect("json");
    let changes: Vec<String> = json["plan_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let f = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            format!("{} {} {}: {}", f("what"), f("name"), f("change"), f("detail"))
        })
        .collect();
    assert_eq!(
        changes,
        [
            r#"setting version changed: "2024.1" → "2024.2""#,
            "param quarter_weight changed: 2024-Q3 25% → 20%, 2024-Q4 30% → 35%",
            "param commission_cap changed: 100,000 CNY → 120,000.50 CNY",
            "payout commission_deferred changed: was an info line",
        ]
    );
}

/// The diff is exactly the difference of two separate runs, however the data
/// was read: once with every aggregate shared, once with the new plan's row work
/// fused in, once with a worker per plan (the roster is declared differently),
/// or twice (the events table is declared differently).
#[test]
fn the_diff_is_the_difference_of_two_runs() {
    let w = Work::new();
    // The data gains a column only one plan declares.
    let sales = std::fs::read_to_string(w.path("data/sales.csv")).unwrap();
    let with_channel: String = sales
        .lines()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "{l},{}\n",
                if i == 0 {
                    "channel"
                } else if i % 3 == 0 {
                    "web"
                } else {
                    "direct"
                }
            )
        })
        .collect();
    std::fs::write(w.path("data/sales.csv"), with_channel).unwrap();
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: &[Case] = &[
        ("top_rate.comp", &[TOP_RATE], "rows were evaluated once"),
        // Read by a `having` condition, and by a team award: definitions
        // alike in both plans are taken from the old plan's run, the rest
        // computed again.
        (
            "new_customer_min.comp",
            &[("param new_customer_min   = 20,000 CNY", "param new_customer_min   = 10,000 CNY")],
            "rows were evaluated once",
        ),
        (
            "team_pool.comp",
            &[("param team_pool_rate     = 1%", "param team_pool_rate     = 2%")],
            "rows were evaluated once",
        ),
        (
            "uplift.comp",
            &[("param strategic_uplift   = 120%", "param strategic_uplift   = 130%")],
            "3 of the new plan's 4 row aggregates are the old plan's",
        ),
        (
            "section.comp",
            &[(r#"section reps where role == "rep""#, r#"section reps where role == "rep" and team != "east""#)],
            "each row evaluated by both plans\n",
        ),
        (
            "roster.comp",
            &[("    manager:      text?  \"上级经理\"\n", ""), ("param over_rate = 5%", "param over_rate = 6%")],
            "each row evaluated by both plans\n",
        ),
        (
            "channel.comp",
            &[
                (
                    "    collected:        money  \"实际回款额\"\n",
                    "    collected:        money  \"实际回款额\"\n    channel: text\n",
                ),
                ("value credit = if industry", "value credit = if channel == \"web\" then collected else if industry"),
            ],
            "read twice, once per plan: the plans declare the events table differently",
        ),
    ];
    let old = w.run("old.comp");
    for (name, edits, note) in cases {
        w.variant(name, edits);
        let out = w.comp(&["diff", "old.comp", name, "--data", "data", "--format", "csv"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let csv = String::from_utf8(out.stdout).unwrap();
        let got = diff_amounts(&csv);
        let expected = expected_rows(&old, &w.run(name));
        assert!(!expected.is_empty(), "{name} changes something");
        assert_eq!(got, expected, "{name}");
        let table = w.comp(&["diff", "old.comp", name, "--data", "data"]);
        let table = String::from_utf8(table.stdout).unwrap();
        assert!(table.contains(note), "{name}: expected the note `{note}` in\n{table}");
        for threads in ["1", "3"] {
            let out = w.comp(&["diff", "old.comp", name, "--data", "data", "--format", "csv", "--threads", threads]);
            assert_eq!(String::from_utf8(out.stdout).unwrap(), csv, "{name}, {threads} threads");
        }
    }
}

#[test]
fn set_is_a_what_if_on_the_new_plan() {
    let w = Work::new();
    let out = w.diff("old.comp", "old.comp", &["--set", "over_rate=6%", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["new"], "old.comp --set over_rate=6%");
    assert_eq!(
        json["plan_changes"],
        serde_json::json!([{"what": "param", "name": "over_rate", "change": "changed", "detail": "5% → 6% (--set)"}])
    );
    // `over_rate` pays on the part of C between 100% and 130% of Q: only
    // rep-quarters above 100% change.
    let rows = diff_rows(&w.diff("old.comp", "old.comp", &["--set", "over_rate=6%", "--format", "csv"]));
    let a = attainment();
    for (p, t, line) in rows.keys() {
        match line.as_str() {
            "commission" | "commission_paid" | "commission_deferred" => {
                assert!(a[&(p.clone(), t.clone())] > ratio("1"), "{p} {t} is not above 100%")
            }
            "deferred_release" | "total" => {}
            other => panic!("{other} changed for {p} {t}"),
        }
    }
    // R01 Q2 (Q 100,000, C 120,000): 1% more on 20,000 = +200 commission, +160 paid now.
    // R01 Q4 (Q 120,000, C 180,000): 1% more on the 36,000 in the band = +360, +288 now;
    // the +40 and +72 deferred are released in Q4 (R01's annual rate is exactly 80%).
    let get = |p: &str, t: &str, l: &str| rows[&(p.into(), t.into(), l.into())].2.clone();
    assert_eq!(get("R01", "2024-Q2", "commission"), "200.00");
    assert_eq!(get("R01", "2024-Q2", "total"), "160.00");
    assert_eq!(get("R01", "2024-Q4", "commission"), "360.00");
    assert_eq!(get("R01", "2024-Q4", "deferred_release"), "112.00");
    assert_eq!(get("R01", "2024-Q4", "total"), "400.00");
    assert!(!rows.keys().any(|k| k.0 == "R01" && k.1 == "2024-Q1"), "R01 Q1 is at 75%");
    // The old plan is untouched by --set: its totals are `comp run`'s.
    let old = w.run("old.comp");
    assert_eq!(get("R01", "2024-Q4", "total"), "400.00");
    assert_eq!(
        rows[&("R01".into(), "2024-Q4".into(), "total".into())].0,
        common::line(&old, "R01", "2024-Q4", "total")
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .args(["-c", "user.name=comp test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git is installed");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn rev_path_reads_a_plan_from_git() {
    let w = Work::new();
    std::fs::create_dir(w.path("rules")).unwrap();
    std::fs::copy(w.path("old.comp"), w.path("rules/plan.comp")).unwrap();
    git(w.dir.path(), &["init", "-q"]);
    git(w.dir.path(), &["add", "rules/plan.comp"]);
    git(w.dir.path(), &["commit", "-q", "-m", "the 2024 plan"]);
    // An uncommitted edit: what does it do?
    w.variant("rules/plan.comp", &[TOP_RATE]);
    w.variant("new.comp", &[TOP_RATE]);
    let expected = w.diff("old.comp", "new.comp", &["--format", "csv"]);
    assert_eq!(w.diff("HEAD:rules/plan.comp", "rules/plan.comp", &["--format", "csv"]), expected);
    // From a subfolder: `REV:./PATH` is relative to it, `REV:PATH` to the top.
    let sub = w.path("rules");
    let out = Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(&sub)
        .env_remove("GIT_DIR")
        .args(["diff", "HEAD:./plan.comp", "plan.comp", "--data", "../data", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected, "{}", String::from_utf8_lossy(&out.stderr));
    // Committed: both sides from git.
    git(w.dir.path(), &["commit", "-q", "-am", "top rate 8%"]);
    assert_eq!(w.diff("HEAD~1:rules/plan.comp", "HEAD:rules/plan.comp", &["--format", "csv"]), expected);
    let table = w.diff("HEAD~1:rules/plan.comp", "HEAD:rules/plan.comp", &[]);
    assert!(table.starts_with("comp diff · 2024年度销售团队目标与激励计划 · CNY\nold  HEAD~1:rules/plan.comp\nnew  HEAD:rules/plan.comp\n"), "{table}");
}

#[test]
fn git_errors_are_diagnostics() {
    let w = Work::new();
    std::fs::create_dir(w.path("rules")).unwrap();
    std::fs::copy(w.path("old.comp"), w.path("rules/plan.comp")).unwrap();
    // Not a repository yet.
    let out = w.comp(&["diff", "HEAD:rules/plan.comp", "rules/plan.comp", "--data", "data"]);
    assert_eq!(out.status.code(), Some(1));
    let not_repo = String::from_utf8(out.stderr).unwrap();
    assert!(not_repo.contains("cannot read `HEAD:rules/plan.comp` from git: not a git repository"), "{not_repo}");
    git(w.dir.path(), &["init", "-q"]);
    git(w.dir.path(), &["add", "rules/plan.comp"]);
    git(w.dir.path(), &["commit", "-q", "-m", "plan"]);
    let out = w.comp(&["diff", "nope:rules/plan.comp", "HEAD:rules/missing.comp", "--data", "data"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!("git_errors", String::from_utf8(out.stderr).unwrap());
    // A missing file that is not REV:PATH.
    let out = w.comp(&["diff", "missing.comp", "old.comp", "--data", "data"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stderr).unwrap();
    assert!(text.contains("cannot read `missing.comp`"), "{text}");
}

/// A column renamed: the new plan needs a column the data does not have.
#[test]
fn a_schema_change_the_data_does_not_fit_is_an_error() {
    let w = Work::new();
    let text = std::fs::read_to_string(w.path("old.comp")).unwrap();
    std::fs::write(w.path("new.comp"), text.replace("collected", "amount_collected")).unwrap();
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!("schema_change", String::from_utf8(out.stderr).unwrap());
}

/// A column declared by one plan only, which the data has: a warning, and the run.
#[test]
fn a_schema_change_the_data_fits_is_a_warning() {
    let w = Work::new();
    w.variant("new.comp", &[("    region:           text   \"区域\"\n", "")]);
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data", "--fail-on-change"]);
    assert_eq!(out.status.code(), Some(0), "no payout changes");
    let stderr = String::from_utf8(out.stderr).unwrap();
    insta::assert_snapshot!("schema_warning", stderr);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("input schema: table `sales`: column `region` (text) removed"), "{table}");
    assert!(table.contains("table `sales` changed: column `region` (text) removed"), "{table}");
}

#[test]
fn a_row_error_is_reported_against_its_plan() {
    let w = Work::new();
    w.variant(
        "new.comp",
        &[("else collected\n", "else collected × (contract_amount / (contract_amount - contract_amount))\n")],
    );
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("division by zero in `credit`"), "{stderr}");
    assert!(stderr.contains("[new.comp:"), "the error points into the new plan: {stderr}");
    assert!(stderr.contains("error: the run of the new plan `new.comp` has"), "{stderr}");
    assert!(!stderr.contains("old plan"), "{stderr}");
}

/// Errors in data both plans read are reported once; reading stops after the
/// first twenty, and the summary says so.
#[test]
fn data_errors_are_reported_once_for_both_plans() {
    let w = Work::new();
    w.variant("new.comp", &[TOP_RATE]);
    let sales = std::fs::read_to_string(w.path("data/sales.csv")).unwrap();
    let broken: String = sales
        .lines()
        .enumerate()
        .map(
            |(i, l)| if i > 0 && i % 10 == 0 { format!("{}\n", l.replace("2024-", "2024/")) } else { format!("{l}\n") },
        )
        .collect();
    std::fs::write(w.path("data/sales.csv"), broken).unwrap();
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches("× ").count(), 20, "{stderr}");
    let last = stderr.lines().last().unwrap();
    assert!(
        last.starts_with("error: the data has at least 20 errors; stopped after line 201 of `data/sales.csv`"),
        "{last}"
    );
    assert!(!stderr.contains("old plan") && !stderr.contains("new plan"), "{stderr}");
}

#[test]
fn both_plans_must_check() {
    let w = Work::new();
    w.variant("new.comp", &[("min(gated, commission_cap)", "min(gated, comission_cap)")]);
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("comission_cap"), "{stderr}");
    assert!(stderr.contains("error: the new plan `new.comp` has 1 error"), "{stderr}");
    // `--set` applies to the new plan only, and is checked there.
    let out = w.comp(&["diff", "old.comp", "old.comp", "--data", "data", "--set", "over_rate=5 CNY"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error: the new plan `old.comp` has 1 error"), "{stderr}");
    assert!(!stderr.contains("the old plan"), "{stderr}");
}

#[test]
fn json_diagnostics_name_the_plan() {
    let w = Work::new();
    w.variant("new.comp", &[("min(gated, commission_cap)", "min(gated, comission_cap)")]);
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data", "--diagnostics", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["plan"], "new");
    assert_eq!(lines[0]["severity"], "error");
    assert_eq!(lines[0]["file"], "new.comp");
    assert!(lines[0]["message"].as_str().unwrap().contains("comission_cap"));
}

#[test]
fn usage_errors_exit_2() {
    let w = Work::new();
    assert_eq!(w.comp(&["diff", "old.comp", "old.comp"]).status.code(), Some(2));
    assert_eq!(w.comp(&["diff", "old.comp"]).status.code(), Some(2));
    assert_eq!(w.comp(&["diff", "old.comp", "old.comp", "--data", "data", "--threads", "0"]).status.code(), Some(2));
    assert_eq!(w.comp(&["diff", "old.comp", "old.comp", "--data", "data", "--top", "x"]).status.code(), Some(2));
    assert_eq!(w.comp(&["diff", "old.comp", "old.comp", "--data", "data", "--format", "xml"]).status.code(), Some(2));
    let out = w.comp(&["diff", "old.comp", "old.comp", "--data", "data", "--table", "nosuch=x.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("names no table of either plan"), "{stderr}");
    assert!(stderr.contains("the plans' tables are quotas, roster, sales"), "{stderr}");
    // Without `--data`, a table neither plan is given a file for: once, for both.
    let out = w.comp(&["diff", "old.comp", "old.comp", "--table", "sales=data/sales.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("no file for table `roster`").count(), 1, "{stderr}");
}

#[test]
fn help_documents_the_exit_codes() {
    let w = Work::new();
    let out = w.comp(&["diff", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("with --fail-on-change, 1 is either a change or an error"), "{help}");
    assert!(help.contains("REV:PATH"), "{help}");
}

#[test]
fn output_file_is_written_whole_and_plain() {
    let w = Work::new();
    w.variant("new.comp", &[TOP_RATE]);
    let out = w.comp(&["diff", "old.comp", "new.comp", "--data", "data", "--output", "report.txt"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(w.path("report.txt")).unwrap();
    assert_eq!(text, w.diff("old.comp", "new.comp", &[]));
    assert!(!text.contains('\x1b'), "no colour in a file");
}

/// `--top`: how many movers; 0 leaves the section out.
#[test]
fn top_limits_the_movers() {
    let w = Work::new();
    w.variant("new.comp", &[TOP_RATE]);
    let json: serde_json::Value =
        serde_json::from_str(&w.diff("old.comp", "new.comp", &["--top", "3", "--format", "json"])).unwrap();
    let movers: Vec<&str> =
        json["movers"].as_array().unwrap().iter().map(|m| m["participant"].as_str().unwrap()).collect();
    assert_eq!(movers, ["R03", "R20", "R07"]);
    let table = w.diff("old.comp", "new.comp", &["--top", "0"]);
    assert!(!table.contains("movers"), "{table}");
}

/// `comp diff ... | head -1`: the reader goes away; comp ends quietly, and the
/// exit code still says whether pay changed.
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    let w = Work::new();
    w.variant("new.comp", &[TOP_RATE]);
    let closed = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_comp"))
            .current_dir(w.dir.path())
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run comp");
        drop(child.stdout.take());
        let mut stderr = String::new();
        child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (child.wait().unwrap().code(), stderr)
    };
    assert_eq!(closed(&["diff", "old.comp", "new.comp", "--data", "data"]), (Some(0), String::new()));
    let args = ["diff", "old.comp", "new.comp", "--data", "data", "--fail-on-change", "--format", "json"];
    assert_eq!(closed(&args), (Some(1), String::new()));
}

/// Colour only on request (a terminal); increases green, decreases red.
#[test]
fn colour_marks_increases_and_decreases() {
    use comp::report::{self, diff};
    let root = common::root();
    let text = std::fs::read_to_string(root.join("rules/sales_2024.comp")).unwrap();
    let old = common::plan_from(&text, &[]);
    let new = common::plan_from(&text, &[("over_rate", "6%"), ("target_award", "4,000 CNY")]);
    let data = root.join("rules/data/2024");
    let run = |plan| {
        let inputs = comp::data::Inputs::new(plan, Some(&data), &[]).unwrap();
        comp::eval::run(plan, &inputs, comp::eval::Options::default()).unwrap_or_else(|e| panic!("{e:?}"))
    };
    let (a, b) = (run(&old), run(&new));
    let (sa, sb) = (report::statements(&a), report::statements(&b));
    let c = diff::compare(
        &diff::Side { label: "old".into(), plan: &old, statements: &sa },
        &diff::Side { label: "new".into(), plan: &new, statements: &sb },
        10,
    );
    assert!(c.counts.up > 0 && c.counts.down > 0, "{:?}", c.counts);
    let plain = diff::table(&c, false);
    let coloured = diff::table(&c, true);
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b[32m+"), "increases in green");
    assert!(coloured.contains("\x1b[31m-"), "decreases in red");
    let stripped = coloured.replace("\x1b[32m", "").replace("\x1b[31m", "").replace("\x1b[0m", "");
    assert_eq!(stripped, plain, "colour changes no text or alignment");
}

/// On the example plans that convert currencies and change a rate during the
/// year, a diff is still exactly the difference of two separate runs: a row
/// reads a dated parameter on its own date, so a change moved inside a
/// period is a change, and an amount taken as it is is not the converted one.
#[test]
fn the_diff_of_dated_and_converted_plans_is_the_difference_of_two_runs() {
    let root = common::root();
    let cases: &[(&str, &str, &str)] = &[
        ("dated_changes", "3%, from 2024-08-15: 4%", "3%, from 2024-09-15: 4%"),
        ("multi_currency", "amount:    money in currency", "amount:    money"),
    ];
    for (name, from, to) in cases {
        let dir = tempfile::tempdir().unwrap();
        let plan = std::fs::read_to_string(root.join(format!("rules/examples/{name}.comp"))).unwrap();
        assert_eq!(plan.matches(from).count(), 1, "`{from}` should occur once in {name}");
        std::fs::write(dir.path().join("old.comp"), &plan).unwrap();
        std::fs::write(dir.path().join("new.comp"), plan.replace(from, to)).unwrap();
        let data = root.join(format!("rules/examples/data/{name}"));
        let comp = |args: &[&str]| {
            let out = Command::new(env!("CARGO_BIN_EXE_comp"))
                .current_dir(dir.path())
                .args(args)
                .arg("--data")
                .arg(&data)
                .args(["--format", "csv"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap()
        };
        let (old, new) =
            (common::parse_csv(&comp(&["run", "old.comp"])), common::parse_csv(&comp(&["run", "new.comp"])));
        let expected = expected_rows(&old, &new);
        assert!(!expected.is_empty(), "{name}: the edit changes payouts");
        let got: BTreeMap<Key, (String, String)> = diff_amounts(&comp(&["diff", "old.comp", "new.comp"]));
        assert_eq!(got, expected, "{name}");
    }
}

/// Plans that read the participants table with another hierarchy (`reports
/// to`) or other effective dates (`from`) give other groups: nothing computed
/// by one is taken for the other's, though every rule reads the same.
#[test]
fn another_hierarchy_or_history_is_a_change() {
    const HEAD: &str = "plan \"p\" {\n    currency CNY\n    period quarter\n    year 2024\n}\n";
    const EVENTS: &str =
        "events sales by rep on date { date: date  rep: text  amount: money }\nvalue C = sum(amount)\n";
    let cases = [
        (
            "participant,role,manager,mentor\nA,rep,M,N\nB,rep,M,N\nC,rep,N,M\nM,manager,,\nN,manager,,\n",
            "2024-01-05,A,100.00\n2024-02-05,B,200.00\n2024-02-06,C,400.00\n",
            "participants roster by participant reports to manager { participant: text  role: text  manager: text?  mentor: text? }\n",
            "participants roster by participant reports to mentor { participant: text  role: text  manager: text?  mentor: text? }\n",
            "payout bonus = sum(C) over reports × 10%\n",
        ),
        (
            "participant,role,team,start,alt\nA,rep,X,2024-01-01,2024-01-01\nA,rep,Y,2024-07-01,2024-04-01\n\
             B,rep,X,2024-01-01,2024-01-01\nC,rep,Y,2024-01-01,2024-01-01\n",
            "2024-05-05,A,100.00\n2024-05-05,B,200.00\n2024-05-06,C,400.00\n",
            "participants roster by participant from start { participant: text  role: text  team: text  start: date  alt: date }\n",
            "participants roster by participant from alt { participant: text  role: text  team: text  start: date  alt: date }\n",
            "payout bonus = sum(C) over team × 10%\npayout in_y = sum(amount where team == \"Y\") × 10%\n",
        ),
    ];
    for (roster, sales, old_table, new_table, rules) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/roster.csv"), roster).unwrap();
        std::fs::write(dir.path().join("data/sales.csv"), format!("date,rep,amount\n{sales}")).unwrap();
        std::fs::write(dir.path().join("old.comp"), format!("{HEAD}{old_table}{EVENTS}{rules}")).unwrap();
        std::fs::write(dir.path().join("new.comp"), format!("{HEAD}{new_table}{EVENTS}{rules}")).unwrap();
        let w = Work { dir };
        let expected = expected_rows(&w.run("old.comp"), &w.run("new.comp"));
        assert!(!expected.is_empty(), "{new_table}: the runs differ");
        let csv = w.diff("old.comp", "new.comp", &["--format", "csv"]);
        let got = diff_amounts(&csv);
        assert_eq!(got, expected, "{new_table}");
    }
}
