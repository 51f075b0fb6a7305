//! The events table is read in blocks of a megabyte, split across threads.
//! A file of several blocks gives the same bytes out whatever the thread
//! count, the order of its rows, its line endings and how its fields are
//! quoted — with quoted fields holding commas, quotes and line breaks, some
//! of them across a block boundary.

mod common;

use comp::check::Plan;
use comp::data::Inputs;
use comp::eval::Options;
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

/// Copies of each sample row: enough for two blocks.
const COPIES: usize = 36;

/// The sample sales rows, each `COPIES` times (with its own id), as fields.
/// Every ninth row's `region` (which no rule reads) holds a comma, a quote
/// or a line break, and must be quoted.
fn rows() -> &'static (Vec<String>, Vec<Vec<String>>) {
    static ROWS: OnceLock<(Vec<String>, Vec<Vec<String>>)> = OnceLock::new();
    ROWS.get_or_init(|| {
        let text = std::fs::read_to_string(common::root().join("rules/data/2024/sales.csv")).unwrap();
        let mut lines = text.lines();
        let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
        let region = header.iter().position(|h| h == "region").unwrap();
        let sample: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_string).collect()).collect();
        let mut rows = Vec::new();
        for copy in 0..COPIES {
            for (i, row) in sample.iter().enumerate() {
                let mut row = row.clone();
                row[0] = format!("{}-{copy}", row[0]);
                row[region] = match (copy + i) % 27 {
                    0 => format!("{}, 备注", row[region]),
                    9 => format!("{}\n第二行", row[region]),
                    18 => format!("say \"{}\"", row[region]),
                    _ => row[region].clone(),
                };
                rows.push(row);
            }
        }
        (header, rows)
    })
}

/// How a file is written.
#[derive(Debug, Clone, Copy)]
struct Layout {
    crlf: bool,
    /// Quote every field of every tenth row (each quoted record takes the
    /// csv crate's slower path).
    quote_more: bool,
    /// Write the unread `region`'s commas, quotes and line breaks as spaces:
    /// a file with no quote at all, whose blocks take the plain path.
    unquoted: bool,
    /// Shuffle the rows with this seed (0: in order).
    seed: u64,
}

fn write_sales(dir: &Path, layout: Layout) {
    let (header, rows) = rows();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    if layout.seed != 0 {
        let mut state = layout.seed | 1;
        for i in (1..order.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (state >> 33) as usize % (i + 1));
        }
    }
    let end = if layout.crlf { "\r\n" } else { "\n" };
    let field = |f: &str, row: usize| {
        if layout.unquoted {
            f.replace([',', '"', '\n'], " ")
        } else if layout.quote_more && row % 10 == 0 || f.contains([',', '"', '\n']) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.to_string()
        }
    };
    let mut text = header.join(",") + end;
    for &i in &order {
        let fields: Vec<String> = rows[i].iter().map(|f| field(f, i)).collect();
        text.push_str(&fields.join(","));
        text.push_str(end);
    }
    assert!(text.len() > 1 << 20, "the file must span several blocks: {} bytes", text.len());
    std::fs::write(dir.join("sales.csv"), text).unwrap();
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| common::plan_file(&common::root().join("rules/sales_2024.comp")))
}

fn run(layout: Layout, threads: usize) -> String {
    let dir = tempfile::tempdir().unwrap();
    for t in ["roster", "quotas"] {
        let from = common::root().join(format!("rules/data/2024/{t}.csv"));
        std::fs::copy(from, dir.path().join(format!("{t}.csv"))).unwrap();
    }
    write_sales(dir.path(), layout);
    let inputs = Inputs::new(plan(), Some(dir.path()), &[]).unwrap();
    let ev =
        comp::eval::run(plan(), &inputs, Options::threads(threads)).unwrap_or_else(|e| panic!("{layout:?}: {e:?}"));
    comp::report::csv(plan(), &comp::report::statements(&ev))
}

fn expected() -> &'static str {
    static EXPECTED: OnceLock<String> = OnceLock::new();
    EXPECTED.get_or_init(|| run(Layout { crlf: false, quote_more: false, unquoted: false, seed: 0 }, 1))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    #[test]
    fn blocks_threads_order_line_endings_and_quotes_do_not_change_the_output(
        threads in 1usize..5,
        crlf in any::<bool>(),
        quote_more in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let out = run(Layout { crlf, quote_more, unquoted: false, seed }, threads);
        prop_assert!(out == expected(), "threads {threads}, crlf {crlf}, quote_more {quote_more}, seed {seed}");
    }
}

/// A file without a single quote (nor `\r`): every block is split by the
/// plain path, across several blocks, with the same output.
#[test]
fn a_file_without_quotes_gives_the_same_output() {
    for threads in [1, 2] {
        let out = run(Layout { crlf: false, quote_more: false, unquoted: true, seed: 7 }, threads);
        assert!(out == expected(), "{threads} threads");
    }
}
