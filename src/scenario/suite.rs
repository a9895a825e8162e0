//! The one scenario runner: every front end that runs a suite runs it here.
//!
//! `cspr test` (and its regression report, `--guidance`), the language server's
//! diagnostics and "Run scenario" lenses, and `cspr diff --scenarios` all go through
//! [`run_suite`] (one program per scenario) or [`run_pair`] (the same suite on two
//! programs), so they agree on what passes: the editions an `under` may name, which
//! expectations are in force ([`super::in_force`]), and what each one observed.
//!
//! The runner does no I/O. A front end reads the files and hands over parsed
//! [`File`]s (with the editions of the guidance found near each) and a loader for the
//! procedures the scenarios name; [`resolved`] is the loader over a [`Resolver`], which
//! the language server and the tests use.
//!
//! A scenario is run with [`run_on`]: compiled against the program (an expectation
//! pinned `under` another edition is compiled where its names resolve, but not
//! checked), evaluated, and every compiled expectation observed whether or not it is
//! in force. It passed when every expectation in force holds ([`Run::passed`]).

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::{Program, Resolver};
use crate::diagnostic::{Problem, Source};
use crate::eval::{Engine, Evaluation, Shared};
use crate::syntax::ast::{self, ModuleKind};

use super::{Check, Compiled, Failure, Observed, compile_among, edition_of, observe};

/// One parsed scenario file.
#[derive(Debug, Clone)]
pub struct File {
    pub source: Source,
    pub scenarios: Vec<ast::Scenario>,
    /// The editions of the guidance its `under`s may name.
    pub editions: Vec<String>,
}

impl File {
    /// Parse a scenario file; `editions` are the guidance ids its `under`s may name.
    pub fn parse(source: Source, editions: Vec<String>) -> Result<File, Vec<Problem>> {
        let scenarios = crate::syntax::parse_scenarios(&source)?;
        Ok(File {
            source,
            scenarios,
            editions,
        })
    }
}

/// The ids of the editions of the guidance `resolver` knows (the modules whose header
/// says `guidance`), sorted, each once: what an `under` may name.
pub fn editions(resolver: &dyn Resolver) -> Vec<String> {
    let mut out: Vec<String> = resolver
        .known_ids()
        .into_iter()
        .filter(|id| {
            resolver
                .resolve(id)
                .is_some_and(|s| module_kind(&s.text) == Some(ModuleKind::Guidance))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether a module's header says `guidance` or `procedure` (comments and a byte-order
/// mark before it skipped), without parsing the module.
pub fn module_kind(text: &str) -> Option<ModuleKind> {
    let first = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .next()?;
    match first {
        "guidance" => Some(ModuleKind::Guidance),
        "procedure" => Some(ModuleKind::Procedure),
        _ => None,
    }
}

/// Loads the procedure a scenario names (its id, the file naming it, and the edition to
/// put it on): the front end's own library, or [`resolved`].
pub type Loader<'a> = dyn FnMut(&str, &File, Option<&str>) -> Result<Program, Vec<Problem>> + 'a;

/// The loader over a resolver: the module with that id, checked (on `onto` when given).
pub fn resolved(
    resolver: &dyn Resolver,
) -> impl FnMut(&str, &File, Option<&str>) -> Result<Program, Vec<Problem>> + '_ {
    move |id, _, onto| {
        let Some(source) = resolver.resolve(id) else {
            return Err(vec![Problem::error(
                "cspr::scenario_procedure",
                format!("no procedure `{id}`"),
            )]);
        };
        let checked = crate::check::check_onto(&source, resolver, onto);
        checked.program.ok_or(checked.problems)
    }
}

/// The programs the scenarios of a suite run on, by the procedure id they name, each
/// loaded once.
#[derive(Default)]
pub struct Programs {
    by_id: HashMap<String, Option<Shared>>,
}

impl Programs {
    /// Load each procedure the `selected` scenarios of `files` name, with `load`: on
    /// edition `onto` when given (a scenario of a guidance module itself then runs on
    /// that edition). The problems of those that could not be loaded come back in the
    /// order met; such a procedure's scenarios do not run ([`run_suite`] gives `None`).
    pub fn load(
        files: &[File],
        selected: &dyn Fn(&ast::Scenario) -> bool,
        onto: Option<&str>,
        load: &mut Loader<'_>,
    ) -> (Programs, Vec<Problem>) {
        let mut programs = Programs::default();
        let mut problems = Vec::new();
        for file in files {
            for s in file.scenarios.iter().filter(|s| selected(s)) {
                let id = &s.target.node;
                if programs.by_id.contains_key(id) {
                    continue;
                }
                let loaded = match onto {
                    None => load(id, file, None),
                    Some(edition) => match load(id, file, None) {
                        Ok(p) if p.modules.len() == 1 && p.entry().kind == ModuleKind::Guidance => {
                            load(edition, file, None)
                        }
                        _ => load(id, file, Some(edition)),
                    },
                };
                let program = match loaded {
                    Ok(p) => Some(p),
                    Err(p) => {
                        problems.extend(p);
                        None
                    }
                };
                programs.insert(id, program);
            }
        }
        (programs, problems)
    }

    /// Run the scenarios naming `id` on `program` (`None`: it could not be loaded).
    pub fn insert(&mut self, id: &str, program: Option<Program>) {
        self.by_id
            .insert(id.to_string(), program.map(|p| Shared::new(Arc::new(p))));
    }

    /// The engine of the program the scenarios naming `id` run on.
    pub fn engine(&self, id: &str) -> Option<Engine<'_>> {
        self.by_id.get(id)?.as_ref().map(Shared::engine)
    }

    /// The program the scenarios naming `id` run on.
    pub fn program(&self, id: &str) -> Option<&Program> {
        self.by_id.get(id)?.as_ref().map(|s| &**s.program())
    }

    /// Every program loaded, in no particular order.
    pub fn programs(&self) -> impl Iterator<Item = &Program> {
        self.by_id.values().flatten().map(|s| &**s.program())
    }
}

/// One scenario run on one program.
#[derive(Debug)]
pub struct Run {
    /// The edition of the guidance the program runs on.
    pub edition: String,
    pub result: RunResult,
}

#[derive(Debug)]
pub enum RunResult {
    /// Evaluated: every expectation that compiled, with what the evaluation gave.
    Observed {
        eval: Box<Evaluation>,
        checks: Vec<(Check, Observed)>,
    },
    /// The scenario does not compile against this program (a name or value it does not
    /// know, an edition that is not one).
    DoesNotCompile(Vec<Problem>),
    /// The evaluation failed (a conflict, a date the calendar cannot answer).
    Error(Problem),
}

impl Run {
    /// Whether every expectation in force holds.
    pub fn passed(&self) -> bool {
        match &self.result {
            RunResult::Observed { checks, .. } => {
                checks.iter().all(|(c, o)| !c.in_force || o.holds)
            }
            _ => false,
        }
    }

    /// The expectations in force that do not hold (none unless evaluated).
    pub fn failures(&self) -> Vec<Failure> {
        match &self.result {
            RunResult::Observed { checks, .. } => super::failures(checks),
            _ => Vec::new(),
        }
    }

    pub fn eval(&self) -> Option<&Evaluation> {
        match &self.result {
            RunResult::Observed { eval, .. } => Some(eval),
            _ => None,
        }
    }

    /// The expectation written at `span`, with what it observed.
    pub(crate) fn at(&self, span: crate::span::Span) -> Option<&(Check, Observed)> {
        match &self.result {
            RunResult::Observed { checks, .. } => checks.iter().find(|(c, _)| c.span == span),
            _ => None,
        }
    }
}

/// An evaluation, and every expectation compiled with what it observed.
pub(crate) type Observations = (Box<Evaluation>, Vec<(Check, Observed)>);

/// Evaluate a compiled scenario and observe every expectation it compiled.
pub(crate) fn observe_all(
    engine: &Engine<'_>,
    compiled: &Compiled,
) -> Result<Observations, Problem> {
    let eval = engine
        .evaluate(&compiled.case)
        .map_err(|e| e.problem().clone())?;
    let checks = compiled
        .checks
        .iter()
        .map(|c| (c.clone(), observe(engine, &eval, c)))
        .collect();
    Ok((Box::new(eval), checks))
}

/// Compile, evaluate and observe one scenario under `engine`'s program; `editions` are
/// the guidance ids an `under` may name.
pub fn run_on(
    engine: &Engine<'_>,
    scenario: &ast::Scenario,
    source: &Source,
    editions: &[String],
) -> Run {
    let edition = edition_of(engine.program).to_string();
    let result = match compile_among(scenario, engine.program, source, editions) {
        Err(problems) => RunResult::DoesNotCompile(problems),
        Ok(compiled) => match observe_all(engine, &compiled) {
            Ok((eval, checks)) => RunResult::Observed { eval, checks },
            Err(p) => RunResult::Error(p),
        },
    };
    Run { edition, result }
}

/// Each `selected` scenario of `file`, in order, with its run on the program it names
/// (`None` when that program could not be loaded).
pub fn run_suite<'f>(
    file: &'f File,
    programs: &Programs,
    selected: &dyn Fn(&ast::Scenario) -> bool,
) -> Vec<(&'f ast::Scenario, Option<Run>)> {
    file.scenarios
        .iter()
        .filter(|s| selected(s))
        .map(|s| {
            let run = programs
                .engine(&s.target.node)
                .map(|e| run_on(&e, s, &file.source, &file.editions));
            (s, run)
        })
        .collect()
}

/// One scenario run on two programs: `before` (as written, or the old version) and
/// `after` (rebased onto another edition, or the new version).
#[derive(Debug)]
pub struct Pair {
    pub before: Option<Run>,
    pub after: Option<Run>,
}

/// The same suite on two sets of programs: each `selected` scenario of `file` run on
/// both, in order. The regression report (`cspr test --guidance`) and the diff's
/// scenario impact (`cspr diff --scenarios`) are both read from these pairs.
pub fn run_pair<'f>(
    file: &'f File,
    before: &Programs,
    after: &Programs,
    selected: &dyn Fn(&ast::Scenario) -> bool,
) -> Vec<(&'f ast::Scenario, Pair)> {
    let on = |programs: &Programs, s: &ast::Scenario| {
        programs
            .engine(&s.target.node)
            .map(|e| run_on(&e, s, &file.source, &file.editions))
    };
    file.scenarios
        .iter()
        .filter(|s| selected(s))
        .map(|s| {
            (
                s,
                Pair {
                    before: on(before, s),
                    after: on(after, s),
                },
            )
        })
        .collect()
}

/// A scenario file's problems as the editor shows them: its syntax errors, a
/// procedure that cannot be loaded, a scenario that does not compile or evaluate, and
/// each failing expectation (an error at its `expect`). The same run as `cspr test`:
/// the editions are those `resolver` knows.
pub fn problems(source: &Source, resolver: &dyn Resolver) -> Vec<Problem> {
    let file = match File::parse(source.clone(), editions(resolver)) {
        Ok(f) => f,
        Err(problems) => return problems,
    };
    let all = |_: &ast::Scenario| true;
    let (programs, _) = Programs::load(
        std::slice::from_ref(&file),
        &all,
        None,
        &mut resolved(resolver),
    );
    let mut out = Vec::new();
    for (s, run) in run_suite(&file, &programs, &all) {
        out.extend(verdict(s, run.as_ref(), source).err().unwrap_or_default());
    }
    out
}

/// Run the scenario called `name` of a scenario file: one line for the editor to show.
pub fn run_named(source: &Source, name: &str, resolver: &dyn Resolver) -> String {
    let Ok(file) = File::parse(source.clone(), editions(resolver)) else {
        return "the file has syntax errors".into();
    };
    let this = |s: &ast::Scenario| s.name.node == name;
    let (programs, _) = Programs::load(
        std::slice::from_ref(&file),
        &this,
        None,
        &mut resolved(resolver),
    );
    let Some((s, run)) = run_suite(&file, &programs, &this).into_iter().next() else {
        return format!("no scenario \"{name}\" in this file");
    };
    let Some(run) = run else {
        return format!("`{}` could not be loaded", s.target.node);
    };
    match verdict(s, Some(&run), source) {
        Ok(line) => line,
        Err(problems) => format!(
            "scenario \"{name}\" failed: {}",
            problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// One scenario's run as the editor words it: a line saying it passed, or its problems.
fn verdict(s: &ast::Scenario, run: Option<&Run>, source: &Source) -> Result<String, Vec<Problem>> {
    let Some(run) = run else {
        return Err(vec![
            Problem::error(
                "cspr::scenario_procedure",
                format!(
                    "`{}` could not be loaded: no such procedure, or it has errors",
                    s.target.node
                ),
            )
            .label(s.target.span, "")
            .help("run `cspr check` on the procedure, or name one found in policies/ or CSPR_PATH")
            .in_source(source),
        ]);
    };
    match &run.result {
        RunResult::DoesNotCompile(problems) => Err(problems.clone()),
        RunResult::Error(p) => Err(vec![p.clone()]),
        RunResult::Observed { .. } if run.passed() => {
            Ok(format!("scenario \"{}\" passed", s.name.node))
        }
        RunResult::Observed { .. } => Err(run
            .failures()
            .iter()
            .map(|f| {
                Problem::error(
                    "cspr::scenario_failed",
                    format!(
                        "expected {}, but the procedure gives {}",
                        f.expected, f.actual
                    ),
                )
                .label(f.span, "")
                .help("`cspr test` on this file explains the result")
                .in_source(source)
            })
            .collect()),
    }
}
