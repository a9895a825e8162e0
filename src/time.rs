//! Time: the working-day calendar and the date arithmetic every deadline is computed with.
//!
//! A deadline in a policy is a count from a date the case records: `within 5 working days
//! after la_aware_on`, `within 1 month after panel_notified_on`, `within 24 hours after
//! rapid_review_decided_at`, `at least 7 days before publication_planned_on`. This stage turns
//! such a count into a date, by the conventions set out (with their sources) in `docs/dates.md`:
//!
//! - **working days** ([`Calendar::add_working_days`]): count forward from the day *after* the
//!   start, skipping Saturdays, Sundays and bank holidays; the Nth day counted is the due date;
//! - **days**, **weeks** ([`add_days`], [`add_weeks`]): calendar days, seven to a week;
//! - **months** ([`add_months`]): the corresponding date (*Dodds v Walker* \[1981\]), clamped to
//!   the month's last day;
//! - **hours** ([`add_hours`]): clock hours from a date-time.
//!
//! Bank holidays are data, not code: a [`Calendar`] is read from TOML
//! (`policies/calendars/england-and-wales.toml`, built from GOV.UK's published dates). Years
//! after the published ones are computed by the standing rules and the answer is flagged
//! *provisional*; a date the calendar cannot answer for is a [`CalendarError`] naming it.
//!
//! # Worked example
//!
//! The local authority became aware of an incident on Monday 4 March 2024 and must notify
//! the National Panel within 5 working days. Counting from the day after:
//!
//! ```text
//! Tue 5  Wed 6  Thu 7  Fri 8  (Sat 9, Sun 10: weekend)  Mon 11
//!   1      2      3      4                                5     → due Monday 11 March 2024
//! ```
//!
//! Over Easter 2024, one working day after Thursday 28 March skips Good Friday (29th), the
//! weekend and Easter Monday (1 April), and lands on Tuesday 2 April.
//!
//! ```
//! use chrono::NaiveDate;
//! use cspr::time::Calendar;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let calendar = Calendar::england_and_wales()?;
//! let aware = NaiveDate::from_ymd_opt(2024, 3, 4).ok_or("bad date")?;
//! let due = calendar.add_working_days(aware, 5)?;
//! assert_eq!(due.date, NaiveDate::from_ymd_opt(2024, 3, 11).ok_or("bad date")?);
//! assert!(!due.provisional); // 2024's bank holidays are published
//!
//! let maundy_thursday = NaiveDate::from_ymd_opt(2024, 3, 28).ok_or("bad date")?;
//! let next = calendar.add_working_days(maundy_thursday, 1)?;
//! assert_eq!(next.date, NaiveDate::from_ymd_opt(2024, 4, 2).ok_or("bad date")?);
//!
//! // Overdue by: working days from the due date (exclusive) to the as-of date (inclusive).
//! let as_of = NaiveDate::from_ymd_opt(2024, 3, 13).ok_or("bad date")?;
//! assert_eq!(calendar.working_days_between(due.date, as_of)?, (2, false));
//! # Ok(())
//! # }
//! ```
//!
//! The submodules: `calendar` (the [`Calendar`] and its counting), `data` (reading and
//! checking calendar TOML), `rules` (the standing rules: Easter, nth weekdays, substitute
//! days), `arith` (days, weeks, months, hours) and `error` ([`CalendarError`]).

mod arith;
mod calendar;
mod data;
mod error;
mod rules;

pub use arith::{add_days, add_hours, add_months, add_weeks, days_between};
pub use calendar::{Calendar, Holiday, Reckoned};
pub use error::{CalendarError, CalendarErrorKind};
