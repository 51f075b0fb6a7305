// `days_active` of constant dates in a parameter: it reads the period (the checker panicked)
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
param first_quarter_days = days_active(2024-01-01, 2024-03-31)

section reps where role == "rep" {
    payout commission = sum(collected) × rate × first_quarter_days / 91
}
