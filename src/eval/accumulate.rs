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
    Distinct(DistinctKeys),
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
            AggFunc::CountDistinct => State::Distinct(DistinctKeys::default()),
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
                let width = acc.having.as_ref().map_or(0, |h| h.aggs.len());
                let fresh = acc.having.iter().flat_map(|h| h.aggs.iter().map(|(f, _)| State::new(*f)));
                let group = keys.group_mut(key, width, fresh);
                if let Some(h) = &acc.having {
                    for (state, (_, a)) in group.zip(&h.aggs) {
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
/// its `having` aggregates, all in one vector: each key's slot followed by its
/// states, in the order the keys came. A row of the aggregate thus touches one
/// block of memory besides its participant's states (a vector of keys and
/// another of states, behind a box, were three cold reads a row). A
/// participant has a few keys a period (customers, say), so a key is found by
/// a scan, cheaper than a hash probe; past 16 keys (`SCAN`), a map of
/// each key's slot comes first in the vector.
#[derive(Debug, Clone, Default)]
pub struct DistinctKeys {
    /// INVARIANT: a `Places` slot, if any, is the first; every key slot is
    /// followed by as many `State` slots as every other (its `having`
    /// aggregates), and every `State` slot belongs to the key before it.
    slots: Vec<Slot>,
}

/// One slot of [`DistinctKeys`]: no larger than a [`State`] (a test says so).
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// A text key of up to 15 bytes, packed as [`Key::Short`] (in two words,
    /// aligned as a state is).
    Short([u64; 2]),
    /// Any other key.
    Other(Value),
    /// A `having` aggregate's state, of the key before it.
    State(State),
    /// Each key's slot, once there are more than [`DistinctKeys::SCAN`] keys.
    Places(Box<HashMap<Key, usize>>),
}

impl Slot {
    fn of(key: &Key) -> Slot {
        match key {
            Key::Short(k) => Slot::Short(split(*k)),
            Key::Other(v) => Slot::Other(v.clone()),
        }
    }

    fn is_key(&self) -> bool {
        matches!(self, Slot::Short(_) | Slot::Other(_))
    }

    /// The key this slot holds, if it is a key.
    fn key(&self) -> Option<Key> {
        match self {
            Slot::Short([low, high]) => Some(Key::Short(u128::from(*low) | u128::from(*high) << 64)),
            Slot::Other(v) => Some(Key::Other(v.clone())),
            Slot::State(_) | Slot::Places(_) => None,
        }
    }

    #[inline]
    fn holds(&self, key: &KeyRef<'_>) -> bool {
        match (self, key) {
            (Slot::Short(a), KeyRef::Short(b)) => *a == split(*b),
            (Slot::Other(a), KeyRef::Other(b)) => a.as_val() == *b,
            _ => false,
        }
    }

    fn state(&self) -> &State {
        match self {
            Slot::State(s) => s,
            // INVARIANT: the slots after a key are its states.
            other => unreachable!("a state slot holds {other:?}"),
        }
    }

    fn state_mut(&mut self) -> &mut State {
        match self {
            Slot::State(s) => s,
            // INVARIANT: the slots after a key are its states.
            other => unreachable!("a state slot holds {other:?}"),
        }
    }
}

/// A packed key's two words.
#[inline]
fn split(k: u128) -> [u64; 2] {
    // Truncations intended: the two halves.
    [k as u64, (k >> 64) as u64]
}

impl DistinctKeys {
    /// Keys found by a scan, at most.
    const SCAN: usize = 16;

    /// The number of distinct keys.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_key()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slot of `key`.
    #[inline]
    fn find(&self, key: &KeyRef<'_>) -> Option<usize> {
        match self.slots.first() {
            Some(Slot::Places(places)) => places.get(key).copied(),
            _ => self.slots.iter().position(|s| s.holds(key)),
        }
    }

    /// The `width` states of `key`, made from `fresh` if the key is new.
    #[inline]
    fn group_mut(
        &mut self,
        key: KeyRef<'_>,
        width: usize,
        fresh: impl Iterator<Item = State>,
    ) -> impl Iterator<Item = &mut State> {
        let at = match self.find(&key) {
            Some(at) => at,
            None => self.add(key.to_key(), width, fresh),
        };
        debug_assert!(self.slots.get(at + 1 + width).is_none_or(Slot::is_key), "every key has `width` states");
        self.slots[at + 1..at + 1 + width].iter_mut().map(Slot::state_mut)
    }

    /// Adds `key` with its `width` states; its slot.
    fn add(&mut self, key: Key, width: usize, states: impl IntoIterator<Item = State>) -> usize {
        let at = self.slots.len();
        match self.slots.first_mut() {
            Some(Slot::Places(places)) => {
                places.insert(key.clone(), at);
            }
            _ if at == Self::SCAN * (width + 1) => {
                // The 17th key: a map of every key's slot, in front.
                self.slots.insert(0, Slot::Places(Box::default()));
                let mut places: HashMap<Key, usize> =
                    self.slots.iter().enumerate().filter_map(|(n, s)| Some((s.key()?, n))).collect();
                places.insert(key.clone(), at + 1);
                self.slots[0] = Slot::Places(Box::new(places));
                return self.push(&key, states);
            }
            _ => {}
        }
        self.push(&key, states)
    }

    fn push(&mut self, key: &Key, states: impl IntoIterator<Item = State>) -> usize {
        let at = self.slots.len();
        self.slots.push(Slot::of(key));
        self.slots.extend(states.into_iter().map(Slot::State));
        at
    }

    /// Each key's slot and its states, in no particular order.
    fn keyed(&self) -> impl Iterator<Item = (&Slot, impl Iterator<Item = &State> + Clone)> {
        self.slots.iter().enumerate().filter(|(_, s)| s.is_key()).map(move |(at, key)| {
            // INVARIANT: a key's states are the slots after it, up to the next key.
            let states = self.slots[at + 1..].iter().take_while(|s| !s.is_key()).map(Slot::state);
            (key, states)
        })
    }

    /// Each key's states, in no particular order.
    pub fn groups(&self) -> impl Iterator<Item = impl Iterator<Item = &State>> {
        self.keyed().map(|(_, states)| states)
    }

    /// Each key with its states, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (Value, Vec<&State>)> {
        self.keyed().map(|(k, states)| (k.key().expect("a key").value(), states.collect()))
    }

    fn merge(&mut self, other: &DistinctKeys) -> Result<(), Fault> {
        for (slot, theirs) in other.keyed() {
            let key = slot.key().expect("a key");
            match self.find(&key.probe()) {
                Some(at) => {
                    for (a, b) in self.slots[at + 1..].iter_mut().zip(theirs) {
                        a.state_mut().merge(b)?;
                    }
                }
                None => {
                    let width = theirs.clone().count();
                    self.add(key, width, theirs.cloned());
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
            && self.keyed().all(|(k, mine)| {
                let key = k.key().expect("a key");
                other.find(&key.probe()).is_some_and(|at| {
                    mine.enumerate().all(|(i, s)| other.slots.get(at + 1 + i).is_some_and(|o| o.state() == s))
                })
            })
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

    #[test]
    fn a_slot_is_no_larger_than_a_state() {
        assert_eq!(std::mem::size_of::<Slot>(), std::mem::size_of::<State>());
    }

    /// The states of key `id`, found by the same probe a row uses.
    fn states<'k>(keys: &'k DistinctKeys, id: &str) -> Option<Vec<&'k State>> {
        let at = keys.find(&KeyRef::of(Val::Text(id)))?;
        Some(keys.slots[at + 1..].iter().take_while(|s| !s.is_key()).map(Slot::state).collect())
    }

    /// Past the keys found by a scan, the same keys are found through the map.
    #[test]
    fn keys_are_found_by_scan_and_then_by_map() {
        let ids: Vec<String> = (0..40).map(|i| format!("C{i:05}")).collect();
        let (mut a, mut b) = (DistinctKeys::default(), DistinctKeys::default());
        for (i, id) in ids.iter().enumerate() {
            let fresh = || std::iter::once(State::new(AggFunc::Sum));
            for state in a.group_mut(KeyRef::of(Val::Text(id)), 1, fresh()) {
                state.add(Some(Val::Num(Decimal::from(i)))).unwrap();
            }
            if i == DistinctKeys::SCAN {
                assert!(matches!(a.slots[0], Slot::Places(_)), "a map from the 17th key on");
            }
            // `b` sees the keys the other way round, twice each.
            for _ in 0..2 {
                let id = &ids[ids.len() - 1 - i];
                for state in b.group_mut(KeyRef::of(Val::Text(id)), 1, fresh()) {
                    state.add(Some(Val::Num(Decimal::ONE))).unwrap();
                }
            }
        }
        assert_eq!(a.len(), 40);
        assert_eq!(states(&a, "C00007"), Some(vec![&sum(7)]));
        assert_eq!(states(&a, "C00040"), None);
        a.merge(&b).unwrap();
        assert_eq!(a.len(), 40);
        assert_eq!(states(&a, "C00030"), Some(vec![&sum(32)]));
        // Equal whatever the order the keys came in.
        let mut c = b.clone();
        c.merge(&DistinctKeys::default()).unwrap();
        assert_eq!(c, b);
        let mut d = DistinctKeys::default();
        d.merge(&b).unwrap();
        assert_eq!(d, b);
        assert_ne!(a, b);
        assert_eq!(a.groups().count(), 40);
    }

    /// Keys other than short texts, and keys without `having` states.
    #[test]
    fn other_keys_and_no_states() {
        let mut keys = DistinctKeys::default();
        for x in [5, 7, 5, 9, 7] {
            assert_eq!(keys.group_mut(KeyRef::of(Val::Num(Decimal::from(x))), 0, std::iter::empty()).count(), 0);
        }
        let long = "a text longer than fifteen bytes";
        keys.group_mut(KeyRef::of(Val::Text(long)), 0, std::iter::empty()).for_each(drop);
        assert_eq!(keys.len(), 4);
        let mut values: Vec<Value> = keys.entries().map(|(v, _)| v).collect();
        values.sort();
        assert_eq!(values[0], Value::Num(Decimal::from(5)));
        assert_eq!(values[3], Value::Text(long.into()));
    }
}
