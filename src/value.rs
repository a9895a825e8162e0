//! Types and values of facts and outcomes.
//!
//! Enumeration values are stored as their index in the enumeration's list, and sets of
//! them as a bit mask (so an enumeration has at most [`MAX_VARIANTS`] values); the
//! enumeration itself is known from the type. "Unknown" is not a value: it is the `None`
//! of an `Option<Value>`.

use std::fmt;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

/// Most values one enumeration may have.
pub const MAX_VARIANTS: usize = 64;

/// Index of an enumeration in [`crate::check::Program::enums`].
pub type EnumId = usize;

/// The type of a fact or an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Integer,
    Date,
    DateTime,
    Text,
    Enum(EnumId),
    Set(EnumId),
}

impl Type {
    /// Whether values of this type can be compared with `<`.
    pub fn is_ordered(self) -> bool {
        matches!(self, Type::Integer | Type::Date | Type::DateTime)
    }
}

/// A known value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Text(Arc<str>),
    /// Index of the value in its enumeration.
    Enum(u8),
    /// Bit `i` set when the enumeration's value `i` is in the set.
    Set(u64),
}

impl Value {
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// An enumeration: the closed list of values of an enum fact, set fact or decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    pub variants: Vec<String>,
}

impl EnumDef {
    pub fn index(&self, name: &str) -> Option<u8> {
        self.variants
            .iter()
            .position(|v| v == name)
            .map(|i| i as u8)
    }

    pub fn name(&self, index: u8) -> &str {
        self.variants
            .get(index as usize)
            .map_or("?", String::as_str)
    }
}

/// A value with the enumerations needed to print it.
pub struct Display<'a> {
    pub value: &'a Value,
    pub enums: &'a [EnumDef],
    pub ty: Type,
}

impl<'a> Display<'a> {
    /// `value`, of type `ty`, as `program` writes it.
    pub fn of(value: &'a Value, program: &'a crate::check::Program, ty: Type) -> Display<'a> {
        Display {
            value,
            enums: &program.enums,
            ty,
        }
    }
}

impl fmt::Display for Display<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.value, self.ty) {
            (Value::Bool(b), _) => write!(f, "{b}"),
            (Value::Int(n), _) => write!(f, "{n}"),
            (Value::Date(d), _) => write!(f, "{}", d.format("%Y-%m-%d")),
            (Value::DateTime(d), _) => write!(f, "{}", d.format("%Y-%m-%dT%H:%M")),
            (Value::Text(t), _) => write!(f, "{t:?}"),
            (Value::Enum(i), Type::Enum(e)) => f.write_str(self.enums[e].name(*i)),
            (Value::Set(bits), Type::Set(e)) => {
                f.write_str("{")?;
                let names: Vec<&str> = set_members(*bits).map(|i| self.enums[e].name(i)).collect();
                f.write_str(&names.join(", "))?;
                f.write_str("}")
            }
            (Value::Enum(i), _) => write!(f, "#{i}"),
            (Value::Set(bits), _) => write!(f, "#{bits:b}"),
        }
    }
}

/// The indices of the members of a set value.
pub fn set_members(bits: u64) -> impl Iterator<Item = u8> {
    (0..64u8).filter(move |i| bits & (1u64 << i) != 0)
}

/// A value as JSON, in the case-file conventions of DESIGN §3.
pub fn to_json(value: &Value, ty: Type, enums: &[EnumDef]) -> serde_json::Value {
    use serde_json::Value as J;
    match (value, ty) {
        (Value::Bool(b), _) => J::Bool(*b),
        (Value::Int(n), _) => J::from(*n),
        (Value::Text(t), _) => J::String(t.to_string()),
        (Value::Set(bits), Type::Set(e)) => J::Array(
            set_members(*bits)
                .map(|i| J::String(enums[e].name(i).to_string()))
                .collect(),
        ),
        _ => J::String(Display { value, enums, ty }.to_string()),
    }
}
