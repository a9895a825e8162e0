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
use crate::check::{Anchor, DeadlineDef, DutyId, FactId, Program};
use crate::diagnostic::Problem;
use crate::syntax::ast::{DeadlineKind, TimeUnit};
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
    /// (`None` when no calendar is named or the date is outside its years). Shown as
    /// computed and marked: the language does not (yet) say how such a date moves.
    pub off_day: Option<OffDay>,
}

/// What a due date was counted from: the anchor chosen in this case (a fact, or another
/// duty whose own [`Due`] says what it counts from), the anchor's date and the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountedFrom {
    pub anchor: Anchor,
    pub date: Moment,
    pub kind: DeadlineKind,
    pub amount: u32,
    pub unit: TimeUnit,
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

/// The due date of every duty that may apply and whose anchor is known, in duty order.
///
/// A deadline may count from another duty's due date, and that one from a third: chains
/// are followed with an explicit stack, never by recursion, so a chain of any length is
/// resolved without touching the call stack (the checker has refused chains that loop).
pub fn due_dates(
    program: &Program,
    facts: &[Option<Value>],
    rules: &[Option<Value>],
    applies: &[Option<bool>],
    calendar: Option<&Calendar>,
) -> Result<Vec<Option<Due>>, Problem> {
    let env = Env { facts, rules };
    let n = program.duties.len();
    let mut memo: Vec<Option<Option<Due>>> = vec![None; n];
    let mut stack: Vec<DutyId> = Vec::new();
    for start in 0..n {
        // Walk down the chain of anchoring duties to one already resolved, or to a fact.
        stack.push(start);
        while let Some(&d) = stack.last() {
            if memo[d].is_some() {
                stack.pop();
                continue;
            }
            match anchor_duty(program, &env, applies, d) {
                // The checker refuses loops; the length guards regardless.
                Some(o) if memo[o].is_none() && stack.len() <= n => stack.push(o),
                _ => {
                    memo[d] = Some(resolve(program, &env, applies, calendar, d, &memo)?);
                    stack.pop();
                }
            }
        }
    }
    Ok(memo.into_iter().map(Option::flatten).collect())
}

/// The duty whose due date `d`'s deadline counts from in this case, if it is one.
fn anchor_duty(
    program: &Program,
    env: &Env<'_>,
    applies: &[Option<bool>],
    d: DutyId,
) -> Option<DutyId> {
    match (&program.duties[d].deadline, applies[d]) {
        (None, _) | (_, Some(false)) => None,
        (Some(dl), _) => match choose(dl, env) {
            Some(Anchor::Duty(o)) => Some(o),
            _ => None,
        },
    }
}

/// The due date of duty `d`, the duty it counts from (if any) being resolved in `memo`.
fn resolve(
    program: &Program,
    env: &Env<'_>,
    applies: &[Option<bool>],
    calendar: Option<&Calendar>,
    d: DutyId,
    memo: &[Option<Option<Due>>],
) -> Result<Option<Due>, Problem> {
    let duty = &program.duties[d];
    let (Some(dl), false) = (&duty.deadline, applies[d] == Some(false)) else {
        return Ok(None);
    };
    let Some(chosen) = choose(dl, env) else {
        return Ok(None);
    };
    let anchor = match chosen {
        Anchor::Fact(f) => match &env.facts[f] {
            Some(Value::Date(x)) => Some((Moment::Date(*x), false)),
            Some(Value::DateTime(x)) => Some((Moment::DateTime(*x), false)),
            _ => None,
        },
        Anchor::Duty(o) => memo[o].flatten().map(|due| (due.at, due.provisional)),
    };
    anchor
        .map(|(at, provisional)| {
            let from = CountedFrom {
                anchor: chosen,
                date: at,
                kind: dl.kind,
                amount: dl.amount,
                unit: dl.unit,
            };
            reckon(program, d, dl, from, provisional, calendar)
        })
        .transpose()
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

/// The anchor a deadline counts from in this case: the first choice whose condition
/// holds, else the last; `None` while a condition that could decide it is unknown.
fn choose(dl: &DeadlineDef, env: &Env<'_>) -> Option<Anchor> {
    for (cond, anchor) in &dl.choices {
        match env.truth(cond) {
            Some(true) => return Some(*anchor),
            Some(false) => {}
            None => return None,
        }
    }
    Some(dl.anchor)
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
    let n = dl.amount;
    let back = dl.kind == DeadlineKind::AtLeastBefore;
    let base = from.date.date();
    let (at, provisional) = match dl.unit {
        TimeUnit::WorkingDays => {
            let Some(cal) = calendar else {
                return Err(Problem::error(
                    "cspr::no_calendar",
                    format!(
                        "`{}` counts working days, but no calendar is named",
                        duty.name
                    ),
                )
                .label(dl.span, "working days")
                .help("add `calendar england_and_wales` to the guidance module's header")
                .in_source(source));
            };
            let reckoned = if back {
                cal.sub_working_days(base, n)
            } else {
                cal.add_working_days(base, n)
            }
            .map(|r| (r.date, r.provisional));
            let (date, provisional) = reckoned.map_err(|e| {
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
            })?;
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
    Ok(Due {
        at,
        provisional: provisional || anchor_provisional,
        from,
        off_day: off_day(calendar, at.date()),
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
    let env = Env {
        facts: &eval.facts,
        rules: &eval.values,
    };
    let mut current = d;
    for _ in 0..=program.duties.len() {
        let dl = program.duties[current].deadline.as_ref()?;
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
            Some(Anchor::Fact(f)) => return Some(f),
            Some(Anchor::Duty(o)) if eval.duties[o].due.is_none() => current = o,
            Some(Anchor::Duty(_)) => break,
        }
    }
    None
}
