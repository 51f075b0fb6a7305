// A gate with a cliff, and a decelerator, for two groups of reps.
//
// Published figure: quota 1,000,000, gate at 70%, 10% commission: 69% of quota pays 0,
// 70% pays 70,000, 90% pays 90,000 — the whole rate from the first dollar once the
// gate is passed. Source: "Commission Threshold" (Visdum glossary; an annual quota there),
// https://visdum.com/term/payout-floor-commission-threshold
// The decelerator (half the rate below 50% of quota) is hand-worked, not published.

plan "gate and decelerator" {
    currency  USD
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
    scheme:       text  "gate | decelerator"
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

param rate = 10%
param gate = 70%

value sales      = sum(amount)
value attainment = sales / quotas.quota

section gated where scheme == "gate" {
    // Nothing below the gate; past it, the rate on every dollar (a cliff).
    payout commission = if attainment >= gate then sales × rate
}

section decelerated where scheme == "decelerator" {
    // Below 50% of quota, half the rate on every dollar.
    payout decelerated_commission = tiers whole on sales of quotas.quota {
        0%  to 50%    : rate × 50%
        50% and above : rate
    }
}
