//! `comp curve`: the SVG is well-formed, its band edges sit at the plan's
//! boundaries, and its points are the engine's figures.

use std::process::Command;

fn comp(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_comp"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("failed to start the comp binary");
    (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn attr(node: roxmltree::Node, name: &str) -> f64 {
    node.attribute(name).unwrap_or_else(|| panic!("no {name}")).parse().unwrap()
}

/// The chart's linear map from a value to pixels, read off two tick labels.
fn axis(
    doc: &roxmltree::Document,
    class: &str,
    coord: &str,
    a: &str,
    b: &str,
    va: f64,
    vb: f64,
) -> impl Fn(f64) -> f64 {
    let at = |label: &str| {
        let node = doc
            .descendants()
            .find(|n| n.attribute("class") == Some(class) && n.text() == Some(label))
            .unwrap_or_else(|| panic!("no {class} labelled {label}"));
        attr(node, coord)
    };
    let (pa, pb) = (at(a), at(b));
    move |v| pa + (v - va) / (vb - va) * (pb - pa)
}

#[test]
fn the_reference_curve_marks_the_band_edges_at_100_and_130_percent() {
    let (code, svg, stderr) = comp(&["curve", "rules/sales_2024.comp", "--line", "commission", "--steps", "40"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let x = axis(&doc, "x-tick", "x", "0%", "200%", 0.0, 2.0);
    let edges: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.attribute("class") == Some("band-edge")).collect();
    assert_eq!(edges.len(), 2, "{svg}");
    for (edge, at) in edges.iter().zip([1.0, 1.3]) {
        assert!((attr(*edge, "x1") - x(at)).abs() < 0.01, "edge at {} not at {at}", attr(*edge, "x1"));
    }
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("band-edge-label"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(labels, ["100%", "130%"]);
    let pays: Vec<&str> =
        doc.descendants().filter(|n| n.attribute("class") == Some("band-label")).filter_map(|n| n.text()).collect();
    assert_eq!(pays, ["pays 3%", "pays 5%", "pays 7%"]);

    // The points are the engine's: Q1 quota Q = 1,000,000 × 20% = 200,000;
    // 3% × Q at 100%, + 5% × 0.3 Q at 130%, + 7% × 0.7 Q at 200%.
    // A y tick's label sits 4 pixels below its value (its baseline).
    let y = axis(&doc, "y-tick", "y", "0", "10,000", 0.0, 10_000.0);
    let curve = doc.descendants().find(|n| n.attribute("class") == Some("curve")).expect("a curve");
    let points: Vec<(f64, f64)> = curve
        .attribute("points")
        .unwrap()
        .split(' ')
        .map(|p| {
            let (a, b) = p.split_once(',').unwrap();
            (a.parse().unwrap(), b.parse::<f64>().unwrap() + 4.0)
        })
        .collect();
    assert_eq!(points.len(), 41);
    for (at, commission) in [(0.0, 0.0), (1.0, 6_000.0), (1.3, 9_000.0), (2.0, 18_800.0)] {
        let point = points.iter().find(|p| (p.0 - x(at)).abs() < 0.01).unwrap_or_else(|| panic!("no point at {at}"));
        assert!((point.1 - y(commission)).abs() < 0.02, "at {at}: {} is not {commission}", point.1);
    }
}

#[test]
fn compare_draws_both_plans_with_a_legend() {
    let dir = tempfile::tempdir().unwrap();
    let reference = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/sales_2024.comp")).unwrap();
    let draft = reference
        .replace("plan \"2024年度销售团队目标与激励计划\"", "plan \"draft: 6% over quota\"")
        .replace("= 5%  ", "= 6%  ");
    assert_ne!(draft, reference);
    let other = dir.path().join("draft.comp");
    std::fs::write(&other, draft).unwrap();
    let out = dir.path().join("curve.svg");
    let (code, _, stderr) = comp(&[
        "curve",
        "rules/sales_2024.comp",
        "--line",
        "commission_paid",
        "--compare",
        other.to_str().unwrap(),
        "--steps",
        "20",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let plans: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("curve"))
        .filter_map(|n| n.attribute("data-plan"))
        .collect();
    assert_eq!(plans, ["2024年度销售团队目标与激励计划", "draft: 6% over quota"]);
    assert_eq!(doc.descendants().filter(|n| n.attribute("class") == Some("legend")).count(), 2);
}

#[test]
fn a_line_without_tiers_needs_an_axis() {
    let (code, _, stderr) = comp(&["curve", "rules/sales_2024.comp", "--line", "target_bonus"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("pass `--against NAME`"), "{stderr}");
    let (code, svg, stderr) =
        comp(&["curve", "rules/sales_2024.comp", "--line", "target_bonus", "--against", "A", "--steps", "8"]);
    assert_eq!(code, Some(0), "{stderr}");
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
}

#[test]
fn the_curve_in_the_docs_is_the_plans() {
    let (code, svg, _) = comp(&["curve", "rules/sales_2024.comp", "--line", "commission"]);
    assert_eq!(code, Some(0));
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/commission-curve.svg")).unwrap();
    assert!(committed == svg, "docs/commission-curve.svg is out of date: `comp curve rules/sales_2024.comp --line commission -o docs/commission-curve.svg`");
}

#[test]
fn an_interpolated_curve_runs_straight_between_its_points() {
    let (code, svg, stderr) =
        comp(&["curve", "rules/examples/interpolated_rates.comp", "--line", "bonus", "--steps", "40"]);
    assert_eq!(code, Some(0), "{stderr}");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("band-edge-label"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(labels, ["50%", "100%", "150%"]);
    let pays: Vec<&str> =
        doc.descendants().filter(|n| n.attribute("class") == Some("band-label")).filter_map(|n| n.text()).collect();
    assert_eq!(pays, ["pays 0%", "pays 0% → 100%", "pays 100% → 200%", "pays 200%"]);
    // 10,000 × the factor: 0 at 50%, 5,000 at 75%, 15,000 at 125%, 20,000 from 150%.
    let x = axis(&doc, "x-tick", "x", "0%", "200%", 0.0, 2.0);
    let y = axis(&doc, "y-tick", "y", "0", "10,000", 0.0, 10_000.0);
    let curve = doc.descendants().find(|n| n.attribute("class") == Some("curve")).expect("a curve");
    let points: Vec<(f64, f64)> = curve
        .attribute("points")
        .unwrap()
        .split(' ')
        .map(|p| {
            let (a, b) = p.split_once(',').unwrap();
            (a.parse().unwrap(), b.parse::<f64>().unwrap() + 4.0)
        })
        .collect();
    for (at, bonus) in [(0.5, 0.0), (0.75, 5_000.0), (1.25, 15_000.0), (2.0, 20_000.0)] {
        let point = points.iter().find(|p| (p.0 - x(at)).abs() < 0.01).unwrap_or_else(|| panic!("no point at {at}"));
        assert!((point.1 - y(bonus)).abs() < 0.02, "at {at}: {} is not {bonus}", point.1);
    }
}

/// The curve's points in the chart's units, read off two tick labels of each axis.
fn curve_points(svg: &str, x_ticks: (&str, f64), y_ticks: (&str, f64)) -> Vec<(f64, f64)> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let unmap = |class: &str, coord: &str, (label, value): (&str, f64)| {
        let at = |label: &str| {
            let node = doc
                .descendants()
                .find(|n| n.attribute("class") == Some(class) && n.text() == Some(label))
                .unwrap_or_else(|| panic!("no {class} labelled {label}"));
            attr(node, coord)
        };
        let (p0, p1) = (at("0"), at(label));
        move |p: f64| (p - p0) / (p1 - p0) * value
    };
    let (x, y) = (unmap("x-tick", "x", x_ticks), unmap("y-tick", "y", y_ticks));
    let curve = doc.descendants().find(|n| n.attribute("class") == Some("curve")).expect("a curve");
    curve
        .attribute("points")
        .unwrap()
        .split(' ')
        .map(|p| {
            let (a, b) = p.split_once(',').unwrap();
            // A y tick's label sits 4 pixels below its value (its baseline).
            (x(a.parse().unwrap()), y(b.parse::<f64>().unwrap() + 4.0))
        })
        .collect()
}

#[test]
fn a_plan_with_splits_draws_its_curve_with_every_deal_unsplit() {
    let (code, svg, stderr) =
        comp(&["curve", "rules/examples/split_credit.comp", "--line", "commission", "--against", "C", "--steps", "8"]);
    assert_eq!(code, Some(0), "{stderr}");
    let points = curve_points(&svg, ("100,000", 100_000.0), ("10,000", 10_000.0));
    assert_eq!(points.len(), 9);
    // commission = C × 10%: a deal without split rows is credited whole
    for (c, commission) in points {
        assert!((commission - c * 0.10).abs() < 50.0, "at C = {c}: {commission}");
    }
}

#[test]
fn a_plan_with_exchange_rates_draws_its_curve_in_its_own_currency() {
    let (code, svg, stderr) = comp(&[
        "curve",
        "rules/examples/multi_currency.comp",
        "--line",
        "commission",
        "--against",
        "credit",
        "--steps",
        "8",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let points = curve_points(&svg, ("100,000", 100_000.0), ("1,000", 1_000.0));
    assert_eq!(points.len(), 9);
    // commission = credit × 3%, the deals in CNY (no rate needed)
    for (credit, commission) in points {
        assert!((commission - credit * 0.03).abs() < 20.0, "at credit = {credit}: {commission}");
    }
}

#[test]
fn a_plan_with_splits_rates_and_a_draw_draws_its_curves() {
    let (code, svg, stderr) = comp(&[
        "curve",
        "rules/examples/split_currency_draw.comp",
        "--line",
        "commission",
        "--against",
        "commission",
        "--steps",
        "4",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    roxmltree::Document::parse(&svg).expect("well-formed SVG");
    // The guarantee tops commission up to 1,000 CNY in Q1: 1,000 − commission, down to 0.
    let (code, svg, stderr) = comp(&[
        "curve",
        "rules/examples/split_currency_draw.comp",
        "--line",
        "guarantee",
        "--against",
        "commission",
        "--steps",
        "12",
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    let points = curve_points(&svg, ("1,000", 1_000.0), ("1,000", 1_000.0));
    assert_eq!(points.len(), 13);
    for (commission, guarantee) in points {
        let expected = (1_000.0 - commission).max(0.0);
        assert!((guarantee - expected).abs() < 5.0, "at commission = {commission}: {guarantee}, not {expected}");
    }
}
