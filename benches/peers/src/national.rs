//! cspr's side: the shipped national module (`working_together_2018`, built into cspr),
//! and its outcomes read back in the order of [`OUTCOMES`].

use cspr::builtin::Builtins;
use cspr::case::{self, Format};
use cspr::check::{Name, Program, check};
use cspr::eval::{Case, Engine, Evaluation};
use cspr::value::{Type, Value};

use crate::outcomes::{Kind, OUTCOMES, Outcomes};

/// Where each outcome of [`OUTCOMES`] is in an [`Evaluation`].
#[derive(Debug, Clone, Copy)]
enum Slot {
    Rule(usize),
    Duty(usize),
}

/// The national module, checked, with where its outcomes are.
pub struct National {
    pub program: Program,
    slots: Vec<Slot>,
}

impl National {
    /// The shipped module; an error names what is missing (an outcome the module no
    /// longer declares, or one whose kind changed, would make the comparison meaningless).
    pub fn load() -> Result<National, String> {
        let Some(module) = cspr::builtin::find("working_together_2018") else {
            return Err("the national module is not built in".into());
        };
        let checked = check(&module.source(), &Builtins);
        let Some(program) = checked.program else {
            return Err(format!(
                "the national module does not check: {:?}",
                checked.problems
            ));
        };
        let mut slots = Vec::new();
        for (name, kind) in OUTCOMES {
            let slot = match (program.lookup(name), kind) {
                (Some(Name::Rule(r)), Kind::Rule) if program.rules[r].ty == Type::Bool => {
                    Slot::Rule(r)
                }
                (Some(Name::Rule(r)), Kind::Decision(alternatives)) => {
                    let Type::Enum(e) = program.rules[r].ty else {
                        return Err(format!("{name} is not a decision"));
                    };
                    if program.enums[e].variants != *alternatives {
                        return Err(format!("{name}'s alternatives changed"));
                    }
                    Slot::Rule(r)
                }
                (Some(Name::Duty(d)), Kind::Duty) => Slot::Duty(d),
                _ => return Err(format!("{name} is not a {kind:?} of the national module")),
            };
            slots.push(slot);
        }
        Ok(National { program, slots })
    }

    pub fn engine(&self) -> Engine<'_> {
        Engine::new(&self.program)
    }

    /// A case file's JSON text, read as `cspr eval` reads it.
    pub fn parse(&self, text: &str) -> Result<Case, String> {
        let source = cspr::Source::new("case.json", text);
        case::parse(&self.program, &source, Format::Json).map_err(|p| format!("{p:?}"))
    }

    /// As [`National::parse`], but passing over the keys the national module does not
    /// declare (a partnership's case read under the national module).
    pub fn parse_national_facts(&self, text: &str) -> Result<Case, String> {
        let source = cspr::Source::new("case.json", text);
        let declared = |key: &str| key == "case_id" || self.program.fact_named(key).is_some();
        case::parse_skipping(&self.program, &source, Format::Json, &|k| !declared(k))
            .map(|(case, _)| case)
            .map_err(|p| format!("{p:?}"))
    }

    /// The outcomes of an evaluation, as [`Outcomes`].
    pub fn outcomes(&self, eval: &Evaluation) -> Outcomes {
        self.slots
            .iter()
            .map(|slot| match *slot {
                Slot::Rule(r) => match (&eval.outcomes[r].value, self.program.rules[r].ty) {
                    (Some(Value::Bool(b)), _) => Some(b.to_string()),
                    (Some(Value::Enum(i)), Type::Enum(e)) => {
                        Some(self.program.enums[e].name(*i).to_string())
                    }
                    _ => None,
                },
                Slot::Duty(d) => eval.duties[d].applies.map(|b| b.to_string()),
            })
            .collect()
    }
}
