//! Cited derivation trees: why an outcome has its value, and why not another.
//!
//! A tree's root is a rule, decision or duty. Its children are what settled it: for a
//! plain rule, the facts and rules its expression needed (only the operand that decided
//! an `and`/`or`, when one did); for a rule with exceptions, the exception that applied
//! or the default and the exceptions that did not; for a decision, each branch tried in
//! order up to the one taken. Leaves are facts, marked given or unknown (with the
//! question that would settle them). A rule met a second time is not expanded again.
//!
//! ```text
//! notify_national_panel applies                      [WT18 ch.4 para 12]
//! └── serious_child_safeguarding_case = true          [WT18 ch.4 para 10]
//!     ├── abuse_or_neglect = suspected (given)
//!     └── child_died = true (given)
//! ```

use std::fmt::Write as _;

use super::kleene::{Env, Via};
use super::{Evaluation, is_decision};
use crate::check::{Body, BranchDef, Cite, DutyId, Expr, FactId, Name, Program, RuleId};
use crate::diagnostic::did_you_mean;
use crate::value::{Display, Value};

/// A derivation tree, stored flat: one allocation however many steps it has.
#[derive(Debug, Clone)]
pub struct Tree<'a> {
    nodes: Vec<Slot<'a>>,
}

#[derive(Debug, Clone)]
struct Slot<'a> {
    step: Step<'a>,
    first_child: u32,
    next_sibling: u32,
}

const NONE: u32 = u32::MAX;

impl<'a> Tree<'a> {
    /// The root step.
    pub fn root(&self) -> Node<'_, 'a> {
        Node {
            tree: self,
            index: 0,
        }
    }

    /// How many steps the tree has.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// One step of a derivation tree, with its children.
#[derive(Clone, Copy)]
pub struct Node<'t, 'a> {
    tree: &'t Tree<'a>,
    index: u32,
}

impl<'t, 'a> Node<'t, 'a> {
    pub fn step(&self) -> &'t Step<'a> {
        &self.tree.nodes[self.index as usize].step
    }

    /// The steps that settled this one, in order.
    pub fn children(&self) -> impl Iterator<Item = Node<'t, 'a>> + 't {
        let tree = self.tree;
        let mut next = tree.nodes[self.index as usize].first_child;
        std::iter::from_fn(move || {
            if next == NONE {
                return None;
            }
            let node = Node { tree, index: next };
            next = tree.nodes[next as usize].next_sibling;
            Some(node)
        })
    }
}

/// What one step of a derivation says.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<'a> {
    /// A fact of the case, given or unknown.
    Fact {
        fact: FactId,
        value: &'a Option<Value>,
    },
    /// A rule or decision and its value; `repeated` when explained higher up already.
    Rule {
        rule: RuleId,
        value: &'a Option<Value>,
        via: Via,
        missing: &'a [FactId],
        repeated: bool,
    },
    /// The default of a rule with exceptions.
    Default { rule: RuleId },
    /// An exception of a rule, and whether its condition holds.
    Exception {
        rule: RuleId,
        index: usize,
        holds: Option<bool>,
    },
    /// A branch of a decision, and whether its condition holds.
    Branch {
        rule: RuleId,
        index: usize,
        holds: Option<bool>,
        taken: bool,
    },
    /// A duty and whether it applies.
    Duty {
        duty: DutyId,
        applies: Option<bool>,
        missing: &'a [FactId],
    },
    /// "Why is `rule` not `value`?"
    WhyNot { rule: RuleId, value: Value },
}

/// Builds trees over one evaluation.
pub struct Explainer<'a> {
    program: &'a Program,
    eval: &'a Evaluation,
    seen: Vec<bool>,
    nodes: Vec<Slot<'a>>,
    /// Scratch stacks, reused across steps to avoid allocating per step.
    names: Vec<Name>,
    kids: Vec<u32>,
}

impl<'a> Explainer<'a> {
    pub fn new(program: &'a Program, eval: &'a Evaluation) -> Explainer<'a> {
        Explainer {
            program,
            eval,
            seen: vec![false; program.rules.len()],
            nodes: Vec::with_capacity(32),
            names: Vec::with_capacity(32),
            kids: Vec::with_capacity(32),
        }
    }

    fn env(&self) -> Env<'a> {
        Env {
            facts: &self.eval.facts,
            rules: &self.eval.values,
        }
    }

    /// Forget which rules were explained, so the next tree stands alone (each rule in
    /// it explained in full) while reusing this explainer's buffers.
    pub fn standalone(&mut self) -> &mut Self {
        self.seen.fill(false);
        self
    }

    /// Take the tree built so far; the explainer can build another, and remembers
    /// which rules it has explained already.
    fn finish(&mut self) -> Tree<'a> {
        Tree {
            nodes: std::mem::take(&mut self.nodes),
        }
    }

    fn push(&mut self, step: Step<'a>) -> u32 {
        self.nodes.push(Slot {
            step,
            first_child: NONE,
            next_sibling: NONE,
        });
        (self.nodes.len() - 1) as u32
    }

    /// Attach the children pushed on the scratch stack since `from` under `parent`,
    /// in order, and pop them.
    fn attach(&mut self, parent: u32, from: usize) {
        let mut last = NONE;
        for i in from..self.kids.len() {
            let c = self.kids[i];
            if last == NONE {
                self.nodes[parent as usize].first_child = c;
            } else {
                self.nodes[last as usize].next_sibling = c;
            }
            last = c;
        }
        self.kids.truncate(from);
    }

    /// Why rule `r` has its value.
    pub fn rule(&mut self, r: RuleId) -> Tree<'a> {
        self.rule_node(r);
        self.finish()
    }

    /// Why duty `d` applies, does not, or may.
    pub fn duty(&mut self, d: DutyId) -> Tree<'a> {
        let eval = self.eval;
        let o = &eval.duties[d];
        let root = self.push(Step::Duty {
            duty: d,
            applies: o.applies,
            missing: &o.missing,
        });
        if let Some(w) = &self.program.duties[d].when {
            let from = self.kids.len();
            self.reasons(w);
            self.attach(root, from);
        }
        self.finish()
    }

    fn rule_node(&mut self, r: RuleId) -> u32 {
        let eval = self.eval;
        let program = self.program;
        let o = &eval.outcomes[r];
        let repeated = self.seen[r];
        let root = self.push(Step::Rule {
            rule: r,
            value: &o.value,
            via: o.via,
            missing: &o.missing,
            repeated,
        });
        if repeated {
            return root;
        }
        self.seen[r] = true;
        let via = o.via;
        let children = self.kids.len();
        match &program.rules[r].body {
            Body::Expr(e) => self.reasons(e),
            Body::Default {
                default,
                exceptions,
            } => {
                let applied = match via {
                    Via::Exception(i) => Some(i),
                    _ => None,
                };
                if applied.is_none() {
                    let node = self.push(Step::Default { rule: r });
                    let from = self.kids.len();
                    self.reasons(default);
                    self.attach(node, from);
                    self.kids.push(node);
                }
                for (i, ex) in exceptions.iter().enumerate() {
                    if applied.is_some() && applied != Some(i) {
                        continue;
                    }
                    let holds = self.env().truth(&ex.when);
                    let node = self.push(Step::Exception {
                        rule: r,
                        index: i,
                        holds,
                    });
                    let from = self.kids.len();
                    self.reasons(&ex.when);
                    if holds == Some(true) {
                        self.reasons(&ex.value);
                    }
                    self.attach(node, from);
                    self.kids.push(node);
                }
            }
            Body::Decision { branches } => {
                self.branches(r, branches, |_, holds, taken| {
                    taken || (holds == Some(true) && via != Via::AllCases)
                });
            }
        }
        self.attach(root, children);
        root
    }

    /// Why rule `r` does not have the value named `value`.
    pub fn why_not(&mut self, r: RuleId, value: &str) -> Result<Tree<'a>, String> {
        let program = self.program;
        let rule = &program.rules[r];
        let target = match rule.ty {
            crate::value::Type::Bool => match value {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(format!("`{}` is true or false, not `{value}`", rule.name)),
            },
            crate::value::Type::Enum(e) => match program.enums[e].index(value) {
                Some(i) => Value::Enum(i),
                None => {
                    let hint =
                        did_you_mean(value, program.enums[e].variants.iter().map(String::as_str))
                            .unwrap_or_else(|| {
                                format!("its values are: {}", program.enums[e].variants.join(", "))
                            });
                    return Err(format!(
                        "`{value}` is not a value of `{}`; {hint}",
                        rule.name
                    ));
                }
            },
            _ => {
                return Err(format!(
                    "--why-not works on decisions and true/false rules; `{}` is neither",
                    rule.name
                ));
            }
        };
        if self.eval.outcomes[r].value.as_ref() == Some(&target) {
            return Ok(self.rule(r));
        }
        let Body::Decision { branches } = &rule.body else {
            let root = self.push(Step::WhyNot {
                rule: r,
                value: target,
            });
            let from = self.kids.len();
            let child = self.rule_node(r);
            self.kids.push(child);
            self.attach(root, from);
            return Ok(self.finish());
        };
        let Value::Enum(wanted) = target else {
            return Err(format!("`{}` is not a decision", rule.name));
        };
        let root = self.push(Step::WhyNot {
            rule: r,
            value: target,
        });
        let last_wanted = branches.iter().rposition(|b| b.value == wanted);
        let children = self.kids.len();
        self.branches(r, branches, |i, _, taken| taken || Some(i) >= last_wanted);
        self.attach(root, children);
        Ok(self.finish())
    }

    /// Push a node for each branch of decision `r`, in order, with the reasons its
    /// condition holds or not, until `stop(index, holds, taken)` says so.
    fn branches(
        &mut self,
        r: RuleId,
        branches: &[BranchDef],
        stop: impl Fn(usize, Option<bool>, bool) -> bool,
    ) {
        let via = self.eval.outcomes[r].via;
        for (i, b) in branches.iter().enumerate() {
            let holds = b.when.as_ref().map_or(Some(true), |w| self.env().truth(w));
            let taken = via == Via::Branch(i);
            let node = self.push(Step::Branch {
                rule: r,
                index: i,
                holds,
                taken,
            });
            if let Some(w) = &b.when {
                let from = self.kids.len();
                self.reasons(w);
                self.attach(node, from);
            }
            self.kids.push(node);
            if stop(i, holds, taken) {
                break;
            }
        }
    }

    /// Push nodes for the facts and rules that settled `e` on the scratch stack.
    fn reasons(&mut self, e: &Expr) {
        let start = self.names.len();
        let env = self.env();
        env.reasons(e, &mut self.names);
        let end = self.names.len();
        let eval = self.eval;
        for i in start..end {
            let node = match self.names[i] {
                Name::Fact(f) => self.push(Step::Fact {
                    fact: f,
                    value: &eval.facts[f],
                }),
                Name::Rule(r) => self.rule_node(r),
                Name::Duty(_) => continue,
            };
            self.kids.push(node);
        }
        self.names.truncate(start);
    }
}

/// The rules and decisions no other rule uses: the natural roots to explain.
pub fn top_level(program: &Program) -> Vec<RuleId> {
    let mut used = vec![false; program.rules.len()];
    for rule in &program.rules {
        for e in rule.exprs() {
            e.visit_refs(&mut |n| {
                if let Name::Rule(r) = n {
                    used[r] = true;
                }
            });
        }
    }
    (0..program.rules.len())
        .filter(|r| !used[*r] || is_decision(program, *r))
        .collect()
}

/// A tree as indented text, one step a line, citations in brackets.
pub fn render(program: &Program, tree: &Tree<'_>) -> String {
    let mut out = String::new();
    if !tree.is_empty() {
        line(program, tree.root(), "", "", &mut out);
    }
    out
}

fn line(program: &Program, node: Node<'_, '_>, first: &str, rest: &str, out: &mut String) {
    let (label, cites) = describe(program, node.step());
    let _ = write!(out, "{first}{label}");
    if !cites.is_empty() {
        let joined: Vec<String> = cites.iter().map(ToString::to_string).collect();
        let _ = write!(out, "  [{}]", joined.join("; "));
    }
    out.push('\n');
    let children: Vec<Node<'_, '_>> = node.children().collect();
    let n = children.len();
    for (i, child) in children.into_iter().enumerate() {
        let last = i + 1 == n;
        let (f, r) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        line(
            program,
            child,
            &format!("{rest}{f}"),
            &format!("{rest}{r}"),
            out,
        );
    }
}

fn show(program: &Program, value: &Option<Value>, ty: crate::value::Type) -> String {
    match value {
        Some(v) => Display {
            value: v,
            enums: &program.enums,
            ty,
        }
        .to_string(),
        None => "unknown".into(),
    }
}

/// A step's one-line description and its citations.
pub fn describe<'p>(program: &'p Program, step: &Step<'_>) -> (String, Vec<&'p Cite>) {
    match step {
        Step::Fact { fact, value } => {
            let def = &program.facts[*fact];
            match value {
                Some(_) => (
                    format!("{} = {} (given)", def.name, show(program, value, def.ty)),
                    Vec::new(),
                ),
                None => {
                    let ask = def
                        .ask
                        .as_deref()
                        .map_or(String::new(), |q| format!(": ask \"{q}\""));
                    (format!("{} is unknown{ask}", def.name), Vec::new())
                }
            }
        }
        Step::Rule {
            rule,
            value,
            via,
            missing,
            repeated,
        } => {
            let def = &program.rules[*rule];
            let cites: Vec<&Cite> = def.cite.iter().collect();
            let label = match value {
                _ if *repeated => format!(
                    "{} = {} (explained above)",
                    def.name,
                    show(program, value, def.ty)
                ),
                Some(_) if *via == Via::AllCases => {
                    format!(
                        "{} = {} whatever the unknown facts are",
                        def.name,
                        show(program, value, def.ty)
                    )
                }
                Some(_) => format!("{} = {}", def.name, show(program, value, def.ty)),
                None => format!(
                    "{} is undetermined: it depends on {}",
                    def.name,
                    program.fact_list(missing)
                ),
            };
            (label, cites)
        }
        Step::Default { rule } => {
            let def = &program.rules[*rule];
            (
                format!("by default: {}", def.text),
                def.cite.iter().collect(),
            )
        }
        Step::Exception { rule, index, holds } => {
            let Body::Default { exceptions, .. } = &program.rules[*rule].body else {
                return (String::new(), Vec::new());
            };
            let Some(ex) = exceptions.get(*index) else {
                return (String::new(), Vec::new());
            };
            let verdict = match holds {
                Some(true) => "applies",
                Some(false) => "does not apply",
                None => "may apply",
            };
            (
                format!("exception {verdict}: {}", ex.text),
                ex.cite.iter().collect(),
            )
        }
        Step::Branch {
            rule,
            index,
            holds,
            taken,
        } => {
            let Body::Decision { branches } = &program.rules[*rule].body else {
                return (String::new(), Vec::new());
            };
            let Some(b) = branches.get(*index) else {
                return (String::new(), Vec::new());
            };
            let verdict = match (taken, holds) {
                (true, _) => "taken",
                (false, Some(true)) => "holds",
                (false, Some(false)) => "does not hold",
                (false, None) => "unknown",
            };
            let cites = b.cite.iter().collect();
            (
                format!("branch {}: {} ({verdict})", index + 1, b.text),
                cites,
            )
        }
        Step::Duty {
            duty,
            applies,
            missing,
        } => {
            let def = &program.duties[*duty];
            let verdict = match applies {
                Some(true) => "applies".to_string(),
                Some(false) => "does not apply".to_string(),
                None => format!("may apply: it depends on {}", program.fact_list(missing)),
            };
            let what = format!("{} {} \"{}\"", def.actor, def.modality.as_str(), def.action);
            (
                format!("{} {verdict}: {what}", def.name),
                def.cite.iter().collect(),
            )
        }
        Step::WhyNot { rule, value } => {
            let def = &program.rules[*rule];
            let shown = Display {
                value,
                enums: &program.enums,
                ty: def.ty,
            };
            (format!("why is {} not {shown}?", def.name), Vec::new())
        }
    }
}
