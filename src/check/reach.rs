//! Which parts of a program no case can ever reach: a decision branch whose condition,
//! with the branches above it not holding (evaluation is first-match), can never hold; an
//! exception that can never be the one applied; a default that some exception always
//! overrides; a duty's condition that can never hold, or always holds; a yes/no rule that
//! is always one answer.
//!
//! **Proof, not sampling.** A part is reached under a case when a list of conditions
//! each has the truth it needs (`cond₂` true, `cond₁` false, …). The search splits on one
//! fact at a time — only facts with few answers (yes/no, one of a list, a set of up to six
//! values), only a fact that the still-unknown conditions wait on (Kleene's
//! [`missing`](crate::eval::kleene::missing)) — and evaluates every rule the conditions
//! read with Kleene's logic at each step, as the exact evaluator does when it builds its
//! decision diagrams ([`crate::eval`]'s `exact`): the same splitting, on the same
//! three-valued evaluation. A branch of the search closes as soon as one condition is
//! *known* to have the wrong truth. The part is unreachable only when every branch closes.
//!
//! **Sound.** Numbers, dates and text are never split on: they stay unknown, and Kleene's
//! logic is monotone (a known result stays the same whatever an unknown fact turns out to
//! be), so a condition known to fail with them unknown fails for every value they can take.
//! A contradiction only a comparison of numbers or dates could show (`age < 5 and age > 10`)
//! is not found: the part stays "not exercised", never wrongly "unreachable". A search that
//! passes its budget proves nothing either.
//!
//! Used by `cspr check` (the `cspr::unreachable_branch` warning, for the entry module) and by
//! the scenario coverage (an unreachable item is reported as such, not as a gap).

use std::collections::BTreeMap;

use crate::check::{Body, DutyId, Expr, FactId, Name, Program, RuleId};
use crate::diagnostic::Problem;
use crate::eval::kleene::{self, Env};
use crate::span::Span;
use crate::value::{Type, Value};

/// A part of a program a case can reach (one coverage item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// A plain yes/no rule having this value.
    RuleIs(RuleId, bool),
    /// A rule with exceptions settled by its default.
    Default(RuleId),
    /// Exception `i` of a rule being the one applied.
    Exception(RuleId, usize),
    /// Branch `i` of a decision taken (`otherwise` included).
    Branch(RuleId, usize),
    /// A duty applying (`true`) or not (`false`).
    Applies(DutyId, bool),
    /// A duty's due date worked out (it must apply for that).
    Due(DutyId),
}

/// A part no case can reach, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreachable {
    pub part: Part,
    /// "its condition can never hold", "every case it covers is taken by branch 1 above: …".
    pub reason: String,
}

/// Search steps allowed for one part (a step evaluates the rules its conditions read).
const STEPS_PER_PART: usize = 20_000;

/// Search steps allowed for a whole program: past them, the rest is not looked at.
const STEPS_PER_PROGRAM: usize = 100_000;

/// Most values of a set-valued fact for it to be split on (2⁶ answers).
const MAX_SET_VALUES: usize = 6;

/// Every part of `program` no case can reach, in declaration order.
#[must_use]
pub fn unreachable(program: &Program) -> Vec<Unreachable> {
    let mut s = Search::new(program);
    let mut out = Vec::new();
    for (r, rule) in program.rules.iter().enumerate() {
        match &rule.body {
            Body::Expr(_) if rule.ty == Type::Bool => {
                for b in [true, false] {
                    if s.dead(&[Lit::rule(r, b)]) {
                        out.push(Unreachable {
                            part: Part::RuleIs(r, b),
                            reason: format!("its expression is {} in every case", !b),
                        });
                    }
                }
            }
            Body::Expr(_) => {}
            Body::Default { exceptions, .. } => {
                let none: Vec<Lit<'_>> =
                    exceptions.iter().map(|e| Lit::is(&e.when, false)).collect();
                if s.dead(&none) && default_never_counted(program, r) {
                    out.push(Unreachable {
                        part: Part::Default(r),
                        reason: "in every case one of its exceptions applies".into(),
                    });
                }
                let conds: Vec<&Expr> = exceptions.iter().map(|e| &e.when).collect();
                let texts: Vec<&str> = exceptions.iter().map(|e| e.text.as_str()).collect();
                for i in 0..conds.len() {
                    if let Some(reason) = s.first_match(&conds, &texts, i, "exception") {
                        out.push(Unreachable {
                            part: Part::Exception(r, i),
                            reason,
                        });
                    }
                }
            }
            Body::Decision { branches } => {
                let conds: Vec<Option<&Expr>> = branches.iter().map(|b| b.when.as_ref()).collect();
                let texts: Vec<&str> = branches.iter().map(|b| b.text.as_str()).collect();
                for (i, cond) in conds.iter().enumerate() {
                    let earlier: Vec<&Expr> = conds[..i].iter().flatten().copied().collect();
                    let reason = match cond {
                        Some(_) => {
                            let mut with: Vec<&Expr> = earlier;
                            with.extend(*cond);
                            s.first_match(&with, &texts, i, "branch")
                        }
                        None => {
                            let none: Vec<Lit<'_>> =
                                earlier.iter().map(|&e| Lit::is(e, false)).collect();
                            s.dead(&none)
                                .then(|| "the branches above it cover every case".to_string())
                        }
                    };
                    if let Some(reason) = reason {
                        out.push(Unreachable {
                            part: Part::Branch(r, i),
                            reason,
                        });
                    }
                }
            }
        }
    }
    for (d, duty) in program.duties.iter().enumerate() {
        let Some(when) = &duty.when else { continue };
        if s.dead(&[Lit::is(when, true)]) {
            out.push(Unreachable {
                part: Part::Applies(d, true),
                reason: s.never(when),
            });
            if duty.deadline.is_some() {
                out.push(Unreachable {
                    part: Part::Due(d),
                    reason: "the duty never applies".into(),
                });
            }
        }
        if s.dead(&[Lit::is(when, false)]) {
            out.push(Unreachable {
                part: Part::Applies(d, false),
                reason: "its condition holds in every case".into(),
            });
        }
    }
    out
}

/// The unreachable parts as `cspr::unreachable_branch` warnings: only the entry module's
/// (each module extended is checked on its own), located at the branch, exception, rule or
/// duty. A due date is not warned about apart from its duty.
#[must_use]
pub fn warnings(program: &Program) -> Vec<Problem> {
    let entry = program.modules.len().saturating_sub(1);
    let source = &program.entry().source;
    let mut out = Vec::new();
    for u in unreachable(program) {
        let (module, span) = span_of(program, u.part);
        let what = match u.part {
            Part::Due(_) => continue,
            Part::RuleIs(r, b) => format!("rule `{}` is never {b}", program.rules[r].name),
            Part::Default(r) => format!(
                "the default of rule `{}` can never be reached",
                program.rules[r].name
            ),
            Part::Exception(r, i) => format!(
                "exception {} of rule `{}` can never apply",
                i + 1,
                program.rules[r].name
            ),
            Part::Branch(r, i) => {
                let rule = &program.rules[r];
                let otherwise = matches!(&rule.body, Body::Decision { branches }
                    if branches.get(i).is_some_and(|b| b.when.is_none()));
                let which = if otherwise {
                    "the `otherwise`".to_string()
                } else {
                    format!("branch {}", i + 1)
                };
                format!("{which} of decision `{}` can never be taken", rule.name)
            }
            Part::Applies(d, b) => {
                let what = if b { "never applies" } else { "always applies" };
                format!("duty `{}` {what}", program.duties[d].name)
            }
        };
        if module != entry {
            continue;
        }
        out.push(
            Problem::warning("cspr::unreachable_branch", what)
                .label(span, format!("unreachable: {}", u.reason))
                .help(
                    "no case can reach it, so no scenario can cover it: remove it, or correct the condition that shadows it",
                )
                .in_source(source),
        );
    }
    out
}

/// One condition of a part, with the truth it must have.
#[derive(Clone, Copy)]
enum Lit<'a> {
    Expr(&'a Expr, bool),
    Rule(RuleId, bool),
}

impl<'a> Lit<'a> {
    fn is(e: &'a Expr, want: bool) -> Lit<'a> {
        Lit::Expr(e, want)
    }
    fn rule(r: RuleId, want: bool) -> Lit<'a> {
        Lit::Rule(r, want)
    }
    fn want(self) -> bool {
        match self {
            Lit::Expr(_, w) | Lit::Rule(_, w) => w,
        }
    }
    fn truth(self, env: &Env<'_>) -> Option<bool> {
        match self {
            Lit::Expr(e, _) => env.truth(e),
            Lit::Rule(r, _) => env.rules[r].as_ref().and_then(Value::as_bool),
        }
    }
    fn visit(self, f: &mut impl FnMut(Name)) {
        match self {
            Lit::Expr(e, _) => e.visit_refs(f),
            Lit::Rule(r, _) => f(Name::Rule(r)),
        }
    }
}

/// What the search found under some answers.
#[derive(PartialEq)]
enum Found {
    /// No answer to the facts left open reaches the part.
    Dead,
    /// Some answer may reach it (or the search gave up).
    Open,
}

/// The search's scratch tables.
struct Search<'p> {
    p: &'p Program,
    facts: Vec<Option<Value>>,
    rules: Vec<Option<Value>>,
    missing: Vec<Vec<FactId>>,
    /// The rules the current part's conditions read, in evaluation order.
    cone: Vec<RuleId>,
    steps: usize,
    total: usize,
    /// Answers already found for a list of conditions, by their compiled form written out:
    /// equal conditions of different rules or duties (duties often share one) are searched
    /// once, which saves more than the writing costs.
    memo: BTreeMap<String, bool>,
}

impl<'p> Search<'p> {
    fn new(p: &'p Program) -> Search<'p> {
        Search {
            p,
            facts: vec![None; p.facts.len()],
            rules: vec![None; p.rules.len()],
            missing: vec![Vec::new(); p.rules.len()],
            cone: Vec::new(),
            steps: 0,
            total: 0,
            memo: BTreeMap::new(),
        }
    }

    /// Whether no case makes every condition have its truth (proved; `false` when not
    /// proved).
    fn dead(&mut self, lits: &[Lit<'_>]) -> bool {
        if lits.is_empty() {
            return false;
        }
        let key = format!(
            "{:?}",
            lits.iter()
                .map(|l| match *l {
                    Lit::Expr(e, w) => (format!("{e:?}"), w),
                    Lit::Rule(r, w) => (format!("rule{r}"), w),
                })
                .collect::<Vec<_>>()
        );
        if let Some(&known) = self.memo.get(&key) {
            return known;
        }
        // The rules the conditions read, through the rules they read.
        let mut needed = vec![false; self.p.rules.len()];
        let mut stack: Vec<RuleId> = Vec::new();
        for l in lits {
            l.visit(&mut |n| {
                if let Name::Rule(r) = n {
                    stack.push(r);
                }
            });
        }
        while let Some(r) = stack.pop() {
            if std::mem::replace(&mut needed[r], true) {
                continue;
            }
            for e in self.p.rules[r].exprs() {
                e.visit_refs(&mut |n| {
                    if let Name::Rule(o) = n {
                        stack.push(o);
                    }
                });
            }
        }
        self.cone = self
            .p
            .order
            .iter()
            .copied()
            .filter(|&r| needed[r])
            .collect();
        self.steps = 0;
        let dead = self.explore(lits) == Found::Dead;
        self.memo.insert(key, dead);
        dead
    }

    fn explore(&mut self, lits: &[Lit<'_>]) -> Found {
        self.steps += 1;
        self.total += 1;
        if self.steps > STEPS_PER_PART || self.total > STEPS_PER_PROGRAM {
            return Found::Open;
        }
        for &r in &self.cone {
            let env = Env {
                facts: &self.facts,
                rules: &self.rules,
            };
            // A conflict between exceptions reaches nothing: unknown is the safe reading.
            let value = kleene::rule_value(&self.p.rules[r], &env)
                .ok()
                .and_then(|(v, _)| v);
            let missing = if value.is_none() {
                kleene::rule_missing(&self.p.rules[r], &env, &self.missing)
            } else {
                Vec::new()
            };
            self.rules[r] = value;
            self.missing[r] = missing;
        }
        let env = Env {
            facts: &self.facts,
            rules: &self.rules,
        };
        let mut open: Vec<FactId> = Vec::new();
        for l in lits {
            match l.truth(&env) {
                Some(t) if t != l.want() => return Found::Dead,
                Some(_) => {}
                None => match *l {
                    Lit::Expr(e, _) => kleene::missing(e, &env, &self.missing, &mut open),
                    Lit::Rule(r, _) => open.extend_from_slice(&self.missing[r]),
                },
            }
        }
        // Every condition holds (or waits only on facts never split on): reachable, or
        // not provably unreachable.
        let Some(f) = open
            .into_iter()
            .filter(|&f| self.facts[f].is_none())
            .find(|&f| domain(self.p, f).is_some())
        else {
            return Found::Open;
        };
        let answers = domain(self.p, f).unwrap_or_default();
        let mut found = Found::Dead;
        for a in answers {
            self.facts[f] = Some(a);
            if self.explore(lits) == Found::Open {
                found = Found::Open;
                break;
            }
        }
        self.facts[f] = None;
        found
    }

    /// Why a condition proved never to hold cannot: the first two of its `and`-ed parts
    /// that contradict each other, or the first part that alone can never hold.
    fn never(&mut self, cond: &Expr) -> String {
        let general = "its condition can never hold".to_string();
        let Expr::And(parts) = cond else {
            return general;
        };
        let text = |e: &Expr| crate::diff::canon::expr(self.p, e);
        for a in parts {
            if self.dead(&[Lit::is(a, true)]) {
                return format!("{general}: `{}` is never true", text(a));
            }
        }
        for (i, a) in parts.iter().enumerate() {
            for b in &parts[i + 1..] {
                if self.dead(&[Lit::is(a, true), Lit::is(b, true)]) {
                    return format!("{general}: `{}` contradicts `{}`", text(a), text(b));
                }
            }
        }
        general
    }

    /// Why item `i` of a first-match list can never be the one taken, if it cannot:
    /// `conds[i]` holding while `conds[..i]` do not. `conds` holds the conditions up to
    /// `i`'s; `texts` the items as written, for the reason.
    fn first_match(
        &mut self,
        conds: &[&Expr],
        texts: &[&str],
        i: usize,
        kind: &str,
    ) -> Option<String> {
        let own = *conds.get(i)?;
        let mut lits: Vec<Lit<'_>> = conds[..i].iter().map(|&e| Lit::is(e, false)).collect();
        lits.push(Lit::is(own, true));
        if !self.dead(&lits) {
            return None;
        }
        if self.dead(&[Lit::is(own, true)]) {
            return Some(self.never(own));
        }
        // The one item above that takes every case it covers, if there is one.
        for (k, &above) in conds.iter().enumerate().take(i) {
            if self.dead(&[Lit::is(above, false), Lit::is(own, true)]) {
                let text = texts.get(k).copied().unwrap_or_default();
                return Some(if kind == "branch" {
                    format!(
                        "every case it covers is taken by branch {} above: `{text}`",
                        k + 1
                    )
                } else {
                    format!(
                        "whenever it holds, exception {} above holds too: `{text}`",
                        k + 1
                    )
                });
            }
        }
        Some(if kind == "branch" {
            "every case it covers is taken by the branches above it".to_string()
        } else {
            "whenever it holds, one of the exceptions above holds too".to_string()
        })
    }
}

/// Most cases tried to show that a default is never counted (see [`default_never_counted`]).
const MAX_DEFAULT_CASES: usize = 6_561;

/// Whether no case, complete or not, settles rule `r` by its default. Every complete case
/// taking an exception is not enough: a case leaving an exception open still counts the
/// default when that exception would give the default's value (the value is the default's,
/// whichever way the fact is answered). So every case over the facts the rule reads — each
/// fact answered or left unknown — is evaluated by the engine itself; `false` (not proved)
/// when the rule reads a fact that is not split on, or there are too many such cases.
fn default_never_counted(p: &Program, r: RuleId) -> bool {
    // The facts the rule reads, through the rules it reads.
    let mut facts: Vec<FactId> = Vec::new();
    let mut seen = vec![false; p.rules.len()];
    let mut stack = vec![r];
    while let Some(x) = stack.pop() {
        if std::mem::replace(&mut seen[x], true) {
            continue;
        }
        for e in p.rules[x].exprs() {
            e.visit_refs(&mut |n| match n {
                Name::Fact(f) if !facts.contains(&f) => facts.push(f),
                Name::Rule(o) => stack.push(o),
                _ => {}
            });
        }
    }
    let mut domains: Vec<Vec<Option<Value>>> = Vec::new();
    let mut cases = 1usize;
    for &f in &facts {
        let Some(answers) = domain(p, f) else {
            return false;
        };
        let mut d: Vec<Option<Value>> = vec![None];
        d.extend(answers.into_iter().map(Some));
        cases = cases.saturating_mul(d.len());
        if cases > MAX_DEFAULT_CASES {
            return false;
        }
        domains.push(d);
    }
    let engine = crate::eval::Engine::new(p);
    let mut at = vec![0usize; facts.len()];
    loop {
        let mut case = crate::eval::Case::empty(p);
        for (k, &f) in facts.iter().enumerate() {
            if case.set(p, f, domains[k][at[k]].clone()).is_err() {
                return false;
            }
        }
        if let Ok(e) = engine.evaluate(&case) {
            let o = &e.outcomes[r];
            if o.via == kleene::Via::Default && o.value.is_some() {
                return false;
            }
        }
        // The next case, as an odometer.
        let mut k = 0;
        loop {
            if k == at.len() {
                return true;
            }
            at[k] += 1;
            if at[k] < domains[k].len() {
                break;
            }
            at[k] = 0;
            k += 1;
        }
    }
}

/// The answers a fact is split on, when it has few enough.
fn domain(p: &Program, f: FactId) -> Option<Vec<Value>> {
    match p.facts[f].ty {
        Type::Bool => Some(vec![Value::Bool(false), Value::Bool(true)]),
        Type::Enum(e) => Some(
            (0..p.enums[e].variants.len())
                .filter_map(|i| u8::try_from(i).ok())
                .map(Value::Enum)
                .collect(),
        ),
        Type::Set(e) if p.enums[e].variants.len() <= MAX_SET_VALUES => Some(
            (0..1u64 << p.enums[e].variants.len())
                .map(Value::Set)
                .collect(),
        ),
        _ => None,
    }
}

/// Where a part is declared, for tests and tools: its module and span.
#[must_use]
pub fn span_of(program: &Program, part: Part) -> (usize, Span) {
    match part {
        Part::RuleIs(r, _) | Part::Default(r) => (program.rules[r].module, program.rules[r].span),
        Part::Exception(r, i) => {
            let rule = &program.rules[r];
            match &rule.body {
                Body::Default { exceptions, .. } => {
                    (rule.module, exceptions.get(i).map_or(rule.span, |e| e.span))
                }
                _ => (rule.module, rule.span),
            }
        }
        Part::Branch(r, i) => {
            let rule = &program.rules[r];
            match &rule.body {
                Body::Decision { branches } => {
                    (rule.module, branches.get(i).map_or(rule.span, |b| b.span))
                }
                _ => (rule.module, rule.span),
            }
        }
        Part::Applies(d, _) | Part::Due(d) => (program.duties[d].module, program.duties[d].span),
    }
}
