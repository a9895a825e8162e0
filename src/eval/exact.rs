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
use std::hash::{BuildHasherDefault, Hasher};

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
type Settled = Result<Option<Value>, ()>;

/// A node of a diagram, by its index in [`Diagrams::nodes`].
pub type NodeId = u32;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Node {
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
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Fast = BuildHasherDefault<Fx>;

/// The diagrams of one case's undetermined results, sharing nodes.
pub struct Diagrams {
    nodes: Vec<Node>,
    unique: HashMap<Node, NodeId, Fast>,
    /// For each combination of a result's inputs already worked out, its node.
    memo: HashMap<(Target, Vec<NodeId>), NodeId, Fast>,
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
}

impl Diagrams {
    /// Diagrams for a case's facts, given the rule values worked out so far.
    pub fn new(facts: &[Option<Value>], values: &[Option<Value>]) -> Diagrams {
        let rules = values.len();
        Diagrams {
            nodes: Vec::new(),
            unique: HashMap::default(),
            memo: HashMap::default(),
            rules_node: vec![None; rules],
            facts_node: vec![None; facts.len()],
            facts: facts.to_vec(),
            rules: values.to_vec(),
            missing: vec![Vec::new(); rules],
            seen: Vec::new(),
            walk: 0,
        }
    }

    /// Record a rule Kleene determined, for the rules that read it.
    pub fn known(&mut self, r: RuleId, value: &Value) {
        self.rules[r] = Some(value.clone());
    }

    /// The exact value (if determined) and the missing facts of a result Kleene left
    /// unknown. Rules must be refined in evaluation order.
    pub fn refine(&mut self, engine: &Engine<'_>, target: Target) -> (Option<Value>, Vec<FactId>) {
        let program = engine.program;
        let (fact_refs, rule_refs) = engine.refs(target);
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
        let root = self.apply(engine, target, &slots, inputs);
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

    /// The diagram of `target` over its inputs' diagrams (parallel to `slots`).
    fn apply(
        &mut self,
        engine: &Engine<'_>,
        target: Target,
        slots: &[Slot],
        inputs: Vec<NodeId>,
    ) -> NodeId {
        let key = (target, inputs);
        if let Some(&n) = self.memo.get(&key) {
            return n;
        }
        let inputs = key.1;
        let mut all_leaves = true;
        let mut conflict = false;
        for (slot, &id) in slots.iter().zip(&inputs) {
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
                for (slot, &id) in slots.iter().zip(&inputs) {
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
            let top = inputs
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
                let child: Vec<NodeId> = inputs
                    .iter()
                    .map(|&id| match &self.nodes[id as usize] {
                        Node::Branch(f, ks) if *f == top => ks[i],
                        _ => id,
                    })
                    .collect();
                kids.push(self.apply(engine, target, slots, child));
            }
            if kids.iter().all(|k| *k == kids[0]) {
                kids[0]
            } else {
                self.intern(Node::Branch(top, kids))
            }
        };
        self.memo.insert((target, inputs), node);
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
