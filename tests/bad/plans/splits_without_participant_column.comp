// a splits table without the column naming the participant credited
plan "bad" {
    currency USD
    period   quarter
    year     2024
}
participants roster by participant {
    participant: text
}
events deals by rep on date {
    id:     text
    date:   date
    rep:    text
    amount: money
}
splits deal_splits for deals by id {
    id:     text
    seller: text
    share:  percent
}
payout commission = sum(amount × share) × 10%
