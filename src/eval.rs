//! Stage four: a program and a case → outcomes, duties and what is still unknown.
//!
//! 1. Rules are evaluated once each, in dependency order, with Kleene's three-valued
//!    logic ([`kleene`]): an unknown fact is never false.
//! 2. Where Kleene leaves a rule unknown, [`exact`] tries every way of filling the
//!    unknown facts it depends on. If every way gives the same value, the value is
//!    determined (so `x or not x` is true, and two branches with one value agree);
//!    otherwise `missing` lists exactly the facts whose answer could change it.
//! 3. Duties apply when their condition holds; theirs is refined the same way.
//! 4. [`explain`] turns the result into cited derivation trees, and answers "why not?".
//!
//! An [`Engine`] holds what is worked out once per program; evaluating a case allocates
//! only the value tables.

pub mod deadline;
pub mod error;
mod exact;
pub mod explain;
mod facts;
pub mod kleene;

pub use facts::{Case, NotCarried, SetError, fits};

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
        }
    }
}

/// What [`Engine::new`] works out once per program.
struct Tables {
    /// For each rule, the rules it depends on (itself included), in evaluation order.
    cones: Vec<Vec<RuleId>>,
    /// For each duty, the rules its condition depends on.
    duty_cones: Vec<Vec<RuleId>>,
    /// For each rule, how often it uses each fact, through the rules it uses (capped at 2).
    uses: Vec<Vec<u8>>,
    /// The same for each duty's condition.
    duty_uses: Vec<Vec<u8>>,
    /// For each rule, whether it depends on a decision that repeats a value or a rule
    /// with exceptions: there an unknown fact used once may still not matter, so
    /// [`exact`] tries every unknown fact, not just the shared ones.
    tricky: Vec<bool>,
    duty_tricky: Vec<bool>,
    /// Why the calendar the program names could not be loaded: every evaluation fails
    /// with it, rather than counting without the calendar.
    calendar_error: Option<Box<crate::diagnostic::Problem>>,
}

impl<'p> Engine<'p> {
    pub fn new(program: &'p Program) -> Engine<'p> {
        let n = program.rules.len();
        let mut deps: Vec<Vec<bool>> = vec![Vec::new(); n];
        for &r in &program.order {
            let mut mine = vec![false; n];
            mine[r] = true;
            for e in program.rules[r].exprs() {
                e.visit_refs(&mut |name| {
                    if let Name::Rule(d) = name {
                        for (i, on) in deps[d].iter().enumerate() {
                            mine[i] |= *on;
                        }
                    }
                });
            }
            deps[r] = mine;
        }
        let cone_of = |set: &[bool]| -> Vec<RuleId> {
            program
                .order
                .iter()
                .copied()
                .filter(|r| set.get(*r) == Some(&true))
                .collect()
        };
        let cones = (0..n).map(|r| cone_of(&deps[r])).collect();
        let duty_cones = program
            .duties
            .iter()
            .map(|d| {
                let mut set = vec![false; n];
                if let Some(w) = &d.when {
                    w.visit_refs(&mut |name| {
                        if let Name::Rule(r) = name {
                            for (i, on) in deps[r].iter().enumerate() {
                                set[i] |= *on;
                            }
                        }
                    });
                }
                cone_of(&set)
            })
            .collect();
        let nf = program.facts.len();
        let mut uses: Vec<Vec<u8>> = vec![Vec::new(); n];
        let count = |e: &Expr, uses: &[Vec<u8>], into: &mut Vec<u8>| {
            e.visit_refs(&mut |name| match name {
                Name::Fact(f) => into[f] = into[f].saturating_add(1).min(2),
                Name::Rule(r) => {
                    for (f, k) in uses[r].iter().enumerate() {
                        into[f] = into[f].saturating_add(*k).min(2);
                    }
                }
                Name::Duty(_) => {}
            });
        };
        for &r in &program.order {
            let mut mine = vec![0u8; nf];
            for e in program.rules[r].exprs() {
                count(e, &uses, &mut mine);
            }
            uses[r] = mine;
        }
        let duty_uses = program
            .duties
            .iter()
            .map(|d| {
                let mut mine = vec![0u8; nf];
                if let Some(w) = &d.when {
                    count(w, &uses, &mut mine);
                }
                mine
            })
            .collect();
        let mut tricky = vec![false; n];
        for &r in &program.order {
            let rule = &program.rules[r];
            let mut t = match &rule.body {
                Body::Expr(_) => false,
                Body::Default { exceptions, .. } => !exceptions.is_empty(),
                Body::Decision { branches } => {
                    let values: Vec<u8> = branches.iter().map(|b| b.value).collect();
                    (1..values.len()).any(|i| values[..i].contains(&values[i]))
                }
            };
            for e in rule.exprs() {
                e.visit_refs(&mut |name| {
                    if let Name::Rule(u) = name {
                        t |= tricky[u];
                    }
                });
            }
            tricky[r] = t;
        }
        let duty_tricky = program
            .duties
            .iter()
            .map(|d| {
                let mut t = false;
                if let Some(w) = &d.when {
                    w.visit_refs(&mut |name| {
                        if let Name::Rule(u) = name {
                            t |= tricky[u];
                        }
                    });
                }
                t
            })
            .collect();
        let (calendar, calendar_error) = match deadline::calendar_of(program) {
            Ok(c) => (c, None),
            Err(p) => (None, Some(Box::new(p))),
        };
        Engine {
            program,
            tables: Arc::new(Tables {
                cones,
                duty_cones,
                uses,
                duty_uses,
                tricky,
                duty_tricky,
                calendar_error,
            }),
            calendar,
        }
    }

    fn tricky(&self, target: exact::Target) -> bool {
        match target {
            exact::Target::Rule(r) => self.tables.tricky[r],
            exact::Target::Duty(d) => self.tables.duty_tricky[d],
        }
    }

    fn uses(&self, target: exact::Target) -> &[u8] {
        match target {
            exact::Target::Rule(r) => &self.tables.uses[r],
            exact::Target::Duty(d) => &self.tables.duty_uses[d],
        }
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
                Some(v) => Outcome {
                    value: Some(v),
                    via,
                    missing: Vec::new(),
                },
                None => {
                    let candidates = kleene::rule_missing(rule, &env, &rule_missing);
                    let (value, missing) = exact::refine(
                        self,
                        exact::Target::Rule(r),
                        facts,
                        &values,
                        &rule_missing,
                        candidates,
                    );
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
        let env = Env {
            facts,
            rules: &values,
        };
        let mut duties = Vec::with_capacity(p.duties.len());
        // Duties often share a condition (`when local_review_undertaken`); an undecided
        // one is refined once and its answer reused.
        let mut refined: Vec<(&Expr, Option<Value>, Vec<FactId>)> = Vec::new();
        for (d, duty) in p.duties.iter().enumerate() {
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
                        let (value, missing) = match (w, refined.iter().find(|(e, ..)| *e == w)) {
                            // The condition is a rule: its outcome is already exact.
                            (Expr::Rule(r), _) => (values[*r].clone(), rule_missing[*r].clone()),
                            (_, Some((_, value, missing))) => (value.clone(), missing.clone()),
                            (_, None) => {
                                let mut candidates = Vec::new();
                                kleene::missing(w, &env, &rule_missing, &mut candidates);
                                candidates.sort_unstable();
                                let (value, missing) = exact::refine(
                                    self,
                                    exact::Target::Duty(d),
                                    facts,
                                    &values,
                                    &rule_missing,
                                    candidates,
                                );
                                refined.push((w, value.clone(), missing.clone()));
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

    fn cone(&self, target: exact::Target) -> &[RuleId] {
        match target {
            exact::Target::Rule(r) => &self.tables.cones[r],
            exact::Target::Duty(d) => &self.tables.duty_cones[d],
        }
    }

    fn duty_condition(&self, d: DutyId) -> Option<&Expr> {
        self.program.duties[d].when.as_ref()
    }
}

/// Whether a rule is a decision.
pub fn is_decision(program: &Program, r: RuleId) -> bool {
    matches!(program.rules[r].body, Body::Decision { .. })
}
