// an interpolated table whose points are not written left to right.
plan "interpolated" {
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
value  attainment = sum(amount) / $100,000
payout bonus      = $10,000 × tiers interpolated on attainment {
    50%  : 0%
    120% : 150%
    100% : 100%
}
