//! The reference plan as a hand-written, single-purpose Rust program: the
//! baseline `bench/run.py` times `comp run` against (and checks to the cent).
//! The logic is in `tests/support/handwritten_fast.rs`, which the differential
//! tests also run.
//!
//! `cargo run --release --example handwritten -- DATADIR [--threads N] > out.csv`
//!
//! `--threads` defaults to the number of cores; the output is the same for
//! any number.

use std::io::Write;

#[path = "../tests/support/handwritten_fast.rs"]
mod handwritten_fast;

fn main() {
    let usage = "usage: handwritten DATADIR [--threads N]";
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    while let Some(arg) = args.next() {
        if arg == "--threads" {
            threads = args.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).expect(usage);
        } else if dir.is_none() {
            dir = Some(arg);
        } else {
            panic!("{usage}");
        }
    }
    let out = handwritten_fast::run(std::path::Path::new(&dir.expect(usage)), threads);
    std::io::stdout().lock().write_all(out.as_bytes()).expect("writing the output");
}
