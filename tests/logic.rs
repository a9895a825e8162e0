//! The semantics of DESIGN §2: Kleene's three-valued operators, exceptions and their
//! conflicts, decisions, and the precision of `missing`.

use cspr::check::Name;
use cspr::eval::{Engine, EvalError};

use crate::common::{case, eval, missing, outcome, program};

const AB: &str = r#"
guidance logic "Truth tables"
source T = "Tests"
fact a: bool ask "a?"
fact b: bool ask "b?"
rule and_ cite T "1": a and b
rule or_ cite T "2": a or b
rule not_ cite T "3": not a
"#;

/// A case JSON giving `a` and `b` as true, false or unknown (absent).
fn ab(a: Option<bool>, b: Option<bool>) -> String {
    let mut parts = Vec::new();
    if let Some(a) = a {
        parts.push(format!("\"a\": {a}"));
    }
    if let Some(b) = b {
        parts.push(format!("\"b\": {b}"));
    }
    format!("{{{}}}", parts.join(", "))
}

fn show(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "true",
        Some(false) => "false",
        None => "undetermined",
    }
}

#[test]
fn kleene_truth_tables() {
    let p = program(AB);
    let values = [Some(true), Some(false), None];
    for a in values {
        for b in values {
            let e = eval(&p, &ab(a, b));
            let and = match (a, b) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            let or = match (a, b) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            assert_eq!(outcome(&p, &e, "and_"), show(and), "{a:?} and {b:?}");
            assert_eq!(outcome(&p, &e, "or_"), show(or), "{a:?} or {b:?}");
            assert_eq!(outcome(&p, &e, "not_"), show(a.map(|x| !x)), "not {a:?}");
        }
    }
}

#[test]
fn missing_lists_only_facts_that_can_change_the_result() {
    let p = program(AB);
    // false and unknown: settled, nothing missing.
    let e = eval(&p, &ab(Some(false), None));
    assert_eq!(missing(&p, &e, "and_"), Vec::<String>::new());
    // true and unknown: only b matters.
    let e = eval(&p, &ab(Some(true), None));
    assert_eq!(missing(&p, &e, "and_"), ["b"]);
    // both unknown: both matter.
    let e = eval(&p, &ab(None, None));
    assert_eq!(missing(&p, &e, "or_"), ["a", "b"]);
    assert_eq!(e.missing.len(), 2);
}

#[test]
fn a_value_every_answer_agrees_on_is_determined() {
    let p = program(
        r#"
guidance exact "Exactness"
source T = "Tests"
fact x: bool ask "x?"
fact y: bool ask "y?"
fact z: bool ask "z?"
rule tautology cite T "1": x or not x
rule contradiction cite T "2": x and not x
rule only_y_matters cite T "3": (x and y) or (not x and y) or z
decision route cite T "4":
  review when x
  review when not x and y
  none when true
  otherwise none
"#,
    );
    let e = eval(&p, "{}");
    assert_eq!(outcome(&p, &e, "tautology"), "true");
    assert_eq!(outcome(&p, &e, "contradiction"), "false");
    assert_eq!(outcome(&p, &e, "only_y_matters"), "undetermined");
    assert_eq!(
        missing(&p, &e, "only_y_matters"),
        ["y", "z"],
        "x cannot change the result"
    );
    // route: review if x; if not x, review iff y.
    assert_eq!(missing(&p, &e, "route"), ["x", "y"]);
    let e = eval(&p, r#"{"y": true}"#);
    assert_eq!(
        outcome(&p, &e, "route"),
        "review",
        "review whether x or not"
    );
    assert!(
        e.missing.iter().all(|f| p.facts[*f].name != "x")
            || outcome(&p, &e, "only_y_matters") == "true"
    );
}

const EXCEPTIONS: &str = r#"
guidance exceptions "Exceptions"
source T = "Tests"
fact child_died: bool ask "Died?"
fact serious: bool ask "Serious?"
fact definitive_evidence: bool ask "Definitive evidence?"
fact custody: bool ask "In custody?"
fact flag: bool ask "Flag?"
rule review cite T "8.2.5":
  default serious
  exception cite T "8.2.7": false when not child_died and definitive_evidence
  exception cite T "8.2.8": true when child_died and custody
rule clash cite T "9":
  default false
  exception cite T "9.1": true when flag
  exception cite T "9.2": false when flag and custody
"#;

#[test]
fn exceptions_outrank_the_default() {
    let p = program(EXCEPTIONS);
    let e = eval(
        &p,
        r#"{"serious": true, "child_died": false, "definitive_evidence": true}"#,
    );
    assert_eq!(
        outcome(&p, &e, "review"),
        "false",
        "8.2.7 overrides the default"
    );
    let e = eval(
        &p,
        r#"{"serious": false, "child_died": true, "custody": true}"#,
    );
    assert_eq!(
        outcome(&p, &e, "review"),
        "true",
        "8.2.8 applies even if the criteria are not met"
    );
    let e = eval(
        &p,
        r#"{"serious": true, "child_died": true, "custody": false, "definitive_evidence": false}"#,
    );
    assert_eq!(
        outcome(&p, &e, "review"),
        "true",
        "no exception: the default"
    );
}

#[test]
fn an_exception_that_may_apply_leaves_the_rule_open() {
    let p = program(EXCEPTIONS);
    // Default true; 8.2.7 (false) may apply if definitive evidence is found.
    let e = eval(&p, r#"{"serious": true, "child_died": false}"#);
    assert_eq!(outcome(&p, &e, "review"), "undetermined");
    assert_eq!(missing(&p, &e, "review"), ["definitive_evidence"]);
    // Default false and the only open exception would also give false: settled.
    let e = eval(&p, r#"{"serious": false, "child_died": false}"#);
    assert_eq!(outcome(&p, &e, "review"), "false");
}

#[test]
fn two_applicable_exceptions_with_different_values_conflict() {
    let p = program(EXCEPTIONS);
    let c = case(&p, r#"{"flag": true, "custody": true}"#);
    let err = Engine::new(&p).evaluate(&c).expect_err("a conflict");
    let EvalError::Conflict { rule, .. } = &err else {
        panic!("expected a conflict, got {err}")
    };
    assert_eq!(p.lookup("clash"), Some(Name::Rule(*rule)));
    let rendered = crate::common::render(&[err.problem().clone()]);
    assert!(rendered.contains("T 9.1 gives true"), "{rendered}");
    assert!(rendered.contains("T 9.2 gives false"), "{rendered}");
    // One applies, the other may: not a conflict yet, but not settled either.
    let e = eval(&p, r#"{"flag": true}"#);
    assert_eq!(outcome(&p, &e, "clash"), "undetermined");
    assert_eq!(missing(&p, &e, "clash"), ["custody"]);
}

#[test]
fn decisions_take_the_first_branch_that_holds() {
    let p = program(
        r#"
guidance decide "Decisions"
source T = "Tests"
fact a: bool ask "a?"
fact b: bool ask "b?"
decision route cite T "1":
  first when a
  second when b
  otherwise neither
"#,
    );
    assert_eq!(
        outcome(&p, &eval(&p, r#"{"a": true, "b": true}"#), "route"),
        "first"
    );
    assert_eq!(
        outcome(&p, &eval(&p, r#"{"a": false, "b": true}"#), "route"),
        "second"
    );
    assert_eq!(
        outcome(&p, &eval(&p, r#"{"a": false, "b": false}"#), "route"),
        "neither"
    );
    let e = eval(&p, r#"{"b": true}"#);
    assert_eq!(
        outcome(&p, &e, "route"),
        "undetermined",
        "the first branch is undecided"
    );
    assert_eq!(missing(&p, &e, "route"), ["a"]);
    let e = eval(&p, r#"{"a": true}"#);
    assert_eq!(
        outcome(&p, &e, "route"),
        "first",
        "later branches do not matter"
    );
    assert!(e.missing.is_empty());
}

#[test]
fn comparisons_dates_and_sets() {
    let p = program(
        r#"
guidance compare "Comparisons"
source T = "Tests"
fact aware: date ask "Aware on?"
fact decided: date ask "Decided on?"
fact count: integer ask "How many?"
fact place: home | school | custody ask "Where?"
fact agencies: set of police | health | education ask "Which agencies?"
rule late cite T "1": decided > aware
rule many cite T "2": count >= 2
rule institutional cite T "3": place in {school, custody}
rule police_involved cite T "4": police in agencies
rule not_home cite T "5": place != home
"#,
    );
    let e = eval(
        &p,
        r#"{"aware": "2024-03-04", "decided": "2024-03-11", "count": 2, "place": "school", "agencies": ["health"]}"#,
    );
    assert_eq!(outcome(&p, &e, "late"), "true");
    assert_eq!(outcome(&p, &e, "many"), "true");
    assert_eq!(outcome(&p, &e, "institutional"), "true");
    assert_eq!(outcome(&p, &e, "police_involved"), "false");
    assert_eq!(outcome(&p, &e, "not_home"), "true");
    let e = eval(&p, "{}");
    assert_eq!(missing(&p, &e, "late"), ["aware", "decided"]);
    assert_eq!(missing(&p, &e, "police_involved"), ["agencies"]);
}

#[test]
fn overrides_replace_the_national_rule_everywhere() {
    let p = program(
        r#"
procedure local "Local"
  version 2024-01-10
  extends base
source LOCAL = "Local"
override rule serious cite LOCAL "1.1":
  child_died
"#,
    );
    // The national duty `notify` uses `serious`, which is now the local rule.
    let e = eval(
        &p,
        r#"{"child_died": true, "abuse_or_neglect": "not_suspected"}"#,
    );
    assert_eq!(outcome(&p, &e, "serious"), "true");
    let Some(Name::Duty(d)) = p.lookup("notify") else {
        panic!("no duty")
    };
    assert_eq!(e.duties[d].applies, Some(true));
}

#[test]
fn a_branch_that_gives_the_same_value_as_otherwise_needs_no_answer() {
    let p = program(
        r#"
guidance repeat "Repeated values"
source T = "Tests"
fact a: bool ask "a?"
fact b: bool ask "b?"
decision route cite T "1":
  x when a
  y when b
  otherwise y
"#,
    );
    let e = eval(&p, "{}");
    assert_eq!(
        missing(&p, &e, "route"),
        ["a"],
        "b cannot change the result"
    );
    let e = eval(&p, r#"{"a": false}"#);
    assert_eq!(outcome(&p, &e, "route"), "y", "settled whatever b is");
}
