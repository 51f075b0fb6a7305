// an amount of 300 digits (generated)
plan "bad" {
    currency CNY
    period   quarter
    year     2024
}

participants roster by participant {
    participant: text
    role:        text
    team:        text
}

lookup quotas by rep {
    rep:          text
    annual_quota: money
}

events sales by rep on date {
    date:      date
    rep:       text
    customer:  text
    collected: money
}

param rate = 3%

section reps where role == "rep" {
    value C = sum(collected)
    payout commission = C × rate + 999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999 CNY
}
