//! The HTML decision report (`cspr report`) and the procedure graph (`cspr graph`):
//! golden pages per shipped procedure, escaping of everything a case or policy says,
//! batches, and the page rendered in a real browser (headless Chromium) to PNG and PDF.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cspr::check::Name;
use cspr::report::graph::{Graph, NodeKind};
use cspr::report::{Report, html};

use crate::common::{cspr, eval, program, program_file, root};

fn as_of() -> chrono::NaiveDate {
    cspr::case::parse_date("2024-04-10").unwrap()
}

/// The page for a shipped example case under a shipped procedure.
fn page(policy: &str, case: &str) -> String {
    let p = program_file(policy);
    let text = std::fs::read_to_string(root().join(case)).unwrap();
    let e = eval(&p, &text);
    html::render(&Report::new(&p, &e, as_of()))
}

/// One representative case per procedure; the whole page is snapshotted.
#[test]
fn golden_pages() {
    for (name, policy, case) in [
        (
            "working_together_2018",
            "policies/working-together-2018.policy",
            "policies/examples/death-in-area.json",
        ),
        (
            "lincolnshire",
            "policies/lincolnshire.policy",
            "policies/examples/lincolnshire-rapid-review.json",
        ),
        (
            "buckinghamshire",
            "policies/buckinghamshire.policy",
            "policies/examples/buckinghamshire-custody-death.json",
        ),
        (
            "walsall",
            "policies/walsall.policy",
            "policies/examples/walsall-incomplete.json",
        ),
    ] {
        insta::assert_snapshot!(format!("report_{name}"), page(policy, case));
    }
    // The brief a panel's pack takes (`cspr report`'s default).
    let p = program_file("policies/lincolnshire.policy");
    let text =
        std::fs::read_to_string(root().join("policies/examples/lincolnshire-rapid-review.json"))
            .unwrap();
    let e = eval(&p, &text);
    insta::assert_snapshot!(
        "report_lincolnshire_brief",
        html::render_with(&Report::new(&p, &e, as_of()), html::Layout::Brief)
    );
}

const HOSTILE: &str = r#"
guidance hostile "Procedure <b>bold</b> & \"quoted\""
  version 2024-01-01
  calendar england_and_wales
source H = "Source <i>"
actor chair "Chair <b>of</b> & \"the\" panel"
fact notes: text ask "What <script>alert('ask')</script> happened?"
fact serious: bool ask "Serious & <urgent>?"
fact start: date ask "Start?"
rule flagged cite H "para <1>":
  serious and notes = "<script>alert('rule')</script>"
decision route cite H "<route>":
  escalate when flagged cite H "p&2"
  otherwise wait cite H "p3"
duty act cite H "<em>4</em>":
  chair must "do <img src=x onerror=alert('duty')> now"
  when serious
  within 2 working days after start
"#;

/// A case id, a text fact and policy text holding markup come out as text, never as
/// elements or attributes.
#[test]
fn everything_from_a_case_or_policy_is_escaped() {
    let p = program(HOSTILE);
    for case in [
        r#"{"case_id": "<script>alert('id')</script>", "notes": "<script>alert('fact')</script>", "serious": true, "start": "2024-04-08"}"#,
        r#"{"case_id": "\"><svg onload=alert(1)>", "notes": "x' onmouseover='alert(2)"}"#,
    ] {
        let e = eval(&p, case);
        let html = html::render(&Report::new(&p, &e, as_of()));
        // The page's own script is the only one: the one that opens <details> for printing.
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert!(html.contains("addEventListener('beforeprint'"));
        for bad in [
            "<script>alert",
            "<img",
            "<svg onload",
            "<b>bold",
            "<em>4",
            "<urgent>",
            "<route>",
            "<i>",
            "' onmouseover='",
        ] {
            assert!(!html.contains(bad), "`{bad}` reached the page unescaped");
        }
    }
    let e = eval(
        &p,
        r#"{"case_id": "<script>alert('id')</script>", "notes": "<script>alert('rule')</script>", "serious": true, "start": "2024-04-08"}"#,
    );
    let html = html::render(&Report::new(&p, &e, as_of()));
    for shown in [
        "&lt;script&gt;alert(&#39;id&#39;)&lt;/script&gt;",
        "&lt;script&gt;alert(&#39;rule&#39;)&lt;/script&gt;",
        "do &lt;img src=x onerror=alert(&#39;duty&#39;)&gt; now",
        "Procedure &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;",
        "para &lt;1&gt;",
        "What &lt;script&gt;alert(&#39;ask&#39;)&lt;/script&gt; happened?",
    ] {
        assert!(html.contains(shown), "`{shown}` is not shown as text");
    }
    // The graph escapes too, in every format.
    let g = Graph::of(&p, None);
    assert!(!g.svg().contains("<em>"));
    assert!(g.svg().contains("[H &lt;em&gt;4&lt;/em&gt;]"));
    assert!(!g.mermaid().contains("<em>"));
    assert!(
        g.dot()
            .contains(r#"label="act: chair must\n[H <em>4</em>]""#)
    );
}

#[test]
fn the_page_is_self_contained() {
    let html = page(
        "policies/lincolnshire.policy",
        "policies/examples/lincolnshire-rapid-review.json",
    );
    for external in [
        "http://", "https://", "<link", "src=", "@import", "url(http",
    ] {
        let hits: Vec<&str> = html
            .match_indices(external)
            .map(|(i, _)| &html[i.saturating_sub(40)..(i + 60).min(html.len())])
            .filter(|ctx| !ctx.contains("xmlns=\"http://www.w3.org/2000/svg\""))
            .collect();
        assert!(hits.is_empty(), "`{external}` in the page: {hits:?}");
    }
    // The Rapid Review chart: the Easter bank holidays are shaded and named, the as-of
    // day is marked, bars carry their status.
    assert!(html.contains("Good Friday (bank holiday)"));
    assert!(html.contains("Easter Monday (bank holiday)"));
    assert!(html.contains("class=\"as-of\""));
    assert!(html.contains("class=\"bar met_late\""));
    assert!(html.contains("class=\"bar pending\""));
    // Appendix C's days: the working days after the notification (27 March) are numbered.
    assert!(html.contains("working days after 27 Mar"));
    assert!(html.contains("fill=\"#00838f\">15</text>"));
    assert!(html.contains("@media print"));
    assert!(html.contains("size: A4"));
}

#[test]
fn graph_of_one_outcome_is_what_it_depends_on() {
    let p = program_file("policies/buckinghamshire.policy");
    let Some(n @ Name::Rule(_)) = p.lookup("lcspr_required") else {
        panic!()
    };
    let g = Graph::of(&p, Some(n));
    let has = |id: &str| g.nodes.iter().any(|n| n.id == id);
    assert!(has("r_lcspr_required"));
    assert!(has("f_child_died"));
    assert!(
        has("x_lcspr_required_1"),
        "exceptions are nodes of their own"
    );
    assert!(!has("d_notify_decision"), "nothing that depends on it");
    assert!(
        g.nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Exception)
            .all(|n| n.cite.is_some()),
        "every exception is cited"
    );
    let whole = Graph::of(&p, None);
    assert!(whole.nodes.len() > g.nodes.len());
    // The same graph gives the same bytes.
    assert_eq!(g.svg(), Graph::of(&p, Some(n)).svg());
}

pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_batch_writes_one_page_per_case_and_an_index() {
    let dir = scratch("report-batch");
    let out = dir.join("pages");
    let (code, _, stderr) = cspr(&[
        "report",
        "working_together_2018",
        "policies/examples/batch.jsonl",
        "--as-of",
        "2024-04-10",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let lines = std::fs::read_to_string(root().join("policies/examples/batch.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count();
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert_eq!(pages.len(), lines + 1, "{pages:?}");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    for p in pages.iter().filter(|p| *p != "index.html") {
        assert!(index.contains(&format!("href=\"{p}\"")), "{p} not linked");
        let html = std::fs::read_to_string(out.join(p)).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
    }
    // A batch needs a directory.
    let (code, _, stderr) = cspr(&[
        "report",
        "working_together_2018",
        "policies/examples/batch.jsonl",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("-o DIRECTORY"), "{stderr}");
}

/// A headless browser on this machine: `CSPR_CHROMIUM`, or the usual names on PATH.
pub(crate) fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CSPR_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome", "chrome"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Run the browser on `page` with `flag`, waiting at most two minutes; returns the
/// messages the page logged to its console (`CONSOLE` lines of the browser's log).
pub(crate) fn headless(browser: &Path, page: &Path, flag: &str) -> Vec<String> {
    let log_path = page.with_extension("log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-pdf-header-footer",
            "--window-size=1200,1800",
            "--enable-logging=stderr",
            "--v=0",
            flag,
        ])
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{} {flag} failed", browser.display());
            return std::fs::read_to_string(&log_path)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains(":CONSOLE"))
                .map(str::to_string)
                .collect();
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{} {flag} took over two minutes", browser.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The Lincolnshire Rapid Review report, rendered by headless Chromium to PNG and to an
/// A4 PDF. Skipped, saying so, where no browser is installed (CI installs one).
#[test]
fn a_real_browser_renders_and_prints_the_report() {
    let Some(browser) = browser() else {
        eprintln!(
            "SKIPPED a_real_browser_renders_and_prints_the_report: no headless browser found \
             (install Debian's `chromium`, or set CSPR_CHROMIUM to a Chrome or Chromium binary)"
        );
        return;
    };
    let dir = scratch("report-browser");
    let page_path = dir.join("lincolnshire.html");
    std::fs::write(
        &page_path,
        page(
            "policies/lincolnshire.policy",
            "policies/examples/lincolnshire-rapid-review.json",
        ),
    )
    .unwrap();
    let png = dir.join("lincolnshire.png");
    let pdf = dir.join("lincolnshire.pdf");
    headless(
        &browser,
        &page_path,
        &format!("--screenshot={}", png.display()),
    );
    headless(
        &browser,
        &page_path,
        &format!("--print-to-pdf={}", pdf.display()),
    );
    let png_bytes = std::fs::read(&png).unwrap();
    assert!(png_bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // Width and height from the IHDR chunk: the window asked for.
    let width = u32::from_be_bytes(png_bytes[16..20].try_into().unwrap());
    assert_eq!(width, 1200);
    assert!(png_bytes.len() > 50_000, "a nearly empty screenshot");
    let pdf_bytes = std::fs::read(&pdf).unwrap();
    assert!(pdf_bytes.starts_with(b"%PDF-"), "not a PDF");
    let text = String::from_utf8_lossy(&pdf_bytes);
    assert!(
        text.contains("/MediaBox [0 0 594.95996 841.91998]") || text.contains("/MediaBox [0 0 595"),
        "pages are not A4"
    );
    // Where poppler's pdftotext is installed, check that the explanations, which are
    // collapsed on screen, are all in the printed copy.
    match Command::new("pdftotext").arg(&pdf).arg("-").output() {
        Ok(out) if out.status.success() => {
            let printed = String::from_utf8_lossy(&out.stdout);
            for expected in [
                "Why: the explanation of each outcome",
                "abuse_or_neglect = suspected given",
                "Duties that do not apply to this case",
                "Map of pathway",
            ] {
                assert!(printed.contains(expected), "`{expected}` lost in print");
            }
        }
        _ => eprintln!("pdftotext not installed: the printed text was not checked"),
    }
}

/// The brief report (`cspr report`'s default) holds what a panel's pack needs; the full
/// one (`--full`) loses nothing: every duty, outcome, fact given and open question, and an
/// explanation of each.
#[test]
fn the_brief_report_and_the_full_one() {
    let p = program_file("policies/lincolnshire.policy");
    let text =
        std::fs::read_to_string(root().join("policies/examples/lincolnshire-incomplete.json"))
            .unwrap();
    let e = eval(&p, &text);
    let report = Report::new(&p, &e, as_of());
    let brief = html::render_with(&report, html::Layout::Brief);
    let full = html::render_with(&report, html::Layout::Full);
    assert_eq!(full, html::render(&report), "render is the full report");
    for section in ["id=\"summary\"", "id=\"next\"", "id=\"timeline\""] {
        assert!(
            brief.contains(section) && full.contains(section),
            "{section}"
        );
    }
    for section in [
        "id=\"duties\"",
        "id=\"outcomes\"",
        "id=\"explanations\"",
        "id=\"facts\"",
        "id=\"map\"",
    ] {
        assert!(
            !brief.contains(section),
            "{section} is in the appendix only"
        );
        assert!(
            full.contains(section),
            "{section} lost from the full report"
        );
    }
    // Every duty, by its label, with its code name on hover.
    for d in &report.duties {
        assert!(
            full.contains(&format!(
                "<span class=\"label\" title=\"{}\">{}</span>",
                html::escape(d.name),
                html::escape(&d.label)
            )),
            "{}",
            d.name
        );
    }
    for o in &report.outcomes {
        assert!(full.contains(o.name), "{}", o.name);
    }
    // Every open question in full; in the brief, only those that change a decision or a
    // due date, and fewer of them.
    let asked = |page: &str| {
        report
            .questions
            .iter()
            .filter(|q| page.contains(&format!("<code>{}</code>", q.name)))
            .count()
    };
    assert_eq!(asked(&full), report.questions.len());
    assert!(asked(&brief) > 0, "this case has questions that matter");
    assert!(
        asked(&brief) < report.questions.len(),
        "the brief keeps only those that matter"
    );
}

/// Every due date in the report says what it counts from — the anchor's own provenance
/// when it is another duty's due date — and a due date on a weekend or bank holiday is
/// marked: in the duty table, the next-deadline line and the chart's tooltips.
#[test]
fn every_due_date_says_what_it_counts_from() {
    let p = program_file("tests/cli/data/counted-from.policy");
    let text = std::fs::read_to_string(root().join("tests/cli/data/counted-from.json")).unwrap();
    let e = eval(&p, &text);
    let as_of = cspr::case::parse_date("2026-04-20").unwrap();
    let html = html::render(&Report::new(&p, &e, as_of));
    let lines: Vec<&str> = html
        .lines()
        .filter(|l| l.contains("class=\"counted\"") || l.contains("<title>") && l.contains(" = "))
        .collect();
    insta::assert_snapshot!("report_counted_from", lines.join("\n"));
}

/// The pages of a PDF Chromium wrote: its `/Type /Page` objects (not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && !w[needle.len()].is_ascii_alphanumeric())
        .count()
}

/// A Lincolnshire Rapid Review case prints, as the brief report, in at most six A4 pages
/// (the issue 23 target: the full report printed to 49); the full report prints more.
/// Measured in headless Chromium; skipped, saying so, where no browser is installed.
#[test]
fn the_brief_report_prints_in_at_most_six_a4_pages() {
    let Some(browser) = browser() else {
        eprintln!(
            "SKIPPED the_brief_report_prints_in_at_most_six_a4_pages: no headless browser found \
             (install Debian's `chromium`, or set CSPR_CHROMIUM to a Chrome or Chromium binary)"
        );
        return;
    };
    let p = program_file("policies/lincolnshire.policy");
    let text =
        std::fs::read_to_string(root().join("policies/examples/lincolnshire-rapid-review.json"))
            .unwrap();
    let e = eval(&p, &text);
    let report = Report::new(&p, &e, as_of());
    let dir = scratch("report-pages");
    let mut pages = Vec::new();
    for (name, layout) in [("brief", html::Layout::Brief), ("full", html::Layout::Full)] {
        let page_path = dir.join(format!("{name}.html"));
        std::fs::write(&page_path, html::render_with(&report, layout)).unwrap();
        let pdf = dir.join(format!("{name}.pdf"));
        headless(
            &browser,
            &page_path,
            &format!("--print-to-pdf={}", pdf.display()),
        );
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
        pages.push(pdf_pages(&bytes));
    }
    let (brief, full) = (pages[0], pages[1]);
    assert!(brief >= 1, "no page counted");
    assert!(
        brief <= 6,
        "the brief report prints in {brief} A4 pages, over 6"
    );
    assert!(
        full > brief,
        "the full report ({full} pages) holds the appendix"
    );
}

/// The x of each node of an SVG graph drawn by cspr, by kind: `(kind, x)`.
fn node_xs(svg: &str) -> Vec<(String, f64)> {
    svg.split("<g class=\"")
        .skip(1)
        .filter_map(|part| {
            let kind = part.split('"').next()?.to_string();
            let x = part
                .split("<rect x=\"")
                .nth(1)?
                .split('"')
                .next()?
                .parse()
                .ok()?;
            Some((kind, x))
        })
        .collect()
}

/// The whole procedure is laid out by stage: every fact left of every rule, exception and
/// decision, and those left of every duty; each stage is a band (SVG), a cluster (DOT) or a
/// subgraph (Mermaid). What one outcome depends on keeps its compact layout.
#[test]
fn the_whole_procedure_is_laid_out_by_stage() {
    let p = program_file("policies/lincolnshire.policy");
    let g = Graph::of(&p, None);
    assert!(g.staged);
    let svg = g.svg();
    let xs = node_xs(&svg);
    let max = |k: &[&str]| {
        xs.iter()
            .filter(|(kind, _)| k.contains(&kind.as_str()))
            .map(|(_, x)| *x)
            .fold(f64::MIN, f64::max)
    };
    let min = |k: &[&str]| {
        xs.iter()
            .filter(|(kind, _)| k.contains(&kind.as_str()))
            .map(|(_, x)| *x)
            .fold(f64::MAX, f64::min)
    };
    let middle = ["rule", "exception", "decision"];
    assert!(max(&["fact"]) < min(&middle), "facts first");
    assert!(max(&middle) < min(&["duty"]), "duties last");
    for band in ["Facts", "Rules and decisions", "Duties"] {
        assert!(svg.contains(&format!(">{band}</text>")), "{band}");
    }
    // Not a strip: the facts wrap into columns, so it is wider than it is tall.
    let view = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
    let mut wh = view.split('"').next().unwrap().split(' ');
    let (w, h): (f64, f64) = (
        wh.next().unwrap().parse().unwrap(),
        wh.next().unwrap().parse().unwrap(),
    );
    assert!(w > h, "{w}×{h}");
    let dot = g.dot();
    for cluster in [
        "cluster_facts",
        "cluster_rules",
        "cluster_decisions",
        "cluster_duties",
    ] {
        assert!(dot.contains(&format!("subgraph {cluster} ")), "{cluster}");
    }
    assert!(dot.contains("rank=source; f_") && dot.contains("rank=sink; d_"));
    let mermaid = g.mermaid();
    assert!(mermaid.contains("subgraph stage_facts [\"Facts\"]"));
    assert!(mermaid.contains("subgraph stage_duties [\"Duties\"]"));
    // One outcome's graph: no stages.
    let Some(n) = p.lookup("pathway") else {
        panic!()
    };
    let cone = Graph::of(&p, Some(n));
    assert!(
        !cone.staged && !cone.dot().contains("cluster_") && !cone.svg().contains("class=\"stage\"")
    );
}

/// `cspr graph` of a large whole procedure suggests drawing one outcome, on stderr; a
/// small one or one outcome's graph gets no hint.
#[test]
fn a_large_graph_suggests_one_outcome() {
    let (code, stdout, stderr) = cspr(&["graph", "lincolnshire", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("digraph procedure {"));
    assert!(stderr.contains("cspr::large_graph"), "{stderr}");
    assert!(
        stderr.contains("cspr graph lincolnshire pathway"),
        "{stderr}"
    );
    let (code, _, stderr) = cspr(&["graph", "lincolnshire", "pathway", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(stderr.is_empty(), "{stderr}");
    let (_, _, stderr) = cspr(&["graph", "tests/cli/data/counted-from.policy"]);
    assert!(stderr.is_empty(), "a small procedure: {stderr}");
}
