//! The defects of issue 14, each pinned by a test that failed before its fix: deadline
//! chains, working days the calendar cannot count, the module resolver's reasons, TOML
//! cases (floats, strings holding brackets), strict date-times, a byte-order mark, and
//! shipped modules built into the binary.

use cspr::eval::Engine;

use crate::common::{case, eval, program};

/// A guidance module whose `n` duties each count from the next one's due date, the last
/// from a fact: resolving `d0` walks the whole chain.
fn chain_policy(n: usize) -> String {
    let mut s = String::from(
        "guidance g \"t\"\n  calendar england_and_wales\nsource S = \"s\"\nfact start: date ask \"s\"\n",
    );
    for i in 0..n - 1 {
        s.push_str(&format!(
            "duty d{i} cite S \"1\": a must \"x\" within 1 days after d{}\n",
            i + 1
        ));
    }
    s.push_str(&format!(
        "duty d{} cite S \"1\": a must \"x\" within 1 days after start\n",
        n - 1
    ));
    s
}

#[test]
fn a_long_chain_of_deadline_anchors_resolves_without_recursion() {
    let n = 3000;
    let p = program(&chain_policy(n));
    let c = case(&p, r#"{"start": "2024-03-04"}"#);
    // A small stack: resolution that recursed once per duty overflowed it.
    let due = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let e = Engine::new(&p).evaluate(&c).expect("evaluates");
            e.duties[0].due.map(|d| d.at.to_string())
        })
        .expect("thread")
        .join()
        .expect("no stack overflow");
    // 3000 calendar days after 2024-03-04.
    assert_eq!(due.as_deref(), Some("2032-05-21"));
}

/// One duty due `deadline` after the fact `start`.
fn one_duty(calendar: bool, deadline: &str) -> cspr::check::Program {
    program(&format!(
        "guidance g \"t\"\n{}source S = \"s\"\nfact start: date ask \"s\"\nduty d cite S \"1\": a must \"x\" {deadline} after start\n",
        if calendar {
            "  calendar england_and_wales\n"
        } else {
            ""
        }
    ))
}

fn status_text(p: &cspr::check::Program, start: &str, as_of: &str) -> (String, String) {
    let e = eval(p, &format!(r#"{{"start": "{start}"}}"#));
    let day = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d").unwrap();
    let text = cspr::report::DeadlineView::new(p, &e, 0, day).describe();
    (text, cspr::report::eval_json(p, &e, day))
}

#[test]
fn working_days_the_calendar_cannot_count_are_never_guessed() {
    // Due in 2010, before the calendar's first year: the count used to fall back to
    // calendar days ("overdue by 5172 working days").
    let p = one_duty(true, "within 1 months");
    let (text, json) = status_text(&p, "2010-01-04", "2024-03-08");
    assert_eq!(
        text,
        "overdue (cannot count working days outside 2015–2099, the years the england_and_wales calendar answers)"
    );
    assert!(
        json.contains(r#""status":"overdue","working_days":null"#),
        "{json}"
    );
    // Pending far beyond the calendar's last year.
    let (text, _) = status_text(&p, "2105-01-04", "2024-03-08");
    assert!(
        text.starts_with("pending (cannot count working days"),
        "{text}"
    );
    // No calendar named: no working days to count at all.
    let p = one_duty(false, "within 10 days");
    let (text, json) = status_text(&p, "2024-03-04", "2024-03-20");
    assert_eq!(
        text,
        "overdue (cannot count working days: the procedure names no calendar)"
    );
    assert!(json.contains(r#""working_days":null"#), "{json}");
}

#[test]
fn overdue_from_a_saturday_judged_on_the_sunday_is_not_overdue_by_0_days() {
    // Monday 4 March 2024 + 5 days = Saturday 9 March; judged on Sunday 10 March.
    let p = one_duty(true, "within 5 days");
    let (text, json) = status_text(&p, "2024-03-04", "2024-03-10");
    assert_eq!(text, "overdue: the due date fell on a non-working day");
    assert!(
        json.contains(r#""status":"overdue","working_days":0"#),
        "{json}"
    );
    // And on the Monday after, one working day late.
    let (text, _) = status_text(&p, "2024-03-04", "2024-03-11");
    assert_eq!(text, "overdue by 1 working day");
}
