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

/// The quoted words of the grammar rule `name` (one line of `grammar/policy.pest`).
fn grammar_words(name: &str) -> Vec<String> {
    let grammar =
        std::fs::read_to_string(crate::common::root().join("grammar/policy.pest")).unwrap();
    let line = grammar
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no rule {name}"));
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn parse_duty(text: &str) -> cspr::syntax::ast::DutyDecl {
    let module = cspr::syntax::parse(&cspr::diagnostic::Source::new("t.policy", text))
        .unwrap_or_else(|ps| panic!("{}", crate::common::render(&ps)));
    module
        .items
        .into_iter()
        .find_map(|i| match i {
            cspr::syntax::ast::Item::Duty(d) => Some(d),
            _ => None,
        })
        .unwrap()
}

#[test]
fn every_unit_and_modality_word_of_the_grammar_is_read_as_itself() {
    // The converter once read any unit it did not know as months and any modality as
    // `may`: a word added to the grammar would have weakened an obligation silently.
    let head = "guidance g \"t\"\nsource S = \"s\"\nfact st: date ask \"s\"\n";
    let mut units = grammar_words("calendar_unit");
    units.extend(
        grammar_words("day_word")
            .iter()
            .map(|w| format!("working {w}")),
    );
    assert!(units.len() >= 10, "{units:?}");
    for word in units {
        let duty = parse_duty(&format!(
            "{head}duty d cite S \"1\": a must \"x\" within 2 {word} after st\n"
        ));
        let unit = format!("{:?}", duty.deadline.unwrap().unit).to_lowercase();
        let expected = format!("{}s", word.trim_end_matches('s')).replace(' ', "");
        assert_eq!(unit, expected, "`{word}`");
    }
    for kw in ["kw_must", "kw_should", "kw_may"] {
        let word = &grammar_words(kw)[0];
        let duty = parse_duty(&format!("{head}duty d cite S \"1\": a {word} \"x\"\n"));
        assert_eq!(format!("{:?}", duty.modality).to_lowercase(), *word);
    }
}
