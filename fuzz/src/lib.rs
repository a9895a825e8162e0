//! What the fuzz targets share: the shipped programs, checked once, and running every
//! stage after evaluation (explanations, due dates, statuses and every renderer).

use std::sync::OnceLock;

use chrono::NaiveDate;
use cspr::builtin::{Builtins, MODULES};
use cspr::check::{Program, check};
use cspr::eval::Evaluation;
use cspr::eval::explain::{Explainer, render, top_level};
use cspr::report;

/// Every shipped module, checked (each is clean; the tests make sure).
pub fn programs() -> &'static [Program] {
    static PROGRAMS: OnceLock<Vec<Program>> = OnceLock::new();
    PROGRAMS.get_or_init(|| {
        MODULES
            .iter()
            .filter_map(|m| check(&m.source(), &Builtins).program)
            .collect()
    })
}

/// A day to judge statuses on, from two bytes: 2010 to about 2040, so some days fall
/// before the calendar's first year.
pub fn day(a: u8, b: u8) -> NaiveDate {
    let n = i64::from(u16::from_le_bytes([a, b]) % 11_000);
    NaiveDate::from_ymd_opt(2010, 1, 1)
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(n)))
        .unwrap_or(NaiveDate::MIN)
}

/// Explain every outcome and duty (and "why not" each value of each decision), and
/// render the evaluation every way the CLI can: text, JSON (both writers), timeline
/// text, JSON and iCalendar.
pub fn exercise(program: &Program, eval: &Evaluation, as_of: NaiveDate) {
    for r in 0..program.rules.len() {
        let tree = Explainer::new(program, eval).rule(r);
        let _ = render(program, &tree);
        let _ = report::tree_json(program, &tree);
        if let cspr::value::Type::Enum(e) = program.rules[r].ty {
            for v in &program.enums[e].variants {
                if let Ok(t) = Explainer::new(program, eval).why_not(r, v) {
                    let _ = render(program, &t);
                }
            }
        }
    }
    let _ = top_level(program);
    for d in 0..program.duties.len() {
        let tree = Explainer::new(program, eval).duty(d);
        let _ = render(program, &tree);
        let _ = report::DeadlineView::new(program, eval, d, as_of).describe();
    }
    let _ = report::eval_text(program, eval, as_of);
    let json = report::eval_json(program, eval, as_of);
    assert!(
        serde_json::from_str::<serde_json::Value>(&json).is_ok(),
        "the JSON writer wrote something that is not JSON: {json}"
    );
    let _ = report::timeline::timeline_text(program, eval, as_of);
    let _ = report::timeline::timeline_json(program, eval, as_of);
    let _ = report::timeline::timeline_ics(program, eval, as_of);
}

/// A value of type `ty` for a case file, chosen by `pick`: every value of a bool or a
/// list, dates from mid-2014 (before the calendar) to about 2021, small whole numbers.
pub fn value_json(program: &Program, ty: cspr::value::Type, pick: u32) -> serde_json::Value {
    use cspr::value::Type;
    use serde_json::Value as J;
    let date = |p: u32| {
        NaiveDate::from_ymd_opt(2014, 6, 1)
            .and_then(|d| d.checked_add_signed(chrono::Duration::days(i64::from(p % 2500))))
            .unwrap_or(NaiveDate::MIN)
    };
    match ty {
        Type::Bool => J::Bool(pick.is_multiple_of(2)),
        Type::Integer => J::from(i64::from(pick % 40) - 5),
        Type::Date => J::String(date(pick).format("%Y-%m-%d").to_string()),
        Type::DateTime => J::String(format!(
            "{}T{:02}:{:02}",
            date(pick / 1440).format("%Y-%m-%d"),
            (pick / 60) % 24,
            pick % 60
        )),
        Type::Text => J::String(format!("text {}", pick % 3)),
        Type::Enum(e) => {
            let vs = &program.enums[e].variants;
            J::String(vs[pick as usize % vs.len().max(1)].clone())
        }
        Type::Set(e) => {
            let vs = &program.enums[e].variants;
            J::Array(
                vs.iter()
                    .enumerate()
                    .filter(|(i, _)| pick >> (i % 32) & 1 == 1)
                    .map(|(_, v)| J::String(v.clone()))
                    .collect(),
            )
        }
    }
}

/// Every value a fact of a finite type can take (bools and lists; sets of up to four
/// values), or `None` for types with too many values to try.
pub fn all_values(program: &Program, ty: cspr::value::Type) -> Option<Vec<serde_json::Value>> {
    use cspr::value::Type;
    match ty {
        Type::Bool => Some(vec![true.into(), false.into()]),
        Type::Enum(e) => Some(
            program.enums[e]
                .variants
                .iter()
                .map(|v| v.clone().into())
                .collect(),
        ),
        Type::Set(e) if program.enums[e].variants.len() <= 4 => Some(
            (0..1u32 << program.enums[e].variants.len())
                .map(|p| value_json(program, ty, p))
                .collect(),
        ),
        _ => None,
    }
}
