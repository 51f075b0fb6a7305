// a clawback whose sum is not a row amount times the rate read (not linear)
plan "bad" {
    currency USD
    period   quarter
    year     2024
}

participants roster by participant {
    participant: text
}

events deals by rep on date {
    date:      date
    rep:       text
    kind:      text
    amount:    money
    deal_date: date
    deal_id:   text
}

value  sold       = sum(amount where kind == "sale")
payout commission = sold × 5%
value  rate_paid  = if sold == 0 then 0% else commission / sold
payout clawback   = -sum(amount × rate_paid at deal_date + 100 USD where kind == "cancel")
