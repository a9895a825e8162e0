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
    after_help = "Examples:\n  cspr compare policies/examples/death-in-area.json\n  cspr compare case.json --procedures lincolnshire,buckinghamshire --all\n  cspr compare case.json --width 200\n  cspr compare case.json --names                 (code names, not labels)\n  cspr compare case.json --format json\n\nBy default only the rows that differ between the procedures are shown; --all shows every\nrule, decision and duty (rows that differ marked *). JSON keeps every row, each with
\"differs\", unless --differences. In a cell, ? is undetermined, - means the\nprocedure has no such rule or duty, and a duty that applies shows its modality, due date and status.\n\nThe text fits the terminal's width (COLUMNS, else the terminal's size, else 100 when not a\nterminal; --width N to choose): a table with a column per procedure when it fits in 120\ncolumns or more, otherwise one block per row with a line per procedure."
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
    /// Show every row, not only those that differ between the procedures
    #[arg(long)]
    all: bool,
    /// Only the rows that differ (the default for text; for JSON, which otherwise keeps every row)
    #[arg(long, conflicts_with = "all")]
    differences: bool,
    /// Show code names (`notify_national_panel`) where the text shows labels
    #[arg(long)]
    names: bool,
    /// Fit the text to N columns [default: COLUMNS, else the terminal's width, else 100]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    width: Option<u16>,
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
        let others: Vec<&Program> = programs.iter().collect();
        let mut columns = Vec::new();
        for program in &programs {
            let (case, not_used) =
                case::parse_among(program, &source, format, &others).map_err(|ps| {
                    ps.into_iter()
                        .map(|p| name_compared(p, &program.entry().id, &ids))
                        .collect::<Vec<_>>()
                })?;
            let ignored: Vec<String> = not_used.into_iter().map(|n| n.fact).collect();
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
        comparison.names = self.names;
        // Text shows the differences unless --all; JSON keeps every row (each carries
        // `differs`) unless --differences asks for fewer.
        let text = matches!(self.format, OutputFormat::Text);
        if self.differences || (text && !self.all) {
            comparison.differences_only();
        }
        let width = self.width.map_or_else(terminal_width, usize::from);
        match self.format {
            OutputFormat::Text => {
                super::output::print(&comparison.text_with_edition_note(width))?;
            }
            OutputFormat::Json => super::output::print(&format!("{}\n", comparison.json()))?,
        }
        Ok(0)
    }
}

/// An unknown key in a compared case is a fact of none of the procedures compared (not
/// "of this procedure"): say which they were, and how to compare others.
fn name_compared(mut problem: cspr::Problem, id: &str, ids: &[String]) -> cspr::Problem {
    let one = format!("is not a fact of `{id}` nor of any other procedure found");
    if problem.code == "cspr::unknown_fact" && problem.message.ends_with(&one) {
        let head = problem.message.trim_end_matches(&one);
        problem.message = format!(
            "{head}is not a fact of any procedure compared ({})",
            ids.join(", ")
        );
        let hint = problem.help.take().unwrap_or_default();
        let hint = hint
            .split(" Procedures are found in")
            .next()
            .unwrap_or_default();
        problem.help = Some(cspr::diagnostic::then(
            hint,
            "Compare other procedures with --procedures ID,ID (or .policy paths), or put their folder in CSPR_PATH",
        ));
    }
    problem
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

/// The width to fit text to: `COLUMNS` when set to a number, else the terminal's width when
/// stdout is a terminal, else 100.
pub(super) fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n >= 20)
    {
        return n;
    }
    match terminal_size::terminal_size_of(std::io::stdout()) {
        Some((terminal_size::Width(w), _)) if w >= 20 => usize::from(w),
        _ => 100,
    }
}

/// The side-by-side comparison of `cspr compare` for evaluations made elsewhere (`compare`
/// in `cspr repl`): each column a program, its evaluation, and the case's facts it lacks;
/// the rows that differ, fitted to the terminal.
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
    let mut comparison = Comparison::new(columns, as_of);
    comparison.differences_only();
    comparison.text(terminal_width())
}
