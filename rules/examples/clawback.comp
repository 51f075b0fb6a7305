// Clawbacks: a cancelled deal takes back commission at the rate originally
// paid on it, within a stated window.
//
// Commission is marginal on the quarter's sales against a quarterly quota of
// 100,000: 5% up to quota, 8% above. A quarter's blended rate is what was
// paid ÷ what was sold. A cancellation carries its deal's original date; it
// takes back its amount × the blended rate of the quarter of that date (not
// the rate of the quarter it arrives in), if it arrives within 180 days.
// Attainment for the quarterly bonus counts cancellations (the plan's choice:
// leave them out of `net` and they would not lower it).

plan "clawback" {
    currency  USD
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
}

events deals by rep on date {
    id:         text
    date:       date
    rep:        text
    kind:       text   // "sale", or "cancel" for a reversal
    amount:     money  // a cancellation's amount is what it reverses, positive
    deal_date:  date   // the original deal's date (a sale's own date)
}

param quota = 100,000 USD

value sold      = sum(amount where kind == "sale")
value cancelled = sum(amount where kind == "cancel")
payout commission = tiers marginal on sold of quota {
    0%   to 100%   : 5%
    100% and above : 8%
}
value rate_paid = if sold == 0 then 0% else commission / sold

// The window: a cancellation up to 180 days after its deal takes back.
value  in_window = days_between(deal_date, date) <= 180
payout clawback  = -sum(amount × rate_paid at deal_date where kind == "cancel" and in_window)

value  net   = sold - cancelled
payout bonus = if net >= quota then 1,000 USD
