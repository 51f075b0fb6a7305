//! Number formatting for reports.

use rust_decimal::Decimal;

/// An amount with exactly `scale` decimals and no grouping: `1234.50`, `-3.10`.
///
/// ```
/// use rust_decimal::Decimal;
/// assert_eq!(comp::report::amount(Decimal::new(12345, 1), 2), "1234.50");
/// assert_eq!(comp::report::amount(Decimal::ZERO, 2), "0.00");
/// ```
pub fn amount(v: Decimal, scale: u32) -> String {
    let mut v = v.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    v.rescale(scale);
    if v.is_zero() {
        // No `-0.00`.
        v = Decimal::ZERO;
        v.rescale(scale);
    }
    v.to_string()
}

/// An amount with thousands grouped, for reading: `1,234,567.50`.
///
/// ```
/// use rust_decimal::Decimal;
/// assert_eq!(comp::report::grouped(Decimal::new(-123456750, 2), 2), "-1,234,567.50");
/// ```
pub fn grouped(v: Decimal, scale: u32) -> String {
    let plain = amount(v, scale);
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
    let (int, frac) = rest.split_once('.').map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(plain.len() + int.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}
