//! The targets of issue 13 (and DESIGN §5), on one core: parse and check every shipped
//! policy (< 10 ms with pest alone, issue 18; `parse every shipped policy` is pest and the
//! converter on their own), evaluate one complete case with everything `explain` needs (< 5 µs
//! national, < 10 µs for the partnerships), an incomplete case with exact `missing`
//! (< 100 µs), a JSON Lines batch end to end; and the shipped scenario suites.
//! `cargo bench --bench engine`; docs/performance.md has the figures.

#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros,
    reason = "benchmarks read fixtures and print: only the library may not do I/O"
)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cspr::case::{self, Format};
use cspr::check::{Parsed, Program, check_with};
use cspr::diagnostic::Source;
use cspr::eval::Engine;
use cspr::eval::explain::{Explainer, top_level};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[path = "shipped.rs"]
mod shipped;
use shipped::Shipped;

fn national(shipped: &Shipped) -> Program {
    module(shipped, "working_together_2018")
}

fn module(shipped: &Shipped, id: &str) -> Program {
    shipped.program(id, None)
}

fn example(name: &str) -> Source {
    let path = Path::new(ROOT).join("policies/examples").join(name);
    Source::new(name, std::fs::read_to_string(path).unwrap_or_default())
}

fn parse_and_check(c: &mut Criterion) {
    let shipped = Shipped::load();
    c.bench_function("parse and check every shipped policy", |b| {
        b.iter(|| {
            // One run, as `cspr check policies/` does it: each module parsed once, however
            // many procedures extend it.
            let parsed = Parsed::default();
            for (_, source) in &shipped.0 {
                black_box(check_with(source, &shipped, None, &parsed));
            }
        })
    });
}

fn parse_only(c: &mut Criterion) {
    let shipped = Shipped::load();
    c.bench_function("parse every shipped policy", |b| {
        b.iter(|| {
            for (_, source) in &shipped.0 {
                black_box(cspr::syntax::parse(source).is_ok());
            }
        })
    });
}

/// One case: evaluated (the evaluation is everything `explain` needs: each rule's value
/// and how it came about, each duty, the missing facts), and separately the cited trees
/// `explain` renders from it, which are built only when asked. Incomplete cases are
/// measured with the engine's compiled diagrams (made after its first few cases) and case by
/// case (`compile_after(None)`).
fn one_case(c: &mut Criterion) {
    let shipped = Shipped::load();
    for (id, name) in [
        ("working_together_2018", "death-in-area.json"),
        ("working_together_2018", "incomplete.json"),
        ("lincolnshire", "lincolnshire-rapid-review.json"),
        ("lincolnshire", "lincolnshire-incomplete.json"),
        ("buckinghamshire", "buckinghamshire-custody-death.json"),
        ("buckinghamshire", "buckinghamshire-incomplete.json"),
        ("walsall", "walsall-referral.json"),
        ("walsall", "walsall-incomplete.json"),
    ] {
        let program = module(&shipped, id);
        let source = example(name);
        let case = match case::parse(&program, &source, Format::Json) {
            Ok(c) => c,
            Err(p) => {
                eprintln!("{name}: {p:?}");
                std::process::abort()
            }
        };
        let engine = Engine::new(&program);
        c.bench_function(&format!("evaluate {name}"), |b| {
            b.iter(|| {
                engine
                    .evaluate(black_box(&case))
                    .unwrap_or_else(|_| std::process::abort())
            })
        });
        if name.contains("incomplete") {
            let by_case = Engine::new(&program).compile_after(None);
            c.bench_function(&format!("evaluate {name} case by case"), |b| {
                b.iter(|| {
                    by_case
                        .evaluate(black_box(&case))
                        .unwrap_or_else(|_| std::process::abort())
                })
            });
        }
        let eval = engine
            .evaluate(&case)
            .unwrap_or_else(|_| std::process::abort());
        let roots = top_level(&program);
        c.bench_function(&format!("explain {name}: every top-level tree"), |b| {
            b.iter(|| {
                let mut trees = Vec::new();
                let mut explainer = Explainer::new(&program, black_box(&eval));
                for &r in &roots {
                    trees.push(explainer.standalone().rule(r));
                }
                for d in 0..program.duties.len() {
                    trees.push(explainer.standalone().duty(d));
                }
                black_box(trees.iter().map(|t| t.len()).sum::<usize>())
            })
        });
    }
}

/// Every shipped scenario: parse the files, bind each scenario to its (already checked)
/// procedure, evaluate and compare.
fn scenarios(c: &mut Criterion) {
    let shipped = Shipped::load();
    let mut files = Vec::new();
    let mut stack = vec![Path::new(ROOT).join("tests/scenarios")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "scenario") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                files.push(Source::new(path.display().to_string(), text));
            }
        }
    }
    let programs: Vec<(String, Program)> = shipped
        .0
        .iter()
        .map(|(id, _)| (id.clone(), module(&shipped, id)))
        .collect();
    // The editions an `expect … under EDITION` may name: the shipped guidance modules.
    let editions: Vec<String> = programs
        .iter()
        .filter(|(_, p)| p.modules.len() == 1)
        .map(|(id, _)| id.clone())
        .collect();
    let engines: Vec<(&str, Engine<'_>)> = programs
        .iter()
        .map(|(id, p)| (id.as_str(), Engine::new(p)))
        .collect();
    let count: usize = files
        .iter()
        .map(|f| cspr::syntax::parse_scenarios(f).map_or(0, |s| s.len()))
        .sum();
    let mut group = c.benchmark_group("scenario suites");
    group.throughput(Throughput::Elements(count as u64));
    group.bench_function(format!("run all {count} shipped scenarios"), |b| {
        b.iter(|| {
            let mut failures = 0usize;
            for file in &files {
                let Ok(scenarios) = cspr::syntax::parse_scenarios(file) else {
                    std::process::abort()
                };
                for s in &scenarios {
                    let Some((_, engine)) = engines.iter().find(|(id, _)| *id == s.target.node)
                    else {
                        std::process::abort()
                    };
                    let Ok(compiled) =
                        cspr::scenario::compile_among(s, engine.program, file, &editions)
                    else {
                        std::process::abort()
                    };
                    if let cspr::scenario::Ran::Evaluated(_, f) =
                        cspr::scenario::run(engine, &compiled)
                    {
                        failures += f.len();
                    }
                }
            }
            black_box(failures)
        })
    });
    group.finish();
}

fn deadlines(c: &mut Criterion) {
    let shipped = Shipped::load();
    let program = national(&shipped);
    let engine = Engine::new(&program);
    let source = example("death-in-area.json");
    let Ok(case) = case::parse(&program, &source, Format::Json) else {
        std::process::abort()
    };
    let Ok(eval) = engine.evaluate(&case) else {
        std::process::abort()
    };
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 3, 8).unwrap_or_default();
    let applies: Vec<Option<bool>> = eval.duties.iter().map(|d| d.applies).collect();
    c.bench_function("due dates and statuses of every duty", |b| {
        b.iter(|| {
            let due = cspr::eval::deadline::due_dates(
                &program,
                &eval.facts,
                &eval.values,
                &applies,
                engine.calendar,
            );
            let statuses: Vec<_> = (0..program.duties.len())
                .map(|d| cspr::eval::deadline::status(&program, &eval, d, as_of, engine.calendar))
                .collect();
            black_box((due.is_ok(), statuses))
        })
    });
}

fn batch(c: &mut Criterion) {
    let shipped = Shipped::load();
    let program = national(&shipped);
    let engine = Engine::new(&program);
    // 1,000 cases: the shipped batch repeated.
    let lines = example("batch.jsonl").text.to_string();
    let text: String = lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .cycle()
        .take(1000)
        .collect();
    let source = Source::new("batch.jsonl", text);
    let mut group = c.benchmark_group("json lines batch");
    group.throughput(Throughput::Elements(1000));
    let writer = cspr::report::JsonWriter::new(&program);
    let as_of = chrono::NaiveDate::from_ymd_opt(2024, 3, 8).unwrap_or_default();
    group.bench_function("1000 cases: parse, evaluate, write JSON", |b| {
        b.iter(|| {
            let mut out = String::with_capacity(1 << 22);
            for (_, parsed) in case::parse_lines(&program, &source) {
                let Ok(case) = parsed else { continue };
                let Ok(eval) = engine.evaluate_case(case) else {
                    continue;
                };
                writer.write(&program, &eval, as_of, &mut out);
                out.push('\n');
            }
            black_box(out)
        })
    });
    // The floor: only reading each line into a `serde_json::Value`.
    group.bench_function("1000 cases: serde_json::Value parse only (floor)", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for line in source.text.lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                    n += v.as_object().map_or(0, |o| o.len());
                }
            }
            black_box(n)
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    parse_only,
    parse_and_check,
    one_case,
    scenarios,
    deadlines,
    batch
);
criterion_main!(benches);
