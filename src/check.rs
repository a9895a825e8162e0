//! Stage two: syntax trees → one resolved, type-checked [`Program`].
//!
//! 1. [`check`] parses the entry module and follows `extends` through a [`Resolver`]
//!    (the front end decides where modules live; the library never touches files).
//!    Each timeline becomes the duties of its steps ([`timeline`]).
//! 2. `declare` gathers sources, facts, rules, decisions and duties of the whole chain,
//!    applying `override`s and reporting duplicates.
//! 3. `types` compiles every expression with its type, depth first, so that rules come
//!    out in dependency order and a cycle is found as it is walked.
//! 4. `lint` adds the warnings: missing citations and facts no rule uses; [`reach`] the
//!    branches, exceptions and duty conditions no case can reach.
//!
//! Every problem found is reported, errors and warnings together; a program is returned
//! only when there is no error.

mod declare;
mod line;
pub mod program;
pub mod quotes;
pub mod reach;
pub mod rebase;
pub mod timeline;
mod types;

pub use line::{expression, value};
pub use program::*;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::diagnostic::{Problem, Source, did_you_mean};
use crate::syntax::{self, ast};

/// Finds a module's source by its id (`working_together_2018`).
pub trait Resolver {
    fn resolve(&self, id: &str) -> Option<Source>;
    /// Every id the resolver knows, for "did you mean".
    fn known_ids(&self) -> Vec<String>;
    /// The module with this id; `Ok(None)` when there is none, or why the module found
    /// could not be read (unreadable, too large, not UTF-8): the checker reports that
    /// reason at the `extends`, not "no module".
    ///
    /// # Errors
    ///
    /// A problem naming the file and the reason, when the module exists but cannot be read.
    fn load(&self, id: &str) -> Result<Option<Source>, Problem> {
        Ok(self.resolve(id))
    }
    /// The text file a `source` declaration of `module` names (`file "sources/x.txt"`),
    /// relative to where the module is; `Ok(None)` when there is no such file. By default,
    /// the source texts built in with the shipped modules ([`crate::builtin::source_file`]).
    ///
    /// # Errors
    ///
    /// A problem naming the file and the reason, when it exists but cannot be read.
    fn source_file(&self, module: &Source, path: &str) -> Result<Option<Source>, Problem> {
        Ok(crate::builtin::source_file(module, path))
    }
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

/// The provenance of `entry`: the texts its sources (and those of the modules it extends)
/// name, checked against their SHA-256, and every quote found in them (see [`quotes`]);
/// with `require_quotes`, a warning on each of the entry's citations that has neither a
/// quote nor a reading. Not part of [`check`], so evaluating a case does not read the
/// texts; `cspr check`, `cspr sources` and the language server call it. Problems that stop
/// the chain being followed are [`check`]'s to report, and are not repeated here.
#[must_use]
pub fn provenance(
    entry: &Source,
    resolver: &dyn Resolver,
    parsed: &Parsed,
    require_quotes: bool,
) -> quotes::Provenance {
    let mut ignored = Vec::new();
    let Some(chain) = extends_chain(entry, resolver, None, parsed, &mut ignored) else {
        return quotes::Provenance::default();
    };
    let mut out = quotes::of_chain(&chain, resolver);
    if require_quotes && let Some((source, module)) = chain.first() {
        out.problems.extend(quotes::unquoted(source, module));
    }
    out
}

/// Longest chain of `extends` followed.
const MAX_EXTENDS: usize = 8;

/// Modules parsed during one run (their timelines desugared), so that checking several
/// procedures that extend the same guidance parses it once (`cspr check policies/`, the
/// benchmarks). A module is found again only by its name *and* its whole text, so a
/// changed file is always parsed afresh; still, keep one for a run, not for a session
/// where files keep changing (it holds every module it has seen).
#[derive(Default)]
pub struct Parsed {
    modules: RefCell<Vec<Loaded>>,
}

/// A module of a chain: its source and its tree (shared with the run's [`Parsed`]).
pub(crate) type Loaded = (Source, Rc<ast::Module>);

impl Parsed {
    /// `source` parsed, from this run's modules when it was parsed before.
    fn module(&self, source: &Source) -> Result<Rc<ast::Module>, Vec<Problem>> {
        let same = |s: &Source| {
            (Arc::ptr_eq(&s.text, &source.text) || s.text == source.text) && s.name == source.name
        };
        if let Some((_, m)) = self.modules.borrow().iter().find(|(s, _)| same(s)) {
            return Ok(Rc::clone(m));
        }
        let module = Rc::new(timeline::desugar(syntax::parse(source)?));
        self.modules
            .borrow_mut()
            .push((source.clone(), Rc::clone(&module)));
        Ok(module)
    }
}

/// Parse and check `entry` with every module it extends.
pub fn check(entry: &Source, resolver: &dyn Resolver) -> Checked {
    check_onto(entry, resolver, None)
}

/// As [`check`] (or [`check_onto`] with `onto`), reusing the modules `parsed` holds and
/// adding the ones parsed here: one [`Parsed`] across the files of a run parses each
/// module once.
pub fn check_with(
    entry: &Source,
    resolver: &dyn Resolver,
    onto: Option<&str>,
    parsed: &Parsed,
) -> Checked {
    checked(entry, resolver, onto, parsed)
}

/// As [`check`], but with the guidance at the root of the chain replaced by the
/// guidance module `onto` (`--guidance working_together_2023`): the procedure is checked
/// as if it extended that edition. Every name the procedure uses that the edition does
/// not declare is reported, located in the procedure, as it would be if the file said so.
pub fn check_onto(entry: &Source, resolver: &dyn Resolver, onto: Option<&str>) -> Checked {
    checked(entry, resolver, onto, &Parsed::default())
}

fn checked(
    entry: &Source,
    resolver: &dyn Resolver,
    onto: Option<&str>,
    parsed: &Parsed,
) -> Checked {
    let mut problems = Vec::new();
    let Some(mut chain) = extends_chain(entry, resolver, onto, parsed, &mut problems) else {
        return Checked {
            program: None,
            problems,
        };
    };
    chain.reverse();
    let rebased = onto.filter(|edition| chain.first().is_some_and(|(_, m)| m.id.node == *edition));
    let (program, found) = declare::build(chain);
    problems.extend(found);
    let program = program
        .filter(|_| !problems.iter().any(Problem::is_error))
        .map(|mut p| {
            p.rebased_onto = rebased.map(str::to_string);
            p
        });
    if let Some(p) = &program {
        problems.extend(reach::warnings(p));
    }
    Checked { program, problems }
}

/// The entry module and every module it extends, entry first (with the root guidance
/// swapped for `onto` when given), or `None` when the chain cannot be followed; every
/// problem found is pushed onto `problems`.
fn extends_chain(
    entry: &Source,
    resolver: &dyn Resolver,
    onto: Option<&str>,
    parsed: &Parsed,
    problems: &mut Vec<Problem>,
) -> Option<Vec<Loaded>> {
    let mut chain: Vec<Loaded> = Vec::new();
    let mut current = entry.clone();
    loop {
        let module = match parsed.module(&current) {
            Ok(m) => m,
            Err(ps) => {
                problems.extend(ps);
                return None;
            }
        };
        let extends = module.extends.clone();
        if let (Some(edition), Some(child)) = (onto, chain.last())
            && module.kind == ast::ModuleKind::Guidance
            && module.id.node != edition
        {
            // The root guidance of the chain: swap in the edition asked for.
            let at = child.1.extends.as_ref().map_or(child.1.id.span, |e| e.span);
            match resolver.resolve(edition) {
                Some(src) => {
                    current = src;
                    let rebased = match parsed.module(&current) {
                        Ok(m) => m,
                        Err(ps) => {
                            problems.extend(ps);
                            return None;
                        }
                    };
                    if rebased.kind != ast::ModuleKind::Guidance || rebased.extends.is_some() {
                        problems.push(
                            Problem::error(
                                "cspr::not_an_edition",
                                format!("`{edition}` is not an edition of the guidance"),
                            )
                            .label(at, "extended here")
                            .help("--guidance takes a guidance module that extends nothing, such as `working_together_2023`")
                            .in_source(&child.0),
                        );
                        return None;
                    }
                    chain.push((current.clone(), rebased));
                    break;
                }
                None => {
                    let known = resolver.known_ids();
                    let mut p = Problem::error(
                        "cspr::unknown_module",
                        format!("no guidance `{edition}` to rebase onto"),
                    )
                    .label(at, "extended here");
                    if let Some(h) = did_you_mean(edition, known.iter().map(String::as_str)) {
                        p = p.help(h);
                    }
                    problems.push(p.in_source(&chain[chain.len() - 1].0));
                    return None;
                }
            }
        }
        if onto.is_some() && chain.is_empty() && module.kind == ast::ModuleKind::Guidance {
            problems.push(
                Problem::error(
                    "cspr::not_a_procedure",
                    format!(
                        "`{}` is guidance itself; only a procedure can be put on another edition",
                        module.id.node
                    ),
                )
                .label(module.id.span, "a guidance module")
                .help("name a partnership's procedure, or evaluate the edition itself by its id")
                .in_source(&current),
            );
            return None;
        }
        chain.push((current.clone(), module));
        let Some(parent) = extends else { break };
        if let Some(start) = chain.iter().position(|(_, m)| m.id.node == parent.node) {
            let mut loop_ids: Vec<String> = chain[start..]
                .iter()
                .map(|(_, m)| format!("`{}`", m.id.node))
                .collect();
            loop_ids.push(format!("`{}`", parent.node));
            problems.push(
                Problem::error(
                    "cspr::extends_cycle",
                    format!(
                        "modules extend one another in a loop: {}",
                        loop_ids.join(" extends ")
                    ),
                )
                .label(parent.span, "this closes the loop")
                .help("a procedure extends a guidance module, which extends nothing")
                .in_source(&current),
            );
            return None;
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
            return None;
        }
        match resolver.load(&parent.node) {
            Ok(Some(src)) => current = src,
            Err(why) => {
                let mut p = Problem::error(
                    "cspr::unreadable_module",
                    format!("cannot read module `{}`: {}", parent.node, why.message),
                )
                .label(parent.span, "extended here")
                .in_source(&current);
                p.help = why.help;
                problems.push(p);
                return None;
            }
            Ok(None) => {
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
                return None;
            }
        }
    }
    Some(chain)
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
