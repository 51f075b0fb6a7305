//! The reference plan as a hand-written, single-purpose Rust program: the
//! baseline `bench/run.py` times `comp run` against (and checks to the cent).
//!
//! `cargo run --release --example handwritten -- DATADIR > out.csv`

#[path = "../tests/support/reference_plan.rs"]
mod reference_plan;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: handwritten DATADIR");
    print!("{}", reference_plan::run(std::path::Path::new(&dir)));
}
