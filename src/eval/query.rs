//! The exact value of one expression on a case: `cspr repl`'s `? EXPRESSION`.
//!
//! The expression is evaluated as a rule with that body, appended to a copy of the
//! program (a copy keeps the program's key, so the case is its own), by the same
//! [`Engine`] every other command uses: Kleene first, then the exact refinement. So
//! `x or not x` is `true` with `x` unknown, and the facts an undetermined answer
//! depends on are exactly those whose answer could change it.

use crate::check::{Body, Expr, FactId, Program, RuleDef, RuleKind};
use crate::value::{Type, Value};

use super::{Case, Engine, EvalError};

/// The value of `expr` (of type `ty`, checked against `program`) on `case`, or `None`
/// and the unknown facts that could still change it.
pub fn answer(
    program: &Program,
    case: &Case,
    expr: Expr,
    ty: Type,
) -> Result<(Option<Value>, Vec<FactId>), EvalError> {
    let mut with = program.clone();
    let r = with.rules.len();
    with.rules.push(RuleDef {
        name: "?".into(),
        label: None,
        kind: RuleKind::Rule,
        ty,
        cite: None,
        body: Body::Expr(expr),
        module: with.modules.len() - 1,
        span: crate::span::Span::default(),
        overrides: false,
        text: String::new(),
    });
    with.order.push(r);
    let mut eval = Engine::new(&with).compile_after(None).evaluate(case)?;
    let outcome = eval.outcomes.swap_remove(r);
    Ok((outcome.value, outcome.missing))
}
