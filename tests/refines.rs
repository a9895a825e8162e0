//! `duty a refines b` (docs/language.md, "Refining an inherited duty"): both duties stay in
//! force, and every output shows the refined duty's due date beside the refining one's and
//! which of the two binds (the earlier), or that it is not yet known.

use cspr::eval::Engine;

use crate::common::{case, cspr, eval, program, program_file, root};

/// Slough's Trust notifies within 5 calendar days of the incident; the national duty (5
/// working days from the local authority's awareness) stays in force. Over Easter 2024 the
/// two dates are six days apart: the Trust's binds.
#[test]
fn slough_shows_both_dates_across_easter_and_that_the_earlier_binds() {
    let case_path = root().join("target/refines-easter.json");
    std::fs::write(
        &case_path,
        r#"{"abuse_or_neglect": "suspected", "child_died": true, "incident_location": "in_area", "incident_on": "2024-03-28", "la_aware_on": "2024-03-28"}"#,
    )
    .unwrap();
    let case_arg = case_path.to_str().unwrap();
    let (code, text, stderr) = cspr(&["eval", "slough", case_arg, "--as-of", "2024-04-02"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(text.contains("due 2024-04-02: due today"), "{text}");
    assert!(
        text.contains(
            "refines Notify national panel (due 2024-04-08); the earlier binds: this duty's date"
        ),
        "{text}"
    );
    let v = eval_json(&["eval", "slough", case_arg, "--as-of", "2024-04-02"]);
    let duty = |name: &str| duty_of(&v, name);
    let trust = duty("trust_sends_notification");
    assert_eq!(trust["due"], "2024-04-02");
    assert_eq!(trust["refines"], "notify_national_panel");
    assert_eq!(trust["binds"], true);
    let national = duty("notify_national_panel");
    assert_eq!(national["due"], "2024-04-08");
    assert_eq!(national["applies"], true);
    // The refined duty itself carries no `refines` key.
    assert!(national.get("refines").is_none() && national.get("binds").is_none());
}

/// Without the local authority's awareness date the national date is unknown, so which
/// binds is unknown too, and the outputs say so rather than guess.
#[test]
fn which_binds_is_unknown_while_either_date_is() {
    let case_path = root().join("target/refines-unknown.json");
    std::fs::write(
        &case_path,
        r#"{"abuse_or_neglect": "suspected", "child_died": true, "incident_location": "in_area", "incident_on": "2024-03-28"}"#,
    )
    .unwrap();
    let case_arg = case_path.to_str().unwrap();
    let (code, text, stderr) = cspr(&["eval", "slough", case_arg, "--as-of", "2024-03-29"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        text.contains(
            "refines Notify national panel (due date not yet known); the earlier binds (which is not yet known)"
        ),
        "{text}"
    );
    let v = eval_json(&["eval", "slough", case_arg, "--as-of", "2024-03-29"]);
    let trust = duty_of(&v, "trust_sends_notification");
    assert_eq!(trust["binds"], serde_json::Value::Null);
}

/// A refining duty with a longer clock: the inherited duty's earlier date binds.
#[test]
fn the_inherited_duty_binds_when_it_is_due_first() {
    let p = program(
        "procedure local \"Refines\"\n  extends working_together_2018\n\nsource LOCAL = \"Local\"\n\n\
fact incident_on: date\n\n\
duty tell_panel refines notify_national_panel cite LOCAL \"1\":\n  local_authority must \"tell the Panel\"\n  \
when notifiable_incident\n  within 10 days assumed calendar after incident_on\n",
    );
    let facts = |incident: &str| {
        format!(
            r#"{{"abuse_or_neglect": "known", "child_died": true, "incident_location": "in_area", "la_aware_on": "2024-03-28", "incident_on": "{incident}"}}"#
        )
    };
    let eval = Engine::new(&p)
        .evaluate(&case(&p, &facts("2024-03-28")))
        .unwrap();
    let d = p
        .duties
        .iter()
        .position(|d| d.name == "tell_panel")
        .unwrap();
    let r = cspr::report::model::refines_of(&p, &eval, d).unwrap();
    assert_eq!(r.name, "notify_national_panel");
    // 28 March + 5 working days over Easter = 8 April; + 10 calendar days = 7 April.
    assert_eq!(r.due.map(|m| m.to_string()).as_deref(), Some("2024-04-08"));
    assert_eq!(
        eval.duties[d].due.map(|m| m.at.to_string()).as_deref(),
        Some("2024-04-07")
    );
    assert_eq!(r.binds, Some(true));
    // Same day: the refining duty binds (either date is met by meeting it).
    let eval = Engine::new(&p)
        .evaluate(&case(&p, &facts("2024-03-29")))
        .unwrap();
    let r = cspr::report::model::refines_of(&p, &eval, d).unwrap();
    assert_eq!(r.binds, Some(true), "8 April and 8 April");
    let eval = Engine::new(&p)
        .evaluate(&case(&p, &facts("2024-04-02")))
        .unwrap();
    let r = cspr::report::model::refines_of(&p, &eval, d).unwrap();
    assert_eq!(r.binds, Some(false), "12 April is later than 8 April");
    // The inherited duty stays in force: both apply.
    let n = p
        .duties
        .iter()
        .position(|d| d.name == "notify_national_panel")
        .unwrap();
    assert_eq!(eval.duties[n].applies, Some(true));
    assert_eq!(eval.duties[d].applies, Some(true));
}

/// The same two dates in every output that shows a due date: `explain` (text and JSON, by
/// code name), the timeline (text and JSON) and the HTML report (by label).
#[test]
fn explain_timeline_and_report_show_both_dates() {
    let case_path = root().join("target/refines-outputs.json");
    std::fs::write(
        &case_path,
        r#"{"abuse_or_neglect": "suspected", "child_died": true, "incident_location": "in_area", "incident_on": "2024-03-28", "la_aware_on": "2024-03-28"}"#,
    )
    .unwrap();
    let case_arg = case_path.to_str().unwrap();
    let line = "(due 2024-04-08); the earlier binds: this duty's date";

    let (code, text, stderr) = cspr(&["explain", "slough", case_arg, "trust_sends_notification"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        text.contains(&format!("refines notify_national_panel {line}")),
        "{text}"
    );
    let (code, json, stderr) = cspr(&[
        "explain",
        "slough",
        case_arg,
        "trust_sends_notification",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["refines"], "notify_national_panel", "{json}");
    assert_eq!(v[0]["binds"], true, "{json}");

    let (code, text, stderr) = cspr(&["timeline", "slough", case_arg, "--as-of", "2024-04-02"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        text.contains(&format!("refines Notify national panel {line}")),
        "{text}"
    );
    let (code, json, stderr) = cspr(&[
        "timeline",
        "slough",
        case_arg,
        "--as-of",
        "2024-04-02",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        json.contains(r#""refines":"notify_national_panel","binds":true"#),
        "{json}"
    );

    let out = root().join("target/refines-report.html");
    let (code, _, stderr) = cspr(&[
        "report",
        "slough",
        case_arg,
        "--as-of",
        "2024-04-02",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains(
            "<div class=\"refines\">refines Notify national panel (due 2024-04-08); the earlier binds: this duty&#39;s date</div>"
        ),
        "the HTML report shows the refined duty's date"
    );
}

/// Without a clock on one side there is one date, and it binds; a refining duty that does
/// not apply binds nothing, and its line says only the refined duty's date.
#[test]
fn one_clock_or_a_duty_that_does_not_apply() {
    let p = program(
        "procedure local \"Refines\"\n  extends working_together_2018\n\nsource LOCAL = \"Local\"\n\n\
duty review_in_ten refines undertake_rapid_review cite LOCAL \"1\":\n  safeguarding_partners must \"undertake the rapid review\"\n  \
when notifiable_incident\n  within 10 working days after la_aware_on\n\n\
duty tell_panel_too refines notify_national_panel cite LOCAL \"2\":\n  local_authority must \"tell the Panel\"\n  \
when notifiable_incident\n\n\
duty tell_panel_never refines notify_national_panel cite LOCAL \"3\":\n  local_authority must \"tell the Panel\"\n  \
when not notifiable_incident\n  within 2 working days after la_aware_on\n",
    );
    let c = case(
        &p,
        r#"{"abuse_or_neglect": "known", "child_died": true, "incident_location": "in_area", "la_aware_on": "2024-03-28"}"#,
    );
    let eval = Engine::new(&p).evaluate(&c).unwrap();
    let line = |name: &str| {
        let d = p.duties.iter().position(|d| d.name == name).unwrap();
        let r = cspr::report::model::refines_of(&p, &eval, d).unwrap();
        (r.binds, cspr::report::refines_line(&r, true))
    };
    assert_eq!(
        line("review_in_ten"),
        (
            Some(true),
            "refines undertake_rapid_review (no deadline); the earlier binds: this duty's date"
                .into()
        )
    );
    assert_eq!(
        line("tell_panel_too"),
        (
            Some(false),
            "refines notify_national_panel (due 2024-04-08); the earlier binds: notify_national_panel's date"
                .into()
        )
    );
    assert_eq!(
        line("tell_panel_never"),
        (
            Some(false),
            "refines notify_national_panel (due 2024-04-08)".into()
        )
    );
}

/// Cambridgeshire and Peterborough count the Rapid Review's 15 working days from the
/// notification to the Panel; the national duty counts them from the partnership's receipt.
/// In the shipped example (received Tuesday 26 March 2024, notified Thursday 28 March, done
/// Friday 19 April) the national Thursday 18 April binds before the local Monday 22 April,
/// both counted past Good Friday and Easter Monday: met locally, one working day late
/// nationally. This is the line docs/procedures/cambridgeshire-peterborough.md shows.
#[test]
fn cambridgeshire_peterborough_shows_the_national_date_binding_first() {
    let example = "policies/examples/cambridgeshire-peterborough-rapid-review.json";
    let args = [
        "eval",
        "cambridgeshire_peterborough",
        example,
        "--as-of",
        "2024-04-22",
    ];
    let (code, text, stderr) = cspr(&args);
    assert_eq!(code, 0, "{stderr}");
    assert!(text.contains("due 2024-04-22: met"), "{text}");
    assert!(
        text.contains("due 2024-04-18: met late by 1 working day"),
        "{text}"
    );
    assert!(
        text.contains(
            "refines Complete rapid review (due 2024-04-18); the earlier binds: Complete rapid review's date"
        ),
        "{text}"
    );
    let v = eval_json(&args);
    let duty = |name: &str| duty_of(&v, name);
    let local = duty("complete_rapid_review_from_notification");
    assert_eq!(local["refines"], "complete_rapid_review");
    assert_eq!(local["binds"], false);
    assert_eq!(local["status"], "met");
    let national = duty("complete_rapid_review");
    assert_eq!(national["due"], "2024-04-18");
    assert_eq!(national["status"], "met_late");
}

/// Across Christmas 2024 and New Year 2025: received Wednesday 11 December, notified Friday
/// 13 December. The national date is Monday 6 January 2025 and binds; the local one is
/// Wednesday 8 January. Received after the notification instead (Monday 16 December), the
/// national date moves to Thursday 9 January and the local one binds.
#[test]
fn cambridgeshire_peterborough_across_christmas_binds_on_the_earlier_count() {
    let p = program_file("policies/cambridgeshire-peterborough.policy");
    let d = p
        .duties
        .iter()
        .position(|d| d.name == "complete_rapid_review_from_notification")
        .unwrap();
    let facts = |received: &str| {
        format!(
            r#"{{"abuse_or_neglect": "known", "child_seriously_harmed": true, "incident_location": "in_area", "serious_incident_notification_submitted": true, "notification_criteria_not_met": false, "referral_received_on": "{received}", "panel_notified_on": "2024-12-13"}}"#
        )
    };
    let e = eval(&p, &facts("2024-12-11"));
    assert_eq!(
        e.duties[d].due.map(|m| m.at.to_string()).as_deref(),
        Some("2025-01-08")
    );
    let r = cspr::report::model::refines_of(&p, &e, d).unwrap();
    assert_eq!(r.name, "complete_rapid_review");
    assert_eq!(r.due.map(|m| m.to_string()).as_deref(), Some("2025-01-06"));
    assert_eq!(r.binds, Some(false));

    // Mon 16 Dec: Tue 17 (1) … Fri 20 (4), Mon 23 (5), Tue 24 (6), Fri 27 (7), Mon 30 (8),
    // Tue 31 (9), Thu 2 (10), Fri 3 (11), Mon 6 (12), Tue 7 (13), Wed 8 (14), Thu 9 (15).
    let e = eval(&p, &facts("2024-12-16"));
    let r = cspr::report::model::refines_of(&p, &e, d).unwrap();
    assert_eq!(r.due.map(|m| m.to_string()).as_deref(), Some("2025-01-09"));
    assert_eq!(r.binds, Some(true));
}

/// Devon's shipped example: Children's Social Care sends the SIN 5 working days after the
/// incident (Friday 22 March 2024: due Tuesday 2 April, Good Friday and Easter Monday
/// skipped); the national duty counts 5 working days from the local authority's awareness on
/// Monday 25 March (Wednesday 3 April). Devon's date binds, and the ladder counts from the day
/// the SIN was sent (Thursday 28 March): the Exec Huddle is on Friday 19 April, day 14.
#[test]
fn devon_the_sin_from_the_incident_binds_before_the_national_date() {
    let example = "policies/examples/devon-rapid-review.json";
    let (code, text, stderr) = cspr(&["eval", "devon", example, "--as-of", "2024-04-19"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        text.contains(
            "refines Notify national panel (due 2024-04-03); the earlier binds: this duty's date"
        ),
        "{text}"
    );
    assert!(
        text.contains("on 2024-04-19 = 14 working days after panel_notified_on (2024-03-28)"),
        "{text}"
    );
    let v = eval_json(&["eval", "devon", example, "--as-of", "2024-04-19"]);
    let duty = |name: &str| duty_of(&v, name);
    let sin = duty("send_sin");
    assert_eq!(sin["due"], "2024-04-02");
    assert_eq!(sin["refines"], "notify_national_panel");
    assert_eq!(sin["binds"], true);
    assert_eq!(duty("notify_national_panel")["due"], "2024-04-03");
    let huddle = duty("exec_huddle");
    assert_eq!(huddle["status"], "due_today");
    assert_eq!(huddle["counted_from"]["appointment"], true);
}

/// Duty `name` of a `cspr eval --format json` answer.
fn duty_of(v: &serde_json::Value, name: &str) -> serde_json::Value {
    v["duties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no duty `{name}`"))
        .clone()
}

/// A timeline step may refine an inherited duty too: the ladder's national act stays in the
/// ladder. Its line shows both dates; `cspr fmt` keeps `refines` on the step's line.
#[test]
fn a_timeline_step_refines_an_inherited_duty() {
    let text = "procedure local \"Ladder\"\n  extends working_together_2018\n\nsource LOCAL = \"Local\"\n\n\
fact incident_on: date\n\n\
timeline ladder cite LOCAL \"1\":\n  starts incident_on\n  when notifiable_incident\n\n  \
step day 5 send_sin refines notify_national_panel cite LOCAL \"1.1\":\n    local_authority must \"send the SIN\"\n    \
done panel_notified_on\n";
    let p = program(text);
    let c = case(
        &p,
        r#"{"abuse_or_neglect": "known", "child_died": true, "incident_location": "in_area", "incident_on": "2024-03-25", "la_aware_on": "2024-03-28"}"#,
    );
    let eval = Engine::new(&p).evaluate(&c).unwrap();
    let d = p.duties.iter().position(|d| d.name == "send_sin").unwrap();
    let r = cspr::report::model::refines_of(&p, &eval, d).unwrap();
    // Day 5 from Monday 25 March over Easter: Tue 26 (1), Wed 27 (2), Thu 28 (3), Tue 2 (4),
    // Wed 3 April (5); the national 5 working days from Thursday 28 March: Mon 8 April.
    assert_eq!(
        cspr::report::refines_line(&r, true),
        "refines notify_national_panel (due 2024-04-08); the earlier binds: this duty's date"
    );
    assert_eq!(
        eval.duties[d].due.map(|m| m.at.to_string()).as_deref(),
        Some("2024-04-03")
    );
    // A typo is the checker's "did you mean", as for a duty.
    let checked = cspr::check::check(
        &cspr::diagnostic::Source::new(
            "t.policy",
            text.replace(
                "refines notify_national_panel",
                "refines notify_national_panle",
            ),
        ),
        &crate::common::TestModules,
    );
    assert!(checked.program.is_none());
    assert!(
        checked
            .problems
            .iter()
            .any(|p| p.code == "cspr::refines_nothing"),
        "{:?}",
        checked.problems
    );
    // fmt keeps it, and reads the same.
    let formatted = cspr::fmt::format(
        &cspr::diagnostic::Source::new("t.policy", text),
        cspr::fmt::Kind::Policy,
    )
    .unwrap();
    assert!(
        formatted
            .contains("  step day 5 send_sin refines notify_national_panel cite LOCAL \"1.1\":"),
        "{formatted}"
    );
    let again = cspr::fmt::format(
        &cspr::diagnostic::Source::new("t.policy", formatted.as_str()),
        cspr::fmt::Kind::Policy,
    )
    .unwrap();
    assert_eq!(again, formatted);
    assert!(
        program(&formatted)
            .duties
            .iter()
            .any(|d| d.name == "send_sin"
                && d.refines.map(|r| p.duties[r].name.as_str()) == Some("notify_national_panel"))
    );
}

/// `cspr ARGS --format json`, which must succeed, as JSON.
fn eval_json(args: &[&str]) -> serde_json::Value {
    let (code, json, stderr) = cspr(&[args, &["--format", "json"]].concat());
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}
