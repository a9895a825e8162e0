//! Scenario impact: a suite written for the old program, run against the new one.
//!
//! Each scenario that names the old program's id is bound to both programs and run
//! under both ([`crate::scenario::compile_and_run`]). A scenario that passes under the
//! old program and fails under the new one is a *regression*, listed with each
//! expectation that now fails (expected and actual). Scenarios the new program cannot
//! even bind (a fact it no longer declares) are listed apart; scenarios that already
//! failed under the old program are only counted.

use serde::Serialize;

use crate::diagnostic::Source;
use crate::eval::Engine;
use crate::scenario::{Ran, compile_and_run};
use crate::syntax::ast;

#[derive(Debug, Clone, Serialize, Default)]
pub struct Impact {
    /// Scenarios run under both programs.
    pub ran: usize,
    /// Scenarios for other modules, not run.
    pub skipped: usize,
    pub now_failing: Vec<Regression>,
    /// Scenarios the new program cannot bind or evaluate.
    pub cannot_run: Vec<Regression>,
    /// Scenarios that already failed under the old program.
    pub failing_before: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Regression {
    pub scenario: String,
    /// `file:line` of the scenario.
    pub at: String,
    pub expectations: Vec<Expectation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Expectation {
    /// The `expect` as written (or why the scenario could not run).
    pub expect: String,
    pub expected: String,
    /// What the new program gives.
    pub actual: String,
}

/// Run every scenario of `files` that names `old`'s program under both engines.
pub fn impact(
    old: &Engine<'_>,
    new: &Engine<'_>,
    files: &[(Source, Vec<ast::Scenario>)],
) -> Impact {
    let id = &old.program.entry().id;
    let mut out = Impact::default();
    for (source, scenarios) in files {
        for s in scenarios {
            if &s.target.node != id {
                out.skipped += 1;
                continue;
            }
            let at = format!("{}:{}", source.name, source.line_col(s.span.start).0);
            let passed_before = matches!(
                compile_and_run(old, s, source),
                Ok(Ran::Evaluated(_, ref f)) if f.is_empty()
            );
            out.ran += 1;
            if !passed_before {
                out.failing_before += 1;
                continue;
            }
            let regression = |expectations| Regression {
                scenario: s.name.node.clone(),
                at: at.clone(),
                expectations,
            };
            match compile_and_run(new, s, source) {
                Ok(Ran::Evaluated(_, failures)) if failures.is_empty() => {}
                Ok(Ran::Evaluated(_, failures)) => {
                    let expectations = failures
                        .iter()
                        .map(|f| Expectation {
                            expect: written(source, f.span),
                            expected: f.expected.clone(),
                            actual: f.actual.clone(),
                        })
                        .collect();
                    out.now_failing.push(regression(expectations));
                }
                Ok(Ran::Error(p)) => out.cannot_run.push(regression(vec![Expectation {
                    expect: "(the case)".into(),
                    expected: "evaluates".into(),
                    actual: p.to_string(),
                }])),
                Err(problems) => out.cannot_run.push(regression(
                    problems
                        .iter()
                        .map(|p| Expectation {
                            expect: "(the scenario)".into(),
                            expected: "binds to the new procedure".into(),
                            actual: p.to_string(),
                        })
                        .collect(),
                )),
            }
        }
    }
    out
}

/// The text of a span, whitespace collapsed.
fn written(source: &Source, span: crate::span::Span) -> String {
    source
        .text
        .get(span.start..span.end)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
