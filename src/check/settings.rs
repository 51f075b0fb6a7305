//! The plan header: name, version, currency, periods and the rounding rule.

use super::errors::{closest, did_you_mean, CheckError};
use super::plan::{Calendar, Grain, Period, Rounding, RoundingMode};
use crate::syntax::ast::{Header, Setting, SettingArg};
use crate::syntax::Span;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

pub struct Settings {
    pub name: String,
    pub version: Option<String>,
    pub currency: String,
    pub calendar: Calendar,
    pub rounding: Rounding,
}

const KNOWN: [&str; 5] = ["version", "currency", "period", "year", "rounding"];

pub fn read(header: Option<&Header>, errors: &mut Vec<CheckError>) -> Settings {
    let mut version = None;
    let mut currency = None;
    let mut grain = None;
    let mut year = None;
    let mut rounding = Rounding { unit: Decimal::new(1, 2), mode: RoundingMode::HalfAwayFromZero };
    let Some(header) = header else {
        errors.push(CheckError::invalid(
            "the plan has no header",
            Span::new(0, 0),
            "expected `plan \"name\" { ... }` here",
            Some("start the file with `plan \"My plan\" {`, then `currency CNY`, `period quarter` and `year 2024` each on its own line, then `}`".into()),
        ));
        return Settings {
            name: String::new(),
            version,
            currency: "CNY".into(),
            calendar: calendar(Grain::Quarter, 2000),
            rounding,
        };
    };
    // Settings named but not read: misspelt (`currancy`) or run into another
    // setting's line. Their absence is not reported again.
    let mut named: Vec<&str> = Vec::new();
    for s in &header.settings {
        named.extend(extra_args(s, errors));
        match s.key.as_str() {
            "version" => version = text_arg(s, errors),
            "currency" => {
                currency = word_arg(s, errors).and_then(|w| {
                    if w.len() == 3 && w.chars().all(|c| c.is_ascii_uppercase()) {
                        Some(w)
                    } else {
                        errors.push(CheckError::invalid(
                            format!("`{w}` is not a currency code"),
                            s.args[0].span,
                            "expected a three-letter code",
                            Some("write an ISO 4217 code such as `CNY`, `USD` or `EUR`".into()),
                        ));
                        None
                    }
                })
            }
            "period" => {
                grain = word_arg(s, errors).and_then(|w| match w.as_str() {
                    "month" => Some(Grain::Month),
                    "quarter" => Some(Grain::Quarter),
                    "year" => Some(Grain::Year),
                    _ => {
                        errors.push(CheckError::invalid(
                            format!("unknown period grain `{w}`"),
                            s.args[0].span,
                            "expected `month`, `quarter` or `year`",
                            did_you_mean(&w, ["month", "quarter", "year"]),
                        ));
                        None
                    }
                })
            }
            "year" => match s.args.first().map(|a| &a.node) {
                Some(SettingArg::Number(n))
                    if n.fract().is_zero() && *n >= Decimal::from(1900) && *n <= Decimal::from(9999) =>
                {
                    // `2024.000000000`: the value, not the mantissa over the scale.
                    year = rust_decimal::prelude::ToPrimitive::to_i32(n)
                }
                _ => errors.push(CheckError::invalid(
                    "`year` needs a four-digit year",
                    s.span,
                    "expected a year such as 2024",
                    None,
                )),
            },
            "rounding" => {
                match s.args.first().map(|a| &a.node) {
                    Some(SettingArg::Number(unit)) if !unit.is_zero() => rounding.unit = *unit,
                    _ => errors.push(CheckError::invalid(
                        "`rounding` needs a unit",
                        s.span,
                        "expected a unit such as 0.01",
                        Some("write `rounding 0.01 half_away_from_zero`".into()),
                    )),
                }
                if let Some(arg) = s.args.get(1) {
                    match &arg.node {
                        SettingArg::Word(w) => match rounding_mode(w) {
                            Some(m) => rounding.mode = m,
                            None => errors.push(unknown_mode(w, arg.span)),
                        },
                        _ => errors.push(unknown_mode("", arg.span)),
                    }
                }
            }
            other => {
                let guess = closest(other, KNOWN);
                named.extend(guess);
                errors.push(CheckError::Unknown {
                    what: "setting",
                    name: other.to_string(),
                    span: s.key.span.into(),
                    help: guess
                        .map(|g| format!("did you mean `{g}`?"))
                        .or_else(|| Some(format!("the settings are {}", list(&KNOWN)))),
                })
            }
        }
    }
    named.extend(header.settings.iter().map(|s| s.key.as_str()));
    let required = [
        ("currency", "currency CNY", currency.is_some()),
        ("period", "period quarter", grain.is_some()),
        ("year", "year 2024", year.is_some()),
    ];
    let missing: Vec<(&str, &str)> =
        required.iter().filter(|(n, _, set)| !set && !named.contains(n)).map(|(n, e, _)| (*n, *e)).collect();
    if !missing.is_empty() {
        let names: Vec<String> = missing.iter().map(|(n, _)| format!("`{n}`")).collect();
        let examples: Vec<String> = missing.iter().map(|(_, e)| format!("`{e}`")).collect();
        let help = if missing.len() == 1 {
            format!("add {} to the header", examples[0])
        } else {
            format!("add {} to the header, each on its own line", and_list(&examples))
        };
        errors.push(CheckError::invalid(
            format!("the plan header has no {}", or_list(&names)),
            header.name.span,
            "in this plan",
            Some(help),
        ));
    }
    Settings {
        name: header.name.node.clone(),
        version,
        currency: currency.unwrap_or_else(|| "CNY".into()),
        calendar: calendar(grain.unwrap_or(Grain::Quarter), year.unwrap_or(2000)),
        rounding,
    }
}

pub fn rounding_mode(word: &str) -> Option<RoundingMode> {
    RoundingMode::ALL.iter().find(|(n, _)| *n == word).map(|(_, m)| *m)
}

pub fn unknown_mode(word: &str, span: Span) -> CheckError {
    let names: Vec<&str> = RoundingMode::ALL.iter().map(|(n, _)| *n).collect();
    CheckError::Unknown {
        what: "rounding mode",
        name: word.to_string(),
        span: span.into(),
        help: did_you_mean(word, names.iter().copied()).or_else(|| Some(format!("the modes are {}", list(&names)))),
    }
}

/// Reports the values past the last one `s` takes, if any, and returns the
/// setting names among them (`currency CNY period quarter` names `period`).
fn extra_args<'h>(s: &'h Setting, errors: &mut Vec<CheckError>) -> Vec<&'h str> {
    let (max, takes) = match s.key.as_str() {
        "version" | "currency" | "period" | "year" => (1, "one value"),
        "rounding" => (2, "one or two values"),
        _ => return Vec::new(),
    };
    let extra = &s.args[max.min(s.args.len())..];
    let (Some(first), Some(last)) = (extra.first(), extra.last()) else { return Vec::new() };
    let words: Vec<&str> = extra
        .iter()
        .filter_map(|a| match &a.node {
            SettingArg::Word(w) => KNOWN.iter().copied().find(|k| k == w),
            _ => None,
        })
        .collect();
    let label = match words.first() {
        Some(w) => format!("`{w}` starts another setting"),
        None if extra.len() == 1 => "an extra value".to_string(),
        None => "extra values".to_string(),
    };
    errors.push(CheckError::invalid(
        format!("`{}` takes {takes}", s.key.as_str()),
        first.span.to(last.span),
        label,
        Some("write one setting per line".into()),
    ));
    words
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    join_last(items, "or")
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    join_last(items, "and")
}

fn join_last(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

pub fn list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn text_arg(s: &Setting, errors: &mut Vec<CheckError>) -> Option<String> {
    match s.args.first().map(|a| &a.node) {
        Some(SettingArg::Text(t)) => Some(t.clone()),
        Some(SettingArg::Word(w)) => Some(w.clone()),
        Some(SettingArg::Number(n)) => Some(n.to_string()),
        _ => {
            errors.push(CheckError::invalid(format!("`{}` needs a value", s.key.as_str()), s.span, "here", None));
            None
        }
    }
}

fn word_arg(s: &Setting, errors: &mut Vec<CheckError>) -> Option<String> {
    match s.args.first().map(|a| &a.node) {
        Some(SettingArg::Word(w)) => Some(w.clone()),
        _ => {
            errors.push(CheckError::invalid(format!("`{}` needs a word", s.key.as_str()), s.span, "here", None));
            None
        }
    }
}

/// The calendar periods of one year at a grain.
pub fn calendar(grain: Grain, year: i32) -> Calendar {
    let months_per = match grain {
        Grain::Month => 1,
        Grain::Quarter => 3,
        Grain::Year => 12,
    };
    let periods = (0..12 / months_per)
        .map(|i| {
            let month = i * months_per + 1;
            let start = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month start");
            let next = if month + months_per > 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, month + months_per, 1)
            }
            .expect("valid month start");
            let end = next.pred_opt().expect("a day before");
            let label = match grain {
                Grain::Month => format!("{year}-{month:02}"),
                Grain::Quarter => format!("{year}-Q{}", (month - 1) / 3 + 1),
                Grain::Year => format!("{year}"),
            };
            Period { label, start, end, year: start.year(), quarter: (month - 1) / 3 + 1, month }
        })
        .collect();
    Calendar { grain, periods }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year_of(written: &str) -> Result<i32, Vec<CheckError>> {
        let text = format!("plan \"p\" {{\n    year {written}\n}}\n");
        let file = crate::syntax::parse(&text).expect("parses");
        let Some(crate::syntax::ast::Item::Header(header)) = file.items.first() else { panic!("a header") };
        let mut errors = Vec::new();
        let settings = read(Some(header), &mut errors);
        errors.retain(|e| !e.to_string().contains("currency") && !e.to_string().contains("period"));
        if errors.is_empty() {
            Ok(settings.calendar.periods[0].year)
        } else {
            Err(errors)
        }
    }

    #[test]
    fn a_year_with_trailing_zeros_is_that_year() {
        // The mantissa over the scale overflowed: a wrong year from nine
        // zeros, a panic from ten.
        for written in ["2024", "2024.0", "2024.000000000", "2024.0000000000", "2024.0000000000000000000000"] {
            assert_eq!(year_of(written).ok(), Some(2024), "{written}");
        }
        for bad in ["2024.5", "1899", "10000", "0", "\"2024\""] {
            assert!(year_of(bad).is_err(), "{bad}");
        }
    }
}
