// Draws: a guaranteed amount per period. A recoverable draw is an advance on later
// earnings: the top-ups add up to a balance owed, carried through the year and taken
// back from earnings above the guarantee, from the lines named, in that order.
//
// Published figure: a draw of 1,000 a period, earnings 500, 700 and 400: 1,000 is paid each period and 1,400
// is owed after the third. Source: "Example of Incentive Compensation Draw and Recovery" (Oracle Incentive Compensation), https://docs.oracle.com/en/cloud/saas/sales/facmi/example-of-incentive-compensation-draw-and-recovery.html

plan "draws" {
    currency  USD
    period    quarter
    year      2024
}

participants roster by participant {
    participant:  text
    role:         text  "rep | trainee"
}

events deals by rep on date {
    date:    date
    rep:     text
    amount:  money
}

section reps where role == "rep" {
    payout commission = sum(amount) × 10%
    payout bonus      = if sum(amount) >= $20,000 then $300

    draw guarantee = $1,000 against commission + bonus {
        recover from bonus, commission
    }
}

section trainees where role == "trainee" {
    payout trainee_commission = sum(amount) × 10%

    draw stipend = $800 against trainee_commission {
        not recoverable
    }
}
