//! Which cases the two programs treat differently: for every outcome, duty and due date
//! both declare, a proof that they agree or a witness case that shows they do not.
//!
//! 1. **Same definition.** When a target's whole cone — the rules it depends on and the
//!    facts they read — has the same canonical text and fact types on both sides, the
//!    two agree on every case. No search is needed.
//! 2. **Search** ([`super::search`]): otherwise, partial assignments of the facts in
//!    either cone are explored, pruned where Kleene's logic settles both sides equal.
//!    Over booleans and enumerations this is exact, and "no difference" is a proof.
//! 3. **Witnesses** are put to the real evaluator: each is built as a case of each
//!    program (the new one by [`Case::translate`]), evaluated, explained, and kept only
//!    if the two results do differ.
//! 4. **Due dates** are functions of their anchor dates. Where the two deadlines are
//!    not the same text in the same calendar, a case where the duty applies in both is
//!    searched for, then anchor dates are tried — a date whose period crosses a bank
//!    holiday first — until the due dates differ.

use chrono::NaiveDate;
use serde::Serialize;

use super::search::{Found, Goal, Mode, Search, Side};
use super::space::{self, Var};
use super::structural::same_type;
use super::{Options, canon};
use crate::check::{Anchor, DutyId, Expr, Name, Program, RuleId};
use crate::eval::explain::{self, Explainer};
use crate::eval::{Case, Engine, Evaluation};
use crate::value::{Display, Type, Value};

/// The semantic half of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub targets: Vec<Target>,
    /// Facts only the old side declares: the new one ignores them.
    pub facts_only_old: Vec<String>,
    pub facts_only_new: Vec<String>,
    /// Partial assignments explored and pruned, over every search.
    pub explored: u64,
    pub pruned: u64,
    /// Whether every target was settled: proved equal or shown different.
    pub exhaustive: bool,
}

/// One outcome, duty applicability or due date both sides declare.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// `outcome`, `applies` or `due`.
    pub kind: &'static str,
    pub name: String,
    pub verdict: Verdict,
    /// How the verdict was reached (`same definition`, `exhaustive search over 6 facts`,
    /// …), or what the search did not cover.
    pub how: String,
    /// Facts in the two cones (by name).
    pub cone_facts: usize,
    pub explored: u64,
    pub pruned: u64,
    pub witnesses: Vec<Witness>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Proved: every case gets the same result.
    Equal,
    /// Some case gets different results (the witnesses).
    Different,
    /// Neither proved nor shown different: the search was not exhaustive.
    Unknown,
}

/// A case the two programs treat differently.
#[derive(Debug, Clone, Serialize)]
pub struct Witness {
    pub facts: Vec<WitnessFact>,
    pub old: String,
    pub new: String,
    /// Other branches of the search with the same two results.
    pub more: usize,
    pub note: Option<String>,
    /// The cited explanations, as text.
    pub old_why: String,
    pub new_why: String,
    #[serde(skip)]
    pub old_case: serde_json::Map<String, serde_json::Value>,
    #[serde(skip)]
    pub new_case: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WitnessFact {
    pub name: String,
    pub value: serde_json::Value,
    /// `both`, or the one side that reads the fact (the other ignores it).
    pub read_by: &'static str,
}

/// The two programs and their engines.
pub struct Pair<'p> {
    pub old: &'p Program,
    pub new: &'p Program,
    old_engine: Engine<'p>,
    new_engine: Engine<'p>,
    options: Options,
}

/// Compare every outcome, duty and due date the two programs share.
pub fn diff(old: &Program, new: &Program, options: Options) -> Report {
    let pair = Pair {
        old,
        new,
        old_engine: Engine::new(old),
        new_engine: Engine::new(new),
        options,
    };
    let mut targets = Vec::new();
    for r in 0..new.rules.len() {
        if let Some(Name::Rule(o)) = old.lookup(&new.rules[r].name) {
            targets.push(pair.outcome(o, r));
        }
    }
    for d in 0..new.duties.len() {
        if let Some(Name::Duty(o)) = old.lookup(&new.duties[d].name) {
            targets.push(pair.applies(o, d));
            if old.duties[o].deadline.is_some() || new.duties[d].deadline.is_some() {
                targets.push(pair.due(o, d));
            }
        }
    }
    let only = |a: &Program, b: &Program| {
        a.facts
            .iter()
            .filter(|f| b.fact_named(&f.name).is_none())
            .map(|f| f.name.clone())
            .collect()
    };
    Report {
        explored: targets.iter().map(|t| t.explored).sum(),
        pruned: targets.iter().map(|t| t.pruned).sum(),
        exhaustive: targets.iter().all(|t| t.verdict != Verdict::Unknown),
        facts_only_old: only(old, new),
        facts_only_new: only(new, old),
        targets,
    }
}

/// What a target evaluates to in one evaluation.
#[derive(Clone, Copy)]
enum What {
    Rule(RuleId),
    Applies(DutyId),
    Due(DutyId),
}

impl<'p> Pair<'p> {
    fn outcome(&self, o: RuleId, n: RuleId) -> Target {
        let (eo, en) = (Expr::Rule(o), Expr::Rule(n));
        self.compare(
            "outcome",
            &self.new.rules[n].name,
            &[&eo],
            &[&en],
            Goal::Rule(o),
            Goal::Rule(n),
            (What::Rule(o), What::Rule(n)),
        )
    }

    fn applies(&self, o: DutyId, n: DutyId) -> Target {
        let always = Expr::Const(Value::Bool(true));
        let (wo, wn) = (
            self.old.duties[o].when.as_ref(),
            self.new.duties[n].when.as_ref(),
        );
        self.compare(
            "applies",
            &self.new.duties[n].name,
            &[wo.unwrap_or(&always)],
            &[wn.unwrap_or(&always)],
            Goal::Applies(wo),
            Goal::Applies(wn),
            (What::Applies(o), What::Applies(n)),
        )
    }

    /// A search (or a proof by definition) for one target.
    #[expect(clippy::too_many_arguments, reason = "the two sides of one comparison")]
    fn compare(
        &self,
        kind: &'static str,
        name: &str,
        ro: &[&Expr],
        rn: &[&Expr],
        go: Goal<'p>,
        gn: Goal<'p>,
        what: (What, What),
    ) -> Target {
        let (co, cn) = (space::cone(self.old, ro), space::cone(self.new, rn));
        let vars = space::build(
            self.old,
            &space::facts_of(self.old, ro, &co),
            &space::exprs_of(self.old, ro, &co),
            self.new,
            &space::facts_of(self.new, rn, &cn),
            &space::exprs_of(self.new, rn, &cn),
        );
        let mut target = Target {
            kind,
            name: name.to_string(),
            verdict: Verdict::Equal,
            how: String::new(),
            cone_facts: vars.len(),
            explored: 0,
            pruned: 0,
            witnesses: Vec::new(),
        };
        if !self.options.search_all && same_definition(self.old, ro, &co, self.new, rn, &cn) {
            target.how = "same definition".into();
            return target;
        }
        let mut search = Search::new(
            vars,
            Side::new(self.old, go, co),
            Side::new(self.new, gn, cn),
            self.options.budget,
            Mode::Differ,
        );
        search.run();
        target.explored = search.explored;
        target.pruned = search.pruned;
        for f in &search.found {
            if let Some(w) = self.witness(&search.vars, f, what, None) {
                target.witnesses.push(w);
            }
        }
        let finite = search.vars.iter().filter(|v| v.exact).count();
        let proved = !search.truncated && search.inexact.is_empty() && search.undecided == 0;
        target.verdict = if !target.witnesses.is_empty() {
            Verdict::Different
        } else if proved {
            Verdict::Equal
        } else {
            Verdict::Unknown
        };
        target.how = coverage(&search, finite, proved);
        if target.verdict == Verdict::Different {
            // The difference is certain; what the search covered only bounds what else
            // may differ.
            target.how = if proved {
                format!("each pair of differing results shown; {}", target.how)
            } else {
                format!(
                    "{} partial assignments explored; other differences may exist: {}",
                    search.explored,
                    target.how.trim_start_matches("not exhaustive: ")
                )
            };
        }
        target
    }

    /// Due dates: the same deadline in the same calendar is equal by definition;
    /// otherwise a case where both apply is searched for and anchor dates are tried.
    fn due(&self, o: DutyId, n: DutyId) -> Target {
        let name = &self.new.duties[n].name;
        let mut target = Target {
            kind: "due",
            name: name.clone(),
            verdict: Verdict::Equal,
            how: String::new(),
            cone_facts: 0,
            explored: 0,
            pruned: 0,
            witnesses: Vec::new(),
        };
        if self.due_same(o, n, 0) {
            target.how = "same deadline, same calendar".into();
            return target;
        }
        let (mut ro, mut rn) = (Reckoning::default(), Reckoning::default());
        ro.gather(self.old, o, 0);
        rn.gather(self.new, n, 0);
        let (eo, en): (Vec<&Expr>, Vec<&Expr>) = (ro.exprs(), rn.exprs());
        let (co, cn) = (space::cone(self.old, &eo), space::cone(self.new, &en));
        let vars = space::build(
            self.old,
            &space::facts_of(self.old, &eo, &co),
            &space::exprs_of(self.old, &eo, &co),
            self.new,
            &space::facts_of(self.new, &en, &cn),
            &space::exprs_of(self.new, &en, &cn),
        );
        target.cone_facts = vars.len();
        let mut search = Search::new(
            vars,
            Side::new(
                self.old,
                Goal::Ready {
                    conds: ro.conds,
                    choices: ro.choices,
                },
                co,
            ),
            Side::new(
                self.new,
                Goal::Ready {
                    conds: rn.conds,
                    choices: rn.choices,
                },
                cn,
            ),
            self.options.budget,
            Mode::BothReady,
        );
        search.run();
        target.explored = search.explored;
        target.pruned = search.pruned;
        let Some(found) = search.found.first().cloned() else {
            let exact = !search.truncated && search.inexact.is_empty() && search.undecided == 0;
            if exact {
                target.how = "no case where the duty applies in both".into();
            } else {
                target.verdict = Verdict::Unknown;
                target.how = format!(
                    "no case found where the duty applies in both; not exhaustive ({} partial assignments explored)",
                    search.explored
                );
            }
            return target;
        };
        let mut dates: Vec<String> = ro.dates.iter().chain(&rn.dates).cloned().collect();
        dates.sort();
        dates.dedup();
        let mut first: Option<Witness> = None;
        for base in BASE_DATES {
            let Some(base) = NaiveDate::from_ymd_opt(base.0, base.1, base.2) else {
                continue;
            };
            let Some(w) = self.witness(
                &search.vars,
                &found,
                (What::Due(o), What::Due(n)),
                Some((&dates, base)),
            ) else {
                continue;
            };
            if w.note.is_some() {
                first = Some(w);
                break;
            }
            first.get_or_insert(w);
        }
        match first {
            Some(w) => {
                target.verdict = Verdict::Different;
                target.how = format!(
                    "deadline `{}` against `{}`",
                    self.deadline_text(self.old, o),
                    self.deadline_text(self.new, n)
                );
                target.witnesses.push(w);
            }
            None => {
                target.verdict = Verdict::Unknown;
                target.how = format!(
                    "the deadlines differ in text, but gave the same due date for the {} anchor dates tried; not exhaustive",
                    BASE_DATES.len()
                );
            }
        }
        target
    }

    fn deadline_text(&self, p: &Program, d: DutyId) -> String {
        p.duties[d]
            .deadline
            .as_ref()
            .map_or("no deadline".into(), |dl| canon::deadline(p, dl))
    }

    /// Whether two duties' due dates are the same function of the case: the same
    /// deadline text in the same calendar, anchor choices decided alike, and anchor
    /// duties due alike.
    fn due_same(&self, o: DutyId, n: DutyId, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let (od, nd) = (&self.old.duties[o], &self.new.duties[n]);
        let (Some(a), Some(b)) = (&od.deadline, &nd.deadline) else {
            return od.deadline.is_none() && nd.deadline.is_none();
        };
        if canon::deadline(self.old, a) != canon::deadline(self.new, b)
            || calendar(self.old) != calendar(self.new)
        {
            return false;
        }
        for ((ca, _), (cb, _)) in a.choices.iter().zip(&b.choices) {
            let (co, cn) = (space::cone(self.old, &[ca]), space::cone(self.new, &[cb]));
            if !same_definition(self.old, &[ca], &co, self.new, &[cb], &cn) {
                return false;
            }
        }
        let anchors = a.choices.iter().map(|c| c.1).chain([a.anchor]);
        let others = b.choices.iter().map(|c| c.1).chain([b.anchor]);
        for (x, y) in anchors.zip(others) {
            if let (Anchor::Duty(x), Anchor::Duty(y)) = (x, y) {
                let always = Expr::Const(Value::Bool(true));
                let (wx, wy) = (
                    self.old.duties[x].when.as_ref().unwrap_or(&always),
                    self.new.duties[y].when.as_ref().unwrap_or(&always),
                );
                let (cx, cy) = (space::cone(self.old, &[wx]), space::cone(self.new, &[wy]));
                if !same_definition(self.old, &[wx], &cx, self.new, &[wy], &cy)
                    || !self.due_same(x, y, depth + 1)
                {
                    return false;
                }
            }
        }
        true
    }

    /// Build, evaluate and explain a witness; `None` if the real evaluator does not
    /// confirm the difference. `dates`: date facts to fill from a base date (due dates).
    fn witness(
        &self,
        vars: &[Var],
        found: &Found,
        what: (What, What),
        dates: Option<(&[String], NaiveDate)>,
    ) -> Option<Witness> {
        let mut facts = Vec::new();
        let mut oc = Case::empty(self.old);
        let mut new_only: Vec<(usize, Value)> = Vec::new();
        for (i, c) in found.assign.iter().enumerate() {
            let Some(c) = c else { continue };
            let (v, choice) = (&vars[i], &vars[i].domain[*c]);
            let read_by = match (v.old, v.new) {
                (Some(_), Some(_)) => "both",
                (Some(_), None) => "old",
                _ => "new",
            };
            facts.push(WitnessFact {
                name: v.name.clone(),
                value: choice.json.clone(),
                read_by,
            });
            if let (Some(f), Some(val)) = (v.old, &choice.old) {
                oc.set(self.old, f, Some(val.clone())).ok()?;
            }
            if let (None, Some(f), Some(val)) = (v.old, v.new, &choice.new) {
                new_only.push((f, val.clone()));
            }
        }
        if let Some((names, base)) = dates {
            for (k, name) in names.iter().enumerate() {
                if facts.iter().any(|f| &f.name == name) {
                    continue;
                }
                let day = base + chrono::Duration::days(2 * k as i64);
                let (of, nf) = (self.old.fact_named(name), self.new.fact_named(name));
                let ty = of
                    .map(|f| self.old.facts[f].ty)
                    .or(nf.map(|f| self.new.facts[f].ty));
                let value = match ty {
                    Some(Type::Date) => Value::Date(day),
                    Some(Type::DateTime) => Value::DateTime(day.and_hms_opt(9, 0, 0)?),
                    _ => continue,
                };
                let read_by = match (of, nf) {
                    (Some(_), Some(_)) => "both",
                    (Some(_), None) => "old",
                    _ => "new",
                };
                facts.push(WitnessFact {
                    name: name.clone(),
                    value: crate::value::to_json(&value, ty.unwrap_or(Type::Date), &[]),
                    read_by,
                });
                match of {
                    Some(f) => {
                        oc.set(self.old, f, Some(value)).ok()?;
                    }
                    None => new_only.extend(nf.map(|f| (f, value))),
                }
            }
        }
        let (mut nc, _ignored) = oc.translate(self.old, self.new);
        for (f, v) in new_only {
            nc.set(self.new, f, Some(v)).ok()?;
        }
        // An evaluation that fails (a date the calendar cannot count) is a result too.
        let run = |engine: &Engine<'_>, p: &Program, case: &Case, what: What| match engine
            .evaluate(case)
        {
            Ok(e) => (result(p, &e, what), why(p, &e, what), Some(e)),
            Err(e) => (
                format!("cannot be evaluated: {}", e.problem()),
                String::new(),
                None,
            ),
        };
        let (so, old_why, _) = run(&self.old_engine, self.old, &oc, what.0);
        let (sn, new_why, en) = run(&self.new_engine, self.new, &nc, what.1);
        if so == sn {
            return None;
        }
        let note = match (what.1, dates, &en) {
            (What::Due(n), Some((_, base)), Some(en)) => self.holiday_note(en, n, base),
            _ => None,
        };
        let case_of = |side: &str| {
            let mut m = serde_json::Map::new();
            for f in &facts {
                if f.read_by == "both" || f.read_by == side {
                    m.insert(f.name.clone(), f.value.clone());
                }
            }
            m
        };
        Some(Witness {
            old_case: case_of("old"),
            new_case: case_of("new"),
            facts,
            old: so,
            new: sn,
            more: found.more,
            note,
            old_why,
            new_why,
        })
    }

    /// "across Good Friday (2024-03-29)" when the new period crosses a bank holiday.
    fn holiday_note(&self, eval: &Evaluation, d: DutyId, base: NaiveDate) -> Option<String> {
        let due = eval.duties[d].due?.at.date();
        let cal = self.new_engine.calendar?;
        let mut day = base;
        while day < due {
            day = day.succ_opt()?;
            if let Ok(Some(h)) = cal.holiday(day) {
                return Some(format!("the period crosses {} ({})", h.title, h.date));
            }
        }
        None
    }
}

/// Anchor dates tried for due-date witnesses, those before a bank holiday first.
const BASE_DATES: [(i32, u32, u32); 5] = [
    (2024, 3, 25),
    (2024, 12, 20),
    (2024, 5, 2),
    (2024, 8, 22),
    (2024, 3, 4),
];

/// What a due date depends on: the conditions of the duty and of the duties it counts
/// from, the choices of anchor, and the date facts it counts from.
#[derive(Default)]
struct Reckoning<'p> {
    conds: Vec<&'p Expr>,
    choices: Vec<&'p Expr>,
    dates: Vec<String>,
}

impl<'p> Reckoning<'p> {
    fn gather(&mut self, p: &'p Program, d: DutyId, depth: usize) {
        if depth > 16 {
            return;
        }
        let duty = &p.duties[d];
        self.conds.extend(duty.when.as_ref());
        let Some(dl) = &duty.deadline else { return };
        for (c, a) in &dl.choices {
            self.choices.push(c);
            self.anchor(p, *a, depth);
        }
        self.anchor(p, dl.anchor, depth);
    }

    fn anchor(&mut self, p: &'p Program, a: Anchor, depth: usize) {
        match a {
            Anchor::Fact(f) => self.dates.push(p.facts[f].name.clone()),
            Anchor::Duty(o) => self.gather(p, o, depth + 1),
        }
    }

    fn exprs(&self) -> Vec<&'p Expr> {
        self.conds.iter().chain(&self.choices).copied().collect()
    }
}

fn calendar(p: &Program) -> Option<&str> {
    p.modules.iter().rev().find_map(|m| m.calendar.as_deref())
}

/// A target's result in an evaluation, as shown.
fn result(p: &Program, eval: &Evaluation, what: What) -> String {
    match what {
        What::Rule(r) => eval.outcomes[r]
            .value
            .as_ref()
            .map_or("undetermined".into(), |v| {
                Display {
                    value: v,
                    enums: &p.enums,
                    ty: p.rules[r].ty,
                }
                .to_string()
            }),
        What::Applies(d) => match eval.duties[d].applies {
            Some(true) => "applies".into(),
            Some(false) => "does not apply".into(),
            None => "undetermined".into(),
        },
        What::Due(d) => match eval.duties[d].due {
            Some(due) => format!("due {}", due.at),
            None => "no due date".into(),
        },
    }
}

/// The cited explanation of a target in an evaluation.
fn why(p: &Program, eval: &Evaluation, what: What) -> String {
    let mut ex = Explainer::new(p, eval);
    let tree = match what {
        What::Rule(r) => ex.rule(r),
        What::Applies(d) | What::Due(d) => ex.duty(d),
    };
    let mut out = String::new();
    if let What::Due(d) = what
        && let (Some(dl), Some(due)) = (&p.duties[d].deadline, eval.duties[d].due)
    {
        // How the due date was reckoned, before why the duty applies.
        let from = match dl.anchor {
            // With a choice of anchors, the deadline's text shows the choice.
            _ if !dl.choices.is_empty() => None,
            Anchor::Fact(f) => eval.facts[f].as_ref().map(|v| {
                format!(
                    " ({} = {})",
                    p.facts[f].name,
                    Display {
                        value: v,
                        enums: &p.enums,
                        ty: p.facts[f].ty,
                    }
                )
            }),
            Anchor::Duty(o) => eval.duties[o]
                .due
                .map(|due| format!(" ({} due {})", p.duties[o].name, due.at)),
        };
        out += &format!(
            "{} due {}: {}{}\n",
            p.duties[d].name,
            due.at,
            canon::deadline(p, dl),
            from.unwrap_or_default()
        );
    }
    out + &explain::render(p, &tree)
}

/// What a search covered, in words.
fn coverage(search: &Search<'_>, finite: usize, proved: bool) -> String {
    let n = search.vars.len();
    let mut how = if proved {
        format!(
            "exhaustive over {n} fact{} ({} partial assignments explored, {} pruned)",
            if n == 1 { "" } else { "s" },
            search.explored,
            search.pruned
        )
    } else {
        let mut why = Vec::new();
        if search.truncated {
            why.push(format!(
                "stopped after {} partial assignments",
                search.explored
            ));
        }
        if !search.inexact.is_empty() {
            let names: Vec<&str> = search
                .inexact
                .iter()
                .map(|v| search.vars[*v].name.as_str())
                .collect();
            why.push(format!(
                "{} tried at boundary values only",
                names.join(", ")
            ));
        }
        if search.undecided > 0 {
            why.push(format!("{} branches left undetermined", search.undecided));
        }
        format!(
            "not exhaustive: {} ({} of {n} facts tried at every value)",
            why.join("; "),
            finite
        )
    };
    let dropped: Vec<String> = search
        .vars
        .iter()
        .filter(|v| !v.dropped.is_empty())
        .map(|v| format!("{} = {}", v.name, v.dropped.join(" | ")))
        .collect();
    if !dropped.is_empty() {
        how += &format!(
            "; cases with values only one side knows are not compared ({})",
            dropped.join(", ")
        );
    }
    how
}

/// Whether the roots and every rule and fact they depend on read the same on both
/// sides: then the two agree on every case, by definition.
fn same_definition(
    old: &Program,
    ro: &[&Expr],
    co: &[RuleId],
    new: &Program,
    rn: &[&Expr],
    cn: &[RuleId],
) -> bool {
    if ro.len() != rn.len()
        || ro
            .iter()
            .zip(rn)
            .any(|(a, b)| canon::expr(old, a) != canon::expr(new, b))
        || co.len() != cn.len()
    {
        return false;
    }
    for &r in co {
        let rule = &old.rules[r];
        let Some(Name::Rule(s)) = new.lookup(&rule.name) else {
            return false;
        };
        let other = &new.rules[s];
        if !cn.contains(&s)
            || rule.kind != other.kind
            || !same_type(old, rule.ty, new, other.ty)
            || canon::rule_body(old, rule) != canon::rule_body(new, other)
        {
            return false;
        }
    }
    let (fo, fn_) = (space::facts_of(old, ro, co), space::facts_of(new, rn, cn));
    fo.len() == fn_.len()
        && fo.iter().all(|f| {
            let def = &old.facts[*f];
            new.fact_named(&def.name)
                .is_some_and(|g| same_type(old, def.ty, new, new.facts[g].ty))
        })
}
