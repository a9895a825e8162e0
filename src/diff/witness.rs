//! Witness cases: a partial assignment the search found, put to the real evaluator.
//!
//! The witness is built as a case of the old program (`Case::set`), carried to the new
//! one by fact and value name (`Case::translate`), with the facts only the new program
//! declares set there. Both are evaluated and explained by the engine; the witness is
//! kept only if the two results really differ, so a witness printed is a witness that
//! `cspr eval` reproduces.

use chrono::NaiveDate;

use super::canon;
use super::search::Found;
use super::semantic::{Pair, What, Witness, WitnessFact};
use super::space::Var;
use crate::check::{Anchor, Program};
use crate::eval::explain::{self, Explainer};
use crate::eval::{Case, Engine, Evaluation};
use crate::value::{Display, Type, Value};

impl Pair<'_> {
    /// Build, evaluate and explain a witness; `None` if the real evaluator does not
    /// confirm the difference. `dates`: date facts to fill from a base date (due dates).
    pub(super) fn witness(
        &self,
        vars: &[Var],
        found: &Found,
        what: (What, What),
        dates: Option<(&[String], NaiveDate)>,
    ) -> Option<Witness> {
        let mut facts = Vec::new();
        let mut oc = Case::empty(self.old);
        let mut new_only: Vec<(usize, Value)> = Vec::new();
        for (i, c) in found.assign.iter().enumerate() {
            let Some(c) = c else { continue };
            let (v, choice) = (&vars[i], &vars[i].domain[*c]);
            let read_by = match (v.old, v.new) {
                (Some(_), Some(_)) => "both",
                (Some(_), None) => "old",
                _ => "new",
            };
            facts.push(WitnessFact {
                name: v.name.clone(),
                value: choice.json.clone(),
                read_by,
            });
            if let (Some(f), Some(val)) = (v.old, &choice.old) {
                oc.set(self.old, f, Some(val.clone())).ok()?;
            }
            if let (None, Some(f), Some(val)) = (v.old, v.new, &choice.new) {
                new_only.push((f, val.clone()));
            }
        }
        if let Some((names, base)) = dates {
            for (k, name) in names.iter().enumerate() {
                if facts.iter().any(|f| &f.name == name) {
                    continue;
                }
                let day = base + chrono::Duration::days(2 * k as i64);
                let (of, nf) = (self.old.fact_named(name), self.new.fact_named(name));
                let ty = of
                    .map(|f| self.old.facts[f].ty)
                    .or(nf.map(|f| self.new.facts[f].ty));
                let value = match ty {
                    Some(Type::Date) => Value::Date(day),
                    Some(Type::DateTime) => Value::DateTime(day.and_hms_opt(9, 0, 0)?),
                    _ => continue,
                };
                let read_by = match (of, nf) {
                    (Some(_), Some(_)) => "both",
                    (Some(_), None) => "old",
                    _ => "new",
                };
                facts.push(WitnessFact {
                    name: name.clone(),
                    value: crate::value::to_json(&value, ty.unwrap_or(Type::Date), &[]),
                    read_by,
                });
                match of {
                    Some(f) => {
                        oc.set(self.old, f, Some(value)).ok()?;
                    }
                    None => new_only.extend(nf.map(|f| (f, value))),
                }
            }
        }
        let (mut nc, _ignored) = oc.translate(self.old, self.new);
        for (f, v) in new_only {
            nc.set(self.new, f, Some(v)).ok()?;
        }
        // An evaluation that fails (a date the calendar cannot count) is a result too.
        let run = |engine: &Engine<'_>, p: &Program, case: &Case, what: What| match engine
            .evaluate(case)
        {
            Ok(e) => (result(p, &e, what), why(p, &e, what), Some(e)),
            Err(e) => (
                format!("cannot be evaluated: {}", e.problem()),
                String::new(),
                None,
            ),
        };
        let (so, old_why, _) = run(&self.old_engine, self.old, &oc, what.0);
        let (sn, new_why, en) = run(&self.new_engine, self.new, &nc, what.1);
        if so == sn {
            return None;
        }
        let note = match (what.1, dates, &en) {
            (What::Due(n), Some((_, base)), Some(en)) => self.holiday_note(en, n, base),
            _ => None,
        };
        let case_of = |side: &str| {
            let mut m = serde_json::Map::new();
            for f in &facts {
                if f.read_by == "both" || f.read_by == side {
                    m.insert(f.name.clone(), f.value.clone());
                }
            }
            m
        };
        Some(Witness {
            old_case: case_of("old"),
            new_case: case_of("new"),
            facts,
            old: so,
            new: sn,
            more: found.more,
            note,
            old_why,
            new_why,
        })
    }
}

/// A target's result in an evaluation, as shown.
pub(super) fn result(p: &Program, eval: &Evaluation, what: What) -> String {
    match what {
        What::Rule(r) => eval.outcomes[r]
            .value
            .as_ref()
            .map_or("undetermined".into(), |v| {
                Display::of(v, p, p.rules[r].ty).to_string()
            }),
        What::Applies(d) => match eval.duties[d].applies {
            Some(true) => "applies".into(),
            Some(false) => "does not apply".into(),
            None => "undetermined".into(),
        },
        // An appointment is on its day, a window opens on one: a changed kind is a
        // different reading of the same date.
        What::Due(d) => match eval.duties[d].due {
            Some(due) => {
                let on = p.duties[d]
                    .deadline
                    .as_ref()
                    .is_some_and(|dl| dl.kind == crate::syntax::ast::DeadlineKind::On);
                let mut s = format!("{} {}", if on { "on" } else { "due" }, due.at);
                if let Some(opens) = due.opens {
                    s += &format!(", not before {opens}");
                }
                s
            }
            None => "no due date".into(),
        },
        What::Reading(d) => match eval.duties[d].applies {
            Some(true) => format!("applies: {}", super::semantic::reading_text(p, d)),
            Some(false) => "does not apply".into(),
            None => "undetermined".into(),
        },
        What::Absent => "not declared".into(),
    }
}

/// The cited explanation of a target in an evaluation.
pub(super) fn why(p: &Program, eval: &Evaluation, what: What) -> String {
    let mut ex = Explainer::new(p, eval);
    let tree = match what {
        What::Rule(r) => ex.rule(r),
        What::Applies(d) | What::Due(d) | What::Reading(d) => ex.duty(d),
        What::Absent => return "(this version does not declare it)".into(),
    };
    let mut out = String::new();
    if let What::Due(d) = what
        && let (Some(dl), Some(due)) = (&p.duties[d].deadline, eval.duties[d].due)
    {
        // How the due date was reckoned, before why the duty applies.
        let from = match due.from.anchor {
            // With a choice of anchors, the deadline's text shows the choice.
            _ if !dl.choices.is_empty() => None,
            Anchor::Fact(f) | Anchor::Done(_, f) => eval.facts[f].as_ref().map(|v| {
                format!(
                    " ({} = {})",
                    p.facts[f].name,
                    Display::of(v, p, p.facts[f].ty)
                )
            }),
            Anchor::Duty(o) => eval.duties[o]
                .due
                .map(|due| format!(" ({} due {})", p.duties[o].name, due.at)),
        };
        out += &format!(
            "{} due {}: {}{}\n",
            p.duties[d].name,
            due.at,
            canon::deadline(p, dl),
            from.unwrap_or_default()
        );
    }
    out + &explain::render(p, &tree)
}
