//! Number formatting for reports.

use rust_decimal::Decimal;

/// An amount with exactly `scale` decimals and no grouping: `1234.50`, `-3.10`.
///
/// ```
/// use rust_decimal::Decimal;
/// assert_eq!(comp::report::amount(Decimal::new(12345, 1), 2), "1234.50");
/// assert_eq!(comp::report::amount(Decimal::ZERO, 2), "0.00");
/// // Too large to carry the decimals in a decimal's 28 digits: still all shown.
/// let large = Decimal::from(10u64.pow(19)) * Decimal::from(100);
/// assert_eq!(comp::report::amount(large, 10), "1000000000000000000000.0000000000");
/// ```
pub fn amount(v: Decimal, scale: u32) -> String {
    let mut v = v.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    v.rescale(scale);
    if v.is_zero() {
        // No `-0.00`.
        v = Decimal::ZERO;
        v.rescale(scale);
    }
    let mut out = v.to_string();
    pad(&mut out, v.scale(), scale);
    out
}

/// Appends the zeros that a value rescaled to `actual` decimals lacks of
/// `scale`: `rescale` stops where the 28 digits of a decimal run out (10^20
/// cannot carry 10 decimals), and the value must not move for it.
fn pad(out: &mut String, actual: u32, scale: u32) {
    if actual < scale {
        if actual == 0 {
            out.push('.');
        }
        out.extend(std::iter::repeat_n('0', (scale - actual) as usize));
    }
}

/// Appends `amount(v, scale)` to `out` without allocating.
pub fn write_amount(out: &mut String, v: Decimal, scale: u32) {
    let mut v = v.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    v.rescale(scale);
    // At most `scale`: see `pad`.
    let actual = v.scale();
    let m = v.mantissa();
    if m < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 40];
    let mut n = m.unsigned_abs();
    let mut len = 0;
    while n > 0 || len <= actual as usize {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
    }
    for i in (0..len).rev() {
        out.push(digits[i] as char);
        if i == actual as usize && actual > 0 {
            out.push('.');
        }
    }
    pad(out, actual, scale);
}

/// An amount with thousands grouped, for reading: `1,234,567.50`.
///
/// ```
/// use rust_decimal::Decimal;
/// assert_eq!(comp::report::grouped(Decimal::new(-123456750, 2), 2), "-1,234,567.50");
/// ```
pub fn grouped(v: Decimal, scale: u32) -> String {
    let plain = amount(v, scale);
    crate::value::group_thousands(&plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_amount_agrees_with_amount() {
        for (text, scale) in
            [("0", 2), ("-0.004", 2), ("1234.5", 2), ("-3.1", 2), ("0.005", 2), ("-0.005", 2), ("12.3456", 3), ("7", 0)]
                .into_iter()
                .chain([("500000000000000000000", 10), ("-79228162514264337593543950335", 2), ("1.5", 28)])
        {
            let v: Decimal = text.parse().unwrap();
            let mut out = String::new();
            write_amount(&mut out, v, scale);
            assert_eq!(out, amount(v, scale), "{text} at scale {scale}");
        }
        let mut out = String::new();
        write_amount(&mut out, "-0.005".parse().unwrap(), 2);
        assert_eq!(out, "-0.01");
    }

    /// A value too large to carry the decimals asked for (10^20 at 10
    /// decimals needs 31 digits; a decimal holds 28) printed its digits with
    /// the point in the wrong place: 5×10^20 as 5×10^18.
    #[test]
    fn large_amounts_keep_their_value() {
        let v: Decimal = "500000000000000000000".parse().unwrap();
        let mut out = String::new();
        write_amount(&mut out, v, 10);
        assert_eq!(out, "500000000000000000000.0000000000");
        assert_eq!(amount(v, 10), out);
        assert_eq!(amount("-79228162514264337593543950335".parse().unwrap(), 2), "-79228162514264337593543950335.00");
    }
}
