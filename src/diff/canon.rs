//! Canonical text of checked declarations: how the diff shows an expression or a
//! deadline, whatever the layout it was written in.
//!
//! Names are printed as declared, enumeration values by name in the order their list
//! declares them (`abuse_or_neglect in {known, suspected}` however the `{…}` was
//! ordered), and parentheses only where precedence needs them (`or` binds loosest, then
//! `and`, then `not`, then comparisons). Two declarations whose canonical texts are
//! equal mean the same thing in programs that give their names the same meaning, so a
//! reformatted file shows no change.

use crate::check::{Anchor, AnchorDef, Body, DeadlineDef, DutyDef, Expr, Program, RuleDef};
use crate::value::{Display, Type, Value, set_members};

/// An expression as canonical text.
pub fn expr(program: &Program, e: &Expr) -> String {
    let mut out = String::new();
    write(program, e, None, 0, &mut out);
    out
}

/// A rule's body, a decision's branches or a rule's default and exceptions, one line
/// each, without citations (those are compared on their own).
pub fn rule_body(program: &Program, rule: &RuleDef) -> Vec<String> {
    match &rule.body {
        Body::Expr(e) => vec![expr(program, e)],
        Body::Default {
            default,
            exceptions,
        } => {
            let mut lines = vec![format!("default {}", expr(program, default))];
            for ex in exceptions {
                lines.push(exception(program, rule, ex));
            }
            lines
        }
        Body::Decision { branches } => branches.iter().map(|b| branch(program, rule, b)).collect(),
    }
}

/// `exception: VALUE when CONDITION`.
pub fn exception(program: &Program, rule: &RuleDef, ex: &crate::check::ExceptionDef) -> String {
    format!(
        "exception: {} when {}",
        write_typed(program, &ex.value, Some(rule.ty)),
        expr(program, &ex.when)
    )
}

/// `VALUE when CONDITION`, or `otherwise VALUE`.
pub fn branch(program: &Program, rule: &RuleDef, b: &crate::check::BranchDef) -> String {
    let value = enum_name(program, rule.ty, b.value);
    match &b.when {
        Some(w) => format!("{value} when {}", expr(program, w)),
        None => format!("otherwise {value}"),
    }
}

/// The name of value `i` of an enumeration type.
pub fn enum_name(program: &Program, ty: Type, i: u8) -> String {
    match ty {
        Type::Enum(e) | Type::Set(e) => program.enums[e].name(i).to_string(),
        _ => format!("#{i}"),
    }
}

/// `within 5 working days after la_aware_on` (with its window's `not before …`).
pub fn deadline(program: &Program, dl: &DeadlineDef) -> String {
    let anchor = if dl.choices.is_empty() {
        anchor_def(program, &dl.anchor)
    } else {
        let mut s = String::from("(");
        for (cond, a) in &dl.choices {
            s += &format!(
                "{} if {} else ",
                anchor_def(program, a),
                expr(program, cond)
            );
        }
        s += &anchor_def(program, &dl.anchor);
        s + ")"
    };
    let mut s = crate::fmt::deadline_text(
        &crate::fmt::Period {
            kind: dl.kind,
            amount: dl.amount,
            unit: dl.unit,
            assumed: dl.assumed,
            shift: dl.shift,
        },
        &anchor,
    );
    if let Some(o) = &dl.opens {
        s.push(' ');
        s.push_str(&deadline(program, o));
    }
    s
}

/// `a`, `send_sin done`, `earliest(a, b)`.
pub fn anchor_def(program: &Program, a: &AnchorDef) -> String {
    match a {
        AnchorDef::One(a) => anchor_name(program, *a),
        AnchorDef::Pick(kind, parts) => format!(
            "{}({})",
            kind.as_str(),
            parts
                .iter()
                .map(|p| anchor_def(program, p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The fact or duty a deadline counts from (`send_sin done` for a duty's completion).
pub fn anchor_name(program: &Program, a: Anchor) -> String {
    match a {
        Anchor::Fact(f) => program.facts[f].name.clone(),
        Anchor::Duty(d) => program.duties[d].name.clone(),
        Anchor::Done(d, _) => format!("{} done", program.duties[d].name),
    }
}

/// A duty's whole clause: `actor must "action" when … within …`, for display.
pub fn duty(program: &Program, d: &DutyDef) -> String {
    let mut s = format!("{} {} {:?}", d.actor, d.modality.as_str(), d.action);
    if let Some(w) = &d.when {
        s += &format!(" when {}", expr(program, w));
    }
    if let Some(dl) = &d.deadline {
        s += &format!(" {}", deadline(program, dl));
    }
    if let Some(f) = d.done {
        s += &format!(" done {}", program.facts[f].name);
    }
    if let Some(r) = d.refines {
        s += &format!(" (refines {})", program.duties[r].name);
    }
    s
}

/// The type of an expression, where it has one of its own.
fn type_of(program: &Program, e: &Expr) -> Option<Type> {
    match e {
        Expr::Fact(f) => Some(program.facts[*f].ty),
        Expr::Rule(r) => Some(program.rules[*r].ty),
        Expr::Const(Value::Bool(_)) => Some(Type::Bool),
        Expr::Const(Value::Int(_)) => Some(Type::Integer),
        Expr::Const(Value::Date(_)) => Some(Type::Date),
        Expr::Const(Value::DateTime(_)) => Some(Type::DateTime),
        Expr::Const(Value::Text(_)) => Some(Type::Text),
        Expr::Const(_) => None,
        _ => Some(Type::Bool),
    }
}

fn write_typed(program: &Program, e: &Expr, ty: Option<Type>) -> String {
    let mut out = String::new();
    write(program, e, ty, 0, &mut out);
    out
}

/// Precedence: `or` 1, `and` 2, `not` 3, comparisons and `in` 4, atoms 5.
fn write(program: &Program, e: &Expr, ty: Option<Type>, min: u8, out: &mut String) {
    let prec = match e {
        Expr::Or(_) => 1,
        Expr::And(_) => 2,
        Expr::Not(_) => 3,
        Expr::Cmp(..) | Expr::InConst(..) | Expr::Member(..) => 4,
        _ => 5,
    };
    let paren = prec < min;
    if paren {
        out.push('(');
    }
    match e {
        Expr::Const(v) => {
            let ty = ty.or_else(|| type_of(program, e));
            match ty {
                Some(ty) => out.push_str(&Display::of(v, program, ty).to_string()),
                None => out.push_str(&format!("{v:?}")),
            }
        }
        Expr::Fact(f) => out.push_str(&program.facts[*f].name),
        Expr::Rule(r) => out.push_str(&program.rules[*r].name),
        Expr::Not(x) => {
            out.push_str("not ");
            write(program, x, None, 3, out);
        }
        Expr::And(xs) | Expr::Or(xs) => {
            let sep = if prec == 1 { " or " } else { " and " };
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                write(program, x, None, prec + 1, out);
            }
        }
        Expr::Cmp(op, a, b) => {
            let ty = type_of(program, a).or_else(|| type_of(program, b));
            write(program, a, ty, 5, out);
            out.push_str(&format!(" {} ", op.as_str()));
            write(program, b, ty, 5, out);
        }
        Expr::InConst(x, mask) => {
            write(program, x, None, 5, out);
            let names: Vec<String> = match type_of(program, x) {
                Some(t @ (Type::Enum(_) | Type::Set(_))) => set_members(*mask)
                    .map(|i| enum_name(program, t, i))
                    .collect(),
                _ => set_members(*mask).map(|i| format!("#{i}")).collect(),
            };
            out.push_str(&format!(" in {{{}}}", names.join(", ")));
        }
        Expr::Member(v, s) => {
            let ty = match type_of(program, s) {
                Some(Type::Set(e)) => Some(Type::Enum(e)),
                _ => None,
            };
            write(program, v, ty, 5, out);
            out.push_str(" in ");
            write(program, s, None, 5, out);
        }
    }
    if paren {
        out.push(')');
    }
}
