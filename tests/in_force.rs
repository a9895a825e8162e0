//! The editions of the guidance in force by date (`policies/editions.toml`, `cspr::edition`):
//! the table against the shipped modules, the edition in force on a case's date, the note
//! when it differs from the edition evaluated, and `--guidance auto`'s choice.

use chrono::NaiveDate;
use cspr::builtin::{self, Builtins};
use cspr::check::{Program, check_onto};
use cspr::edition::{self, Finding, Setting, Table};
use cspr::syntax::ast::ModuleKind;

use crate::common::{case, program_file, render};

fn day(s: &str) -> NaiveDate {
    cspr::case::parse_date(s).unwrap()
}

fn shipped() -> &'static Table {
    edition::table().unwrap_or_else(|e| panic!("{e}"))
}

/// Only the shipped modules count as encoded.
fn builtin_encoded(id: &str) -> bool {
    builtin::find(id).is_some()
}

/// A shipped procedure, optionally on another edition.
fn on(procedure: &str, edition: Option<&str>) -> Program {
    let m = builtin::find(procedure).unwrap();
    let c = check_onto(&m.source(), &Builtins, edition);
    c.program
        .unwrap_or_else(|| panic!("does not check:\n{}", render(&c.problems)))
}

fn finding<'t>(setting: &Setting<'t>, program: &Program, json: &str) -> Finding<'t> {
    setting.finding(&case(program, json))
}

#[test]
fn every_shipped_guidance_module_is_an_edition_of_the_table_and_its_version_is_in_its_time() {
    let table = shipped();
    for m in builtin::MODULES {
        let text = m.text;
        let Some(id) = m.id() else { continue };
        let c = cspr::check::check(&m.source(), &Builtins);
        let program = c.program.unwrap();
        let entry = program.entry();
        if entry.kind != ModuleKind::Guidance {
            continue;
        }
        let e = table
            .by_id(&id)
            .unwrap_or_else(|| panic!("`{id}` is not in policies/editions.toml"));
        let version = entry
            .version
            .unwrap_or_else(|| panic!("`{id}` has no version line:\n{text}"));
        assert!(
            version >= e.in_force,
            "`{id}`: version {version} is before {} came into force ({})",
            e.short,
            e.in_force
        );
        if let Some(replaced) = table.replaced_on(e) {
            assert!(
                version < replaced,
                "`{id}`: version {version} is after {} was replaced ({replaced})",
                e.short
            );
        }
    }
    for e in table.editions() {
        if let Some(id) = &e.id {
            let m = builtin::find(id)
                .unwrap_or_else(|| panic!("the table names `{id}`, which is not shipped"));
            assert!(
                m.text.contains("guidance "),
                "`{id}` is not a guidance module"
            );
        }
    }
}

#[test]
fn the_editions_and_their_days_are_the_ones_the_issue_and_the_texts_give() {
    let table = shipped();
    let days: Vec<(Option<&str>, String)> = table
        .editions()
        .iter()
        .map(|e| (e.id.as_deref(), e.in_force.to_string()))
        .collect();
    assert_eq!(
        days,
        [
            (Some("working_together_2018"), "2018-07-04".into()),
            (Some("working_together_2023"), "2023-12-15".into()),
            (None, "2026-03-18".into()),
        ]
    );
}

#[test]
fn every_case_date_fact_is_a_date_fact_of_every_shipped_edition() {
    for e in shipped().editions().iter().filter_map(|e| e.id.as_deref()) {
        let p = on(e, None);
        for d in shipped().case_dates() {
            let f = p
                .fact_named(&d.fact)
                .unwrap_or_else(|| panic!("`{}` is not a fact of `{e}`", d.fact));
            assert_eq!(p.facts[f].ty, cspr::value::Type::Date, "`{}`", d.fact);
        }
    }
}

#[test]
fn the_edition_in_force_changes_on_the_day_the_next_comes_into_force() {
    let t = shipped();
    let short = |d: &str| t.in_force_on(day(d)).map(|e| e.short.as_str());
    assert_eq!(short("2018-07-03"), None);
    assert_eq!(short("2018-07-04"), Some("Working Together 2018"));
    assert_eq!(short("2023-12-14"), Some("Working Together 2018"));
    assert_eq!(short("2023-12-15"), Some("Working Together 2023"));
    assert_eq!(short("2026-03-17"), Some("Working Together 2023"));
    assert_eq!(short("2026-03-18"), Some("Working Together 2026"));
    let wt18 = t.by_id("working_together_2018").unwrap();
    assert_eq!(t.replaced_on(wt18), Some(day("2023-12-15")));
    assert_eq!(t.replaced_on(t.editions().last().unwrap()), None);
}

#[test]
fn a_2019_case_under_2018_says_nothing_and_under_2023_says_2018_was_in_force() {
    let t = shipped();
    let json = r#"{"la_aware_on": "2019-05-07"}"#;
    let p = on("working_together_2018", None);
    let s = Setting::new(t, &p, &builtin_encoded).unwrap();
    let f = finding(&s, &p, json);
    assert!(!f.differs());
    assert_eq!(f.note(), None);
    assert_eq!(f.in_force.unwrap().short, "Working Together 2018");

    let p = on("walsall", None);
    let s = Setting::new(t, &p, &builtin_encoded).unwrap();
    let f = finding(&s, &p, json);
    assert!(f.differs());
    assert_eq!(
        f.note().unwrap(),
        "the local authority became aware of the incident on 2019-05-07 (`la_aware_on`), when Working Together 2018 was in force (from 2018-07-04); this is evaluated under Working Together 2023 (`working_together_2023`)"
    );
}

#[test]
fn a_2026_case_says_the_2026_edition_is_not_encoded_and_what_was_evaluated() {
    let t = shipped();
    let p = on("lincolnshire", None);
    let s = Setting::new(t, &p, &builtin_encoded).unwrap();
    let f = finding(&s, &p, r#"{"la_aware_on": "2026-04-10"}"#);
    assert!(!f.in_force_encoded);
    assert_eq!(
        f.note().unwrap(),
        "the local authority became aware of the incident on 2026-04-10 (`la_aware_on`), when Working Together 2026 was in force (from 2026-03-18); cspr does not encode Working Together 2026, so this is evaluated under Working Together 2018 (`working_together_2018`)"
    );
    let json = f.to_json();
    assert_eq!(json["in_force"]["encoded"], false);
    assert_eq!(json["in_force"]["id"], serde_json::Value::Null);
    assert_eq!(json["in_force"]["until"], serde_json::Value::Null);
    assert_eq!(json["evaluated"], "working_together_2018");
    assert_eq!(json["date_fact"], "la_aware_on");
}

#[test]
fn a_rebased_procedure_is_judged_by_the_edition_it_runs_on() {
    let t = shipped();
    let p = on("lincolnshire", Some("working_together_2023"));
    let s = Setting::new(t, &p, &builtin_encoded).unwrap();
    assert_eq!(s.evaluated().short, "Working Together 2023");
    assert_eq!(
        finding(&s, &p, r#"{"la_aware_on": "2024-03-04"}"#).note(),
        None
    );
}

#[test]
fn the_awareness_date_rules_and_the_referral_date_stands_in_for_it() {
    let t = shipped();
    let p = on("working_together_2018", None);
    let s = Setting::new(t, &p, &builtin_encoded).unwrap();
    let both = finding(
        &s,
        &p,
        r#"{"la_aware_on": "2023-12-14", "referral_received_on": "2023-12-18"}"#,
    );
    assert_eq!(both.date.unwrap().fact.fact, "la_aware_on");
    assert!(!both.differs());
    let referral = finding(&s, &p, r#"{"referral_received_on": "2023-12-18"}"#);
    assert_eq!(referral.date.unwrap().fact.fact, "referral_received_on");
    assert!(referral.differs());
    assert!(referral.note().unwrap().starts_with(
        "the safeguarding partnership received the referral on 2023-12-18 (`referral_received_on`)"
    ));
    let none = finding(&s, &p, r#"{"child_died": true}"#);
    assert!(none.date.is_none() && !none.differs() && none.note().is_none());
    assert_eq!(none.to_json()["date"], serde_json::Value::Null);
}

#[test]
fn a_date_before_the_first_edition_says_so() {
    let t = shipped();
    let p = on("working_together_2018", None);
    let s = Setting::new(t, &p, &builtin_encoded).unwrap();
    let f = finding(&s, &p, r#"{"la_aware_on": "2017-02-01"}"#);
    assert!(f.differs());
    assert!(f.note().unwrap().contains(
        "before Working Together 2018 came into force (2018-07-04), the earliest edition cspr knows of"
    ));
    assert_eq!(f.to_json()["in_force"], serde_json::Value::Null);
}

#[test]
fn a_guidance_module_not_in_the_table_gets_no_note() {
    let p = program_file("tests/check/lib/base.policy");
    assert!(Setting::new(shipped(), &p, &builtin_encoded).is_none());
}

#[test]
fn auto_picks_the_edition_in_force_or_the_newest_encoded_before_it() {
    let t = shipped();
    let id = |d: &str| {
        t.pick(day(d), &builtin_encoded)
            .and_then(|e| e.id.as_deref())
    };
    assert_eq!(id("2019-05-07"), Some("working_together_2018"));
    assert_eq!(id("2023-12-15"), Some("working_together_2023"));
    assert_eq!(id("2024-03-04"), Some("working_together_2023"));
    assert_eq!(id("2026-04-10"), Some("working_together_2023"));
    assert_eq!(id("2016-01-01"), Some("working_together_2018"));
    // With only 2018 encoded, a 2024 case goes on 2018.
    let only_2018 = |i: &str| i == "working_together_2018";
    assert_eq!(
        t.pick(day("2024-03-04"), &only_2018)
            .and_then(|e| e.id.as_deref()),
        Some("working_together_2018")
    );
    assert_eq!(t.pick(day("2024-03-04"), &|_| false), None);
}

#[test]
fn auto_says_what_it_chose_and_why() {
    let t = shipped();
    let p = on("lincolnshire", Some("working_together_2023"));
    let s = Setting::new(t, &p, &builtin_encoded)
        .unwrap()
        .picked_by_auto(true);
    let same = finding(&s, &p, r#"{"la_aware_on": "2024-03-04"}"#);
    assert_eq!(
        same.note().unwrap(),
        "--guidance auto chose Working Together 2023 (`working_together_2023`): the local authority became aware of the incident on 2024-03-04 (`la_aware_on`), when Working Together 2023 was in force (from 2023-12-15)"
    );
    assert_eq!(same.to_json()["chosen_by"], "auto");
    let later = finding(&s, &p, r#"{"la_aware_on": "2026-04-10"}"#);
    assert_eq!(
        later.note().unwrap(),
        "--guidance auto chose Working Together 2023 (`working_together_2023`): the local authority became aware of the incident on 2026-04-10 (`la_aware_on`), when Working Together 2026 was in force (from 2026-03-18); cspr does not encode Working Together 2026, so it used the newest encoded edition before it"
    );
}

#[test]
fn compare_groups_the_procedures_under_another_edition() {
    let t = shipped();
    let json = r#"{"la_aware_on": "2026-04-10"}"#;
    let programs: Vec<(&str, Program)> = ["working_together_2018", "lincolnshire", "walsall"]
        .into_iter()
        .map(|id| (id, on(id, None)))
        .collect();
    let settings: Vec<_> = programs
        .iter()
        .map(|(_, p)| Setting::new(t, p, &builtin_encoded).unwrap())
        .collect();
    let findings: Vec<(&str, Option<Finding>)> = programs
        .iter()
        .zip(&settings)
        .map(|((id, p), s)| (*id, Some(finding(s, p, json))))
        .collect();
    assert_eq!(
        edition::compare_note(&findings).unwrap(),
        "the local authority became aware of the incident on 2026-04-10 (`la_aware_on`), when Working Together 2026 was in force (from 2026-03-18), which cspr does not encode; evaluated working_together_2018, lincolnshire under Working Together 2018; walsall under Working Together 2023"
    );
    let json = r#"{"la_aware_on": "2024-03-04"}"#;
    let findings: Vec<(&str, Option<Finding>)> = programs
        .iter()
        .zip(&settings)
        .map(|((id, p), s)| (*id, Some(finding(s, p, json))))
        .collect();
    assert!(
        edition::compare_note(&findings)
            .unwrap()
            .ends_with("evaluated working_together_2018, lincolnshire under Working Together 2018")
    );
}

#[test]
fn the_note_goes_at_the_end_of_the_header() {
    let text = "Title (id)\ncase X\nas of 2024-03-08\n\nOutcomes\n  a  true\n";
    assert_eq!(
        edition::with_text_note(text, Some("it")),
        "Title (id)\ncase X\nas of 2024-03-08\nnote: it\n\nOutcomes\n  a  true\n"
    );
    assert_eq!(edition::with_text_note(text, None), text);
    assert_eq!(
        edition::with_text_note("a tree\n", Some("it")),
        "note: it\n\na tree\n"
    );
    let page = "<body>\n<header>\n<h1>C</h1>\n</header>\n<section>";
    assert_eq!(
        edition::with_html_note(page, Some("a <b> & c")),
        "<body>\n<header>\n<h1>C</h1>\n<p class=\"edition-note\" style=\"border-left:4px solid #b54708;padding:.3rem .7rem;background:#fff7ed\"><strong>Note:</strong> a &lt;b&gt; &amp; c</p>\n</header>\n<section>"
    );
}

#[test]
fn the_json_field_is_added_at_the_end_of_the_object() {
    let t = shipped();
    let p = on("working_together_2018", None);
    let s = Setting::new(t, &p, &builtin_encoded).unwrap();
    let f = finding(&s, &p, r#"{"la_aware_on": "2024-03-04"}"#);
    let mut out = String::from(r#"{"procedure":{"id":"x"},"missing":[]}"#);
    edition::push_json_field(&mut out, &f);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["missing"], serde_json::json!([]));
    assert_eq!(v["edition"]["in_force"]["id"], "working_together_2023");
    assert_eq!(v["edition"]["in_force"]["until"], "2026-03-18");
    assert!(
        v["edition"]["note"]
            .as_str()
            .unwrap()
            .contains("Working Together 2023")
    );
    let mut empty = String::from("{}");
    edition::push_json_field(&mut empty, &f);
    assert!(serde_json::from_str::<serde_json::Value>(&empty).is_ok());
}

#[test]
fn a_broken_table_is_refused_with_its_reason() {
    let ok = "[[edition]]\ntitle = \"A\"\nshort = \"A\"\nin_force = 2020-01-01\nsource = \"s\"\n[[case_date]]\nfact = \"d\"\nmeans = \"m\"\n";
    assert!(Table::from_toml(ok).is_ok());
    let out_of_order = format!(
        "{ok}[[edition]]\ntitle = \"B\"\nshort = \"B\"\nin_force = 2019-01-01\nsource = \"s\"\n"
    );
    assert!(
        Table::from_toml(&out_of_order)
            .unwrap_err()
            .contains("`B` must come into force after `A`")
    );
    let time = ok.replace("2020-01-01", "2020-01-01T10:00:00");
    assert!(Table::from_toml(&time).unwrap_err().contains("as a date"));
    let unknown = ok.replace("source = \"s\"", "source = \"s\"\nsince = 1");
    assert!(Table::from_toml(&unknown).is_err());
    let twice = format!(
        "{}[[edition]]\nid = \"x\"\ntitle = \"B\"\nshort = \"B\"\nin_force = 2021-01-01\nsource = \"s\"\n",
        ok.replace("title = \"A\"", "id = \"x\"\ntitle = \"A\"")
    );
    assert!(Table::from_toml(&twice).unwrap_err().contains("`x` twice"));
}

#[test]
fn the_built_in_table_is_the_file_in_the_tree() {
    let text =
        std::fs::read_to_string(crate::common::root().join("policies/editions.toml")).unwrap();
    assert_eq!(Table::from_toml(&text).unwrap(), *shipped());
}

#[test]
fn the_html_report_carries_the_note_in_its_header() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args([
            "report",
            "lincolnshire",
            "tests/cli/data/incident-2026.json",
            "--as-of",
            "2026-04-20",
        ])
        .current_dir(crate::common::root())
        .env_remove("CSPR_PATH")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    let header = &page[page.find("<header>").unwrap()..page.find("</header>").unwrap()];
    assert!(
        header.contains("<strong>Note:</strong> the local authority became aware of the incident on 2026-04-10 (`la_aware_on`), when Working Together 2026 was in force (from 2026-03-18); cspr does not encode Working Together 2026, so this is evaluated under Working Together 2018 (`working_together_2018`)</p>"),
        "{header}"
    );
}

#[test]
fn the_json_written_for_a_batch_is_the_serialized_field_byte_for_byte() {
    let t = shipped();
    let cases = [
        r#"{}"#,
        r#"{"la_aware_on": "2017-02-01"}"#,
        r#"{"la_aware_on": "2019-05-07"}"#,
        r#"{"la_aware_on": "2023-12-15"}"#,
        r#"{"referral_received_on": "2024-03-04"}"#,
        r#"{"la_aware_on": "2026-04-10"}"#,
    ];
    for (procedure, edition) in [
        ("working_together_2018", None),
        ("walsall", None),
        ("lincolnshire", Some("working_together_2023")),
    ] {
        let p = on(procedure, edition);
        for auto in [false, true] {
            let s = Setting::new(t, &p, &builtin_encoded)
                .unwrap()
                .picked_by_auto(auto);
            for json in cases {
                let f = finding(&s, &p, json);
                let mut written = String::new();
                f.write_json(&mut written);
                assert_eq!(written, f.to_json().to_string(), "{procedure} {json}");
            }
        }
    }
    // Titles and notes with characters JSON escapes.
    let odd = Table::from_toml(
        "[[edition]]\nid = \"working_together_2018\"\ntitle = \"A \\\"quoted\\\" \\\\ title\\t\"\nshort = \"A\\u0001\"\nin_force = 2018-07-04\nsource = \"s\"\n[[case_date]]\nfact = \"la_aware_on\"\nmeans = \"a \\\"date\\\"\"\n",
    )
    .unwrap();
    let p = on("working_together_2018", None);
    let s = Setting::new(&odd, &p, &builtin_encoded).unwrap();
    let f = finding(&s, &p, r#"{"la_aware_on": "2017-02-01"}"#);
    let mut written = String::new();
    f.write_json(&mut written);
    assert_eq!(written, f.to_json().to_string());
    assert!(f.note().is_some());
}
