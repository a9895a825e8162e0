//! Which edition of the guidance was in force on a case's date.
//!
//! *Working Together to Safeguard Children* has had several editions; each came into force on
//! a day and was replaced on the day the next one did. The table of editions is data,
//! `policies/editions.toml`, built into the library like the calendar: each edition's title,
//! the day it came into force, where that date comes from, and — when cspr encodes it — the
//! id of its guidance module. The table also names the case's date that decides the edition
//! (the first of a list of date facts the case gives: the day the local authority became
//! aware of the incident, then the day the partnership received the referral).
//!
//! For an evaluation, [`Setting::new`] finds (once per program) the edition the program rests
//! on — the guidance at the root of its `extends` chain, after any `--guidance` — and
//! [`Setting::finding`] (per case) the edition in force on the case's date. When they differ,
//! [`Finding::note`] says so in one sentence, and plainly when the edition in force is one
//! cspr does not encode (Working Together 2026). [`Table::pick`] is `--guidance auto`: the
//! edition in force on the case's date if it is encoded, else the newest encoded one before it.
//!
//! Worked example: a case with `la_aware_on = 2026-04-10`, evaluated under Lincolnshire's
//! procedure (which extends `working_together_2018`). The edition in force on 10 April 2026 is
//! the last to come into force on or before it, Working Together 2026 (18 March 2026); it has
//! no module, so the note says that Working Together 2026 was in force, that cspr does not
//! encode it, and that the evaluation is under Working Together 2018.
//!
//! The front ends show the sentence as a `note:` line near the header of text output, as the
//! `edition` field of JSON ([`Finding::to_json`]), and as a paragraph of the HTML report.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value as Json, json};

use crate::check::{FactId, Program};
use crate::eval::Case;
use crate::syntax::ast::ModuleKind;
use crate::value::Value;

/// The shipped table of editions.
const EDITIONS: &str = include_str!("../policies/editions.toml");

/// One edition of the guidance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// The guidance module that encodes it, if cspr has one.
    pub id: Option<String>,
    /// Its full title, e.g. `Working Together to Safeguard Children 2023`.
    pub title: String,
    /// Its short name, e.g. `Working Together 2023`.
    pub short: String,
    /// The day it came into force.
    pub in_force: NaiveDate,
    /// Where that day comes from.
    pub source: String,
}

/// A day as `YYYY-MM-DD`, written without a format string to parse (a batch writes several
/// per case).
#[derive(Clone, Copy)]
struct Day(NaiveDate);

impl Day {
    /// The ten bytes of `YYYY-MM-DD` for a year of four digits.
    fn digits(self) -> Option<[u8; 10]> {
        use chrono::Datelike;
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        let y = u32::try_from(y).ok().filter(|y| *y <= 9999)?;
        let digit = |n: u32| b'0' + u8::try_from(n % 10).unwrap_or(0);
        Some([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ])
    }

    /// Push `YYYY-MM-DD` onto `out`.
    fn push(self, out: &mut String) {
        use std::fmt::Write as _;
        match self.digits() {
            Some(b) => out.push_str(std::str::from_utf8(&b).unwrap_or_default()),
            None => {
                let _ = write!(out, "{}", self.0);
            }
        }
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.digits() {
            Some(b) => f.write_str(std::str::from_utf8(&b).unwrap_or_default()),
            None => write!(f, "{}", self.0),
        }
    }
}

/// A date fact that can decide the edition in force, and what it records.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateFact {
    pub fact: String,
    /// What the date is, as a clause: `the local authority became aware of the incident`.
    pub means: String,
}

/// The editions, in the order they came into force, and the facts that give a case's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    editions: Vec<Edition>,
    case_dates: Vec<DateFact>,
}

/// The table as written in TOML.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    edition: Vec<RawEdition>,
    case_date: Vec<DateFact>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    #[serde(default)]
    id: Option<String>,
    title: String,
    short: String,
    in_force: toml::value::Datetime,
    source: String,
}

/// The shipped table (`policies/editions.toml`), read on first use.
///
/// # Errors
///
/// Only if the shipped data is broken (the tests check it is not): the reason, in words.
pub fn table() -> Result<&'static Table, String> {
    static TABLE: OnceLock<Result<Table, String>> = OnceLock::new();
    TABLE
        .get_or_init(|| Table::from_toml(EDITIONS))
        .as_ref()
        .map_err(Clone::clone)
}

impl Table {
    /// Read a table of editions from TOML, checking that the editions are in the order they
    /// came into force (no two on one day), that no id is listed twice, and that there is
    /// at least one edition and one date fact.
    ///
    /// # Errors
    ///
    /// What is wrong, in words.
    pub fn from_toml(text: &str) -> Result<Table, String> {
        let raw: RawTable =
            toml::from_str(text).map_err(|e| format!("the table of editions: {e}"))?;
        let mut editions = Vec::new();
        for e in raw.edition {
            let day = match (e.in_force.date, e.in_force.time, e.in_force.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                }
                _ => None,
            };
            let Some(in_force) = day else {
                return Err(format!(
                    "the table of editions: `{}` needs `in_force` as a date, YYYY-MM-DD",
                    e.short
                ));
            };
            editions.push(Edition {
                id: e.id,
                title: e.title,
                short: e.short,
                in_force,
                source: e.source,
            });
        }
        let table = Table {
            editions,
            case_dates: raw.case_date,
        };
        if table.editions.is_empty() || table.case_dates.is_empty() {
            return Err("the table of editions needs an edition and a case date".into());
        }
        for pair in table.editions.windows(2) {
            if pair[0].in_force >= pair[1].in_force {
                return Err(format!(
                    "the table of editions: `{}` must come into force after `{}`",
                    pair[1].short, pair[0].short
                ));
            }
        }
        let ids: Vec<&str> = table
            .editions
            .iter()
            .filter_map(|e| e.id.as_deref())
            .collect();
        if let Some(id) = ids
            .iter()
            .enumerate()
            .find_map(|(i, id)| ids[..i].contains(id).then_some(id))
        {
            return Err(format!("the table of editions lists `{id}` twice"));
        }
        Ok(table)
    }

    /// Every edition, in the order they came into force.
    #[must_use]
    pub fn editions(&self) -> &[Edition] {
        &self.editions
    }

    /// The facts that give a case's date, in the order they are tried.
    #[must_use]
    pub fn case_dates(&self) -> &[DateFact] {
        &self.case_dates
    }

    /// The edition encoded by the guidance module `id`.
    #[must_use]
    pub fn by_id(&self, id: &str) -> Option<&Edition> {
        self.editions.iter().find(|e| e.id.as_deref() == Some(id))
    }

    /// The edition in force on `day`: the last to come into force on or before it; `None`
    /// before the first edition in the table.
    #[must_use]
    pub fn in_force_on(&self, day: NaiveDate) -> Option<&Edition> {
        self.editions.iter().rev().find(|e| e.in_force <= day)
    }

    /// The day `edition` was replaced (the next edition's first day), if it has been.
    #[must_use]
    pub fn replaced_on(&self, edition: &Edition) -> Option<NaiveDate> {
        self.editions
            .iter()
            .map(|e| e.in_force)
            .find(|d| *d > edition.in_force)
    }

    /// The edition to evaluate a case dated `date` under (`--guidance auto`): the edition in
    /// force on the date if it is encoded (`encoded` says whether a module id can be
    /// loaded); otherwise the newest encoded edition before it; before the first edition
    /// of the table, the first encoded edition. `None` when no edition is encoded.
    pub fn pick(&self, date: NaiveDate, encoded: &dyn Fn(&str) -> bool) -> Option<&Edition> {
        let is_encoded = |e: &&Edition| e.id.as_deref().is_some_and(encoded);
        let mut before = self.editions.iter().filter(|e| e.in_force <= date);
        before
            .rfind(is_encoded)
            .or_else(|| self.editions.iter().find(is_encoded))
    }
}

/// The date that decides a case's edition, and the fact it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseDate<'t> {
    pub date: NaiveDate,
    pub fact: &'t DateFact,
}

/// What one program needs to judge its cases: the table, the edition the program is
/// evaluated under, the case-date facts it declares, and which editions are encoded.
#[derive(Debug, Clone)]
pub struct Setting<'t> {
    table: &'t Table,
    evaluated: &'t Edition,
    /// The table's date facts the program declares, in the table's order.
    dates: Vec<(FactId, &'t DateFact)>,
    /// For each edition of the table, whether it is encoded.
    encoded: Vec<bool>,
    /// The edition was picked by `--guidance auto`.
    auto: bool,
}

impl<'t> Setting<'t> {
    /// The setting of `program`: `None` when the guidance at the root of its chain is not
    /// an edition of the table (a module of one's own, a test module), so nothing is said.
    /// `encoded` says whether a module id can be loaded (the front end's library).
    pub fn new(
        table: &'t Table,
        program: &Program,
        encoded: &dyn Fn(&str) -> bool,
    ) -> Option<Setting<'t>> {
        let root = program.modules.first()?;
        if root.kind != ModuleKind::Guidance {
            return None;
        }
        let evaluated = table.by_id(&root.id)?;
        let dates = table
            .case_dates
            .iter()
            .filter_map(|d| program.fact_named(&d.fact).map(|f| (f, d)))
            .collect();
        let encoded = table
            .editions
            .iter()
            .map(|e| e.id.as_deref().is_some_and(encoded))
            .collect();
        Some(Setting {
            table,
            evaluated,
            dates,
            encoded,
            auto: false,
        })
    }

    /// The same, marked as picked by `--guidance auto` (its note then always says why).
    #[must_use]
    pub fn picked_by_auto(mut self, auto: bool) -> Self {
        self.auto = auto;
        self
    }

    /// The edition the program is evaluated under.
    #[must_use]
    pub fn evaluated(&self) -> &'t Edition {
        self.evaluated
    }

    /// The date that decides `case`'s edition: the first of the table's date facts the case
    /// gives.
    #[must_use]
    pub fn case_date(&self, case: &Case) -> Option<CaseDate<'t>> {
        self.dates.iter().find_map(|(f, fact)| match case.get(*f) {
            Some(Value::Date(d)) => Some(CaseDate { date: *d, fact }),
            Some(Value::DateTime(t)) => Some(CaseDate {
                date: t.date(),
                fact,
            }),
            _ => None,
        })
    }

    /// The edition in force on `case`'s date, beside the edition evaluated.
    #[must_use]
    pub fn finding(&self, case: &Case) -> Finding<'t> {
        let date = self.case_date(case);
        let in_force = date.and_then(|d| self.table.in_force_on(d.date));
        let in_force_encoded = in_force.is_some_and(|e| {
            self.table
                .editions
                .iter()
                .position(|x| std::ptr::eq(x, e))
                .is_some_and(|i| self.encoded[i])
        });
        Finding {
            table: self.table,
            evaluated: self.evaluated,
            date,
            in_force,
            in_force_encoded,
            auto: self.auto,
        }
    }
}

/// The edition in force on one case's date, beside the edition evaluated.
#[derive(Debug, Clone, Copy)]
pub struct Finding<'t> {
    table: &'t Table,
    pub evaluated: &'t Edition,
    /// The case's date, if it gives one.
    pub date: Option<CaseDate<'t>>,
    /// The edition in force on it; `None` without a date or before the first edition.
    pub in_force: Option<&'t Edition>,
    /// Whether cspr encodes `in_force`.
    pub in_force_encoded: bool,
    /// The edition evaluated was picked by `--guidance auto`.
    pub auto: bool,
}

impl Finding<'_> {
    /// Whether the case's date falls under another edition than the one evaluated.
    #[must_use]
    pub fn differs(&self) -> bool {
        match (self.date, self.in_force) {
            (Some(_), Some(e)) => !std::ptr::eq(e, self.evaluated),
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// One sentence for a person when there is something to say: the case's date falls
    /// under another edition than the one evaluated (and whether cspr encodes it), or
    /// the edition was picked by `--guidance auto` (which, and why). `None` otherwise.
    #[must_use]
    pub fn note(&self) -> Option<String> {
        use std::fmt::Write as _;
        let date = self.date?;
        if !self.auto && !self.differs() {
            return None;
        }
        let ev = self.evaluated;
        let same = |e: &Edition| std::ptr::eq(e, ev);
        let mut out = String::with_capacity(320);
        if self.auto {
            let _ = write!(
                out,
                "--guidance auto chose {} (`{}`): ",
                ev.short,
                ev.id.as_deref().unwrap_or("")
            );
        }
        let _ = write!(
            out,
            "{} on {} (`{}`), ",
            date.fact.means,
            Day(date.date),
            date.fact.fact
        );
        match self.in_force {
            Some(e) => {
                let _ = write!(
                    out,
                    "when {} was in force (from {})",
                    e.short,
                    Day(e.in_force)
                );
            }
            None => {
                let first = self.table.editions.first().map_or(ev, |e| e);
                let _ = write!(
                    out,
                    "before {} came into force ({}), the earliest edition cspr knows of",
                    first.short,
                    Day(first.in_force)
                );
            }
        }
        let unencoded = self.in_force.filter(|e| !same(e) && !self.in_force_encoded);
        if self.auto {
            match self.in_force {
                Some(e) if same(e) => {}
                Some(e) if e.in_force > ev.in_force => {
                    let _ = write!(
                        out,
                        "; cspr does not encode {}, so it used the newest encoded edition before it",
                        e.short
                    );
                }
                _ => out.push_str("; it used the earliest encoded edition"),
            }
        } else {
            if let Some(e) = unencoded {
                let _ = write!(out, "; cspr does not encode {}, so this", e.short);
            } else {
                out.push_str("; this");
            }
            let _ = write!(
                out,
                " is evaluated under {} (`{}`)",
                ev.short,
                ev.id.as_deref().unwrap_or("")
            );
        }
        Some(out)
    }

    /// The same object as [`Finding::to_json`], written straight into `out` (a batch writes
    /// one per line; `tests/in_force.rs` holds the two to the same text).
    pub fn write_json(&self, out: &mut String) {
        let day = |out: &mut String, d: Option<NaiveDate>| match d {
            Some(d) => {
                out.push('"');
                Day(d).push(out);
                out.push('"');
            }
            None => out.push_str("null"),
        };
        out.push_str("{\"evaluated\":");
        push_json_opt(out, self.evaluated.id.as_deref());
        out.push_str(",\"date\":");
        day(out, self.date.map(|d| d.date));
        out.push_str(",\"date_fact\":");
        push_json_opt(out, self.date.map(|d| d.fact.fact.as_str()));
        out.push_str(",\"in_force\":");
        match self.in_force {
            None => out.push_str("null"),
            Some(e) => {
                out.push_str("{\"id\":");
                push_json_opt(out, e.id.as_deref().filter(|_| self.in_force_encoded));
                out.push_str(",\"title\":");
                push_json_str(out, &e.title);
                out.push_str(",\"from\":");
                day(out, Some(e.in_force));
                out.push_str(",\"until\":");
                day(out, self.table.replaced_on(e));
                out.push_str(if self.in_force_encoded {
                    ",\"encoded\":true}"
                } else {
                    ",\"encoded\":false}"
                });
            }
        }
        if self.auto {
            out.push_str(",\"chosen_by\":\"auto\"");
        }
        if let Some(note) = self.note() {
            out.push_str(",\"note\":");
            push_json_str(out, &note);
        }
        out.push('}');
    }

    /// The `edition` field of JSON output: the edition evaluated, the case's date and the
    /// fact it comes from, the edition in force on it, and the note when there is one.
    #[must_use]
    pub fn to_json(&self) -> Json {
        let mut out = json!({
            "evaluated": self.evaluated.id,
            "date": self.date.map(|d| Day(d.date).to_string()),
            "date_fact": self.date.map(|d| d.fact.fact.as_str()),
            "in_force": self.in_force.map(|e| json!({
                "id": if self.in_force_encoded { e.id.as_deref() } else { None },
                "title": e.title,
                "from": Day(e.in_force).to_string(),
                "until": self.table.replaced_on(e).map(|d| Day(d).to_string()),
                "encoded": self.in_force_encoded,
            })),
        });
        if let Json::Object(map) = &mut out {
            if self.auto {
                map.insert("chosen_by".into(), json!("auto"));
            }
            if let Some(note) = self.note() {
                map.insert("note".into(), json!(note));
            }
        }
        out
    }
}

/// The note for one case under several programs (`cspr compare`): the edition in force on
/// the case's date, then which programs are evaluated under which other edition. `None`
/// when every program with a setting is evaluated under the edition in force (or the case
/// gives no date).
#[must_use]
pub fn compare_note(findings: &[(&str, Option<Finding<'_>>)]) -> Option<String> {
    let first = findings
        .iter()
        .find_map(|(_, f)| f.filter(Finding::differs))?;
    let date = first.date?;
    let mut groups: Vec<(&Edition, Vec<&str>)> = Vec::new();
    for (id, f) in findings {
        let Some(f) = f.filter(Finding::differs) else {
            continue;
        };
        match groups
            .iter_mut()
            .find(|(e, _)| std::ptr::eq(*e, f.evaluated))
        {
            Some((_, ids)) => ids.push(id),
            None => groups.push((f.evaluated, vec![id])),
        }
    }
    let under = match first.in_force {
        Some(e) if first.in_force_encoded => {
            format!("when {} was in force (from {})", e.short, Day(e.in_force))
        }
        Some(e) => format!(
            "when {} was in force (from {}), which cspr does not encode",
            e.short,
            Day(e.in_force)
        ),
        None => "before the earliest edition cspr knows of came into force".into(),
    };
    let groups: Vec<String> = groups
        .iter()
        .map(|(e, ids)| format!("{} under {}", ids.join(", "), e.short))
        .collect();
    Some(format!(
        "{} on {} (`{}`), {under}; evaluated {}",
        date.fact.means,
        Day(date.date),
        date.fact.fact,
        groups.join("; ")
    ))
}

/// `text` (a rendered result whose header is its first paragraph) with `note:` lines added
/// at the end of that header; a result with no blank line gets them in front.
#[must_use]
pub fn with_text_note(text: &str, note: Option<&str>) -> String {
    let Some(note) = note else {
        return text.to_string();
    };
    let line = format!("note: {note}\n");
    match text.find("\n\n") {
        Some(i) => format!("{}{line}{}", &text[..=i], &text[i + 1..]),
        None => format!("{line}\n{text}"),
    }
}

/// A rendered JSON object (`{…}`, one line) with the field `"edition"` added at its end.
pub fn push_json_field(object: &mut String, finding: &Finding<'_>) {
    if object.ends_with('}') {
        object.pop();
        let empty = object.ends_with('{');
        object.push_str(if empty {
            "\"edition\":"
        } else {
            ",\"edition\":"
        });
        finding.write_json(object);
        object.push('}');
    }
}

/// `s` as a JSON string, quoted and escaped.
fn push_json_str(out: &mut String, s: &str) {
    use std::fmt::Write as _;
    out.push('"');
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// An optional string as JSON: the string, or `null`.
fn push_json_opt(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_json_str(out, s),
        None => out.push_str("null"),
    }
}

/// An HTML page of the decision report with the note added at the end of its header.
#[must_use]
pub fn with_html_note(page: &str, note: Option<&str>) -> String {
    let Some(note) = note else {
        return page.to_string();
    };
    let escaped = crate::report::html::escape(note);
    let para = format!(
        "<p class=\"edition-note\" style=\"border-left:4px solid #b54708;padding:.3rem .7rem;background:#fff7ed\"><strong>Note:</strong> {escaped}</p>\n"
    );
    match page.find("</header>") {
        Some(i) => format!("{}{para}{}", &page[..i], &page[i..]),
        None => format!("{para}{page}"),
    }
}
