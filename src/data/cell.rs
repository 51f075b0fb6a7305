//! Reading one cell as a typed value.

use crate::check::ColumnType;
use crate::value::Val;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Why a cell could not be read: what was expected, and a hint.
pub struct CellProblem {
    pub expected: &'static str,
    pub help: String,
}

pub fn parse<'r>(text: &'r str, ty: ColumnType, optional: bool) -> Result<Val<'r>, CellProblem> {
    if text.is_empty() && !optional {
        return Err(CellProblem { expected: "a value", help: "this column is required; the cell is empty".into() });
    }
    match ty {
        ColumnType::Text => Ok(Val::Text(text)),
        ColumnType::Bool => match text {
            "true" | "TRUE" | "True" | "1" | "yes" | "Y" | "y" => Ok(Val::Bool(true)),
            "false" | "FALSE" | "False" | "0" | "no" | "N" | "n" => Ok(Val::Bool(false)),
            _ => Err(CellProblem { expected: "true or false", help: "write `true` or `false`".into() }),
        },
        ColumnType::Integer => text
            .parse::<i64>()
            .map(|n| Val::Num(Decimal::from(n)))
            .map_err(|_| CellProblem { expected: "a whole number", help: "write digits only, e.g. `12`".into() }),
        ColumnType::Decimal | ColumnType::Money => decimal(text).map(Val::Num).ok_or_else(|| CellProblem {
            expected: if ty == ColumnType::Money { "an amount" } else { "a number" },
            help: number_help(text),
        }),
        ColumnType::Percent => {
            let (digits, scale) = match text.strip_suffix('%') {
                Some(d) => (d, Decimal::ONE_HUNDRED),
                None => (text, Decimal::ONE),
            };
            decimal(digits)
                .and_then(|d| d.checked_div(scale))
                .map(Val::Num)
                .ok_or_else(|| CellProblem { expected: "a percentage", help: "write `12.5%` or `0.125`".into() })
        }
        ColumnType::Date => date(text).map(Val::Date).ok_or_else(|| CellProblem {
            expected: "a date",
            help: "write dates as YYYY-MM-DD, e.g. `2024-03-31`".into(),
        }),
    }
}

/// A plain decimal: optional sign, digits, optional fraction. Nothing else (no
/// thousands separators, currency signs or exponents): exports that carry them
/// are better fixed at the source than guessed at here.
pub(super) fn decimal(text: &str) -> Option<Decimal> {
    match short_decimal(text) {
        Some((mantissa, scale)) => Some(Decimal::new(mantissa, scale)),
        None => long_decimal(text),
    }
}

/// The common case, read in one pass: at most 18 characters hold at most 18
/// digits, which fit an `i64` exactly; the scale is where the point was.
/// `None` for anything else, valid or not.
///
/// The row loop calls this first and builds the `Decimal` where it stores it:
/// a `Decimal` returned through memory, then read back whole, stalls the read
/// on the narrower writes (a third of the loop's own time, measured).
#[inline]
pub(super) fn short_decimal(text: &str) -> Option<(i64, u32)> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if !(1..=18).contains(&digits.len()) {
        return None;
    }
    let (mut mantissa, mut point) = (0i64, None);
    for (i, &b) in digits.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            mantissa = mantissa * 10 + i64::from(digit);
        } else if b == b'.' && point.is_none() && i > 0 && i + 1 < digits.len() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let scale = point.map_or(0, |p| (digits.len() - p - 1) as u32);
    Some((if negative { -mantissa } else { mantissa }, scale))
}

/// Any other plain decimal (longer ones), or `None`.
#[inline(never)]
pub(super) fn long_decimal(text: &str) -> Option<Decimal> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !plain(int) || !plain(frac) {
        return None;
    }
    Decimal::from_str_exact(text.strip_prefix('+').unwrap_or(text)).ok().or_else(|| Decimal::from_str(text).ok())
}

fn number_help(text: &str) -> String {
    if text.contains(',') {
        "remove the thousands separators: amounts in data files are plain decimals like `1234.56`".into()
    } else if text.chars().any(|c| "¥￥$€£".contains(c)) || text.ends_with("CNY") || text.ends_with('元') {
        "remove the currency sign: the plan's currency applies to the whole column".into()
    } else if text.contains('e') || text.contains('E') {
        "write the number in full, not in scientific notation".into()
    } else if text.strip_prefix(['-', '+']).unwrap_or(text).bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        "an exact decimal holds at most 28 significant digits; check the data for absurd values".into()
    } else {
        "write a plain decimal like `1234.56` (a leading `-` for refunds)".into()
    }
}

/// `YYYY-MM-DD`, parsed by hand (this runs once per row).
pub fn date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32))
    };
    NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_plain_and_exact() {
        let d = |s: &str| decimal(s).map(|d| d.to_string());
        assert_eq!(d("1234.56").as_deref(), Some("1234.56"));
        assert_eq!(d("-0.5").as_deref(), Some("-0.5"));
        assert_eq!(d("+3").as_deref(), Some("3"));
        assert_eq!(d("0001.10").as_deref(), Some("1.10"));
        // Past 18 digits: the general path, still exact.
        assert_eq!(d("12345678901234567890.125").as_deref(), Some("12345678901234567890.125"));
        for bad in ["", "-", ".5", "12.", "1.2.3", "1,234.56", "1e5", "¥100", "abc", " 1", "1 "] {
            assert_eq!(decimal(bad), None, "{bad:?} must be rejected");
        }
        // Too many digits to hold exactly: rejected, and said so.
        for huge in
            ["123456789012345678901234567890", "-79228162514264337593543950336", "+1000000000000000000000000000000.5"]
        {
            assert_eq!(decimal(huge), None, "{huge:?} must be rejected");
            assert!(number_help(huge).contains("28 significant digits"), "{huge:?}");
        }
    }

    #[test]
    fn dates_are_iso() {
        assert_eq!(date("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        for bad in ["2024-02-30", "2023-02-29", "2024-2-01", "24-02-01", "2024/02/01", "2024-02-01x"] {
            assert_eq!(date(bad), None, "{bad:?} must be rejected");
        }
    }
}
