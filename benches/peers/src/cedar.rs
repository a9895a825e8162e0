//! Cedar's side: `national.cedar`, one authorization request per outcome (the outcome is
//! the action; a decision asks once per alternative). The case's facts are the request's
//! context.

use std::str::FromStr;

use cedar_policy::{
    ActionConstraint, Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request,
    Schema, ValidationMode, Validator,
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

/// One request's action, and the policies it is asked against when sliced.
struct Req {
    action: EntityUid,
    slice: Option<PolicySet>,
}

/// What to ask for one outcome.
enum Ask {
    /// Allowed or not.
    Yes(Box<Req>),
    /// The alternatives, each with its request; exactly one should be allowed.
    OneOf(Vec<(&'static str, Req)>),
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

/// The policies whose action scope can match `action` (Cedar's authorizer evaluates every
/// policy of the set it is given on every request; a slice is what an application that
/// indexes its policies by action would pass).
fn slice(policies: &PolicySet, action: &EntityUid) -> Result<PolicySet, String> {
    let mut slice = PolicySet::new();
    for policy in policies.policies() {
        let matches = match policy.action_constraint() {
            ActionConstraint::Any => true,
            ActionConstraint::Eq(a) => a == *action,
            ActionConstraint::In(list) => list.contains(action),
        };
        if matches {
            slice.add(policy.clone()).map_err(|e| e.to_string())?;
        }
    }
    Ok(slice)
}

impl Cedar {
    /// Every request asked against the whole policy set.
    pub fn new() -> Result<Cedar, String> {
        Cedar::build(false)
    }

    /// Every request asked against only the policies that name its action.
    pub fn sliced() -> Result<Cedar, String> {
        Cedar::build(true)
    }

    fn build(sliced: bool) -> Result<Cedar, String> {
        let policies = PolicySet::from_str(POLICY).map_err(|e| e.to_string())?;
        let req = |name: &str| -> Result<Req, String> {
            let action = action(name)?;
            let slice = if sliced {
                Some(slice(&policies, &action)?)
            } else {
                None
            };
            Ok(Req { action, slice })
        };
        let mut asks = Vec::new();
        for (name, kind) in OUTCOMES {
            asks.push(match kind {
                Kind::Rule | Kind::Duty => Ask::Yes(Box::new(req(name)?)),
                Kind::Decision(alternatives) => Ask::OneOf(
                    alternatives
                        .iter()
                        .map(|a| Ok((*a, req(&format!("{name}={a}"))?)))
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

    fn allowed(&self, req: &Req, context: &Context) -> Result<bool, String> {
        let request = Request::new(
            self.principal.clone(),
            req.action.clone(),
            self.resource.clone(),
            context.clone(),
            None,
        )
        .map_err(|e| e.to_string())?;
        let response = self.authorizer.is_authorized(
            &request,
            req.slice.as_ref().unwrap_or(&self.policies),
            &self.entities,
        );
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
                Ask::Yes(req) => out.push(self.allowed(req, context)?),
                Ask::OneOf(alternatives) => {
                    for (_, req) in alternatives {
                        out.push(self.allowed(req, context)?);
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
