// Caps and floors per line, per period and per year, with the excess over the
// period's cap carried to later periods.
//
// - per deal: each deal's commission is at least 50 and at most 5,000;
// - per period: at most 10,000 is paid a quarter; what is over it is carried forward
//   and paid in a later quarter with room under the cap;
// - per year: at most 30,000 is paid in the year; past it, nothing more is paid;
// - floor per period: whatever the commission, a quarter pays at least 1,000.

plan "caps and floors" {
    currency  USD
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
}

events deals by rep on date {
    date:    date
    rep:     text
    amount:  money
}

param rate       = 10%
param deal_floor = $50
param deal_cap   = $5,000
param period_cap = $10,000
param year_cap   = $30,000

// Per deal: floor and cap on each deal's commission.
value earned = sum(clamp(amount × rate, deal_floor, deal_cap))

// Per period, with carry-forward: this quarter's commission and what earlier
// quarters could not pay...
value due         = earned + prev(carried_forward, $0)
value paid_before = prev(paid_to_date, $0)

// ...paid up to the quarter's cap and what is left of the year's.
payout commission      = min(due, period_cap, year_cap - paid_before)
value  paid_to_date    = paid_before + commission
info   carried_forward = due - commission

// A floor per period: a minimum paid whatever the commission, never taken back.
draw minimum = $1,000 against commission {
    not recoverable
}
