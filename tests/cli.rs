//! Golden tests of the built `cspr` binary: each `tests/cli/NAME.args` holds one command
//! line (arguments separated by spaces, run from the repository root); its exit code,
//! stdout and stderr are snapshotted together.

use std::process::Command;

use crate::common::{relative, root};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
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
    insta::glob!("cli/*.args", |path| {
        let line = std::fs::read_to_string(path).unwrap_or_default();
        let args: Vec<&str> = line.split_whitespace().collect();
        let (code, stdout, stderr) = run(&args);
        let _ = relative(path);
        insta::assert_snapshot!(format!(
            "$ cspr {}\nexit: {code}\n----- stdout -----\n{stdout}----- stderr -----\n{stderr}",
            args.join(" ")
        ));
    });
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

#[test]
fn the_batch_writer_matches_the_serde_shape() {
    use cspr::report::{EvalJson, JsonWriter};
    let p = crate::common::program_file("policies/working-together-2018.policy");
    let writer = JsonWriter::new(&p);
    for name in [
        "death-in-area.json",
        "incomplete.json",
        "looked-after-death.json",
        "harm-outside-england.json",
    ] {
        let text = std::fs::read_to_string(root().join("policies/examples").join(name))
            .unwrap_or_default();
        let e = crate::common::eval(&p, &text);
        for as_of in ["2024-03-08", "2024-03-11", "2024-04-30", "2025-01-06"] {
            let as_of = cspr::case::parse_date(as_of).unwrap();
            let mut fast = String::new();
            writer.write(&p, &e, as_of, &mut fast);
            let reference = serde_json::to_string(&EvalJson {
                program: &p,
                eval: &e,
                as_of,
            })
            .unwrap_or_default();
            assert_eq!(fast, reference, "{name} as of {as_of}");
        }
    }
    // What each due date counts from, a chain through a duty, days that are not working
    // days: the same bytes both ways.
    let p = crate::common::program_file("tests/cli/data/counted-from.policy");
    let text = std::fs::read_to_string(root().join("tests/cli/data/counted-from.json"))
        .unwrap_or_default();
    let e = crate::common::eval(&p, &text);
    let as_of = cspr::case::parse_date("2026-04-20").unwrap();
    let mut fast = String::new();
    JsonWriter::new(&p).write(&p, &e, as_of, &mut fast);
    let reference = serde_json::to_string(&EvalJson {
        program: &p,
        eval: &e,
        as_of,
    })
    .unwrap_or_default();
    assert!(fast.contains("\"kind\":\"duty\"") && fast.contains("\"not_a_working_day\""));
    assert_eq!(fast, reference);
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
            "lincolnshire",
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
