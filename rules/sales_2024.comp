// 2024年度销售团队目标与激励计划 (2024 Annual Sales Team Goals and Incentive Plan)
//
// The reference plan of comp (shared/seed-plan.md). Every number is a parameter:
// change one, or try one with `comp run ... --set over_rate=6%`, and dry-run the effect.
// Clause numbers in the comments are the plan document's.

plan "2024年度销售团队目标与激励计划" {
    version   "2024.1"
    currency  CNY
    period    quarter
    year      2024
    rounding  0.01 half_away_from_zero  // 13. 每项金额四舍五入到分
}

// ------------------------------------------------------------------ 数据 (data)

participants roster by participant {
    participant:  text   "参与者"
    role:         text   "角色: rep | manager"
    team:         text   "团队"
    manager:      text?  "上级经理"
}

lookup quotas by rep {
    rep:           text
    annual_quota:  money  "年度任务"
}

events sales by rep on date {
    id:               text
    date:             date   "回款日期"
    rep:              text   "销售代表"
    customer:         text   "客户"
    new_customer:     bool   "新客户"
    industry:         text   "行业"
    region:           text   "区域"
    contract_amount:  money  "合同额"
    collected:        money  "实际回款额"
}

// ------------------------------------------------------------------ 参数 (parameters)

param strategic_industry = "new_energy"  // 1. 年度战略行业
param strategic_uplift   = 120%          // 1. 战略行业回款按 120% 认定业绩

param quarter_weight = by quarter { Q1: 20%, Q2: 25%, Q3: 25%, Q4: 30% }  // 2. 目标分解

param base_rate = 3%  // 3. 完成率 100% 以内
param over_rate = 5%  // 3. 超额 100%–130% 部分
param top_rate  = 7%  // 3. 超额 130% 以上部分

param gate_rate      = 60%          // 4. 回款率门槛
param gate_factor    = 50%          // 4. 未达门槛提成减半
param commission_cap = 100,000 CNY  // 5. 每季度提成封顶
param paid_now_share = 80%          // 6. 当期发放 80%, 其余递延

param new_customer_award = 1,000 CNY   // 7. 每个新客户奖励
param new_customer_min   = 20,000 CNY  // 7. 新客户季度回款下限
param target_award       = 5,000 CNY   // 8. 季度达标奖
param team_pool_rate     = 1%          // 9. 团队奖金池
param override_rate      = 0.5%        // 10. 经理管理津贴
param champion_prize     = 20,000 CNY  // 11. 销售冠军奖
param release_rate       = 80%         // 12. 递延提成释放所需年度回款率

// ------------------------------------------------------------------ 销售代表 (reps)

section reps where role == "rep" {
    // 1. 业绩认定: 战略行业回款 × 120%, 退款冲减
    value credit = if industry == strategic_industry then collected × strategic_uplift else collected
    value C      = sum(credit)

    // 2. 季度任务 = 年度任务 × 季度权重; 完成率
    value Q = quotas.annual_quota × quarter_weight
    value A = C / Q

    // 3. 超额累进提成 (marginal bands of the quarterly quota)
    value progressive = tiers marginal on max(C, 0) of Q {
        0%   to 100%   : base_rate
        100% to 130%   : over_rate
        130% and above : top_rate
    }

    // 4. 回款率门槛: 本季度未签合同视同 100%
    value R     = if sum(contract_amount) == 0 then 100% else sum(collected) / sum(contract_amount)
    value gated = if R < gate_rate then progressive × gate_factor else progressive

    // 5. 封顶; 6. 80% 当期发放, 20% 递延
    info   commission          = min(gated, commission_cap)
    payout commission_paid     = commission × paid_now_share
    info   commission_deferred = commission - commission_paid

    // 7. 市场拓展: 季度回款达标的新客户
    payout new_customer_bonus = new_customer_award
        × count(distinct customer where new_customer having sum(collected) >= new_customer_min)

    // 8. 季度达标奖
    payout target_bonus = if A >= 100% then target_award

    // 9. 团队激励: 团队完成任务时, 1% 团队业绩按个人正业绩分配
    value  TC         = sum(C) over team
    value  TQ         = sum(Q) over team
    payout team_bonus = if TC >= TQ then share(TC × team_pool_rate, max(C, 0)) over team

    // 11. 销售冠军: 年度完成率最高者 (并列均奖), 第四季度发放
    value  annual_attainment = sum(C) over year / quotas.annual_quota
    payout champion_award    = if quarter == 4 and rank(annual_attainment) over all == 1 then champion_prize

    // 12. 递延提成: 年度回款率达标则第四季度释放, 否则没收
    value  annual_contracts = sum(contract_amount) over year
    value  annual_R         = if annual_contracts == 0 then 100% else sum(collected) over year / annual_contracts
    payout deferred_release = if quarter == 4 and annual_R >= release_rate then sum(commission_deferred) over year
}

// ------------------------------------------------------------------ 经理 (managers)

section managers where role == "manager" {
    // 10. 管理津贴: 团队业绩的 0.5%
    value  team_credit      = sum(C) over team
    payout manager_override = if team_credit > 0 then team_credit × override_rate
}
