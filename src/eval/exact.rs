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
//!   are one node (so the work done for one combination of inputs is reused). The
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

use std::collections::HashMap;
use std::hash::Hasher;

use super::Engine;
use super::kleene::{self, Env};
use crate::check::{DutyId, FactId, Program, RuleId};
use crate::value::{Type, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Rule(RuleId),
    Duty(DutyId),
}

/// A result under some answers: `Err` for a conflict between exceptions.
pub(super) type Settled = Result<Option<Value>, ()>;

/// A node of a diagram, by its index in [`Diagrams::nodes`].
pub type NodeId = u32;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Node {
    /// A result, and the facts that are never split on (numbers, dates…) it waits on.
    Leaf(Settled, Vec<FactId>),
    /// The fact asked, and the node for each of its answers (in [`answer`] order).
    Branch(FactId, Vec<NodeId>),
}

/// What the diagrams read for one result: the unknown facts that are split on, and
/// the undetermined rules.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Fact(FactId),
    Rule(RuleId),
}

/// A fast hasher for node and memo keys (small integers): SipHash dominated the profile.
pub(super) type Fast = rustc_hash::FxBuildHasher;

thread_local! {
    /// The tables of the last case's diagrams on this thread, for the next case.
    static SPARE: std::cell::RefCell<Option<Diagrams>> = const { std::cell::RefCell::new(None) };
}

/// The diagrams of one case's undetermined results, sharing nodes.
pub struct Diagrams {
    nodes: Vec<Node>,
    unique: HashMap<Node, NodeId, Fast>,
    /// For each combination of a result's inputs already worked out, its node: the
    /// hash of (result, inputs) → the latest entry with that hash.
    memo: HashMap<u64, u32, Fast>,
    /// (result, where its inputs start in `memo_inputs`, the node, the previous entry
    /// with the same hash or `u32::MAX`).
    entries: Vec<(Target, u32, NodeId, u32)>,
    memo_inputs: Vec<NodeId>,
    /// The inputs of the combinations being worked out, innermost last.
    stack: Vec<NodeId>,
    /// Each rule's diagram, once worked out (a leaf for a rule Kleene determined).
    rules_node: Vec<Option<NodeId>>,
    /// Each unknown fact's diagram (one branch to a leaf per answer), once made.
    facts_node: Vec<Option<NodeId>>,
    /// The case's facts and rule values, overwritten where the diagrams read them.
    facts: Vec<Option<Value>>,
    rules: Vec<Option<Value>>,
    missing: Vec<Vec<FactId>>,
    /// Marks for walking one diagram.
    seen: Vec<u32>,
    walk: u32,
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
        d.nodes.clear();
        d.unique.clear();
        d.memo.clear();
        d.entries.clear();
        d.memo_inputs.clear();
        d.stack.clear();
        d.rules_node.clear();
        d.rules_node.resize(values.len(), None);
        d.facts_node.clear();
        d.facts_node.resize(facts.len(), None);
        d.facts.clear();
        d.facts.extend_from_slice(facts);
        d.rules.clear();
        d.rules.extend_from_slice(values);
        d.missing.resize(values.len(), Vec::new());
        d.seen.clear();
        d.walk = 0;
        d.budget = usize::MAX;
        d.over = false;
        d.steps = 0;
        d
    }

    fn empty() -> Diagrams {
        Diagrams {
            nodes: Vec::with_capacity(256),
            unique: HashMap::with_capacity_and_hasher(256, Fast::default()),
            memo: HashMap::with_capacity_and_hasher(1024, Fast::default()),
            entries: Vec::with_capacity(1024),
            memo_inputs: Vec::with_capacity(4096),
            stack: Vec::with_capacity(256),
            rules_node: Vec::new(),
            facts_node: Vec::new(),
            facts: Vec::new(),
            rules: Vec::new(),
            missing: Vec::new(),
            seen: Vec::new(),
            walk: 0,
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
        let result = match &self.nodes[root as usize] {
            Node::Leaf(Ok(Some(v)), _) => (Some(v.clone()), Vec::new()),
            _ => (None, self.missing_of(root)),
        };
        // Rules that read this one see its value as Kleene does: known or unknown.
        if let Target::Rule(r) = target {
            self.rules[r] = result.0.clone();
        }
        result
    }

    /// The diagrams of `targets` with no fact known and no rule worked out, sharing
    /// nodes, and each target's root: `None` once they pass `budget` nodes, or ten steps
    /// for each node of the budget.
    pub(super) fn compile(
        engine: &Engine<'_>,
        targets: &[Target],
        budget: usize,
    ) -> Option<(Vec<Node>, Vec<NodeId>)> {
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
        Some((d.nodes, roots))
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
                    self.rules[r] = match self.rules_node[r].map(|n| &self.nodes[n as usize]) {
                        Some(Node::Leaf(Ok(Some(v)), _)) => Some(v.clone()),
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
        let ty = program.facts[f].ty;
        let kids = (0..domain_len(ty, program))
            .map(|i| self.intern(Node::Leaf(Ok(Some(answer(ty, i))), Vec::new())))
            .collect();
        let n = self.intern(Node::Branch(f, kids));
        self.facts_node[f] = Some(n);
        n
    }

    fn intern(&mut self, node: Node) -> NodeId {
        if self.nodes.len() >= self.budget {
            self.over = true;
        }
        if let Some(&id) = self.unique.get(&node) {
            return id;
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node.clone());
        self.unique.insert(node, id);
        id
    }

    /// The facts a diagram asks, and those its leaves wait on, in declaration order.
    fn missing_of(&mut self, root: NodeId) -> Vec<FactId> {
        self.walk += 1;
        self.seen.resize(self.nodes.len(), 0);
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if self.seen[n as usize] == self.walk {
                continue;
            }
            self.seen[n as usize] = self.walk;
            match &self.nodes[n as usize] {
                Node::Leaf(_, waiting) => out.extend_from_slice(waiting),
                Node::Branch(f, kids) => {
                    out.push(*f);
                    stack.extend_from_slice(kids);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn memo_key(target: Target, inputs: &[NodeId]) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        match target {
            Target::Rule(r) => h.write_usize(r),
            Target::Duty(d) => h.write_usize(d | 1 << 40),
        }
        for &i in inputs {
            h.write_u32(i);
        }
        h.finish()
    }

    fn recall(&self, key: u64, target: Target, inputs: &[NodeId]) -> Option<NodeId> {
        let mut at = *self.memo.get(&key)?;
        while at != u32::MAX {
            let (t, start, node, previous) = self.entries[at as usize];
            let start = start as usize;
            if t == target && self.memo_inputs[start..start + inputs.len()] == *inputs {
                return Some(node);
            }
            at = previous;
        }
        None
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
        if self.over || self.steps / STEPS_PER_NODE > self.budget {
            self.over = true;
            return 0;
        }
        let len = slots.len();
        let key = Self::memo_key(target, &self.stack[base..base + len]);
        if let Some(n) = self.recall(key, target, &self.stack[base..base + len]) {
            return n;
        }
        let mut all_leaves = true;
        let mut conflict = false;
        for (k, slot) in slots.iter().enumerate() {
            let id = self.stack[base + k];
            let known = match &self.nodes[id as usize] {
                Node::Leaf(settled, _) => {
                    conflict |= settled.is_err();
                    settled.clone().ok().flatten()
                }
                Node::Branch(..) => {
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
            self.intern(Node::Leaf(settled, Vec::new()))
        } else if all_leaves {
            if conflict {
                self.intern(Node::Leaf(Err(()), Vec::new()))
            } else {
                for (k, slot) in slots.iter().enumerate() {
                    let id = self.stack[base + k];
                    if let (Slot::Rule(r), Node::Leaf(_, waiting)) =
                        (slot, &self.nodes[id as usize])
                    {
                        self.missing[*r].clone_from(waiting);
                    }
                }
                let waiting = self.waiting(engine, target);
                self.intern(Node::Leaf(Ok(None), waiting))
            }
        } else {
            // Split on the first fact in the order that some input asks.
            let rank = engine.rank();
            let top = self.stack[base..base + len]
                .iter()
                .filter_map(|&id| match &self.nodes[id as usize] {
                    Node::Branch(f, _) => Some(*f),
                    Node::Leaf(..) => None,
                })
                .min_by_key(|&f| (rank[f], f))
                .unwrap_or_default();
            let n = domain_len(engine.program.facts[top].ty, engine.program);
            let mut kids = Vec::with_capacity(n);
            for i in 0..n {
                let child = self.stack.len();
                for k in 0..len {
                    let id = self.stack[base + k];
                    let id = match &self.nodes[id as usize] {
                        Node::Branch(f, ks) if *f == top => ks[i],
                        _ => id,
                    };
                    self.stack.push(id);
                }
                kids.push(self.apply(engine, target, slots, child));
                self.stack.truncate(child);
            }
            if kids.iter().all(|k| *k == kids[0]) {
                kids[0]
            } else {
                self.intern(Node::Branch(top, kids))
            }
        };
        let start = self.memo_inputs.len() as u32;
        self.memo_inputs
            .extend_from_slice(&self.stack[base..base + len]);
        let previous = self.memo.insert(key, self.entries.len() as u32);
        self.entries
            .push((target, start, node, previous.unwrap_or(u32::MAX)));
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
