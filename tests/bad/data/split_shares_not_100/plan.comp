// Split credit: one deal credited to several reps, each with a share.
//
// Published figure (Prowi glossary, "Split Commission", https://prowi.io/en/glossary/split-commission): a deal of 100,000 split 60/40 at 10% pays 6,000 and 4,000.
// The reps' manager is credited each share once: the deal counts once, in full.

plan "split credit" {
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
    id:      text
    date:    date
    rep:     text
    amount:  money
}

// A deal with rows here is credited to the reps listed, with their shares
// (adding up to 100%), instead of to the deal's own rep.
splits deal_splits for deals by id {
    id:     text
    rep:    text  // the rep credited
    share:  percent
}

section reps where role == "rep" {
    value  credit     = amount × share  // 100% of an unsplit deal
    value  C          = sum(credit)
    payout commission = C × 10%
}

section managers where role == "manager" {
    payout override = sum(C) over all_reports × 1%
}
