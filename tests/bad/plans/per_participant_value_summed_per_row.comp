// a per-participant value summed over rows, as if each row had it (comp panicked at run time)
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
    value Q = quotas.annual_quota × 25%
    payout per_collection = sum(Q where collected > 0 CNY) × rate
}
