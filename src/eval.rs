//! Stage four: a program and a case → outcomes, duties and what is still unknown.
//!
//! 1. Rules are evaluated once each, in dependency order, with Kleene's three-valued
//!    logic ([`kleene`]): an unknown fact is never false.
//! 2. Where Kleene leaves a rule unknown, [`exact`] answers the unknown facts it depends
//!    on one at a time, closing each branch as soon as Kleene settles it. If every way
//!    gives the same value, the value is determined (so `x or not x` is true, and two
//!    branches with one value agree); otherwise `missing` lists exactly the facts whose
//!    answer could change it. Two shortcuts give the same answer for less: a read-once
//!    result needs no diagram at all ([`readonce`]), and a result reading only yes/no and
//!    one-of-a-list facts restricts a diagram compiled once per program ([`compiled`]).
//! 3. Duties apply when their condition holds; theirs is refined the same way.
//! 4. [`explain`] turns the result into cited derivation trees, and answers "why not?".
//!
//! An [`Engine`] holds what is worked out once per program; evaluating a case allocates
//! only the value tables.

pub mod compiled;
mod dd;
pub mod deadline;
pub mod error;
mod exact;
pub mod explain;
mod facts;
pub mod kleene;
mod query;
mod readonce;

pub use facts::{Case, NotCarried, SetError, fits};
pub use query::answer;

use crate::check::{Body, DutyId, Expr, FactId, Name, Program, RuleId};
use crate::value::Value;
pub use error::EvalError;
use kleene::{Env, Via};
use std::sync::Arc;

/// A rule's or decision's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `None` exactly when undetermined.
    pub value: Option<Value>,
    /// How the value came about.
    pub via: Via,
    /// The unknown facts that could still change the value; empty when determined.
    pub missing: Vec<FactId>,
}

/// Whether a duty applies.
#[derive(Debug, Clone, PartialEq)]
pub struct DutyOutcome {
    pub applies: Option<bool>,
    /// When it is due: `None` without a deadline, when it does not apply, or while the
    /// date it counts from is unknown.
    pub due: Option<deadline::Due>,
    pub missing: Vec<FactId>,
}

/// Everything worked out for one case.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub case_id: Option<String>,
    pub facts: Vec<Option<Value>>,
    /// One per rule of the program, by rule id.
    pub outcomes: Vec<Outcome>,
    /// The value of each rule (as in `outcomes`), as the rules themselves see them.
    pub values: Vec<Option<Value>>,
    /// One per duty of the program, by duty id.
    pub duties: Vec<DutyOutcome>,
    /// Every fact that could still change an outcome or whether a duty applies, in
    /// declaration order.
    pub missing: Vec<FactId>,
}

impl Evaluation {
    /// Rule values as the rules themselves see them.
    pub fn rule_values(&self) -> &[Option<Value>] {
        &self.values
    }
}

/// A program prepared for evaluating many cases.
pub struct Engine<'p> {
    pub program: &'p Program,
    tables: Arc<Tables>,
    /// The calendar working days are counted in.
    pub calendar: Option<&'static crate::time::Calendar>,
    /// After how many cases needing diagrams this engine compiles them (`usize::MAX`:
    /// never; see [`Engine::compile_after`]).
    compile_after: usize,
}

/// A program and what is worked out once for it, owned: for a front end (the REPL, the
/// diff) that keeps a procedure loaded and evaluates many cases against it over time.
/// [`Shared::engine`] lends an [`Engine`] without recomputing anything.
#[derive(Clone)]
pub struct Shared {
    program: Arc<Program>,
    tables: Arc<Tables>,
    calendar: Option<&'static crate::time::Calendar>,
}

impl Shared {
    pub fn new(program: Arc<Program>) -> Shared {
        let engine = Engine::new(&program);
        let (tables, calendar) = (engine.tables.clone(), engine.calendar);
        Shared {
            program,
            tables,
            calendar,
        }
    }

    pub fn program(&self) -> &Arc<Program> {
        &self.program
    }

    /// An engine over the shared program (cheap: nothing is recomputed).
    pub fn engine(&self) -> Engine<'_> {
        Engine {
            program: &self.program,
            tables: self.tables.clone(),
            calendar: self.calendar,
            compile_after: compiled::COMPILE_AFTER,
        }
    }
}

/// What [`Engine::new`] works out once per program.
struct Tables {
    /// For each rule, the facts and rules it reads directly (each once).
    refs: Vec<(Vec<FactId>, Vec<RuleId>)>,
    /// The same for each duty's condition.
    duty_refs: Vec<(Vec<FactId>, Vec<RuleId>)>,
    /// For each fact, its place in the order [`exact`] asks facts in: the facts the
    /// program reads most often first.
    rank: Vec<u32>,
    /// For each duty, the first duty with the same condition (itself if none before).
    same_when: Vec<DutyId>,
    /// The rules and duty conditions Kleene's logic answers exactly (no diagrams).
    read_once: readonce::ReadOnce,
    /// The diagrams compiled once for the program, made when a case first needs them.
    compiled: std::sync::OnceLock<Option<compiled::Compiled>>,
    /// How many cases have needed diagrams, until [`compiled::COMPILE_AFTER`].
    needing: std::sync::atomic::AtomicUsize,
    /// Why the calendar the program names could not be loaded: every evaluation fails
    /// with it, rather than counting without the calendar.
    calendar_error: Option<Box<crate::diagnostic::Problem>>,
}

impl<'p> Engine<'p> {
    pub fn new(program: &'p Program) -> Engine<'p> {
        let mut reads = vec![0u32; program.facts.len()];
        let mut refs_of = |exprs: &[&Expr]| {
            let (mut facts, mut rules) = (Vec::new(), Vec::new());
            for e in exprs {
                e.visit_refs(&mut |name| match name {
                    Name::Fact(f) => {
                        reads[f] += 1;
                        facts.push(f);
                    }
                    Name::Rule(r) => rules.push(r),
                    Name::Duty(_) => {}
                });
            }
            facts.sort_unstable();
            facts.dedup();
            rules.sort_unstable();
            rules.dedup();
            (facts, rules)
        };
        let refs = program.rules.iter().map(|r| refs_of(&r.exprs())).collect();
        let duty_refs = program
            .duties
            .iter()
            .map(|d| refs_of(&d.when.iter().collect::<Vec<_>>()))
            .collect();
        let mut by_use: Vec<FactId> = (0..program.facts.len()).collect();
        by_use.sort_by_key(|&f| (std::cmp::Reverse(reads[f]), f));
        let mut rank = vec![0u32; program.facts.len()];
        for (i, f) in by_use.into_iter().enumerate() {
            rank[f] = i as u32;
        }
        let (calendar, calendar_error) = match deadline::calendar_of(program) {
            Ok(c) => (c, None),
            Err(p) => (None, Some(Box::new(p))),
        };
        Engine {
            program,
            tables: Arc::new(Tables {
                refs,
                duty_refs,
                rank,
                same_when: (0..program.duties.len())
                    .map(|d| {
                        let when = &program.duties[d].when;
                        (0..d)
                            .find(|&o| program.duties[o].when == *when)
                            .unwrap_or(d)
                    })
                    .collect(),
                read_once: readonce::ReadOnce::of(program),
                compiled: std::sync::OnceLock::new(),
                needing: std::sync::atomic::AtomicUsize::new(0),
                calendar_error,
            }),
            calendar,
            compile_after: compiled::COMPILE_AFTER,
        }
    }

    /// Compile the program's diagrams after `n` cases have needed them (by default
    /// [`compiled::COMPILE_AFTER`]), or never with `None`: every result is then worked
    /// out case by case, as a test of the compiled diagrams compares against.
    pub fn compile_after(mut self, n: Option<usize>) -> Self {
        self.compile_after = n.unwrap_or(usize::MAX);
        self
    }

    fn refs(&self, target: exact::Target) -> (&[FactId], &[RuleId]) {
        let (facts, rules) = match target {
            exact::Target::Rule(r) => &self.tables.refs[r],
            exact::Target::Duty(d) => &self.tables.duty_refs[d],
        };
        (facts, rules)
    }

    /// Compile the program's diagrams now (see [`compiled`]), rather than after the
    /// first few cases that need them: for a front end about to evaluate many cases.
    /// Whether any result could be compiled.
    pub fn compile(&self) -> bool {
        self.tables
            .compiled
            .get_or_init(|| compiled::Compiled::of(self))
            .is_some()
    }

    /// The compiled diagrams, for a case that needs diagrams: made once
    /// [`compiled::COMPILE_AFTER`] cases have needed them (a single evaluation does not
    /// pay for compiling the whole program).
    fn compiled(&self) -> Option<&compiled::Compiled> {
        use std::sync::atomic::Ordering;
        if let Some(c) = self.tables.compiled.get() {
            return c.as_ref();
        }
        if self.compile_after == usize::MAX
            || self.tables.needing.fetch_add(1, Ordering::Relaxed) + 1 < self.compile_after
        {
            return None;
        }
        self.compile();
        self.tables.compiled.get().and_then(Option::as_ref)
    }

    fn rank(&self) -> &[u32] {
        &self.tables.rank
    }

    /// Evaluate one case.
    pub fn evaluate(&self, case: &Case) -> Result<Evaluation, EvalError> {
        self.evaluate_case(case.clone())
    }

    /// Evaluate one case, taking it (no copy of its facts: the batch path).
    pub fn evaluate_case(&self, case: Case) -> Result<Evaluation, EvalError> {
        if let Some(problem) = &self.tables.calendar_error {
            return Err(EvalError::Deadline(problem.clone()));
        }
        let p = self.program;
        if !case.is_for(p) {
            return Err(EvalError::wrong_program(p));
        }
        let (id, owned) = case.into_parts();
        let facts = &owned;
        let mut refiner = Refiner {
            engine: self,
            facts,
            diagrams: None,
            restrictor: None,
            compiled: None,
        };
        let rules = self.rules(&mut refiner)?;
        let mut duties = self.duties(&mut refiner, &rules);
        if let Some(d) = refiner.diagrams {
            d.finish();
        }
        let RuleResults {
            values,
            mut outcomes,
            missing: rule_missing,
        } = rules;
        let applies: Vec<Option<bool>> = duties.iter().map(|d| d.applies).collect();
        let due = deadline::due_dates(p, facts, &values, &applies, self.calendar)
            .map_err(|p| EvalError::Deadline(Box::new(p)))?;
        for (outcome, due) in duties.iter_mut().zip(due) {
            outcome.due = due;
        }
        for (o, m) in outcomes.iter_mut().zip(rule_missing) {
            o.missing = m;
        }
        let mut all = vec![false; p.facts.len()];
        for f in outcomes
            .iter()
            .flat_map(|o| &o.missing)
            .chain(duties.iter().flat_map(|d| &d.missing))
        {
            all[*f] = true;
        }
        let missing = (0..all.len()).filter(|f| all[*f]).collect();
        Ok(Evaluation {
            case_id: id,
            facts: owned,
            outcomes,
            values,
            duties,
            missing,
        })
    }

    /// Every rule's outcome, in dependency order: Kleene's value where the facts decide
    /// it, else the exact answer (Kleene's for a read-once rule, else the diagrams').
    fn rules(&self, refiner: &mut Refiner<'_>) -> Result<RuleResults, EvalError> {
        let p = self.program;
        let facts = refiner.facts;
        let mut values: Vec<Option<Value>> = vec![None; p.rules.len()];
        let mut outcomes: Vec<Outcome> = vec![
            Outcome {
                value: None,
                via: Via::Undetermined,
                missing: Vec::new()
            };
            p.rules.len()
        ];
        let mut rule_missing: Vec<Vec<FactId>> = vec![Vec::new(); p.rules.len()];
        for &r in &p.order {
            let rule = &p.rules[r];
            let env = Env {
                facts,
                rules: &values,
            };
            let (value, via) =
                kleene::rule_value(rule, &env).map_err(|c| EvalError::conflict(p, r, c))?;
            let outcome = match value {
                Some(v) => {
                    if let Some(d) = refiner.diagrams.as_mut() {
                        d.known(r, &v);
                    }
                    Outcome {
                        value: Some(v),
                        via,
                        missing: Vec::new(),
                    }
                }
                // Kleene is exact for a read-once rule: no diagram is needed.
                None if self.tables.read_once.rules[r] => Outcome {
                    value: None,
                    via,
                    missing: kleene::rule_missing(rule, &env, &rule_missing),
                },
                None => {
                    let (value, missing) = refiner.rule(r, &values);
                    let via = if value.is_some() { Via::AllCases } else { via };
                    Outcome {
                        value,
                        via,
                        missing,
                    }
                }
            };
            values[r] = outcome.value.clone();
            // The missing facts live in `rule_missing` while later rules read them, and
            // move into the outcome at the end.
            rule_missing[r] = outcome.missing;
            outcomes[r] = Outcome {
                missing: Vec::new(),
                ..outcome
            };
        }
        Ok(RuleResults {
            values,
            outcomes,
            missing: rule_missing,
        })
    }

    /// Whether each duty applies, and what its condition waits on (no due dates yet).
    fn duties(&self, refiner: &mut Refiner<'_>, rules: &RuleResults) -> Vec<DutyOutcome> {
        let p = self.program;
        let (values, rule_missing) = (&rules.values, &rules.missing);
        let env = Env {
            facts: refiner.facts,
            rules: values,
        };
        let mut duties = Vec::with_capacity(p.duties.len());
        // Duties often share a condition (`when local_review_undertaken`); an undecided
        // one is refined once and its answer reused.
        // Made on the first condition refined.
        let mut refined: Vec<Option<(Option<Value>, Vec<FactId>)>> = Vec::new();
        for (d_id, duty) in p.duties.iter().enumerate() {
            let outcome = match &duty.when {
                None => DutyOutcome {
                    applies: Some(true),
                    due: None,
                    missing: Vec::new(),
                },
                Some(w) => match env.truth(w) {
                    Some(b) => DutyOutcome {
                        applies: Some(b),
                        due: None,
                        missing: Vec::new(),
                    },
                    None => {
                        let first = self.tables.same_when[d_id];
                        let (value, missing) =
                            match (w, refined.get(first).and_then(Option::as_ref)) {
                                // The condition is a rule: its outcome is already exact.
                                (Expr::Rule(r), _) => {
                                    (values[*r].clone(), rule_missing[*r].clone())
                                }
                                (_, Some((value, missing))) => (value.clone(), missing.clone()),
                                (_, None) if self.tables.read_once.duties[d_id] => {
                                    let mut missing = Vec::new();
                                    kleene::missing(w, &env, rule_missing, &mut missing);
                                    missing.sort_unstable();
                                    missing.dedup();
                                    (None, missing)
                                }
                                (_, None) => {
                                    let (value, missing) = refiner.duty(d_id, values);
                                    refined.resize(p.duties.len(), None);
                                    refined[first] = Some((value.clone(), missing.clone()));
                                    (value, missing)
                                }
                            };
                        DutyOutcome {
                            applies: value.and_then(|v| v.as_bool()),
                            due: None,
                            missing,
                        }
                    }
                },
            };
            duties.push(outcome);
        }
        duties
    }

    fn duty_condition(&self, d: DutyId) -> Option<&Expr> {
        self.program.duties[d].when.as_ref()
    }
}

/// The rules' values, outcomes (their missing facts still apart) and missing facts.
struct RuleResults {
    values: Vec<Option<Value>>,
    outcomes: Vec<Outcome>,
    missing: Vec<Vec<FactId>>,
}

/// The exact answers for one case's undetermined results: from the compiled diagrams
/// where the program has them, else from diagrams made for this case.
struct Refiner<'a> {
    engine: &'a Engine<'a>,
    facts: &'a [Option<Value>],
    /// Made on the first undetermined result, and kept for the rest.
    diagrams: Option<exact::Diagrams>,
    restrictor: Option<compiled::Restrictor<'a>>,
    /// Asked for once per case, the first time a result needs diagrams.
    compiled: Option<Option<&'a compiled::Compiled>>,
}

impl<'a> Refiner<'a> {
    fn compiled(&mut self) -> Option<&'a compiled::Compiled> {
        let engine = self.engine;
        *self.compiled.get_or_insert_with(|| engine.compiled())
    }

    /// Rule `r`'s exact value and missing facts, given the rules before it.
    fn rule(&mut self, r: RuleId, values: &[Option<Value>]) -> (Option<Value>, Vec<FactId>) {
        match self.compiled().and_then(|c| Some((c, c.rule(r)?))) {
            Some((c, root)) => {
                let (p, facts) = (self.engine.program, self.facts);
                let restrictor = self
                    .restrictor
                    .get_or_insert_with(|| compiled::Restrictor::new(c, p, facts));
                let answer = restrictor.answer(root);
                if let (Some(d), Some(v)) = (self.diagrams.as_mut(), &answer.0) {
                    d.known(r, v);
                }
                answer
            }
            None => self
                .diagrams
                .get_or_insert_with(|| exact::Diagrams::new(self.facts, values))
                .refine(self.engine, exact::Target::Rule(r)),
        }
    }

    /// Duty `d`'s condition's exact value and missing facts, given every rule.
    fn duty(&mut self, d: DutyId, values: &[Option<Value>]) -> (Option<Value>, Vec<FactId>) {
        match self.compiled().and_then(|c| Some((c, c.duty(d)?))) {
            Some((c, root)) => {
                let (p, facts) = (self.engine.program, self.facts);
                self.restrictor
                    .get_or_insert_with(|| compiled::Restrictor::new(c, p, facts))
                    .answer(root)
            }
            None => self
                .diagrams
                .get_or_insert_with(|| exact::Diagrams::new(self.facts, values))
                .refine(self.engine, exact::Target::Duty(d)),
        }
    }
}

/// Whether a rule is a decision.
pub fn is_decision(program: &Program, r: RuleId) -> bool {
    matches!(program.rules[r].body, Body::Decision { .. })
}
