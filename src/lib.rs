//! comp: a rules engine for sales incentive compensation.
//!
//! A plan is text (`rules/*.comp`). It flows through plain stages:
//! [`syntax`] (text → AST with spans) → [`check`] (names, types and units, tiers,
//! cycles → a compiled [`check::Plan`]) → [`eval`] (records stream through the
//! compiled plan) → [`report`] (tables, CSV, JSON). [`data`] reads the input
//! tables and validates them against the plan's schema; [`cli`] is the `comp`
//! command.
#![forbid(unsafe_code)]

pub mod check;
pub mod cli;
pub mod data;
pub mod eval;
pub mod fmt;
pub mod report;
pub mod syntax;
pub mod testing;
pub mod value;
