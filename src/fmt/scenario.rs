//! The layout of a `.scenario` file.
//!
//! ```text
//! scenario "A death in custody needs an LCSPR" for buckinghamshire:
//!   as of 2024-03-20
//!   given child_died = true, setting = police_custody,
//!         abuse_or_neglect = suspected
//!   expect lcspr_required = true
//! ```
//! Each line of `given`s written stays a line (a scenario's givens are often grouped by
//! topic); one too long for the width continues under the first assignment.

use super::WIDTH;
use super::expr::{as_written, flat, quote, set, width};
use super::printer::Printer;
use crate::diagnostic::{Problem, Source};
use crate::syntax::ast::{ExpectKind, Expectation, Expr, Ident, Scenario};

pub(super) fn format(source: &Source) -> Result<String, Vec<Problem>> {
    let scenarios = crate::syntax::parse_scenarios(source)?;
    let mut p = Printer::new(&source.text);
    for (i, s) in scenarios.iter().enumerate() {
        p.blank();
        let mark = p.mark();
        scenario(&mut p, s);
        let until = scenarios.get(i + 1).map_or(usize::MAX, |n| n.span.start);
        p.tail_comments(2, until);
        if !p.comments_kept(&mark, s.span.start) {
            // The layout would move a comment: the scenario as written.
            p.reset(mark);
            let end = p.trivia.code_end(s.span);
            p.as_written(s.span.start, end);
            p.tail_comments(2, until);
        }
    }
    Ok(p.finish())
}

enum Clause<'a> {
    AsOf(String),
    Given(Vec<&'a (Ident, Expr)>),
    Expect(&'a Expectation),
}

fn scenario(p: &mut Printer<'_>, s: &Scenario) {
    p.line(
        0,
        s.span.start,
        &format!("scenario {} for {}:", quote(&s.name.node), s.target.node),
    );
    let mut clauses: Vec<(usize, Clause<'_>)> = Vec::new();
    if let Some(d) = &s.as_of {
        clauses.push((
            d.span.start,
            Clause::AsOf(d.node.format("%Y-%m-%d").to_string()),
        ));
    }
    let mut prev_end: Option<usize> = None;
    for a in &s.given {
        let same_line =
            prev_end.is_some_and(|end| p.trivia.code_between(end, a.0.span.start).contains(','));
        match clauses.last_mut() {
            Some((_, Clause::Given(group))) if same_line => group.push(a),
            _ => clauses.push((a.0.span.start, Clause::Given(vec![a]))),
        }
        prev_end = Some(a.1.span.end);
    }
    for e in &s.expects {
        clauses.push((e.span.start, Clause::Expect(e)));
    }
    clauses.sort_by_key(|c| c.0);
    for (at, c) in clauses {
        match c {
            Clause::AsOf(d) => p.line(2, at, &format!("as of {d}")),
            Clause::Given(group) => given(p, at, &group),
            Clause::Expect(x) => {
                // Comments inside the clause: as written, each after its token.
                if let Some(lines) = as_written(&p.trivia, x.span, 4) {
                    p.line(2, at, &lines.first);
                    for (i, a, t) in lines.rest {
                        p.line(i, a, &t);
                    }
                    continue;
                }
                let (e, under) = (&x.kind, x.under.as_ref());
                let text = expectation(p, e);
                match under {
                    Some(edition) => {
                        p.line(2, at, &format!("expect {text} under {}", edition.node))
                    }
                    None => p.line(2, at, &format!("expect {text}")),
                }
            }
        }
    }
}

/// `given a = 1, b = 2`, continued under the first assignment when too long.
fn given(p: &mut Printer<'_>, at: usize, group: &[&(Ident, Expr)]) {
    const INDENT: usize = 2;
    const HANG: usize = INDENT + "given ".len();
    // A comment inside a value: the group as written, each comment after its token.
    let inner = |v: &Expr| as_written(&p.trivia, v.span, HANG).is_some();
    if group.iter().any(|(_, v)| inner(v))
        && let (Some(first), Some(last)) = (group.first(), group.last())
        && let Some(lines) = as_written(
            &p.trivia,
            crate::span::Span::new(first.0.span.start, last.1.span.end),
            HANG,
        )
    {
        p.line(INDENT, at, &format!("given {}", lines.first));
        for (i, a, t) in lines.rest {
            p.line(i, a, &t);
        }
        return;
    }
    let mut line = String::from("given ");
    let (mut line_at, mut line_indent) = (at, INDENT);
    let mut prev_end: Option<usize> = None;
    for (i, (name, value)) in group.iter().enumerate() {
        let text = format!("{} = {}", name.node, flat(&p.trivia, value));
        let comma = if i + 1 < group.len() { "," } else { "" };
        let fresh = line == "given " || line.is_empty();
        let written_below =
            prev_end.is_some_and(|end| p.trivia.text[end..name.span.start].contains('\n'));
        prev_end = Some(p.trivia.code_end(value.span));
        if !fresh
            && (written_below
                || line_indent + width(&line) + 1 + width(&text) + comma.len() > WIDTH)
        {
            p.line(line_indent, line_at, &line);
            (line, line_at, line_indent) = (String::new(), name.span.start, HANG);
        } else if !fresh {
            line.push(' ');
        }
        line.push_str(&text);
        line.push_str(comma);
    }
    p.line(line_indent, line_at, &line);
}

fn expectation(p: &Printer<'_>, e: &ExpectKind) -> String {
    match e {
        ExpectKind::Value(n, v) => format!("{} = {}", n.node, flat(&p.trivia, v)),
        ExpectKind::Undetermined(n, None) => format!("{} undetermined", n.node),
        ExpectKind::Undetermined(n, Some(m)) => {
            format!("{} undetermined missing {}", n.node, set(m))
        }
        ExpectKind::Applies(n, true) => format!("{} applies", n.node),
        ExpectKind::Applies(n, false) => format!("{} does not apply", n.node),
        ExpectKind::Due(n, d) => format!("{} due {}", n.node, flat(&p.trivia, d)),
        ExpectKind::Status(n, s) => format!("{} status {}", n.node, s.node),
        ExpectKind::Missing(m) => format!("missing {}", set(m)),
    }
}
