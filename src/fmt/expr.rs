//! Expressions: on one line when they fit and were written on one, otherwise an
//! `and`/`or` chain one operand a line, the operator first.
//!
//! ```text
//!   when pathway = rapid_review and (local_importance
//!                                    or near_miss)
//! ```
//! Parentheses come from the source (read back by [`Trivia::parenthesised`]) or from the
//! tree's shape: an `or` inside an `and`, an `and` inside an `and` (which the parser only
//! builds from written parentheses), a comparison inside a comparison.

use super::WIDTH;
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::syntax::trivia::Trivia;

/// A printed construct: the first line continues the caller's line; the rest stand
/// alone, each `(indent, source offset, text)`.
#[derive(Debug, Default)]
pub(super) struct Lines {
    pub first: String,
    pub rest: Vec<(usize, usize, String)>,
}

impl Lines {
    pub fn one(text: String) -> Lines {
        Lines {
            first: text,
            rest: Vec::new(),
        }
    }

    fn push_str(&mut self, s: &str) {
        match self.rest.last_mut() {
            Some((_, _, t)) => t.push_str(s),
            None => self.first.push_str(s),
        }
    }
}

/// Characters, not bytes: what a reader counts.
pub(super) fn width(s: &str) -> usize {
    s.chars().count()
}

/// How tightly an expression binds: `or` loosest, names and literals tightest.
fn precedence(e: &Expr) -> u8 {
    match e.kind {
        ExprKind::Or(_) => 1,
        ExprKind::And(_) => 2,
        ExprKind::Not(_) => 3,
        ExprKind::Cmp(..) | ExprKind::In(..) => 4,
        _ => 5,
    }
}

/// Whether `e`, where an expression binding at least `min` is expected, is printed in
/// parentheses.
fn wrapped(tv: &Trivia<'_>, e: &Expr, min: u8) -> bool {
    precedence(e) < min || tv.parenthesised(e.span)
}

/// An expression on one line, at the top of a clause.
pub(super) fn flat(tv: &Trivia<'_>, e: &Expr) -> String {
    flat_in(tv, e, 0)
}

fn flat_in(tv: &Trivia<'_>, e: &Expr, min: u8) -> String {
    let text = match &e.kind {
        ExprKind::Or(items) => join(tv, items, 2, " or "),
        ExprKind::And(items) => join(tv, items, 3, " and "),
        ExprKind::Not(x) => format!("not {}", flat_in(tv, x, 3)),
        ExprKind::Cmp(op, l, r) => {
            format!(
                "{} {} {}",
                flat_in(tv, l, 5),
                op.as_str(),
                flat_in(tv, r, 5)
            )
        }
        ExprKind::In(l, r) => format!("{} in {}", flat_in(tv, l, 5), flat_in(tv, r, 5)),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Date(d) => d.format("%Y-%m-%d").to_string(),
        ExprKind::DateTime(d) => d.format("%Y-%m-%dT%H:%M").to_string(),
        ExprKind::Text(s) => quote(s),
        ExprKind::Name(n) => n.clone(),
        ExprKind::SetLit(items) => set(items),
    };
    if wrapped(tv, e, min) {
        format!("({text})")
    } else {
        text
    }
}

fn join(tv: &Trivia<'_>, items: &[Expr], min: u8, sep: &str) -> String {
    items
        .iter()
        .map(|i| flat_in(tv, i, min))
        .collect::<Vec<_>>()
        .join(sep)
}

/// `{a, b}`
pub(super) fn set(items: &[Ident]) -> String {
    let names: Vec<&str> = items.iter().map(|i| i.as_str()).collect();
    format!("{{{}}}", names.join(", "))
}

/// A string literal, with `"`, `\` and line breaks escaped as the grammar reads them.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An expression starting at column `col`, broken over lines where it must be.
pub(super) fn layout(tv: &Trivia<'_>, e: &Expr, col: usize) -> Lines {
    commented(tv, e, col).unwrap_or_else(|| layout_in(tv, e, col, 0))
}

/// An expression with comments inside it, laid out as written: a line ends at each
/// comment, so that every comment stays after the token it followed (the printer lets
/// it out after the line that ends there). Each stretch of code between comments is
/// written with its runs of spaces and line breaks made one space (not inside strings),
/// the lines after the first hanging at `col`. `None` when there is no such comment.
fn commented(tv: &Trivia<'_>, e: &Expr, col: usize) -> Option<Lines> {
    let parens = tv.parenthesised(e.span);
    let mut lines = as_written(tv, e.span, col + usize::from(parens))?;
    if parens {
        lines.first.insert(0, '(');
        lines.push_str(")");
    }
    Some(lines)
}

/// The code of `span`, when comments are written inside it, as written: a line ends at
/// each comment, each stretch of code between comments has its runs of spaces and line
/// breaks made one space (not inside strings), and the lines after the first hang at
/// `col`. `None` when no comment is inside.
pub(super) fn as_written(tv: &Trivia<'_>, span: crate::span::Span, col: usize) -> Option<Lines> {
    let end = tv.code_end(span);
    let inside: Vec<_> = tv
        .comments
        .iter()
        .filter(|c| c.span.start >= span.start && c.span.end <= end)
        .collect();
    if inside.is_empty() {
        return None;
    }
    let mut stretches = Vec::new();
    let mut from = span.start;
    for c in &inside {
        stretches.push((from, c.span.start));
        from = c.span.end;
    }
    stretches.push((from, end));
    let mut lines = Lines::one(String::new());
    let mut first = true;
    for (from, to) in stretches {
        let code = &tv.text[from..to];
        let text = squeeze(code);
        if text.is_empty() {
            continue;
        }
        if first {
            lines.first.push_str(&text);
            first = false;
        } else {
            let at = from + (code.len() - code.trim_start().len());
            lines.rest.push((col, at, text));
        }
    }
    Some(lines)
}

/// Code with each run of whitespace outside strings made one space, trimmed.
fn squeeze(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut in_string = false;
    let mut space = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
        } else if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

fn layout_in(tv: &Trivia<'_>, e: &Expr, col: usize, min: u8) -> Lines {
    let text = flat_in(tv, e, min);
    let fits = col + width(&text) <= WIDTH && !tv.multiline(e.span);
    let parens = wrapped(tv, e, min);
    let inner = col + usize::from(parens);
    let mut lines = Lines::one(if parens { "(".into() } else { String::new() });
    match &e.kind {
        _ if fits => return Lines::one(text),
        ExprKind::Or(items) | ExprKind::And(items) => {
            let (op, child) = match e.kind {
                ExprKind::Or(_) => ("or ", 2),
                _ => ("and ", 3),
            };
            for (i, item) in items.iter().enumerate() {
                if i == 0 {
                    let l = layout_in(tv, item, inner, child);
                    lines.first.push_str(&l.first);
                    lines.rest.extend(l.rest);
                } else {
                    let l = layout_in(tv, item, inner + op.len(), child);
                    lines
                        .rest
                        .push((inner, item.span.start, format!("{op}{}", l.first)));
                    lines.rest.extend(l.rest);
                }
            }
        }
        ExprKind::Not(x) => {
            let l = layout_in(tv, x, inner + 4, 3);
            lines.first.push_str("not ");
            lines.first.push_str(&l.first);
            lines.rest.extend(l.rest);
        }
        ExprKind::In(l, r) if matches!(r.kind, ExprKind::SetLit(_)) && !wrapped(tv, r, 5) => {
            let ExprKind::SetLit(items) = &r.kind else {
                return Lines::one(text);
            };
            lines
                .first
                .push_str(&format!("{} in {{", flat_in(tv, l, 5)));
            let hang = inner + width(&lines.first) - usize::from(parens);
            let mut line_width = hang;
            for (i, item) in items.iter().enumerate() {
                let piece = if i + 1 < items.len() {
                    format!("{},", item.node)
                } else {
                    format!("{}}}", item.node)
                };
                if i > 0 && line_width + 1 + width(&piece) > WIDTH {
                    lines.rest.push((hang, item.span.start, piece.clone()));
                    line_width = hang + width(&piece);
                } else {
                    if i > 0 {
                        lines.push_str(" ");
                        line_width += 1;
                    }
                    lines.push_str(&piece);
                    line_width += width(&piece);
                }
            }
            if items.is_empty() {
                lines.push_str("}");
            }
        }
        _ => return Lines::one(text),
    }
    if parens {
        lines.push_str(")");
    }
    lines
}
