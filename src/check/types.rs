//! Compile expressions with their types, rules depth first.
//!
//! Typing is bidirectional: an expression is usually inferred bottom-up, but where an
//! enumeration is expected (the right of `pathway = …`, the items of `in {…}`) a bare
//! name is first read as one of its values. So `incident_location = in_area` needs no
//! quoting, and a misspelt value gets "did you mean" from the right list.
//!
//! Rules are compiled on first use, depth first; a rule met again while it is still
//! being compiled closes a cycle. The finishing order is a dependency order.

use std::collections::HashSet;

use super::declare::RuleSrc;
use super::program::*;
use super::type_name;
use crate::diagnostic::{Problem, Source, did_you_mean};
use crate::span::Span;
use crate::syntax::ast::{self, CmpOp, ModuleKind, TimeUnit};
use crate::value::{EnumDef, MAX_VARIANTS, Type, Value};

mod decl;
mod expr;
mod lint;
mod lone;

use lint::strip_comment;
pub(super) use lone::compile_lone;

/// Deepest chain of rules using rules.
pub const MAX_RULE_DEPTH: usize = 100;

#[derive(Clone, Copy, PartialEq)]
enum State {
    Unvisited,
    InProgress,
    Done(Option<Type>),
}

pub(super) struct Compiler<'a, 'p> {
    chain: &'a [super::Loaded],
    names: super::program::Names,
    facts: Vec<FactDef>,
    enums: Vec<EnumDef>,
    rule_srcs: Vec<(RuleSrc<'a>, ModuleId)>,
    duty_srcs: Vec<(&'a ast::DutyDecl, ModuleId)>,
    decision_enums: Vec<Option<usize>>,
    state: Vec<State>,
    rules: Vec<Option<RuleDef>>,
    order: Vec<RuleId>,
    stack: Vec<(RuleId, Span)>,
    reported_cycles: HashSet<Vec<RuleId>>,
    used: Vec<bool>,
    problems: &'p mut Vec<Problem>,
}

impl<'a, 'p> Compiler<'a, 'p> {
    pub(super) fn new(
        chain: &'a [super::Loaded],
        names: super::program::Names,
        facts: Vec<FactDef>,
        mut enums: Vec<EnumDef>,
        rule_srcs: Vec<(RuleSrc<'a>, ModuleId)>,
        duty_srcs: Vec<(&'a ast::DutyDecl, ModuleId)>,
        problems: &'p mut Vec<Problem>,
    ) -> Self {
        let mut decision_enums = Vec::with_capacity(rule_srcs.len());
        for (src, m) in &rule_srcs {
            let RuleSrc::Decision(d) = src else {
                decision_enums.push(None);
                continue;
            };
            let mut variants: Vec<String> = Vec::new();
            for b in &d.branches {
                // A decider gives the answers of its fact that decide (checked, with its
                // errors, when the decision is compiled).
                let values = match &b.by {
                    Some(by) => decl::decider(&names, &facts, &enums, by)
                        .map(|d| d.deciding)
                        .unwrap_or_default(),
                    None => vec![b.value.node.clone()],
                };
                for v in values {
                    if !variants.contains(&v) {
                        variants.push(v);
                    }
                }
            }
            if variants.len() > MAX_VARIANTS {
                problems.push(
                    Problem::error(
                        "cspr::too_many_values",
                        format!("a decision may have at most {MAX_VARIANTS} values"),
                    )
                    .label(d.name.span, "")
                    .in_source(&chain[*m].0),
                );
                decision_enums.push(None);
                continue;
            }
            let def = EnumDef { variants };
            let id = enums.iter().position(|e| *e == def).unwrap_or_else(|| {
                enums.push(def);
                enums.len() - 1
            });
            decision_enums.push(Some(id));
        }
        let n = rule_srcs.len();
        let used = vec![false; facts.len()];
        Compiler {
            chain,
            names,
            facts,
            enums,
            rule_srcs,
            duty_srcs,
            decision_enums,
            state: vec![State::Unvisited; n],
            rules: vec![None; n],
            order: Vec::with_capacity(n),
            stack: Vec::new(),
            reported_cycles: HashSet::new(),
            used,
            problems,
        }
    }

    pub(super) fn run(
        mut self,
        modules: Vec<ModuleInfo>,
        sources: Vec<SourceDef>,
    ) -> Option<Program> {
        for id in 0..self.rule_srcs.len() {
            let span = self.rule_srcs[id].0.name().span;
            self.ensure_rule(id, span);
        }
        let mut duties = Vec::with_capacity(self.duty_srcs.len());
        for i in 0..self.duty_srcs.len() {
            duties.push(self.duty(i));
        }
        self.anchor_cycles(&duties);
        self.limit_depth();
        self.lint();
        let rules: Option<Vec<RuleDef>> = self.rules.into_iter().collect();
        let duties: Option<Vec<DutyDef>> = duties.into_iter().collect();
        Some(Program {
            modules,
            sources,
            actors: Vec::new(),
            enums: self.enums,
            facts: self.facts,
            rules: rules?,
            duties: duties?,
            order: self.order,
            names: self.names,
            key: ProgramKey::fresh(),
            rebased_onto: None,
            replaced: Vec::new(),
        })
    }

    pub(super) fn source(&self, m: ModuleId) -> &'a Source {
        &self.chain[m].0
    }

    pub(super) fn err(&mut self, m: ModuleId, p: Problem) {
        let p = p.in_source(self.source(m));
        self.problems.push(p);
    }

    /// The source text from `from` to `to` in module `m`, whitespace collapsed.
    pub(super) fn text(&self, m: ModuleId, from: usize, to: usize) -> String {
        let src = &self.source(m).text;
        let text = src.get(from..to).unwrap_or("");
        text.lines()
            .map(strip_comment)
            .flat_map(str::split_whitespace)
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(super) fn cite(c: &Option<ast::Citation>) -> Option<Cite> {
        c.as_ref().map(Cite::of)
    }

    /// The type of rule `id`, compiling it first if need be; `None` if it has an error.
    pub(super) fn ensure_rule(&mut self, id: RuleId, used_at: Span) -> Option<Type> {
        match self.state[id] {
            State::Done(t) => return t,
            State::InProgress => {
                self.report_cycle(id, used_at);
                return None;
            }
            State::Unvisited => {}
        }
        let (src, m) = self.rule_srcs[id];
        if self.stack.len() >= MAX_RULE_DEPTH {
            self.err(
                m,
                Problem::error(
                    "cspr::too_deep",
                    format!("rules use one another more than {MAX_RULE_DEPTH} deep"),
                )
                .label(src.name().span, "")
                .help("flatten the chain of rules"),
            );
            self.state[id] = State::Done(None);
            return None;
        }
        self.state[id] = State::InProgress;
        self.stack.push((id, used_at));
        let def = match src {
            RuleSrc::Rule(r) => self.rule(r, m),
            RuleSrc::Decision(d) => self.decision(d, m, self.decision_enums[id]),
        };
        self.stack.pop();
        let ty = def.as_ref().map(|d| d.ty);
        if def.is_some() {
            self.order.push(id);
        }
        self.rules[id] = def;
        self.state[id] = State::Done(ty);
        ty
    }

    pub(super) fn report_cycle(&mut self, id: RuleId, used_at: Span) {
        let Some(pos) = self.stack.iter().position(|(r, _)| *r == id) else {
            return;
        };
        let members: Vec<RuleId> = self.stack[pos..].iter().map(|(r, _)| *r).collect();
        let mut key = members.clone();
        key.sort_unstable();
        if !self.reported_cycles.insert(key) {
            return;
        }
        let mut path: Vec<&str> = members
            .iter()
            .map(|r| self.rule_srcs[*r].0.name().node.as_str())
            .collect();
        path.push(self.rule_srcs[id].0.name().node.as_str());
        let (_, m) = self.rule_srcs[*members.last().unwrap_or(&id)];
        let name = self.rule_srcs[id].0.name().node.clone();
        let p = Problem::error(
            "cspr::cycle",
            format!("`{name}` depends on itself: {}", path.join(" → ")),
        )
        .label(
            used_at,
            format!("`{name}` is used here, inside its own definition"),
        )
        .help("a rule cannot use its own value, directly or through other rules; break the loop");
        self.err(m, p);
    }
}
