//! Band rules for tier tables.
//!
//! Bands are written lowest first and must meet edge to edge: each band starts
//! where the one before it ends. A value exactly on an edge belongs to the higher
//! band (bands are half-open, `[from, to)`). Only the last band may be open
//! (`and above`).

use super::errors::CheckError;
use crate::syntax::Span;
use rust_decimal::Decimal;

/// How band edges are written in the plan, to show them the same way.
#[derive(Debug, Clone, Copy)]
pub enum EdgeUnit<'a> {
    /// Percentages: edges of percent-of-amount bands (`of Q`) or of a ratio base.
    Percent,
    /// Amounts in the plan currency.
    Money(&'a str),
    Number,
}

/// An edge as the plan would write it: `110%`, `20,000 CNY`, `1,500`.
pub fn edge(v: Decimal, unit: EdgeUnit) -> String {
    match unit {
        EdgeUnit::Percent => format!("{}%", grouped((v * Decimal::ONE_HUNDRED).normalize())),
        EdgeUnit::Money(currency) => {
            // Cents as cents: 22,000.50 rather than 22,000.5.
            let mut v = v.normalize();
            if v.scale() == 1 {
                v.rescale(2);
            }
            format!("{} {currency}", grouped(v))
        }
        EdgeUnit::Number => grouped(v.normalize()),
    }
}

/// `v` with thousands grouped: `20,000`, `1,234.5`, `-0.25`; no trailing zeros
/// beyond the ones `v` keeps.
fn grouped(v: Decimal) -> String {
    crate::value::group_thousands(&v.to_string())
}

/// Checks band edges (already evaluated); reports every problem found. A
/// reversed band is reported alone, not again as a gap or overlap with its
/// neighbours.
pub fn validate(bands: &[(Decimal, Option<Decimal>, Span)], unit: EdgeUnit, errors: &mut Vec<CheckError>) -> bool {
    let before = errors.len();
    let show = |v: Decimal| edge(v, unit);
    let reversed: Vec<bool> = bands.iter().map(|(from, to, _)| to.is_some_and(|to| to <= *from)).collect();
    let tiers_error =
        |message: String, span: Span, label: &str, other: Option<(Span, &str)>, help: &str| CheckError::Tiers {
            message,
            span: span.into(),
            label: label.to_string(),
            other: other.map(|(s, _)| s.into()),
            other_label: other.map(|(_, l)| l.to_string()).unwrap_or_default(),
            help: Some(help.to_string()),
        };
    for (i, (from, to, span)) in bands.iter().enumerate() {
        match to {
            Some(to) if to <= from => errors.push(tiers_error(
                format!("band ends at {}, not above where it starts ({})", show(*to), show(*from)),
                *span,
                "empty or reversed band",
                None,
                "write each band as `low to high`, lowest band first",
            )),
            None if i + 1 < bands.len() => errors.push(tiers_error(
                "only the last band can be open".to_string(),
                *span,
                "`and above` before another band",
                Some((bands[i + 1].2, "this band comes after it")),
                "move the open band to the end, or give it an upper edge",
            )),
            _ => {}
        }
        if reversed[i] || i.checked_sub(1).is_some_and(|j| reversed[j]) {
            continue;
        }
        if let (Some(prev), Some(prev_to)) =
            (i.checked_sub(1).map(|j| &bands[j]), i.checked_sub(1).and_then(|j| bands[j].1))
        {
            if *from < prev_to {
                errors.push(tiers_error(
                    format!(
                        "bands overlap: this one starts at {}, the one before ends at {}",
                        show(*from),
                        show(prev_to)
                    ),
                    *span,
                    "overlaps the band before",
                    Some((prev.2, "the band before")),
                    "each band starts exactly where the one before it ends; a value on an edge enters the higher band",
                ));
            } else if *from > prev_to {
                errors.push(tiers_error(
                    format!("gap between bands: nothing covers {} to {}", show(prev_to), show(*from)),
                    *span,
                    "starts after the band before ends",
                    Some((prev.2, "the band before")),
                    "each band starts exactly where the one before it ends",
                ));
            }
        }
    }
    errors.len() == before
}

/// Checks the points of an `interpolated` table (already evaluated): at least
/// two, each to the right of the one before.
pub fn validate_points(points: &[(Decimal, Span)], mode: Span, unit: EdgeUnit, errors: &mut Vec<CheckError>) -> bool {
    let before = errors.len();
    if points.len() < 2 {
        errors.push(CheckError::Tiers {
            message: "an interpolated table needs at least two points".into(),
            span: points.first().map_or(mode, |p| p.1).into(),
            label: "the only point".into(),
            other: None,
            other_label: String::new(),
            help: Some("a line needs two points to run through, e.g. `50% : 0%  100% : 100%`".into()),
        });
    }
    for pair in points.windows(2) {
        let ((x0, s0), (x1, s1)) = (pair[0], pair[1]);
        if x1 <= x0 {
            errors.push(CheckError::Tiers {
                message: format!("points out of order: {} comes after {}", edge(x1, unit), edge(x0, unit)),
                span: s1.into(),
                label: if x1 == x0 { "the same x as the point before" } else { "left of the point before" }.into(),
                other: Some(s0.into()),
                other_label: "the point before".into(),
                help: Some("write the points lowest x first, each x once".into()),
            });
        }
    }
    errors.len() == before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_written_as_in_the_plan() {
        assert_eq!(edge(Decimal::new(110, 2), EdgeUnit::Percent), "110%");
        assert_eq!(edge(Decimal::new(9, 1), EdgeUnit::Percent), "90%");
        assert_eq!(edge(Decimal::new(125, 3), EdgeUnit::Percent), "12.5%");
        assert_eq!(edge(Decimal::new(2000000, 2), EdgeUnit::Money("CNY")), "20,000 CNY");
        assert_eq!(edge(Decimal::new(12345675, 1), EdgeUnit::Number), "1,234,567.5");
        assert_eq!(edge(Decimal::new(-1500, 0), EdgeUnit::Number), "-1,500");
        assert_eq!(edge(Decimal::ZERO, EdgeUnit::Money("CNY")), "0 CNY");
        assert_eq!(edge(Decimal::new(2200050, 2), EdgeUnit::Money("CNY")), "22,000.50 CNY");
    }
}
