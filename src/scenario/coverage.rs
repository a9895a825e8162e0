//! Which parts of the procedures the scenarios exercised.
//!
//! An *item* is one thing a scenario can exercise:
//! - a plain boolean rule seen `true`, and seen `false`; another plain rule seen determined;
//! - a rule with exceptions: its default taken, and each exception taken;
//! - a decision: each branch taken, `otherwise` included;
//! - a duty: seen applying; seen not applying (when it has a condition); a due date
//!   worked out (when it has a deadline).
//!
//! Items belong to a declaration of a module (`lincolnshire` / `pathway`), not to a
//! program, so the national module's rules are covered by any scenario, whatever procedure
//! it runs under. Only the modules some scenario ran under are reported. A value settled only because every answer to the unknown facts gives it
//! ("in all cases") does not count for a branch or an exception: no branch was taken.
//!
//! An item the checker proves no case can reach ([`crate::check::reach`]: a branch shadowed
//! by the ones above it, a condition that can never hold) is **unreachable**, with the
//! reason: it is listed apart and is not a gap (no scenario could fill it), so it does not
//! fail `--require-coverage`; `cspr check` warns about it (`cspr::unreachable_branch`). An
//! item is unreachable only when it is so in every program registered that has it (a
//! procedure may override a rule the branch reads), and never once a scenario exercised it.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::reach::{self, Part};
use crate::check::{Body, Expr, Program};
use crate::eval::Evaluation;
use crate::eval::kleene::{Env, Via};
use crate::value::{Type, Value};

/// Where an item is declared: module id, declaration kind and name, and what of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Item {
    pub module: String,
    /// Line of the declaration (or branch, exception) in its module's file.
    pub line: usize,
    /// `rule x = true`, `decision pathway: branch rapid_review`, `duty d: applies` …
    pub what: String,
}

/// Items seen in the programs run so far, and whether any scenario exercised each.
#[derive(Debug, Default)]
pub struct Coverage {
    items: BTreeMap<Item, bool>,
    /// The file each module came from.
    files: BTreeMap<String, String>,
    /// For each program registered (by entry id), its items and how to probe them.
    probes: BTreeMap<String, Vec<(Item, Probe)>>,
    /// The modules some scenario ran under: the ones reported.
    targets: BTreeSet<String>,
    /// Per item, why no case can reach it (`None` once a program registered can).
    dead: BTreeMap<Item, Option<String>>,
}

/// How to tell whether an evaluation exercised an item.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Probe {
    RuleIs(usize, bool),
    RuleDetermined(usize),
    /// Determined by the default, no exception applying.
    Default(usize),
    /// Taken by exception or branch `via`.
    Via(usize, Via),
    DutyApplies(usize, bool),
    DutyDue(usize),
}

impl Probe {
    /// The part of the program this probe looks at, for reachability.
    fn part(self) -> Option<Part> {
        Some(match self {
            Probe::RuleIs(r, b) => Part::RuleIs(r, b),
            Probe::RuleDetermined(_)
            | Probe::Via(_, Via::Expr | Via::Default | Via::Undetermined | Via::AllCases) => {
                return None;
            }
            Probe::Default(r) => Part::Default(r),
            Probe::Via(r, Via::Exception(i)) => Part::Exception(r, i),
            Probe::Via(r, Via::Branch(i)) => Part::Branch(r, i),
            Probe::DutyApplies(d, b) => Part::Applies(d, b),
            Probe::DutyDue(d) => Part::Due(d),
        })
    }

    /// Whether `e` exercised the item. A branch or exception counts only when the ones
    /// above it are known not to hold: Kleene's logic reports the first branch known to hold
    /// even when an earlier one, with the same value, may hold too — and then the case did
    /// not show which one it takes. (A default counts whenever the value is the default's,
    /// an exception that may apply giving the same value.)
    fn hit(self, e: &Evaluation, program: &Program) -> bool {
        let env = Env {
            facts: &e.facts,
            rules: &e.values,
        };
        let known_false = |w: &Expr| env.truth(w) == Some(false);
        match self {
            Probe::RuleIs(r, b) => e.outcomes[r].value == Some(Value::Bool(b)),
            Probe::RuleDetermined(r) => e.outcomes[r].value.is_some(),
            Probe::Default(r) => e.outcomes[r].via == Via::Default && e.outcomes[r].value.is_some(),
            Probe::Via(r, via) => {
                e.outcomes[r].via == via
                    && match (&program.rules[r].body, via) {
                        (Body::Default { exceptions, .. }, Via::Exception(i)) => {
                            exceptions.iter().take(i).all(|x| known_false(&x.when))
                        }
                        (Body::Decision { branches }, Via::Branch(i)) => branches
                            .iter()
                            .take(i)
                            .all(|b| b.when.as_ref().is_some_and(known_false)),
                        _ => true,
                    }
            }
            Probe::DutyApplies(d, b) => e.duties[d].applies == Some(b),
            Probe::DutyDue(d) => e.duties[d].due.is_some(),
        }
    }
}

/// Per-module totals, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleCoverage {
    pub module: String,
    pub file: String,
    pub covered: usize,
    pub total: usize,
    /// The items no scenario exercised, in file order (not counting the unreachable ones).
    pub uncovered: Vec<Item>,
    /// The items no case can reach, with why, in file order: not counted in `total`.
    pub unreachable: Vec<(Item, String)>,
}

impl Coverage {
    pub fn new() -> Coverage {
        Coverage::default()
    }

    /// Add every item of `program` (once per program).
    pub fn register(&mut self, program: &Program) {
        let id = program.entry().id.clone();
        if self.probes.contains_key(&id) {
            return;
        }
        for m in &program.modules {
            self.files
                .entry(m.id.clone())
                .or_insert_with(|| m.source.name.to_string());
        }
        let probes = items(program);
        let dead: BTreeMap<Part, String> = reach::unreachable(program)
            .into_iter()
            .map(|u| (u.part, u.reason))
            .collect();
        for (item, probe) in &probes {
            self.items.entry(item.clone()).or_insert(false);
            let why = probe.part().and_then(|p| dead.get(&p).cloned());
            match self.dead.get_mut(item) {
                None => {
                    self.dead.insert(item.clone(), why);
                }
                Some(known) => {
                    if why.is_none() {
                        *known = None;
                    }
                }
            }
        }
        self.probes.insert(id, probes);
    }

    /// Mark what one evaluation of `program` exercised (register the program first).
    pub fn record(&mut self, program: &Program, eval: &Evaluation) {
        let id = &program.entry().id;
        self.targets.insert(id.clone());
        let Some(probes) = self.probes.get(id) else {
            return;
        };
        for (item, probe) in probes {
            if probe.hit(eval, program)
                && let Some(seen) = self.items.get_mut(item)
            {
                *seen = true;
            }
        }
    }

    /// Totals and gaps, module by module, for the modules some scenario ran under (a
    /// procedure's scenarios exercise the national module too, but it is reported only
    /// when scenarios for it were run as well).
    pub fn modules(&self) -> Vec<ModuleCoverage> {
        let mut out: BTreeMap<&str, ModuleCoverage> = BTreeMap::new();
        for (item, seen) in &self.items {
            if !self.targets.contains(&item.module) {
                continue;
            }
            let m = out
                .entry(item.module.as_str())
                .or_insert_with(|| ModuleCoverage {
                    module: item.module.clone(),
                    file: self.files.get(&item.module).cloned().unwrap_or_default(),
                    covered: 0,
                    total: 0,
                    uncovered: Vec::new(),
                    unreachable: Vec::new(),
                });
            if let Some(why) = self.unreachable(item).filter(|_| !*seen) {
                m.unreachable.push((item.clone(), why.to_string()));
                continue;
            }
            m.total += 1;
            if *seen {
                m.covered += 1;
            } else {
                m.uncovered.push(item.clone());
            }
        }
        out.into_values().collect()
    }

    /// Whether every item of the reported modules was exercised (an unreachable item is
    /// not a gap).
    pub fn is_complete(&self) -> bool {
        self.items.iter().all(|(item, seen)| {
            *seen || !self.targets.contains(&item.module) || self.unreachable(item).is_some()
        })
    }

    /// Why no case can reach `item`, when the checker proved it in every program that has it.
    pub fn unreachable(&self, item: &Item) -> Option<&str> {
        self.dead.get(item).and_then(Option::as_deref)
    }
}

/// Every item of a program, with how to tell whether an evaluation exercised it.
fn items(program: &Program) -> Vec<(Item, Probe)> {
    let mut out: Vec<(Item, Probe)> = Vec::new();
    let item = |module: usize, span: crate::span::Span, what: String| {
        let info = &program.modules[module];
        Item {
            module: info.id.clone(),
            line: info.source.line_col(span.start).0,
            what,
        }
    };
    for (r, rule) in program.rules.iter().enumerate() {
        let name = &rule.name;
        match &rule.body {
            Body::Expr(_) if rule.ty == Type::Bool => {
                for b in [true, false] {
                    out.push((
                        item(rule.module, rule.span, format!("rule {name} = {b}")),
                        Probe::RuleIs(r, b),
                    ));
                }
            }
            Body::Expr(_) => out.push((
                item(rule.module, rule.span, format!("rule {name}: determined")),
                Probe::RuleDetermined(r),
            )),
            Body::Default { exceptions, .. } => {
                out.push((
                    item(rule.module, rule.span, format!("rule {name}: default")),
                    Probe::Default(r),
                ));
                for (i, ex) in exceptions.iter().enumerate() {
                    let cite = ex
                        .cite
                        .as_ref()
                        .map_or(String::new(), |c| format!(" ({c})"));
                    out.push((
                        item(
                            rule.module,
                            ex.span,
                            format!("rule {name}: exception {}{cite}", i + 1),
                        ),
                        Probe::Via(r, Via::Exception(i)),
                    ));
                }
            }
            Body::Decision { branches } => {
                for (i, b) in branches.iter().enumerate() {
                    let value = match rule.ty {
                        Type::Enum(en) => program.enums[en].name(b.value).to_string(),
                        _ => String::new(),
                    };
                    let how = if b.when.is_some() {
                        "branch"
                    } else {
                        "otherwise"
                    };
                    out.push((
                        item(
                            rule.module,
                            b.span,
                            format!("decision {name}: {how} {value}"),
                        ),
                        Probe::Via(r, Via::Branch(i)),
                    ));
                }
            }
        }
    }
    for (d, duty) in program.duties.iter().enumerate() {
        let name = &duty.name;
        out.push((
            item(duty.module, duty.span, format!("duty {name}: applies")),
            Probe::DutyApplies(d, true),
        ));
        if duty.when.is_some() {
            out.push((
                item(
                    duty.module,
                    duty.span,
                    format!("duty {name}: does not apply"),
                ),
                Probe::DutyApplies(d, false),
            ));
        }
        if duty.deadline.is_some() {
            out.push((
                item(
                    duty.module,
                    duty.span,
                    format!("duty {name}: due date worked out"),
                ),
                Probe::DutyDue(d),
            ));
        }
    }
    out
}
