//! Structured cases: `arbitrary` fact assignments for each shipped procedure, checked
//! against the invariants of evaluation (docs/reliability.md):
//!
//! 1. no panic, at any stage;
//! 2. monotonicity: an outcome (or whether a duty applies, or its due date) determined
//!    while fact X is unknown keeps its value whatever X is then given;
//! 3. every fact listed as missing for an undetermined outcome is unknown in the case, and
//!    matters: some completion of the missing facts where changing only that fact changes
//!    the outcome (tried where the missing facts are bools or lists, at most 64 answers,
//!    one outcome per input);
//! 4. the text and JSON outputs agree on every outcome value and on whether each duty applies.
#![no_main]

use arbitrary::Arbitrary;
use cspr::case::{Format, parse};
use cspr::check::Program;
use cspr::diagnostic::Source;
use cspr::eval::{Engine, Evaluation};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value as J};

#[derive(Debug, Arbitrary)]
struct Input {
    procedure: u8,
    facts: Vec<(u16, u32)>,
    then_give: u16,
    then_value: u32,
    as_of: (u8, u8),
    /// Which outcome's missing facts to try every completion of (one per input: each
    /// completion is an evaluation).
    check_missing: u16,
}

fn evaluate(program: &Program, case: &Map<String, J>) -> Option<Evaluation> {
    let text = serde_json::to_string(case).ok()?;
    let parsed = parse(program, &Source::new("case.json", text), Format::Json);
    let case = parsed.unwrap_or_else(|ps| panic!("a well-typed case was refused: {ps:?}"));
    Engine::new(program).evaluate(&case).ok()
}

fuzz_target!(|input: Input| {
    let programs = cspr_fuzz::programs();
    let Some(program) = programs.get(input.procedure as usize % programs.len().max(1)) else {
        return;
    };
    let n = program.facts.len();
    if n == 0 {
        return;
    }
    let mut case = Map::new();
    for (f, pick) in input.facts.iter().take(40) {
        let fact = &program.facts[*f as usize % n];
        case.insert(
            fact.name.clone(),
            cspr_fuzz::value_json(program, fact.ty, *pick),
        );
    }
    let Some(eval) = evaluate(program, &case) else {
        return;
    };
    let as_of = cspr_fuzz::day(input.as_of.0, input.as_of.1);
    cspr_fuzz::exercise(program, &eval, as_of);
    text_and_json_agree(program, &eval, as_of);

    // Monotonicity: give one more fact.
    let x = &program.facts[input.then_give as usize % n];
    if !case.contains_key(&x.name) {
        let mut more = case.clone();
        more.insert(
            x.name.clone(),
            cspr_fuzz::value_json(program, x.ty, input.then_value),
        );
        if let Some(after) = evaluate(program, &more) {
            for (r, (o, a)) in eval.outcomes.iter().zip(&after.outcomes).enumerate() {
                if o.value.is_some() {
                    assert_eq!(
                        o.value, a.value,
                        "`{}` changed when `{}` was given",
                        program.rules[r].name, x.name
                    );
                }
            }
            for (d, (o, a)) in eval.duties.iter().zip(&after.duties).enumerate() {
                let name = &program.duties[d].name;
                if o.applies.is_some() {
                    assert_eq!(
                        o.applies, a.applies,
                        "whether `{name}` applies changed when `{}` was given",
                        x.name
                    );
                }
                if o.due.is_some() && a.applies != Some(false) {
                    assert_eq!(
                        o.due, a.due,
                        "the due date of `{name}` changed when `{}` was given",
                        x.name
                    );
                }
            }
        }
    }

    // Missing facts are unknown, and each matters.
    for (r, o) in eval.outcomes.iter().enumerate() {
        for f in &o.missing {
            assert!(
                eval.facts[*f].is_none(),
                "`{}` is listed missing but given",
                program.facts[*f].name
            );
        }
        if usize::from(input.check_missing) % program.rules.len().max(1) == r && o.value.is_none() {
            each_missing_fact_matters(program, &case, r, &o.missing);
        }
    }
    for o in &eval.duties {
        for f in &o.missing {
            assert!(
                eval.facts[*f].is_none(),
                "`{}` is listed missing but given",
                program.facts[*f].name
            );
        }
    }
});

/// Try every completion of the missing facts (when they are few and finite): each missing
/// fact must change the outcome in some completion where only it differs.
fn each_missing_fact_matters(
    program: &Program,
    case: &Map<String, J>,
    r: usize,
    missing: &[usize],
) {
    let mut domains = Vec::new();
    let mut size = 1usize;
    for f in missing {
        let Some(values) = cspr_fuzz::all_values(program, program.facts[*f].ty) else {
            return;
        };
        size = size.saturating_mul(values.len());
        domains.push(values);
    }
    if size > 64 || missing.is_empty() {
        return;
    }
    // The outcome under every completion, indexed in mixed radix.
    let mut results = Vec::with_capacity(size);
    for i in 0..size {
        let mut full = case.clone();
        let mut k = i;
        for (f, values) in missing.iter().zip(&domains) {
            full.insert(
                program.facts[*f].name.clone(),
                values[k % values.len()].clone(),
            );
            k /= values.len();
        }
        let Some(e) = evaluate(program, &full) else {
            return;
        };
        results.push(e.outcomes[r].value.clone());
    }
    let mut stride = 1;
    for (f, values) in missing.iter().zip(&domains) {
        let len = values.len();
        let matters = (0..size).any(|i| {
            let digit = (i / stride) % len;
            (0..len).any(|v| v != digit && results[i] != results[i - digit * stride + v * stride])
        });
        assert!(
            matters,
            "`{}` is listed missing for `{}` but no answer to it changes the outcome",
            program.facts[*f].name, program.rules[r].name
        );
        stride *= len;
    }
}

/// The text report and the JSON agree on every outcome value and on whether each duty applies.
fn text_and_json_agree(program: &Program, eval: &Evaluation, as_of: chrono::NaiveDate) {
    let text = cspr::report::eval_text(program, eval, as_of);
    let json: J = serde_json::from_str(&cspr::report::eval_json(program, eval, as_of))
        .unwrap_or_else(|e| panic!("the JSON output does not parse: {e}"));
    let (outcomes_text, duties_text) = text
        .split_once("\nDuties\n")
        .unwrap_or_else(|| panic!("no Duties section"));
    for rule in &program.rules {
        let value = &json["outcomes"][&rule.name]["value"];
        // The text shows each outcome by its label (the JSON's `label`), then the value
        // after a column gap of at least two spaces.
        let label = json["outcomes"][&rule.name]["label"]
            .as_str()
            .unwrap_or_else(|| panic!("no JSON label for `{}`", rule.name));
        let shown = outcomes_text
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(label)?.strip_prefix("  "))
            .unwrap_or_else(|| panic!("no text line for `{}` ({label})", rule.name))
            .trim_start();
        let agrees = match value {
            J::Null => shown.starts_with("undetermined"),
            J::Bool(b) => shown.starts_with(&b.to_string()),
            J::String(s) => shown.starts_with(s.as_str()),
            J::Number(n) => shown.starts_with(&n.to_string()),
            J::Array(items) => items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| shown.contains(s))),
            J::Object(_) => false,
        };
        assert!(
            agrees,
            "`{}`: text says `{shown}`, JSON says {value}",
            rule.name
        );
    }
    for (d, duty) in program.duties.iter().enumerate() {
        let applies = &json["duties"][d]["applies"];
        let label = json["duties"][d]["label"]
            .as_str()
            .unwrap_or_else(|| panic!("no JSON label for duty `{}`", duty.name));
        let word = match applies {
            J::Bool(true) => "applies",
            J::Bool(false) => "does not apply",
            _ => "may apply",
        };
        let found = duties_text.lines().any(|l| {
            let t = l.trim_start();
            t.strip_prefix(word).is_some_and(|rest| {
                rest.starts_with(' ')
                    && rest
                        .trim_start()
                        .strip_prefix(label)
                        .is_some_and(|r| r.starts_with("  "))
            })
        });
        assert!(
            found,
            "duty `{}`: JSON says applies = {applies}, text does not",
            duty.name
        );
    }
}
