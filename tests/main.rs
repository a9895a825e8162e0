//! The one integration test binary: each module is one area of behaviour.
//!
//! Adding a test is usually adding a file: a policy under `tests/check/` (its rendered
//! diagnostics are snapshotted), a case under `tests/explain/`, or a command under
//! `tests/cli/`; then `cargo test`, review the new snapshot, and commit it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail by panicking"
)]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros,
    reason = "tests read fixtures and run the binary: only the library may not do I/O"
)]

mod calendar;
mod cases;
mod check_errors;
mod cli;
mod common;
mod deadline_constructs;
mod deadlines;
mod decider;
mod diff;
mod diff_props;
mod editions;
mod exact;
mod explain;
mod fmt;
mod frontends;
mod fuzz;
mod in_force;
mod logic;
mod lsp;
mod output;
mod parse;
mod progress;
mod provenance;
mod reach;
mod rebase;
mod refines;
mod reliability;
mod repl;
mod repl_cli;
mod report;
mod scenarios;
mod serve_api;
mod serve_browser;
mod serve_browser_page;
mod timeline;
