// Deals in other currencies, converted into the plan's at dated rates.
//
// Each deal names its currency; `amount: money in currency` converts it with the
// `fx` rate in effect on the deal's date (the latest on or before it). Deals in
// the plan's currency (CNY) need no rate. Converted amounts are exact: only the
// payout line is rounded.
//
// R1 in Q1: 10,000 CNY; 1,000 USD on 01-10 at 7.10 = 7,100; 500 EUR on 02-15 at
// 7.80 = 3,900; 2,000 USD on 03-20 at 7.20 (from 03-01) = 14,400.
// Credit 35,400 CNY × 3% = 1,062.00.

plan "multi-currency" {
    currency  CNY
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
}

fx rates by currency on date {
    currency:  text
    date:      date
    rate:      decimal  "CNY per unit"
}

events deals by rep on date {
    date:      date
    rep:       text
    currency:  text
    amount:    money in currency
}

param rate = 3%

value  credit     = sum(amount)
payout commission = credit × rate
