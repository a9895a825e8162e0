//! Explanations of representative cases, under the national module (each
//! `tests/explain/NAME.json`) and under each partnership (a shipped example): every decision, top-level rule and duty
//! explained; the text is snapshotted.

use cspr::eval::Engine;
use cspr::eval::explain::{Explainer, render, top_level};

use crate::common::{case, glob_snapshots, program_file};

#[test]
fn representative_cases() {
    let p = program_file("policies/working-together-2018.policy");
    let mut seen = 0;
    insta::glob!("explain/*.json", |path| {
        seen += 1;
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let c = case(&p, &text);
        let e = Engine::new(&p)
            .evaluate(&c)
            .unwrap_or_else(|err| panic!("{err}"));
        let mut out = format!("{}\n----- explanation -----\n", text.trim_end());
        for r in top_level(&p) {
            out.push_str(&render(&p, &Explainer::new(&p, &e).rule(r)));
        }
        for d in 0..p.duties.len() {
            out.push_str(&render(&p, &Explainer::new(&p, &e).duty(d)));
        }
        insta::assert_snapshot!(out);
    });
    assert_eq!(
        seen,
        glob_snapshots("explain__representative_cases"),
        "tests/explain/*.json walked"
    );
}

/// One representative shipped case for each partnership, explained under its procedure:
/// every decision, top-level rule and duty, national ones included.
#[test]
fn representative_partnership_cases() {
    for (procedure, example) in [
        ("lincolnshire", "lincolnshire-rapid-review.json"),
        ("buckinghamshire", "buckinghamshire-custody-death.json"),
        ("walsall", "walsall-referral.json"),
    ] {
        let p = program_file(&format!("policies/{procedure}.policy"));
        let text = std::fs::read_to_string(
            crate::common::root()
                .join("policies/examples")
                .join(example),
        )
        .unwrap_or_else(|e| panic!("{example}: {e}"));
        let c = case(&p, &text);
        let e = Engine::new(&p)
            .evaluate(&c)
            .unwrap_or_else(|err| panic!("{err}"));
        let mut out = format!(
            "$ cspr explain {procedure} policies/examples/{example}\n{}\n----- explanation -----\n",
            text.trim_end()
        );
        for r in top_level(&p) {
            out.push_str(&render(&p, &Explainer::new(&p, &e).rule(r)));
        }
        for d in 0..p.duties.len() {
            out.push_str(&render(&p, &Explainer::new(&p, &e).duty(d)));
        }
        insta::assert_snapshot!(format!("partnership-{procedure}"), out);
    }
}
