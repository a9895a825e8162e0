//! One measurement of the peer benchmark run a given number of times, with no timing, for
//! counting instructions under callgrind (repeatable on a loaded machine, where wall-clock
//! medians are not):
//!
//! ```sh
//! cargo build --release --manifest-path benches/peers/Cargo.toml --example count
//! B=benches/peers/target/release/examples/count
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $B cspr random 0   # setup alone
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null $B cspr random 10  # + 10 passes
//! ```
//!
//! The difference of the two "Collected" counts, divided by the number of cases run
//! (passes × cases), is the instructions a case. ENGINE is one of floor, cspr, cspr-eval,
//! rego, rvm, rvm-eval, cedar, cedar-eval, cedar-sliced; CASES is `one`
//! (death-in-area.json) or `random` (the benchmark's 100 random complete cases).

use std::hint::black_box;

use cspr_peers::cases::random_cases;
use cspr_peers::cedar::Cedar;
use cspr_peers::national::National;
use cspr_peers::rego::{Interpreter, Vm};

fn stop(what: &str, error: impl std::fmt::Display) -> ! {
    eprintln!("{what}: {error}");
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [engine, which, passes] = &args[..] else {
        stop("usage", "count ENGINE one|random PASSES")
    };
    let passes: usize = passes.parse().unwrap_or_else(|e| stop("PASSES", e));
    let cases = match which.as_str() {
        "one" => {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../policies/examples/death-in-area.json"
            );
            vec![std::fs::read_to_string(path).unwrap_or_else(|e| stop(path, e))]
        }
        "random" => random_cases(0x5AFE_C41D, 100),
        other => stop("CASES", other),
    };
    let national = National::load().unwrap_or_else(|e| stop("cspr", e));
    let engine_cspr = national.engine();
    let parsed: Vec<_> = cases
        .iter()
        .map(|t| national.parse(t).unwrap_or_else(|e| stop("cspr case", e)))
        .collect();
    let mut ok = 0usize;
    match engine.as_str() {
        "floor" => {
            for _ in 0..passes {
                for text in &cases {
                    let v: Result<serde_json::Value, _> = serde_json::from_str(black_box(text));
                    ok += usize::from(v.is_ok());
                }
            }
        }
        "cspr" => {
            for _ in 0..passes {
                for text in &cases {
                    let Ok(case) = national.parse(black_box(text)) else {
                        continue;
                    };
                    ok += usize::from(engine_cspr.evaluate(&case).is_ok());
                }
            }
        }
        "cspr-eval" => {
            for _ in 0..passes {
                for case in &parsed {
                    ok += usize::from(engine_cspr.evaluate(black_box(case)).is_ok());
                }
            }
        }
        "rego" => {
            let mut interpreter = Interpreter::new().unwrap_or_else(|e| stop("regorus", e));
            for _ in 0..passes {
                for text in &cases {
                    ok += usize::from(interpreter.eval(black_box(text)).is_ok());
                }
            }
        }
        "rvm" | "rvm-eval" => {
            let mut vm = Vm::new().unwrap_or_else(|e| stop("regorus rvm", e));
            let inputs: Vec<regorus::Value> = cases
                .iter()
                .map(|t| regorus::Value::from_json_str(t).unwrap_or_else(|e| stop("input", e)))
                .collect();
            for _ in 0..passes {
                for (text, input) in cases.iter().zip(&inputs) {
                    let result = if engine == "rvm" {
                        vm.eval(black_box(text))
                    } else {
                        vm.eval_input(black_box(input.clone()))
                    };
                    ok += usize::from(result.is_ok());
                }
            }
        }
        "cedar" | "cedar-eval" | "cedar-sliced" => {
            let cedar = if engine == "cedar-sliced" {
                Cedar::sliced()
            } else {
                Cedar::new()
            }
            .unwrap_or_else(|e| stop("cedar", e));
            let contexts: Vec<_> = cases
                .iter()
                .map(|t| {
                    let json = serde_json::from_str(t).unwrap_or_else(|e| stop("context", e));
                    Cedar::context(json).unwrap_or_else(|e| stop("context", e))
                })
                .collect();
            for _ in 0..passes {
                for (text, prebuilt) in cases.iter().zip(&contexts) {
                    let result = if engine == "cedar-eval" {
                        cedar.answers(black_box(prebuilt))
                    } else {
                        let Ok(json) = serde_json::from_str(black_box(text)) else {
                            continue;
                        };
                        let Ok(context) = Cedar::context(json) else {
                            continue;
                        };
                        cedar.answers(&context)
                    };
                    ok += usize::from(result.is_ok());
                }
            }
        }
        other => stop("ENGINE", other),
    }
    if ok != passes * cases.len() {
        stop(
            "count",
            format!("{ok} of {} cases evaluated", passes * cases.len()),
        );
    }
}
