// Manager overrides with a threshold, over a hierarchy of any depth.
//
// Published figures: a team sells 300,000; an override of 3% pays 9,000; paid only
// above a threshold of 225,000, (300,000 − 225,000) × 3% = 2,250.
// Source: "Override Commission" (Prowi glossary), https://www.prowi.io/en/glossary/override-commission
// Hand-worked: a director's override counts each rep's sales once (rep → manager → director).

plan "manager overrides" {
    currency  USD
    period    quarter
    year      2024
}

participants roster by participant reports to manager {
    participant:  text
    role:         text
    manager:      text?
}

events deals by rep on date {
    date:    date
    rep:     text
    amount:  money
}

param override_rate = 3%
param threshold     = $225,000

section reps where role == "rep" {
    value sales = sum(amount)
}

section leaders where role != "rep" {
    // Everyone below, at any depth, each counted once.
    value team_sales = sum(sales) over all_reports

    payout override                   = max(team_sales - threshold, 0) × override_rate
    info   override_without_threshold = team_sales × override_rate
}
