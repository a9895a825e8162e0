//! Every kind of checker error and warning, each a file under `tests/check/`, with the
//! source and its rendered diagnostics snapshotted together.

use cspr::check::check;
use cspr::diagnostic::Source;

use crate::common::{TestModules, glob_snapshots, relative, render};

#[test]
fn every_checker_diagnostic() {
    let mut seen = 0;
    insta::glob!("check/*.policy", |path| {
        seen += 1;
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = relative(path);
        let checked = check(&Source::new(name.clone(), text.clone()), &TestModules);
        assert!(
            !checked.problems.is_empty(),
            "{name} should produce a diagnostic"
        );
        insta::assert_snapshot!(format!(
            "{text}\n----- diagnostics -----\n{}",
            render(&checked.problems)
        ));
    });
    assert_eq!(
        seen,
        glob_snapshots("check_errors__every_checker_diagnostic"),
        "tests/check/*.policy walked"
    );
}

#[test]
fn every_error_in_a_file_is_reported() {
    let checked = check_file("syntax-errors");
    assert_eq!(
        checked.problems.iter().filter(|p| p.is_error()).count(),
        2,
        "{}",
        render(&checked.problems)
    );
}

#[test]
fn warnings_do_not_stop_a_program() {
    let checked = check_file("unused-fact");
    assert!(!checked.has_errors());
    assert!(checked.program.is_some());
}

#[test]
fn the_shipped_policies_are_clean() {
    let mut seen = 0;
    for entry in std::fs::read_dir(crate::common::root().join("policies"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "policy") {
            seen += 1;
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let checked = check(&Source::new(relative(&path), text), &TestModules);
            assert!(
                checked.problems.is_empty(),
                "{}:\n{}",
                path.display(),
                render(&checked.problems)
            );
        }
    }
    assert_eq!(
        seen,
        cspr::builtin::MODULES.len(),
        "policies/*.policy walked"
    );
}

/// Check `tests/check/NAME.policy` with the test modules.
fn check_file(name: &str) -> cspr::check::Checked {
    let path = format!("tests/check/{name}.policy");
    let text = std::fs::read_to_string(crate::common::root().join(&path)).unwrap_or_default();
    check(&Source::new(path, text), &TestModules)
}
