//! A working-day calendar: which days are bank holidays, and counting working days.
//!
//! A [`Calendar`] holds every bank holiday of the years it answers for, in a sorted table
//! built once when the data is loaded: the published dates as they are, the later years from
//! the standing rules (marked provisional). A working day is a day that is neither a Saturday,
//! a Sunday nor in that table.
//!
//! Counting is then a table look-up: beside the holidays, the calendar keeps for every day it
//! answers the number of working days from its first day up to that one. The working days
//! between two days are a subtraction of two totals ([`Calendar::working_days_between`]), and
//! the Nth working day after or before a day a binary search for the total it must reach
//! ([`Calendar::add_working_days`], [`Calendar::sub_working_days`]); the tests hold both to
//! walking the days one at a time. Every date a count touches must be inside the calendar's
//! years, or the answer is an error naming that date: the calendar never guesses.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use super::data;
use super::error::CalendarError;
use super::rules::{self, Rule, is_weekend};

/// The England and Wales calendar as shipped.
const ENGLAND_AND_WALES: &str = include_str!("../../policies/calendars/england-and-wales.toml");

/// A bank-holiday calendar that answers for a fixed range of years.
///
/// Its `Debug` output is a summary (id, years, number of holidays), not the whole table.
#[derive(Clone)]
pub struct Calendar {
    pub(super) id: String,
    pub(super) title: String,
    /// First year answered (the first published year).
    pub(super) first_year: i32,
    /// Last year whose holidays are published rather than computed.
    pub(super) published_last_year: i32,
    /// Last year answered (the rules' last year, or the last published year without rules).
    pub(super) last_year: i32,
    pub(super) rules: Vec<Rule>,
    /// The published holidays, in date order.
    pub(super) published: Vec<Holiday>,
    /// Every holiday from `first_year` to `last_year`, published and computed.
    pub(super) holidays: BTreeMap<NaiveDate, Holiday>,
    /// For each day from 1 January of `first_year` to 31 December of `last_year`, the
    /// working days from the first day up to it (inclusive): `add_working_days` is a
    /// search of this table rather than a walk of the days one at a time.
    pub(super) counted: Vec<u32>,
    /// 1 January of `first_year`, as days from the common era (the index of `counted`).
    pub(super) first_ce: i32,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("id", &self.id)
            .field("years", &self.years())
            .field("published_years", &self.published_years())
            .field("holidays", &self.holidays.len())
            .finish_non_exhaustive()
    }
}

/// One bank holiday.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Holiday {
    /// The day it is observed (a substitute day where the day itself falls at a weekend).
    pub date: NaiveDate,
    /// Its name, e.g. `Boxing Day (substitute day)`.
    pub title: String,
    /// True if computed by the standing rules rather than published.
    pub provisional: bool,
}

/// A date found by counting working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reckoned {
    /// The date reached.
    pub date: NaiveDate,
    /// True if the count crossed a year whose holidays were computed by rule, not published.
    pub provisional: bool,
}

impl Calendar {
    /// Reads a calendar from TOML (the shape is described in `docs/dates.md`). Malformed or
    /// inconsistent data is an error naming the problem; it never panics.
    ///
    /// # Errors
    ///
    /// [`CalendarErrorKind::Data`](super::CalendarErrorKind::Data) if the text is not TOML of the
    /// calendar's shape, or its dates and rules are inconsistent.
    pub fn from_toml(text: &str) -> Result<Calendar, CalendarError> {
        data::parse(text)
    }

    /// The shipped England and Wales calendar (`policies/calendars/england-and-wales.toml`),
    /// parsed on first use and shared afterwards.
    ///
    /// # Errors
    ///
    /// Only if the shipped data is broken (the tests check it is not).
    pub fn england_and_wales() -> Result<&'static Calendar, CalendarError> {
        static CALENDAR: OnceLock<Result<Calendar, CalendarError>> = OnceLock::new();
        CALENDAR
            .get_or_init(|| Calendar::from_toml(ENGLAND_AND_WALES))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The shipped calendar with this id (as named by `calendar …` in a policy), if there is one.
    ///
    /// # Errors
    ///
    /// Only if the shipped data is broken.
    pub fn builtin(id: &str) -> Result<Option<&'static Calendar>, CalendarError> {
        match id {
            "england_and_wales" => Calendar::england_and_wales().map(Some),
            _ => Ok(None),
        }
    }

    /// The ids of the shipped calendars, for "did you mean" help and listings.
    pub const BUILTIN_IDS: &'static [&'static str] = &["england_and_wales"];

    /// The calendar's id, e.g. `england_and_wales`.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The calendar's human title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Every year the calendar answers for (published and computed).
    #[must_use]
    pub fn years(&self) -> RangeInclusive<i32> {
        self.first_year..=self.last_year
    }

    /// The years whose holidays are published; later years are provisional.
    #[must_use]
    pub fn published_years(&self) -> RangeInclusive<i32> {
        self.first_year..=self.published_last_year
    }

    /// The published holidays, in date order.
    #[must_use]
    pub fn published_holidays(&self) -> &[Holiday] {
        &self.published
    }

    /// The bank holidays of `year`, in date order.
    ///
    /// # Errors
    ///
    /// If `year` is outside [`Calendar::years`].
    pub fn holidays_in_year(&self, year: i32) -> Result<Vec<Holiday>, CalendarError> {
        // Years beyond chrono's range are outside the calendar too: report its far end.
        let outside = if year < self.first_year {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        };
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(outside);
        self.check(first)?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(first);
        Ok(self
            .holidays
            .range(first..=last)
            .map(|(_, h)| h.clone())
            .collect())
    }

    /// The bank holidays the standing rules give for `year`, published or not, in date order
    /// (each marked provisional). `None` if the calendar has no rules or they give no date in
    /// that year. Used to check the rules against the published years.
    #[must_use]
    pub fn holidays_by_rule(&self, year: i32) -> Option<Vec<Holiday>> {
        if self.rules.is_empty() {
            return None;
        }
        let computed = rules::holidays_in_year(&self.rules, year)?;
        Some(
            computed
                .into_iter()
                .map(|(date, title)| Holiday {
                    date,
                    title,
                    provisional: true,
                })
                .collect(),
        )
    }

    /// Whether `d` is a working day: not a Saturday, Sunday or bank holiday.
    ///
    /// # Errors
    ///
    /// If `d` is outside the calendar's years: it is never guessed.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        self.check(d)?;
        Ok(!is_weekend(d) && !self.holidays.contains_key(&d))
    }

    /// The bank holiday on `d`, if it is one.
    ///
    /// # Errors
    ///
    /// If `d` is outside the calendar's years.
    pub fn holiday(&self, d: NaiveDate) -> Result<Option<Holiday>, CalendarError> {
        self.check(d)?;
        Ok(self.holidays.get(&d).cloned())
    }

    /// The title of the bank holiday on `d` (`Easter Monday`), borrowed from the calendar;
    /// `None` when it is not one or is outside the calendar's years.
    #[must_use]
    pub fn holiday_title(&self, d: NaiveDate) -> Option<&str> {
        self.check(d).ok()?;
        self.holidays.get(&d).map(|h| h.title.as_str())
    }

    /// N working days after d: count forward from the day after d, skipping Saturdays, Sundays
    /// and bank holidays; the Nth such day. `n = 0` gives `d` itself.
    ///
    /// # Errors
    ///
    /// Every day from `d` to the answer must be inside the calendar's years; the error names
    /// the first that is not.
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> Result<Reckoned, CalendarError> {
        self.check(d)?;
        let date = if n == 0 {
            d
        } else {
            // The first day whose count reaches `d`'s plus n is the Nth working day after d.
            let i = self.index(d);
            let target = self.counted[i].checked_add(n);
            let j = target.map(|t| i + self.counted[i..].partition_point(|&c| c < t));
            match j.filter(|&j| j < self.counted.len()) {
                Some(j) => self.day(j),
                // Past the last year answered: the error names its first day.
                None => {
                    let after = NaiveDate::from_ymd_opt(self.last_year.saturating_add(1), 1, 1)
                        .unwrap_or(NaiveDate::MAX);
                    return Err(CalendarError::after(
                        &self.id,
                        self.first_year,
                        self.last_year,
                        after,
                    ));
                }
            }
        };
        Ok(Reckoned {
            date,
            provisional: self.is_provisional(date),
        })
    }

    /// N working days before d: count back from the day before d, skipping Saturdays,
    /// Sundays and bank holidays; the Nth such day. `n = 0` gives `d` itself.
    ///
    /// # Errors
    ///
    /// Every day from the answer to `d` must be inside the calendar's years; the error names
    /// the first that is not.
    pub fn sub_working_days(&self, d: NaiveDate, n: u32) -> Result<Reckoned, CalendarError> {
        self.check(d)?;
        let i = self.index(d);
        // The working days from the first day up to the day before d.
        let before = match i {
            0 => 0,
            i => self.counted[i - 1],
        };
        let date = if n == 0 {
            d
        } else if before < n {
            let ahead = NaiveDate::from_ymd_opt(self.first_year.saturating_sub(1), 12, 31)
                .unwrap_or(NaiveDate::MIN);
            return Err(CalendarError::before(
                &self.id,
                self.first_year,
                self.last_year,
                ahead,
            ));
        } else {
            // The first day whose count reaches `before - n + 1` is the Nth working day back.
            let target = before - n + 1;
            self.day(self.counted[..i].partition_point(|&c| c < target))
        };
        Ok(Reckoned {
            date,
            provisional: self.is_provisional(d),
        })
    }

    /// The day at `index` in [`Calendar::counted`].
    fn day(&self, index: usize) -> NaiveDate {
        i32::try_from(index)
            .ok()
            .and_then(|i| NaiveDate::from_num_days_from_ce_opt(self.first_ce + i))
            .unwrap_or(NaiveDate::MAX)
    }

    /// A day's place in [`Calendar::counted`] (the day must be inside the years answered).
    fn index(&self, d: NaiveDate) -> usize {
        usize::try_from(d.num_days_from_ce() - self.first_ce).unwrap_or(0)
    }

    /// Working days from `a` (exclusive) to `b` (inclusive); negative if `b` is before `a`
    /// (then minus the working days from `b`, exclusive, to `a`, inclusive). Used for "overdue
    /// by N working days". The flag is true if the span reaches a provisional year.
    ///
    /// # Errors
    ///
    /// If `a` or `b` is outside the calendar's years.
    pub fn working_days_between(
        &self,
        a: NaiveDate,
        b: NaiveDate,
    ) -> Result<(i64, bool), CalendarError> {
        self.check(a)?;
        self.check(b)?;
        // The running totals count the days after `a` up to `b` (or minus those after `b`
        // up to `a`) in one subtraction.
        let count = |d: NaiveDate| i64::from(self.counted[self.index(d)]);
        Ok((count(b) - count(a), self.is_provisional(a.max(b))))
    }

    /// Whether `d` is in a year the calendar answers for; if not, the error naming it.
    fn check(&self, d: NaiveDate) -> Result<(), CalendarError> {
        if d.year() < self.first_year {
            Err(CalendarError::before(
                &self.id,
                self.first_year,
                self.last_year,
                d,
            ))
        } else if d.year() > self.last_year {
            Err(CalendarError::after(
                &self.id,
                self.first_year,
                self.last_year,
                d,
            ))
        } else {
            Ok(())
        }
    }

    /// A span ending at `latest` is provisional if `latest` is after the published years (spans
    /// never start before them).
    fn is_provisional(&self, latest: NaiveDate) -> bool {
        latest.year() > self.published_last_year
    }
}

/// For each day from 1 January of `first` to 31 December of `last`, the working days
/// (not Saturday, Sunday or one of `holidays`) from the first day up to it, inclusive.
pub(super) fn count_working_days(
    first: i32,
    last: i32,
    holidays: &BTreeMap<NaiveDate, Holiday>,
) -> Vec<u32> {
    let (Some(mut day), Some(end)) = (
        NaiveDate::from_ymd_opt(first, 1, 1),
        NaiveDate::from_ymd_opt(last, 12, 31),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(usize::try_from((end - day).num_days() + 1).unwrap_or(0));
    let mut count = 0u32;
    let start = day;
    let mut next_holiday = holidays.keys().skip_while(|h| **h < start).peekable();
    while day <= end {
        let holiday = next_holiday.next_if_eq(&&day).is_some();
        if !holiday && !is_weekend(day) {
            count += 1;
        }
        out.push(count);
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Bound;

    /// The number of Mondays to Fridays in `lo` (exclusive) to `hi` (inclusive), `lo <= hi`.
    fn weekdays_after(lo: NaiveDate, hi: NaiveDate) -> i64 {
        let days = (hi - lo).num_days();
        let (weeks, rest) = (days / 7, days % 7);
        let start = i64::from(lo.weekday().num_days_from_monday());
        // The last `rest` days have the weekdays start+1 ..= start+rest (mod 7); 0..=4 are Mon..Fri.
        let rest_weekdays = (1..=rest).filter(|i| (start + i) % 7 < 5).count();
        weeks * 5 + i64::try_from(rest_weekdays).unwrap_or(0)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// The day-by-day walk `add_working_days` was before its table: the Nth day after `d`
    /// that is not a weekend or holiday, an error for the first day outside the years.
    fn walk(cal: &Calendar, d: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        cal.check(d)?;
        let (mut date, mut left) = (d, n);
        while left > 0 {
            date = date.succ_opt().unwrap_or(NaiveDate::MAX);
            if cal.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    fn walk_back(cal: &Calendar, d: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        cal.check(d)?;
        let (mut date, mut left) = (d, n);
        while left > 0 {
            date = date.pred_opt().unwrap_or(NaiveDate::MIN);
            if cal.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    #[test]
    fn add_working_days_agrees_with_walking_the_days() -> Result<(), CalendarError> {
        let cal = Calendar::england_and_wales()?;
        // Every day of 2015 and of two later stretches (Easters, Christmases, a leap day),
        // and the last days answered, where counting runs off the end.
        let starts = (0..365)
            .map(|i| date(2015, 1, 1) + chrono::Days::new(i))
            .chain((0..900).map(|i| date(2023, 11, 1) + chrono::Days::new(i)))
            .chain((0..40).map(|i| date(2099, 11, 22) + chrono::Days::new(i)));
        for d in starts {
            for n in [0, 1, 2, 3, 5, 10, 15, 20, 28, 60, 130, 400] {
                let table = cal.add_working_days(d, n).map(|r| r.date);
                assert_eq!(table, walk(cal, d, n), "{n} working days after {d}");
            }
        }
        for d in (0..365)
            .map(|i| date(2015, 1, 1) + chrono::Days::new(i))
            .chain((0..900).map(|i| date(2023, 11, 1) + chrono::Days::new(i)))
        {
            for n in [0, 1, 2, 3, 5, 10, 15, 20, 28, 60, 130, 400] {
                let table = cal.sub_working_days(d, n).map(|r| r.date);
                assert_eq!(table, walk_back(cal, d, n), "{n} working days before {d}");
            }
        }
        // Counting between two days agrees with weekdays less the holidays on weekdays.
        for (a, b) in [
            (date(2015, 1, 1), date(2099, 12, 31)),
            (date(2024, 3, 28), date(2024, 4, 2)),
            (date(2024, 12, 20), date(2025, 1, 3)),
            (date(2025, 1, 3), date(2024, 12, 20)),
            (date(2026, 5, 1), date(2026, 5, 1)),
        ] {
            let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
            let on_weekdays = cal
                .holidays
                .range((Bound::Excluded(lo), Bound::Included(hi)))
                .filter(|(d, _)| !is_weekend(**d))
                .count() as i64;
            let expected = sign * (weekdays_after(lo, hi) - on_weekdays);
            assert_eq!(cal.working_days_between(a, b)?.0, expected, "{a} to {b}");
        }
        assert!(cal.add_working_days(date(2099, 12, 31), u32::MAX).is_err());
        assert!(cal.add_working_days(date(2014, 12, 31), 1).is_err());
        Ok(())
    }

    #[test]
    fn weekdays_after_counts_mondays_to_fridays() {
        // Monday 4 March 2024 (exclusive) to Monday 11 March (inclusive): Tue..Fri, Mon.
        assert_eq!(weekdays_after(date(2024, 3, 4), date(2024, 3, 11)), 5);
        assert_eq!(weekdays_after(date(2024, 3, 4), date(2024, 3, 4)), 0);
        // Friday to Sunday: none.
        assert_eq!(weekdays_after(date(2024, 3, 8), date(2024, 3, 10)), 0);
        // Saturday to Monday: one.
        assert_eq!(weekdays_after(date(2024, 3, 9), date(2024, 3, 11)), 1);
        // A leap year has 262 weekdays in 2024 (366 days starting Monday).
        assert_eq!(weekdays_after(date(2023, 12, 31), date(2024, 12, 31)), 262);
    }

    #[test]
    fn shipped_calendar_loads() -> Result<(), CalendarError> {
        let cal = Calendar::england_and_wales()?;
        assert_eq!(cal.id(), "england_and_wales");
        assert_eq!(cal.years(), 2015..=2099);
        assert_eq!(cal.published_years(), 2015..=2028);
        assert_eq!(cal.published_holidays().len(), 115);
        assert_eq!(
            Calendar::builtin("england_and_wales")?.map(Calendar::id),
            Some("england_and_wales")
        );
        assert!(Calendar::builtin("scotland")?.is_none());
        assert_eq!(
            format!("{cal:?}"),
            "Calendar { id: \"england_and_wales\", years: 2015..=2099, published_years: 2015..=2028, \
             holidays: 683, .. }"
        );
        Ok(())
    }

    #[test]
    fn holidays_in_year_lists_published_and_computed() -> Result<(), CalendarError> {
        let cal = Calendar::england_and_wales()?;
        let y2022 = cal.holidays_in_year(2022)?;
        assert_eq!(y2022.len(), 10);
        assert!(y2022.iter().all(|h| !h.provisional));
        let y2030 = cal.holidays_in_year(2030)?;
        assert_eq!(y2030.len(), 8);
        assert!(y2030.iter().all(|h| h.provisional));
        assert!(cal.holidays_in_year(2014).is_err());
        assert!(cal.holidays_in_year(i32::MAX).is_err());
        Ok(())
    }
}
