//! The simple reference implementation of the reference plan
//! (`tests/support/reference_plan.rs`: one thread, `Decimal` throughout) as a
//! program, so that `bench/run.py` can check the fast baseline and `comp run`
//! against it on the benchmark's data (it is not timed).
//!
//! `cargo run --release --example reference -- DATADIR > out.csv`

use std::io::Write;

#[path = "../tests/support/reference_plan.rs"]
mod reference_plan;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: reference DATADIR");
    let out = reference_plan::run(std::path::Path::new(&dir));
    std::io::stdout().lock().write_all(out.as_bytes()).expect("writing the output");
}
