//! `cspr compare`: one case under every shipped procedure, side by side.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use cspr::case::{self, Format};
use cspr::check::Program;
use cspr::eval::{Engine, Evaluation};
use cspr::report::compare::{Column, Comparison};
use cspr::syntax::ast::ModuleKind;

use super::eval::OutputFormat;
use super::{Library, load_procedure, read_source, usage_error};

/// Evaluate one case under every procedure, side by side, with the differences marked
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr compare policies/examples/death-in-area.json\n  cspr compare case.json --procedures lincolnshire,buckinghamshire --differences\n  cspr compare case.json --format json\n\nRows marked * differ between the procedures. In a cell, ? is undetermined, - means the\nprocedure has no such rule or duty, and a duty that applies shows its modality, due date and status."
)]
pub struct Compare {
    /// A case file (.json or .toml); its keys may be facts of any of the procedures
    case: PathBuf,
    /// The procedures to compare, by id or .policy path, comma-separated [default: every module in policies/ and CSPR_PATH]
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    procedures: Vec<String>,
    #[command(flatten)]
    as_of: super::AsOf,
    #[command(flatten)]
    guidance: super::Guidance,
    /// Show only the rows that differ
    #[arg(long)]
    differences: bool,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
}

impl Compare {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let as_of = self.as_of.day();
        let ids = if self.procedures.is_empty() {
            every_module()
        } else {
            self.procedures.clone()
        };
        if ids.is_empty() {
            return Err(vec![usage_error(
                "no procedures found to compare",
                "run from a directory with policies/, set CSPR_PATH, or give --procedures",
            )]);
        }
        let mut programs = Vec::new();
        for id in &ids {
            // The editions themselves are compared as they are; procedures go on the
            // edition asked for.
            let loaded = match self.guidance.load_for(id, &self.case) {
                Err(ps) if ps.iter().any(|p| p.code == "cspr::not_a_procedure") => {
                    load_procedure(id)
                }
                other => other,
            };
            programs.push(loaded?.0);
        }
        let source = read_source(&self.case).map_err(|p| vec![p])?;
        let format = Format::from_name(&source.name);
        if format == Format::JsonLines {
            return Err(vec![usage_error(
                "`compare` takes one case, not a batch",
                "give a .json or .toml case file",
            )]);
        }
        let declared_anywhere = |key: &str| programs.iter().any(|p| p.fact_named(key).is_some());
        let mut columns = Vec::new();
        for program in &programs {
            let skip = |key: &str| program.fact_named(key).is_none() && declared_anywhere(key);
            let (case, ignored) = case::parse_skipping(program, &source, format, &skip)?;
            let edition = super::edition::Editions::of(program, false).finding(&case);
            let eval = match super::evaluate(&Engine::new(program), &case) {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            columns.push((eval, ignored, edition));
        }
        let columns: Vec<Column> = programs
            .into_iter()
            .zip(columns)
            .map(|(program, (eval, ignored, edition))| Column {
                program,
                eval,
                ignored,
                edition,
            })
            .collect();
        let mut comparison = Comparison::new(columns, as_of);
        if self.differences {
            comparison.differences_only();
        }
        match self.format {
            OutputFormat::Text => super::output::print(&comparison.text_with_edition_note())?,
            OutputFormat::Json => super::output::print(&format!("{}\n", comparison.json()))?,
        }
        Ok(0)
    }
}

/// Every module id in the library: guidance first, then procedures, each sorted.
pub(super) fn every_module() -> Vec<String> {
    let mut found: Vec<(bool, String)> = Library::new(None)
        .listing()
        .into_iter()
        .map(|(id, found)| {
            let guidance = found.source().is_ok_and(|s| {
                cspr::scenario::suite::module_kind(&s.text) == Some(ModuleKind::Guidance)
            });
            (!guidance, id)
        })
        .collect();
    found.sort();
    found.dedup();
    found.into_iter().map(|(_, id)| id).collect()
}

/// The side-by-side table of `cspr compare` for evaluations made elsewhere (`compare` in
/// `cspr repl`): each column a program, its evaluation, and the case's facts it lacks.
pub(super) fn side_by_side(
    columns: Vec<(Program, Evaluation, Vec<String>)>,
    as_of: NaiveDate,
) -> String {
    let columns = columns
        .into_iter()
        .map(|(program, eval, ignored)| Column {
            program,
            eval,
            ignored,
            edition: None,
        })
        .collect();
    Comparison::new(columns, as_of).text()
}
