//! `cspr compare`'s model and renderers: one case evaluated under several programs, a
//! row per rule, decision and duty any of them declares, a cell per program, and the
//! rows that differ marked. The command (`src/cli/compare.rs`) and the REPL's `compare`
//! load and evaluate; this module lays the evaluations side by side, as text or JSON.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde_json::{Value as Json, json};

use super::DeadlineView;
use crate::check::Program;
use crate::eval::Evaluation;
use crate::value::Display;

/// One procedure's column.
pub struct Column {
    pub program: Program,
    pub eval: Evaluation,
    /// Keys of the case that are not facts of this procedure (facts of another).
    pub ignored: Vec<String>,
    /// The edition in force on the case's date, beside the one evaluated.
    pub edition: Option<crate::edition::Finding<'static>>,
}

/// One row: a rule, decision or duty, with a cell per procedure (`None`: not declared).
pub struct Row {
    pub name: String,
    /// `rule`, `decision` or `duty`.
    pub kind: &'static str,
    pub cells: Vec<Option<Cell>>,
}

pub struct Cell {
    /// What the table shows: a value, `?`, `no`, or a duty's modality, due date and status.
    pub text: String,
    pub json: Json,
}

impl Row {
    /// Whether the procedures' cells differ.
    pub fn differs(&self) -> bool {
        let first = self.cells.first().map(|c| c.as_ref().map(|c| &c.text));
        self.cells
            .iter()
            .any(|c| c.as_ref().map(|c| &c.text) != first.flatten())
    }
}

/// One case under several programs, side by side.
pub struct Comparison {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The day statuses are judged on.
    pub as_of: NaiveDate,
}

impl Comparison {
    /// Every rule and decision, then every duty, in the order first declared, with each
    /// program's cell.
    pub fn new(columns: Vec<Column>, as_of: NaiveDate) -> Comparison {
        let rows = rows(&columns, as_of);
        Comparison {
            columns,
            rows,
            as_of,
        }
    }

    /// Keep only the rows that differ.
    pub fn differences_only(&mut self) {
        self.rows.retain(Row::differs);
    }

    /// The aligned table for a person.
    pub fn text(&self) -> String {
        text(&self.columns, &self.rows, self.as_of)
    }

    /// The aligned table with, at its head, a note on the edition in force on the case's
    /// date where a column was evaluated under another.
    pub fn text_with_edition_note(&self) -> String {
        let findings: Vec<_> = self
            .columns
            .iter()
            .map(|c| (c.program.entry().id.as_str(), c.edition))
            .collect();
        crate::edition::with_text_note(
            &self.text(),
            crate::edition::compare_note(&findings).as_deref(),
        )
    }

    /// The JSON of `cspr compare --format json`.
    pub fn json(&self) -> Json {
        to_json(&self.columns, &self.rows, self.as_of)
    }
}

/// The rows: every rule and decision, then every duty, in the order first declared.
fn rows(columns: &[Column], as_of: NaiveDate) -> Vec<Row> {
    let mut seen = std::collections::HashSet::new();
    let mut names: Vec<(&str, &'static str)> = Vec::new();
    let rules = columns.iter().flat_map(|c| {
        c.program.rules.iter().enumerate().map(|(i, r)| {
            let decision = crate::eval::is_decision(&c.program, i);
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
    use crate::check::Name;
    let p = &c.program;
    match p.lookup(name)? {
        Name::Rule(r) => {
            let o = &c.eval.outcomes[r];
            Some(match &o.value {
                Some(v) => {
                    let ty = p.rules[r].ty;
                    Cell {
                        text: Display::of(v, p, ty).to_string(),
                        json: json!({"value": crate::value::to_json(v, ty, &p.enums)}),
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
                "edition": c.edition.map(|f| f.to_json()),
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
