//! The progress bar of long work (issue 13): a batch under a real pseudo-terminal shows
//! one (counts and rates, never a case), and nothing extra appears when stderr is piped,
//! with `--no-progress`, or when the results go to the terminal. The semantic diff
//! reports its progress through `cspr::diff::Progress` without changing its result.
//!
//! A batch is made to last over a second whatever the machine's speed: its cases come
//! down a pipe in two parts with a pause between them.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::root;

/// A fresh directory with `part.jsonl` (the shipped batch repeated to 320 cases) and
/// `bad.jsonl` (one case of the wrong type).
fn batch_dir(tag: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("progress-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let batch = std::fs::read_to_string(root().join("policies/examples/batch.jsonl")).unwrap();
    std::fs::write(dir.join("part.jsonl"), batch.repeat(40)).unwrap();
    std::fs::write(
        dir.join("bad.jsonl"),
        "{\"case_id\": \"B-99\", \"child_died\": \"perhaps\"}\n",
    )
    .unwrap();
    dir
}

/// A shell line that pipes the first part, pauses, then `bad.jsonl` when `bad`, then
/// the part again into `cspr eval working_together_2018 - EXTRA`, its stdout to `out`
/// (a file of `dir`), or to the terminal when `out` is empty.
fn pipeline(bad: bool, extra: &str, out: &str) -> String {
    let bad = if bad { "cat bad.jsonl; " } else { "" };
    let redirect = if out.is_empty() {
        String::new()
    } else {
        format!("> {out}")
    };
    format!(
        "{{ cat part.jsonl; sleep 1.3; {bad}cat part.jsonl; }} | \"$0\" eval working_together_2018 - --as-of 2024-03-08 {extra} {redirect}"
    )
}

fn sh(dir: &Path, line: &str) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(line)
        .arg(env!("CARGO_BIN_EXE_cspr"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CSPR_PATH");
    cmd
}

/// Everything the terminal shows while `line` runs under a pseudo-terminal.
fn on_terminal(dir: &Path, line: &str) -> String {
    let mut p = rexpect::session::spawn_command(sh(dir, line), Some(30_000)).expect("a pty");
    p.exp_eof().unwrap()
}

/// The lines of the bar as drawn: split at carriage returns and newlines, with the
/// terminal's control sequences left in.
fn bar_lines(shown: &str) -> Vec<&str> {
    shown
        .split(['\r', '\n'])
        .filter(|l| l.contains("cases/s"))
        .collect()
}

#[test]
fn a_batch_on_a_terminal_shows_counts_and_rates_and_nothing_of_a_case() {
    let dir = batch_dir("tty");
    let shown = on_terminal(&dir, &pipeline(true, "", "out.jsonl"));
    let bars = bar_lines(&shown);
    assert!(!bars.is_empty(), "no progress drawn:\n{shown}");
    let counts = regex_lite(&bars);
    assert!(counts > 0, "no `N cases, M cases/s` in {bars:?}");
    for l in &bars {
        assert!(
            !l.contains("B-0") && !l.contains("case_id") && !l.contains("line"),
            "the bar shows a case: {l:?}"
        );
    }
    // The bad line's error is still shown whole, with the bar out of its way.
    assert!(shown.contains("must be bool"), "{shown}");
    // The results are those of the same batch with no terminal at all.
    let written = std::fs::read_to_string(dir.join("out.jsonl")).unwrap();
    let piped = sh(&dir, &pipeline(true, "", "")).output().unwrap();
    assert_eq!(written, String::from_utf8_lossy(&piped.stdout));
    assert_eq!(written.lines().count(), 641);
    let _ = std::fs::remove_dir_all(&dir);
}

/// How many bar lines read `N cases, M cases/s` with N and M digits and commas.
fn regex_lite(bars: &[&str]) -> usize {
    let number = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == ',');
    bars.iter()
        .filter(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            words
                .windows(4)
                .any(|w| number(w[0]) && w[1] == "cases," && number(w[2]) && w[3] == "cases/s")
        })
        .count()
}

#[test]
fn piped_stderr_is_the_same_with_or_without_progress() {
    let dir = batch_dir("piped");
    let run = |extra: &str| {
        let out = sh(&dir, &pipeline(true, extra, "")).output().unwrap();
        (out.status.code(), out.stdout, out.stderr)
    };
    let (code, stdout, stderr) = run("");
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        !stderr.contains("cases/s") && !stderr.contains('\r'),
        "{stderr}"
    );
    assert!(stderr.contains("must be bool"), "{stderr}");
    let (code2, stdout2, stderr2) = run("--no-progress");
    assert_eq!(
        (code, &stdout, stderr.as_bytes()),
        (code2, &stdout2, stderr2.as_slice())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_bar_with_no_progress() {
    let dir = batch_dir("none");
    let shown = on_terminal(&dir, &pipeline(false, "--no-progress", "out.jsonl"));
    assert!(shown.trim().is_empty(), "{shown}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_bar_among_results_written_to_the_terminal() {
    // Results written to the terminal are their own progress.
    let dir = batch_dir("results");
    let shown = on_terminal(&dir, &pipeline(false, "", ""));
    assert!(bar_lines(&shown).is_empty(), "a bar among the results");
    assert_eq!(shown.matches("\"case_id\"").count(), 640);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Counts what the semantic diff reports.
#[derive(Default)]
struct Watch {
    total: Cell<u64>,
    done: Cell<u64>,
    explored: Cell<u64>,
}

impl cspr::diff::Progress for Watch {
    fn targets(&self, total: u64) {
        assert_eq!(
            self.done.get(),
            0,
            "the total is said before the first target"
        );
        self.total.set(total);
    }
    fn target_done(&self) {
        self.done.set(self.done.get() + 1);
    }
    fn explored(&self, n: u64) {
        self.explored.set(self.explored.get() + n);
    }
}

/// A guidance module whose rules chain the parity of `n` facts: no partial assignment
/// settles one before every fact is known, so its search is long.
fn parity(n: usize) -> String {
    let mut text = String::from(
        "guidance parity \"A parity chain\"\n  version 2024-01-01\n\nsource G = \"Test\"\n\n",
    );
    for i in 0..n {
        text += &format!("fact a{i}: bool ask \"A{i}?\"\n");
    }
    text += "\nrule x0 cite G \"1\":\n  a0\n";
    for i in 1..n {
        let p = i - 1;
        text +=
            &format!("\nrule x{i} cite G \"1\":\n  (x{p} and not a{i}) or (not x{p} and a{i})\n");
    }
    text
}

#[test]
fn the_semantic_diff_reports_each_target_and_its_search_without_changing_the_result() {
    use crate::common::{program, program_file};
    let pairs = [
        (
            program_file("policies/working-together-2018.policy"),
            program_file("policies/working-together-2023.policy"),
            false,
        ),
        (program(&parity(12)), program(&parity(12)), true),
    ];
    let tick = cspr::diff::search::TICK;
    for (old, new, search_all) in &pairs {
        let options = cspr::diff::Options {
            search_all: *search_all,
            ..Default::default()
        };
        let want = cspr::diff::Want {
            structural: true,
            semantic: true,
        };
        let watch = Watch::default();
        let watched = cspr::diff::diff_watched(old, new, want, options, &watch);
        let plain = cspr::diff::diff(old, new, want, options);
        assert_eq!(
            cspr::diff::render::json(&watched),
            cspr::diff::render::json(&plain)
        );
        let sem = watched.semantic.unwrap();
        assert!(!sem.targets.is_empty());
        assert_eq!(watch.total.get(), sem.targets.len() as u64);
        assert_eq!(watch.done.get(), sem.targets.len() as u64);
        // Every whole TICK of each search is reported, nothing more.
        let whole: u64 = sem.targets.iter().map(|t| t.explored / tick * tick).sum();
        assert_eq!(watch.explored.get(), whole);
        if *search_all {
            assert!(whole >= 4 * tick, "the parity search reports as it goes");
        }
    }
}
