//! The fact space a semantic diff searches: one variable per fact name, with the values
//! it is tried at on each side.
//!
//! A fact both versions declare with the same kind of type is one variable, carried by
//! name (enumeration values by name, as [`crate::eval::Case::translate`] carries them).
//! A fact only one side declares is a variable that side alone reads (the other ignores
//! it). Booleans, enumerations and sets of up to [`MAX_SET`] values are tried at every
//! value (for an enumeration, every value both sides know), so a search over them is
//! exact. Integers, dates, date-times and text are tried at *boundary values*: each
//! constant the rules compare them with, and its neighbours (`age < 18` → 17, 18, 19);
//! a search that needed them is reported as not exhaustive.

use chrono::{Duration, NaiveDate};

use crate::check::{Expr, FactId, Program, RuleId};
use crate::value::{Type, Value, to_json};

/// Largest set-valued fact whose every subset is tried.
pub const MAX_SET: usize = 6;

/// One fact, by name, on both sides.
#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub old: Option<FactId>,
    pub new: Option<FactId>,
    pub domain: Vec<Choice>,
    /// Whether `domain` is every value the fact can take (in both versions).
    pub exact: bool,
    /// Values only one side knows, left out of `domain`.
    pub dropped: Vec<String>,
}

/// One value of a variable, as each side reads it.
#[derive(Debug, Clone)]
pub struct Choice {
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub shown: String,
    pub json: serde_json::Value,
}

/// The variables for the facts `old_facts` and `new_facts` (each side's fact ids), with
/// boundary values taken from the expressions `exprs` of each side.
pub fn build(
    old: &Program,
    old_facts: &[FactId],
    old_exprs: &[&Expr],
    new: &Program,
    new_facts: &[FactId],
    new_exprs: &[&Expr],
) -> Vec<Var> {
    let mut names: Vec<&str> = old_facts
        .iter()
        .map(|f| old.facts[*f].name.as_str())
        .collect();
    for f in new_facts {
        let n = new.facts[*f].name.as_str();
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let mut vars = Vec::new();
    for name in names {
        let o = old.fact_named(name);
        let n = new.fact_named(name);
        let (ot, nt) = (o.map(|f| old.facts[f].ty), n.map(|f| new.facts[f].ty));
        let compatible = match (ot, nt) {
            (Some(a), Some(b)) => std::mem::discriminant(&a) == std::mem::discriminant(&b),
            _ => true,
        };
        if !compatible {
            // Retyped: each side's fact is a variable of its own.
            vars.push(one_side(name, Some((old, o, old_exprs)), None));
            vars.push(one_side(name, None, Some((new, n, new_exprs))));
            continue;
        }
        let ty = ot.or(nt).unwrap_or(Type::Bool);
        let (o_side, n_side) = (
            o.map(|f| (old, f, old_exprs)),
            n.map(|f| (new, f, new_exprs)),
        );
        vars.push(shared(name, ty, o_side, n_side));
    }
    vars
}

type SideOf<'a> = Option<(&'a Program, Option<FactId>, &'a [&'a Expr])>;

fn one_side(name: &str, old: SideOf<'_>, new: SideOf<'_>) -> Var {
    let o = old.and_then(|(p, f, e)| f.map(|f| (p, f, e)));
    let n = new.and_then(|(p, f, e)| f.map(|f| (p, f, e)));
    let ty = o
        .map(|(p, f, _)| p.facts[f].ty)
        .or(n.map(|(p, f, _)| p.facts[f].ty))
        .unwrap_or(Type::Bool);
    shared(name, ty, o, n)
}

fn shared(
    name: &str,
    ty: Type,
    old: Option<(&Program, FactId, &[&Expr])>,
    new: Option<(&Program, FactId, &[&Expr])>,
) -> Var {
    let mut var = Var {
        name: name.to_string(),
        old: old.map(|(_, f, _)| f),
        new: new.map(|(_, f, _)| f),
        domain: Vec::new(),
        exact: true,
        dropped: Vec::new(),
    };
    // The program whose values are listed (old's where it has the fact).
    let Some((base, bf, _)) = old.or(new) else {
        return var;
    };
    let base_ty = base.facts[bf].ty;
    let value_in =
        |side: Option<(&Program, FactId, &[&Expr])>, names: &[&str]| -> Option<Option<Value>> {
            let Some((p, f, _)) = side else {
                return Some(None);
            };
            match p.facts[f].ty {
                Type::Enum(e) => p.enums[e].index(names[0]).map(|i| Some(Value::Enum(i))),
                Type::Set(e) => {
                    let mut bits = 0u64;
                    for n in names {
                        bits |= 1u64 << p.enums[e].index(n)?;
                    }
                    Some(Some(Value::Set(bits)))
                }
                _ => None,
            }
        };
    match ty {
        Type::Bool => {
            for b in [false, true] {
                let v = Value::Bool(b);
                var.domain.push(Choice {
                    old: old.map(|_| v.clone()),
                    new: new.map(|_| v.clone()),
                    shown: b.to_string(),
                    json: serde_json::Value::Bool(b),
                });
            }
        }
        Type::Enum(_) => {
            let Type::Enum(e) = base_ty else { return var };
            for value in &base.enums[e].variants {
                match (value_in(old, &[value]), value_in(new, &[value])) {
                    (Some(o), Some(n)) => var.domain.push(Choice {
                        old: o,
                        new: n,
                        shown: value.clone(),
                        json: serde_json::Value::String(value.clone()),
                    }),
                    _ => var.dropped.push(value.clone()),
                }
            }
            if let (Some((p, f, _)), Some(_)) = (new, old)
                && let Type::Enum(e) = p.facts[f].ty
            {
                for value in &p.enums[e].variants {
                    if !var.domain.iter().any(|c| &c.shown == value) {
                        var.dropped.push(value.clone());
                    }
                }
            }
        }
        Type::Set(_) => {
            let Type::Set(e) = base_ty else { return var };
            let all: Vec<&str> = base.enums[e].variants.iter().map(String::as_str).collect();
            let subsets: Vec<u64> = if all.len() <= MAX_SET {
                (0..(1u64 << all.len())).collect()
            } else {
                var.exact = false;
                std::iter::once(0)
                    .chain((0..all.len()).map(|i| 1u64 << i))
                    .collect()
            };
            for bits in subsets {
                let names: Vec<&str> = (0..all.len())
                    .filter(|i| bits & (1u64 << i) != 0)
                    .map(|i| all[i])
                    .collect();
                let pick = |side: Option<(&Program, FactId, &[&Expr])>| -> Option<Option<Value>> {
                    if names.is_empty() {
                        return Some(side.map(|_| Value::Set(0)));
                    }
                    value_in(side, &names)
                };
                match (pick(old), pick(new)) {
                    (Some(o), Some(n)) => var.domain.push(Choice {
                        old: o,
                        new: n,
                        shown: format!("{{{}}}", names.join(", ")),
                        json: serde_json::Value::Array(
                            names
                                .iter()
                                .map(|n| serde_json::Value::String((*n).into()))
                                .collect(),
                        ),
                    }),
                    _ => var.exact = false,
                }
            }
        }
        _ => {
            var.exact = false;
            let mut values = Vec::new();
            for (_, f, exprs) in [old, new].into_iter().flatten() {
                for e in exprs {
                    boundaries(e, f, &mut values);
                }
            }
            if values.is_empty() {
                values = defaults(ty);
            }
            values.sort_by_key(|v| format!("{v:?}"));
            values.dedup();
            for v in values {
                var.domain.push(Choice {
                    old: old.map(|_| v.clone()),
                    new: new.map(|_| v.clone()),
                    shown: crate::value::Display::of(&v, base, ty).to_string(),
                    json: to_json(&v, ty, &base.enums),
                });
            }
        }
    }
    var
}

/// Values of a fact of an open type tried when nothing compares it with a constant.
fn defaults(ty: Type) -> Vec<Value> {
    let day = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap_or_default();
    match ty {
        Type::Integer => vec![Value::Int(0), Value::Int(1)],
        Type::Date => vec![Value::Date(day), Value::Date(day + Duration::days(7))],
        Type::DateTime => {
            let t = day.and_hms_opt(9, 0, 0).unwrap_or_default();
            vec![Value::DateTime(t), Value::DateTime(t + Duration::days(1))]
        }
        Type::Text => vec![Value::Text("a".into()), Value::Text("b".into())],
        _ => Vec::new(),
    }
}

/// The constants `e` compares fact `f` with, and their neighbours.
fn boundaries(e: &Expr, f: FactId, out: &mut Vec<Value>) {
    match e {
        Expr::Cmp(_, a, b) => {
            for (x, y) in [(a, b), (b, a)] {
                if let (Expr::Fact(g), Expr::Const(c)) = (&**x, &**y)
                    && *g == f
                {
                    out.extend(around(c));
                }
            }
            boundaries(a, f, out);
            boundaries(b, f, out);
        }
        Expr::Not(x) | Expr::InConst(x, _) => boundaries(x, f, out),
        Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| boundaries(x, f, out)),
        Expr::Member(a, b) => {
            boundaries(a, f, out);
            boundaries(b, f, out);
        }
        _ => {}
    }
}

fn around(c: &Value) -> Vec<Value> {
    match c {
        Value::Int(n) => vec![
            Value::Int(n.saturating_sub(1)),
            Value::Int(*n),
            Value::Int(n.saturating_add(1)),
        ],
        Value::Date(d) => [d.pred_opt(), Some(*d), d.succ_opt()]
            .into_iter()
            .flatten()
            .map(Value::Date)
            .collect(),
        Value::DateTime(t) => vec![
            Value::DateTime(*t - Duration::hours(1)),
            Value::DateTime(*t),
            Value::DateTime(*t + Duration::hours(1)),
        ],
        Value::Text(s) => vec![
            Value::Text(s.clone()),
            Value::Text(format!("not {s}").into()),
        ],
        _ => Vec::new(),
    }
}

/// The rules `roots` depend on (themselves included), in the program's evaluation order.
pub fn cone(p: &Program, roots: &[&Expr]) -> Vec<RuleId> {
    let mut on = vec![false; p.rules.len()];
    let mut stack: Vec<RuleId> = Vec::new();
    let visit = |e: &Expr, stack: &mut Vec<RuleId>| {
        e.visit_refs(&mut |n| {
            if let crate::check::Name::Rule(r) = n {
                stack.push(r);
            }
        })
    };
    for e in roots {
        visit(e, &mut stack);
    }
    while let Some(r) = stack.pop() {
        if on[r] {
            continue;
        }
        on[r] = true;
        for e in p.rules[r].exprs() {
            visit(e, &mut stack);
        }
    }
    p.order.iter().copied().filter(|r| on[*r]).collect()
}

/// The facts the expressions and the rules of `cone` read, in declaration order.
pub fn facts_of(p: &Program, roots: &[&Expr], cone: &[RuleId]) -> Vec<FactId> {
    let mut on = vec![false; p.facts.len()];
    let mut mark = |e: &Expr| {
        e.visit_refs(&mut |n| {
            if let crate::check::Name::Fact(f) = n {
                on[f] = true;
            }
        })
    };
    roots.iter().for_each(|e| mark(e));
    for r in cone {
        p.rules[*r].exprs().into_iter().for_each(&mut mark);
    }
    (0..on.len()).filter(|f| on[*f]).collect()
}

/// Every expression of the rules of `cone`, with the roots.
pub fn exprs_of<'p>(p: &'p Program, roots: &[&'p Expr], cone: &[RuleId]) -> Vec<&'p Expr> {
    let mut out: Vec<&Expr> = roots.to_vec();
    for r in cone {
        out.extend(p.rules[*r].exprs());
    }
    out
}
