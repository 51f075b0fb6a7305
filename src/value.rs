//! The values a plan computes with, and their types.
//!
//! Every number is an exact [`Decimal`]; its unit (money, ratio, plain number)
//! lives in the [`Type`], known to the checker, so the evaluator never checks
//! units. Money × money is rejected by the checker; money ÷ money is a ratio.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;
use std::sync::Arc;

/// The type of a column, parameter or expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// An amount in the plan currency.
    Money,
    /// A dimensionless ratio, written and shown as a percentage (`120%`).
    Ratio,
    /// A plain number (counts, factors).
    Number,
    Bool,
    Text,
    Date,
}

impl Type {
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Money | Type::Ratio | Type::Number)
    }

    /// Ratio and number are both dimensionless and mix freely.
    pub fn is_dimensionless(self) -> bool {
        matches!(self, Type::Ratio | Type::Number)
    }

    /// The word used in plan files (`money`, `percent`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Type::Money => "money",
            Type::Ratio => "percent",
            Type::Number => "number",
            Type::Bool => "bool",
            Type::Text => "text",
            Type::Date => "date",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An owned value: constants, table cells, per-participant results.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    Num(Decimal),
    Bool(bool),
    Text(Arc<str>),
    Date(NaiveDate),
}

impl Value {
    pub const ZERO: Value = Value::Num(Decimal::ZERO);

    pub fn as_val(&self) -> Val<'_> {
        match self {
            Value::Num(d) => Val::Num(*d),
            Value::Bool(b) => Val::Bool(*b),
            Value::Text(t) => Val::Text(t),
            Value::Date(d) => Val::Date(*d),
        }
    }

    pub fn num(&self) -> Decimal {
        match self {
            Value::Num(d) => *d,
            // INVARIANT: the checker only asks for numbers where the type is numeric.
            other => unreachable!("expected a number, found {other:?}"),
        }
    }
}

/// A borrowed value, as expressions produce it: text borrows from the record or
/// the plan, so evaluating a row allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Val<'a> {
    Num(Decimal),
    Bool(bool),
    Text(&'a str),
    Date(NaiveDate),
}

impl<'a> Val<'a> {
    pub fn num(self) -> Decimal {
        match self {
            Val::Num(d) => d,
            // INVARIANT: the checker only asks for numbers where the type is numeric.
            other => unreachable!("expected a number, found {other:?}"),
        }
    }

    pub fn bool(self) -> bool {
        match self {
            Val::Bool(b) => b,
            // INVARIANT: conditions are checked to be bool.
            other => unreachable!("expected a bool, found {other:?}"),
        }
    }

    pub fn to_owned_value(self) -> Value {
        match self {
            Val::Num(d) => Value::Num(d),
            Val::Bool(b) => Value::Bool(b),
            Val::Text(t) => Value::Text(Arc::from(t)),
            Val::Date(d) => Value::Date(d),
        }
    }
}

impl fmt::Display for Val<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Num(d) => write!(f, "{d}"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Text(t) => write!(f, "{t:?}"),
            Val::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_val().fmt(f)
    }
}

/// Thousands grouped in a plain decimal's digits, as on paper.
///
/// ```
/// assert_eq!(comp::value::group_thousands("-1234567.5"), "-1,234,567.5");
/// assert_eq!(comp::value::group_thousands("999"), "999");
/// ```
pub fn group_thousands(plain: &str) -> String {
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain), |r| ("-", r));
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

/// An empty vector with `v`'s allocation, for values that borrow from
/// something shorter-lived (the next record). The standard library collects in
/// place (same element layout), so this allocates nothing.
pub fn recycle<'a, 'b>(mut v: Vec<Val<'a>>) -> Vec<Val<'b>> {
    v.clear();
    v.into_iter().map(|_| unreachable!("the vector is empty")).collect()
}

/// Lets maps keyed by [`Value`] be probed with a borrowed [`Val`]; both hash alike
/// (same variants in the same order, text hashed as `str`).
impl hashbrown::Equivalent<Value> for Val<'_> {
    fn equivalent(&self, key: &Value) -> bool {
        *self == key.as_val()
    }
}

/// A value as a map key. Text of up to 15 bytes (ids, nearly always) is
/// packed with its length into one `u128`: hashing and comparing it reads no
/// memory elsewhere, where a text key's bytes are behind a pointer (a cache
/// miss per probe in a large map) and compared by a call to `memcmp`.
///
/// INVARIANT: a text of up to 15 bytes is always `Short`, so equal values are
/// equal keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    Short(u128),
    Other(Value),
}

/// A [`Key`] to probe a map with, borrowing its text: it hashes as the key does.
#[derive(Clone, Copy, Debug, Hash)]
pub enum KeyRef<'a> {
    Short(u128),
    Other(Val<'a>),
}

impl<'a> KeyRef<'a> {
    /// ```
    /// use comp::value::{Key, KeyRef, Val, Value};
    /// let id = KeyRef::of(Val::Text("R0001"));
    /// assert!(matches!(id, KeyRef::Short(_)));
    /// assert_eq!(id.to_key().value(), Value::Text("R0001".into()));
    /// ```
    #[inline]
    pub fn of(v: Val<'a>) -> Self {
        match v {
            Val::Text(t) if t.len() < 16 => KeyRef::Short(pack(t.as_bytes())),
            v => KeyRef::Other(v),
        }
    }

    pub fn to_key(self) -> Key {
        match self {
            KeyRef::Short(k) => Key::Short(k),
            KeyRef::Other(v) => Key::Other(v.to_owned_value()),
        }
    }
}

/// Up to 15 bytes as a number: byte `i` of `b` is byte `i` of the number
/// (little-endian), the length is byte 15. Built from whole-word loads, two
/// of them overlapping: copying the bytes into an array and reading it back
/// as one number stalls the load on the copy's narrower stores.
#[inline]
fn pack(b: &[u8]) -> u128 {
    let n = b.len();
    debug_assert!(n < 16);
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| u64::from(u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")));
    let (lo, hi) = if n >= 8 {
        // Bytes 8.. are the top `n - 8` bytes of the word ending at `n`.
        (word(0), word(n - 8).checked_shr(8 * (16 - n as u32)).unwrap_or(0))
    } else if n >= 4 {
        (half(0) | (half(n - 4) >> (8 * (8 - n as u32))) << 32, 0)
    } else {
        (b.iter().rev().fold(0u64, |acc, &x| acc << 8 | u64::from(x)), 0)
    };
    u128::from(lo) | u128::from(hi) << 64 | (n as u128) << 120
}

impl Key {
    /// The key as a probe of a map keyed by keys.
    pub fn probe(&self) -> KeyRef<'_> {
        match self {
            Key::Short(k) => KeyRef::Short(*k),
            Key::Other(v) => KeyRef::Other(v.as_val()),
        }
    }

    /// The value the key was made from.
    pub fn value(&self) -> Value {
        match self {
            Key::Short(k) => {
                let bytes = k.to_le_bytes();
                let len = usize::from(bytes[15]);
                // INVARIANT: packed from a `str`, whole.
                let text = std::str::from_utf8(&bytes[..len]).expect("packed from text");
                Value::Text(Arc::from(text))
            }
            Key::Other(v) => v.clone(),
        }
    }
}

impl hashbrown::Equivalent<Key> for KeyRef<'_> {
    #[inline]
    fn equivalent(&self, key: &Key) -> bool {
        match (self, key) {
            (KeyRef::Short(a), Key::Short(b)) => a == b,
            (KeyRef::Other(a), Key::Other(b)) => *a == b.as_val(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_text_is_its_bytes_and_length() {
        let text = "ABCDEFGHIJKLMNO";
        for n in 0..16 {
            let t = &text[..n];
            let mut bytes = [0u8; 16];
            bytes[..n].copy_from_slice(t.as_bytes());
            bytes[15] = n as u8;
            assert_eq!(KeyRef::of(Val::Text(t)).to_key(), Key::Short(u128::from_le_bytes(bytes)), "{t:?}");
            assert_eq!(KeyRef::of(Val::Text(t)).to_key().value(), Value::Text(t.into()));
        }
        assert!(matches!(KeyRef::of(Val::Text("ABCDEFGHIJKLMNOP")), KeyRef::Other(_)));
        assert!(matches!(KeyRef::of(Val::Text("客户甲乙")), KeyRef::Short(_)));
    }
}
