//! The shipped modules, built into the library: every `policies/*.policy` of the source tree,
//! listed by `build.rs` and included as text, so an installed `cspr` reaches
//! `working_together_2018` and the partnerships' procedures by id from any directory.
//!
//! Front ends look in their own places first (files in `policies/` and `CSPR_PATH` take
//! precedence) and fall back to [`find`]. The calendar is built in by `time` itself.
//!
//! The source texts the shipped modules quote (`policies/sources/*.txt`) are built in too
//! ([`SOURCES`]): a built-in module's `source … file "sources/x.txt"` is found by
//! [`source_file`], so an installed `cspr` checks the shipped quotes against the texts they
//! were pinned to.

use crate::check::Resolver;
use crate::diagnostic::Source;

/// One shipped module: its file name under `policies/` and its text.
#[derive(Debug, Clone, Copy)]
pub struct Module {
    pub file: &'static str,
    pub text: &'static str,
}

impl Module {
    /// The module's id, from its header (`guidance ID` / `procedure ID`).
    #[must_use]
    pub fn id(&self) -> Option<String> {
        header_id(self.text)
    }

    /// The module as a source, named `<built-in>/FILE` in messages.
    #[must_use]
    pub fn source(&self) -> Source {
        Source::new(format!("{BUILT_IN}{}", self.file), self.text)
    }
}

/// Every shipped module, in file-name order.
pub const MODULES: &[Module] = include!(concat!(env!("OUT_DIR"), "/builtin_modules.rs"));

/// The shipped module with this id.
#[must_use]
pub fn find(id: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.id().as_deref() == Some(id))
}

/// The id in a policy header (`guidance ID` / `procedure ID`), skipping comments and a
/// byte-order mark; `None` if the text does not start with a header.
#[must_use]
pub fn header_id(text: &str) -> Option<String> {
    let mut words = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace);
    match words.next()? {
        "guidance" | "procedure" => words.next().map(str::to_string),
        _ => None,
    }
}

/// One shipped source text: its path from `policies/` (`sources/x.txt`) and its text.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile {
    pub file: &'static str,
    pub text: &'static str,
}

/// Every shipped source text, in file-name order.
pub const SOURCES: &[SourceFile] = include!(concat!(env!("OUT_DIR"), "/builtin_sources.rs"));

/// The name messages give a built-in module's file (`<built-in>/FILE`).
const BUILT_IN: &str = "<built-in>/";

/// The source text that a built-in `module` names by `path` (relative to `policies/`), as a
/// source named `<built-in>/PATH`; `None` when the module is not built in or no text has
/// that path.
#[must_use]
pub fn source_file(module: &Source, path: &str) -> Option<Source> {
    module.name.strip_prefix(BUILT_IN)?;
    shipped_source(path)
}

/// The shipped source text at `path` (relative to `policies/`), whatever module names it:
/// a front end falls back to it when a module's file is not beside the module (a module
/// written elsewhere by `cspr rebase -o`). Its SHA-256 is still checked against the
/// module's `sha256`, so only the very text the module pinned is used.
pub fn shipped_source(path: &str) -> Option<Source> {
    let path = path.strip_prefix("./").unwrap_or(path);
    SOURCES
        .iter()
        .find(|s| s.file == path)
        .map(|s| Source::new(format!("{BUILT_IN}{}", s.file), s.text))
}

/// A resolver over the shipped modules alone (for tests, benchmarks and fuzzing).
pub struct Builtins;

impl Resolver for Builtins {
    fn resolve(&self, id: &str) -> Option<Source> {
        find(id).map(Module::source)
    }
    fn known_ids(&self) -> Vec<String> {
        MODULES.iter().filter_map(Module::id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_source_texts_are_built_in_for_built_in_modules() {
        assert!(
            SOURCES
                .iter()
                .any(|s| s.file == "sources/buckinghamshire-procedure-8.2-lcspr-2024.txt")
        );
        let module = MODULES
            .iter()
            .find(|m| m.file == "buckinghamshire.policy")
            .unwrap()
            .source();
        let text = source_file(
            &module,
            "sources/buckinghamshire-procedure-8.2-lcspr-2024.txt",
        )
        .unwrap();
        assert_eq!(
            &*text.name,
            "<built-in>/sources/buckinghamshire-procedure-8.2-lcspr-2024.txt"
        );
        assert!(text.text.contains("8.2.66"));
        assert!(
            source_file(
                &module,
                "./sources/buckinghamshire-procedure-8.2-lcspr-2024.txt"
            )
            .is_some()
        );
        assert!(source_file(&module, "sources/none.txt").is_none());
        // A module read from a file is not given the built-in texts.
        let file = Source::new("policies/buckinghamshire.policy", module.text.clone());
        assert!(
            source_file(
                &file,
                "sources/buckinghamshire-procedure-8.2-lcspr-2024.txt"
            )
            .is_none()
        );
    }
}
