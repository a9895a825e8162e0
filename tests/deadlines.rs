//! Deadlines (DESIGN §2, docs/dates.md): due dates in the England & Wales calendar and the
//! status of each duty as of a day.

use cspr::check::Name;
use cspr::eval::deadline::{Status, status};
use cspr::eval::{Engine, EvalError};

use crate::common::{case, eval, program};

const POLICY: &str = r#"
guidance deadlines "Deadlines"
  calendar england_and_wales
source T = "Tests"
actor local_authority "Local authority"
actor partners "Partners"
actor chair "Chair"
actor safeguarding_partners "Safeguarding partners"
actor business_manager "Business manager"
actor agencies "Agencies"
fact serious: bool ask "Serious?"
fact la_aware_on: date ask "Aware on?"
fact panel_notified_on: date ask "Panel notified on?"
fact referral_received_on: date ask "Referral received on?"
fact decided_at: date-time ask "Decided at?"
fact publication_planned_on: date ask "Publication planned on?"
fact published_on: date ask "Published on?"
duty notify cite T "1":
  local_authority must "notify the Panel"
  when serious
  within 5 working days after la_aware_on
  done panel_notified_on
duty decide cite T "2":
  partners should "decide"
  within 1 month after referral_received_on
duty meet cite T "3":
  chair must "convene the meeting"
  within 48 hours after decided_at
duty report cite T "4":
  chair must "send the report"
  within 15 working days after notify
duty send_before cite T "5":
  partners must "send the report to the Panel"
  at least 7 days before publication_planned_on
duty keep cite T "6":
  partners must "keep the report published"
  for at least 12 months after published_on
fact told_on: date ask "Told on?"
duty tell cite T "7":
  partners must "tell them"
  done told_on
"#;

fn due(json: &str, duty: &str) -> String {
    let p = program(POLICY);
    let e = eval(&p, json);
    let Some(Name::Duty(d)) = p.lookup(duty) else {
        panic!("no duty {duty}")
    };
    e.duties[d].due.map_or("none".into(), |d| d.at.to_string())
}

fn status_of(json: &str, duty: &str, as_of: &str) -> Status {
    let p = program(POLICY);
    let e = eval(&p, json);
    let Some(Name::Duty(d)) = p.lookup(duty) else {
        panic!("no duty {duty}")
    };
    let cal = Engine::new(&p).calendar;
    status(&p, &e, d, cspr::case::parse_date(as_of).unwrap(), cal)
}

#[test]
fn the_worked_examples_of_design() {
    // Aware Monday 4 March 2024 → 5 working days → Monday 11 March 2024.
    assert_eq!(
        due(
            r#"{"serious": true, "la_aware_on": "2024-03-04"}"#,
            "notify"
        ),
        "2024-03-11"
    );
    // 31 January + 1 month = 29 February 2024 (corresponding date, month-end clamped).
    assert_eq!(
        due(r#"{"referral_received_on": "2024-01-31"}"#, "decide"),
        "2024-02-29"
    );
    assert_eq!(
        due(r#"{"referral_received_on": "2023-01-31"}"#, "decide"),
        "2023-02-28"
    );
}

#[test]
fn working_days_skip_bank_holidays() {
    // Easter 2024: Good Friday 29 March, Easter Monday 1 April.
    assert_eq!(
        due(
            r#"{"serious": true, "la_aware_on": "2024-03-27"}"#,
            "notify"
        ),
        "2024-04-05"
    );
    // Christmas 2022: substitute day Tuesday 27 December.
    assert_eq!(
        due(
            r#"{"serious": true, "la_aware_on": "2022-12-23"}"#,
            "notify"
        ),
        "2023-01-04"
    );
    // The State Funeral, Monday 19 September 2022.
    assert_eq!(
        due(
            r#"{"serious": true, "la_aware_on": "2022-09-16"}"#,
            "notify"
        ),
        "2022-09-26"
    );
}

#[test]
fn hours_days_before_and_minimum_periods() {
    // 48 clock hours from a Friday afternoon end on Sunday afternoon.
    assert_eq!(
        due(r#"{"decided_at": "2024-03-08T16:00"}"#, "meet"),
        "2024-03-10T16:00"
    );
    assert_eq!(
        due(r#"{"publication_planned_on": "2024-06-10"}"#, "send_before"),
        "2024-06-03"
    );
    assert_eq!(
        due(r#"{"published_on": "2024-02-29"}"#, "keep"),
        "2025-02-28"
    );
}

#[test]
fn a_deadline_can_count_from_another_duty() {
    // notify is due 11 March; 15 working days later (Easter in between) is 3 April.
    assert_eq!(
        due(
            r#"{"serious": true, "la_aware_on": "2024-03-04"}"#,
            "report"
        ),
        "2024-04-03"
    );
    // Waiting: nothing to count from yet.
    assert_eq!(due(r#"{"serious": true}"#, "report"), "none");
    // Not applicable: no due date.
    assert_eq!(
        due(
            r#"{"serious": false, "la_aware_on": "2024-03-04"}"#,
            "notify"
        ),
        "none"
    );
}

#[test]
fn every_status() {
    let base = r#"{"serious": true, "la_aware_on": "2024-03-04""#;
    let with = |extra: &str| format!("{base}{extra}}}");
    assert_eq!(
        status_of(&with(""), "notify", "2024-03-07"),
        Status::Pending {
            working_days_left: Some(2)
        }
    );
    assert_eq!(
        status_of(&with(""), "notify", "2024-03-11"),
        Status::DueToday
    );
    assert_eq!(
        status_of(&with(""), "notify", "2024-03-13"),
        Status::Overdue {
            working_days: Some(2)
        }
    );
    assert_eq!(
        status_of(
            &with(r#", "panel_notified_on": "2024-03-08""#),
            "notify",
            "2024-03-20"
        ),
        Status::Met
    );
    assert_eq!(
        status_of(
            &with(r#", "panel_notified_on": "2024-03-13""#),
            "notify",
            "2024-03-20"
        ),
        Status::MetLate {
            working_days: Some(2)
        }
    );
    assert_eq!(
        status_of(r#"{"serious": false}"#, "notify", "2024-03-20"),
        Status::NotApplicable
    );
    let p = program(POLICY);
    let waiting = status_of(r#"{"serious": true}"#, "notify", "2024-03-20");
    assert_eq!(
        waiting,
        Status::Waiting {
            fact: p.fact_named("la_aware_on")
        }
    );
    assert_eq!(
        status_of(r#"{"published_on": "2024-02-29"}"#, "keep", "2024-06-01"),
        Status::Running {
            until: cspr::case::parse_date("2025-02-28").unwrap()
        }
    );
    // The minimum period is complete at the end of its last day, not at its start.
    assert_eq!(
        status_of(r#"{"published_on": "2024-02-29"}"#, "keep", "2025-02-28"),
        Status::Running {
            until: cspr::case::parse_date("2025-02-28").unwrap()
        }
    );
    assert_eq!(
        status_of(r#"{"published_on": "2024-02-29"}"#, "keep", "2025-03-01"),
        Status::Completed
    );
    // A duty with no deadline is met once the day it was done has come; never late.
    assert_eq!(
        status_of(r#"{"told_on": "2024-03-08"}"#, "tell", "2024-03-20"),
        Status::Met
    );
    assert_eq!(
        status_of(r#"{"told_on": "2024-03-08"}"#, "tell", "2024-03-07"),
        Status::NoDeadline
    );
    assert_eq!(status_of("{}", "tell", "2024-03-20"), Status::NoDeadline);
}

#[test]
fn a_date_the_calendar_cannot_answer_is_an_error() {
    let p = program(POLICY);
    let c = case(&p, r#"{"serious": true, "la_aware_on": "2014-12-30"}"#);
    let err = Engine::new(&p)
        .evaluate(&c)
        .expect_err("2014 is before the calendar");
    let EvalError::Deadline(problem) = &err else {
        panic!("expected a deadline error, got {err}")
    };
    assert!(problem.message.contains("2014"), "{}", problem.message);
}

#[test]
fn later_years_are_provisional() {
    let p = program(POLICY);
    let e = eval(&p, r#"{"serious": true, "la_aware_on": "2030-03-04"}"#);
    let Some(Name::Duty(d)) = p.lookup("notify") else {
        panic!()
    };
    let due = e.duties[d].due.expect("a due date");
    assert!(due.provisional);
    let e = eval(&p, r#"{"serious": true, "la_aware_on": "2024-03-04"}"#);
    assert!(!e.duties[d].due.expect("a due date").provisional);
}

#[test]
fn an_anchor_chosen_by_condition() {
    // Lincolnshire: the Rapid Review report runs from the National Panel notification for
    // a local-authority notification, and from the referral's receipt for a partner referral.
    let p = program(
        r#"
guidance choose "Chosen anchors"
  calendar england_and_wales
source T = "Tests"
actor local_authority "Local authority"
actor partners "Partners"
actor chair "Chair"
actor safeguarding_partners "Safeguarding partners"
actor business_manager "Business manager"
actor agencies "Agencies"
fact referred_by: local_authority | partner_agency ask "Who referred?"
fact panel_notified_on: date ask "Panel notified on?"
fact referral_received_on: date ask "Referral received on?"
duty rapid_review_report cite T "App C":
  safeguarding_partners must "send the Rapid Review report to the Panel"
  within 15 working days after (panel_notified_on if referred_by = local_authority else referral_received_on)
"#,
    );
    let Some(Name::Duty(d)) = p.lookup("rapid_review_report") else {
        panic!()
    };
    let dates = r#""panel_notified_on": "2024-03-04", "referral_received_on": "2024-03-11""#;
    // 4 March + 15 working days = 25 March.
    let e = eval(
        &p,
        &format!(r#"{{"referred_by": "local_authority", {dates}}}"#),
    );
    assert_eq!(
        e.duties[d].due.map(|x| x.at.to_string()).as_deref(),
        Some("2024-03-25")
    );
    let e = eval(
        &p,
        &format!(r#"{{"referred_by": "partner_agency", {dates}}}"#),
    );
    // 11 March + 15 working days, across Easter (29 March, 1 April).
    assert_eq!(
        e.duties[d].due.map(|x| x.at.to_string()).as_deref(),
        Some("2024-04-03")
    );
    // Who referred is unknown: no due date, and the status says what it waits for.
    let e = eval(&p, &format!("{{{dates}}}"));
    assert_eq!(e.duties[d].due, None);
    let cal = Engine::new(&p).calendar;
    let s = status(
        &p,
        &e,
        d,
        cspr::case::parse_date("2024-03-20").unwrap(),
        cal,
    );
    assert_eq!(
        s,
        Status::Waiting {
            fact: p.fact_named("referred_by")
        }
    );
}

#[test]
fn a_timeline_is_written_as_the_process_map_reads() {
    let p = program(
        r#"
guidance map "A process map"
  calendar england_and_wales
source T = "Tests"
actor local_authority "Local authority"
actor partners "Partners"
actor chair "Chair"
actor safeguarding_partners "Safeguarding partners"
actor business_manager "Business manager"
actor agencies "Agencies"
fact rapid_review: bool ask "Is a Rapid Review under way?"
fact referred_by: local_authority | partner_agency ask "Who referred?"
fact panel_notified_on: date ask "Panel notified on?"
fact referral_received_on: date ask "Referral received on?"
fact report_sent_on: date ask "Report sent on?"
timeline rapid_review_process cite T "Appendix C":
  starts (panel_notified_on if referred_by = local_authority else referral_received_on)
  when rapid_review
  step day 1 request_information: business_manager must "request information from agencies"
  step days 2-7 agency_returns cite T "App C days 2-7": agencies must "return chronologies"
  step day 15 rapid_review_report cite T "App C day 15": safeguarding_partners must "send the report to the Panel"
    done report_sent_on
"#,
    );
    let e = eval(
        &p,
        r#"{"rapid_review": true, "referred_by": "local_authority", "panel_notified_on": "2024-03-04", "report_sent_on": "2024-03-26"}"#,
    );
    let due = |name: &str| {
        let Some(Name::Duty(d)) = p.lookup(name) else {
            panic!("no step {name}")
        };
        e.duties[d].due.map(|x| x.at.to_string())
    };
    assert_eq!(due("request_information").as_deref(), Some("2024-03-05"));
    assert_eq!(
        due("agency_returns").as_deref(),
        Some("2024-03-13"),
        "due on the last day of days 2-7"
    );
    assert_eq!(due("rapid_review_report").as_deref(), Some("2024-03-25"));
    // The step's own citation, or the timeline's.
    let Some(Name::Duty(d)) = p.lookup("request_information") else {
        panic!()
    };
    assert_eq!(
        p.duties[d].cite.as_ref().map(|c| c.text.as_str()),
        Some("T Appendix C")
    );
    let Some(Name::Duty(d)) = p.lookup("rapid_review_report") else {
        panic!()
    };
    let cal = Engine::new(&p).calendar;
    let s = status(
        &p,
        &e,
        d,
        cspr::case::parse_date("2024-04-01").unwrap(),
        cal,
    );
    assert_eq!(
        s,
        Status::MetLate {
            working_days: Some(1)
        }
    );
    // The timeline's condition applies to every step.
    let e = eval(
        &p,
        r#"{"rapid_review": false, "panel_notified_on": "2024-03-04"}"#,
    );
    assert!(e.duties.iter().all(|d| d.applies == Some(false)));
}

#[test]
fn a_step_done_after_the_day_judged_on_was_not_done_yet() {
    let json =
        r#"{"serious": true, "la_aware_on": "2024-03-04", "panel_notified_on": "2024-03-13"}"#;
    assert_eq!(
        status_of(json, "notify", "2024-03-08"),
        Status::Pending {
            working_days_left: Some(1)
        }
    );
    assert_eq!(
        status_of(json, "notify", "2024-03-12"),
        Status::Overdue {
            working_days: Some(1)
        }
    );
    assert_eq!(
        status_of(json, "notify", "2024-03-13"),
        Status::MetLate {
            working_days: Some(2)
        }
    );
}

/// Each due date carries what it was counted from — the anchor chosen, its date and the
/// period — and whether it falls on a day that is not a working day.
#[test]
fn a_due_date_carries_its_anchor_and_period() {
    use cspr::check::Anchor;
    use cspr::eval::deadline::{Moment, OffDay};
    use cspr::syntax::ast::{DeadlineKind, TimeUnit};
    let p = program(POLICY);
    let e = eval(
        &p,
        r#"{"serious": true, "la_aware_on": "2026-04-07", "referral_received_on": "2026-12-24"}"#,
    );
    let duty = |name: &str| match p.lookup(name) {
        Some(Name::Duty(d)) => d,
        _ => panic!("no duty {name}"),
    };
    let date = |s: &str| Moment::Date(cspr::case::parse_date(s).unwrap());
    let Some(Name::Fact(aware)) = p.lookup("la_aware_on") else {
        panic!("no fact")
    };
    let notify = e.duties[duty("notify")].due.unwrap();
    assert_eq!(notify.from.anchor, Anchor::Fact(aware));
    assert_eq!(notify.from.date, date("2026-04-07"));
    assert_eq!(
        (notify.from.kind, notify.from.amount, notify.from.unit),
        (DeadlineKind::Within, 5, TimeUnit::WorkingDays)
    );
    assert_eq!(
        notify.off_day, None,
        "a working-day count ends on a working day"
    );
    // A chain: 15 working days after notify's due date.
    let report = e.duties[duty("report")].due.unwrap();
    assert_eq!(report.from.anchor, Anchor::Duty(duty("notify")));
    assert_eq!(report.from.date, notify.at);
    // 24 December 2026 + 1 month = Sunday 24 January 2027, shown as computed and marked.
    let decide = e.duties[duty("decide")].due.unwrap();
    assert_eq!(decide.at, date("2027-01-24"));
    assert_eq!(decide.off_day, Some(OffDay::Weekend));
    let e = eval(&p, r#"{"referral_received_on": "2026-11-25"}"#);
    let decide = e.duties[duty("decide")].due.unwrap();
    assert_eq!(decide.off_day, Some(OffDay::BankHoliday), "Christmas Day");
}
