//! The front ends on input that once killed them (issue 19): errors past column 65,535,
//! non-ASCII characters at an error, a language server fed malformed messages, a REPL fed
//! invalid UTF-8 and control characters. Every command runs on the built binary.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::common::root;

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("cspr-frontends-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run `cspr ARGS` with `input` on stdin; exit code, stdout and stderr.
fn cspr(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn long_case() -> String {
    format!(
        "{{\"case_id\": \"{}\", \"referral_received\": 1}}",
        "x".repeat(70_000)
    )
}

#[test]
fn an_error_past_column_65535_is_reported_with_its_line_and_column() {
    let dir = Scratch::new("wide");
    let case = dir.file("long.json", long_case().as_bytes());
    let (code, _, stderr) = cspr(
        &[
            "eval",
            "working_together_2018",
            case.to_str().unwrap(),
            "--as-of",
            "2024-03-08",
        ],
        b"",
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("`referral_received` is not a fact"),
        "{stderr}"
    );
    assert!(
        stderr.contains("long.json:1:70017"),
        "the place is given: {stderr}"
    );
    assert!(
        !stderr.contains("xxxxxxxxxx"),
        "the line is not drawn: {stderr}"
    );
}

#[test]
fn a_batch_line_past_column_65535_is_one_bad_line() {
    let batch = format!("{}\n{{\"case_id\": \"fine\"}}\n", long_case());
    let (code, stdout, stderr) = cspr(
        &[
            "eval",
            "working_together_2018",
            "-",
            "--as-of",
            "2024-03-08",
            "--jobs",
            "1",
        ],
        batch.as_bytes(),
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 2, "a bad line fails the batch: {stderr}");
    assert!(
        stdout.contains("\"case_id\":\"fine\""),
        "the next line is evaluated: {stdout}"
    );
    assert!(stderr.contains(":1:70017"), "{stderr}");
}

#[test]
fn a_policy_error_far_along_a_long_line_is_reported() {
    let dir = Scratch::new("wide-policy");
    let policy = format!(
        "guidance wide \"A wide policy\"\n\nsource W = \"W\"\n\nfact {}: bool ask \"?\" nonsense\n",
        "f".repeat(70_000)
    );
    let path = dir.file("wide.policy", policy.as_bytes());
    for command in ["check", "fmt"] {
        let (code, _, stderr) = cspr(&[command, path.to_str().unwrap()], b"");
        assert!(!stderr.contains("panicked"), "{command}: {stderr}");
        assert!(code != 0 && code != 101, "{command}: {code} {stderr}");
        assert!(stderr.contains("wide.policy:5:"), "{command}: {stderr}");
    }
}
