//! Calendar arithmetic that needs no bank holidays: days, weeks, months and clock hours.
//!
//! Each function returns `None` only when the answer would fall outside the dates chrono can
//! represent (about 262,000 years either side of year 0); the caller reports that as an error.
//!
//! Months follow the corresponding-date rule of English law (*Dodds v Walker* \[1981\] 1 WLR
//! 1027 (HL)): the same day number N months later, or the last day of that month where it has
//! no such day.
//!
//! | start | + months | result | why |
//! | --- | --- | --- | --- |
//! | 2024-03-15 | 1 | 2024-04-15 | same day number |
//! | 2024-01-31 | 1 | 2024-02-29 | February 2024 has no 31st: its last day |
//! | 2023-08-31 | 6 | 2024-02-29 | likewise |
//! | 2024-02-29 | 12 | 2025-02-28 | February 2025 has no 29th |
//! | 2024-02-29 | 1 | 2024-03-29 | not the end of March: the day number is kept |

use chrono::{Months, NaiveDate, NaiveDateTime, TimeDelta};

/// `d` plus `n` calendar days (`n` may be negative: "at least 7 days before D" is
/// `add_days(D, -7)`).
#[must_use]
pub fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    d.checked_add_signed(TimeDelta::try_days(n)?)
}

/// `d` plus `n` weeks of seven calendar days (`n` may be negative).
#[must_use]
pub fn add_weeks(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    add_days(d, n.checked_mul(7)?)
}

/// `d` plus `n` months by the corresponding-date rule (*Dodds v Walker*): the same day number
/// `n` months later, else the last day of that month. 2024-01-31 + 1 = 2024-02-29;
/// 2023-08-31 + 6 = 2024-02-29; 2024-02-29 + 12 = 2025-02-28.
#[must_use]
pub fn add_months(d: NaiveDate, n: u32) -> Option<NaiveDate> {
    // chrono's month addition clamps to the month's last day, which is exactly the rule.
    d.checked_add_months(Months::new(n))
}

/// `t` plus `n` clock hours (`n` may be negative). Date-times are local clock times without
/// a time zone, so a change to or from British Summer Time inside the span is not adjusted
/// for (see `docs/dates.md`).
#[must_use]
pub fn add_hours(t: NaiveDateTime, n: i64) -> Option<NaiveDateTime> {
    t.checked_add_signed(TimeDelta::try_hours(n)?)
}

/// Calendar days from `a` to `b`: positive if `b` is later ("met late by N days").
#[must_use]
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    b.signed_duration_since(a).num_days()
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// The rule written out independently of chrono, to check chrono against.
    fn corresponding_date(d: NaiveDate, n: u32) -> Option<NaiveDate> {
        let months = i64::from(d.year()) * 12 + i64::from(d.month0()) + i64::from(n);
        let year = i32::try_from(months.div_euclid(12)).ok()?;
        let month = u32::try_from(months.rem_euclid(12)).ok()? + 1;
        (1..=d.day())
            .rev()
            .find_map(|day| NaiveDate::from_ymd_opt(year, month, day))
    }

    #[test]
    fn months_follow_dodds_v_walker() {
        // Dodds v Walker itself: notice on 30 September 1978, four months ended on 30 January
        // 1979 (not the 31st), so an application on 31 January was a day late.
        assert_eq!(add_months(date(1978, 9, 30), 4), Some(date(1979, 1, 30)));
        assert_eq!(add_months(date(2024, 1, 31), 1), Some(date(2024, 2, 29)));
        assert_eq!(add_months(date(2023, 8, 31), 6), Some(date(2024, 2, 29)));
        assert_eq!(add_months(date(2024, 2, 29), 12), Some(date(2025, 2, 28)));
        assert_eq!(add_months(date(2024, 2, 29), 1), Some(date(2024, 3, 29)));
        assert_eq!(add_months(date(2024, 3, 15), 0), Some(date(2024, 3, 15)));
        assert_eq!(add_months(date(2024, 10, 31), 2), Some(date(2024, 12, 31)));
        assert_eq!(add_months(date(2024, 11, 30), 3), Some(date(2025, 2, 28)));
    }

    #[test]
    fn months_agree_with_the_rule_written_out() {
        let mut d = date(2023, 1, 1);
        while d < date(2025, 1, 1) {
            for n in [0, 1, 2, 3, 6, 11, 12, 13, 24, 25, 48] {
                assert_eq!(
                    add_months(d, n),
                    corresponding_date(d, n),
                    "{d} + {n} months"
                );
            }
            d = d.succ_opt().unwrap_or(NaiveDate::MAX);
        }
    }

    #[test]
    fn out_of_range_is_none_not_a_panic() {
        assert_eq!(add_days(NaiveDate::MAX, 1), None);
        assert_eq!(add_days(NaiveDate::MIN, -1), None);
        assert_eq!(add_days(date(2024, 1, 1), i64::MAX), None);
        assert_eq!(add_days(date(2024, 1, 1), i64::MIN), None);
        assert_eq!(add_weeks(date(2024, 1, 1), i64::MAX), None);
        assert_eq!(add_months(NaiveDate::MAX, 1), None);
        assert_eq!(add_months(date(2024, 1, 1), u32::MAX), None);
        let noon = date(2024, 3, 8).and_hms_opt(12, 0, 0).unwrap_or_default();
        assert_eq!(add_hours(noon, i64::MAX), None);
        assert_eq!(add_hours(noon, i64::MIN), None);
        assert_eq!(
            add_hours(NaiveDate::MAX.and_hms_opt(23, 0, 0).unwrap_or_default(), 1),
            None
        );
    }

    #[test]
    fn days_and_weeks() {
        assert_eq!(add_days(date(2024, 2, 28), 1), Some(date(2024, 2, 29)));
        assert_eq!(add_days(date(2024, 3, 11), -7), Some(date(2024, 3, 4)));
        assert_eq!(add_weeks(date(2024, 3, 4), 2), Some(date(2024, 3, 18)));
        assert_eq!(days_between(date(2024, 3, 4), date(2024, 3, 11)), 7);
        assert_eq!(days_between(date(2024, 3, 11), date(2024, 3, 4)), -7);
        assert!(days_between(NaiveDate::MIN, NaiveDate::MAX) > 0);
    }
}
