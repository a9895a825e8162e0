//! Decision diagrams: the one representation that building ([`super::exact`]), compiling
//! and restricting ([`super::compiled`]) share.
//!
//! A diagram is a node of an [`Arena`]: a **leaf** (a result, and the facts that are never
//! split on that it still waits on) or a **branch** (the fact asked, and one child per
//! answer). Every node lives once in its arena, its children and waited-on facts packed in
//! one pool, and is **hash-consed** through a `hashbrown::HashTable` of node indices: a node
//! equal to one already made is that node, and a branch whose children are all one node is
//! that node. So a diagram is reduced as it is made, equal diagrams have one id, and two
//! results are equal exactly when their ids are.
//!
//! ```text
//! branch(a, [leaf(none), leaf(rapid_review)])   a = false → none, a = true → rapid_review
//! branch(b, [n, n])                             = n: b never changes the result
//! ```
//!
//! An arena can sit **on top of another**: its ids continue where the base's end, and a node
//! equal to one of the base's is the base's. Restricting a compiled diagram to a case puts
//! the nodes the case makes on top of the compiled arena (which is shared, and never
//! changes), so the restricted diagram is canonical across both.
//!
//! [`Computed`] is the memo of an operation over diagrams (a result's diagram from its
//! inputs' diagrams), keyed by the operation and its input nodes, through the same kind of
//! table. [`Restriction`] cuts a base arena's diagrams down to a case's answers.

use std::hash::{Hash, Hasher};

use hashbrown::HashTable;
use rustc_hash::FxHasher;

use crate::check::FactId;
use crate::value::Value;

/// A result under some answers: `Err` for a conflict between exceptions.
pub(super) type Settled = Result<Option<Value>, ()>;

/// A node, by its place in an arena (and the arena below it).
pub type NodeId = u32;

/// `Packed::fact` of a leaf.
const LEAF: u32 = u32::MAX;

/// One node: a branch asks `fact`, its children are `pool[start..start + len]`; a leaf
/// settles to `results[result]` and waits on `waits[start..start + len]`.
#[derive(Clone, Copy)]
struct Packed {
    fact: u32,
    start: u32,
    len: u32,
    result: u32,
}

/// A node as read.
pub(super) enum View<'a> {
    Leaf(&'a Settled, &'a [FactId]),
    Branch(FactId, &'a [NodeId]),
}

/// Nodes, hash-consed; see the module doc.
#[derive(Default)]
pub(super) struct Arena {
    /// The id of `nodes[0]`: 0, or the end of the arena below.
    first: u32,
    nodes: Vec<Packed>,
    /// Branches' children.
    kids: Vec<NodeId>,
    /// Leaves' results and waited-on facts.
    results: Vec<Settled>,
    waits: Vec<FactId>,
    /// Every node, by the index in `nodes`.
    unique: HashTable<u32>,
}

impl Arena {
    /// Empty it (keeping its memory), to sit on `below` (or on nothing).
    pub fn clear(&mut self, below: Option<&Arena>) {
        self.first = below.map_or(0, Arena::end);
        self.nodes.clear();
        self.kids.clear();
        self.results.clear();
        self.waits.clear();
        self.unique.clear();
    }

    /// The id after the last node.
    pub fn end(&self) -> u32 {
        self.first + self.nodes.len() as u32
    }

    /// How many nodes this arena holds (not counting the one below).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// A node of this arena.
    #[inline]
    pub fn view(&self, id: NodeId) -> View<'_> {
        let p = self.nodes[(id - self.first) as usize];
        let (start, end) = (p.start as usize, (p.start + p.len) as usize);
        if p.fact == LEAF {
            View::Leaf(&self.results[p.result as usize], &self.waits[start..end])
        } else {
            View::Branch(p.fact as FactId, &self.kids[start..end])
        }
    }

    /// The fact a branch of this arena asks and its children; `None` for a leaf.
    #[inline]
    pub fn branch_at(&self, id: NodeId) -> Option<(FactId, &[NodeId])> {
        let p = self.nodes[(id - self.first) as usize];
        (p.fact != LEAF).then(|| {
            (
                p.fact as FactId,
                &self.kids[p.start as usize..(p.start + p.len) as usize],
            )
        })
    }

    /// The result of a leaf of this arena; `None` for a branch.
    #[inline]
    pub fn settled(&self, id: NodeId) -> Option<&Settled> {
        match self.view(id) {
            View::Leaf(settled, _) => Some(settled),
            View::Branch(..) => None,
        }
    }

    /// The leaf for `settled`, waiting on `waits` (sorted).
    pub fn leaf(&mut self, settled: &Settled, waits: &[FactId]) -> NodeId {
        let hash = leaf_hash(settled, waits);
        let found = self.unique.find(hash, |&i| {
            let p = self.nodes[i as usize];
            p.fact == LEAF
                && self.results[p.result as usize] == *settled
                && self.waits[p.start as usize..(p.start + p.len) as usize] == *waits
        });
        if let Some(&i) = found {
            return self.first + i;
        }
        let p = Packed {
            fact: LEAF,
            start: self.waits.len() as u32,
            len: waits.len() as u32,
            result: self.results.len() as u32,
        };
        self.results.push(settled.clone());
        self.waits.extend_from_slice(waits);
        self.push(p, hash)
    }

    /// The node asking `fact` with these children (one per answer): the child itself
    /// when they are all one node, a node of `below` when it has this one.
    pub fn branch(&mut self, below: Option<&Arena>, fact: FactId, kids: &[NodeId]) -> NodeId {
        if let Some((&first, rest)) = kids.split_first()
            && rest.iter().all(|&k| k == first)
        {
            return first;
        }
        let hash = branch_hash(fact, kids);
        // A node is in this arena only if it is not in the one below, so the order of the
        // two looks does not matter.
        if let Some(id) = self.find_branch(hash, fact, kids) {
            return id;
        }
        if let Some(id) = below.and_then(|b| b.find_branch(hash, fact, kids)) {
            return id;
        }
        let p = Packed {
            fact: fact as u32,
            start: self.kids.len() as u32,
            len: kids.len() as u32,
            result: 0,
        };
        self.kids.extend_from_slice(kids);
        self.push(p, hash)
    }

    #[inline]
    fn find_branch(&self, hash: u64, fact: FactId, kids: &[NodeId]) -> Option<NodeId> {
        self.unique
            .find(hash, |&i| {
                let p = self.nodes[i as usize];
                p.fact as FactId == fact
                    && same(
                        &self.kids[p.start as usize..(p.start + p.len) as usize],
                        kids,
                    )
            })
            .map(|&i| self.first + i)
    }

    fn push(&mut self, p: Packed, hash: u64) -> NodeId {
        let i = self.nodes.len() as u32;
        self.nodes.push(p);
        let Arena {
            nodes,
            kids,
            results,
            waits,
            unique,
            ..
        } = self;
        unique.insert_unique(hash, i, |&j| {
            let p = nodes[j as usize];
            let (start, end) = (p.start as usize, (p.start + p.len) as usize);
            if p.fact == LEAF {
                leaf_hash(&results[p.result as usize], &waits[start..end])
            } else {
                branch_hash(p.fact as FactId, &kids[start..end])
            }
        });
        self.first + i
    }
}

/// Slice equality for the short slices of children, without a call to `memcmp`.
#[inline]
fn same(a: &[NodeId], b: &[NodeId]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

#[inline]
fn branch_hash(fact: FactId, kids: &[NodeId]) -> u64 {
    let mut h = FxHasher::default();
    h.write_usize(fact);
    for &k in kids {
        h.write_u32(k);
    }
    h.finish()
}

fn leaf_hash(settled: &Settled, waits: &[FactId]) -> u64 {
    let mut h = FxHasher::default();
    h.write_u32(LEAF);
    settled.hash(&mut h);
    waits.hash(&mut h);
    h.finish()
}

/// Marks for walking diagrams, reused from walk to walk.
#[derive(Default)]
pub(super) struct Walk {
    seen: Vec<u32>,
    stamp: u32,
    stack: Vec<NodeId>,
}

impl Walk {
    /// The facts the diagram at `root` (in `top`, over `below`) asks, and those its leaves
    /// wait on, in declaration order.
    pub fn facts(&mut self, below: Option<&Arena>, top: &Arena, root: NodeId) -> Vec<FactId> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.iter_mut().for_each(|m| *m = 0);
            self.stamp = 1;
        }
        self.seen.resize(top.end() as usize, 0);
        let mut out = Vec::new();
        self.stack.clear();
        self.stack.push(root);
        while let Some(n) = self.stack.pop() {
            if self.seen[n as usize] == self.stamp {
                continue;
            }
            self.seen[n as usize] = self.stamp;
            let arena = match below {
                Some(b) if n < top.first => b,
                _ => top,
            };
            let p = arena.nodes[(n - arena.first) as usize];
            let (start, end) = (p.start as usize, (p.start + p.len) as usize);
            if p.fact == LEAF {
                out.extend_from_slice(&arena.waits[start..end]);
            } else {
                out.push(p.fact as FactId);
                self.stack.extend_from_slice(&arena.kids[start..end]);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// What an operation over diagrams gave for inputs already seen: (the operation, its
/// input nodes) → the node it made.
#[derive(Default)]
pub(super) struct Computed {
    /// Every entry, by its index in `entries`.
    table: HashTable<u32>,
    entries: Vec<Entry>,
    inputs: Vec<NodeId>,
}

#[derive(Clone, Copy)]
struct Entry {
    hash: u64,
    op: u64,
    start: u32,
    len: u32,
    node: NodeId,
}

impl Computed {
    pub fn clear(&mut self) {
        self.table.clear();
        self.entries.clear();
        self.inputs.clear();
    }

    /// The key's hash, and the node already made for it.
    pub fn get(&self, op: u64, inputs: &[NodeId]) -> (u64, Option<NodeId>) {
        let mut h = FxHasher::default();
        h.write_u64(op);
        for &i in inputs {
            h.write_u32(i);
        }
        let hash = h.finish();
        let found = self.table.find(hash, |&e| {
            let e = self.entries[e as usize];
            e.op == op
                && same(
                    &self.inputs[e.start as usize..(e.start + e.len) as usize],
                    inputs,
                )
        });
        (hash, found.map(|&e| self.entries[e as usize].node))
    }

    /// Remember `node` for the key `get` hashed to `hash`.
    pub fn insert(&mut self, hash: u64, op: u64, inputs: &[NodeId], node: NodeId) {
        let e = self.entries.len() as u32;
        self.entries.push(Entry {
            hash,
            op,
            start: self.inputs.len() as u32,
            len: inputs.len() as u32,
            node,
        });
        self.inputs.extend_from_slice(inputs);
        let entries = &self.entries;
        self.table
            .insert_unique(hash, e, |&j| entries[j as usize].hash);
    }
}

/// One case's restriction of the diagrams of a base arena: each node asking a fact the
/// case answers is replaced by the child for the answer, and the nodes this makes go on
/// top of the base.
#[derive(Default)]
pub(super) struct Restriction {
    top: Arena,
    /// Per base node: (the restriction it was worked out in, the restricted node).
    memo: Vec<(u32, NodeId)>,
    stamp: u32,
    /// Per fact, the child its answer selects (`u32::MAX` when unknown).
    answers: Vec<u32>,
    /// Restricted children being worked out, innermost last.
    buf: Vec<NodeId>,
    walk: Walk,
}

impl Restriction {
    /// Start a restriction of `base`'s diagrams to these answers (one per fact).
    pub fn start(&mut self, base: &Arena, answers: impl Iterator<Item = u32>) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.memo.iter_mut().for_each(|m| m.0 = 0);
            self.stamp = 1;
        }
        self.memo.resize(base.len(), (0, 0));
        self.answers.clear();
        self.answers.extend(answers);
        self.top.clear(Some(base));
        self.buf.clear();
    }

    /// The diagram at `n` restricted to the answers.
    pub fn restrict(&mut self, base: &Arena, n: NodeId) -> NodeId {
        let (stamp, known) = self.memo[n as usize];
        if stamp == self.stamp {
            return known;
        }
        let Some((f, kids)) = base.branch_at(n) else {
            return n;
        };
        let out = match self.answers[f] as usize {
            i if i < kids.len() => self.restrict(base, kids[i]),
            _ => {
                let at = self.buf.len();
                for &k in kids {
                    let r = self.restrict(base, k);
                    self.buf.push(r);
                }
                let out = if same(&self.buf[at..], kids) {
                    n
                } else {
                    self.top.branch(Some(base), f, &self.buf[at..])
                };
                self.buf.truncate(at);
                out
            }
        };
        self.memo[n as usize] = (self.stamp, out);
        out
    }

    /// The result of a restricted node when it is a leaf (leaves are never made on top).
    pub fn settled<'a>(&self, base: &'a Arena, n: NodeId) -> Option<&'a Settled> {
        (n < base.end()).then(|| base.settled(n)).flatten()
    }

    /// The facts a restricted diagram asks, in declaration order.
    pub fn facts(&mut self, base: &Arena, root: NodeId) -> Vec<FactId> {
        self.walk.facts(Some(base), &self.top, root)
    }
}
