//! Stage two: syntax trees → one resolved, type-checked [`Program`].
//!
//! 1. [`check`] parses the entry module and follows `extends` through a [`Resolver`]
//!    (the front end decides where modules live; the library never touches files).
//!    Each timeline becomes the duties of its steps ([`timeline`]).
//! 2. `declare` gathers sources, facts, rules, decisions and duties of the whole chain,
//!    applying `override`s and reporting duplicates.
//! 3. `types` compiles every expression with its type, depth first, so that rules come
//!    out in dependency order and a cycle is found as it is walked.
//! 4. `lint` adds the warnings: missing citations and facts no rule uses.
//!
//! Every problem found is reported, errors and warnings together; a program is returned
//! only when there is no error.

mod declare;
pub mod program;
pub mod timeline;
mod types;

pub use program::*;

use crate::diagnostic::{Problem, Source, did_you_mean};
use crate::syntax::{self, ast};

/// Finds a module's source by its id (`working_together_2018`).
pub trait Resolver {
    fn resolve(&self, id: &str) -> Option<Source>;
    /// Every id the resolver knows, for "did you mean".
    fn known_ids(&self) -> Vec<String>;
}

/// A resolver that knows no modules: for self-contained guidance files.
pub struct NoModules;

impl Resolver for NoModules {
    fn resolve(&self, _: &str) -> Option<Source> {
        None
    }
    fn known_ids(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The result of checking: the program if there was no error, and every problem found.
#[derive(Debug)]
pub struct Checked {
    pub program: Option<Program>,
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Longest chain of `extends` followed.
const MAX_EXTENDS: usize = 8;

/// Parse and check `entry` with every module it extends.
pub fn check(entry: &Source, resolver: &dyn Resolver) -> Checked {
    let mut problems = Vec::new();
    let mut chain: Vec<(Source, ast::Module)> = Vec::new();
    let mut current = entry.clone();
    loop {
        let module = match syntax::parse(&current) {
            Ok(m) => timeline::desugar(m),
            Err(ps) => {
                problems.extend(ps);
                return Checked {
                    program: None,
                    problems,
                };
            }
        };
        let extends = module.extends.clone();
        chain.push((current.clone(), module));
        let Some(parent) = extends else { break };
        if chain.iter().any(|(_, m)| m.id.node == parent.node) {
            problems.push(
                Problem::error(
                    "cspr::extends_cycle",
                    format!(
                        "`{}` extends itself through `{}`",
                        chain[0].1.id.node, parent.node
                    ),
                )
                .label(parent.span, "this closes the loop")
                .help("a procedure extends a guidance module, which extends nothing")
                .in_source(&current),
            );
            return Checked {
                program: None,
                problems,
            };
        }
        if chain.len() > MAX_EXTENDS {
            problems.push(
                Problem::error(
                    "cspr::extends_depth",
                    format!("more than {MAX_EXTENDS} modules extend one another"),
                )
                .label(parent.span, "")
                .in_source(&current),
            );
            return Checked {
                program: None,
                problems,
            };
        }
        match resolver.resolve(&parent.node) {
            Some(src) => current = src,
            None => {
                let known = resolver.known_ids();
                let mut p = Problem::error(
                    "cspr::unknown_module",
                    format!("no module `{}` to extend", parent.node),
                )
                .label(parent.span, "not found")
                .in_source(&current);
                p = match did_you_mean(&parent.node, known.iter().map(String::as_str)) {
                    Some(h) => p.help(h),
                    None => p.help("modules are looked up in policies/ and the directories of CSPR_PATH, by the id in their header"),
                };
                problems.push(p);
                return Checked {
                    program: None,
                    problems,
                };
            }
        }
    }
    chain.reverse();
    let (program, found) = declare::build(chain);
    problems.extend(found);
    let program = program.filter(|_| !problems.iter().any(Problem::is_error));
    Checked { program, problems }
}

/// How a type is named in messages.
pub fn type_name(ty: crate::value::Type, enums: &[crate::value::EnumDef]) -> String {
    use crate::value::Type;
    match ty {
        Type::Bool => "bool".into(),
        Type::Integer => "integer".into(),
        Type::Date => "date".into(),
        Type::DateTime => "date-time".into(),
        Type::Text => "text".into(),
        Type::Enum(e) => format!("one of {}", enums[e].variants.join(" | ")),
        Type::Set(e) => format!("set of {}", enums[e].variants.join(" | ")),
    }
}
