//! The standing rules: how a year's bank holidays are computed when no published list exists.
//!
//! A rule is one of three kinds, each read from the calendar data:
//!
//! - **fixed**: the same month and day every year (Christmas Day, 25 December). With
//!   `substitute`, a fixed holiday falling on a Saturday or Sunday moves to the next weekday
//!   that is not already a bank holiday.
//! - **easter**: a number of days from Easter Sunday (Good Friday is −2, Easter Monday +1),
//!   Easter being found by the anonymous Gregorian computus ([`easter_sunday`]).
//! - **weekday**: the first…fourth or last given weekday of a month (the early May bank
//!   holiday is the first Monday in May).
//!
//! Substitutes are placed last, in the order the rules are listed, after every holiday that
//! needs no substitute. That order is what makes Christmas on a Sunday come out right: Boxing
//! Day keeps Monday 26th, so Christmas moves to Tuesday 27th (as published for 2016 and 2022).

use chrono::{Datelike, NaiveDate, Weekday};

/// One standing rule, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rule {
    pub(super) title: String,
    pub(super) kind: RuleKind,
}

/// How a rule finds its date in a given year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RuleKind {
    /// `month`/`day` every year; `substitute` moves it off a weekend.
    Fixed {
        month: u32,
        day: u32,
        substitute: bool,
    },
    /// `offset` days from Easter Sunday.
    Easter { offset: i64 },
    /// The `which` `weekday` of `month`.
    Weekday {
        which: Which,
        weekday: Weekday,
        month: u32,
    },
}

/// Which of a month's weekdays a [`RuleKind::Weekday`] rule picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    /// The first, second, third or fourth (1..=4).
    Nth(u32),
    /// The last.
    Last,
}

/// The earliest year the Gregorian computus (and so an `easter` rule) is defined for.
pub(super) const FIRST_GREGORIAN_YEAR: i32 = 1583;

/// Easter Sunday of `year` by the anonymous Gregorian computus (Meeus/Jones/Butcher).
///
/// `None` for years before 1583 or beyond chrono's range.
pub(super) fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if !(FIRST_GREGORIAN_YEAR..=NaiveDate::MAX.year()).contains(&year) {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    let month = u32::try_from(n / 31).ok()?;
    let day = u32::try_from(n % 31 + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// True for Saturday and Sunday.
pub(super) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl RuleKind {
    /// The rule's date in `year`, before any substitution; `None` if it has none (an invalid
    /// month or day, or a year the computus does not cover).
    pub(super) fn date_in(self, year: i32) -> Option<NaiveDate> {
        match self {
            RuleKind::Fixed { month, day, .. } => NaiveDate::from_ymd_opt(year, month, day),
            RuleKind::Easter { offset } => {
                easter_sunday(year)?.checked_add_signed(chrono::TimeDelta::try_days(offset)?)
            }
            RuleKind::Weekday {
                which,
                weekday,
                month,
            } => nth_weekday(year, month, weekday, which),
        }
    }

    fn substitutes(self) -> bool {
        matches!(
            self,
            RuleKind::Fixed {
                substitute: true,
                ..
            }
        )
    }
}

/// The `which` `weekday` of `month` in `year`.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, which: Which) -> Option<NaiveDate> {
    match which {
        Which::Nth(n) => {
            let n = u8::try_from(n).ok().filter(|n| (1..=4).contains(n))?;
            NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
        }
        Which::Last => {
            let first_of_next = if month == 12 {
                NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, month.checked_add(1)?, 1)?
            };
            let last = first_of_next.pred_opt()?;
            let back =
                (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
            last.checked_sub_days(chrono::Days::new(u64::from(back)))
        }
    }
}

/// The bank holidays `rules` give for `year`, in date order, as (date, title) pairs.
///
/// `None` if some rule has no date in that year. Two rules landing on the same date give one
/// holiday (the first rule's title).
pub(super) fn holidays_in_year(rules: &[Rule], year: i32) -> Option<Vec<(NaiveDate, String)>> {
    let mut placed: Vec<(NaiveDate, String)> = Vec::with_capacity(rules.len());
    let mut pending: Vec<(NaiveDate, &Rule)> = Vec::new();
    for rule in rules {
        let date = rule.kind.date_in(year)?;
        if rule.kind.substitutes() && is_weekend(date) {
            pending.push((date, rule));
        } else if !placed.iter().any(|(d, _)| *d == date) {
            placed.push((date, rule.title.clone()));
        }
    }
    for (date, rule) in pending {
        let mut day = date;
        // Terminates: `placed` is finite and every week has five weekdays.
        loop {
            day = day.succ_opt()?;
            if !is_weekend(day) && !placed.iter().any(|(d, _)| *d == day) {
                break;
            }
        }
        placed.push((day, format!("{} (substitute day)", rule.title)));
    }
    placed.sort_by_key(|(d, _)| *d);
    Some(placed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn computus_matches_known_easters() {
        let known = [
            (1818, 3, 22), // earliest possible
            (1943, 4, 25), // latest possible
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2016, 3, 27),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2030, 4, 21),
            (2038, 4, 25),
            (2285, 3, 22),
        ];
        for (y, m, d) in known {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "easter {y}");
        }
        assert_eq!(easter_sunday(1582), None);
        assert_eq!(easter_sunday(i32::MAX), None);
    }

    #[test]
    fn weekday_rules() {
        let first_may = RuleKind::Weekday {
            which: Which::Nth(1),
            weekday: Weekday::Mon,
            month: 5,
        };
        let last_may = RuleKind::Weekday {
            which: Which::Last,
            weekday: Weekday::Mon,
            month: 5,
        };
        let last_dec = RuleKind::Weekday {
            which: Which::Last,
            weekday: Weekday::Wed,
            month: 12,
        };
        assert_eq!(first_may.date_in(2024), Some(date(2024, 5, 6)));
        assert_eq!(last_may.date_in(2024), Some(date(2024, 5, 27)));
        assert_eq!(last_may.date_in(2027), Some(date(2027, 5, 31)));
        assert_eq!(last_dec.date_in(2025), Some(date(2025, 12, 31)));
    }

    #[test]
    fn substitutes_fill_the_next_free_weekday() {
        let fixed = |title: &str, day| Rule {
            title: title.to_owned(),
            kind: RuleKind::Fixed {
                month: 12,
                day,
                substitute: true,
            },
        };
        let rules = [fixed("christmas", 25), fixed("boxing", 26)];
        let dates = |y| {
            holidays_in_year(&rules, y).map(|v| v.into_iter().map(|(d, _)| d).collect::<Vec<_>>())
        };
        // Sunday Christmas: Boxing Day keeps Monday, Christmas takes Tuesday.
        assert_eq!(
            dates(2033),
            Some(vec![date(2033, 12, 26), date(2033, 12, 27)])
        );
        // Saturday Christmas: Monday and Tuesday.
        assert_eq!(
            dates(2032),
            Some(vec![date(2032, 12, 27), date(2032, 12, 28)])
        );
        // Friday Christmas: Boxing Day on Monday.
        assert_eq!(
            dates(2037),
            Some(vec![date(2037, 12, 25), date(2037, 12, 28)])
        );
    }
}
