//! Whose view decides (`by FACT unless …`, docs/language.md): the value is the first
//! deciding party's answer; an answer after `unless` passes to the branches below; an
//! unknown answer leaves the decision undetermined, depending on exactly the facts that
//! could still change it. The test procedure and its suite are `tests/decider/`.

use cspr::eval::Engine;

use crate::common::{case, cspr, outcome, program_file, root};

const POLICY: &str = "tests/decider/final-say.policy";

/// Each row: the case, the decision's value, and the facts it is missing (exact).
#[test]
fn the_first_deciding_answer_wins_and_missing_is_exact() {
    let p = program_file(POLICY);
    let engine = Engine::new(&p);
    let rows: [(&str, &str, &[&str]); 9] = [
        // The Local Authority's answer decides, whatever the partners say.
        (
            r#"{"child_died": false, "la_decision": "no_rapid_review", "partners_view": "rapid_review"}"#,
            "no_rapid_review",
            &[],
        ),
        (
            r#"{"child_died": false, "la_decision": "rapid_review"}"#,
            "rapid_review",
            &[],
        ),
        // Until it gives a view, the partners' recommendation stands.
        (
            r#"{"child_died": false, "la_decision": "not_yet_given", "partners_view": "rapid_review"}"#,
            "rapid_review",
            &[],
        ),
        (
            r#"{"child_died": false, "la_decision": "not_yet_given", "partners_view": "no_rapid_review"}"#,
            "no_rapid_review",
            &[],
        ),
        // "No view given" is an answer, not an unknown: the partners' view alone settles
        // nothing while the Local Authority's answer may still overrule it.
        (
            r#"{"child_died": false, "partners_view": "rapid_review"}"#,
            "undetermined",
            &["la_decision"],
        ),
        (
            r#"{"child_died": false, "la_decision": "not_yet_given"}"#,
            "undetermined",
            &["partners_view"],
        ),
        (
            r#"{"child_died": false}"#,
            "undetermined",
            &["la_decision", "partners_view"],
        ),
        // A branch above the deciders settles its cases first.
        (
            r#"{"child_died": true, "la_decision": "no_rapid_review"}"#,
            "rapid_review",
            &[],
        ),
        (r#"{"la_decision": "rapid_review"}"#, "rapid_review", &[]),
    ];
    for (json, want, missing) in rows {
        let eval = engine.evaluate(&case(&p, json)).unwrap();
        assert_eq!(outcome(&p, &eval, "rapid_review_route"), want, "{json}");
        let r = p
            .rules
            .iter()
            .position(|r| r.name == "rapid_review_route")
            .unwrap();
        let got: Vec<&str> = eval.outcomes[r]
            .missing
            .iter()
            .map(|f| p.facts[*f].name.as_str())
            .collect();
        assert_eq!(got, missing, "{json}");
    }
}

/// The suite exercises every deciding answer (each is a branch for coverage), and fails
/// when the precedence is turned round.
#[test]
fn the_suite_covers_every_deciding_answer_and_catches_a_swapped_precedence() {
    let (code, stdout, stderr) = cspr(&["test", "--require-coverage", "tests/decider"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("8/8    100.0%"), "{stdout}");

    // The partners first, the Local Authority second: a "final say" lost.
    let text = std::fs::read_to_string(root().join(POLICY)).unwrap();
    let swapped = text.replace(
        "  by la_decision unless not_yet_given\n    cite LOCAL \"box 3 (the Local Authority has the final say)\"\n  by partners_view\n    cite LOCAL \"box 2\"",
        "  by partners_view unless no_rapid_review\n    cite LOCAL \"box 2\"\n  by la_decision unless not_yet_given\n    cite LOCAL \"box 3 (the Local Authority has the final say)\"\n  otherwise no_rapid_review\n    cite LOCAL \"box 3\"",
    );
    assert_ne!(swapped, text);
    let dir = root().join("target/decider-swapped");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("final-say.policy"), &swapped).unwrap();
    std::fs::copy(
        root().join("tests/decider/final-say.scenario"),
        dir.join("final-say.scenario"),
    )
    .unwrap();
    let (code, stdout, _) = cspr(&["test", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("the Local Authority has the final say") && stdout.contains("FAIL"),
        "{stdout}"
    );

    // The diff finds the case that now reads differently, and verifies it.
    let new = dir.join("final-say.policy");
    let (code, stdout, stderr) = cspr(&["diff", POLICY, new.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains(
            "outcome `rapid_review_route` is now rapid_review (was no_rapid_review) for some cases"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("la_decision    no_rapid_review"),
        "{stdout}"
    );
}

/// In an editor: hover on the deciding fact shows the fact, and the decision's hover lists
/// its deciders.
#[test]
fn an_editor_hovers_the_deciding_fact() {
    let mut c = crate::lsp::Client::start();
    let text = std::fs::read_to_string(root().join(POLICY)).unwrap();
    let uri = c.open(POLICY, &text);
    let hover = c.at("textDocument/hover", &uri, &text, "la_decision unless", 0);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("fact") && shown.contains("la_decision"),
        "{shown}"
    );
    let offered = c.offered(&uri, &text, "la_decision unless", 0);
    for want in ["by", "unless", "la_decision", "not_yet_given"] {
        assert!(offered.iter().any(|l| l == want), "{want} not offered");
    }
    c.shutdown();
}
