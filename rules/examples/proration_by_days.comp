// Proration by the days a participant is on the plan: quotas and fixed amounts
// scaled by the days of the period from the hire date to the leaving date.
//
// Hand-worked figures (our own, not published): hired 2024-02-15, on the plan 46 of Q1's 91 days; leaving
// 2024-05-10, on it 40 of Q2's 91 days. A quota of 91,000 a quarter prorates to
// 46,000 and 40,000; a guarantee of 910 to 460 and 400.
//
// The guarantee is a draw not recoverable: the target bonus is topped up to the
// prorated guarantee, and nothing is taken back later.

plan "proration by days" {
    currency  USD
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
    hired:        date
    leaves:       date  "9999-12-31 while employed"
}

events deals by rep on date {
    date:    date
    rep:     text
    amount:  money
}

value on_plan = days_active(hired, leaves) / days_in_period

info   quota        = $91,000 × on_plan
payout target_bonus = if on_plan > 0 and sum(amount) >= quota then $910 × on_plan

draw guarantee = $910 × on_plan against target_bonus {
    not recoverable
}
