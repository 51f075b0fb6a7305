// a dated parameter that changes mid-quarter, used once per period
plan "bad" {
    currency CNY
    period   quarter
    year     2024
}
participants roster by participant {
    participant: text
}
events sales by rep on date {
    date:   date
    rep:    text
    amount: money
}
param bonus_rate = 1%, from 2024-08-15: 2%
payout bonus = sum(amount) × bonus_rate
