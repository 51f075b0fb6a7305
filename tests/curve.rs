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
