//! `cspr diff`: golden outputs of the test pairs under `tests/diff/` and of the real
//! pairs, and the check by construction — every witness the diff prints, written with
//! `--witnesses` and evaluated by `cspr eval` under OLD and under NEW, gives the two
//! different results it claims.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{cspr, root};

/// The pairs: the base against each single edit, and against itself reordered.
fn edit_pairs() -> Vec<(String, String)> {
    let mut edits: Vec<PathBuf> = std::fs::read_dir(root().join("tests/diff/edits"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .collect();
    edits.sort();
    assert!(
        edits.len() >= 9,
        "only {} tests/diff/edits/*.policy",
        edits.len()
    );
    let mut pairs: Vec<(String, String)> = edits
        .iter()
        .map(|p| {
            (
                "tests/diff/base.policy".to_string(),
                format!(
                    "tests/diff/edits/{}",
                    p.file_name().unwrap().to_string_lossy()
                ),
            )
        })
        .collect();
    pairs.push((
        "tests/diff/base.policy".into(),
        "tests/diff/reordered.policy".into(),
    ));
    pairs.push((
        "tests/diff/ages/ages.policy".into(),
        "tests/diff/ages/ages-changed.policy".into(),
    ));
    pairs.push((
        "tests/diff/overrides/plain.policy".into(),
        "tests/diff/overrides/overriding.policy".into(),
    ));
    pairs.push((
        "tests/diff/overrides/plain.policy".into(),
        "tests/diff/overrides/refining.policy".into(),
    ));
    pairs
}

/// The real pairs: the two editions, and each partnership against itself on 2023.
fn real_pairs() -> Vec<Vec<&'static str>> {
    let mut pairs = vec![vec!["working_together_2018", "working_together_2023"]];
    for p in ["buckinghamshire", "lincolnshire"] {
        pairs.push(vec![p, p, "--new-guidance", "working_together_2023"]);
    }
    // Walsall extends 2023 already: the pair is Walsall put back on 2018, and as it is.
    pairs.push(vec![
        "walsall",
        "walsall",
        "--old-guidance",
        "working_together_2018",
    ]);
    // Earlier shipped versions (tests/diff/history/) against the current ones.
    pairs.push(vec![
        "tests/diff/history/lincolnshire-5058e15.policy",
        "lincolnshire",
    ]);
    pairs.push(vec![
        "tests/diff/history/buckinghamshire-9b30ebc.policy",
        "buckinghamshire",
    ]);
    pairs
}

fn snapshot_name(args: &[&str]) -> String {
    args.iter()
        .map(|a| {
            Path::new(a)
                .file_stem()
                .map_or(a.to_string(), |s| s.to_string_lossy().into_owned())
        })
        .collect::<Vec<_>>()
        .join("_")
        .replace("--", "")
}

#[test]
fn golden_edits() {
    for (old, new) in edit_pairs() {
        let args = ["diff", old.as_str(), new.as_str()];
        let (code, stdout, stderr) = cspr(&args);
        insta::assert_snapshot!(
            format!("diff-{}", snapshot_name(&args[1..])),
            format!(
                "$ cspr {}\nexit: {code}\n----- stdout -----\n{stdout}----- stderr -----\n{stderr}",
                args.join(" ")
            )
        );
    }
}

#[test]
fn golden_real_pairs() {
    for pair in real_pairs() {
        let mut args = vec!["diff"];
        args.extend(&pair);
        let (code, stdout, stderr) = cspr(&args);
        assert_eq!(code, 1, "the real pairs differ in the text of the rules");
        insta::assert_snapshot!(
            format!("diff-real-{}", snapshot_name(&pair)),
            format!(
                "$ cspr {}\nexit: {code}\n----- stdout -----\n{stdout}----- stderr -----\n{stderr}",
                args.join(" ")
            )
        );
    }
}

#[test]
fn formats() {
    let pair = [
        "tests/diff/base.policy",
        "tests/diff/edits/exception-flipped.policy",
    ];
    for format in ["json", "markdown"] {
        let (code, stdout, _) = cspr(&["diff", pair[0], pair[1], "--format", format]);
        assert_eq!(code, 1);
        insta::assert_snapshot!(format!("diff-format-{format}"), stdout);
    }
}

/// What `cspr eval --format json` gives for a target, in the words the diff uses.
/// `procedure` is an id or file, and `--guidance EDITION` when the diff put it on another
/// edition.
fn evaluated(procedure: &[&str], case: &Path, kind: &str, name: &str) -> String {
    let case = case.to_string_lossy();
    let mut args = vec!["eval", procedure[0], &case];
    args.extend(&procedure[1..]);
    args.extend(["--format", "json", "--as-of", "2024-06-01"]);
    let (code, stdout, stderr) = cspr(&args);
    if code != 0 {
        return format!("cannot be evaluated: {stderr}");
    }
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let declared = match kind {
        "outcome" => v["outcomes"].get(name).is_some(),
        _ => v["duties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == name),
    };
    if !declared {
        return "not declared".into();
    }
    if kind == "reading" {
        // Who must, should or may do what: the duty's line of `cspr explain`.
        let mut args = vec!["explain", procedure[0], &case, name];
        args.extend(&procedure[1..]);
        args.extend(["--format", "json"]);
        let (code, stdout, stderr) = cspr(&args);
        assert_eq!(code, 0, "{stderr}");
        let tree: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let text = tree[0]["text"].as_str().unwrap();
        // A duty that refines another reads as the diff words it: `… (refines `x`)`.
        let refines = tree[0]["refines"]
            .as_str()
            .map_or(String::new(), |r| format!(" (refines `{r}`)"));
        return match tree[0]["value"].as_bool() {
            Some(true) => {
                text.strip_prefix(&format!("{name} "))
                    .unwrap_or(text)
                    .to_string()
                    + &refines
            }
            Some(false) => "does not apply".into(),
            None => "undetermined".into(),
        };
    }
    match kind {
        "outcome" => match &v["outcomes"][name]["value"] {
            serde_json::Value::Null => "undetermined".into(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        _ => {
            let duty = v["duties"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["name"] == name)
                .unwrap_or_else(|| panic!("no duty `{name}` in the evaluation"));
            if kind == "applies" {
                match duty["applies"].as_bool() {
                    Some(true) => "applies".into(),
                    Some(false) => "does not apply".into(),
                    None => "undetermined".into(),
                }
            } else {
                duty["due"]
                    .as_str()
                    .map_or("no due date".into(), |d| format!("due {d}"))
            }
        }
    }
}

/// Run a diff with `--witnesses` and re-evaluate every witness under both sides.
/// Returns each witness checked, as `KIND-NAME-N: OLD -> NEW`.
fn witnesses_reproduce(args: &[&str], dir: &Path) -> Vec<String> {
    let _ = std::fs::remove_dir_all(dir);
    let mut full = vec!["diff", "--format", "json", "--witnesses"];
    let d = dir.to_string_lossy().into_owned();
    full.push(&d);
    full.extend(args);
    let (code, stdout, stderr) = cspr(&full);
    assert!(code == 0 || code == 1, "{stderr}");
    let diff: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let (old, new) = (args[0], args[1]);
    // Either side put on another edition by the diff is evaluated on it too.
    let flag = |name: &str| {
        args.iter()
            .position(|a| *a == name)
            .map(|i| vec!["--guidance", args[i + 1]])
            .unwrap_or_default()
    };
    let on_old: Vec<&str> = [old].into_iter().chain(flag("--old-guidance")).collect();
    let on_new: Vec<&str> = [new].into_iter().chain(flag("--new-guidance")).collect();
    let mut checked = Vec::new();
    for t in diff["semantic"]["targets"].as_array().unwrap() {
        let (kind, name) = (t["kind"].as_str().unwrap(), t["name"].as_str().unwrap());
        for (i, w) in t["witnesses"].as_array().unwrap().iter().enumerate() {
            let stem = format!("{kind}-{name}-{}", i + 1);
            let one = dir.join(format!("{stem}.json"));
            let (oc, nc) = if one.exists() {
                (one.clone(), one)
            } else {
                (
                    dir.join(format!("{stem}-old.json")),
                    dir.join(format!("{stem}-new.json")),
                )
            };
            let (want_old, want_new) = (w["old"].as_str().unwrap(), w["new"].as_str().unwrap());
            assert_ne!(want_old, want_new, "{stem}: a witness claims a difference");
            let got_old = evaluated(&on_old, &oc, kind, name);
            let got_new = evaluated(&on_new, &nc, kind, name);
            let same = |claimed: &str, got: &str| {
                claimed == got
                    || (claimed.starts_with("cannot be evaluated")
                        && got.starts_with("cannot be evaluated"))
            };
            assert!(
                same(want_old, &got_old),
                "{stem} under {old}: claimed {want_old}, eval gives {got_old}"
            );
            assert!(
                same(want_new, &got_new),
                "{stem} under {new}: claimed {want_new}, eval gives {got_new}"
            );
            checked.push(format!("{stem}: {want_old} -> {want_new}"));
        }
    }
    checked
}

#[test]
fn every_witness_reproduces_under_eval() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-witnesses");
    let mut checked = Vec::new();
    for (i, (old, new)) in edit_pairs().iter().enumerate() {
        checked.extend(witnesses_reproduce(&[old, new], &tmp.join(i.to_string())));
    }
    for (i, pair) in real_pairs().iter().enumerate() {
        checked.extend(witnesses_reproduce(pair, &tmp.join(format!("real-{i}"))));
    }
    assert!(
        checked.len() >= 15,
        "the edits give witnesses to check ({checked:?})"
    );
    // The modality edit's witness and the added duty's (and the 2023 care-leaver duty's)
    // are among those re-run.
    for want in [
        "reading-notify-1: applies: Local authority must \"notify the Panel\" -> applies: Local authority should \"notify the Panel\"",
        "reading-notify_custody_death-1: not declared -> applies: Local authority must",
        "reading-notify_secretary_of_state_and_ofsted_care_leaver-1: not declared -> applies: Local authority should",
    ] {
        assert!(
            checked.iter().any(|c| c.starts_with(want)),
            "{want} not among {checked:#?}"
        );
    }
}

#[test]
fn reordered_and_reformatted_is_no_difference() {
    let (code, stdout, _) = cspr(&[
        "diff",
        "tests/diff/base.policy",
        "tests/diff/reordered.policy",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("No difference."));
    let (code, _, _) = cspr(&["diff", "walsall", "walsall"]);
    assert_eq!(code, 0);
}

#[test]
fn each_edit_is_found() {
    // The edit, and the aspect or semantic difference the diff must report for it.
    let expect = [
        (
            "deadline-count",
            "deadline changed",
            Some("duty `notify` is now due 2024-04-10 (was 2024-04-03) for some cases"),
        ),
        (
            "deadline-unit",
            "deadline changed",
            Some("duty `notify` is now due"),
        ),
        (
            "deadline-anchor",
            "deadline changed",
            Some("duty `notify` is now due"),
        ),
        (
            "modality",
            "modality changed",
            Some("duty `notify` is now should (was must)"),
        ),
        (
            "actor",
            "actor changed",
            Some("duty `notify` falls to Partnership (was Local authority)"),
        ),
        (
            "actor-title",
            "title changed",
            Some("duty `notify` falls to The council (was Local authority)"),
        ),
        (
            "action",
            "action changed",
            Some("duty `notify` now reads \"notify the Panel and the Secretary of State\""),
        ),
        (
            "duty-added",
            "added",
            Some(
                "a new duty `notify_custody_death` (Local authority must) applies when custody_death",
            ),
        ),
        (
            "enum-value-dropped",
            "expression changed",
            Some("outcome `serious` is now"),
        ),
        (
            "exception-flipped",
            "exception changed",
            Some("outcome `review_required` is now"),
        ),
        (
            "branch-reordered",
            "branch order changed",
            Some("outcome `pathway` is now learning_review (was rapid_review)"),
        ),
        (
            "condition-weakened",
            "expression changed",
            Some("outcome `serious` is now"),
        ),
    ];
    for (edit, aspect, semantic) in expect {
        let semantic = semantic.unwrap_or_default();
        let new = format!("tests/diff/edits/{edit}.policy");
        let (code, stdout, _) = cspr(&["diff", "tests/diff/base.policy", &new]);
        assert_eq!(code, 1, "{edit}");
        assert!(stdout.contains(aspect), "{edit}: {stdout}");
        // Each difference leads the report, and the closing line says it in plain words.
        let lead = stdout
            .find("What cases get (")
            .expect("a difference in what cases get");
        let rules = stdout.find("What changed in the rules").unwrap();
        assert!(lead < rules, "{edit}: the differences for cases come first");
        let closing = stdout.lines().last().unwrap();
        assert!(closing.contains(semantic), "{edit}: {closing}");
        assert!(
            !stdout.contains("by definition"),
            "{edit}: jargon behind --stats"
        );
    }
}

#[test]
fn due_date_witness_prefers_a_bank_holiday() {
    let (_, stdout, _) = cspr(&[
        "diff",
        "tests/diff/base.policy",
        "tests/diff/edits/deadline-count.policy",
    ]);
    assert!(
        stdout.contains("the period crosses Good Friday (2024-03-29)"),
        "{stdout}"
    );
}

#[test]
fn scenario_impact_lists_the_scenarios_that_now_fail() {
    let (code, stdout, _) = cspr(&[
        "diff",
        "tests/diff/base.policy",
        "tests/diff/edits/deadline-count.policy",
        "--structural",
        "--scenarios",
        "tests/diff/scenarios",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("diff-scenarios", stdout);
}

#[test]
fn exit_codes_and_git_revisions() {
    assert_eq!(
        cspr(&["diff", "tests/diff/base.policy", "no/such.policy"]).0,
        2
    );
    assert_eq!(
        cspr(&["diff", "tests/check/cycle.policy", "tests/diff/base.policy"]).0,
        2
    );
    let (code, _, stderr) = cspr(&[
        "diff",
        "tests/diff/base.policy@no-such-revision",
        "tests/diff/base.policy",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("at revision `no-such-revision`"),
        "{stderr}"
    );
    // A tracked file at HEAD: read through git (the working copy may differ, so only
    // "not trouble" is asserted), and named as FILE@REV in the report.
    let (code, stdout, stderr) = cspr(&[
        "diff",
        "policies/walsall.policy@HEAD",
        "policies/walsall.policy",
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
    assert!(stdout.contains("policies/walsall.policy@HEAD"), "{stdout}");
}

#[test]
fn a_search_cut_short_claims_nothing() {
    let (code, stdout, _) = cspr(&[
        "diff",
        "tests/diff/base.policy",
        "tests/diff/edits/exception-flipped.policy",
        "--semantic",
        "--budget",
        "2",
    ]);
    assert_eq!(
        code, 2,
        "no difference was shown, and none proved absent: {stdout}"
    );
    assert!(stdout.contains("equality is not proved"), "{stdout}");
    assert!(
        stdout.contains("stopped after 2 partial assignments"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("outcome `review_required`: exhaustive"),
        "{stdout}"
    );
    assert!(stdout.contains("Not settled"), "{stdout}");
}

#[test]
fn a_file_and_its_formatted_text_do_not_differ() {
    // `cspr fmt` changes layout only: the diff must see no change at all.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff-fmt");
    std::fs::create_dir_all(&tmp).unwrap();
    for file in [
        "tests/diff/reordered.policy",
        "tests/diff/ages/ages-changed.policy",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_cspr"))
            .args(["fmt", "--stdin"])
            .current_dir(root())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{file} formats");
        let formatted = tmp.join(Path::new(file).file_name().unwrap());
        std::fs::write(&formatted, &out.stdout).unwrap();
        let (code, stdout, stderr) = cspr(&["diff", file, &formatted.to_string_lossy()]);
        assert_eq!(code, 0, "{file}: {stdout}{stderr}");
        assert!(
            stdout.contains("nothing: every declaration reads the same"),
            "{stdout}"
        );
    }
}

#[test]
fn citations_fold_into_one_line_and_the_search_counts_wait_for_stats() {
    let pair = ["diff", "working_together_2018", "working_together_2023"];
    let (code, plain, _) = cspr(&pair);
    assert_eq!(code, 1);
    // What cases get leads; the new duty is named in the closing line.
    let lead = plain.find("What cases get (2 differences").expect(&plain);
    assert!(
        lead < plain.find("What changed in the rules").unwrap(),
        "{plain}"
    );
    let closing = plain.lines().last().unwrap();
    assert!(
        closing.contains("a new duty `notify_secretary_of_state_and_ofsted_care_leaver` (Local authority should) applies when care_leaver_death_notifiable"),
        "{closing}"
    );
    assert!(!plain.contains("citation changed"), "{plain}");
    assert!(
        plain.contains(
            "Citations: 64 declarations changed only their citation (--citations to list them)"
        ),
        "{plain}"
    );
    assert!(!plain.contains("by definition"), "{plain}");
    assert!(!plain.contains("partial assignments explored"), "{plain}");

    let (_, cited, _) = cspr(&[pair[0], pair[1], pair[2], "--citations"]);
    assert_eq!(cited.matches("citation changed").count(), 34, "{cited}");
    assert!(!cited.contains("--citations to list them"), "{cited}");

    let (_, stats, _) = cspr(&[pair[0], pair[1], pair[2], "--stats"]);
    assert!(stats.contains("by definition"), "{stats}");
    assert!(stats.contains("partial assignments explored"), "{stats}");

    let (_, md, _) = cspr(&[pair[0], pair[1], pair[2], "--format", "markdown"]);
    assert!(
        md.contains("64 declarations changed only their citation (`--citations` lists them)."),
        "{md}"
    );
    assert!(
        md.find("## Cases now treated differently").unwrap()
            < md.find("## What changed in the rules").unwrap()
    );
}

#[test]
fn a_modality_change_and_an_added_duty_each_get_a_witness() {
    // The modality edit: both readings, and the case where the duty applies in both.
    let (_, stdout, _) = cspr(&[
        "diff",
        "tests/diff/base.policy",
        "tests/diff/edits/modality.policy",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let targets = v["semantic"]["targets"].as_array().unwrap();
    let reading = targets
        .iter()
        .find(|t| t["kind"] == "reading" && t["name"] == "notify")
        .expect("a reading target for notify");
    assert_eq!(reading["verdict"], "different");
    let w = &reading["witnesses"][0];
    assert_eq!(
        w["old"],
        "applies: Local authority must \"notify the Panel\""
    );
    assert_eq!(
        w["new"],
        "applies: Local authority should \"notify the Panel\""
    );
    let facts: Vec<&str> = w["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(facts, ["child_seriously_harmed", "abuse_or_neglect"]);

    // The added duty: the smallest case where it applies in NEW.
    let (_, stdout, _) = cspr(&[
        "diff",
        "tests/diff/base.policy",
        "tests/diff/edits/duty-added.policy",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let added = v["semantic"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "notify_custody_death")
        .expect("a target for the added duty");
    assert_eq!(added["declared"], "new");
    assert_eq!(added["verdict"], "different");
    let w = &added["witnesses"][0];
    assert_eq!(w["old"], "not declared");
    assert!(
        w["new"]
            .as_str()
            .unwrap()
            .starts_with("applies: Local authority must")
    );
    assert_eq!(w["facts"].as_array().unwrap().len(), 2, "{w}");
    // And the reverse: the removed duty, where it applied in OLD.
    let (_, stdout, _) = cspr(&[
        "diff",
        "tests/diff/edits/duty-added.policy",
        "tests/diff/base.policy",
    ]);
    assert!(
        stdout.contains("duty `notify_custody_death` (Local authority must) is gone: it applied when custody_death"),
        "{stdout}"
    );
}
