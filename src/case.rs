//! Stage three: case files → typed facts of a program.
//!
//! A case is an object whose keys are fact names (DESIGN §3): JSON or TOML, or a batch
//! in JSON Lines, one case a line. `case_id` names the case. An absent key, or `null`,
//! is unknown. Every key is checked against the program: an unknown name (with "did you
//! mean"), a value of the wrong type, a value not in the fact's list or a date that does
//! not exist is a [`Problem`] labelled at the key in the file — never dropped silently.

use chrono::{NaiveDate, NaiveDateTime};
use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;

mod raw;
pub mod schema;
use raw::Raw;

pub use schema::case_schema;

use crate::check::Program;
use crate::check::type_name;
use crate::diagnostic::{Problem, Source, did_you_mean};
use crate::eval::Case;
use crate::span::Span;
use crate::value::{Type, Value};

/// How deep arrays and tables may nest in a case file.
const MAX_DEPTH: usize = 64;

/// The formats a case file can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
    JsonLines,
}

impl Format {
    /// The format a file name implies: `.toml`, `.jsonl`, otherwise JSON.
    pub fn from_name(name: &str) -> Format {
        if name.ends_with(".toml") {
            Format::Toml
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            Format::JsonLines
        } else {
            Format::Json
        }
    }
}

/// One case of a file: the case, or every problem with it.
pub type Parsed = Result<Case, Vec<Problem>>;

/// Read a JSON or TOML case file (not JSON Lines: see [`parse_lines`]).
pub fn parse(program: &Program, source: &Source, format: Format) -> Parsed {
    parse_entries(program, source, format, &mut |_| false, &[])
}

/// As [`parse`], but keys for which `skip` holds are passed over, not reported, and
/// returned: for reading one case under several procedures, each declaring facts the
/// others do not.
pub fn parse_skipping(
    program: &Program,
    source: &Source,
    format: Format,
    skip: &dyn Fn(&str) -> bool,
) -> Result<(Case, Vec<String>), Vec<Problem>> {
    parse_skipping_among(program, source, format, skip, &[])
}

/// As [`parse_skipping`], an unknown key's suggestion also drawn from `also` (the facts
/// of the other procedures a case may be written for).
fn parse_skipping_among(
    program: &Program,
    source: &Source,
    format: Format,
    skip: &dyn Fn(&str) -> bool,
    also: &[&str],
) -> Result<(Case, Vec<String>), Vec<Problem>> {
    let mut skipped = Vec::new();
    let case = parse_entries(
        program,
        source,
        format,
        &mut |key| {
            let s = skip(key);
            if s {
                skipped.push(key.to_string());
            }
            s
        },
        also,
    )?;
    Ok((case, skipped))
}

/// A key of a case that `program` does not declare but other procedures do: passed over,
/// and listed once so the reader knows it was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUsed {
    pub fact: String,
    /// The ids of the procedures that declare it.
    pub facts_of: Vec<String>,
}

/// Add the `not_used` field to a JSON object on one line, when there are such keys:
/// `"not_used": [{"fact": …, "facts_of": [ids]}]`, last (`cspr eval`, `cspr timeline` and
/// the API's answers for a case that gives facts only other procedures declare).
pub fn push_not_used(json: &mut String, not_used: &[NotUsed]) {
    if not_used.is_empty() || !json.ends_with('}') {
        return;
    }
    let list = Json::Array(
        not_used
            .iter()
            .map(|n| serde_json::json!({"fact": n.fact, "facts_of": n.facts_of}))
            .collect(),
    );
    json.pop();
    json.push_str(",\"not_used\":");
    json.push_str(&list.to_string());
    json.push('}');
}

/// One case file, many procedures: read a case under `program`, passing over the keys
/// that only `others` declare (each returned with the procedures that declare it). A key
/// no procedure declares stays an error, its suggestion drawn from every procedure's
/// facts. The keys are told apart as `cspr compare` tells them (one [`parse_skipping`]).
pub fn parse_among(
    program: &Program,
    source: &Source,
    format: Format,
    others: &[&Program],
) -> Result<(Case, Vec<NotUsed>), Vec<Problem>> {
    let declares = |key: &str| {
        others
            .iter()
            .filter(|o| o.fact_named(key).is_some())
            .map(|o| o.entry().id.clone())
            .collect::<Vec<String>>()
    };
    let skip = |key: &str| program.fact_named(key).is_none() && !declares(key).is_empty();
    let mut also: Vec<&str> = others
        .iter()
        .flat_map(|o| o.facts.iter().map(|f| f.name.as_str()))
        .collect();
    also.sort_unstable();
    also.dedup();
    let (case, skipped) = parse_skipping_among(program, source, format, &skip, &also)?;
    let not_used = skipped
        .into_iter()
        .map(|fact| NotUsed {
            facts_of: declares(&fact),
            fact,
        })
        .collect();
    Ok((case, not_used))
}

fn parse_entries(
    program: &Program,
    source: &Source,
    format: Format,
    skip: &mut dyn FnMut(&str) -> bool,
    also: &[&str],
) -> Parsed {
    let text = &*source.text;
    let mut not_numbers = Vec::new();
    let entries = match format {
        Format::Toml => match toml_to_json(program, source, &mut not_numbers)? {
            Json::Object(map) => Some(
                map.into_iter()
                    .map(|(k, v)| (Cow::Owned(k), Raw::owned(v)))
                    .collect(),
            ),
            _ => None,
        },
        _ => {
            serde_json::from_str::<Entries<'_>>(text)
                .map_err(|e| vec![json_error(source, &e, 0)])?
                .0
        }
    };
    match from_entries(program, entries, source, 0, text.len(), skip, also) {
        Ok(_) if !not_numbers.is_empty() => Err(not_numbers),
        Err(mut problems) if !not_numbers.is_empty() => {
            not_numbers.append(&mut problems);
            Err(not_numbers)
        }
        parsed => parsed,
    }
}

/// Read a JSON Lines batch: one result per non-blank line, with its 1-based line number.
pub fn parse_lines<'a>(
    program: &'a Program,
    source: &'a Source,
) -> impl Iterator<Item = (usize, Parsed)> + 'a {
    let text = &*source.text;
    let mut offset = 0;
    text.split_inclusive('\n')
        .enumerate()
        .filter_map(move |(i, line)| {
            let start = offset;
            offset += line.len();
            parse_line(program, source, start, line).map(|parsed| (i + 1, parsed))
        })
}

/// Read one line of a JSON Lines batch that starts at byte `start` of `source` (`line`
/// is that slice, with or without its newline); `None` for a blank line. For a reader
/// that streams a batch a line at a time.
pub fn parse_line(program: &Program, source: &Source, start: usize, line: &str) -> Option<Parsed> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(match serde_json::from_str::<Entries<'_>>(trimmed) {
        Ok(entries) => from_entries(
            program,
            entries.0,
            source,
            start,
            start + line.trim_end().len(),
            &mut |_| false,
            &[],
        ),
        Err(e) => Err(vec![json_error(source, &e, start)]),
    })
}

/// The keys and values of a case object in the order written (so a key given twice is
/// seen, not silently overwritten), or `None` when the JSON is not an object. Read
/// straight from the text, without building a map.
struct Entries<'de>(Option<Vec<(Cow<'de, str>, Raw<'de>)>>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a case object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    out.push((key, map.next_value::<Raw<'de>>()?));
                }
                Ok(Entries(Some(out)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Entries(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Entries(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Entries(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Entries(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Entries(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Entries(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Entries(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Convert one parsed case object. `from..to` is the object's place in the source.
pub fn from_json(
    program: &Program,
    json: &Json,
    source: &Source,
    from: usize,
    to: usize,
) -> Parsed {
    let entries = match json {
        Json::Object(map) => Some(
            map.iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Raw::of(v)))
                .collect(),
        ),
        _ => None,
    };
    from_entries(program, entries, source, from, to, &mut |_| false, &[])
}

fn from_entries(
    program: &Program,
    entries: Option<Vec<(Cow<'_, str>, Raw<'_>)>>,
    source: &Source,
    from: usize,
    to: usize,
    skip: &mut dyn FnMut(&str) -> bool,
    also: &[&str],
) -> Parsed {
    let whole = Span::new(from, to.max(from));
    let Some(map) = entries else {
        return Err(vec![
            Problem::error(
                "cspr::case",
                "a case must be an object of fact names and values",
            )
            .label(whole, "not an object")
            .help("write {\"case_id\": \"C-1\", \"child_died\": true, …}")
            .in_source(source),
        ]);
    };
    let mut case = Case::empty(program);
    let mut problems = Vec::new();
    let mut seen = vec![false; program.facts.len()];
    for (key, value) in &map {
        let key: &str = key;
        // Where the key is written: looked up only when there is something to report.
        let at = || key_span(source, key, from, to).unwrap_or(whole);
        if key == "case_id" {
            match value {
                Raw::Str(s) => case.id = Some(s.to_string()),
                Raw::Number(n) => case.id = Some(n.to_string()),
                _ => problems.push(
                    Problem::error("cspr::case", "`case_id` must be a string")
                        .label(at(), "here")
                        .help("write \"case_id\": \"C-17\"")
                        .in_source(source),
                ),
            }
            continue;
        }
        let Some(f) = program.fact_named(key) else {
            if skip(key) {
                continue;
            }
            let names = program
                .facts
                .iter()
                .map(|f| f.name.as_str())
                .chain(also.iter().copied());
            let id = &program.entry().id;
            let hint = did_you_mean(key, names).unwrap_or_else(|| {
                format!(
                    "the facts a case can give are the `fact` declarations of `{id}` and the guidance it extends"
                )
            });
            let (kind, hint) = if program.lookup(key).is_some() {
                (format!("is worked out by `{id}`, not a fact to give"), hint)
            } else if also.is_empty() {
                (format!("is not a fact of `{id}`"), hint)
            } else {
                (
                    format!("is not a fact of `{id}` nor of any other procedure found"),
                    crate::diagnostic::then(
                        &hint,
                        "Procedures are found in policies/ and the folders named in CSPR_PATH",
                    ),
                )
            };
            problems.push(
                Problem::error("cspr::unknown_fact", format!("`{key}` {kind}"))
                    .label(at(), "unknown key")
                    .help(hint)
                    .in_source(source),
            );
            continue;
        };
        if std::mem::replace(&mut seen[f], true) {
            problems.push(
                Problem::error("cspr::repeated_key", format!("`{key}` is given twice"))
                    .label(at(), "the first of them")
                    .help("give each fact once, so it is clear which answer holds")
                    .in_source(source),
            );
            continue;
        }
        if matches!(value, Raw::Null) {
            continue;
        }
        let ty = program.facts[f].ty;
        match convert(program, ty, value) {
            Ok(v) => case.put(f, v),
            Err(why) => problems.push(
                Problem::error(
                    "cspr::fact_value",
                    format!("`{key}` {}", as_written(why, value, &source.text, at())),
                )
                .label(at(), format!("expects {}", type_name(ty, &program.enums)))
                .help(example(program, ty))
                .in_source(source),
            ),
        }
    }
    if problems.is_empty() {
        Ok(case)
    } else {
        Err(problems)
    }
}

/// A number in an error as the case wrote it (`99999999999999999999999`), not as the JSON
/// reader holds it (`1e+23`): the literal after the key at `key`, when it is there.
fn as_written(why: String, value: &Raw<'_>, text: &str, key: Span) -> String {
    let Raw::Number(n) = value else {
        return why;
    };
    let literal = text
        .get(key.end..)
        .map(|rest| rest.trim_start().trim_start_matches(':').trim_start())
        .map(|rest| {
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
                .unwrap_or(rest.len());
            &rest[..len]
        })
        .filter(|l| !l.is_empty());
    match literal {
        // A whole number too large for a fact (beyond 64 bits).
        Some(l) if l.bytes().all(|b| b.is_ascii_digit() || b == b'-') => why.replace(
            &format!("must be a whole number, not `{n}`"),
            &format!(
                "must be a whole number from {} to {}, not `{l}`",
                i64::MIN,
                i64::MAX
            ),
        ),
        Some(l) => why.replace(&format!("`{n}`"), &format!("`{l}`")),
        None => why,
    }
}

fn convert(program: &Program, ty: Type, value: &Raw<'_>) -> Result<Value, String> {
    match (ty, value) {
        (Type::Bool, Raw::Bool(b)) => Ok(Value::Bool(*b)),
        (Type::Integer, Raw::Number(n)) => n
            .as_i64()
            .map(Value::Int)
            .ok_or_else(|| format!("must be a whole number, not `{n}`")),
        (Type::Date, Raw::Str(s)) => parse_date(s)
            .map(Value::Date)
            .ok_or_else(|| format!("has `{s}`, which is not a real date (YYYY-MM-DD)")),
        (Type::DateTime, Raw::Str(s)) => parse_datetime(s)
            .map(Value::DateTime)
            .ok_or_else(|| format!("has `{s}`, which is not a real date-time (YYYY-MM-DDTHH:MM)")),
        (Type::Text, Raw::Str(s)) => Ok(Value::Text(s.as_ref().into())),
        (Type::Enum(e), Raw::Str(s)) => {
            program.enums[e].index(s).map(Value::Enum).ok_or_else(|| {
                let hint = did_you_mean(s, program.enums[e].variants.iter().map(String::as_str))
                    .map_or(String::new(), |h| format!(" ({h})"));
                format!("has `{s}`, which is not one of its values{hint}")
            })
        }
        (Type::Set(e), Raw::Array(items)) => {
            let mut bits = 0u64;
            for item in items {
                let Raw::Str(s) = item else {
                    return Err("must list values as strings".into());
                };
                let i = program.enums[e]
                    .index(s)
                    .ok_or_else(|| format!("lists `{s}`, which is not one of its values"))?;
                bits |= 1 << i;
            }
            Ok(Value::Set(bits))
        }
        _ => Err(format!(
            "must be {}, not {}",
            type_name(ty, &program.enums),
            value.kind()
        )),
    }
}

/// `YYYY-MM-DD`, a real day.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))?
            .parse()
            .ok()
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// `YYYY-MM-DDTHH:MM`, optionally with `:SS`: exactly these digits, as strict as
/// [`parse_date`] (no sign or fifth digit of year, no unpadded field, no space, no second 60).
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if !(b.len() == 16 || (b.len() == 19 && b[16] == b':')) || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let date = parse_date(s.get(..10)?)?;
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))?
            .parse()
            .ok()
    };
    let seconds = if b.len() == 19 { num(17..19)? } else { 0 };
    let time = chrono::NaiveTime::from_hms_opt(num(11..13)?, num(14..16)?, seconds)?;
    Some(date.and_time(time))
}

/// `"a", "b", "c"`: the values of a list as a case file writes them.
fn quoted_values(program: &Program, e: usize) -> String {
    program.enums[e]
        .variants
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn example(program: &Program, ty: Type) -> String {
    match ty {
        Type::Bool => "write true or false (or leave the key out if not known)".into(),
        Type::Integer => "write a whole number such as 3".into(),
        Type::Date => "write a date as \"2024-03-04\"".into(),
        Type::DateTime => "write a date-time as \"2024-03-04T09:30\"".into(),
        Type::Text => "write a string".into(),
        Type::Enum(e) => format!("write one of: {}", quoted_values(program, e)),
        Type::Set(e) => format!("write a list of: {}", quoted_values(program, e)),
    }
}

/// Where `key` is written in `source[from..to]`: `"key"` in JSON, `key` (or `"key"`) in TOML.
fn key_span(source: &Source, key: &str, from: usize, to: usize) -> Option<Span> {
    let text = source.text.get(from..to)?;
    let quoted = format!("\"{key}\"");
    if let Some(i) = text.find(&quoted) {
        return Some(Span::new(from + i, from + i + quoted.len()));
    }
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with(key) && t[key.len()..].trim_start().starts_with('=') {
            let start = from + offset + (line.len() - t.len());
            return Some(Span::new(start, start + key.len()));
        }
        offset += line.len();
    }
    None
}

fn json_error(source: &Source, e: &serde_json::Error, base: usize) -> Problem {
    let text = &source.text[base..];
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == e.line() {
            offset += line
                .char_indices()
                .nth(e.column().saturating_sub(1))
                .map_or(line.len(), |(b, _)| b);
            break;
        }
        offset += line.len();
    }
    let at = (base + offset).min(source.text.len());
    let message = e.to_string();
    let message = match message.split(" at line").next().unwrap_or(&message) {
        // serde_json's words for nesting deeper than it reads.
        "recursion limit exceeded" => "it nests more than 128 levels deep".to_string(),
        m => m.to_string(),
    };
    Problem::error(
        "cspr::case_syntax",
        format!("the case is not valid JSON: {message}"),
    )
    .label(Span::new(at, (at + 1).min(source.text.len())), "here")
    .help("a case is a JSON object such as {\"case_id\": \"C-1\", \"child_died\": true}")
    .in_source(source)
}

/// TOML → the same JSON shape; TOML dates and times become ISO strings. A float that is
/// not a number (`nan`, `inf`) given for a fact is the wrong type, as any number would be
/// for a fact that is not a number: JSON has no such values to carry it.
fn toml_to_json(
    program: &Program,
    source: &Source,
    problems: &mut Vec<Problem>,
) -> Result<Json, Vec<Problem>> {
    if let Some(at) = too_deep(&source.text) {
        return Err(vec![
            Problem::error(
                "cspr::case_syntax",
                format!("the case nests more than {MAX_DEPTH} levels deep"),
            )
            .label(Span::new(at, at + 1), "too deep")
            .help("a case is a flat table of fact names and values")
            .in_source(source),
        ]);
    }
    let table: toml::Table = toml::from_str(&source.text).map_err(|e| {
        let span = e
            .span()
            .map_or(Span::new(0, 0), |r| Span::new(r.start, r.end.max(r.start)));
        vec![
            Problem::error(
                "cspr::case_syntax",
                format!("the case is not valid TOML: {}", e.message()),
            )
            .label(span, "here")
            .help("a case is a TOML table such as `case_id = \"C-1\"` / `child_died = true`")
            .in_source(source),
        ]
    })?;
    for (key, value) in &table {
        let (toml::Value::Float(x), Some(f)) = (value, program.fact_named(key)) else {
            continue;
        };
        if x.is_finite() {
            continue;
        }
        let ty = program.facts[f].ty;
        let why = if ty == Type::Integer {
            format!("must be a whole number, not `{x}`")
        } else {
            format!("must be {}, not a number", type_name(ty, &program.enums))
        };
        let at = key_span(source, key, 0, source.text.len()).unwrap_or(Span::new(0, 0));
        problems.push(
            Problem::error("cspr::fact_value", format!("`{key}` {why}"))
                .label(at, format!("expects {}", type_name(ty, &program.enums)))
                .help(example(program, ty))
                .in_source(source),
        );
    }
    Ok(toml_value(toml::Value::Table(table)))
}

fn toml_value(v: toml::Value) -> Json {
    match v {
        toml::Value::String(s) => Json::String(s),
        toml::Value::Integer(n) => Json::from(n),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        toml::Value::Boolean(b) => Json::Bool(b),
        toml::Value::Datetime(d) => Json::String(d.to_string()),
        toml::Value::Array(items) => Json::Array(items.into_iter().map(toml_value).collect()),
        toml::Value::Table(t) => {
            Json::Object(t.into_iter().map(|(k, v)| (k, toml_value(v))).collect())
        }
    }
}

/// The offset of the first bracket of a TOML text nested deeper than [`MAX_DEPTH`],
/// counting only outside strings and comments. Strings are skipped whole: basic (`"…"`,
/// where `\"` does not end it), literal (`'…'`, no escapes) and their multi-line forms.
fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let delimiter = if b[i..].starts_with(&[q, q, q]) { 3 } else { 1 };
                let close = &b[i..i + delimiter];
                i += delimiter;
                while i < b.len() && !b[i..].starts_with(close) {
                    i += if q == b'"' && b[i] == b'\\' { 2 } else { 1 };
                }
                i += delimiter;
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}
