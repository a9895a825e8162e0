//! The shipped modules, built into the library: every `policies/*.policy` of the source tree,
//! listed by `build.rs` and included as text, so an installed `cspr` reaches
//! `working_together_2018` and the partnerships' procedures by id from any directory.
//!
//! Front ends look in their own places first (files in `policies/` and `CSPR_PATH` take
//! precedence) and fall back to [`find`]. The calendar is built in by `time` itself.

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
        Source::new(format!("<built-in>/{}", self.file), self.text)
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
