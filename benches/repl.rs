//! `cspr repl`'s backend on the shipped procedures (target: every command under 50 ms):
//! `set` with its what-changed diff, and `ask`'s choice of the next question, each from a
//! partnership's incomplete example case.

#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros,
    reason = "benchmarks read fixtures and print: only the library may not do I/O"
)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use cspr::Problem;
use cspr::check::{Program, Resolver, check_onto};
use cspr::diagnostic::Source;
use cspr::repl::{Host, Session, interview};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The shipped policies and example cases, read from the repository.
struct Files;

impl Resolver for Files {
    fn resolve(&self, id: &str) -> Option<Source> {
        let path = Path::new(ROOT)
            .join("policies")
            .join(format!("{}.policy", id.replace('_', "-")));
        std::fs::read_to_string(&path)
            .ok()
            .map(|t| Source::new(path.display().to_string(), t))
    }
    fn known_ids(&self) -> Vec<String> {
        Vec::new()
    }
}

impl Host for Files {
    fn load_procedure(
        &self,
        name: &str,
        edition: Option<&str>,
    ) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
        let source = self.resolve(name).ok_or_else(Vec::new)?;
        let checked = check_onto(&source, self, edition);
        checked
            .program
            .map(|p| (p, checked.problems))
            .ok_or_else(Vec::new)
    }
    fn read_case(&self, path: &str) -> Result<Source, Problem> {
        std::fs::read_to_string(Path::new(ROOT).join(path))
            .map(|t| Source::new(path, t))
            .map_err(|e| Problem::error("cspr::input", e.to_string()))
    }
    fn write_case(&self, _: &str, _: &str) -> Result<(), Problem> {
        Ok(())
    }
    fn procedures(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Each partnership with its incomplete example, and a fact to flip.
const CASES: [(&str, &str, &str); 3] = [
    (
        "lincolnshire",
        "policies/examples/lincolnshire-incomplete.json",
        "assurance_executive_agrees",
    ),
    (
        "buckinghamshire",
        "policies/examples/buckinghamshire-incomplete.json",
        "child_died",
    ),
    (
        "walsall",
        "policies/examples/walsall-incomplete.json",
        "child_died",
    ),
];

fn session(id: &str, case: &str) -> Session {
    let Ok((program, _)) = Files.load_procedure(id, None) else {
        std::process::abort()
    };
    let mut s = Session::new(program, id, None, chrono::NaiveDate::MIN);
    if s.load(&Files, case).is_err() {
        std::process::abort()
    }
    s
}

fn set_and_what_changed(c: &mut Criterion) {
    for (id, case, fact) in CASES {
        let mut s = session(id, case);
        let (yes, no) = (format!("set {fact} = true"), format!("set {fact} = false"));
        c.bench_function(&format!("repl set + what-changed ({id})"), |b| {
            let mut flip = false;
            b.iter(|| {
                flip = !flip;
                black_box(s.run(&Files, if flip { &yes } else { &no }).is_ok())
            })
        });
    }
}

fn next_question(c: &mut Criterion) {
    for (id, case, _) in CASES {
        let s = session(id, case);
        let skipped = vec![false; s.program().facts.len()];
        let Ok(eval) = s.evaluation() else {
            std::process::abort()
        };
        c.bench_function(&format!("repl ask: next question ({id})"), |b| {
            b.iter(|| black_box(interview::next(s.program(), eval, &skipped)))
        });
    }
}

criterion_group!(benches, set_and_what_changed, next_question);
criterion_main!(benches);
