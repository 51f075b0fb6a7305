// The plan shared by the data cases in this folder (see README.md): each case
// folder holds roster.csv, quotas.csv and sales.csv with one mistake.
plan "data cases" {
    currency CNY
    period   quarter
    year     2024
}

participants roster by participant {
    participant:  text
    role:         text
    manager:      text?
}

lookup quotas by rep {
    rep:           text
    annual_quota:  money
}

events sales by rep on date {
    id:            text
    date:          date
    rep:           text
    new_customer:  bool
    collected:     money
}

section reps where role == "rep" {
    value C = sum(collected)
    value Q = quotas.annual_quota × 25%
    value A = C / Q
    payout commission = C × 3%
    payout target_bonus = if A >= 100% then 5,000 CNY
    payout new_customer_bonus = 1,000 CNY × count(distinct id where new_customer)
}
