//! Scenario impact: a suite written for the old program, run against the new one.
//!
//! Each scenario that names the old program's id is run on both programs by the one
//! scenario runner ([`crate::scenario::suite::run_pair`], the same run as `cspr test`,
//! with the editions its `under`s may name). A scenario that passes under the old
//! program and fails under the new one is a *regression*, listed with each expectation
//! that now fails (expected and actual). Scenarios the new program cannot even bind (a
//! fact it no longer declares) are listed apart; scenarios that already failed under
//! the old program are only counted.

use serde::Serialize;

use crate::check::Program;
use crate::scenario::suite::{File, Programs, RunResult, run_pair};

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

/// Run every scenario of `files` that names `old`'s program under both programs.
pub fn impact(old: &Program, new: &Program, files: &[File]) -> Impact {
    let id = old.entry().id.as_str();
    let (mut before, mut after) = (Programs::default(), Programs::default());
    before.insert(id, Some(old.clone()));
    after.insert(id, Some(new.clone()));
    let ours = |s: &crate::syntax::ast::Scenario| s.target.node == id;
    let mut out = Impact::default();
    for file in files {
        out.skipped += file.scenarios.iter().filter(|s| !ours(s)).count();
        let source = &file.source;
        for (s, pair) in run_pair(file, &before, &after, &ours) {
            out.ran += 1;
            if !pair.before.as_ref().is_some_and(|r| r.passed()) {
                out.failing_before += 1;
                continue;
            }
            let regression = |expectations| Regression {
                scenario: s.name.node.clone(),
                at: format!("{}:{}", source.name, source.line_col(s.span.start).0),
                expectations,
            };
            let Some(run) = pair.after else { continue };
            match &run.result {
                RunResult::Observed { .. } if run.passed() => {}
                RunResult::Observed { .. } => {
                    let expectations = run
                        .failures()
                        .iter()
                        .map(|f| Expectation {
                            expect: crate::scenario::written(source, f.span),
                            expected: f.expected.clone(),
                            actual: f.actual.clone(),
                        })
                        .collect();
                    out.now_failing.push(regression(expectations));
                }
                RunResult::Error(p) => out.cannot_run.push(regression(vec![Expectation {
                    expect: "(the case)".into(),
                    expected: "evaluates".into(),
                    actual: p.to_string(),
                }])),
                RunResult::DoesNotCompile(problems) => out.cannot_run.push(regression(
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
