//! A case value as read from the text: what [`super::convert`] needs to type it, with
//! strings borrowed from the text wherever they have no escapes, so reading a case makes
//! no `serde_json::Value` and copies no string it does not keep.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Raw<'de> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(Cow<'de, str>),
    Array(Vec<Raw<'de>>),
    /// An object (never a case value: only its kind is reported).
    Object,
}

impl Raw<'_> {
    /// What the value is, for "must be …, not …".
    pub fn kind(&self) -> &'static str {
        match self {
            Raw::Bool(_) => "true or false",
            Raw::Number(_) => "a number",
            Raw::Str(_) => "a string",
            Raw::Array(_) => "a list",
            Raw::Object => "an object",
            Raw::Null => "null",
        }
    }

    /// A parsed JSON value, borrowed.
    pub fn of(json: &Json) -> Raw<'_> {
        match json {
            Json::Null => Raw::Null,
            Json::Bool(b) => Raw::Bool(*b),
            Json::Number(n) => Raw::Number(n.clone()),
            Json::String(s) => Raw::Str(Cow::Borrowed(s)),
            Json::Array(items) => Raw::Array(items.iter().map(Raw::of).collect()),
            Json::Object(_) => Raw::Object,
        }
    }

    /// A parsed JSON value, taken.
    pub fn owned(json: Json) -> Raw<'static> {
        match json {
            Json::Null => Raw::Null,
            Json::Bool(b) => Raw::Bool(b),
            Json::Number(n) => Raw::Number(n),
            Json::String(s) => Raw::Str(Cow::Owned(s)),
            Json::Array(items) => Raw::Array(items.into_iter().map(Raw::owned).collect()),
            Json::Object(_) => Raw::Object,
        }
    }
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, b: bool) -> Result<Raw<'de>, E> {
                Ok(Raw::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Raw<'de>, E> {
                Ok(Raw::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Raw<'de>, E> {
                Ok(Raw::Number(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Raw<'de>, E> {
                // As `serde_json::Value` reads it: JSON has no NaN or infinity.
                Ok(serde_json::Number::from_f64(n).map_or(Raw::Null, Raw::Number))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Raw<'de>, E> {
                Ok(Raw::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Raw<'de>, E> {
                Ok(Raw::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Raw<'de>, E> {
                Ok(Raw::Str(Cow::Owned(s)))
            }
            fn visit_unit<E>(self) -> Result<Raw<'de>, E> {
                Ok(Raw::Null)
            }
            fn visit_none<E>(self) -> Result<Raw<'de>, E> {
                Ok(Raw::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Raw<'de>>()? {
                    items.push(item);
                }
                Ok(Raw::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Raw::Object)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read straight from the text, a value is what reading it into a `serde_json::Value`
    /// and borrowing that gives.
    #[test]
    fn reading_agrees_with_serde_json_value() {
        for text in [
            "null",
            "true",
            "0",
            "-12",
            "18446744073709551615",
            "3.5",
            "1e400",
            "\"plain\"",
            "\"esc\\\"aped \\u00e9\"",
            "[\"a\", 1, [true], {\"x\": 1}]",
            "{\"a\": [1, 2]}",
        ] {
            let direct: Result<Raw<'_>, _> = serde_json::from_str(text);
            let via: Result<Json, _> = serde_json::from_str(text);
            match (direct, via) {
                (Ok(d), Ok(v)) => assert_eq!(d, Raw::of(&v), "{text}"),
                (d, v) => assert_eq!(d.is_err(), v.is_err(), "{text}"),
            }
        }
    }
}
