//! The one error type of the time stage: a date the calendar cannot answer for, or calendar
//! data that does not make sense.
//!
//! Messages follow the crate's style: lowercase, one line, naming the user's date, e.g.
//! `the england_and_wales calendar has no bank holidays before 2015, so 2014-12-31 cannot be
//! counted`; the range the calendar does answer goes in the diagnostic's help.

use std::fmt;

use chrono::NaiveDate;

/// Why a calendar question could not be answered, or why calendar data was refused.
///
/// Display gives a one-line lowercase message naming the date (or the problem in the data);
/// [`miette::Diagnostic::help`] says what the calendar can answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[error("{kind}")]
#[diagnostic(code(cspr::time::calendar))]
pub struct CalendarError {
    kind: CalendarErrorKind,
    #[help]
    help: Option<String>,
}

/// The kinds of [`CalendarError`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CalendarErrorKind {
    /// `date` is in a year before the first year the calendar publishes.
    BeforeRange {
        /// The calendar's id, e.g. `england_and_wales`.
        calendar: String,
        /// The first year the calendar answers for.
        first_year: i32,
        /// The date that could not be counted.
        date: NaiveDate,
    },
    /// `date` is in a year after the last year the calendar (or its standing rules) covers.
    AfterRange {
        /// The calendar's id.
        calendar: String,
        /// The last year the calendar answers for.
        last_year: i32,
        /// The date that could not be counted.
        date: NaiveDate,
    },
    /// The calendar data (TOML) is malformed or inconsistent.
    Data {
        /// What is wrong, one line.
        message: String,
    },
}

impl CalendarError {
    /// What went wrong, for callers that want to react to the kind rather than the text.
    #[must_use]
    pub fn kind(&self) -> &CalendarErrorKind {
        &self.kind
    }

    /// The date that could not be counted, if the error is about a date.
    #[must_use]
    pub fn date(&self) -> Option<NaiveDate> {
        match &self.kind {
            CalendarErrorKind::BeforeRange { date, .. }
            | CalendarErrorKind::AfterRange { date, .. } => Some(*date),
            CalendarErrorKind::Data { .. } => None,
        }
    }

    pub(super) fn before(calendar: &str, first_year: i32, last_year: i32, date: NaiveDate) -> Self {
        CalendarError {
            kind: CalendarErrorKind::BeforeRange {
                calendar: calendar.to_owned(),
                first_year,
                date,
            },
            help: Some(range_help(calendar, first_year, last_year)),
        }
    }

    pub(super) fn after(calendar: &str, first_year: i32, last_year: i32, date: NaiveDate) -> Self {
        CalendarError {
            kind: CalendarErrorKind::AfterRange {
                calendar: calendar.to_owned(),
                last_year,
                date,
            },
            help: Some(range_help(calendar, first_year, last_year)),
        }
    }

    pub(super) fn data(message: impl Into<String>) -> Self {
        // Keep the message to one line whatever the parser said.
        let message: String = message.into().replace(['\n', '\r'], " ");
        CalendarError {
            kind: CalendarErrorKind::Data { message },
            help: None,
        }
    }
}

fn range_help(calendar: &str, first_year: i32, last_year: i32) -> String {
    format!(
        "the {calendar} calendar answers for dates from {first_year}-01-01 to {last_year}-12-31"
    )
}

impl fmt::Display for CalendarErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarErrorKind::BeforeRange {
                calendar,
                first_year,
                date,
            } => write!(
                f,
                "the {calendar} calendar has no bank holidays before {first_year}, so {date} cannot be counted"
            ),
            CalendarErrorKind::AfterRange {
                calendar,
                last_year,
                date,
            } => write!(
                f,
                "the {calendar} calendar has no bank holidays after {last_year}, so {date} cannot be counted"
            ),
            CalendarErrorKind::Data { message } => write!(f, "invalid calendar data: {message}"),
        }
    }
}
