//! The deadline constructs of docs/language.md ("Appointments and windows", "Anchors",
//! "Assumed kinds of day", "Non-working days"): the scenario suite over
//! `tests/clock/clock.policy` at full coverage, the due date of `earliest`/`latest` and
//! completion anchors against a brute-force oracle, `cspr fmt`'s round trip, what every
//! output says (text, JSON, timeline, explain, iCalendar), syntax and check errors, and a
//! diff that witnesses a changed appointment or window.

use std::collections::BTreeMap;

use cspr::diagnostic::Source;
use cspr::eval::Engine;
use cspr::eval::deadline::Status;
use proptest::prelude::*;

use crate::common::{case, cspr, program, render, root};

const POLICY: &str = "tests/clock/clock.policy";

fn clock_program() -> cspr::check::Program {
    program(&std::fs::read_to_string(root().join(POLICY)).unwrap())
}

/// Each duty's status name and due date as of `as_of`, for a JSON case.
fn statuses(case_json: &str, as_of: &str) -> BTreeMap<String, (String, Option<String>)> {
    let p = clock_program();
    let eval = Engine::new(&p).evaluate(&case(&p, case_json)).unwrap();
    let day = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap();
    let cal = cspr::eval::deadline::calendar_of(&p).unwrap();
    (0..p.duties.len())
        .map(|d| {
            let s = cspr::eval::deadline::status(&p, &eval, d, day, cal);
            (
                p.duties[d].name.clone(),
                (
                    s.name().to_string(),
                    eval.duties[d].due.map(|d| d.at.to_string()),
                ),
            )
        })
        .collect()
}

#[test]
fn the_clock_suite_passes_with_full_coverage() {
    let (code, stdout, stderr) = cspr(&["test", "--require-coverage", "tests/clock"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.trim_start().starts_with("clock_test") && l.contains("100.0%")),
        "{stdout}"
    );
    // Every new status is exercised by the suite.
    let suite = std::fs::read_to_string(root().join("tests/clock/constructs.scenario")).unwrap();
    for status in ["not_yet_open", "too_early", "on_the_day", "late", "waiting"] {
        assert!(
            suite.contains(&format!("status {status}")),
            "{status} is not exercised"
        );
    }
}

/// An appointment across its day, a window across its opening: the statuses a reader
/// relies on, straight from the engine.
#[test]
fn appointment_and_window_statuses_across_easter() {
    let base = r#""serious": true, "incident_on": "2026-03-30", "sin_sent_on": "2026-04-02", "briefing_held_on": "2026-04-01""#;
    let at = |extra: &str, as_of: &str, duty: &str| {
        let json = if extra.is_empty() {
            format!("{{{base}}}")
        } else {
            format!("{{{base}, {extra}}}")
        };
        statuses(&json, as_of)[duty].0.clone()
    };
    // The huddle is on working day 14 from Wednesday 1 April 2026: Thursday 23 April
    // (Good Friday and Easter Monday are not counted).
    assert_eq!(at("", "2026-04-22", "huddle"), "pending");
    assert_eq!(at("", "2026-04-23", "huddle"), "due_today");
    assert_eq!(at("", "2026-04-24", "huddle"), "overdue");
    assert_eq!(
        at(r#""huddle_held_on": "2026-04-22""#, "2026-04-30", "huddle"),
        "too_early"
    );
    assert_eq!(
        at(r#""huddle_held_on": "2026-04-23""#, "2026-04-30", "huddle"),
        "on_the_day"
    );
    assert_eq!(
        at(r#""huddle_held_on": "2026-04-27""#, "2026-04-30", "huddle"),
        "late"
    );
    // Held after the day judged on: as of that day it was not held yet.
    assert_eq!(
        at(r#""huddle_held_on": "2026-04-23""#, "2026-04-20", "huddle"),
        "pending"
    );
    // The summaries' window opens on working day 2 (Tuesday 7 April, after Easter).
    assert_eq!(at("", "2026-04-06", "summaries"), "not_yet_open");
    assert_eq!(at("", "2026-04-07", "summaries"), "pending");
    assert_eq!(
        at(
            r#""summaries_in_on": "2026-04-06""#,
            "2026-04-08",
            "summaries"
        ),
        "too_early"
    );
    assert_eq!(
        at(
            r#""summaries_in_on": "2026-04-07""#,
            "2026-04-08",
            "summaries"
        ),
        "met"
    );
}

/// The JSON of an appointment, a window, an assumption, a pick and a moved date.
#[test]
fn json_says_every_construct() {
    let case_path = root().join("target/clock-case.json");
    std::fs::write(
        &case_path,
        r#"{"serious": true, "incident_on": "2026-03-30", "sin_sent_on": "2026-04-02", "briefing_held_on": "2026-04-01", "referral_received_on": "2026-03-04", "publication_planned_on": "2026-04-13"}"#,
    )
    .unwrap();
    let case_arg = case_path.to_str().unwrap();
    for command in ["eval", "timeline"] {
        let (code, stdout, stderr) = cspr(&[
            command,
            POLICY,
            case_arg,
            "--as-of",
            "2026-04-08",
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let duties = v["duties"].as_array().or(v["timeline"].as_array()).unwrap();
        let duty = |name: &str| {
            duties
                .iter()
                .find(|d| d["name"] == name)
                .unwrap_or_else(|| panic!("{name} in {command}"))
                .clone()
        };
        let huddle = duty("huddle");
        assert_eq!(huddle["counted_from"]["appointment"], true, "{command}");
        assert_eq!(
            huddle["counted_from"]["pick"],
            serde_json::json!({"which": "earliest", "of": "earliest(send_sin done, briefing_held_on)"})
        );
        assert_eq!(huddle["counted_from"]["anchor"], "briefing_held_on");
        assert_eq!(duty("summaries")["counted_from"]["opens"], "2026-04-07");
        assert_eq!(duty("send_sin")["counted_from"]["assumed"], true);
        assert_eq!(duty("hold_briefing")["counted_from"]["kind"], "done");
        assert_eq!(duty("hold_briefing")["counted_from"]["anchor"], "send_sin");
        assert_eq!(
            duty("decide")["counted_from"]["moved_from"],
            serde_json::json!({"date": "2026-04-04", "reason": "weekend", "holiday": null, "to": "next_working_day"})
        );
        assert_eq!(duty("decide")["due"], "2026-04-07");
        assert!(duty("decide").get("not_a_working_day").is_none());
        // A plain deadline's JSON is as it was: no new keys.
        let plain = duty("gather_chronology")["counted_from"].clone();
        assert_eq!(
            plain.as_object().unwrap().keys().collect::<Vec<_>>().len(),
            6,
            "{plain}"
        );
    }
    // Text, explain and the calendar file say the same in words.
    let (_, text, _) = cspr(&["eval", POLICY, case_arg, "--as-of", "2026-04-08"]);
    for want in [
        "due 2026-04-08 = 5 working days (assumed: the text says only \"days\") after incident_on (2026-03-30)",
        "due 2026-04-08 = 2 working days after send_sin done (2026-04-02)",
        "on 2026-04-23 = 14 working days after briefing_held_on (2026-04-01), whichever came first of earliest(send_sin done, briefing_held_on)",
        "; not before 2026-04-07",
        "due 2026-04-07 = 1 month after referral_received_on (2026-03-04), moved from Sat 4 Apr 2026 (not a working day) to the next working day",
        "moved from Mon 6 Apr 2026 (Easter Monday) to the previous working day",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
    let (_, explain, _) = cspr(&["explain", POLICY, case_arg, "huddle"]);
    assert!(
        explain.contains("on 2026-04-23 = 14 working days after briefing_held_on"),
        "{explain}"
    );
    let (_, ics, _) = cspr(&[
        "timeline",
        POLICY,
        case_arg,
        "--as-of",
        "2026-04-08",
        "--format",
        "ics",
    ]);
    // Unfolded: iCalendar folds lines at 75 octets.
    let ics = ics.replace("\r\n ", "");
    assert!(
        ics.contains("On: 2026-04-23 = 14 working days after briefing_held_on"),
        "{ics}"
    );
    assert!(ics.contains("assumed"), "{ics}");
    let _ = std::fs::remove_file(case_path);
}

#[test]
fn fmt_round_trips_every_construct() {
    let text = std::fs::read_to_string(root().join(POLICY)).unwrap();
    let formatted = cspr::fmt::format(&Source::new(POLICY, text.as_str()), cspr::fmt::Kind::Policy)
        .unwrap_or_else(|p| panic!("{}", render(&p)));
    assert_eq!(formatted, text, "clock.policy is in cspr fmt's layout");
    // Laid out differently, it formats back to the same text and the same tree.
    let squashed = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ");
    let again = cspr::fmt::format(
        &Source::new("s.policy", squashed.as_str()),
        cspr::fmt::Kind::Policy,
    )
    .unwrap_or_else(|p| panic!("{}", render(&p)));
    let a = cspr::syntax::parse(&Source::new("a", text.as_str())).unwrap();
    let b = cspr::syntax::parse(&Source::new("b", again.as_str())).unwrap();
    assert_eq!(a, b);
    for written in [
        "within 5 days assumed calendar after a",
        "not before 2 working days after earliest(a, b done)",
        "on 1 week after latest(a, earliest(b, c)) on a non-working day: previous working day",
        "within 3 months after (a done if x else latest(a, b))",
    ] {
        let policy = format!(
            "guidance g \"t\"\nfact a: date\nfact x: bool\nduty d:\n  s must \"t\"\n  {written}\n"
        );
        let out = cspr::fmt::format(
            &Source::new("w.policy", policy.as_str()),
            cspr::fmt::Kind::Policy,
        )
        .unwrap_or_else(|p| panic!("{written}: {}", render(&p)));
        assert!(out.contains(written), "{written}:\n{out}");
    }
}

#[test]
fn errors_say_what_an_anchor_may_be() {
    let problems = |body: &str| {
        let text = format!(
            "guidance g \"t\" calendar england_and_wales\nactor s \"S\"\nfact a: date\nfact b: date\nfact x: bool\n{body}\n"
        );
        let checked = cspr::check::check(
            &Source::new("e.policy", text.as_str()),
            &crate::common::TestModules,
        );
        render(&checked.problems)
    };
    let p = problems("duty d: s must \"t\" within 5 working days after min(a, b)");
    assert!(p.contains("`min(…)` is not an anchor"), "{p}");
    assert!(p.contains("earliest(a, b)"), "{p}");
    let p = problems("duty d: s must \"t\" within 5 working days after 2024-01-01");
    assert!(
        p.contains("an anchor is a date fact, a duty's due date or a duty's `done`"),
        "{p}"
    );
    let p = problems("duty d: s must \"t\" within 5 working days after x");
    assert!(p.contains("an anchor is a date fact"), "{p}");
    let p = problems("duty e: s must \"t\"\nduty d: s must \"t\" within 5 days after e done");
    assert!(
        p.contains("`e` records no `done` date to count from"),
        "{p}"
    );
    let p = problems("duty d: s must \"t\" within 5 days after a done");
    assert!(p.contains("`a` is not a duty"), "{p}");
    let p = problems("duty d: s must \"t\" not before a");
    assert!(p.contains("opens a window but never closes it"), "{p}");
    let p = problems("duty d: s must \"t\" on 5 days after a not before b");
    assert!(p.contains("no window to open"), "{p}");
    let p = problems(
        "duty d: s must \"t\" within 5 working days after a on a non-working day: next working day",
    );
    assert!(p.contains("always ends on a working day"), "{p}");
    let p = problems("duty d: s must \"t\" within 5 weeks assumed working after a");
    assert!(p.contains("`assumed` reads a period in days"), "{p}");
    // Completion and picks take part in cycle checks through due dates only.
    let p = problems(
        "duty d: s must \"t\" within 1 day after earliest(a, e)\nduty e: s must \"t\" within 1 day after latest(d, b)",
    );
    assert!(p.contains("counts from itself"), "{p}");
    let p = problems(
        "fact d_on: date\nduty d: s must \"t\" within 1 day after earliest(a, e done) done d_on\nduty e: s must \"t\" within 1 day after d done done d_on",
    );
    assert!(
        !p.contains("error"),
        "a completion is a fact, no cycle: {p}"
    );
}

/// The language words of deadlines are names everywhere else.
#[test]
fn deadline_words_stay_names_elsewhere() {
    let text = "guidance g \"t\"\nactor s \"S\"\nfact on: date\nfact earliest: date\nfact next: bool\nfact assumed: bool\nfact latest: date\n\
                rule r: next and assumed\nduty d: s must \"t\" when next within 1 day after earliest\n\
                duty e: s must \"t\" within 2 days after latest(on, earliest)\n";
    let p = program(text);
    assert_eq!(p.duties.len(), 2);
}

#[test]
fn the_language_server_hovers_and_completes_the_constructs() {
    let text = std::fs::read_to_string(root().join(POLICY)).unwrap();
    let mut c = crate::lsp::Client::start();
    let u = c.open(POLICY, &text);
    assert!(c.diagnostics(&u).iter().all(|d| d["severity"] != 1));
    let hover = c.at("textDocument/hover", &u, &text, "huddle:", 0);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("an appointment, held on working day 14"),
        "{shown}"
    );
    assert!(
        shown.contains("earliest(send_sin done, briefing_held_on)"),
        "{shown}"
    );
    let hover = c.at("textDocument/hover", &u, &text, "summaries:", 0);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("a window, not before working day 2 and due by working day 10"),
        "{shown}"
    );
    let labels = c.offered(&u, &text, "earliest", 0);
    for want in [
        "earliest",
        "latest",
        "assumed",
        "on",
        "non-working",
        "next",
        "previous",
    ] {
        assert!(
            labels.iter().any(|l| l == want),
            "{want} not offered: {labels:?}"
        );
    }
    c.shutdown();
}

/// A changed appointment (`by day 14` → `on day 14`) or window is a difference with a
/// witness case, confirmed by evaluating it under both versions.
#[test]
fn the_diff_witnesses_a_changed_appointment_and_window() {
    let text = std::fs::read_to_string(root().join(POLICY)).unwrap();
    let dir = root().join("target/clock-diff");
    std::fs::create_dir_all(&dir).unwrap();
    for (old, new, duty) in [
        ("step on day 14 huddle", "step day 14 huddle", "huddle"),
        (
            "step on days 2-10 summaries",
            "step days 2-10 summaries",
            "summaries",
        ),
        ("  not before briefing_held_on\n", "", "gather_chronology"),
    ] {
        let changed = text.replace(old, new);
        assert_ne!(changed, text, "{old}");
        let (a, b) = (dir.join("old.policy"), dir.join("new.policy"));
        std::fs::write(&a, &text).unwrap();
        std::fs::write(&b, &changed).unwrap();
        let (code, json, err) = cspr(&[
            "diff",
            "--format",
            "json",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ]);
        assert!(code == 0 || code == 1, "{err}");
        let v: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        let target = v["semantic"]["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["kind"] == "due" && t["name"] == duty)
            .unwrap_or_else(|| panic!("no due target for {duty}: {json}"));
        assert_eq!(target["verdict"], "different", "{target}");
        let w = &target["witnesses"][0];
        assert_ne!(w["old"], w["new"], "{w}");
        // Both readings, confirmed by the engine: the same day, read differently.
        let (old, new) = (w["old"].as_str().unwrap(), w["new"].as_str().unwrap());
        assert!(
            old.starts_with("on ") || old.contains("not before") || new.contains("not before"),
            "{old} / {new}"
        );
    }
}

// ---------------------------------------------------------------------------------
//  earliest / latest / completion anchors against a brute-force oracle
// ---------------------------------------------------------------------------------

/// A tiny deterministic generator, so one `u64` from proptest is one program.
struct Gen(u64);

impl Gen {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The dates an unknown date fact is tried at: due dates are monotone in every anchor,
/// so a result equal at both ends is equal everywhere between.
const EARLY: &str = "2018-01-02";
const LATE: &str = "2031-01-07";

/// What a random program may use: `once` keeps each unknown thing (a condition's fact, a
/// date fact, a duty) to one use, so the parts of every pick are independent — where
/// the engine's bounds are exact, not just sound.
struct Pool {
    once: bool,
    used: Vec<String>,
}

impl Pool {
    fn take(&mut self, g: &mut Gen, options: &[String]) -> Option<String> {
        let free: Vec<&String> = options
            .iter()
            .filter(|o| !self.once || !self.used.contains(o))
            .collect();
        if free.is_empty() {
            return None;
        }
        let pick = free[g.next(free.len() as u64) as usize].clone();
        self.used.push(pick.clone());
        Some(pick)
    }
}

fn term(g: &mut Gen, pool: &mut Pool, i: usize, depth: u32) -> String {
    let mut leaves: Vec<String> = vec![
        "k0".into(),
        "k1".into(),
        "k2".into(),
        "u0".into(),
        "u1".into(),
    ];
    for j in 0..i {
        leaves.push(format!("d{j}"));
        if j < 2 {
            leaves.push(format!("d{j} done"));
        }
    }
    if depth > 0 && g.next(2) == 0 {
        let kind = if g.next(2) == 0 { "earliest" } else { "latest" };
        let n = 2 + g.next(2) as usize;
        let parts: Vec<String> = (0..n).map(|_| term(g, pool, i, depth - 1)).collect();
        return format!("{kind}({})", parts.join(", "));
    }
    pool.take(g, &leaves)
        .unwrap_or_else(|| ["k0", "k1", "k2"][g.next(3) as usize].to_string())
}

fn random_dates_program(seed: u64, once: bool) -> String {
    let mut g = Gen(seed | 1);
    let mut pool = Pool {
        once,
        used: Vec::new(),
    };
    let mut text = String::from(
        "guidance random \"Random\" calendar england_and_wales\nsource T = \"Tests\"\nactor someone \"Someone\"\n\
         fact b0: bool\nfact b1: bool\nfact b2: bool\n\
         fact k0: date\nfact k1: date\nfact k2: date\nfact u0: date\nfact u1: date\n\
         fact c0: date\nfact c1: date\n",
    );
    for i in 0..4 {
        let anchor = if g.next(3) == 0 {
            let bools = ["b0".to_string(), "b1".to_string(), "b2".to_string()];
            match pool.take(&mut g, &bools) {
                Some(b) => format!(
                    "({} if {b} else {})",
                    term(&mut g, &mut pool, i, 1),
                    term(&mut g, &mut pool, i, 1)
                ),
                None => term(&mut g, &mut pool, i, 2),
            }
        } else {
            term(&mut g, &mut pool, i, 2)
        };
        let unit = ["working days", "days", "months"][g.next(3) as usize];
        let n = g.next(12);
        let shift = if unit != "working days" && g.next(2) == 0 {
            " on a non-working day: next working day"
        } else {
            ""
        };
        let done = if i < 2 {
            format!("\n  done c{i}")
        } else {
            String::new()
        };
        text += &format!(
            "duty d{i} cite T \"{i}\":\n  someone must \"act {i}\"\n  within {n} {unit} after {anchor}{shift}{done}\n"
        );
    }
    text
}

/// A case: the known dates always, some of the rest.
fn random_dates_case(seed: u64) -> BTreeMap<String, String> {
    let mut g = Gen(seed.rotate_left(23) | 1);
    let date = |g: &mut Gen| {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
            + chrono::Duration::days(g.next(60) as i64);
        format!("\"{}\"", d.format("%Y-%m-%d"))
    };
    let mut case = BTreeMap::new();
    for k in ["k0", "k1", "k2"] {
        case.insert(k.to_string(), date(&mut g));
    }
    for u in ["u0", "u1", "c0", "c1"] {
        if g.next(2) == 0 {
            case.insert(u.to_string(), date(&mut g));
        }
    }
    for b in ["b0", "b1", "b2"] {
        if g.next(2) == 0 {
            case.insert(b.to_string(), (g.next(2) == 0).to_string());
        }
    }
    case
}

fn json_of(case: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = case.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// Every due date under one case (`None`: not known).
fn dues(p: &cspr::check::Program, engine: &Engine<'_>, json: &str) -> Vec<Option<String>> {
    dues_from(p, engine, json)
        .into_iter()
        .map(|d| d.map(|(at, _)| at))
        .collect()
}

/// Each duty's due date and the date of the anchor it was counted from.
fn dues_from(
    p: &cspr::check::Program,
    engine: &Engine<'_>,
    json: &str,
) -> Vec<Option<(String, String)>> {
    let eval = engine.evaluate(&case(p, json)).unwrap();
    eval.duties
        .iter()
        .map(|d| d.due.map(|d| (d.at.to_string(), d.from.date.to_string())))
        .collect()
}

/// The oracle: each duty's due date under every completion of the case (every unknown
/// yes/no both ways, every unknown date at both ends of time); `Some` when all agree. With
/// it, whether the anchor's date agreed too.
fn oracle(
    p: &cspr::check::Program,
    engine: &Engine<'_>,
    case: &BTreeMap<String, String>,
) -> Vec<(Option<String>, bool)> {
    let unknown: Vec<&str> = ["b0", "b1", "b2", "u0", "u1", "c0", "c1"]
        .into_iter()
        .filter(|f| !case.contains_key(*f))
        .collect();
    let mut agreed: Option<Vec<Option<(String, String)>>> = None;
    let mut same = vec![true; p.duties.len()];
    let mut same_anchor = vec![true; p.duties.len()];
    for mask in 0..1u32 << unknown.len() {
        let mut full = case.clone();
        for (i, f) in unknown.iter().enumerate() {
            let on = mask >> i & 1 == 1;
            let v = if f.starts_with('b') {
                on.to_string()
            } else {
                format!("\"{}\"", if on { LATE } else { EARLY })
            };
            full.insert((*f).to_string(), v);
        }
        let got = dues_from(p, engine, &json_of(&full));
        match &agreed {
            None => agreed = Some(got),
            Some(first) => {
                for d in 0..same.len() {
                    let at = |x: &Option<(String, String)>| x.as_ref().map(|x| x.0.clone());
                    same[d] &= at(&first[d]) == at(&got[d]);
                    same_anchor[d] &= first[d] == got[d];
                }
            }
        }
    }
    agreed
        .unwrap_or_default()
        .into_iter()
        .zip(same.into_iter().zip(same_anchor))
        .map(|(due, (same, anchor))| (due.map(|d| d.0).filter(|_| same), anchor))
        .collect()
}

/// Whether every due date a duty's clock counts from, link by link, has an anchor every
/// completion agrees on: the documented limit (an unsettled anchor whose every day gives the
/// same due date) leaves that due date unknown, and so every due date counted from it.
/// Read from the generated text: in `within N … after EXPR`, a bare `dK` is duty K's due
/// date, `dK done` its completion (a fact).
fn chain_agrees(text: &str, want: &[(Option<String>, bool)]) -> Vec<bool> {
    let mut uses: Vec<Vec<usize>> = vec![Vec::new(); want.len()];
    let mut current = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("duty d") {
            current = rest.split(' ').next().and_then(|n| n.parse::<usize>().ok());
        } else if let (Some(d), Some((_, expr))) = (current, line.split_once(" after ")) {
            let words: Vec<&str> = expr
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            for (i, w) in words.iter().enumerate() {
                if let Some(k) = w.strip_prefix('d').and_then(|k| k.parse::<usize>().ok())
                    && words.get(i + 1) != Some(&"done")
                    && d < uses.len()
                {
                    uses[d].push(k);
                }
            }
        }
    }
    let mut agrees: Vec<bool> = want.iter().map(|w| w.1).collect();
    // A fixpoint: at most one pass per duty.
    for _ in 0..want.len() {
        for d in 0..want.len() {
            if agrees[d]
                && uses[d]
                    .iter()
                    .any(|&k| !agrees.get(k).copied().unwrap_or(true))
            {
                agrees[d] = false;
            }
        }
    }
    agrees
}

fn check_against_oracle(seed: u64, once: bool) -> Result<(), TestCaseError> {
    let text = random_dates_program(seed, once);
    let checked = cspr::check::check(
        &Source::new("r.policy", text.as_str()),
        &crate::common::TestModules,
    );
    let Some(p) = checked.program else {
        // A cycle through due dates (only when parts may repeat) is refused: fine.
        prop_assert!(!once, "{text}\n{}", render(&checked.problems));
        return Ok(());
    };
    let engine = Engine::new(&p);
    let case = random_dates_case(seed);
    let got = dues(&p, &engine, &json_of(&case));
    let want = oracle(&p, &engine, &case);
    let chain_agrees = chain_agrees(&text, &want);
    for d in 0..p.duties.len() {
        // Sound always: a due date the engine gives is the one every completion gives.
        let (want_due, anchor_agrees) = &want[d];
        if let Some(g) = &got[d] {
            prop_assert_eq!(
                Some(g),
                want_due.as_ref(),
                "d{} of\n{}\ncase {}",
                d,
                text,
                json_of(&case)
            );
        }
        // Exact where the parts are independent: no due date every completion agrees
        // on, counted from an anchor every completion agrees on, is left unknown. (When
        // only the due date agrees — an anchor known to lie between a Friday and the
        // Sunday after, one working day after it — the engine says unknown: a known
        // limit, docs/language.md "Earliest and latest".)
        if once && *anchor_agrees && chain_agrees[d] {
            prop_assert_eq!(
                &got[d],
                want_due,
                "d{} of\n{}\ncase {}",
                d,
                text,
                json_of(&case)
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn picks_and_completions_are_exact_with_independent_parts(seed in any::<u64>()) {
        check_against_oracle(seed, true)?;
    }

    #[test]
    fn picks_and_completions_are_sound_with_shared_parts(seed in any::<u64>()) {
        check_against_oracle(seed, false)?;
    }
}

/// `earliest` of a known date and an unknown one: unknown, unless the unknown one is known
/// to come later (a due date counted after the known one).
#[test]
fn earliest_of_a_known_date_and_a_later_unknown_one_is_known() {
    let p = program(
        "guidance g \"t\" calendar england_and_wales\nactor s \"S\"\nfact a: date\nfact b: date\nfact x: bool\n\
         duty later: s must \"t\" within 5 working days after (a if x else latest(a, b))\n\
         duty first: s must \"t\" within 1 day after earliest(a, later)\n\
         duty unknown: s must \"t\" within 1 day after earliest(a, b)\n\
         duty last: s must \"t\" within 1 day after latest(a, later)\n",
    );
    let engine = Engine::new(&p);
    let eval = engine
        .evaluate(&case(&p, r#"{"a": "2024-03-04"}"#))
        .unwrap();
    let due = |n: usize| eval.duties[n].due.map(|d| d.at.to_string());
    assert_eq!(due(0), None, "later waits on x (and b)");
    assert_eq!(due(1).as_deref(), Some("2024-03-05"), "later comes after a");
    assert_eq!(due(2), None, "b may come first");
    assert_eq!(due(3), None, "later is not known");
    let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
    let cal = cspr::eval::deadline::calendar_of(&p).unwrap();
    assert!(matches!(
        cspr::eval::deadline::status(&p, &eval, 2, day, cal),
        Status::Waiting { fact: Some(_) }
    ));
}

/// The oracle tests are not vacuous: over many seeds, due dates are settled by bounds
/// while a date they read is unknown, and others stay unknown because the answer could go
/// either way.
#[test]
fn the_oracle_programs_exercise_bounds_both_ways() {
    let (mut settled_with_unknowns, mut unknown) = (0, 0);
    for seed in 1..200u64 {
        let text = random_dates_program(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), true);
        let p = program(&text);
        let engine = Engine::new(&p);
        let case = random_dates_case(seed);
        let got = dues(&p, &engine, &json_of(&case));
        for (d, due) in got.iter().enumerate() {
            let reads_unknown = text
                .lines()
                .skip_while(|l| !l.starts_with(&format!("duty d{d} ")))
                .nth(2)
                .is_some_and(|l| {
                    ["u0", "u1"]
                        .iter()
                        .any(|u| l.contains(u) && !case.contains_key(*u))
                });
            match due {
                // Its deadline names a date fact the case leaves unknown, yet it is due.
                Some(_) if reads_unknown => settled_with_unknowns += 1,
                None => unknown += 1,
                _ => {}
            }
        }
    }
    assert!(settled_with_unknowns > 10, "{settled_with_unknowns}");
    assert!(unknown > 10, "{unknown}");
}

/// Found by the property above: duty d2's anchor is a Friday or the Sunday after (unsettled:
/// the documented limit), both counting to the same due date, and d3 counts from d2's due
/// date; d3 stays unknown with it, never wrong.
#[test]
fn a_due_date_counted_from_an_unsettled_anchor_stays_unknown_down_the_chain() {
    check_against_oracle(9893110542417623394, true).unwrap();
}
