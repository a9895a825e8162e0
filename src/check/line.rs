//! One value or one expression, typed against a checked program: the lines a person
//! types at `cspr repl` (`set setting = police_custody`,
//! `? child_died and not child_looked_after`).
//!
//! Both go through the policy grammar and the checker's own typing, so a misspelt name
//! or value gets the same located "did you mean" error it would get in a policy.

use super::program::{Expr, FactId, Program};
use super::types::compile_lone;
use crate::diagnostic::{Problem, Source};
use crate::syntax;
use crate::value::{Type, Value};

/// Parse and type-check `source` as one expression over `program`'s facts and rules.
pub fn expression(program: &Program, source: &Source) -> Result<(Expr, Type), Vec<Problem>> {
    let ast = syntax::parse_expr(source)?;
    compile_lone(program, source, &ast, None)
}

/// Parse and type-check `source` as a value of the fact `fact` of `program`.
pub fn value(program: &Program, fact: FactId, source: &Source) -> Result<Value, Vec<Problem>> {
    let Some(def) = program.facts.get(fact) else {
        return Err(vec![Problem::error(
            "cspr::input",
            format!("no fact number {fact} in `{}`", program.entry().id),
        )]);
    };
    let ast = syntax::parse_value(source)?;
    crate::scenario::literal(program, &ast, def.ty, &def.name).map_err(|mut p| {
        p.code = "cspr::value";
        vec![p.in_source(source)]
    })
}
