//! The backend of `cspr repl`: a session over one procedure and the case being built.
//!
//! As in Nickel's REPL, the backend holds the state and answers commands with values; the
//! front end (`src/cli/repl.rs`, rustyline) reads lines and renders the answers. The
//! backend does no I/O: files are read and written through a [`Host`] the front end
//! gives it, so tests drive a session with an in-memory host.
//!
//! A session keeps the procedure as an [`eval::Shared`] (an `Arc<Program>` with its
//! precomputed tables), the [`Case`] tied to that program, the day deadlines are judged
//! on, and the last [`Evaluation`], re-evaluated after every change (well under a
//! millisecond on the shipped procedures). [`Session::run`] takes one typed line:
//!
//! 1. [`command::parse`] splits it into a [`Command`];
//! 2. values and expressions are typed against the procedure by
//!    [`crate::check::value`] and [`crate::check::expression`], with the located
//!    errors a policy gets;
//! 3. the answer is a [`Reply`] of [`Block`]s: reports rendered by [`crate::report`] and
//!    [`crate::eval::explain`] exactly as `cspr eval`, `timeline` and `explain` print them,
//!    [`Changes`] after a `set`, the next [`Question`] of an interview.
//!
//! During `ask` ([`interview`]) a line is an answer: a value, the number of a choice,
//! `skip` or `stop`.

pub mod answer;
pub mod changes;
pub mod command;
mod files;
pub mod interview;
pub mod save;
mod section;

use std::sync::Arc;

use chrono::NaiveDate;

pub use changes::Changes;
pub use command::{COMMANDS, Command, CommandHelp};
pub use interview::Question;

use crate::check::{Name, Program};
use crate::diagnostic::{Problem, Source, did_you_mean};
use crate::eval::explain::{self, Explainer};
use crate::eval::{self, Case, Evaluation, NotCarried, Shared};
use crate::value::Display;
use section::Section;

/// What a session needs from the world. The front end reads and writes files; tests give
/// files from memory.
pub trait Host {
    /// Load and check a procedure (an id or a `.policy` path), on the guidance edition
    /// `edition` when given. Warnings come back with the program.
    fn load_procedure(
        &self,
        name: &str,
        edition: Option<&str>,
    ) -> Result<(Program, Vec<Problem>), Vec<Problem>>;
    /// Read a case file.
    fn read_case(&self, path: &str) -> Result<Source, Problem>;
    /// Write a case file: the only way case facts leave a session.
    fn write_case(&self, path: &str, text: &str) -> Result<(), Problem>;
    /// Whether something is already at `path`, so that `save` does not replace it
    /// unasked. A host that cannot tell says no.
    fn exists(&self, _path: &str) -> bool {
        false
    }
    /// Ask the person at the keyboard a yes-or-no question; `false` when nobody can
    /// answer (a scripted session).
    fn confirm(&self, _question: &str) -> bool {
        false
    }
    /// The ids of every procedure and guidance module available, for `compare`.
    fn procedures(&self) -> Vec<String>;
}

/// One part of an answer.
#[derive(Debug)]
pub enum Block {
    /// Text as `cspr eval`, `cspr timeline` or `cspr explain` print it.
    Report(String),
    /// What a change to the case did (after `set`, `unset`, an answer, `what-if`).
    Changes(Changes),
    /// The next question of an interview.
    Question(Question),
    /// A short message.
    Note(String),
    /// Facts of the case that did not carry over to another procedure.
    NotCarried(Vec<NotCarried>),
    /// Diagnostics that do not stop the command (a reloaded procedure's warnings).
    Problems(Vec<Problem>),
    /// The case under several procedures, for a side-by-side table (`compare`).
    Compared(Vec<Compared>),
}

/// The case under one procedure, for `compare`.
#[derive(Debug)]
pub struct Compared {
    pub program: Arc<Program>,
    pub eval: Evaluation,
    /// Facts of the case the procedure does not declare.
    pub not_carried: Vec<NotCarried>,
}

/// The answer to one line.
#[derive(Debug, Default)]
pub struct Reply {
    pub blocks: Vec<Block>,
    /// The line asked to end the session.
    pub quit: bool,
}

impl Reply {
    fn of(block: Block) -> Reply {
        Reply {
            blocks: vec![block],
            quit: false,
        }
    }
    fn note(text: impl Into<String>) -> Reply {
        Reply::of(Block::Note(text.into()))
    }
}

/// A session: a procedure, a case, a day, and the case's evaluation.
pub struct Session {
    shared: Shared,
    /// How the procedure was named (id or path) and the edition it is on: for `reload`.
    name: String,
    edition: Option<String>,
    case: Case,
    as_of: NaiveDate,
    /// The evaluation of `case`, or why it failed (a conflict, a date out of range).
    current: Result<Evaluation, Problem>,
    /// During `ask`: the facts skipped, and the question waiting for an answer.
    interview: Option<(Vec<bool>, Question)>,
    /// The case has been changed (`set`, `unset`, an answer) since it was last loaded or
    /// saved: the front end asks before quitting.
    unsaved: bool,
}

fn problem(message: impl Into<String>, help: impl Into<String>) -> Vec<Problem> {
    vec![Problem::error("cspr::repl", message).help(help)]
}

impl Session {
    /// A session over `program` (loaded as `name`, on `edition`), with an empty case.
    pub fn new(program: Program, name: &str, edition: Option<&str>, as_of: NaiveDate) -> Session {
        let shared = Shared::new(Arc::new(program));
        let case = Case::empty(shared.program());
        let current = evaluate(&shared, &case);
        Session {
            shared,
            name: name.to_string(),
            edition: edition.map(str::to_string),
            case,
            as_of,
            current,
            interview: None,
            unsaved: false,
        }
    }

    /// Whether the case has changes not yet written by `save` (a `set`, `unset` or answer
    /// since the session began, or since the last `load` or `save`).
    pub fn unsaved(&self) -> bool {
        self.unsaved
    }

    pub fn program(&self) -> &Arc<Program> {
        self.shared.program()
    }

    pub fn case(&self) -> &Case {
        &self.case
    }

    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The evaluation of the case as it stands, or why it could not be evaluated.
    pub fn evaluation(&self) -> Result<&Evaluation, &Problem> {
        self.current.as_ref()
    }

    /// The question an interview is waiting on, if one is under way.
    pub fn question(&self) -> Option<&Question> {
        self.interview.as_ref().map(|(_, q)| q)
    }

    /// Run one typed line. An error leaves the session as it was.
    pub fn run(&mut self, host: &dyn Host, line: &str) -> Result<Reply, Vec<Problem>> {
        if self.interview.is_some() {
            return self.answer(host, line);
        }
        let command = command::parse(line).map_err(|u| problem(u.message, u.help))?;
        self.command(host, command)
    }

    fn command(&mut self, host: &dyn Host, command: Command) -> Result<Reply, Vec<Problem>> {
        Ok(match command {
            Command::Nothing => Reply::default(),
            Command::Quit => Reply {
                blocks: Vec::new(),
                quit: true,
            },
            Command::Help(c) => Reply::note(
                command::help_text(c.as_deref()).map_err(|u| problem(u.message, u.help))?,
            ),
            Command::Set { fact, value } => {
                let f = self.fact(&fact)?;
                let read = answer::read(self.program(), f, &value)?;
                let v = crate::check::value(
                    self.program(),
                    f,
                    &Source::new(format!("value of `{fact}`"), read.text),
                )?;
                let mut reply = self.change(|case, p| case.set(p, f, Some(v)).map(|_| ()))?;
                if let Some(echo) = read.echo {
                    reply.blocks.insert(0, Block::Note(echo));
                }
                reply
            }
            Command::Unset(fact) => {
                let f = self.fact(&fact)?;
                self.change(|case, p| case.set(p, f, None).map(|_| ()))?
            }
            Command::Facts => Reply::of(Block::Report(save::to_json_text(
                self.program(),
                &self.case,
            ))),
            Command::Eval => Reply::of(Block::Report(self.report(Section::All)?)),
            Command::Outcomes => Reply::of(Block::Report(self.report(Section::Outcomes)?)),
            Command::Duties => Reply::of(Block::Report(self.report(Section::Duties)?)),
            Command::Missing => Reply::of(Block::Report(interview::missing_text(
                self.program(),
                self.eval()?,
                self.as_of,
            ))),
            Command::Timeline => {
                let eval = self.eval()?;
                Reply::of(Block::Report(crate::report::timeline::timeline_text(
                    self.program(),
                    eval,
                    self.as_of,
                )))
            }
            Command::Why(name) => self.why(&name, None)?,
            Command::WhyNot { name, value } => self.why(&name, Some(&value))?,
            Command::Query(text) => self.query(&text)?,
            Command::WhatIf(pairs) => self.what_if(&pairs)?,
            Command::Ask => self.ask()?,
            Command::AsOf(day) => {
                let d = answer::day(&day).map_err(|p| vec![p])?.ok_or_else(|| {
                    problem(
                        format!("`{day}` is not a real date"),
                        "write DD/MM/YYYY or YYYY-MM-DD, e.g. `as-of 11/03/2024`",
                    )
                })?;
                self.as_of = d;
                Reply::note(format!(
                    "deadlines are judged as of {} ({})",
                    answer::spoken(d),
                    d.format("%Y-%m-%d")
                ))
            }
            Command::Load(path) => self.load(host, &path)?,
            Command::Save { path, force } => self.save(host, &path, force)?,
            Command::Use { procedure, edition } => {
                self.switch(host, &procedure, edition.as_deref(), false)?
            }
            Command::Reload => {
                let (name, edition) = (self.name.clone(), self.edition.clone());
                self.switch(host, &name, edition.as_deref(), true)?
            }
            Command::Compare(ids) => self.compare(host, ids)?,
        })
    }

    /// The evaluation, or the problem that stopped it.
    fn eval(&self) -> Result<&Evaluation, Vec<Problem>> {
        self.current.as_ref().map_err(|p| vec![p.clone()])
    }

    /// A fact of the procedure by name, with "did you mean".
    fn fact(&self, name: &str) -> Result<usize, Vec<Problem>> {
        let program = self.program();
        match program.lookup(name) {
            Some(Name::Fact(f)) => Ok(f),
            Some(_) => Err(problem(
                format!("`{name}` is worked out by the procedure, not a fact of the case"),
                "set a fact; `why NAME` shows how an outcome is worked out",
            )),
            None => {
                let facts = program.facts.iter().map(|f| f.name.as_str());
                let help = did_you_mean(name, facts)
                    .unwrap_or_else(|| "`missing` lists the facts still unknown".into());
                Err(problem(
                    format!("`{name}` is not a fact of `{}`", program.entry().id),
                    help,
                ))
            }
        }
    }

    /// Apply a change to the case, re-evaluate, and say what changed.
    fn change(
        &mut self,
        apply: impl FnOnce(&mut Case, &Program) -> Result<(), eval::SetError>,
    ) -> Result<Reply, Vec<Problem>> {
        let mut case = self.case.clone();
        apply(&mut case, self.shared.program())
            .map_err(|e| problem(e.to_string(), "see `help set`"))?;
        let after = evaluate(&self.shared, &case);
        let reply = match (&self.current, &after) {
            (Ok(before), Ok(now)) => Reply::of(Block::Changes(Changes::between(
                self.shared.program(),
                before,
                now,
            ))),
            (_, Ok(_)) => Reply::of(Block::Report(self.render(&after, Section::All))),
            (_, Err(p)) => Reply::of(Block::Problems(vec![p.clone()])),
        };
        self.case = case;
        self.current = after;
        self.unsaved = true;
        Ok(reply)
    }

    fn render(&self, eval: &Result<Evaluation, Problem>, section: Section) -> String {
        match eval {
            Ok(e) => section.of(&crate::report::eval_text(self.program(), e, self.as_of)),
            Err(p) => p.to_string(),
        }
    }

    fn report(&self, section: Section) -> Result<String, Vec<Problem>> {
        let eval = self.eval()?;
        Ok(section.of(&crate::report::eval_text(self.program(), eval, self.as_of)))
    }

    fn why(&self, name: &str, not: Option<&str>) -> Result<Reply, Vec<Problem>> {
        let program = self.program();
        let eval = self.eval()?;
        let mut explainer = Explainer::new(program, eval);
        let tree = match (program.lookup(name), not) {
            (Some(Name::Rule(r)), Some(v)) => explainer
                .why_not(r, v)
                .map_err(|m| problem(m, "name one of its values"))?,
            (Some(Name::Rule(r)), None) => explainer.rule(r),
            (Some(Name::Duty(d)), None) => explainer.duty(d),
            (Some(Name::Duty(_)), Some(_)) => {
                return Err(problem(
                    format!("`{name}` is a duty: `why not` takes a decision or rule"),
                    format!("write `why {name}`"),
                ));
            }
            (Some(Name::Fact(f)), _) => {
                let shown = match self.case.get(f) {
                    Some(v) => format!(
                        "it is given as {}",
                        Display::of(v, program, program.facts[f].ty)
                    ),
                    None => "it is not known yet".to_string(),
                };
                return Err(problem(
                    format!("`{name}` is a fact of the case ({shown})"),
                    "name a rule, decision or duty",
                ));
            }
            (None, _) => {
                let help = did_you_mean(name, program.all_names())
                    .unwrap_or_else(|| "name a rule, decision or duty of the procedure".into());
                return Err(problem(
                    format!(
                        "`{name}` is not a rule, decision or duty of `{}`",
                        program.entry().id
                    ),
                    help,
                ));
            }
        };
        // The tree, with the title of every source abbreviation it cites.
        let mut used = Vec::new();
        explain::sources_used(program, &tree, &mut used);
        let mut text = explain::render(program, &tree);
        let sources = explain::sources_block(program, &used);
        if !sources.is_empty() {
            text.push('\n');
            text.push_str(&sources);
        }
        Ok(Reply::of(Block::Report(text)))
    }

    /// `? EXPRESSION`: the expression's value on the case, exact as a rule's is (`x or
    /// not x` is true with `x` unknown), or the facts it still depends on.
    fn query(&self, text: &str) -> Result<Reply, Vec<Problem>> {
        let program = self.program();
        let (expr, ty) = crate::check::expression(program, &Source::new("expression", text))?;
        let (value, missing) =
            eval::answer(program, &self.case, expr, ty).map_err(|e| vec![e.problem().clone()])?;
        Ok(Reply::note(match value {
            Some(v) => Display::of(&v, program, ty).to_string(),
            None => format!("undetermined: depends on {}", program.fact_list(&missing)),
        }))
    }

    fn what_if(&self, pairs: &[(String, String)]) -> Result<Reply, Vec<Problem>> {
        let program = self.program().clone();
        let mut case = self.case.clone();
        let mut said = Vec::new();
        for (fact, value) in pairs {
            let f = self.fact(fact)?;
            let read = answer::read(&program, f, value)?;
            let v = crate::check::value(
                &program,
                f,
                &Source::new(format!("value of `{fact}`"), read.text),
            )?;
            case.set(&program, f, Some(v))
                .map_err(|e| problem(e.to_string(), "see `help what-if`"))?;
            said.push(read.echo.unwrap_or_else(|| format!("{fact} = {value}")));
        }
        let before = self.eval()?;
        let after = evaluate(&self.shared, &case).map_err(|p| vec![p])?;
        Ok(Reply {
            blocks: vec![
                Block::Note(format!(
                    "what if {} (the case is unchanged):",
                    said.join(", ")
                )),
                Block::Changes(Changes::between(&program, before, &after)),
            ],
            quit: false,
        })
    }
}

fn evaluate(shared: &Shared, case: &Case) -> Result<Evaluation, Problem> {
    shared
        .engine()
        .evaluate(case)
        .map_err(|e| e.problem().clone())
}
