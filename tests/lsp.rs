//! `cspr lsp` driven over JSON-RPC, as an editor drives it: initialize, open files,
//! receive diagnostics, ask for hovers, definitions, references, completions, the
//! outline, formatting and scenario lenses, then shut down.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

use crate::common::root;

pub(crate) struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
}

impl Client {
    pub(crate) fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cspr"))
            .arg("lsp")
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut client = Client {
            child,
            stdin,
            stdout,
            next_id: 0,
            notifications: Vec::new(),
        };
        let caps = client.request(
            "initialize",
            json!({"capabilities": {}, "rootUri": uri("")}),
        );
        assert_eq!(caps["capabilities"]["hoverProvider"], json!(true));
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let msg = self.receive();
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{method}: {msg}");
                return msg["result"].clone();
            }
            self.notifications.push(msg);
        }
    }

    /// The diagnostics last published for `uri`, waiting for them if need be.
    pub(crate) fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        // A request answered means every notification before it has arrived.
        self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        );
        self.notifications
            .iter()
            .rev()
            .find(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
            .map(|n| n["params"]["diagnostics"].as_array().unwrap().clone())
            .unwrap_or_else(|| panic!("no diagnostics for {uri}"))
    }

    pub(crate) fn open(&mut self, path: &str, text: &str) -> String {
        let u = uri(path);
        let language = if path.ends_with(".scenario") {
            "cspr-scenario"
        } else {
            "cspr"
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": u, "languageId": language, "version": 1, "text": text}}),
        );
        u
    }

    pub(crate) fn at(
        &mut self,
        method: &str,
        uri: &str,
        text: &str,
        needle: &str,
        nth: usize,
    ) -> Value {
        let (line, character) = position(text, needle, nth);
        let context = if method == "textDocument/completion" {
            json!({"triggerKind": 1})
        } else {
            json!({"includeDeclaration": true})
        };
        self.request(
            method,
            json!({
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": character},
                "context": context,
            }),
        )
    }

    /// The labels completion offers at `needle`'s `nth` occurrence.
    pub(crate) fn offered(
        &mut self,
        uri: &str,
        text: &str,
        needle: &str,
        nth: usize,
    ) -> Vec<String> {
        let items = self.at("textDocument/completion", uri, text, needle, nth);
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    }

    pub(crate) fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

impl Drop for Client {
    /// A test that fails mid-session leaves no server behind.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &str) -> String {
    let root = root().canonicalize().unwrap();
    format!("file://{}/{path}", root.display())
        .trim_end_matches('/')
        .to_string()
}

/// Line and column (ASCII text) of the `nth` occurrence of `needle`, plus one character.
fn position(text: &str, needle: &str, nth: usize) -> (usize, usize) {
    let offset = text.match_indices(needle).nth(nth).unwrap().0 + 1;
    let line = text[..offset].matches('\n').count();
    let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line, col)
}

/// A definition answer that points at the line of `declaration` in the national module.
fn defined_in_national(def: &Value, declaration: &str) {
    assert!(
        def["uri"]
            .as_str()
            .unwrap()
            .ends_with("/policies/working-together-2018.policy"),
        "{def}"
    );
    let national = read("policies/working-together-2018.policy");
    assert_eq!(
        def["range"]["start"]["line"],
        json!(position(&national, declaration, 0).0)
    );
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

#[test]
fn a_session_on_the_shipped_procedures() {
    let mut c = Client::start();

    // An error, with cspr check's message and help.
    let broken = read("docs/tutorial/exampleshire.policy")
        .replace("when pathway = rapid_review", "when pathway = rapid_reveiw");
    let ex = c.open("docs/tutorial/exampleshire.policy", &broken);
    let diags = c.diagnostics(&ex);
    let checked = cspr::check::check(
        &cspr::Source::new("docs/tutorial/exampleshire.policy", broken.clone()),
        &crate::common::TestModules,
    );
    let first = checked.problems.iter().find(|p| p.is_error()).unwrap();
    let d = diags.iter().find(|d| d["severity"] == 1).expect("an error");
    assert!(
        d["message"].as_str().unwrap().starts_with(&first.message),
        "{d}"
    );
    assert!(d["message"].as_str().unwrap().contains("help: "), "{d}");
    assert_eq!(d["code"], first.code);
    assert_eq!(
        d["range"]["start"]["line"],
        json!(position(&broken, "rapid_reveiw", 0).0)
    );

    // Fixing it clears the error.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ex, "version": 2},
               "contentChanges": [{"text": read("docs/tutorial/exampleshire.policy")}]}),
    );
    assert!(c.diagnostics(&ex).iter().all(|d| d["severity"] != 1));

    // A partnership's procedure: hover, definition into the national module, references.
    let text = read("policies/lincolnshire.policy");
    let lin = c.open("policies/lincolnshire.policy", &text);
    assert!(c.diagnostics(&lin).iter().all(|d| d["severity"] != 1));

    let hover = c.at(
        "textDocument/hover",
        &lin,
        &text,
        "serious_child_safeguarding_case",
        0,
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("rule serious_child_safeguarding_case"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "Cites **LSCP21** Chapter 1, quoting WT18 ch.4 para 10: Lincolnshire Safeguarding"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("Declared in `working_together_2018`"),
        "{shown}"
    );

    let hover = c.at("textDocument/hover", &lin, &text, "referred_by", 0);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("**fact** `referred_by`: `local_authority | partner_agency`"),
        "{shown}"
    );
    assert!(shown.contains("Asks: *"), "{shown}");

    let hover = c.at("textDocument/hover", &lin, &text, "LSCP \"", 0);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**source** `LSCP`")
    );

    let def = c.at(
        "textDocument/definition",
        &lin,
        &text,
        "serious_child_safeguarding_case",
        0,
    );
    defined_in_national(&def, "rule serious_child_safeguarding_case");

    let refs = c.at(
        "textDocument/references",
        &lin,
        &text,
        "serious_child_safeguarding_case",
        0,
    );
    let refs = refs.as_array().unwrap();
    let in_national = refs
        .iter()
        .filter(|r| {
            r["uri"]
                .as_str()
                .unwrap()
                .ends_with("working-together-2018.policy")
        })
        .count();
    assert_eq!(
        refs.len() - in_national,
        text.matches("serious_child_safeguarding_case").count()
    );
    assert!(in_national >= 2, "{refs:?}");

    // Completion: keywords, names of both modules, enumeration values, sources.
    let labels = c.offered(&lin, &text, "pathway", 0);
    for want in [
        "timeline",
        "exception",
        "referred_by",
        "sirg_recommends_rapid_review",
        "partner_agency",
        "LSCP",
        "WT18",
    ] {
        assert!(labels.iter().any(|l| l == want), "{want} not offered");
    }
    assert!(
        !labels.iter().any(|l| l == "undetermined"),
        "a scenario keyword offered in a policy"
    );

    // Outline: the timeline with its steps inside.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": lin}}),
    );
    let module = &symbols[0];
    assert_eq!(module["name"], "lincolnshire");
    let timeline = module["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "rapid_review_process")
        .unwrap();
    assert_eq!(timeline["detail"], "timeline");
    assert!(
        timeline["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "send_commissioning_email")
    );

    // Formatting: a whole-file edit with cspr fmt's text.
    let messy = c.open(
        "tests/fmt/unformatted.policy",
        &read("tests/fmt/unformatted.policy"),
    );
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": messy}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let want = cspr::fmt::format(
        &cspr::Source::new("u.policy", read("tests/fmt/unformatted.policy")),
        cspr::fmt::Kind::Policy,
    )
    .unwrap();
    assert_eq!(edits[0]["newText"], json!(want));
    c.shutdown();
}

/// Actors: hover shows the title, definition finds the `actor` declaration (in the national
/// module for a national actor), completion offers them, and an undeclared one is
/// `cspr check`'s error with its "did you mean".
#[test]
fn actors_are_hovered_defined_completed_and_checked() {
    let mut c = Client::start();
    let text = read("policies/lincolnshire.policy");
    let lin = c.open("policies/lincolnshire.policy", &text);

    let hover = c.at("textDocument/hover", &lin, &text, "sirg must", 0);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.starts_with("**actor** `sirg`: Serious Incident Review Group (SIRG)"),
        "{shown}"
    );

    let def = c.at(
        "textDocument/definition",
        &lin,
        &text,
        "safeguarding_partners must",
        0,
    );
    defined_in_national(&def, "actor safeguarding_partners");
    let def = c.at("textDocument/definition", &lin, &text, "sirg must", 0);
    assert_eq!(
        def["range"]["start"]["line"],
        json!(position(&text, "actor sirg ", 0).0)
    );

    let offered = c.offered(&lin, &text, "sirg must", 0);
    for want in [
        "sirg",
        "local_authority",
        "business_manager",
        "actor",
        "label",
    ] {
        assert!(offered.iter().any(|l| l == want), "{want} not offered");
    }

    let typo = text.replacen("  sirg must", "  sirgg must", 1);
    let edited = c.open("policies/lincolnshire.policy", &typo);
    let diags = c.diagnostics(&edited);
    let d = diags
        .iter()
        .find(|d| d["code"] == "cspr::undeclared_actor")
        .expect("an undeclared actor");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `sirg`?"),
        "{d}"
    );
    c.shutdown();
}

/// `duty a refines b`: hover and definition on `b` reach the inherited duty in the national
/// module, and completion offers `refines`.
#[test]
fn a_refined_duty_is_hovered_defined_and_refines_is_offered() {
    let mut c = Client::start();
    let text = read("policies/slough.policy");
    let slough = c.open("policies/slough.policy", &text);
    let at = "notify_national_panel cite SSP";
    let hover = c.at("textDocument/hover", &slough, &text, at, 0);
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("notify_national_panel"), "{shown}");
    let def = c.at("textDocument/definition", &slough, &text, at, 0);
    defined_in_national(&def, "duty notify_national_panel");
    let offered = c.offered(&slough, &text, at, 0);
    for want in ["refines", "notify_national_panel", "quote", "reading"] {
        assert!(offered.iter().any(|l| l == want), "{want} not offered");
    }
    c.shutdown();
}

#[test]
fn a_2018_scenario_with_expectations_under_2023_shows_no_diagnostic() {
    // `expect missing {…} under working_together_2023` in a suite for working_together_2018:
    // `cspr test` does not check those lines on 2018, and neither does the editor.
    let path = "tests/scenarios/national/incomplete.scenario";
    let text = read(path);
    assert!(
        text.contains("under working_together_2023"),
        "the suite pins expectations"
    );
    let mut c = Client::start();
    let u = c.open(path, &text);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    // A typo in the edition is still an error, with the editions the server knows.
    let typo = text.replacen(
        "under working_together_2023",
        "under working_together_2032",
        1,
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2}, "contentChanges": [{"text": typo}]}),
    );
    let diags = c.diagnostics(&u);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "cspr::scenario_edition");
    c.shutdown();
}

#[test]
fn scenario_files_show_failures_and_offer_to_run() {
    let mut c = Client::start();
    let text = read("tests/scenarios/lincolnshire/routes.scenario");
    let wrong = text.replacen(
        "expect referred_through_sirg = false",
        "expect referred_through_sirg = true",
        1,
    );
    let u = c.open("tests/scenarios/lincolnshire/routes.scenario", &wrong);
    let diags = c.diagnostics(&u);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "cspr::scenario_failed");
    assert_eq!(
        diags[0]["range"]["start"]["line"],
        json!(position(&wrong, "expect referred_through_sirg = true", 0).0)
    );

    let lenses = c.request("textDocument/codeLens", json!({"textDocument": {"uri": u}}));
    let lenses = lenses.as_array().unwrap();
    assert_eq!(
        lenses.len(),
        text.matches("\nscenario ").count() + usize::from(text.starts_with("scenario "))
    );
    let command = &lenses[0]["command"];
    assert_eq!(command["command"], "cspr.runScenario");
    let result = c.request(
        "workspace/executeCommand",
        json!({"command": "cspr.runScenario", "arguments": command["arguments"]}),
    );
    assert!(
        result.as_str().unwrap().contains("failed: expected"),
        "{result}"
    );
    let result = c.request(
        "workspace/executeCommand",
        json!({"command": "cspr.runScenario", "arguments": lenses[1]["command"]["arguments"]}),
    );
    assert!(result.as_str().unwrap().ends_with("passed"), "{result}");

    let labels = c.offered(&u, &wrong, "referred_through_sirg", 0);
    for want in [
        "undetermined",
        "expect",
        "referred_through_sirg",
        "local_authority",
    ] {
        assert!(
            labels.iter().any(|l| l == want),
            "{want} not offered in a scenario file"
        );
    }

    let hover = c.at("textDocument/hover", &u, &wrong, "referred_through_sirg", 0);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Declared in `lincolnshire`")
    );
    c.shutdown();
}

#[test]
fn an_unreachable_branch_is_a_located_warning_in_the_editor() {
    let path = "tests/check/unreachable.policy";
    let text = read(path);
    let mut c = Client::start();
    let u = c.open(path, &text);
    let diags = c.diagnostics(&u);
    let dead: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "cspr::unreachable_branch")
        .collect();
    assert_eq!(dead.len(), 5, "{diags:?}");
    // The shadowed branch, on its own line (0-based 16), with why.
    let (line, _) = position(&text, "urgent_review when child_died", 0);
    assert_eq!(dead[0]["range"]["start"]["line"], json!(line), "{diags:?}");
    assert_eq!(dead[0]["severity"], json!(2), "a warning");
    let message = dead[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("taken by branch 1 above"), "{message}");
    c.shutdown();
}
