//! A JSON Schema (draft 2020-12) of a program's case: what a case-management system needs
//! to validate a case before sending it, or to build a form for it.
//!
//! One property per fact, in declaration order (the order the procedure's text asks them;
//! the guidance's facts first): its type as JSON types it (`boolean`, `integer`, a
//! `string` with the date pattern, a `string` from the list of values, an array of them),
//! the question that asks for it as `title` (and `x-cspr-question`), the type as cspr names
//! it (`x-cspr-type`) and the module that declares it (`x-cspr-module`). `null` is allowed
//! everywhere, as in a case: it means unknown, like a key left out. `case_id` names the
//! case. Any other key is refused (`additionalProperties: false`), as `cspr eval --strict`
//! refuses it.
//!
//! The schema says what the case reader accepts, not more: a date is `YYYY-MM-DD` and a
//! real day (the pattern checks the shape; the reader checks the day), a date-time
//! `YYYY-MM-DDTHH:MM` with optional seconds and no time zone (not JSON Schema's
//! `date-time` format, which needs one).

use serde_json::{Map, Value as Json, json};

use crate::check::{Program, type_name};
use crate::value::Type;

/// The pattern of a date the case reader accepts.
pub const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/// The pattern of a date-time the case reader accepts.
pub const DATE_TIME_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$";

/// The JSON Schema of a case of `program`.
pub fn case_schema(program: &Program) -> Json {
    let entry = program.entry();
    let mut properties = Map::new();
    properties.insert(
        "case_id".into(),
        json!({
            "title": "Case id",
            "description": "Names the case in results and reports; not a fact.",
            "type": ["string", "number"],
        }),
    );
    for fact in &program.facts {
        let mut p = fact_type(program, fact.ty);
        if let Json::Object(obj) = &mut p {
            let question = fact
                .ask
                .clone()
                .unwrap_or_else(|| format!("What is `{}`?", fact.name));
            obj.insert("title".into(), json!(question));
            obj.insert("x-cspr-question".into(), json!(fact.ask));
            obj.insert(
                "x-cspr-type".into(),
                json!(type_name(fact.ty, &program.enums)),
            );
            if let Some(m) = program.modules.get(fact.module) {
                obj.insert("x-cspr-module".into(), json!(m.id));
            }
        }
        properties.insert(fact.name.clone(), p);
    }
    let version = entry.version.map(|v| v.format("%Y-%m-%d").to_string());
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("urn:cspr:case:{}", entry.id),
        "title": format!("A case for {}", entry.id),
        "description": format!(
            "The facts a case can give to `{}` ({}). A key left out, or null, is unknown.",
            entry.id, entry.title
        ),
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
        "x-cspr-procedure": {"id": entry.id, "version": version},
    })
}

/// The JSON Schema of one fact's values (or `null`).
fn fact_type(program: &Program, ty: Type) -> Json {
    let values = |e: usize| -> Vec<Json> {
        program
            .enums
            .get(e)
            .map_or_else(Vec::new, |d| d.variants.iter().map(|v| json!(v)).collect())
    };
    match ty {
        Type::Bool => json!({"type": ["boolean", "null"]}),
        Type::Integer => json!({
            "type": ["integer", "null"],
            "minimum": i64::MIN,
            "maximum": i64::MAX,
        }),
        Type::Date => {
            json!({"type": ["string", "null"], "format": "date", "pattern": DATE_PATTERN})
        }
        Type::DateTime => json!({"type": ["string", "null"], "pattern": DATE_TIME_PATTERN}),
        Type::Text => json!({"type": ["string", "null"]}),
        Type::Enum(e) => {
            let mut list = values(e);
            list.push(Json::Null);
            json!({"enum": list})
        }
        Type::Set(e) => json!({
            "type": ["array", "null"],
            "items": {"enum": values(e)},
        }),
    }
}
