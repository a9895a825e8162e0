//! One expression, or one value, on its own: a line typed at `cspr repl`
//! (`? child_died and not child_looked_after`, `set setting = police_custody`).
//!
//! The text goes through the same grammar rules and converter as a policy, so a typo gets
//! the same located syntax error; only "the end of the file" reads "the end of the line".

use pest::Parser;

use super::{PolicyParser, Rule, expr, inner, next, span, syntax_problem};
use crate::diagnostic::{Problem, Source};
use crate::syntax::ast::Expr;

/// Parse `source` as one expression.
pub(in crate::syntax) fn parse_expr(source: &Source) -> Result<Expr, Vec<Problem>> {
    parse_lone(
        source,
        Rule::lone_expr,
        "an expression such as `child_died and not child_looked_after`",
    )
}

/// Parse `source` as one value of a fact (a literal, a name, or a set `{a, b}`).
pub(in crate::syntax) fn parse_value(source: &Source) -> Result<Expr, Vec<Problem>> {
    parse_lone(
        source,
        Rule::lone_value,
        "a value such as `true`, `2024-03-04`, `police_custody` or `{a, b}`",
    )
}

fn parse_lone(source: &Source, rule: Rule, what: &str) -> Result<Expr, Vec<Problem>> {
    if source.text.trim().is_empty() {
        return Err(vec![
            Problem::error("cspr::syntax", format!("expected {what}"))
                .help("type something after the command")
                .in_source(source),
        ]);
    }
    super::check_nesting(&source.text).map_err(|p| vec![p.in_source(source)])?;
    let text = &*source.text;
    match PolicyParser::parse(rule, text) {
        Ok(mut pairs) => {
            let at = crate::span::Span::new(0, text.len());
            let whole = pairs
                .next()
                .ok_or_else(|| vec![super::shape("empty line", at).in_source(source)])?;
            let first = next(&mut inner(whole.clone()), span(&whole), "expression")
                .map_err(|p| vec![p.in_source(source)])?;
            expr(first).map_err(|p| vec![p.in_source(source)])
        }
        Err(e) => {
            let mut p = syntax_problem(&e, 0, text.len());
            p.message = p
                .message
                .replace("the end of the file", "the end of the line");
            // Input that stops too soon: point at its last word, which wants a sequel.
            let end = text.trim_end().len();
            for (span, label) in &mut p.labels {
                if span.start >= end && end > 0 {
                    let last = text[..end].rfind(char::is_whitespace).map_or(0, |i| i + 1);
                    *span = crate::span::Span::new(last, end);
                    *label = "something should follow this".to_string();
                }
            }
            Err(vec![p.help(format!("write {what}")).in_source(source)])
        }
    }
}
