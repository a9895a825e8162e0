//! `cspr check`: parse and check policy files, reporting every problem at once.

use std::path::PathBuf;

use clap::Args;

use super::{FAILED, Library, policy_files, read_source, report};

/// Parse and check policy files: every error and warning, each at its place in the file
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr check policies/\n  cspr check --deny-warnings policies/lincolnshire.policy\n  cspr check --require-quotes --deny-warnings policies/buckinghamshire.policy\n  cspr check --require-source-coverage policies/walsall.policy\n  cspr check --list"
)]
pub struct Check {
    /// Policy files, or directories to search for `.policy` files
    #[arg(default_value = "policies")]
    paths: Vec<PathBuf>,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    deny_warnings: bool,
    /// Warn on each citation that carries neither a quote of its source nor a reading
    /// (`cspr::unquoted_citation`); with --deny-warnings, fail on them
    #[arg(long)]
    require_quotes: bool,
    /// Fail (`cspr::source_coverage`) when a rule-bearing sentence of a source text the
    /// module declares is neither quoted by a declaration nor recorded as `not encoded`,
    /// listing those sentences (see `cspr sources`)
    #[arg(long)]
    require_source_coverage: bool,
    /// List the procedure and calendar ids cspr can reach, and where each comes from
    /// (a file in policies/ or CSPR_PATH, or built into cspr), instead of checking
    #[arg(long, conflicts_with = "deny_warnings")]
    list: bool,
}

impl Check {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        if self.list {
            list()?;
            return Ok(0);
        }
        let mut files = Vec::new();
        for path in &self.paths {
            if path.is_dir() {
                files.extend(policy_files(path, 8));
            } else {
                files.push(path.clone());
            }
        }
        if files.is_empty() {
            return Err(vec![super::usage_error(
                "no .policy files to check",
                "name a .policy file or a directory that holds some",
            )]);
        }
        let (mut errors, mut warnings) = (0, 0);
        // Each module parsed once for the run, however many of the files extend it.
        let parsed = cspr::check::Parsed::default();
        for file in &files {
            let source = read_source(file).map_err(|p| vec![p])?;
            let library = Library::new(Some(file));
            let mut checked = cspr::check::check_with(&source, &library, None, &parsed);
            // The quotes, against the source texts (only when the file parses).
            if checked.program.is_some() || !checked.has_errors() {
                let provenance =
                    cspr::check::provenance(&source, &library, &parsed, self.require_quotes);
                if self.require_source_coverage {
                    checked
                        .problems
                        .extend(provenance.uncovered(&provenance.coverage()));
                }
                checked.problems.extend(provenance.problems);
            }
            for p in &checked.problems {
                if p.is_error() {
                    errors += 1;
                } else {
                    warnings += 1;
                }
            }
            report(&checked.problems);
        }
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        super::output::stderr(&format!(
            "checked {}: {}, {}\n",
            plural(files.len(), "file"),
            plural(errors, "error"),
            plural(warnings, "warning")
        ));
        Ok(if errors > 0 || (self.deny_warnings && warnings > 0) {
            FAILED
        } else {
            0
        })
    }
}

/// `cspr check --list`: every id, first where it is found.
fn list() -> Result<(), Vec<cspr::Problem>> {
    let mut rows: Vec<(String, String)> = Library::new(None)
        .listing()
        .into_iter()
        .map(|(id, found)| (id, found.describe()))
        .collect();
    rows.extend(
        cspr::time::Calendar::BUILTIN_IDS
            .iter()
            .map(|id| ((*id).to_string(), "calendar, built in".to_string())),
    );
    let width = rows.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (id, from) in rows {
        out.push_str(&format!("{id:width$}  {from}\n"));
    }
    super::output::print(&out)
}
