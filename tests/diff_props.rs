//! The semantic diff checked against brute force: for random pairs of small programs
//! over four booleans and a three-valued list, every complete case is evaluated under
//! both, and the diff's verdict must agree — `equal` only when no case differs, and
//! `different` exactly when one does, with each witness giving the two results it
//! claims. This is the "never claim equality that was not proved" property.

use cspr::check::Program;
use cspr::diff::semantic::{self, Verdict};
use cspr::eval::{Case, Engine};
use cspr::value::{Display, Value};
use proptest::prelude::*;

use crate::common::program;

/// A random boolean expression over `a`..`d` and `e: x | y | z`.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("c".to_string()),
        Just("d".to_string()),
        Just("e = x".to_string()),
        Just("e in {y, z}".to_string()),
        Just("e != z".to_string()),
        Just("true".to_string()),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| format!("not ({x})")),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| format!("({x}) and ({y})")),
            (inner.clone(), inner).prop_map(|(x, y)| format!("({x}) or ({y})")),
        ]
    })
}

/// A program: a rule, a rule with an exception, a decision and a duty.
fn policy(e: &[String; 5]) -> String {
    format!(
        r#"guidance prop "random"
  version 2024-01-01
source S = "s"
fact a: bool ask "a?"
fact b: bool ask "b?"
fact c: bool ask "c?"
fact d: bool ask "d?"
fact e: x | y | z ask "e?"
rule r cite S "1":
  {}
rule q cite S "2":
  default r
  exception cite S "2.1": false when {}
decision k cite S "3":
  x when {} cite S "3.1"
  y when q or ({}) cite S "3.2"
  otherwise z cite S "3.3"
actor someone "Someone"
duty t cite S "4":
  someone must "act" when {}
"#,
        e[0], e[1], e[2], e[3], e[4]
    )
}

/// Every complete case's results for each target name, in a fixed order of cases.
fn table(p: &Program) -> Vec<Vec<String>> {
    let engine = Engine::new(p);
    let mut rows = Vec::new();
    for bits in 0..16u32 {
        for ev in 0..3u8 {
            let mut case = Case::empty(p);
            for (i, name) in ["a", "b", "c", "d"].iter().enumerate() {
                let f = p.fact_named(name).unwrap();
                case.set(p, f, Some(Value::Bool(bits & (1 << i) != 0)))
                    .unwrap();
            }
            case.set(p, p.fact_named("e").unwrap(), Some(Value::Enum(ev)))
                .unwrap();
            let eval = engine.evaluate(&case).unwrap();
            let mut row = Vec::new();
            for r in 0..p.rules.len() {
                row.push(eval.outcomes[r].value.as_ref().map_or("?".into(), |v| {
                    Display {
                        value: v,
                        enums: &p.enums,
                        ty: p.rules[r].ty,
                    }
                    .to_string()
                }));
            }
            row.push(format!("{:?}", eval.duties[0].applies));
            rows.push(row);
        }
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(150),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn verdicts_agree_with_brute_force(
        old in [expr(), expr(), expr(), expr(), expr()],
        new in [expr(), expr(), expr(), expr(), expr()],
        keep in proptest::collection::vec(any::<bool>(), 5),
    ) {
        // Share some expressions, so that many targets are equal.
        let new: [String; 5] = std::array::from_fn(|i| if keep[i] { old[i].clone() } else { new[i].clone() });
        let (po, pn) = (program(&policy(&old)), program(&policy(&new)));
        let (to, tn) = (table(&po), table(&pn));
        let report = semantic::diff(&po, &pn, cspr::diff::Options::default());
        // The targets in table order: rules r, q, k, then the duty's applicability.
        let names = ["r", "q", "k", "t"];
        for (col, name) in names.iter().enumerate() {
            let kind = if *name == "t" { "applies" } else { "outcome" };
            let target = report.targets.iter().find(|t| t.name == *name && t.kind == kind).unwrap();
            let differs = to.iter().zip(&tn).any(|(a, b)| a[col] != b[col]);
            match target.verdict {
                Verdict::Equal => prop_assert!(!differs, "`{}` claimed equal ({}), but a case differs", name, target.how),
                Verdict::Different => {
                    prop_assert!(differs, "`{}` claimed different, but no case differs", name);
                    for w in &target.witnesses {
                        prop_assert_ne!(&w.old, &w.new);
                    }
                }
                Verdict::Unknown => prop_assert!(false, "`{}` not settled over finite facts: {}", name, target.how),
            }
        }
    }
}
