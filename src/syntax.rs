//! Stage one: policy text → typed syntax tree.
//!
//! 1. [`parse`] reads a policy with a hand-written parser of the grammar (`fast`), which
//!    gives way on anything it is not sure of — every syntax error, so messages are pest's.
//!    Then it checks nesting depth (so a deeply nested file is an error, never a stack
//!    overflow; `fast` keeps within the same limit) and runs the pest grammar in
//!    `grammar/policy.pest`.
//! 2. `parse::convert` turns pest's pairs into the [`ast`], one function per grammar rule.
//! 3. On a syntax error the file is split at its top-level declarations and each part is
//!    parsed alone, so every syntax error in the file is reported at once.

pub mod ast;
mod fast;
pub mod keywords;
mod parse;
mod same;
pub mod trivia;

use crate::diagnostic::{Problem, Source};

pub use parse::{MAX_NESTING, human_rule_name};

/// Parse one policy file. On failure, every syntax error found, located in `source`.
pub fn parse(source: &Source) -> Result<ast::Module, Vec<Problem>> {
    parse::parse_module(source, true)
}

/// [`parse`] with pest alone, without the hand-written fast path (`syntax::fast`): the
/// reference the fast path is tested against. The result is always the same as `parse`'s.
#[doc(hidden)]
pub fn parse_with_pest(source: &Source) -> Result<ast::Module, Vec<Problem>> {
    parse::parse_module(source, false)
}

/// The hand-written fast path alone: the tree when it is sure of it, `None` when [`parse`]
/// would hand the text to pest (for the tests that hold the two to the same trees).
#[doc(hidden)]
pub fn parse_fast(source: &Source) -> Option<ast::Module> {
    parse::parse_fast(source)
}

/// Parse one scenario file (`*.scenario`). On failure, every syntax error found.
pub fn parse_scenarios(source: &Source) -> Result<Vec<ast::Scenario>, Vec<Problem>> {
    parse::parse_scenarios(source)
}

/// Parse one expression on its own (a line typed at `cspr repl`), with the located
/// syntax errors of a policy.
pub fn parse_expr(source: &Source) -> Result<ast::Expr, Vec<Problem>> {
    parse::parse_expr(source)
}

/// Parse one value on its own: a literal, a name (an enumeration value) or `{a, b}`.
pub fn parse_value(source: &Source) -> Result<ast::Expr, Vec<Problem>> {
    parse::parse_value(source)
}
