//! Bad input never panics: random and mutated policy text and case files go through
//! every stage, and each input that once crashed cspr is kept below as a regression.

use cspr::check::check;
use cspr::diagnostic::Source;
use cspr::eval::{Case, Engine};
use proptest::prelude::*;

use crate::common::{TestModules, root};

/// Run every stage on a policy text: check, then evaluate an empty case and explain it.
fn run_policy(text: &str) {
    let checked = check(&Source::new("fuzz.policy", text), &TestModules);
    if let Some(p) = checked.program {
        let engine = Engine::new(&p);
        if let Ok(e) = engine.evaluate(&Case::empty(&p)) {
            for r in cspr::eval::explain::top_level(&p) {
                let node = cspr::eval::explain::Explainer::new(&p, &e).rule(r);
                let _ = cspr::eval::explain::render(&p, &node);
            }
        }
    }
}

fn national() -> String {
    std::fs::read_to_string(root().join("policies/working-together-2018.policy"))
        .unwrap_or_default()
}

/// Snap a byte offset down to a character boundary.
fn boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

const TOKENS: &[&str] = &[
    "guidance",
    "procedure",
    "g",
    "\"t\"",
    "version",
    "2024-02-30",
    "2024-03-04T25:00",
    "extends",
    "source",
    "S",
    "=",
    "fact",
    "f",
    ":",
    "bool",
    "a | b",
    "set of",
    "ask",
    "rule",
    "r",
    "cite",
    "S \"1\"",
    "default",
    "exception",
    "when",
    "decision",
    "otherwise",
    "duty",
    "must",
    "within",
    "5",
    "working days",
    "after",
    "at least",
    "before",
    "for",
    "hours",
    "months",
    "override",
    "and",
    "or",
    "not",
    "in",
    "{a, b}",
    "(",
    ")",
    "<",
    "!=",
    "true",
    "99999999999999999999",
    "-",
    "#",
    "\n",
    " ",
    "\"",
    "\\",
    "é",
];

proptest! {
    // 300 cases each in the test suite; PROPTEST_CASES=N runs a longer fuzzing session.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_token_soup_never_panics(tokens in proptest::collection::vec(0..TOKENS.len(), 0..60)) {
        let text: String = tokens.iter().map(|i| TOKENS[*i]).collect::<Vec<_>>().join(" ");
        run_policy(&format!("guidance g \"t\"\nsource S = \"s\"\n{text}"));
        run_policy(&text);
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        run_policy(&text);
    }

    #[test]
    fn mutated_national_module_never_panics(start in 0usize..20_000, len in 0usize..40, insert in 0..TOKENS.len()) {
        let text = national();
        let a = boundary(&text, start);
        let b = boundary(&text, a + len);
        let mut mutated = text.clone();
        mutated.replace_range(a..b, TOKENS[insert]);
        run_policy(&mutated);
    }

    #[test]
    fn random_cases_never_panic(pairs in proptest::collection::vec((0usize..40, 0usize..8), 0..20)) {
        let checked = check(&Source::new("wt18", national()), &TestModules);
        let Some(p) = checked.program else { panic!("the national module does not check") };
        let values = ["true", "false", "\"known\"", "\"in_area\"", "\"2024-03-04\"", "\"2024-03-04T09:00\"", "[\"police_custody\"]", "null"];
        let body: Vec<String> = pairs
            .iter()
            .filter_map(|(f, v)| p.facts.get(*f).map(|fact| format!("\"{}\": {}", fact.name, values[*v])))
            .collect();
        let text = format!("{{{}}}", body.join(", "));
        if let Ok(case) = cspr::case::parse(&p, &Source::new("c.json", text), cspr::case::Format::Json) {
            let _ = Engine::new(&p).evaluate(&case);
        }
    }

}

proptest! {
    // Each case runs every stage under four procedures: 60 cases in the test suite
    // (a few seconds); PROPTEST_CASES=N runs a longer session.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(60),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Well-typed random cases, dates from 2014 (before the calendar) to 2021 among them,
    /// under every shipped procedure: evaluated, explained and rendered every way, with
    /// the missing facts unknown and the two JSON writers identical.
    #[test]
    fn random_typed_cases_under_every_shipped_procedure(
        picks in proptest::collection::vec((0usize..200, 0u32..100_000), 1..30),
        as_of in 0i64..3000,
    ) {
        let as_of = chrono::NaiveDate::from_ymd_opt(2015, 6, 1).unwrap() + chrono::Duration::days(as_of);
        for p in shipped() {
            let mut facts = serde_json::Map::new();
            for (f, pick) in &picks {
                let fact = &p.facts[f % p.facts.len()];
                facts.insert(fact.name.clone(), typed_value(p, fact.ty, *pick));
            }
            let text = serde_json::Value::Object(facts).to_string();
            let case = cspr::case::parse(p, &Source::new("c.json", text), cspr::case::Format::Json);
            let case = case.unwrap_or_else(|e| panic!("a well-typed case was refused: {e:?}"));
            prop_assert!(case.facts().iter().any(Option::is_some));
            let Ok(e) = Engine::new(p).evaluate(&case) else { continue };
            for o in e.outcomes.iter().map(|o| &o.missing).chain(e.duties.iter().map(|d| &d.missing)) {
                prop_assert!(o.iter().all(|f| e.facts[*f].is_none()), "a missing fact is given");
            }
            for r in 0..p.rules.len() {
                let tree = cspr::eval::explain::Explainer::new(p, &e).rule(r);
                let _ = cspr::eval::explain::render(p, &tree);
            }
            for d in 0..p.duties.len() {
                let tree = cspr::eval::explain::Explainer::new(p, &e).duty(d);
                let _ = cspr::eval::explain::render(p, &tree);
            }
            let _ = cspr::report::eval_text(p, &e, as_of);
            let json = cspr::report::eval_json(p, &e, as_of);
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&json);
            prop_assert!(parsed.is_ok(), "not JSON: {}", json);
            let _ = cspr::report::timeline::timeline_text(p, &e, as_of);
            let _ = cspr::report::timeline::timeline_json(p, &e, as_of);
            let _ = cspr::report::timeline::timeline_ics(p, &e, as_of);
        }
    }
}

/// The shipped procedures, checked once.
fn shipped() -> &'static [cspr::check::Program] {
    static PROGRAMS: std::sync::OnceLock<Vec<cspr::check::Program>> = std::sync::OnceLock::new();
    PROGRAMS.get_or_init(|| {
        cspr::builtin::MODULES
            .iter()
            .filter_map(|m| check(&m.source(), &cspr::builtin::Builtins).program)
            .collect()
    })
}

/// A value of type `ty` chosen by `pick`, as a case file writes it.
fn typed_value(p: &cspr::check::Program, ty: cspr::value::Type, pick: u32) -> serde_json::Value {
    use cspr::value::Type;
    let date = |n: u32| {
        chrono::NaiveDate::from_ymd_opt(2014, 6, 1).unwrap()
            + chrono::Duration::days(i64::from(n % 2500))
    };
    match ty {
        Type::Bool => pick.is_multiple_of(2).into(),
        Type::Integer => (i64::from(pick % 40) - 5).into(),
        Type::Date => date(pick).format("%Y-%m-%d").to_string().into(),
        Type::DateTime => format!(
            "{}T{:02}:{:02}",
            date(pick / 1440).format("%Y-%m-%d"),
            (pick / 60) % 24,
            pick % 60
        )
        .into(),
        Type::Text => format!("text {pick}").into(),
        Type::Enum(e) => {
            let vs = &p.enums[e].variants;
            vs[pick as usize % vs.len()].clone().into()
        }
        Type::Set(e) => p.enums[e]
            .variants
            .iter()
            .enumerate()
            .filter(|(i, _)| (pick >> (i % 32)) & 1 == 1)
            .map(|(_, v)| serde_json::Value::from(v.clone()))
            .collect::<Vec<_>>()
            .into(),
    }
}

/// Inputs that crashed cspr once, kept so they never do again.
#[test]
fn found_crashes() {
    for text in [
        // Empty and whitespace-only files.
        "",
        "   \n# only a comment\n",
        // A number too large for the deadline counter.
        "guidance g \"t\"\nsource S = \"s\"\nfact d: date ask \"d\"\nduty x cite S \"1\": a must \"b\" within 99999999999 days after d",
        // Deep nesting of parentheses and `not`s.
        &format!(
            "guidance g \"t\"\nsource S = \"s\"\nfact x: bool\nrule r cite S \"1\": {}x{}",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
        &format!(
            "guidance g \"t\"\nsource S = \"s\"\nfact x: bool\nrule r cite S \"1\": {}x",
            "not ".repeat(10_000)
        ),
        // A multi-byte character right after an error.
        "guidance é",
    ] {
        run_policy(text);
    }
}

#[test]
fn a_long_chain_of_rules_is_an_error_not_a_stack_overflow() {
    // Declared in either order: each rule before or after the rule it uses.
    for forwards in [true, false] {
        let mut text = String::from("guidance g \"t\"\nsource S = \"s\"\nfact x: bool ask \"x\"\n");
        for i in 0..2000 {
            let body = if i == 0 {
                "x".to_string()
            } else {
                format!("r{}", i - 1)
            };
            let (name, body) = if forwards {
                (format!("r{i}"), body)
            } else {
                (format!("r{i}"), format!("r{}", i + 1))
            };
            let body = if !forwards && i == 1999 {
                "x".to_string()
            } else {
                body
            };
            text.push_str(&format!("rule {name} cite S \"1\": {body}\n"));
        }
        let checked = check(&Source::new("chain.policy", text), &TestModules);
        assert!(checked.has_errors(), "forwards: {forwards}");
        assert!(
            checked
                .problems
                .iter()
                .any(|p| p.message.contains("more than 100 deep")),
            "forwards: {forwards}"
        );
    }
}
