//! The engine against an independent hand-written implementation of the
//! reference plan (`tests/support/reference_plan.rs`): same data, same bytes.

mod common;
#[path = "support/reference_plan.rs"]
mod reference_plan;

#[test]
fn sample_data_matches_the_hand_written_implementation() {
    let root = common::root();
    let plan = common::plan_file(&root.join("rules/sales_2024.comp"));
    let data = root.join("rules/data/2024");
    let engine = common::run_csv(&plan, &data);
    let reference = reference_plan::run(&data);
    if engine != reference {
        let diff: Vec<String> = engine
            .lines()
            .zip(reference.lines())
            .filter(|(a, b)| a != b)
            .take(20)
            .map(|(a, b)| format!("engine {a}\n   ref {b}"))
            .collect();
        panic!(
            "engine and reference differ ({} vs {} lines):\n{}",
            engine.lines().count(),
            reference.lines().count(),
            diff.join("\n")
        );
    }
}
