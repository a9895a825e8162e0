//! Reading a calendar from TOML: the file's shape, and every check it must pass.
//!
//! The shape (see `policies/calendars/england-and-wales.toml` for a full example):
//!
//! ```toml
//! id = "england_and_wales"
//! title = "England and Wales bank holidays"
//!
//! [published]                 # the authoritative dates, one entry per bank holiday
//! first_year = 2015           # dates before this year are refused
//! last_year = 2028
//! holidays = [
//!   { date = 2024-03-29, key = "good_friday", title = "Good Friday" },
//!   { date = 2022-06-03, key = "queen_platinum", title = "Platinum Jubilee bank holiday",
//!     special = true, note = "an extra bank holiday" },
//! ]
//!
//! [rules]                     # optional: years after published.last_year, marked provisional
//! last_year = 2099            # dates after this year are refused
//! holidays = [
//!   { key = "christmas", title = "Christmas Day", rule = "fixed", month = 12, day = 25, substitute = true },
//!   { key = "good_friday", title = "Good Friday", rule = "easter", offset = -2 },
//!   { key = "spring", title = "Spring bank holiday", rule = "weekday", which = "last", weekday = "monday", month = 5 },
//! ]
//! ```
//!
//! Unknown keys, wrong types, dates outside the published years, duplicate dates and rules
//! that cannot give a date every year are all errors: a calendar that loads answers every
//! date in its range.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use toml::value::Datetime;

use super::calendar::{Calendar, Holiday};
use super::error::CalendarError;
use super::rules::{self, FIRST_GREGORIAN_YEAR, Rule, RuleKind, Which};

/// The last year any calendar may cover: keeps the precomputed table small and every date
/// comfortably inside chrono's range.
const LAST_SUPPORTED_YEAR: i32 = 9999;

/// How far an `easter` rule may reach from Easter Sunday, in days.
const MAX_EASTER_OFFSET: i64 = 70;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    id: String,
    title: String,
    published: RawPublished,
    rules: Option<RawRules>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublished {
    first_year: i32,
    last_year: i32,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    date: Datetime,
    key: String,
    title: String,
    #[serde(default)]
    substitute: bool,
    #[serde(default)]
    special: bool,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    last_year: i32,
    #[serde(default)]
    holidays: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    key: String,
    title: String,
    rule: String,
    month: Option<u32>,
    day: Option<u32>,
    offset: Option<i64>,
    which: Option<String>,
    weekday: Option<String>,
    #[serde(default)]
    substitute: bool,
}

/// Parses and checks calendar TOML; see the module docs for the shape.
pub(super) fn parse(text: &str) -> Result<Calendar, CalendarError> {
    let raw: RawCalendar = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .and_then(|s| text.get(..s.start))
            .map(|before| before.matches('\n').count() + 1);
        match line {
            Some(line) => CalendarError::data(format!("line {line}: {}", e.message())),
            None => CalendarError::data(e.message().to_owned()),
        }
    })?;
    check_id(&raw.id)?;
    if raw.title.trim().is_empty() {
        return Err(CalendarError::data("the calendar's `title` is empty"));
    }
    let (first_year, published_last_year) = (raw.published.first_year, raw.published.last_year);
    if !(FIRST_GREGORIAN_YEAR..=LAST_SUPPORTED_YEAR).contains(&first_year)
        || !(first_year..=LAST_SUPPORTED_YEAR).contains(&published_last_year)
    {
        return Err(CalendarError::data(format!(
            "published years {first_year} to {published_last_year} are not a range within \
             {FIRST_GREGORIAN_YEAR} to {LAST_SUPPORTED_YEAR}"
        )));
    }

    let mut holidays: BTreeMap<NaiveDate, Holiday> = BTreeMap::new();
    for raw_holiday in raw.published.holidays {
        let holiday = published_holiday(raw_holiday, first_year, published_last_year)?;
        if holidays.contains_key(&holiday.date) {
            return Err(CalendarError::data(format!(
                "{} is listed twice in `published.holidays`",
                holiday.date
            )));
        }
        holidays.insert(holiday.date, holiday);
    }
    let published: Vec<Holiday> = holidays.values().cloned().collect();

    let (last_year, rules) = match raw.rules {
        None => (published_last_year, Vec::new()),
        Some(raw_rules) => {
            if !(published_last_year..=LAST_SUPPORTED_YEAR).contains(&raw_rules.last_year) {
                return Err(CalendarError::data(format!(
                    "`rules.last_year` {} must be between `published.last_year` {published_last_year} and \
                     {LAST_SUPPORTED_YEAR}",
                    raw_rules.last_year
                )));
            }
            let rules = raw_rules
                .holidays
                .into_iter()
                .map(rule)
                .collect::<Result<Vec<_>, _>>()?;
            (raw_rules.last_year, rules)
        }
    };
    // Years after the published ones come from the rules, and are provisional.
    for year in published_last_year.saturating_add(1)..=last_year {
        let computed = rules::holidays_in_year(&rules, year).ok_or_else(|| {
            CalendarError::data(format!("the standing rules give no date in {year}"))
        })?;
        for (date, title) in computed {
            holidays.entry(date).or_insert(Holiday {
                date,
                title,
                provisional: true,
            });
        }
    }

    let counted = super::calendar::count_working_days(first_year, last_year, &holidays);
    Ok(Calendar {
        id: raw.id,
        title: raw.title,
        first_year,
        published_last_year,
        last_year,
        rules,
        published,
        holidays,
        counted,
        first_ce: NaiveDate::from_ymd_opt(first_year, 1, 1).map_or(0, |d| d.num_days_from_ce()),
    })
}

/// Ids are lowercase identifiers, as the policy language names them (`calendar england_and_wales`).
fn check_id(id: &str) -> Result<(), CalendarError> {
    let mut chars = id.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    if starts_well && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        Ok(())
    } else {
        Err(CalendarError::data(format!(
            "the calendar `id` `{id}` must be a lowercase name such as `england_and_wales`"
        )))
    }
}

fn published_holiday(
    raw: RawHoliday,
    first_year: i32,
    last_year: i32,
) -> Result<Holiday, CalendarError> {
    let date = match (raw.date.date, raw.date.time, raw.date.offset) {
        (Some(d), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        _ => None,
    }
    .ok_or_else(|| {
        CalendarError::data(format!(
            "published holiday `{}` has `date = {}`, not a plain date",
            raw.key, raw.date
        ))
    })?;
    let problem = if !(first_year..=last_year).contains(&date.year()) {
        Some(format!(
            "is outside the published years {first_year} to {last_year}"
        ))
    } else if raw.key.trim().is_empty() || raw.title.trim().is_empty() {
        Some("needs a `key` and a `title`".to_owned())
    } else if raw.special != raw.note.is_some() {
        Some("must have both `special = true` and a `note` saying why, or neither".to_owned())
    } else if raw.substitute && rules::is_weekend(date) {
        Some("is marked `substitute` but falls on a weekend".to_owned())
    } else {
        None
    };
    match problem {
        Some(problem) => Err(CalendarError::data(format!(
            "published holiday {date} ({}) {problem}",
            raw.key
        ))),
        None => Ok(Holiday {
            date,
            title: raw.title,
            provisional: false,
        }),
    }
}

fn rule(raw: RawRule) -> Result<Rule, CalendarError> {
    let err = |what: &str| CalendarError::data(format!("rule `{}` {what}", raw.key));
    if raw.key.trim().is_empty() || raw.title.trim().is_empty() {
        return Err(err("needs a `key` and a `title`"));
    }
    let kind = match raw.rule.as_str() {
        "fixed" => {
            let (Some(month), Some(day)) = (raw.month, raw.day) else {
                return Err(err("(`fixed`) needs a `month` and a `day`"));
            };
            // A non-leap year: 29 February is not a date every year has.
            if NaiveDate::from_ymd_opt(2023, month, day).is_none() {
                return Err(err(&format!(
                    "has month {month} day {day}, which not every year has"
                )));
            }
            if raw.offset.is_some() || raw.which.is_some() || raw.weekday.is_some() {
                return Err(err("(`fixed`) takes only `month`, `day` and `substitute`"));
            }
            RuleKind::Fixed {
                month,
                day,
                substitute: raw.substitute,
            }
        }
        "easter" => {
            let Some(offset) = raw.offset.filter(|o| o.abs() <= MAX_EASTER_OFFSET) else {
                return Err(err(&format!(
                    "(`easter`) needs an `offset` of at most {MAX_EASTER_OFFSET} days"
                )));
            };
            if raw.month.is_some()
                || raw.day.is_some()
                || raw.which.is_some()
                || raw.weekday.is_some()
                || raw.substitute
            {
                return Err(err("(`easter`) takes only `offset`"));
            }
            RuleKind::Easter { offset }
        }
        "weekday" => {
            let which = match raw.which.as_deref() {
                Some("first") => Which::Nth(1),
                Some("second") => Which::Nth(2),
                Some("third") => Which::Nth(3),
                Some("fourth") => Which::Nth(4),
                Some("last") => Which::Last,
                _ => {
                    return Err(err(
                        "(`weekday`) needs `which` = first, second, third, fourth or last",
                    ));
                }
            };
            let Some(weekday) = raw.weekday.as_deref().and_then(weekday) else {
                return Err(err("(`weekday`) needs a `weekday` such as \"monday\""));
            };
            let Some(month) = raw.month.filter(|m| (1..=12).contains(m)) else {
                return Err(err("(`weekday`) needs a `month` from 1 to 12"));
            };
            if raw.day.is_some() || raw.offset.is_some() || raw.substitute {
                return Err(err("(`weekday`) takes only `which`, `weekday` and `month`"));
            }
            RuleKind::Weekday {
                which,
                weekday,
                month,
            }
        }
        other => {
            return Err(err(&format!(
                "has `rule = \"{other}\"`; the kinds are fixed, easter and weekday"
            )));
        }
    };
    Ok(Rule {
        title: raw.title,
        kind,
    })
}

fn weekday(name: &str) -> Option<Weekday> {
    match name {
        "monday" => Some(Weekday::Mon),
        "tuesday" => Some(Weekday::Tue),
        "wednesday" => Some(Weekday::Wed),
        "thursday" => Some(Weekday::Thu),
        "friday" => Some(Weekday::Fri),
        "saturday" => Some(Weekday::Sat),
        "sunday" => Some(Weekday::Sun),
        _ => None,
    }
}
