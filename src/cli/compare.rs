//! `cspr compare`: one case under every shipped procedure, side by side.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use cspr::case::{self, Format};
use cspr::check::Program;
use cspr::eval::{Engine, Evaluation};
use cspr::report::DeadlineView;
use cspr::syntax::ast::ModuleKind;
use cspr::value::Display;
use serde_json::{Value as Json, json};

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

/// One procedure's column.
struct Column {
    program: Program,
    eval: Evaluation,
    /// Keys of the case that are not facts of this procedure (facts of another).
    ignored: Vec<String>,
}

/// One row: a rule, decision or duty, with a cell per procedure (`None`: not declared).
struct Row {
    name: String,
    kind: &'static str,
    cells: Vec<Option<Cell>>,
}

struct Cell {
    text: String,
    json: Json,
}

impl Row {
    fn differs(&self) -> bool {
        let first = self.cells.first().map(|c| c.as_ref().map(|c| &c.text));
        self.cells
            .iter()
            .any(|c| c.as_ref().map(|c| &c.text) != first.flatten())
    }
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
            let loaded = match self.guidance.load(id) {
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
            let eval = match super::evaluate(&Engine::new(program), &case) {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            columns.push((eval, ignored));
        }
        let columns: Vec<Column> = programs
            .into_iter()
            .zip(columns)
            .map(|(program, (eval, ignored))| Column {
                program,
                eval,
                ignored,
            })
            .collect();
        let mut rows = rows(&columns, as_of);
        if self.differences {
            rows.retain(Row::differs);
        }
        match self.format {
            OutputFormat::Text => super::output::print(&text(&columns, &rows, as_of))?,
            OutputFormat::Json => {
                super::output::print(&format!("{}\n", to_json(&columns, &rows, as_of)))?;
            }
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
            let guidance = found
                .source()
                .is_ok_and(|s| super::header_kind(&s.text) == Some(ModuleKind::Guidance));
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
    let columns: Vec<Column> = columns
        .into_iter()
        .map(|(program, eval, ignored)| Column {
            program,
            eval,
            ignored,
        })
        .collect();
    let rows = rows(&columns, as_of);
    text(&columns, &rows, as_of)
}

/// The rows: every rule and decision, then every duty, in the order first declared.
fn rows(columns: &[Column], as_of: NaiveDate) -> Vec<Row> {
    let mut seen = std::collections::HashSet::new();
    let mut names: Vec<(&str, &'static str)> = Vec::new();
    let rules = columns.iter().flat_map(|c| {
        c.program.rules.iter().enumerate().map(|(i, r)| {
            let decision = cspr::eval::is_decision(&c.program, i);
            (r.name.as_str(), if decision { "decision" } else { "rule" })
        })
    });
    let duties = columns
        .iter()
        .flat_map(|c| c.program.duties.iter().map(|d| (d.name.as_str(), "duty")));
    for (name, kind) in rules.chain(duties) {
        if seen.insert(name) {
            names.push((name, kind));
        }
    }
    names
        .into_iter()
        .map(|(name, kind)| {
            let cells = columns.iter().map(|c| cell(c, name, as_of)).collect();
            Row {
                name: name.to_string(),
                kind,
                cells,
            }
        })
        .collect()
}

/// What one procedure makes of one name.
fn cell(c: &Column, name: &str, as_of: NaiveDate) -> Option<Cell> {
    use cspr::check::Name;
    let p = &c.program;
    match p.lookup(name)? {
        Name::Rule(r) => {
            let o = &c.eval.outcomes[r];
            Some(match &o.value {
                Some(v) => {
                    let ty = p.rules[r].ty;
                    Cell {
                        text: Display {
                            value: v,
                            enums: &p.enums,
                            ty,
                        }
                        .to_string(),
                        json: json!({"value": cspr::value::to_json(v, ty, &p.enums)}),
                    }
                }
                None => Cell {
                    text: "?".into(),
                    json: json!({"value": null, "missing": names_of(p, &o.missing)}),
                },
            })
        }
        Name::Duty(d) => {
            let o = &c.eval.duties[d];
            let duty = &p.duties[d];
            Some(match o.applies {
                Some(false) => Cell {
                    text: "no".into(),
                    json: json!({"applies": false}),
                },
                None => Cell {
                    text: "?".into(),
                    json: json!({"applies": null, "missing": names_of(p, &o.missing)}),
                },
                Some(true) => {
                    let view = DeadlineView::new(p, &c.eval, d, as_of);
                    let mut text = duty.modality.as_str().to_string();
                    if let Some(due) = view.due {
                        let _ = write!(text, " by {due} ({})", view.status.name());
                    }
                    Cell {
                        text,
                        json: json!({
                            "applies": true,
                            "modality": duty.modality.as_str(),
                            "actor": duty.actor,
                            "due": view.due.map(|m| m.to_string()),
                            "status": view.status.name(),
                        }),
                    }
                }
            })
        }
        Name::Fact(_) => None,
    }
}

fn names_of(p: &Program, facts: &[usize]) -> Vec<String> {
    facts.iter().map(|f| p.facts[*f].name.clone()).collect()
}

fn text(columns: &[Column], rows: &[Row], as_of: NaiveDate) -> String {
    let mut out = String::new();
    let case_id = columns
        .first()
        .and_then(|c| c.eval.case_id.clone())
        .unwrap_or_else(|| "(no case_id)".into());
    let _ = writeln!(
        out,
        "case {case_id} under {} procedures, as of {as_of}; * marks a row that differs\n",
        columns.len()
    );
    let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4) + 2;
    let heads: Vec<String> = columns
        .iter()
        .map(|c| c.program.entry().id.clone())
        .collect();
    let widths: Vec<usize> = heads
        .iter()
        .enumerate()
        .map(|(i, h)| {
            rows.iter()
                .filter_map(|r| r.cells[i].as_ref().map(|c| c.text.chars().count()))
                .max()
                .unwrap_or(1)
                .max(h.len())
        })
        .collect();
    let mut line = format!("  {:<name_width$}", "");
    for (h, w) in heads.iter().zip(&widths) {
        let _ = write!(line, "  {h:<w$}");
    }
    let _ = writeln!(out, "{}", line.trim_end());
    let mut kind = "";
    for row in rows {
        let section = if row.kind == "duty" {
            "duties"
        } else {
            "outcomes"
        };
        if section != kind {
            let _ = writeln!(out, "{section}");
            kind = section;
        }
        let mark = if row.differs() { '*' } else { ' ' };
        let mut line = format!("{mark} {:<name_width$}", row.name);
        for (c, w) in row.cells.iter().zip(&widths) {
            let t = c.as_ref().map_or("-", |c| c.text.as_str());
            let _ = write!(line, "  {t:<w$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let mut missing = String::from("\nstill unknown (facts that could change an outcome):\n");
    for c in columns {
        let _ = writeln!(
            missing,
            "  {}: {}",
            c.program.entry().id,
            if c.eval.missing.is_empty() {
                "nothing".to_string()
            } else {
                c.program.fact_list(&c.eval.missing)
            }
        );
    }
    out.push_str(&missing);
    let ignored: Vec<String> = columns
        .iter()
        .filter(|c| !c.ignored.is_empty())
        .map(|c| format!("  {}: {}", c.program.entry().id, c.ignored.join(", ")))
        .collect();
    if !ignored.is_empty() {
        let _ = writeln!(
            out,
            "\ngiven but not facts of (so unknown to) these procedures:\n{}",
            ignored.join("\n")
        );
    }
    out
}

fn to_json(columns: &[Column], rows: &[Row], as_of: NaiveDate) -> Json {
    let procedures: Vec<Json> = columns
        .iter()
        .map(|c| {
            let e = c.program.entry();
            json!({
                "id": e.id,
                "version": e.version.map(|v| v.to_string()),
                "missing": names_of(&c.program, &c.eval.missing),
                "ignored": c.ignored,
            })
        })
        .collect();
    let rows: Vec<Json> = rows
        .iter()
        .map(|r| {
            let cells: serde_json::Map<String, Json> = columns
                .iter()
                .zip(&r.cells)
                .map(|(c, cell)| {
                    (
                        c.program.entry().id.clone(),
                        cell.as_ref().map_or(Json::Null, |c| c.json.clone()),
                    )
                })
                .collect();
            json!({"name": r.name, "kind": r.kind, "differs": r.differs(), "cells": cells})
        })
        .collect();
    json!({
        "case_id": columns.first().and_then(|c| c.eval.case_id.clone()),
        "as_of": as_of.to_string(),
        "procedures": procedures,
        "rows": rows,
    })
}
