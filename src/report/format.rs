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

/// Appends `amount(v, scale)` to `out` without allocating.
pub fn write_amount(out: &mut String, v: Decimal, scale: u32) {
    let mut v = v.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    v.rescale(scale);
    let m = v.mantissa();
    if m < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 40];
    let mut n = m.unsigned_abs();
    let mut len = 0;
    while n > 0 || len <= scale as usize {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
    }
    for i in (0..len).rev() {
        out.push(digits[i] as char);
        if i == scale as usize && scale > 0 {
            out.push('.');
        }
    }
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
}
