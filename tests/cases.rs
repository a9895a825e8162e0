//! Case files: every bad key or value is an error naming the key, the file and (for
//! JSON Lines) the line; nothing is dropped silently.

use cspr::case::{Format, parse, parse_lines};
use cspr::diagnostic::Source;

use crate::common::{program, render};

const MODEL: &str = r#"
guidance model "A small case model"
source T = "Tests"
fact child_died: bool ask "Has the child died?"
fact abuse_or_neglect: known | suspected | not_suspected ask "Abuse or neglect?"
fact la_aware_on: date ask "When did the LA become aware?"
fact decided_at: date-time ask "When was it decided?"
fact agencies: set of police | health ask "Which agencies?"
fact count: integer ask "How many?"
rule r cite T "1": child_died and abuse_or_neglect = known and la_aware_on < 2030-01-01 and count > 0 and police in agencies and decided_at > 2020-01-01T00:00
"#;

fn errors(text: &str, format: Format) -> String {
    let p = program(MODEL);
    match parse(&p, &Source::new("case.json", text), format) {
        Ok(_) => String::new(),
        Err(problems) => render(&problems),
    }
}

#[test]
fn a_good_case_in_json_and_toml() {
    let p = program(MODEL);
    let json = r#"{"case_id": "C-1", "child_died": true, "abuse_or_neglect": "known", "la_aware_on": "2024-03-04",
                 "decided_at": "2024-03-05T09:30", "agencies": ["police"], "count": 2}"#;
    let toml = "case_id = \"C-1\"\nchild_died = true\nabuse_or_neglect = \"known\"\nla_aware_on = 2024-03-04\n\
                decided_at = 2024-03-05T09:30:00\nagencies = [\"police\"]\ncount = 2\n";
    let a = parse(&p, &Source::new("c.json", json), Format::Json).expect("json case");
    let b = parse(&p, &Source::new("c.toml", toml), Format::Toml).expect("toml case");
    assert_eq!(a, b);
    assert_eq!(a.id.as_deref(), Some("C-1"));
    assert!(a.facts().iter().all(Option::is_some));
}

#[test]
fn absent_and_null_are_unknown() {
    let p = program(MODEL);
    let c = parse(
        &p,
        &Source::new("c.json", r#"{"child_died": null}"#),
        Format::Json,
    )
    .expect("case");
    assert!(c.facts().iter().all(Option::is_none));
}

#[test]
fn an_unknown_key_names_the_key_and_suggests() {
    let out = errors(r#"{"child_dyed": true}"#, Format::Json);
    assert!(
        out.contains("`child_dyed` is not a fact of `model`"),
        "{out}"
    );
    assert!(out.contains("did you mean `child_died`?"), "{out}");
    assert!(out.contains("case.json:1:2"), "located at the key: {out}");
}

#[test]
fn a_rule_name_is_not_a_fact() {
    let out = errors(r#"{"r": true}"#, Format::Json);
    assert!(
        out.contains("`r` is worked out by `model`, not a fact to give"),
        "{out}"
    );
}

#[test]
fn wrong_types_bad_values_and_bad_dates() {
    let out = errors(
        r#"{"child_died": "yes", "abuse_or_neglect": "suspectd", "la_aware_on": "2024-02-30", "decided_at": "2024-03-05", "agencies": ["army"], "count": 1.5}"#,
        Format::Json,
    );
    for expected in [
        "`child_died` must be bool, not a string",
        "`abuse_or_neglect` has `suspectd`, which is not one of its values (did you mean `suspected`?)",
        "`la_aware_on` has `2024-02-30`, which is not a real date (YYYY-MM-DD)",
        "`decided_at` has `2024-03-05`, which is not a real date-time",
        "`agencies` lists `army`, which is not one of its values",
        "`count` must be a whole number, not `1.5`",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[test]
fn malformed_json_is_located() {
    let out = errors("{\n  \"child_died\": tru\n}", Format::Json);
    assert!(out.contains("the case is not valid JSON"), "{out}");
    assert!(out.contains("╭─[case.json:"), "located in the file: {out}");
    let out = errors("[1, 2]", Format::Json);
    assert!(out.contains("a case must be an object"), "{out}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "{{\"count\": {}1{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(errors(&deep, Format::Json).contains("not valid JSON"));
    let deep = format!("count = {}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(errors(&deep, Format::Toml).contains("nests more than"));
}

#[test]
fn json_lines_name_the_line() {
    let p = program(MODEL);
    let source = Source::new(
        "batch.jsonl",
        "{\"child_died\": true}\n\n{\"child_died\": 3}\n{\"case_id\": \"C-4\"}\n",
    );
    let results: Vec<_> = parse_lines(&p, &source).collect();
    assert_eq!(results.len(), 3, "blank lines are skipped");
    assert_eq!(results[0].0, 1);
    assert!(results[0].1.is_ok());
    assert_eq!(results[1].0, 3);
    let problems = results[1].1.as_ref().expect_err("line 3 is bad");
    assert!(
        render(problems).contains("batch.jsonl:3:2"),
        "{}",
        render(problems)
    );
    assert_eq!(
        results[2]
            .1
            .as_ref()
            .ok()
            .and_then(|c| c.id.clone())
            .as_deref(),
        Some("C-4")
    );
}

#[test]
fn malformed_toml_is_located() {
    let out = errors("child_died = \n", Format::Toml);
    assert!(out.contains("not valid TOML"), "{out}");
}

#[test]
fn a_key_given_twice_is_an_error_not_a_silent_choice() {
    let out = errors(r#"{"child_died": true, "child_died": false}"#, Format::Json);
    assert!(out.contains("`child_died` is given twice"), "{out}");
}

/// A case is tied to the program it was read for: another program's engine refuses it
/// with a clear error (it used to index out of bounds), even one checked from the same text.
#[test]
fn a_case_is_evaluated_only_by_its_own_program() {
    use cspr::eval::Engine;
    let small = program(MODEL);
    let national = crate::common::program_file("policies/working-together-2018.policy");
    let case = parse(
        &small,
        &Source::new("c.json", r#"{"child_died": true, "count": 3}"#),
        Format::Json,
    )
    .expect("case");
    let err = Engine::new(&national).evaluate(&case).expect_err("refused");
    assert!(
        err.to_string().contains("built for another procedure"),
        "{err}"
    );
    let again = program(MODEL);
    assert!(Engine::new(&again).evaluate(&case).is_err());
    assert!(Engine::new(&small).evaluate(&case).is_ok());
}

/// Setting a fact checks the program and the value's type.
#[test]
fn set_checks_program_fact_and_type() {
    use cspr::eval::{Case, SetError};
    use cspr::value::Value;
    let p = program(MODEL);
    let other = program(MODEL);
    let mut case = Case::empty(&p);
    let died = p.fact_named("child_died").expect("fact");
    let count = p.fact_named("count").expect("fact");
    assert_eq!(case.set(&p, died, Some(Value::Bool(true))), Ok(None));
    assert_eq!(case.get(died), Some(&Value::Bool(true)));
    assert!(matches!(
        case.set(&p, count, Some(Value::Bool(true))),
        Err(SetError::WrongType { .. })
    ));
    assert_eq!(case.set(&other, died, None), Err(SetError::WrongProgram));
    assert_eq!(case.set(&p, 999, None), Err(SetError::NoSuchFact(999)));
    assert_eq!(case.set(&p, died, None), Ok(Some(Value::Bool(true))));
}

/// A case carried to another procedure keeps every fact and value both know by name, and
/// lists the rest.
#[test]
fn translate_carries_facts_by_name_and_lists_what_did_not_carry() {
    let from = program(MODEL);
    let to = program(
        r#"
guidance other "Another model"
source T = "Tests"
fact child_died: bool ask "Has the child died?"
fact abuse_or_neglect: known | suspected ask "Abuse or neglect?"
fact agencies: set of health | police | education ask "Which agencies?"
fact count: text ask "How many, in words?"
rule r cite T "1": child_died and abuse_or_neglect = known and police in agencies and count = "two"
"#,
    );
    let case = parse(
        &from,
        &Source::new(
            "c.json",
            r#"{"case_id": "C-9", "child_died": true, "abuse_or_neglect": "not_suspected",
                "agencies": ["police", "health"], "count": 2, "la_aware_on": "2024-03-04"}"#,
        ),
        Format::Json,
    )
    .expect("case");
    let (moved, lost) = case.translate(&from, &to);
    assert_eq!(moved.id.as_deref(), Some("C-9"));
    let named = |n: &str| moved.get(to.fact_named(n).expect("fact")).cloned();
    assert_eq!(named("child_died"), Some(cspr::value::Value::Bool(true)));
    // `{police, health}` is bits 1 and 0 in the new enumeration's order.
    assert_eq!(named("agencies"), Some(cspr::value::Value::Set(0b11)));
    assert_eq!(named("abuse_or_neglect"), None);
    let lost: Vec<String> = lost.iter().map(ToString::to_string).collect();
    assert_eq!(
        lost,
        [
            "`abuse_or_neglect = not_suspected`: here `abuse_or_neglect` expects one of known | suspected",
            "`la_aware_on = 2024-03-04`: not a fact of this procedure",
            "`count = 2`: here `count` expects text",
        ]
    );
    assert!(cspr::eval::Engine::new(&to).evaluate(&moved).is_ok());
}

/// A shared engine owns its program: a front end keeps it and lends engines that agree
/// with a fresh one.
#[test]
fn a_shared_engine_evaluates_as_a_fresh_one() {
    use cspr::eval::{Engine, Shared};
    let p = std::sync::Arc::new(crate::common::program_file("policies/lincolnshire.policy"));
    let shared = Shared::new(p.clone());
    let text = std::fs::read_to_string(
        crate::common::root().join("policies/examples/lincolnshire-incomplete.json"),
    )
    .expect("example");
    let case = parse(&p, &Source::new("c.json", text), Format::Json).expect("case");
    let a = shared.engine().evaluate(&case).expect("eval");
    let b = Engine::new(&p).evaluate(&case).expect("eval");
    assert_eq!(a.outcomes, b.outcomes);
    assert_eq!(a.duties, b.duties);
    assert!(!a.missing.is_empty());
}

/// One case file, many procedures: a key another procedure declares is passed over and
/// returned with the procedures that declare it; a key none declares stays an error, its
/// suggestion drawn from every procedure's facts.
#[test]
fn a_case_for_many_procedures() {
    let p = program(MODEL);
    let other = program(
        "guidance elsewhere \"Elsewhere\"\nsource T = \"T\"\nfact referrer_is_staff: bool ask \"Staff?\"\n",
    );
    let source = |text: &str| Source::new("case.json", text);
    let (case, not_used) = cspr::case::parse_among(
        &p,
        &source(r#"{"child_died": true, "referrer_is_staff": false}"#),
        Format::Json,
        &[&other],
    )
    .unwrap();
    assert_eq!(
        not_used,
        vec![cspr::case::NotUsed {
            fact: "referrer_is_staff".into(),
            facts_of: vec!["elsewhere".into()],
        }]
    );
    let Some(cspr::check::Name::Fact(f)) = p.lookup("child_died") else {
        panic!("no fact")
    };
    assert_eq!(case.get(f), Some(&cspr::value::Value::Bool(true)));
    // A typo of the other procedure's fact: an error that suggests it.
    let Err(problems) = cspr::case::parse_among(
        &p,
        &source(r#"{"referrer_is_staf": false}"#),
        Format::Json,
        &[&other],
    ) else {
        panic!("a key no procedure declares is an error")
    };
    let shown = render(&problems);
    assert!(
        shown.contains("did you mean `referrer_is_staff`?"),
        "{shown}"
    );
    // Under the procedure alone (as `--strict` reads it), the other's fact is an error.
    assert!(parse(&p, &source(r#"{"referrer_is_staff": false}"#), Format::Json).is_err());
}
