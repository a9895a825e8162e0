//! The outcomes every engine answers, in one order: the national module's rules and its
//! decision (in declaration order), then whether each of its duties applies.

/// What an outcome is in cspr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A yes/no rule.
    Rule,
    /// A decision, with its alternatives in order (the first whose condition holds wins).
    Decision(&'static [&'static str]),
    /// Whether a duty applies.
    Duty,
}

/// The alternatives of `local_review_basis`, in the policy's order.
pub const LOCAL_REVIEW_BASIS: &[&str] = &[
    "criteria_met",
    "have_regard_circumstances_only",
    "criteria_not_met",
    "discretionary_local_importance",
    "not_a_serious_case",
];

/// Every outcome encoded, by its name in policies/working-together-2018.policy.
pub const OUTCOMES: &[(&str, Kind)] = &[
    ("serious_child_safeguarding_case", Kind::Rule),
    ("harmed_in_area", Kind::Rule),
    ("harmed_outside_england_while_resident", Kind::Rule),
    ("notifiable_incident", Kind::Rule),
    ("meets_local_review_criteria", Kind::Rule),
    ("in_institutional_setting", Kind::Rule),
    ("in_custody_or_detention", Kind::Rule),
    ("have_regard_circumstances", Kind::Rule),
    ("local_review_basis", Kind::Decision(LOCAL_REVIEW_BASIS)),
    ("panel_have_regard_circumstances", Kind::Rule),
    ("notify_national_panel", Kind::Duty),
    ("notify_safeguarding_partners", Kind::Duty),
    ("notify_secretary_of_state_and_ofsted", Kind::Duty),
    ("consider_local_review", Kind::Duty),
    ("decide_on_local_review", Kind::Duty),
    ("notify_local_review_decision", Kind::Duty),
    ("decide_transparently", Kind::Duty),
    ("appoint_independent_reviewer", Kind::Duty),
    ("agree_review_method", Kind::Duty),
    ("keep_review_proportionate", Kind::Duty),
    ("ensure_practitioners_involved", Kind::Duty),
    ("ensure_family_invited", Kind::Duty),
    ("ensure_final_report_contents", Kind::Duty),
    ("make_recommendations_clear", Kind::Duty),
    ("name_reviewer_in_report", Kind::Duty),
    ("publish_local_review", Kind::Duty),
    ("keep_local_review_published", Kind::Duty),
];

/// One engine's answers, one per entry of [`OUTCOMES`]: `"true"`, `"false"`, or the
/// decision's alternative; `None` where the engine gave no answer (undetermined in cspr,
/// undefined in Rego, no or several alternatives allowed in Cedar).
pub type Outcomes = Vec<Option<String>>;
