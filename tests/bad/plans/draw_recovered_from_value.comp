// a draw recovered from a value, which is not paid and so cannot be taken back.
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
value  sales      = sum(amount)
payout commission = sales × 5%
draw guarantee = $1,000 against commission {
    recover from sales
}
