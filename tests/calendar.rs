//! The working-day calendar and date arithmetic (`cspr::time`, docs/dates.md): counting over
//! every kind of bank holiday, the shipped data against GOV.UK's published dates, provisional
//! years, the edges of the range, months by the corresponding-date rule, and properties.

use std::collections::BTreeSet;
use std::error::Error;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use cspr::time::{self, Calendar, CalendarError};
use proptest::prelude::*;

type Outcome = Result<(), Box<dyn Error>>;

/// The GOV.UK data the calendar was generated from.
const GOVUK_JSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/policies/calendars/govuk-bank-holidays-england-and-wales.json"
);
/// The shipped calendar data.
const CALENDAR_TOML: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/policies/calendars/england-and-wales.toml"
);

fn d(s: &str) -> Result<NaiveDate, chrono::ParseError> {
    s.parse()
}

fn cal() -> Result<&'static Calendar, CalendarError> {
    Calendar::england_and_wales()
}

/// Asserts each `(start, n, due, why)`: `n` working days after `start` is `due`.
fn assert_due(cases: &[(&str, u32, &str, &str)]) -> Outcome {
    for &(start, n, due, why) in cases {
        let got = cal()?.add_working_days(d(start)?, n)?;
        assert_eq!(got.date, d(due)?, "{start} + {n} working days ({why})");
        // And back: the count between them is n.
        assert_eq!(
            cal()?.working_days_between(d(start)?, got.date)?.0,
            i64::from(n),
            "{start} to {due}"
        );
    }
    Ok(())
}

/// Asserts each `(date, title)` is a bank holiday with that title, and not a working day.
fn assert_holidays(cases: &[(&str, &str)]) -> Outcome {
    for &(date, title) in cases {
        let holiday = cal()?.holiday(d(date)?)?;
        assert_eq!(holiday.map(|h| h.title), Some(title.to_owned()), "{date}");
        assert!(!cal()?.is_working_day(d(date)?)?, "{date} is a working day");
    }
    Ok(())
}

#[test]
fn worked_example_aware_monday_plus_five_working_days() -> Outcome {
    let due = cal()?.add_working_days(d("2024-03-04")?, 5)?;
    assert_eq!(due.date, d("2024-03-11")?);
    assert_eq!(due.date.weekday(), Weekday::Mon);
    assert!(!due.provisional);
    assert_eq!(
        cal()?.add_working_days(d("2024-03-04")?, 0)?.date,
        d("2024-03-04")?
    );
    // Starting on a weekend counts from the Monday.
    assert_due(&[
        ("2024-03-09", 1, "2024-03-11", "Saturday start"),
        ("2024-03-10", 1, "2024-03-11", "Sunday start"),
    ])
}

#[test]
fn every_kind_of_bank_holiday_is_skipped() -> Outcome {
    assert_due(&[
        (
            "2023-12-29",
            1,
            "2024-01-02",
            "New Year's Day, Monday 1 January",
        ),
        (
            "2024-03-28",
            1,
            "2024-04-02",
            "Good Friday 29 March and Easter Monday 1 April",
        ),
        (
            "2024-05-03",
            1,
            "2024-05-07",
            "early May, first Monday in May",
        ),
        ("2024-05-24", 1, "2024-05-28", "spring, last Monday in May"),
        (
            "2024-08-23",
            1,
            "2024-08-27",
            "summer, last Monday in August",
        ),
        (
            "2024-12-24",
            1,
            "2024-12-27",
            "Christmas Day and Boxing Day",
        ),
        ("2024-12-24", 2, "2024-12-30", "the week after Christmas"),
        (
            "2024-03-04",
            30,
            "2024-04-17",
            "thirty working days over Easter",
        ),
    ])?;
    assert_holidays(&[
        ("2024-01-01", "New Year's Day"),
        ("2024-03-29", "Good Friday"),
        ("2024-04-01", "Easter Monday"),
        ("2024-05-06", "Early May bank holiday"),
        ("2024-05-27", "Spring bank holiday"),
        ("2024-08-26", "Summer bank holiday"),
        ("2024-12-25", "Christmas Day"),
        ("2024-12-26", "Boxing Day"),
    ])
}

#[test]
fn easter_in_march_and_in_april() -> Outcome {
    assert_holidays(&[
        ("2016-03-25", "Good Friday"),
        ("2016-03-28", "Easter Monday"),
        ("2024-03-29", "Good Friday"),
        ("2025-04-18", "Good Friday"),
        ("2025-04-21", "Easter Monday"),
    ])?;
    assert_due(&[
        ("2016-03-24", 1, "2016-03-29", "Easter 2016 in March"),
        ("2025-04-17", 1, "2025-04-22", "Easter 2025 in April"),
    ])
}

#[test]
fn christmas_and_new_year_substitute_days() -> Outcome {
    assert_holidays(&[
        // 2021: Christmas on Saturday, Boxing Day on Sunday; 2022 New Year on Saturday.
        ("2021-12-27", "Christmas Day (substitute day)"),
        ("2021-12-28", "Boxing Day (substitute day)"),
        ("2022-01-03", "New Year's Day (substitute day)"),
        // 2022: Christmas on Sunday, so Boxing Day keeps Monday and Christmas moves to Tuesday.
        ("2022-12-26", "Boxing Day"),
        ("2022-12-27", "Christmas Day (substitute day)"),
        ("2023-01-02", "New Year's Day (substitute day)"),
        // 2027/2028 as published.
        ("2027-12-27", "Christmas Day (substitute day)"),
        ("2027-12-28", "Boxing Day (substitute day)"),
        ("2028-01-03", "New Year's Day (substitute day)"),
    ])?;
    assert_due(&[
        ("2021-12-24", 1, "2021-12-29", "2021 Christmas substitutes"),
        ("2021-12-31", 1, "2022-01-04", "2022 New Year substitute"),
        ("2022-12-23", 1, "2022-12-28", "2022 Christmas substitute"),
        ("2022-12-30", 1, "2023-01-03", "2023 New Year substitute"),
        ("2027-12-24", 1, "2027-12-29", "2027 Christmas substitutes"),
        ("2027-12-31", 1, "2028-01-04", "2028 New Year substitute"),
    ])?;
    // The weekend days themselves are not bank holidays.
    assert_eq!(cal()?.holiday(d("2021-12-25")?)?, None);
    // The same rule computes later years: 2032 Christmas is a Saturday, 2033 a Sunday.
    assert_holidays(&[
        ("2032-12-27", "Christmas Day (substitute day)"),
        ("2032-12-28", "Boxing Day (substitute day)"),
        ("2033-01-03", "New Year's Day (substitute day)"),
        ("2033-12-26", "Boxing Day"),
        ("2033-12-27", "Christmas Day (substitute day)"),
    ])
}

#[test]
fn one_off_bank_holidays() -> Outcome {
    assert_holidays(&[
        ("2020-05-08", "Early May bank holiday (VE Day)"),
        ("2022-06-02", "Spring bank holiday (Platinum Jubilee)"),
        ("2022-06-03", "Platinum Jubilee bank holiday"),
        (
            "2022-09-19",
            "Bank holiday for the State Funeral of Queen Elizabeth II",
        ),
        (
            "2023-05-08",
            "Bank holiday for the coronation of King Charles III",
        ),
    ])?;
    // The Mondays the moved holidays would have been are ordinary working days.
    assert!(cal()?.is_working_day(d("2020-05-04")?)?);
    assert!(cal()?.is_working_day(d("2022-05-30")?)?);
    assert_due(&[
        ("2020-05-07", 1, "2020-05-11", "VE Day, Friday 8 May 2020"),
        ("2022-06-01", 1, "2022-06-06", "Jubilee, 2 and 3 June 2022"),
        (
            "2022-09-16",
            1,
            "2022-09-20",
            "State Funeral, 19 September 2022",
        ),
        (
            "2023-04-28",
            6,
            "2023-05-10",
            "early May and the Coronation, 1 and 8 May 2023",
        ),
    ])
}

/// The one-off days: published dates the standing rules cannot know, and the rule dates they
/// replaced. Everything else GOV.UK published must come out of the rules.
const EXCEPTIONS: &[(&str, Side, &str)] = &[
    (
        "2020-05-04",
        Side::RuleOnly,
        "early May bank holiday moved to Friday 8 May for VE Day",
    ),
    (
        "2020-05-08",
        Side::PublishedOnly,
        "2020 VE Day (the early May bank holiday, moved)",
    ),
    (
        "2022-05-30",
        Side::RuleOnly,
        "spring bank holiday moved to Thursday 2 June for the Jubilee",
    ),
    (
        "2022-06-02",
        Side::PublishedOnly,
        "2022 Platinum Jubilee (the spring bank holiday, moved)",
    ),
    (
        "2022-06-03",
        Side::PublishedOnly,
        "2022 Platinum Jubilee bank holiday",
    ),
    (
        "2022-09-19",
        Side::PublishedOnly,
        "2022 State Funeral of Queen Elizabeth II",
    ),
    (
        "2023-05-08",
        Side::PublishedOnly,
        "2023 Coronation of King Charles III",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    PublishedOnly,
    RuleOnly,
}

type Rows = Vec<(NaiveDate, String, bool)>;

/// GOV.UK's events as (date, key, substitute day), sorted, and the years they cover.
fn govuk() -> Result<(Rows, (i64, i64)), Box<dyn Error>> {
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(GOVUK_JSON)?)?;
    let mut rows = Vec::new();
    for e in json["events"].as_array().ok_or("no events")? {
        let date = d(e["date"].as_str().ok_or("no date")?)?;
        let key = e["name"].as_str().ok_or("no name")?.to_owned();
        rows.push((
            date,
            key,
            e["substitute_day"].as_bool().ok_or("no substitute_day")?,
        ));
    }
    rows.sort();
    let year = |i: usize| json["covers_years"][i].as_i64().ok_or("no covers_years");
    Ok((rows, (year(0)?, year(1)?)))
}

/// The shipped TOML's published holidays as (date, key, substitute), sorted, and the dates
/// it marks `special`.
fn shipped() -> Result<(Rows, BTreeSet<NaiveDate>), Box<dyn Error>> {
    let toml: toml::Value = toml::from_str(&std::fs::read_to_string(CALENDAR_TOML)?)?;
    let (mut rows, mut special) = (Vec::new(), BTreeSet::new());
    for row in toml["published"]["holidays"]
        .as_array()
        .ok_or("no holidays")?
    {
        let date = d(&row["date"].as_datetime().ok_or("not a date")?.to_string())?;
        let flag = |name: &str| row.get(name).and_then(toml::Value::as_bool) == Some(true);
        rows.push((
            date,
            row["key"].as_str().ok_or("no key")?.to_owned(),
            flag("substitute"),
        ));
        if flag("special") {
            special.insert(date);
        }
    }
    rows.sort();
    Ok((rows, special))
}

#[test]
fn published_dates_equal_govuk_exactly() -> Outcome {
    let (govuk, covers) = govuk()?;
    let cal = cal()?;
    let published: Vec<NaiveDate> = cal.published_holidays().iter().map(|h| h.date).collect();
    assert_eq!(
        published,
        govuk.iter().map(|(date, ..)| *date).collect::<Vec<_>>()
    );
    assert!(cal.published_holidays().iter().all(|h| !h.provisional));
    let years = cal.published_years();
    assert_eq!(covers, (i64::from(*years.start()), i64::from(*years.end())));
    // The TOML also keeps GOV.UK's keys and substitute-day flags unchanged.
    assert_eq!(shipped()?.0, govuk);
    Ok(())
}

#[test]
fn standing_rules_reproduce_every_published_year_except_the_one_off_days() -> Outcome {
    let cal = cal()?;
    let mut differences = Vec::new();
    for year in cal.published_years() {
        let rules = cal.holidays_by_rule(year).ok_or("no rules")?;
        let by_rule: BTreeSet<NaiveDate> = rules.iter().map(|h| h.date).collect();
        let published: BTreeSet<NaiveDate> =
            cal.holidays_in_year(year)?.iter().map(|h| h.date).collect();
        differences.extend(
            published
                .difference(&by_rule)
                .map(|&p| (p, Side::PublishedOnly)),
        );
        differences.extend(by_rule.difference(&published).map(|&r| (r, Side::RuleOnly)));
    }
    differences.sort();
    let mut expected = Vec::new();
    for &(date, side, _why) in EXCEPTIONS {
        expected.push((d(date)?, side));
    }
    assert_eq!(differences, expected);
    // The TOML marks exactly the published one-off days as `special`.
    let one_off = expected
        .iter()
        .filter(|(_, side)| *side == Side::PublishedOnly);
    assert_eq!(shipped()?.1, one_off.map(|(date, _)| *date).collect());
    Ok(())
}

/// Working days between two dates, with the provisional flag.
fn between(a: &str, b: &str) -> Result<(i64, bool), Box<dyn Error>> {
    Ok(cal()?.working_days_between(d(a)?, d(b)?)?)
}

/// The error a calendar question gave, or a test failure if it answered.
fn refused<T: std::fmt::Debug>(answer: Result<T, CalendarError>) -> Result<CalendarError, String> {
    answer
        .err()
        .ok_or_else(|| "the calendar answered a date outside its range".to_owned())
}

#[test]
fn later_years_are_computed_and_provisional() -> Outcome {
    let good_friday = cal()?
        .holiday(d("2030-04-19")?)?
        .ok_or("no Good Friday 2030")?;
    assert_eq!(
        (good_friday.title.as_str(), good_friday.provisional),
        ("Good Friday", true)
    );
    let due = cal()?.add_working_days(d("2030-04-18")?, 1)?;
    assert_eq!((due.date, due.provisional), (d("2030-04-23")?, true));
    // Counting from the last published year into the first computed one is provisional.
    let due = cal()?.add_working_days(d("2028-12-22")?, 5)?;
    assert_eq!((due.date, due.provisional), (d("2029-01-03")?, true));
    assert_eq!(between("2028-12-22", "2029-01-03")?, (5, true));
    assert_eq!(between("2028-12-01", "2028-12-22")?, (15, false));
    assert!(!cal()?.add_working_days(d("2028-12-01")?, 10)?.provisional);
    assert_eq!(cal()?.holidays_in_year(2030)?.len(), 8);
    Ok(())
}

#[test]
fn dates_outside_the_calendar_are_errors_naming_the_date() -> Outcome {
    let early = refused(cal()?.is_working_day(d("2014-12-31")?))?;
    let text = "the england_and_wales calendar has no bank holidays before 2015, so 2014-12-31 cannot be counted";
    assert_eq!(
        (early.to_string().as_str(), early.date()),
        (text, Some(d("2014-12-31")?))
    );
    let late = refused(cal()?.holiday(d("2100-01-04")?))?;
    let text = "the england_and_wales calendar has no bank holidays after 2099, so 2100-01-04 cannot be counted";
    assert_eq!(late.to_string(), text);
    // A count that runs off the end names the first date it could not count.
    let err = refused(cal()?.add_working_days(d("2099-12-30")?, 5))?;
    assert_eq!(err.date(), Some(d("2100-01-01")?), "{err}");
    refused(cal()?.add_working_days(d("2014-06-01")?, 0))?;
    refused(cal()?.working_days_between(d("2024-01-01")?, d("2100-01-01")?))?;
    refused(cal()?.working_days_between(d("2014-01-01")?, d("2024-01-01")?))?;
    // Extremes are errors too, never panics.
    for extreme in [NaiveDate::MIN, NaiveDate::MAX] {
        refused(cal()?.is_working_day(extreme))?;
        refused(cal()?.add_working_days(extreme, u32::MAX))?;
        refused(cal()?.holidays_in_year(extreme.year()))?;
    }
    refused(cal()?.add_working_days(d("2024-01-01")?, u32::MAX))?;
    // It is an ordinary error, usable with `?` and as a miette diagnostic with help.
    let help = miette::Diagnostic::help(&err).map(|h| h.to_string());
    assert_eq!(
        help.as_deref(),
        Some("the england_and_wales calendar answers for dates from 2015-01-01 to 2099-12-31")
    );
    let boxed: Box<dyn Error> = Box::new(err);
    assert!(!boxed.to_string().contains('\n'));
    Ok(())
}

#[test]
fn months_use_the_corresponding_date_clamped_to_month_end() -> Outcome {
    for (start, n, want) in [
        ("2024-01-31", 1, "2024-02-29"), // no 31 February: the month's last day
        ("2023-08-31", 6, "2024-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-03-04", 1, "2024-04-04"),
        ("1978-09-30", 4, "1979-01-30"), // Dodds v Walker's own facts: not 31 January
    ] {
        assert_eq!(
            time::add_months(d(start)?, n),
            Some(d(want)?),
            "{start} + {n} months"
        );
    }
    assert_eq!(time::add_months(NaiveDate::MAX, 1), None);
    Ok(())
}

#[test]
fn days_weeks_and_hours() -> Outcome {
    let friday: NaiveDateTime = "2024-03-08T16:00:00".parse()?;
    assert_eq!(
        time::add_hours(friday, 48),
        Some("2024-03-10T16:00:00".parse()?)
    );
    assert_eq!(
        time::add_hours(friday, 24),
        Some("2024-03-09T16:00:00".parse()?)
    );
    // "At least 7 days before publication": D minus 7 calendar days.
    assert_eq!(time::add_days(d("2024-06-03")?, -7), Some(d("2024-05-27")?));
    assert_eq!(time::add_days(d("2024-12-24")?, 2), Some(d("2024-12-26")?));
    assert_eq!(time::add_weeks(d("2024-03-04")?, 2), Some(d("2024-03-18")?));
    assert_eq!(time::days_between(d("2024-03-11")?, d("2024-03-13")?), 2);
    assert_eq!(time::add_days(NaiveDate::MAX, 1), None);
    assert_eq!(time::add_hours(friday, i64::MAX), None);
    Ok(())
}

#[test]
fn overdue_counts_are_signed() -> Outcome {
    // Due Monday 11 March 2024; as of Wednesday 13th it is 2 working days overdue.
    assert_eq!(between("2024-03-11", "2024-03-13")?, (2, false));
    assert_eq!(between("2024-03-13", "2024-03-11")?, (-2, false));
    assert_eq!(between("2024-03-11", "2024-03-11")?, (0, false));
    // Over Easter 2024: Thursday 28 March to Tuesday 2 April is one working day.
    assert_eq!(between("2024-03-28", "2024-04-02")?, (1, false));
    // A whole year: 2024 has 262 weekdays, 8 of them bank holidays.
    assert_eq!(between("2023-12-31", "2024-12-31")?, (254, false));
    Ok(())
}

#[test]
fn malformed_calendar_data_is_an_error_not_a_panic() {
    let published = "id = \"x\"\ntitle = \"X\"\n[published]\nfirst_year = 2020\nlast_year = 2020\n";
    let with_rule =
        |rule: &str| format!("{published}[rules]\nlast_year = 2030\nholidays = [{rule}]\n");
    let bad = [
        String::new(),
        "not toml at all [".to_owned(),
        "id = 1".to_owned(),
        "id = \"x\"\ntitle = \"X\"".to_owned(),
        published.replace("\"x\"", "\"Not An Id\""),
        published.replace("2020\nlast", "1200\nlast"),
        published.replace("last_year = 2020", "last_year = 2019"),
        format!("{published}colour = \"blue\"\n"),
        format!("{published}holidays = [{{ date = 2021-01-01, key = \"k\", title = \"T\" }}]\n"),
        format!(
            "{published}holidays = [{{ date = 2020-01-01T09:00:00, key = \"k\", title = \"T\" }}]\n"
        ),
        format!(
            "{published}holidays = [{{ date = \"2020-01-01\", key = \"k\", title = \"T\" }}]\n"
        ),
        format!(
            "{published}holidays = [{{ date = 2020-01-01, key = \"k\", title = \"T\" }}, \
             {{ date = 2020-01-01, key = \"k\", title = \"T\" }}]\n"
        ),
        format!(
            "{published}holidays = [{{ date = 2020-01-01, key = \"k\", title = \"T\", special = true }}]\n"
        ),
        format!("{published}[rules]\nlast_year = 2019\n"),
        format!("{published}[rules]\nlast_year = 100000\n"),
        with_rule("{ key = \"k\", title = \"T\", rule = \"fixed\", month = 2, day = 29 }"),
        with_rule("{ key = \"k\", title = \"T\", rule = \"fixed\", month = 13, day = 1 }"),
        with_rule("{ key = \"k\", title = \"T\", rule = \"fixed\", month = 1 }"),
        with_rule("{ key = \"k\", title = \"T\", rule = \"easter\", offset = 4000000000 }"),
        with_rule(
            "{ key = \"k\", title = \"T\", rule = \"weekday\", which = \"first\", weekday = \"funday\", month = 5 }",
        ),
        with_rule(
            "{ key = \"k\", title = \"T\", rule = \"weekday\", which = \"fifth\", weekday = \"monday\", month = 5 }",
        ),
        with_rule("{ key = \"k\", title = \"T\", rule = \"lunar\" }"),
    ];
    for text in &bad {
        let err = Calendar::from_toml(text).err();
        assert!(
            err.as_ref()
                .is_some_and(|e| e.to_string().starts_with("invalid calendar data")),
            "{text:?}: {err:?}"
        );
        assert!(
            err.is_some_and(|e| !e.to_string().contains('\n')),
            "{text:?}"
        );
    }
    // A minimal calendar is fine, and answers only for its own years.
    let minimal = Calendar::from_toml(published);
    assert!(
        minimal.as_ref().is_ok_and(|c| c.years() == (2020..=2020)),
        "{minimal:?}"
    );
    assert!(minimal.is_ok_and(|c| {
        c.is_working_day(NaiveDate::from_ymd_opt(2021, 1, 4).unwrap_or_default())
            .is_err()
    }));
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 2015-01-01 to about 2090, leaving room to count forward without leaving the calendar.
    (0i64..27_500).prop_map(|k| {
        time::add_days(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default(), k)
            .unwrap_or_default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_working_day_result_is_never_a_weekend_or_holiday(start in any_date(), n in 1u32..400) {
        let due = cal()?.add_working_days(start, n)?.date;
        prop_assert!(!matches!(due.weekday(), Weekday::Sat | Weekday::Sun), "{due}");
        prop_assert!(cal()?.holiday(due)?.is_none(), "{due}");
        prop_assert!(cal()?.is_working_day(due)?);
    }

    #[test]
    fn more_working_days_never_give_an_earlier_date(start in any_date(), n in 0u32..300, more in 0u32..100) {
        let fewer = cal()?.add_working_days(start, n)?.date;
        let later = cal()?.add_working_days(start, n + more)?.date;
        prop_assert!(fewer <= later);
        prop_assert!(start <= fewer);
    }

    #[test]
    fn working_days_between_inverts_add_working_days(start in any_date(), n in 0u32..400) {
        let due = cal()?.add_working_days(start, n)?;
        prop_assert_eq!(cal()?.working_days_between(start, due.date)?, (i64::from(n), due.provisional));
        prop_assert_eq!(cal()?.working_days_between(due.date, start)?.0, -i64::from(n));
    }

    #[test]
    fn from_toml_never_panics(text in any::<String>()) {
        let _ = Calendar::from_toml(&text);
    }

    #[test]
    fn truncated_or_corrupted_shipped_data_never_panics(cut in 0usize..13_000, byte in any::<u8>()) {
        let shipped = std::fs::read(CALENDAR_TOML)?;
        let mut corrupted = shipped.clone();
        if let Some(b) = corrupted.get_mut(cut) {
            *b = byte;
        }
        let _ = Calendar::from_toml(&String::from_utf8_lossy(shipped.get(..cut).unwrap_or(&shipped)));
        let _ = Calendar::from_toml(&String::from_utf8_lossy(&corrupted));
    }
}
