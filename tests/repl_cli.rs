//! `cspr repl` on the built binary: scripted sessions (`tests/repl/*.txt`, commands on
//! stdin, the first line `# cspr repl ARGS`) snapshotted with their exit code, stdout and
//! stderr; and one session through a real pseudo-terminal that types, completes with Tab
//! and reads what the terminal shows.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::common::{glob_snapshots, root};

/// Run `cspr ARGS` with `input` on stdin (a pipe: the scripted mode).
fn run_with_input(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
        // Text is fitted to COLUMNS when set: the goldens are at the default width.
        .env_remove("COLUMNS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run cspr: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn scripted_sessions() {
    let mut seen = 0;
    insta::glob!("repl/*.txt", |path| {
        seen += 1;
        let script = std::fs::read_to_string(path).unwrap();
        let first = script.lines().next().unwrap_or_default();
        let args: Vec<&str> = first
            .strip_prefix("# cspr ")
            .unwrap_or_else(|| panic!("{}: the first line is `# cspr repl ARGS`", path.display()))
            .split_whitespace()
            .collect();
        let (code, stdout, stderr) = run_with_input(&args, &script);
        insta::assert_snapshot!(format!(
            "$ cspr {} < {}\n{script}exit: {code}\n----- stdout -----\n{stdout}----- stderr -----\n{stderr}",
            args.join(" "),
            path.file_name().unwrap().to_string_lossy()
        ));
    });
    assert_eq!(
        seen,
        glob_snapshots("repl_cli__scripted_sessions"),
        "tests/repl/*.txt walked"
    );
}

#[test]
fn a_failed_command_fails_the_script_and_the_rest_still_runs() {
    let (code, stdout, _) = run_with_input(
        &["repl", "walsall"],
        "set nonsense = 1\nset child_died = true\nfacts\n",
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("\"child_died\": true"), "{stdout}");
    let (code, _, _) = run_with_input(
        &["repl", "walsall"],
        "set child_died = true\nquit\nset nonsense = 1\n",
    );
    assert_eq!(code, 0, "nothing after quit runs");
}

#[test]
fn without_a_procedure_it_lists_them_and_reads_the_choice() {
    let (code, stdout, stderr) = run_with_input(&["repl"], "lincolnshire\nset child_died = true\n");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("Procedures found:\n"), "{stdout}");
    assert!(
        stdout.contains(") lincolnshire\n") && stdout.contains(") walsall\n"),
        "{stdout}"
    );
    let (code, _, stderr) = run_with_input(&["repl"], "");
    assert_eq!(code, 2);
    assert!(stderr.contains("no procedure chosen"), "{stderr}");
}

/// rexpect drives a real pseudo-terminal (rustyline only completes, hints and prompts on
/// a terminal); it is a dev-dependency for this test alone.
#[test]
fn a_terminal_session_completes_with_tab() {
    // An empty home: after the session, nothing (no history file) may be in it.
    let home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("repl-home");
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cspr"));
    cmd.args(["repl", "lincolnshire", "--as-of", "2024-05-10"])
        .current_dir(root())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .env("XDG_DATA_HOME", &home)
        .env("XDG_STATE_HOME", &home)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CSPR_PATH");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.exp_string("type `help`").unwrap();
    p.exp_string("lincolnshire> ").unwrap();
    // Let the line editor put the terminal in raw mode (which drops keys typed before).
    std::thread::sleep(std::time::Duration::from_millis(500));
    // A command name, then a fact name, completed with Tab.
    p.send("unse\t").unwrap();
    p.flush().unwrap();
    p.exp_string("unset").unwrap();
    p.send_control('u').unwrap();
    p.flush().unwrap();
    p.send("set child_die").unwrap();
    p.flush().unwrap();
    // The hint shows the rest of the name, the fact's question and its type.
    p.exp_string("Has the child died").unwrap();
    p.exp_string("(bool)").unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.send(" = tr\t\r").unwrap();
    p.flush().unwrap();
    p.exp_string("facts could still change an outcome").unwrap();
    p.send_line("? child_died").unwrap();
    p.exp_string("true").unwrap();
    // The interview prompt names the fact asked.
    p.send_line("ask").unwrap();
    p.exp_string("answer, or `skip` or `stop`").unwrap();
    let (_, prompt) = p.exp_regex(r"[a-z_]+> ").unwrap();
    assert_ne!(prompt, "lincolnshire> ", "the prompt names the fact asked");
    p.send_line("stop").unwrap();
    p.exp_string("interview stopped").unwrap();
    p.send_line("facts").unwrap();
    p.exp_string("\"child_died\": true").unwrap();
    p.send_line("quit").unwrap();
    // The case was changed and not saved: asked once, and `y` quits.
    p.exp_string("unsaved changes to the case: quit anyway? (y/N)")
        .unwrap();
    p.send_line("y").unwrap();
    p.exp_eof().unwrap();
    let left: Vec<_> = std::fs::read_dir(&home).unwrap().collect();
    assert!(left.is_empty(), "the session wrote {left:?}");
}

/// Ctrl-D with unsaved changes asks once; anything but `y` goes back to the session with
/// the case as it was; a second Ctrl-D quits; nothing is written without the user's word.
#[test]
fn ctrl_d_with_unsaved_changes_asks_once() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("repl-unsaved");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cspr"));
    cmd.args(["repl", "lincolnshire", "--as-of", "2024-05-10"])
        .current_dir(root())
        .env("HOME", &dir)
        .env("XDG_STATE_HOME", &dir)
        .env("XDG_DATA_HOME", &dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CSPR_PATH");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.exp_string("lincolnshire> ").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // Nothing changed yet: Ctrl-D would quit at once; change the case first.
    p.send_line("set child_died = yes").unwrap();
    p.exp_string("facts could still change an outcome").unwrap();
    p.exp_string("lincolnshire> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_string("unsaved changes to the case: quit anyway? (y/N)")
        .unwrap();
    // `n` (or Enter) goes back, with the case kept.
    p.send_line("n").unwrap();
    p.exp_string("lincolnshire> ").unwrap();
    p.send_line("? child_died").unwrap();
    p.exp_string("true").unwrap();
    p.exp_string("lincolnshire> ").unwrap();
    // Ctrl-D, then a second Ctrl-D at the question, quits.
    p.send_control('d').unwrap();
    p.exp_string("quit anyway? (y/N)").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(left.is_empty(), "the session wrote {left:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--history FILE` is the one way to keep the lines typed, and only where asked.
#[test]
fn history_is_kept_in_a_file_only_when_asked() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("repl-history");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("history.txt");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cspr"));
    cmd.args(["repl", "walsall", "--history"])
        .arg(&file)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("CSPR_PATH");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn in a pty");
    p.exp_string("walsall> ").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    p.send_line("set child_died = true").unwrap();
    p.exp_string("facts could still change an outcome").unwrap();
    p.send_line("quit").unwrap();
    p.exp_string("quit anyway? (y/N)").unwrap();
    p.send_line("y").unwrap();
    p.exp_eof().unwrap();
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(kept.contains("set child_died = true"), "{kept}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A whole scripted session over a case with a recognisable marker, in a fresh working
/// directory, HOME and TMPDIR: the marker is printed where asked, and on disk only in the
/// case given and the file `save` was asked to write.
#[test]
fn a_session_writes_the_case_only_where_save_is_asked() {
    const MARKER: &str = "REPL-PRIVACY-MARKER-7f2a";
    let base = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("repl-privacy");
    let _ = std::fs::remove_dir_all(&base);
    let (cwd, home, tmp) = (base.join("cwd"), base.join("home"), base.join("tmp"));
    for d in [&cwd, &home, &tmp] {
        std::fs::create_dir_all(d).unwrap();
    }
    let case =
        std::fs::read_to_string(root().join("policies/examples/lincolnshire-incomplete.json"))
            .unwrap()
            .replace("LSCP-EX-02", MARKER);
    std::fs::write(cwd.join("case.json"), case).unwrap();
    let script = "facts\neval\nask\nskip\ntrue\nstop\nwhy pathway\nwhat-if child_looked_after = true\nsave asked.toml\nsave asked.json\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["repl", "lincolnshire", "case.json", "--as-of", "2024-05-10"])
        .current_dir(&cwd)
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("XDG_STATE_HOME", &home)
        .env("XDG_CACHE_HOME", &home)
        .env("NO_COLOR", "1")
        .env("CSPR_PATH", root().join("policies"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(MARKER), "the case is shown where asked");
    let mut files = Vec::new();
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                walk(&e.path(), out);
            } else {
                out.push(e.path());
            }
        }
    }
    walk(&base, &mut files);
    let with: Vec<_> = files
        .iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains(MARKER)))
        .map(|p| p.strip_prefix(&base).unwrap().display().to_string())
        .collect();
    let mut sorted = with.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["cwd/asked.json", "cwd/asked.toml", "cwd/case.json"]
    );
    let _ = std::fs::remove_dir_all(&base);
}
