//! `cspr rebase`: write a procedure with its `extends` pointing at another edition of
//! the guidance, after checking it there.

use std::path::PathBuf;

use clap::Args;
use cspr::check::rebase::rebase;

use super::{FAILED, find_procedure, report};

/// Put a procedure on another edition of the guidance: its text with `extends EDITION`
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr rebase lincolnshire --onto working_together_2023\n  cspr rebase policies/walsall.policy --onto working_together_2018 -o walsall-2018.policy\n\nOnly the name after `extends` changes; comments and layout are kept. The procedure is checked on the\nedition first: everything that no longer resolves is reported, located in the procedure, and nothing\nis written unless --force. Exit 0 when it checks, 1 when it does not, 2 on bad input."
)]
pub struct Rebase {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH
    procedure: String,
    /// The edition of the guidance to extend (a guidance id, e.g. working_together_2023)
    #[arg(long, value_name = "EDITION")]
    onto: String,
    /// Write the rebased procedure to this file instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write it even if it does not check on the edition (the exit code is still 1)
    #[arg(long)]
    force: bool,
}

impl Rebase {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (source, library) = find_procedure(&self.procedure, None)?;
        let rebased = rebase(&source, &library, &self.onto)?;
        let checked = &rebased.checked;
        report(&checked.problems);
        let ok = !checked.has_errors();
        let edition = checked
            .program
            .as_ref()
            .and_then(|p| p.modules.first())
            .map(|m| match m.version {
                Some(v) => format!("`{}` (version {})", m.id, v.format("%Y-%m-%d")),
                None => format!("`{}`", m.id),
            })
            .unwrap_or_else(|| format!("`{}`", self.onto));
        if !ok && !self.force {
            note!(
                "{} does not check on {edition}: nothing written (--force writes it anyway)",
                source.name
            );
            return Ok(FAILED);
        }
        match &self.output {
            Some(path) => {
                super::output::write_file(path, rebased.text.as_bytes()).map_err(|p| vec![p])?;
                let verdict = if ok { "checks" } else { "does NOT check" };
                note!(
                    "wrote {}: {} on {edition}, which it {verdict}",
                    path.display(),
                    source.name
                );
            }
            None => {
                super::output::print(&rebased.text)?;
                if !ok {
                    note!(
                        "{} does not check on {edition}: written anyway (--force)",
                        source.name
                    );
                }
            }
        }
        Ok(if ok { 0 } else { FAILED })
    }
}
