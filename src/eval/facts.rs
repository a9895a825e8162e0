//! A case: what is known of one incident, as the facts of one program.
//!
//! A case indexes its program's facts by position, so it is tied to the program it was
//! built for: it carries that program's [`ProgramKey`], and an [`super::Engine`] refuses
//! a case built for another program (a clear error, never an index out of bounds). To
//! take a case from one procedure to another, [`Case::translate`] carries each fact over
//! by its name and its value by name, and lists what did not carry.

use crate::check::{FactId, Program, ProgramKey, type_name};
use crate::value::{Display, Type, Value, set_members};

/// A case: a value or unknown for every fact of one program.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: Option<String>,
    facts: Vec<Option<Value>>,
    program: ProgramKey,
}

/// Why a value could not be set in a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("the case was built for another procedure")]
    WrongProgram,
    #[error("no fact number {0} in this procedure")]
    NoSuchFact(FactId),
    #[error("`{fact}` expects {expected}")]
    WrongType { fact: String, expected: String },
}

/// A fact of the old case that the new program could not take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotCarried {
    /// The new procedure has no fact of this name.
    NoSuchFact { fact: String, value: String },
    /// The fact exists but its type differs, or the value is not one of its values.
    ValueNotAllowed {
        fact: String,
        value: String,
        expected: String,
    },
}

impl NotCarried {
    pub fn fact(&self) -> &str {
        match self {
            NotCarried::NoSuchFact { fact, .. } | NotCarried::ValueNotAllowed { fact, .. } => fact,
        }
    }
}

impl std::fmt::Display for NotCarried {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotCarried::NoSuchFact { fact, value } => {
                write!(f, "`{fact} = {value}`: not a fact of this procedure")
            }
            NotCarried::ValueNotAllowed {
                fact,
                value,
                expected,
            } => write!(f, "`{fact} = {value}`: here `{fact}` expects {expected}"),
        }
    }
}

impl Case {
    /// A case of `program` where nothing is known.
    pub fn empty(program: &Program) -> Case {
        Case {
            id: None,
            facts: vec![None; program.facts.len()],
            program: program.key(),
        }
    }

    /// Whether this case was built for `program` (and so can be evaluated by it).
    pub fn is_for(&self, program: &Program) -> bool {
        self.program == program.key() && self.facts.len() == program.facts.len()
    }

    /// The key of the program this case was built for.
    pub fn program_key(&self) -> ProgramKey {
        self.program
    }

    /// Every fact's value or unknown, by fact id.
    pub fn facts(&self) -> &[Option<Value>] {
        &self.facts
    }

    /// A fact's value, `None` when unknown (or not a fact of this case's program).
    pub fn get(&self, fact: FactId) -> Option<&Value> {
        self.facts.get(fact).and_then(Option::as_ref)
    }

    /// Give (or with `None`, forget) a fact's value, checking that `program` is this
    /// case's and the value has the fact's type. Returns the value it replaces.
    pub fn set(
        &mut self,
        program: &Program,
        fact: FactId,
        value: Option<Value>,
    ) -> Result<Option<Value>, SetError> {
        if !self.is_for(program) {
            return Err(SetError::WrongProgram);
        }
        let def = program.facts.get(fact).ok_or(SetError::NoSuchFact(fact))?;
        if let Some(v) = &value
            && !fits(v, def.ty, program)
        {
            return Err(SetError::WrongType {
                fact: def.name.clone(),
                expected: type_name(def.ty, &program.enums),
            });
        }
        let slot = self.facts.get_mut(fact).ok_or(SetError::NoSuchFact(fact))?;
        Ok(std::mem::replace(slot, value))
    }

    /// Set a fact the caller has already type-checked against this case's program.
    pub(crate) fn put(&mut self, fact: FactId, value: Value) {
        if let Some(slot) = self.facts.get_mut(fact) {
            *slot = Some(value);
        }
    }

    /// The facts, for evaluation; the caller has checked the case is for its program.
    pub(crate) fn into_parts(self) -> (Option<String>, Vec<Option<Value>>) {
        (self.id, self.facts)
    }

    /// This case as a case of another program: each known fact carried over by its name,
    /// enumeration values by their names. What the other program cannot take is listed,
    /// in `from`'s declaration order, and left out.
    pub fn translate(&self, from: &Program, to: &Program) -> (Case, Vec<NotCarried>) {
        let mut out = Case::empty(to);
        out.id = self.id.clone();
        let mut lost = Vec::new();
        for (f, value) in self.facts.iter().enumerate() {
            let (Some(value), Some(def)) = (value, from.facts.get(f)) else {
                continue;
            };
            let shown = Display::of(value, from, def.ty).to_string();
            let Some(g) = to.fact_named(&def.name) else {
                lost.push(NotCarried::NoSuchFact {
                    fact: def.name.clone(),
                    value: shown,
                });
                continue;
            };
            let Some(target) = to.facts.get(g) else {
                continue;
            };
            match carry(value, def.ty, from, target.ty, to) {
                Some(v) => out.put(g, v),
                None => lost.push(NotCarried::ValueNotAllowed {
                    fact: def.name.clone(),
                    value: shown,
                    expected: type_name(target.ty, &to.enums),
                }),
            }
        }
        (out, lost)
    }
}

/// Whether `value` is a value of type `ty` in `program`.
pub fn fits(value: &Value, ty: Type, program: &Program) -> bool {
    let variants = |e: usize| program.enums.get(e).map_or(0, |d| d.variants.len());
    match (value, ty) {
        (Value::Bool(_), Type::Bool)
        | (Value::Int(_), Type::Integer)
        | (Value::Date(_), Type::Date)
        | (Value::DateTime(_), Type::DateTime)
        | (Value::Text(_), Type::Text) => true,
        (Value::Enum(i), Type::Enum(e)) => usize::from(*i) < variants(e),
        (Value::Set(bits), Type::Set(e)) => {
            set_members(*bits).all(|i| usize::from(i) < variants(e))
        }
        _ => false,
    }
}

/// A value of `from_ty` in `from` as a value of `to_ty` in `to`, by name for enumerations.
fn carry(value: &Value, from_ty: Type, from: &Program, to_ty: Type, to: &Program) -> Option<Value> {
    let name = |e: usize, i: u8| from.enums.get(e).map(|d| d.name(i));
    match (value, from_ty, to_ty) {
        (Value::Enum(i), Type::Enum(a), Type::Enum(b)) => {
            to.enums.get(b)?.index(name(a, *i)?).map(Value::Enum)
        }
        (Value::Set(bits), Type::Set(a), Type::Set(b)) => {
            let target = to.enums.get(b)?;
            let mut out = 0u64;
            for i in set_members(*bits) {
                out |= 1u64 << target.index(name(a, i)?)?;
            }
            Some(Value::Set(out))
        }
        (Value::Enum(_) | Value::Set(_), ..) => None,
        _ if fits(value, to_ty, to) => Some(value.clone()),
        _ => None,
    }
}
