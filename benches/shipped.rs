//! The shipped modules, for the benchmarks: the ones built into cspr (`policies/*.policy`,
//! listed by `build.rs`), so no benchmark walks the directory or keeps its own resolver.

use cspr::builtin::MODULES;
use cspr::check::{Program, Resolver, check_onto};
use cspr::diagnostic::Source;

/// Every shipped module, with its id, in file-name order.
pub struct Shipped(pub Vec<(String, Source)>);

impl Shipped {
    pub fn load() -> Shipped {
        Shipped(
            MODULES
                .iter()
                .filter_map(|m| Some((m.id()?, m.source())))
                .collect(),
        )
    }

    /// A shipped module checked (on another edition when `onto` is given); a benchmark
    /// of a module that does not check is meaningless, so it stops.
    pub fn program(&self, id: &str, onto: Option<&str>) -> Program {
        let source = self
            .resolve(id)
            .unwrap_or_else(|| Source::new("missing", ""));
        check_onto(&source, self, onto)
            .program
            .unwrap_or_else(|| std::process::abort())
    }
}

impl Resolver for Shipped {
    fn resolve(&self, id: &str) -> Option<Source> {
        self.0.iter().find(|(i, _)| i == id).map(|(_, s)| s.clone())
    }
    fn known_ids(&self) -> Vec<String> {
        self.0.iter().map(|(i, _)| i.clone()).collect()
    }
}
