// Interpolated rates: the payout factor is read off straight lines between points,
// so it rises steadily between the edges instead of jumping at them. Flat before
// the first point and after the last (here: nothing below 50%, at most 200%).

plan "interpolated rates" {
    currency  USD
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
}

lookup quotas by participant {
    participant:  text
    quota:        money  "quarterly quota"
}

events deals by rep on date {
    date:    date
    rep:     text
    amount:  money
}

param target_bonus = $10,000

value attainment = sum(amount) / quotas.quota

value factor = tiers interpolated on attainment {
    50%  : 0%
    100% : 100%
    150% : 200%
}

payout bonus = target_bonus × factor
