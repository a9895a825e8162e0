//! Timelines (`cspr timeline`, `docs/dates.md` "Timelines"): which deadlines, in which
//! order, and the iCalendar file — folding, escaping, CRLF, stable UIDs, and no case
//! facts beyond the case id.

use cspr::report::model::Report;
use cspr::report::timeline::{
    IcsOptions, escape_text, fold_line, report_timeline_text, timeline, timeline_ics,
    timeline_ics_with, timeline_json, timeline_text,
};

use crate::common::{eval, program};

const POLICY: &str = r#"
guidance timeline_test "Timeline tests"
  version 2024-01-01
  calendar england_and_wales
source T = "Tests"
actor chair "Chair"
fact serious: bool ask "Serious?"
fact notes: text ask "Notes?"
fact d1: date ask "First date?"
fact t1: date-time ask "First moment?"
fact t2: date-time ask "Second moment?"
fact later: date ask "Later date?"
fact other: date ask "Other date?"
duty waits_first cite T "1":
  chair must "wait for the later date"
  within 1 day after later
duty day_after_two cite T "2":
  chair must "act two days after d1"
  within 2 days after d1
duty evening cite T "3":
  chair must "act 48 hours after t1"
  within 48 hours after t1
duty morning cite T "4":
  chair must "act 24 hours after t2"
  within 24 hours after t2
duty next_day label "Act on the next day" cite T "5":
  chair must "act the day after d1"
  within 1 day after d1
duty not_serious cite T "6":
  chair must "never act here"
  when not serious
  within 1 day after d1
duty no_deadline cite T "7":
  chair must "act whenever"
duty maybe cite T "8":
  chair should "act if serious, two days after d1"
  when serious
  within 2 days after d1
duty waits_second cite T "9":
  chair may "wait for the other date"
  within 1 day after other
"#;

/// d1 Friday 8 March 2024; t1 Friday 16:00 (+48 h = Sunday 10 March 16:00);
/// t2 Saturday 09:00 (+24 h = Sunday 10 March 09:00).
const CASE: &str = r#"{"case_id": "TL-1", "serious": true, "notes": "SECRET-NOTE; do not export",
  "d1": "2024-03-08", "t1": "2024-03-08T16:00", "t2": "2024-03-09T09:00"}"#;

fn as_of() -> chrono::NaiveDate {
    cspr::case::parse_date("2024-03-08").unwrap()
}

fn names(json: &str) -> Vec<String> {
    let p = program(POLICY);
    let e = eval(&p, json);
    timeline(&p, &e, as_of())
        .iter()
        .map(|entry| p.duties[entry.duty].name.clone())
        .collect()
}

#[test]
fn deadlines_in_date_order_then_the_waiting_ones() {
    assert_eq!(
        names(CASE),
        [
            "next_day",      // 2024-03-09
            "morning",       // 2024-03-10 09:00
            "evening",       // 2024-03-10 16:00
            "day_after_two", // 2024-03-10, the whole day: after the timed ones
            "maybe",         // 2024-03-10 too: declared later
            "waits_first",   // waiting, in declaration order
            "waits_second",
        ]
    );
}

#[test]
fn left_out_does_not_apply_and_no_deadline_but_keeps_may_apply() {
    // `serious` unknown: `not_serious` and `maybe` may apply, and both are listed.
    let p = program(POLICY);
    let e = eval(&p, r#"{"d1": "2024-03-08"}"#);
    let entries = timeline(&p, &e, as_of());
    let listed: Vec<(&str, bool)> = entries
        .iter()
        .map(|x| (p.duties[x.duty].name.as_str(), x.may_apply()))
        .collect();
    assert_eq!(
        listed,
        [
            ("next_day", false),
            ("not_serious", true),
            ("day_after_two", false),
            ("maybe", true),
            ("waits_first", false),
            ("evening", false),
            ("morning", false),
            ("waits_second", false),
        ]
    );
    // `serious` true: `not_serious` certainly does not apply, so it is left out.
    assert!(!names(CASE).contains(&"not_serious".to_string()));
    assert!(!names(CASE).contains(&"no_deadline".to_string()));
}

#[test]
fn the_text_marks_what_may_apply_and_what_waits() {
    let p = program(POLICY);
    let e = eval(&p, r#"{"d1": "2024-03-08"}"#);
    // With `--names`: the code names, in a column of their own.
    let text = report_timeline_text(&Report::new(&p, &e, as_of()).with_names(true));
    let row = |name: &str| {
        text.lines()
            .find(|l| l.contains(&format!("  {name}  ")))
            .unwrap_or_else(|| panic!("no row for {name} in\n{text}"))
            .to_string()
    };
    assert!(row("maybe").contains("may apply"), "{text}");
    assert!(
        row("next_day").starts_with("  2024-03-09  applies    "),
        "{text}"
    );
    let waiting = row("waits_first");
    assert!(waiting.starts_with("  —           applies  "), "{text}");
    assert!(waiting.contains("  waiting for later  "), "{text}");
    assert!(text.contains("depends on serious"), "{text}");
    // Columns line up: every row puts the duty name at the same column.
    let col = |name: &str| {
        let r = row(name);
        r[..r.find(&format!("  {name}  ")).unwrap()].chars().count()
    };
    assert_eq!(col("next_day"), col("waits_second"));
    assert_eq!(col("maybe"), col("morning"));
    assert!(row("next_day").contains("  chair must  "), "{text}");
}

#[test]
fn the_text_shows_labels_and_actors_titles_unless_names_are_asked_for() {
    let p = program(POLICY);
    let e = eval(&p, r#"{"d1": "2024-03-08"}"#);
    let text = timeline_text(&p, &e, as_of());
    let row = |label: &str| {
        text.lines()
            .find(|l| l.contains(&format!("  {label}  ")))
            .unwrap_or_else(|| panic!("no row for {label} in\n{text}"))
            .to_string()
    };
    // A `label` where the duty has one; its name in words where it has none.
    assert!(
        row("Act on the next day").contains("  Chair must  "),
        "{text}"
    );
    assert!(row("Maybe").contains("  Chair should  "), "{text}");
    assert!(
        !text.contains("next_day") && !text.contains("chair must"),
        "{text}"
    );
}

#[test]
fn an_empty_timeline_says_so() {
    let p = program(
        r#"
guidance empty "Nothing due"
source T = "Tests"
actor chair "Chair"
fact serious: bool ask "Serious?"
fact d1: date ask "When?"
duty only_if_serious cite T "1":
  chair must "act"
  when serious
  within 1 day after d1
"#,
    );
    let e = eval(&p, r#"{"serious": false, "d1": "2024-03-08"}"#);
    assert!(timeline(&p, &e, as_of()).is_empty());
    assert!(timeline_text(&p, &e, as_of()).contains("No duty with a deadline"));
    let ics = timeline_ics(&p, &e, as_of()).unwrap();
    assert!(!ics.contains("BEGIN:VEVENT"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
}

#[test]
fn json_has_the_documented_shape() {
    let p = program(POLICY);
    let e = eval(&p, CASE);
    let v: serde_json::Value = serde_json::from_str(&timeline_json(&p, &e, as_of())).unwrap();
    assert_eq!(v["procedure"]["id"], "timeline_test");
    assert_eq!(v["procedure"]["version"], "2024-01-01");
    assert_eq!(v["case_id"], "TL-1");
    assert_eq!(v["as_of"], "2024-03-08");
    let first = &v["timeline"][0];
    assert_eq!(first["name"], "next_day");
    assert_eq!(first["actor"], "chair");
    assert_eq!(first["modality"], "must");
    assert_eq!(first["action"], "act the day after d1");
    assert_eq!(first["applies"], true);
    assert_eq!(first["due"], "2024-03-09");
    assert_eq!(first["status"], "pending");
    assert_eq!(first["cite"], serde_json::json!(["T 5"]));
    assert_eq!(v["timeline"][1]["due"], "2024-03-10T09:00");
    let waiting = &v["timeline"][5];
    assert_eq!(waiting["status"], "waiting");
    assert_eq!(waiting["due"], serde_json::Value::Null);
    assert_eq!(waiting["waiting_for"], "later");
    assert!(first.get("provisional").is_none());
    assert!(first.get("missing").is_none());
}

#[test]
fn escaping_of_ics_text() {
    assert_eq!(escape_text(r"a,b;c\d"), r"a\,b\;c\\d");
    assert_eq!(
        escape_text("one\ntwo\r\nthree\rfour"),
        r"one\ntwo\nthree\nfour"
    );
    assert_eq!(escape_text("tab\there\u{7}"), "tab here ");
    assert_eq!(
        escape_text("colon: fine — “quotes”"),
        "colon: fine — “quotes”"
    );
}

#[test]
fn folding_at_75_octets_never_splits_a_character() {
    let short = "SUMMARY:short";
    assert_eq!(fold_line(short), "SUMMARY:short\r\n");
    let exactly = "X".repeat(75);
    assert_eq!(fold_line(&exactly), format!("{exactly}\r\n"));
    for long in [
        format!("DESCRIPTION:{}", "abcdefghij".repeat(30)),
        format!("SUMMARY:{}", "é—".repeat(60)),
        format!("SUMMARY:a{}", "😀".repeat(40)),
    ] {
        let folded = fold_line(&long);
        assert!(folded.ends_with("\r\n"));
        let body = &folded[..folded.len() - 2];
        let lines: Vec<&str> = body.split("\r\n").collect();
        assert!(lines.len() > 1, "{long} should fold");
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= 75, "line {i} has {} octets: {l:?}", l.len());
            if i > 0 {
                assert!(
                    l.starts_with(' '),
                    "continuation line {i} starts with a space"
                );
            }
        }
        // Unfolding (RFC 5545 §3.1: remove CRLF followed by one space) gives it back.
        assert_eq!(body.replace("\r\n ", ""), long);
    }
    // The first line is filled to 75 octets, not less.
    let folded = fold_line(&"Y".repeat(200));
    assert_eq!(folded.find("\r\n"), Some(75));
}

#[test]
fn ics_lines_end_in_crlf_and_fit_in_75_octets() {
    let p = program(POLICY);
    let e = eval(&p, CASE);
    let ics = timeline_ics(&p, &e, as_of()).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cspr//timeline//EN\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    let bytes = ics.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
        }
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
}

fn unfolded(ics: &str) -> Vec<String> {
    ics.replace("\r\n ", "")
        .split("\r\n")
        .map(str::to_string)
        .collect()
}

/// The properties of each event, by SUMMARY's duty name.
fn events(ics: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in unfolded(ics) {
        match line.as_str() {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => out.extend(current.take()),
            _ => {
                if let Some(c) = current.as_mut() {
                    c.push(line);
                }
            }
        }
    }
    out
}

#[test]
fn ics_events_for_dates_and_date_times() {
    let p = program(POLICY);
    let e = eval(&p, CASE);
    let ics = timeline_ics_with(&p, &e, as_of(), IcsOptions { case_id: true }).unwrap();
    let events = events(&ics);
    // Seven entries, two of them waiting: five events, in timeline order.
    assert_eq!(events.len(), 5, "{ics}");
    let has = |i: usize, line: &str| {
        assert!(
            events[i].iter().any(|l| l == line),
            "event {i} lacks {line:?}: {:#?}",
            events[i]
        );
    };
    has(0, "DTSTART;VALUE=DATE:20240309");
    has(0, "DTEND;VALUE=DATE:20240310");
    has(
        0,
        "SUMMARY:Act on the next day: Chair must act the day after d1",
    );
    has(0, "DTSTAMP:20240308T000000Z");
    has(0, "TRANSP:TRANSPARENT");
    has(1, "DTSTART:20240310T090000");
    has(1, "DURATION:PT0S");
    has(2, "DTSTART:20240310T160000");
    has(3, "DTSTART;VALUE=DATE:20240310");
    // The status (due Saturday, as of Friday) is `deadline::status`'s to word; the
    // description wraps it with the citation, the procedure and the case id.
    let description = events[0]
        .iter()
        .find(|l| l.starts_with("DESCRIPTION:"))
        .unwrap();
    assert!(
        description.starts_with(r"DESCRIPTION:Status as of 2024-03-08: pending\, "),
        "{description}"
    );
    assert!(
        description.ends_with(
            r".\nCitation: T 5\nProcedure: Timeline tests (timeline_test\, version 2024-01-01)\nCase: TL-1"
        ),
        "{description}"
    );
    // A floating time: no time zone, no UTC marker.
    assert!(
        !events[1]
            .iter()
            .any(|l| l.starts_with("DTSTART") && l.ends_with('Z'))
    );
    assert!(!ics.contains("waits_first") && !ics.contains("waits_second"));
}

#[test]
fn ics_marks_what_may_apply() {
    let p = program(POLICY);
    let e = eval(&p, r#"{"case_id": "TL-2", "d1": "2024-03-08"}"#);
    let ics = timeline_ics(&p, &e, as_of()).unwrap();
    let lines = unfolded(&ics);
    assert!(
        lines
            .iter()
            .any(|l| l
                == "SUMMARY:Maybe: Chair should act if serious\\, two days after d1 (may apply)"),
        "{ics}"
    );
    assert!(
        ics.replace("\r\n ", "")
            .contains(r"May apply: depends on serious.")
    );
}

fn uids(ics: &str) -> Vec<String> {
    unfolded(ics)
        .into_iter()
        .filter(|l| l.starts_with("UID:"))
        .collect()
}

#[test]
fn ics_is_reproducible_with_stable_uids_and_no_case_facts() {
    let p = program(POLICY);
    let e = eval(&p, CASE);
    let ics = timeline_ics(&p, &e, as_of()).unwrap();
    assert_eq!(ics, timeline_ics(&p, &e, as_of()).unwrap());
    let first = uids(&ics);
    assert_eq!(first.len(), 5);
    let mut distinct = first.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 5, "one UID per duty");
    // Other facts, other due dates, a later as-of day: the same UIDs.
    let moved = eval(
        &p,
        r#"{"case_id": "TL-1", "serious": true, "notes": "other",
            "d1": "2024-04-02", "t1": "2024-04-02T10:00", "t2": "2024-04-02T11:00"}"#,
    );
    let later = cspr::case::parse_date("2024-04-01").unwrap();
    let moved_ics = timeline_ics(&p, &moved, later).unwrap();
    let mut a = uids(&moved_ics);
    let mut b = first.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(moved_ics.contains("DTSTAMP:20240401T000000Z"));
    // Another case id: other UIDs.
    let other = eval(&p, &CASE.replace("TL-1", "TL-9"));
    let other_uids = uids(&timeline_ics(&p, &other, as_of()).unwrap());
    assert!(other_uids.iter().all(|u| !first.contains(u)));
    // The text fact never reaches the file; neither do the anchoring facts' values.
    assert!(!ics.contains("SECRET"), "{ics}");
    assert!(!ics.contains("20240308T160000") && !ics.contains("20240309T090000"));
}

/// A calendar syncs off the machine: by default no case id and no fact's value is in the
/// file — not in its name, not in an event — and each event still says what its due date
/// counts from, by the anchor's name. `--ics-case-id` puts the id in.
#[test]
fn ics_carries_no_case_id_unless_asked() {
    let p = program(POLICY);
    let e = eval(&p, CASE);
    let ics = timeline_ics(&p, &e, as_of()).unwrap();
    let flat = ics.replace("\r\n ", "");
    assert!(!flat.contains("TL-1"), "{flat}");
    assert!(!flat.contains("Case:"), "{flat}");
    assert!(flat.contains("X-WR-CALNAME:timeline_test\r\n"), "{flat}");
    assert!(!flat.contains("SECRET"), "{flat}");
    assert!(
        flat.contains(
            r"\nDue: 2024-03-09 = 1 day after d1\; Sat 9 Mar 2024 — not a working day.\n"
        ),
        "counted from, without the fact's date: {flat}"
    );
    assert!(!flat.contains("2024-03-08)"), "no anchor date: {flat}");
    // The UIDs are the same either way, so turning the id on or off updates the events.
    let with_id = timeline_ics_with(&p, &e, as_of(), IcsOptions { case_id: true }).unwrap();
    assert_eq!(uids(&ics), uids(&with_id));
    assert!(with_id.contains("X-WR-CALNAME:timeline_test: TL-1"));
    // And from the command line.
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
            .args([
                "timeline",
                "working_together_2018",
                "policies/examples/death-in-area.json",
                "--as-of",
                "2024-03-08",
                "--format",
                "ics",
            ])
            .args(extra)
            .current_dir(crate::common::root())
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().replace("\r\n ", "")
    };
    assert!(!run(&[]).contains("WT18-EX-01"));
    assert!(run(&["--ics-case-id"]).contains("Case: WT18-EX-01 death in area"));
}

#[test]
fn ics_escapes_the_case_id() {
    let p = program(POLICY);
    let e = eval(&p, r#"{"case_id": "A,B;C\\D", "d1": "2024-03-08"}"#);
    let ics = timeline_ics_with(&p, &e, as_of(), IcsOptions { case_id: true }).unwrap();
    assert!(
        ics.contains(r"X-WR-CALNAME:timeline_test: A\,B\;C\\D"),
        "{ics}"
    );
}

#[test]
fn the_command_writes_the_calendar_to_stdout_with_crlf() {
    // The golden snapshots normalise line endings, so the bytes are checked here.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args([
            "timeline",
            "working_together_2018",
            "policies/examples/death-in-area.json",
            "--as-of",
            "2024-03-08",
            "--format",
            "ics",
        ])
        .current_dir(crate::common::root())
        .env_remove("CSPR_PATH")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Nothing on stderr but the note that the 2024 case fell under Working Together 2023.
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.lines().all(|l| l.starts_with("note: ")), "{stderr}");
    let ics = String::from_utf8(out.stdout).unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    assert_eq!(
        ics.matches('\n').count(),
        ics.matches("\r\n").count(),
        "every line ends in CRLF"
    );
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
}
