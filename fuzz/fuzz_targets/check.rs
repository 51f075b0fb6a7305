//! Any text that parses: `check::check` returns a plan or diagnostics, and the
//! diagnostics render; never a panic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = match comp::syntax::parse(&text) {
        Ok(file) => file,
        Err(_) => return,
    };
    if let Err(errors) = comp::check::check(&file, &[]) {
        let _ = common::report(errors, &text);
    }
});
