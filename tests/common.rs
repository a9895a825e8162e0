//! One-line helpers for the common assertions.

use std::path::{Path, PathBuf};

use cspr::check::{Program, Resolver, check};
use cspr::diagnostic::{Located, Problem, Source};
use cspr::eval::{Engine, Evaluation};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Finds modules by id among `tests/check/lib/` and `policies/`.
pub struct TestModules;

impl Resolver for TestModules {
    fn resolve(&self, id: &str) -> Option<Source> {
        let file = format!("{}.policy", id.replace('_', "-"));
        for dir in ["tests/check/lib", "policies"] {
            let path = root().join(dir).join(&file);
            if let Ok(text) = std::fs::read_to_string(&path) {
                return Some(Source::new(format!("{dir}/{file}"), text));
            }
        }
        None
    }
    fn known_ids(&self) -> Vec<String> {
        vec![
            "base".into(),
            "base_next".into(),
            "working_together_2018".into(),
        ]
    }
}

/// Run the `cspr` binary in the repository root (no colour, no `CSPR_PATH` from the
/// environment): its exit code, standard output and standard error.
pub fn cspr(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cspr: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Check policy text; panics with the rendered problems if it has errors.
pub fn program(text: &str) -> Program {
    let checked = check(&Source::new("test.policy", text), &TestModules);
    match checked.program {
        Some(p) => p,
        None => panic!("policy has errors:\n{}", render(&checked.problems)),
    }
}

/// Check a policy file of the repository.
pub fn program_file(path: &str) -> Program {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let checked = check(&Source::new(path, text), &TestModules);
    checked
        .program
        .unwrap_or_else(|| panic!("{path} has errors:\n{}", render(&checked.problems)))
}

/// Evaluate a JSON case against a program; panics on a bad case or a conflict.
pub fn eval(program: &Program, case_json: &str) -> Evaluation {
    let case = case(program, case_json);
    Engine::new(program)
        .evaluate(&case)
        .unwrap_or_else(|e| panic!("evaluation failed: {e}"))
}

pub fn case(program: &Program, case_json: &str) -> cspr::eval::Case {
    let source = Source::new("case.json", case_json);
    cspr::case::parse(program, &source, cspr::case::Format::Json)
        .unwrap_or_else(|ps| panic!("bad case:\n{}", render(&ps)))
}

/// The value of an outcome as text (`"true"`, `"rapid_review"`), or `"undetermined"`.
pub fn outcome(program: &Program, eval: &Evaluation, name: &str) -> String {
    let Some(cspr::check::Name::Rule(r)) = program.lookup(name) else {
        panic!("no rule {name}")
    };
    match &eval.outcomes[r].value {
        Some(v) => cspr::value::Display {
            value: v,
            enums: &program.enums,
            ty: program.rules[r].ty,
        }
        .to_string(),
        None => "undetermined".into(),
    }
}

/// The missing facts of an outcome, by name.
pub fn missing(program: &Program, eval: &Evaluation, name: &str) -> Vec<String> {
    let Some(cspr::check::Name::Rule(r)) = program.lookup(name) else {
        panic!("no rule {name}")
    };
    eval.outcomes[r]
        .missing
        .iter()
        .map(|f| program.facts[*f].name.clone())
        .collect()
}

/// Problems rendered as a person sees them, without colour.
pub fn render(problems: &[Problem]) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    for p in problems {
        let located = Located::from(p.clone());
        if handler.render_report(&mut out, &located).is_err() {
            out.push_str(&p.to_string());
        }
    }
    out
}

/// A path relative to the repository root, with forward slashes, for snapshot names.
pub fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// How many reviewed snapshots `tests/snapshots/` holds for the glob test `test` (its
/// module and name, `cli__golden`): the test walks as many files, or one was skipped or
/// lost, and a test that saw none cannot pass.
pub fn glob_snapshots(test: &str) -> usize {
    let prefix = format!("main__{test}@");
    let n = std::fs::read_dir(root().join("tests/snapshots"))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    e.file_name()
                        .to_str()
                        .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".snap"))
                })
                .count()
        })
        .unwrap_or(0);
    assert!(n > 0, "no snapshots for {test}");
    n
}
