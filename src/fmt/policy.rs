//! The layout of a `.policy` file: the header, then each declaration.
//!
//! ```text
//! duty send_report cite ESCP "5.1":
//!   safeguarding_partners must "send the report"
//!   when pathway = rapid_review
//!   within 15 working days after panel_notified_on
//!   done report_sent_on
//! ```
//! Clauses are printed in the order they were written, so comments between them stay put.

use super::WIDTH;
use super::expr::{Lines, flat, layout, quote, width};
use super::printer::Printer;
use crate::diagnostic::{Problem, Source};
use crate::span::Spanned;
use crate::syntax::ast::*;

pub(super) fn format(source: &Source) -> Result<String, Vec<Problem>> {
    let module = crate::syntax::parse(source)?;
    let mut p = Printer::new(&source.text);
    let starts: Vec<usize> = module.items.iter().map(item_start).collect();
    let mark = p.mark();
    header(&mut p, &module);
    let first_item = starts.first().copied().unwrap_or(source.text.len());
    let header_start = first_code(&p.trivia);
    let header_end = p
        .trivia
        .code_end(crate::span::Span::new(header_start, first_item));
    p.comments_before(2, header_end);
    p.tail_comments(2, first_item);
    if !p.comments_kept(&mark, header_start) {
        p.reset(mark);
        p.as_written(header_start, header_end);
        p.tail_comments(2, first_item);
    }
    let mut prev: Option<&Item> = None;
    for (i, item) in module.items.iter().enumerate() {
        let start = starts[i];
        let grouped = matches!(
            (prev, item),
            (Some(Item::Fact(_)), Item::Fact(_))
                | (Some(Item::Source(_)), Item::Source(_))
                | (Some(Item::Actor(_)), Item::Actor(_))
        );
        if !grouped || p.trivia.blank_line_before(p.block_start(start)) {
            p.blank();
        }
        let mark = p.mark();
        self::item(&mut p, item);
        let until = starts.get(i + 1).copied().unwrap_or(usize::MAX);
        p.tail_comments(2, until);
        if !p.comments_kept(&mark, start) {
            // The layout would move a comment (one between the words of a head or a
            // clause): the declaration is written as it is, each comment where it was.
            p.reset(mark);
            let end = p.trivia.code_end(item_span(item));
            p.as_written(start, end);
            p.tail_comments(2, until);
        }
        prev = Some(item);
    }
    Ok(p.finish())
}

fn item_span(item: &Item) -> crate::span::Span {
    match item {
        Item::Source(s) => s.span,
        Item::Actor(a) => a.span,
        Item::Fact(f) => f.span,
        Item::Rule(r) => r.span,
        Item::Decision(d) => d.span,
        Item::Duty(d) => d.span,
        Item::Timeline(t) => t.span,
        Item::NotEncoded(n) => n.span,
    }
}

fn item_start(item: &Item) -> usize {
    match item {
        Item::Source(s) => s.span.start,
        Item::Actor(a) => a.span.start,
        Item::Fact(f) => f.span.start,
        Item::Rule(r) => r.overrides.unwrap_or(r.span).start,
        Item::Decision(d) => d.overrides.unwrap_or(d.span).start,
        Item::Duty(d) => d.overrides.unwrap_or(d.span).start,
        Item::Timeline(t) => t.span.start,
        Item::NotEncoded(n) => n.span.start,
    }
}

/// Where the code of a text starts: past a byte-order mark, blank lines and comments.
fn first_code(tv: &crate::syntax::trivia::Trivia<'_>) -> usize {
    let mut at = if tv.text.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    loop {
        if let Some(c) = tv.comments.iter().find(|c| c.span.start == at) {
            at = c.span.end;
            continue;
        }
        match tv.text.get(at..).and_then(|t| t.chars().next()) {
            Some(ch) if ch.is_whitespace() => at += ch.len_utf8(),
            _ => return at,
        }
    }
}

/// Where the header's first word (`guidance` or `procedure`) is.
fn header_start(m: &Module) -> usize {
    let kind = match m.kind {
        ModuleKind::Guidance => "guidance",
        ModuleKind::Procedure => "procedure",
    };
    m.id.span.start.saturating_sub(kind.len() + 1)
}

fn header(p: &mut Printer<'_>, m: &Module) {
    let kind = match m.kind {
        ModuleKind::Guidance => "guidance",
        ModuleKind::Procedure => "procedure",
    };
    p.line(
        0,
        header_start(m),
        &format!("{kind} {} {}", m.id.node, quote(&m.title)),
    );
    let mut clauses: Vec<(usize, String)> = Vec::new();
    if let Some(v) = &m.version {
        clauses.push((
            v.span.start,
            format!("version {}", v.node.format("%Y-%m-%d")),
        ));
    }
    if let Some(e) = &m.extends {
        clauses.push((e.span.start, format!("extends {}", e.node)));
    }
    if let Some(c) = &m.calendar {
        clauses.push((c.span.start, format!("calendar {}", c.node)));
    }
    clauses.sort_by_key(|c| c.0);
    for (at, text) in clauses {
        p.line(2, at, &text);
    }
}

fn item(p: &mut Printer<'_>, item: &Item) {
    let at = item_start(item);
    match item {
        Item::Source(s) => {
            p.line(
                0,
                at,
                &format!("source {} = {}", s.name.node, quote(&s.title)),
            );
            if let Some(f) = &s.file {
                p.line(2, f.span.start, &format!("file {}", quote(&f.node)));
            }
            if let Some(h) = &s.sha256 {
                p.line(2, h.span.start, &format!("sha256 {}", quote(&h.node)));
            }
        }
        Item::Actor(a) => p.line(
            0,
            at,
            &format!("actor {} {}", a.name.node, quote(&a.title.node)),
        ),
        Item::NotEncoded(n) => {
            let c = &n.cite;
            p.line(
                0,
                at,
                &format!("not encoded cite {} {}", c.source.node, quote(&c.locator)),
            );
            for (a, t) in carried(c, 4) {
                p.line(4, a, &t);
            }
            p.line(
                4,
                n.because.span.start,
                &format!("because {}", quote(&n.because.node)),
            );
        }
        Item::Fact(f) => {
            let head = format!("fact {}{}: ", f.name.node, label(f.label.as_ref()));
            for (i, line) in type_expr(&f.ty, width(&head)).into_iter().enumerate() {
                match i {
                    0 => p.line(0, at, &format!("{head}{line}")),
                    _ => p.line(width(&head), at, &line),
                }
            }
            if let Some(ask) = &f.ask {
                p.line(2, at + 1, &format!("ask {}", quote(ask)));
            }
        }
        Item::Rule(r) => rule(p, r, at),
        Item::Decision(d) => decision(p, d, at),
        Item::Duty(d) => duty(p, d, at),
        Item::Timeline(t) => timeline(p, t),
    }
}

/// A type's lines: the values of a long enumeration continue under its first, each line
/// starting with `|`.
fn type_expr(ty: &TypeExpr, col: usize) -> Vec<String> {
    let (first, values) = match ty {
        TypeExpr::Bool => return vec!["bool".into()],
        TypeExpr::Integer => return vec!["integer".into()],
        TypeExpr::Date => return vec!["date".into()],
        TypeExpr::DateTime => return vec!["date-time".into()],
        TypeExpr::Text => return vec!["text".into()],
        TypeExpr::Enum(v) => (String::new(), v),
        TypeExpr::Set(v) => ("set of ".to_string(), v),
    };
    let mut lines = vec![first];
    for (i, v) in values.iter().enumerate() {
        let last = lines.len() - 1;
        let sep = if i == 0 { "" } else { " | " };
        if i > 0 && col + width(&lines[last]) + sep.len() + width(&v.node) > WIDTH {
            lines.push(format!("| {}", v.node));
        } else {
            lines[last].push_str(sep);
            lines[last].push_str(&v.node);
        }
    }
    lines
}

/// ` cite SOURCE "locator"`, and the words it carries on the same line.
fn cite(c: &Option<Citation>) -> String {
    c.as_ref().map(one_line).unwrap_or_default()
}

/// ` cite SOURCE "locator"` and the words it carries, on one line.
fn one_line(c: &Citation) -> String {
    let mut out = bare_cite(c);
    for (_, t) in carried(c, 0) {
        out.push(' ');
        out.push_str(t.trim_start());
    }
    out
}

/// ` cite SOURCE "locator"` alone.
fn bare_cite(c: &Citation) -> String {
    format!(" cite {} {}", c.source.node, quote(&c.locator))
}

/// The words a citation carries after its locator, as lines with the offsets they came
/// from: `quote "…"` and each further string of the quote under the first;
/// `reading "…"`, `from SOURCE "…"` and its quote.
fn carried(c: &Citation, indent: usize) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    // The widest string literal that fits after `quote ` at `indent` (a closing `:` may
    // stand one past it).
    let fits = WIDTH.saturating_sub(indent + "quote ".len());
    if let Some(q) = &c.quote {
        quote_lines(q, fits, &mut out);
    }
    if let Some(r) = &c.reading {
        out.push((
            r.text.span.start,
            format!("reading {}", quote(&r.text.node)),
        ));
        out.push((
            r.from.span.start,
            format!("from {} {}", r.from.node, quote(&r.locator.node)),
        ));
        quote_lines(&r.quote, fits, &mut out);
    }
    out
}

/// `quote "…"` and each further string under the first, as written. When a string is
/// wider than `fits` (as a literal, with its quotation marks), the whole quote is laid out
/// again: its words cut at spaces into strings each as wide as fits. The quote's words are
/// its strings joined by a space, so they stay the same, and the strings a cut makes fit,
/// so formatting again changes nothing.
fn quote_lines(q: &Quote, fits: usize, out: &mut Vec<(usize, String)>) {
    let at = q.parts.first().map_or(q.span.start, |p| p.span.start);
    let pieces: Vec<(usize, String)> = if q.parts.iter().all(|p| width(&quote(&p.node)) <= fits) {
        q.parts
            .iter()
            .map(|p| (p.span.start, p.node.clone()))
            .collect()
    } else {
        wrap(&q.text(), fits)
            .into_iter()
            .map(|piece| (at, piece.to_string()))
            .collect()
    };
    for (i, (a, piece)) in pieces.into_iter().enumerate() {
        let lead = if i == 0 { "quote " } else { "      " };
        out.push((a, format!("{lead}{}", quote(&piece))));
    }
}

/// `text` cut at single spaces into pieces whose literals are at most `fits` wide (a word
/// wider than that stays whole); joined by a space, the pieces are `text` again.
fn wrap(text: &str, fits: usize) -> Vec<&str> {
    // A space between two words (not one of a run of spaces).
    let single = |rest: &str, at: usize| {
        at > 0 && !rest[..at].ends_with(' ') && !rest[at + 1..].starts_with(' ')
    };
    let mut pieces = Vec::new();
    let mut rest = text;
    while width(&quote(rest)) > fits {
        let mut cut = None;
        for (at, _) in rest.match_indices(' ').filter(|(at, _)| single(rest, *at)) {
            if cut.is_some() && width(&quote(&rest[..at])) > fits {
                break;
            }
            cut = Some(at);
        }
        let Some(at) = cut else { break };
        pieces.push(&rest[..at]);
        rest = &rest[at + 1..];
    }
    pieces.push(rest);
    pieces
}

/// ` label "…"`, or nothing.
fn label(l: Option<&Spanned<String>>) -> String {
    l.map(|l| format!(" label {}", quote(&l.node)))
        .unwrap_or_default()
}

/// `[override ]keyword name label "…" cite …:`
fn head(
    p: &mut Printer<'_>,
    at: usize,
    over: bool,
    keyword: &str,
    (name, l): (&Ident, Option<&Spanned<String>>),
    c: &Option<Citation>,
) {
    let over = if over { "override " } else { "" };
    let extra = c.as_ref().map(|c| carried(c, 4)).unwrap_or_default();
    let name = format!("{}{}", name.node, label(l));
    let one = format!("{over}{keyword} {name}{}:", cite(c));
    if extra.is_empty() || (extra.len() == 1 && width(&one) <= WIDTH) {
        p.line(0, at, &one);
        return;
    }
    // A quote that does not fit: the citation's line, then the words under it.
    let bare = c.as_ref().map(bare_cite).unwrap_or_default();
    p.line(0, at, &format!("{over}{keyword} {name}{bare}"));
    let last = extra.len() - 1;
    for (i, (a, t)) in extra.into_iter().enumerate() {
        let colon = if i == last { ":" } else { "" };
        p.line(4, a, &format!("{t}{colon}"));
    }
}

/// `prefix` + an expression, broken as it must be, the prefix at `indent`.
fn clause(p: &mut Printer<'_>, indent: usize, at: usize, prefix: &str, e: &Expr) {
    let lines = layout(&p.trivia, e, indent + width(prefix));
    emit(p, indent, at, prefix, lines);
}

fn emit(p: &mut Printer<'_>, indent: usize, at: usize, prefix: &str, lines: Lines) {
    p.line(indent, at, &format!("{prefix}{}", lines.first));
    for (i, a, t) in lines.rest {
        p.line(i, a, &t);
    }
}

fn rule(p: &mut Printer<'_>, r: &RuleDecl, at: usize) {
    let name = (&r.name, r.label.as_ref());
    head(p, at, r.overrides.is_some(), "rule", name, &r.cite);
    match &r.body {
        RuleBody::Expr(e) => clause(p, 2, e.span.start, "", e),
        RuleBody::Default {
            default,
            exceptions,
        } => {
            clause(p, 2, default.span.start, "default ", default);
            for x in exceptions {
                let start = format!("exception{}: {}", cite(&x.cite), flat(&p.trivia, &x.value));
                let cond = flat(&p.trivia, &x.when);
                let one = format!("{start} when {cond}");
                let carries = x.cite.as_ref().map(|c| carried(c, 6)).unwrap_or_default();
                if 2 + width(&one) <= WIDTH && !p.trivia.multiline(x.span) {
                    p.line(2, x.span.start, &one);
                } else if 2 + width(&start) <= WIDTH || carries.is_empty() {
                    p.line(2, x.span.start, &start);
                    clause(p, 4, x.when.span.start, "when ", &x.when);
                } else if let Some(c) = &x.cite {
                    // A quote too long for the exception's line: its words under the citation.
                    p.line(2, x.span.start, &format!("exception{}", bare_cite(c)));
                    let value = format!(": {}", flat(&p.trivia, &x.value));
                    let last = carries.len() - 1;
                    for (i, (a, t)) in carries.into_iter().enumerate() {
                        let end = if i == last { value.as_str() } else { "" };
                        p.line(6, a, &format!("{t}{end}"));
                    }
                    clause(p, 4, x.when.span.start, "when ", &x.when);
                }
            }
        }
    }
}

fn decision(p: &mut Printer<'_>, d: &DecisionDecl, at: usize) {
    let name = (&d.name, d.label.as_ref());
    head(p, at, d.overrides.is_some(), "decision", name, &d.cite);
    for b in &d.branches {
        match (&b.when, &b.by) {
            (_, Some(by)) => {
                let unless: Vec<&str> = by.unless.iter().map(|u| u.node.as_str()).collect();
                let line = if unless.is_empty() {
                    format!("by {}", by.fact.node)
                } else {
                    format!("by {} unless {}", by.fact.node, unless.join(", "))
                };
                p.line(2, b.span.start, &line);
            }
            (Some(w), None) => {
                p.line(2, b.span.start, &b.value.node);
                clause(p, 4, w.span.start, "when ", w);
            }
            (None, None) => p.line(2, b.span.start, &format!("otherwise {}", b.value.node)),
        }
        if let Some(c) = &b.cite {
            cite_lines(p, 4, c, "");
        }
    }
}

/// A citation on lines of its own at `indent` (a branch's): on one line when it fits,
/// else `cite SOURCE "…"` and the words it carries under it; `end` after the last.
fn cite_lines(p: &mut Printer<'_>, indent: usize, c: &Citation, end: &str) {
    let extra = carried(c, indent + 2);
    let one = format!("{}{end}", one_line(c).trim_start());
    if extra.len() <= 1 && indent + width(&one) <= WIDTH {
        p.line(indent, c.span.start, &one);
        return;
    }
    p.line(indent, c.span.start, bare_cite(c).trim_start());
    let last = extra.len().saturating_sub(1);
    for (i, (a, t)) in extra.into_iter().enumerate() {
        let tail = if i == last { end } else { "" };
        p.line(indent + 2, a, &format!("{t}{tail}"));
    }
}

/// `actor must "what"`
fn action(actor: &Ident, modality: Modality, action: &str) -> String {
    format!("{} {} {}", actor.node, modality.as_str(), quote(action))
}

fn duty(p: &mut Printer<'_>, d: &DutyDecl, at: usize) {
    // `duty name refines other label "…"`: what it refines is part of its name's line.
    let mut shown = d.name.clone();
    if let Some(r) = &d.refines {
        shown.node = format!("{} refines {}", d.name.node, r.node);
    }
    let name = (&shown, d.label.as_ref());
    head(p, at, d.overrides.is_some(), "duty", name, &d.cite);
    p.line(
        2,
        d.actor.span.start,
        &action(&d.actor, d.modality, &d.action),
    );
    let mut clauses: Vec<(usize, Clause<'_>)> = Vec::new();
    if let Some(w) = &d.when {
        clauses.push((w.span.start, Clause::When(w)));
    }
    if let Some(dl) = &d.deadline {
        clauses.push((dl.span.start, Clause::Deadline(dl)));
    }
    if let Some(o) = &d.opens {
        clauses.push((o.span.start, Clause::Deadline(o)));
    }
    if let Some(done) = &d.done {
        clauses.push((done.span.start, Clause::Done(done)));
    }
    clauses.sort_by_key(|c| c.0);
    for (at, c) in clauses {
        match c {
            Clause::When(w) => clause(p, 2, at, "when ", w),
            Clause::Deadline(dl) => {
                let text = deadline(p, dl);
                p.line(2, at, &text);
            }
            Clause::Done(done) => p.line(2, at, &format!("done {}", done.node)),
        }
    }
}

enum Clause<'a> {
    When(&'a Expr),
    Deadline(&'a Deadline),
    Done(&'a Ident),
}

fn deadline(p: &Printer<'_>, d: &Deadline) -> String {
    deadline_text(
        &Period {
            kind: d.kind,
            amount: d.amount.node,
            unit: d.unit,
            assumed: d.assumed,
            shift: d.shift.as_ref().map(|s| s.node),
        },
        &anchor(p, &d.anchor, &d.choices),
    )
}

/// A deadline's words other than its anchor.
pub(crate) struct Period {
    pub kind: DeadlineKind,
    pub amount: u32,
    pub unit: TimeUnit,
    pub assumed: bool,
    pub shift: Option<Shift>,
}

/// `within 5 working days after la_aware_on`: a deadline as the language writes it,
/// the unit singular for one. The one phrasing, shared by `cspr fmt` and the diff's
/// canonical text (`crate::diff::canon`).
pub(crate) fn deadline_text(period: &Period, anchor: &str) -> String {
    let Period {
        kind,
        amount: n,
        unit,
        assumed,
        shift,
    } = *period;
    // `5 days assumed working`: the unit as written (days), then the reading.
    let (unit, reading) = match (assumed, unit) {
        (true, TimeUnit::WorkingDays) => (TimeUnit::Days, " assumed working"),
        (true, _) => (TimeUnit::Days, " assumed calendar"),
        (false, unit) => (unit, ""),
    };
    let unit = match (unit, n == 1) {
        (TimeUnit::WorkingDays, true) => "working day",
        (TimeUnit::WorkingDays, false) => "working days",
        (TimeUnit::Days, true) => "day",
        (TimeUnit::Days, false) => "days",
        (TimeUnit::Weeks, true) => "week",
        (TimeUnit::Weeks, false) => "weeks",
        (TimeUnit::Hours, true) => "hour",
        (TimeUnit::Hours, false) => "hours",
        (TimeUnit::Months, true) => "month",
        (TimeUnit::Months, false) => "months",
    };
    let mut s = match kind {
        DeadlineKind::Within => format!("within {n} {unit}{reading} after {anchor}"),
        DeadlineKind::AtLeastBefore => format!("at least {n} {unit}{reading} before {anchor}"),
        DeadlineKind::ForAtLeast => format!("for at least {n} {unit}{reading} after {anchor}"),
        DeadlineKind::On => format!("on {n} {unit}{reading} after {anchor}"),
        // `not before X`: the window opens on the anchor's own day.
        DeadlineKind::NotBefore if n == 0 && unit == "days" && reading.is_empty() => {
            format!("not before {anchor}")
        }
        DeadlineKind::NotBefore => format!("not before {n} {unit}{reading} after {anchor}"),
    };
    if let Some(shift) = shift {
        s.push_str(&format!(" on a non-working day: {}", shift.as_str()));
    }
    s
}

/// `name`, or `(a if condition else b)`
fn anchor(p: &Printer<'_>, last: &AnchorTerm, choices: &[(AnchorTerm, Expr)]) -> String {
    if choices.is_empty() {
        return anchor_term(last);
    }
    let mut out = String::from("(");
    for (term, cond) in choices {
        out.push_str(&format!(
            "{} if {} else ",
            anchor_term(term),
            flat(&p.trivia, cond)
        ));
    }
    out.push_str(&anchor_term(last));
    out.push(')');
    out
}

/// `name`, `name done`, `earliest(a, b)`.
pub(crate) fn anchor_term(t: &AnchorTerm) -> String {
    match t {
        AnchorTerm::Name(n) => n.node.clone(),
        AnchorTerm::Done(n) => format!("{} done", n.node),
        AnchorTerm::Pick(kind, parts) => format!(
            "{}({})",
            kind.node.as_str(),
            parts.iter().map(anchor_term).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn timeline(p: &mut Printer<'_>, t: &TimelineDecl) {
    head(p, t.span.start, false, "timeline", (&t.name, None), &t.cite);
    p.line(
        2,
        t.start.span().start,
        &format!("starts {}", anchor(p, &t.start, &t.choices)),
    );
    if let Some(w) = &t.when {
        clause(p, 2, w.span.start, "when ", w);
    }
    for s in &t.steps {
        let block = p.block_start(s.span.start);
        p.comments_before(2, block);
        p.blank();
        let days = match s.days.first {
            Some(first) => format!("days {first}-{}", s.days.last),
            None => format!("day {}", s.days.last),
        };
        let days = if s.days.on {
            format!("on {days}")
        } else {
            days
        };
        p.line(
            2,
            s.span.start,
            &format!(
                "step {days} {}{}{}{}:",
                s.name.node,
                s.refines
                    .as_ref()
                    .map_or(String::new(), |r| format!(" refines {}", r.node)),
                label(s.label.as_ref()),
                cite(&s.cite)
            ),
        );
        p.line(
            4,
            s.actor.span.start,
            &action(&s.actor, s.modality, &s.action),
        );
        let mut clauses: Vec<(usize, Clause<'_>)> = Vec::new();
        if let Some(w) = &s.when {
            clauses.push((w.span.start, Clause::When(w)));
        }
        if let Some(done) = &s.done {
            clauses.push((done.span.start, Clause::Done(done)));
        }
        clauses.sort_by_key(|c| c.0);
        for (at, c) in clauses {
            match c {
                Clause::When(w) => clause(p, 4, at, "when ", w),
                Clause::Done(done) => p.line(4, at, &format!("done {}", done.node)),
                Clause::Deadline(_) => {}
            }
        }
    }
}
