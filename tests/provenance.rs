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

/// The shipped modules whose source texts are wholly covered: each one's coverage, its
/// not-encoded list with the reasons, is a golden file, and `--require-source-coverage`
/// passes. Add a module here (one line) when its migration lands.
const COVERED: &[&str] = &[
    "working_together_2018",
    "working_together_2023",
    "buckinghamshire",
    "lincolnshire",
    "walsall",
    "slough",
    "cambridgeshire_peterborough",
    "devon",
];

#[test]
fn shipped_modules_coverage_is_golden_and_complete() {
    for id in COVERED {
        let source = cspr::builtin::find(id).unwrap().source();
        let p = provenance(&source, &cspr::builtin::Builtins, &Parsed::default(), false);
        let coverage = p.coverage();
        assert_eq!(render(&p.uncovered(&coverage)), "", "{id} is not covered");
        insta::with_settings!({ snapshot_suffix => *id }, {
            insta::assert_snapshot!(cspr::provenance::render::text(&coverage, &p.info));
        });
    }
}

#[test]
fn required_coverage_lists_the_sentences_left() {
    let source = load("good.policy");
    let p = provenance(&source, &Beside, &Parsed::default(), false);
    let problems = p.uncovered(&p.coverage());
    let [problem] = problems.as_slice() else {
        panic!("one problem expected: {}", render(&problems));
    };
    assert_eq!(problem.code, "cspr::source_coverage");
    assert!(problem.is_error());
    assert_eq!(
        problem.message,
        "3 of 5 rule-bearing sentences of `TSCP` are neither encoded nor recorded as not encoded"
    );
    let at = problem.labels[0].0;
    assert_eq!(&source.text[at.start..at.end], "\"sources/tees.txt\"");
    let help = problem.help.as_deref().unwrap();
    assert!(
        help.contains("2.2, line 26: Even if a child recovers"),
        "{help}"
    );
    // Through the command line: the flag fails the check, and passes a covered module.
    let cspr = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
            .args(args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .env_remove("CSPR_PATH")
            .output()
            .unwrap()
    };
    let out = cspr(&[
        "check",
        "--require-source-coverage",
        "tests/provenance/good.policy",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cspr::source_coverage"));
    let out = cspr(&["check", "tests/provenance/good.policy"]);
    assert_eq!(out.status.code(), Some(0));
    let out = cspr(&[
        "check",
        "--require-source-coverage",
        "policies/walsall.policy",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The literate page of `source`, as `cspr sources --format html` writes it.
fn literate(source: &Source, resolver: &dyn Resolver) -> String {
    let parsed = Parsed::default();
    let program = check_with(source, resolver, None, &parsed).program.unwrap();
    let p = provenance(source, resolver, &parsed, false);
    cspr::provenance::html::render(&program, &p)
}

#[test]
fn the_literate_page_shows_each_passage_beside_what_encodes_it() {
    let html = literate(&load("good.policy"), &Beside);
    // Self-contained: nothing fetched, no script.
    for external in ["<link", "src=", "@import", "url(", "<script"] {
        assert!(!html.contains(external), "`{external}` in the page");
    }
    // The quote, the reading's ground and the not-encoded passage are highlighted, each
    // numbered and linked to the card beside it; the card links to the declaration's text.
    assert!(html.contains(
        "<mark class=\"enc\" title=\"3: encoded by serious_case\">Serious child safeguarding cases are those in which:</mark>"
    ));
    assert!(html.contains("<mark class=\"read\""));
    assert!(html.contains("<mark class=\"ne\""));
    assert!(html.contains("<sup class=\"ref enc\"><a href=\"#q-TSCP-3\">3</a></sup>"));
    assert!(html.contains("id=\"q-TSCP-3\""));
    assert!(html.contains("href=\"#decl-serious_case\""));
    assert!(html.contains("<section class=\"decl\" id=\"decl-serious_case\">"));
    // The body (without the shared stylesheet) is golden: its structure and its words.
    let body = &html[html.find("</style>").unwrap()..];
    insta::assert_snapshot!(body.replace(env!("CARGO_PKG_VERSION"), "VERSION"));
}

/// Buckinghamshire's literate page, rendered in headless Chromium with the report test's
/// harness: no console message, the highlighted passages there, a full-width screenshot.
/// Skipped, saying so, where no browser is installed (CI installs one).
#[test]
fn a_real_browser_renders_the_literate_page() {
    use crate::report::{browser, headless, scratch};
    let dir = scratch("literate-browser");
    let page = dir.join("buckinghamshire.html");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["sources", "buckinghamshire", "--format", "html", "-o"])
        .arg(&page)
        .current_dir(root())
        .env_remove("CSPR_PATH")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<mark class=\"enc\""));
    assert!(html.contains("id=\"decl-send_report_before_publication\""));
    let Some(browser) = browser() else {
        eprintln!(
            "SKIPPED a_real_browser_renders_the_literate_page: no headless browser found \
             (install Debian's `chromium`, or set CSPR_CHROMIUM to a Chrome or Chromium binary)"
        );
        return;
    };
    let png = dir.join("buckinghamshire.png");
    let console = headless(&browser, &page, &format!("--screenshot={}", png.display()));
    assert!(console.is_empty(), "the page logged: {console:?}");
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 1200);
    assert!(bytes.len() > 50_000, "a nearly empty screenshot");
}

#[test]
fn explanations_show_quotes_and_readings_as_readings_and_name_their_sources() {
    use cspr::eval::explain::{self, Explainer};
    let text = load("good.policy").text.to_string();
    let program = crate::common::program(&text);
    let eval = crate::common::eval(&program, r#"{"abuse_known": true, "child_died": true}"#);
    let cspr::check::Name::Rule(r) = program.lookup("partners_review").unwrap() else {
        panic!("partners_review is a rule");
    };
    let mut explainer = Explainer::new(&program, &eval);
    let tree = explainer.rule(r);
    let shown = explain::render(&program, &tree);
    // The quote under its step; the reading as a reading, with the words it rests on.
    assert!(
        shown.contains("\u{201c}Serious child safeguarding cases are those in which: abuse or neglect of a child is known or suspected … the child has died or been seriously harmed\u{201d} (TSCP 2.1)"),
        "{shown}"
    );
    assert!(
        shown.contains("reading (TSCP 1.2): a serious case is one the partners must identify and review; read from TSCP 1.2: \u{201c}Safeguarding partners must: identify and review serious child safeguarding cases\u{201d}"),
        "{shown}"
    );
    // Without quotes: the citations only.
    let bare = explain::render_with(&program, &tree, false);
    assert!(
        !bare.contains('\u{201c}') && bare.contains("[TSCP 2.1]"),
        "{bare}"
    );
    // Every abbreviation used, with its title.
    let mut used = Vec::new();
    explain::sources_used(&program, &tree, &mut used);
    assert_eq!(used, ["TSCP"]);
    assert_eq!(
        explain::sources_block(&program, &used),
        "Sources:\n  TSCP  Tees Safeguarding Children Partnerships, serious incidents protocol (excerpt)\n"
    );
    // The report's explanation trees show the same words.
    let report = cspr::report::Report::new(
        &program,
        &eval,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
    );
    let html = cspr::report::html::render(&report);
    assert!(
        html.contains("<q class=\"quote\">Serious child safeguarding cases are those in which:")
    );
    assert!(html.contains(
        "<span class=\"kind\">reading</span> (<cite>TSCP 1.2</cite>): a serious case is one"
    ));
    assert!(html.contains("<dt><abbr>TSCP</abbr></dt><dd>Tees Safeguarding Children Partnerships"));
}

#[test]
fn diff_reports_a_changed_quote_and_shows_a_reading_as_a_reading() {
    let old = load("good.policy").text.to_string();
    let new = old
        .replace(
            "\"the child has died or been seriously harmed\"",
            "\"the child has died\"",
        )
        .replace(
            "reading \"a serious case is one the partners must identify and review\"",
            "reading \"the partners identify and review every serious case\"",
        );
    let (a, b) = (crate::common::program(&old), crate::common::program(&new));
    let changes = cspr::diff::structural::diff(&a, &b);
    let quotes: Vec<_> = changes.iter().filter(|c| c.aspect == "quote").collect();
    assert_eq!(quotes.len(), 2, "{changes:#?}");
    assert_eq!(quotes[0].name, "serious_case");
    assert!(
        quotes[0]
            .new
            .as_ref()
            .unwrap()
            .text
            .ends_with("… the child has died\u{201d}")
    );
    assert_eq!(
        quotes[1].new.as_ref().unwrap().text,
        "reading: the partners identify and review every serious case; read from TSCP 1.2: \u{201c}Safeguarding partners must: identify and review serious child safeguarding cases\u{201d}"
    );
}

/// Formats a policy, asserting that formatting again changes nothing and that the quotes
/// say the same words.
fn formatted(text: &str) -> String {
    let source = Source::new("tests/provenance/long.policy", text.to_string());
    let once = cspr::fmt::format(&source, cspr::fmt::Kind::Policy).unwrap();
    let again = cspr::fmt::format(
        &Source::new("long.policy", once.clone()),
        cspr::fmt::Kind::Policy,
    )
    .unwrap();
    assert_eq!(again, once, "formatting twice differs from once");
    let before = cspr::syntax::parse(&source).unwrap();
    let after = cspr::syntax::parse(&Source::new("long.policy", once.clone())).unwrap();
    assert!(before == after, "the module changed:\n{once}");
    assert!(
        once.lines()
            .all(|l| l.chars().count() <= 100 || !l.contains("quote")),
        "{once}"
    );
    once
}

#[test]
fn fmt_wraps_long_quotes_at_word_boundaries() {
    let long = "If the outcome of a Rapid Review determines the case meets the criteria to conduct a Local Child Safeguarding Practice Review, then the partnership will agree the methodology";
    let text = format!(
        "guidance g \"T\"\nsource W = \"w\"\nfact a: bool\nfact b: bool\n\
         rule r cite W \"1\" quote \"{long}\": a\n\
         rule e cite W \"1\":\n  default a\n  exception cite W \"2\" quote \"{long}\": false when b\n\
         decision d cite W \"1\":\n  yes\n    when a\n    cite W \"3\" quote \"{long}\"\n  otherwise no\n    cite W \"4\" quote \"short words of the text\"\n"
    );
    let once = formatted(&text);
    let wrapped = |indent: &str| {
        format!(
            "{indent}quote \"If the outcome of a Rapid Review determines the case meets the criteria to conduct a\"\n\
             {indent}      \"Local Child Safeguarding Practice Review, then the partnership will agree the\"\n\
             {indent}      \"methodology\""
        )
    };
    // Under the declaration's citation, a rule's body on its own line; an exception's value
    // after its last string; a branch's quote under its citation, not on one long line; a
    // short one on the citation's line.
    assert_eq!(
        once,
        format!(
            "guidance g \"T\"\n\nsource W = \"w\"\n\nfact a: bool\nfact b: bool\n\n\
             rule r cite W \"1\"\n{}:\n  a\n\n\
             rule e cite W \"1\":\n  default a\n  exception cite W \"2\"\n{}: false\n    when b\n\n\
             decision d cite W \"1\":\n  yes\n    when a\n    cite W \"3\"\n{}\n  otherwise no\n    cite W \"4\" quote \"short words of the text\"\n",
            wrapped("    "),
            wrapped("      "),
            wrapped("      ")
        )
    );
}

#[test]
fn fmt_lays_a_quote_out_again_when_one_string_is_too_wide_leaving_no_word_alone() {
    // Written for a line at indent 4; under a branch's citation (indent 6) the first string
    // no longer fits: the whole quote is cut again, not the one string.
    let text = "guidance g \"T\"\nsource W = \"w\"\nfact a: bool\n\
                decision d cite W \"1\":\n  yes\n    when a\n    cite W \"3\"\n      \
                quote \"Therefore, not every case referred to the LSCP will lead to a Rapid Review as these are\"\n            \
                \"held only for those cases meeting this distinct criteria\"\n  otherwise no\n    cite W \"4\"\n";
    let once = formatted(text);
    assert!(
        once.contains(
            "      quote \"Therefore, not every case referred to the LSCP will lead to a Rapid Review as these\"\n            \"are held only for those cases meeting this distinct criteria\"\n"
        ),
        "{once}"
    );
    // Strings that fit are kept as written.
    assert_eq!(formatted(&once), once);
}
