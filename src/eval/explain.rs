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
//!
//! One walk reads a tree's steps: [`Explanation::from_tree`] gives each step its parts
//! (kind, name, value, verdict, the policy text, the facts it waits for, citations) and
//! derives its sentence from them. [`render`] prints those sentences; the report's view
//! model (`crate::report::model`) and every renderer reading it use the same structure.

use std::fmt::Write as _;

use super::kleene::{Env, Via};
use super::{Evaluation, is_decision};
use crate::check::{Body, BranchDef, Cite, DutyId, Expr, FactId, Name, Program, RuleId};
use crate::diagnostic::did_you_mean;
use crate::value::{Display, Type, Value};

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

/// The trees `cspr explain` shows: of `name` (a rule, decision or duty), or why `name`
/// does not have the value `why_not`; with no name, every top-level rule and decision and
/// every duty. A name that is not a rule, decision or duty (or `why_not` on a duty) is a
/// problem saying so, with "did you mean".
pub fn select<'a>(
    program: &'a Program,
    explainer: &mut Explainer<'a>,
    name: Option<&str>,
    why_not: Option<&str>,
) -> Result<Vec<Tree<'a>>, crate::Problem> {
    let input = |message: String, help: &str| {
        crate::Problem::error("cspr::input", message).help(help.to_string())
    };
    let Some(name) = name else {
        let mut trees: Vec<_> = top_level(program)
            .into_iter()
            .map(|r| explainer.standalone().rule(r))
            .collect();
        trees.extend((0..program.duties.len()).map(|d| explainer.standalone().duty(d)));
        return Ok(trees);
    };
    let node = match (program.lookup(name), why_not) {
        (Some(Name::Rule(r)), Some(v)) => explainer
            .why_not(r, v)
            .map_err(|m| input(m, "see `cspr explain --help`"))?,
        (Some(Name::Rule(r)), None) => explainer.rule(r),
        (Some(Name::Duty(d)), None) => explainer.duty(d),
        (Some(Name::Duty(_)), Some(_)) => {
            return Err(input(
                format!("`{name}` is a duty: --why-not takes a decision or rule"),
                "explain the duty without --why-not",
            ));
        }
        (Some(Name::Fact(_)), _) => {
            return Err(input(
                format!("`{name}` is a fact of the case, not something worked out"),
                "name a rule, decision or duty",
            ));
        }
        (None, _) => {
            let help = did_you_mean(name, program.all_names())
                .unwrap_or_else(|| "name a rule, decision or duty of the procedure".into());
            return Err(input(
                format!(
                    "`{name}` is not a rule, decision or duty of `{}`",
                    program.entry().id
                ),
                &help,
            ));
        }
    };
    Ok(vec![node])
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

/// A tree as indented text, one step a line, citations in brackets, each citation's words
/// (its quote, or its reading and the words that rests on) under its step.
pub fn render(program: &Program, tree: &Tree<'_>) -> String {
    render_with(program, tree, true)
}

/// [`render`], with the citations' words under each step or not (`quotes`).
pub fn render_with(program: &Program, tree: &Tree<'_>, quotes: bool) -> String {
    let mut out = String::new();
    if !tree.is_empty() {
        line(
            &Explanation::from_tree(program, tree),
            "",
            "",
            quotes,
            &mut out,
        );
    }
    out
}

/// The source abbreviations the citations of `tree` use (the source cited, and the source
/// a reading is read from), added to `used` in the order first met.
pub fn sources_used(program: &Program, tree: &Tree<'_>, used: &mut Vec<String>) {
    fn walk(e: &Explanation<'_>, used: &mut Vec<String>) {
        cited_sources(e.cites.iter().copied(), used);
        for child in &e.children {
            walk(child, used);
        }
    }
    if !tree.is_empty() {
        walk(&Explanation::from_tree(program, tree), used);
    }
}

/// The source abbreviations `cites` use (the source cited, and the source a reading is
/// read from), added to `used` in the order first met.
pub fn cited_sources<'a>(cites: impl IntoIterator<Item = &'a Cite>, used: &mut Vec<String>) {
    for c in cites {
        let from = c
            .reading
            .as_ref()
            .and_then(|r| r.from.split_whitespace().next());
        for abbr in std::iter::once(c.source.as_str()).chain(from) {
            if !used.iter().any(|u| u == abbr) {
                used.push(abbr.to_string());
            }
        }
    }
}

/// The titles of the sources `used`, so no abbreviation is left unexplained:
///
/// ```text
/// Sources:
///   WT18  Working Together to Safeguard Children (2018)
///   BSCP  Buckinghamshire Safeguarding Children Partnership procedures, 8.2 …
/// ```
///
/// Empty when no source is used.
pub fn sources_block(program: &Program, used: &[String]) -> String {
    if used.is_empty() {
        return String::new();
    }
    let width = used.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::from("Sources:\n");
    for abbr in used {
        let title = program
            .sources
            .iter()
            .find(|s| s.name == *abbr)
            .map_or("(not declared by the procedure)", |s| s.title.as_str());
        let _ = writeln!(out, "  {abbr:width$}  {title}");
    }
    out
}

fn line(e: &Explanation<'_>, first: &str, rest: &str, quotes: bool, out: &mut String) {
    let _ = write!(out, "{first}{}", e.sentence);
    if !e.cites.is_empty() {
        let joined: Vec<String> = e.cites.iter().map(ToString::to_string).collect();
        let _ = write!(out, "  [{}]", joined.join("; "));
    }
    out.push('\n');
    // The words each citation carries, under the step.
    for c in e.cites.iter().filter(|_| quotes) {
        if let Some(q) = &c.quote {
            let _ = writeln!(out, "{rest}    \u{201c}{q}\u{201d} ({c})");
        }
        if let Some(r) = &c.reading {
            let _ = writeln!(
                out,
                "{rest}    reading ({c}): {}; read from {}: \u{201c}{}\u{201d}",
                r.text, r.from, r.quote
            );
        }
    }
    let n = e.children.len();
    for (i, child) in e.children.iter().enumerate() {
        let last = i + 1 == n;
        let (f, r) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        line(
            child,
            &format!("{rest}{f}"),
            &format!("{rest}{r}"),
            quotes,
            out,
        );
    }
}

/// What kind of step a node of an explanation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A fact of the case: `given` says whether the case gives it.
    Fact { given: bool },
    /// A rule or decision and its value.
    Rule,
    /// The default of a rule with exceptions.
    Default,
    /// An exception, and whether it applies.
    Exception,
    /// A branch of a decision, and whether it holds or was taken.
    Branch,
    /// A duty and whether it applies.
    Duty,
    /// "Why is this not …?"
    WhyNot,
}

impl NodeKind {
    /// The kind as a word, for CSS classes and JSON: `fact`, `rule`, `exception`, …
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Fact { .. } => "fact",
            NodeKind::Rule => "rule",
            NodeKind::Default => "default",
            NodeKind::Exception => "exception",
            NodeKind::Branch => "branch",
            NodeKind::Duty => "duty",
            NodeKind::WhyNot => "why_not",
        }
    }
}

/// One step of an explanation, with the parts of its sentence kept apart.
#[derive(Debug, Clone)]
pub struct Explanation<'a> {
    pub kind: NodeKind,
    /// The fact, rule, decision or duty the step is about.
    pub name: &'a str,
    /// Its value (a fact's, rule's or decision's) as text; `None` when unknown or
    /// undetermined, and for steps that have no value of their own.
    pub value: Option<String>,
    /// The same value with its type, for renderers that write typed values (JSON).
    pub typed: Option<(Value, Type)>,
    /// For an exception or branch, whether its condition holds; for a duty, whether it
    /// applies (`None`: unknown).
    pub holds: Option<bool>,
    /// How the step came out: `applies`, `does not apply`, `may apply`, `taken`,
    /// `holds`, `does not hold`, `unknown`, `whatever the unknown facts are`,
    /// `explained above`, `undetermined`.
    pub verdict: Option<&'static str>,
    /// The policy text the step rests on: a default's body, an exception or branch as
    /// written, a duty's `Actor's title modality "action"`.
    pub text: Option<String>,
    /// For an unknown fact, the question that would settle it.
    pub ask: Option<&'a str>,
    /// For an undetermined rule or a duty that may apply, the facts it waits for.
    pub missing: Vec<&'a str>,
    /// For an exception or branch, its place among the rule's (from 0).
    pub index: Option<usize>,
    pub cites: Vec<&'a Cite>,
    /// The whole step in words, exactly as `cspr explain` prints it (derived from the
    /// parts above when the step is read).
    pub sentence: String,
    pub children: Vec<Explanation<'a>>,
}

impl<'a> Explanation<'a> {
    /// The structured form of a derivation tree (see [`Explainer`]).
    pub fn from_tree(program: &'a Program, tree: &Tree<'_>) -> Explanation<'a> {
        if tree.is_empty() {
            return Explanation::blank(Vec::new());
        }
        node(program, tree.root())
    }

    /// A step with no parts yet, over `children`.
    fn blank(children: Vec<Explanation<'a>>) -> Explanation<'a> {
        Explanation {
            kind: NodeKind::Rule,
            name: "",
            value: None,
            typed: None,
            holds: None,
            verdict: None,
            text: None,
            ask: None,
            missing: Vec::new(),
            index: None,
            cites: Vec::new(),
            sentence: String::new(),
            children,
        }
    }

    /// An exception or branch of the rule `name`: its place, whether its condition
    /// holds, and (when the rule has it) its text and citation.
    fn part(
        &mut self,
        kind: NodeKind,
        name: &'a str,
        holds: Option<bool>,
        verdict: &'static str,
        index: usize,
        found: Option<(&'a String, &'a Option<Cite>)>,
    ) {
        self.kind = kind;
        self.name = name;
        self.holds = holds;
        self.verdict = Some(verdict);
        self.index = Some(index);
        if let Some((text, cite)) = found {
            self.text = Some(text.clone());
            self.cites = cite.iter().collect();
        }
    }

    /// The step in words, from its parts: `child_died = true (given)`, `exception
    /// applies: true when …`, `notify may apply: it depends on a, b: actor must "…"`.
    fn sentence(&self) -> String {
        let value = self.value.as_deref().unwrap_or("unknown");
        let (name, text) = (self.name, self.text.as_deref());
        let missing = self.missing.join(", ");
        match (self.kind, self.verdict) {
            (NodeKind::Fact { given: true }, _) => format!("{name} = {value} (given)"),
            (NodeKind::Fact { given: false }, _) => match self.ask {
                Some(q) => format!("{name} is unknown: ask \"{q}\""),
                None => format!("{name} is unknown"),
            },
            (NodeKind::Rule, Some("undetermined")) => {
                format!("{name} is undetermined: it depends on {missing}")
            }
            (NodeKind::Rule, Some(verdict @ "explained above")) => {
                format!("{name} = {value} ({verdict})")
            }
            (NodeKind::Rule, Some(verdict)) => format!("{name} = {value} {verdict}"),
            (NodeKind::Rule, None) => format!("{name} = {value}"),
            (NodeKind::Default, _) => format!("by default: {}", text.unwrap_or_default()),
            (NodeKind::Exception, verdict) => text.map_or(String::new(), |t| {
                format!("exception {}: {t}", verdict.unwrap_or_default())
            }),
            (NodeKind::Branch, verdict) => text.map_or(String::new(), |t| {
                let n = self.index.map_or(0, |i| i + 1);
                format!("branch {n}: {t} ({})", verdict.unwrap_or_default())
            }),
            (NodeKind::Duty, Some("may apply")) => format!(
                "{name} may apply: it depends on {missing}: {}",
                text.unwrap_or_default()
            ),
            (NodeKind::Duty, verdict) => {
                format!(
                    "{name} {}: {}",
                    verdict.unwrap_or_default(),
                    text.unwrap_or_default()
                )
            }
            (NodeKind::WhyNot, _) => format!("why is {name} not {value}?"),
        }
    }
}

/// The one walk over a tree's steps: each step's parts, then its sentence from them.
fn node<'a>(program: &'a Program, n: Node<'_, '_>) -> Explanation<'a> {
    let step = n.step();
    let show = |v: &Option<Value>, ty| {
        v.as_ref()
            .map(|value| Display::of(value, program, ty).to_string())
    };
    let names = |facts: &[FactId]| program.fact_names(facts);
    let verdict = |holds: Option<bool>| match holds {
        Some(true) => "applies",
        Some(false) => "does not apply",
        None => "may apply",
    };
    let mut e = Explanation::blank(n.children().map(|c| node(program, c)).collect());
    match step {
        Step::Fact { fact, value } => {
            let def = &program.facts[*fact];
            e.kind = NodeKind::Fact {
                given: value.is_some(),
            };
            e.name = &def.name;
            e.value = show(value, def.ty);
            e.typed = value.as_ref().map(|v| (v.clone(), def.ty));
            if value.is_none() {
                e.ask = def.ask.as_deref();
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
            e.name = &def.name;
            e.cites = def.cite.iter().collect();
            e.value = show(value, def.ty);
            e.typed = value.as_ref().map(|v| (v.clone(), def.ty));
            e.verdict = match value {
                _ if *repeated => Some("explained above"),
                Some(_) if *via == Via::AllCases => Some("whatever the unknown facts are"),
                Some(_) => None,
                None => Some("undetermined"),
            };
            if value.is_none() {
                e.missing = names(missing);
            }
        }
        Step::Default { rule } => {
            let def = &program.rules[*rule];
            e.kind = NodeKind::Default;
            e.name = &def.name;
            e.cites = def.cite.iter().collect();
            e.text = Some(def.text.clone());
        }
        Step::Exception { rule, index, holds } => {
            let def = &program.rules[*rule];
            let found = match &def.body {
                Body::Default { exceptions, .. } => {
                    exceptions.get(*index).map(|x| (&x.text, &x.cite))
                }
                _ => None,
            };
            e.part(
                NodeKind::Exception,
                &def.name,
                *holds,
                verdict(*holds),
                *index,
                found,
            );
        }
        Step::Branch {
            rule,
            index,
            holds,
            taken,
        } => {
            let def = &program.rules[*rule];
            let said = match (taken, holds) {
                (true, _) => "taken",
                (false, Some(true)) => "holds",
                (false, Some(false)) => "does not hold",
                (false, None) => "unknown",
            };
            let found = match &def.body {
                Body::Decision { branches } => branches.get(*index).map(|b| (&b.text, &b.cite)),
                _ => None,
            };
            e.part(NodeKind::Branch, &def.name, *holds, said, *index, found);
        }
        Step::Duty {
            duty,
            applies,
            missing,
        } => {
            let def = &program.duties[*duty];
            e.kind = NodeKind::Duty;
            e.name = &def.name;
            e.cites = def.cite.iter().collect();
            e.holds = *applies;
            e.verdict = Some(verdict(*applies));
            e.text = Some(format!(
                "{} {} \"{}\"",
                def.actor_title,
                def.modality.as_str(),
                def.action
            ));
            if applies.is_none() {
                e.missing = names(missing);
            }
        }
        Step::WhyNot { rule, value } => {
            let def = &program.rules[*rule];
            e.kind = NodeKind::WhyNot;
            e.name = &def.name;
            e.value = show(&Some(value.clone()), def.ty);
        }
    }
    e.sentence = e.sentence();
    e
}
