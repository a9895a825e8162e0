//! Scenarios on several editions of the guidance: the `under` rule (`expect … under
//! EDITION`), the regression report's comparison of one scenario on two editions, and
//! `rebase`'s text edit.

use cspr::check::check_onto;
use cspr::check::rebase::rebase;
use cspr::diagnostic::Source;
use cspr::eval::Engine;
use cspr::scenario::regression::compare;
use cspr::scenario::run_on;
use cspr::scenario::{self, in_force};

use crate::common::{TestModules, render, root};

/// A procedure on `base` with a calendar, so deadlines can be worked out on both editions.
const PROCEDURE: &str = "# a comment that must survive\nprocedure local \"A local procedure\"\n  version 2024-01-10\n  extends base   # the edition\n  calendar england_and_wales\n";

fn editions() -> Vec<String> {
    vec!["base".into(), "base_next".into()]
}

/// Which expectations of the first scenario in `text` are in force on `edition`, by index.
fn in_force_on(text: &str, edition: &str) -> Vec<bool> {
    let source = Source::new("t.scenario", text);
    let scenarios = cspr::syntax::parse_scenarios(&source)
        .unwrap_or_else(|p| panic!("does not parse:\n{}", render(&p)));
    let expects = &scenarios[0].expects;
    (0..expects.len())
        .map(|i| in_force(expects, i, edition))
        .collect()
}

const PINNED: &str = "scenario \"s\" for local:
  expect notify due 2024-03-11
  expect notify due 2024-03-18 under base_next
  expect notify applies
  expect missing {}
  expect missing {la_aware_on} under base
";

#[test]
fn an_expectation_without_under_holds_on_every_edition_it_is_not_pinned_on() {
    // On base: the base_next pin is set aside; the unpinned due date is checked; the
    // unpinned `missing` gives way to the `missing` pinned under base.
    assert_eq!(
        in_force_on(PINNED, "base"),
        [true, false, true, false, true]
    );
    // On base_next: the pinned due date replaces the unpinned one (same duty, same
    // aspect); `applies` is another aspect of the duty and stays; `missing` has no pin.
    assert_eq!(
        in_force_on(PINNED, "base_next"),
        [false, true, true, true, false]
    );
    // On an edition nothing is pinned to, every unpinned expectation holds.
    assert_eq!(
        in_force_on(PINNED, "working_together_2018"),
        [true, false, true, true, false]
    );
}

#[test]
fn a_value_and_undetermined_are_the_same_aspect_of_a_rule() {
    let text = "scenario \"s\" for local:
  expect serious undetermined
  expect serious = true under base_next
  expect notify status pending under base_next
";
    assert_eq!(in_force_on(text, "base"), [true, false, false]);
    assert_eq!(in_force_on(text, "base_next"), [false, true, true]);
}

fn checked(edition: Option<&str>) -> cspr::check::Program {
    let c = check_onto(
        &Source::new("local.policy", PROCEDURE),
        &TestModules,
        edition,
    );
    c.program
        .unwrap_or_else(|| panic!("does not check:\n{}", render(&c.problems)))
}

#[test]
fn an_unknown_edition_in_under_is_an_error_with_a_suggestion() {
    let program = checked(None);
    let source = Source::new(
        "t.scenario",
        "scenario \"s\" for local:\n  expect serious undetermined under base_nxt\n",
    );
    let s = &cspr::syntax::parse_scenarios(&source).expect("parses")[0];
    let problems =
        scenario::compile_among(s, &program, &source, &editions()).expect_err("an unknown edition");
    let shown = render(&problems);
    assert!(shown.contains("`base_nxt` is not an edition"), "{shown}");
    assert!(shown.contains("did you mean `base_next`?"), "{shown}");
    assert!(shown.contains("t.scenario:2"), "{shown}");
}

#[test]
fn an_expectation_pinned_elsewhere_may_name_what_this_edition_lacks() {
    let source = Source::new(
        "t.scenario",
        "scenario \"s\" for local:
  given child_died = true, abuse_or_neglect = known
  expect abuse_is_known = true under base_next
  expect abuse_known = true under base
",
    );
    let s = &cspr::syntax::parse_scenarios(&source).expect("parses")[0];
    for edition in [None, Some("base_next")] {
        let program = checked(edition);
        let compiled = scenario::compile_among(s, &program, &source, &editions())
            .unwrap_or_else(|p| panic!("{edition:?}: {}", render(&p)));
        // The pin of the other edition names a rule this one lacks: left out.
        assert_eq!(compiled.checks.len(), 1, "{edition:?}");
        assert!(compiled.checks[0].in_force);
    }
    // Pinned to base_next but naming nothing there: an error when run there.
    let bad = Source::new(
        "t.scenario",
        "scenario \"s\" for local:\n  expect abuse_known = true under base_next\n",
    );
    let s = &cspr::syntax::parse_scenarios(&bad).expect("parses")[0];
    let program = checked(Some("base_next"));
    let shown =
        render(&scenario::compile_among(s, &program, &bad, &editions()).expect_err("no such rule"));
    assert!(shown.contains("did you mean `abuse_is_known`?"), "{shown}");
}

#[test]
fn the_regression_compare_lists_changed_values_and_failures_on_the_edition() {
    let source = Source::new(
        "t.scenario",
        "scenario \"s\" for local:
  given child_died = true, abuse_or_neglect = known, la_aware_on = 2024-03-04
  expect serious = true
  expect notify due 2024-03-11
  expect notify due 2024-03-18 under base_next
",
    );
    let s = &cspr::syntax::parse_scenarios(&source).expect("parses")[0];
    let (old, new) = (checked(None), checked(Some("base_next")));
    let (old_engine, new_engine) = (Engine::new(&old), Engine::new(&new));
    let before = run_on(&old_engine, s, &source, &editions());
    let after = run_on(&new_engine, s, &source, &editions());
    assert!(before.passed() && after.passed());
    assert_eq!(
        (before.edition.as_str(), after.edition.as_str()),
        ("base", "base_next")
    );
    let rows = compare(s, &before, &after);
    // `serious` is unchanged; both due-date lines changed value, and are pinned.
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert!(row.changed && row.pinned() && !row.fails_after());
        let b = row.before.as_ref().expect("before");
        let a = row.after.as_ref().expect("after");
        assert_eq!(
            (b.actual.as_str(), a.actual.as_str()),
            ("due 2024-03-11", "due 2024-03-18")
        );
    }

    // Without the pin, the unpinned line fails on base_next.
    let unpinned = Source::new(
        "t.scenario",
        source
            .text
            .replace("  expect notify due 2024-03-18 under base_next\n", ""),
    );
    let s = &cspr::syntax::parse_scenarios(&unpinned).expect("parses")[0];
    let before = run_on(&old_engine, s, &unpinned, &editions());
    let after = run_on(&new_engine, s, &unpinned, &editions());
    assert!(before.passed() && !after.passed());
    let rows = compare(s, &before, &after);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].changed && !rows[0].pinned() && rows[0].fails_after());
    assert_eq!(rows[0].expected, "due 2024-03-11");
}

#[test]
fn rebase_changes_the_extends_name_and_nothing_else() {
    let source = Source::new("local.policy", PROCEDURE);
    let rebased = rebase(&source, &TestModules, "base_next").expect("rebases");
    assert!(!rebased.checked.has_errors());
    assert_eq!(
        rebased.text,
        PROCEDURE.replace("extends base ", "extends base_next ")
    );
    let program = rebased.checked.program.expect("checks");
    assert_eq!(program.modules[0].id, "base_next");
    // The rebased text checks on its own, as the same procedure.
    let again = cspr::check::check(&Source::new("local.policy", rebased.text), &TestModules);
    assert!(again.program.is_some(), "{}", render(&again.problems));
}

#[test]
fn what_cannot_be_rebased_is_refused() {
    let base = std::fs::read_to_string(root().join("tests/check/lib/base.policy")).expect("base");
    let shown = render(
        &rebase(&Source::new("base.policy", base), &TestModules, "base_next")
            .expect_err("guidance"),
    );
    assert!(shown.contains("is guidance itself"), "{shown}");
    let alone = "procedure alone \"No extends\"\n";
    let shown = render(
        &rebase(
            &Source::new("alone.policy", alone),
            &TestModules,
            "base_next",
        )
        .expect_err("no extends"),
    );
    assert!(shown.contains("extends no guidance"), "{shown}");
    let unknown = rebase(
        &Source::new("local.policy", PROCEDURE),
        &TestModules,
        "base_nxt",
    )
    .expect_err("unknown edition");
    assert!(render(&unknown).contains("did you mean `base_next`?"));
}

#[test]
fn a_rebased_evaluation_names_its_edition_in_json() {
    use cspr::report::JsonWriter;
    let json = r#"{"child_died": true, "abuse_or_neglect": "known", "la_aware_on": "2024-03-28"}"#;
    let as_of = cspr::case::parse_date("2024-04-01").expect("date");
    for (edition, named) in [
        (None, None),
        (
            Some("base_next"),
            Some(r#""rebased_onto":{"id":"base_next","version":"2023-12-15"}"#),
        ),
    ] {
        let p = checked(edition);
        let e = crate::common::eval(&p, json);
        let mut fast = String::new();
        JsonWriter::new(&p).write(&p, &e, as_of, &mut fast);
        let parsed: serde_json::Value = serde_json::from_str(&fast).expect("valid JSON");
        assert_eq!(parsed["procedure"]["id"], "local");
        match named {
            Some(field) => assert!(fast.contains(field), "{fast}"),
            None => assert!(!fast.contains("rebased_onto"), "{fast}"),
        }
    }
}

#[test]
fn rebasing_onto_an_earlier_edition_is_said() {
    let text = PROCEDURE.replace("extends base ", "extends base_next ");
    let source = Source::new("local.policy", text.as_str());
    let rebased = rebase(&source, &TestModules, "base").expect("rebases");
    assert!(!rebased.checked.has_errors());
    let shown = render(&rebased.checked.problems);
    assert!(
        shown.contains("`base` (version 2018-07-04) is an earlier edition than `base_next` (version 2023-12-15)"),
        "{shown}"
    );
    // Forwards, nothing is said.
    let forwards = rebase(
        &Source::new("local.policy", PROCEDURE),
        &TestModules,
        "base_next",
    )
    .expect("rebases");
    assert!(forwards.checked.problems.is_empty());
}
