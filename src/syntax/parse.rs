//! pest pairs → [`ast`](super::ast) nodes, one function per grammar rule.
//!
//! The grammar guarantees the shape of every pair handed to these functions, so a
//! mismatch is a bug in this file, never something a user's input can reach; the few
//! places that must still choose report it as a syntax error rather than panic.

use chrono::{NaiveDate, NaiveDateTime};
use pest::Parser;
use pest::iterators::{Pair, Pairs};

use super::ast::*;
use crate::diagnostic::{Problem, Source};
use crate::span::{Span, Spanned};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

/// The deepest nesting of parentheses or `not`s a policy may use.
pub const MAX_NESTING: usize = 64;

type Result<T> = std::result::Result<T, Problem>;

mod decl;
mod duty;
mod errors;
mod expr;
mod lone;
mod scenario;

use decl::*;
use duty::*;
pub use errors::human_rule_name;
use errors::*;
use expr::*;
pub(super) use lone::{parse_expr, parse_value};
pub(super) use scenario::parse_scenarios;

/// A policy file. Nesting is checked on the raw text first, so pest's own recursion
/// never meets more than [`MAX_NESTING`] levels.
pub(super) fn parse_module(source: &Source) -> std::result::Result<Module, Vec<Problem>> {
    check_nesting(&source.text).map_err(|p| vec![p.in_source(source)])?;
    match PolicyParser::parse(Rule::file, &source.text) {
        Ok(mut pairs) => {
            let file = pairs.next().ok_or_else(|| vec![empty_file(source)])?;
            module(file).map_err(|p| vec![p.in_source(source)])
        }
        Err(_) if is_blank(&source.text) => Err(vec![empty_file(source)]),
        Err(first) => Err(recover(source, first)),
    }
}

// ----------------------------------------------------------------------------------
//  Converters, one per grammar rule
// ----------------------------------------------------------------------------------

/// Tokens the converter skips: keywords (comments are silent, never in the tree).
fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::colon
            | Rule::kw_guidance
            | Rule::kw_procedure
            | Rule::kw_version
            | Rule::kw_extends
            | Rule::kw_calendar
            | Rule::kw_source
            | Rule::kw_actor
            | Rule::kw_label
            | Rule::kw_fact
            | Rule::kw_ask
            | Rule::kw_cite
            | Rule::kw_rule
            | Rule::kw_default
            | Rule::kw_exception
            | Rule::kw_decision
            | Rule::kw_otherwise
            | Rule::kw_duty
            | Rule::kw_override
            | Rule::kw_when
            | Rule::kw_done
            | Rule::kw_within
            | Rule::kw_after
            | Rule::kw_before
            | Rule::kw_working
            | Rule::kw_least
            | Rule::kw_at
            | Rule::kw_for
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_in
            | Rule::kw_if
            | Rule::kw_else
            | Rule::kw_timeline
            | Rule::kw_starts
            | Rule::kw_step
            | Rule::kw_day
            | Rule::kw_days
            | Rule::kw_set
            | Rule::kw_of
            | Rule::kw_scenario
            | Rule::kw_given
            | Rule::kw_expect
            | Rule::cw_as
            | Rule::cw_missing
            | Rule::cw_undetermined
            | Rule::cw_applies
            | Rule::cw_does
            | Rule::cw_apply
            | Rule::cw_due
            | Rule::cw_status
            | Rule::cw_under
            | Rule::pw_file
            | Rule::pw_sha256
            | Rule::pw_quote
            | Rule::pw_reading
            | Rule::pw_from
            | Rule::pw_encoded
            | Rule::pw_because
            | Rule::pw_refines
            | Rule::pw_by
            | Rule::pw_unless
    )
}

/// The children of a pair, without keyword tokens.
fn inner(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

/// The span of a pair, without the whitespace pest may have consumed after it.
fn span(pair: &Pair<'_, Rule>) -> Span {
    let start = pair.as_span().start();
    Span::new(start, start + pair.as_str().trim_end().len())
}

/// A shape the grammar rules out; reported rather than panicking.
fn shape(what: &str, at: Span) -> Problem {
    Problem::error(
        "cspr::internal",
        format!("internal error: unexpected {what}"),
    )
    .label(at, "")
    .help("this is a bug in cspr; please report it with this file")
}

fn next<'i>(
    it: &mut impl Iterator<Item = Pair<'i, Rule>>,
    at: Span,
    what: &str,
) -> Result<Pair<'i, Rule>> {
    it.next().ok_or_else(|| shape(what, at))
}
