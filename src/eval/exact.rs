//! Exact answers where Kleene's logic stops short.
//!
//! Kleene evaluates `x or not x` to unknown when `x` is unknown, though every answer to
//! `x` makes it true. So when a rule or duty condition comes out unknown, we try every
//! way of filling the unknown facts it depends on:
//!
//! ```text
//! pathway: rapid_review when a, rapid_review when b, otherwise none      a = ?, b = true
//!   a = true  → rapid_review
//!   a = false → rapid_review          same in every case: determined, nothing missing
//! ```
//!
//! A fact is *missing* when changing its answer alone, with the other unknowns filled in
//! some way, changes the result. Facts with a finite set of answers (bool, one of a
//! list, a small set) are tried; numbers, dates and text are left unknown and count as
//! missing whenever the result still depends on them. Trying is bounded by
//! [`MAX_COMBINATIONS`]: beyond it, the Kleene result and its unknown facts are kept,
//! which may list a fact that cannot in fact change the result, never omit one that can.

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

/// The exact value (if determined) and the missing facts, starting from the unknown
/// facts Kleene found (`candidates`, sorted).
pub fn refine(
    engine: &Engine<'_>,
    target: Target,
    facts: &[Option<Value>],
    rules: &[Option<Value>],
    candidates: Vec<FactId>,
) -> (Option<Value>, Vec<FactId>) {
    let program = engine.program;
    let mut finite: Vec<(FactId, Vec<Value>)> = Vec::new();
    let mut infinite: Vec<FactId> = Vec::new();
    let mut combinations: usize = 1;
    for &f in &candidates {
        match domain(program.facts[f].ty, program) {
            Some(values) if combinations.saturating_mul(values.len()) <= MAX_COMBINATIONS => {
                combinations *= values.len();
                finite.push((f, values));
            }
            Some(_) => return (None, candidates),
            None => infinite.push(f),
        }
    }
    if finite.is_empty() {
        return (None, candidates);
    }
    let cone = engine.cone(target);
    let mut scratch_facts = facts.to_vec();
    let mut scratch_rules = rules.to_vec();
    // `Err` marks a combination that makes two exceptions conflict.
    let mut results: Vec<Result<Option<Value>, ()>> = Vec::with_capacity(combinations);
    for index in 0..combinations {
        let mut rest = index;
        for (f, values) in &finite {
            scratch_facts[*f] = Some(values[rest % values.len()].clone());
            rest /= values.len();
        }
        results.push(evaluate(
            engine,
            target,
            cone,
            &scratch_facts,
            &mut scratch_rules,
        ));
    }
    let first = &results[0];
    if matches!(first, Ok(Some(_))) && results.iter().all(|r| r == first) {
        return (first.clone().ok().flatten(), Vec::new());
    }
    let mut missing = Vec::new();
    let mut stride = 1;
    for (f, values) in &finite {
        let n = values.len();
        let matters = (0..combinations)
            .filter(|i| (i / stride) % n == 0)
            .any(|i| (1..n).any(|k| results[i + k * stride] != results[i]));
        if matters {
            missing.push(*f);
        }
        stride *= n;
    }
    if results.iter().any(|r| matches!(r, Ok(None))) {
        missing.extend(infinite);
    }
    missing.sort_unstable();
    (None, missing)
}

fn evaluate(
    engine: &Engine<'_>,
    target: Target,
    cone: &[RuleId],
    facts: &[Option<Value>],
    rules: &mut [Option<Value>],
) -> Result<Option<Value>, ()> {
    let program = engine.program;
    for &r in cone {
        let env = Env { facts, rules };
        let (value, _) = kleene::rule_value(&program.rules[r], &env).map_err(|_| ())?;
        rules[r] = value;
    }
    let env = Env { facts, rules };
    Ok(match target {
        Target::Rule(r) => rules[r].clone(),
        Target::Duty(d) => engine
            .duty_condition(d)
            .and_then(|w| env.truth(w))
            .map(Value::Bool),
    })
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
