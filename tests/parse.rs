//! The parser (pest, `grammar/policy.pest`, and the converter in `syntax/parse`) on its
//! own: every construct parses, odd layouts too, layout never changes the tree, the texts
//! that must be refused are, keywords are refused as names exactly where the grammar says,
//! nesting is refused before pest recurses (so a small thread's stack suffices), and a run
//! parses each module once.

use cspr::diagnostic::Source;
use cspr::syntax::{MAX_NESTING, keywords::keywords, parse};
use proptest::prelude::*;

use crate::common::root;

#[test]
fn the_shipped_policies_parse() {
    for module in cspr::builtin::MODULES {
        let source = module.source();
        assert!(parse(&source).is_ok(), "{}", module.file);
    }
}

#[test]
fn every_policy_in_the_policies_directory_parses() {
    let mut count = 0;
    let mut dirs = vec![root().join("policies")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "policy") {
                let text = std::fs::read_to_string(&path).unwrap();
                let source = Source::new(path.display().to_string(), text);
                assert!(parse(&source).is_ok(), "{}", path.display());
                count += 1;
            }
        }
    }
    assert!(count >= 5, "{count} policies found");
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
fn every_construct_parses() {
    let module = parse(&Source::new("everything.policy", EVERYTHING)).unwrap();
    assert_eq!(module.id.node, "p_1");
    assert_eq!(module.title, "Title with \"quotes\", a \\ and \n");
    // 2 sources, 14 facts, 5 rules, 2 decisions, 6 duties, 3 overrides, 2 timelines.
    assert_eq!(module.items.len(), 34, "{:#?}", module.items);
}

/// `text` with its comments taken out and every run of whitespace made one space (for
/// texts whose strings hold no `#` and no double spaces).
fn relaid(text: &str) -> String {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn layout_and_comments_never_change_the_tree() {
    let laid_out = parse(&Source::new("a.policy", EVERYTHING)).unwrap();
    let text = relaid(EVERYTHING);
    let plain = parse(&Source::new("b.policy", text.as_str())).unwrap();
    // Equal ignoring spans (`syntax::same`); the spans themselves differ.
    assert_eq!(laid_out, plain);
    assert_ne!(format!("{laid_out:?}"), format!("{plain:?}"));
}

#[test]
fn spans_cover_the_code_they_came_from() {
    let module = parse(&Source::new("everything.policy", EVERYTHING)).unwrap();
    let at = |s: cspr::span::Span| &EVERYTHING[s.start..s.end];
    assert_eq!(at(module.id.span), "p_1");
    let cspr::syntax::ast::Item::Rule(r1) = &module.items[16] else {
        panic!("{:?}", module.items[16]);
    };
    assert_eq!(at(r1.name.span), "r1");
    let cspr::syntax::ast::RuleBody::Expr(body) = &r1.body else {
        panic!("{:?}", r1.body);
    };
    assert_eq!(
        at(body.span),
        "a and not b = 3 or (c < 2024-01-01T09:30 and d >= 2024-03-04)"
    );
}

#[test]
fn odd_but_valid_layouts_parse() {
    for text in [
        "guidance g \"t\"",
        "guidance g \"t\"\n",
        "\n\n  # c\nguidance g\"t\"rule r:a",
        "guidance g \"t\" rule r: a # c\n# d\n",
        "guidance g \"t\" rule r: a and b # c\n# d\n rule s: x",
        "guidance g \"t\" rule r: (a and b # c\n) rule s: not (x or y) # z",
        "guidance g \"t\" rule r: not # c\n not a",
        "guidance g \"t\" rule r: a = b # c\n",
        "guidance g \"t\" rule r: a in {b} # c\n",
        "guidance g \"t\" rule r: a\r\n\trule s: b\r\n",
        "guidance g \"t\" fact f: set of a # c\n | b",
        "guidance g \"t\" decision d: x when a # c\n y when b # d\n otherwise z # e\n",
        "guidance g \"t\" duty d: a must \"x\" # c\n when b # d\n",
        "guidance g \"t\" duty d: a must \"x\" within 2 # c\n working # d\n days after b",
        "guidance g \"t\" rule r: 2024-01-01T10:00 = 2024-01-01 ",
        "guidance g \"t\" rule r: x = \"é — ünïcode\" # ünïcode ",
        format!("guidance g \"t\" rule r: {}a", "not ".repeat(MAX_NESTING)).as_str(),
        format!(
            "guidance g \"t\" rule r: {}a{}",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        )
        .as_str(),
    ] {
        if let Err(problems) = parse(&Source::new("odd.policy", text)) {
            panic!("{text:?}: {problems:?}");
        }
    }
}

#[test]
fn errors_are_refused_with_a_located_problem() {
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
        format!(
            "guidance g \"t\" rule r: {}a",
            "not ".repeat(MAX_NESTING + 1)
        )
        .as_str(),
        format!(
            "guidance g \"t\" rule r: {}a{}",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        )
        .as_str(),
        format!(
            "guidance g \"t\" duty d: a must \"x\" within 1 day after {}b if c else d{}",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        )
        .as_str(),
    ] {
        let Err(problems) = parse(&Source::new("bad.policy", text)) else {
            panic!("{text:?} was accepted");
        };
        assert!(!problems.is_empty(), "{text:?}");
        for p in &problems {
            for (span, _) in &p.labels {
                assert!(span.end <= text.len().max(1), "{text:?}: {p:?}");
            }
        }
    }
}

#[test]
fn keywords_are_refused_as_names_exactly_where_the_grammar_says() {
    let language: Vec<&str> = keywords().iter().filter(|k| !k.1).map(|k| k.0).collect();
    let mut words: Vec<&str> = keywords().iter().map(|k| k.0).collect();
    words.extend([
        "bool", "date", "text", "integer", "weeks", "Rule", "_", "a1", "true", "false", "setting",
        "order", "notify", "index",
    ]);
    for word in words {
        // `day` and `days` are keywords only where a timeline step expects them, `actor`
        // and `label` only where a declaration or its label starts; the words of scenario
        // expectations (`cw_…`) only there; `true`/`false` are values. The words of
        // deadlines (`on`, `earliest`, …) likewise only where a deadline expects them
        // (`non-working` is no name at all).
        let keyword = language.contains(&word)
            && !matches!(
                word,
                "day"
                    | "days"
                    | "on"
                    | "next"
                    | "previous"
                    | "earliest"
                    | "latest"
                    | "assumed"
                    | "actor"
                    | "label"
            );
        let value = matches!(word, "true" | "false");
        let accepted = |text: String| parse(&Source::new("k.policy", text.as_str())).is_ok();
        assert_eq!(
            accepted(format!("guidance g \"t\" fact {word}: bool")),
            !keyword && !value,
            "fact {word}"
        );
        for text in [
            format!("guidance g \"t\" rule r: {word}"),
            format!("guidance g \"t\" rule r: x = {word}"),
        ] {
            assert_eq!(accepted(text.clone()), !keyword || value, "{text}");
        }
    }
}

/// Nesting is refused on the raw text before pest runs, so parsing the deepest text
/// allowed needs little stack: it is parsed (and the next level refused, with a located
/// error) on a thread with a 2 MiB stack, in a debug build too.
#[test]
fn the_deepest_nesting_allowed_parses_on_a_small_stack() {
    let deep = |depth: usize| {
        format!(
            "guidance g \"t\"\nfact a: bool\nrule r: {}a{}\nrule s: {}a\n",
            "(".repeat(depth),
            ")".repeat(depth),
            "not ".repeat(depth)
        )
    };
    let outcome = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let ok = parse(&Source::new("deep.policy", deep(MAX_NESTING)));
            let refused = parse(&Source::new("deeper.policy", deep(MAX_NESTING + 1)));
            // Check as well: its recursion on the tree is bounded by the same limit.
            let checked = cspr::check::check(
                &Source::new("deep.policy", deep(MAX_NESTING)),
                &cspr::builtin::Builtins,
            );
            (ok.is_ok(), refused, checked.program.is_some())
        })
        .unwrap()
        .join()
        .expect("parsing overflowed a 2 MiB stack");
    assert!(outcome.0, "{MAX_NESTING} levels refused");
    assert!(outcome.2, "{MAX_NESTING} levels did not check");
    let problems = outcome.1.unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, "cspr::too_deep");
    let text = deep(MAX_NESTING + 1);
    let at = problems[0].labels[0].0;
    // The first parenthesis past the limit.
    assert_eq!(at.start, text.find("rule r: ").unwrap() + 8 + MAX_NESTING);
    assert_eq!(&text[at.start..at.end], "(");
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

    /// Any edit of a text that uses every construct: a tree or located errors, never a
    /// panic, and every label within the text.
    #[test]
    fn mutations_of_every_construct_are_parsed_or_refused_with_located_errors(
        edits in proptest::collection::vec((0usize..3_000, 0usize..12, 0..TOKENS.len()), 1..4)
    ) {
        let mut text = EVERYTHING.to_string();
        for (start, len, token) in edits {
            let a = boundary(&text, start);
            let b = boundary(&text, a + len);
            text.replace_range(a..b, TOKENS[token]);
        }
        if let Err(problems) = parse(&Source::new("mutated.policy", text.as_str())) {
            prop_assert!(!problems.is_empty());
            for p in &problems {
                for (span, _) in &p.labels {
                    prop_assert!(span.start <= span.end && span.end <= text.len().max(1), "{:?}", p);
                }
            }
        }
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
