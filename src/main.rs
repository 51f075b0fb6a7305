#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    comp::cli::main()
}
