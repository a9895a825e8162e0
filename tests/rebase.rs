//! Putting a procedure on another edition of the guidance (`--guidance`,
//! `check::check_onto`): it is checked as if it extended that edition, what no longer
//! resolves is reported in the procedure, and the editions themselves cannot be rebased.

use cspr::check::{Checked, check_onto};
use cspr::diagnostic::Source;
use cspr::eval::Engine;

use crate::common::{TestModules, case, render};

const PROCEDURE: &str = r#"
procedure local "A local procedure"
  extends base

source LP = "Local procedure"
actor business_manager "Business manager"

duty tell_chair cite LP "2.1":
  business_manager must "tell the chair"
  when serious
  within 1 working day after la_aware_on
"#;

fn onto(text: &str, edition: Option<&str>) -> Checked {
    check_onto(&Source::new("local.policy", text), &TestModules, edition)
}

#[test]
fn a_procedure_runs_on_the_edition_asked_for() {
    let old = onto(PROCEDURE, None).program.expect("checks on base");
    let new = onto(PROCEDURE, Some("base_next"))
        .program
        .expect("checks on base_next");
    assert_eq!(old.rebased_onto, None);
    assert_eq!(new.rebased_onto.as_deref(), Some("base_next"));
    assert_eq!(new.modules[0].id, "base_next");
    assert_eq!(new.entry().id, "local");
    let json = r#"{"child_died": true, "abuse_or_neglect": "known", "la_aware_on": "2024-03-28"}"#;
    let due = |p: &cspr::check::Program| {
        let e = Engine::new(p).evaluate(&case(p, json)).expect("evaluates");
        let d = p
            .duties
            .iter()
            .position(|d| d.name == "notify")
            .expect("duty");
        e.duties[d].due.as_ref().map(|d| d.at.date())
    };
    // `base` names no calendar; `base_next` counts in England and Wales working days:
    // 10 after Thursday 28 March 2024, across Good Friday and Easter Monday.
    assert!(Engine::new(&old).evaluate(&case(&old, json)).is_err());
    assert_eq!(due(&new), "2024-04-15".parse().ok());
}

#[test]
fn what_no_longer_resolves_is_reported_in_the_procedure() {
    let text =
        format!("{PROCEDURE}\nrule suspected_only cite LP \"2.2\": abuse_or_neglect = suspected\n");
    assert!(onto(&text, None).program.is_some());
    let checked = onto(&text, Some("base_next"));
    assert!(checked.program.is_none());
    let shown = render(&checked.problems);
    assert!(shown.contains("suspected"), "{shown}");
    assert!(shown.contains("local.policy"), "{shown}");
}

#[test]
fn an_unknown_edition_is_a_located_error_with_a_suggestion() {
    let checked = onto(PROCEDURE, Some("base_nxt"));
    let shown = render(&checked.problems);
    assert!(
        shown.contains("no guidance `base_nxt` to rebase onto"),
        "{shown}"
    );
    assert!(shown.contains("local.policy"), "{shown}");
}

#[test]
fn an_edition_is_not_rebased() {
    let base = std::fs::read_to_string(crate::common::root().join("tests/check/lib/base.policy"))
        .expect("base");
    let shown = render(&onto(&base, Some("base_next")).problems);
    assert!(shown.contains("is guidance itself"), "{shown}");
    let proc_on_proc = onto(PROCEDURE, Some("local"));
    assert!(proc_on_proc.program.is_none());
}

/// A procedure that pins its source texts (`source … file "sources/…" sha256 "…"`), written
/// elsewhere by `cspr rebase -o`, still checks: a text not beside the module is the shipped
/// text of that name, whose hash is checked all the same.
#[test]
fn a_rebased_procedure_written_elsewhere_still_finds_its_source_texts() {
    let dir = std::env::temp_dir().join(format!("cspr-rebase-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("walsall-on-2018.policy");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
            .args(args)
            .current_dir(crate::common::root())
            .env("NO_COLOR", "1")
            .env_remove("CSPR_PATH")
            .output()
            .unwrap()
    };
    let out_s = out.to_str().unwrap();
    let rebased = run(&[
        "rebase",
        "walsall",
        "--onto",
        "working_together_2018",
        "-o",
        out_s,
    ]);
    assert!(rebased.status.success(), "{rebased:?}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("file \"sources/"),
        "the rebased text pins its sources"
    );
    let checked = run(&["check", out_s]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "{stderr}");
    assert!(!stderr.contains("not found"), "{stderr}");
    // A text that differs from the pinned one is still refused: the hash decides.
    let tampered = text.replacen("sha256 \"", "sha256 \"0", 1);
    std::fs::write(&out, tampered).unwrap();
    let checked = run(&["check", out_s]);
    assert!(!checked.status.success(), "a wrong hash fails");
    let _ = std::fs::remove_dir_all(&dir);
}
