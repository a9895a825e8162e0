//! The `cspr` command: parse the arguments and hand over to one subcommand.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::parse() {
        Ok(args) => cli::run(args),
        Err(code) => code,
    }
}
