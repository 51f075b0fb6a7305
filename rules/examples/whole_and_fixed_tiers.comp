// Whole-amount (retroactive, 全额累进) tiers, and tiers paying a fixed amount per band.
//
// Published figure: bands below 500 at 25%, 500 up to 3,000 at 30%, 3,000 and above at
// 40% (published as $0–$499.99, $500–$2,999.99, $3,000+). On 520, whole-amount ("All
// Revenue Earned") pays 520 × 30% = 156, where marginal ("Amount Above Earned") pays
// 500 × 25% + 20 × 30% = 131.
// Source: "Tiered Commission by Revenue for Services/Products" (MyTime Help Center),
// https://help.mytime.com/hc/en-us/articles/360046956372-Tiered-Commission-by-Revenue-for-Services-Products
// The fixed-amount tiers below are hand-worked, not published.

plan "whole and fixed tiers" {
    currency  USD
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
}

events deals by rep on date {
    date:    date
    rep:     text
    amount:  money
}

value sales = sum(amount)

// The band the period's sales reach sets the rate for every dollar of them.
payout commission = tiers whole on sales {
    $0     to $500   : 25%
    $500   to $3,000 : 30%
    $3,000 and above : 40%
}

// The same bands paid marginally, for comparison (not paid).
info marginal_equivalent = tiers marginal on sales {
    $0     to $500   : 25%
    $500   to $3,000 : 30%
    $3,000 and above : 40%
}

// A fixed amount for the band reached.
payout step_bonus = tiers whole on sales {
    $0     to $1,000 : $0
    $1,000 to $3,000 : $100
    $3,000 and above : $250
}

// A fixed amount for every band reached: milestones that stack.
payout milestones = tiers marginal on sales {
    $1,000 to $3,000 : $50
    $3,000 and above : $100
}
