//! Values as people type them at the REPL — the one place a typed answer becomes the
//! text of a value of the policy language (whose literals stay as they are).
//!
//! For a fact of type:
//! - `bool`: `yes`/`no`/`y`/`n` and `true`/`false`, in any case, or the number of a
//!   choice (`1` true, `2` false, as the interview shows them);
//! - one of a list: the number of a choice, numbered from 1 as shown;
//! - a set: its members (or their numbers) without braces, `a, b`;
//! - `date`: `YYYY-MM-DD` or, as dates are written in England, `DD/MM/YYYY` (day first,
//!   one or two digits for the day and month, four for the year);
//! - `date-time`: either date form, then `T` or a space and `HH:MM` (`:SS` optional).
//!
//! A date typed day first is echoed back unambiguously (`10 May 2024`), so `05/10/2024`
//! cannot be taken silently for the 5th of October by someone who meant the 10th of May.
//! Everything else is passed on as typed, for [`crate::check::value`] to read (and to
//! locate its errors in).

use chrono::NaiveDate;

use crate::check::{FactId, Program};
use crate::diagnostic::Problem;
use crate::value::Type;

/// The value text for `fact`, and what to echo back (the date as read) when the answer
/// was written in a form other than the language's own.
pub struct Read {
    pub text: String,
    pub echo: Option<String>,
}

/// A date as people write it: `YYYY-MM-DD` or `DD/MM/YYYY`. `Err` when it has the day-first
/// shape but is not a real day (`31/02/2024`); `Ok(None)` when it is not a date at all.
pub fn day(text: &str) -> Result<Option<NaiveDate>, Problem> {
    let text = text.trim();
    if let Some(d) = crate::case::parse_date(text) {
        return Ok(Some(d));
    }
    let parts: Vec<&str> = text.split('/').collect();
    let [d, m, y] = parts.as_slice() else {
        return Ok(None);
    };
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(d, 1, 2) && digits(m, 1, 2) && digits(y, 4, 4)) {
        return Ok(None);
    }
    let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>()) else {
        return Ok(None);
    };
    NaiveDate::from_ymd_opt(y, m, d).map(Some).ok_or_else(|| {
        Problem::error("cspr::value", format!("`{text}` is not a real date"))
            .help("write the day first, DD/MM/YYYY (e.g. `10/05/2024`), or YYYY-MM-DD")
    })
}

fn not_a_date(text: &str) -> Problem {
    Problem::error("cspr::value", format!("`{text}` is not a date")).help(
        "write the day first with a four-digit year, DD/MM/YYYY (e.g. `10/05/2024`), or YYYY-MM-DD",
    )
}

/// A day as it is echoed back: `10 May 2024`.
pub fn spoken(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// Read `answer` as the text of a value of `fact` (see the module's documentation).
pub fn read(program: &Program, fact: FactId, answer: &str) -> Result<Read, Vec<Problem>> {
    let answer = answer.trim();
    let plain = |text: String| Ok(Read { text, echo: None });
    let Some(def) = program.facts.get(fact) else {
        return plain(answer.to_string());
    };
    let options = super::interview::choices(program, def.ty);
    let pick = |s: &str| -> Option<String> {
        let n: usize = s.trim().parse().ok()?;
        options.get(n.checked_sub(1)?).cloned()
    };
    match def.ty {
        Type::Bool => {
            let picked = pick(answer);
            plain(
                match picked
                    .as_deref()
                    .unwrap_or(answer)
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "yes" | "y" | "true" => "true".into(),
                    "no" | "n" | "false" => "false".into(),
                    _ => answer.to_string(),
                },
            )
        }
        Type::Enum(_) => plain(pick(answer).unwrap_or_else(|| answer.to_string())),
        Type::Set(_) if !answer.starts_with('{') => {
            let items: Vec<String> = answer
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| pick(s).unwrap_or_else(|| s.to_string()))
                .collect();
            plain(format!("{{{}}}", items.join(", ")))
        }
        Type::Date if answer.contains('/') => match day(answer).map_err(|p| vec![p])? {
            Some(d) => Ok(Read {
                text: d.format("%Y-%m-%d").to_string(),
                echo: Some(format!("{} = {}", def.name, spoken(d))),
            }),
            None => Err(vec![not_a_date(answer)]),
        },
        Type::DateTime if answer.contains('/') || answer.contains(' ') => {
            let (date, time) = match answer.split_once(['T', ' ']) {
                Some((d, t)) => (d.trim(), t.trim()),
                None => (answer, ""),
            };
            match day(date).map_err(|p| vec![p])? {
                Some(d) if !time.is_empty() => Ok(Read {
                    text: format!("{}T{time}", d.format("%Y-%m-%d")),
                    echo: date
                        .contains('/')
                        .then(|| format!("{} = {} at {time}", def.name, spoken(d))),
                }),
                Some(_) => plain(answer.to_string()),
                None if date.contains('/') => Err(vec![not_a_date(date)]),
                None => plain(answer.to_string()),
            }
        }
        _ => plain(answer.to_string()),
    }
}
