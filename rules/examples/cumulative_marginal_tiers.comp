// Cumulative (year-to-date) marginal tiers: the bands apply to the running total of
// the year, so a deal that crosses an edge is paid partly at each rate.
//
// Published figure: under 150,000 at 4%, 150,000–250,000 at 6%, above at 8%. A rep at
// 145,000 who closes 20,000 earns 5,000 × 4% + 15,000 × 6% = 200 + 900 = 1,100 on it.
// Source: "Use Marginal Payout Rule Functions" (Salesforce Trailhead, Salesforce Spiff's `mamount`),
// https://trailhead.salesforce.com/es-MX/content/learn/modules/salesforce-spiff-marginal-payout-rules/use-marginal-payout-rule-functions

plan "cumulative marginal tiers" {
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

// The commission the year to date has earned, through the bands...
value to_date = tiers marginal on sum(amount) over ytd {
    $0       to $150,000 : 4%
    $150,000 to $250,000 : 6%
    $250,000 and above   : 8%
}

// ...less what the periods before paid.
payout commission = to_date - prev(to_date, $0)
