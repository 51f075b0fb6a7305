//! Accumulators: the running state of each row aggregate for one participant in
//! one period. Rows stream through [`Accumulators::push`]; memory grows with
//! participants × periods (and distinct keys), never with rows.
//!
//! States merge exactly (decimal sums are associative), so rows can be split
//! across threads in any order and the result is the same.

use super::expr::{eval, Env, EvalResult, Failure, Fault};
use crate::check::{AccId, Accumulator, AggFunc, Having, PeriodScope, Plan};
use crate::syntax::Span;
use crate::value::{Key, KeyRef, Val, Value};
use hashbrown::HashMap;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Sum(WideSum),
    Count(u64),
    Min(Option<Decimal>),
    Max(Option<Decimal>),
    /// Boxed: the sum and count of an average would make every state larger.
    Avg(Box<(WideSum, u64)>),
    /// Distinct keys, each with the state of its `having` aggregates.
    Distinct(Box<DistinctKeys>),
    /// One sum per original period (`rate_paid at original_date`), grown to
    /// the latest original period seen.
    ByPeriod(Vec<WideSum>),
}

impl State {
    pub fn new(func: AggFunc) -> State {
        match func {
            AggFunc::Sum => State::Sum(WideSum::default()),
            AggFunc::Count => State::Count(0),
            AggFunc::Min => State::Min(None),
            AggFunc::Max => State::Max(None),
            AggFunc::Avg => State::Avg(Box::default()),
            AggFunc::CountDistinct => State::Distinct(Box::default()),
            AggFunc::SumByPeriod => State::ByPeriod(Vec::new()),
        }
    }

    fn add(&mut self, x: Option<Val<'_>>) -> Result<(), Fault> {
        match self {
            State::Sum(s) => s.add(x.map_or(Decimal::ZERO, Val::num))?,
            State::Count(n) => *n += 1,
            State::Min(m) => {
                let x = x.map_or(Decimal::ZERO, Val::num);
                *m = Some(m.map_or(x, |m| m.min(x)));
            }
            State::Max(m) => {
                let x = x.map_or(Decimal::ZERO, Val::num);
                *m = Some(m.map_or(x, |m| m.max(x)));
            }
            State::Avg(avg) => {
                avg.0.add(x.map_or(Decimal::ZERO, Val::num))?;
                avg.1 += 1;
            }
            State::Distinct(_) => unreachable!("distinct keys are added with their group"),
            State::ByPeriod(_) => unreachable!("sums by period are added with their period"),
        }
        Ok(())
    }

    /// Folds `other` into `self`: the state of both sets of rows.
    pub fn merge(&mut self, other: &State) -> Result<(), Fault> {
        match (self, other) {
            (State::Sum(a), State::Sum(b)) => a.merge(b)?,
            (State::Count(a), State::Count(b)) => *a += b,
            (State::Min(a), State::Min(b)) => *a = opt(*a, *b, Decimal::min),
            (State::Max(a), State::Max(b)) => *a = opt(*a, *b, Decimal::max),
            (State::Avg(a), State::Avg(b)) => {
                a.0.merge(&b.0)?;
                a.1 += b.1;
            }
            (State::Distinct(a), State::Distinct(b)) => a.merge(b)?,
            (State::ByPeriod(a), State::ByPeriod(b)) => {
                if a.len() < b.len() {
                    a.resize(b.len(), WideSum::default());
                }
                for (x, y) in a.iter_mut().zip(b) {
                    x.merge(y)?;
                }
            }
            (a, b) => unreachable!("merging different states {a:?} and {b:?}"),
        }
        Ok(())
    }

    /// The aggregate's value. An empty min, max or average is zero.
    pub fn value(&self, having: Option<&Having>, params: &ParamsAt<'_>, span: Span) -> EvalResult<Decimal> {
        let fail = |fault| Box::new(Failure { fault, span });
        Ok(match self {
            State::Sum(s) => s.value().map_err(fail)?,
            State::Count(n) => Decimal::from(*n),
            State::Min(m) | State::Max(m) => m.unwrap_or(Decimal::ZERO),
            State::Avg(avg) => {
                let (s, n) = &**avg;
                if *n == 0 {
                    Decimal::ZERO
                } else {
                    // INVARIANT: n > 0; the quotient of a sum by a count cannot overflow.
                    s.value().map_err(fail)? / Decimal::from(*n)
                }
            }
            State::Distinct(keys) => match having {
                None => Decimal::from(keys.len()),
                Some(h) => {
                    let mut n = 0u64;
                    let mut values: Vec<Decimal> = Vec::with_capacity(h.aggs.len());
                    for group in keys.groups() {
                        values.clear();
                        for s in group {
                            values.push(s.value(None, params, span)?);
                        }
                        let env = GroupEnv { params, values: &values };
                        if eval(&h.cond, &env)?.bool() {
                            n += 1;
                        }
                    }
                    Decimal::from(n)
                }
            },
            // Alone, the rows' total; `Accumulators::by_period` gives each period's.
            State::ByPeriod(sums) => {
                let mut total = WideSum::default();
                for x in sums {
                    total.merge(x).map_err(fail)?;
                }
                total.value().map_err(fail)?
            }
        })
    }

    /// Adds `x` to a sum: the row step of a plain `sum(column)`, one integer
    /// addition.
    #[inline]
    pub fn add_to_sum(&mut self, x: Decimal) -> Result<(), Fault> {
        match self {
            State::Sum(s) => s.add(x),
            // INVARIANT: the row program takes this path only for `sum` accumulators.
            other => unreachable!("`add_to_sum` on {other:?}"),
        }
    }

    /// Adds one row of period `period` to the state of aggregate `acc`: its
    /// filter, argument and (for distinct keys) per-key aggregates evaluated in `env`.
    pub fn take_row<'r, E: Env<'r>>(&mut self, acc: &'r Accumulator, period: usize, env: &E) -> EvalResult<()> {
        if let Some(f) = &acc.filter {
            if !super::expr::eval_inline(f, env)?.bool() {
                return Ok(());
            }
        }
        let arg = match &acc.arg {
            Some(a) => Some(super::expr::eval_inline(a, env)?),
            None => None,
        };
        let fail = |fault| Box::new(Failure { fault, span: acc.span });
        match self {
            State::Distinct(keys) => {
                let key = KeyRef::of(arg.expect("count distinct has an argument"));
                let fresh = acc.having.iter().flat_map(|h| h.aggs.iter().map(|(f, _)| State::new(*f)));
                let group = keys.group_mut(key, fresh);
                if let Some(h) = &acc.having {
                    for (state, (_, a)) in group.iter_mut().zip(&h.aggs) {
                        let x = match a {
                            Some(a) => Some(eval(a, env)?),
                            None => None,
                        };
                        state.add(x).map_err(fail)?;
                    }
                }
            }
            State::ByPeriod(sums) => {
                // INVARIANT: the checker gives a `SumByPeriod` its date column.
                let at = acc.at.expect("a sum by period has its date");
                let at_fail = |fault| Box::new(Failure { fault, span: at.span });
                let date = match env.column(at.column) {
                    Val::Date(d) => d,
                    other => unreachable!("`at` of {other:?}"),
                };
                let o = match env.period_of(date) {
                    Some(o) if o <= period => o,
                    Some(_) => return Err(at_fail(Fault::AtDate { date, later: true })),
                    None => return Err(at_fail(Fault::AtDate { date, later: false })),
                };
                if sums.len() <= o {
                    sums.resize(o + 1, WideSum::default());
                }
                sums[o].add(arg.map_or(Decimal::ZERO, Val::num)).map_err(fail)?;
            }
            state => state.add(arg).map_err(fail)?,
        }
        Ok(())
    }
}

/// The distinct keys of one participant and period, each with the states of
/// its `having` aggregates: the keys in one vector and their states in
/// another, in the order the keys came. A participant has a few keys a period
/// (customers, say), so a key is found by a scan of packed keys (see [`Key`]),
/// cheaper than a hash probe; a map is added past 16 keys.
#[derive(Debug, Clone, Default)]
pub struct DistinctKeys {
    keys: Vec<Key>,
    /// `width` states for each key, in key order.
    groups: Vec<State>,
    /// INVARIANT: every key has as many states: its `having` aggregates.
    width: usize,
    /// Each key's place in `keys`, once there are more than [`Self::SCAN`].
    places: Option<HashMap<Key, usize>>,
}

impl DistinctKeys {
    /// Keys found by a scan, at most.
    const SCAN: usize = 16;

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    #[inline]
    fn find<Q: hashbrown::Equivalent<Key> + std::hash::Hash>(&self, key: &Q) -> Option<usize> {
        match &self.places {
            Some(places) => places.get(key).copied(),
            None => self.keys.iter().position(|k| key.equivalent(k)),
        }
    }

    /// The states of `key`, made from `fresh` if the key is new.
    #[inline]
    fn group_mut(&mut self, key: KeyRef<'_>, fresh: impl Iterator<Item = State>) -> &mut [State] {
        let n = match self.find(&key) {
            Some(n) => n,
            None => self.add(key.to_key(), fresh),
        };
        &mut self.groups[n * self.width..(n + 1) * self.width]
    }

    fn add(&mut self, key: Key, states: impl IntoIterator<Item = State>) -> usize {
        let n = self.keys.len();
        match &mut self.places {
            Some(places) => {
                places.insert(key.clone(), n);
            }
            None if n == Self::SCAN => {
                let mut places: HashMap<Key, usize> = self.keys.iter().cloned().zip(0..).collect();
                places.insert(key.clone(), n);
                self.places = Some(places);
            }
            None => {}
        }
        self.keys.push(key);
        let before = self.groups.len();
        self.groups.extend(states);
        self.width = self.groups.len() - before;
        n
    }

    fn group(&self, n: usize) -> &[State] {
        &self.groups[n * self.width..(n + 1) * self.width]
    }

    /// Each key's states, in no particular order.
    pub fn groups(&self) -> impl Iterator<Item = &[State]> {
        (0..self.len()).map(|n| self.group(n))
    }

    /// Each key with its states, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (Value, &[State])> {
        self.keys.iter().enumerate().map(|(n, k)| (k.value(), self.group(n)))
    }

    fn merge(&mut self, other: &DistinctKeys) -> Result<(), Fault> {
        for (n, key) in other.keys.iter().enumerate() {
            let theirs = other.group(n);
            match self.find(key) {
                Some(m) => {
                    for (a, b) in self.groups[m * self.width..(m + 1) * self.width].iter_mut().zip(theirs) {
                        a.merge(b)?;
                    }
                }
                None => {
                    self.add(key.clone(), theirs.iter().cloned());
                }
            }
        }
        Ok(())
    }
}

/// Equal when they hold the same keys with equal states, whatever the order
/// the keys came in.
impl PartialEq for DistinctKeys {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self.keys.iter().enumerate().all(|(n, k)| other.find(k).is_some_and(|m| self.group(n) == other.group(m)))
    }
}

/// An exact running sum: an `i128` count of units of `10^-scale`. Adding
/// amounts of one scale (money in cents) is an integer addition, much cheaper
/// than a decimal one, and the result is the same exact value.
///
/// The `i128` is kept as two words: aligned to 8 bytes rather than 16, a
/// state takes 32 bytes, not 48 (a participant's states for a period share
/// fewer cache lines, and distinct keys need a third less memory).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WideSum {
    low: u64,
    high: i64,
    scale: u32,
}

impl WideSum {
    #[inline]
    fn mantissa(&self) -> i128 {
        i128::from(self.high) << 64 | i128::from(self.low)
    }

    #[inline]
    fn set_mantissa(&mut self, m: i128) {
        // Truncations intended: the two halves of `m`.
        (self.low, self.high) = (m as u64, (m >> 64) as i64);
    }

    #[inline]
    pub fn add(&mut self, x: Decimal) -> Result<(), Fault> {
        self.add_parts(x.mantissa(), x.scale())
    }

    #[inline]
    fn add_parts(&mut self, mantissa: i128, scale: u32) -> Result<(), Fault> {
        let mut sum = self.mantissa();
        let m = if scale == self.scale {
            mantissa
        } else if scale < self.scale {
            mantissa.checked_mul(pow10(self.scale - scale)).ok_or(Fault::Overflow)?
        } else {
            sum = sum.checked_mul(pow10(scale - self.scale)).ok_or(Fault::Overflow)?;
            self.scale = scale;
            mantissa
        };
        self.set_mantissa(sum.checked_add(m).ok_or(Fault::Overflow)?);
        Ok(())
    }

    pub fn merge(&mut self, other: &WideSum) -> Result<(), Fault> {
        self.add_parts(other.mantissa(), other.scale)
    }

    pub fn value(&self) -> Result<Decimal, Fault> {
        Decimal::try_from_i128_with_scale(self.mantissa(), self.scale).map_err(|_| Fault::Overflow)
    }
}

/// `10^n` for a difference of two decimal scales (each at most 28).
#[inline]
fn pow10(n: u32) -> i128 {
    const POWERS: [i128; 29] = {
        let mut p = [1i128; 29];
        let mut i = 1;
        while i < 29 {
            p[i] = p[i - 1] * 10;
            i += 1;
        }
        p
    };
    POWERS[n as usize]
}

fn opt(a: Option<Decimal>, b: Option<Decimal>, f: fn(Decimal, Decimal) -> Decimal) -> Option<Decimal> {
    match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Parameters as seen from one period.
pub struct ParamsAt<'p> {
    pub plan: &'p Plan,
    pub period: usize,
}

struct GroupEnv<'p, 'v> {
    params: &'p ParamsAt<'p>,
    values: &'v [Decimal],
}

impl<'p> Env<'p> for GroupEnv<'p, '_> {
    fn param(&self, id: usize) -> Val<'p> {
        self.params.plan.params[id].values.at(self.params.period).as_val()
    }
    fn period(&self) -> usize {
        self.params.period
    }
    fn period_part(&self, _: crate::check::PeriodPart) -> Decimal {
        unreachable!("`having` conditions do not read the period")
    }
    fn group_aggregate(&self, i: usize) -> Val<'p> {
        Val::Num(self.values[i])
    }
}

/// Every accumulator of every participant and period.
#[derive(Debug, Clone)]
pub struct Accumulators {
    periods: usize,
    per_cell: usize,
    states: Vec<State>,
}

impl Accumulators {
    pub fn new(plan: &Plan, participants: usize) -> Self {
        let periods = plan.calendar.periods.len();
        let per_cell = plan.accumulators.len();
        let fresh: Vec<State> = plan.accumulators.iter().map(|a| State::new(a.func)).collect();
        let mut states = Vec::with_capacity(participants * periods * per_cell);
        for _ in 0..participants * periods {
            states.extend(fresh.iter().cloned());
        }
        Accumulators { periods, per_cell, states }
    }

    fn index(&self, participant: usize, period: usize, acc: AccId) -> usize {
        (participant * self.periods + period) * self.per_cell + acc
    }

    pub fn state(&self, participant: usize, period: usize, acc: AccId) -> &State {
        &self.states[self.index(participant, period, acc)]
    }

    /// The states of one participant in one period, by accumulator: a row
    /// finds them once for all its aggregates.
    #[inline]
    pub fn cell_mut(&mut self, participant: usize, period: usize) -> &mut [State] {
        let start = self.index(participant, period, 0);
        &mut self.states[start..start + self.per_cell]
    }

    /// Adds one row (already evaluated to its arguments) to accumulator `id`
    /// of a participant and period.
    pub fn push<'r, E: Env<'r>>(
        &mut self,
        acc: &'r Accumulator,
        id: AccId,
        participant: usize,
        period: usize,
        env: &E,
    ) -> EvalResult<()> {
        self.cell_mut(participant, period)[id].take_row(acc, period, env)
    }
    /// A [`AggFunc::SumByPeriod`] accumulator's sums for a participant and
    /// period, by original period (missing periods are zero).
    pub fn by_period(&self, participant: usize, period: usize, acc: AccId) -> Result<Vec<Decimal>, Fault> {
        match self.state(participant, period, acc) {
            State::ByPeriod(sums) => sums.iter().map(WideSum::value).collect(),
            _ => Ok(Vec::new()),
        }
    }

    /// Folds another set of accumulators (other rows) into this one, in
    /// parallel (each state is merged on its own: the result is the same).
    pub fn merge(&mut self, other: &Accumulators) -> Result<(), Fault> {
        use rayon::prelude::*;
        self.states.par_iter_mut().zip(&other.states).with_min_len(1 << 12).try_for_each(|(a, b)| a.merge(b))
    }

    /// Sets accumulator `id`, for every participant and period, to accumulator
    /// `from` of `other`: another plan's accumulators over the same
    /// participants and periods, where `from` gathers the same rows the same
    /// way (`comp diff` computes such an aggregate once for both plans).
    pub fn copy_from(&mut self, id: AccId, other: &Accumulators, from: AccId) {
        assert_eq!(
            self.states.len() / self.per_cell,
            other.states.len() / other.per_cell,
            "same participants and periods"
        );
        for (mine, theirs) in self.states.chunks_mut(self.per_cell).zip(other.states.chunks(other.per_cell)) {
            mine[id] = theirs[from].clone();
        }
    }

    /// The value of an accumulator for a participant seen from `period`, over
    /// `scope`'s periods.
    pub fn value(
        &self,
        plan: &Plan,
        id: AccId,
        participant: usize,
        period: usize,
        scope: PeriodScope,
    ) -> EvalResult<Decimal> {
        let acc = &plan.accumulators[id];
        let params = ParamsAt { plan, period };
        let range = scope.range(period, self.periods);
        if range.len() == 1 {
            return self.state(participant, range.start, id).value(acc.having.as_ref(), &params, acc.span);
        }
        let mut merged = State::new(acc.func);
        for t in range {
            merged
                .merge(self.state(participant, t, id))
                .map_err(|fault| Box::new(Failure { fault, span: acc.span }))?;
        }
        merged.value(acc.having.as_ref(), &params, acc.span)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_four_words() {
        assert_eq!(std::mem::size_of::<State>(), 32);
    }

    #[test]
    fn wide_sums_are_exact_across_scales_and_signs() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let mut sum = WideSum::default();
        for x in ["2290.00", "-4546.58", "0.5", "-0.125", "79228162514264337593543950335"] {
            sum.add(d(x)).unwrap();
        }
        // Past a Decimal's 96 bits only at the end: the sum itself is exact.
        assert_eq!(sum.value(), Err(Fault::Overflow));
        sum.add(d("-79228162514264337593543950335")).unwrap();
        assert_eq!(sum.value().unwrap(), d("-2256.205"));
        let mut other = WideSum::default();
        other.add(d("-1e-20")).unwrap();
        sum.merge(&other).unwrap();
        assert_eq!(sum.value().unwrap(), d("-2256.20500000000000000001"));
    }
}

#[cfg(test)]
mod distinct_tests {
    use super::*;

    fn sum(x: i64) -> State {
        let mut s = State::new(AggFunc::Sum);
        s.add(Some(Val::Num(Decimal::from(x)))).unwrap();
        s
    }

    /// Past the keys found by a scan, the same keys are found through the map.
    #[test]
    fn keys_are_found_by_scan_and_then_by_map() {
        let ids: Vec<String> = (0..40).map(|i| format!("C{i:05}")).collect();
        let (mut a, mut b) = (DistinctKeys::default(), DistinctKeys::default());
        for (i, id) in ids.iter().enumerate() {
            let fresh = || std::iter::once(State::new(AggFunc::Sum));
            let group = a.group_mut(KeyRef::of(Val::Text(id)), fresh());
            group[0].add(Some(Val::Num(Decimal::from(i)))).unwrap();
            // `b` sees the keys the other way round, twice each.
            for _ in 0..2 {
                let id = &ids[ids.len() - 1 - i];
                b.group_mut(KeyRef::of(Val::Text(id)), fresh())[0].add(Some(Val::Num(Decimal::ONE))).unwrap();
            }
        }
        assert_eq!(a.len(), 40);
        assert!(a.places.is_some());
        assert_eq!(a.find(&KeyRef::of(Val::Text("C00007"))), Some(7));
        assert_eq!(a.find(&KeyRef::of(Val::Text("C00040"))), None);
        a.merge(&b).unwrap();
        assert_eq!(a.len(), 40);
        let n = a.find(&KeyRef::of(Val::Text("C00030"))).unwrap();
        assert_eq!(a.group(n), [sum(32)]);
        // Equal whatever the order the keys came in.
        let mut c = b.clone();
        c.merge(&DistinctKeys::default()).unwrap();
        assert_eq!(c, b);
        let mut d = DistinctKeys::default();
        d.merge(&b).unwrap();
        assert_eq!(d, b);
        assert_ne!(a, b);
    }
}
