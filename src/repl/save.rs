//! A case as the text of a case file (DESIGN §3), JSON or TOML: what `facts` shows and
//! `save` writes. `case_id` first, then the known facts in declaration order; unknown
//! facts are left out. Reading the text back with [`crate::case::parse`] gives the case.

use crate::check::Program;
use crate::eval::Case;
use crate::value::to_json;
use serde_json::{Map, Value as Json};

/// The case as a JSON object (pretty, two-space indented, with a final newline).
pub fn to_json_text(program: &Program, case: &Case) -> String {
    let mut map = Map::new();
    if let Some(id) = &case.id {
        map.insert("case_id".into(), Json::String(id.clone()));
    }
    for (f, value) in case.facts().iter().enumerate() {
        if let (Some(v), Some(def)) = (value, program.facts.get(f)) {
            map.insert(def.name.clone(), to_json(v, def.ty, &program.enums));
        }
    }
    let mut text = serde_json::to_string_pretty(&Json::Object(map)).unwrap_or_default();
    text.push('\n');
    text
}

/// The case as a TOML table, one `key = value` a line. Dates are written as strings,
/// as in a JSON case (the case reader takes both).
pub fn to_toml_text(program: &Program, case: &Case) -> String {
    let mut out = String::new();
    let line = |key: &str, value: &Json, out: &mut String| {
        // A JSON string, number, boolean or array of strings is also TOML.
        out.push_str(key);
        out.push_str(" = ");
        out.push_str(&value.to_string());
        out.push('\n');
    };
    if let Some(id) = &case.id {
        line("case_id", &Json::String(id.clone()), &mut out);
    }
    for (f, value) in case.facts().iter().enumerate() {
        if let (Some(v), Some(def)) = (value, program.facts.get(f)) {
            line(&def.name, &to_json(v, def.ty, &program.enums), &mut out);
        }
    }
    out
}
