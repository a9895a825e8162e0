//! Equality of syntax trees ignoring spans: two trees parsed from differently laid-out
//! text compare equal when they say the same thing.
//!
//! Each impl destructures its node completely, so a field added later must be named here
//! (and so chosen to count or not) before the crate compiles again. Spans never count;
//! `override` counts by whether it was written.

use super::ast::*;

/// Implements `PartialEq` by comparing the listed fields, ignoring `span`.
macro_rules! same_except_span {
    ($($ty:ident { $($field:ident),* $(,)? })*) => {$(
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                let $ty { $($field,)* span: _ } = self;
                $(*$field == other.$field &&)* true
            }
        }
    )*};
}

same_except_span! {
    SourceDecl { name, title, file, sha256 }
    Citation { source, locator, quote, reading }
    Reading { text, from, locator, quote }
    NotEncodedDecl { cite, because }
    ActorDecl { name, title }
    FactDecl { name, label, ty, ask }
    Exception { cite, value, when }
    Branch { value, when, cite, by }
    Deadline { kind, amount, unit, assumed, anchor, choices, shift }
    Expr { kind }
    TimelineDecl { name, cite, start, choices, when, steps }
    Step { days, name, refines, label, cite, actor, modality, action, when, done }
    StepDays { on, first, last }
    Scenario { name, target, as_of, given, expects }
    Expectation { kind, under }
}

impl PartialEq for RuleDecl {
    fn eq(&self, other: &Self) -> bool {
        let RuleDecl {
            name,
            label,
            cite,
            body,
            overrides,
            span: _,
        } = self;
        *name == other.name
            && *label == other.label
            && *cite == other.cite
            && *body == other.body
            && overrides.is_some() == other.overrides.is_some()
    }
}

impl PartialEq for DecisionDecl {
    fn eq(&self, other: &Self) -> bool {
        let DecisionDecl {
            name,
            label,
            cite,
            branches,
            overrides,
            span: _,
        } = self;
        *name == other.name
            && *label == other.label
            && *cite == other.cite
            && *branches == other.branches
            && overrides.is_some() == other.overrides.is_some()
    }
}

impl PartialEq for DutyDecl {
    fn eq(&self, other: &Self) -> bool {
        let DutyDecl {
            name,
            label,
            cite,
            actor,
            modality,
            action,
            when,
            deadline,
            opens,
            done,
            overrides,
            refines,
            span: _,
        } = self;
        *name == other.name
            && *refines == other.refines
            && *label == other.label
            && *cite == other.cite
            && *actor == other.actor
            && *modality == other.modality
            && *action == other.action
            && *when == other.when
            && *deadline == other.deadline
            && *opens == other.opens
            && *done == other.done
            && overrides.is_some() == other.overrides.is_some()
    }
}

impl PartialEq for Quote {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}
