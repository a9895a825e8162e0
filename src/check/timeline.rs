//! Timelines → duties. A timeline is written as a procedure's appendix reads (steps
//! keyed to working days from a start event); the rest of the checker sees one duty per
//! step, due on the step's (last) day in working days after the start event, citing the
//! step (or else the timeline), under the timeline's condition joined to the step's.
//! `on day 14` is an appointment (a duty `on 14 working days after` the start) and
//! `on days 2-10` a window (`within 10 … not before 2 working days after` the start).
//!
//! The parser keeps the timeline as written, so that `cspr fmt` and the language server
//! see it; this is the one place its meaning is given.

use crate::span::Spanned;
use crate::syntax::ast::{
    Deadline, DeadlineKind, DutyDecl, Expr, ExprKind, Item, Module, Step, TimeUnit, TimelineDecl,
};

/// The module with each timeline replaced, in place, by the duties of its steps (and, when
/// every step cites on its own, the timeline's citation kept on a timeline without steps).
pub fn desugar(mut module: Module) -> Module {
    let items = std::mem::take(&mut module.items);
    for item in items {
        match item {
            Item::Timeline(mut t) => {
                module
                    .items
                    .extend(t.steps.iter().map(|s| Item::Duty(step_duty(&t, s))));
                // A step without a citation of its own cites the timeline, so the
                // timeline's quote is checked there; when every step has its own, the
                // timeline is kept, without steps, so its own citation (its quote or
                // reading) is still checked and counted (`check::quotes::citations`).
                if t.cite.is_some() && t.steps.iter().all(|s| s.cite.is_some()) {
                    t.steps.clear();
                    module.items.push(Item::Timeline(t));
                }
            }
            other => module.items.push(other),
        }
    }
    module
}

fn step_duty(timeline: &TimelineDecl, step: &Step) -> DutyDecl {
    let when = match (timeline.when.clone(), step.when.clone()) {
        (Some(a), Some(b)) => {
            let span = b.span;
            Some(Expr {
                kind: ExprKind::And(vec![a, b]),
                span,
            })
        }
        (a, b) => a.or(b),
    };
    // Day `n` of the timeline: `n` working days after its start event.
    let day = |kind, n| Deadline {
        kind,
        amount: Spanned::new(n, step.days.span),
        unit: TimeUnit::WorkingDays,
        assumed: false,
        anchor: timeline.start.clone(),
        choices: timeline.choices.clone(),
        shift: None,
        span: step.days.span,
    };
    DutyDecl {
        name: step.name.clone(),
        label: step.label.clone(),
        cite: step.cite.clone().or_else(|| timeline.cite.clone()),
        actor: step.actor.clone(),
        modality: step.modality,
        action: step.action.clone(),
        when,
        deadline: Some(Box::new(day(
            if step.days.on && step.days.first.is_none() {
                DeadlineKind::On
            } else {
                DeadlineKind::Within
            },
            step.days.last,
        ))),
        // `on days 2-10`: a window, not before its first day.
        opens: match (step.days.on, step.days.first) {
            (true, Some(first)) => Some(Box::new(day(DeadlineKind::NotBefore, first))),
            _ => None,
        },
        done: step.done.clone(),
        overrides: None,
        refines: step.refines.clone(),
        span: step.span,
    }
}
