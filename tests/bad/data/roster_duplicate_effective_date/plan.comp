// A bad-data case: see tests/bad/data/README.md.

plan "dated changes" {
    currency  CNY
    period    quarter
    year      2024
}

participants roster by participant from since {
    participant:  text
    since:        date  "in effect from"
    role:         text
    team:         text
}

events sales by rep on date {
    date:    date
    rep:     text
    amount:  money
}

param base_rate     = 3%, from 2024-08-15: 4%
param override_rate = 1%, from 2024-07-01: 2%

section reps where role == "rep" {
    value  C          = sum(amount)
    payout commission = sum(amount × base_rate)
    info   team_sales = sum(C) over team
}

section leads where role == "lead" {
    payout override = sum(C) over team × override_rate
}
