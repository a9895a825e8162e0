//! One expression typed against a finished [`Program`]: what `cspr repl` checks before
//! it evaluates `? child_died and not child_looked_after`.
//!
//! The program's own compiler does the work, primed with the program's names, facts and
//! enumerations and with every rule already compiled (so a rule's name has its type and
//! nothing is compiled twice). The expression gets the errors a policy would: undefined
//! names with "did you mean", values from the wrong list, mismatched types.

use std::collections::HashSet;

use super::{Compiler, State};
use crate::check::program::{Expr, Program};
use crate::diagnostic::{Problem, Source};
use crate::span::{Span, Spanned};
use crate::syntax::ast;
use crate::value::Type;

/// Compile `expr`, written in `source`, against `program`; `expected` is the type it must
/// have, if any.
pub(in crate::check) fn compile_lone(
    program: &Program,
    source: &Source,
    expr: &ast::Expr,
    expected: Option<Type>,
) -> Result<(Expr, Type), Vec<Problem>> {
    // The compiler locates problems in a module of its chain: here, the line itself.
    let chain = [(
        source.clone(),
        std::rc::Rc::new(ast::Module {
            kind: ast::ModuleKind::Procedure,
            id: Spanned::new(source.name.to_string(), Span::new(0, 0)),
            title: String::new(),
            version: None,
            extends: None,
            calendar: None,
            items: Vec::new(),
        }),
    )];
    let mut problems = Vec::new();
    let mut compiler = Compiler {
        chain: &chain,
        names: program.names.clone(),
        facts: program.facts.clone(),
        enums: program.enums.clone(),
        rule_srcs: Vec::new(),
        duty_srcs: Vec::new(),
        decision_enums: Vec::new(),
        state: program
            .rules
            .iter()
            .map(|r| State::Done(Some(r.ty)))
            .collect(),
        rules: Vec::new(),
        order: Vec::new(),
        stack: Vec::new(),
        reported_cycles: HashSet::new(),
        used: vec![false; program.facts.len()],
        problems: &mut problems,
    };
    let compiled = compiler.expr(expr, expected, 0);
    match compiled {
        Some(c) if problems.is_empty() => Ok(c),
        _ => Err(problems),
    }
}
