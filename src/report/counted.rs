//! What a due date counts from, as every output says it.
//!
//! `eval::deadline` keeps, on each [`Due`](crate::eval::deadline::Due), the anchor chosen
//! in the case, the anchor's date and the period; this module turns that into the chain a
//! reader needs — following an anchor that is itself another duty's due date back to the
//! fact it counts from — and into the one sentence every format prints:
//!
//! ```text
//! due 2026-04-30 = 15 working days after panel_notified_on (2026-04-09)
//! due 2026-04-09 = 1 working day after notify_national_panel's due date (2026-04-08 = 1 working day after la_aware_on (2026-04-07))
//! due 2027-01-24 = 1 month after referral_received_on (2026-12-24); Sun 24 Jan 2027 — not a working day
//! ```
//!
//! A due date on a Saturday, Sunday or bank holiday (which only a period in days, weeks
//! or months can give) is shown as computed and marked: the language does not yet let a
//! procedure say how such a date moves.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::check::{Anchor, DutyId, Program};
use crate::eval::Evaluation;
use crate::eval::deadline::{Moment, OffDay};
use crate::syntax::ast::{DeadlineKind, TimeUnit};
use crate::time::Calendar;

/// One link of a due date's provenance: `15 working days after panel_notified_on
/// (2026-04-09)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedFrom<'p> {
    /// The fact's or duty's name.
    pub anchor: &'p str,
    /// Whether the anchor is another duty's due date (else a fact of the case).
    pub duty: bool,
    /// The anchor's date (the fact's value, or the other duty's due date).
    pub date: Moment,
    pub kind: DeadlineKind,
    pub amount: u32,
    pub unit: TimeUnit,
}

/// A due date that is not a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotWorking {
    pub why: OffDay,
    /// The bank holiday's name, e.g. `Boxing Day (substitute day)`.
    pub holiday: Option<String>,
}

impl<'p> CountedFrom<'p> {
    /// The chain for duty `d`: its own link first, then, while the anchor is a duty, that
    /// duty's link, and so on to a fact. Empty when `d` has no due date.
    pub fn chain(program: &'p Program, eval: &Evaluation, d: DutyId) -> Vec<CountedFrom<'p>> {
        let mut out = Vec::new();
        let mut current = d;
        // The checker refuses loops; the bound guards regardless.
        for _ in 0..=program.duties.len() {
            let (Some(link), Some(due)) = (
                CountedFrom::first(program, eval, current),
                eval.duties.get(current).and_then(|o| o.due),
            ) else {
                break;
            };
            out.push(link);
            match due.from.anchor {
                Anchor::Duty(o) => current = o,
                Anchor::Fact(_) => break,
            }
        }
        out
    }

    /// Duty `d`'s own link only (no allocation): what its due date counts from.
    pub fn first(program: &'p Program, eval: &Evaluation, d: DutyId) -> Option<CountedFrom<'p>> {
        let from = eval.duties.get(d)?.due?.from;
        let (anchor, duty) = match from.anchor {
            Anchor::Fact(f) => (program.facts[f].name.as_str(), false),
            Anchor::Duty(o) => (program.duties[o].name.as_str(), true),
        };
        Some(CountedFrom {
            anchor,
            duty,
            date: from.date,
            kind: from.kind,
            amount: from.amount,
            unit: from.unit,
        })
    }

    /// `15 working days`, `1 month`, `24 hours`.
    pub fn period(&self) -> String {
        let n = self.amount;
        let one = n == 1;
        let unit = match self.unit {
            TimeUnit::WorkingDays if one => "working day",
            TimeUnit::WorkingDays => "working days",
            TimeUnit::Days if one => "day",
            TimeUnit::Days => "days",
            TimeUnit::Weeks if one => "week",
            TimeUnit::Weeks => "weeks",
            TimeUnit::Hours if one => "hour",
            TimeUnit::Hours => "hours",
            TimeUnit::Months if one => "month",
            TimeUnit::Months => "months",
        };
        format!("{n} {unit}")
    }

    /// `after` or `before`.
    pub fn direction(&self) -> &'static str {
        match self.kind {
            DeadlineKind::AtLeastBefore => "before",
            DeadlineKind::Within | DeadlineKind::ForAtLeast => "after",
        }
    }
}

/// The unit as data: `working_days`, `days`, `weeks`, `hours`, `months`.
pub fn unit_name(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::WorkingDays => "working_days",
        TimeUnit::Days => "days",
        TimeUnit::Weeks => "weeks",
        TimeUnit::Hours => "hours",
        TimeUnit::Months => "months",
    }
}

/// Why a due date is not a working day, with the bank holiday's name.
pub fn not_working(
    due: Option<&crate::eval::deadline::Due>,
    calendar: Option<&Calendar>,
) -> Option<NotWorking> {
    let due = due?;
    let why = due.off_day?;
    let holiday = match why {
        OffDay::BankHoliday => calendar
            .and_then(|c| c.holiday(due.at.date()).ok().flatten())
            .map(|h| h.title),
        OffDay::Weekend => None,
    };
    Some(NotWorking { why, holiday })
}

/// `Sun 24 Jan 2027 — not a working day`, with the bank holiday's name where it is one.
pub fn not_working_text(at: Moment, off: &NotWorking) -> String {
    let day = at.date().format("%a %-d %b %Y");
    match &off.holiday {
        Some(h) => format!("{day} — not a working day ({h})"),
        None => format!("{day} — not a working day"),
    }
}

/// How much of the chain to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every date, the facts' included.
    Full,
    /// No fact's date (a calendar file leaves the machine): the duties' due dates only.
    NoFactDates,
}

/// `15 working days after panel_notified_on (2026-04-09)`, the anchor's own provenance in
/// the brackets when it is a duty's due date. `None` for an empty chain.
pub fn counted_text(chain: &[CountedFrom<'_>], detail: Detail) -> Option<String> {
    let (first, rest) = chain.split_first()?;
    let anchor = if first.duty {
        format!("{}'s due date", first.anchor)
    } else {
        first.anchor.to_string()
    };
    let inner = counted_text(rest, detail);
    let bracket = match (first.duty, detail, inner) {
        (true, _, Some(inner)) => Some(format!("{} = {inner}", first.date)),
        (true, _, None) | (false, Detail::Full, _) => Some(first.date.to_string()),
        (false, Detail::NoFactDates, _) => None,
    };
    let mut s = format!("{} {} {anchor}", first.period(), first.direction());
    if let Some(b) = bracket {
        s.push_str(&format!(" ({b})"));
    }
    Some(s)
}

/// The whole sentence: `due 2026-04-30 = 15 working days after panel_notified_on
/// (2026-04-09)`, with `; Sun 24 Jan 2027 — not a working day` where it is not one
/// (`ends 2025-06-03 = 12 months after published_on (2024-06-03)` for a minimum period).
/// `None` when there is no due date.
pub fn due_sentence(
    due: Option<Moment>,
    chain: &[CountedFrom<'_>],
    off: Option<&NotWorking>,
    detail: Detail,
) -> Option<String> {
    let at = due?;
    // A minimum period (`for at least …`) is not due: it ends.
    let word = match chain.first().map(|c| c.kind) {
        Some(DeadlineKind::ForAtLeast) => "ends",
        _ => "due",
    };
    let mut s = format!("{word} {at}");
    if let Some(c) = counted_text(chain, detail) {
        s.push_str(" = ");
        s.push_str(&c);
    }
    if let Some(off) = off {
        s.push_str("; ");
        s.push_str(&not_working_text(at, off));
    }
    Some(s)
}

/// The JSON object of a due date's first link (DESIGN §4, `counted_from`):
/// `{"anchor": "panel_notified_on", "kind": "fact", "date": "2026-04-09", "direction":
/// "after", "period": {"amount": 15, "unit": "working_days"}}`. The anchor's own
/// provenance, when it is a duty, is on that duty's entry.
pub struct CountedFromJson<'a, 'p>(pub &'a CountedFrom<'p>);

impl Serialize for CountedFromJson<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("anchor", c.anchor)?;
        m.serialize_entry("kind", if c.duty { "duty" } else { "fact" })?;
        m.serialize_entry("date", &c.date.to_string())?;
        m.serialize_entry("direction", c.direction())?;
        m.serialize_entry("period", &Period(c.amount, c.unit))?;
        m.end()
    }
}

struct Period(u32, TimeUnit);

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("amount", &self.0)?;
        m.serialize_entry("unit", unit_name(self.1))?;
        m.end()
    }
}

/// The JSON of a due date that is not a working day: `{"day": "Sun", "holiday": null}`.
pub struct NotWorkingJson<'a>(pub Moment, pub &'a NotWorking);

impl Serialize for NotWorkingJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry(
            "reason",
            match self.1.why {
                OffDay::Weekend => "weekend",
                OffDay::BankHoliday => "bank_holiday",
            },
        )?;
        m.serialize_entry("day", &self.0.date().format("%a").to_string())?;
        m.serialize_entry("holiday", &self.1.holiday)?;
        m.end()
    }
}

/// The sentence for duty `d` of an evaluation, on its own (`cspr explain`, the REPL):
/// `due 2026-04-30 = 15 working days after panel_notified_on (2026-04-09)`.
pub fn duty_sentence(program: &Program, eval: &Evaluation, d: DutyId) -> Option<String> {
    let due = eval.duties.get(d)?.due?;
    let calendar = crate::eval::deadline::calendar_of(program).ok().flatten();
    let chain = CountedFrom::chain(program, eval, d);
    let off = not_working(Some(&due), calendar);
    due_sentence(Some(due.at), &chain, off.as_ref(), Detail::Full)
}

/// Duty `d`'s due date and what it counts from as JSON fields (`cspr explain --format
/// json` adds them to a duty's explanation): `"due"`, `"counted_from"` and, where the day
/// is not a working day, `"not_a_working_day"`; empty without a due date.
pub fn duty_fields(
    program: &Program,
    eval: &Evaluation,
    d: DutyId,
) -> Vec<(&'static str, serde_json::Value)> {
    let Some(due) = eval.duties.get(d).and_then(|o| o.due) else {
        return Vec::new();
    };
    let calendar = crate::eval::deadline::calendar_of(program).ok().flatten();
    let chain = CountedFrom::chain(program, eval, d);
    let mut out = vec![("due", serde_json::Value::String(due.at.to_string()))];
    if let Some(first) = chain.first()
        && let Ok(v) = serde_json::to_value(CountedFromJson(first))
    {
        out.push(("counted_from", v));
    }
    if let Some(off) = not_working(Some(&due), calendar)
        && let Ok(v) = serde_json::to_value(NotWorkingJson(due.at, &off))
    {
        out.push(("not_a_working_day", v));
    }
    out
}
