//! Decision diagrams made once per program, and cut down to each case's answers.
//!
//! [`super::exact`] builds a result's diagram case by case, evaluating the rule with
//! Kleene's logic at every step. Where everything a result reads comes down to facts
//! with few answers (yes/no, one of a list, a set of up to four values) — no numbers,
//! dates or text — its diagram with *no* fact known is a complete table of the result,
//! and is the same for every case. So it is made once, the first time a case needs it,
//! and each case then only **restricts** it: a node asking a fact the case gives is
//! replaced by the child for the answer; a node asking an unknown fact keeps its children,
//! restricted in turn, and is dropped when they come out equal. The compiled diagrams
//! keep the `dd` arena they were built in; a case's restriction makes its new
//! nodes in an arena on top of it, hash-consed across both, so the result is the same
//! reduced diagram
//! [`super::exact`] would have built for that case (one order of facts for both): a
//! single value exactly when every answer gives it, and a fact appears in it exactly
//! when its answer alone can change the result. The cost of a case is a walk of the part
//! of the diagram its answers leave open, with no rule evaluated.
//!
//! Results whose reading reaches a number, a date, text or a larger set keep the
//! case-by-case diagrams, and so does every result of a program whose diagrams would pass
//! [`BUDGET`] nodes, or take more than ten steps a node of it to make: compiling gives up
//! there (a fraction of a second), rather than stall the case that set it off. Read-once
//! results are never compiled (Kleene answers them; a result that reads one makes its
//! diagram as it goes).

use std::cell::RefCell;

use super::Engine;
use super::dd::{Arena, NodeId, Restriction};
use super::exact::{self, Target};
use crate::check::{DutyId, Expr, FactId, Name, Program, RuleId};
use crate::value::{Type, Value};

/// How many cases needing diagrams an engine evaluates before it compiles them.
pub const COMPILE_AFTER: usize = 4;

/// The most nodes the compiled diagrams of one program may have together.
pub const BUDGET: usize = 20_000;

/// The compiled diagrams of one program: the arena they were built in, and each result's
/// root in it.
pub(super) struct Compiled {
    /// Each rule's root, when it is compiled.
    rules: Vec<Option<NodeId>>,
    duties: Vec<Option<NodeId>>,
    arena: Arena,
}

impl Compiled {
    /// The results of `program` that can be compiled, compiled; `None` when none can be
    /// or they pass the budget.
    pub fn of(engine: &Engine<'_>) -> Option<Compiled> {
        let p = engine.program;
        let closed = closed_results(p);
        let targets: Vec<Target> = p
            .order
            .iter()
            // A read-once result never needs its diagram (one that reads it makes it).
            .filter(|&&r| closed.rules[r] && !engine.tables.read_once.rules[r])
            .map(|&r| Target::Rule(r))
            .chain(
                (0..p.duties.len())
                    .filter(|&d| closed.duties[d] && !engine.tables.read_once.duties[d])
                    .map(Target::Duty),
            )
            .collect();
        if targets.is_empty() {
            return None;
        }
        let (arena, roots) = exact::Diagrams::compile(engine, &targets, BUDGET)?;
        let mut c = Compiled {
            rules: vec![None; p.rules.len()],
            duties: vec![None; p.duties.len()],
            arena,
        };
        for (t, root) in targets.into_iter().zip(roots) {
            match t {
                Target::Rule(r) => c.rules[r] = Some(root),
                Target::Duty(d) => c.duties[d] = Some(root),
            }
        }
        Some(c)
    }

    pub fn rule(&self, r: RuleId) -> Option<NodeId> {
        self.rules[r]
    }

    pub fn duty(&self, d: DutyId) -> Option<NodeId> {
        self.duties[d]
    }
}

/// Which results read, through every rule they use, only facts with few answers.
struct Closed {
    rules: Vec<bool>,
    duties: Vec<bool>,
}

fn closed_results(p: &Program) -> Closed {
    let small = |f: FactId| match p.facts[f].ty {
        Type::Bool => true,
        Type::Enum(e) => p.enums[e].variants.len() <= 16,
        Type::Set(e) => p.enums[e].variants.len() <= 4,
        _ => false,
    };
    // Whether expressions read only small facts and closed rules.
    let closed = |exprs: &[&Expr], rules: &[bool]| {
        let mut ok = true;
        for e in exprs {
            e.visit_refs(&mut |n| match n {
                Name::Fact(f) => ok &= small(f),
                Name::Rule(o) => ok &= rules[o],
                Name::Duty(_) => ok = false,
            });
        }
        ok
    };
    let mut rules = vec![false; p.rules.len()];
    for &r in &p.order {
        rules[r] = closed(&p.rules[r].exprs(), &rules);
    }
    let duties = p
        .duties
        .iter()
        .map(|d| closed(&d.when.iter().collect::<Vec<_>>(), &rules))
        .collect();
    Closed { rules, duties }
}

thread_local! {
    /// The scratch tables of the last case restricted on this thread.
    static SCRATCH: RefCell<Restriction> = RefCell::new(Restriction::default());
}

/// Restricts compiled diagrams to one case's facts.
pub(super) struct Restrictor<'a> {
    c: &'a Compiled,
}

impl<'a> Restrictor<'a> {
    pub fn new(c: &'a Compiled, program: &'a Program, facts: &'a [Option<Value>]) -> Self {
        SCRATCH.with(|s| {
            // Each fact's answer as the child it selects, once per case.
            s.borrow_mut().start(
                &c.arena,
                (0..facts.len()).map(|f| {
                    facts[f]
                        .as_ref()
                        .and_then(|v| answer_index(v, program, f))
                        .map_or(u32::MAX, |i| i as u32)
                }),
            );
        });
        Restrictor { c }
    }

    /// The exact value (if determined) and the missing facts of a compiled result.
    pub fn answer(&self, root: NodeId) -> (Option<Value>, Vec<FactId>) {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let base = &self.c.arena;
            let r = s.restrict(base, root);
            match s.settled(base, r) {
                Some(Ok(Some(v))) => (Some(v.clone()), Vec::new()),
                _ => (None, s.facts(base, r)),
            }
        })
    }
}

/// The child a compiled node follows for a fact's answer (see `exact::answer`).
fn answer_index(v: &Value, p: &Program, f: FactId) -> Option<usize> {
    match (v, p.facts[f].ty) {
        (Value::Bool(b), Type::Bool) => Some(usize::from(*b)),
        (Value::Enum(i), Type::Enum(_)) => Some(usize::from(*i)),
        (Value::Set(bits), Type::Set(_)) => usize::try_from(*bits).ok(),
        _ => None,
    }
}
