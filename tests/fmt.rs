//! `cspr fmt`'s three properties, over every shipped policy, scenario and tutorial file
//! (formatted in memory: the files themselves are not rewritten here) and over random
//! re-layouts of them:
//! 1. formatting is idempotent;
//! 2. it never changes meaning: the syntax trees (timelines turned into duties, as the
//!    checker sees them) are equal ignoring spans, and checking gives the same problems;
//! 3. every comment survives, word for word, in order, after the same code.

use cspr::check::{check, timeline};
use cspr::diagnostic::Source;
use cspr::fmt::{Kind, format};
use cspr::syntax::trivia::comments;
use proptest::prelude::*;

use crate::common::{TestModules, root};

/// Every shipped file the formatter is for.
fn shipped() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs: Vec<_> = ["policies", "docs/tutorial", "tests/scenarios"]
        .iter()
        .map(|d| root().join(d))
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "policy" || e == "scenario")
            {
                let name = path.strip_prefix(root()).unwrap().display().to_string();
                out.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    assert!(out.len() > 20, "found only {} files", out.len());
    out
}

fn fmt(name: &str, text: &str) -> String {
    format(&Source::new(name, text), Kind::of_path(name))
        .unwrap_or_else(|e| panic!("{name} does not format: {e:?}"))
}

/// Property 1.
fn idempotent(name: &str, formatted: &str) {
    let again = fmt(name, formatted);
    assert!(
        again == formatted,
        "{name}: formatting twice changes the text:\n{}",
        first_difference(formatted, &again)
    );
}

/// Property 2.
fn same_meaning(name: &str, before: &str, after: &str) {
    if name.ends_with(".scenario") {
        let a = cspr::syntax::parse_scenarios(&Source::new(name, before)).unwrap();
        let b = cspr::syntax::parse_scenarios(&Source::new(name, after)).unwrap();
        assert!(a == b, "{name}: the scenarios changed");
        return;
    }
    let a = timeline::desugar(cspr::syntax::parse(&Source::new(name, before)).unwrap());
    let b = timeline::desugar(cspr::syntax::parse(&Source::new(name, after)).unwrap());
    for (x, y) in a.items.iter().zip(&b.items) {
        assert!(x == y, "{name}: a declaration changed:\n{x:?}\n{y:?}");
    }
    assert!(a == b, "{name}: the module changed");
    let codes = |text: &str| {
        let checked = check(&Source::new(name, text), &TestModules);
        let mut p: Vec<String> = checked
            .problems
            .iter()
            .map(|p| format!("{} {}", p.code, p.message))
            .collect();
        p.sort();
        (checked.program.is_some(), p)
    };
    assert_eq!(codes(before), codes(after), "{name}: checking differs");
}

/// Each comment with whether it ends a line of code, and the number of code words
/// before it: the comment's place among the code, whatever the layout. Strings that follow
/// one another with only whitespace between them (a quote's strings, which `cspr fmt` may
/// cut differently) count as one word.
fn comment_places(text: &str) -> Vec<(String, bool, usize)> {
    let cs = comments(text);
    let mut words = Vec::new();
    let mut at = 0;
    let mut in_word = false;
    let mut in_string = false;
    let mut after_string = false;
    let mut next = cs.iter().peekable();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if let Some(end) = next
            .peek()
            .filter(|c| c.span.start == i)
            .map(|c| c.span.end)
        {
            words.push(at);
            next.next();
            in_word = false;
            for _ in text[i..end].chars().skip(1) {
                chars.next();
            }
            continue;
        }
        if in_string {
            if c == '\\' {
                chars.next();
            } else if c == '"' {
                in_string = false;
                after_string = true;
            }
            continue;
        }
        let word_char = c.is_alphanumeric() || c == '_' || c == '-' || c == '–';
        if c == '"' {
            in_string = true;
            if !after_string {
                at += 1;
            }
            in_word = false;
            continue;
        }
        if !c.is_whitespace() {
            after_string = false;
        }
        if word_char && !in_word {
            at += 1;
            in_word = true;
        } else if !word_char {
            in_word = false;
        }
    }
    cs.iter()
        .zip(words)
        .map(|(c, w)| (c.text.clone(), c.trailing, w))
        .collect()
}

/// Property 3.
fn comments_in_place(name: &str, before: &str, after: &str) {
    let (a, b) = (comment_places(before), comment_places(after));
    assert_eq!(a.len(), b.len(), "{name}: comments lost or added");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "{name}: a comment moved");
    }
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}:\n  {x}\n  {y}", i + 1);
        }
    }
    format!("lengths {} and {}", a.lines().count(), b.lines().count())
}

fn all_properties(name: &str, text: &str) {
    let formatted = fmt(name, text);
    idempotent(name, &formatted);
    same_meaning(name, text, &formatted);
    comments_in_place(name, text, &formatted);
}

#[test]
fn shipped_files_keep_the_three_properties() {
    for (name, text) in shipped() {
        all_properties(&name, &text);
    }
}

#[test]
fn checker_test_files_keep_the_three_properties() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("tests/check")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = path.display().to_string();
        if name.ends_with(".policy") && cspr::syntax::parse(&Source::new(&*name, &*text)).is_ok() {
            all_properties(&name, &text);
            n += 1;
        }
    }
    assert!(n > 10, "only {n} files");
}

#[test]
fn the_tutorial_policy_is_already_formatted() {
    let text = std::fs::read_to_string(root().join("docs/tutorial/exampleshire.policy")).unwrap();
    let formatted = fmt("exampleshire.policy", &text);
    assert!(formatted == text, "{}", first_difference(&text, &formatted));
}

#[test]
fn canonical_layout() {
    let messy = "# top\nguidance g \"T\" calendar england_and_wales   version 2024-01-01\n\
source S=\"s\"\nfact a:bool ask \"A?\" fact b : bool fact t: datetime\n\
rule r cite S \"1\": ((a)) and not (b or a) # why\n\
duty d: x must \"do\" done t within 1 working days after t when r\n\
timeline tl: starts t step days 2–7 one: x may \"go\" step day 3 two: x should \"stop\"\n";
    let want = "# top\nguidance g \"T\"\n  calendar england_and_wales\n  version 2024-01-01\n\n\
source S = \"s\"\n\nfact a: bool\n  ask \"A?\"\nfact b: bool\nfact t: date-time\n\n\
rule r cite S \"1\":\n  (a) and not (b or a)  # why\n\n\
duty d:\n  x must \"do\"\n  done t\n  within 1 working day after t\n  when r\n\n\
timeline tl:\n  starts t\n\n  step days 2-7 one:\n    x may \"go\"\n\n  step day 3 two:\n    x should \"stop\"\n";
    assert_eq!(fmt("m.policy", messy), want);
    all_properties("m.policy", messy);
}

/// Actors are grouped like facts and sources; a label is written after the name it
/// labels, on the declaration's first line.
#[test]
fn actors_and_labels() {
    let messy = "guidance g \"T\"\nsource S = \"s\"\nactor x \"Ex\" actor y   \"Why \\\"y\\\"\"\n\
fact a label \"A given\": bool fact t: date\n\
rule r label \"R holds\" cite S \"1\": a\n\
decision k label \"The route\": p when r otherwise q\n\
duty d label \"Do it\" cite S \"2\": x must \"do\" when r\n\
timeline tl: starts t step day 2 one label \"Step one\": y may \"go\"\n";
    let want = "guidance g \"T\"\n\nsource S = \"s\"\n\n\
actor x \"Ex\"\nactor y \"Why \\\"y\\\"\"\n\n\
fact a label \"A given\": bool\nfact t: date\n\n\
rule r label \"R holds\" cite S \"1\":\n  a\n\n\
decision k label \"The route\":\n  p\n    when r\n  otherwise q\n\n\
duty d label \"Do it\" cite S \"2\":\n  x must \"do\"\n  when r\n\n\
timeline tl:\n  starts t\n\n  step day 2 one label \"Step one\":\n    y may \"go\"\n";
    assert_eq!(fmt("m.policy", messy), want);
    all_properties("m.policy", messy);
}

#[test]
fn long_chains_break_one_operand_a_line() {
    let long = "x".repeat(45);
    let text = format!(
        "guidance g \"T\"\nfact {long}: bool\nfact b: bool\nrule r:\n  {long} and ({long} or b) and b\n"
    );
    let want = format!("rule r:\n  {long}\n  and ({long} or b)\n  and b\n");
    let out = fmt("m.policy", &text);
    assert!(out.ends_with(&want), "{out}");
    all_properties("m.policy", &text);
}

#[test]
fn a_file_that_does_not_parse_is_refused() {
    let source = Source::new("bad.policy", "guidance g \"T\"\nfact a bool\n");
    assert!(format(&source, Kind::Policy).is_err());
}

/// Re-lay a file at random: each run of whitespace between tokens (not the line break
/// that ends a comment) becomes a space, or a line break and some indentation.
fn relayout(text: &str, choices: &[u8]) -> String {
    let mut k = 0;
    rewrite_boundaries(text, |_| {
        let choice = choices[k % choices.len()];
        k += 1;
        match choice % 4 {
            0 => "\n".into(),
            1 => "\n      ".into(),
            _ => " ".into(),
        }
    })
}

/// `text` with each run of whitespace between tokens (not the line break that ends a
/// comment) replaced by what `boundary` gives for it (it is given the run).
fn rewrite_boundaries(text: &str, mut boundary: impl FnMut(&str) -> String) -> String {
    rewrite_boundaries_at(text, |run, _, _| boundary(run))
}

/// As [`rewrite_boundaries`], `boundary` also given the text before the run (as
/// rewritten so far) and the text after it.
fn rewrite_boundaries_at(
    text: &str,
    mut boundary: impl FnMut(&str, &str, &str) -> String,
) -> String {
    let cs = comments(text);
    let mut out = String::new();
    let mut in_string = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(comment) = cs.iter().find(|x| x.span.start == i) {
            out.push_str(&comment.text);
            out.push('\n');
            while chars.peek().is_some_and(|(j, _)| *j < comment.span.end) {
                chars.next();
            }
            while chars.peek().is_some_and(|(_, c)| *c == ' ' || *c == '\n') {
                chars.next();
            }
            continue;
        }
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c.is_whitespace() {
            let mut end = i + c.len_utf8();
            while let Some((j, c)) = chars.next_if(|(_, c)| c.is_whitespace()) {
                end = j + c.len_utf8();
            }
            let piece = boundary(&text[i..end], &out, &text[end..]);
            out.push_str(&piece);
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

/// `text` with a comment at each boundary between the tokens of an expression (after
/// `and`, `or`, `not`, `in`, `(` or a set's `,`, or before `and`, `or` or `)`) for which
/// `pick` says so.
fn with_comments(text: &str, mut pick: impl FnMut(usize) -> bool) -> String {
    let mut k = 0;
    rewrite_boundaries_at(text, |run, before, after| {
        let word_before = before.rsplit([' ', '\n']).next().unwrap_or_default();
        let in_expression = ["and", "or", "not", "in"].contains(&word_before)
            || (word_before.ends_with(',') && !before.ends_with('"'))
            || word_before.ends_with('(')
            || ["and ", "or ", ")"].iter().any(|w| after.starts_with(w));
        if !in_expression || before.ends_with('\n') {
            return run.to_string();
        }
        k += 1;
        if pick(k) {
            format!("  # c{k}\n")
        } else {
            run.to_string()
        }
    })
}

#[test]
fn a_comment_stays_after_the_token_it_followed() {
    let text = "guidance g \"T\"\n\nsource S = \"s\"\n\nfact level: known | suspected | none\n\
fact a: bool\nfact b: bool\n\nrule r cite S \"1\":\n  level in {known, # inside set\n   suspected} # after set\n\
   and # after and\n   (a or b)\n";
    let want = "rule r cite S \"1\":\n  level in {known,  # inside set\n  suspected}  # after set\n  \
                and  # after and\n  (a or b)\n";
    let out = fmt("c.policy", text);
    assert!(out.ends_with(want), "{out}");
    all_properties("c.policy", text);
}

#[test]
fn shipped_files_with_a_comment_at_every_boundary_in_an_expression_keep_the_three_properties() {
    for (name, text) in shipped()
        .into_iter()
        .filter(|(n, _)| n.ends_with(".policy"))
    {
        let commented = with_comments(&text, |_| true);
        all_properties(&name, &commented);
    }
}

/// `text` with a comment at every boundary between tokens (each run of whitespace not
/// at the start of a line).
fn with_comments_everywhere(text: &str) -> String {
    let mut k = 0;
    rewrite_boundaries_at(text, |run, before, _| {
        if before.is_empty() || before.ends_with('\n') {
            return run.to_string();
        }
        k += 1;
        format!("  # c{k}\n")
    })
}

#[test]
fn shipped_files_with_a_comment_at_every_token_boundary_keep_the_three_properties() {
    for (name, text) in shipped() {
        all_properties(&name, &with_comments_everywhere(&text));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn files_with_comments_between_tokens_format_with_the_three_properties(
        file in 0usize..64,
        picks in proptest::collection::vec(any::<bool>(), 1..64),
    ) {
        let files = shipped();
        let (name, text) = &files[file % files.len()];
        let commented = with_comments(text, |k| picks[k % picks.len()]);
        all_properties(name, &commented);
    }

    #[test]
    fn relaid_files_format_with_the_three_properties(
        file in 0usize..64,
        choices in proptest::collection::vec(any::<u8>(), 1..64),
    ) {
        let files = shipped();
        let (name, text) = &files[file % files.len()];
        let relaid = relayout(text, &choices);
        all_properties(name, &relaid);
        // The re-laid text means what the original does, so their formats do too.
        same_meaning(name, text, &fmt(name, &relaid));
    }
}

fn cspr(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn cli_check_lists_files_that_would_change() {
    let (code, out, err) = cspr(
        &[
            "fmt",
            "--check",
            "tests/fmt/unformatted.policy",
            "docs/tutorial",
        ],
        "",
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "tests/fmt/unformatted.policy\n");
    assert!(err.contains("3 files checked: 1 would change"), "{err}");
    let (code, out, _) = cspr(&["fmt", "--check", "docs/tutorial"], "");
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn cli_stdin_formats_or_leaves_untouched() {
    let (code, out, _) = cspr(&["fmt", "--stdin"], "guidance g \"T\" fact a:bool # kept\n");
    assert_eq!(
        (code, out.as_str()),
        (0, "guidance g \"T\"\n\nfact a: bool  # kept\n")
    );
    let bad = "guidance g \"T\"\nfact a bool\n";
    let (code, out, err) = cspr(&["fmt", "--stdin"], bad);
    assert_eq!((code, out.as_str()), (1, bad));
    assert!(err.contains("expected"), "{err}");
    let (code, out, _) = cspr(
        &["fmt", "--stdin", "--scenario"],
        "scenario \"s\" for g: given a=true expect a = true\n",
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "scenario \"s\" for g:\n  given a = true\n  expect a = true\n"
    );
}

/// `refines` stays on the duty's first line, after its name and before its label.
#[test]
fn a_refining_duty_keeps_what_it_refines() {
    let messy = "procedure p \"T\" extends base\nsource S = \"s\"\nfact t: date\n\
duty d   refines   notify label \"Do it\" cite S \"2\": x must \"do\" within 5 days assumed calendar after t\n";
    let want = "procedure p \"T\"\n  extends base\n\nsource S = \"s\"\n\nfact t: date\n\n\
duty d refines notify label \"Do it\" cite S \"2\":\n  x must \"do\"\n  within 5 days assumed calendar after t\n";
    assert_eq!(fmt("m.policy", messy), want);
    all_properties("m.policy", messy);
}
