// a band (`low to high`) written in an interpolated table, which takes points.
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
    0%   to 50% : 0%
    100%        : 100%
}
