// a dated parameter whose changes are not in date order
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
param base_rate = 3%, from 2024-10-01: 5%, from 2024-07-01: 4%
payout commission = sum(amount × base_rate)
