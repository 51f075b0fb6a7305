// Tiers applied to each transaction: every deal restarts at the first band.
//
// Published figure: bands 0–1,000 at 1%, 1,000–3,000 at 2%, 3,000–8,000 at 3%,
// 8,000–20,000 at 5%; deals 200, 300, 1,500, 1,200, 2,000, 4,500 earn
// 2, 3, 20, 14, 30 and 95: 164 for the quarter.
// Source: "Examples of Calculating Earnings Using Step Rates" (Oracle Incentive Compensation),
// https://docs.oracle.com/en/cloud/saas/sales/facmi/examples-of-calculating-earnings-using-step-rates.html

plan "per-transaction tiers" {
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

payout commission = sum(tiers marginal on amount {
    $0     to $1,000  : 1%
    $1,000 to $3,000  : 2%
    $3,000 to $8,000  : 3%
    $8,000 to $20,000 : 5%
})
