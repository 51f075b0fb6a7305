//! The example plans of `rules/examples/`, one per construct: each runs on its
//! sample data (`rules/examples/data/<name>/`) and its whole output is
//! snapshotted (`snapshots/examples__<name>.snap`). The hand-worked figures are in
//! `rules/examples/<name>.tests`, run by `comp test rules/` (and by
//! `every_example_has_hand_worked_tests` below).

mod common;

use std::path::PathBuf;
use std::process::Command;

fn examples() -> Vec<PathBuf> {
    let dir = common::root().join("rules/examples");
    let mut plans: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("rules/examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "comp"))
        .collect();
    plans.sort();
    assert!(!plans.is_empty(), "no example plans in {}", dir.display());
    plans
}

fn comp(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_comp")).current_dir(common::root()).args(args).output().expect("run comp")
}

fn stem(plan: &std::path::Path) -> String {
    plan.file_stem().expect("stem").to_string_lossy().into_owned()
}

#[test]
fn every_example_runs_on_its_data() {
    for plan in examples() {
        let name = stem(&plan);
        let data = format!("rules/examples/data/{name}");
        let plan_arg = format!("rules/examples/{name}.comp");
        let out = comp(&["run", &plan_arg, "--data", &data, "--format", "csv"]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        insta::assert_snapshot!(name.clone(), String::from_utf8(out.stdout).expect("utf-8"));
    }
}

#[test]
fn every_example_has_hand_worked_tests() {
    for plan in examples() {
        let name = stem(&plan);
        let tests = plan.with_extension("tests");
        assert!(tests.exists(), "{name}: no {}", tests.display());
        let readme = std::fs::read_to_string(common::root().join("rules/examples/README.md")).expect("README");
        assert!(readme.contains(&format!("`{name}.comp`")), "{name}: no line in rules/examples/README.md");
        let out = comp(&["test", &tests.with_extension("comp").to_string_lossy()]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stdout));
    }
}
