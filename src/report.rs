//! Stage five: results for people (aligned text, the HTML decision report) and for
//! programs (the JSON of DESIGN §4, iCalendar).
//!
//! The renderers of an evaluation read one view model, [`model::Report`], built from an
//! [`Evaluation`], except the JSON of DESIGN §4, which has one writer, [`JsonWriter`]
//! (a template per program: the batch path, and `eval_json` for one case); they are
//! pure functions to a string or JSON value, and the front ends decide where it goes.
//! `compare` lays one case under several programs side by side. [`graph`] draws the procedure itself (DOT, Mermaid, SVG).

pub mod chart;
pub mod compare;
pub mod counted;
pub mod graph;
pub mod html;
pub mod interview_page;
mod json;
pub mod model;
pub mod timeline;

pub use json::JsonWriter;
pub use model::Report;

use std::fmt::Write as _;

use crate::check::{Cite, Program};
use crate::eval::Evaluation;
use crate::eval::explain::Tree;
use crate::value;
use chrono::NaiveDate;

use crate::eval::deadline::{self, Status};
use serde_json::{Map, Value as Json, json};

fn cites(list: &[&Cite]) -> Json {
    Json::Array(list.iter().map(|c| Json::String(c.to_string())).collect())
}

/// The JSON text of an evaluation, on one line: the object of DESIGN §4, written by the
/// one JSON writer, [`JsonWriter`] (for many cases of one program, make the writer once).
pub fn eval_json(program: &Program, eval: &Evaluation, as_of: NaiveDate) -> String {
    let mut out = String::new();
    JsonWriter::new(program).write(program, eval, as_of, &mut out);
    out
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
    /// What the due date counts from: its anchor, its date and the period (`None` without
    /// a due date).
    pub counted_from: Option<counted::CountedFrom<'p>>,
    /// While the anchor is another duty's due date, that date's own provenance, link by
    /// link down to a fact (empty, and unallocated, when the anchor is a fact).
    pub anchor_counted_from: Vec<counted::CountedFrom<'p>>,
    /// The due date is a Saturday, Sunday or bank holiday.
    pub not_working: Option<counted::NotWorking>,
    /// `duty a refines b`: the inherited duty's due date beside this one's, and which binds
    /// (boxed: most duties refine none, and every view of a batch is moved about).
    pub refines: Option<Box<model::Refines<'p>>>,
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
        let counted_from = counted::CountedFrom::first(program, eval, d);
        let anchor_counted_from = match (counted_from, eval.duties[d].due) {
            (Some(c), Some(due)) if c.duty => match due.from.anchor {
                crate::check::Anchor::Duty(o) => counted::CountedFrom::chain(program, eval, o),
                crate::check::Anchor::Fact(_) | crate::check::Anchor::Done(..) => Vec::new(),
            },
            _ => Vec::new(),
        };
        DeadlineView {
            due: due.map(|d| d.at),
            provisional: due.is_some_and(|d| d.provisional),
            status,
            waiting_for,
            hours_late,
            counted_from,
            anchor_counted_from,
            not_working: counted::not_working(due.as_ref(), calendar),
            refines: model::refines_of(program, eval, d).map(Box::new),
            calendar: calendar.map(|c| (c.id(), *c.years().start(), *c.years().end())),
        }
    }

    /// `due 2026-04-30 = 15 working days after panel_notified_on (2026-04-09)`, marked
    /// where the day is not a working day; `None` without a due date.
    pub fn due_sentence(&self, detail: counted::Detail) -> Option<String> {
        counted::due_sentence(self.due, &self.chain(), self.not_working.as_ref(), detail)
    }

    /// What the due date counts from, link by link down to a fact (empty without one).
    pub fn chain(&self) -> Vec<counted::CountedFrom<'_>> {
        self.counted_from
            .iter()
            .chain(&self.anchor_counted_from)
            .copied()
            .collect()
    }

    /// The same fields as JSON text, for the batch writer (`,"counted_from":{…}`), written
    /// directly: the anchor is a name of the grammar (letters, digits, `_`), which JSON
    /// needs no escape for. The shape is documented in docs/dates.md.
    pub(crate) fn counted_json(&self, out: &mut String) {
        if let Some(c) = &self.counted_from {
            out.push_str(",\"counted_from\":{\"anchor\":\"");
            out.push_str(c.anchor);
            out.push_str("\",\"kind\":\"");
            out.push_str(c.kind_name());
            out.push_str("\",\"date\":\"");
            let _ = write!(out, "{}", c.date);
            out.push_str("\",\"direction\":\"");
            out.push_str(c.direction());
            let _ = write!(
                out,
                "\",\"period\":{{\"amount\":{},\"unit\":\"{}\"}}{}}}",
                c.amount,
                counted::unit_name(c.unit),
                c.extra_json()
            );
        }
        if let (Some(at), Some(off)) = (self.due, &self.not_working)
            && let Ok(text) = serde_json::to_string(&counted::NotWorkingJson(at, off))
        {
            out.push_str(",\"not_a_working_day\":");
            out.push_str(&text);
        }
        if let Some(r) = &self.refines {
            // A duty's name is a name of the grammar, which JSON needs no escape for.
            out.push_str(",\"refines\":\"");
            out.push_str(r.name);
            out.push_str("\",\"binds\":");
            out.push_str(match r.binds {
                Some(true) => "true",
                Some(false) => "false",
                None => "null",
            });
        }
    }

    /// Working days left, late or overdue, where the status has a count: `Some(None)` when
    /// it has one the calendar cannot give (written `null` in JSON).
    pub fn working_days(&self) -> Option<Option<i64>> {
        match self.status {
            Status::Pending {
                working_days_left: n,
            }
            | Status::NotYetOpen {
                working_days_left: n,
                ..
            }
            | Status::Overdue { working_days: n }
            | Status::MetLate { working_days: n }
            | Status::TooEarly { working_days: n }
            | Status::Late { working_days: n } => Some(n),
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
            Status::NotYetOpen {
                opens,
                working_days_left: n,
            } => match n {
                Some(n) => format!(
                    "not open yet: opens {} ({n} working day{} from now)",
                    opens.format("%Y-%m-%d"),
                    plural(*n)
                ),
                None => format!("not open yet: opens {}", opens.format("%Y-%m-%d")),
            },
            Status::TooEarly { working_days: n } => {
                let (did, when) = match self.counted_from.map(|c| c.kind) {
                    Some(crate::syntax::ast::DeadlineKind::On) => ("held", "its day"),
                    _ => ("done", "the window opened"),
                };
                match n {
                    Some(n) if *n > 0 => format!(
                        "too early: {did} {n} working day{} before {when}",
                        plural(*n)
                    ),
                    _ => format!("too early: {did} before {when}"),
                }
            }
            Status::OnTheDay => "on the day".to_string(),
            Status::Late { working_days: n } => match n {
                Some(n) if *n > 0 => {
                    format!("late: held {n} working day{} after its day", plural(*n))
                }
                _ => "late: held after its day".to_string(),
            },
            Status::Completed => "completed".to_string(),
        };
        if self.provisional {
            s.push_str(" (provisional: counted across bank holidays not yet published)");
        }
        s
    }
}

/// The edition a program was rebased onto (`--guidance`), if it was.
pub(crate) fn rebased_onto(program: &Program) -> Option<&crate::check::ModuleInfo> {
    program
        .rebased_onto
        .as_ref()
        .and_then(|_| program.modules.first())
}

/// The first lines of every report: the procedure, the case and the day judged on.
pub(crate) fn header(report: &Report<'_>, out: &mut String) {
    let p = &report.procedure;
    let version = p.version.map_or(String::new(), |v| {
        format!(", version {}", v.format("%Y-%m-%d"))
    });
    let _ = writeln!(out, "{} ({}{version})", p.title, p.id);
    if let Some(guidance) = rebased_onto(report.program) {
        let version = guidance.version.map_or(String::new(), |v| {
            format!(", version {}", v.format("%Y-%m-%d"))
        });
        let _ = writeln!(
            out,
            "on {} ({}{version}), in place of the edition it extends",
            guidance.title, guidance.id
        );
    }
    if let Some(id) = report.case_id {
        let _ = writeln!(out, "case {id}");
    }
    let _ = writeln!(out, "as of {}", report.as_of.format("%Y-%m-%d"));
}

/// The evaluation for a person: outcomes first, then duties, then the questions to ask.
pub fn eval_text(program: &Program, eval: &Evaluation, as_of: NaiveDate) -> String {
    report_text(&Report::new(program, eval, as_of))
}

/// [`eval_text`] of a report already built.
pub fn report_text(report: &Report<'_>) -> String {
    let mut out = String::new();
    header(report, &mut out);

    out.push_str("\nOutcomes\n");
    let rows: Vec<[String; 3]> = report
        .outcomes
        .iter()
        .map(|o| {
            let note = if o.value.is_none() {
                format!("depends on {}", o.missing.join(", "))
            } else {
                o.cites
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            [report.outcome_name(o).to_string(), o.shown.clone(), note]
        })
        .collect();
    table(&rows, &mut out);

    out.push_str("\nDuties\n");
    let width = report
        .duties
        .iter()
        .map(|d| report.duty_name(d).chars().count())
        .max()
        .unwrap_or(0);
    for d in &report.duties {
        let applies = match d.applies {
            Some(true) => "applies",
            Some(false) => "does not apply",
            None => "may apply",
        };
        let cite = d.cite.map_or(String::new(), |c| format!("  [{c}]"));
        let _ = writeln!(
            out,
            "  {applies:<14}  {:<width$}  {} {}{cite}",
            report.duty_name(d),
            report.actor(d),
            d.modality
        );
        let _ = writeln!(out, "  {:<14}  {:<width$}  {}", "", "", d.action);
        if d.applies.is_none() {
            let _ = writeln!(
                out,
                "  {:<14}  {:<width$}  depends on {}",
                "",
                "",
                d.missing.join(", ")
            );
        }
        if d.has_deadline && d.applies != Some(false) {
            let view = &d.deadline;
            // An appointment is held on its day, not due by it.
            let word = match view.counted_from.map(|c| c.kind) {
                Some(crate::syntax::ast::DeadlineKind::On) => "on",
                _ => "due",
            };
            let due = view.due.map_or(String::new(), |d| format!("{word} {d}: "));
            let _ = writeln!(
                out,
                "  {:<14}  {:<width$}  {due}{}",
                "",
                "",
                view.describe()
            );
            if let Some(sentence) = view.due_sentence(counted::Detail::Full) {
                let _ = writeln!(out, "  {:<14}  {:<width$}  {sentence}", "", "");
            }
        }
        if let Some(r) = &d.deadline.refines {
            let _ = writeln!(
                out,
                "  {:<14}  {:<width$}  {}",
                "",
                "",
                refines_line(r, report.names)
            );
        }
    }

    if report.questions.is_empty() {
        out.push_str("\nNothing is missing: every outcome is settled.\n");
    } else {
        out.push_str("\nStill unknown: these answers would settle the rest\n");
        let width = report
            .questions
            .iter()
            .map(|q| q.name.chars().count())
            .max()
            .unwrap_or(0);
        for q in &report.questions {
            let ask = q.ask.unwrap_or("(no question given)");
            let _ = writeln!(out, "  {:<width$}  {ask}", q.name);
            let _ = writeln!(out, "  {:<width$}  answer: {}", "", q.answer);
        }
    }
    // What each abbreviation cited above stands for.
    let mut used = Vec::new();
    crate::eval::explain::cited_sources(
        report
            .outcomes
            .iter()
            .flat_map(|o| o.cites.iter().copied())
            .chain(report.duties.iter().filter_map(|d| d.cite)),
        &mut used,
    );
    let sources = crate::eval::explain::sources_block(report.program, &used);
    if !sources.is_empty() {
        out.push('\n');
        out.push_str(&sources);
    }
    out
}

/// `refines Notify national panel (due 2024-03-11); the earlier binds: this duty's date`,
/// saying which date binds, or that it is not yet known; the refined duty by its label, or
/// by its code name with `names` (`--names`, and `cspr explain`, which shows code names).
pub fn refines_line(r: &model::Refines<'_>, names: bool) -> String {
    let name = if names { r.name } else { r.label.as_str() };
    // Neither has a clock: no dates to compare.
    if !r.dated {
        return format!("refines {name}");
    }
    let due = match r.due {
        Some(d) => format!("due {d}"),
        None if r.refined_dated => "due date not yet known".to_string(),
        None => "no deadline".to_string(),
    };
    // This duty does not apply: only the refined one's date counts.
    if r.applies == Some(false) {
        return format!("refines {name} ({due})");
    }
    let binds = match r.binds {
        Some(true) => "the earlier binds: this duty's date".to_string(),
        Some(false) => format!("the earlier binds: {name}'s date"),
        None => "the earlier binds (which is not yet known)".to_string(),
    };
    format!("refines {name} ({due}); {binds}")
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

/// The JSON of `cspr explain --format json`: an array of trees, each duty's with its due
/// date and what it counts from.
pub fn explain_json(program: &Program, eval: &Evaluation, trees: &[Tree<'_>]) -> Json {
    let json = trees
        .iter()
        .map(|t| {
            let mut json = tree_json(program, t);
            // The title of every source abbreviation the tree cites.
            let mut used = Vec::new();
            crate::eval::explain::sources_used(program, t, &mut used);
            if let Json::Object(obj) = &mut json
                && !used.is_empty()
            {
                obj.insert("sources".into(), sources_json(program, &used));
            }
            if !t.is_empty()
                && let crate::eval::explain::Step::Duty { duty, .. } = t.root().step()
                && let Json::Object(obj) = &mut json
            {
                for (key, value) in counted::duty_fields(program, eval, *duty) {
                    obj.insert(key.into(), value);
                }
            }
            json
        })
        .collect();
    Json::Array(json)
}

/// The sources `used` as JSON: `[{"abbr": "BSCP", "title": "…"}]`, so no abbreviation in a
/// JSON output is left unexplained.
pub fn sources_json(program: &Program, used: &[String]) -> Json {
    Json::Array(
        used.iter()
            .map(|abbr| {
                let title = program
                    .sources
                    .iter()
                    .find(|s| s.name == *abbr)
                    .map(|s| s.title.clone());
                json!({ "abbr": abbr, "title": title })
            })
            .collect(),
    )
}

/// A derivation tree as JSON (`cspr explain --format json`), written from its
/// structured form ([`model::Explanation`]).
pub fn tree_json(program: &Program, tree: &Tree<'_>) -> Json {
    if tree.is_empty() {
        return Json::Null;
    }
    explanation_json(program, &model::Explanation::from_tree(program, tree))
}

/// One step of an explanation and its children as JSON.
pub fn explanation_json(program: &Program, e: &model::Explanation<'_>) -> Json {
    use model::NodeKind;
    let mut obj = Map::new();
    let value = match e.kind {
        NodeKind::Fact { .. } | NodeKind::Rule => e
            .typed
            .as_ref()
            .map_or(Json::Null, |(v, ty)| value::to_json(v, *ty, &program.enums)),
        NodeKind::Exception | NodeKind::Branch | NodeKind::Duty => json!(e.holds),
        NodeKind::Default | NodeKind::WhyNot => Json::Null,
    };
    obj.insert("step".into(), json!(e.kind.as_str()));
    obj.insert("name".into(), json!(e.name));
    obj.insert("value".into(), value);
    if let NodeKind::Fact { given } = e.kind {
        obj.insert("given".into(), json!(given));
    }
    obj.insert("text".into(), json!(e.sentence));
    obj.insert("cite".into(), cites(&e.cites));
    // The words the citations carry, only where one does.
    let quotes: Vec<Json> = e
        .cites
        .iter()
        .filter(|c| c.quote.is_some() || c.reading.is_some())
        .map(|c| {
            let mut q = Map::new();
            q.insert("cite".into(), json!(c.text));
            if let Some(text) = &c.quote {
                q.insert("quote".into(), json!(text));
            }
            if let Some(r) = &c.reading {
                q.insert(
                    "reading".into(),
                    json!({ "text": r.text, "from": r.from, "quote": r.quote }),
                );
            }
            Json::Object(q)
        })
        .collect();
    if !quotes.is_empty() {
        obj.insert("quotes".into(), Json::Array(quotes));
    }
    if !e.children.is_empty() {
        obj.insert(
            "children".into(),
            Json::Array(
                e.children
                    .iter()
                    .map(|c| explanation_json(program, c))
                    .collect(),
            ),
        );
    }
    Json::Object(obj)
}
