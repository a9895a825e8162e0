# The boolean/enum logic of policies/working-together-2018.policy (the national module),
# hand-encoded in Rego v1 for the peer benchmark. Each rule names the cspr rule, decision
# or duty it mirrors. The input is a case file as cspr reads it (DESIGN §3): one object
# whose keys are fact names.
#
# Encoded: every rule, the decision `local_review_basis`, and whether each duty applies
# (its `when` condition). Left out: deadlines, due dates, `done` facts and statuses (dates
# and working-day calendars), and Kleene's unknowns: the benchmark's cases are complete over
# the facts read here, so "undefined" never stands for "unknown".
package cspr.national

# --- Rules ------------------------------------------------------------------------------

# mirrors rule serious_child_safeguarding_case (WT18 ch.4 para 10)
default serious_child_safeguarding_case := false

serious_child_safeguarding_case if {
	input.abuse_or_neglect in {"known", "suspected"}
	harmed_or_died
}

harmed_or_died if input.child_died

harmed_or_died if input.child_seriously_harmed

# mirrors rule harmed_in_area (CA2004 s16C(1)(a))
default harmed_in_area := false

harmed_in_area if input.incident_location == "in_area"

# mirrors rule harmed_outside_england_while_resident (CA2004 s16C(1)(b))
default harmed_outside_england_while_resident := false

harmed_outside_england_while_resident if {
	input.incident_location == "outside_england"
	input.normally_resident_in_area
}

# mirrors rule notifiable_incident (CA2004 s16C(1))
default notifiable_incident := false

notifiable_incident if {
	serious_child_safeguarding_case
	harmed_in_area
}

notifiable_incident if {
	serious_child_safeguarding_case
	harmed_outside_england_while_resident
}

# mirrors rule meets_local_review_criteria (WT18 ch.4 pp.87-88)
default meets_local_review_criteria := false

meets_local_review_criteria if {
	serious_child_safeguarding_case
	some criterion in [
		"highlights_improvements_needed",
		"highlights_recurrent_themes",
		"highlights_interagency_concerns",
		"panel_recommends_local_review",
	]
	input[criterion] == true
}

# mirrors rule in_institutional_setting (WT18 ch.4 pp.87-88, OMG have regard)
default in_institutional_setting := false

in_institutional_setting if input.setting in {
	"childrens_home", "residential_setting", "police_custody", "custody",
	"young_offender_institution", "secure_training_centre", "secure_childrens_home",
	"mental_health_act_detention", "deprivation_of_liberty",
}

# mirrors rule in_custody_or_detention (WT18 ch.4 pp.87-88, OMG have regard)
default in_custody_or_detention := false

in_custody_or_detention if input.setting in {
	"police_custody", "custody", "young_offender_institution", "secure_training_centre",
	"secure_childrens_home", "mental_health_act_detention", "deprivation_of_liberty",
}

# mirrors rule have_regard_circumstances (WT18 ch.4 pp.87-88)
default have_regard_circumstances := false

have_regard_circumstances if input.single_agency_concern

have_regard_circumstances if input.no_agency_involvement_concern

have_regard_circumstances if input.multiple_areas_involved

have_regard_circumstances if in_institutional_setting

# mirrors rule panel_have_regard_circumstances (WT18 ch.4, LSCP ch.4)
default panel_have_regard_circumstances := false

panel_have_regard_circumstances if {
	serious_child_safeguarding_case
	panel_circumstance
}

panel_circumstance if input.educated_otherwise_than_at_school

panel_circumstance if input.child_looked_after

panel_circumstance if input.on_child_protection_plan

panel_circumstance if input.multiple_abuse_types

panel_circumstance if in_institutional_setting

# --- The decision: the first alternative whose condition holds (Rego's `else` chain) -----

# mirrors decision local_review_basis (WT18 ch.4 pp.87-88)
local_review_basis := "criteria_met" if {
	meets_local_review_criteria
} else := "have_regard_circumstances_only" if {
	serious_child_safeguarding_case
	have_regard_circumstances
} else := "criteria_not_met" if {
	serious_child_safeguarding_case
} else := "discretionary_local_importance" if {
	discretionary_local_importance
} else := "not_a_serious_case"

discretionary_local_importance if input.local_importance

discretionary_local_importance if input.good_practice_learning

discretionary_local_importance if input.near_miss

# --- Whether each duty applies (its `when`; deadlines left out) --------------------------

# mirrors duty notify_national_panel and duty notify_safeguarding_partners (when notifiable_incident)
default notify_national_panel := false

notify_national_panel if notifiable_incident

default notify_safeguarding_partners := false

notify_safeguarding_partners if notifiable_incident

# mirrors duty notify_secretary_of_state_and_ofsted (when child_died and child_looked_after)
default notify_secretary_of_state_and_ofsted := false

notify_secretary_of_state_and_ofsted if {
	input.child_died
	input.child_looked_after
}

# mirrors duty consider_local_review and duty decide_on_local_review (when serious_child_safeguarding_case)
default consider_local_review := false

consider_local_review if serious_child_safeguarding_case

default decide_on_local_review := false

decide_on_local_review if serious_child_safeguarding_case

# mirrors duty notify_local_review_decision and duty decide_transparently
# (when serious_child_safeguarding_case or local_review_undertaken)
default decision_on_review_taken := false

decision_on_review_taken if serious_child_safeguarding_case

decision_on_review_taken if input.local_review_undertaken

# mirrors the ten duties `when local_review_undertaken`: appoint_independent_reviewer,
# agree_review_method, keep_review_proportionate, ensure_practitioners_involved,
# ensure_family_invited, ensure_final_report_contents, make_recommendations_clear,
# name_reviewer_in_report, publish_local_review, keep_local_review_published
default review_undertaken := false

review_undertaken if input.local_review_undertaken == true

# --- Every outcome, in the order of peers' OUTCOMES (src/outcomes.rs) --------------------

outcomes := {
	"serious_child_safeguarding_case": serious_child_safeguarding_case,
	"harmed_in_area": harmed_in_area,
	"harmed_outside_england_while_resident": harmed_outside_england_while_resident,
	"notifiable_incident": notifiable_incident,
	"meets_local_review_criteria": meets_local_review_criteria,
	"in_institutional_setting": in_institutional_setting,
	"in_custody_or_detention": in_custody_or_detention,
	"have_regard_circumstances": have_regard_circumstances,
	"local_review_basis": local_review_basis,
	"panel_have_regard_circumstances": panel_have_regard_circumstances,
	"notify_national_panel": notify_national_panel,
	"notify_safeguarding_partners": notify_safeguarding_partners,
	"notify_secretary_of_state_and_ofsted": notify_secretary_of_state_and_ofsted,
	"consider_local_review": consider_local_review,
	"decide_on_local_review": decide_on_local_review,
	"notify_local_review_decision": decision_on_review_taken,
	"decide_transparently": decision_on_review_taken,
	"appoint_independent_reviewer": review_undertaken,
	"agree_review_method": review_undertaken,
	"keep_review_proportionate": review_undertaken,
	"ensure_practitioners_involved": review_undertaken,
	"ensure_family_invited": review_undertaken,
	"ensure_final_report_contents": review_undertaken,
	"make_recommendations_clear": review_undertaken,
	"name_reviewer_in_report": review_undertaken,
	"publish_local_review": review_undertaken,
	"keep_local_review_published": review_undertaken,
}
