//! Exact answers where Kleene's logic stops short.
//!
//! Kleene evaluates `x or not x` to unknown when `x` is unknown, though every answer to
//! `x` makes it true. That can only happen when a fact is used more than once in what
//! a result depends on (counting through the rules it uses): where every unknown fact
//! is used once, Kleene's answer — value or unknown, and the unknown facts it needed —
//! is already exact. So when a rule or duty condition comes out unknown, we try every
//! way of answering the *shared* unknown facts (those used more than once), leaving the
//! others unknown:
//!
//! ```text
//! pathway: rapid_review when a, rapid_review when a and b, otherwise none   a = ?, b = ?
//!   a = true  → rapid_review
//!   a = false → none                  a is missing; b never changes the result
//! ```
//!
//! A decision that gives one value on two branches, or a rule with exceptions, breaks
//! that: `x when a, y when b, otherwise y` never needs `b`, though `b` is used once. So
//! for results that depend on one of those, every unknown fact is tried.
//!
//! The result is determined when every way gives the same value. A shared fact is
//! *missing* when changing its answer alone changes the result (its value, or which
//! facts it is still waiting on); an unshared fact is missing when some way leaves the
//! result waiting on it. Facts with a finite set of answers (bool, one of a list, a set
//! of up to ten values) are tried; numbers, dates and text stay unknown and count as
//! missing whenever the result still depends on them. Trying is bounded by
//! [`MAX_COMBINATIONS`]: beyond it, Kleene's answer is kept, which may list a fact that
//! cannot in fact change the result, but never omits one that can.

use super::Engine;
use super::kleene::{self, Env};
use crate::check::{DutyId, FactId, RuleId};
use crate::value::{Type, Value};

/// Most combinations of answers tried for one result.
pub const MAX_COMBINATIONS: usize = 1024;

#[derive(Debug, Clone, Copy)]
pub enum Target {
    Rule(RuleId),
    Duty(DutyId),
}

/// One way of answering the shared facts: the result (`Err` when two exceptions would
/// conflict) and the facts it still waits on.
type Outcome = (Result<Option<Value>, ()>, Vec<FactId>);

/// The exact value (if determined) and the missing facts, starting from the unknown
/// facts Kleene found (`candidates`, sorted).
pub fn refine(
    engine: &Engine<'_>,
    target: Target,
    facts: &[Option<Value>],
    rules: &[Option<Value>],
    rule_missing: &[Vec<FactId>],
    candidates: Vec<FactId>,
) -> (Option<Value>, Vec<FactId>) {
    let program = engine.program;
    let uses = engine.uses(target);
    let every = engine.tricky(target);
    let mut shared: Vec<(FactId, Vec<Value>)> = Vec::new();
    let mut combinations: usize = 1;
    for &f in &candidates {
        if !every && uses.get(f).copied().unwrap_or(0) < 2 {
            continue;
        }
        if let Some(values) = domain(program.facts[f].ty, program) {
            combinations = combinations.saturating_mul(values.len());
            if combinations > MAX_COMBINATIONS {
                return (None, candidates);
            }
            shared.push((f, values));
        }
    }
    if shared.is_empty() {
        return (None, candidates);
    }
    let cone = engine.cone(target);
    let mut scratch_facts = facts.to_vec();
    // Only the rules of the cone are read, and each is worked out (in order) before it is
    // read, so the scratch tables start empty rather than as copies.
    let mut scratch_rules: Vec<Option<Value>> = vec![None; rules.len()];
    let mut scratch_missing: Vec<Vec<FactId>> = vec![Vec::new(); rule_missing.len()];
    let mut results: Vec<Outcome> = Vec::with_capacity(combinations);
    for index in 0..combinations {
        let mut rest = index;
        for (f, values) in &shared {
            scratch_facts[*f] = Some(values[rest % values.len()].clone());
            rest /= values.len();
        }
        results.push(evaluate(
            engine,
            target,
            cone,
            &scratch_facts,
            &mut scratch_rules,
            &mut scratch_missing,
        ));
    }
    let first = &results[0];
    if matches!(first.0, Ok(Some(_))) && results.iter().all(|r| r.0 == first.0) {
        return (first.0.clone().ok().flatten(), Vec::new());
    }
    let mut missing: Vec<FactId> = Vec::new();
    let mut stride = 1;
    for (f, values) in &shared {
        let n = values.len();
        let matters = (0..combinations)
            .filter(|i| (i / stride) % n == 0)
            .any(|i| (1..n).any(|k| results[i + k * stride] != results[i]));
        if matters {
            missing.push(*f);
        }
        stride *= n;
    }
    for (_, waiting) in &results {
        missing.extend(waiting.iter().copied());
    }
    missing.sort_unstable();
    missing.dedup();
    (None, missing)
}

fn evaluate(
    engine: &Engine<'_>,
    target: Target,
    cone: &[RuleId],
    facts: &[Option<Value>],
    rules: &mut [Option<Value>],
    rule_missing: &mut [Vec<FactId>],
) -> Outcome {
    let program = engine.program;
    for &r in cone {
        let env = Env { facts, rules };
        let Ok((value, _)) = kleene::rule_value(&program.rules[r], &env) else {
            return (Err(()), Vec::new());
        };
        rule_missing[r] = if value.is_some() {
            Vec::new()
        } else {
            kleene::rule_missing(&program.rules[r], &env, rule_missing)
        };
        rules[r] = value;
    }
    let env = Env { facts, rules };
    match target {
        Target::Rule(r) => (Ok(rules[r].clone()), rule_missing[r].clone()),
        Target::Duty(d) => {
            let Some(w) = engine.duty_condition(d) else {
                return (Ok(Some(Value::Bool(true))), Vec::new());
            };
            let value = env.truth(w).map(Value::Bool);
            let mut waiting = Vec::new();
            if value.is_none() {
                kleene::missing(w, &env, rule_missing, &mut waiting);
                waiting.sort_unstable();
            }
            (Ok(value), waiting)
        }
    }
}

/// Every value of a type with few enough values to try them all.
fn domain(ty: Type, program: &crate::check::Program) -> Option<Vec<Value>> {
    match ty {
        Type::Bool => Some(vec![Value::Bool(false), Value::Bool(true)]),
        Type::Enum(e) => Some(
            (0..program.enums[e].variants.len())
                .map(|i| Value::Enum(i as u8))
                .collect(),
        ),
        Type::Set(e) => {
            let n = program.enums[e].variants.len();
            (n <= 10).then(|| (0..(1u64 << n)).map(Value::Set).collect())
        }
        _ => None,
    }
}
