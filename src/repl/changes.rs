//! What changed between two evaluations: after a `set`, the session shows only this, not
//! the whole report again.
//!
//! An outcome is listed when its value changed (newly determined, changed, or undetermined
//! again); a duty when whether it applies changed; a due date when it appeared, moved or
//! went away while the duty still applies or may. Outcomes and duties are matched by name,
//! so the two evaluations may be of two versions of a procedure (`reload`). The count of
//! facts still missing is carried so the front end can say how far the case has come.

use std::fmt::Write as _;

use crate::check::Program;
use crate::eval::Evaluation;
use crate::value::Display;

/// One outcome or duty that changed: its name, and what it showed before and after
/// (`None`: undetermined, or for a due date, unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub name: String,
    /// What people read for it (its label, else its name in words).
    pub label: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// For a due date now known: what it counts from (`5 working days after la_aware_on
    /// (2024-03-04)`, with `; Sun 24 Jan 2027 — not a working day` where it is not one).
    pub counted: Option<String>,
}

/// The difference between an evaluation before and after.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Changes {
    /// Rules and decisions whose value changed.
    pub outcomes: Vec<Change>,
    /// Duties whose applying changed (`applies`, `does not apply`; `None`: may apply).
    pub duties: Vec<Change>,
    /// Due dates that appeared, moved or went away, of duties that apply or may.
    pub dues: Vec<Change>,
    /// How many facts were, and are, still missing.
    pub missing: (usize, usize),
}

fn outcome(program: &Program, eval: &Evaluation, r: usize) -> Option<String> {
    let ty = program.rules[r].ty;
    eval.outcomes[r]
        .value
        .as_ref()
        .map(|value| Display::of(value, program, ty).to_string())
}

fn applies(eval: &Evaluation, d: usize) -> Option<String> {
    eval.duties[d]
        .applies
        .map(|a| if a { "applies" } else { "does not apply" }.to_string())
}

fn due(eval: &Evaluation, d: usize) -> Option<String> {
    eval.duties[d].due.map(|due| due.at.to_string())
}

impl Changes {
    /// Compare two evaluations of the same program.
    pub fn between(program: &Program, before: &Evaluation, after: &Evaluation) -> Changes {
        Changes::between_programs(program, before, program, after)
    }

    /// Compare an evaluation under `old` with one under `new`, matching names.
    pub fn between_programs(
        old: &Program,
        before: &Evaluation,
        new: &Program,
        after: &Evaluation,
    ) -> Changes {
        let mut out = Changes {
            missing: (before.missing.len(), after.missing.len()),
            ..Changes::default()
        };
        let push = |list: &mut Vec<Change>, name: &str, b: Option<String>, a: Option<String>| {
            if a != b {
                list.push(Change {
                    name: name.to_string(),
                    label: new.label_of(name),
                    before: b,
                    after: a,
                    counted: None,
                });
            }
        };
        for (r, def) in new.rules.iter().enumerate() {
            let b = match old.lookup(&def.name) {
                Some(crate::check::Name::Rule(o)) => outcome(old, before, o),
                _ => None,
            };
            push(&mut out.outcomes, &def.name, b, outcome(new, after, r));
        }
        for (d, def) in new.duties.iter().enumerate() {
            let o = match old.lookup(&def.name) {
                Some(crate::check::Name::Duty(o)) => Some(o),
                _ => None,
            };
            let b = o.and_then(|o| applies(before, o));
            push(&mut out.duties, &def.name, b, applies(after, d));
            if after.duties[d].applies != Some(false) {
                let len = out.dues.len();
                push(
                    &mut out.dues,
                    &def.name,
                    o.and_then(|o| due(before, o)),
                    due(after, d),
                );
                if let Some(change) = out.dues.get_mut(len) {
                    change.counted = crate::report::counted::duty_sentence(new, after, d)
                        .and_then(|s| s.split_once(" = ").map(|(_, c)| c.to_string()));
                }
            }
        }
        out
    }

    /// Whether nothing an outcome, duty or deadline shows changed.
    pub fn is_empty(&self) -> bool {
        self.outcomes.is_empty() && self.duties.is_empty() && self.dues.is_empty()
    }
}

/// `+` newly settled, `-` unsettled again, `~` changed.
fn mark(c: &Change) -> char {
    match (&c.before, &c.after) {
        (None, Some(_)) => '+',
        (Some(_), None) => '-',
        _ => '~',
    }
}

/// The changes as aligned lines, each marked `+` (newly settled), `~` (changed) or `-`
/// (unsettled again), and a last line on what is still missing.
pub fn render(changes: &Changes) -> String {
    let mut rows: Vec<(char, String, String)> = Vec::new();
    let shown = |v: &Option<String>, none: &str| v.clone().unwrap_or_else(|| none.to_string());
    for c in &changes.outcomes {
        let text = match &c.before {
            None => shown(&c.after, "undetermined"),
            Some(b) => format!("{} (was {b})", shown(&c.after, "undetermined")),
        };
        rows.push((mark(c), c.label.clone(), text));
    }
    for c in &changes.duties {
        let text = format!(
            "{} (was: {})",
            shown(&c.after, "may apply"),
            shown(&c.before, "may apply")
        );
        rows.push((mark(c), format!("duty: {}", c.label), text));
    }
    for c in &changes.dues {
        let counted = c
            .counted
            .as_ref()
            .map_or(String::new(), |c| format!(" = {c}"));
        let text = match (&c.before, &c.after) {
            (None, Some(a)) => format!("due {a}{counted}"),
            (Some(b), None) => format!("due date unknown again (was {b})"),
            (Some(b), Some(a)) => format!("due {a} (was {b}){counted}"),
            (None, None) => continue,
        };
        rows.push((mark(c), format!("duty: {}", c.label), text));
    }
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("  no outcome, duty or deadline changed\n");
    }
    let width = rows
        .iter()
        .map(|(_, n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    for (mark, name, text) in rows {
        let _ = writeln!(out, "{mark} {name:<width$}  {text}");
    }
    let _ = match changes.missing {
        (_, 0) => writeln!(out, "  nothing is missing: every outcome is settled"),
        (w, n) if w == n => writeln!(out, "  {n} facts could still change an outcome"),
        (w, n) => writeln!(out, "  {n} facts could still change an outcome (was {w})"),
    };
    out
}
