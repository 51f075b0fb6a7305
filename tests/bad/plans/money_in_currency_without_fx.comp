// amounts in other currencies, but no `fx` table to convert them
plan "bad" {
    currency CNY
    period   quarter
    year     2024
}
participants roster by participant {
    participant: text
}
events sales by rep on date {
    date:     date
    rep:      text
    currency: text
    amount:   money in currency
}
payout commission = sum(amount) × 3%
