// a draw that says neither how its balance is recovered nor that it is not.
plan "draw" {
    currency USD
    period   quarter
    year     2024
}
participants roster by participant {
    participant: text
}
events deals by rep on date {
    date:   date
    rep:    text
    amount: money
}
payout commission = sum(amount) × 5%
draw guarantee = $1,000 against commission
