//! The regression report (`cspr test --guidance EDITION`): one scenario run twice, on
//! the procedure as written and on the procedure rebased onto another edition of the
//! guidance, and every expectation whose result moved between the two.
//!
//! A scenario is run on each side by the one runner, [`super::suite::run_pair`]:
//! compiled against that side's program (so an expectation pinned `under` the other
//! edition is compiled where its names resolve, but not checked), evaluated, and every
//! expectation observed whether or not it is in force. [`compare`] then pairs the two sides expectation by expectation (by
//! where the `expect` is written) and keeps those whose actual value differs, or which
//! fail on the edition asked for.
//!
//! Worked example: `expect notify due 2024-03-11` holds on `base` (5 working days) and
//! fails on `base_next` (10 working days, due 2024-03-18): one changed expectation, with
//! both values. Adding `expect notify due 2024-03-18 under base_next` pins the new value:
//! on `base_next` the pinned line is checked instead of the unpinned one (the `under`
//! rule, [`super::in_force`]), the scenario passes, and both lines are still listed as
//! changed, so the report shows what the edition moves even when the suite expects it.

use crate::check::Name;
use crate::span::Span;
use crate::syntax::ast;

use super::Run;

/// One side of a row of the report.
#[derive(Debug, Clone)]
pub struct Side {
    /// Checked on this side's edition (see [`super::in_force`]).
    pub in_force: bool,
    pub holds: bool,
    pub actual: String,
    /// The rule or duty to explain, in this side's program.
    pub subject: Option<Name>,
}

/// One expectation of a scenario, on both sides.
#[derive(Debug, Clone)]
pub struct Row {
    /// Where the `expect` is written.
    pub span: Span,
    pub expected: String,
    /// `None` when the expectation's names do not resolve on that side (only possible
    /// for one not in force there).
    pub before: Option<Side>,
    pub after: Option<Side>,
    /// The actual value differs between the two sides.
    pub changed: bool,
}

impl Row {
    /// Checked on one of the two editions only: pinned `under` an edition, or set aside
    /// on one by such a pin.
    pub fn pinned(&self) -> bool {
        let in_force = |s: &Option<Side>| s.as_ref().is_some_and(|s| s.in_force);
        in_force(&self.before) != in_force(&self.after)
    }

    /// Checked on the edition asked for, and does not hold.
    pub fn fails_after(&self) -> bool {
        self.after.as_ref().is_some_and(|s| s.in_force && !s.holds)
    }
}

/// The rows worth reporting: each expectation whose actual value changed between
/// `before` (as written) and `after` (rebased), and each one that fails after. Empty
/// when either side did not evaluate (the caller reports that as a whole).
pub fn compare(scenario: &ast::Scenario, before: &Run, after: &Run) -> Vec<Row> {
    let mut rows = Vec::new();
    for e in &scenario.expects {
        let side = |run: &Run| {
            run.at(e.span).map(|(c, o)| Side {
                in_force: c.in_force,
                holds: o.holds,
                actual: o.failure.actual.clone(),
                subject: o.failure.subject,
            })
        };
        let expected = before
            .at(e.span)
            .or_else(|| after.at(e.span))
            .map(|(_, o)| o.failure.expected.clone());
        let Some(expected) = expected else { continue };
        let (b, a) = (side(before), side(after));
        let in_force_somewhere = [&b, &a]
            .iter()
            .any(|s| s.as_ref().is_some_and(|s| s.in_force));
        let changed = in_force_somewhere
            && match (&b, &a) {
                (Some(b), Some(a)) => canonical(&b.actual) != canonical(&a.actual),
                _ => true,
            };
        let row = Row {
            span: e.span,
            expected,
            before: b,
            after: a,
            changed,
        };
        if row.changed || row.fails_after() {
            rows.push(row);
        }
    }
    rows
}

/// An actual value with every `{…}` list sorted, so that two programs listing the same
/// facts in another order do not count as a change.
fn canonical(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let mut items: Vec<&str> = rest[open + 1..open + close]
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .collect();
        items.sort_unstable();
        out.push('{');
        out.push_str(&items.join(", "));
        out.push('}');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn lists_compare_in_any_order() {
        assert_eq!(
            canonical("undetermined, missing {b, a}"),
            canonical("undetermined, missing {a, b}")
        );
        assert_ne!(canonical("missing {a}"), canonical("missing {a, b}"));
        assert_eq!(canonical("due 2024-03-11"), "due 2024-03-11");
    }
}
