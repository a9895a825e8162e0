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
//! 5. **Readings and one-sided declarations.** A duty both declare whose actor, modality
//!    or action changed gets the first (minimal) case where it applies in both, with both
//!    readings; a duty only one side declares gets the minimal case where it applies on
//!    that side, an outcome only one side declares one where it is determined (holding
//!    first). The other side's result is `not declared`. Each is confirmed as in 3.

use serde::Serialize;

use super::search::{Goal, Mode, Search, Side};
use super::space;
use super::structural::same_type;
use super::{Options, Progress, Silent, canon};
use crate::check::{DutyId, Expr, Name, Program, RuleId};
use crate::eval::Engine;
use crate::value::Value;

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
    /// Which sides declare the target: `both`, `old` (removed) or `new` (added).
    pub declared: &'static str,
    /// What changed for cases, in plain words (`duty \`notify\` is now must (was
    /// should)`); `None` unless the verdict is `different`.
    pub summary: Option<String>,
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
    pub(super) old_engine: Engine<'p>,
    pub(super) new_engine: Engine<'p>,
    pub(super) options: Options,
    pub(super) progress: &'p dyn Progress,
}

/// Compare every outcome, duty and due date the two programs share.
pub fn diff(old: &Program, new: &Program, options: Options) -> Report {
    diff_watched(old, new, options, &Silent)
}

/// As [`diff`], telling `progress` of each target compared and of the search's
/// partial assignments as they are explored.
pub fn diff_watched(
    old: &Program,
    new: &Program,
    options: Options,
    progress: &dyn Progress,
) -> Report {
    let pair = Pair {
        old,
        new,
        old_engine: Engine::new(old),
        new_engine: Engine::new(new),
        options,
        progress,
    };
    // The targets both declare, counted first so a front end can draw a bar over them.
    let rules: Vec<(RuleId, RuleId)> = (0..new.rules.len())
        .filter_map(|r| match old.lookup(&new.rules[r].name) {
            Some(Name::Rule(o)) => Some((o, r)),
            _ => None,
        })
        .collect();
    let duties: Vec<(DutyId, DutyId)> = (0..new.duties.len())
        .filter_map(|d| match old.lookup(&new.duties[d].name) {
            Some(Name::Duty(o)) => Some((o, d)),
            _ => None,
        })
        .collect();
    let has_due = |&(o, d): &(DutyId, DutyId)| {
        old.duties[o].deadline.is_some() || new.duties[d].deadline.is_some()
    };
    // Duties both declare whose reading (actor, modality, action) changed, and
    // declarations only one side has: each gets a witness where it applies.
    let readings: Vec<(DutyId, DutyId)> = duties
        .iter()
        .copied()
        .filter(|&(o, d)| reading_text(old, o) != reading_text(new, d))
        .collect();
    let mut one_sided: Vec<(Declared, One)> = Vec::new();
    for (side, a, b) in [(Declared::Old, old, new), (Declared::New, new, old)] {
        for r in 0..a.rules.len() {
            if !matches!(b.lookup(&a.rules[r].name), Some(Name::Rule(_))) {
                one_sided.push((side, One::Rule(r)));
            }
        }
    }
    for (side, a, b) in [(Declared::Old, old, new), (Declared::New, new, old)] {
        for d in 0..a.duties.len() {
            if !matches!(b.lookup(&a.duties[d].name), Some(Name::Duty(_))) {
                one_sided.push((side, One::Duty(d)));
            }
        }
    }
    let total = rules.len()
        + duties.len()
        + duties.iter().filter(|p| has_due(p)).count()
        + readings.len()
        + one_sided.len();
    progress.targets(total as u64);
    let mut targets = Vec::new();
    let mut push = |t: Target| {
        targets.push(t);
        progress.target_done();
    };
    for &(o, r) in &rules {
        push(pair.outcome(o, r));
    }
    for &(o, d) in &duties {
        push(pair.applies(o, d));
        if has_due(&(o, d)) {
            push(pair.due(o, d));
        }
    }
    for &(o, d) in &readings {
        push(pair.reading(o, d));
    }
    for &(side, one) in &one_sided {
        push(pair.one_sided(side, one));
    }
    for t in &mut targets {
        if t.verdict == Verdict::Different && t.summary.is_none() {
            t.summary = Some(summary(t));
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
pub(super) enum What {
    Rule(RuleId),
    Applies(DutyId),
    Due(DutyId),
    /// Whether a duty applies, and if so who must, should or may do what.
    Reading(DutyId),
    /// The side that does not declare the target.
    Absent,
}

/// Which side declares a one-sided target.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Declared {
    Old,
    New,
}

/// A declaration only one side has.
#[derive(Clone, Copy)]
pub(super) enum One {
    Rule(RuleId),
    Duty(DutyId),
}

/// A duty's reading as people read it (the actor's title, as `cspr explain` words it):
/// `Local authority must "notify the Panel"`. An actor renamed in the code but not in its
/// title reads the same. A duty that refines an inherited one says so after its words —
/// `… "send the notification" (refines `notify_national_panel`)` — so it is lined up with
/// the duty it refines, and gaining or losing `refines` is a change in what cases read.
pub(super) fn reading_text(p: &Program, d: DutyId) -> String {
    let def = &p.duties[d];
    let refines = def.refines.map_or(String::new(), |r| {
        format!("{REFINES}{}`)", p.duties[r].name)
    });
    format!(
        "{} {} \"{}\"{refines}",
        def.actor_title,
        def.modality.as_str(),
        def.action
    )
}

const REFINES: &str = " (refines `";

/// A reading without its `(refines `x`)`, and the duty it refines.
fn split_refines(s: &str) -> (&str, Option<&str>) {
    match s.rfind(REFINES) {
        Some(i) if s.ends_with("`)") => (&s[..i], Some(&s[i + REFINES.len()..s.len() - 2])),
        _ => (s, None),
    }
}

/// A reading's actor (a title, of any number of words), modality and quoted action:
/// `Local authority must "notify the Panel"` → (`Local authority`, `must`,
/// `"notify the Panel"`).
fn reading_parts(s: &str) -> (&str, &str, &str) {
    for modality in ["must", "should", "may"] {
        if let Some(i) = s.find(&format!(" {modality} \"")) {
            return (&s[..i], modality, &s[i + modality.len() + 2..]);
        }
    }
    (s, "", "")
}

/// What changed for cases, in plain words, from a different target and its first witness.
fn summary(t: &Target) -> String {
    let Some(w) = t.witnesses.first() else {
        return format!("`{}` differs", t.name);
    };
    let bare = |s: &str| s.trim_start_matches("applies: ").to_string();
    // `Local authority should`: who, and how strongly, without the action's words.
    let who = |s: &str| {
        let reading = bare(s);
        let (actor, modality, _) = reading_parts(&reading);
        format!("{actor} {modality}").trim().to_string()
    };
    match (t.kind, t.declared) {
        ("reading", "new") => format!("a new duty `{}` ({}) applies", t.name, who(&w.new)),
        ("reading", "old") => format!("duty `{}` ({}) is gone", t.name, who(&w.old)),
        ("reading", _) => {
            let (o, n) = (bare(&w.old), bare(&w.new));
            let ((o, or), (n, nr)) = (split_refines(&o), split_refines(&n));
            let (oa, om, ot) = reading_parts(o);
            let (na, nm, nt) = reading_parts(n);
            let (ow, nw) = (vec![oa, om, ot], vec![na, nm, nt]);
            let mut parts = Vec::new();
            if ow.get(1) != nw.get(1) {
                parts.push(format!(
                    "is now {} (was {})",
                    nw.get(1).unwrap_or(&""),
                    ow.get(1).unwrap_or(&"")
                ));
            }
            if ow.first() != nw.first() {
                parts.push(format!(
                    "falls to {} (was {})",
                    nw.first().unwrap_or(&""),
                    ow.first().unwrap_or(&"")
                ));
            }
            if ow.get(2) != nw.get(2) {
                parts.push(format!(
                    "now reads {} (was {})",
                    nw.get(2).unwrap_or(&""),
                    ow.get(2).unwrap_or(&"")
                ));
            }
            match (or, nr) {
                (None, Some(r)) => parts.push(format!(
                    "now refines `{r}` (which stays in force beside it)"
                )),
                (Some(r), None) => parts.push(format!("no longer refines `{r}`")),
                (Some(a), Some(b)) if a != b => {
                    parts.push(format!("now refines `{b}` (was `{a}`)"))
                }
                _ => {}
            }
            format!("duty `{}` {}", t.name, parts.join(" and "))
        }
        ("outcome", "new") => format!("a new outcome `{}`", t.name),
        ("outcome", "old") => format!("outcome `{}` is gone", t.name),
        ("outcome", _) => format!(
            "outcome `{}` is now {} (was {}) for some cases",
            t.name, w.new, w.old
        ),
        ("applies", _) => format!(
            "duty `{}` now {} where it did {}",
            t.name,
            w.new,
            if w.old == "applies" { "apply" } else { "not" }
        ),
        _ => format!(
            "duty `{}` is now {} (was {}) for some cases",
            t.name,
            w.new,
            w.old.trim_start_matches("due ")
        ),
    }
}

impl<'p> Pair<'p> {
    /// A duty both declare whose reading (actor, modality, action) changed: the
    /// smallest case where it applies in both, with both readings.
    fn reading(&self, o: DutyId, n: DutyId) -> Target {
        let (wo, wn) = (
            self.old.duties[o].when.as_ref(),
            self.new.duties[n].when.as_ref(),
        );
        let (ro, rn): (Vec<&Expr>, Vec<&Expr>) =
            (wo.into_iter().collect(), wn.into_iter().collect());
        let (co, cn) = (space::cone(self.old, &ro), space::cone(self.new, &rn));
        let vars = space::build(
            self.old,
            &space::facts_of(self.old, &ro, &co),
            &space::exprs_of(self.old, &ro, &co),
            self.new,
            &space::facts_of(self.new, &rn, &cn),
            &space::exprs_of(self.new, &rn, &cn),
        );
        let ready = |conds: Vec<&'p Expr>| Goal::Ready {
            conds,
            choices: Vec::new(),
        };
        let search = Search::new(
            vars,
            Side::new(self.old, ready(ro), co),
            Side::new(self.new, ready(rn), cn),
            self.options.budget,
            Mode::BothReady,
        );
        self.applying(
            search,
            &self.new.duties[n].name,
            "reading",
            "both",
            (What::Reading(o), What::Reading(n)),
            format!(
                "reading `{}` against `{}`",
                reading_text(self.old, o),
                reading_text(self.new, n)
            ),
        )
    }

    /// A rule, decision or duty only one side declares: the smallest case where it is
    /// determined (an outcome) or applies (a duty) on that side.
    fn one_sided(&self, side: Declared, one: One) -> Target {
        let p = match side {
            Declared::Old => self.old,
            Declared::New => self.new,
        };
        // An outcome: one witness for each value it takes (the dummy side is always
        // "ready", so every determined value differs from it); a duty: the first case
        // where it applies.
        let mode = match one {
            One::Rule(_) => Mode::Differ,
            One::Duty(_) => Mode::BothReady,
        };
        let (kind, name, root, goal, what) = match one {
            One::Rule(r) => (
                "outcome",
                &p.rules[r].name,
                Some(Expr::Rule(r)),
                Goal::Rule(r),
                What::Rule(r),
            ),
            One::Duty(d) => (
                "reading",
                &p.duties[d].name,
                p.duties[d].when.clone(),
                Goal::Ready {
                    conds: p.duties[d].when.iter().collect(),
                    choices: Vec::new(),
                },
                What::Reading(d),
            ),
        };
        let roots: Vec<&Expr> = root.iter().collect();
        let cone = space::cone(p, &roots);
        let (facts, exprs) = (
            space::facts_of(p, &roots, &cone),
            space::exprs_of(p, &roots, &cone),
        );
        let none = Goal::Ready {
            conds: Vec::new(),
            choices: Vec::new(),
        };
        let (search, whats, declared) = match side {
            Declared::Old => (
                Search::new(
                    space::build(self.old, &facts, &exprs, self.new, &[], &[]),
                    Side::new(self.old, goal, cone),
                    Side::new(self.new, none, Vec::new()),
                    self.options.budget,
                    mode,
                ),
                (what, What::Absent),
                "old",
            ),
            Declared::New => (
                Search::new(
                    space::build(self.old, &[], &[], self.new, &facts, &exprs),
                    Side::new(self.old, none, Vec::new()),
                    Side::new(self.new, goal, cone),
                    self.options.budget,
                    mode,
                ),
                (What::Absent, what),
                "new",
            ),
        };
        let how = format!(
            "declared only in {}",
            if side == Declared::Old { "OLD" } else { "NEW" }
        );
        let mut target = self.applying(search, name, kind, declared, whats, how);
        if let (One::Rule(r), Verdict::Different) = (one, target.verdict) {
            // A short definition says what the outcome is; a long one is in the rules.
            let body = canon::rule_body(p, &p.rules[r]).join("; ");
            let name = &p.rules[r].name;
            target.summary = Some(match (side, body.len() <= 80) {
                (Declared::New, true) => format!("a new outcome `{name}` ({body})"),
                (Declared::New, false) => format!("a new outcome `{name}`"),
                (Declared::Old, true) => format!("outcome `{name}` ({body}) is gone"),
                (Declared::Old, false) => format!("outcome `{name}` is gone"),
            });
        }
        if let One::Rule(_) = one {
            // One case is enough to show a new (or removed) outcome: one where it holds
            // first (the witnesses are sorted so).
            target.witnesses.truncate(1);
            if let Some(w) = target.witnesses.first_mut() {
                w.more = 0;
            }
        }
        if let (One::Duty(d), Verdict::Different) = (one, target.verdict) {
            let when = p.duties[d].when.as_ref().map(|w| canon::expr(p, w));
            let def = &p.duties[d];
            let refines = def.refines.map_or(String::new(), |r| {
                format!(
                    "; it refines `{}`, which stays in force beside it",
                    p.duties[r].name
                )
            });
            let who = format!(
                "`{}` ({} {})",
                def.name,
                def.actor_title,
                def.modality.as_str()
            );
            let cases = when.map_or("to every case".to_string(), |w| format!("when {w}"));
            target.summary = Some(match side {
                Declared::New => format!("a new duty {who} applies {cases}{refines}"),
                Declared::Old => format!("duty {who} is gone: it applied {cases}{refines}"),
            });
        }
        target
    }

    /// Run a search for the first case where both goals are ready, and make it the
    /// target's witness if the evaluator confirms the two results differ.
    fn applying(
        &self,
        mut search: Search<'p>,
        name: &str,
        kind: &'static str,
        declared: &'static str,
        what: (What, What),
        how: String,
    ) -> Target {
        search.progress = Some(self.progress);
        search.run();
        let mut target = Target {
            kind,
            name: name.to_string(),
            verdict: Verdict::Equal,
            how,
            cone_facts: search.vars.len(),
            explored: search.explored,
            pruned: search.pruned,
            witnesses: Vec::new(),
            declared,
            summary: None,
        };
        let exact = !search.truncated && search.inexact.is_empty() && search.undecided == 0;
        for found in &search.found {
            target
                .witnesses
                .extend(self.witness(&search.vars, found, what, None));
        }
        // A value that holds (not `false`) first: it says more than where it does not.
        target
            .witnesses
            .sort_by_key(|w| [&w.old, &w.new].iter().any(|r| *r == "false"));
        match search.found.first() {
            Some(_) if !target.witnesses.is_empty() => {
                target.verdict = Verdict::Different;
            }
            Some(_) => {
                target.verdict = Verdict::Unknown;
                target.how += "; the case found was not confirmed by the evaluator";
            }
            None if exact => {
                target.how += if kind == "outcome" {
                    "; determined in no case"
                } else {
                    "; applies in no case"
                };
            }
            None => {
                target.verdict = Verdict::Unknown;
                target.how += &format!(
                    "; no case found where it applies; not exhaustive ({} partial assignments explored)",
                    search.explored
                );
            }
        }
        target
    }

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
            declared: "both",
            summary: None,
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
        search.progress = Some(self.progress);
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
pub(super) fn same_definition(
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
