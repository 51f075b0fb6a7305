// a splits table keyed by a column the events table does not have
plan "bad" {
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
splits deal_splits for deals by deal {
    deal:  text
    rep:   text
    share: percent
}
payout commission = sum(amount × share) × 10%
