//! Scenario tests (`cspr test`): each kind of expectation passes when the procedure does
//! what it says and fails, with expected and actual, when it does not; bad scenarios are
//! located errors; coverage counts what was exercised and nothing else.

use cspr::diagnostic::Source;
use cspr::eval::Engine;
use cspr::scenario::coverage::Coverage;
use cspr::scenario::{self, Failure, Ran};

use crate::common::{program, render};

/// A small procedure with a plain rule, a rule with an exception, a decision and duties.
const POLICY: &str = r#"
procedure small "A small procedure for scenario tests" version 2024-01-10 extends base
  calendar england_and_wales
source P = "Small procedure"
actor business_manager "Business manager"
fact in_custody: bool ask "Was the child in custody?"
fact review_decided_on: date ask "When was the review decided?"
fact notified_on: date ask "When were they told?"
rule review_required cite P "1.1":
  default serious
  exception cite P "1.2": true when child_died and in_custody
decision route cite P "1.3":
  full when review_required cite P "1.3(a)"
  otherwise none cite P "1.3(b)"
duty tell cite P "1.4":
  business_manager must "tell them"
  when review_required
  within 5 working days after review_decided_on
  done notified_on
"#;

/// Run the scenarios of `text` under the small procedure: each scenario's failures.
fn run(text: &str) -> Vec<Vec<Failure>> {
    let (results, _) = run_with_coverage(text);
    results
}

fn run_with_coverage(text: &str) -> (Vec<Vec<Failure>>, Coverage) {
    let program = program(POLICY);
    let engine = Engine::new(&program);
    let source = Source::new("t.scenario", text);
    let scenarios = cspr::syntax::parse_scenarios(&source)
        .unwrap_or_else(|p| panic!("does not parse:\n{}", render(&p)));
    let mut coverage = Coverage::new();
    coverage.register(&program);
    let results = scenarios
        .iter()
        .map(|s| {
            let compiled = scenario::compile(s, &program, &source)
                .unwrap_or_else(|p| panic!("does not compile:\n{}", render(&p)));
            match scenario::run(&engine, &compiled) {
                Ran::Evaluated(eval, failures) => {
                    coverage.record(&program, &eval);
                    failures
                }
                Ran::Error(p) => panic!("evaluation failed: {}", render(&[p])),
            }
        })
        .collect();
    (results, coverage)
}

/// The problems compiling the scenarios of `text` give, rendered.
fn compile_errors(text: &str) -> String {
    let program = program(POLICY);
    let source = Source::new("t.scenario", text);
    let scenarios = match cspr::syntax::parse_scenarios(&source) {
        Ok(s) => s,
        Err(p) => return render(&p),
    };
    let mut out = String::new();
    for s in &scenarios {
        if let Err(p) = scenario::compile(s, &program, &source) {
            out += &render(&p);
        }
    }
    out
}

const CUSTODY: &str = "given child_died = true, abuse_or_neglect = not_suspected, in_custody = true, review_decided_on = 2024-03-04";

#[test]
fn every_kind_of_expectation_passes_when_it_holds() {
    let failures = run(&format!(
        r#"
# a comment
scenario "custody death: review by exception, told on time" for small:
  as of 2024-03-20
  {CUSTODY}
  given notified_on = 2024-03-08
  expect serious = false
  expect review_required = true
  expect route = full
  expect tell applies
  expect tell due 2024-03-11
  expect tell status met
  expect notify does not apply
  expect missing {{}}

scenario "nothing known" for small:
  expect review_required undetermined
  expect review_required undetermined missing {{child_died, abuse_or_neglect, in_custody}}
  expect tell undetermined missing {{child_died, abuse_or_neglect, in_custody}}
  expect missing {{in_custody, abuse_or_neglect, child_died}}
"#
    ));
    assert_eq!(failures.len(), 2);
    for f in &failures {
        assert!(f.is_empty(), "unexpected failures: {f:?}");
    }
}

#[test]
fn each_wrong_expectation_fails_with_expected_and_actual() {
    let failures = run(&format!(
        r#"
scenario "all wrong" for small:
  as of 2024-03-12
  {CUSTODY}
  expect review_required = false
  expect route = none
  expect tell does not apply
  expect tell due 2024-03-12
  expect tell status pending
  expect notify applies
  expect serious undetermined
  expect missing {{la_aware_on}}
"#
    ));
    let got: Vec<(String, String)> = failures[0]
        .iter()
        .map(|f| (f.expected.clone(), f.actual.clone()))
        .collect();
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        got,
        pairs(&[
            ("false", "true"),
            ("none", "full"),
            ("does not apply", "applies"),
            ("due 2024-03-12", "due 2024-03-11"),
            ("status pending as of 2024-03-12", "status overdue"),
            ("applies", "does not apply"),
            ("undetermined", "false"),
            ("missing {la_aware_on}", "missing {}"),
        ])
    );
}

#[test]
fn a_missing_set_must_match_exactly() {
    let failures = run(r#"
scenario "too few" for small:
  expect review_required undetermined missing {child_died}
"#);
    assert_eq!(failures[0].len(), 1);
    assert_eq!(
        failures[0][0].actual,
        "undetermined, missing {child_died, abuse_or_neglect, in_custody}"
    );
}

#[test]
fn coverage_counts_what_was_exercised() {
    let (_, coverage) = run_with_coverage(&format!(
        r#"
scenario "custody" for small:
  {CUSTODY}
"#
    ));
    // Only the module the scenarios ran under is reported, not the `base` it extends.
    let modules = coverage.modules();
    let names: Vec<&str> = modules.iter().map(|m| m.module.as_str()).collect();
    assert_eq!(names, ["small"]);
    let small = modules
        .into_iter()
        .find(|m| m.module == "small")
        .expect("the procedure is registered");
    let gaps: Vec<&str> = small.uncovered.iter().map(|i| i.what.as_str()).collect();
    // The exception and the first branch were taken and the duty applied with a due
    // date; the default, `otherwise` and "does not apply" were not.
    assert_eq!(
        gaps,
        [
            "rule review_required: default",
            "decision route: otherwise none",
            "duty tell: does not apply",
        ]
    );
    assert_eq!(small.total, 7);
    assert!(!coverage.is_complete());
}

#[test]
fn an_exception_whose_condition_is_unknown_is_not_exercised() {
    // Serious, so the default says true; whether the custody exception applies is unknown,
    // but it would say true as well. The value is the default's, so the default counts;
    // the exception was never found to apply, so it does not.
    let (failures, coverage) = run_with_coverage(
        r#"
scenario "known abuse, custody unknown" for small:
  given child_died = true, abuse_or_neglect = known
  expect review_required = true
  expect route = full
"#,
    );
    assert!(failures[0].is_empty(), "{:?}", failures[0]);
    let small = coverage
        .modules()
        .into_iter()
        .find(|m| m.module == "small")
        .expect("registered");
    let gaps: Vec<&str> = small.uncovered.iter().map(|i| i.what.as_str()).collect();
    assert!(!gaps.contains(&"rule review_required: default"), "{gaps:?}");
    assert!(
        gaps.contains(&"rule review_required: exception 1 (P 1.2)"),
        "{gaps:?}"
    );
    assert!(!gaps.contains(&"decision route: branch full"), "{gaps:?}");
}

#[test]
fn bad_scenarios_are_located_errors() {
    let out = compile_errors(
        r#"
scenario "typos" for small:
  given child_dyed = true, abuse_or_neglect = suspectd, in_custody = 3
  given in_custody = true
  expect tell = true
  expect tell status pending
  expect serious applies
  expect route = partial
  expect missing {nobody}
"#,
    );
    for needle in [
        "`child_dyed` is not a fact of `small`",
        "did you mean `child_died`?",
        "`suspectd` is not a value of `abuse_or_neglect`",
        "`in_custody` is bool; this is not a value of that type",
        "`in_custody` is given twice",
        "`tell` is a duty: it applies or not, it has no value",
        "a status is judged on a day",
        "`serious` is not a duty",
        "`partial` is not a value of `route`",
        "`nobody` is not a fact of `small`",
        "t.scenario:3:",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
}

#[test]
fn syntax_errors_in_several_scenarios_are_all_reported() {
    let out = compile_errors(
        r#"
scenario "one" for small:
  expect tell applys
scenario "two" for small:
  expect tell due tomorrow
scenario "three" for small:
  given child_died = true
"#,
    );
    assert!(out.contains("t.scenario:3:"), "{out}");
    assert!(out.contains("t.scenario:5:"), "{out}");
    assert!(!out.contains("t.scenario:7:"), "{out}");
}

#[test]
fn a_bad_date_in_a_scenario_is_an_error() {
    let out = compile_errors(
        r#"
scenario "leap" for small:
  given review_decided_on = 2023-02-29
"#,
    );
    assert!(out.contains("`2023-02-29` is not a real date"), "{out}");
}
