// Constructs that meet: a split deal in another currency, a rate and a tier
// that change during the year, and a draw.
//
// A deal's amount is converted once, at the rate on the deal's date, then split:
// each rep's share of the converted amount. Each rep's row takes the rate in
// effect on the deal's date and the rep's own tier on that date.
//
// D1, 10,000 USD on 02-01 at 7.00 = 70,000 CNY, split 60/40 at 3%:
// R1 42,000 × 3% = 1,260; R2 28,000 × 3% = 840.
// D2, 5,000 USD on 05-20 at 7.20 = 36,000 CNY, split 50/50 after the rate is 4%:
// R1, senior from 05-01, 18,000 × 5% = 900; R2 18,000 × 4% = 720.
// R2 earns less than the 1,000 guaranteed in Q1 and Q2 (160 + 280 owed) and
// pays it back in Q3 from 2,880 of commission.

plan "split currency draw" {
    currency  CNY
    period    quarter
    year      2024
}

participants roster by participant from since {
    participant:  text
    since:        date
    tier:         text
}

fx rates by currency on date {
    currency:  text
    date:      date
    rate:      decimal  "CNY per unit"
}

events deals by rep on date {
    id:        text
    date:      date
    rep:       text
    currency:  text
    amount:    money in currency
}

splits deal_splits for deals by id {
    id:     text
    rep:    text  // the rep credited
    share:  percent
}

param rate = 3%, from 2024-05-15: 4%

value  pay        = amount × share × (rate + (if tier == "senior" then 1% else 0%))
payout commission = sum(pay)

draw guarantee = 1,000 CNY against commission {
    recover from commission
}
