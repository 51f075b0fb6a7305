// a plan without an events table
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

param rate = 3%

section reps where role == "rep" {
    value C = 0 CNY
    value Q = quotas.annual_quota × 25%
    payout commission = C × rate
}
