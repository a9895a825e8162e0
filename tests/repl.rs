//! The `cspr repl` backend (`cspr::repl::Session`), driven directly: every command, the
//! what-changed diffs, the interview's order and termination on each shipped procedure,
//! `use` across procedures, and `reload` after an edit that breaks the policy.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::NaiveDate;
use cspr::Problem;
use cspr::check::{Program, Resolver, check_onto};
use cspr::diagnostic::Source;
use cspr::repl::{Block, Changes, Host, Question, Reply, Session};

use crate::common::{TestModules, render, root};

/// Files in memory: policies by path (editable), case files read and written.
#[derive(Default)]
pub struct MemHost {
    files: RefCell<HashMap<String, String>>,
}

impl MemHost {
    fn with(files: &[(&str, &str)]) -> MemHost {
        let host = MemHost::default();
        for (p, t) in files {
            host.put(p, t);
        }
        host
    }
    fn put(&self, path: &str, text: &str) {
        self.files.borrow_mut().insert(path.into(), text.into());
    }
    fn get(&self, path: &str) -> Option<String> {
        self.files.borrow().get(path).cloned()
    }
}

impl Host for MemHost {
    fn load_procedure(
        &self,
        name: &str,
        edition: Option<&str>,
    ) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
        let source = match self.get(name) {
            Some(text) => Source::new(name, text),
            None => TestModules.resolve(name).ok_or_else(|| {
                vec![Problem::error(
                    "cspr::input",
                    format!("no procedure `{name}`"),
                )]
            })?,
        };
        let checked = check_onto(&source, &TestModules, edition);
        match checked.program {
            Some(p) => Ok((p, checked.problems)),
            None => Err(checked.problems),
        }
    }
    fn read_case(&self, path: &str) -> Result<Source, Problem> {
        if let Some(text) = self.get(path) {
            return Ok(Source::new(path, text));
        }
        std::fs::read_to_string(root().join(path))
            .map(|t| Source::new(path, t))
            .map_err(|e| Problem::error("cspr::input", format!("cannot read `{path}`: {e}")))
    }
    fn write_case(&self, path: &str, text: &str) -> Result<(), Problem> {
        self.put(path, text);
        Ok(())
    }
    fn procedures(&self) -> Vec<String> {
        SHIPPED.iter().map(|s| s.to_string()).collect()
    }
}

const SHIPPED: [&str; 5] = [
    "working_together_2018",
    "working_together_2023",
    "buckinghamshire",
    "lincolnshire",
    "walsall",
];

fn day(s: &str) -> NaiveDate {
    cspr::case::parse_date(s).unwrap()
}

fn start(host: &MemHost, procedure: &str) -> Session {
    let (program, _) = host
        .load_procedure(procedure, None)
        .unwrap_or_else(|ps| panic!("{}", render(&ps)));
    Session::new(program, procedure, None, day("2024-03-20"))
}

/// Run a line that must succeed.
fn ok(s: &mut Session, host: &MemHost, line: &str) -> Reply {
    s.run(host, line)
        .unwrap_or_else(|ps| panic!("`{line}` failed:\n{}", render(&ps)))
}

/// Run a line that must fail; its problems rendered.
fn fails(s: &mut Session, host: &MemHost, line: &str) -> String {
    match s.run(host, line) {
        Ok(r) => panic!("`{line}` succeeded: {r:?}"),
        Err(ps) => render(&ps),
    }
}

fn text(reply: &Reply) -> String {
    reply
        .blocks
        .iter()
        .map(|b| match b {
            Block::Report(t) | Block::Note(t) => t.clone(),
            Block::Changes(c) => cspr::repl::changes::render(c),
            Block::Question(q) => format!("? {}\n", q.ask),
            Block::NotCarried(n) => n.iter().map(|n| format!("{n}\n")).collect(),
            Block::Problems(ps) => render(ps),
            Block::Compared(cs) => cs
                .iter()
                .map(|c| format!("{}\n", c.program.entry().id))
                .collect(),
        })
        .collect()
}

fn changes(reply: &Reply) -> &Changes {
    reply
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Changes(c) => Some(c),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no changes in {reply:?}"))
}

fn question(reply: &Reply) -> Option<&Question> {
    reply.blocks.iter().find_map(|b| match b {
        Block::Question(q) => Some(q),
        _ => None,
    })
}

fn outcome(s: &Session, name: &str) -> String {
    let program = s.program();
    crate::common::outcome(program, s.evaluation().unwrap(), name)
}

#[test]
fn set_shows_only_what_changed() {
    let host = MemHost::default();
    let mut s = start(&host, "working_together_2018");
    let c = changes(&ok(&mut s, &host, "set abuse_or_neglect = known")).clone();
    assert!(c.outcomes.is_empty(), "nothing settled by one fact: {c:?}");
    let c = changes(&ok(&mut s, &host, "set child_died = true")).clone();
    let serious = c
        .outcomes
        .iter()
        .find(|o| o.name == "serious_child_safeguarding_case")
        .expect("settled");
    assert_eq!(
        (serious.before.as_deref(), serious.after.as_deref()),
        (None, Some("true"))
    );
    assert!(
        c.missing.1 < c.missing.0,
        "fewer facts missing: {:?}",
        c.missing
    );
    ok(&mut s, &host, "set incident_location = in_area");
    // Aware Monday 4 March 2024: 5 working days → Monday 11 March (docs/dates.md).
    let c = changes(&ok(&mut s, &host, "set la_aware_on = 2024-03-04")).clone();
    let due = c
        .dues
        .iter()
        .find(|d| d.name == "notify_national_panel")
        .expect("a due date appeared");
    assert_eq!(
        (due.before.as_deref(), due.after.as_deref()),
        (None, Some("2024-03-11"))
    );
    assert!(
        c.outcomes.is_empty() && c.duties.is_empty(),
        "only the date: {c:?}"
    );
    // Moving the date moves the deadline, and says from where.
    let c = changes(&ok(&mut s, &host, "set la_aware_on = 2024-03-05")).clone();
    let due = c
        .dues
        .iter()
        .find(|d| d.name == "notify_national_panel")
        .expect("moved");
    assert_eq!(
        (due.before.as_deref(), due.after.as_deref()),
        (Some("2024-03-11"), Some("2024-03-12"))
    );
    // Unsetting takes it back, marked as unsettled again.
    let c = changes(&ok(&mut s, &host, "unset child_died")).clone();
    let serious = c
        .outcomes
        .iter()
        .find(|o| o.name == "serious_child_safeguarding_case")
        .expect("unsettled");
    assert_eq!(serious.after, None);
    assert!(cspr::repl::changes::render(&c).contains("- Serious child safeguarding case"));
    // Setting a fact to the value it has changes nothing.
    let c = changes(&ok(&mut s, &host, "set la_aware_on = 2024-03-05")).clone();
    assert!(c.is_empty());
    assert!(cspr::repl::changes::render(&c).contains("no outcome, duty or deadline changed"));
}

#[test]
fn values_and_expressions_get_a_policys_errors() {
    let host = MemHost::default();
    let mut s = start(&host, "lincolnshire");
    let e = fails(&mut s, &host, "set setting = polce_custody");
    assert!(e.contains("did you mean `police_custody`"), "{e}");
    let e = fails(&mut s, &host, "set child_deid = true");
    assert!(e.contains("did you mean `child_died`"), "{e}");
    let e = fails(&mut s, &host, "set child_died = perhaps");
    assert!(e.contains("`true` or `false`"), "{e}");
    let e = fails(&mut s, &host, "set la_aware_on = 2024-02-30");
    assert!(e.contains("no such"), "{e}");
    let e = fails(&mut s, &host, "set pathway = rapid_review");
    assert!(e.contains("worked out by the procedure"), "{e}");
    let e = fails(&mut s, &host, "? child_died and not child_lookd_after");
    assert!(e.contains("did you mean `child_looked_after`"), "{e}");
    let e = fails(&mut s, &host, "? child_died and");
    assert!(e.contains("expected"), "{e}");
    let e = fails(&mut s, &host, "? setting = polce_custody");
    assert!(e.contains("did you mean `police_custody`"), "{e}");
    let e = fails(&mut s, &host, "sett child_died = true");
    assert!(e.contains("did you mean `set`"), "{e}");
    // Nothing failed changed the case.
    assert!(s.case().facts().iter().all(Option::is_none));
    // Sets, date-times and text are values too.
    ok(&mut s, &host, "set child_died = true");
    assert_eq!(
        text(&ok(
            &mut s,
            &host,
            "? child_died and not child_looked_after"
        )),
        "undetermined: depends on child_looked_after"
    );
    ok(&mut s, &host, "set child_looked_after = false");
    assert_eq!(
        text(&ok(
            &mut s,
            &host,
            "? child_died and not child_looked_after"
        )),
        "true"
    );
    assert_eq!(
        text(&ok(&mut s, &host, "? setting")),
        "undetermined: depends on setting"
    );
}

#[test]
fn every_command_answers() {
    let host = MemHost::default();
    let mut s = start(&host, "lincolnshire");
    assert!(text(&ok(&mut s, &host, "help")).contains("what-if"));
    assert!(text(&ok(&mut s, &host, "help ask")).contains("interview"));
    assert!(fails(&mut s, &host, "help sett").contains("did you mean `set`"));
    let loaded = text(&ok(
        &mut s,
        &host,
        "load policies/examples/lincolnshire-incomplete.json",
    ));
    assert!(loaded.starts_with("loaded 8 facts"), "{loaded}");
    let eval = text(&ok(&mut s, &host, "eval"));
    assert!(
        eval.contains("\nOutcomes\n") && eval.contains("\nDuties\n"),
        "{eval}"
    );
    let outcomes = text(&ok(&mut s, &host, "outcomes"));
    assert!(
        outcomes.starts_with("Outcomes\n") && !outcomes.contains("Duties"),
        "{outcomes}"
    );
    let duties = text(&ok(&mut s, &host, "duties"));
    assert!(
        duties.starts_with("Duties\n") && !duties.contains("Still unknown"),
        "{duties}"
    );
    let missing = text(&ok(&mut s, &host, "missing"));
    assert!(
        missing.starts_with("Still unknown") && missing.contains("assurance_executive_agrees"),
        "{missing}"
    );
    let timeline = text(&ok(&mut s, &host, "timeline"));
    assert!(timeline.contains("as of 2024-03-20"), "{timeline}");
    ok(&mut s, &host, "as-of 2024-05-10");
    assert!(text(&ok(&mut s, &host, "timeline")).contains("as of 2024-05-10"));
    assert!(fails(&mut s, &host, "as-of 2024-13-01").contains("not a real date"));
    let why = text(&ok(&mut s, &host, "why pathway"));
    assert!(why.starts_with("pathway is undetermined"), "{why}");
    let why_not = text(&ok(&mut s, &host, "why not pathway = rapid_review"));
    assert!(why_not.contains("rapid_review"), "{why_not}");
    assert!(fails(&mut s, &host, "why not pathway = rapid").contains("rapid_review"));
    assert!(fails(&mut s, &host, "why pathwy").contains("did you mean `pathway`"));
    assert!(fails(&mut s, &host, "why child_died").contains("fact of the case"));
    let duty = text(&ok(&mut s, &host, "why submit_referral_form"));
    assert!(duty.contains("submit_referral_form"), "{duty}");
    // what-if changes nothing in the case.
    let before = s.case().clone();
    let r = ok(
        &mut s,
        &host,
        "what-if assurance_executive_agrees = true, child_looked_after = true",
    );
    assert!(
        text(&r)
            .starts_with("what if assurance_executive_agrees = true, child_looked_after = true")
    );
    let c = changes(&r);
    assert!(
        c.outcomes
            .iter()
            .any(|o| o.name == "pathway" && o.after.as_deref() == Some("rapid_review")),
        "{c:?}"
    );
    assert_eq!(s.case(), &before);
    assert_eq!(outcome(&s, "pathway"), "undetermined");
    // compare: every procedure, the case carried to each by name.
    let r = ok(&mut s, &host, "compare");
    let compared = r.blocks.iter().find_map(|b| match b {
        Block::Compared(c) => Some(c),
        _ => None,
    });
    let ids: Vec<&str> = compared
        .unwrap()
        .iter()
        .map(|c| c.program.entry().id.as_str())
        .collect();
    assert_eq!(ids, SHIPPED);
    let r = ok(&mut s, &host, "compare walsall, lincolnshire");
    assert!(
        text(&r).starts_with("walsall\nlincolnshire\n"),
        "{}",
        text(&r)
    );
    assert!(fails(&mut s, &host, "compare walsal").contains("no procedure"));
    let facts = text(&ok(&mut s, &host, "facts"));
    assert!(
        facts.contains("\"referred_by\": \"partner_agency\""),
        "{facts}"
    );
    assert!(ok(&mut s, &host, "quit").quit);
    assert!(ok(&mut s, &host, "   ").blocks.is_empty());
    assert!(ok(&mut s, &host, "# a comment").blocks.is_empty());
    assert!(fails(&mut s, &host, "eval now").contains("takes no arguments"));
    assert!(fails(&mut s, &host, "set child_died").contains("FACT = VALUE"));
}

#[test]
fn save_writes_a_case_file_that_loads_back() {
    let host = MemHost::default();
    let mut s = start(&host, "lincolnshire");
    ok(
        &mut s,
        &host,
        "load policies/examples/lincolnshire-incomplete.json",
    );
    ok(&mut s, &host, "set la_aware_on = 2024-05-02");
    for file in ["case.json", "case.toml"] {
        assert_eq!(
            text(&ok(&mut s, &host, &format!("save {file}"))),
            format!("saved 8 facts to {file}")
        );
        let mut again = start(&host, "lincolnshire");
        ok(&mut again, &host, &format!("load {file}"));
        assert_eq!(again.case().facts(), s.case().facts(), "{file} round-trips");
        assert_eq!(again.case().id, s.case().id);
    }
    assert!(
        host.get("case.toml")
            .unwrap()
            .contains("la_aware_on = \"2024-05-02\"")
    );
    assert!(fails(&mut s, &host, "save case.txt").contains("format"));
    assert!(fails(&mut s, &host, "load policies/examples/batch.jsonl").contains("not a batch"));
    let e = fails(
        &mut s,
        &host,
        "load policies/examples/buckinghamshire-custody-death.json",
    );
    assert!(e.contains("not a fact"), "{e}");
}

#[test]
fn use_carries_the_case_and_says_what_did_not_carry() {
    let host = MemHost::default();
    let mut s = start(&host, "lincolnshire");
    ok(&mut s, &host, "set child_died = true");
    ok(&mut s, &host, "set coroner_involved = true");
    ok(&mut s, &host, "set setting = police_custody");
    let r = ok(&mut s, &host, "use buckinghamshire");
    let lost = r.blocks.iter().find_map(|b| match b {
        Block::NotCarried(n) => Some(n),
        _ => None,
    });
    let lost: Vec<&str> = lost
        .expect("something did not carry")
        .iter()
        .map(|n| n.fact())
        .collect();
    assert_eq!(lost, ["coroner_involved"]);
    assert_eq!(s.program().entry().id, "buckinghamshire");
    assert!(s.case().is_for(s.program()));
    // BSCP 8.2.8: a death in custody calls for an LCSPR whatever else is known.
    assert_eq!(outcome(&s, "lcspr_required"), "true");
    assert!(fails(&mut s, &host, "use linconshire").contains("no procedure"));
    assert_eq!(
        s.program().entry().id,
        "buckinghamshire",
        "a failed use keeps the procedure"
    );
}

const LOCAL: &str = r#"procedure local "A local procedure"
  extends base

source LP = "Local procedure"

rule worried cite LP "1":
  serious
"#;

#[test]
fn use_with_guidance_puts_the_procedure_on_another_edition() {
    let host = MemHost::with(&[("local.policy", LOCAL)]);
    let mut s = start(&host, "local.policy");
    ok(&mut s, &host, "set abuse_or_neglect = suspected");
    ok(&mut s, &host, "set child_died = true");
    let r = ok(&mut s, &host, "use local.policy --guidance base_next");
    assert!(text(&r).contains("on base_next"), "{}", text(&r));
    assert_eq!(s.program().rebased_onto.as_deref(), Some("base_next"));
    // base_next dropped `suspected`: the value cannot carry.
    assert!(
        text(&r).contains("`abuse_or_neglect = suspected`"),
        "{}",
        text(&r)
    );
    assert!(fails(&mut s, &host, "use local.policy --guidance base_nxt").contains("base_next"));
}

#[test]
fn reload_after_a_broken_edit_keeps_the_session_working() {
    let host = MemHost::with(&[("local.policy", LOCAL)]);
    let mut s = start(&host, "local.policy");
    ok(&mut s, &host, "set child_died = true");
    ok(&mut s, &host, "set abuse_or_neglect = known");
    assert_eq!(outcome(&s, "worried"), "true");
    host.put(
        "local.policy",
        &LOCAL.replace("  serious\n", "  serious and\n"),
    );
    let e = fails(&mut s, &host, "reload");
    assert!(
        e.contains("local.policy") && e.contains("expected"),
        "located in the file: {e}"
    );
    // The session goes on with the procedure it had, and the case.
    assert_eq!(outcome(&s, "worried"), "true");
    ok(&mut s, &host, "set child_died = false");
    assert_eq!(outcome(&s, "worried"), "false");
    host.put(
        "local.policy",
        &LOCAL.replace("  serious\n", "  not serious\n"),
    );
    let r = ok(&mut s, &host, "reload");
    assert!(text(&r).starts_with("reloaded"), "{}", text(&r));
    let c = changes(&r);
    assert_eq!(
        c.outcomes
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["worried"]
    );
    assert_eq!(outcome(&s, "worried"), "true");
    assert_eq!(
        s.case().facts().iter().filter(|f| f.is_some()).count(),
        2,
        "the case is kept"
    );
}

/// Answer every question with `pick` until the interview ends; returns the facts asked.
fn interview(s: &mut Session, host: &MemHost, pick: impl Fn(&Question) -> String) -> Vec<String> {
    let mut asked = Vec::new();
    let mut reply = ok(s, host, "ask");
    let limit = s.program().facts.len();
    while let Some(q) = question(&reply).cloned() {
        assert!(asked.len() <= limit, "more questions than facts: {asked:?}");
        let eval = s.evaluation().unwrap();
        // Only a fact that could still change something is asked.
        let matters = eval.missing.contains(&q.fact) || !q.dates.is_empty();
        assert!(matters, "`{}` cannot change anything", q.name);
        assert!(
            eval.facts[q.fact].is_none() && !asked.contains(&q.name),
            "`{}` asked again",
            q.name
        );
        // In the procedure's order: no open fact not yet asked belongs to an earlier stage.
        let earliest = cspr::repl::interview::order(s.program(), eval)
            .into_iter()
            .filter(|(f, _)| !asked.contains(&s.program().facts[*f].name))
            .map(|(_, stage)| stage)
            .min();
        assert_eq!(
            Some(q.stage),
            earliest,
            "`{}` is asked before an earlier stage",
            q.name
        );
        asked.push(q.name.clone());
        reply = ok(s, host, &pick(&q));
    }
    assert!(s.question().is_none(), "the interview ended");
    asked
}

/// Answers: the first choice, a date for dates, skip for the rest.
fn first_choice(q: &Question) -> String {
    if !q.choices.is_empty() {
        "1".into()
    } else if q.ty == "date" {
        "2024-03-04".into()
    } else if q.ty == "date-time" {
        "2024-03-04T09:30".into()
    } else if q.ty == "integer" {
        "15".into()
    } else {
        "skip".into()
    }
}

#[test]
fn the_interview_ends_on_every_shipped_procedure() {
    for id in SHIPPED {
        let host = MemHost::default();
        for pick in [
            first_choice as fn(&Question) -> String,
            |_: &Question| "skip".to_string(),
            |q: &Question| {
                if q.choices.len() > 1 {
                    "2".into()
                } else {
                    first_choice(q)
                }
            },
        ] {
            let mut s = start(&host, id);
            let asked = interview(&mut s, &host, pick);
            assert!(!asked.is_empty(), "{id}: something to ask of an empty case");
            // Ended because nothing more can be settled by a question.
            let mut again = ok(&mut s, &host, "ask");
            while question(&again).is_some() {
                again = ok(&mut s, &host, "skip");
            }
            assert!(
                text(&again).contains("no question left")
                    || text(&again).contains("nothing is missing")
            );
        }
    }
}

#[test]
fn an_incomplete_lincolnshire_referral_is_taken_to_a_pathway_by_ask() {
    let host = MemHost::default();
    let mut s = start(&host, "lincolnshire");
    ok(
        &mut s,
        &host,
        "load policies/examples/lincolnshire-incomplete.json",
    );
    assert_eq!(outcome(&s, "pathway"), "undetermined");
    let reply = ok(&mut s, &host, "ask");
    let q = question(&reply).expect("a question");
    assert_eq!(
        q.name, "incident_location",
        "whether the case is notifiable comes first"
    );
    // Skipping walks the stages in order, up to the route (the Assurance Executive's
    // agreement to a Rapid Review).
    let mut q = q.clone();
    let mut stage = q.stage;
    while q.name != "assurance_executive_agrees" {
        let reply = ok(&mut s, &host, "skip");
        q = question(&reply).expect("a question").clone();
        assert!(
            q.stage >= stage,
            "`{}` is asked after a later stage",
            q.name
        );
        assert_ne!(
            q.name, "published_on",
            "publication is asked after the route"
        );
        stage = q.stage;
    }
    assert!(q.settles.contains(&"pathway".to_string()));
    assert_eq!(q.choices, ["yes", "no"]);
    assert_eq!(q.ty, "yes or no");
    let r = ok(&mut s, &host, "1");
    assert!(
        changes(&r)
            .outcomes
            .iter()
            .any(|o| o.name == "pathway" && o.after.as_deref() == Some("rapid_review"))
    );
    assert_eq!(outcome(&s, "pathway"), "rapid_review");
    // The Appendix C deadlines, counted from the referral: day 15 is the report.
    let report = changes(&r)
        .duties
        .iter()
        .find(|d| d.name == "rapid_review_report")
        .expect("now applies");
    assert_eq!(report.after.as_deref(), Some("applies"));
    let Some(cspr::check::Name::Duty(d)) = s.program().lookup("rapid_review_report") else {
        panic!()
    };
    let due = s.evaluation().unwrap().duties[d].due.expect("dated");
    assert_eq!(due.at.to_string(), "2024-05-23");
    // The interview goes on to what is still open; a bad answer keeps the question, and
    // `stop` ends it.
    assert!(question(&r).is_some());
    // A command in the middle of the interview runs, and the question is asked again.
    let r = ok(&mut s, &host, "why pathway");
    assert!(
        text(&r).starts_with("pathway = rapid_review"),
        "{}",
        text(&r)
    );
    assert_eq!(question(&r).map(|q| &q.name), s.question().map(|q| &q.name));
    let bad = fails(&mut s, &host, "maybe");
    assert!(bad.contains("skip"), "a bad answer says how to skip: {bad}");
    assert!(s.question().is_some(), "a bad answer keeps the question");
    assert_eq!(text(&ok(&mut s, &host, "stop")), "interview stopped");
    assert!(s.question().is_none());
}

/// The core's one-value and one-expression checks, used directly.
#[test]
fn check_types_one_value_and_one_expression_against_a_program() {
    use cspr::value::{Type, Value};
    let host = MemHost::default();
    let (program, _) = host.load_procedure("lincolnshire", None).unwrap();
    let src = |t: &str| Source::new("line", t);
    let setting = program.fact_named("setting").unwrap();
    let v = cspr::check::value(&program, setting, &src("police_custody")).unwrap();
    assert!(matches!(v, Value::Enum(_)));
    let date = program.fact_named("la_aware_on").unwrap();
    let v = cspr::check::value(&program, date, &src(" 2024-03-04 ")).unwrap();
    assert_eq!(v, Value::Date(day("2024-03-04")));
    let e = render(&cspr::check::value(&program, date, &src("2024-03-04 extra")).unwrap_err());
    assert!(e.contains("the end of the line"), "{e}");
    let (_, ty) =
        cspr::check::expression(&program, &src("pathway = rapid_review or not child_died"))
            .unwrap();
    assert_eq!(ty, Type::Bool);
    let (_, ty) = cspr::check::expression(&program, &src("pathway")).unwrap();
    assert!(matches!(ty, Type::Enum(_)));
    let e = render(&cspr::check::expression(&program, &src("child_died = 3")).unwrap_err());
    assert!(e.contains("expected bool"), "{e}");
    let e = render(&cspr::check::expression(&program, &src("pathway = rapid_reviw")).unwrap_err());
    assert!(e.contains("did you mean `rapid_review`"), "{e}");
    let e = render(&cspr::check::expression(&program, &src("notify_national_panel")).unwrap_err());
    assert!(e.contains("is a duty"), "{e}");
    let deep = format!("{}child_died{}", "(".repeat(100), ")".repeat(100));
    let e = render(&cspr::check::expression(&program, &src(&deep)).unwrap_err());
    assert!(e.contains("deep") || e.contains("nest"), "{e}");
}

/// Answers as people write them: yes/no, numbers of choices, dates day first — in `set`,
/// `what-if`, `as-of` and the interview, echoed back unambiguously.
#[test]
fn answers_are_taken_as_people_write_them() {
    let host = MemHost::default();
    let mut s = start(&host, "working_together_2018");
    for (typed, stored) in [
        ("Yes", "true"),
        ("n", "false"),
        ("Y", "true"),
        ("NO", "false"),
    ] {
        ok(&mut s, &host, &format!("set child_died = {typed}"));
        assert_eq!(
            given(&s, "child_died").as_deref(),
            Some(stored),
            "`{typed}`"
        );
    }
    // A date written day first is read day first and echoed with the month's name.
    let r = ok(&mut s, &host, "set la_aware_on = 10/05/2024");
    assert!(
        text(&r).starts_with("la_aware_on = 10 May 2024"),
        "{}",
        text(&r)
    );
    assert_eq!(given(&s, "la_aware_on").unwrap(), "2024-05-10");
    ok(&mut s, &host, "set la_aware_on = 2024-05-11");
    assert_eq!(given(&s, "la_aware_on").unwrap(), "2024-05-11");
    let r = ok(&mut s, &host, "what-if la_aware_on = 1/6/2024");
    assert!(
        text(&r).contains("la_aware_on = 1 June 2024"),
        "{}",
        text(&r)
    );
    assert_eq!(
        given(&s, "la_aware_on").unwrap(),
        "2024-05-11",
        "what-if changes nothing"
    );
    let r = ok(&mut s, &host, "as-of 10/05/2024");
    assert_eq!(
        text(&r).trim(),
        "deadlines are judged as of 10 May 2024 (2024-05-10)"
    );
    assert_eq!(s.as_of(), day("2024-05-10"));
    // Not a real day, or a two-digit year: a clear error, and nothing changes.
    assert!(fails(&mut s, &host, "as-of 31/02/2024").contains("not a real date"));
    assert!(fails(&mut s, &host, "set la_aware_on = 10/05/24").contains("is not a date"));
    assert_eq!(given(&s, "la_aware_on").unwrap(), "2024-05-11");
    // In the interview: `y` answers a yes/no question, a number picks a choice.
    ok(&mut s, &host, "ask");
    let mut answered = 0;
    while let Some(q) = s.question().cloned() {
        let answer = match q.ty.as_str() {
            "yes or no" => "y",
            "date" => "03/04/2024",
            _ if !q.choices.is_empty() => "1",
            _ => "skip",
        };
        ok(&mut s, &host, answer);
        if answer != "skip" {
            let v = given(&s, &q.name);
            let want = match answer {
                "y" => "true".to_string(),
                "03/04/2024" => "2024-04-03".to_string(),
                _ => q.choices[0].clone(),
            };
            assert_eq!(v.as_deref(), Some(want.as_str()), "`{}`", q.name);
            answered += 1;
        }
    }
    assert!(answered > 0);
}

/// A fact's value in the session's case, as the language writes it.
fn given(s: &Session, name: &str) -> Option<String> {
    let program = s.program();
    let f = program.fact_named(name)?;
    let v = s.case().get(f)?;
    Some(cspr::value::Display::of(v, program, program.facts[f].ty).to_string())
}

/// The front end asks before quitting with unsaved changes: a change to the case marks it,
/// `load` and `save` clear it, and looking at the case does not.
#[test]
fn a_session_knows_when_the_case_has_unsaved_changes() {
    let host = MemHost::default();
    let mut s = start(&host, "lincolnshire");
    assert!(!s.unsaved(), "a new session has nothing to lose");
    ok(
        &mut s,
        &host,
        "load policies/examples/lincolnshire-incomplete.json",
    );
    for line in [
        "facts",
        "eval",
        "missing",
        "why pathway",
        "what-if child_looked_after = yes",
    ] {
        ok(&mut s, &host, line);
        assert!(!s.unsaved(), "`{line}` changes nothing");
    }
    ok(&mut s, &host, "set media_interest = no");
    assert!(s.unsaved());
    ok(&mut s, &host, "save kept.json");
    assert!(!s.unsaved(), "saved");
    ok(&mut s, &host, "ask");
    ok(&mut s, &host, "1");
    assert!(s.unsaved(), "an answer changes the case");
    ok(&mut s, &host, "stop");
    ok(&mut s, &host, "load kept.json");
    assert!(!s.unsaved(), "loaded");
    ok(&mut s, &host, "unset media_interest");
    assert!(s.unsaved());
}

/// Dates day first: only a real day with a four-digit year; the language's own form too.
#[test]
fn dates_are_read_day_first_or_as_the_language_writes_them() {
    use cspr::repl::answer::{day, spoken};
    let d = |y, m, dd| Some(chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap());
    assert_eq!(day("10/05/2024").unwrap(), d(2024, 5, 10));
    assert_eq!(day("1/6/2024").unwrap(), d(2024, 6, 1));
    assert_eq!(day(" 2024-05-10 ").unwrap(), d(2024, 5, 10));
    assert_eq!(spoken(d(2024, 5, 10).unwrap()), "10 May 2024");
    assert_eq!(spoken(d(2024, 6, 1).unwrap()), "1 June 2024");
    // The right shape but no such day: an error, never a guess (nor month first).
    for bad in ["31/02/2024", "05/13/2024", "0/1/2024"] {
        assert!(day(bad).is_err(), "{bad}");
    }
    // Not a date at all: left for the value reader's own error.
    for other in ["10/05/24", "10-05-2024", "10/05", "yes", "1o/05/2024"] {
        assert_eq!(day(other).ok().flatten(), None, "{other}");
    }
    // A date-time, day first, with a space.
    let host = MemHost::default();
    let mut s = start(&host, "lincolnshire");
    let r = ok(&mut s, &host, "set sirg_informed_at = 10/05/2024 09:30");
    assert!(
        text(&r).starts_with("sirg_informed_at = 10 May 2024 at 09:30"),
        "{}",
        text(&r)
    );
    assert_eq!(
        given(&s, "sirg_informed_at").as_deref(),
        Some("2024-05-10T09:30")
    );
}
