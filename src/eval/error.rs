//! Errors that stop a case from being evaluated.

use crate::check::{Body, Program, RuleId};
use crate::diagnostic::Problem;
use crate::value::Display;

use super::kleene::Conflict;

/// Evaluation of a case failed.
#[derive(Debug, Clone)]
pub enum EvalError {
    /// Two exceptions of a rule apply to the case with different values.
    Conflict {
        rule: RuleId,
        first: usize,
        second: usize,
        problem: Box<Problem>,
    },
    /// A due date cannot be worked out: a date the calendar cannot answer, or out of range.
    Deadline(Box<Problem>),
    /// The case was built for another program (its facts index that program's).
    WrongProgram(Box<Problem>),
}

impl EvalError {
    pub(super) fn conflict(
        program: &Program,
        rule: RuleId,
        Conflict(first, second): Conflict,
    ) -> EvalError {
        let def = &program.rules[rule];
        let mut problem = Problem::error(
            "cspr::conflict",
            format!(
                "two exceptions of `{}` apply with different values",
                def.name
            ),
        );
        if let Body::Default { exceptions, .. } = &def.body {
            for &i in &[first, second] {
                if let Some(ex) = exceptions.get(i) {
                    let cite = ex
                        .cite
                        .as_ref()
                        .map_or("uncited exception".to_string(), |c| c.to_string());
                    let value = match &ex.value {
                        crate::check::Expr::Const(v) => Display::of(v, program, def.ty).to_string(),
                        _ => "a different value".into(),
                    };
                    problem = problem.label(ex.span, format!("{cite} gives {value}"));
                }
            }
        }
        let problem = problem
            .help("the procedure does not say which wins: make one exception's condition exclude the other, or write the order as a decision")
            .in_source(program.source_of(def.module));
        EvalError::Conflict {
            rule,
            first,
            second,
            problem: Box::new(problem),
        }
    }

    pub(super) fn wrong_program(program: &Program) -> EvalError {
        EvalError::WrongProgram(Box::new(
            Problem::error(
                "cspr::wrong_program",
                format!(
                    "this case was built for another procedure, not `{}`",
                    program.entry().id
                ),
            )
            .help(
                "read the case again for this procedure, or carry it over with `Case::translate`",
            ),
        ))
    }

    pub fn problem(&self) -> &Problem {
        match self {
            EvalError::Conflict { problem, .. }
            | EvalError::Deadline(problem)
            | EvalError::WrongProgram(problem) => problem,
        }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.problem().fmt(f)
    }
}

impl std::error::Error for EvalError {}
