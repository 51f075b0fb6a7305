// `count(distinct where ...)` with nothing to count (comp panicked at run time)
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
    payout new_logos = 1,000 CNY × count(distinct where collected >= 20,000 CNY)
}
