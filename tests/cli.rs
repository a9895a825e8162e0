//! Golden tests of the built `cspr` binary: each `tests/cli/NAME.args` holds one command
//! line (arguments separated by spaces, run from the repository root; `< FILE` gives
//! standard input, `> FILE` sends standard output to a file such as `/dev/full`); its
//! exit code, stdout and stderr are snapshotted together.

use std::process::{Command, Stdio};

use crate::common::{glob_snapshots, relative, root};

fn run(args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cspr"));
    command.stdin(Stdio::null());
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match *word {
            "<" => {
                let file = root().join(words.next().expect("a file after <"));
                command.stdin(std::fs::File::open(file).expect("stdin file"));
            }
            ">" => {
                let file = words.next().expect("a file after >");
                command.stdout(
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open(file)
                        .expect("stdout file"),
                );
            }
            arg => {
                command.arg(arg);
            }
        }
    }
    let out = command
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
        // Text is fitted to COLUMNS when set: the goldens are at the default width.
        .env_remove("COLUMNS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cspr: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn golden() {
    let mut seen = 0;
    insta::glob!("cli/*.args", |path| {
        seen += 1;
        let line = std::fs::read_to_string(path).unwrap_or_default();
        let args: Vec<&str> = line.split_whitespace().collect();
        let (code, stdout, stderr) = run(&args);
        insta::assert_snapshot!(format!(
            "$ cspr {}\nexit: {code}\n----- stdout -----\n{stdout}----- stderr -----\n{stderr}",
            args.join(" ")
        ));
    });
    assert_eq!(
        seen,
        glob_snapshots("cli__golden"),
        "tests/cli/*.args walked"
    );
}

#[test]
fn exit_codes() {
    assert_eq!(
        run(&["check", "policies"]).0,
        0,
        "the shipped policies are clean"
    );
    assert_eq!(
        run(&["check", "tests/check/cycle.policy"]).0,
        1,
        "a policy with errors"
    );
    assert_eq!(
        run(&["check", "--deny-warnings", "tests/check/unused-fact.policy"]).0,
        1,
        "warnings denied"
    );
    assert_eq!(
        run(&["check", "tests/check/unused-fact.policy"]).0,
        0,
        "warnings allowed"
    );
    assert_eq!(
        run(&["eval", "no_such_procedure", "x.json"]).0,
        2,
        "unknown procedure"
    );
    assert_eq!(
        run(&["eval", "working_together_2018", "no/such/case.json"]).0,
        2,
        "unreadable case"
    );
    assert_eq!(run(&["frobnicate"]).0, 2, "bad usage");
}

#[test]
fn batch_gives_one_json_result_per_line() {
    let (code, stdout, _) = run(&[
        "eval",
        "working_together_2018",
        "policies/examples/batch.jsonl",
    ]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    let cases =
        std::fs::read_to_string(root().join("policies/examples/batch.jsonl")).unwrap_or_default();
    assert_eq!(
        lines.len(),
        cases.lines().filter(|l| !l.trim().is_empty()).count()
    );
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v["outcomes"].is_object() && v["duties"].is_array() && v["missing"].is_array(),
            "{line}"
        );
    }
}

/// A batch streamed from standard input (`-`) gives what the same file gives, and a bad
/// line far into it is located at its own line number with its neighbours shown.
#[test]
fn a_batch_streams_from_stdin_like_a_file() {
    use std::io::Write as _;
    let file = [
        "eval",
        "working_together_2018",
        "policies/examples/batch.jsonl",
        "--as-of",
        "2024-03-08",
    ];
    let (code, from_file, _) = run(&file);
    assert_eq!(code, 0);
    let cases =
        std::fs::read_to_string(root().join("policies/examples/batch.jsonl")).unwrap_or_default();
    let stdin = |input: String| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cspr"))
            .args([
                "eval",
                "working_together_2018",
                "-",
                "--as-of",
                "2024-03-08",
            ])
            .current_dir(root())
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("runs");
        // Written from another thread: the output fills its pipe before the input ends.
        let mut pipe = child.stdin.take().expect("stdin");
        let writer = std::thread::spawn(move || pipe.write_all(input.as_bytes()));
        let out = child.wait_with_output().expect("finishes");
        writer.join().expect("joins").expect("writes");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, from_stdin, _) = stdin(cases.clone());
    assert_eq!((code, &from_stdin), (0, &from_file));
    let mut many = cases.repeat(200);
    many.push_str("{\"child_died\": 3}\n");
    many.push_str(&cases);
    let bad = many.lines().count() - cases.lines().count();
    let (code, out, err) = stdin(many);
    assert_eq!(code, 2);
    assert!(
        out.contains(&format!("{{\"line\":{bad},\"errors\"")),
        "{out}"
    );
    assert!(err.contains(&format!("<stdin>:{bad}:")), "{err}");
    assert!(
        err.contains(&format!("{} │", bad - 1)) && err.contains(&format!("{} │", bad + 1)),
        "{err}"
    );
}

/// The one JSON writer says what the report's view model says: every outcome's value,
/// citations and missing facts, every duty's applying, due date and status, and the
/// questions, in DESIGN §4's shape.
#[test]
fn the_json_writer_agrees_with_the_view_model() {
    use cspr::report::{JsonWriter, Report};
    let p = crate::common::program_file("policies/working-together-2018.policy");
    let writer = JsonWriter::new(&p);
    let mut checked = 0;
    for name in [
        "death-in-area.json",
        "incomplete.json",
        "looked-after-death.json",
        "harm-outside-england.json",
    ] {
        let text = std::fs::read_to_string(root().join("policies/examples").join(name)).unwrap();
        let e = crate::common::eval(&p, &text);
        for as_of in ["2024-03-08", "2024-03-11", "2024-04-30", "2025-01-06"] {
            let as_of = cspr::case::parse_date(as_of).unwrap();
            let mut line = String::new();
            writer.write(&p, &e, as_of, &mut line);
            assert_eq!(line, cspr::report::eval_json(&p, &e, as_of));
            let json: serde_json::Value = serde_json::from_str(&line).unwrap();
            let model = Report::new(&p, &e, as_of);
            assert_eq!(json["procedure"]["id"], model.procedure.id);
            for o in &model.outcomes {
                let got = &json["outcomes"][o.name];
                let want = o.value.map_or(serde_json::Value::Null, |v| {
                    cspr::value::to_json(v, o.ty, &p.enums)
                });
                assert_eq!(got["value"], want, "{name}: {}", o.name);
                let cites: Vec<String> = o.cites.iter().map(|c| c.text.clone()).collect();
                assert_eq!(got["cite"], serde_json::json!(cites), "{name}: {}", o.name);
                if o.value.is_none() {
                    assert_eq!(got["missing"], serde_json::json!(o.missing), "{}", o.name);
                }
                checked += 1;
            }
            let duties = json["duties"].as_array().unwrap();
            assert_eq!(duties.len(), model.duties.len());
            for (got, d) in duties.iter().zip(&model.duties) {
                assert_eq!(got["name"], d.name);
                assert_eq!(got["applies"], serde_json::json!(d.applies), "{}", d.name);
                assert_eq!(
                    got["due"],
                    serde_json::json!(d.deadline.due.map(|m| m.to_string()))
                );
                assert_eq!(got["status"], d.deadline.status.name(), "{}", d.name);
                checked += 1;
            }
            let questions: Vec<&str> = model.questions.iter().map(|q| q.name).collect();
            assert_eq!(json["missing"], serde_json::json!(questions));
        }
    }
    assert!(checked > 100, "{checked} outcomes and duties compared");
    // What each due date counts from, a chain through a duty, days that are not working
    // days: written by the one writer, as the view model has them.
    let p = crate::common::program_file("tests/cli/data/counted-from.policy");
    let text = std::fs::read_to_string(root().join("tests/cli/data/counted-from.json")).unwrap();
    let e = crate::common::eval(&p, &text);
    let as_of = cspr::case::parse_date("2026-04-20").unwrap();
    let mut line = String::new();
    JsonWriter::new(&p).write(&p, &e, as_of, &mut line);
    assert!(line.contains("\"kind\":\"duty\"") && line.contains("\"not_a_working_day\""));
    let json: serde_json::Value = serde_json::from_str(&line).unwrap();
    let model = Report::new(&p, &e, as_of);
    for (got, d) in json["duties"].as_array().unwrap().iter().zip(&model.duties) {
        assert_eq!(
            got["due"],
            serde_json::json!(d.deadline.due.map(|m| m.to_string())),
            "{}",
            d.name
        );
    }
}

#[test]
fn the_shipped_scenario_suites_pass_with_full_coverage() {
    let (code, stdout, stderr) = run(&[
        "test",
        "--require-coverage",
        "tests/scenarios",
        "docs/tutorial",
    ]);
    assert_eq!(code, 0, "cspr test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("test result: ok."), "{stdout}");
    for module in [
        "working_together_2018",
        "lincolnshire",
        "buckinghamshire",
        "walsall",
        "slough",
        "cambridgeshire_peterborough",
        "devon",
        "exampleshire",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.trim_start().starts_with(module) && l.contains("100.0%")),
            "{module} is not fully covered:\n{stdout}"
        );
    }
}

#[test]
fn compare_lays_the_procedures_side_by_side_in_json() {
    let (code, stdout, stderr) = run(&[
        "compare",
        "policies/examples/buckinghamshire-custody-death.json",
        "--as-of",
        "2024-04-10",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let ids: Vec<&str> = json["procedures"]
        .as_array()
        .expect("procedures")
        .iter()
        .map(|p| p["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [
            "working_together_2018",
            "working_together_2023",
            "buckinghamshire",
            "cambridgeshire_peterborough",
            "devon",
            "lincolnshire",
            "slough",
            "walsall"
        ]
    );
    let row = |name: &str| {
        json["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no row {name}"))
            .clone()
    };
    // A national rule: the same everywhere.
    let serious = row("serious_child_safeguarding_case");
    assert_eq!(serious["differs"], false);
    assert_eq!(serious["cells"]["walsall"]["value"], false);
    assert_eq!(serious["cells"]["working_together_2023"]["value"], false);
    // 8.2.8: a death in custody is reviewed in Buckinghamshire even with no abuse suspected;
    // the other procedures have no such rule.
    let required = row("lcspr_required");
    assert_eq!(required["differs"], true);
    assert_eq!(required["cells"]["buckinghamshire"]["value"], true);
    assert_eq!(required["cells"]["lincolnshire"], serde_json::Value::Null);
    let notify = row("notify_decision");
    assert_eq!(notify["cells"]["buckinghamshire"]["applies"], true);
    assert_eq!(notify["cells"]["buckinghamshire"]["modality"], "must");
}

#[test]
fn an_hour_deadline_met_late_says_by_how_many_hours() {
    // Lincolnshire's Terms of Reference meeting: within 48 hours of the decision at
    // 10:00 on Thursday 28 March 2024, so by 10:00 on Saturday 30 March; held at 10:00
    // on Tuesday 2 April, 72 hours late (one working day, across the Easter weekend).
    let case = "policies/examples/lincolnshire-rapid-review.json";
    let (code, stdout, _) = run(&["eval", "lincolnshire", case, "--as-of", "2024-04-10"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("met late by 72 hours (1 working day)"),
        "{stdout}"
    );
    for format in [["eval", "--format"], ["timeline", "--format"]] {
        let (code, stdout, _) = run(&[
            format[0],
            "lincolnshire",
            case,
            "--as-of",
            "2024-04-10",
            format[1],
            "json",
        ]);
        assert_eq!(code, 0);
        assert!(
            stdout.contains(r#""status":"met_late","working_days":1,"hours_late":72"#),
            "{}: {stdout}",
            format[0]
        );
    }
}

#[test]
fn rebase_writes_the_file_asked_for() {
    let out = std::env::temp_dir().join(format!("cspr-rebase-test-{}.policy", std::process::id()));
    let shown = out.to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&[
        "rebase",
        "tests/check/lib/local.policy",
        "--onto",
        "base_next",
        "-o",
        &shown,
    ]);
    let written = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "", "the text goes to the file, not stdout");
    assert!(stderr.contains("which it checks"), "{stderr}");
    let original =
        std::fs::read_to_string(root().join("tests/check/lib/local.policy")).unwrap_or_default();
    assert_eq!(
        written,
        original.replace("extends base\n", "extends base_next\n")
    );

    // A procedure that does not check on the edition: nothing is written.
    let (code, _, stderr) = run(&[
        "rebase",
        "tests/check/lib/local-stale.policy",
        "--onto",
        "base_next",
        "-o",
        &shown,
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(!out.exists(), "nothing may be written without --force");
}

#[test]
fn the_shipped_suites_pass_on_the_other_edition_with_every_difference_pinned() {
    for (edition, suites) in [
        (
            "working_together_2023",
            &[
                "tests/scenarios/national",
                "tests/scenarios/lincolnshire",
                "tests/scenarios/buckinghamshire",
            ][..],
        ),
        ("working_together_2018", &["tests/scenarios/walsall"][..]),
    ] {
        let mut args = vec!["test", "--guidance", edition];
        args.extend(suites);
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "on {edition}:\n{stdout}\n{stderr}");
        let last = stdout.lines().last().unwrap_or("");
        assert!(
            last.starts_with(&format!("test result on {edition}: ok.")),
            "{last}"
        );
        // Every change the report lists is pinned: the counts in brackets match.
        let changed: usize = last
            .split("; ")
            .find_map(|p| p.split(" expectation").next()?.parse().ok())
            .expect("a count of changed expectations");
        assert!(changed > 0, "the editions differ: {last}");
        assert!(
            last.ends_with(&format!("({changed} pinned to one edition by `under`)")),
            "{last}"
        );
    }
}

/// The bad-input catalogue (`tests/cli/bad-*.args`, docs/reliability.md): each kind of bad
/// input gets its exit code of DESIGN §4, a message with a remedy, located in the file
/// where there is a place to point at, and never a panic.
#[test]
fn bad_input_catalogue() {
    // (name, exit code, located in the file)
    let catalogue = [
        ("malformed-json", 2, true),
        ("malformed-toml", 2, true),
        ("malformed-jsonl", 2, true),
        ("unknown-key", 2, true),
        ("wrong-type", 2, true),
        ("impossible-date", 2, true),
        ("outside-calendar", 1, true),
        ("key-twice", 2, true),
        ("huge-number", 2, true),
        ("deep-nesting", 2, true),
        ("binary-garbage", 2, false),
        ("empty-file", 2, true),
        ("directory", 2, false),
        ("non-utf8", 2, false),
        ("bom", 0, false),
        ("many-errors", 1, true),
        ("missing-module", 1, true),
        ("unreadable-module", 1, true),
        ("cyclic-rule", 1, true),
        ("scenario", 1, true),
        ("as-of", 2, false),
        // Issue 19: messages that said too little, and output that cannot be written.
        ("huge-integer", 2, true),
        ("diff-budget-zero", 2, false),
        ("case-as-procedure", 2, false),
        ("cr-only", 1, false),
        ("fmt-stdin-garbage", 1, true),
        ("fmt-stdin-binary", 2, false),
        ("fmt-stdin-bom", 0, false),
        ("full-disk", 2, false),
        ("save-existing", 1, false),
        ("missing-colon", 1, true),
    ];
    let mut files: Vec<String> = std::fs::read_dir(root().join("tests/cli"))
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(
                name.strip_prefix("bad-")?
                    .strip_suffix(".args")?
                    .to_string(),
            )
        })
        .collect();
    files.sort();
    let mut listed: Vec<String> = catalogue.iter().map(|(n, _, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "every tests/cli/bad-*.args is in the catalogue"
    );
    for (name, code, located) in catalogue {
        let line =
            std::fs::read_to_string(root().join(format!("tests/cli/bad-{name}.args"))).unwrap();
        let args: Vec<&str> = line.split_whitespace().collect();
        let (got, _, stderr) = run(&args);
        assert_eq!(got, code, "{name}: exit code\n{stderr}");
        assert!(!stderr.contains("panicked"), "{name}: panic\n{stderr}");
        if code != 0 {
            assert!(
                stderr.contains("help:") || stderr.contains("; write "),
                "{name}: no remedy\n{stderr}"
            );
        }
        if located {
            assert!(stderr.contains("╭─["), "{name}: not located\n{stderr}");
        }
    }
}

/// A batch on several cores (`--jobs`) writes exactly what one core writes: every result
/// in input order, each bad line's located error (with its neighbours, at the edges of the
/// chunks the lines are handed out in too) in its place, blank lines skipped, the same exit
/// code; and a line that cannot be read stops both at the same point.
#[test]
fn a_batch_on_several_cores_writes_what_one_core_writes() {
    let dir = std::env::temp_dir().join(format!("cspr-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases =
        std::fs::read_to_string(root().join("policies/examples/batch.jsonl")).unwrap_or_default();
    let lines: Vec<&str> = cases.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut text = String::new();
    for i in 1..=1200 {
        // Bad lines around the 256-line chunk edges, a blank line, a failing evaluation.
        match i {
            255 | 256 | 257 | 512 | 1000 => text.push_str("{\"child_died\": \"perhaps\"}\n"),
            300 => text.push('\n'),
            777 => text.push_str("[1, 2]\n"),
            _ => {
                text.push_str(lines[i % lines.len()]);
                text.push('\n');
            }
        }
    }
    let batch = dir.join("mixed.jsonl");
    std::fs::write(&batch, &text).expect("writes");
    // The same with a line that is not UTF-8 near the end.
    let mut broken = text.clone().into_bytes();
    broken.extend_from_slice(b"{\"case_id\": \"\xff\"}\n");
    broken.extend_from_slice(lines[0].as_bytes());
    let unreadable = dir.join("unreadable.jsonl");
    std::fs::write(&unreadable, broken).expect("writes");
    for file in [&batch, &unreadable] {
        let path = file.display().to_string();
        let with = |jobs: &str| {
            run(&[
                "eval",
                "working_together_2018",
                &path,
                "--as-of",
                "2024-03-08",
                "--jobs",
                jobs,
            ])
        };
        let one = with("1");
        assert_eq!(one.0, 2, "bad lines exit 2");
        assert!(one.1.lines().count() > 1000);
        for jobs in ["2", "3"] {
            let many = with(jobs);
            assert_eq!(many.0, one.0, "{path} --jobs {jobs}: exit code");
            assert!(many.1 == one.1, "{path} --jobs {jobs}: stdout differs");
            assert!(many.2 == one.2, "{path} --jobs {jobs}: stderr differs");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The shipped modules by id, as the language server finds them in `policies/`.
struct Shipped(Vec<(String, cspr::Source)>);

impl Shipped {
    fn new() -> Shipped {
        let mut modules = Vec::new();
        for entry in std::fs::read_dir(root().join("policies")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "policy") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let id = text
                .lines()
                .find_map(|l| {
                    let mut words = l.split_whitespace();
                    matches!(words.next(), Some("guidance" | "procedure"))
                        .then(|| words.next())
                        .flatten()
                })
                .unwrap()
                .to_string();
            modules.push((id, cspr::Source::new(relative(&path), text)));
        }
        assert_eq!(modules.len(), 8, "the eight shipped modules");
        Shipped(modules)
    }
}

impl cspr::check::Resolver for Shipped {
    fn resolve(&self, id: &str) -> Option<cspr::Source> {
        self.0.iter().find(|(i, _)| i == id).map(|(_, s)| s.clone())
    }
    fn known_ids(&self) -> Vec<String> {
        self.0.iter().map(|(i, _)| i.clone()).collect()
    }
}

/// The editor (the language server's scenario diagnostics and "Run scenario" lens, which
/// are `cspr::scenario::suite`), `cspr test` and `cspr diff --scenarios` run the same
/// suites the same way: on every shipped scenario file they pass and fail the same
/// scenarios, `under` expectations included.
#[test]
fn the_editor_cspr_test_and_diff_agree_on_every_shipped_suite() {
    let resolver = Shipped::new();
    let mut paths = Vec::new();
    for dir in std::fs::read_dir(root().join("tests/scenarios")).unwrap() {
        for f in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            paths.push(f.unwrap().path());
        }
    }
    paths.sort();
    assert!(paths.len() >= 40, "{} scenario files", paths.len());

    let (_, stdout, stderr) = run(&["test", "tests/scenarios"]);
    let mut with_under = 0;
    let mut scenarios_seen = 0;
    // Scenarios the editor passes, by suite directory and procedure.
    let mut by_target = std::collections::BTreeMap::new();
    for path in &paths {
        let name = relative(path);
        let text = std::fs::read_to_string(path).unwrap();
        with_under += usize::from(text.contains(" under "));
        let source = cspr::Source::new(name.as_str(), text);
        let scenarios = cspr::syntax::parse_scenarios(&source).unwrap();
        scenarios_seen += scenarios.len();

        // The editor: each scenario's lens, and the file's diagnostics.
        let passes: Vec<bool> = scenarios
            .iter()
            .map(|s| {
                cspr::scenario::suite::run_named(&source, &s.name.node, &resolver)
                    .ends_with(" passed")
            })
            .collect();
        let lens_passed = passes.iter().filter(|&&p| p).count();
        let diagnostics = cspr::scenario::suite::problems(&source, &resolver);
        assert_eq!(
            diagnostics.is_empty(),
            lens_passed == scenarios.len(),
            "{name}: {diagnostics:?}"
        );

        // `cspr test`: `ok   FILE: N passed` or `FAIL FILE: N passed, M failed`.
        let line = stdout
            .lines()
            .find(|l| {
                l.get(5..)
                    .is_some_and(|l| l.starts_with(&format!("{name}:")))
            })
            .unwrap_or_else(|| panic!("no line for {name}:\n{stdout}\n{stderr}"));
        let counts: Vec<usize> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        let test_passed = counts[counts.len() - 1 - usize::from(line.contains("failed"))];
        assert_eq!(
            lens_passed, test_passed,
            "{name}: the editor and cspr test: {line}"
        );

        let dir = relative(path.parent().unwrap());
        for (s, passed) in scenarios.iter().zip(passes) {
            *by_target
                .entry((dir.clone(), s.target.node.clone()))
                .or_insert(0) += u64::from(passed);
        }
    }
    // `cspr diff --scenarios`: each suite directory run on its procedure against itself.
    for ((dir, target), lens_passed) in &by_target {
        let (code, json, err) = run(&[
            "diff",
            "--structural",
            "--format",
            "json",
            "--scenarios",
            dir,
            target,
            target,
        ]);
        assert_eq!(code, 0, "{dir} {target}: {err}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let imp = &v["scenarios"];
        assert_eq!(imp["now_failing"], serde_json::json!([]), "{dir}");
        assert_eq!(imp["cannot_run"], serde_json::json!([]), "{dir}");
        let diff_passed = imp["ran"].as_u64().unwrap() - imp["failing_before"].as_u64().unwrap();
        assert_eq!(
            *lens_passed, diff_passed,
            "{dir} ({target}): the editor and cspr diff"
        );
    }
    assert!(scenarios_seen > 200, "{scenarios_seen} scenarios");
    assert!(
        with_under > 0,
        "some suite pins expectations `under` an edition"
    );
}

/// `cspr compare` fits its text to COLUMNS, else 100 columns when stdout is not a terminal;
/// a table only from 120 columns.
#[test]
fn compare_fits_the_width() {
    let widest = |columns: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cspr"));
        cmd.args([
            "compare",
            "policies/examples/lincolnshire-incomplete.json",
            "--as-of",
            "2024-05-10",
        ])
        .current_dir(root())
        .env_remove("CSPR_PATH")
        .env_remove("COLUMNS");
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        let table = text
            .lines()
            .any(|l| l.contains("working_together_2018  working_together_2023"));
        (
            text.lines().map(|l| l.chars().count()).max().unwrap_or(0),
            table,
        )
    };
    let (w, table) = widest(None);
    assert!(
        w <= 100 && !table,
        "not a terminal: 100 columns, a block per row ({w})"
    );
    let (w, table) = widest(Some("80"));
    assert!(w <= 80 && !table, "COLUMNS=80 ({w})");
    let (w, table) = widest(Some("250"));
    assert!(w <= 250 && table, "COLUMNS=250: a table ({w})");
}

/// `cspr test --guidance EDITION` run outside the project folder (no `policies/` beside it)
/// finds the built-in editions, as `cspr eval --guidance` does there.
#[test]
fn test_guidance_outside_the_project_finds_the_built_in_editions() {
    let elsewhere = tempfile::tempdir().expect("a temporary directory");
    let suite = root().join("tests/scenarios/national");
    let out = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["test", "--guidance", "working_together_2023"])
        .arg(&suite)
        .current_dir(elsewhere.path())
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
        .output()
        .expect("cspr runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("test result on working_together_2023: ok"),
        "{stdout}"
    );
    let wrong = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["test", "--guidance", "working_together_2019"])
        .arg(&suite)
        .current_dir(elsewhere.path())
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
        .output()
        .expect("cspr runs");
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success());
    assert!(stderr.contains("working_together_2018"), "{stderr}");
}

/// `cspr test --require-coverage` on a module with parts no case can reach: each is listed
/// as unreachable, with why, and not counted; the one branch only numbers make dead is not
/// proved, so it stays "not exercised" and fails the run.
#[test]
fn coverage_lists_unreachable_items_apart() {
    let out = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args([
            "test",
            "tests/cli/data/reach/dead-branches.scenario",
            "--require-coverage",
        ])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("CSPR_PATH", root().join("tests/cli/data/reach"))
        .env_remove("COLUMNS")
        .output()
        .expect("cspr runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    insta::assert_snapshot!(stdout);
}
