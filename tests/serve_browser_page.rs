//! The browser interview's pages as the library renders them (`report::interview_page`),
//! without a browser: how each kind of question is asked, that answers are read as the
//! REPL reads them, that the case travels in the forms and nowhere else, and that
//! everything a case or a policy says is escaped. The same pages in a real browser:
//! `serve_browser.rs`.

use cspr::check::Program;
use cspr::eval::{Case, Engine};
use cspr::repl::{Changes, save};
use cspr::report::Report;
use cspr::report::interview_page::{self as page, Carried, Choice, Interview};

use crate::common::{program, program_file};

fn as_of() -> chrono::NaiveDate {
    cspr::case::parse_date("2024-04-10").unwrap()
}

/// The interview page of `case`, after `answers` (fact, values) given one by one, with a
/// why and a what-if when asked.
fn render(
    p: &Program,
    answers: &[(&str, &[&str])],
    why: Option<&str>,
    what_if: Option<(&str, &str)>,
) -> String {
    let engine = Engine::new(p);
    let mut case = Case::empty(p);
    let mut said = String::new();
    let mut before = engine.evaluate(&case).unwrap();
    for (fact, values) in answers {
        before = engine.evaluate(&case).unwrap();
        said = page::answer(p, &mut case, fact, values).unwrap();
    }
    let eval = engine.evaluate(&case).unwrap();
    let changes = Changes::between(p, &before, &eval);
    let report = Report::new(p, &eval, as_of());
    let explanation = why.and_then(|n| page::explain(&report, n));
    let trial = what_if.map(|(fact, value)| {
        let mut c = case.clone();
        let s = page::answer(p, &mut c, fact, &[value]).unwrap();
        (s, engine.evaluate(&c).unwrap())
    });
    let trial_changes = trial.as_ref().map(|(_, e)| Changes::between(p, &eval, e));
    let trial_report = trial.as_ref().map(|(_, e)| Report::new(p, e, as_of()));
    let carried = Carried {
        procedure: &p.entry().id,
        case: save::to_json_text(p, &case),
        skipped: Vec::new(),
        as_of: as_of(),
    };
    let choices = [Choice {
        id: &p.entry().id,
        title: &p.entry().title,
        version: p.entry().version,
    }];
    page::interview(&Interview {
        choices: &choices,
        report: &report,
        carried: &carried,
        skipped: &[],
        edition_note: None,
        changed: (!answers.is_empty()).then_some((said.as_str(), &changes)),
        why: explanation.as_ref(),
        what_if: match (&trial, &trial_changes, &trial_report) {
            (Some((s, _)), Some(c), Some(r)) => Some((s.as_str(), c, r)),
            _ => None,
        },
        problems: &[],
    })
}

#[test]
fn each_kind_of_question_is_asked_with_its_own_control() {
    let p = program_file("policies/buckinghamshire.policy");
    let html = render(&p, &[], None, None);
    // The first question (the next) is framed; yes/no are two buttons.
    assert_eq!(html.matches("class=\"question next\"").count(), 1);
    let died = &html[html.find("<fieldset id=\"q-child_died\">").unwrap()..];
    let died = &died[..died.find("</form>").unwrap()];
    assert!(
        died.contains(
            "<button type=\"submit\" name=\"value\" value=\"true\" class=\"yes\">Yes</button>"
        ),
        "{died}"
    );
    // A choice is radio buttons labelled in words, a set check boxes.
    assert!(html.contains(
        "<input type=\"radio\" name=\"value\" value=\"not_suspected\"> Not suspected</label>"
    ));
    // Dates are asked once a deadline waits for them.
    let html = render(
        &p,
        &[("child_died", &["yes"]), ("abuse_or_neglect", &["known"])],
        None,
        None,
    );
    assert!(
        html.contains("<input type=\"date\" name=\"value\""),
        "no date question"
    );
}

#[test]
fn answers_are_read_as_the_repl_reads_them() {
    let p = program_file("policies/buckinghamshire.policy");
    let mut case = Case::empty(&p);
    assert_eq!(
        page::answer(&p, &mut case, "child_died", &["yes"]).unwrap(),
        "child_died = true"
    );
    assert_eq!(
        page::answer(&p, &mut case, "review_decided_on", &["04/03/2024"]).unwrap(),
        "review_decided_on = 4 March 2024"
    );
    page::answer(
        &p,
        &mut case,
        "parallel_processes",
        &["criminal_investigation", "coroner_inquiry"],
    )
    .unwrap();
    let json = save::to_json_text(&p, &case);
    assert!(
        json.contains("\"review_decided_on\": \"2024-03-04\""),
        "{json}"
    );
    assert!(
        json.contains("\"criminal_investigation\",\n    \"coroner_inquiry\""),
        "{json}"
    );
    // A wrong answer is a problem, naming the fact; the case is unchanged.
    for (fact, value) in [
        ("child_died", "perhaps"),
        ("review_decided_on", "31/02/2024"),
        ("no_such_fact", "yes"),
        ("child_died", ""),
    ] {
        let problems = page::answer(&p, &mut case, fact, &[value]).unwrap_err();
        assert!(!problems.is_empty());
    }
    assert_eq!(save::to_json_text(&p, &case), json);
}

/// The case is in every form's hidden `case` field, and nowhere in an address.
#[test]
fn the_case_travels_in_the_forms_only() {
    let p = program_file("policies/lincolnshire.policy");
    let html = render(&p, &[("child_died", &["no"])], None, None);
    let forms = html.matches("<form method=\"post\"").count();
    let carried = html.matches("<input type=\"hidden\" name=\"case\"").count();
    assert!(forms > 3);
    // Every form but the upload's (which sends a file) carries the case.
    assert_eq!(carried, forms - 1);
    assert!(html.contains("&quot;child_died&quot;: false"));
    assert!(!html.contains("method=\"get\""));
    assert!(!html.contains("?case"));
    // Nothing inline for a Content-Security-Policy without 'unsafe-inline' to refuse.
    assert!(!html.contains("style=\""));
    assert!(!html.contains("<style"));
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script src=\"/ui/interview.js\" defer></script>"));
    let handler = html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        name > 0 && rest[name..].starts_with('=')
    });
    assert!(!handler, "an event handler attribute");
}

const HOSTILE: &str = r#"
guidance hostile "Procedure <b>bold</b> & \"quoted\""
  version 2024-01-01
  calendar england_and_wales
source H = "Source <i>"
actor chair "Chair <script>alert('actor')</script>"
fact notes: text ask "What <script>alert('ask')</script> happened?"
fact serious: bool ask "Serious & <urgent>?"
fact start: date ask "Start?"
rule flagged cite H "para <1>":
  serious and notes = "<script>alert('rule')</script>"
decision route cite H "<route>":
  escalate when flagged cite H "p&2"
  otherwise wait cite H "p3"
duty act cite H "<em>4</em>":
  chair must "do <img src=x onerror=alert('duty')> now"
  when serious
  within 2 working days after start
"#;

#[test]
fn everything_a_case_or_policy_says_is_escaped() {
    let p = program(HOSTILE);
    let payload = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&";
    let html = render(
        &p,
        &[
            ("notes", &[payload]),
            ("serious", &["yes"]),
            ("start", &["2024-04-08"]),
        ],
        Some("route"),
        Some(("notes", "<b>what</b> <script>alert('if')</script>")),
    );
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    for bad in [
        "<script>alert",
        "<img",
        "<b>bold",
        "<b>what",
        "<em>4",
        "<urgent>",
        "<route>",
        "<i>",
        "onerror=alert(1)>",
    ] {
        assert!(!html.contains(bad), "`{bad}` reached the page unescaped");
    }
    for shown in [
        "Procedure &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;",
        "What &lt;script&gt;alert(&#39;ask&#39;)&lt;/script&gt; happened?",
        "do &lt;img src=x onerror=alert(&#39;duty&#39;)&gt; now",
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
        "&lt;b&gt;what&lt;/b&gt;",
    ] {
        assert!(html.contains(shown), "`{shown}` is not shown as text");
    }
}
