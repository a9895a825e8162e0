//! Kleene's strong three-valued logic over compiled expressions.
//!
//! `None` is *unknown*. `false and unknown` is false and `true or unknown` is true: a
//! known operand that settles the result makes the others irrelevant. Comparisons and
//! membership with an unknown operand are unknown.
//!
//! Alongside values, [`reasons`] names the facts and rules that settled a value (for
//! explanations), and [`missing`] the unknown facts an unknown value depends on. Both
//! follow the same short-circuit: an operand that did not matter is not a reason.

use std::cmp::Ordering;

use crate::check::{Body, Expr, FactId, Name, RuleDef};
use crate::syntax::ast::CmpOp;
use crate::value::Value;

/// Values of facts and rules while evaluating one case.
pub struct Env<'a> {
    pub facts: &'a [Option<Value>],
    pub rules: &'a [Option<Value>],
}

/// A value found while evaluating: borrowed from the case, the rules or the program
/// where it lives there, so comparisons copy nothing.
enum Found<'x> {
    Ref(&'x Value),
    Bool(bool),
}

impl Found<'_> {
    fn get(&self) -> std::borrow::Cow<'_, Value> {
        match self {
            Found::Ref(v) => std::borrow::Cow::Borrowed(v),
            Found::Bool(b) => std::borrow::Cow::Owned(Value::Bool(*b)),
        }
    }
}

impl<'a> Env<'a> {
    pub fn eval(&self, e: &Expr) -> Option<Value> {
        self.find(e).map(|v| v.get().into_owned())
    }

    /// Whether `e` has a known value (without copying it).
    pub fn is_known(&self, e: &Expr) -> bool {
        self.find(e).is_some()
    }

    fn find<'x>(&'x self, e: &'x Expr) -> Option<Found<'x>> {
        match e {
            Expr::Const(v) => Some(Found::Ref(v)),
            Expr::Fact(f) => self.facts[*f].as_ref().map(Found::Ref),
            Expr::Rule(r) => self.rules[*r].as_ref().map(Found::Ref),
            _ => self.truth(e).map(Found::Bool),
        }
    }

    /// The value of a boolean expression.
    pub fn truth(&self, e: &Expr) -> Option<bool> {
        match e {
            Expr::Const(v) => v.as_bool(),
            Expr::Fact(f) => self.facts[*f].as_ref().and_then(Value::as_bool),
            Expr::Rule(r) => self.rules[*r].as_ref().and_then(Value::as_bool),
            Expr::Not(e) => self.truth(e).map(|b| !b),
            Expr::And(es) => {
                let mut unknown = false;
                for e in es {
                    match self.truth(e) {
                        Some(false) => return Some(false),
                        Some(true) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(true)
            }
            Expr::Or(es) => {
                let mut unknown = false;
                for e in es {
                    match self.truth(e) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(false)
            }
            Expr::Cmp(op, a, b) => {
                let (a, b) = (self.find(a)?, self.find(b)?);
                Some(compare(*op, &a.get(), &b.get()))
            }
            Expr::InConst(e, mask) => match self.find(e)? {
                Found::Ref(Value::Enum(i)) => Some(mask & (1u64 << i) != 0),
                _ => None,
            },
            Expr::Member(v, s) => match (self.find(v)?, self.find(s)?) {
                (Found::Ref(Value::Enum(i)), Found::Ref(Value::Set(bits))) => {
                    Some(bits & (1u64 << i) != 0)
                }
                _ => None,
            },
        }
    }

    /// The facts and rules that settled `e`'s value: all operands, except where one
    /// known operand settled an `and`/`or` alone (then just that one). For an unknown
    /// value, the unknown operands.
    /// Appends to `out`, without repeating a name this call already appended.
    pub fn reasons(&self, e: &Expr, out: &mut Vec<Name>) {
        let from = out.len();
        self.reasons_from(e, out, from);
    }

    fn reasons_from(&self, e: &Expr, out: &mut Vec<Name>, from: usize) {
        match e {
            Expr::Const(_) => {}
            Expr::Fact(f) => push_unique(out, from, Name::Fact(*f)),
            Expr::Rule(r) => push_unique(out, from, Name::Rule(*r)),
            Expr::Not(e) | Expr::InConst(e, _) => self.reasons_from(e, out, from),
            Expr::And(es) | Expr::Or(es) => {
                // Each operand's value is worked out once: the first that settles the
                // result is its only reason; otherwise every operand (or every unknown one).
                let settling = matches!(e, Expr::Or(_));
                let mut unknown: Vec<&Expr> = Vec::new();
                for x in es {
                    match self.truth(x) {
                        Some(v) if v == settling => {
                            self.reasons_from(x, out, from);
                            return;
                        }
                        Some(_) => {}
                        None => unknown.push(x),
                    }
                }
                if unknown.is_empty() {
                    es.iter().for_each(|x| self.reasons_from(x, out, from));
                } else {
                    unknown
                        .into_iter()
                        .for_each(|x| self.reasons_from(x, out, from));
                }
            }
            Expr::Cmp(_, a, b) | Expr::Member(a, b) => {
                self.reasons_from(a, out, from);
                self.reasons_from(b, out, from);
            }
        }
    }
}

fn push_unique(out: &mut Vec<Name>, from: usize, n: Name) {
    if !out[from..].contains(&n) {
        out.push(n);
    }
}

pub fn compare(op: CmpOp, a: &Value, b: &Value) -> bool {
    let ord = match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::DateTime(x), Value::DateTime(y)) => x.cmp(y),
        _ => {
            return match op {
                CmpOp::Eq => a == b,
                CmpOp::Ne => a != b,
                _ => false,
            };
        }
    };
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    }
}

/// Two exceptions of one rule apply with different values (indices into the rule's exceptions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conflict(pub usize, pub usize);

/// How a rule's value came about, for explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A plain expression.
    Expr,
    /// The default: no exception applied.
    Default,
    /// Exception `i` applied.
    Exception(usize),
    /// Branch `i` of a decision was taken.
    Branch(usize),
    /// Not settled: the value depends on unknown facts.
    Undetermined,
    /// Settled although some facts it uses are unknown: every answer to them gives
    /// the same value.
    AllCases,
}

/// The value of one rule, given the values of everything it uses.
pub fn rule_value(rule: &RuleDef, env: &Env<'_>) -> Result<(Option<Value>, Via), Conflict> {
    match &rule.body {
        Body::Expr(e) => Ok((env.eval(e), Via::Expr)),
        Body::Default {
            default,
            exceptions,
        } => {
            let mut applied: Option<(usize, Option<Value>)> = None;
            // The values of exceptions that may apply (or apply after the first): the
            // result stands only if each is known and equal to it. Kept as the first such
            // value and whether any other differs, so nothing is allocated.
            let mut possible: Option<Option<Value>> = None;
            let mut mixed = false;
            let mut note = |v: Option<Value>| match &possible {
                None => possible = Some(v),
                Some(p) => mixed |= *p != v || v.is_none(),
            };
            for (i, ex) in exceptions.iter().enumerate() {
                match env.truth(&ex.when) {
                    Some(true) => {
                        let v = env.eval(&ex.value);
                        match &applied {
                            Some((j, w)) if w.is_some() && v.is_some() && *w != v => {
                                return Err(Conflict(*j, i));
                            }
                            Some(_) => note(v),
                            None => applied = Some((i, v)),
                        }
                    }
                    Some(false) => {}
                    None => note(env.eval(&ex.value)),
                }
            }
            let (value, via) = match applied {
                Some((i, v)) => (v, Via::Exception(i)),
                None => (env.eval(default), Via::Default),
            };
            let stands = match &possible {
                None => true,
                Some(p) => !mixed && p.is_some() && *p == value,
            };
            if stands {
                Ok((value, via))
            } else {
                Ok((None, Via::Undetermined))
            }
        }
        Body::Decision { branches } => {
            // The value of the first earlier branch that may hold, and whether another
            // such branch has a different value.
            let mut earlier: Option<u8> = None;
            let mut mixed = false;
            for (i, b) in branches.iter().enumerate() {
                let holds = match &b.when {
                    None => Some(true),
                    Some(w) => env.truth(w),
                };
                match holds {
                    Some(true) => {
                        let agree = earlier.is_none_or(|v| !mixed && v == b.value);
                        return Ok(if agree {
                            (Some(Value::Enum(b.value)), Via::Branch(i))
                        } else {
                            (None, Via::Undetermined)
                        });
                    }
                    Some(false) => {}
                    None => match earlier {
                        None => earlier = Some(b.value),
                        Some(v) => mixed |= v != b.value,
                    },
                }
            }
            Ok((None, Via::Undetermined))
        }
    }
}

/// The unknown facts an unknown expression depends on, through rules via `rule_missing`.
pub fn missing(e: &Expr, env: &Env<'_>, rule_missing: &[Vec<FactId>], out: &mut Vec<FactId>) {
    if !env.is_known(e) {
        let from = out.len();
        unknown_parts(e, env, rule_missing, out, from);
    }
}

/// [`missing`] for an expression already known to be unknown: each operand is
/// evaluated once, and only the unknown ones are followed.
fn unknown_parts(
    e: &Expr,
    env: &Env<'_>,
    rule_missing: &[Vec<FactId>],
    out: &mut Vec<FactId>,
    from: usize,
) {
    let follow = |x: &Expr, out: &mut Vec<FactId>| {
        if !env.is_known(x) {
            unknown_parts(x, env, rule_missing, out, from);
        }
    };
    match e {
        Expr::Const(_) => {}
        Expr::Fact(f) => push_fact(out, from, *f),
        Expr::Rule(r) => rule_missing[*r]
            .iter()
            .for_each(|f| push_fact(out, from, *f)),
        Expr::Not(x) | Expr::InConst(x, _) => follow(x, out),
        Expr::And(es) | Expr::Or(es) => es.iter().for_each(|x| follow(x, out)),
        Expr::Cmp(_, a, b) | Expr::Member(a, b) => {
            follow(a, out);
            follow(b, out);
        }
    }
}

/// The unknown facts an undetermined rule depends on (before the exact refinement).
pub fn rule_missing(rule: &RuleDef, env: &Env<'_>, rule_missing: &[Vec<FactId>]) -> Vec<FactId> {
    let mut out = Vec::new();
    match &rule.body {
        Body::Expr(e) => missing(e, env, rule_missing, &mut out),
        Body::Default {
            default,
            exceptions,
        } => {
            let any_applies = exceptions
                .iter()
                .any(|ex| env.truth(&ex.when) == Some(true));
            for ex in exceptions {
                match env.truth(&ex.when) {
                    Some(false) => {}
                    Some(true) => missing(&ex.value, env, rule_missing, &mut out),
                    None => {
                        missing(&ex.when, env, rule_missing, &mut out);
                        missing(&ex.value, env, rule_missing, &mut out);
                    }
                }
            }
            if !any_applies {
                missing(default, env, rule_missing, &mut out);
            }
        }
        Body::Decision { branches } => {
            for b in branches {
                let Some(w) = &b.when else { break };
                match env.truth(w) {
                    Some(true) => break,
                    Some(false) => {}
                    None => missing(w, env, rule_missing, &mut out),
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn push_fact(out: &mut Vec<FactId>, from: usize, f: FactId) {
    if !out[from..].contains(&f) {
        out.push(f);
    }
}
