//! Unreachable parts checked against brute force. For random small programs over four
//! booleans and a three-valued list, every case (each fact answered or unknown) is
//! evaluated: a part the checker
//! reports unreachable is never reached by any case (sound), and a part it does not report
//! is reached by some case (exact, since every fact has few answers). With a number read
//! through comparisons the checker may prove less, never more: random cases, some facts
//! left unknown, never reach a part it reports.

use cspr::check::reach::{self, Part};
use cspr::check::{Body, Expr, Program};
use cspr::eval::kleene::{Env, Via};
use cspr::eval::{Case, Engine, Evaluation};
use cspr::value::Value;
use proptest::prelude::*;

use crate::common::program;

/// A random boolean expression over `a`..`d` and `e: x | y | z` (and `n`, with numbers).
fn expr(numbers: bool) -> impl Strategy<Value = String> {
    let mut leaves = vec![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("c".to_string()),
        Just("d".to_string()),
        Just("e = x".to_string()),
        Just("e in {y, z}".to_string()),
        Just("e != z".to_string()),
        Just("true".to_string()),
    ];
    if numbers {
        leaves.push(Just("n > 3".to_string()));
        leaves.push(Just("n < 2".to_string()));
    }
    proptest::strategy::Union::new(leaves).prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| format!("not ({x})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x}) and ({y})")),
            (inner.clone(), inner).prop_map(|(x, y)| format!("({x}) or ({y})")),
        ]
    })
}

/// A program: a plain rule, a rule with two exceptions, a decision and a duty.
fn policy(e: &[String; 7]) -> String {
    format!(
        r#"guidance prop "random"
  version 2024-01-01
source S = "s"
actor someone "Someone"
fact a: bool ask "a?"
fact b: bool ask "b?"
fact c: bool ask "c?"
fact d: bool ask "d?"
fact e: x | y | z ask "e?"
fact n: integer ask "n?"
rule r cite S "1":
  {}
rule q cite S "2":
  default r
  exception cite S "2.1": false when {}
  exception cite S "2.2": false when {}
decision k cite S "3":
  x when {} cite S "3.1"
  y when q or ({}) cite S "3.2"
  z when {} cite S "3.3"
  otherwise x cite S "3.4"
duty t cite S "4":
  someone must "act" when {}
  within 5 days after n_date
fact n_date: date ask "when?"
"#,
        e[0], e[1], e[2], e[3], e[4], e[5], e[6]
    )
}

/// Whether `eval` reaches `part`, as the scenario coverage counts it: a branch or an
/// exception only when the ones above are known not to hold, a default whenever the value
/// is the default's.
fn reached(p: &Program, eval: &Evaluation, part: Part) -> bool {
    let env = Env {
        facts: &eval.facts,
        rules: &eval.values,
    };
    let no = |w: &Expr| env.truth(w) == Some(false);
    let exceptions = |r: usize| match &p.rules[r].body {
        Body::Default { exceptions, .. } => exceptions.iter().map(|x| &x.when).collect(),
        _ => Vec::new(),
    };
    let branches = |r: usize| match &p.rules[r].body {
        Body::Decision { branches } => branches.iter().filter_map(|b| b.when.as_ref()).collect(),
        _ => Vec::new(),
    };
    let out = &eval.outcomes;
    match part {
        Part::RuleIs(r, b) => out[r].value == Some(Value::Bool(b)),
        Part::Default(r) => out[r].via == Via::Default && out[r].value.is_some(),
        Part::Exception(r, i) => {
            out[r].via == Via::Exception(i) && exceptions(r).into_iter().take(i).all(no)
        }
        Part::Branch(r, i) => {
            out[r].via == Via::Branch(i) && branches(r).into_iter().take(i).all(no)
        }
        Part::Applies(d, b) => eval.duties[d].applies == Some(b),
        Part::Due(d) => eval.duties[d].due.is_some(),
    }
}

/// Every part of the program (what coverage would list).
fn parts(p: &Program) -> Vec<Part> {
    let r = |n: &str| match p.lookup(n) {
        Some(cspr::check::Name::Rule(r)) => r,
        _ => panic!("no rule {n}"),
    };
    let (rr, q, k) = (r("r"), r("q"), r("k"));
    let mut out = vec![
        Part::RuleIs(rr, true),
        Part::RuleIs(rr, false),
        Part::Default(q),
        Part::Exception(q, 0),
        Part::Exception(q, 1),
    ];
    out.extend((0..4).map(|i| Part::Branch(k, i)));
    out.extend([
        Part::Applies(0, true),
        Part::Applies(0, false),
        Part::Due(0),
    ]);
    out
}

/// Evaluate a case giving each fact listed (`None`: left unknown); a conflict reaches nothing.
fn evaluate(
    p: &Program,
    engine: &Engine<'_>,
    bools: [Option<bool>; 4],
    e: Option<u8>,
    n: Option<i64>,
) -> Option<Evaluation> {
    let mut case = Case::empty(p);
    for (name, b) in ["a", "b", "c", "d"].iter().zip(bools) {
        case.set(p, p.fact_named(name)?, b.map(Value::Bool)).ok()?;
    }
    case.set(p, p.fact_named("e")?, e.map(Value::Enum)).ok()?;
    case.set(p, p.fact_named("n")?, n.map(Value::Int)).ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(2024, 3, 4).map(Value::Date);
    case.set(p, p.fact_named("n_date")?, date).ok()?;
    engine.evaluate(&case).ok()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(150),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn unreachable_exactly_when_no_case_reaches_it(e in [expr(false), expr(false), expr(false), expr(false), expr(false), expr(false), expr(false)]) {
        let p = program(&policy(&e));
        let engine = Engine::new(&p);
        let dead: Vec<Part> = reach::unreachable(&p).into_iter().map(|u| u.part).collect();
        let mut hit = vec![false; parts(&p).len()];
        // Every case: each fact answered or left unknown (a default counts in a case that
        // leaves open an exception giving its value, though no complete case takes it).
        for code in 0..81u32 {
            for ev in [None, Some(0u8), Some(1), Some(2)] {
                let bools = std::array::from_fn(|i| match code / 3u32.pow(i as u32) % 3 {
                    0 => None,
                    t => Some(t == 2),
                });
                let Some(eval) = evaluate(&p, &engine, bools, ev, Some(0)) else { continue };
                for (i, part) in parts(&p).into_iter().enumerate() {
                    hit[i] |= reached(&p, &eval, part);
                }
            }
        }
        for (i, part) in parts(&p).into_iter().enumerate() {
            prop_assert_eq!(dead.contains(&part), !hit[i], "{:?} in\n{}", part, policy(&e));
        }
    }

    #[test]
    fn no_case_reaches_a_part_reported_unreachable(
        e in [expr(true), expr(true), expr(true), expr(true), expr(true), expr(true), expr(true)],
        cases in proptest::collection::vec(
            ([proptest::option::of(any::<bool>()), proptest::option::of(any::<bool>()),
              proptest::option::of(any::<bool>()), proptest::option::of(any::<bool>())],
             proptest::option::of(0u8..3), proptest::option::of(-1i64..7)),
            40),
    ) {
        let p = program(&policy(&e));
        let engine = Engine::new(&p);
        let dead: Vec<Part> = reach::unreachable(&p).into_iter().map(|u| u.part).collect();
        for (bools, ev, n) in cases {
            let Some(eval) = evaluate(&p, &engine, bools, ev, n) else { continue };
            for part in &dead {
                prop_assert!(!reached(&p, &eval, *part), "{:?} reported unreachable, reached by {:?} {:?} {:?} in\n{}", part, bools, ev, n, policy(&e));
            }
        }
    }
}

/// The "final say" of issue 22, first version: three exceptions cover every answer of who
/// decides, so the default is dead — reported, and no case reaches it.
#[test]
fn a_default_every_answer_overrides_is_unreachable() {
    let p = program(
        r#"guidance say "final say"
  version 2024-01-01
source S = "s"
fact decider: local_authority | police | health ask "who?"
rule final_say cite S "1":
  default false
  exception cite S "1.1": true when decider = local_authority
  exception cite S "1.2": false when decider = police
  exception cite S "1.3": false when decider = health
"#,
    );
    let dead = reach::unreachable(&p);
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0].part, Part::Default(0));
    assert_eq!(
        dead[0].reason,
        "in every case one of its exceptions applies"
    );
}

/// A contradiction only numbers show is not proved: such a branch stays "not exercised".
#[test]
fn a_contradiction_between_numbers_is_not_claimed() {
    let p = program(
        r#"guidance nums "numbers"
  version 2024-01-01
source S = "s"
fact age: integer ask "age?"
decision band cite S "1":
  young when age < 5 and age > 10 cite S "1.1"
  otherwise old cite S "1.2"
"#,
    );
    assert_eq!(reach::unreachable(&p), Vec::new());
}
