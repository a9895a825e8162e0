//! Compile expressions with their types, rules depth first.
//!
//! Typing is bidirectional: an expression is usually inferred bottom-up, but where an
//! enumeration is expected (the right of `pathway = …`, the items of `in {…}`) a bare
//! name is first read as one of its values. So `incident_location = in_area` needs no
//! quoting, and a misspelt value gets "did you mean" from the right list.
//!
//! Rules are compiled on first use, depth first; a rule met again while it is still
//! being compiled closes a cycle. The finishing order is a dependency order.

use std::collections::{HashMap, HashSet};

use super::declare::RuleSrc;
use super::program::*;
use super::type_name;
use crate::diagnostic::{Problem, Source, did_you_mean};
use crate::span::Span;
use crate::syntax::ast::{self, CmpOp, ModuleKind, TimeUnit};
use crate::value::{EnumDef, MAX_VARIANTS, Type, Value};

mod lone;
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
    chain: &'a [(Source, ast::Module)],
    names: HashMap<String, Name>,
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
        chain: &'a [(Source, ast::Module)],
        names: HashMap<String, Name>,
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
                if !variants.contains(&b.value.node) {
                    variants.push(b.value.node.clone());
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

    fn source(&self, m: ModuleId) -> &'a Source {
        &self.chain[m].0
    }

    fn err(&mut self, m: ModuleId, p: Problem) {
        let p = p.in_source(self.source(m));
        self.problems.push(p);
    }

    /// The source text from `from` to `to` in module `m`, whitespace collapsed.
    fn text(&self, m: ModuleId, from: usize, to: usize) -> String {
        let src = &self.source(m).text;
        let text = src.get(from..to).unwrap_or("");
        text.lines()
            .map(strip_comment)
            .flat_map(str::split_whitespace)
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn cite(c: &Option<ast::Citation>) -> Option<Cite> {
        c.as_ref().map(|c| Cite::new(&c.source.node, &c.locator))
    }

    /// The type of rule `id`, compiling it first if need be; `None` if it has an error.
    fn ensure_rule(&mut self, id: RuleId, used_at: Span) -> Option<Type> {
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

    fn report_cycle(&mut self, id: RuleId, used_at: Span) {
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

    fn rule(&mut self, r: &'a ast::RuleDecl, m: ModuleId) -> Option<RuleDef> {
        let (body, ty) = match &r.body {
            ast::RuleBody::Expr(e) => {
                let (e, t) = self.expr(e, None, m)?;
                (Body::Expr(e), t)
            }
            ast::RuleBody::Default {
                default,
                exceptions,
            } => {
                let (d, t) = self.expr(default, None, m)?;
                let mut ok = true;
                let mut exs = Vec::new();
                for ex in exceptions {
                    let value = self.expr(&ex.value, Some(t), m);
                    let when = self.expr(&ex.when, Some(Type::Bool), m);
                    match (value, when) {
                        (Some((value, _)), Some((when, _))) => exs.push(ExceptionDef {
                            text: self.text(m, ex.value.span.start, ex.when.span.end),
                            cite: Self::cite(&ex.cite),
                            value,
                            when,
                            span: ex.span,
                        }),
                        _ => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                (
                    Body::Default {
                        default: d,
                        exceptions: exs,
                    },
                    t,
                )
            }
        };
        let text = match &r.body {
            ast::RuleBody::Expr(e) => self.text(m, e.span.start, e.span.end),
            ast::RuleBody::Default { default, .. } => {
                self.text(m, default.span.start, default.span.end)
            }
        };
        Some(RuleDef {
            text,
            name: r.name.node.clone(),
            kind: RuleKind::Rule,
            ty,
            cite: Self::cite(&r.cite),
            body,
            module: m,
            span: r.name.span,
            overrides: r.overrides.is_some(),
        })
    }

    fn decision(
        &mut self,
        d: &'a ast::DecisionDecl,
        m: ModuleId,
        enum_id: Option<usize>,
    ) -> Option<RuleDef> {
        let e = enum_id?;
        let mut ok = true;
        let mut branches = Vec::new();
        let mut otherwise: Option<Span> = None;
        for b in &d.branches {
            if let Some(o) = otherwise {
                self.err(
                    m,
                    Problem::error(
                        "cspr::after_otherwise",
                        format!(
                            "branch of `{}` after `otherwise` can never be taken",
                            d.name.node
                        ),
                    )
                    .label(b.span, "unreachable")
                    .label(o, "`otherwise` takes every case that reaches it")
                    .help("move `otherwise` to the end of the decision"),
                );
                ok = false;
                continue;
            }
            let when = match &b.when {
                None => {
                    otherwise = Some(b.span);
                    None
                }
                Some(w) => match self.expr(w, Some(Type::Bool), m) {
                    Some((w, _)) => Some(w),
                    None => {
                        ok = false;
                        continue;
                    }
                },
            };
            let value = self.enums[e].index(&b.value.node).unwrap_or(0);
            let text = match &b.when {
                Some(w) => self.text(m, b.value.span.start, w.span.end),
                None => format!("otherwise {}", b.value.node),
            };
            branches.push(BranchDef {
                value,
                when,
                cite: Self::cite(&b.cite),
                span: b.span,
                text,
            });
        }
        if otherwise.is_none() {
            self.err(
                m,
                Problem::error(
                    "cspr::no_otherwise",
                    format!("decision `{}` has no `otherwise`", d.name.node),
                )
                .label(d.name.span, "some cases may match no branch")
                .help(
                    "end the decision with `otherwise VALUE`, the outcome when no branch applies",
                ),
            );
            ok = false;
        }
        ok.then(|| RuleDef {
            text: String::new(),
            name: d.name.node.clone(),
            kind: RuleKind::Decision,
            ty: Type::Enum(e),
            cite: Self::cite(&d.cite),
            body: Body::Decision { branches },
            module: m,
            span: d.name.span,
            overrides: d.overrides.is_some(),
        })
    }

    fn duty(&mut self, i: DutyId) -> Option<DutyDef> {
        let (d, m) = self.duty_srcs[i];
        let when = match &d.when {
            Some(w) => self.expr(w, Some(Type::Bool), m).map(|(e, _)| Some(e)),
            None => Some(None),
        };
        let deadline = match &d.deadline {
            None => None,
            Some(dl) => {
                let anchor = self.anchor(&dl.anchor, dl.unit, m);
                let mut choices = Vec::with_capacity(dl.choices.len());
                let mut ok = anchor.is_some();
                for (name, cond) in &dl.choices {
                    let a = self.anchor(name, dl.unit, m);
                    let c = self.expr(cond, Some(Type::Bool), m);
                    match (a, c) {
                        (Some(a), Some((c, _))) => choices.push((c, a)),
                        _ => ok = false,
                    }
                }
                let anchor = anchor.filter(|_| ok)?;
                Some(DeadlineDef {
                    kind: dl.kind,
                    amount: dl.amount.node,
                    unit: dl.unit,
                    anchor,
                    choices,
                    span: dl.span,
                })
            }
        };
        let done = match &d.done {
            None => None,
            Some(name) => {
                match self.names.get(&name.node).copied() {
                    Some(Name::Fact(f))
                        if matches!(self.facts[f].ty, Type::Date | Type::DateTime) =>
                    {
                        self.used[f] = true;
                        Some(f)
                    }
                    Some(_) => {
                        self.err(
                        m,
                        Problem::error("cspr::type", format!("`done` needs a date fact, but `{}` is not one", name.node))
                            .label(name.span, "not a date fact")
                            .help("name the date or date-time fact that records when the step was done"),
                    );
                        return None;
                    }
                    None => {
                        self.undefined(&name.node, name.span, m);
                        return None;
                    }
                }
            }
        };
        Some(DutyDef {
            text: d
                .when
                .as_ref()
                .map_or(String::new(), |w| self.text(m, w.span.start, w.span.end)),
            when: when?,
            name: d.name.node.clone(),
            actor: d.actor.node.clone(),
            modality: d.modality,
            action: d.action.clone(),
            cite: Self::cite(&d.cite),
            deadline,
            done,
            module: m,
            span: d.name.span,
            overrides: d.overrides.is_some(),
        })
    }

    /// What a deadline counts from: a date or date-time fact (a date-time for hours), or
    /// another duty.
    fn anchor(&mut self, name: &ast::Ident, unit: TimeUnit, m: ModuleId) -> Option<Anchor> {
        match self.names.get(&name.node).copied() {
            Some(Name::Fact(f)) if matches!(self.facts[f].ty, Type::Date | Type::DateTime) => {
                self.used[f] = true;
                if unit == TimeUnit::Hours && self.facts[f].ty == Type::Date {
                    self.err(
                        m,
                        Problem::error(
                            "cspr::type",
                            format!(
                                "hours cannot be counted from `{}`, which is a date",
                                name.node
                            ),
                        )
                        .label(name.span, "a date, with no time of day")
                        .help("count hours from a date-time fact, or count days from a date"),
                    );
                    return None;
                }
                if unit == TimeUnit::Months && self.facts[f].ty == Type::DateTime {
                    self.err(
                        m,
                        Problem::error("cspr::type", format!("months cannot be counted from `{}`, which is a date-time", name.node))
                            .label(name.span, "a date-time")
                            .help("the corresponding-date rule counts months between dates: count from a date fact, or count hours or days"),
                    );
                    return None;
                }
                Some(Anchor::Fact(f))
            }
            Some(Name::Duty(other)) => Some(Anchor::Duty(other)),
            Some(_) => {
                self.err(
                    m,
                    Problem::error(
                        "cspr::type",
                        format!(
                            "a deadline counts from a date, but `{}` is not a date",
                            name.node
                        ),
                    )
                    .label(name.span, "not a date")
                    .help("count from a date or date-time fact, or from another duty's due date"),
                );
                None
            }
            None => {
                self.undefined(&name.node, name.span, m);
                None
            }
        }
    }

    fn undefined(&mut self, name: &str, span: Span, m: ModuleId) {
        let mut p = Problem::error("cspr::undefined", format!("`{name}` is not defined"))
            .label(span, "no fact, rule or decision has this name");
        let hint = did_you_mean(name, self.names.keys().map(String::as_str));
        p = match hint {
            Some(h) => p.help(h),
            None => match self.enums.iter().position(|e| e.index(name).is_some()) {
                Some(_) => p.help(format!(
                    "`{name}` is a value of a list; compare a fact with it, e.g. `FACT = {name}`"
                )),
                None => p.help(format!("declare it, e.g. `fact {name}: bool ask \"…?\"`")),
            },
        };
        self.err(m, p);
    }

    fn mismatch(&mut self, m: ModuleId, span: Span, expected: Type, found: Type) {
        let (e, f) = (
            type_name(expected, &self.enums),
            type_name(found, &self.enums),
        );
        self.err(
            m,
            Problem::error("cspr::type", format!("expected {e}, found {f}"))
                .label(span, format!("this is {f}"))
                .help(format!("use an expression of type {e} here")),
        );
    }

    /// Compile `e`; where `expected` is given, the result has that type or an error is reported.
    fn expr(&mut self, e: &ast::Expr, expected: Option<Type>, m: ModuleId) -> Option<(Expr, Type)> {
        let (compiled, ty) = self.infer(e, expected, m)?;
        match expected {
            Some(t) if t != ty => {
                self.mismatch(m, e.span, t, ty);
                None
            }
            _ => Some((compiled, ty)),
        }
    }

    fn infer(
        &mut self,
        e: &ast::Expr,
        expected: Option<Type>,
        m: ModuleId,
    ) -> Option<(Expr, Type)> {
        use ast::ExprKind as K;
        Some(match &e.kind {
            K::Bool(b) => (Expr::Const(Value::Bool(*b)), Type::Bool),
            K::Int(n) => (Expr::Const(Value::Int(*n)), Type::Integer),
            K::Date(d) => (Expr::Const(Value::Date(*d)), Type::Date),
            K::DateTime(d) => (Expr::Const(Value::DateTime(*d)), Type::DateTime),
            K::Text(t) => (Expr::Const(Value::Text(t.as_str().into())), Type::Text),
            K::Name(n) => return self.name(n, e.span, expected, m),
            K::SetLit(_) => {
                self.err(
                    m,
                    Problem::error(
                        "cspr::set_literal",
                        "a list of values like `{a, b}` can only follow `in`",
                    )
                    .label(e.span, "")
                    .help("write `FACT in {a, b}`"),
                );
                return None;
            }
            K::Not(inner) => (
                Expr::Not(Box::new(self.expr(inner, Some(Type::Bool), m)?.0)),
                Type::Bool,
            ),
            K::And(items) | K::Or(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.expr(item, Some(Type::Bool), m) {
                        Some((c, _)) => out.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                let c = if matches!(e.kind, K::And(_)) {
                    Expr::And(out)
                } else {
                    Expr::Or(out)
                };
                (c, Type::Bool)
            }
            K::Cmp(op, l, r) => {
                let l_is_free_name = matches!(&l.kind, K::Name(n) if !self.names.contains_key(n));
                let (lc, rc, t) = if l_is_free_name {
                    let (rc, t) = self.expr(r, None, m)?;
                    let (lc, _) = self.expr(l, Some(t), m)?;
                    (lc, rc, t)
                } else {
                    let (lc, t) = self.expr(l, None, m)?;
                    let (rc, _) = self.expr(r, Some(t), m)?;
                    (lc, rc, t)
                };
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) && !t.is_ordered() {
                    let tn = type_name(t, &self.enums);
                    self.err(
                        m,
                        Problem::error(
                            "cspr::type",
                            format!(
                                "`{}` needs numbers, dates or date-times, found {tn}",
                                op.as_str()
                            ),
                        )
                        .label(e.span, "cannot be ordered")
                        .help("compare with `=` or `!=`, or use `in {…}` for several values"),
                    );
                    return None;
                }
                (Expr::Cmp(*op, Box::new(lc), Box::new(rc)), Type::Bool)
            }
            K::In(l, r) => match &r.kind {
                K::SetLit(items) => {
                    let (lc, lt) = self.expr(l, None, m)?;
                    let Type::Enum(en) = lt else {
                        let tn = type_name(lt, &self.enums);
                        self.err(
                            m,
                            Problem::error("cspr::type", format!("`in {{…}}` needs a value from a list, found {tn}"))
                                .label(l.span, format!("this is {tn}"))
                                .help("use `in {…}` with a fact, rule or decision that takes one value of a list"),
                        );
                        return None;
                    };
                    let mut mask = 0u64;
                    let mut ok = true;
                    for item in items {
                        match self.enums[en].index(&item.node) {
                            Some(i) => mask |= 1 << i,
                            None => {
                                self.no_such_value(&item.node, item.span, en, m);
                                ok = false;
                            }
                        }
                    }
                    if !ok {
                        return None;
                    }
                    (Expr::InConst(Box::new(lc), mask), Type::Bool)
                }
                _ => {
                    let (rc, rt) = self.expr(r, None, m)?;
                    let Type::Set(en) = rt else {
                        let tn = type_name(rt, &self.enums);
                        self.err(
                            m,
                            Problem::error("cspr::type", format!("`in` needs a set of values on its right, found {tn}"))
                                .label(r.span, format!("this is {tn}"))
                                .help("write `x in {a, b}`, or `value in SET_FACT` for a fact declared `set of …`"),
                        );
                        return None;
                    };
                    let (lc, _) = self.expr(l, Some(Type::Enum(en)), m)?;
                    (Expr::Member(Box::new(lc), Box::new(rc)), Type::Bool)
                }
            },
        })
    }

    fn no_such_value(&mut self, name: &str, span: Span, en: usize, m: ModuleId) {
        let list = self.enums[en].variants.join(", ");
        let hint = did_you_mean(name, self.enums[en].variants.iter().map(String::as_str));
        self.err(
            m,
            Problem::error(
                "cspr::unknown_value",
                format!("`{name}` is not one of the values here"),
            )
            .label(span, "no such value")
            .help(hint.unwrap_or_else(|| format!("the values are: {list}"))),
        );
    }

    fn name(
        &mut self,
        n: &str,
        span: Span,
        expected: Option<Type>,
        m: ModuleId,
    ) -> Option<(Expr, Type)> {
        if let Some(Type::Enum(en)) = expected
            && let Some(i) = self.enums[en].index(n)
        {
            return Some((Expr::Const(Value::Enum(i)), Type::Enum(en)));
        }
        match self.names.get(n).copied() {
            Some(Name::Fact(f)) => {
                self.used[f] = true;
                Some((Expr::Fact(f), self.facts[f].ty))
            }
            Some(Name::Rule(r)) => {
                let t = self.ensure_rule(r, span)?;
                Some((Expr::Rule(r), t))
            }
            Some(Name::Duty(_)) => {
                self.err(
                    m,
                    Problem::error("cspr::type", format!("`{n}` is a duty, not a value"))
                        .label(span, "a duty")
                        .help("use the rule or condition that makes the duty apply"),
                );
                None
            }
            None => {
                match expected {
                    Some(Type::Enum(en)) => self.no_such_value(n, span, en, m),
                    _ => self.undefined(n, span, m),
                }
                None
            }
        }
    }

    /// A deadline that counts from another duty's due date must not come back to itself
    /// (through any of its anchors, chosen or not).
    fn anchor_cycles(&mut self, duties: &[Option<DutyDef>]) {
        let edges: Vec<Vec<DutyId>> = duties
            .iter()
            .map(|d| {
                let Some(dl) = d.as_ref().and_then(|d| d.deadline.as_ref()) else {
                    return Vec::new();
                };
                std::iter::once(&dl.anchor)
                    .chain(dl.choices.iter().map(|(_, a)| a))
                    .filter_map(|a| match a {
                        Anchor::Duty(o) => Some(*o),
                        Anchor::Fact(_) => None,
                    })
                    .collect()
            })
            .collect();
        // 0 unvisited, 1 on the current path, 2 done.
        let mut state = vec![0u8; duties.len()];
        for start in 0..duties.len() {
            if state[start] != 0 {
                continue;
            }
            let mut stack: Vec<(DutyId, usize)> = vec![(start, 0)];
            state[start] = 1;
            while let Some(&mut (d, ref mut next)) = stack.last_mut() {
                if let Some(&o) = edges[d].get(*next) {
                    *next += 1;
                    match state[o] {
                        0 => {
                            state[o] = 1;
                            stack.push((o, 0));
                        }
                        1 => {
                            let from = stack.iter().position(|(x, _)| *x == o).unwrap_or(0);
                            let mut names: Vec<&str> = stack[from..]
                                .iter()
                                .map(|(x, _)| self.duty_srcs[*x].0.name.node.as_str())
                                .collect();
                            names.push(self.duty_srcs[o].0.name.node.as_str());
                            let (decl, m) = self.duty_srcs[o];
                            let at = decl
                                .deadline
                                .as_ref()
                                .map_or(decl.name.span, |dl| dl.anchor.span);
                            let message = format!(
                                "the deadline of `{}` counts from itself: {}",
                                decl.name.node,
                                names.join(" → ")
                            );
                            self.err(
                                m,
                                Problem::error("cspr::cycle", message)
                                    .label(at, "counted from here")
                                    .help("a deadline must count from a fact, or from a duty that does not count back from this one"),
                            );
                        }
                        _ => {}
                    }
                } else {
                    state[d] = 2;
                    stack.pop();
                }
            }
        }
    }

    /// Refuse chains of rules deeper than [`MAX_RULE_DEPTH`], however they are ordered,
    /// so that explanations (which follow the chain) stay shallow.
    fn limit_depth(&mut self) {
        let mut depth = vec![0usize; self.rules.len()];
        for i in 0..self.order.len() {
            let r = self.order[i];
            let Some(def) = &self.rules[r] else { continue };
            let mut d = 0;
            for e in def.exprs() {
                e.visit_refs(&mut |n| {
                    if let Name::Rule(u) = n {
                        d = d.max(depth[u]);
                    }
                });
            }
            depth[r] = d + 1;
            if depth[r] == MAX_RULE_DEPTH + 1 {
                let (src, m) = self.rule_srcs[r];
                self.err(
                    m,
                    Problem::error(
                        "cspr::too_deep",
                        format!("rules use one another more than {MAX_RULE_DEPTH} deep"),
                    )
                    .label(
                        src.name().span,
                        "the chain of rules ending here is too long",
                    )
                    .help("flatten the chain of rules"),
                );
                return;
            }
        }
    }

    /// Warnings, for the entry module only (each extended module is checked on its own).
    fn lint(&mut self) {
        let entry = self.chain.len() - 1;
        let mut warnings = Vec::new();
        let missing = |what: &str, name: &str, span: Span| {
            Problem::warning(
                "cspr::no_citation",
                format!("{what} `{name}` cites no source"),
            )
            .label(span, "no `cite`")
            .help("add `cite SOURCE \"paragraph\"` so every result can be traced to the text")
        };
        for (src, m) in &self.rule_srcs {
            if *m != entry {
                continue;
            }
            match src {
                RuleSrc::Rule(r) => {
                    if r.cite.is_none() {
                        warnings.push(missing("rule", &r.name.node, r.name.span));
                    }
                    if let ast::RuleBody::Default { exceptions, .. } = &r.body {
                        for ex in exceptions.iter().filter(|e| e.cite.is_none()) {
                            warnings.push(missing("an exception of", &r.name.node, ex.span));
                        }
                    }
                }
                RuleSrc::Decision(d) => {
                    if d.cite.is_none() {
                        warnings.push(missing("decision", &d.name.node, d.name.span));
                    }
                    for b in d.branches.iter().filter(|b| b.cite.is_none()) {
                        warnings.push(missing("a branch of decision", &d.name.node, b.span));
                    }
                }
            }
        }
        for (d, m) in &self.duty_srcs {
            if *m == entry && d.cite.is_none() {
                warnings.push(missing("duty", &d.name.node, d.name.span));
            }
        }
        if self.chain[entry].1.kind == ModuleKind::Procedure {
            for (f, fact) in self.facts.iter().enumerate() {
                if fact.module == entry && !self.used[f] {
                    warnings.push(
                        Problem::warning("cspr::unused_fact", format!("fact `{}` is never used", fact.name))
                            .label(fact.span, "no rule, decision or duty reads it")
                            .help("use it in a rule, or remove it so nobody is asked a question that changes nothing"),
                    );
                }
            }
        }
        for w in warnings {
            self.err(entry, w);
        }
    }
}

/// A line without its `#` comment (a `#` inside a string is kept).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}
