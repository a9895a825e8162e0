//! Stage five: results for people (aligned text) and for programs (the JSON of DESIGN §4).
//!
//! Pure functions from an [`Evaluation`] or a derivation tree to a string or JSON value;
//! the front ends decide where they go.

mod json;
pub mod timeline;

pub use json::JsonWriter;

use std::fmt::Write as _;

use crate::check::{Body, Cite, Program};
use crate::eval::explain::{self, Node, Step, Tree};
use crate::eval::kleene::Via;
use crate::eval::{DutyOutcome, Evaluation, Outcome};
use crate::value::{self, Display, Type, Value};
use chrono::NaiveDate;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::eval::deadline::{self, Status};
use serde_json::{Map, Value as Json, json};

fn cites(list: &[&Cite]) -> Json {
    Json::Array(list.iter().map(|c| Json::String(c.to_string())).collect())
}

/// The citations behind an outcome: the rule's own, and the exception or branch that decided it.
fn outcome_cites<'p>(program: &'p Program, r: usize, o: &Outcome) -> Vec<&'p Cite> {
    let def = &program.rules[r];
    let mut out: Vec<&Cite> = def.cite.iter().collect();
    let extra = match (&def.body, o.via) {
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

fn value_json(program: &Program, value: &Option<Value>, ty: Type) -> Json {
    value
        .as_ref()
        .map_or(Json::Null, |v| value::to_json(v, ty, &program.enums))
}

/// The evaluation as the JSON object of DESIGN §4, serialized straight from the
/// evaluation (no intermediate JSON tree: this is the batch hot path).
pub struct EvalJson<'a> {
    pub program: &'a Program,
    pub eval: &'a Evaluation,
    /// The day statuses are judged on.
    pub as_of: NaiveDate,
}

/// The JSON text of an evaluation, on one line.
pub fn eval_json(program: &Program, eval: &Evaluation, as_of: NaiveDate) -> String {
    serde_json::to_string(&EvalJson {
        program,
        eval,
        as_of,
    })
    .unwrap_or_default()
}

/// A duty's deadline as the output shows it.
pub struct DeadlineView<'p> {
    pub due: Option<deadline::Moment>,
    pub status: Status,
    pub provisional: bool,
    pub waiting_for: Option<&'p str>,
    /// For a deadline in hours met late at a recorded time: by how many clock hours
    /// (rounded up), which says more than the working days.
    pub hours_late: Option<i64>,
    /// The calendar's id and years, for saying why working days cannot be counted.
    calendar: Option<(&'static str, i32, i32)>,
}

impl DeadlineView<'_> {
    pub fn new<'p>(
        program: &'p Program,
        eval: &Evaluation,
        d: usize,
        as_of: NaiveDate,
    ) -> DeadlineView<'p> {
        // Only an evaluation is rendered, and evaluating fails if the calendar is broken
        // (`Engine`), so no count is made without it here.
        let calendar = deadline::calendar_of(program).ok().flatten();
        DeadlineView::in_calendar(program, eval, d, as_of, calendar)
    }

    /// The same, with the program's calendar already at hand (the batch path).
    pub fn in_calendar<'p>(
        program: &'p Program,
        eval: &Evaluation,
        d: usize,
        as_of: NaiveDate,
        calendar: Option<&'static crate::time::Calendar>,
    ) -> DeadlineView<'p> {
        let status = deadline::status(program, eval, d, as_of, calendar);
        let due = eval.duties[d].due;
        let waiting_for = match status {
            Status::Waiting { fact: Some(f) } => Some(program.facts[f].name.as_str()),
            _ => None,
        };
        let hours_late = deadline::hours_late(program, eval, d, &status);
        DeadlineView {
            due: due.map(|d| d.at),
            provisional: due.is_some_and(|d| d.provisional),
            status,
            waiting_for,
            hours_late,
            calendar: calendar.map(|c| (c.id(), *c.years().start(), *c.years().end())),
        }
    }

    /// Working days left, late or overdue, where the status has a count: `Some(None)` when
    /// it has one the calendar cannot give (written `null` in JSON).
    pub fn working_days(&self) -> Option<Option<i64>> {
        match self.status {
            Status::Pending {
                working_days_left: n,
            }
            | Status::Overdue { working_days: n }
            | Status::MetLate { working_days: n } => Some(n),
            _ => None,
        }
    }

    /// Why a status has no count of working days.
    fn uncounted(&self) -> String {
        match self.calendar {
            Some((id, first, last)) => format!(
                "cannot count working days outside {first}–{last}, the years the {id} calendar answers"
            ),
            None => "cannot count working days: the procedure names no calendar".to_string(),
        }
    }

    /// The status for a person: `pending, 3 working days left`.
    pub fn describe(&self) -> String {
        let plural = |n: i64| if n == 1 { "" } else { "s" };
        let mut s = match &self.status {
            Status::NotApplicable => "not applicable".to_string(),
            Status::NoDeadline => "no deadline".to_string(),
            Status::Waiting { .. } => format!(
                "waiting for {}",
                self.waiting_for.unwrap_or("an earlier step")
            ),
            Status::Pending {
                working_days_left: Some(0),
            } => "pending, due on the next non-working day".to_string(),
            Status::Pending {
                working_days_left: Some(n),
            } => format!("pending, {n} working day{} left", plural(*n)),
            Status::Pending {
                working_days_left: None,
            } => format!("pending ({})", self.uncounted()),
            Status::DueToday => "due today".to_string(),
            Status::Overdue {
                working_days: Some(0),
            } => "overdue: the due date fell on a non-working day".to_string(),
            Status::Overdue {
                working_days: Some(n),
            } => format!("overdue by {n} working day{}", plural(*n)),
            Status::Overdue { working_days: None } => {
                format!("overdue ({})", self.uncounted())
            }
            Status::Met => "met".to_string(),
            Status::MetLate { working_days: n } => match (self.hours_late, n) {
                (Some(h), Some(0)) => format!("met late by {h} hour{}", plural(h)),
                (Some(h), Some(n)) => format!(
                    "met late by {h} hour{} ({n} working day{})",
                    plural(h),
                    plural(*n)
                ),
                (Some(h), None) => format!("met late by {h} hour{}", plural(h)),
                (None, Some(0)) => "met late, on a non-working day after the due date".to_string(),
                (None, Some(n)) => format!("met late by {n} working day{}", plural(*n)),
                (None, None) => format!("met late ({})", self.uncounted()),
            },
            Status::Running { until } => format!("running until {}", until.format("%Y-%m-%d")),
            Status::Completed => "completed".to_string(),
        };
        if self.provisional {
            s.push_str(" (provisional: counted across bank holidays not yet published)");
        }
        s
    }
}

struct Procedure<'a>(&'a Program);
struct Outcomes<'a>(&'a Program, &'a Evaluation);
struct OutcomeJson<'a>(&'a Program, usize, &'a Outcome);
struct Duties<'a>(&'a Program, &'a Evaluation, NaiveDate);
struct DutyJson<'a>(
    &'a Program,
    usize,
    &'a DutyOutcome,
    &'a Evaluation,
    NaiveDate,
);
struct Names<'a>(&'a Program, &'a [usize]);
struct Cites<'a>(Vec<&'a Cite>);
struct CiteJson<'a>(&'a Cite);

impl Serialize for CiteJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.text)
    }
}

struct ValueJson<'a>(&'a Program, &'a Option<Value>, Type);

impl Serialize for EvalJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("procedure", &Procedure(self.program))?;
        m.serialize_entry("case_id", &self.eval.case_id)?;
        m.serialize_entry("outcomes", &Outcomes(self.program, self.eval))?;
        m.serialize_entry("duties", &Duties(self.program, self.eval, self.as_of))?;
        m.serialize_entry("missing", &Names(self.program, &self.eval.missing))?;
        m.end()
    }
}

impl Serialize for Procedure<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let entry = self.0.entry();
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("id", &entry.id)?;
        m.serialize_entry(
            "version",
            &entry.version.map(|v| v.format("%Y-%m-%d").to_string()),
        )?;
        m.end()
    }
}

impl Serialize for Outcomes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.1.outcomes.len()))?;
        for (r, o) in self.1.outcomes.iter().enumerate() {
            m.serialize_entry(&self.0.rules[r].name, &OutcomeJson(self.0, r, o))?;
        }
        m.end()
    }
}

impl Serialize for OutcomeJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let OutcomeJson(program, r, o) = *self;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("value", &ValueJson(program, &o.value, program.rules[r].ty))?;
        m.serialize_entry("cite", &Cites(outcome_cites(program, r, o)))?;
        if o.value.is_none() {
            m.serialize_entry("missing", &Names(program, &o.missing))?;
        }
        m.end()
    }
}

impl Serialize for Duties<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.duties.len()))?;
        for (d, o) in self.1.duties.iter().enumerate() {
            seq.serialize_element(&DutyJson(self.0, d, o, self.1, self.2))?;
        }
        seq.end()
    }
}

impl Serialize for DutyJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let DutyJson(program, d, o, _, _) = *self;
        let duty = &program.duties[d];
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", &duty.name)?;
        m.serialize_entry("actor", &duty.actor)?;
        m.serialize_entry("modality", duty.modality.as_str())?;
        m.serialize_entry("applies", &o.applies)?;
        let view = DeadlineView::new(program, self.3, d, self.4);
        m.serialize_entry("due", &view.due.map(|d| d.to_string()))?;
        m.serialize_entry("status", view.status.name())?;
        if view.provisional {
            m.serialize_entry("provisional", &true)?;
        }
        if let Some(f) = view.waiting_for {
            m.serialize_entry("waiting_for", f)?;
        }
        if let Some(n) = view.working_days() {
            m.serialize_entry("working_days", &n)?;
        }
        if let Some(h) = view.hours_late {
            m.serialize_entry("hours_late", &h)?;
        }
        m.serialize_entry("cite", &Cites(duty.cite.iter().collect()))?;
        if o.applies.is_none() {
            m.serialize_entry("missing", &Names(program, &o.missing))?;
        }
        m.end()
    }
}

impl Serialize for Names<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.1.iter().map(|f| &self.0.facts[*f].name))
    }
}

impl Serialize for Cites<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for c in &self.0 {
            seq.serialize_element(&CiteJson(c))?;
        }
        seq.end()
    }
}

impl Serialize for ValueJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ValueJson(program, value, ty) = *self;
        match value {
            None => s.serialize_none(),
            Some(Value::Bool(b)) => s.serialize_bool(*b),
            Some(Value::Int(n)) => s.serialize_i64(*n),
            Some(Value::Text(t)) => s.serialize_str(t),
            Some(Value::Enum(i)) => match ty {
                Type::Enum(e) => s.serialize_str(program.enums[e].name(*i)),
                _ => s.serialize_u8(*i),
            },
            Some(Value::Set(bits)) => match ty {
                Type::Set(e) => {
                    s.collect_seq(value::set_members(*bits).map(|i| program.enums[e].name(i)))
                }
                _ => s.serialize_u64(*bits),
            },
            Some(v) => s.collect_str(&Display {
                value: v,
                enums: &program.enums,
                ty,
            }),
        }
    }
}

fn show(program: &Program, value: &Option<Value>, ty: Type) -> String {
    value.as_ref().map_or("undetermined".into(), |v| {
        Display {
            value: v,
            enums: &program.enums,
            ty,
        }
        .to_string()
    })
}

fn join_cites(list: &[&Cite]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The first lines of every report: the procedure, the case and the day judged on.
pub(crate) fn header(program: &Program, eval: &Evaluation, as_of: NaiveDate, out: &mut String) {
    let entry = program.entry();
    let version = entry.version.map_or(String::new(), |v| {
        format!(", version {}", v.format("%Y-%m-%d"))
    });
    let _ = writeln!(out, "{} ({}{version})", entry.title, entry.id);
    if let Some(id) = &eval.case_id {
        let _ = writeln!(out, "case {id}");
    }
    let _ = writeln!(out, "as of {}", as_of.format("%Y-%m-%d"));
}

/// The evaluation for a person: outcomes first, then duties, then the questions to ask.
pub fn eval_text(program: &Program, eval: &Evaluation, as_of: NaiveDate) -> String {
    let mut out = String::new();
    header(program, eval, as_of, &mut out);

    out.push_str("\nOutcomes\n");
    let rows: Vec<[String; 3]> = eval
        .outcomes
        .iter()
        .enumerate()
        .map(|(r, o)| {
            let def = &program.rules[r];
            let cite = join_cites(&outcome_cites(program, r, o));
            let note = if o.value.is_none() {
                format!("depends on {}", program.fact_list(&o.missing))
            } else {
                cite
            };
            [def.name.clone(), show(program, &o.value, def.ty), note]
        })
        .collect();
    table(&rows, &mut out);

    out.push_str("\nDuties\n");
    let width = program
        .duties
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0);
    for (di, (d, o)) in program.duties.iter().zip(&eval.duties).enumerate() {
        let applies = match o.applies {
            Some(true) => "applies",
            Some(false) => "does not apply",
            None => "may apply",
        };
        let cite = d
            .cite
            .as_ref()
            .map_or(String::new(), |c| format!("  [{c}]"));
        let _ = writeln!(
            out,
            "  {applies:<14}  {:<width$}  {} {}{cite}",
            d.name,
            d.actor,
            d.modality.as_str()
        );
        let _ = writeln!(out, "  {:<14}  {:<width$}  {}", "", "", d.action);
        if o.applies.is_none() {
            let _ = writeln!(
                out,
                "  {:<14}  {:<width$}  depends on {}",
                "",
                "",
                program.fact_list(&o.missing)
            );
        }
        if d.deadline.is_some() && o.applies != Some(false) {
            let view = DeadlineView::new(program, eval, di, as_of);
            let due = view.due.map_or(String::new(), |d| format!("due {d}: "));
            let _ = writeln!(
                out,
                "  {:<14}  {:<width$}  {due}{}",
                "",
                "",
                view.describe()
            );
        }
    }

    if eval.missing.is_empty() {
        out.push_str("\nNothing is missing: every outcome is settled.\n");
    } else {
        out.push_str("\nStill unknown: these answers would settle the rest\n");
        let width = eval
            .missing
            .iter()
            .map(|f| program.facts[*f].name.chars().count())
            .max()
            .unwrap_or(0);
        for f in &eval.missing {
            let def = &program.facts[*f];
            let answer = match def.ty {
                Type::Bool => "true or false".to_string(),
                Type::Enum(e) => program.enums[e].variants.join(" | "),
                Type::Set(e) => format!("any of {}", program.enums[e].variants.join(", ")),
                ty => format!("a {}", crate::check::type_name(ty, &program.enums)),
            };
            let ask = def.ask.as_deref().unwrap_or("(no question given)");
            let _ = writeln!(out, "  {:<width$}  {ask}", def.name);
            let _ = writeln!(out, "  {:<width$}  answer: {answer}", "");
        }
    }
    out
}

/// Rows in aligned columns, indented two spaces.
fn table(rows: &[[String; 3]], out: &mut String) {
    let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    for [a, b, c] in rows {
        let line = format!("  {a:<w0$}  {b:<w1$}  {c}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// A derivation tree as JSON.
pub fn tree_json(program: &Program, tree: &Tree<'_>) -> Json {
    if tree.is_empty() {
        return Json::Null;
    }
    node_json(program, tree.root())
}

fn node_json(program: &Program, node: Node<'_, '_>) -> Json {
    let step = node.step();
    let (label, cite_list) = explain::describe(program, step);
    let mut obj = Map::new();
    let (kind, name, value) = match step {
        Step::Fact { fact, value } => {
            let d = &program.facts[*fact];
            ("fact", d.name.clone(), value_json(program, value, d.ty))
        }
        Step::Rule { rule, value, .. } => {
            let d = &program.rules[*rule];
            ("rule", d.name.clone(), value_json(program, value, d.ty))
        }
        Step::Default { rule } => ("default", program.rules[*rule].name.clone(), Json::Null),
        Step::Exception { rule, holds, .. } => {
            ("exception", program.rules[*rule].name.clone(), json!(holds))
        }
        Step::Branch { rule, holds, .. } => {
            ("branch", program.rules[*rule].name.clone(), json!(holds))
        }
        Step::Duty { duty, applies, .. } => {
            ("duty", program.duties[*duty].name.clone(), json!(applies))
        }
        Step::WhyNot { rule, .. } => ("why_not", program.rules[*rule].name.clone(), Json::Null),
    };
    obj.insert("step".into(), json!(kind));
    obj.insert("name".into(), json!(name));
    obj.insert("value".into(), value);
    if let Step::Fact { value, .. } = step {
        obj.insert("given".into(), json!(value.is_some()));
    }
    obj.insert("text".into(), json!(label));
    obj.insert("cite".into(), cites(&cite_list));
    let children: Vec<Json> = node.children().map(|c| node_json(program, c)).collect();
    if !children.is_empty() {
        obj.insert("children".into(), Json::Array(children));
    }
    Json::Object(obj)
}
