//! Scenario files in the editor: their problems (syntax, names and values the
//! procedure does not know, failing expectations) and a lens to run each one.

use cspr::check::Resolver;
use cspr::diagnostic::{Problem, Source};
use cspr::eval::Engine;
use cspr::scenario::{self, Ran};
use cspr::syntax::ast;
use lsp_types as lsp;
use lsp_types::Uri;

use super::convert::Lines;

/// The command a lens runs: arguments the file's URI and the scenario's name.
pub const RUN: &str = "cspr.runScenario";

/// Every problem of a scenario file, as `cspr test` would find it; a failing
/// expectation is an error at the `expect`.
pub fn problems(source: &Source, resolver: &dyn Resolver) -> Vec<Problem> {
    let scenarios = match cspr::syntax::parse_scenarios(source) {
        Ok(s) => s,
        Err(problems) => return problems,
    };
    let mut out = Vec::new();
    let mut programs: Vec<(String, Option<cspr::check::Program>)> = Vec::new();
    for s in &scenarios {
        let id = &s.target.node;
        if !programs.iter().any(|(i, _)| i == id) {
            let program = resolver
                .resolve(id)
                .and_then(|src| cspr::check::check(&src, resolver).program);
            programs.push((id.clone(), program));
        }
        let Some((_, Some(program))) = programs.iter().find(|(i, _)| i == id) else {
            out.push(
                Problem::error(
                    "cspr::scenario_procedure",
                    format!("`{id}` could not be loaded: no such procedure, or it has errors"),
                )
                .label(s.target.span, "")
                .help("run `cspr check` on the procedure, or name one found in policies/ or CSPR_PATH")
                .in_source(source),
            );
            continue;
        };
        out.extend(outcome(s, program, source).err().unwrap_or_default());
    }
    out
}

/// Compile and run one scenario: its problems, or a line saying it passed.
fn outcome(
    s: &ast::Scenario,
    program: &cspr::check::Program,
    source: &Source,
) -> Result<String, Vec<Problem>> {
    let compiled = scenario::compile(s, program, source)?;
    match scenario::run(&Engine::new(program), &compiled) {
        Ran::Error(p) => Err(vec![p]),
        Ran::Evaluated(_, failures) if failures.is_empty() => {
            Ok(format!("scenario \"{}\" passed", s.name.node))
        }
        Ran::Evaluated(_, failures) => Err(failures
            .iter()
            .map(|f| {
                Problem::error(
                    "cspr::scenario_failed",
                    format!(
                        "expected {}, but the procedure gives {}",
                        f.expected, f.actual
                    ),
                )
                .label(f.span, "")
                .help("`cspr test` on this file explains the result")
                .in_source(source)
            })
            .collect()),
    }
}

/// Run the scenario called `name`: one line for the editor to show.
pub fn run(source: &Source, name: &str, resolver: &dyn Resolver) -> String {
    let Ok(scenarios) = cspr::syntax::parse_scenarios(source) else {
        return "the file has syntax errors".into();
    };
    let Some(s) = scenarios.iter().find(|s| s.name.node == name) else {
        return format!("no scenario \"{name}\" in this file");
    };
    let Some(program) = resolver
        .resolve(&s.target.node)
        .and_then(|src| cspr::check::check(&src, resolver).program)
    else {
        return format!("`{}` could not be loaded", s.target.node);
    };
    match outcome(s, &program, source) {
        Ok(line) => line,
        Err(problems) => format!(
            "scenario \"{name}\" failed: {}",
            problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// A "Run scenario" lens above each scenario.
pub fn lenses(uri: &Uri, source: &Source) -> Vec<lsp::CodeLens> {
    let Ok(scenarios) = cspr::syntax::parse_scenarios(source) else {
        return Vec::new();
    };
    let lines = Lines::new(&source.text);
    scenarios
        .iter()
        .map(|s| lsp::CodeLens {
            range: lines.range(s.name.span),
            command: Some(lsp::Command {
                title: "▶ Run scenario".into(),
                command: RUN.into(),
                arguments: Some(vec![uri.as_str().into(), s.name.node.clone().into()]),
            }),
            data: None,
        })
        .collect()
}
