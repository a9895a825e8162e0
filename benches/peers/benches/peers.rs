//! cspr beside Rego (regorus) and Cedar on the national module's boolean/enum logic, and
//! beside `serde_json` parsing the same case text (the floor). Run by hand:
//! `cargo bench --manifest-path benches/peers/Cargo.toml` (README.md beside this crate).
//!
//! Two groups, each with the same nine measurements: one representative complete case
//! (`policies/examples/death-in-area.json`), and a mixed set of 100 of the agreement
//! test's random complete cases. Every measurement starts from the case's JSON text
//! except three, which start from the case as that engine reads it: "cspr evaluate only"
//! (a parsed `Case`), "regorus rvm, input parsed once" (a `regorus::Value`) and "cedar,
//! context built once" (a `cedar_policy::Context`). After criterion's
//! report, one summary line per group gives each median against cspr (parse + evaluate)
//! and against the floor, read back from criterion's own estimates.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use criterion::{BenchmarkGroup, Criterion, Throughput, measurement::WallTime};
use cspr_peers::cases::random_cases;
use cspr_peers::cedar::Cedar;
use cspr_peers::national::National;
use cspr_peers::rego::{Interpreter, Vm};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The measurements, in the order they are run and summarised.
const FLOOR: &str = "serde_json parse (floor)";
const CSPR: &str = "cspr parse + evaluate";
const CSPR_EVAL: &str = "cspr evaluate only";
const REGO: &str = "regorus interpreter";
const RVM: &str = "regorus rvm";
const RVM_EVAL: &str = "regorus rvm, input parsed once";
const CEDAR: &str = "cedar (one request per outcome)";
const CEDAR_EVAL: &str = "cedar, context built once";
const CEDAR_SLICED: &str = "cedar, policies sliced by action";
const NAMES: [&str; 9] = [
    FLOOR,
    CSPR,
    CSPR_EVAL,
    REGO,
    RVM,
    RVM_EVAL,
    CEDAR,
    CEDAR_EVAL,
    CEDAR_SLICED,
];

fn stop(what: &str, error: impl std::fmt::Display) -> ! {
    eprintln!("{what}: {error}");
    std::process::exit(2)
}

/// The nine measurements over `cases` (each iteration runs every case once).
fn measure(group: &mut BenchmarkGroup<'_, WallTime>, cases: &[String]) {
    let national = National::load().unwrap_or_else(|e| stop("cspr", e));
    let engine = national.engine();
    let mut interpreter = Interpreter::new().unwrap_or_else(|e| stop("regorus", e));
    let mut vm = Vm::new().unwrap_or_else(|e| stop("regorus rvm", e));
    let cedar = Cedar::new().unwrap_or_else(|e| stop("cedar", e));
    let sliced = Cedar::sliced().unwrap_or_else(|e| stop("cedar", e));
    let parsed: Vec<_> = cases
        .iter()
        .map(|t| national.parse(t).unwrap_or_else(|e| stop("cspr case", e)))
        .collect();
    let inputs: Vec<regorus::Value> = cases
        .iter()
        .map(|t| regorus::Value::from_json_str(t).unwrap_or_else(|e| stop("regorus input", e)))
        .collect();
    let contexts: Vec<_> = cases
        .iter()
        .map(|t| {
            let json = serde_json::from_str(t).unwrap_or_else(|e| stop("cedar context", e));
            Cedar::context(json).unwrap_or_else(|e| stop("cedar context", e))
        })
        .collect();
    group.throughput(Throughput::Elements(cases.len() as u64));

    group.bench_function(FLOOR, |b| {
        b.iter(|| {
            for text in cases {
                let value: Result<serde_json::Value, _> = serde_json::from_str(black_box(text));
                black_box(value.is_ok());
            }
        })
    });
    group.bench_function(CSPR, |b| {
        b.iter(|| {
            for text in cases {
                let Ok(case) = national.parse(black_box(text)) else {
                    std::process::abort()
                };
                black_box(engine.evaluate(&case).is_ok());
            }
        })
    });
    group.bench_function(CSPR_EVAL, |b| {
        b.iter(|| {
            for case in &parsed {
                black_box(engine.evaluate(black_box(case)).is_ok());
            }
        })
    });
    group.bench_function(REGO, |b| {
        b.iter(|| {
            for text in cases {
                black_box(interpreter.eval(black_box(text)).is_ok());
            }
        })
    });
    group.bench_function(RVM, |b| {
        b.iter(|| {
            for text in cases {
                black_box(vm.eval(black_box(text)).is_ok());
            }
        })
    });
    group.bench_function(RVM_EVAL, |b| {
        b.iter(|| {
            for input in &inputs {
                black_box(vm.eval_input(black_box(input.clone())).is_ok());
            }
        })
    });
    group.bench_function(CEDAR, |b| {
        b.iter(|| {
            for text in cases {
                let Ok(json) = serde_json::from_str(black_box(text)) else {
                    std::process::abort()
                };
                let Ok(context) = Cedar::context(json) else {
                    std::process::abort()
                };
                black_box(cedar.answers(&context).is_ok());
            }
        })
    });
    group.bench_function(CEDAR_EVAL, |b| {
        b.iter(|| {
            for context in &contexts {
                black_box(cedar.answers(black_box(context)).is_ok());
            }
        })
    });
    group.bench_function(CEDAR_SLICED, |b| {
        b.iter(|| {
            for text in cases {
                let Ok(json) = serde_json::from_str(black_box(text)) else {
                    std::process::abort()
                };
                let Ok(context) = Cedar::context(json) else {
                    std::process::abort()
                };
                black_box(sliced.answers(&context).is_ok());
            }
        })
    });
}

/// Criterion's directory for one benchmark (as it names it on disk).
fn estimates(group: &str, name: &str) -> PathBuf {
    let dir = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '?' | '"' | '/' | '\\' | '*' | '<' | '>' | ':' | '|' | '^' => '_',
                c => c,
            })
            .collect()
    };
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| format!("{ROOT}/target"));
    Path::new(&target)
        .join("criterion")
        .join(dir(group))
        .join(dir(name))
        .join("new/estimates.json")
}

/// The median (ns an iteration) criterion recorded for a benchmark in this run.
fn median(group: &str, name: &str, since: SystemTime) -> Option<f64> {
    let path = estimates(group, name);
    let fresh = std::fs::metadata(&path).ok()?.modified().ok()? >= since;
    let text = std::fs::read_to_string(&path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let ns = json["median"]["point_estimate"].as_f64()?;
    fresh.then_some(ns)
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// One line per group: each median a case, ×cspr (parse + evaluate) and ×floor.
fn summary(groups: &[(&str, usize)], since: SystemTime) {
    for (group, n) in groups {
        let per_case = |name| median(group, name, since).map(|ns| ns / *n as f64);
        let (Some(floor), Some(cspr)) = (per_case(FLOOR), per_case(CSPR)) else {
            continue;
        };
        let parts: Vec<String> = NAMES
            .iter()
            .filter_map(|name| {
                let ns = per_case(name)?;
                Some(format!(
                    "{name} {} (×{:.2} cspr, ×{:.1} floor)",
                    time(ns),
                    ns / cspr,
                    ns / floor
                ))
            })
            .collect();
        println!("summary [{group}, median a case]: {}", parts.join("; "));
    }
}

fn main() {
    let since = SystemTime::now();
    let mut criterion = Criterion::default().configure_from_args();

    let path = Path::new(ROOT).join("../../policies/examples/death-in-area.json");
    let one = std::fs::read_to_string(&path).unwrap_or_else(|e| stop("death-in-area.json", e));
    let one_group = "death-in-area.json";
    let mut group = criterion.benchmark_group(one_group);
    measure(&mut group, &[one]);
    group.finish();

    let mixed = random_cases(0x5AFE_C41D, 100);
    let mixed_group = "100 random complete cases";
    let mut group = criterion.benchmark_group(mixed_group);
    measure(&mut group, &mixed);
    group.finish();

    criterion.final_summary();
    summary(&[(one_group, 1), (mixed_group, mixed.len())], since);
}
