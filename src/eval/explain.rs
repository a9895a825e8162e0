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
use crate::check::{Body, Cite, DutyId, Expr, FactId, Name, Program, RuleId};
use crate::diagnostic::did_you_mean;
use crate::value::{Display, Value};

/// One step of a derivation.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub step: Step,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A fact of the case, given or unknown.
    Fact { fact: FactId, value: Option<Value> },
    /// A rule or decision and its value; `repeated` when explained higher up already.
    Rule {
        rule: RuleId,
        value: Option<Value>,
        via: Via,
        missing: Vec<FactId>,
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
        missing: Vec<FactId>,
    },
    /// "Why is `rule` not `value`?"
    WhyNot { rule: RuleId, value: Value },
}

/// Builds trees over one evaluation.
pub struct Explainer<'a> {
    program: &'a Program,
    eval: &'a Evaluation,
    rules: Vec<Option<Value>>,
    seen: Vec<bool>,
}

impl<'a> Explainer<'a> {
    pub fn new(program: &'a Program, eval: &'a Evaluation) -> Explainer<'a> {
        Explainer {
            program,
            eval,
            rules: eval.rule_values(),
            seen: vec![false; program.rules.len()],
        }
    }

    fn env(&self) -> Env<'_> {
        Env {
            facts: &self.eval.facts,
            rules: &self.rules,
        }
    }

    /// Why rule `r` has its value.
    pub fn rule(&mut self, r: RuleId) -> Node {
        let o = &self.eval.outcomes[r];
        let repeated = self.seen[r];
        let step = Step::Rule {
            rule: r,
            value: o.value.clone(),
            via: o.via,
            missing: o.missing.clone(),
            repeated,
        };
        if repeated {
            return Node {
                step,
                children: Vec::new(),
            };
        }
        self.seen[r] = true;
        let program = self.program;
        let via = o.via;
        let children = match &program.rules[r].body {
            Body::Expr(e) => self.reasons(e),
            Body::Default {
                default,
                exceptions,
            } => {
                let mut children = Vec::new();
                let applied = match via {
                    Via::Exception(i) => Some(i),
                    _ => None,
                };
                if applied.is_none() {
                    let kids = self.reasons(default);
                    children.push(Node {
                        step: Step::Default { rule: r },
                        children: kids,
                    });
                }
                for (i, ex) in exceptions.iter().enumerate() {
                    let holds = self.env().truth(&ex.when);
                    if applied.is_some() && applied != Some(i) {
                        continue;
                    }
                    let mut kids = self.reasons(&ex.when);
                    if holds == Some(true) {
                        kids.extend(self.reasons(&ex.value));
                    }
                    children.push(Node {
                        step: Step::Exception {
                            rule: r,
                            index: i,
                            holds,
                        },
                        children: kids,
                    });
                }
                children
            }
            Body::Decision { branches } => {
                let mut children = Vec::new();
                for (i, b) in branches.iter().enumerate() {
                    let holds = match &b.when {
                        None => Some(true),
                        Some(w) => self.env().truth(w),
                    };
                    let taken = via == Via::Branch(i);
                    let kids = b.when.as_ref().map(|w| self.reasons(w)).unwrap_or_default();
                    children.push(Node {
                        step: Step::Branch {
                            rule: r,
                            index: i,
                            holds,
                            taken,
                        },
                        children: kids,
                    });
                    if taken || (holds == Some(true) && via != Via::AllCases) {
                        break;
                    }
                }
                children
            }
        };
        Node { step, children }
    }

    /// Why duty `d` applies, does not, or may.
    pub fn duty(&mut self, d: DutyId) -> Node {
        let o = &self.eval.duties[d];
        let step = Step::Duty {
            duty: d,
            applies: o.applies,
            missing: o.missing.clone(),
        };
        let children = match &self.program.duties[d].when {
            Some(w) => self.reasons(w),
            None => Vec::new(),
        };
        Node { step, children }
    }

    /// Why rule `r` does not have the value named `value`.
    pub fn why_not(&mut self, r: RuleId, value: &str) -> Result<Node, String> {
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
        let step = Step::WhyNot {
            rule: r,
            value: target.clone(),
        };
        let Body::Decision { branches } = &rule.body else {
            return Ok(Node {
                step,
                children: vec![self.rule(r)],
            });
        };
        let Value::Enum(wanted) = target else {
            return Ok(Node {
                step,
                children: vec![self.rule(r)],
            });
        };
        let last_wanted = branches.iter().rposition(|b| b.value == wanted);
        let via = self.eval.outcomes[r].via;
        let mut children = Vec::new();
        for (i, b) in branches.iter().enumerate() {
            let holds = match &b.when {
                None => Some(true),
                Some(w) => self.env().truth(w),
            };
            let taken = via == Via::Branch(i);
            let kids = b.when.as_ref().map(|w| self.reasons(w)).unwrap_or_default();
            children.push(Node {
                step: Step::Branch {
                    rule: r,
                    index: i,
                    holds,
                    taken,
                },
                children: kids,
            });
            if taken || Some(i) >= last_wanted {
                break;
            }
        }
        Ok(Node { step, children })
    }

    fn reasons(&mut self, e: &Expr) -> Vec<Node> {
        let mut names = Vec::new();
        self.env().reasons(e, &mut names);
        names
            .into_iter()
            .filter_map(|n| match n {
                Name::Fact(f) => Some(Node {
                    step: Step::Fact {
                        fact: f,
                        value: self.eval.facts[f].clone(),
                    },
                    children: Vec::new(),
                }),
                Name::Rule(r) => Some(self.rule(r)),
                Name::Duty(_) => None,
            })
            .collect()
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
pub fn render(program: &Program, node: &Node) -> String {
    let mut out = String::new();
    line(program, node, "", "", &mut out);
    out
}

fn line(program: &Program, node: &Node, first: &str, rest: &str, out: &mut String) {
    let (label, cites) = describe(program, &node.step);
    let _ = write!(out, "{first}{label}");
    if !cites.is_empty() {
        let joined: Vec<String> = cites.iter().map(ToString::to_string).collect();
        let _ = write!(out, "  [{}]", joined.join("; "));
    }
    out.push('\n');
    let n = node.children.len();
    for (i, child) in node.children.iter().enumerate() {
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

fn names(program: &Program, facts: &[FactId]) -> String {
    facts
        .iter()
        .map(|f| program.facts[*f].name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A step's one-line description and its citations.
pub fn describe<'p>(program: &'p Program, step: &Step) -> (String, Vec<&'p Cite>) {
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
                    names(program, missing)
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
                None => format!("may apply: it depends on {}", names(program, missing)),
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
