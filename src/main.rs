//! The `cspr` command: parse the arguments and hand over to one subcommand.

// The binary is where cspr reads files, the environment and the terminal: the library does
// no I/O (docs/ARCHITECTURE.md), which clippy.toml's disallowed lists enforce everywhere else.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros,
    reason = "the binary (src/main.rs, src/cli/) is the one place that does I/O"
)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::parse() {
        Ok(args) => cli::run(args),
        Err(code) => code,
    }
}
