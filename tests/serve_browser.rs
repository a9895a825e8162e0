//! The browser interview (`cspr serve`) in real headless Chromium, driven over WebDriver
//! (Debian's `chromedriver`) by fantoccini, against a `cspr serve --addr 127.0.0.1:0`
//! each test starts: a Lincolnshire Rapid Review completed by clicking, its duties and due
//! dates checked against `cspr eval`, an explanation opened, a what-if run and the report
//! downloaded; and markup sent through every field of the pages, none of it run or shown
//! as markup. Skipped, saying so, where chromedriver or Chromium is not installed
//! (`.ci/run` installs both). `CSPR_SCREENSHOT=PATH` also saves a screenshot of the
//! interview (the one in the README, `docs/serve-interview.png`).

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Map, Value as Json, json};

/// The day deadlines are judged on, so statuses do not move with the calendar.
const AS_OF: &str = "2024-04-10";
const EXAMPLE: &str = "policies/examples/lincolnshire-rapid-review.json";

/// A child process ended when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A program on PATH (or the path in `var`).
fn find(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|c| c.is_file())
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `cspr serve` on an ephemeral loopback port, and its address (`http://127.0.0.1:PORT`).
fn serve() -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        // Read to the end, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        if let Some(at) = line.find("http://") {
            let url = line[at..].split_whitespace().next().unwrap();
            return (running, url.trim_end_matches('/').to_string());
        }
    }
    panic!("cspr serve did not say where it listens");
}

/// chromedriver on a free loopback port, and its address.
fn chromedriver(driver: &Path) -> (Running, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = Running(child);
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (running, format!("http://127.0.0.1:{port}"))
}

/// Everything a browser test needs: the server, the driver, a session, a download folder.
struct Browser {
    client: Client,
    base: String,
    downloads: PathBuf,
    _server: Running,
    _driver: Running,
    runtime: tokio::runtime::Runtime,
}

impl Browser {
    /// `None`, having said why, where chromedriver or Chromium is missing.
    fn start(test: &str) -> Option<Browser> {
        let (Some(driver), Some(chromium)) = (
            find("CSPR_CHROMEDRIVER", &["chromedriver"]),
            find(
                "CSPR_CHROMIUM",
                &["chromium", "chromium-browser", "google-chrome", "chrome"],
            ),
        ) else {
            eprintln!(
                "SKIPPED {test}: no chromedriver or Chromium found (install Debian's \
                 `chromium` and `chromium-driver`, or set CSPR_CHROMEDRIVER and CSPR_CHROMIUM)"
            );
            return None;
        };
        let dir = scratch(test);
        let downloads = dir.join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let (server, base) = serve();
        let (driver_process, driver_url) = chromedriver(&driver);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // The flags the machine's closed network needs: nothing fetched in the background.
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1280,1500",
                    format!("--user-data-dir={}", dir.join("profile").display()),
                ],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                },
            },
        });
        let Json::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = runtime
            .block_on(
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(capabilities)
                    .connect(&driver_url),
            )
            .unwrap();
        Some(Browser {
            client,
            base,
            downloads,
            _server: server,
            _driver: driver_process,
            runtime,
        })
    }

    fn run<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(f)
    }
}

/// The browser session ends with the test, passed or failed (so no Chromium is left
/// running), then chromedriver and the server are stopped.
impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.runtime.block_on(self.client.clone().close());
    }
}

/// Click something that submits a form, and wait for the next page to load.
async fn submit(c: &Client, e: &Element) {
    c.execute("window.__cspr_old_page = true;", vec![])
        .await
        .unwrap();
    e.click().await.unwrap();
    let start = Instant::now();
    loop {
        let done = c
            .execute(
                "return window.__cspr_old_page === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .unwrap_or(Json::Bool(false));
        if done == Json::Bool(true) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the page did not load"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn css(c: &Client, selector: &str) -> Element {
    match c.find(Locator::Css(selector)).await {
        Ok(e) => e,
        Err(e) => {
            let url = c.current_url().await.map(|u| u.to_string());
            let page = c.source().await.unwrap_or_default();
            let end = page.char_indices().nth(3000).map_or(page.len(), |(i, _)| i);
            panic!(
                "no `{selector}` on the page ({url:?}): {e}\n{}",
                &page[..end]
            )
        }
    }
}

async fn text(c: &Client, selector: &str) -> String {
    css(c, selector).await.text().await.unwrap()
}

/// Set an input's value as a script does (date inputs take no typing in a fixed format).
async fn set_value(c: &Client, e: &Element, value: &str) {
    let arg = serde_json::to_value(e).unwrap();
    c.execute(
        "arguments[0].value = arguments[1];",
        vec![arg, Json::String(value.into())],
    )
    .await
    .unwrap();
}

/// The case the page carries (the hidden field every form posts back).
async fn carried_case(c: &Client) -> Map<String, Json> {
    let text = css(c, "input[name=case]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A file the browser downloaded into `dir`, once it is complete.
fn downloaded(dir: &Path, ext: &str) -> PathBuf {
    let start = Instant::now();
    loop {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == ext));
        if let Some(p) = found {
            return p;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no .{ext} file was downloaded"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn cspr(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cspr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Start an interview of `procedure` and judge it as of [`AS_OF`].
async fn start_interview(c: &Client, base: &str, procedure: &str) {
    c.goto(base).await.unwrap();
    let radio = css(
        c,
        &format!("form.start input[name=procedure][value={procedure}]"),
    )
    .await;
    radio.click().await.unwrap();
    submit(c, &css(c, "form.start button[type=submit]").await).await;
    let day = css(c, "form.as-of input[type=date]").await;
    set_value(c, &day, AS_OF).await;
    submit(c, &css(c, "form.as-of button").await).await;
}

/// The Lincolnshire Rapid Review example, answered question by question by clicking: each
/// question is one the interview asks (only what can still change something), answered
/// from the example (skipped where the example does not say).
#[test]
fn a_rapid_review_interview_completed_by_clicking_agrees_with_cspr_eval() {
    let Some(b) = Browser::start("serve-browser-interview") else {
        return;
    };
    let example: Map<String, Json> =
        serde_json::from_str(&std::fs::read_to_string(EXAMPLE).unwrap()).unwrap();
    let c = &b.client;
    let asked = b.run(async {
        start_interview(c, &b.base, "lincolnshire").await;
        assert!(text(c, "header").await.contains("Lincolnshire"));
        let mut asked: Vec<String> = Vec::new();
        for _ in 0..200 {
            let Ok(form) = c.find(Locator::Css("form.question.next")).await else {
                break;
            };
            let fact = form
                .find(Locator::Css("input[name=fact]"))
                .await
                .unwrap()
                .attr("value")
                .await
                .unwrap()
                .unwrap();
            assert!(!asked.contains(&fact), "`{fact}` was asked twice");
            asked.push(fact.clone());
            let button = match example.get(&fact) {
                None => form.find(Locator::Css("button.skip")).await.unwrap(),
                Some(Json::Bool(yes)) => form
                    .find(Locator::Css(&format!("button[name=value][value={yes}]")))
                    .await
                    .unwrap(),
                Some(Json::String(v)) => {
                    match form
                        .find(Locator::Css(&format!("input[type=radio][value={v}]")))
                        .await
                    {
                        Ok(radio) => radio.click().await.unwrap(),
                        Err(_) => {
                            let input = form.find(Locator::Css("input[name=value]")).await.unwrap();
                            set_value(c, &input, v).await;
                        }
                    }
                    form.find(Locator::Css("button.answer")).await.unwrap()
                }
                Some(other) => panic!("`{fact}`: no way to answer {other}"),
            };
            submit(c, &button).await;
            if example.contains_key(&fact) {
                let said = text(c, "#changed h2").await;
                assert!(said.contains(&fact), "{said}");
            }
            if asked.len() == 8
                && let Some(path) = std::env::var_os("CSPR_SCREENSHOT")
            {
                std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
            }
        }
        asked
    });
    assert!(
        asked.len() >= 10,
        "a Rapid Review takes more than {} questions: {asked:?}",
        asked.len()
    );
    assert!(
        asked.len() < example.len(),
        "the interview asked all {} facts of the example, not only those that matter",
        asked.len()
    );

    // Every answer is in the case the page carries; nothing else is.
    let case = b.run(carried_case(c));
    for (k, v) in &case {
        assert_eq!(example.get(k), Some(v), "`{k}` in the carried case");
        assert!(asked.contains(k), "`{k}` was never asked");
    }
    let dir = b.downloads.parent().unwrap().to_path_buf();
    let case_path = dir.join("answered.json");
    std::fs::write(&case_path, serde_json::to_string(&case).unwrap()).unwrap();
    let case_arg = case_path.to_str().unwrap();

    // The duties and due dates shown are those `cspr eval` gives for the same case, and
    // for the whole example: the questions not asked change none of them.
    let shown: Vec<(String, String, Option<String>)> = b.run(async {
        let mut rows = Vec::new();
        for row in c.find_all(Locator::Css("tr[id^=duty-]")).await.unwrap() {
            let id = row.attr("id").await.unwrap().unwrap();
            let applies = row.attr("data-applies").await.unwrap().unwrap();
            let due = match row.find(Locator::Css("td.due time")).await {
                Ok(t) => Some(t.text().await.unwrap()),
                Err(_) => None,
            };
            rows.push((id["duty-".len()..].to_string(), applies, due));
        }
        rows
    });
    for case_file in [case_arg, EXAMPLE] {
        let eval: Json = serde_json::from_str(&cspr(&[
            "eval",
            "lincolnshire",
            case_file,
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ]))
        .unwrap();
        let duties = eval["duties"].as_array().unwrap();
        assert_eq!(shown.len(), duties.len());
        for d in duties {
            let name = d["name"].as_str().unwrap();
            let row = shown
                .iter()
                .find(|r| r.0 == name)
                .unwrap_or_else(|| panic!("duty `{name}` is not on the page"));
            let applies = match &d["applies"] {
                Json::Bool(true) => "true",
                Json::Bool(false) => "false",
                _ => "unknown",
            };
            assert_eq!(row.1, applies, "`{name}` applies, against {case_file}");
            if applies != "false" {
                assert_eq!(
                    row.2.as_deref(),
                    d["due"].as_str(),
                    "`{name}`'s due date, against {case_file}"
                );
            }
        }
        assert_eq!(eval["outcomes"]["pathway"]["value"], "rapid_review");
    }
    b.run(async {
        let decisions = text(c, "#decisions").await;
        assert!(decisions.contains("Pathway: rapid review"), "{decisions}");
        // A due date says what it counts from.
        let due = text(c, "#duty-complete_rapid_review td.due").await;
        assert!(
            due.contains("15 working days after panel_notified_on"),
            "{due}"
        );
        assert!(
            c.find(Locator::Css("#timeline figure.chart svg"))
                .await
                .is_ok()
        );

        // Why: the pathway's cited explanation.
        submit(c, &css(c, "#decisions button.why[value=pathway]").await).await;
        let why = text(c, "#why").await;
        assert!(why.contains("pathway"), "{why}");
        assert!(
            c.find(Locator::Css("#why details.why cite")).await.is_ok(),
            "the explanation cites its source"
        );

        // What if the child had not been seriously harmed: the pathway would change, the
        // case does not.
        let before = carried_case(c).await;
        css(c, "form.what-if select")
            .await
            .select_by_value("child_seriously_harmed")
            .await
            .unwrap();
        css(c, "form.what-if input[name=what_value]")
            .await
            .send_keys("no")
            .await
            .unwrap();
        submit(c, &css(c, "form.what-if button").await).await;
        let what_if = text(c, "#what-if").await;
        assert!(what_if.contains("the case is unchanged"), "{what_if}");
        // The changed decision, by its label (its code name on hover).
        assert!(what_if.contains("Pathway"), "{what_if}");
        assert_eq!(carried_case(c).await, before);

        // The decision report downloaded is `cspr report`'s for the same case.
        css(c, "form.downloads button[value=brief]")
            .await
            .click()
            .await
            .unwrap();
    });
    let report = std::fs::read_to_string(downloaded(&b.downloads, "html")).unwrap();
    assert_eq!(
        report,
        cspr(&["report", "lincolnshire", case_arg, "--as-of", AS_OF])
    );
}

/// Markup where a value goes: in a case file's id and keys, and through every field of
/// the interview's forms. None of it runs, and none of it becomes an element.
#[test]
fn markup_in_any_field_is_shown_as_text_and_never_runs() {
    let Some(b) = Browser::start("serve-browser-injection") else {
        return;
    };
    const PAYLOAD: &str =
        "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script><b>bold</b>\"'&";
    let dir = b.downloads.parent().unwrap().to_path_buf();
    let named_case = dir.join("named.json");
    std::fs::write(
        &named_case,
        serde_json::to_string(&json!({ "case_id": PAYLOAD, "child_died": true })).unwrap(),
    )
    .unwrap();
    let bad_key = dir.join("bad-key.json");
    std::fs::write(
        &bad_key,
        serde_json::to_string(&json!({ PAYLOAD: true })).unwrap(),
    )
    .unwrap();
    // A key only another procedure declares is passed over, and the page says so.
    let other = dir.join("other.json");
    std::fs::write(&other, r#"{"referrer_is_staff": true, "child_died": true}"#).unwrap();
    let c = &b.client;
    // Nothing injected: no script ran, the page's only script is its own, no element came
    // from the payload.
    async fn clean(c: &Client, after: &str) {
        let found = c
            .execute(
                "return [window.pwned === undefined, document.scripts.length, \
                 document.querySelectorAll('img, b, [onerror]').length];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(found, json!([true, 1, 0]), "after {after}");
    }
    b.run(async {
        for (file, shows, says) in [
            (&named_case, "header", "<img src=x onerror=\"window.pwned=1\">"),
            (&bad_key, ".problems", "<img src=x onerror=\"window.pwned=1\">"),
            (&other, ".notes", "not used by lincolnshire (facts of walsall): referrer_is_staff"),
        ] {
            c.goto(&b.base).await.unwrap();
            css(c, "form.upload input[value=lincolnshire]")
                .await
                .click()
                .await
                .unwrap();
            css(c, "form.upload input[type=file]")
                .await
                .send_keys(file.to_str().unwrap())
                .await
                .unwrap();
            submit(c, &css(c, "form.upload button[value=interview]").await).await;
            clean(c, &format!("uploading {}", file.display())).await;
            let shown = text(c, shows).await;
            assert!(shown.contains(says), "{shows}: {shown}");
        }

        // Every field of every form, one at a time.
        start_interview(c, &b.base, "lincolnshire").await;
        let fields: Vec<(String, String)> = {
            let found = c
                .execute(
                    "const seen = new Set(); \
                     return Array.from(document.querySelectorAll('form')).flatMap((f, i) => \
                     Array.from(f.elements).filter(e => e.name).map(e => [String(i), e.name, \
                     f.className + ' ' + e.name])).filter(([, , k]) => !seen.has(k) && seen.add(k)) \
                     .map(([i, n]) => [i, n]);",
                    vec![],
                )
                .await
                .unwrap();
            serde_json::from_value(found).unwrap()
        };
        // Each field of each kind of form (a question, the results' why buttons, the
        // answers, the what-if, the as-of day), once.
        assert!(fields.len() > 20, "{fields:?}");
        let mut tried = 0;
        for (form, name) in &fields {
            start_interview(c, &b.base, "lincolnshire").await;
            // Turn the field into a text box holding the payload, and send its form.
            let sent = c
                .execute(
                    "const f = document.querySelectorAll('form')[Number(arguments[0])]; \
                     if (!f || f.enctype === 'multipart/form-data' || f.action.includes('/download/')) return false; \
                     const old = Array.from(f.elements).filter(e => e.name === arguments[1]); \
                     old.forEach(e => e.remove()); \
                     const i = document.createElement('input'); \
                     i.type = 'hidden'; i.name = arguments[1]; i.value = arguments[2]; \
                     f.appendChild(i); window.__cspr_old_page = true; f.submit(); return true;",
                    vec![
                        Json::String(form.clone()),
                        Json::String(name.clone()),
                        Json::String(PAYLOAD.into()),
                    ],
                )
                .await
                .unwrap();
            if sent != Json::Bool(true) {
                continue;
            }
            let start = Instant::now();
            while c
                .execute(
                    "return window.__cspr_old_page === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await
                .unwrap_or(Json::Bool(false))
                != Json::Bool(true)
            {
                assert!(start.elapsed() < Duration::from_secs(30));
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            clean(c, &format!("`{name}` of form {form}")).await;
            tried += 1;
        }
        assert!(tried > 20, "only {tried} fields tried");
    });
}
