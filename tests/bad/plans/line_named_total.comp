// A payout line named `total`, the name of the computed sum of the payout lines.
plan "reserved" {
    currency CNY
    period   quarter
    year     2024
}
participants roster by participant {
    participant: text
}
events sales by participant on date {
    participant: text
    date:        date
    amount:      money
}
payout total = sum(amount) × 3%
