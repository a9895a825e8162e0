//! Due dates and their status (DESIGN §2, `docs/dates.md`).
//!
//! A duty's deadline counts from an anchor — a date or date-time fact, or another duty's
//! due date — in the program's calendar:
//!
//! ```text
//! within 5 working days after la_aware_on      Mon 4 Mar 2024 → Mon 11 Mar 2024
//! within 1 month after referral_received_on    31 Jan 2024 → 29 Feb 2024 (Dodds v Walker)
//! at least 7 days before publication_planned_on
//! for at least 12 months after published_on     the minimum period ends then
//! ```
//!
//! Due dates depend only on the case; a status also depends on the day it is judged
//! ("as of"), so [`status`] takes that day and the front end chooses it.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, Timelike};

use super::Evaluation;
use super::kleene::{self, Env};
use crate::check::{Anchor, AnchorDef, DeadlineDef, DutyId, FactId, Program};
use crate::diagnostic::Problem;
use crate::syntax::ast::{DeadlineKind, PickKind, Shift, TimeUnit};
use crate::time::{Calendar, add_days, add_hours, add_months, add_weeks};
use crate::value::Value;

/// A due date, or a due moment for deadlines counted in hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl Moment {
    pub fn date(self) -> NaiveDate {
        match self {
            Moment::Date(d) => d,
            Moment::DateTime(t) => t.date(),
        }
    }
}

impl std::fmt::Display for Moment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // ISO 8601, written directly (chrono's formatter parses its pattern every time).
        let d = self.date();
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())?;
        if let Moment::DateTime(t) = self {
            write!(f, "T{:02}:{:02}", t.hour(), t.minute())?;
        }
        Ok(())
    }
}

/// When a duty is due, and what it was counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub at: Moment,
    /// Counted across a year whose bank holidays are computed by the standing rules,
    /// not yet published.
    pub provisional: bool,
    /// The anchor, its date and the period counted: so every output can say
    /// `due 2026-04-30 = 15 working days after panel_notified_on (2026-04-09)`.
    pub from: CountedFrom,
    /// The due date is a Saturday, Sunday or bank holiday in the program's calendar
    /// (`None` when no calendar is named or the date is outside its years, and when the
    /// procedure says how such a date moves: then `moved_from` says from where).
    pub off_day: Option<OffDay>,
    /// `on a non-working day: next working day`: the date as counted, when it fell on a
    /// weekend or bank holiday and moved to `at`.
    pub moved_from: Option<(NaiveDate, OffDay)>,
    /// `not before …`: the day the window opens (nothing done before it counts).
    pub opens: Option<Moment>,
}

/// What a due date was counted from: the anchor chosen in this case (a fact, a duty's
/// completion, or another duty whose own [`Due`] says what it counts from), the anchor's
/// date and the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedFrom {
    pub anchor: Anchor,
    pub date: Moment,
    pub kind: DeadlineKind,
    pub amount: u32,
    pub unit: TimeUnit,
    /// The unit is the procedure's reading of a text that says only "days".
    pub assumed: bool,
    /// The anchor was the earliest (or latest) of several: which, and the anchor written
    /// (the index of the choice taken, or the number of choices for the default).
    pub pick: Option<(PickKind, usize)>,
}

/// Why a due date is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffDay {
    Weekend,
    BankHoliday,
}

/// The calendar a program counts working days in: the last `calendar` its modules name.
pub fn calendar_of(program: &Program) -> Result<Option<&'static Calendar>, Problem> {
    let Some(id) = program
        .modules
        .iter()
        .rev()
        .find_map(|m| m.calendar.as_deref())
    else {
        return Ok(None);
    };
    Calendar::builtin(id).map_err(|e| {
        Problem::error("cspr::calendar", e.to_string())
            .help("the shipped calendar data is broken; reinstall cspr")
    })
}

/// What an anchor (or a due date) comes to in a case: a moment, or what is known of one
/// not yet known — bounds every answer of the facts still missing keeps it within.
///
/// Bounds make the earliest and latest of dates exact: `earliest(a, b)` with `a` known
/// and `b` not is `a` when `b` is known to come no earlier (its lower bound is at least
/// `a`, e.g. a due date counted after `a`), and unknown otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dated {
    Known {
        at: Moment,
        provisional: bool,
        /// The one date it is (for `earliest`/`latest`, the one that came first or last).
        leaf: Anchor,
    },
    Unknown {
        /// No answer makes it earlier than this (`None`: nothing is known).
        lo: Option<Moment>,
        /// No answer makes it later than this.
        hi: Option<Moment>,
    },
}

const UNBOUNDED: Dated = Dated::Unknown { lo: None, hi: None };

impl Dated {
    fn lo(self) -> Option<Moment> {
        match self {
            Dated::Known { at, .. } => Some(at),
            Dated::Unknown { lo, .. } => lo,
        }
    }

    fn hi(self) -> Option<Moment> {
        match self {
            Dated::Known { at, .. } => Some(at),
            Dated::Unknown { hi, .. } => hi,
        }
    }
}

/// Moments in time order, a date as its first instant.
fn key(m: Moment) -> NaiveDateTime {
    match m {
        Moment::Date(d) => d.and_time(chrono::NaiveTime::MIN),
        Moment::DateTime(t) => t,
    }
}

fn min_m(a: Moment, b: Moment) -> Moment {
    if key(b) < key(a) { b } else { a }
}

fn max_m(a: Moment, b: Moment) -> Moment {
    if key(b) > key(a) { b } else { a }
}

/// The earliest (or latest) of several dates, known or bounded. Exact for independent
/// parts: known exactly when one known part comes first (last) whatever the others turn
/// out to be.
pub fn pick(kind: PickKind, parts: &[Dated]) -> Dated {
    let earliest = kind == PickKind::Earliest;
    // The known part that comes first (last); ties keep the first written.
    let mut best: Option<Dated> = None;
    for p in parts {
        if let Dated::Known { at, .. } = *p {
            let better = match best {
                Some(Dated::Known { at: b, .. }) => {
                    if earliest {
                        key(at) < key(b)
                    } else {
                        key(at) > key(b)
                    }
                }
                _ => true,
            };
            if better {
                best = Some(*p);
            }
        }
    }
    if let Some(Dated::Known { at, .. }) = best {
        let settled = parts.iter().all(|p| match *p {
            Dated::Known { .. } => true,
            Dated::Unknown { lo, hi } => {
                if earliest {
                    lo.is_some_and(|lo| key(lo) >= key(at))
                } else {
                    hi.is_some_and(|hi| key(hi) <= key(at))
                }
            }
        });
        if settled {
            return best.unwrap_or(UNBOUNDED);
        }
    }
    // Bounds of the earliest: the least lower bound (none if any part has none), the
    // least upper bound any part has; of the latest, the mirror.
    let all = |f: fn(Dated) -> Option<Moment>, join: fn(Moment, Moment) -> Moment| {
        parts
            .iter()
            .map(|p| f(*p))
            .try_fold(None, |acc: Option<Moment>, m| {
                m.map(|m| Some(acc.map_or(m, |a| join(a, m))))
            })
            .flatten()
    };
    let any = |f: fn(Dated) -> Option<Moment>, join: fn(Moment, Moment) -> Moment| {
        parts.iter().filter_map(|p| f(*p)).reduce(join)
    };
    if earliest {
        Dated::Unknown {
            lo: all(Dated::lo, min_m),
            hi: any(Dated::hi, min_m),
        }
    } else {
        Dated::Unknown {
            lo: any(Dated::lo, max_m),
            hi: all(Dated::hi, max_m),
        }
    }
}

/// What several possible dates (an undecided choice) come to: one date if all agree,
/// else bounds around all of them.
fn union(parts: &[Dated]) -> Dated {
    match parts.first() {
        Some(Dated::Known { at, .. })
            if parts
                .iter()
                .all(|p| matches!(p, Dated::Known { at: a, .. } if a == at)) =>
        {
            parts[0]
        }
        _ => {
            let lo = parts
                .iter()
                .map(|p| p.lo())
                .try_fold(None, |acc: Option<Moment>, m| {
                    m.map(|m| Some(acc.map_or(m, |a| min_m(a, m))))
                })
                .flatten();
            let hi = parts
                .iter()
                .map(|p| p.hi())
                .try_fold(None, |acc: Option<Moment>, m| {
                    m.map(|m| Some(acc.map_or(m, |a| max_m(a, m))))
                })
                .flatten();
            Dated::Unknown { lo, hi }
        }
    }
}

/// What one anchor comes to, the duties' due dates (or bounds) so far in `memo`.
fn dated(anchor: &AnchorDef, env: &Env<'_>, memo: &[Option<Dated>]) -> Dated {
    match anchor {
        AnchorDef::One(a) => leaf(*a, env, memo),
        AnchorDef::Pick(kind, parts) => {
            let parts: Vec<Dated> = parts.iter().map(|p| dated(p, env, memo)).collect();
            pick(*kind, &parts)
        }
    }
}

fn leaf(a: Anchor, env: &Env<'_>, memo: &[Option<Dated>]) -> Dated {
    let known = |at| Dated::Known {
        at,
        provisional: false,
        leaf: a,
    };
    match a {
        Anchor::Fact(f) | Anchor::Done(_, f) => match &env.facts[f] {
            Some(Value::Date(x)) => known(Moment::Date(*x)),
            Some(Value::DateTime(x)) => known(Moment::DateTime(*x)),
            _ => UNBOUNDED,
        },
        Anchor::Duty(o) => match memo.get(o).copied().flatten() {
            Some(Dated::Known {
                at, provisional, ..
            }) => Dated::Known {
                at,
                provisional,
                leaf: a,
            },
            Some(u) => u,
            None => UNBOUNDED,
        },
    }
}

/// The due date of every duty that may apply and whose anchor is known, in duty order.
///
/// A deadline may count from other duties' due dates, and those from others: they are
/// resolved in dependency order with an explicit stack, never by recursion, so a chain
/// of any length is resolved without touching the call stack (the checker has refused
/// chains that loop).
pub fn due_dates(
    program: &Program,
    facts: &[Option<Value>],
    rules: &[Option<Value>],
    applies: &[Option<bool>],
    calendar: Option<&Calendar>,
) -> Result<Vec<Option<Due>>, Problem> {
    let env = Env { facts, rules };
    let n = program.duties.len();
    // Each duty's due date, or what is known of it: `None` until resolved.
    let mut memo: Vec<Option<Dated>> = vec![None; n];
    let mut dues: Vec<Option<Due>> = vec![None; n];
    let mut stack: Vec<DutyId> = Vec::new();
    for start in 0..n {
        stack.push(start);
        while let Some(&d) = stack.last() {
            if memo[d].is_some() {
                stack.pop();
                continue;
            }
            let pending = program.duties[d]
                .deadline
                .as_ref()
                .filter(|_| applies[d] != Some(false))
                .and_then(|dl| {
                    dl.find_anchor(&mut |a| match a {
                        Anchor::Duty(o) if memo[o].is_none() => Some(o),
                        _ => None,
                    })
                });
            match pending {
                // The checker refuses loops; the length guards regardless.
                Some(o) if stack.len() <= n => stack.push(o),
                _ => {
                    let (m, due) = resolve(program, &env, applies, calendar, d, &memo)?;
                    memo[d] = Some(m);
                    dues[d] = due;
                    stack.pop();
                }
            }
        }
    }
    Ok(dues)
}

/// The anchor a deadline counts from in this case: the first choice whose condition
/// holds, else the last (its index: the number of choices); `None` while a condition
/// that could decide it is unknown.
fn choose<'d>(dl: &'d DeadlineDef, env: &Env<'_>) -> Option<(usize, &'d AnchorDef)> {
    for (i, (cond, anchor)) in dl.choices.iter().enumerate() {
        match env.truth(cond) {
            Some(true) => return Some((i, anchor)),
            Some(false) => {}
            None => return None,
        }
    }
    Some((dl.choices.len(), &dl.anchor))
}

/// What a deadline's anchor comes to in this case: the chosen one's date, or, while
/// the choice is undecided, the dates it may still be.
fn anchor_of(dl: &DeadlineDef, env: &Env<'_>, memo: &[Option<Dated>]) -> (Dated, Option<usize>) {
    if let Some((i, a)) = choose(dl, env) {
        return (dated(a, env, memo), Some(i));
    }
    let mut parts = Vec::new();
    for (cond, a) in &dl.choices {
        match env.truth(cond) {
            Some(false) => {}
            Some(true) => {
                parts.push(dated(a, env, memo));
                return (union(&parts), None);
            }
            None => parts.push(dated(a, env, memo)),
        }
    }
    parts.push(dated(&dl.anchor, env, memo));
    (union(&parts), None)
}

/// The due date of duty `d` (and what is known of it when it is not known), the duties
/// it counts from being resolved in `memo`.
fn resolve(
    program: &Program,
    env: &Env<'_>,
    applies: &[Option<bool>],
    calendar: Option<&Calendar>,
    d: DutyId,
    memo: &[Option<Dated>],
) -> Result<(Dated, Option<Due>), Problem> {
    let duty = &program.duties[d];
    let (Some(dl), false) = (&duty.deadline, applies[d] == Some(false)) else {
        return Ok((UNBOUNDED, None));
    };
    let (anchor, chosen) = anchor_of(dl, env, memo);
    match anchor {
        // Known (whichever way a choice still undecided goes, when it is undecided).
        Dated::Known {
            at,
            provisional,
            leaf,
        } => {
            let written = chosen.map(|i| dl.choices.get(i).map_or(&dl.anchor, |c| &c.1));
            let pick = match (written, chosen) {
                (Some(AnchorDef::Pick(k, _)), Some(i)) => Some((*k, i)),
                _ => None,
            };
            let from = CountedFrom {
                anchor: leaf,
                date: at,
                kind: dl.kind,
                amount: dl.amount,
                unit: dl.unit,
                assumed: dl.assumed,
                pick,
            };
            let mut due = reckon(program, d, dl, from, provisional, calendar)?;
            if let Some(opening) = &dl.opens {
                let (o, _) = anchor_of(opening, env, memo);
                due.opens = match o {
                    Dated::Known {
                        at, provisional, ..
                    } => {
                        let from = CountedFrom {
                            date: at,
                            kind: opening.kind,
                            amount: opening.amount,
                            unit: opening.unit,
                            assumed: opening.assumed,
                            pick: None,
                            ..from
                        };
                        reckon(program, d, opening, from, provisional, calendar)
                            .ok()
                            .map(|o| o.at)
                    }
                    Dated::Unknown { .. } => None,
                };
            }
            Ok((
                Dated::Known {
                    at: due.at,
                    provisional: due.provisional,
                    leaf: Anchor::Duty(d),
                },
                Some(due),
            ))
        }
        Dated::Unknown { lo, hi } => {
            // Counting is monotone in the anchor, so the bounds carry over.
            let lo = lo.and_then(|m| bound(program, d, dl, m, calendar));
            let hi = hi.and_then(|m| bound(program, d, dl, m, calendar));
            Ok((Dated::Unknown { lo, hi }, None))
        }
    }
}

/// The due date counted from `at`, or `None` where it cannot be counted.
fn bound(
    program: &Program,
    d: DutyId,
    dl: &DeadlineDef,
    at: Moment,
    calendar: Option<&Calendar>,
) -> Option<Moment> {
    let from = CountedFrom {
        anchor: Anchor::Duty(d),
        date: at,
        kind: dl.kind,
        amount: dl.amount,
        unit: dl.unit,
        assumed: dl.assumed,
        pick: None,
    };
    reckon(program, d, dl, from, false, calendar)
        .ok()
        .map(|due| due.at)
}

/// Why `day` is not a working day in `calendar`, if it is not one (and the calendar
/// answers for it).
pub fn off_day(calendar: Option<&Calendar>, day: NaiveDate) -> Option<OffDay> {
    let cal = calendar?;
    match cal.is_working_day(day) {
        Ok(false) => Some(
            if matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
                OffDay::Weekend
            } else {
                OffDay::BankHoliday
            },
        ),
        _ => None,
    }
}

fn reckon(
    program: &Program,
    d: DutyId,
    dl: &DeadlineDef,
    from: CountedFrom,
    anchor_provisional: bool,
    calendar: Option<&Calendar>,
) -> Result<Due, Problem> {
    let duty = &program.duties[d];
    let source = program.source_of(duty.module);
    let out_of_range = |what: &str| {
        Problem::error(
            "cspr::date_range",
            format!("the due date of `{}` {what}", duty.name),
        )
        .label(dl.span, "this deadline")
        .help("check the dates in the case")
        .in_source(source)
    };
    let no_calendar = || {
        Problem::error(
            "cspr::no_calendar",
            format!(
                "`{}` counts working days, but no calendar is named",
                duty.name
            ),
        )
        .label(dl.span, "working days")
        .help("add `calendar england_and_wales` to the guidance module's header")
        .in_source(source)
    };
    let calendar_error = |cal: &Calendar, e: crate::time::CalendarError| {
        Problem::error(
            "cspr::calendar",
            format!("cannot count the working days for `{}`: {e}", duty.name),
        )
        .label(dl.span, "counted here")
        .help(format!(
            "the {} calendar answers {}–{}",
            cal.id(),
            cal.years().start(),
            cal.years().end()
        ))
        .in_source(source)
    };
    let n = dl.amount;
    let back = dl.kind == DeadlineKind::AtLeastBefore;
    let base = from.date.date();
    let (at, provisional) = match dl.unit {
        TimeUnit::WorkingDays => {
            let cal = calendar.ok_or_else(no_calendar)?;
            let reckoned = if back {
                cal.sub_working_days(base, n)
            } else {
                cal.add_working_days(base, n)
            }
            .map(|r| (r.date, r.provisional));
            let (date, provisional) = reckoned.map_err(|e| calendar_error(cal, e))?;
            (Moment::Date(date), provisional)
        }
        TimeUnit::Days | TimeUnit::Weeks => {
            let days = i64::from(n) * if dl.unit == TimeUnit::Weeks { 7 } else { 1 };
            let date = if dl.unit == TimeUnit::Weeks && !back {
                add_weeks(base, i64::from(n))
            } else {
                add_days(base, if back { -days } else { days })
            };
            (
                Moment::Date(date.ok_or_else(|| out_of_range("is out of range"))?),
                false,
            )
        }
        TimeUnit::Months => {
            let date = if back {
                base.checked_sub_months(Months::new(n))
            } else {
                add_months(base, n)
            };
            (
                Moment::Date(date.ok_or_else(|| out_of_range("is out of range"))?),
                false,
            )
        }
        TimeUnit::Hours => {
            let Moment::DateTime(t) = from.date else {
                return Err(out_of_range("counts hours from a date with no time of day"));
            };
            let hours = i64::from(n);
            let at = add_hours(t, if back { -hours } else { hours })
                .ok_or_else(|| out_of_range("is out of range"))?;
            (Moment::DateTime(at), false)
        }
    };
    let off = off_day(calendar, at.date());
    // `on a non-working day: next working day`: moved only where the procedure says so.
    if let (Some(shift), Some(why), Moment::Date(day)) = (dl.shift, off, at) {
        let cal = calendar.ok_or_else(no_calendar)?;
        let moved = match shift {
            Shift::NextWorkingDay => cal.add_working_days(day, 1),
            Shift::PreviousWorkingDay => cal.sub_working_days(day, 1),
        }
        .map_err(|e| calendar_error(cal, e))?;
        return Ok(Due {
            at: Moment::Date(moved.date),
            provisional: provisional || anchor_provisional || moved.provisional,
            from,
            off_day: None,
            moved_from: Some((day, why)),
            opens: None,
        });
    }
    Ok(Due {
        at,
        provisional: provisional || anchor_provisional,
        from,
        off_day: off,
        moved_from: None,
        opens: None,
    })
}

/// Where a duty stands on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The duty does not apply to this case.
    NotApplicable,
    /// The duty has no deadline.
    NoDeadline,
    /// The date it counts from is not known yet: this fact would give it.
    Waiting {
        fact: Option<FactId>,
    },
    /// Not due yet: this many working days left (after today, to the due date).
    ///
    /// Every count is `None` when the calendar cannot give it (no calendar named, or a
    /// day outside its years): a count is never guessed from calendar days.
    Pending {
        working_days_left: Option<i64>,
    },
    DueToday,
    /// Past its due date by this many working days, and not recorded as done.
    Overdue {
        working_days: Option<i64>,
    },
    /// Done on or before the due date.
    Met,
    /// Done after the due date, by this many working days (0 when done on a non-working
    /// day after the due date, or later on the due date itself for a deadline in hours).
    MetLate {
        working_days: Option<i64>,
    },
    /// A window (`not before …`) not open yet, and nothing done: it opens on that day,
    /// this many working days from today.
    NotYetOpen {
        opens: NaiveDate,
        working_days_left: Option<i64>,
    },
    /// Done before its window opened or before its appointed day, by this many working
    /// days: it does not count as done.
    TooEarly {
        working_days: Option<i64>,
    },
    /// An appointment (`on …`) held on its day.
    OnTheDay,
    /// An appointment held after its day, by this many working days.
    Late {
        working_days: Option<i64>,
    },
    /// A minimum period (`for at least …`) still running / over.
    Running {
        until: NaiveDate,
    },
    Completed,
}

impl Status {
    /// The name used in JSON and text: `pending`, `overdue`, `met_late`, …
    pub fn name(&self) -> &'static str {
        match self {
            Status::NotApplicable => "not_applicable",
            Status::NoDeadline => "no_deadline",
            Status::Waiting { .. } => "waiting",
            Status::Pending { .. } => "pending",
            Status::DueToday => "due_today",
            Status::Overdue { .. } => "overdue",
            Status::Met => "met",
            Status::MetLate { .. } => "met_late",
            Status::NotYetOpen { .. } => "not_yet_open",
            Status::TooEarly { .. } => "too_early",
            Status::OnTheDay => "on_the_day",
            Status::Late { .. } => "late",
            Status::Running { .. } => "running",
            Status::Completed => "completed",
        }
    }
}

/// The status of duty `d` as of `today`.
pub fn status(
    program: &Program,
    eval: &Evaluation,
    d: DutyId,
    today: NaiveDate,
    calendar: Option<&Calendar>,
) -> Status {
    let duty = &program.duties[d];
    if eval.duties[d].applies == Some(false) {
        return Status::NotApplicable;
    }
    let Some(dl) = &duty.deadline else {
        // Without a deadline a duty can be met (the day it was done has come), never late.
        let done = duty.done.and_then(|f| match &eval.facts[f] {
            Some(Value::Date(x)) => Some(*x),
            Some(Value::DateTime(x)) => Some(x.date()),
            _ => None,
        });
        return match done {
            Some(done) if done <= today => Status::Met,
            _ => Status::NoDeadline,
        };
    };
    let Some(due) = eval.duties[d].due else {
        return Status::Waiting {
            fact: waiting_for(program, eval, d),
        };
    };
    let due_day = due.at.date();
    // The working days from `a` to `b`, or `None` where the calendar cannot count them.
    let count = |a: NaiveDate, b: NaiveDate| {
        calendar
            .and_then(|c| c.working_days_between(a, b).ok())
            .map(|(n, _)| n)
    };
    if dl.kind == DeadlineKind::ForAtLeast {
        // Complete at the end of the corresponding date: on that day it still runs.
        return if today <= due_day {
            Status::Running { until: due_day }
        } else {
            Status::Completed
        };
    }
    if let Some(f) = duty.done {
        let done = match &eval.facts[f] {
            Some(Value::Date(x)) => Some(*x),
            Some(Value::DateTime(x)) => Some(x.date()),
            _ => None,
        };
        // Done after the day judged on: as of that day it was not done yet.
        if let Some(done) = done.filter(|done| *done <= today) {
            // Done, but the day the window opens is not known yet: whether it was too
            // early waits for the fact that would give it.
            if let (Some(opening), None) = (&dl.opens, due.opens) {
                return Status::Waiting {
                    fact: waiting_from(program, eval, opening),
                };
            }
            // Before the window opened, or before the appointed day: too early.
            let opens = match dl.kind {
                DeadlineKind::On => Some(due_day),
                _ => due.opens.map(Moment::date),
            };
            if let Some(opens) = opens.filter(|o| done < *o) {
                return Status::TooEarly {
                    working_days: count(done, opens),
                };
            }
            if dl.kind == DeadlineKind::On {
                return if done == due_day {
                    Status::OnTheDay
                } else {
                    Status::Late {
                        working_days: count(due_day, done),
                    }
                };
            }
            let late = match (due.at, &eval.facts[f]) {
                (Moment::DateTime(t), Some(Value::DateTime(x))) => *x > t,
                _ => done > due_day,
            };
            return if late {
                Status::MetLate {
                    working_days: count(due_day, done),
                }
            } else {
                Status::Met
            };
        }
    }
    if let Some(opens) = due.opens.map(Moment::date).filter(|o| today < *o) {
        return Status::NotYetOpen {
            opens,
            working_days_left: count(today, opens),
        };
    }
    match today.cmp(&due_day) {
        std::cmp::Ordering::Less => Status::Pending {
            working_days_left: count(today, due_day),
        },
        std::cmp::Ordering::Equal => Status::DueToday,
        std::cmp::Ordering::Greater => Status::Overdue {
            working_days: count(due_day, today),
        },
    }
}

/// For a deadline in hours met late at a recorded time (`status` is `MetLate`): by how
/// many clock hours, rounded up, which says more than the working days.
pub fn hours_late(program: &Program, eval: &Evaluation, d: DutyId, status: &Status) -> Option<i64> {
    let done = program.duties[d].done.and_then(|f| eval.facts[f].as_ref());
    match (status, eval.duties[d].due.map(|due| due.at), done) {
        (Status::MetLate { .. }, Some(Moment::DateTime(due)), Some(Value::DateTime(done))) => {
            Some(((*done - due).num_minutes() + 59) / 60)
        }
        _ => None,
    }
}

/// The fact a duty's deadline is waiting for, following chains of duties.
fn waiting_for(program: &Program, eval: &Evaluation, d: DutyId) -> Option<FactId> {
    waiting_from(program, eval, program.duties[d].deadline.as_ref()?)
}

/// The fact deadline `first` is waiting for, following chains of duties.
fn waiting_from(program: &Program, eval: &Evaluation, first: &DeadlineDef) -> Option<FactId> {
    let env = Env {
        facts: &eval.facts,
        rules: &eval.values,
    };
    let mut dl = first;
    for _ in 0..=program.duties.len() {
        match choose(dl, &env) {
            // An undecided choice: the first unknown fact of the first undecided condition.
            None => {
                let rule_missing: Vec<Vec<FactId>> =
                    eval.outcomes.iter().map(|o| o.missing.clone()).collect();
                let cond = dl
                    .choices
                    .iter()
                    .map(|(c, _)| c)
                    .find(|c| env.truth(c).is_none())?;
                let mut out = Vec::new();
                kleene::missing(cond, &env, &rule_missing, &mut out);
                return out.into_iter().min();
            }
            Some((_, anchor)) => {
                // The first date not known yet: a fact, or a duty whose due date waits.
                let mut leaves = Vec::new();
                anchor.leaves(&mut leaves);
                let mut next = None;
                for a in leaves {
                    match a {
                        Anchor::Fact(f) | Anchor::Done(_, f) if eval.facts[f].is_none() => {
                            return Some(f);
                        }
                        Anchor::Duty(o) if eval.duties[o].due.is_none() && next.is_none() => {
                            next = Some(o);
                        }
                        _ => {}
                    }
                }
                dl = program.duties[next?].deadline.as_ref()?;
            }
        }
    }
    None
}
