//! A plan that checks, run over small tables made for its schema (the bytes
//! after the first NUL choose the values): a result or diagnostics, in every
//! output format; never a panic.
#![no_main]

mod common;

use comp::data::Inputs;
use comp::eval::{Options, RunError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, rest) = common::split(data);
    let Ok(file) = comp::syntax::parse(&text) else { return };
    let Ok(plan) = comp::check::check(&file, &[]) else { return };
    let mut choices = common::Choices::new(rest);
    let dir = tempfile::tempdir().expect("a temporary folder");
    common::write_tables(&plan, &mut choices, dir.path());
    let inputs = Inputs::new(&plan, Some(dir.path()), &[]).expect("a file for every table");
    let threads = 1 + choices.byte() as usize % 2;
    match comp::eval::run(&plan, &inputs, Options { threads }) {
        Ok(evaluation) => {
            let statements = comp::report::statements(&evaluation);
            let _ = comp::report::table(&plan, &statements);
            let _ = comp::report::csv(&plan, &statements);
            let _ = comp::report::json(&plan, &statements);
        }
        Err(RunError::Data(errors)) => common::report(errors, &text),
        Err(RunError::Eval(errors)) => common::report(errors, &text),
    }
});
