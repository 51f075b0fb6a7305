//! Shared by the fuzz targets: render every diagnostic as `comp` would (the
//! renderer is part of what must not panic), and make small tables that fit a
//! checked plan's schema.
#![allow(dead_code)]

use comp::check::{ColumnType, Plan, TableKind, TableSchema};
use comp::report::diagnostics::{render, Source};
use std::fmt::Write as _;
use std::path::Path;

/// Renders each diagnostic as text and as JSON against `text`; the messages.
pub fn report<D: miette::Diagnostic + Send + Sync + 'static>(errors: Vec<D>, text: &str) -> Vec<String> {
    let source = Source { name: "fuzz.comp".into(), text: text.into() };
    let mut messages = Vec::new();
    for e in errors {
        messages.push(e.to_string());
        let _ = comp::report::diagnostics::to_json(&e, Some(&source));
        let _ = render(e, Some(&source), false);
    }
    messages
}

/// The plan text (before the first NUL byte) and the bytes that choose the
/// data (after it).
pub fn split(data: &[u8]) -> (String, &[u8]) {
    let (plan, rest) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    (String::from_utf8_lossy(plan).into_owned(), rest)
}

/// Bytes taken in turn, cycling; zeros when there are none.
pub struct Choices<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Choices<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Choices { bytes, at: 0 }
    }

    pub fn byte(&mut self) -> u8 {
        if self.bytes.is_empty() {
            return 0;
        }
        let b = self.bytes[self.at % self.bytes.len()];
        self.at += 1;
        b
    }

    pub fn pick<'s>(&mut self, options: &[&'s str]) -> &'s str {
        options[self.byte() as usize % options.len()]
    }
}

const IDS: [&str; 3] = ["A", "B", "C"];

/// Writes `<table>.csv` for every table of `plan` into `dir`: three
/// participants, lookups for some of them, and a few events, with values
/// chosen by `choices` (mostly valid, sometimes not).
pub fn write_tables(plan: &Plan, choices: &mut Choices<'_>, dir: &Path) {
    for (_, table) in plan.tables() {
        let rows = match table.kind {
            TableKind::Participants => 3,
            TableKind::Lookup => 1 + choices.byte() as usize % 3,
            TableKind::Events => choices.byte() as usize % 9,
        };
        let mut csv = String::new();
        let header: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        csv.push_str(&header.join(","));
        csv.push('\n');
        for r in 0..rows {
            let cells: Vec<String> = (0..table.columns.len()).map(|c| cell(plan, table, r, c, choices)).collect();
            let _ = writeln!(csv, "{}", cells.join(","));
        }
        std::fs::write(dir.join(format!("{}.csv", table.name)), csv).expect("write a table");
    }
}

fn cell(plan: &Plan, table: &TableSchema, row: usize, col: usize, choices: &mut Choices<'_>) -> String {
    let column = &table.columns[col];
    if col == table.key {
        return match table.kind {
            TableKind::Events => choices.pick(&IDS).to_string(),
            _ => IDS[row % IDS.len()].to_string(),
        };
    }
    if Some(col) == table.date {
        let start = plan.calendar.periods.first().map(|p| p.start).unwrap_or_default();
        let days = choices.byte() as i64 + choices.byte() as i64;
        let date = start + chrono_days(days);
        return date.format("%Y-%m-%d").to_string();
    }
    let invalid = choices.byte() >= 240;
    let valid: &[&str] = match column.ty {
        ColumnType::Text => &["rep", "manager", "T1", "T2", "A", "x", "新能源"],
        ColumnType::Bool => &["true", "false", "1", "0", "yes", "no"],
        ColumnType::Integer => &["0", "1", "-3", "12", "99999999999"],
        ColumnType::Decimal | ColumnType::Money => {
            &["0", "1.5", "-2", "100000", "0.01", "79228162514264337593543950335", "1000000000000000000000000000"]
        }
        ColumnType::Percent => &["0%", "5%", "120%", "0.5", "-1%", "0"],
        ColumnType::Date => &["2024-01-01", "2024-02-29", "2024-12-31", "2023-06-30"],
    };
    if invalid {
        choices.pick(&["", "abc", "1,234.56", "¥100", "2024-02-30", "maybe", " A", "\"open"]).to_string()
    } else {
        choices.pick(valid).to_string()
    }
}

fn chrono_days(days: i64) -> chrono::TimeDelta {
    chrono::TimeDelta::days(days)
}
