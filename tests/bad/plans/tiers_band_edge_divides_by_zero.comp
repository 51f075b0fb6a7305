// a band edge that divides by zero (the checker used to panic)
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
param parts = 0

section reps where role == "rep" {
    value C = sum(collected)
    payout commission = tiers marginal on C {
        0 CNY                           to (10,000 CNY / parts) : 3%
        (10,000 CNY / parts) and above                          : 5%
    }
}
