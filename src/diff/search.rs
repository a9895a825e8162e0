//! The exact search for cases two programs treat differently.
//!
//! A *partial assignment* gives values to some variables of the space and leaves the
//! rest unknown. Both programs evaluate it with Kleene's three-valued logic, which is
//! monotone: a value it determines holds for every way of filling in the unknowns. So
//!
//! - both determined and equal: the two programs agree on the whole branch — prune it;
//! - both determined and different: every case of the branch is a witness — keep the
//!   smallest assignment that still determines both (drop each fact that is not needed);
//! - otherwise: branch on a fact an undetermined side is still waiting for.
//!
//! Every complete assignment is under some pruned or witnessed node, so when the search
//! ends within its budget over exact variables, "no difference" is a proof over the whole
//! finite fact space:
//!
//! ```text
//! OLD: a and b            NEW: a                  (a, b bool)
//! {}          → ?, ?      branch on a
//! {a=false}   → false, false                      pruned
//! {a=true}    → ?, true   branch on b
//! {a=true, b=false} → false, true                 witness (both facts needed)
//! {a=true, b=true}  → true, true                  pruned
//! ```

use super::Progress;
use super::space::Var;
use crate::check::{Expr, FactId, Program, RuleId};
use crate::eval::kleene::{self, Env};
use crate::value::{Display, Value};

/// What one side is asked for.
#[derive(Clone)]
pub enum Goal<'p> {
    /// The value of a rule or decision.
    Rule(RuleId),
    /// Whether a duty applies (its condition; `None` always applies).
    Applies(Option<&'p Expr>),
    /// Whether a due date can be reckoned: every condition holds and every choice of
    /// anchor is settled. Known "ready" or "not"; unknown otherwise.
    Ready {
        conds: Vec<&'p Expr>,
        choices: Vec<&'p Expr>,
    },
}

/// One side of the search: a program, its goal, the rules that goal needs.
pub struct Side<'p> {
    pub program: &'p Program,
    pub goal: Goal<'p>,
    pub cone: Vec<RuleId>,
    facts: Vec<Option<Value>>,
    rules: Vec<Option<Value>>,
    missing: Vec<Vec<FactId>>,
    /// Fact id → variable.
    var_of: Vec<Option<usize>>,
}

/// A side's result on a partial assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum Res {
    Known(String),
    Conflict,
    /// Undetermined, waiting on these facts.
    Unknown(Vec<FactId>),
}

impl<'p> Side<'p> {
    pub fn new(program: &'p Program, goal: Goal<'p>, cone: Vec<RuleId>) -> Side<'p> {
        Side {
            program,
            goal,
            cone,
            facts: vec![None; program.facts.len()],
            rules: vec![None; program.rules.len()],
            missing: vec![Vec::new(); program.rules.len()],
            var_of: vec![None; program.facts.len()],
        }
    }

    fn eval(&mut self) -> Res {
        let p = self.program;
        for &r in &self.cone {
            let env = Env {
                facts: &self.facts,
                rules: &self.rules,
            };
            let Ok((value, _)) = kleene::rule_value(&p.rules[r], &env) else {
                if matches!(self.goal, Goal::Rule(g) if g == r) {
                    return Res::Conflict;
                }
                self.rules[r] = None;
                self.missing[r] = Vec::new();
                continue;
            };
            self.missing[r] = if value.is_some() {
                Vec::new()
            } else {
                kleene::rule_missing(&p.rules[r], &env, &self.missing)
            };
            self.rules[r] = value;
        }
        let env = Env {
            facts: &self.facts,
            rules: &self.rules,
        };
        match &self.goal {
            Goal::Rule(r) => match &self.rules[*r] {
                Some(v) => Res::Known(Display::of(v, p, p.rules[*r].ty).to_string()),
                None => Res::Unknown(self.missing[*r].clone()),
            },
            Goal::Applies(None) => Res::Known("applies".into()),
            Goal::Applies(Some(w)) => match env.truth(w) {
                Some(true) => Res::Known("applies".into()),
                Some(false) => Res::Known("does not apply".into()),
                None => {
                    let mut out = Vec::new();
                    kleene::missing(w, &env, &self.missing, &mut out);
                    Res::Unknown(out)
                }
            },
            Goal::Ready { conds, choices } => {
                let mut waiting = Vec::new();
                for c in conds {
                    match env.truth(c) {
                        Some(false) => return Res::Known("not".into()),
                        Some(true) => {}
                        None => kleene::missing(c, &env, &self.missing, &mut waiting),
                    }
                }
                for c in choices {
                    if env.truth(c).is_none() {
                        kleene::missing(c, &env, &self.missing, &mut waiting);
                    }
                }
                if waiting.is_empty() {
                    Res::Known("ready".into())
                } else {
                    Res::Unknown(waiting)
                }
            }
        }
    }
}

/// A witness found: the assignment (a choice index per variable, `None` unknown) and
/// the two results it determines.
#[derive(Debug, Clone)]
pub struct Found {
    pub assign: Vec<Option<usize>>,
    pub old: String,
    pub new: String,
    /// How many other branches gave the same pair of results.
    pub more: usize,
}

/// How many partial assignments are explored between two reports to a [`Progress`].
pub const TICK: u64 = 1024;

/// What to look for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every pair of different results, one witness each.
    Differ,
    /// The first assignment where both sides are known "ready".
    BothReady,
}

pub struct Search<'p> {
    pub vars: Vec<Var>,
    pub old: Side<'p>,
    pub new: Side<'p>,
    assign: Vec<Option<usize>>,
    pub budget: u64,
    pub explored: u64,
    pub pruned: u64,
    /// The budget ran out before the space was covered.
    pub truncated: bool,
    /// A branch was taken on a variable not tried at every value.
    pub inexact: Vec<usize>,
    /// Branches left undetermined with nothing to branch on.
    pub undecided: u64,
    pub found: Vec<Found>,
    mode: Mode,
    /// Told of the assignments explored, every [`TICK`]; it only watches.
    pub progress: Option<&'p dyn Progress>,
}

impl<'p> Search<'p> {
    pub fn new(
        vars: Vec<Var>,
        mut old: Side<'p>,
        mut new: Side<'p>,
        budget: u64,
        mode: Mode,
    ) -> Search<'p> {
        for (i, v) in vars.iter().enumerate() {
            if let Some(f) = v.old {
                old.var_of[f] = Some(i);
            }
            if let Some(f) = v.new {
                new.var_of[f] = Some(i);
            }
        }
        Search {
            assign: vec![None; vars.len()],
            vars,
            old,
            new,
            budget,
            explored: 0,
            pruned: 0,
            truncated: false,
            inexact: Vec::new(),
            undecided: 0,
            found: Vec::new(),
            mode,
            progress: None,
        }
    }

    fn set(&mut self, var: usize, choice: Option<usize>) {
        self.assign[var] = choice;
        let v = &self.vars[var];
        let c = choice.map(|c| &v.domain[c]);
        if let Some(f) = v.old {
            self.old.facts[f] = c.and_then(|c| c.old.clone());
        }
        if let Some(f) = v.new {
            self.new.facts[f] = c.and_then(|c| c.new.clone());
        }
    }

    fn results(&mut self) -> (Res, Res) {
        (self.old.eval(), self.new.eval())
    }

    /// Run the search from the empty assignment.
    pub fn run(&mut self) {
        self.step();
    }

    /// Whether the search should stop (the budget is spent, or BothReady found one).
    fn done(&self) -> bool {
        self.truncated || (self.mode == Mode::BothReady && !self.found.is_empty())
    }

    fn step(&mut self) {
        if self.done() {
            return;
        }
        if self.explored >= self.budget {
            self.truncated = true;
            return;
        }
        self.explored += 1;
        if self.explored.is_multiple_of(TICK)
            && let Some(p) = self.progress
        {
            p.explored(TICK);
        }
        let (o, n) = self.results();
        let known = |r: &Res| matches!(r, Res::Known(_) | Res::Conflict);
        if self.mode == Mode::BothReady {
            if o == Res::Known("not".into()) || n == Res::Known("not".into()) {
                self.pruned += 1;
                return;
            }
            if known(&o) && known(&n) {
                self.record(o, n);
                return;
            }
        } else if known(&o) && known(&n) {
            if o == n {
                self.pruned += 1;
            } else {
                self.record(o, n);
            }
            return;
        }
        let Some(var) = self.pick(&o, &n) else {
            self.undecided += 1;
            return;
        };
        if !self.vars[var].exact && !self.inexact.contains(&var) {
            self.inexact.push(var);
        }
        for c in 0..self.vars[var].domain.len() {
            self.set(var, Some(c));
            self.step();
            if self.done() {
                break;
            }
        }
        self.set(var, None);
    }

    /// The next variable: one both undetermined sides wait on, else one either does.
    fn pick(&self, o: &Res, n: &Res) -> Option<usize> {
        let vars = |r: &Res, side: &Side<'_>| -> Vec<usize> {
            match r {
                Res::Unknown(fs) => fs
                    .iter()
                    .filter_map(|f| side.var_of[*f])
                    .filter(|v| self.assign[*v].is_none() && !self.vars[*v].domain.is_empty())
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (a, b) = (vars(o, &self.old), vars(n, &self.new));
        a.iter()
            .find(|v| b.contains(v))
            .or(a.first())
            .or(b.first())
            .copied()
    }

    fn record(&mut self, o: Res, n: Res) {
        let show = |r: &Res| match r {
            Res::Known(s) => s.clone(),
            Res::Conflict => "conflict between exceptions".into(),
            Res::Unknown(_) => "undetermined".into(),
        };
        let (so, sn) = (show(&o), show(&n));
        if let Some(f) = self.found.iter_mut().find(|f| f.old == so && f.new == sn) {
            f.more += 1;
            return;
        }
        let saved = self.assign.clone();
        // Drop every fact the two results do not need, last assigned first.
        for var in (0..self.vars.len()).rev() {
            let Some(c) = self.assign[var] else { continue };
            self.set(var, None);
            let (o2, n2) = self.results();
            if o2 != o || n2 != n {
                self.set(var, Some(c));
            }
        }
        self.found.push(Found {
            assign: self.assign.clone(),
            old: so,
            new: sn,
            more: 0,
        });
        for (var, c) in saved.into_iter().enumerate() {
            self.set(var, c);
        }
    }
}
