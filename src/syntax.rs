//! Stage one: policy text → typed syntax tree.
//!
//! 1. [`parse`] checks nesting depth on the raw text (so a deeply nested file is a located
//!    error, never a stack overflow: pest and every later stage recurse at most
//!    [`MAX_NESTING`] deep), then runs the pest grammar in `grammar/policy.pest`, the one
//!    parser of the language.
//! 2. `parse`'s converters turn pest's pairs into the [`ast`], one function per grammar rule.
//! 3. On a syntax error the file is split at its top-level declarations and each part is
//!    parsed alone, so every syntax error in the file is reported at once.

pub mod ast;
pub mod keywords;
mod parse;
mod same;
pub mod trivia;

use crate::diagnostic::{Problem, Source};

pub use parse::{MAX_NESTING, human_rule_name};

/// Parse one policy file. On failure, every syntax error found, located in `source`.
pub fn parse(source: &Source) -> Result<ast::Module, Vec<Problem>> {
    parse::parse_module(source)
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
