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

/// One framed message.
fn frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

/// Run `cspr lsp` on `input` (closed at its end): the exit code, the messages it wrote
/// and its stderr.
fn lsp_session(input: &str) -> (i32, Vec<serde_json::Value>, String) {
    let (code, stdout, stderr) = cspr(&["lsp"], input.as_bytes());
    let mut out = Vec::new();
    let mut rest = stdout.as_str();
    while let Some(at) = rest.find("Content-Length: ") {
        let after = &rest[at + "Content-Length: ".len()..];
        let (n, after) = after.split_once("\r\n\r\n").unwrap();
        let n: usize = n.trim().parse().unwrap();
        out.push(serde_json::from_str(&after[..n]).unwrap());
        rest = &after[n..];
    }
    (code, out, stderr)
}

fn answer(messages: &[serde_json::Value], id: i64) -> &serde_json::Value {
    messages
        .iter()
        .find(|m| m["id"] == id && m.get("method").is_none())
        .unwrap_or_else(|| panic!("no answer to {id}: {messages:#?}"))
}

const SECRET: &str = "Jo Bloggs, aged 7";

#[test]
fn the_language_server_survives_malformed_messages_and_answers_the_next() {
    let uri = "file:///tmp/cspr-frontends/t.policy";
    let text = "guidance t \"T\"\n\nsource W = \"W\"\n\nfact child_died: bool ask \"Has the child died?\"\n";
    let mut input = String::new();
    input +=
        &frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    input += &frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    // Not JSON, holding case text.
    input += &frame(&format!(
        "{{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"{SECRET}"
    ));
    // A header without a usable length, then a body.
    input += &format!("Content-Length: lots\r\n\r\n{{\"note\": \"{SECRET}\"}}");
    // JSON, but no message.
    input += &frame(r#"{"jsonrpc":"2.0","id":3}"#);
    // A notification whose parameters do not parse, holding case text.
    input += &frame(&format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"text":"{SECRET}"}}}}}}"#
    ));
    let open = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "cspr", "version": 1, "text": text}}});
    input += &frame(&open.to_string());
    // A change at line -1, and a hover far past the end and before the start.
    let change = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2},
        "contentChanges": [{"range": {"start": {"line": -1, "character": -5}, "end": {"line": 1e12, "character": 0}}, "text": text}]}});
    input += &frame(&change.to_string());
    for (id, line, character) in [(4, -1i64, 0i64), (5, 9_999_999_999, 3), (6, 4, -7)] {
        let hover = serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}}});
        input += &frame(&hover.to_string());
    }
    // A valid request, still answered.
    let hover = serde_json::json!({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 4, "character": 7}}});
    input += &frame(&hover.to_string());
    input += &frame(r#"{"jsonrpc":"2.0","id":8,"method":"shutdown"}"#);
    input += &frame(&hover.to_string().replace("\"id\":7", "\"id\":9"));
    input += &frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);

    let (code, messages, stderr) = lsp_session(&input);
    assert_eq!(code, 0, "exit after shutdown: {stderr}");
    assert!(
        !stderr.contains(SECRET),
        "nothing of a payload on stderr: {stderr}"
    );
    assert!(
        stderr.contains("skipped a `textDocument/didOpen`"),
        "{stderr}"
    );
    let parse_errors: Vec<_> = messages
        .iter()
        .filter(|m| m["id"].is_null() && m["error"]["code"] == -32700)
        .collect();
    assert_eq!(parse_errors.len(), 2, "{messages:#?}");
    assert_eq!(answer(&messages, 3)["error"]["code"], -32600);
    for id in [4, 5, 6] {
        assert!(
            answer(&messages, id).get("error").is_none(),
            "{messages:#?}"
        );
    }
    let hovered = &answer(&messages, 7)["result"]["contents"]["value"];
    assert!(
        hovered.as_str().unwrap().contains("child_died"),
        "{hovered}"
    );
    assert!(answer(&messages, 8)["result"].is_null());
    assert_eq!(
        answer(&messages, 9)["error"]["code"],
        -32600,
        "a request after shutdown"
    );
}

#[test]
fn the_language_server_reports_a_syntax_error_at_a_non_ascii_character() {
    let uri = "file:///tmp/cspr-frontends/u.policy";
    for text in [
        "guidance t \"T\"\n\nrule é",
        "guidance t \"T\"\n\nrule 🦀🦀: x\n",
        "guidance t \"T\"\nsource W = \"W\"\nfact ñ: bool ask \"é\" 🦀",
    ] {
        let open = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "cspr", "version": 1, "text": text}}});
        let mut input =
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
        input += &frame(&open.to_string());
        input += &frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#);
        input += &frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
        let (code, messages, stderr) = lsp_session(&input);
        assert_eq!(code, 0, "{text}: {stderr}");
        let diagnostics = messages
            .iter()
            .find(|m| m["method"] == "textDocument/publishDiagnostics")
            .unwrap_or_else(|| panic!("{text}: {messages:#?}"));
        let first = &diagnostics["params"]["diagnostics"][0];
        assert_eq!(first["severity"], 1, "{text}: {first}");
        let lines: Vec<&str> = text.split('\n').collect();
        let start = &first["range"]["start"];
        let line = lines[start["line"].as_u64().unwrap() as usize];
        let units = line.encode_utf16().count() as u64;
        assert!(
            start["character"].as_u64().unwrap() <= units,
            "{text}: {first}"
        );
    }
}

#[test]
fn a_scripted_repl_line_of_invalid_utf8_fails_that_line_and_the_session_goes_on() {
    let mut script = b"set child_died = true\n".to_vec();
    script.extend_from_slice(b"set child_\xff\xfe = true\n");
    script.extend_from_slice(b"facts\n");
    let (code, stdout, stderr) = cspr(&["repl", "walsall"], &script);
    assert_eq!(code, 1, "a failed line fails the script: {stderr}");
    assert!(stderr.contains("line 2 is not UTF-8 text"), "{stderr}");
    assert!(
        stdout.contains("\"child_died\": true"),
        "the next line ran: {stdout}"
    );
    let (code, _, stderr) = cspr(&["repl", "walsall"], b"set child_died = true\nfacts\n");
    assert_eq!(code, 0, "a clean script succeeds: {stderr}");
}

#[test]
fn the_repl_writes_no_control_character_raw() {
    let dir = Scratch::new("controls");
    let case = dir.file(
        "case.json",
        "{\"case_id\": \"A\\u001b]0;PWNED\\u0007\\u001b[2J\", \"child_died\": true}".as_bytes(),
    );
    let script =
        "set \x1b]0;PWNED\x07\x1b[2J = 1\nset child_died = \x00\x1b[31m\nfacts\nwhy\nstatus\n";
    let (code, stdout, stderr) = cspr(
        &["repl", "walsall", case.to_str().unwrap()],
        script.as_bytes(),
    );
    assert_eq!(code, 1, "{stderr}");
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        let raw: Vec<char> = text
            .chars()
            .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
            .collect();
        assert!(raw.is_empty(), "{name} holds {raw:?}: {text}");
    }
    assert!(
        stderr.contains("\\u{1b}]0;PWNED\\u{7}"),
        "shown escaped: {stderr}"
    );
}

#[test]
fn a_long_bad_repl_line_is_echoed_once_and_cut() {
    let line = format!("set {} = 1\n", "z".repeat(1 << 20));
    let (code, _, stderr) = cspr(&["repl", "walsall"], line.as_bytes());
    assert_eq!(code, 1);
    // Once in the message that names it, not again in the echo of the line.
    assert!(stderr.len() < 2 << 20, "{} bytes of stderr", stderr.len());
    assert!(stderr.contains("bytes in all"), "the echo says it is cut");
}

/// The server's scenario diagnostics run through the library's one scenario runner
/// (`scenario::suite`), which knows the editions near the file as `cspr test` does, so an
/// `under working_together_2023` expectation is no "unknown edition" in the editor.
#[test]
fn a_suite_with_under_expectations_is_clean_in_the_editor_as_in_cspr_test() {
    let path = "tests/scenarios/national/incomplete.scenario";
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    assert!(
        text.contains(" under working_together_2023"),
        "the suite pins editions"
    );
    let (code, _, stderr) = cspr(&["test", path], b"");
    assert_eq!(code, 0, "cspr test passes it: {stderr}");
    let uri = format!("file://{}/{path}", root().canonicalize().unwrap().display());
    let open = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "cspr-scenario", "version": 1, "text": text}}});
    // The same suite with one expectation broken: the server finds it.
    let broken = text.replacen(
        "expect missing {care_leaver, age} under working_together_2023",
        "expect missing {care_leaver} under working_together_2023",
        1,
    );
    assert_ne!(broken, text);
    let change = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": broken}]}});
    let mut input =
        frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    input += &frame(&open.to_string());
    input += &frame(&change.to_string());
    input += &frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#);
    input += &frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    let (code, messages, stderr) = lsp_session(&input);
    assert_eq!(code, 0, "{stderr}");
    let published: Vec<&serde_json::Value> = messages
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| &m["params"]["diagnostics"])
        .collect();
    assert_eq!(published.len(), 2, "{messages:#?}");
    let errors = |d: &serde_json::Value| {
        d.as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == 1)
            .count()
    };
    assert_eq!(errors(published[0]), 0, "{:#}", published[0]);
    assert_eq!(
        errors(published[1]),
        0,
        "an `under` expectation is not checked on the default edition: {:#}",
        published[1]
    );
}
