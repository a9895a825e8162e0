//! A harness for instruction-count profiles (`valgrind --tool=callgrind`), which stay
//! repeatable on a loaded machine where wall-clock figures do not:
//!
//! ```text
//! cargo bench --bench profile --no-run
//! valgrind --tool=callgrind target/release/deps/profile-* eval lincolnshire lincolnshire-incomplete.json 100
//! ```
//!
//! `eval ID CASE N` evaluates a shipped example N times (with the explanation of every top-level
//! rule and duty when `explain` follows); `unknown ID CASE K N` does the same with the first K facts
//! the case gives (in declaration order) left unknown (`by-case` at the end: without the
//! compiled diagrams, which an engine makes after its first four cases that need them); `check N` parses and checks every shipped
//! policy N times (each module parsed once a time, as the engine bench does); `parse N` only
//! parses them. `--toggle-collect='cspr::eval::Engine::evaluate_case'` counts evaluation alone:
//!
//! ```text
//! valgrind --tool=callgrind --toggle-collect='cspr::eval::Engine::evaluate_case' \
//!   target/release/deps/profile-* unknown lincolnshire lincolnshire-rapid-review.json 10 20
//! ```

#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros,
    reason = "benchmarks read fixtures and print: only the library may not do I/O"
)]

use std::path::Path;

use cspr::case::{self, Format};
use cspr::check::{Parsed, Program, check_with};
use cspr::diagnostic::Source;
use cspr::eval::Engine;
use cspr::eval::explain::{Explainer, top_level};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[path = "shipped.rs"]
mod shipped;
use shipped::Shipped;

fn module(shipped: &Shipped, id: &str) -> Program {
    shipped.program(id, None)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let shipped = Shipped::load();
    match args.first().map(String::as_str) {
        Some("parse") => {
            let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
            for _ in 0..n {
                for (_, source) in &shipped.0 {
                    std::hint::black_box(cspr::syntax::parse(source).is_ok());
                }
            }
        }
        Some("check") => {
            let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
            for _ in 0..n {
                let parsed = Parsed::default();
                for (_, source) in &shipped.0 {
                    std::hint::black_box(check_with(source, &shipped, None, &parsed));
                }
            }
        }
        Some(mode @ ("eval" | "unknown")) if args.len() >= 4 => {
            let program = module(&shipped, &args[1]);
            // `by-case` anywhere after the case: no compiled diagrams.
            let engine = if args.iter().any(|a| a == "by-case") {
                Engine::new(&program).compile_after(None)
            } else {
                Engine::new(&program)
            };
            let path = Path::new(ROOT).join("policies/examples").join(&args[2]);
            let source = Source::new(
                args[2].clone(),
                std::fs::read_to_string(path).unwrap_or_default(),
            );
            let Ok(mut case) = case::parse(&program, &source, Format::Json) else {
                std::process::abort()
            };
            let mut rest = &args[3..];
            if mode == "unknown" {
                let k: usize = rest[0].parse().unwrap_or(0);
                let given: Vec<usize> = (0..program.facts.len())
                    .filter(|&f| case.get(f).is_some())
                    .take(k)
                    .collect();
                for f in given {
                    if case.set(&program, f, None).is_err() {
                        std::process::abort()
                    }
                }
                rest = &rest[1..];
            }
            let n: usize = rest.first().and_then(|s| s.parse().ok()).unwrap_or(1);
            let explain = rest.get(1).is_some_and(|a| a == "explain");
            let roots = top_level(&program);
            let mut total = 0usize;
            for _ in 0..n {
                let Ok(eval) = engine.evaluate(&case) else {
                    std::process::abort()
                };
                total += eval.missing.len();
                if explain {
                    let mut explainer = Explainer::new(&program, &eval);
                    for &r in &roots {
                        total += explainer.standalone().rule(r).len();
                    }
                    for d in 0..program.duties.len() {
                        total += explainer.standalone().duty(d).len();
                    }
                }
            }
            println!("{total}");
        }
        _ => {
            eprintln!("usage: profile parse N | profile check N | profile eval ID CASE N [explain]")
        }
    }
}
