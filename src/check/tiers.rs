//! Band rules for tier tables.
//!
//! Bands are written lowest first and must meet edge to edge: each band starts
//! where the one before it ends. A value exactly on an edge belongs to the higher
//! band (bands are half-open, `[from, to)`). Only the last band may be open
//! (`and above`).

use super::errors::CheckError;
use crate::syntax::Span;
use rust_decimal::Decimal;

/// Checks band edges (already evaluated); reports every problem found.
pub fn validate(bands: &[(Decimal, Option<Decimal>, Span)], errors: &mut Vec<CheckError>) -> bool {
    let before = errors.len();
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
                format!("band ends at {to}, not above where it starts ({from})"),
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
        if let (Some(prev), Some(prev_to)) =
            (i.checked_sub(1).map(|j| &bands[j]), i.checked_sub(1).and_then(|j| bands[j].1))
        {
            if *from < prev_to {
                errors.push(tiers_error(
                    format!("bands overlap: this one starts at {from}, the one before ends at {prev_to}"),
                    *span,
                    "overlaps the band before",
                    Some((prev.2, "the band before")),
                    "each band starts exactly where the one before it ends; a value on an edge enters the higher band",
                ));
            } else if *from > prev_to {
                errors.push(tiers_error(
                    format!("gap between bands: nothing covers {prev_to} to {from}"),
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
