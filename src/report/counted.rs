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
//! or months can give) is shown as computed and marked, unless the procedure says how
//! such a date moves (`on a non-working day: next working day`): then the sentence says
//! it moved, and from what. A reading of an unstated kind of day (`5 days assumed
//! working`) is said as an assumption; an anchor that is the earliest or latest of
//! several says which it was of what; an appointment is `on`, a window says when it opens:
//!
//! ```text
//! due 2027-01-25 = 1 month after referral_received_on (2026-12-24), moved from Sun 24 Jan 2027 (not a working day) to the next working day
//! due 2026-01-12 = 5 working days (assumed: the text says only "days") after la_aware_on (2026-01-05)
//! due 2026-01-12 = 5 working days after briefing_held_on (2026-01-05), whichever came first of earliest(send_sin done, briefing_held_on)
//! on 2026-01-23 = 14 working days after panel_notified_on (2026-01-05)
//! ```

use serde::ser::{Serialize, SerializeMap, Serializer};

use chrono::NaiveDate;

use crate::check::{Anchor, DutyId, Program};
use crate::eval::Evaluation;
use crate::eval::deadline::{Moment, OffDay};
use crate::syntax::ast::{DeadlineKind, PickKind, Shift, TimeUnit};
use crate::time::Calendar;

/// One link of a due date's provenance: `15 working days after panel_notified_on
/// (2026-04-09)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedFrom<'p> {
    /// The fact's or duty's name.
    pub anchor: &'p str,
    /// Whether the anchor is another duty's due date (else a fact of the case).
    pub duty: bool,
    /// Whether the anchor is the day another duty was done (`send_sin done`).
    pub done: bool,
    /// The anchor's date (the fact's value, or the other duty's due date).
    pub date: Moment,
    pub kind: DeadlineKind,
    pub amount: u32,
    pub unit: TimeUnit,
    /// The unit is a reading of a text that says only "days" (`assumed working`).
    pub assumed: bool,
    /// The anchor was the earliest (latest) of several: which, and of what as written.
    pub pick: Option<(PickKind, &'p str)>,
    /// The date as counted, when it fell on a non-working day and moved, and where to.
    pub moved: Option<Moved<'p>>,
    /// The day a window opens (`not before …`).
    pub opens: Option<Moment>,
}

/// A due date that fell on a non-working day and moved (`on a non-working day: …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved<'p> {
    /// The date as counted.
    pub from: NaiveDate,
    pub why: OffDay,
    /// The bank holiday's name, where it is one.
    pub holiday: Option<&'p str>,
    pub to: Shift,
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
                Anchor::Fact(_) | Anchor::Done(..) => break,
            }
        }
        out
    }

    /// Duty `d`'s own link only (no allocation): what its due date counts from.
    pub fn first(program: &'p Program, eval: &Evaluation, d: DutyId) -> Option<CountedFrom<'p>> {
        let due = eval.duties.get(d)?.due?;
        let from = due.from;
        let (anchor, duty, done) = match from.anchor {
            Anchor::Fact(f) => (program.facts[f].name.as_str(), false, false),
            Anchor::Duty(o) => (program.duties[o].name.as_str(), true, false),
            Anchor::Done(o, _) => (program.duties[o].name.as_str(), false, true),
        };
        let written = program.duties[d].deadline.as_ref().map(|dl| &dl.written);
        let pick = from
            .pick
            .and_then(|(kind, i)| written.and_then(|w| w.get(i)).map(|w| (kind, w.as_str())));
        let shift = program.duties[d].deadline.as_ref().and_then(|dl| dl.shift);
        let calendar = crate::eval::deadline::calendar_of(program).ok().flatten();
        Some(CountedFrom {
            anchor,
            duty,
            done,
            date: from.date,
            kind: from.kind,
            amount: from.amount,
            unit: from.unit,
            assumed: from.assumed,
            pick,
            moved: due.moved_from.zip(shift).map(|((from, why), to)| Moved {
                from,
                why,
                holiday: calendar.and_then(|c| c.holiday_title(from)),
                to,
            }),
            opens: due.opens,
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
            DeadlineKind::Within
            | DeadlineKind::ForAtLeast
            | DeadlineKind::On
            | DeadlineKind::NotBefore => "after",
        }
    }

    /// The period, with the assumption when the text leaves the kind of day unstated:
    /// `5 working days (assumed: the text says only "days")`.
    pub fn period_read(&self) -> String {
        if self.assumed {
            format!("{} (assumed: the text says only \"days\")", self.period())
        } else {
            self.period()
        }
    }

    /// The anchor as a reader names it: `panel_notified_on`, `send_sin's due date`,
    /// `send_sin done`.
    pub fn anchor_words(&self) -> String {
        if self.duty {
            format!("{}'s due date", self.anchor)
        } else if self.done {
            format!("{} done", self.anchor)
        } else {
            self.anchor.to_string()
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
    let anchor = first.anchor_words();
    let inner = counted_text(rest, detail);
    let bracket = match (first.duty, detail, inner) {
        (true, _, Some(inner)) => Some(format!("{} = {inner}", first.date)),
        (true, _, None) | (false, Detail::Full, _) => Some(first.date.to_string()),
        (false, Detail::NoFactDates, _) => None,
    };
    let mut s = format!("{} {} {anchor}", first.period_read(), first.direction());
    if let Some(b) = bracket {
        s.push_str(&format!(" ({b})"));
    }
    if let Some((kind, of)) = first.pick {
        let which = match kind {
            PickKind::Earliest => "first",
            PickKind::Latest => "last",
        };
        s.push_str(&format!(", whichever came {which} of {of}"));
    }
    if let Some(m) = first.moved {
        let what = match (m.why, m.holiday) {
            (OffDay::BankHoliday, Some(h)) => h,
            (OffDay::BankHoliday, None) => "a bank holiday",
            (OffDay::Weekend, _) => "not a working day",
        };
        s.push_str(&format!(
            ", moved from {} ({what}) to the {}",
            m.from.format("%a %-d %b %Y"),
            m.to.as_str()
        ));
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
    // A minimum period (`for at least …`) is not due: it ends; an appointment is on its day.
    let word = match chain.first().map(|c| c.kind) {
        Some(DeadlineKind::ForAtLeast) => "ends",
        Some(DeadlineKind::On) => "on",
        _ => "due",
    };
    let mut s = format!("{word} {at}");
    if let Some(c) = counted_text(chain, detail) {
        s.push_str(" = ");
        s.push_str(&c);
    }
    if let Some(opens) = chain.first().and_then(|c| c.opens) {
        s.push_str(&format!("; not before {opens}"));
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
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("anchor", c.anchor)?;
        m.serialize_entry("kind", c.kind_name())?;
        m.serialize_entry("date", &c.date.to_string())?;
        m.serialize_entry("direction", c.direction())?;
        m.serialize_entry("period", &Period(c.amount, c.unit))?;
        // Only where they apply, so every other due date's JSON is as it was.
        if c.assumed {
            m.serialize_entry("assumed", &true)?;
        }
        if let Some((kind, of)) = c.pick {
            m.serialize_entry(
                "pick",
                &serde_json::json!({"which": kind.as_str(), "of": of}),
            )?;
        }
        if let Some(moved) = c.moved {
            m.serialize_entry("moved_from", &moved_json(&moved))?;
        }
        if let Some(o) = c.opens {
            m.serialize_entry("opens", &o.to_string())?;
        }
        if c.kind == DeadlineKind::On {
            m.serialize_entry("appointment", &true)?;
        }
        m.end()
    }
}

/// `{"date": "2026-04-06", "reason": "bank_holiday", "holiday": "Easter Monday", "to":
/// "previous_working_day"}`
fn moved_json(m: &Moved<'_>) -> serde_json::Value {
    serde_json::json!({
        "date": m.from.format("%Y-%m-%d").to_string(),
        "reason": off_name(m.why),
        "holiday": m.holiday,
        "to": shift_name(m.to),
    })
}

/// `weekend` or `bank_holiday`.
pub fn off_name(why: OffDay) -> &'static str {
    match why {
        OffDay::Weekend => "weekend",
        OffDay::BankHoliday => "bank_holiday",
    }
}

/// `next_working_day` or `previous_working_day`.
pub fn shift_name(shift: Shift) -> &'static str {
    match shift {
        Shift::NextWorkingDay => "next_working_day",
        Shift::PreviousWorkingDay => "previous_working_day",
    }
}

impl CountedFrom<'_> {
    /// What the anchor is, as data: `fact`, `duty` (its due date) or `done`.
    pub fn kind_name(&self) -> &'static str {
        if self.duty {
            "duty"
        } else if self.done {
            "done"
        } else {
            "fact"
        }
    }

    /// The keys past the first five of the JSON object, as JSON text (`,"assumed":true`…),
    /// for writers that write JSON directly; empty for a plain deadline.
    pub fn extra_json(&self) -> String {
        let mut out = String::new();
        if self.assumed {
            out.push_str(",\"assumed\":true");
        }
        if let Some((kind, of)) = self.pick {
            out.push_str(&format!(
                ",\"pick\":{}",
                serde_json::json!({"which": kind.as_str(), "of": of})
            ));
        }
        if let Some(moved) = self.moved {
            out.push_str(&format!(",\"moved_from\":{}", moved_json(&moved)));
        }
        if let Some(o) = self.opens {
            out.push_str(&format!(",\"opens\":\"{o}\""));
        }
        if self.kind == DeadlineKind::On {
            out.push_str(",\"appointment\":true");
        }
        out
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
/// is not a working day, `"not_a_working_day"`; and for a duty that refines an inherited
/// one, `"refines"` and `"binds"` (as in `cspr eval`), even without a due date of its own.
pub fn duty_fields(
    program: &Program,
    eval: &Evaluation,
    d: DutyId,
) -> Vec<(&'static str, serde_json::Value)> {
    let refines = crate::report::model::refines_of(program, eval, d).map(|r| {
        [
            ("refines", serde_json::Value::String(r.name.to_string())),
            (
                "binds",
                r.binds
                    .map_or(serde_json::Value::Null, serde_json::Value::Bool),
            ),
        ]
    });
    let Some(due) = eval.duties.get(d).and_then(|o| o.due) else {
        return refines.into_iter().flatten().collect();
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
    out.extend(refines.into_iter().flatten());
    out
}
