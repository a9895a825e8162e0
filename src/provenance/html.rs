//! The literate view (`cspr sources PROCEDURE --format html`): one self-contained page on
//! which a board member checks an encoding without reading code.
//!
//! The page holds, in order: the coverage of each source and overall; every source
//! abbreviation with its full title, address, date read and licence; then each source's
//! text, paragraph by paragraph (its numbered paragraphs where it has them, else the blocks
//! between blank lines), with every quoted passage highlighted and numbered and, beside
//! it, the declaration that encodes it (name, kind, modality, actor, deadline, citation, a
//! link to its text), the rule-bearing sentences nobody encodes marked, and the passages
//! recorded as `not encoded` with their reason; the readings, each with the words it
//! rests on; and, as an appendix, the text of every declaration that quotes a source, as
//! written in the policy.
//!
//! Self-contained: the report's stylesheet ([`crate::report::html`]) and a few rules of
//! its own, no script, nothing fetched. Everything from a policy or a text goes through
//! [`escape`].

use std::fmt::Write as _;
use std::ops::Range;

use super::Document;
use super::coverage::{Coverage, Covered};
use crate::check::quotes::{Provenance, QuoteKind, Verified};
use crate::check::{Name, Program};
use crate::report::html::escape;
use crate::syntax::ast;

const STYLE: &str = concat!(
    include_str!("../report/report.css"),
    include_str!("literate.css")
);

/// What a highlighted passage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Words a declaration's citation quotes.
    Quote,
    /// Words a reading rests on.
    Reading,
    /// Words recorded as not encoded.
    NotEncoded,
}

impl Mark {
    fn of(kind: &QuoteKind) -> Mark {
        match kind {
            QuoteKind::Quote => Mark::Quote,
            QuoteKind::Reading(_) => Mark::Reading,
            QuoteKind::NotEncoded(_) => Mark::NotEncoded,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Mark::Quote => "enc",
            Mark::Reading => "read",
            Mark::NotEncoded => "ne",
        }
    }
}

/// A quote found in one source, numbered on the page in the order of the text.
struct Numbered<'a> {
    n: usize,
    v: &'a Verified,
}

impl Numbered<'_> {
    fn id(&self) -> String {
        format!("q-{}-{}", self.v.source, self.n)
    }

    fn start(&self) -> usize {
        self.v.found.bytes.first().map_or(0, |b| b.start)
    }

    fn end(&self) -> usize {
        self.v.found.bytes.last().map_or(0, |b| b.end)
    }
}

/// The page for `program`'s sources, from the provenance `cspr check` computes.
#[must_use]
pub fn render(program: &Program, provenance: &Provenance) -> String {
    let coverage = provenance.coverage();
    let entry = program.entry();
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"cspr {}\">\n<title>Sources of {}: what is encoded</title>\n<style>\n{STYLE}</style>\n</head>\n<body class=\"literate\">\n",
        env!("CARGO_PKG_VERSION"),
        escape(&entry.id)
    );
    let _ = write!(
        out,
        "<header>\n<p class=\"kicker\">Sources and what encodes them</p>\n<h1>{}</h1>\n<dl class=\"meta\"><dt>Procedure</dt><dd><code>{}</code></dd>",
        escape(&entry.title),
        escape(&entry.id)
    );
    if let Some(v) = entry.version {
        let _ = write!(out, "<dt>Version</dt><dd>{v}</dd>");
    }
    let _ = write!(
        out,
        "<dt>Checked by</dt><dd>cspr {}: every highlighted quote is the words of its text, in the paragraph cited; every text is the one its SHA-256 pins</dd></dl>\n</header>\n",
        env!("CARGO_PKG_VERSION")
    );
    summary(&coverage, provenance, &mut out);
    abbreviations(program, provenance, &mut out);
    let mut quoted: Vec<&str> = Vec::new();
    for (abbr, doc) in &provenance.documents {
        let Some(cov) = coverage.sources.iter().find(|s| s.source == *abbr) else {
            continue;
        };
        let mut numbered: Vec<&Verified> = provenance
            .verified
            .iter()
            .filter(|v| v.source == *abbr)
            .collect();
        numbered.sort_by_key(|v| v.found.bytes.first().map_or(0, |b| b.start));
        let numbered: Vec<Numbered> = numbered
            .into_iter()
            .enumerate()
            .map(|(i, v)| Numbered { n: i + 1, v })
            .collect();
        for q in &numbered {
            if !matches!(q.v.kind, QuoteKind::NotEncoded(_))
                && !quoted.contains(&q.v.owner.as_str())
            {
                quoted.push(&q.v.owner);
            }
        }
        let title = provenance
            .info
            .iter()
            .find(|(a, _)| a == abbr)
            .map_or(abbr.as_str(), |(_, i)| i.title.as_str());
        source_text(
            program,
            (abbr, title),
            doc,
            &cov.sentences,
            &numbered,
            &mut out,
        );
    }
    readings(provenance, &mut out);
    appendix(program, &quoted, &mut out);
    out.push_str("</body>\n</html>\n");
    out
}

fn percent(covered: usize, all: usize) -> String {
    if all == 0 {
        return "—".into();
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "sentence counts are far below 2^52"
    )]
    let share = covered as f64 / all as f64 * 100.0;
    format!("{share:.1} %")
}

fn summary(coverage: &Coverage, provenance: &Provenance, out: &mut String) {
    out.push_str("<section class=\"coverage\">\n<h2>Coverage</h2>\n<p>A sentence of a source <em>carries a rule</em> when it has a modal verb (must, should, will, may…), a time limit, or is a list of criteria. It is <em>covered</em> when a declaration quotes it, or the module records it as deliberately not encoded, with a reason.</p>\n<table class=\"coverage\"><thead><tr><th>Source</th><th>Rule-bearing sentences</th><th>Encoded</th><th>Recorded not encoded</th><th>Not encoded</th><th>Covered</th></tr></thead>\n<tbody>\n");
    for s in &coverage.sources {
        let encoded = s
            .sentences
            .iter()
            .filter(|c| !c.encoded_by.is_empty())
            .count();
        let recorded = s
            .sentences
            .iter()
            .filter(|c| c.encoded_by.is_empty() && !c.not_encoded.is_empty())
            .count();
        let left = s.sentences.len() - s.covered();
        let title = provenance
            .info
            .iter()
            .find(|(a, _)| *a == s.source)
            .map_or("", |(_, i)| i.title.as_str());
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#source-{a}\"><abbr title=\"{t}\">{a}</abbr></a></td><td>{}</td><td>{encoded}</td><td>{recorded}</td><td class=\"{}\">{left}</td><td>{}</td></tr>",
            s.sentences.len(),
            if left > 0 { "left" } else { "none-left" },
            percent(s.covered(), s.sentences.len()),
            a = escape(&s.source),
            t = escape(title),
        );
    }
    let (covered, all) = coverage.totals();
    let _ = write!(
        out,
        "</tbody>\n<tfoot><tr><th>Overall</th><th>{all}</th><th></th><th></th><th>{}</th><th>{}</th></tr></tfoot></table>\n",
        all - covered,
        percent(covered, all)
    );
    out.push_str("<p class=\"legend\"><mark class=\"enc\">quoted by a declaration</mark> <mark class=\"read\">quoted as the ground of a reading</mark> <mark class=\"ne\">recorded as not encoded</mark> <span class=\"gap\">carries a rule, not encoded (no declaration quotes it, no reason recorded)</span> <sup class=\"ref\">n</sup> the passage's number beside the text</p>\n</section>\n");
}

fn abbreviations(program: &Program, provenance: &Provenance, out: &mut String) {
    out.push_str("<section class=\"abbreviations\">\n<h2>Sources</h2>\n<dl class=\"sources\">\n");
    for s in &program.sources {
        let _ = write!(
            out,
            "<dt id=\"abbr-{a}\"><abbr>{a}</abbr></dt><dd><span class=\"title\">{}</span>",
            escape(&s.title),
            a = escape(&s.name)
        );
        match provenance.document(&s.name) {
            Some(doc) => {
                for (key, label) in [
                    ("address", "Address"),
                    ("date copied", "Read"),
                    ("date read", "Read"),
                    ("licence", "Licence"),
                ] {
                    if let Some(v) = doc.parts.field(key) {
                        let _ = write!(
                            out,
                            "<br><span class=\"field\">{label}:</span> {}",
                            escape(v)
                        );
                    }
                }
                let file = provenance
                    .info
                    .iter()
                    .find(|(a, _)| *a == s.name)
                    .and_then(|(_, i)| i.file.as_deref())
                    .unwrap_or(&doc.name);
                let _ = write!(
                    out,
                    "<br><span class=\"field\">Text:</span> <code>{}</code>, SHA-256 <code class=\"hash\">{}</code>",
                    escape(file),
                    doc.sha256
                );
            }
            None => out.push_str(
                "<br><span class=\"field\">Text:</span> not in the tree, so its citations cannot be checked against it",
            ),
        }
        out.push_str("</dd>\n");
    }
    out.push_str("</dl>\n</section>\n");
}

/// The blocks a text is shown in: its numbered paragraphs (and what comes before the
/// first), or the runs of lines between blank lines.
fn blocks(doc: &Document) -> Vec<(Option<&str>, Range<usize>)> {
    let body = doc.parts.body.clone();
    if let Some(first) = doc.paragraphs.first() {
        let mut out = Vec::new();
        if !doc.text[body.start..first.bytes.start].trim().is_empty() {
            out.push((None, body.start..first.bytes.start));
        }
        out.extend(
            doc.paragraphs
                .iter()
                .map(|p| (Some(p.number.as_str()), p.bytes.clone())),
        );
        return out;
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut at = body.start;
    for line in doc.text[body.clone()].split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(at),
            (true, Some(s)) => {
                out.push((None, s..at));
                start = None;
            }
            _ => {}
        }
        at += line.len();
    }
    if let Some(s) = start {
        out.push((None, s..body.end));
    }
    out
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut} …")
}

fn source_text(
    program: &Program,
    (abbr, title): (&str, &str),
    doc: &Document,
    sentences: &[Covered],
    quotes: &[Numbered],
    out: &mut String,
) {
    let a = escape(abbr);
    let _ = write!(
        out,
        "<section class=\"source\" id=\"source-{a}\">\n<h2><abbr>{a}</abbr>: {}</h2>\n",
        escape(title)
    );
    let gaps: Vec<&Covered> = sentences.iter().filter(|c| !c.is_covered()).collect();
    for (number, range) in blocks(doc) {
        let id = number.map_or_else(String::new, |n| format!(" id=\"{a}-{}\"", escape(n)));
        let _ = write!(out, "<div class=\"row\"{id}>\n<div class=\"text\">");
        block_text(doc, &range, &gaps, quotes, out);
        out.push_str("</div>\n<div class=\"beside\">");
        for q in quotes.iter().filter(|q| range.contains(&q.start())) {
            card(program, q, out);
        }
        for g in gaps
            .iter()
            .filter(|g| range.contains(&g.sentence.bytes.start))
        {
            let _ = write!(
                out,
                "<div class=\"card uncovered\"><span class=\"what\">Not encoded</span>, line {}: <q>{}</q></div>",
                g.sentence.line,
                escape(&short(&g.sentence.text, 120))
            );
        }
        out.push_str("</div>\n</div>\n");
    }
    out.push_str("</section>\n");
}

/// A block's text, line by line, with the quoted passages and the uncovered sentences
/// marked; a blank line ends a paragraph.
fn block_text(
    doc: &Document,
    range: &Range<usize>,
    gaps: &[&Covered],
    quotes: &[Numbered],
    out: &mut String,
) {
    let mut open = false;
    let mut at = range.start;
    for line in doc.text[range.clone()].split_inclusive('\n') {
        let span = at..at + line.trim_end().len();
        at += line.len();
        let trimmed = line.trim_start();
        if trimmed.trim().is_empty() {
            if open {
                out.push_str("</p>\n");
                open = false;
            }
            continue;
        }
        out.push_str(if open { "<br>" } else { "<p>" });
        open = true;
        let span = span.start + (line.len() - trimmed.len())..span.end;
        if line.starts_with(char::is_whitespace) {
            out.push_str("<span class=\"indent\"></span>");
        }
        line_text(doc, span, gaps, quotes, out);
    }
    if open {
        out.push_str("</p>");
    }
}

fn line_text(
    doc: &Document,
    span: Range<usize>,
    gaps: &[&Covered],
    quotes: &[Numbered],
    out: &mut String,
) {
    // Cut the line where any passage begins or ends.
    let mut cuts = vec![span.start, span.end];
    for q in quotes {
        for b in &q.v.found.bytes {
            cuts.extend([b.start, b.end]);
        }
    }
    for g in gaps {
        cuts.extend([g.sentence.bytes.start, g.sentence.bytes.end]);
    }
    cuts.retain(|c| span.contains(c) || *c == span.end);
    cuts.retain(|c| doc.text.is_char_boundary(*c));
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        let piece = w[0]..w[1];
        let text = escape(&doc.text[piece.clone()]);
        let on: Vec<&Numbered> = quotes
            .iter()
            .filter(|q| q.v.found.bytes.iter().any(|b| overlaps(b, &piece)))
            .collect();
        if on.is_empty() {
            if gaps.iter().any(|g| overlaps(&g.sentence.bytes, &piece)) {
                let _ = write!(
                    out,
                    "<span class=\"gap\" title=\"carries a rule; not encoded\">{text}</span>"
                );
            } else {
                out.push_str(&text);
            }
        } else {
            let mut classes: Vec<&str> = on.iter().map(|q| Mark::of(&q.v.kind).class()).collect();
            classes.sort_unstable();
            classes.dedup();
            let title: Vec<String> = on.iter().map(|q| who(q)).collect();
            let _ = write!(
                out,
                "<mark class=\"{}\" title=\"{}\">{text}</mark>",
                classes.join(" "),
                escape(&title.join("; "))
            );
        }
        // The passage's number after its last words.
        for q in quotes.iter().filter(|q| q.end() == piece.end) {
            let _ = write!(
                out,
                "<sup class=\"ref {}\"><a href=\"#{}\">{}</a></sup>",
                Mark::of(&q.v.kind).class(),
                q.id(),
                q.n
            );
        }
    }
}

/// Who claims a passage, in a few words.
fn who(q: &Numbered) -> String {
    match &q.v.kind {
        QuoteKind::Quote => format!("{}: encoded by {}", q.n, q.v.owner),
        QuoteKind::Reading(_) => format!("{}: a reading by {} rests on it", q.n, q.v.owner),
        QuoteKind::NotEncoded(why) => format!("{}: not encoded, because {why}", q.n),
    }
}

/// What a declaration is, as the card beside its quote says it.
struct Decl {
    kind: &'static str,
    /// Its `label "…"`, what people read for it, where it has one.
    label: Option<String>,
    /// Modality, actor and action of a duty.
    duty: Option<(&'static str, String, String)>,
    deadline: Option<String>,
    cite: Option<String>,
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decl(program: &Program, name: &str) -> Option<Decl> {
    match program.lookup(name)? {
        Name::Rule(r) => {
            let rule = &program.rules[r];
            Some(Decl {
                kind: match rule.kind {
                    crate::check::program::RuleKind::Rule => "rule",
                    crate::check::program::RuleKind::Decision => "decision",
                },
                label: rule.label.clone(),
                duty: None,
                deadline: None,
                cite: rule.cite.as_ref().map(|c| c.text.clone()),
            })
        }
        Name::Duty(d) => {
            let duty = &program.duties[d];
            let text = &program.source_of(duty.module).text;
            Some(Decl {
                kind: "duty",
                label: duty.label.clone(),
                duty: Some((
                    duty.modality.as_str(),
                    duty.actor_title.clone(),
                    duty.action.clone(),
                )),
                deadline: duty
                    .deadline
                    .as_ref()
                    .and_then(|dl| text.get(dl.span.start..dl.span.end))
                    .map(collapse),
                cite: duty.cite.as_ref().map(|c| c.text.clone()),
            })
        }
        Name::Fact(_) => None,
    }
}

fn card(program: &Program, q: &Numbered, out: &mut String) {
    let class = Mark::of(&q.v.kind).class();
    let _ = write!(
        out,
        "<div class=\"card {class}\" id=\"{}\"><span class=\"ref {class}\">{}</span> ",
        q.id(),
        q.n
    );
    let place = q.v.found.paragraph.as_deref().map_or_else(
        || format!("{} {}", q.v.source, q.v.locator),
        |p| format!("{} {p}", q.v.source),
    );
    match &q.v.kind {
        QuoteKind::NotEncoded(why) => {
            let _ = write!(
                out,
                "<span class=\"what\">Recorded as not encoded</span> <cite>{}</cite>, because: {}",
                escape(place.trim()),
                escape(why)
            );
        }
        kind => {
            let _ = write!(
                out,
                "<a class=\"decl\" href=\"#decl-{n}\"><code>{n}</code></a>",
                n = escape(&q.v.owner)
            );
            let d = decl(program, &q.v.owner);
            if let Some(d) = &d {
                let _ = write!(out, " <span class=\"kind\">{}</span>", d.kind);
                if let Some(label) = &d.label {
                    let _ = write!(out, "<br><span class=\"label\">{}</span>", escape(label));
                }
                if let Some((modality, actor, action)) = &d.duty {
                    let _ = write!(
                        out,
                        "<br><span class=\"actor\">{}</span> <span class=\"modality m-{modality}\">{modality}</span> {}",
                        escape(actor),
                        escape(action)
                    );
                }
                match (&d.deadline, &d.duty) {
                    (Some(deadline), _) => {
                        let _ = write!(
                            out,
                            "<br><span class=\"field\">Deadline:</span> <code>{}</code>",
                            escape(deadline)
                        );
                    }
                    (None, Some(_)) => {
                        out.push_str("<br><span class=\"field\">Deadline:</span> none set");
                    }
                    (None, None) => {}
                }
            }
            if let QuoteKind::Reading(text) = kind {
                let cite = d.and_then(|d| d.cite).unwrap_or_default();
                let _ = write!(
                    out,
                    "<br><span class=\"what\">A reading</span> ({}): <span class=\"reading\">{}</span><br>read from <cite>{}</cite>: these words",
                    escape(&cite),
                    escape(text),
                    escape(place.trim())
                );
            } else {
                let _ = write!(out, "<br>cites <cite>{}</cite>", escape(place.trim()));
            }
        }
    }
    out.push_str("</div>");
}

fn readings(provenance: &Provenance, out: &mut String) {
    let readings: Vec<&Verified> = provenance
        .verified
        .iter()
        .filter(|v| matches!(v.kind, QuoteKind::Reading(_)))
        .collect();
    if readings.is_empty() {
        return;
    }
    out.push_str("<section class=\"readings\">\n<h2>Readings</h2>\n<p>A reading is the module's own words for a rule the text does not state in so many words, and the words of the text it rests on: it is not the guidance's text.</p>\n<ul>\n");
    for v in readings {
        let QuoteKind::Reading(text) = &v.kind else {
            continue;
        };
        let place = v
            .found
            .paragraph
            .as_deref()
            .map_or_else(|| v.locator.clone(), str::to_string);
        let _ = writeln!(
            out,
            "<li><a class=\"decl\" href=\"#decl-{n}\"><code>{n}</code></a>: <span class=\"reading\">{}</span><br>read from <cite>{} {}</cite>: <q>{}</q></li>",
            escape(text),
            escape(&v.source),
            escape(&place),
            escape(&v.quote),
            n = escape(&v.owner)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

/// Where each declaration of the program is written, whole: its module and span (a later
/// module's declaration of a name, an override, replaces the earlier one).
fn written(program: &Program) -> Vec<(String, usize, crate::span::Span)> {
    let mut out: Vec<(String, usize, crate::span::Span)> = Vec::new();
    let mut put = |name: &str, module: usize, span: crate::span::Span| match out
        .iter_mut()
        .find(|(n, _, _)| n == name)
    {
        Some(slot) => *slot = (name.to_string(), module, span),
        None => out.push((name.to_string(), module, span)),
    };
    for (m, info) in program.modules.iter().enumerate() {
        let Ok(module) = crate::syntax::parse(&info.source) else {
            continue;
        };
        for item in &module.items {
            match item {
                ast::Item::Rule(r) => put(&r.name.node, m, r.span),
                ast::Item::Decision(d) => put(&d.name.node, m, d.span),
                ast::Item::Duty(d) => put(&d.name.node, m, d.span),
                ast::Item::Timeline(t) => {
                    put(&t.name.node, m, t.span);
                    for step in &t.steps {
                        put(&step.name.node, m, step.span);
                    }
                }
                ast::Item::Source(_)
                | ast::Item::Fact(_)
                | ast::Item::NotEncoded(_)
                | ast::Item::Actor(_) => {}
            }
        }
    }
    out
}

fn appendix(program: &Program, names: &[&str], out: &mut String) {
    if names.is_empty() {
        return;
    }
    let written = written(program);
    out.push_str(
        "<section class=\"appendix declarations\">\n<h2>The declarations, as written</h2>\n",
    );
    for name in names {
        let n = escape(name);
        let _ = write!(
            out,
            "<section class=\"decl\" id=\"decl-{n}\"><h3><code>{n}</code></h3>"
        );
        let found = written.iter().find(|(w, _, _)| w == name);
        match found {
            Some((_, module, span)) => {
                let source = program.source_of(*module);
                let line = 1 + source
                    .text
                    .get(..span.start)
                    .map_or(0, |t| t.matches('\n').count());
                let code = source.text.get(span.start..span.end).unwrap_or("");
                let _ = write!(
                    out,
                    "<p class=\"place\">{}, line {line}</p><pre class=\"policy\">{}</pre>",
                    escape(&source.name),
                    escape(code)
                );
            }
            None => out.push_str("<p class=\"place\">not found in the procedure's modules</p>"),
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}
