//! Exact answers where Kleene's logic stops short.
//!
//! Kleene evaluates `x or not x` to unknown when `x` is unknown, though every answer to
//! `x` makes it true; and it lists `b` as missing from `x when a, y when b, otherwise y`,
//! though `b` never changes the value. So every rule (and duty condition) that Kleene
//! leaves unknown gets its result as a function of the unknown facts, as a reduced,
//! ordered decision diagram (one node per fact asked, one child per answer):
//!
//! ```text
//! pathway: rapid_review when a, rapid_review when a and b, otherwise none   a = ?, b = ?
//!   a = true  → rapid_review          (Kleene settles it: b is never asked)
//!   a = false → none                  a is missing; b never changes the result
//! ```
//!
//! - **One diagram per rule, built from the diagrams of the rules it uses** (each rule is
//!   worked out once per case, however many outcomes and duties depend on it): the facts
//!   and rules it reads are split on one fact at a time, in one order for the whole case
//!   (the facts the program uses most first), and the rule is evaluated with Kleene's
//!   logic at every step, with what is not yet split on unknown.
//! - **A branch is closed as soon as Kleene settles it**: an unknown never becomes known
//!   by answering another fact, so every way of answering the rest gives that value.
//! - **Reduced**: a node whose children are all one node is that node, and equal nodes
//!   are one node (the nodes live in one [`super::dd`] arena, hash-consed), and the work
//!   done for one combination of inputs is reused (a [`super::dd::Computed`] memo). The
//!   diagram is then the canonical one for the order: it is a single value exactly when
//!   every answer gives that value, and a fact appears in it exactly when changing its
//!   answer alone (for some answers to the others) changes the result.
//!
//! A result's missing facts are the facts its diagram asks, and the facts its leaves are
//! still waiting on. Facts with a finite set of answers (yes/no, one of a list, a set of
//! up to ten values) are split on; numbers, dates, text and larger sets are not: they stay
//! unknown, and are missing whenever some leaf waits on them. There is no bound: the work
//! grows with the size of the diagrams, not with the number of combinations of answers.
//!
//! When two exceptions of a rule would both apply with different values under some
//! answers, that leaf is a conflict: a rule using it takes it as unknown, and is a
//! conflict itself only if that leaves it undetermined.

use super::Engine;
pub(super) use super::dd::Settled;
use super::dd::{Arena, Computed, NodeId, View, Walk};
use super::kleene::{self, Env};
use crate::check::{DutyId, FactId, Program, RuleId};
use crate::value::{Type, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Rule(RuleId),
    Duty(DutyId),
}

impl Target {
    /// The target as the operation of a [`Computed`] memo.
    fn op(self) -> u64 {
        match self {
            Target::Rule(r) => r as u64,
            Target::Duty(d) => d as u64 | 1 << 40,
        }
    }
}

/// What the diagrams read for one result: the unknown facts that are split on, and
/// the undetermined rules.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Fact(FactId),
    Rule(RuleId),
}

thread_local! {
    /// The tables of the last case's diagrams on this thread, for the next case.
    static SPARE: std::cell::RefCell<Option<Diagrams>> = const { std::cell::RefCell::new(None) };
}

/// The diagrams of one case's undetermined results, sharing nodes (one [`Arena`]).
pub struct Diagrams {
    arena: Arena,
    /// For each combination of a result's inputs already worked out, its node.
    memo: Computed,
    /// The inputs of the combinations being worked out, innermost last.
    stack: Vec<NodeId>,
    /// The children of the branches being made, innermost last.
    kids: Vec<NodeId>,
    /// Each rule's diagram, once worked out (a leaf for a rule Kleene determined).
    rules_node: Vec<Option<NodeId>>,
    /// Each unknown fact's diagram (one branch to a leaf per answer), once made.
    facts_node: Vec<Option<NodeId>>,
    /// The case's facts and rule values, overwritten where the diagrams read them.
    facts: Vec<Option<Value>>,
    rules: Vec<Option<Value>>,
    missing: Vec<Vec<FactId>>,
    walk: Walk,
    /// The most nodes these diagrams may have (when compiling): past it `over` is set and
    /// every step returns at once.
    budget: usize,
    over: bool,
    /// Steps taken (calls of `apply`), which the budget bounds too: a diagram can take
    /// many steps per node it keeps.
    steps: usize,
}

impl Diagrams {
    /// Diagrams for a case's facts, given the rule values worked out so far. The tables
    /// of the last case evaluated on this thread are reused (emptied), so their memory is
    /// not asked for again case after case; [`Diagrams::finish`] gives them back.
    pub fn new(facts: &[Option<Value>], values: &[Option<Value>]) -> Diagrams {
        let mut d = SPARE
            .with(|spare| spare.borrow_mut().take())
            .unwrap_or_else(Diagrams::empty);
        d.arena.clear(None);
        d.memo.clear();
        d.stack.clear();
        d.kids.clear();
        d.rules_node.clear();
        d.rules_node.resize(values.len(), None);
        d.facts_node.clear();
        d.facts_node.resize(facts.len(), None);
        d.facts.clear();
        d.facts.extend_from_slice(facts);
        d.rules.clear();
        d.rules.extend_from_slice(values);
        d.missing.resize(values.len(), Vec::new());
        d.budget = usize::MAX;
        d.over = false;
        d.steps = 0;
        d
    }

    fn empty() -> Diagrams {
        Diagrams {
            arena: Arena::default(),
            memo: Computed::default(),
            stack: Vec::with_capacity(256),
            kids: Vec::with_capacity(64),
            rules_node: Vec::new(),
            facts_node: Vec::new(),
            facts: Vec::new(),
            rules: Vec::new(),
            missing: Vec::new(),
            walk: Walk::default(),
            budget: usize::MAX,
            over: false,
            steps: 0,
        }
    }

    /// Done with this case: keep the tables for the next one on this thread.
    pub fn finish(self) {
        SPARE.with(|spare| *spare.borrow_mut() = Some(self));
    }

    /// Record a rule Kleene determined, for the rules that read it.
    pub fn known(&mut self, r: RuleId, value: &Value) {
        self.rules[r] = Some(value.clone());
    }

    /// The exact value (if determined) and the missing facts of a result Kleene left
    /// unknown. Rules must be refined in evaluation order.
    pub fn refine(&mut self, engine: &Engine<'_>, target: Target) -> (Option<Value>, Vec<FactId>) {
        let root = self.build(engine, target);
        let result = match self.arena.settled(root) {
            Some(Ok(Some(v))) => (Some(v.clone()), Vec::new()),
            _ => (None, self.walk.facts(None, &self.arena, root)),
        };
        // Rules that read this one see its value as Kleene does: known or unknown.
        if let Target::Rule(r) = target {
            self.rules[r] = result.0.clone();
        }
        result
    }

    /// The diagrams of `targets` with no fact known and no rule worked out, in one arena,
    /// and each target's root: `None` once they pass `budget` nodes, or ten steps for
    /// each node of the budget.
    pub(super) fn compile(
        engine: &Engine<'_>,
        targets: &[Target],
        budget: usize,
    ) -> Option<(Arena, Vec<NodeId>)> {
        let p = engine.program;
        let mut d = Diagrams::empty();
        d.budget = budget;
        d.rules_node.resize(p.rules.len(), None);
        d.facts_node.resize(p.facts.len(), None);
        d.facts.resize(p.facts.len(), None);
        d.rules.resize(p.rules.len(), None);
        d.missing.resize(p.rules.len(), Vec::new());
        let mut roots = Vec::with_capacity(targets.len());
        for &t in targets {
            roots.push(match (t, d.rules_node.get(rule_of(t)).copied().flatten()) {
                (Target::Rule(_), Some(root)) => root,
                _ => d.build(engine, t),
            });
            if d.over {
                return None;
            }
        }
        Some((d.arena, roots))
    }

    /// The diagram of a result Kleene left unknown (rules in evaluation order).
    fn build(&mut self, engine: &Engine<'_>, target: Target) -> NodeId {
        let program = engine.program;
        let (fact_refs, rule_refs) = engine.refs(target);
        // A read-once rule Kleene left unknown has no diagram yet: make it now.
        for &r in rule_refs {
            if self.rules_node[r].is_none() && self.rules[r].is_none() {
                self.refine(engine, Target::Rule(r));
            }
        }
        let mut slots = Vec::new();
        let mut inputs = Vec::new();
        for &f in fact_refs {
            if self.facts[f].is_none() && finite(program.facts[f].ty, program) {
                slots.push(Slot::Fact(f));
                inputs.push(self.fact_node(f, program));
            }
        }
        for &r in rule_refs {
            if let Some(node) = self.rules_node[r] {
                slots.push(Slot::Rule(r));
                inputs.push(node);
            }
        }
        self.stack.clear();
        self.stack.extend_from_slice(&inputs);
        let root = self.apply(engine, target, &slots, 0);
        // Put back what the case says for the next result.
        for slot in &slots {
            match *slot {
                Slot::Fact(f) => self.facts[f] = None,
                Slot::Rule(r) => {
                    self.rules[r] = match self.rules_node[r].and_then(|n| self.arena.settled(n)) {
                        Some(Ok(Some(v))) => Some(v.clone()),
                        _ => None,
                    }
                }
            }
        }
        if let Target::Rule(r) = target {
            self.rules_node[r] = Some(root);
        }
        root
    }

    fn fact_node(&mut self, f: FactId, program: &Program) -> NodeId {
        if let Some(n) = self.facts_node[f] {
            return n;
        }
        self.check_budget();
        let ty = program.facts[f].ty;
        let at = self.kids.len();
        for i in 0..domain_len(ty, program) {
            let leaf = self.arena.leaf(&Ok(Some(answer(ty, i))), &[]);
            self.kids.push(leaf);
        }
        let n = self.arena.branch(None, f, &self.kids[at..]);
        self.kids.truncate(at);
        self.facts_node[f] = Some(n);
        n
    }

    /// Past the budget, every step returns at once.
    fn check_budget(&mut self) {
        if self.arena.len() >= self.budget || self.steps / STEPS_PER_NODE > self.budget {
            self.over = true;
        }
    }

    /// The diagram of `target` over its inputs' diagrams: `stack[base..]`, parallel to
    /// `slots`.
    fn apply(
        &mut self,
        engine: &Engine<'_>,
        target: Target,
        slots: &[Slot],
        base: usize,
    ) -> NodeId {
        self.steps += 1;
        self.check_budget();
        if self.over {
            return 0;
        }
        let len = slots.len();
        let (hash, known) = self.memo.get(target.op(), &self.stack[base..base + len]);
        if let Some(n) = known {
            return n;
        }
        let mut all_leaves = true;
        let mut conflict = false;
        for (k, slot) in slots.iter().enumerate() {
            let known = match self.arena.view(self.stack[base + k]) {
                View::Leaf(settled, _) => {
                    conflict |= settled.is_err();
                    settled.clone().ok().flatten()
                }
                View::Branch(..) => {
                    all_leaves = false;
                    None
                }
            };
            match slot {
                Slot::Fact(f) => self.facts[*f] = known,
                Slot::Rule(r) => self.rules[*r] = known,
            }
        }
        let settled = self.evaluate(engine, target);
        let node = if settled != Ok(None) {
            self.arena.leaf(&settled, &[])
        } else if all_leaves {
            if conflict {
                self.arena.leaf(&Err(()), &[])
            } else {
                for (k, slot) in slots.iter().enumerate() {
                    if let (Slot::Rule(r), View::Leaf(_, waiting)) =
                        (slot, self.arena.view(self.stack[base + k]))
                    {
                        self.missing[*r].clear();
                        self.missing[*r].extend_from_slice(waiting);
                    }
                }
                let waiting = self.waiting(engine, target);
                self.arena.leaf(&Ok(None), &waiting)
            }
        } else {
            // Split on the first fact in the order that some input asks.
            let rank = engine.rank();
            let top = self.stack[base..base + len]
                .iter()
                .filter_map(|&id| match self.arena.view(id) {
                    View::Branch(f, _) => Some(f),
                    View::Leaf(..) => None,
                })
                .min_by_key(|&f| (rank[f], f))
                .unwrap_or_default();
            let n = domain_len(engine.program.facts[top].ty, engine.program);
            let at = self.kids.len();
            for i in 0..n {
                let child = self.stack.len();
                for k in 0..len {
                    let id = self.stack[base + k];
                    let id = match self.arena.view(id) {
                        View::Branch(f, ks) if f == top => ks[i],
                        _ => id,
                    };
                    self.stack.push(id);
                }
                let kid = self.apply(engine, target, slots, child);
                self.kids.push(kid);
                self.stack.truncate(child);
            }
            let node = self.arena.branch(None, top, &self.kids[at..]);
            self.kids.truncate(at);
            node
        };
        self.memo
            .insert(hash, target.op(), &self.stack[base..base + len], node);
        node
    }

    /// Kleene's value of the target with what the scratch tables hold.
    fn evaluate(&self, engine: &Engine<'_>, target: Target) -> Settled {
        let env = Env {
            facts: &self.facts,
            rules: &self.rules,
        };
        match target {
            Target::Rule(r) => kleene::rule_value(&engine.program.rules[r], &env)
                .map(|(v, _)| v)
                .map_err(|_| ()),
            Target::Duty(d) => Ok(match engine.duty_condition(d) {
                None => Some(Value::Bool(true)),
                Some(w) => env.truth(w).map(Value::Bool),
            }),
        }
    }

    /// The facts an unknown target waits on, once every input is a leaf.
    fn waiting(&self, engine: &Engine<'_>, target: Target) -> Vec<FactId> {
        let env = Env {
            facts: &self.facts,
            rules: &self.rules,
        };
        match target {
            Target::Rule(r) => kleene::rule_missing(&engine.program.rules[r], &env, &self.missing),
            Target::Duty(d) => {
                let mut out = Vec::new();
                if let Some(w) = engine.duty_condition(d) {
                    kleene::missing(w, &env, &self.missing, &mut out);
                }
                out.sort_unstable();
                out.dedup();
                out
            }
        }
    }
}

/// Steps allowed per node of the budget when compiling (see [`Diagrams::compile`]).
const STEPS_PER_NODE: usize = 10;

/// The rule a target is, or past every rule for a duty.
fn rule_of(t: Target) -> usize {
    match t {
        Target::Rule(r) => r,
        Target::Duty(_) => usize::MAX,
    }
}

/// Whether a fact of this type is split on (its answers are few enough to list).
pub fn finite(ty: Type, program: &Program) -> bool {
    match ty {
        Type::Bool | Type::Enum(_) => true,
        Type::Set(e) => program.enums[e].variants.len() <= 10,
        _ => false,
    }
}

/// How many answers a fact that is split on has.
fn domain_len(ty: Type, program: &Program) -> usize {
    match ty {
        Type::Bool => 2,
        Type::Enum(e) => program.enums[e].variants.len(),
        Type::Set(e) => 1 << program.enums[e].variants.len(),
        _ => 0,
    }
}

/// Answer `i` of a fact that is split on.
fn answer(ty: Type, i: usize) -> Value {
    match ty {
        Type::Bool => Value::Bool(i == 1),
        Type::Enum(_) => Value::Enum(i as u8),
        _ => Value::Set(i as u64),
    }
}
