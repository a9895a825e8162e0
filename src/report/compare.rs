//! `cspr compare`'s model and renderers: one case evaluated under several programs, a
//! row per rule, decision and duty any of them declares, a cell per program, and the
//! rows that differ marked. The command (`src/cli/compare.rs`) and the REPL's `compare`
//! load and evaluate; this module lays the evaluations side by side, as text or JSON.
//!
//! The text fits a width the front end gives (the terminal's): a table with a column per
//! procedure when it fits in that width and the width is at least [`TABLE_MIN_WIDTH`];
//! otherwise one block per row: a line per distinct value naming the procedures that give
//! it, and one naming those without the rule or duty. Long lines wrap at the width.

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
    /// What people read for it (the label of the first procedure that declares it).
    pub label: String,
    /// `rule`, `decision` or `duty`.
    pub kind: &'static str,
    /// For a duty that refines an inherited one: that duty's name and label (its row is
    /// the one above, or would be were it shown).
    pub refines: Option<(String, String)>,
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

/// Below this width the text is laid out one block per row, not as a table.
pub const TABLE_MIN_WIDTH: usize = 120;

/// One case under several programs, side by side.
pub struct Comparison {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The day statuses are judged on.
    pub as_of: NaiveDate,
    /// How many rows [`Comparison::differences_only`] left out (the same everywhere).
    pub same: usize,
    /// Show code names in the text, not labels (`--names`).
    pub names: bool,
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
            same: 0,
            names: false,
        }
    }

    /// Keep only the rows that differ, and the row of each duty a kept row refines (the
    /// two are one act, shown together).
    pub fn differences_only(&mut self) {
        let before = self.rows.len();
        let refined: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.differs())
            .filter_map(|r| r.refines.as_ref().map(|(name, _)| name.clone()))
            .collect();
        self.rows
            .retain(|r| r.differs() || refined.contains(&r.name));
        self.same += before - self.rows.len();
    }

    /// The comparison for a person, fitted to `width` columns: a table when it fits (and
    /// `width` is at least [`TABLE_MIN_WIDTH`]), else a block per row.
    pub fn text(&self, width: usize) -> String {
        text(self, width)
    }

    /// The aligned table with, at its head, a note on the edition in force on the case's
    /// date where a column was evaluated under another.
    pub fn text_with_edition_note(&self, width: usize) -> String {
        let findings: Vec<_> = self
            .columns
            .iter()
            .map(|c| (c.program.entry().id.as_str(), c.edition))
            .collect();
        let text = self.text(width);
        let Some(note) = crate::edition::compare_note(&findings) else {
            return text;
        };
        // The note, wrapped to the width like every other line, under the heading.
        let mut line = String::new();
        wrap(&mut line, "note: ", "  ", &note, width);
        match text.find("\n\n") {
            Some(i) => format!("{}{line}{}", &text[..=i], &text[i + 1..]),
            None => format!("{line}\n{text}"),
        }
    }

    /// The JSON of `cspr compare --format json`.
    pub fn json(&self) -> Json {
        to_json(&self.columns, &self.rows, self.as_of)
    }
}

/// The rows: every rule and decision, then every duty, in the order first declared.
fn rows(columns: &[Column], as_of: NaiveDate) -> Vec<Row> {
    let mut seen = std::collections::HashSet::new();
    let mut names: Vec<(&str, &'static str, &Program)> = Vec::new();
    let rules = columns.iter().flat_map(|c| {
        c.program.rules.iter().enumerate().map(|(i, r)| {
            let decision = crate::eval::is_decision(&c.program, i);
            let kind = if decision { "decision" } else { "rule" };
            (r.name.as_str(), kind, &c.program)
        })
    });
    let duties = columns.iter().flat_map(|c| {
        c.program
            .duties
            .iter()
            .map(|d| (d.name.as_str(), "duty", &c.program))
    });
    for (name, kind, program) in rules.chain(duties) {
        if seen.insert(name) {
            names.push((name, kind, program));
        }
    }
    // A duty that refines an inherited one is the same act: its row goes right after the
    // row of the duty it refines, and says so.
    fn refined<'p>(name: &str, program: &'p Program) -> Option<&'p str> {
        match program.lookup(name) {
            Some(crate::check::Name::Duty(d)) => program.duties[d]
                .refines
                .map(|r| program.duties[r].name.as_str()),
            _ => None,
        }
    }
    let (refining, mut ordered): (Vec<_>, Vec<_>) = names
        .into_iter()
        .partition(|(name, _, program)| refined(name, program).is_some());
    for entry in refining {
        let target = refined(entry.0, entry.2);
        let at = ordered
            .iter()
            .rposition(|(n, _, p)| Some(*n) == target || refined(n, p) == target)
            .map_or(ordered.len(), |i| i + 1);
        ordered.insert(at, entry);
    }
    ordered
        .into_iter()
        .map(|(name, kind, program)| {
            let cells = columns.iter().map(|c| cell(c, name, as_of)).collect();
            Row {
                name: name.to_string(),
                label: program.label_of(name),
                kind,
                refines: refined(name, program).map(|r| (r.to_string(), program.label_of(r))),
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
                            "actor_title": duty.actor_title,
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

/// `text` broken at spaces into lines of at most `width` characters (a word longer than
/// the width stands alone), the first line after `first`, the rest after `indent`.
fn wrap(out: &mut String, first: &str, indent: &str, text: &str, width: usize) {
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            let _ = writeln!(out, "{}", line.trim_end());
            line = indent.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{}", line.trim_end());
}

fn text(cmp: &Comparison, width: usize) -> String {
    let (columns, rows, as_of) = (&cmp.columns, &cmp.rows, cmp.as_of);
    let mut out = String::new();
    let case_id = columns
        .first()
        .and_then(|c| c.eval.case_id.clone())
        .unwrap_or_else(|| "(no case_id)".into());
    let shown = if cmp.same > 0 {
        // Rows shown for a refining duty beside it differ in nothing themselves.
        let beside = rows.iter().filter(|r| !r.differs()).count();
        let note = if beside > 0 {
            format!(" ({beside} more shown beside the duties that refine them)")
        } else {
            String::new()
        };
        format!(
            "{} rows differ{note}; {} the same under every procedure are not shown (`cspr compare --all` shows them)",
            rows.len() - beside,
            cmp.same
        )
    } else {
        "* marks a row that differs".to_string()
    };
    wrap(
        &mut out,
        "",
        "  ",
        &format!(
            "case {case_id} under {} procedures, as of {as_of}; {shown}",
            columns.len()
        ),
        width,
    );
    out.push('\n');
    let heads: Vec<String> = columns
        .iter()
        .map(|c| c.program.entry().id.clone())
        .collect();
    // A refining duty's row, under the row of the duty it refines, is marked `↳`.
    let name_of = |r: &Row| -> String {
        let name = if cmp.names { &r.name } else { &r.label };
        match r.refines {
            Some(_) => format!("↳ {name}"),
            None => name.clone(),
        }
    };
    let kind_of = |r: &Row| -> String {
        match &r.refines {
            Some((name, label)) => {
                format!(
                    "{} refining {}",
                    r.kind,
                    if cmp.names { name } else { label }
                )
            }
            None => r.kind.to_string(),
        }
    };
    let name_width = rows
        .iter()
        .map(|r| name_of(r).chars().count())
        .max()
        .unwrap_or(4)
        .max(4)
        + 2;
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
    let table_width = 2 + name_width + widths.iter().map(|w| w + 2).sum::<usize>();
    let table = width >= TABLE_MIN_WIDTH && table_width <= width;
    if table {
        let mut line = format!("  {:<name_width$}", "");
        for (h, w) in heads.iter().zip(&widths) {
            let _ = write!(line, "  {h:<w$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let mut kind = "";
    for row in rows {
        let section = if row.kind == "duty" {
            "duties"
        } else {
            "outcomes"
        };
        if section != kind {
            if !table && !kind.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "{section}");
            kind = section;
        }
        let mark = if row.differs() { '*' } else { ' ' };
        if table {
            let mut line = format!("{mark} {:<name_width$}", name_of(row));
            for (c, w) in row.cells.iter().zip(&widths) {
                let t = c.as_ref().map_or("-", |c| c.text.as_str());
                let _ = write!(line, "  {t:<w$}");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        } else {
            // A line per distinct cell, naming the procedures that share it; those without
            // the row last, as one line.
            let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
            let mut absent = Vec::new();
            for (h, c) in heads.iter().zip(&row.cells) {
                match c {
                    None => absent.push(h.as_str()),
                    Some(c) => match groups.iter_mut().find(|(t, _)| *t == c.text) {
                        Some((_, ids)) => ids.push(h),
                        None => groups.push((&c.text, vec![h])),
                    },
                }
            }
            if let [(t, ids)] = groups.as_slice()
                && let [only] = ids.as_slice()
            {
                // Declared by one procedure alone: one line.
                let line = format!(
                    "{mark} {} ({}, only in {only}): {t}",
                    name_of(row),
                    kind_of(row)
                );
                wrap(&mut out, "", "      ", &line, width);
                continue;
            }
            let _ = writeln!(out, "{mark} {} ({})", name_of(row), kind_of(row));
            for (t, ids) in groups {
                wrap(
                    &mut out,
                    "    ",
                    "      ",
                    &format!("{t}: {}", ids.join(", ")),
                    width,
                );
            }
            if !absent.is_empty() {
                let what = if row.kind == "duty" { "duty" } else { "rule" };
                wrap(
                    &mut out,
                    "    ",
                    "      ",
                    &format!("(no such {what}: {})", absent.join(", ")),
                    width,
                );
            }
        }
    }
    out.push_str("\nstill unknown (facts that could change an outcome):\n");
    for c in columns {
        let list = if c.eval.missing.is_empty() {
            "nothing".to_string()
        } else {
            c.program.fact_list(&c.eval.missing)
        };
        wrap(
            &mut out,
            &format!("  {}: ", c.program.entry().id),
            "    ",
            &list,
            width,
        );
    }
    let ignored: Vec<&Column> = columns.iter().filter(|c| !c.ignored.is_empty()).collect();
    if !ignored.is_empty() {
        out.push_str("\ngiven but not facts of (so unknown to) these procedures:\n");
        for c in ignored {
            wrap(
                &mut out,
                &format!("  {}: ", c.program.entry().id),
                "    ",
                &c.ignored.join(", "),
                width,
            );
        }
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
            let mut row = json!({"name": r.name, "label": r.label, "kind": r.kind, "differs": r.differs(), "cells": cells});
            if let Some((name, _)) = &r.refines {
                row["refines"] = json!(name);
            }
            row
        })
        .collect();
    json!({
        "case_id": columns.first().and_then(|c| c.eval.case_id.clone()),
        "as_of": as_of.to_string(),
        "procedures": procedures,
        "rows": rows,
    })
}
