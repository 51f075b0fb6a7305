//! Any text: `syntax::parse` and `syntax::parse_expr` (as `--set` uses it)
//! return a plan or diagnostics, and the diagnostics render; never a panic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(errors) = comp::syntax::parse(&text) {
        let _ = common::report(errors, &text);
    }
    if let Err(errors) = comp::syntax::parse_expr(&text) {
        let _ = common::report(errors, &text);
    }
});
