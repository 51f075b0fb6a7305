// A bad-data case: see tests/bad/data/README.md.

plan "multi-currency" {
    currency  CNY
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
}

fx rates by currency on date {
    currency:  text
    date:      date
    rate:      decimal  "CNY per unit"
}

events deals by rep on date {
    date:      date
    rep:       text
    currency:  text
    amount:    money in currency
}

param rate = 3%

value  credit     = sum(amount)
payout commission = credit × rate
