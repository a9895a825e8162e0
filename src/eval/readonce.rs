//! Where Kleene's logic is already exact, so [`super::exact`]'s diagrams are not needed.
//!
//! A *read-once* formula is built from `and`, `or` and `not` over atoms that each read
//! facts no other atom of the formula reads (through the rules it uses, too), where every
//! atom on a fact with few answers can come out either way:
//!
//! ```text
//! rule notifiable: (died or seriously_harmed) and abuse in {known, suspected}   read-once
//! rule odd:        died or not died                                             not: `died` twice
//! ```
//!
//! For such a formula Kleene's value is the exact one (no `x or not x` can arise), and
//! the facts [`kleene::rule_missing`](super::kleene::rule_missing) lists are exactly the
//! facts whose answer could change it: with the other atoms set to the value that lets
//! one atom decide (`true` beside it under an `and`, `false` under an `or`), flipping that
//! atom flips the result, or changes which unknown numbers and dates it waits on. So a
//! read-once rule or duty condition that Kleene leaves unknown is answered by Kleene
//! alone, which costs a walk of the formula instead of a diagram over its unknown facts.
//! The brute-force oracle in `tests/exact.rs` holds the two ways to one answer.
//!
//! Rules with exceptions and decisions are never read-once here (two branches with one
//! value can make a condition irrelevant), nor is anything that reads them.

use crate::check::{Body, Expr, FactId, Program};
use crate::syntax::ast::CmpOp;
use crate::value::{Type, Value};

/// Which rules and duty conditions are read-once, worked out once per program.
pub(super) struct ReadOnce {
    pub rules: Vec<bool>,
    pub duties: Vec<bool>,
}

impl ReadOnce {
    pub fn of(program: &Program) -> ReadOnce {
        // Each read-once rule's facts, through the rules it reads.
        let mut cones: Vec<Option<Vec<FactId>>> = vec![None; program.rules.len()];
        for &r in &program.order {
            cones[r] = match &program.rules[r].body {
                Body::Expr(e) if program.rules[r].ty == Type::Bool => formula(program, &cones, e),
                _ => None,
            };
        }
        let duties = program
            .duties
            .iter()
            .map(|d| {
                d.when
                    .as_ref()
                    .is_none_or(|w| formula(program, &cones, w).is_some())
            })
            .collect();
        ReadOnce {
            rules: cones.iter().map(Option::is_some).collect(),
            duties,
        }
    }
}

/// The facts a read-once formula reads (sorted), or `None` when it is not one.
fn formula(p: &Program, cones: &[Option<Vec<FactId>>], e: &Expr) -> Option<Vec<FactId>> {
    match e {
        Expr::Const(Value::Bool(_)) => Some(Vec::new()),
        Expr::Fact(f) => (p.facts[*f].ty == Type::Bool).then(|| vec![*f]),
        Expr::Rule(r) => cones[*r].clone(),
        Expr::Not(x) => formula(p, cones, x),
        Expr::And(xs) | Expr::Or(xs) => {
            let mut all = Vec::new();
            for x in xs {
                all.extend(formula(p, cones, x)?);
            }
            let n = all.len();
            all.sort_unstable();
            all.dedup();
            (all.len() == n).then_some(all)
        }
        Expr::Cmp(op, a, b) => match (&**a, &**b) {
            (Expr::Fact(f), Expr::Const(_)) | (Expr::Const(_), Expr::Fact(f)) => {
                either_way_cmp(p, *f, *op).then(|| vec![*f])
            }
            // Two numbers, dates or texts: never split on, only waited on.
            (Expr::Fact(f), Expr::Fact(g)) if f != g && !split(p, *f) && !split(p, *g) => {
                let mut v = vec![*f, *g];
                v.sort_unstable();
                Some(v)
            }
            _ => None,
        },
        Expr::InConst(x, mask) => match &**x {
            Expr::Fact(f) => {
                let Type::Enum(en) = p.facts[*f].ty else {
                    return None;
                };
                let full = full_mask(p.enums[en].variants.len())?;
                let m = mask & full;
                (m != 0 && m != full).then(|| vec![*f])
            }
            _ => None,
        },
        Expr::Member(v, s) => match (&**v, &**s) {
            (Expr::Const(Value::Enum(_)), Expr::Fact(f))
                if matches!(p.facts[*f].ty, Type::Set(_)) =>
            {
                Some(vec![*f])
            }
            _ => None,
        },
        Expr::Const(_) => None,
    }
}

/// Whether `fact op constant` can come out either way while the fact is unknown.
fn either_way_cmp(p: &Program, f: FactId, op: CmpOp) -> bool {
    match p.facts[f].ty {
        Type::Bool => matches!(op, CmpOp::Eq | CmpOp::Ne),
        Type::Enum(en) => matches!(op, CmpOp::Eq | CmpOp::Ne) && p.enums[en].variants.len() >= 2,
        // Not split on: an unknown number or date is waited on, whatever the comparison.
        ty => !split(p, f) && !matches!(ty, Type::Set(_)),
    }
}

/// Whether the diagrams split on this fact (see [`super::exact::finite`]).
fn split(p: &Program, f: FactId) -> bool {
    super::exact::finite(p.facts[f].ty, p)
}

fn full_mask(n: usize) -> Option<u64> {
    match n {
        0 => None,
        64.. => Some(u64::MAX),
        n => Some((1u64 << n) - 1),
    }
}
