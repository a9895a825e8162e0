//! Scenario files in the editor: their problems (syntax, names and values the
//! procedure does not know, failing expectations) and a lens to run each one. Both are
//! the library's scenario runner ([`cspr::scenario::suite`]), the same run as `cspr
//! test`: an expectation pinned `under` another edition is not checked here either.

use cspr::check::Resolver;
use cspr::diagnostic::{Problem, Source};
use lsp_types as lsp;
use lsp_types::Uri;

use super::convert::Lines;

/// The command a lens runs: arguments the file's URI and the scenario's name.
pub const RUN: &str = "cspr.runScenario";

/// Every problem of a scenario file, as `cspr test` would find it; a failing
/// expectation is an error at the `expect`.
pub fn problems(source: &Source, resolver: &dyn Resolver) -> Vec<Problem> {
    cspr::scenario::suite::problems(source, resolver)
}

/// Run the scenario called `name`: one line for the editor to show.
pub fn run(source: &Source, name: &str, resolver: &dyn Resolver) -> String {
    cspr::scenario::suite::run_named(source, name, resolver)
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
