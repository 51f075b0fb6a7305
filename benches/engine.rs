//! In-process micro-benchmarks of the engine's fixed and per-row costs, on the
//! reference plan and its sample data (`cargo bench --bench engine`). Whole
//! runs against DuckDB and a hand-written program are `bench/run.py`'s job.
//!
//! - `parse_and_check`: the plan text to a compiled plan (`comp check`'s work).
//! - `row_step`: one sales row through the compiled row program into the
//!   accumulators (credit, sums, distinct new customers), per row.
//! - `run_sample`: the whole evaluation of the sample data, read from disk.

use comp::check::{ColumnType, Plan};
use comp::data::{load_static, Inputs};
use comp::eval::{Accumulators, RowProgram};
use comp::value::Val;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

const PLAN: &str = "rules/sales_2024.comp";
const DATA: &str = "rules/data/2024";

fn plan() -> Plan {
    let text = std::fs::read_to_string(PLAN).expect("the reference plan");
    comp::check::check(&comp::syntax::parse(&text).expect("parses"), &[]).expect("checks")
}

fn parse_and_check(c: &mut Criterion) {
    let text = std::fs::read_to_string(PLAN).expect("the reference plan");
    c.bench_function("parse_and_check", |b| {
        b.iter(|| comp::check::check(&comp::syntax::parse(&text).expect("parses"), &[]).expect("checks"))
    });
}

/// The sample's sales rows as typed values, with their participant and period.
fn typed_rows(plan: &Plan, statics: &comp::data::StaticData) -> Vec<(usize, usize, Vec<Val<'static>>)> {
    let mut reader = csv::Reader::from_path(Path::new(DATA).join("sales.csv")).expect("sales.csv");
    let headers = reader.headers().expect("header").clone();
    let date = plan.events.date.expect("a date column");
    reader
        .records()
        .map(|r| {
            let record = r.expect("a record");
            let row: Vec<Val<'static>> = plan
                .events
                .columns
                .iter()
                .map(|c| {
                    let i = headers.iter().position(|h| h == c.name).expect("column in header");
                    let text: &'static str = Box::leak(record[i].to_string().into_boxed_str());
                    match c.ty {
                        ColumnType::Text => Val::Text(text),
                        ColumnType::Bool => Val::Bool(text == "true"),
                        ColumnType::Date => Val::Date(text.parse().expect("a date")),
                        _ => Val::Num(Decimal::from_str(text).expect("a number")),
                    }
                })
                .collect();
            let Val::Text(id) = row[plan.events.key] else { unreachable!("text key") };
            let Val::Date(d) = row[date] else { unreachable!("date") };
            let p = statics.participant(id).expect("a participant");
            let t = plan.calendar.period_of(d).expect("in the year");
            (p, t, row)
        })
        .collect()
}

fn row_step(c: &mut Criterion) {
    let plan = plan();
    let inputs = Inputs::new(&plan, Some(Path::new(DATA)), &[]).expect("inputs");
    let statics = load_static(&plan, &inputs).expect("static tables");
    let rows = typed_rows(&plan, &statics);
    let program = RowProgram::new(&plan, &statics).expect("row program");
    let mut group = c.benchmark_group("row_step");
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.bench_function("sample_rows", |b| {
        b.iter_batched_ref(
            || (Accumulators::new(&plan, statics.ids.len()), Vec::new()),
            |(accs, scratch)| {
                for (p, t, row) in &rows {
                    program.push(accs, scratch, *p, *t, row).expect("no faults");
                }
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn run_sample(c: &mut Criterion) {
    let plan = plan();
    let inputs = Inputs::new(&plan, Some(Path::new(DATA)), &[]).expect("inputs");
    c.bench_function("run_sample", |b| {
        b.iter(|| comp::eval::run(&plan, &inputs, comp::eval::Options::threads(1)).map(|_| ()).expect("runs"))
    });
}

criterion_group!(benches, parse_and_check, row_step, run_sample);
criterion_main!(benches);
