//! Timelines → duties. A timeline is written as a procedure's appendix reads (steps
//! keyed to working days from a start event); the rest of the checker sees one duty per
//! step, due on the step's (last) day in working days after the start event, citing the
//! step (or else the timeline), under the timeline's condition joined to the step's.
//!
//! The parser keeps the timeline as written, so that `cspr fmt` and the language server
//! see it; this is the one place its meaning is given.

use crate::span::Spanned;
use crate::syntax::ast::{
    Deadline, DeadlineKind, DutyDecl, Expr, ExprKind, Item, Module, Step, TimeUnit, TimelineDecl,
};

/// The module with each timeline replaced, in place, by the duties of its steps.
pub fn desugar(mut module: Module) -> Module {
    let items = std::mem::take(&mut module.items);
    for item in items {
        match item {
            Item::Timeline(t) => module
                .items
                .extend(t.steps.iter().map(|s| Item::Duty(step_duty(&t, s)))),
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
    DutyDecl {
        name: step.name.clone(),
        label: step.label.clone(),
        cite: step.cite.clone().or_else(|| timeline.cite.clone()),
        actor: step.actor.clone(),
        modality: step.modality,
        action: step.action.clone(),
        when,
        deadline: Some(Deadline {
            kind: DeadlineKind::Within,
            amount: Spanned::new(step.days.last, step.days.span),
            unit: TimeUnit::WorkingDays,
            anchor: timeline.start.clone(),
            choices: timeline.choices.clone(),
            span: step.days.span,
        }),
        done: step.done.clone(),
        overrides: None,
        span: step.span,
    }
}
