//! Timelines: every deadline of a case in date order (`cspr timeline`), as aligned text,
//! as JSON, and as an RFC 5545 iCalendar file a business manager can import.
//!
//! [`timeline`] picks and orders the entries; [`timeline_text`], [`timeline_json`] and
//! [`timeline_ics`] render them. Like the rest of the library these are pure functions:
//! the front end decides where the text goes.
//!
//! The order (see `docs/dates.md`, "Timelines"):
//!
//! 1. entries with a due date, earliest first; a date-time by its date, then its time;
//!    a deadline that is a whole date runs to the end of that day, so it comes after the
//!    timed deadlines of the same date;
//! 2. then the entries still waiting for the date they count from;
//! 3. ties, and the waiting entries among themselves, in declaration order.

use std::cmp::Ordering;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::Serialize;

use super::DeadlineView;
use super::counted::{CountedFrom, CountedFromJson, Detail, NotWorking, NotWorkingJson};
use super::model::{DutyRow, Report};
use crate::check::{DutyId, Program};
use crate::diagnostic::Problem;
use crate::eval::Evaluation;
use crate::eval::deadline::{Due, Moment};

/// One deadline on a case's timeline.
pub struct Entry<'p> {
    pub duty: DutyId,
    /// `None` while the date it counts from is unknown.
    pub due: Option<Due>,
    /// `Some(true)` when the duty applies, `None` when it only may apply.
    pub applies: Option<bool>,
    pub view: DeadlineView<'p>,
}

impl Entry<'_> {
    /// Whether the duty only may apply: it depends on facts not yet known.
    pub fn may_apply(&self) -> bool {
        self.applies.is_none()
    }
}

/// Every duty with a deadline that applies or may apply, in timeline order.
pub fn timeline<'p>(
    program: &'p Program,
    eval: &'p Evaluation,
    as_of: NaiveDate,
) -> Vec<Entry<'p>> {
    let Report {
        duties, timeline, ..
    } = Report::new(program, eval, as_of);
    let mut rows: Vec<Option<DutyRow<'p>>> = duties.into_iter().map(Some).collect();
    timeline
        .iter()
        .filter_map(|i| rows.get_mut(*i).and_then(Option::take))
        .map(|row| Entry {
            duty: row.duty,
            due: eval.duties[row.duty].due,
            applies: row.applies,
            view: row.deadline,
        })
        .collect()
}

/// The indices of the duties with a deadline that apply or may apply, in timeline order.
pub(crate) fn order_duties(duties: &[DutyRow<'_>]) -> Vec<usize> {
    let mut out: Vec<usize> = duties
        .iter()
        .enumerate()
        .filter(|(_, d)| d.has_deadline && d.applies != Some(false))
        .map(|(i, _)| i)
        .collect();
    let due = |i: usize| duties[i].deadline.due;
    // A stable sort: ties keep declaration order.
    out.sort_by(|a, b| order(due(*a), due(*b)));
    out
}

/// Due entries by moment (a whole date after the timed moments of that date), then
/// the waiting ones.
fn order(a: Option<Moment>, b: Option<Moment>) -> Ordering {
    let key = |at: Moment| match at {
        Moment::DateTime(t) => (t.date(), 0, Some(t.time())),
        Moment::Date(d) => (d, 1, None),
    };
    match (a, b) {
        (Some(a), Some(b)) => key(a).cmp(&key(b)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The timeline for a person: one aligned row per deadline, the action beneath it.
///
/// ```text
///   2024-03-11  applies    met                    notify_national_panel  local_authority must  [WT18 ch.4 paras 12-13]
///                          notify the Child Safeguarding Practice Review Panel of the serious incident
///   —           may apply  waiting for review_decided_on  notify_local_review_decision  …
///                          inform the Child Safeguarding Practice Review Panel, …
///                          depends on abuse_or_neglect
/// ```
pub fn timeline_text(program: &Program, eval: &Evaluation, as_of: NaiveDate) -> String {
    report_timeline_text(&Report::new(program, eval, as_of))
}

/// [`timeline_text`] of a report already built.
pub fn report_timeline_text(report: &Report<'_>) -> String {
    let mut out = String::new();
    super::header(report, &mut out);
    out.push_str("\nTimeline\n");
    let entries: Vec<&DutyRow<'_>> = report.timeline_duties().collect();
    if entries.is_empty() {
        out.push_str("  No duty with a deadline applies or may apply to this case.\n");
        return out;
    }
    let rows: Vec<[String; 6]> = entries
        .iter()
        .map(|e| {
            [
                e.deadline.due.map_or_else(|| "—".into(), |d| d.to_string()),
                if e.applies.is_none() {
                    "may apply"
                } else {
                    "applies"
                }
                .into(),
                e.deadline.describe(),
                report.duty_name(e).to_string(),
                format!("{} {}", report.actor(e), e.modality),
                e.cite.map_or(String::new(), |c| format!("[{c}]")),
            ]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (w0, w1, w2, w3, w4) = (width(0), width(1), width(2), width(3), width(4));
    let indent = " ".repeat(2 + w0 + 2 + w1 + 2);
    for (e, [due, applies, status, name, who, cite]) in entries.iter().zip(&rows) {
        let line =
            format!("  {due:<w0$}  {applies:<w1$}  {status:<w2$}  {name:<w3$}  {who:<w4$}  {cite}");
        out.push_str(line.trim_end());
        out.push('\n');
        let _ = writeln!(out, "{indent}{}", e.action);
        if let Some(sentence) = e.deadline.due_sentence(Detail::Full) {
            let _ = writeln!(out, "{indent}{sentence}");
        }
        if let Some(r) = &e.deadline.refines {
            let _ = writeln!(out, "{indent}{}", super::refines_line(r, report.names));
        }
        if e.applies.is_none() {
            let _ = writeln!(out, "{indent}depends on {}", e.missing.join(", "));
        }
    }
    out
}

/// The timeline as JSON (see `docs/dates.md`, "Timelines").
#[derive(Serialize)]
pub struct TimelineJson<'a> {
    pub procedure: ProcedureJson<'a>,
    pub case_id: Option<&'a str>,
    pub as_of: String,
    pub timeline: Vec<EntryJson<'a>>,
}

#[derive(Serialize)]
pub struct ProcedureJson<'a> {
    pub id: &'a str,
    pub version: Option<String>,
}

/// One deadline, with the fields of a duty in `cspr eval --format json`, and its action.
#[derive(Serialize)]
pub struct EntryJson<'a> {
    pub name: &'a str,
    /// What people read for the duty (its `label`, else its name in words).
    pub label: &'a str,
    pub actor: &'a str,
    /// The actor's title, from its `actor` declaration.
    pub actor_title: &'a str,
    pub modality: &'static str,
    pub action: &'a str,
    /// `true`, or `null` when the duty only may apply.
    pub applies: Option<bool>,
    pub due: Option<String>,
    /// `duty a refines b`: the refined duty's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refines: Option<&'a str>,
    /// Only with `refines`: whether this duty's date is the earlier, binding one
    /// (`null` while either date is unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binds: Option<Option<bool>>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_for: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// `null` where the calendar cannot count them.
    pub working_days: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_late: Option<i64>,
    /// What the due date counts from (see `counted_from` in `docs/dates.md`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "counted_from_json"
    )]
    pub counted_from: Option<CountedFrom<'a>>,
    /// Where the due date is a Saturday, Sunday or bank holiday.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "not_working_json"
    )]
    pub not_a_working_day: Option<(Moment, NotWorking)>,
    pub cite: Vec<&'a str>,
    /// The facts that would settle whether it applies, when it only may apply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<&'a str>>,
}

impl<'a> TimelineJson<'a> {
    pub fn new(report: &'a Report<'a>) -> TimelineJson<'a> {
        let timeline = report
            .timeline_duties()
            .map(|e| EntryJson {
                name: e.name,
                label: &e.label,
                actor: e.actor,
                actor_title: e.actor_title,
                modality: e.modality,
                action: e.action,
                applies: e.applies,
                working_days: e.deadline.working_days(),
                hours_late: e.deadline.hours_late,
                counted_from: e.deadline.counted_from,
                not_a_working_day: e.deadline.due.zip(e.deadline.not_working.clone()),
                status: e.deadline.status.name(),
                provisional: e.deadline.provisional,
                waiting_for: e.deadline.waiting_for,
                due: e.deadline.due.map(|d| d.to_string()),
                refines: e.deadline.refines.as_ref().map(|r| r.name),
                binds: e.deadline.refines.as_ref().map(|r| r.binds),
                cite: e.cite.iter().map(|c| c.text.as_str()).collect(),
                missing: e.applies.is_none().then(|| e.missing.clone()),
            })
            .collect();
        TimelineJson {
            procedure: ProcedureJson {
                id: report.procedure.id,
                version: report
                    .procedure
                    .version
                    .map(|v| v.format("%Y-%m-%d").to_string()),
            },
            case_id: report.case_id,
            as_of: report.as_of.format("%Y-%m-%d").to_string(),
            timeline,
        }
    }
}

fn counted_from_json<S: serde::Serializer>(
    c: &Option<CountedFrom<'_>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    c.as_ref().map(CountedFromJson).serialize(s)
}

fn not_working_json<S: serde::Serializer>(
    c: &Option<(Moment, NotWorking)>,
    s: S,
) -> Result<S::Ok, S::Error> {
    c.as_ref()
        .map(|(at, off)| NotWorkingJson(*at, off))
        .serialize(s)
}

/// The timeline as one line of JSON.
pub fn timeline_json(program: &Program, eval: &Evaluation, as_of: NaiveDate) -> String {
    let report = Report::new(program, eval, as_of);
    serde_json::to_string(&TimelineJson::new(&report)).unwrap_or_default()
}

/// The timeline as an iCalendar (RFC 5545) file: one event per deadline with a due date.
///
/// - a due date is an all-day event (`DTSTART;VALUE=DATE`, `DTEND` the next day); a due
///   date-time is a moment in floating local time (`DURATION:PT0S`), as case date-times
///   carry no time zone;
/// - `SUMMARY` is `duty: actor modality action`, marked `(may apply)` where it may;
///   `DESCRIPTION` gives the status as of the day, the citation and the procedure;
/// - `UID` is a hash of the procedure id, the case id and the duty name, so importing a
///   later timeline of the same case updates the events; `DTSTAMP` is midnight UTC at
///   the start of the as-of day, so the same command gives the same file;
/// - entries still waiting for their date have no event.
///
/// Nothing about the case but the due dates (and, only with [`IcsOptions::case_id`], its
/// id) goes into the file: a calendar syncs, and leaves the machine. No fact's value is
/// written — a due date says what it counts from by the anchor's name, not its date.
///
/// An error only for a due date iCalendar cannot write (a year after 9999).
pub fn timeline_ics(
    program: &Program,
    eval: &Evaluation,
    as_of: NaiveDate,
) -> Result<String, Problem> {
    report_timeline_ics(&Report::new(program, eval, as_of))
}

/// What an iCalendar file may carry beyond the due dates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IcsOptions {
    /// Write the case id into the calendar's name and each event's description
    /// (`cspr timeline --ics-case-id`). Off by default.
    pub case_id: bool,
}

/// [`timeline_ics`] with [`IcsOptions`].
pub fn timeline_ics_with(
    program: &Program,
    eval: &Evaluation,
    as_of: NaiveDate,
    options: IcsOptions,
) -> Result<String, Problem> {
    report_timeline_ics_with(&Report::new(program, eval, as_of), options)
}

/// [`timeline_ics`] of a report already built.
pub fn report_timeline_ics(report: &Report<'_>) -> Result<String, Problem> {
    report_timeline_ics_with(report, IcsOptions::default())
}

/// [`timeline_ics_with`] of a report already built.
pub fn report_timeline_ics_with(
    report: &Report<'_>,
    options: IcsOptions,
) -> Result<String, Problem> {
    let procedure = &report.procedure;
    let version = procedure.version.map_or(String::new(), |v| {
        format!(", version {}", v.format("%Y-%m-%d"))
    });
    let as_of_text = report.as_of.format("%Y-%m-%d");
    let stamp = format!("{}T000000Z", ics_date(report.as_of)?);
    // The UIDs are a hash of the case id whether or not it is written, so a later export
    // of the same case updates its events; the id's text goes in only when asked for.
    let case_id = report.case_id;
    let shown_id = case_id.filter(|_| options.case_id);
    let mut out = String::new();
    let mut line = |text: &str| out.push_str(&fold_line(text));
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//cspr//timeline//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    let name = match shown_id {
        Some(id) => format!("{}: {id}", procedure.id),
        None => procedure.id.to_string(),
    };
    line(&format!("X-WR-CALNAME:{}", escape_text(&name)));
    for e in report.timeline_duties() {
        let Some(due) = e.deadline.due else { continue };
        line("BEGIN:VEVENT");
        line(&format!(
            "UID:{:032x}@cspr",
            uid_hash(procedure.id, case_id, e.name)
        ));
        line(&format!("DTSTAMP:{stamp}"));
        match due {
            Moment::Date(d) => {
                let next = d.succ_opt().ok_or_else(|| too_late(e.name))?;
                line(&format!("DTSTART;VALUE=DATE:{}", ics_date(d)?));
                line(&format!("DTEND;VALUE=DATE:{}", ics_date(next)?));
            }
            Moment::DateTime(t) => {
                line(&format!("DTSTART:{}", ics_date_time(t)?));
                line("DURATION:PT0S");
            }
        }
        let may_apply = e.applies.is_none();
        let may = if may_apply { " (may apply)" } else { "" };
        line(&format!(
            "SUMMARY:{}",
            escape_text(&format!(
                "{}: {} {} {}{may}",
                report.duty_name(e),
                report.actor(e),
                e.modality,
                e.action
            ))
        ));
        let mut description = format!("Status as of {as_of_text}: {}.", e.deadline.describe());
        // The anchor's name and period, and earlier duties' due dates (events of this
        // file), but no fact's date: a calendar leaves the machine.
        if let Some(sentence) = e.deadline.due_sentence(Detail::NoFactDates) {
            // `Due: 2026-04-30 = …`, or `Ends: …` for a minimum period.
            let line = match (
                sentence.strip_prefix("due "),
                sentence.strip_prefix("ends "),
                sentence.strip_prefix("on "),
            ) {
                (Some(rest), _, _) => format!("Due: {rest}"),
                (None, Some(rest), _) => format!("Ends: {rest}"),
                (None, None, Some(rest)) => format!("On: {rest}"),
                (None, None, None) => sentence,
            };
            let _ = write!(description, "\n{line}.");
        }
        if may_apply {
            let _ = write!(
                description,
                "\nMay apply: depends on {}.",
                e.missing.join(", ")
            );
        }
        if let Some(c) = e.cite {
            let _ = write!(description, "\nCitation: {c}");
        }
        let _ = write!(
            description,
            "\nProcedure: {} ({}{version})",
            procedure.title, procedure.id
        );
        if let Some(id) = shown_id {
            let _ = write!(description, "\nCase: {id}");
        }
        line(&format!("DESCRIPTION:{}", escape_text(&description)));
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    Ok(out)
}

fn too_late(duty: &str) -> Problem {
    Problem::error(
        "cspr::ics_range",
        format!("the due date of `{duty}` is too far in the future for an iCalendar file"),
    )
    .help("iCalendar dates run to the year 9999; check the dates in the case")
}

fn ics_year(year: i32, what: &str) -> Result<(), Problem> {
    if (0..=9999).contains(&year) {
        Ok(())
    } else {
        Err(Problem::error(
            "cspr::ics_range",
            format!("{what} is outside the years an iCalendar file can hold (0–9999)"),
        )
        .help("check the dates in the case"))
    }
}

/// `YYYYMMDD`.
fn ics_date(d: NaiveDate) -> Result<String, Problem> {
    ics_year(d.year(), &format!("the date {d}"))?;
    Ok(format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()))
}

/// `YYYYMMDDTHHMMSS`, floating (no `Z`, no time zone).
fn ics_date_time(t: NaiveDateTime) -> Result<String, Problem> {
    Ok(format!(
        "{}T{:02}{:02}{:02}",
        ics_date(t.date())?,
        t.hour(),
        t.minute(),
        t.second()
    ))
}

/// A stable 128-bit FNV-1a hash of the procedure id, the case id and the duty name.
fn uid_hash(procedure: &str, case_id: Option<&str>, duty: &str) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u128::from(*b);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    feed(b"cspr timeline\0");
    feed(procedure.as_bytes());
    feed(b"\0");
    match case_id {
        Some(id) => {
            feed(b"case\0");
            feed(id.as_bytes());
        }
        None => feed(b"no case id"),
    }
    feed(b"\0");
    feed(duty.as_bytes());
    hash
}

/// A TEXT value escaped for iCalendar (RFC 5545 §3.3.11): `\`, `;` and `,` get a
/// backslash, a line break becomes `\n`, and other control characters a space.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 §3.1): no line longer than 75 octets before its
/// CRLF, continuation lines starting with a space, never splitting a UTF-8 character.
pub fn fold_line(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}
