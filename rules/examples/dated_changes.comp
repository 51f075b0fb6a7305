// Changes inside the year: a rate that rises from a date on, a quota raised
// from Q3, and a rep who moves from team east to team west at the start of Q3.
//
// `base_rate` rises from 3% to 4% on 2024-08-15. Used in a row formula, each
// sale takes the rate in effect on its date. `override_rate` rises on
// 2024-07-01, a quarter's start: used once per period, a period takes the value
// in effect on its first day (a change inside a period would be an error there).
// So does `quota`, a rep's quarterly quota, raised from 20,000 to 40,000 from Q3:
// the bonus pays 1,000 × attainment, at most 100%.
//
// The roster has a row per participant and change (`from since`): R2 is in team
// east from 2024-01-01 and in team west from 2024-07-01. A period takes the row
// in effect on its first day, so team totals follow R2 from Q3 on.
//
// Q2: east = R1 10,000 + R2 20,000 = 30,000, × 1% = 300 to M1; west = R3 5,000,
//     × 1% = 50 to M2.
// Q3: east = R1 10,000, × 2% = 200 to M1; west = R2 20,000 + 10,000 and R3
//     5,000 = 35,000, × 2% = 700 to M2. R2's commission: 20,000 on 08-01 at 3% =
//     600, 10,000 on 09-01 at 4% = 400: 1,000.
// Bonus: R2 20,000 of 20,000 in Q2 = 100%, 1,000; 30,000 of 40,000 in Q3 =
//     75%, 750. R1 10,000 of 20,000 = 50%, 500, then of 40,000 = 25%, 250.

plan "dated changes" {
    currency  CNY
    period    quarter
    year      2024
}

participants roster by participant from since {
    participant:  text
    since:        date  "in effect from"
    role:         text
    team:         text
}

events sales by rep on date {
    date:    date
    rep:     text
    amount:  money
}

param base_rate     = 3%, from 2024-08-15: 4%
param override_rate = 1%, from 2024-07-01: 2%
param quota         = 20,000 CNY, from 2024-07-01: 40,000 CNY

section reps where role == "rep" {
    value  C          = sum(amount)
    payout commission = sum(amount × base_rate)
    payout bonus      = 1,000 CNY × min(C / quota, 100%)
    info   team_sales = sum(C) over team
}

section leads where role == "lead" {
    payout override = sum(C) over team × override_rate
}
