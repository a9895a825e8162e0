//! The load benchmark of `cspr serve` (issue 24): `POST /api/v1/procedures/
//! working_together_2018/eval` of the national module's examples at 64 concurrent
//! connections, against the floor `cspr eval working_together_2018 cases.jsonl --jobs 2`
//! over the same cases, in the same run. Prints throughput, latency (p50, p99, max) and the
//! server's peak memory, as a Markdown table (docs/performance.md, docs/serve.md).
//!
//! `cargo bench --bench serve` (release build; about half a minute). Options after `--`:
//! `--requests N` (default 40,000), `--connections N` (default 64), `--rounds N` (default 3:
//! CLI and server measured turn about, each round reported).
//!
//! The load generator runs on the same machine as the server (one thread per connection,
//! HTTP/1.1 keep-alive, requests written by hand and answers read by `Content-Length`), so
//! on 2 cores it takes CPU the server would otherwise have: the figures are a floor.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros,
    reason = "a benchmark runs processes, reads files and prints its figures"
)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const AS_OF: &str = "2024-04-10";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let requests = option("--requests", 40_000);
    let connections = option("--connections", 64);
    let rounds = option("--rounds", 3);
    let cases = national_cases();
    let dir = std::env::temp_dir().join(format!("cspr-bench-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let batch = dir.join("cases.jsonl");
    let mut text = String::new();
    for i in 0..requests {
        text.push_str(&cases[i % cases.len()]);
        text.push('\n');
    }
    std::fs::write(&batch, &text).unwrap();

    println!(
        "{} cases ({} distinct: the national module's examples), {connections} connections, load average {}",
        requests,
        cases.len(),
        load_average()
    );
    println!();
    println!(
        "| round | `cspr eval --jobs 2` cases/s | `cspr serve` requests/s | ratio | p50 | p99 | max | server peak RSS |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for round in 1..=rounds {
        let cli = cli_rate(&batch, requests);
        let served = serve_run(&cases, requests, connections);
        println!(
            "| {round} | {cli:.0} | {:.0} | {:.2} | {} | {} | {} | {:.1} MiB |",
            served.rate,
            served.rate / cli,
            ms(served.p50),
            ms(served.p99),
            ms(served.max),
            served.peak_kib as f64 / 1024.0,
        );
    }
    println!();
    println!("load average after: {}", load_average());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The national module's examples: the single cases `working_together_2018` reads, and the
/// lines of the shipped batch, each as one line of JSON.
fn national_cases() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let examples = root.join("policies/examples");
    let mut cases = Vec::new();
    let batch = std::fs::read_to_string(examples.join("batch.jsonl")).unwrap();
    cases.extend(
        batch
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string),
    );
    for name in [
        "death-in-area.json",
        "elsewhere-in-england.json",
        "harm-outside-england.json",
        "incomplete.json",
        "looked-after-death.json",
    ] {
        let text = std::fs::read_to_string(examples.join(name)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        cases.push(value.to_string());
    }
    cases
}

/// `cspr eval working_together_2018 BATCH --jobs 2` to /dev/null: cases a second.
fn cli_rate(batch: &Path, n: usize) -> f64 {
    let start = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["eval", "working_together_2018"])
        .arg(batch)
        .args(["--jobs", "2", "--no-progress", "--as-of", AS_OF])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(status.success(), "cspr eval failed");
    n as f64 / elapsed.as_secs_f64()
}

struct Served {
    rate: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    peak_kib: u64,
}

/// Start `cspr serve`, send `n` requests over `connections` keep-alive connections, stop it.
fn serve_run(cases: &[String], n: usize, connections: usize) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cspr"))
        .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address: {line}"));
    let requests: Arc<Vec<Vec<u8>>> = Arc::new(
        cases
            .iter()
            .map(|c| {
                format!(
                    "POST /api/v1/procedures/working_together_2018/eval?as_of={AS_OF} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{c}",
                    c.len()
                )
                .into_bytes()
            })
            .collect(),
    );
    // Warm up: each connection's first request, and the engine's compiled diagrams.
    one_connection(port, &requests, &AtomicUsize::new(0), 200);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (requests, next) = (requests.clone(), next.clone());
            std::thread::spawn(move || one_connection(port, &requests, &next, n))
        })
        .collect();
    let mut latencies: Vec<Duration> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let elapsed = start.elapsed();
    let peak_kib = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0);
    let _ = child.kill();
    let _ = child.wait();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Served {
        rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        max: *latencies.last().unwrap(),
        peak_kib,
    }
}

/// Requests on one keep-alive connection until `n` have been taken by all: each latency.
fn one_connection(port: u16, requests: &[Vec<u8>], next: &AtomicUsize, n: usize) -> Vec<Duration> {
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut out = Vec::new();
    let mut body = Vec::new();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= n {
            return out;
        }
        let start = Instant::now();
        writer.write_all(&requests[i % requests.len()]).unwrap();
        // The head, then exactly Content-Length bytes.
        let mut length = 0;
        let mut status = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if status.is_empty() {
                status = line.clone();
            }
            let l = line.to_ascii_lowercase();
            if let Some(v) = l.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
        }
        body.resize(length, 0);
        reader.read_exact(&mut body).unwrap();
        out.push(start.elapsed());
        assert!(status.contains(" 200 "), "{status}");
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
