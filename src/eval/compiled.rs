//! Decision diagrams made once per program, and cut down to each case's answers.
//!
//! [`super::exact`] builds a result's diagram case by case, evaluating the rule with
//! Kleene's logic at every step. Where everything a result reads comes down to facts
//! with few answers (yes/no, one of a list, a set of up to four values) — no numbers,
//! dates or text — its diagram with *no* fact known is a complete table of the result,
//! and is the same for every case. So it is made once, the first time a case needs it,
//! and each case then only **restricts** it: a node asking a fact the case gives is
//! replaced by the child for the answer; a node asking an unknown fact keeps its children,
//! restricted in turn, and is dropped when they come out equal. Nodes are shared and
//! equal nodes are one node, so the result is the same reduced diagram
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
use std::collections::HashMap;

use super::Engine;
use super::exact::{self, Node, NodeId, Settled, Target};
use crate::check::{DutyId, Expr, FactId, Name, Program, RuleId};
use crate::value::{Type, Value};

/// How many cases needing diagrams an engine evaluates before it compiles them.
pub const COMPILE_AFTER: usize = 4;

/// The most nodes the compiled diagrams of one program may have together.
pub const BUDGET: usize = 20_000;

/// The compiled diagrams of one program.
pub(super) struct Compiled {
    /// Each rule's root, when it is compiled.
    rules: Vec<Option<NodeId>>,
    duties: Vec<Option<NodeId>>,
    /// `fact` is `u32::MAX` for a leaf (then `kids` indexes `leaves`).
    nodes: Vec<Packed>,
    kids: Vec<NodeId>,
    leaves: Vec<Settled>,
    /// Branch nodes by the hash of (fact, children), for restricted nodes equal to one of
    /// them: the latest node with that hash; `chain` links each to the one before.
    unique: HashMap<u64, NodeId, exact::Fast>,
    chain: Vec<NodeId>,
}

#[derive(Clone, Copy, Default)]
struct Packed {
    fact: u32,
    start: u32,
    len: u32,
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
        let (nodes, roots) = exact::Diagrams::compile(engine, &targets, BUDGET)?;
        let mut c = Compiled {
            rules: vec![None; p.rules.len()],
            duties: vec![None; p.duties.len()],
            nodes: Vec::with_capacity(nodes.len()),
            kids: Vec::new(),
            leaves: Vec::new(),
            unique: HashMap::default(),
            chain: Vec::new(),
        };
        for (id, node) in nodes.into_iter().enumerate() {
            let packed = match node {
                Node::Leaf(settled, _) => {
                    c.leaves.push(settled);
                    Packed {
                        fact: u32::MAX,
                        start: (c.leaves.len() - 1) as u32,
                        len: 0,
                    }
                }
                Node::Branch(f, ks) => {
                    let start = c.kids.len() as u32;
                    c.kids.extend_from_slice(&ks);
                    let previous = c.unique.insert(key_hash(f, &ks), id as NodeId);
                    c.chain.resize(id, NONE);
                    c.chain.push(previous.unwrap_or(NONE));
                    Packed {
                        fact: f as u32,
                        start,
                        len: ks.len() as u32,
                    }
                }
            };
            c.nodes.push(packed);
        }
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
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// One case's restriction of the compiled diagrams.
#[derive(Default)]
struct Scratch {
    /// Per compiled node: (the case it was restricted for, the restricted node).
    memo: Vec<(u32, NodeId)>,
    case: u32,
    /// Restricted nodes that are not compiled nodes: (fact, children), numbered on from
    /// the compiled nodes.
    extra: Vec<Packed>,
    extra_kids: Vec<NodeId>,
    /// The same for the restricted nodes, numbered from 0 here.
    extra_unique: HashMap<u64, NodeId, exact::Fast>,
    extra_chain: Vec<NodeId>,
    seen: Vec<u32>,
    walk: u32,
    /// Restricted children being worked out.
    buf: Vec<NodeId>,
    /// Per fact, the child its answer selects (`u32::MAX` when unknown).
    answers: Vec<u32>,
}

/// Restricts compiled diagrams to one case's facts.
pub(super) struct Restrictor<'a> {
    c: &'a Compiled,
}

impl<'a> Restrictor<'a> {
    pub fn new(c: &'a Compiled, program: &'a Program, facts: &'a [Option<Value>]) -> Self {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.case = s.case.wrapping_add(1);
            if s.case == 0 {
                s.memo.iter_mut().for_each(|m| m.0 = 0);
                s.case = 1;
            }
            s.memo.resize(c.nodes.len(), (0, 0));
            // Each fact's answer as the child it selects, once per case.
            s.answers.clear();
            s.answers.extend((0..facts.len()).map(|f| {
                facts[f]
                    .as_ref()
                    .and_then(|v| answer_index(v, program, f))
                    .map_or(u32::MAX, |i| i as u32)
            }));
            s.extra.clear();
            s.extra_kids.clear();
            s.extra_unique.clear();
            s.extra_chain.clear();
            s.buf.clear();
        });
        Restrictor { c }
    }

    /// The exact value (if determined) and the missing facts of a compiled result.
    pub fn answer(&self, root: NodeId) -> (Option<Value>, Vec<FactId>) {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let r = self.restrict(&mut s, root);
            match self.leaf(r) {
                Some(Ok(Some(v))) => (Some(v.clone()), Vec::new()),
                _ => (None, self.facts_of(&mut s, r)),
            }
        })
    }

    fn leaf(&self, n: NodeId) -> Option<&Settled> {
        let p = self.c.nodes.get(n as usize)?;
        (p.fact == u32::MAX).then(|| &self.c.leaves[p.start as usize])
    }

    fn restrict(&self, s: &mut Scratch, n: NodeId) -> NodeId {
        let p = self.c.nodes[n as usize];
        if p.fact == u32::MAX {
            return n;
        }
        let (stamp, known) = s.memo[n as usize];
        if stamp == s.case {
            return known;
        }
        let f = p.fact as FactId;
        let kids = &self.c.kids[p.start as usize..(p.start + p.len) as usize];
        let out = match s.answers[f] as usize {
            i if i < kids.len() => self.restrict(s, kids[i]),
            _ => {
                // The restricted children go on the scratch stack, innermost last.
                let base = s.buf.len();
                for &k in kids {
                    let r = self.restrict(s, k);
                    s.buf.push(r);
                }
                let new = &s.buf[base..];
                let out = if new.iter().all(|&k| k == new[0]) {
                    new[0]
                } else if new == kids {
                    n
                } else {
                    self.canonical(s, f, base)
                };
                s.buf.truncate(base);
                out
            }
        };
        s.memo[n as usize] = (s.case, out);
        out
    }

    /// The one node asking `f` with the children on the scratch stack from `base`
    /// (nothing is allocated but the node itself, when it is new).
    fn canonical(&self, s: &mut Scratch, f: FactId, base: usize) -> NodeId {
        let h = key_hash(f, &s.buf[base..]);
        let mut at = self.c.unique.get(&h).copied().unwrap_or(NONE);
        while at != NONE {
            let p = self.c.nodes[at as usize];
            if p.fact as FactId == f
                && self.c.kids[p.start as usize..(p.start + p.len) as usize] == s.buf[base..]
            {
                return at;
            }
            at = self.c.chain.get(at as usize).copied().unwrap_or(NONE);
        }
        let mut at = s.extra_unique.get(&h).copied().unwrap_or(NONE);
        while at != NONE {
            let p = s.extra[at as usize];
            if p.fact as FactId == f
                && s.extra_kids[p.start as usize..(p.start + p.len) as usize] == s.buf[base..]
            {
                return (self.c.nodes.len() + at as usize) as NodeId;
            }
            at = s.extra_chain[at as usize];
        }
        let k = s.extra.len();
        let start = s.extra_kids.len();
        for i in base..s.buf.len() {
            let kid = s.buf[i];
            s.extra_kids.push(kid);
        }
        s.extra.push(Packed {
            fact: f as u32,
            start: start as u32,
            len: (s.buf.len() - base) as u32,
        });
        let previous = s.extra_unique.insert(h, k as NodeId);
        s.extra_chain.push(previous.unwrap_or(NONE));
        (self.c.nodes.len() + k) as NodeId
    }

    /// The facts a restricted diagram asks, in declaration order.
    fn facts_of(&self, s: &mut Scratch, root: NodeId) -> Vec<FactId> {
        let total = self.c.nodes.len() + s.extra.len();
        s.walk = s.walk.wrapping_add(1);
        if s.walk == 0 {
            s.seen.iter_mut().for_each(|m| *m = 0);
            s.walk = 1;
        }
        s.seen.resize(total, 0);
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            if s.seen[n as usize] == s.walk {
                continue;
            }
            s.seen[n as usize] = s.walk;
            match self.c.nodes.get(n as usize) {
                Some(p) if p.fact == u32::MAX => {}
                Some(p) => {
                    out.push(p.fact as FactId);
                    stack.extend_from_slice(
                        &self.c.kids[p.start as usize..(p.start + p.len) as usize],
                    );
                }
                None => {
                    let p = s.extra[n as usize - self.c.nodes.len()];
                    out.push(p.fact as FactId);
                    stack.extend_from_slice(
                        &s.extra_kids[p.start as usize..(p.start + p.len) as usize],
                    );
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// No node: the end of a hash chain.
const NONE: NodeId = NodeId::MAX;

/// The hash of a branch node's fact and children.
fn key_hash(f: FactId, kids: &[NodeId]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write_usize(f);
    for &k in kids {
        h.write_u32(k);
    }
    h.finish()
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
