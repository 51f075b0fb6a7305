#![forbid(unsafe_code)]

// mimalloc (v2, the crate's C allocator): a run allocates many small maps and
// strings per participant and frees them at the end, and the block buffers
// move between threads; glibc's malloc spent a third of a 1M-row run's wall
// time there and in page faults (measured: 0.30 → 0.21 s, `bench/run.py`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    comp::cli::main()
}
