//! Compiling declarations: rules with their exceptions, decisions with their branches,
//! duties with their conditions and deadlines, and deadline anchors.

use super::*;

/// A decider (`by FACT unless …`) that can decide: its fact, the fact's list of answers,
/// and the answers that decide (in the fact's order).
pub(super) struct Decider {
    pub fact: FactId,
    pub answers: crate::value::EnumId,
    pub deciding: Vec<String>,
}

/// Why a decider cannot decide.
pub(super) enum NoDecider {
    Undefined,
    NotAFact,
    NotAList(FactId),
    NotAnAnswer(FactId, usize),
    DecidesNothing(FactId),
}

/// The one reading of a decider: what it decides, or why it cannot (the decision's
/// compilation reports that; collecting a decision's values only skips it).
pub(super) fn decider(
    names: &Names,
    facts: &[FactDef],
    enums: &[EnumDef],
    by: &ast::By,
) -> Result<Decider, NoDecider> {
    let fact = match names.get(&by.fact.node).copied() {
        None => return Err(NoDecider::Undefined),
        Some(Name::Fact(f)) => f,
        Some(_) => return Err(NoDecider::NotAFact),
    };
    let Some(Type::Enum(answers)) = facts.get(fact).map(|f| f.ty) else {
        return Err(NoDecider::NotAList(fact));
    };
    let all = enums.get(answers).map_or(&[][..], |e| &e.variants[..]);
    if let Some(i) = by.unless.iter().position(|u| !all.contains(&u.node)) {
        return Err(NoDecider::NotAnAnswer(fact, i));
    }
    let deciding: Vec<String> = all
        .iter()
        .filter(|v| !by.unless.iter().any(|u| u.node == **v))
        .cloned()
        .collect();
    if deciding.is_empty() {
        return Err(NoDecider::DecidesNothing(fact));
    }
    Ok(Decider {
        fact,
        answers,
        deciding,
    })
}

impl<'a, 'p> Compiler<'a, 'p> {
    /// Report why a decider (`by FACT unless …`) cannot decide, located, with its remedy.
    fn decider_problem(&mut self, why: NoDecider, by: &ast::By, span: Span, m: ModuleId) {
        let name = &by.fact.node;
        let problem = match why {
            NoDecider::Undefined => return self.undefined(name, by.fact.span, m),
            NoDecider::NotAFact => Problem::error(
                "cspr::decider",
                format!("`by {name}`: `{name}` is not a fact"),
            )
            .label(by.fact.span, "a rule, decision or duty")
            .help("a decider is a fact whose answer is one of a list (`fact NAME: a | b | none_given`); for a rule or decision, write a branch `VALUE when …`"),
            NoDecider::NotAList(fact) => {
                self.used[fact] = true;
                let found = type_name(self.facts[fact].ty, &self.enums);
                Problem::error(
                    "cspr::decider",
                    format!("`by {name}`: `{name}` is {found}, not one of a list of answers"),
                )
                .label(by.fact.span, format!("this is {found}"))
                .help("a decider's answers become the decision's values: declare it `fact NAME: a | b | none_given`")
            }
            NoDecider::NotAnAnswer(fact, i) => {
                self.used[fact] = true;
                let all = match self.facts[fact].ty {
                    Type::Enum(e) => self.enums[e].variants.clone(),
                    _ => Vec::new(),
                };
                let u = &by.unless[i];
                let p = Problem::error(
                    "cspr::decider",
                    format!("`unless {}`: not an answer of `{name}`", u.node),
                )
                .label(u.span, format!("`{name}` is one of {}", all.join(" | ")));
                match did_you_mean(&u.node, all.iter().map(String::as_str)) {
                    Some(h) => p.help(h),
                    None => p,
                }
            }
            NoDecider::DecidesNothing(fact) => {
                self.used[fact] = true;
                Problem::error(
                    "cspr::decider",
                    format!("`by {name}` decides nothing: every answer is passed on by `unless`"),
                )
                .label(span, "no answer of it decides")
                .help("list after `unless` only the answers that leave the decision to the branches below")
            }
        };
        self.err(m, problem);
    }

    pub(super) fn rule(&mut self, r: &'a ast::RuleDecl, m: ModuleId) -> Option<RuleDef> {
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
            label: r.label.as_ref().map(|l| l.node.clone()),
            kind: RuleKind::Rule,
            ty,
            cite: Self::cite(&r.cite),
            body,
            module: m,
            span: r.name.span,
            overrides: r.overrides.is_some(),
        })
    }

    pub(super) fn decision(
        &mut self,
        d: &'a ast::DecisionDecl,
        m: ModuleId,
        enum_id: Option<usize>,
    ) -> Option<RuleDef> {
        let e = enum_id?;
        let mut ok = true;
        let mut branches = Vec::new();
        let mut otherwise: Option<(Span, bool)> = None;
        for b in &d.branches {
            if let Some((o, by)) = otherwise {
                let (what, help) = if by {
                    (
                        "a decider without `unless`",
                        "every answer of it decides: add `unless ANSWER` for the answers that leave the decision to the branches below, or move it to the end",
                    )
                } else {
                    ("`otherwise`", "move `otherwise` to the end of the decision")
                };
                self.err(
                    m,
                    Problem::error(
                        "cspr::after_otherwise",
                        format!(
                            "branch of `{}` after {what} can never be taken",
                            d.name.node
                        ),
                    )
                    .label(b.span, "unreachable")
                    .label(o, format!("{what} takes every case that reaches it"))
                    .help(help),
                );
                ok = false;
                continue;
            }
            if let Some(by) = &b.by {
                let Decider {
                    fact,
                    answers: fe,
                    deciding,
                } = match decider(&self.names, &self.facts, &self.enums, by) {
                    Ok(d) => d,
                    Err(why) => {
                        self.decider_problem(why, by, b.span, m);
                        ok = false;
                        continue;
                    }
                };
                self.used[fact] = true;
                let last = deciding.len() - 1;
                for (i, v) in deciding.iter().enumerate() {
                    let value = self.enums[e].index(v).unwrap_or(0);
                    let answer = self.enums[fe].index(v).unwrap_or(0);
                    // Without `unless` the last answer is what is left once the others are
                    // not given: `otherwise`, so the decision needs no other.
                    let full = by.unless.is_empty() && i == last;
                    let when = (!full).then(|| {
                        Expr::Cmp(
                            CmpOp::Eq,
                            Box::new(Expr::Fact(fact)),
                            Box::new(Expr::Const(Value::Enum(answer))),
                        )
                    });
                    if full {
                        otherwise = Some((b.span, true));
                    }
                    branches.push(BranchDef {
                        value,
                        when,
                        cite: Self::cite(&b.cite),
                        span: b.span,
                        text: format!("by {} = {v}", by.fact.node),
                    });
                }
                continue;
            }
            let when = match &b.when {
                None => {
                    otherwise = Some((b.span, false));
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
            label: d.label.as_ref().map(|l| l.node.clone()),
            kind: RuleKind::Decision,
            ty: Type::Enum(e),
            cite: Self::cite(&d.cite),
            body: Body::Decision { branches },
            module: m,
            span: d.name.span,
            overrides: d.overrides.is_some(),
        })
    }

    pub(super) fn duty(&mut self, i: DutyId) -> Option<DutyDef> {
        let (d, m) = self.duty_srcs[i];
        let when = match &d.when {
            Some(w) => self.expr(w, Some(Type::Bool), m).map(|(e, _)| Some(e)),
            None => Some(None),
        };
        let deadline = match (&d.deadline, &d.opens) {
            (None, None) => None,
            (None, Some(o)) => {
                self.err(
                    m,
                    Problem::error(
                        "cspr::type",
                        format!("`{}` opens a window but never closes it", d.name.node),
                    )
                    .label(o.span, "the window opens here")
                    .help("add the day it closes, e.g. `within 10 working days after …`, or write an appointment with `on …`"),
                );
                return None;
            }
            (Some(dl), opens) => {
                let mut def = self.deadline(dl, m);
                if let Some(o) = opens {
                    if matches!(
                        dl.kind,
                        ast::DeadlineKind::On
                            | ast::DeadlineKind::ForAtLeast
                            | ast::DeadlineKind::AtLeastBefore
                    ) {
                        self.err(
                            m,
                            Problem::error(
                                "cspr::type",
                                format!("`not before` opens a window, but `{}` has no window to open", d.name.node),
                            )
                            .label(o.span, "not before")
                            .label(dl.span, "not a `within` deadline")
                            .help("a window is `within … not before …`; an appointment (`on …`) is its own day"),
                        );
                        return None;
                    }
                    let opens = self.deadline(o, m);
                    def = match (def, opens) {
                        (Some(mut def), Some(o)) => {
                            def.opens = Some(Box::new(o));
                            Some(def)
                        }
                        _ => None,
                    };
                }
                Some(def?)
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
            label: d.label.as_ref().map(|l| l.node.clone()),
            actor: d.actor.node.clone(),
            actor_title: d.actor.node.clone(),
            modality: d.modality,
            action: d.action.clone(),
            cite: Self::cite(&d.cite),
            deadline,
            done,
            module: m,
            span: d.name.span,
            overrides: d.overrides.is_some(),
            refines: d
                .refines
                .as_ref()
                .and_then(|r| match self.names.get(&r.node).copied() {
                    Some(Name::Duty(id)) => Some(id),
                    _ => None,
                }),
        })
    }

    /// A deadline clause (or a window's `not before`), its anchors resolved.
    pub(super) fn deadline(&mut self, dl: &ast::Deadline, m: ModuleId) -> Option<DeadlineDef> {
        let anchor = self.anchor_term(&dl.anchor, dl.unit, m);
        let mut choices = Vec::with_capacity(dl.choices.len());
        let mut ok = anchor.is_some();
        for (term, cond) in &dl.choices {
            let a = self.anchor_term(term, dl.unit, m);
            let c = self.expr(cond, Some(Type::Bool), m);
            match (a, c) {
                (Some(a), Some((c, _))) => choices.push((c, a)),
                _ => ok = false,
            }
        }
        if let Some(shift) = &dl.shift
            && dl.unit == TimeUnit::WorkingDays
        {
            self.err(
                m,
                Problem::error(
                    "cspr::type",
                    "a count of working days always ends on a working day",
                )
                .label(shift.span, "this never moves a date")
                .help("say where a due date moves only for a period in days, weeks or months"),
            );
            ok = false;
        }
        let anchor = anchor.filter(|_| ok)?;
        Some(DeadlineDef {
            kind: dl.kind,
            amount: dl.amount.node,
            unit: dl.unit,
            assumed: dl.assumed,
            anchor,
            choices,
            shift: dl.shift.as_ref().map(|s| s.node),
            opens: None,
            written: dl
                .choices
                .iter()
                .map(|(t, _)| t)
                .chain([&dl.anchor])
                .map(crate::fmt::anchor_term)
                .collect(),
            span: dl.span,
        })
    }

    /// A term of an anchor: a name, `duty done`, or the earliest or latest of terms
    /// (nested only as deep as the parser's nesting limit).
    pub(super) fn anchor_term(
        &mut self,
        term: &ast::AnchorTerm,
        unit: TimeUnit,
        m: ModuleId,
    ) -> Option<AnchorDef> {
        match term {
            ast::AnchorTerm::Name(name) => self.anchor(name, unit, m).map(AnchorDef::One),
            ast::AnchorTerm::Done(name) => self.done_anchor(name, unit, m).map(AnchorDef::One),
            ast::AnchorTerm::Pick(kind, parts) => {
                let mut out = Vec::with_capacity(parts.len());
                let mut ok = true;
                for p in parts {
                    match self.anchor_term(p, unit, m) {
                        Some(a) => out.push(a),
                        None => ok = false,
                    }
                }
                ok.then_some(AnchorDef::Pick(kind.node, out))
            }
        }
    }

    /// `send_sin done`: the date fact `send_sin`'s `done` clause names.
    fn done_anchor(&mut self, name: &ast::Ident, unit: TimeUnit, m: ModuleId) -> Option<Anchor> {
        match self.names.get(&name.node).copied() {
            Some(Name::Duty(o)) => {
                let Some(done) = self.duty_srcs[o].0.done.clone() else {
                    self.err(
                        m,
                        Problem::error(
                            "cspr::type",
                            format!("`{}` records no `done` date to count from", name.node),
                        )
                        .label(name.span, "a duty with no `done` clause")
                        .help(format!(
                            "give `{}` a `done FACT` clause naming the date fact that records when it was done",
                            name.node
                        )),
                    );
                    return None;
                };
                match self.anchor(&done, unit, m)? {
                    Anchor::Fact(f) => Some(Anchor::Done(o, f)),
                    _ => None,
                }
            }
            Some(_) => {
                self.err(
                    m,
                    Problem::error(
                        "cspr::type",
                        format!(
                            "`{} done` counts from a duty's completion, but `{}` is not a duty",
                            name.node, name.node
                        ),
                    )
                    .label(name.span, "not a duty")
                    .help("an anchor is a date fact, a duty's due date or a duty's `done`"),
                );
                None
            }
            None => {
                self.undefined(&name.node, name.span, m);
                None
            }
        }
    }

    /// What a deadline counts from: a date or date-time fact (a date-time for hours), or
    /// another duty.
    pub(super) fn anchor(
        &mut self,
        name: &ast::Ident,
        unit: TimeUnit,
        m: ModuleId,
    ) -> Option<Anchor> {
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
                    .help("an anchor is a date fact, a duty's due date or a duty's `done`"),
                );
                None
            }
            None => {
                self.undefined(&name.node, name.span, m);
                None
            }
        }
    }
}
