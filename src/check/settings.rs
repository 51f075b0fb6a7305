//! The plan header: name, version, currency, periods and the rounding rule.

use super::errors::{did_you_mean, CheckError};
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
    for s in &header.settings {
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
                    year = Some(n.mantissa() as i32 / 10i32.pow(n.scale()))
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
            other => errors.push(CheckError::Unknown {
                what: "setting",
                name: other.to_string(),
                span: s.key.span.into(),
                help: did_you_mean(other, KNOWN).or_else(|| Some(format!("the settings are {}", list(&KNOWN)))),
            }),
        }
    }
    let missing = |what: &str, example: &str, errors: &mut Vec<CheckError>| {
        errors.push(CheckError::invalid(
            format!("the plan header has no `{what}`"),
            header.name.span,
            "in this plan",
            Some(format!("add `{example}` to the header")),
        ))
    };
    if currency.is_none() && !header.settings.iter().any(|s| s.key.as_str() == "currency") {
        missing("currency", "currency CNY", errors);
    }
    if grain.is_none() && !header.settings.iter().any(|s| s.key.as_str() == "period") {
        missing("period", "period quarter", errors);
    }
    if year.is_none() && !header.settings.iter().any(|s| s.key.as_str() == "year") {
        missing("year", "year 2024", errors);
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
