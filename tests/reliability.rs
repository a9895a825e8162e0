//! The defects of issue 14, each pinned by a test that failed before its fix: deadline
//! chains, working days the calendar cannot count, the module resolver's reasons, TOML
//! cases (floats, strings holding brackets), strict date-times, a byte-order mark, and
//! shipped modules built into the binary.

use cspr::eval::Engine;

use crate::common::{case, eval, program, render};

/// A guidance module whose `n` duties each count from the next one's due date, the last
/// from a fact: resolving `d0` walks the whole chain.
fn chain_policy(n: usize) -> String {
    let mut s = String::from(
        "guidance g \"t\"\n  calendar england_and_wales\nsource S = \"s\"\nactor a \"A\"\nfact start: date ask \"s\"\n",
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
        "guidance g \"t\"\n{}source S = \"s\"\nactor a \"A\"\nfact start: date ask \"s\"\nduty d cite S \"1\": a must \"x\" {deadline} after start\n",
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
    let head = "guidance g \"t\"\nsource S = \"s\"\nactor a \"A\"\nfact st: date ask \"s\"\n";
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

fn national() -> cspr::check::Program {
    crate::common::program_file("policies/working-together-2018.policy")
}

/// Parse a case under the national module: the case, or the rendered problems.
fn parse_case(name: &str, text: &str) -> Result<cspr::eval::Case, String> {
    let p = national();
    let source = cspr::diagnostic::Source::new(name, text);
    cspr::case::parse(&p, &source, cspr::case::Format::from_name(name)).map_err(|ps| {
        // The messages on their own lines (rendering wraps them), then the rendering.
        let messages: Vec<&str> = ps.iter().map(|p| p.message.as_str()).collect();
        format!("{}\n{}", messages.join("\n"), render(&ps))
    })
}

#[test]
fn toml_floats_that_are_not_numbers_are_the_wrong_type_not_unknown() {
    let err = parse_case(
        "case.toml",
        "case_id = \"C-1\"\nchild_died = nan\nchild_seriously_harmed = inf\nage = -inf\n",
    )
    .unwrap_err();
    assert!(
        err.contains("`child_died` must be bool, not a number"),
        "{err}"
    );
    assert!(
        err.contains("`child_seriously_harmed` must be bool, not a number"),
        "{err}"
    );
    assert!(
        err.contains("`age` must be a whole number, not `-inf`"),
        "reported too: {err}"
    );
    assert!(err.contains("case.toml:2:1"), "located at the key: {err}");
    let p = program("guidance g \"t\"\nfact age: integer ask \"a\"\n");
    let source = cspr::diagnostic::Source::new("case.toml", "age = -inf\n");
    let err = cspr::case::parse(&p, &source, cspr::case::Format::Toml).unwrap_err();
    assert_eq!(err[0].message, "`age` must be a whole number, not `-inf`");
    // As in JSON, where any number is the wrong type for a bool.
    let err = parse_case("case.json", r#"{"child_died": 1.5}"#).unwrap_err();
    assert!(
        err.contains("`child_died` must be bool, not a number"),
        "{err}"
    );
}

#[test]
fn brackets_inside_toml_strings_and_comments_are_not_nesting() {
    let brackets = "[".repeat(100);
    for text in [
        format!("case_id = \"C-1 \\\" {brackets}\"\nchild_died = true\n"),
        format!("case_id = 'C-1 {brackets}'\nchild_died = true\n"),
        format!("case_id = \"\"\"C-1 \" {brackets}\"\"\"\nchild_died = true\n"),
        format!("# it's {brackets}\ncase_id = \"C-1\"\nchild_died = true\n"),
    ] {
        let case = parse_case("case.toml", &text).unwrap_or_else(|e| panic!("{text}\n{e}"));
        assert!(case.id.as_deref().is_some_and(|id| id.starts_with("C-1")));
    }
    // Real nesting is still refused before the TOML parser sees it.
    let deep = format!("x = {}{}\n", "[".repeat(100), "]".repeat(100));
    let err = parse_case("case.toml", &deep).unwrap_err();
    assert!(err.contains("nests more than 64 levels deep"), "{err}");
}

#[test]
fn date_times_are_as_strict_as_dates() {
    for bad in [
        "+12345-01-01T00:00",
        "-0001-12-31T23:00",
        "2024-3-4T9:0",
        " 2024-03-04T09:00",
        "2024-03-04T09:00 ",
        "2024-03-04T23:59:60",
        "2024-03-04 09:00",
        "2024-03-04T24:00",
        "2024-02-30T09:00",
        "2024-03-04T09:00:00.5",
        "2024-03-04T09:00Z",
    ] {
        assert_eq!(cspr::case::parse_datetime(bad), None, "`{bad}` accepted");
        let err = parse_case(
            "case.json",
            &format!(r#"{{"rapid_review_decided_at": "{bad}"}}"#),
        )
        .unwrap_err();
        assert!(
            err.contains("which is not a real date-time (YYYY-MM-DDTHH:MM)"),
            "{err}"
        );
        assert!(err.contains("case.json:1:2"), "{err}");
    }
    for good in [
        "2024-03-04T09:00",
        "2024-03-04T23:59:59",
        "0000-01-01T00:00",
    ] {
        assert!(
            cspr::case::parse_datetime(good).is_some(),
            "`{good}` refused"
        );
    }
}

/// Run the built `cspr` with `args` in `dir`, with no `CSPR_PATH`.
fn cspr_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh directory under the system's temporary directory, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "cspr-test-{tag}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn an_unreadable_case_file_is_a_located_usage_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("unreadable");
    let file = dir.0.join("case.json");
    std::fs::write(&file, "{}").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&file).is_ok() {
        // Running as root: permissions do not stop reading, so there is nothing to test.
        return;
    }
    let (code, _, stderr) = cspr_in(&dir.0, &["eval", "working_together_2018", "case.json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot read `case.json`: Permission denied"),
        "{stderr}"
    );
}

#[test]
fn installed_it_works_from_any_directory() {
    // Outside the repository: no policies/ here, yet the shipped procedures and the
    // calendar are reached by id.
    let dir = TempDir::new("anywhere");
    let example = crate::common::root().join("policies/examples/death-in-area.json");
    std::fs::copy(&example, dir.0.join("case.json")).unwrap();
    let (code, stdout, stderr) = cspr_in(
        &dir.0,
        &[
            "eval",
            "working_together_2018",
            "case.json",
            "--as-of",
            "2024-03-08",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("due 2024-03-11: met"), "{stdout}");
    let (code, stdout, _) = cspr_in(&dir.0, &["check", "--list"]);
    assert_eq!(code, 0);
    // The id column is as wide as the longest id, so compare with the padding collapsed.
    let listed = |out: &str, want: &str| {
        out.lines().any(|l| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .starts_with(want)
        })
    };
    assert!(
        listed(
            &stdout,
            "working_together_2018 built in (policies/working-together-2018.policy)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("england_and_wales"), "{stdout}");
    let (code, stdout, stderr) =
        cspr_in(&dir.0, &["compare", "case.json", "--as-of", "2024-03-08"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("buckinghamshire"), "{stdout}");
    // A file in policies/ here takes precedence over the built-in module.
    std::fs::create_dir(dir.0.join("policies")).unwrap();
    let national = crate::common::root().join("policies/working-together-2018.policy");
    std::fs::copy(
        &national,
        dir.0.join("policies/working-together-2018.policy"),
    )
    .unwrap();
    let (_, stdout, _) = cspr_in(&dir.0, &["check", "--list"]);
    assert!(
        listed(
            &stdout,
            "working_together_2018 policies/working-together-2018.policy"
        ),
        "{stdout}"
    );
    assert!(listed(&stdout, "lincolnshire built in"), "{stdout}");
}

#[test]
fn every_shipped_policy_is_built_in() {
    let mut files: Vec<String> = std::fs::read_dir(crate::common::root().join("policies"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".policy"))
        .collect();
    files.sort();
    let built_in: Vec<&str> = cspr::builtin::MODULES.iter().map(|m| m.file).collect();
    assert_eq!(files, built_in);
    for m in cspr::builtin::MODULES {
        let checked = cspr::check::check(&m.source(), &cspr::builtin::Builtins);
        assert!(
            !checked.has_errors(),
            "{}: {}",
            m.file,
            render(&checked.problems)
        );
    }
}

#[test]
fn a_byte_order_mark_is_accepted_in_every_kind_of_file() {
    let dir = TempDir::new("bom");
    let root = crate::common::root();
    let bom = |from: &str, to: &str| {
        let text = std::fs::read_to_string(root.join(from)).unwrap();
        std::fs::write(dir.0.join(to), format!("\u{feff}{text}")).unwrap();
    };
    bom("policies/examples/death-in-area.json", "case.json");
    bom("policies/examples/death-in-custody.toml", "case.toml");
    bom("policies/examples/batch.jsonl", "batch.jsonl");
    bom("docs/tutorial/exampleshire.policy", "exampleshire.policy");
    // The text the tutorial's policy quotes, beside it as it is in docs/tutorial (unchanged:
    // its SHA-256 is pinned).
    std::fs::create_dir_all(dir.0.join("sources")).unwrap();
    std::fs::copy(
        root.join("docs/tutorial/sources/exampleshire-procedure-2024.txt"),
        dir.0.join("sources/exampleshire-procedure-2024.txt"),
    )
    .unwrap();
    bom(
        "docs/tutorial/exampleshire.scenario",
        "exampleshire.scenario",
    );
    for args in [
        &["eval", "working_together_2018", "case.json"][..],
        &["eval", "working_together_2018", "case.toml"],
        &["eval", "working_together_2018", "batch.jsonl"],
        &["check", "exampleshire.policy"],
        &["eval", "exampleshire.policy", "case.json"],
        &["test", "exampleshire.scenario"],
    ] {
        let (code, _, stderr) = cspr_in(&dir.0, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
    }
}

/// Every file under `dir` (recursively) whose bytes contain `marker`, except `inputs`.
fn files_with(dir: &std::path::Path, marker: &[u8], inputs: &[std::path::PathBuf]) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_with(&path, marker, inputs));
        } else if !inputs.contains(&path)
            && std::fs::read(&path).is_ok_and(|b| b.windows(marker.len()).any(|w| w == marker))
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn no_command_leaves_case_facts_behind() {
    // A case and a scenario carrying a recognisable marker, in a fresh working directory,
    // with a fresh HOME and temporary directory for the child: after every command, the
    // marker may be in what was printed (asked for), nowhere on disk but the inputs.
    const MARKER: &str = "PRIVACY-MARKER-5d1c0e";
    let cwd = TempDir::new("privacy-cwd");
    let home = TempDir::new("privacy-home");
    let tmp = TempDir::new("privacy-tmp");
    let root = crate::common::root();
    let case = std::fs::read_to_string(root.join("policies/examples/death-in-area.json"))
        .unwrap()
        .replace("WT18-EX-01", MARKER);
    std::fs::write(cwd.0.join("case.json"), &case).unwrap();
    std::fs::write(
        cwd.0.join("batch.jsonl"),
        format!("{}\n", case.replace('\n', " ")),
    )
    .unwrap();
    std::fs::write(
        cwd.0.join("marker.scenario"),
        format!(
            "scenario \"{MARKER}\" for working_together_2018:\n  as of 2024-03-08\n  given child_died = true, la_aware_on = 2024-03-04\n  expect notify_national_panel status met\n"
        ),
    )
    .unwrap();
    // The inputs, and the one file a command is asked to write (`report -o`).
    let inputs: Vec<std::path::PathBuf> =
        ["case.json", "batch.jsonl", "marker.scenario", "asked.html"]
            .iter()
            .map(|f| cwd.0.join(f))
            .collect();
    let w = "working_together_2018";
    let runs: &[&[&str]] = &[
        &["check", "--list"],
        &["eval", w, "case.json"],
        &["eval", w, "case.json", "--format", "json"],
        &["eval", w, "batch.jsonl"],
        &["explain", w, "case.json"],
        &[
            "explain",
            w,
            "case.json",
            "local_review_basis",
            "--why-not",
            "criteria_met",
        ],
        &["timeline", w, "case.json"],
        &["timeline", w, "case.json", "--format", "ics"],
        &["test", "marker.scenario", "--coverage"],
        &["compare", "case.json"],
        &[
            "compare",
            "case.json",
            "--guidance",
            "working_together_2023",
        ],
        &[
            "eval",
            "lincolnshire",
            "case.json",
            "--guidance",
            "working_together_2023",
        ],
        &["report", w, "case.json"],
        &["report", w, "case.json", "-o", "asked.html"],
        &["graph", "lincolnshire", "pathway"],
        &["sources", "lincolnshire"],
        &["rebase", "lincolnshire", "--onto", "working_together_2023"],
        // The scenario suite is the marked scenario; witnesses are written to a directory
        // (they are built by the search, never from a case, so none may hold the marker).
        &[
            "diff",
            w,
            "working_together_2023",
            "--scenarios",
            "marker.scenario",
            "--witnesses",
            "witnesses",
        ],
        &["fmt", "--check", "marker.scenario"],
        &["fmt", "--stdin", "--scenario"],
        // Stdin holds a whole session that opens the scenario (see `lsp_session`).
        &["lsp"],
        // Scripted (stdin is not a terminal): a session on stdin (see `repl_session`); more
        // of the REPL's commands are covered by tests/repl_cli.rs.
        &["repl", w, "case.json"],
    ];
    // Every command cspr has is run here: a new one must be added to the list.
    let (_, help, _) = cspr_in(&cwd.0, &["--help"]);
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        // A server runs until stopped: `serve_api::nothing_written_and_no_fact_logged` runs
        // it the same way (fresh HOME, TMPDIR and working directory), posts cases to every
        // endpoint, and checks the disk and its log.
        .filter(|c| *c != "serve")
        .collect();
    for c in &commands {
        assert!(
            runs.iter().any(|r| r[0] == *c),
            "`cspr {c}` is not run by this test"
        );
    }
    let mut printed = false;
    for args in runs {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cspr"))
            .args(*args)
            .current_dir(&cwd.0)
            .env("HOME", &home.0)
            .env("TMPDIR", &tmp.0)
            .env("XDG_CACHE_HOME", home.0.join(".cache"))
            .env("XDG_STATE_HOME", home.0.join(".local/state"))
            .env("NO_COLOR", "1")
            .env_remove("CSPR_PATH")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write as _;
                if let Some(mut stdin) = child.stdin.take() {
                    match args[0] {
                        "lsp" => stdin
                            .write_all(lsp_session(&cwd.0.join("marker.scenario")).as_bytes())?,
                        "repl" => stdin.write_all(
                            b"eval\nwhy notify_national_panel\nwhat-if child_looked_after = true\nset setting = community\nask\nstop\nfacts\n",
                        )?,
                        _ => {}
                    }
                }
                child.wait_with_output()
            })
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        printed |= stdout.contains(MARKER);
        for dir in [&cwd.0, &home.0, &tmp.0] {
            let left = files_with(dir, MARKER.as_bytes(), &inputs);
            assert!(
                left.is_empty(),
                "{args:?} left the case's marker in {left:?}"
            );
        }
    }
    assert!(
        printed,
        "the marker is printed where asked for, so the search is meaningful"
    );
}

/// A language-server session on stdin: initialize, open `file` (its text as the editor
/// holds it), shut down and exit.
fn lsp_session(file: &std::path::Path) -> String {
    // The temporary directory's name has spaces and braces: percent-encode the path.
    let path: String = file
        .display()
        .to_string()
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let uri = format!("file://{path}");
    let text = std::fs::read_to_string(file).unwrap();
    let messages = [
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "cspr-scenario", "version": 1, "text": text}}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
        serde_json::json!({"jsonrpc": "2.0", "method": "exit", "params": null}),
    ];
    messages
        .iter()
        .map(|m| {
            let body = m.to_string();
            format!("Content-Length: {}\r\n\r\n{body}", body.len())
        })
        .collect()
}
