//! `cspr fmt`: one canonical layout for `.policy` and `.scenario` files.
//!
//! The layout, at a width of [`WIDTH`] characters:
//! - a declaration starts in column 0, its clauses one a line indented two spaces, the
//!   parts of a decision branch or a timeline step four; one blank line between
//!   declarations (consecutive `fact`s or `source`s keep the blank lines written between
//!   them, so groups stay grouped) and before each timeline step;
//! - an `and`/`or` chain stays on one line if it fits and was written on one line;
//!   otherwise each operand goes on a line of its own, the operator first, aligned under
//!   the chain's start (inside parentheses, under the first operand);
//! - parentheses are kept where written (doubled ones become one) and added where the
//!   tree needs them; each spelling has one form (`date-time`, `1 day`, `days 2-7`);
//! - in scenarios, each `given` line is kept, its assignments wrapped at the width and
//!   aligned under the first;
//! - comments stay where they were, word for word: a comment on a line of its own goes
//!   before the line that followed it, at that line's indentation (a blank line before it
//!   is kept); a comment after code stays after that code. Quoted strings and comments
//!   are never broken, since the language has no way to continue a string and a comment's
//!   line breaks may be a list or a table.
//!
//! A file that does not parse is not formatted: its syntax errors are returned.

mod expr;
mod policy;
mod printer;
mod scenario;

pub(crate) use policy::{Period, anchor_term, deadline_text};

use crate::diagnostic::{Problem, Source};

/// The width lines are kept within, where a break is possible.
pub const WIDTH: usize = 100;

/// Which language a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Policy,
    Scenario,
}

impl Kind {
    /// `.scenario` files are scenarios; everything else is read as a policy.
    pub fn of_path(path: &str) -> Kind {
        if path.ends_with(".scenario") {
            Kind::Scenario
        } else {
            Kind::Policy
        }
    }
}

/// The canonical text of a file, or its syntax errors.
pub fn format(source: &Source, kind: Kind) -> Result<String, Vec<Problem>> {
    match kind {
        Kind::Policy => policy::format(source),
        Kind::Scenario => scenario::format(source),
    }
}
