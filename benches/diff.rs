//! The semantic diff of shipped procedure versions (issue 8: under 1 s): each partnership
//! on the 2018 edition against itself on the 2023 edition, as `cspr diff` runs it, and
//! with every outcome proved by search (`--search-all`), which is the search's real
//! workload; and two earlier shipped versions (`tests/diff/history/`) against the current
//! ones. The partial assignments explored and pruned are printed once per pair.

#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    clippy::disallowed_macros,
    reason = "benchmarks read fixtures and print: only the library may not do I/O"
)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use cspr::check::check_onto;
use cspr::diagnostic::Source;
use cspr::diff::{Options, semantic};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[path = "shipped.rs"]
mod shipped;
use shipped::Shipped;

fn semantic_diff(c: &mut Criterion) {
    let shipped = Shipped::load();
    let mut group = c.benchmark_group("semantic diff");
    group.sample_size(10);
    for id in ["buckinghamshire", "lincolnshire", "walsall"] {
        let old = shipped.program(id, Some("working_together_2018"));
        let new = shipped.program(id, Some("working_together_2023"));
        for (label, search_all) in [("as run", false), ("every outcome searched", true)] {
            let options = Options {
                search_all,
                ..Options::default()
            };
            let report = semantic::diff(&old, &new, options);
            eprintln!(
                "{id} 2018 vs 2023, {label}: {} targets, {} partial assignments explored, {} pruned",
                report.targets.len(),
                report.explored,
                report.pruned
            );
            group.bench_function(format!("{id} 2018 vs 2023, {label}"), |b| {
                b.iter(|| black_box(semantic::diff(&old, &new, options).explored))
            });
        }
    }
    // Earlier shipped versions (tests/diff/history/) against the current ones.
    for (file, id) in [
        ("lincolnshire-5058e15.policy", "lincolnshire"),
        ("buckinghamshire-9b30ebc.policy", "buckinghamshire"),
    ] {
        let path = Path::new(ROOT).join("tests/diff/history").join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let old = check_onto(&Source::new(file, text), &shipped, None)
            .program
            .unwrap_or_else(|| std::process::abort());
        let new = shipped.program(id, None);
        let report = semantic::diff(&old, &new, Options::default());
        eprintln!(
            "{file} vs {id}: {} targets, {} partial assignments explored, {} pruned",
            report.targets.len(),
            report.explored,
            report.pruned
        );
        group.bench_function(format!("{file} vs {id}"), |b| {
            b.iter(|| black_box(semantic::diff(&old, &new, Options::default()).explored))
        });
    }
    group.finish();
}

criterion_group!(benches, semantic_diff);
criterion_main!(benches);
