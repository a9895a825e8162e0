//! `cspr serve`'s JSON API through a real HTTP client, against `cspr serve --addr
//! 127.0.0.1:0` run as a process: the answers are the command line's, byte for byte, for
//! every shipped example; every bad case of the catalogue is a located problem+json; the
//! guards (token, Host, Origin, limits, headers) hold; nothing is written and no fact is
//! logged; the OpenAPI document is valid; random case bodies never get a 500.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::common::root;

/// The day every comparison judges deadlines on.
const AS_OF: &str = "2024-04-10";

/// A `cspr serve` process on a free loopback port, its stderr collected; killed on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    log: Arc<Mutex<String>>,
    agent: ureq::Agent,
}

impl Server {
    /// `cspr serve --addr 127.0.0.1:0` and `args`, run in the repository.
    pub fn start(args: &[&str]) -> Server {
        Server::start_in(args, &root(), &[])
    }

    /// As [`Server::start`], in `dir` with `env` set.
    pub fn start_in(args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cspr"));
        command
            .arg("serve")
            .args(if args.contains(&"--addr") {
                &[][..]
            } else {
                &["--addr", "127.0.0.1:0"][..]
            })
            .args(args)
            .current_dir(dir)
            .env_remove("CSPR_PATH")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("cspr serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut reader = BufReader::new(stderr);
        let mut first = String::new();
        let mut seen = String::new();
        let port = loop {
            first.clear();
            if reader.read_line(&mut first).unwrap_or(0) == 0 {
                let _ = child.kill();
                panic!("cspr serve stopped before listening:\n{seen}");
            }
            seen.push_str(&first);
            if let Some(addr) = first.trim().strip_prefix("listening on http://") {
                break addr
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .expect("a port");
            }
        };
        let log = Arc::new(Mutex::new(seen));
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Server {
            child,
            port,
            log,
            agent,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `GET path`: status, content type, body.
    pub fn get(&self, path: &str) -> Reply {
        let response = self
            .agent
            .get(&self.url(path))
            .call()
            .expect("GET answered");
        Reply::of(response)
    }

    /// `POST path` with this content type and body.
    pub fn post(&self, path: &str, content_type: &str, body: impl AsRef<[u8]>) -> Reply {
        let response = self
            .agent
            .post(&self.url(path))
            .header("Content-Type", content_type)
            .send(body.as_ref())
            .expect("POST answered");
        Reply::of(response)
    }

    /// A request written by hand (for headers a client would not send), and the answer.
    pub fn raw(&self, request: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        // The server may answer (413, 431) and close before reading everything.
        let _ = stream.write_all(request);
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        Reply::parse(&out)
    }

    /// What the server wrote to stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Send SIGTERM and wait for the exit code.
    pub fn terminate(mut self) -> (i32, String) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let code = self.child.wait().expect("exits").code().unwrap_or(-1);
        // The log thread reads to the end of stderr.
        std::thread::sleep(Duration::from_millis(100));
        (code, self.log())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, headers (lower-case names), body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    fn of(mut response: ureq::http::Response<ureq::Body>) -> Reply {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .expect("a UTF-8 body");
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A raw HTTP/1.1 response (not chunked) as read off the socket.
    fn parse(bytes: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_string(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// A problem+json answer with this status: its document.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.body
        );
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(p["type"].as_str().unwrap().starts_with("urn:cspr:problem:"));
        assert!(!p["detail"].as_str().unwrap().is_empty());
        p
    }
}

/// `cspr ARGS` in the repository: exit code, stdout, stderr.
fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CSPR_PATH")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .output()
        .expect("cspr runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The media type the API takes a case file in.
fn media_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => "application/toml",
        Some("jsonl") => "application/x-ndjson",
        _ => "application/json",
    }
}

/// The shipped examples.
fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("policies/examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The ids the server lists.
fn ids(server: &Server) -> Vec<String> {
    server.get("/api/v1/procedures").json()["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

/// Every shipped example under every procedure: `POST …/eval` answers exactly what `cspr
/// eval --format json` prints (a batch, line for line), or a 422 where the command fails;
/// and for each single case it evaluates, `explain`, `timeline` and `report` answer what
/// `cspr explain --format json`, `cspr timeline --format json` and `cspr report` print.
#[test]
fn answers_equal_the_command_line_for_every_shipped_example() {
    let server = Server::start(&[]);
    let ids = ids(&server);
    assert!(ids.len() >= 5, "{ids:?}");
    let mut compared = 0;
    for file in examples() {
        let rel = file.strip_prefix(root()).unwrap().display().to_string();
        let body = std::fs::read(&file).unwrap();
        let media = media_type(&file);
        for id in &ids {
            let (code, stdout, stderr) =
                cli(&["eval", id, &rel, "--format", "json", "--as-of", AS_OF]);
            let reply = server.post(
                &format!("/api/v1/procedures/{id}/eval?as_of={AS_OF}"),
                media,
                &body,
            );
            if media == "application/x-ndjson" {
                assert_eq!(reply.status, 200, "{id} {rel}: {}", reply.body);
                assert_eq!(reply.header("content-type"), Some("application/x-ndjson"));
                assert_eq!(reply.body, stdout, "{id} {rel}: the batch");
                compared += 1;
                continue;
            }
            if code != 0 {
                let p = reply.problem(422);
                let first = p["errors"][0]["message"].as_str().unwrap().to_string();
                assert!(stderr.contains(&first), "{id} {rel}: {first}\n{stderr}");
                continue;
            }
            assert_eq!(reply.status, 200, "{id} {rel}: {}", reply.body);
            assert_eq!(reply.header("content-type"), Some("application/json"));
            assert_eq!(reply.body, stdout, "{id} {rel}: eval");
            compared += 1;
            for (endpoint, args) in [
                ("explain", vec!["explain", id, &rel, "--format", "json"]),
                (
                    "timeline",
                    vec!["timeline", id, &rel, "--format", "json", "--as-of", AS_OF],
                ),
                ("report", vec!["report", id, &rel, "--as-of", AS_OF]),
            ] {
                let (code, stdout, _) = cli(&args);
                assert_eq!(code, 0, "{endpoint} {id} {rel}");
                let reply = server.post(
                    &format!("/api/v1/procedures/{id}/{endpoint}?as_of={AS_OF}")
                        .replace("explain?as_of=2024-04-10", "explain"),
                    media,
                    &body,
                );
                assert_eq!(reply.status, 200, "{endpoint} {id} {rel}: {}", reply.body);
                assert_eq!(reply.body, stdout, "{endpoint} {id} {rel}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 60, "only {compared} answers compared");
}

/// `explain` with a name and `--why-not`, the iCalendar timeline and the full report are
/// the command line's too.
#[test]
fn explain_by_name_ics_and_full_report_equal_the_command_line() {
    let server = Server::start(&[]);
    let case = "policies/examples/lincolnshire-rapid-review.json";
    let body = std::fs::read(root().join(case)).unwrap();
    for (path, args) in [
        (
            "explain?name=pathway&why_not=learning_review",
            vec![
                "explain",
                "lincolnshire",
                case,
                "pathway",
                "--why-not",
                "learning_review",
                "--format",
                "json",
            ],
        ),
        (
            "timeline?format=ics&as_of=2024-04-10",
            vec![
                "timeline",
                "lincolnshire",
                case,
                "--format",
                "ics",
                "--as-of",
                AS_OF,
            ],
        ),
        (
            "report?full=true&as_of=2024-04-10",
            vec!["report", "lincolnshire", case, "--full", "--as-of", AS_OF],
        ),
    ] {
        let (code, stdout, _) = cli(&args);
        assert_eq!(code, 0);
        let reply = server.post(
            &format!("/api/v1/procedures/lincolnshire/{path}"),
            "application/json",
            &body,
        );
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(reply.body, stdout, "{path}");
    }
    // A name that is not a rule: the command line's message, as a problem.
    let reply = server.post(
        "/api/v1/procedures/lincolnshire/explain?name=pathwya",
        "application/json",
        &body,
    );
    let p = reply.problem(400);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("`pathwya` is not a rule")
    );
    assert!(p["errors"][0]["help"].as_str().unwrap().contains("pathway"));
}

/// The bad-input catalogue (docs/reliability.md): every entry that is a case is answered
/// with problem+json carrying the diagnostics `cspr eval` prints for the same file, as it
/// prints them (the source named `case.json`, …, instead of the file's path); a batch's bad
/// lines are error records in place, as on the command line.
#[test]
fn every_bad_case_of_the_catalogue_is_a_located_problem() {
    let server = Server::start(&[]);
    // (catalogue entry, the API's status)
    let catalogue = [
        ("malformed-json", 422),
        ("malformed-toml", 422),
        ("malformed-jsonl", 200),
        ("unknown-key", 422),
        ("wrong-type", 422),
        ("impossible-date", 422),
        ("outside-calendar", 422),
        ("key-twice", 422),
        ("huge-number", 422),
        ("huge-integer", 422),
        ("deep-nesting", 422),
        ("binary-garbage", 422),
        ("empty-file", 422),
        ("non-utf8", 422),
        ("bom", 200),
        ("as-of", 400),
    ];
    for (name, status) in catalogue {
        let line =
            std::fs::read_to_string(root().join(format!("tests/cli/bad-{name}.args"))).unwrap();
        let args: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(args[0], "eval", "{name}");
        let (id, file) = (args[1], args[2]);
        let as_of = args
            .iter()
            .position(|a| *a == "--as-of")
            .map(|i| args[i + 1])
            .unwrap();
        // The API answers JSON: the command's JSON to compare with.
        let mut json_args = args.clone();
        if !json_args.contains(&"--format") {
            json_args.extend(["--format", "json"]);
        }
        let (_, stdout, stderr) = cli(&json_args);
        let path = root().join(file);
        let media = media_type(&path);
        let reply = server.post(
            &format!("/api/v1/procedures/{id}/eval?as_of={as_of}"),
            media,
            std::fs::read(&path).unwrap(),
        );
        if status == 200 {
            assert_eq!(reply.status, 200, "{name}: {}", reply.body);
            assert_eq!(reply.body, stdout, "{name}");
            continue;
        }
        let p = reply.problem(status);
        let errors = p["errors"].as_array().expect("diagnostics");
        assert!(!errors.is_empty(), "{name}");
        // What the command line prints, with the file's name as the API names the body.
        let shown = match media {
            "application/toml" => "case.toml",
            _ => "case.json",
        };
        let rendered: String = errors
            .iter()
            .map(|e| e["rendered"].as_str().unwrap())
            .collect();
        let expected = stderr.replace(file, shown);
        if name == "as-of" {
            assert!(p["detail"].as_str().unwrap().contains("2024-02-30"), "{p}");
            continue;
        }
        // The same text; a message naming the file may wrap at another word.
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '│')
                .collect()
        };
        assert_eq!(
            squash(&rendered),
            squash(&expected),
            "{name}: the diagnostics cspr prints\n{rendered}\n{expected}"
        );
        for e in errors {
            assert!(e["code"].as_str().unwrap().starts_with("cspr::"), "{name}");
            assert!(e["help"].is_string(), "{name}: no remedy");
        }
    }
}

/// 413 (with a clear message, whether the size is announced or not), 415, 404, 405: all
/// problem+json.
#[test]
fn limits_and_wrong_requests_are_problems() {
    let server = Server::start(&[]);
    let big = vec![b' '; 1024 * 1024 + 1];
    let p = server
        .post(
            "/api/v1/procedures/lincolnshire/eval",
            "application/json",
            &big,
        )
        .problem(413);
    assert!(p["detail"].as_str().unwrap().contains("1 MiB"), "{p}");
    // Chunked, without a length: refused once it passes the limit.
    let mut request = format!(
        "POST /api/v1/procedures/lincolnshire/eval HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        server.port
    )
    .into_bytes();
    for _ in 0..20 {
        request.extend_from_slice(format!("{:x}\r\n", 64 * 1024).as_bytes());
        request.extend(std::iter::repeat_n(b' ', 64 * 1024));
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let reply = server.raw(&request);
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(reply.body.contains("1 MiB"), "{}", reply.body);
    // Exactly 1 MiB is read.
    let mut fits = b"{\"case_id\": \"x\"}".to_vec();
    fits.resize(1024 * 1024, b' ');
    let reply = server.post(
        "/api/v1/procedures/lincolnshire/eval",
        "application/json",
        &fits,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);

    let p = server
        .post("/api/v1/procedures/lincolnshire/eval", "text/csv", "a,b")
        .problem(415);
    assert!(p["detail"].as_str().unwrap().contains("application/json"));
    // A batch only where a batch is taken.
    server
        .post(
            "/api/v1/procedures/lincolnshire/explain",
            "application/x-ndjson",
            "{}\n",
        )
        .problem(415);
    let p = server
        .post(
            "/api/v1/procedures/lincolnshir/eval",
            "application/json",
            "{}",
        )
        .problem(404);
    assert!(
        p["errors"][0]["help"]
            .as_str()
            .unwrap()
            .contains("lincolnshire")
    );
    server.get("/api/v1/nothing").problem(404);
    server
        .get("/api/v1/procedures/lincolnshire/eval")
        .problem(405);
    server
        .post("/api/v1/procedures", "application/json", "{}")
        .problem(405);
    server
        .post(
            "/api/v1/procedures/lincolnshire/eval?as_of=tomorrow",
            "application/json",
            "{}",
        )
        .problem(400);
    server
        .post(
            "/api/v1/procedures/lincolnshire/eval?asof=2024-01-01",
            "application/json",
            "{}",
        )
        .problem(400);
    // A request head over 16 KiB.
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Padding: {}\r\nConnection: close\r\n\r\n",
        server.port,
        "a".repeat(20 * 1024)
    );
    assert_eq!(server.raw(request.as_bytes()).status, 431);
}

/// Every response carries the security headers; the CSP has no `unsafe-inline`, the
/// report's page allows exactly its own inline style and script by hash.
#[test]
fn security_headers_on_every_response() {
    let server = Server::start(&[]);
    let body =
        std::fs::read(root().join("policies/examples/lincolnshire-rapid-review.json")).unwrap();
    let replies = [
        server.get("/healthz"),
        server.get("/"),
        server.get("/api/v1/procedures"),
        server.get("/nothing"),
        server.post(
            "/api/v1/procedures/lincolnshire/eval",
            "application/json",
            &body,
        ),
        server.post(
            "/api/v1/procedures/lincolnshire/report",
            "application/json",
            &body,
        ),
    ];
    for r in &replies {
        let csp = r.header("content-security-policy").expect("a CSP");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
    }
    let report_csp = replies[5].header("content-security-policy").unwrap();
    assert!(report_csp.contains("style-src 'sha256-"), "{report_csp}");
    assert!(report_csp.contains("script-src 'sha256-"), "{report_csp}");
}

/// Off loopback only with a token; with one, every request but `/healthz` needs it.
#[test]
fn a_token_is_required_off_loopback() {
    let out = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["serve", "--addr", "0.0.0.0:0"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a loopback address"), "{stderr}");
    assert!(stderr.contains("--token-file"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short");
    std::fs::write(&short, "abc\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["serve", "--addr", "0.0.0.0:0", "--token-file"])
        .arg(&short)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too short"));

    let token = "0123456789abcdef0123456789abcdef";
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let file = file.display().to_string();
    let server = Server::start(&["--addr", "0.0.0.0:0", "--token-file", &file]);
    assert_eq!(server.get("/healthz").status, 200);
    let r = server.get("/api/v1/procedures");
    r.problem(401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    for auth in [
        "Bearer wrong".to_string(),
        format!("Bearer {token}x"),
        format!("Basic {token}"),
    ] {
        let r = server
            .agent
            .get(&server.url("/api/v1/procedures"))
            .header("Authorization", &auth)
            .call()
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{auth}");
    }
    let r = server
        .agent
        .get(&server.url("/api/v1/procedures"))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// DNS rebinding: a `Host` that is not this server is refused; `localhost` at its port is
/// answered. A post from another origin is refused, and a form post must say its origin.
#[test]
fn host_and_origin_are_checked() {
    let server = Server::start(&[]);
    let port = server.port;
    let get = |host: &str| {
        server.raw(
            format!("GET /api/v1/procedures HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    };
    get("attacker.example").problem(421);
    get(&format!("attacker.example:{port}")).problem(421);
    get(&format!("127.0.0.1:{}", port.wrapping_add(1))).problem(421);
    assert_eq!(get(&format!("localhost:{port}")).status, 200);
    assert_eq!(get(&format!("127.0.0.1:{port}")).status, 200);

    let post = |headers: &str| {
        server.raw(
            format!(
                "POST /api/v1/procedures/lincolnshire/eval HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Content-Length: 2\r\nConnection: close\r\n\r\n{{}}"
            )
            .as_bytes(),
        )
    };
    post("Content-Type: application/json\r\nOrigin: http://attacker.example\r\n").problem(403);
    post("Content-Type: application/x-www-form-urlencoded\r\n").problem(403);
    post("Content-Type: text/plain\r\n").problem(403);
    assert_eq!(
        post(&format!(
            "Content-Type: application/json\r\nOrigin: http://127.0.0.1:{port}\r\n"
        ))
        .status,
        200
    );
    // A system's client sends no Origin.
    assert_eq!(post("Content-Type: application/json\r\n").status, 200);

    // --allow-host adds a name (a reverse proxy's).
    let proxied = Server::start(&["--allow-host", "cspr.example.org"]);
    let r = proxied
        .raw(b"GET /healthz HTTP/1.1\r\nHost: cspr.example.org\r\nConnection: close\r\n\r\n");
    assert_eq!(r.status, 200, "{}", r.body);
}

/// The case's JSON Schema agrees with the case reader: every shipped example the procedure
/// reads strictly is valid, a wrong type or an unknown key is not; each fact carries its
/// question, and its values where it has a list.
#[test]
fn the_case_schema_agrees_with_the_reader() {
    let server = Server::start(&[]);
    for id in ids(&server) {
        let reply = server.get(&format!("/api/v1/procedures/{id}/schema"));
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.header("content-type"),
            Some("application/schema+json")
        );
        let schema = reply.json();
        assert!(
            jsonschema::meta::is_valid(&schema),
            "{id}: not a JSON Schema"
        );
        let validator = jsonschema::validator_for(&schema).unwrap();
        let properties = schema["properties"].as_object().unwrap();
        assert!(properties.len() > 10, "{id}");
        assert!(
            properties["child_died"]["title"]
                .as_str()
                .unwrap()
                .ends_with('?')
        );
        assert_eq!(
            properties["abuse_or_neglect"]["enum"],
            serde_json::json!(["known", "suspected", "not_suspected", null])
        );
        let mut valid = 0;
        for file in examples() {
            if media_type(&file) != "application/json" {
                continue;
            }
            let rel = file.strip_prefix(root()).unwrap().display().to_string();
            let (code, _, _) = cli(&["eval", &id, &rel, "--strict", "--as-of", AS_OF]);
            let case: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            assert_eq!(
                validator.is_valid(&case),
                code == 0,
                "{id} {rel}: the schema and the reader disagree"
            );
            valid += usize::from(code == 0);
        }
        if id != "working_together_2023" {
            assert!(valid > 0, "{id}: no example read");
        }
        assert!(!validator.is_valid(&serde_json::json!({"child_died": "yes"})));
        assert!(!validator.is_valid(&serde_json::json!({"la_aware_on": "4 March"})));
        assert!(!validator.is_valid(&serde_json::json!({"no_such_fact": true})));
        assert!(validator.is_valid(&serde_json::json!({"case_id": "C-1", "child_died": null})));
    }
}

/// `GET /api/v1/openapi.json` is a valid OpenAPI 3.1 document (checked against the
/// OpenAPI Initiative's schema, tests/serve/), every schema in it is a valid JSON Schema,
/// and every path it lists is served.
#[test]
fn the_openapi_document_is_valid() {
    let server = Server::start(&[]);
    let reply = server.get("/api/v1/openapi.json");
    assert_eq!(reply.status, 200);
    let doc = reply.json();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/serve/openapi-3.1-schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the OpenAPI 3.1 schema");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A wrong document is caught (the check can fail).
    let mut broken = doc.clone();
    broken["paths"]["/healthz"]["get"]["responses"] = serde_json::json!("none");
    assert!(!validator.is_valid(&broken));
    for (name, s) in doc["components"]["schemas"].as_object().unwrap() {
        assert!(jsonschema::meta::is_valid(s), "{name}");
    }
    for path in doc["paths"].as_object().unwrap().keys() {
        let path = path.replace("{id}", "lincolnshire");
        let r = server.get(&path);
        assert_ne!(r.status, 404, "{path} is listed but not served");
    }
}

/// `GET /api/v1/procedures`, `/healthz`, `missing`: the shapes a system relies on.
#[test]
fn list_health_and_missing() {
    let server = Server::start(&[]);
    assert_eq!(server.get("/healthz").json()["status"], "ok");
    let list = server.get("/api/v1/procedures").json();
    let lincs = list["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "lincolnshire")
        .unwrap()
        .clone();
    assert_eq!(lincs["kind"], "procedure");
    assert_eq!(lincs["extends"], "working_together_2018");
    assert_eq!(server.get("/api/v1/procedures/lincolnshire").json(), lincs);
    // The questions: exactly the facts `cspr eval` lists as missing, and the dates.
    let case = "policies/examples/lincolnshire-incomplete.json";
    let (_, stdout, _) = cli(&["eval", "lincolnshire", case, "--format", "json"]);
    let eval: Value = serde_json::from_str(&stdout).unwrap();
    let reply = server.post(
        "/api/v1/procedures/lincolnshire/missing",
        "application/json",
        std::fs::read(root().join(case)).unwrap(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let q = reply.json();
    let asked: Vec<&str> = q["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["fact"].as_str().unwrap())
        .collect();
    for m in eval["missing"].as_array().unwrap() {
        assert!(
            asked.contains(&m.as_str().unwrap()),
            "{m} not asked: {asked:?}"
        );
    }
    let first = &q["questions"][0];
    assert!(first["ask"].as_str().unwrap().ends_with('?'));
    assert_eq!(first["stage"], 1);
}

/// Nothing is written under HOME, TMPDIR or the working directory, and the log holds
/// method, path, status and time only: no fact, no case id, not even in a bad case's error.
#[test]
fn nothing_written_and_no_fact_logged() {
    let home = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let server = Server::start_in(
        &[],
        cwd.path(),
        &[("HOME", home.path()), ("TMPDIR", tmp.path())],
    );
    let secret = "Zebedee-Quux-7731";
    let case = format!(
        r#"{{"case_id": "{secret}", "child_died": true, "abuse_or_neglect": "suspected", "incident_location": "in_area", "la_aware_on": "2024-03-04"}}"#
    );
    for endpoint in ["eval", "explain", "timeline", "report", "missing"] {
        let r = server.post(
            &format!("/api/v1/procedures/working_together_2018/{endpoint}"),
            "application/json",
            &case,
        );
        assert_eq!(r.status, 200, "{endpoint}: {}", r.body);
    }
    let r = server.post(
        "/api/v1/procedures/working_together_2018/eval",
        "application/x-ndjson",
        format!("{case}\n{{\"case_id\": \"{secret}\", \"child_died\": \"{secret}\"}}\n"),
    );
    assert!(r.body.contains(secret));
    let r = server.post(
        "/api/v1/procedures/working_together_2018/eval",
        "application/json",
        format!(r#"{{"case_id": "{secret}", "child_died": "{secret}"}}"#),
    );
    r.problem(422);
    let (code, log) = server.terminate();
    assert_eq!(code, 0, "{log}");
    assert!(!log.contains(secret), "a fact in the log:\n{log}");
    assert!(!log.contains("2024-03-04"), "a fact in the log:\n{log}");
    for line in log.lines() {
        let ok = line.starts_with("listening on http://")
            || line == "stopped"
            || line.split_whitespace().count() == 4;
        assert!(
            ok,
            "a log line that is not method, path, status, time: {line}"
        );
    }
    assert!(log.contains("POST /api/v1/procedures/working_together_2018/eval 422 "));
    for dir in [home.path(), tmp.path(), cwd.path()] {
        let written: Vec<_> = walk(dir);
        assert!(written.is_empty(), "written: {written:?}");
    }
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

/// SIGTERM lets a request in flight finish, then the server exits 0.
#[test]
fn graceful_shutdown() {
    let server = Server::start(&[]);
    let url = server.url("/api/v1/procedures/working_together_2018/eval");
    let batch = std::fs::read_to_string(root().join("policies/examples/batch.jsonl")).unwrap();
    let mut big = String::new();
    while big.len() < 900 * 1024 {
        big.push_str(&batch);
    }
    let agent = server.agent.clone();
    let flight = std::thread::spawn(move || {
        let mut r = agent
            .post(&url)
            .header("Content-Type", "application/x-ndjson")
            .send(big.as_bytes())
            .unwrap();
        (
            r.status().as_u16(),
            r.body_mut()
                .with_config()
                .limit(1 << 30)
                .read_to_string()
                .unwrap(),
        )
    });
    std::thread::sleep(Duration::from_millis(30));
    let (code, log) = server.terminate();
    let (status, body) = flight.join().unwrap();
    assert_eq!(code, 0, "{log}");
    assert!(log.ends_with("stopped\n"), "{log}");
    assert_eq!(status, 200);
    assert!(body.lines().count() > 1000, "the batch was cut short");
}

/// Random and mutated case bodies: always a 200 or a problem+json 4xx, never a 500 or a
/// dropped connection.
#[test]
fn random_case_bodies_never_fail_the_server() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let server = Server::start(&[]);
    let example =
        std::fs::read(root().join("policies/examples/lincolnshire-incomplete.json")).unwrap();
    let bodies = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::string::string_regex(
            r#"\{("[a-z_]{1,30}": (true|false|null|-?[0-9]{1,25}|"[^"]{0,20}"|\[[^\]]{0,20}\]|\{\}), ){0,6}"case_id": "x"\}"#
        )
        .unwrap()
        .prop_map(String::into_bytes),
        (0usize..4000, any::<u8>()).prop_map(move |(at, byte)| {
            let mut b = example.clone();
            let i = at % b.len();
            b[i] = byte;
            b
        }),
    ];
    let media = prop_oneof![
        Just("application/json"),
        Just("application/toml"),
        Just("application/x-ndjson"),
    ];
    let endpoint = prop_oneof![
        Just("eval"),
        Just("explain"),
        Just("missing"),
        Just("timeline")
    ];
    let mut runner = TestRunner::new(Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(bodies, media, endpoint), |(body, media, endpoint)| {
            let reply = server.post(
                &format!("/api/v1/procedures/lincolnshire/{endpoint}"),
                media,
                &body,
            );
            prop_assert!(reply.status < 500, "{} {}", reply.status, reply.body);
            if reply.status != 200 {
                prop_assert_eq!(
                    reply.header("content-type"),
                    Some("application/problem+json")
                );
            }
            Ok(())
        })
        .unwrap();
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

/// `--procedures DIR` serves that folder's modules too; one that does not check is
/// reported and left out, and the others are still served.
#[test]
fn procedures_from_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    // The test library's small module, with a calendar to count working days in.
    let base = std::fs::read_to_string(root().join("tests/check/lib/base.policy"))
        .unwrap()
        .replace(
            "  version 2018-07-04\n",
            "  version 2018-07-04\n  calendar england_and_wales\n",
        );
    std::fs::write(dir.path().join("base.policy"), base).unwrap();
    std::fs::write(
        dir.path().join("broken.policy"),
        "guidance broken \"A module with an error\"\n  version 2024-01-01\n\nrule r: no_such_fact\n",
    )
    .unwrap();
    let folder = dir.path().display().to_string();
    let server = Server::start(&["--procedures", &folder]);
    let ids = ids(&server);
    assert!(ids.contains(&"base".to_string()), "{ids:?}");
    assert!(ids.contains(&"lincolnshire".to_string()), "{ids:?}");
    assert!(!ids.contains(&"broken".to_string()), "{ids:?}");
    assert!(
        server.log().contains("not serving `broken`"),
        "{}",
        server.log()
    );
    let reply = server.post(
        "/api/v1/procedures/base/eval?as_of=2024-03-08",
        "application/json",
        r#"{"child_died": true, "abuse_or_neglect": "known", "la_aware_on": "2024-03-04"}"#,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["duties"][0]["due"], "2024-03-11");
}
