//! The report view model: one structured description of an evaluated case that every
//! renderer reads — the aligned text of `cspr eval`, the timeline
//! (text, JSON, iCalendar) and the HTML decision report.
//!
//! Everything a renderer shows is here as data, not finished English: facts given with
//! their values, outcomes with value, citations and the facts they wait for, duties with
//! actor, modality, due date and status, the questions still to ask, and (on request)
//! explanation trees whose nodes say what kind of step they are (fact, rule, exception,
//! branch, …), with the value and the citation apart from the words. So the HTML report
//! can mark up a citation as a citation, and the text output stays what it always was.
//!
//! ```text
//! Evaluation ──► Report::new ──► Report ──┬─► eval_text                (report.rs)
//!                                          ├─► timeline text/JSON/ICS   (timeline.rs)
//!                                          └─► html::render             (html.rs)
//! ```

use chrono::NaiveDate;

use super::DeadlineView;
use crate::check::{Body, Cite, DutyId, FactId, Program, RuleId, RuleKind};
use crate::eval::Evaluation;
use crate::eval::deadline::Moment;
use crate::eval::explain::{self, Explainer};
pub use crate::eval::explain::{Explanation, NodeKind};
use crate::eval::kleene::Via;
use crate::value::{Display, Type, Value};

/// An evaluated case, ready to render.
pub struct Report<'a> {
    pub program: &'a Program,
    pub eval: &'a Evaluation,
    pub procedure: ProcedureInfo<'a>,
    pub case_id: Option<&'a str>,
    /// The day statuses are judged on.
    pub as_of: NaiveDate,
    /// The facts the case gives, in declaration order.
    pub given: Vec<GivenFact<'a>>,
    /// One per rule and decision, in declaration order.
    pub outcomes: Vec<OutcomeRow<'a>>,
    /// One per duty, in declaration order.
    pub duties: Vec<DutyRow<'a>>,
    /// The facts that could still change something, as questions.
    pub questions: Vec<Question<'a>>,
    /// Indices into `duties` of the deadlines that apply or may apply, in timeline order
    /// (see [`super::timeline`]).
    pub timeline: Vec<usize>,
    /// Show code names where people-facing outputs show labels and actors' titles
    /// (`--names`).
    pub names: bool,
}

/// The procedure evaluated.
pub struct ProcedureInfo<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub version: Option<NaiveDate>,
}

/// A fact the case gives.
pub struct GivenFact<'a> {
    pub fact: FactId,
    pub name: &'a str,
    pub value: &'a Value,
    pub ty: Type,
    /// The value as text (`true`, `suspected`, `2024-03-04`).
    pub shown: String,
    pub ask: Option<&'a str>,
}

/// A rule's or decision's outcome.
pub struct OutcomeRow<'a> {
    pub rule: RuleId,
    pub name: &'a str,
    /// What people read for it: its `label`, else its name in words.
    pub label: String,
    pub decision: bool,
    pub ty: Type,
    /// `None` exactly when undetermined.
    pub value: Option<&'a Value>,
    /// The value as text, or `undetermined`.
    pub shown: String,
    /// The rule's own citation, and the exception's or branch's that decided it.
    pub cites: Vec<&'a Cite>,
    /// The unknown facts that could change it (empty when determined).
    pub missing: Vec<&'a str>,
}

/// A duty: who must, should or may do what, whether it applies, and by when.
pub struct DutyRow<'a> {
    pub duty: DutyId,
    pub name: &'a str,
    /// Its `label`, else its name in words (its action is shown beside it).
    pub label: String,
    /// The actor's code name.
    pub actor: &'a str,
    /// The actor's title, from its `actor` declaration.
    pub actor_title: &'a str,
    pub modality: &'static str,
    pub action: &'a str,
    /// `None` when it may apply.
    pub applies: Option<bool>,
    pub has_deadline: bool,
    pub deadline: DeadlineView<'a>,
    /// The date its deadline counts from, where known: the start of its bar on a chart.
    pub starts: Option<Moment>,
    /// The day the case records it was done.
    pub done: Option<Moment>,
    pub cite: Option<&'a Cite>,
    /// The unknown facts that would settle whether it applies (when it may apply).
    pub missing: Vec<&'a str>,
}

/// `duty a refines b`: the duty refined, its due date where known, and whether the
/// refining duty's own date binds (the earlier of the two; `None` when either is unknown).
#[derive(Clone, Debug)]
pub struct Refines<'a> {
    pub name: &'a str,
    /// The refined duty's label (its name in words without one).
    pub label: String,
    pub due: Option<Moment>,
    pub binds: Option<bool>,
    /// Whether the refining duty applies (`None`: it may).
    pub applies: Option<bool>,
    /// Whether either duty has a clock: without one there is no date to compare.
    pub dated: bool,
    /// Whether the refined duty has a clock of its own.
    pub refined_dated: bool,
}

/// What duty `d` refines, if it refines one, and which of the two due dates binds: the
/// earlier (a date is due by the end of its day; on the same day the refining duty binds).
pub fn refines_of<'a>(program: &'a Program, eval: &Evaluation, d: DutyId) -> Option<Refines<'a>> {
    let r = program.duties.get(d)?.refines?;
    let other = program.duties.get(r)?;
    let key = |m: Moment| match m {
        Moment::Date(day) => (day, None::<chrono::NaiveTime>),
        Moment::DateTime(t) => (t.date(), Some(t.time())),
    };
    let mine = eval.duties.get(d).and_then(|o| o.due).map(|due| due.at);
    let theirs = eval.duties.get(r).and_then(|o| o.due).map(|due| due.at);
    let applies = eval.duties.get(d).and_then(|o| o.applies);
    let theirs_applies = eval.duties.get(r).and_then(|o| o.applies);
    let (mine_dated, theirs_dated) = (
        program.duties[d].deadline.is_some(),
        other.deadline.is_some(),
    );
    let binds = if !(mine_dated || theirs_dated) {
        None
    } else if applies == Some(false) {
        // A duty that does not apply binds nothing.
        Some(false)
    } else if !mine_dated {
        // Only the refined duty has a clock: its date is the one to meet.
        (theirs_applies != Some(false)).then_some(false)
    } else if !theirs_dated || theirs_applies == Some(false) {
        Some(true)
    } else {
        match (mine, theirs) {
            // A date without a time is due by the end of its day: after any time on it.
            (Some(a), Some(b)) => {
                let (ka, kb) = (key(a), key(b));
                Some(
                    ka.0 < kb.0
                        || (ka.0 == kb.0 && (ka.1.is_some() || kb.1.is_none() || ka.1 <= kb.1)),
                )
            }
            _ => None,
        }
    };
    Some(Refines {
        name: &other.name,
        label: other.label(),
        due: theirs,
        binds,
        applies,
        dated: mine_dated || theirs_dated,
        refined_dated: theirs_dated,
    })
}

/// A question that would settle part of the case.
pub struct Question<'a> {
    pub fact: FactId,
    pub name: &'a str,
    pub ask: Option<&'a str>,
    /// What an answer looks like: `true or false`, `known | suspected | not_suspected`.
    pub answer: String,
}

impl<'a> Report<'a> {
    pub fn new(program: &'a Program, eval: &'a Evaluation, as_of: NaiveDate) -> Report<'a> {
        let calendar = crate::eval::deadline::calendar_of(program).ok().flatten();
        let entry = program.entry();
        let show = |v: &Value, ty| Display::of(v, program, ty).to_string();
        let names = |facts: &[FactId]| program.fact_names(facts);
        let given = program
            .facts
            .iter()
            .zip(&eval.facts)
            .enumerate()
            .filter_map(|(f, (def, v))| {
                v.as_ref().map(|value| GivenFact {
                    fact: f,
                    name: &def.name,
                    value,
                    ty: def.ty,
                    shown: show(value, def.ty),
                    ask: def.ask.as_deref(),
                })
            })
            .collect();
        let outcomes = eval
            .outcomes
            .iter()
            .enumerate()
            .map(|(r, o)| {
                let def = &program.rules[r];
                OutcomeRow {
                    rule: r,
                    name: &def.name,
                    label: def.label(),
                    decision: def.kind == RuleKind::Decision,
                    ty: def.ty,
                    value: o.value.as_ref(),
                    shown: o
                        .value
                        .as_ref()
                        .map_or_else(|| "undetermined".into(), |v| show(v, def.ty)),
                    cites: outcome_cites(program, r, o.via),
                    missing: if o.value.is_none() {
                        names(&o.missing)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        let duties: Vec<DutyRow<'a>> = program
            .duties
            .iter()
            .zip(&eval.duties)
            .enumerate()
            .map(|(d, (def, o))| DutyRow {
                duty: d,
                name: &def.name,
                label: def.label(),
                actor: &def.actor,
                actor_title: &def.actor_title,
                modality: def.modality.as_str(),
                action: &def.action,
                applies: o.applies,
                has_deadline: def.deadline.is_some(),
                deadline: DeadlineView::in_calendar(program, eval, d, as_of, calendar),
                starts: eval.duties[d].due.map(|due| due.from.date),
                done: def.done.and_then(|f| moment(&eval.facts[f])),
                cite: def.cite.as_ref(),
                missing: if o.applies.is_none() {
                    names(&o.missing)
                } else {
                    Vec::new()
                },
            })
            .collect();
        let timeline = super::timeline::order_duties(&duties);
        let questions = eval
            .missing
            .iter()
            .map(|f| {
                let def = &program.facts[*f];
                let answer = match def.ty {
                    Type::Bool => "true or false".to_string(),
                    Type::Enum(e) => program.enums[e].variants.join(" | "),
                    Type::Set(e) => format!("any of {}", program.enums[e].variants.join(", ")),
                    ty => format!("a {}", crate::check::type_name(ty, &program.enums)),
                };
                Question {
                    fact: *f,
                    name: &def.name,
                    ask: def.ask.as_deref(),
                    answer,
                }
            })
            .collect();
        Report {
            program,
            eval,
            procedure: ProcedureInfo {
                id: &entry.id,
                title: &entry.title,
                version: entry.version,
            },
            case_id: eval.case_id.as_deref(),
            as_of,
            given,
            outcomes,
            duties,
            questions,
            timeline,
            names: false,
        }
    }

    /// The report with code names in place of labels and actors' titles (`--names`).
    #[must_use]
    pub fn with_names(mut self, names: bool) -> Self {
        self.names = names;
        self
    }

    /// What people read for an outcome: its label, or its code name with `--names`.
    pub fn outcome_name<'r>(&'r self, o: &'r OutcomeRow<'a>) -> &'r str {
        if self.names { o.name } else { &o.label }
    }

    /// Who a duty falls on: the actor's title, or its code name with `--names`.
    pub fn actor(&self, d: &DutyRow<'a>) -> &'a str {
        if self.names { d.actor } else { d.actor_title }
    }

    /// What people read for a duty beside its action: its label (else its name in
    /// words), or its code name with `--names`.
    pub fn duty_name<'r>(&'r self, d: &'r DutyRow<'a>) -> &'r str {
        if self.names { d.name } else { &d.label }
    }

    /// The deadlines on the timeline, in order.
    pub fn timeline_duties(&self) -> impl Iterator<Item = &DutyRow<'a>> {
        self.timeline.iter().map(|i| &self.duties[*i])
    }

    /// The outcomes worth explaining on their own: the decisions, and the rules no other
    /// rule uses.
    pub fn top_level(&self) -> Vec<RuleId> {
        explain::top_level(self.program)
    }

    /// Why outcome `r` has its value, as a tree of structured steps standing alone.
    pub fn explain_rule(&self, r: RuleId) -> Explanation<'a> {
        let tree = Explainer::new(self.program, self.eval).rule(r);
        Explanation::from_tree(self.program, &tree)
    }

    /// Why duty `d` applies, does not, or may.
    pub fn explain_duty(&self, d: DutyId) -> Explanation<'a> {
        let tree = Explainer::new(self.program, self.eval).duty(d);
        Explanation::from_tree(self.program, &tree)
    }
}

/// The citations behind an outcome: the rule's own, and the exception or branch that
/// decided it.
pub fn outcome_cites(program: &Program, r: RuleId, via: Via) -> Vec<&Cite> {
    let def = &program.rules[r];
    let mut out: Vec<&Cite> = def.cite.iter().collect();
    let extra = match (&def.body, via) {
        (Body::Default { exceptions, .. }, Via::Exception(i)) => {
            exceptions.get(i).and_then(|e| e.cite.as_ref())
        }
        (Body::Decision { branches }, Via::Branch(i)) => {
            branches.get(i).and_then(|b| b.cite.as_ref())
        }
        _ => None,
    };
    if let Some(c) = extra
        && !out.contains(&c)
    {
        out.push(c);
    }
    out
}

fn moment(v: &Option<Value>) -> Option<Moment> {
    match v {
        Some(Value::Date(d)) => Some(Moment::Date(*d)),
        Some(Value::DateTime(t)) => Some(Moment::DateTime(*t)),
        _ => None,
    }
}
