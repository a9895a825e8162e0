//! Cedar's side: `national.cedar`, one authorization request per outcome (the outcome is
//! the action; a decision asks once per alternative). The case's facts are the request's
//! context.

use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request, Schema, ValidationMode,
    Validator,
};

use crate::outcomes::{Kind, OUTCOMES, Outcomes};

/// The policy text.
pub const POLICY: &str = include_str!("../national.cedar");

/// The schema the policies are validated against.
pub const SCHEMA: &str = include_str!("../national.cedarschema");

/// Validate the policies against the schema in strict mode: every fact read exists with
/// the type used, every action is declared. The errors, one a line.
pub fn validate() -> Result<(), String> {
    let (schema, _) = Schema::from_cedarschema_str(SCHEMA).map_err(|e| format!("{e:?}"))?;
    let policies = PolicySet::from_str(POLICY).map_err(|e| e.to_string())?;
    let result = Validator::new(schema).validate(&policies, ValidationMode::Strict);
    if result.validation_passed() {
        Ok(())
    } else {
        let errors: Vec<String> = result.validation_errors().map(|e| e.to_string()).collect();
        Err(errors.join("\n"))
    }
}

/// What to ask for one outcome.
enum Ask {
    /// Allowed or not.
    Yes(EntityUid),
    /// The alternatives, each with its action; exactly one should be allowed.
    OneOf(Vec<(&'static str, EntityUid)>),
}

/// The policies, parsed once, and the requests' fixed parts.
pub struct Cedar {
    policies: PolicySet,
    authorizer: Authorizer,
    entities: Entities,
    principal: EntityUid,
    resource: EntityUid,
    asks: Vec<Ask>,
}

fn uid(text: &str) -> Result<EntityUid, String> {
    EntityUid::from_str(text).map_err(|e| format!("{text}: {e}"))
}

fn action(name: &str) -> Result<EntityUid, String> {
    uid(&format!("Action::{name:?}"))
}

impl Cedar {
    pub fn new() -> Result<Cedar, String> {
        let policies = PolicySet::from_str(POLICY).map_err(|e| e.to_string())?;
        let mut asks = Vec::new();
        for (name, kind) in OUTCOMES {
            asks.push(match kind {
                Kind::Rule | Kind::Duty => Ask::Yes(action(name)?),
                Kind::Decision(alternatives) => Ask::OneOf(
                    alternatives
                        .iter()
                        .map(|a| Ok((*a, action(&format!("{name}={a}"))?)))
                        .collect::<Result<_, String>>()?,
                ),
            });
        }
        Ok(Cedar {
            policies,
            authorizer: Authorizer::new(),
            entities: Entities::empty(),
            principal: uid(r#"Partnership::"local""#)?,
            resource: uid(r#"Case::"case""#)?,
            asks,
        })
    }

    /// The request context for a case (its JSON object; `case_id` is passed along and
    /// read by no policy).
    pub fn context(case: serde_json::Value) -> Result<Context, String> {
        Context::from_json_value(case, None).map_err(|e| e.to_string())
    }

    fn allowed(&self, action: &EntityUid, context: &Context) -> Result<bool, String> {
        let request = Request::new(
            self.principal.clone(),
            action.clone(),
            self.resource.clone(),
            context.clone(),
            None,
        )
        .map_err(|e| e.to_string())?;
        let response = self
            .authorizer
            .is_authorized(&request, &self.policies, &self.entities);
        // A policy that fails to evaluate (a missing fact) is skipped by Cedar and would
        // read as "not allowed": say so instead.
        if let Some(error) = response.diagnostics().errors().next() {
            return Err(error.to_string());
        }
        Ok(response.decision() == Decision::Allow)
    }

    /// Every request's answer for one case, in order: one `is_authorized` per rule and
    /// duty, one per alternative of the decision.
    pub fn answers(&self, context: &Context) -> Result<Vec<bool>, String> {
        let mut out = Vec::with_capacity(self.asks.len() + 8);
        for ask in &self.asks {
            match ask {
                Ask::Yes(action) => out.push(self.allowed(action, context)?),
                Ask::OneOf(alternatives) => {
                    for (_, action) in alternatives {
                        out.push(self.allowed(action, context)?);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Every outcome for one case, as [`Outcomes`] (a decision with no alternative or
    /// several allowed is `None`).
    pub fn outcomes(&self, context: &Context) -> Result<Outcomes, String> {
        let answers = self.answers(context)?;
        let mut next = answers.iter();
        let mut out = Vec::with_capacity(self.asks.len());
        for ask in &self.asks {
            out.push(match ask {
                Ask::Yes(_) => next.next().map(bool::to_string),
                Ask::OneOf(alternatives) => {
                    let allowed: Vec<&str> = alternatives
                        .iter()
                        .filter(|_| next.next() == Some(&true))
                        .map(|(name, _)| *name)
                        .collect();
                    match allowed[..] {
                        [one] => Some(one.to_string()),
                        _ => None,
                    }
                }
            });
        }
        Ok(out)
    }
}
