//! A file's outline: its declarations (a timeline with its steps inside), or its
//! scenarios.

use crate::span::Span;
use crate::syntax::ast::{Item, Module, Scenario};

/// What an outline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Module,
    Source,
    Actor,
    Fact,
    Rule,
    Decision,
    Duty,
    Timeline,
    Scenario,
}

/// One entry of an outline.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The whole declaration.
    pub span: Span,
    /// Its name.
    pub name_span: Span,
    pub children: Vec<Symbol>,
}

/// The outline of a policy file: the module, its declarations inside.
pub fn outline(module: &Module) -> Vec<Symbol> {
    let leaf = |name: &crate::syntax::ast::Ident, kind, span: Span| Symbol {
        name: name.node.clone(),
        kind,
        span,
        name_span: name.span,
        children: Vec::new(),
    };
    let mut children = Vec::new();
    for item in &module.items {
        children.push(match item {
            Item::Source(s) => leaf(&s.name, SymbolKind::Source, s.span),
            Item::Actor(a) => leaf(&a.name, SymbolKind::Actor, a.span),
            Item::Fact(f) => leaf(&f.name, SymbolKind::Fact, f.span),
            Item::Rule(r) => leaf(&r.name, SymbolKind::Rule, r.span),
            Item::Decision(d) => leaf(&d.name, SymbolKind::Decision, d.span),
            Item::Duty(d) => leaf(&d.name, SymbolKind::Duty, d.span),
            Item::Timeline(t) => Symbol {
                children: t
                    .steps
                    .iter()
                    .map(|s| leaf(&s.name, SymbolKind::Duty, s.span))
                    .collect(),
                ..leaf(&t.name, SymbolKind::Timeline, t.span)
            },
            Item::NotEncoded(_) => continue,
        });
    }
    let end = children.last().map_or(module.id.span.end, |c| c.span.end);
    vec![Symbol {
        children,
        ..leaf(&module.id, SymbolKind::Module, Span::new(0, end))
    }]
}

/// The outline of a scenario file: one entry per scenario.
pub fn scenario_outline(scenarios: &[Scenario]) -> Vec<Symbol> {
    scenarios
        .iter()
        .map(|s| Symbol {
            name: s.name.node.clone(),
            kind: SymbolKind::Scenario,
            span: s.span,
            name_span: s.name.span,
            children: Vec::new(),
        })
        .collect()
}
