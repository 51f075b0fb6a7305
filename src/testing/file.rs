//! Reading a `.tests` file.
//!
//! ```text
//! // Tests of sales_2024.comp.
//! data data/2024                        tables not given below come from here
//!
//! table quotas                          a table for every case: CSV, header first,
//!     rep,annual_quota                  up to a blank line or the next keyword
//!     R1,400000
//!
//! case "3. commission bands"
//!     set over_rate = 6%                a parameter, as `comp run --set`
//!     table sales                       this case's own table
//!         id,date,rep,collected
//!         S1,2024-01-15,R1,120000
//!     expect R1 2024-Q1 commission = 4,720.00
//!     expect R1 2024-Q1 A = 150%        any value of the plan, not only lines
//! ```
//!
//! A case with its own `data` line starts from that folder, without the
//! file's tables. Lines are read by their first word: `data`, `table`, `set`, `case` and
//! `expect`; `//` starts a comment line. Other lines are CSV rows of the table
//! above them.

use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// A test file: what every case starts from, and the cases.
#[derive(Debug, Clone, Default)]
pub struct TestFile {
    pub defaults: Setup,
    pub cases: Vec<Case>,
}

/// Where a case's data comes from, and the parameters it changes.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// A folder of `<table>.csv` for the tables not given inline.
    pub data: Option<PathBuf>,
    /// Tables given inline: name, CSV text.
    pub tables: Vec<(String, String)>,
    /// `set NAME = VALUE`
    pub sets: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// 1-based line of `case` in the test file.
    pub line: usize,
    pub setup: Setup,
    pub expects: Vec<Expect>,
}

/// `expect R01 2024-Q1 commission = 1,800.00`
#[derive(Debug, Clone)]
pub struct Expect {
    pub participant: String,
    pub period: String,
    /// A line or value of the plan, or `total`.
    pub name: String,
    pub value: Decimal,
    /// The value as written.
    pub written: String,
    pub line: usize,
}

/// A mistake in a test file, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub line: usize,
    pub message: String,
}

const KEYWORDS: [&str; 5] = ["data", "table", "set", "case", "expect"];

fn keyword(line: &str) -> Option<(&str, &str)> {
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    KEYWORDS.contains(&word).then_some((word, rest.trim()))
}

/// Reads a test file; `dir` is its folder, against which `data` paths are read.
pub fn parse(text: &str, dir: &Path) -> Result<TestFile, FileError> {
    let mut file = TestFile::default();
    // The table whose rows are being read, as (case or defaults, index).
    let mut open_table: Option<usize> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let trimmed = raw.trim();
        let err = |message: String| Err(FileError { line, message });
        if trimmed.is_empty() {
            open_table = None;
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        let setup = match file.cases.last_mut() {
            Some(c) => &mut c.setup,
            None => &mut file.defaults,
        };
        let Some((word, rest)) = keyword(trimmed) else {
            match open_table {
                Some(t) => {
                    let csv = &mut setup.tables[t].1;
                    csv.push_str(trimmed);
                    csv.push('\n');
                    continue;
                }
                None => {
                    return err(format!(
                        "expected `case`, `expect`, `table`, `set` or `data`, found `{}`",
                        trimmed.split_whitespace().next().unwrap_or(trimmed)
                    ))
                }
            }
        };
        open_table = None;
        match word {
            "data" if rest.is_empty() => return err("`data` needs a folder: `data data/2024`".into()),
            "data" => setup.data = Some(dir.join(unquote(rest))),
            "table" => {
                if rest.is_empty() || rest.contains(char::is_whitespace) {
                    return err("`table` needs one table name, then its CSV rows on the lines below".into());
                }
                setup.tables.retain(|(name, _)| name != rest);
                setup.tables.push((rest.to_string(), String::new()));
                open_table = Some(setup.tables.len() - 1);
            }
            "set" => match rest.split_once('=') {
                Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
                    setup.sets.push((name.trim().to_string(), value.trim().to_string()))
                }
                _ => return err("expected `set NAME = VALUE`".into()),
            },
            "case" => {
                let name = unquote(rest);
                if name.is_empty() {
                    return err("a case needs a name: `case \"what it shows\"`".into());
                }
                file.cases.push(Case { name: name.to_string(), line, setup: Setup::default(), expects: Vec::new() });
            }
            "expect" => {
                let Some(case) = file.cases.last_mut() else {
                    return err("`expect` belongs to a case: write `case \"...\"` above it".into());
                };
                case.expects.push(expect(rest, line)?);
            }
            _ => unreachable!("a keyword"),
        }
    }
    for (name, csv) in file.defaults.tables.iter().chain(file.cases.iter().flat_map(|c| &c.setup.tables)) {
        if csv.is_empty() {
            let line = text.lines().position(|l| l.trim() == format!("table {name}")).map_or(0, |l| l + 1);
            return Err(FileError { line, message: format!("table `{name}` has no rows: write its CSV header first") });
        }
    }
    Ok(file)
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(s)
}

fn expect(rest: &str, line: usize) -> Result<Expect, FileError> {
    let usage = || FileError { line, message: "expected `expect PARTICIPANT PERIOD NAME = AMOUNT`".into() };
    let (left, right) = rest.split_once('=').ok_or_else(usage)?;
    let words: Vec<&str> = left.split_whitespace().collect();
    let [participant, period, name] = words[..] else {
        return Err(usage());
    };
    let written = right.trim().to_string();
    let value = amount(&written).ok_or_else(|| FileError {
        line,
        message: format!("`{written}` is not an amount: write `1,800.00`, `-5,000` or `120%`"),
    })?;
    Ok(Expect {
        participant: participant.to_string(),
        period: period.to_string(),
        name: name.to_string(),
        value,
        written,
        line,
    })
}

/// `1,800.00`, `-5,000`, `120%` (1.2), `20,000 CNY`.
pub fn amount(text: &str) -> Option<Decimal> {
    let text = text.trim();
    let text = match text.rsplit_once(' ') {
        Some((n, code)) if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) => n.trim(),
        _ => text,
    };
    let (number, percent) = match text.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (text, false),
    };
    let plain: String = number.chars().filter(|c| *c != ',').collect();
    let value = Decimal::from_str_exact(&plain).ok()?;
    Some(if percent { value / Decimal::ONE_HUNDRED } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_into_cases() {
        let text = "// c\ndata d\ntable quotas\n  rep,q\n  R1,1\n\ncase \"one\"\n  set r = 5%\n  table sales\n    a,b\n    1,2\n  expect R1 2024-Q1 pay = 1,800.50\n  expect R1 2024-Q1 A = 120%\n";
        let f = parse(text, Path::new("/x")).unwrap();
        assert_eq!(f.defaults.data, Some(PathBuf::from("/x/d")));
        assert_eq!(f.defaults.tables, [("quotas".to_string(), "rep,q\nR1,1\n".to_string())]);
        let case = &f.cases[0];
        assert_eq!((case.name.as_str(), case.line), ("one", 7));
        assert_eq!(case.setup.sets, [("r".to_string(), "5%".to_string())]);
        assert_eq!(case.setup.tables[0].1, "a,b\n1,2\n");
        assert_eq!(case.expects[0].value, Decimal::new(180050, 2));
        assert_eq!(case.expects[1].value, Decimal::new(12, 1));
    }

    #[test]
    fn mistakes_name_their_line() {
        let e = parse("case \"a\"\nexpect R1 2024-Q1 pay 5\n", Path::new(".")).unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse("R1,2\n", Path::new(".")).unwrap_err();
        assert_eq!(e.message, "expected `case`, `expect`, `table`, `set` or `data`, found `R1,2`");
        let e = parse("case \"a\"\nexpect R1 2024-Q1 pay = lots\n", Path::new(".")).unwrap_err();
        assert!(e.message.contains("`lots` is not an amount"));
    }
}
