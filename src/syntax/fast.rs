//! A hand-written parser for well-formed policies: the fast path of [`super::parse`].
//!
//! pest calls a rule (with a stack probe and call tracking) per token and re-skips the
//! comments after every expression once per enclosing rule, which made parsing most of
//! `cspr check`. This parser reads the same grammar (`grammar/policy.pest`) by recursive
//! descent, a token at a time, and builds the same tree with the same spans — including
//! pest's quirk that a rule ending in an optional part that matched nothing ends after
//! the whitespace and comments that follow it (trimmed of trailing whitespace, as the
//! converters' `span` does).
//!
//! It only ever *accepts*: on anything it is not sure of — a syntax error, a converter
//! error (a date that does not exist, a number out of range, a repeated clause), any
//! choice pest might resolve by backtracking — it gives up (`None`) and the caller runs
//! pest, which gives the tree or the located errors exactly as before. So the language
//! and every message are pest's; `tests/parse.rs` holds the two parsers to the same
//! trees, spans included, on every policy in the repository and on mutations of them.

mod decl;
mod duty;
mod expr;

use crate::span::{Span, Spanned};

use super::MAX_NESTING;

/// The deepest parentheses this parser reads itself: each level costs several frames of
/// recursion, so deeper ones (up to `check_nesting`'s [`MAX_NESTING`]) are left to pest,
/// which keeps within its stack. Policies nest three or four deep.
const MAX_DEPTH: usize = 16;
use super::ast::{Ident, Module};

/// `text` parsed as a policy file, when this parser is sure of the result.
///
/// It also gives way wherever `parse::check_nesting` could refuse the text (the limit that
/// keeps recursion off the end of the stack), so it need not run first: it counts every
/// open parenthesis (in a text it accepts, they are all the grammar's, balanced) up to
/// [`MAX_DEPTH`] (less than `check_nesting`'s limit), and the `not`s of each declaration
/// (`check_nesting` counts a run of `not`s that no name or number interrupts, and every
/// declaration starts with a keyword, which does) up to [`MAX_NESTING`].
pub(super) fn module(text: &str) -> Option<Module> {
    let mut c = Cursor {
        text,
        pos: 0,
        depth: 0,
        nots: 0,
    };
    let m = c.file()?;
    (c.pos == text.len()).then_some(m)
}

/// Whether a word is one `ident` may not be (the grammar's `keyword` rule).
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "and"
            | "ask"
            | "after"
            | "at"
            | "before"
            | "calendar"
            | "cite"
            | "decision"
            | "default"
            | "done"
            | "duty"
            | "exception"
            | "extends"
            | "expect"
            | "else"
            | "fact"
            | "false"
            | "for"
            | "guidance"
            | "given"
            | "in"
            | "if"
            | "least"
            | "must"
            | "may"
            | "not"
            | "or"
            | "of"
            | "otherwise"
            | "override"
            | "procedure"
            | "rule"
            | "source"
            | "should"
            | "set"
            | "scenario"
            | "starts"
            | "step"
            | "true"
            | "timeline"
            | "version"
            | "when"
            | "within"
            | "working"
    )
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A position in the text, moved exactly as pest moves its own.
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
    /// Parentheses open at the cursor.
    depth: usize,
    /// `not`s in the declaration so far.
    nots: usize,
}

impl<'t> Cursor<'t> {
    fn bytes(&self) -> &'t [u8] {
        self.text.as_bytes()
    }

    /// Pest's implicit `(WHITESPACE | COMMENT)*` between the tokens of a rule.
    fn skip(&mut self) {
        let bytes = self.bytes();
        while let Some(&b) = bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'#' => {
                    self.pos = self.text[self.pos..]
                        .find('\n')
                        .map_or(bytes.len(), |n| self.pos + n);
                }
                _ => break,
            }
        }
    }

    /// `skip`, kept only if `then` finds what it looks for (a repetition's next item).
    fn skip_if(&mut self, then: impl FnOnce(&Self) -> bool) -> bool {
        let save = self.pos;
        self.skip();
        if then(self) {
            true
        } else {
            self.pos = save;
            false
        }
    }

    /// The run of name characters at the cursor (empty if none).
    fn word(&self) -> &'t str {
        let bytes = self.bytes();
        let len = bytes[self.pos..]
            .iter()
            .position(|&b| !is_ident_char(b))
            .unwrap_or(bytes.len() - self.pos);
        &self.text[self.pos..self.pos + len]
    }

    /// Whether the word at the cursor is `w`.
    fn at_word(&self, w: &str) -> bool {
        let rest = &self.bytes()[self.pos..];
        rest.starts_with(w.as_bytes()) && !rest.get(w.len()).is_some_and(|&b| is_ident_char(b))
    }

    /// The keyword `w` (a whole word) at the cursor, consumed; its span.
    fn keyword(&mut self, w: &str) -> Option<Span> {
        if !self.at_word(w) {
            return None;
        }
        let start = self.pos;
        self.pos += w.len();
        Some(Span::new(start, self.pos))
    }

    /// Whether the word at the cursor is a name (not a keyword, not starting with a digit).
    fn at_ident(&self) -> bool {
        let w = self.word();
        w.as_bytes().first().is_some_and(|b| !b.is_ascii_digit()) && !is_keyword(w)
    }

    fn ident(&mut self) -> Option<Ident> {
        let w = self.word();
        if w.as_bytes().first().is_none_or(u8::is_ascii_digit) || is_keyword(w) {
            return None;
        }
        let start = self.pos;
        self.pos += w.len();
        Some(Spanned::new(w.to_string(), Span::new(start, self.pos)))
    }

    /// A literal piece of punctuation at the cursor, consumed.
    fn punct(&mut self, p: &str) -> Option<()> {
        if self.text[self.pos..].starts_with(p) {
            self.pos += p.len();
            Some(())
        } else {
            None
        }
    }

    fn at(&self, p: &str) -> bool {
        self.text[self.pos..].starts_with(p)
    }

    /// A quoted string at the cursor, unescaped.
    fn string(&mut self) -> Option<String> {
        self.punct("\"")?;
        let bytes = self.bytes();
        let mut out = String::new();
        loop {
            let run = self.pos;
            let n = bytes[run..]
                .iter()
                .position(|b| matches!(b, b'"' | b'\\' | b'\n'))?;
            out.push_str(&self.text[run..run + n]);
            self.pos = run + n;
            match bytes[self.pos] {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push(match *bytes.get(self.pos + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'n' => '\n',
                        _ => return None,
                    });
                    self.pos += 2;
                }
                _ => return None,
            }
        }
    }

    /// One more parenthesis open, unless that is deeper than [`MAX_DEPTH`].
    fn open(&mut self) -> Option<()> {
        self.punct("(")?;
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn close(&mut self) -> Option<()> {
        self.punct(")")?;
        self.depth -= 1;
        Some(())
    }

    /// ASCII digits at the cursor: how many.
    fn digits(&self, from: usize) -> usize {
        self.bytes()[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    }

    /// The span of a pair that started at `start` and ends at the cursor, trailing
    /// whitespace left out (the converters' `span`).
    fn span(&self, start: usize) -> Span {
        Span::new(start, start + self.text[start..self.pos].trim_end().len())
    }
}
