// A two-dimensional matrix of coefficients: attainment × collection rate. A
// `lookup` tier gives the value of the band reached; nested, a matrix.
//
// Hand-worked, illustrative figure, not published (attainment below / from 100%, collection rate below / from 80%):
//
//                   rate < 80%   rate ≥ 80%
//   attainment < 100%     50%          80%
//   attainment ≥ 100%     90%         120%

plan "coefficient matrix" {
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
    date:       date
    rep:        text
    amount:     money  "contract amount"
    collected:  money
}

param target_bonus = $10,000

value A = sum(amount) / quotas.quota
value R = if sum(amount) == 0 then 100% else sum(collected) / sum(amount)

value coefficient = tiers lookup on A {
    0% to 100% : tiers lookup on R {
        0%  to 80%    : 50%
        80% and above : 80%
    }
    100% and above : tiers lookup on R {
        0%  to 80%    : 90%
        80% and above : 120%
    }
}

payout bonus = target_bonus × coefficient
