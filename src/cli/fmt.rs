//! `cspr fmt`: rewrite `.policy` and `.scenario` files in their canonical layout.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use cspr::fmt::{Kind, format};

use super::{FAILED, files_ending, read_source, report, usage_error};

/// Format policy and scenario files in one canonical layout, keeping every comment
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr fmt policies/ tests/scenarios docs/tutorial\n  cspr fmt --check policies/\n  cspr fmt --stdin --scenario < my.scenario"
)]
pub struct Fmt {
    /// `.policy` and `.scenario` files, or directories to search for them
    #[arg(default_value = "policies")]
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that would change, and exit 1 if any would
    #[arg(long)]
    check: bool,
    /// Read one file from standard input and write it formatted to standard output
    #[arg(long, conflicts_with = "check")]
    stdin: bool,
    /// With --stdin: the text is a scenario file (the default is a policy)
    #[arg(long, requires = "stdin")]
    scenario: bool,
}

impl Fmt {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        if self.stdin {
            return self.stdin();
        }
        let mut files = Vec::new();
        for path in &self.paths {
            if path.is_dir() {
                files.extend(files_ending(path, "policy", 8));
                files.extend(files_ending(path, "scenario", 8));
            } else {
                files.push(path.clone());
            }
        }
        files.sort();
        if files.is_empty() {
            return Err(vec![usage_error(
                "no .policy or .scenario files to format",
                "name a file or a directory that holds some",
            )]);
        }
        let (mut changed, mut broken) = (0usize, 0usize);
        for file in &files {
            let source = read_source(file).map_err(|p| vec![p])?;
            let kind = Kind::of_path(&source.name);
            let formatted = match format(&source, kind) {
                Ok(f) => f,
                Err(problems) => {
                    report(&problems);
                    broken += 1;
                    continue;
                }
            };
            if formatted == *source.text {
                continue;
            }
            changed += 1;
            if self.check {
                outln!("{}", file.display());
            } else {
                super::output::write_file(file, formatted.as_bytes()).map_err(|p| vec![p])?;
            }
        }
        let verb = if self.check {
            "would change"
        } else {
            "changed"
        };
        note!(
            "{} file{} checked: {changed} {verb}, {broken} not formatted (syntax errors)",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        Ok(if broken > 0 || (self.check && changed > 0) {
            FAILED
        } else {
            0
        })
    }

    fn stdin(&self) -> Result<u8, Vec<cspr::Problem>> {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(super::MAX_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                vec![usage_error(
                    format!("cannot read standard input: {e}"),
                    "pipe UTF-8 text into `cspr fmt --stdin`",
                )]
            })?;
        if bytes.len() as u64 > super::MAX_FILE {
            return Err(vec![usage_error(
                format!(
                    "standard input is more than cspr reads ({} bytes)",
                    super::MAX_FILE
                ),
                "split it into smaller files",
            )]);
        }
        // Read as `cspr fmt FILE` reads a file: UTF-8, no control characters, a
        // byte-order mark dropped.
        let text = super::text_of("<stdin>", bytes).map_err(|p| vec![p])?;
        let (name, kind) = if self.scenario {
            ("<stdin>.scenario", Kind::Scenario)
        } else {
            ("<stdin>.policy", Kind::Policy)
        };
        let source = cspr::Source::new(name, text);
        match format(&source, kind) {
            Ok(f) => {
                super::output::print(&f)?;
                Ok(0)
            }
            Err(problems) => {
                report(&problems);
                super::output::print(&source.text)?;
                Ok(FAILED)
            }
        }
    }
}
