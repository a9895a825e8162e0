//! Provenance: quotes checked against the source texts beside a module, each case a file
//! under `tests/provenance/` with its source and rendered diagnostics snapshotted together.

use cspr::check::{Parsed, Resolver, check_with, provenance};
use cspr::diagnostic::{Problem, Source};

use crate::common::{glob_snapshots, relative, render, root};

/// Modules by path; source texts beside the module that names them.
struct Beside;

impl Resolver for Beside {
    fn resolve(&self, _: &str) -> Option<Source> {
        None
    }
    fn known_ids(&self) -> Vec<String> {
        Vec::new()
    }
    fn source_file(&self, module: &Source, path: &str) -> Result<Option<Source>, Problem> {
        let dir = root().join(&*module.name);
        let file = dir.parent().unwrap().join(path);
        Ok(std::fs::read_to_string(&file)
            .ok()
            .map(|text| Source::new(relative(&file), text)))
    }
}

fn load(name: &str) -> Source {
    let path = root().join("tests/provenance").join(name);
    Source::new(relative(&path), std::fs::read_to_string(&path).unwrap())
}

/// Every problem `cspr check --require-quotes` would give: the checker's and provenance's.
fn problems(source: &Source, require_quotes: bool) -> Vec<Problem> {
    let parsed = Parsed::default();
    let mut problems = check_with(source, &Beside, None, &parsed).problems;
    problems.extend(provenance(source, &Beside, &parsed, require_quotes).problems);
    problems
}

#[test]
fn every_provenance_diagnostic() {
    let mut seen = 0;
    insta::glob!("provenance/*.policy", |path| {
        seen += 1;
        let source = Source::new(relative(path), std::fs::read_to_string(path).unwrap());
        insta::assert_snapshot!(format!(
            "{}\n----- diagnostics -----\n{}",
            source.text,
            render(&problems(&source, false))
        ));
    });
    assert_eq!(
        seen,
        glob_snapshots("provenance__every_provenance_diagnostic"),
        "tests/provenance/*.policy walked"
    );
}

#[test]
fn true_quotes_give_no_problem_and_cover_their_sentences() {
    let source = load("good.policy");
    assert_eq!(render(&problems(&source, true)), "");
    let parsed = Parsed::default();
    let p = provenance(&source, &Beside, &parsed, false);
    insta::assert_snapshot!(cspr::provenance::render::text(&p.coverage(), &p.info));
}

#[test]
fn one_changed_word_fails_on_the_quote_with_the_nearest_passage() {
    let source = load("one-word.policy");
    let problems = problems(&source, false);
    let [p] = problems.as_slice() else {
        panic!("one problem expected: {}", render(&problems));
    };
    assert_eq!(p.code, "cspr::quote_not_found");
    let at = p.labels[0].0;
    assert_eq!(
        &source.text[at.start..at.end],
        "\"Serious child safeguarding cases are these in which:\""
    );
    assert!(
        p.help
            .as_deref()
            .unwrap()
            .contains("cases are those in which:")
    );
}

#[test]
fn a_changed_byte_of_the_text_fails_on_its_hash() {
    let codes: Vec<&str> = problems(&load("hash.policy"), false)
        .iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(codes, ["cspr::source_changed"]);
}

#[test]
fn citations_without_words_warn_only_when_quotes_are_required() {
    let source = Source::new(
        "bare.policy",
        "guidance bare \"t\"\nsource X = \"x\"\nfact f: bool\nrule r cite X \"1\": f\n",
    );
    assert!(problems(&source, false).is_empty());
    let codes: Vec<&str> = problems(&source, true).iter().map(|p| p.code).collect();
    assert_eq!(codes, ["cspr::unquoted_citation"]);
}

#[test]
fn fmt_keeps_quotes_and_is_stable() {
    let source = load("good.policy");
    let once = cspr::fmt::format(&source, cspr::fmt::Kind::Policy).unwrap();
    assert_eq!(
        once, *source.text,
        "good.policy is laid out as cspr fmt lays it out"
    );
    // A long quote on one line is put under its citation, and stays there.
    let long = source.text.replace(
        "\"Serious child safeguarding cases are those in which:\"\n          \"abuse",
        "\"Serious child safeguarding cases are those in which: abuse",
    );
    let formatted = cspr::fmt::format(
        &Source::new("long.policy", long.clone()),
        cspr::fmt::Kind::Policy,
    )
    .unwrap();
    assert!(
        formatted.contains("rule serious_case cite TSCP \"2.1\"\n    quote \"Serious child"),
        "{formatted}"
    );
    let again = cspr::fmt::format(
        &Source::new("long.policy", formatted.clone()),
        cspr::fmt::Kind::Policy,
    )
    .unwrap();
    assert_eq!(again, formatted);
    // The quote is the same words after formatting.
    assert!(
        problems(
            &Source::new("tests/provenance/long.policy", formatted),
            false
        )
        .is_empty()
    );
}

#[test]
fn the_shipped_modules_quotes_are_their_texts_words() {
    for m in cspr::builtin::MODULES {
        let source = m.source();
        let p = provenance(&source, &cspr::builtin::Builtins, &Parsed::default(), false);
        assert_eq!(render(&p.problems), "", "{}", m.file);
    }
    // Buckinghamshire's worked example: its quotes are found in the built-in text, each in a
    // paragraph its citation names, and they cover every rule-bearing sentence of 8.2.
    let bucks = cspr::builtin::find("buckinghamshire").unwrap().source();
    let p = provenance(&bucks, &cspr::builtin::Builtins, &Parsed::default(), false);
    // (The national module's quotes, of its own texts, are in the chain too.)
    let bscp_quotes: Vec<_> = p.verified.iter().filter(|v| v.source == "BSCP").collect();
    let owners: Vec<&str> = bscp_quotes.iter().map(|v| v.owner.as_str()).collect();
    for owner in [
        "agree_extraordinary_meeting",
        "notify_board_of_consideration",
        "notify_decision",
        "comply_with_data_protection",
        "send_report_before_publication",
    ] {
        assert!(owners.contains(&owner), "{owner}");
    }
    for v in &bscp_quotes {
        let paragraph = v.found.paragraph.as_deref().unwrap_or_default();
        assert!(
            !paragraph.is_empty() && v.locator.contains(paragraph),
            "{} cites {} but its quote is in {paragraph}",
            v.owner,
            v.locator
        );
    }
    let coverage = p.coverage();
    let bscp = coverage
        .sources
        .iter()
        .find(|s| s.source == "BSCP")
        .unwrap();
    assert_eq!(bscp.covered(), bscp.sentences.len());
}
