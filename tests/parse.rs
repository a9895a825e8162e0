//! The hand-written parser (`syntax::fast`) held to pest's: wherever it gives a tree, pest
//! gives the same one, spans included; wherever pest refuses, it gives way (so every syntax
//! error is still pest's). And it does take the shipped policies, or parsing is not fast.

use std::path::{Path, PathBuf};

use cspr::diagnostic::Source;
use cspr::syntax::{keywords::keywords, parse, parse_fast, parse_with_pest};
use proptest::prelude::*;

use crate::common::root;

/// Both parsers on `text`: the fast one's tree, when it gave one, must be pest's (compared
/// through `Debug`, which prints spans). Whether the fast path was taken.
fn agree(name: &str, text: &str) -> bool {
    let source = Source::new(name, text);
    let pest = parse_with_pest(&source);
    let Some(fast) = parse_fast(&source) else {
        return false;
    };
    let pest = match pest {
        Ok(m) => m,
        Err(problems) => {
            panic!("{name}: the fast parser took what pest refuses: {problems:?}\n{text}")
        }
    };
    let (fast, pest) = (format!("{fast:#?}"), format!("{pest:#?}"));
    if fast != pest {
        let at = fast
            .lines()
            .zip(pest.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let context = |s: &str| {
            s.lines()
                .skip(at.saturating_sub(8))
                .take(12)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{name}: trees differ at line {at} of their Debug\n--- fast\n{}\n--- pest\n{}\n--- text\n{text}",
            context(&fast),
            context(&pest)
        );
    }
    true
}

fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if !path.ends_with("target") && !path.ends_with(".git") {
                policy_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
}

#[test]
fn every_policy_in_the_repository_parses_to_the_same_tree() {
    let mut files = Vec::new();
    for dir in ["policies", "tests", "docs", "fuzz"] {
        policy_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 40, "{} policy files found", files.len());
    let mut declined = Vec::new();
    for file in &files {
        // The bad-input catalogue holds files that are not UTF-8: no parser sees those.
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let name = file.display().to_string();
        let fast = agree(&name, &text);
        let pest_ok = parse_with_pest(&Source::new(name.as_str(), text.as_str())).is_ok();
        if pest_ok && !fast {
            declined.push(name);
        }
    }
    // Every file pest accepts is one the fast path takes: it covers the language as used.
    assert!(
        declined.is_empty(),
        "the fast path gave way on {declined:?}"
    );
}

#[test]
fn the_shipped_policies_take_the_fast_path() {
    for module in cspr::builtin::MODULES {
        let source = module.source();
        assert!(parse_fast(&source).is_some(), "{}", module.file);
        assert!(parse(&source).is_ok());
    }
}

/// Every construct of the grammar, with comments and odd layout between the tokens.
const EVERYTHING: &str = r#"# leading comment
procedure p_1 "Title with \"quotes\", a \\ and \n" # after the title
  version 2024-02-29 extends base   calendar england_and_wales
source S = "Source" source T="t"
fact a: bool ask "Is it?"   # trailing
fact b : integer
fact c: date-time fact c2: datetime fact d: date fact e: text
fact f: x | y|z ask "which"
fact g: set of m | n
fact h: set of only
fact i: bool | text
fact orders: bool fact index: integer fact notify_on: date fact true_ish: bool
rule r1 cite S "1": a and not b = 3 or (c < 2024-01-01T09:30 and d >= 2024-03-04)
rule r2: default false exception cite S "2": true when a # why
  exception: false when f in {x, y,} and g in {}
  exception: true when not not (a)
rule r3: -5 != b
rule r4: (((a)))   # parenthesised
rule r5: "text" = e and x in g
decision dd cite S "3":
  x when a cite S "4"
  y when b > 2 and (d <= 2024-12-31 or c = 2024-01-01T00:00)
  otherwise z cite T "5"
decision de: otherwise x
duty du cite S "6": someone must "do \"it\"" when a within 5 working days after d done d2
duty dv: someone should "x" at least 7 days before d
duty dw: someone may "x" for at least 12 months after (d if a else d2 if b = 1 else d3)
duty dx: someone must "x" within 1 week after du # anchor is a duty
duty dy: someone must "x" within 48 hours after c when (a or b = 2) done c
duty dz: someone must "x"
# between declarations
override rule base_rule: a
override decision base_decision: x when a otherwise y
override duty base_duty: them must "y" within 2 months after d
timeline tl cite S "7": starts (d if a else d2) when a
  step day 1 first cite S "8": x must "one"
  step days 2-7 second: x should "two" when b = 1 done d
  step days 8–10 third: x may "three" done d when a # en dash
timeline t2: starts d step day 0 only: x must "zero"
# trailing comment, no newline"#;

#[test]
fn every_construct_parses_to_the_same_tree_by_the_fast_path() {
    assert!(
        agree("everything.policy", EVERYTHING),
        "the fast path gave way"
    );
}

#[test]
fn odd_but_valid_layouts_take_the_fast_path() {
    for text in [
        "guidance g \"t\"",
        "guidance g \"t\"\n",
        "\n\n  # c\nguidance g\"t\"rule r:a",
        "guidance g \"t\" rule r: a # c\n# d\n",
        "guidance g \"t\" rule r: a and b # c\n# d\n rule s: x",
        "guidance g \"t\" rule r: (a and b # c\n) rule s: not (x or y) # z",
        "guidance g \"t\" rule r: a = b # c\n",
        "guidance g \"t\" rule r: a in {b} # c\n",
        "guidance g \"t\" rule r: a\r\n\trule s: b\r\n",
        "guidance g \"t\" fact f: set of a # c\n | b",
        "guidance g \"t\" decision d: x when a # c\n y when b # d\n otherwise z # e\n",
        "guidance g \"t\" duty d: a must \"x\" # c\n when b # d\n",
        "guidance g \"t\" rule r: 2024-01-01T10:00 = 2024-01-01 ",
        "guidance g \"t\" rule r: x = \"é — ünïcode\" # ünïcode ",
        // As many `not`s as `check_nesting` allows, and as deep as the fast path reads.
        format!("guidance g \"t\" rule r: {}a", "not ".repeat(64)).as_str(),
        format!(
            "guidance g \"t\" rule r: {}a{}",
            "(".repeat(16),
            ")".repeat(16)
        )
        .as_str(),
    ] {
        assert!(agree(text, text), "the fast path gave way on {text:?}");
    }
}

#[test]
fn errors_and_doubtful_texts_are_left_to_pest() {
    for text in [
        "",
        "# only a comment",
        "\u{feff}guidance g \"t\"",
        "guidance g \"t\" version 2024-02-30",
        "guidance g \"t\" version 2024-01-01 version 2024-01-02",
        "guidance g \"t\" rule r: 99999999999999999999",
        "guidance g \"t\" rule r: a and",
        "guidance g \"t\" rule r: a = ",
        "guidance g \"t\" rule r: \"unterminated",
        "guidance g \"t\" rule r: \"bad \\t escape\"",
        "guidance g \"t\" rule r: x in {a,,b}",
        "guidance g \"t\" rule r: 2024-01-01x",
        "guidance g \"t\" rule r: 12ab",
        "guidance g \"t\" fact f: date-timex",
        "guidance g \"t\" fact f: bool | true",
        "guidance g \"t\" fact f: set a",
        "guidance g \"t\" duty d: a must \"x\" when b when c",
        "guidance g \"t\" duty d: a must \"x\" within 1 day after b within 2 days after c",
        "guidance g \"t\" duty d: a must \"x\" within -1 days after b",
        "guidance g \"t\" duty d: a must \"x\" within 1 working weeks after b",
        "guidance g \"t\" duty d: a must \"x\" within 1 days after (b)",
        "guidance g \"t\" decision d: x when a y",
        "guidance g \"t\" timeline t: starts d step days 5 x: y must \"z\"",
        "guidance g \"t\" timeline t: starts d step day 99999999999 x: y must \"z\"",
        "guidance g \"t\" rule not: a",
        "guidance g \"t\" rule r: a\u{a0}",
        format!("guidance g \"t\" rule r: {}a", "not ".repeat(65)).as_str(),
        format!(
            "guidance g \"t\" rule r: {}a{}",
            "(".repeat(65),
            ")".repeat(65)
        )
        .as_str(),
        format!(
            "guidance g \"t\" duty d: a must \"x\" within 1 day after {}b if c else d{}",
            "(".repeat(65),
            ")".repeat(65)
        )
        .as_str(),
    ] {
        let fast = agree(text, text);
        let pest_ok = parse_with_pest(&Source::new("t", text)).is_ok();
        assert!(
            !fast && !pest_ok,
            "{text:?}: fast {fast}, pest accepts {pest_ok}"
        );
    }
}

#[test]
fn parentheses_deeper_than_the_fast_path_reads_are_left_to_pest() {
    for depth in [17, 20] {
        let text = format!(
            "guidance g \"t\" rule r: {}a{}",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let source = Source::new("deep.policy", text.as_str());
        assert!(!agree("deep.policy", &text), "depth {depth}");
        assert!(parse(&source).is_ok(), "depth {depth}");
    }
}

#[test]
fn keywords_are_refused_as_names_exactly_where_pest_refuses_them() {
    let mut words: Vec<&str> = keywords().iter().map(|k| k.0).collect();
    words.extend([
        "bool", "date", "text", "integer", "days", "day", "weeks", "Rule", "_", "a1",
    ]);
    for word in words {
        for text in [
            format!("guidance g \"t\" fact {word}: bool"),
            format!("guidance g \"t\" rule r: {word}"),
            format!("guidance g \"t\" rule r: x = {word}"),
        ] {
            let fast = agree(&text, &text);
            let pest_ok = parse_with_pest(&Source::new("t", text.as_str())).is_ok();
            assert_eq!(fast, pest_ok, "{text}");
        }
    }
}

const TOKENS: &[&str] = &[
    "",
    " ",
    "\n",
    "#",
    "# c\n",
    "\"",
    "\\",
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    "|",
    "=",
    "!=",
    "<",
    ">=",
    "-",
    "–",
    "T",
    "0",
    "12",
    "2024-01-01",
    "2024-01-01T10:00",
    "a",
    "_x",
    "and",
    "or",
    "not",
    "in",
    "when",
    "cite S \"1\"",
    "default",
    "exception",
    "otherwise",
    "within",
    "at least",
    "for",
    "working",
    "days",
    "day",
    "after",
    "before",
    "done",
    "step",
    "starts",
    "if",
    "else",
    "rule r:",
    "duty d:",
    "fact f:",
    "override",
    "set of",
    "date-time",
    "true",
    "é",
];

fn boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutations_of_every_construct_parse_the_same(
        edits in proptest::collection::vec((0usize..3_000, 0usize..12, 0..TOKENS.len()), 1..4)
    ) {
        let mut text = EVERYTHING.to_string();
        for (start, len, token) in edits {
            let a = boundary(&text, start);
            let b = boundary(&text, a + len);
            text.replace_range(a..b, TOKENS[token]);
        }
        agree("mutated.policy", &text);
    }

    #[test]
    fn token_soup_parses_the_same(tokens in proptest::collection::vec(0..TOKENS.len(), 0..40)) {
        let body: String = tokens.iter().map(|i| TOKENS[*i]).collect::<Vec<_>>().join(" ");
        agree("soup.policy", &format!("guidance g \"t\"\nrule r: {body}"));
        agree("soup.policy", &format!("guidance g \"t\"\n{body}"));
    }
}

/// One `check::Parsed` for a run: the same results as checking each file alone, and a
/// file whose text changed (same name) is parsed afresh, never served from the run.
#[test]
fn a_run_parses_each_module_once_and_never_serves_stale_text() {
    use cspr::builtin::{Builtins, MODULES};
    use cspr::check::{Parsed, check, check_with};

    let parsed = Parsed::default();
    for module in MODULES {
        let source = module.source();
        let shared = check_with(&source, &Builtins, None, &parsed);
        let alone = check(&source, &Builtins);
        assert_eq!(
            format!("{:?}", shared.problems),
            format!("{:?}", alone.problems)
        );
        let texts = |c: &cspr::check::Checked| {
            c.program
                .as_ref()
                .map(|p| p.rules.iter().map(|r| r.text.clone()).collect::<Vec<_>>())
        };
        assert_eq!(texts(&shared), texts(&alone), "{}", module.file);
        assert!(shared.program.is_some(), "{}", module.file);
    }
    let first = Source::new("x.policy", "guidance x \"t\" fact a: bool rule r: a");
    let edited = Source::new("x.policy", "guidance x \"t\" fact a: bool rule r: not a");
    let text_of_r = |source: &Source| {
        let program = check_with(source, &Builtins, None, &parsed)
            .program
            .unwrap();
        program.rules[0].text.clone()
    };
    assert_eq!(text_of_r(&first), "a");
    assert_eq!(text_of_r(&edited), "not a");
    assert_eq!(text_of_r(&first), "a");
}
