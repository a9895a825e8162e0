//! Provenance checks: each `source` declaration's text file is there and still has the
//! SHA-256 it was pinned to, and each quote is its source's words where it is cited.
//!
//! The checker hands over what the module declares as [`SourceFile`]s (a `source … file …
//! sha256 …`) and [`QuoteUse`]s (a citation's `quote`, the quote a `reading` rests on, a
//! `not encoded` record); [`verify`] loads each text once through the [`Resolver`]
//! (relative to the module that declares the source), finds every quote with
//! [`crate::provenance`], and returns the problems — located on the file name, the hash or
//! the quote, with the nearest passage of the text as `help` for a quote not found — and
//! the quotes found, for coverage and for front ends that show them.

use std::fmt::Write as _;

use super::Resolver;
use crate::diagnostic::{Problem, Source};
use crate::provenance::Document;
use crate::provenance::coverage::{Claim, Claimant, Coverage, coverage};
use crate::provenance::quote::{Found, MAX_GAP, MIN_FRAGMENT, QuoteError};
use crate::provenance::render::SourceInfo;
use crate::span::Span;
use crate::syntax::ast;

/// A `source` declaration that names a text file.
#[derive(Debug, Clone)]
pub struct SourceFile<'a> {
    /// The source's abbreviation (`BSCP`).
    pub abbr: &'a str,
    /// Its title, as the declaration gives it.
    pub title: &'a str,
    /// The file's path, relative to the declaring module, and where it is written.
    pub file: (&'a str, Span),
    /// The SHA-256 it was pinned to, if any, and where it is written.
    pub sha256: Option<(&'a str, Span)>,
    /// The module that declares it.
    pub module: &'a Source,
    /// Whether the module being checked declares it (only its own are reported on).
    pub own: bool,
}

/// What a quote stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuoteKind {
    /// A declaration's citation quotes the words it encodes.
    Quote,
    /// A `reading` of the declaration's citation rests on these words.
    Reading(String),
    /// Words the module records as deliberately not encoded, and why.
    NotEncoded(String),
}

/// A quote written in the module being checked.
#[derive(Debug, Clone)]
pub struct QuoteUse<'a> {
    /// The declaration it belongs to (rule, duty, decision…), or the module's id for a
    /// `not encoded` record.
    pub owner: String,
    /// The source cited, and where its name is written.
    pub source: (&'a str, Span),
    /// The citation's locator (`8.2.66`).
    pub locator: &'a str,
    /// The quote's string literals, each with its span; the quote is their texts joined by
    /// a space.
    pub parts: Vec<(&'a str, Span)>,
    pub kind: QuoteKind,
    /// Whether the module being checked wrote it (only its own are reported on; the
    /// others count for coverage).
    pub own: bool,
}

impl QuoteUse<'_> {
    /// The quote's text: its parts joined by a space.
    #[must_use]
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .map(|(t, _)| *t)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The span of all its parts.
    #[must_use]
    pub fn span(&self) -> Span {
        self.parts
            .iter()
            .map(|(_, s)| *s)
            .reduce(Span::to)
            .unwrap_or_default()
    }

    /// The span of the part holding byte `at` of [`QuoteUse::text`].
    fn part_at(&self, at: usize) -> Span {
        self.span_of(at..at)
    }

    /// Where bytes `range` of [`QuoteUse::text`] are written: exactly, when the string
    /// literal holding them has no escapes (its span is its text and two quote marks); else
    /// that literal.
    fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        let mut start = 0;
        for (text, span) in &self.parts {
            let end = start + text.len();
            if range.start < end + 1 {
                if span.len() == text.len() + 2 && range.end <= end && range.start < range.end {
                    let from = span.start + 1 + range.start - start;
                    return Span::new(from, from + range.len());
                }
                return *span;
            }
            start = end + 1;
        }
        self.span()
    }
}

/// A quote found in its source.
#[derive(Debug, Clone)]
pub struct Verified {
    pub owner: String,
    pub source: String,
    pub locator: String,
    pub quote: String,
    pub kind: QuoteKind,
    pub found: Found,
}

/// The outcome of [`verify`]: the texts loaded, the quotes found, and the problems.
#[derive(Debug, Default)]
pub struct Provenance {
    /// Each source with a text that could be read, by abbreviation.
    pub documents: Vec<(String, Document)>,
    /// What coverage reports say about each of those sources: its title and file.
    pub info: Vec<(String, SourceInfo)>,
    pub verified: Vec<Verified>,
    pub problems: Vec<Problem>,
    /// The sources whose text the module being checked declares itself: abbreviation, the
    /// module, and where the file is named (coverage is required of these).
    pub own: Vec<(String, Source, Span)>,
}

impl Provenance {
    /// The text of a source, by abbreviation.
    #[must_use]
    pub fn document(&self, abbr: &str) -> Option<&Document> {
        self.documents
            .iter()
            .find(|(a, _)| a == abbr)
            .map(|(_, d)| d)
    }

    /// The coverage of every source with a text by the quotes found.
    #[must_use]
    pub fn coverage(&self) -> Coverage {
        let sources: Vec<(&str, &Document)> = self
            .documents
            .iter()
            .map(|(a, d)| (a.as_str(), d))
            .collect();
        let claims: Vec<Claim> = self
            .verified
            .iter()
            .map(|v| Claim {
                source: v.source.clone(),
                by: match &v.kind {
                    QuoteKind::NotEncoded(why) => Claimant::NotEncoded(why.clone()),
                    QuoteKind::Quote | QuoteKind::Reading(_) => {
                        Claimant::Declaration(v.owner.clone())
                    }
                },
                bytes: v.found.bytes.clone(),
            })
            .collect();
        coverage(&sources, &claims)
    }

    /// `--require-source-coverage`: an error on each text the module declares whose
    /// rule-bearing sentences are not all quoted or recorded as `not encoded`, listing the
    /// sentences left (located on the text's file name).
    #[must_use]
    pub fn uncovered(&self, coverage: &Coverage) -> Vec<Problem> {
        let mut out = Vec::new();
        for s in &coverage.sources {
            let Some((_, module, at)) = self.own.iter().find(|(a, _, _)| *a == s.source) else {
                continue;
            };
            let left: Vec<_> = s.sentences.iter().filter(|c| !c.is_covered()).collect();
            if left.is_empty() {
                continue;
            }
            let mut help = String::from(
                "quote each in the declaration that encodes it, or record it as not encoded quote \"…\" because \"…\":",
            );
            for c in &left {
                let place = c
                    .sentence
                    .paragraph
                    .as_deref()
                    .map_or_else(String::new, |p| format!("{p}, "));
                let _ = write!(
                    help,
                    "\n  {place}line {}: {}",
                    c.sentence.line, c.sentence.text
                );
            }
            out.push(
                Problem::error(
                    "cspr::source_coverage",
                    format!(
                        "{} of {} rule-bearing sentences of `{}` are neither encoded nor recorded as not encoded",
                        left.len(),
                        s.sentences.len(),
                        s.source
                    ),
                )
                .label(*at, "this text is not fully covered")
                .help(help)
                .in_source(module),
            );
        }
        out
    }
}

/// Whether a path names a file beside or below the module: relative, no `..`.
fn is_confined(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with(['/', '\\'])
        && !path.contains(':')
        && path.split(['/', '\\']).all(|part| part != "..")
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Loads every source's text and checks every quote of the module `entry` against it.
#[must_use]
pub fn verify(
    entry: &Source,
    resolver: &dyn Resolver,
    sources: &[SourceFile],
    quotes: &[QuoteUse],
) -> Provenance {
    let mut out = Provenance::default();
    for decl in sources {
        if let Some(doc) = load(decl, resolver, &mut out.problems) {
            out.documents.push((decl.abbr.to_string(), doc));
            let info = SourceInfo {
                title: decl.title.to_string(),
                file: Some(decl.file.0.to_string()),
            };
            out.info.push((decl.abbr.to_string(), info));
            if decl.own {
                out.own
                    .push((decl.abbr.to_string(), decl.module.clone(), decl.file.1));
            }
        }
    }
    for q in quotes {
        let mut problems = Vec::new();
        let verified = check_quote(entry, q, sources, &out, &mut problems);
        if q.own {
            out.problems.extend(problems);
        }
        out.verified.extend(verified);
    }
    out
}

fn load(
    decl: &SourceFile,
    resolver: &dyn Resolver,
    problems: &mut Vec<Problem>,
) -> Option<Document> {
    let (path, at) = decl.file;
    let mut report = |p: Problem| {
        if decl.own {
            problems.push(p.in_source(decl.module));
        }
    };
    if !is_confined(path) {
        report(
            Problem::error(
                "cspr::source_path",
                format!("the text of `{}` must be a file beside the module", decl.abbr),
            )
            .label(at, "not a path relative to the module")
            .help("name a file in the module's directory or below it, such as \"sources/guidance.txt\", without `..`"),
        );
        return None;
    }
    let text = match resolver.source_file(decl.module, path) {
        Ok(Some(text)) => text,
        Ok(None) => {
            report(
                Problem::error("cspr::source_missing", format!("no text file `{path}` for `{}`", decl.abbr))
                    .label(at, "not found beside the module")
                    .help("source text files are looked up relative to the module that declares the source"),
            );
            return None;
        }
        Err(why) => {
            let mut p = Problem::error(
                "cspr::source_missing",
                format!("cannot read the text of `{}`: {}", decl.abbr, why.message),
            )
            .label(at, "named here");
            p.help = why.help;
            report(p);
            return None;
        }
    };
    let doc = match Document::parse(text.name.to_string(), text.text.to_string()) {
        Ok(doc) => doc,
        Err(why) => {
            report(
                Problem::error("cspr::source_text", format!("`{path}` is not a source text: {why}"))
                    .label(at, "named here")
                    .help("a source text is a header (Title:, Address:, Licence: lines), a line of `=`, then the text"),
            );
            return None;
        }
    };
    match decl.sha256 {
        Some((sha, at)) if !is_sha256(sha) => report(
            Problem::error("cspr::source_hash", "a SHA-256 is 64 lowercase hexadecimal digits")
                .label(at, "not a SHA-256")
                .help(format!("the SHA-256 of `{path}` is \"{}\"", doc.sha256)),
        ),
        Some((sha, at)) if sha != doc.sha256 => report(
            Problem::error(
                "cspr::source_changed",
                format!("the text of `{}` has changed since it was pinned", decl.abbr),
            )
            .label(at, "the SHA-256 it was pinned to")
            .help(format!(
                "`{path}` now has SHA-256 \"{}\": check every quote of `{}` against the new text, then pin it again",
                doc.sha256, decl.abbr
            )),
        ),
        Some(_) => {}
        None => report(
            Problem::warning("cspr::source_unpinned", format!("the text of `{}` is not pinned", decl.abbr))
                .label(at, "no sha256 after the file")
                .help(format!("write sha256 \"{}\" after the file name", doc.sha256)),
        ),
    }
    Some(doc)
}

fn check_quote(
    entry: &Source,
    q: &QuoteUse,
    sources: &[SourceFile],
    out: &Provenance,
    problems: &mut Vec<Problem>,
) -> Option<Verified> {
    let (abbr, abbr_at) = q.source;
    let text = q.text();
    let Some(doc) = out.document(abbr) else {
        // A source with a file that could not be read was reported at its declaration.
        if !sources.iter().any(|s| s.abbr == abbr) {
            problems.push(
                Problem::error(
                    "cspr::quote_unchecked",
                    format!("`{abbr}` has no text to check the quote against"),
                )
                .label(q.span(), "this quote")
                .label(abbr_at, "a source without a text file")
                .help(format!(
                    "add file \"sources/….txt\" sha256 \"…\" to `source {abbr}`, or write the rule as a reading from a source whose text cspr has"
                ))
                .in_source(entry),
            );
        }
        return None;
    };
    match doc.find(Some(q.locator).filter(|l| !l.is_empty()), &text) {
        Ok(found) => {
            for o in &found.omissions {
                let line = doc.line_of(o.bytes.start);
                problems.push(
                    Problem::warning(
                        "cspr::quote_omits_negation",
                        format!("the ellipsis leaves out `{}`", o.word),
                    )
                    .label(q.span_of(o.ellipsis.clone()), "this ellipsis")
                    .help(format!(
                        "the words left out (line {line} of the text): \u{201c}{}\u{201d}; quote them, or make sure the rule does not turn on them",
                        o.text
                    ))
                    .in_source(entry),
                );
            }
            Some(Verified {
                owner: q.owner.clone(),
                source: abbr.to_string(),
                locator: q.locator.to_string(),
                quote: text,
                kind: q.kind.clone(),
                found,
            })
        }
        Err(why) => {
            problems.push(quote_problem(entry, q, abbr, doc, &why));
            None
        }
    }
}

fn quote_problem(
    entry: &Source,
    q: &QuoteUse,
    abbr: &str,
    doc: &Document,
    why: &QuoteError,
) -> Problem {
    let whole = q.span();
    let p = match why {
        QuoteError::Empty => Problem::error("cspr::quote_short", "the quote is empty")
            .label(whole, "no words")
            .help("quote the words of the source the declaration encodes"),
        QuoteError::EmptyFragment { bytes } => Problem::error(
            "cspr::quote_short",
            "two ellipses with nothing between them",
        )
        .label(q.part_at(bytes.start), "here")
        .help("one ellipsis marks words left out"),
        QuoteError::TooShort { bytes, chars } => Problem::error(
            "cspr::quote_short",
            format!("a quoted fragment of {chars} characters is too short to mean anything"),
        )
        .label(q.part_at(bytes.start), "too short")
        .help(format!(
            "quote at least {MIN_FRAGMENT} characters on each side of an ellipsis"
        )),
        QuoteError::UnknownParagraph { number } => {
            let mut help = String::from("cite a paragraph the text has");
            if let Some(first) = doc.paragraphs.first()
                && let Some(last) = doc.paragraphs.last()
            {
                let _ = write!(
                    help,
                    ": `{abbr}` numbers them {} to {}",
                    first.number, last.number
                );
            }
            Problem::error(
                "cspr::quote_paragraph",
                format!("`{abbr}` has no paragraph {number}"),
            )
            .label(whole, "cannot be checked")
            .help(help)
        }
        QuoteError::NotFound {
            bytes,
            region,
            nearest,
        } => {
            let place = region
                .as_deref()
                .map_or_else(String::new, |r| format!(" {r}"));
            let mut p = Problem::error(
                "cspr::quote_not_found",
                format!("the quote is not in `{abbr}`{place}"),
            )
            .label(q.part_at(bytes.start), "not the words of the text");
            if let Some(near) = nearest {
                p = p.help(format!(
                    "the nearest passage (line {}): \u{201c}{}\u{201d}",
                    doc.line_of(near.bytes.start),
                    near.text
                ));
            }
            p
        }
        QuoteError::WrongParagraph { cited, found_in } => Problem::error(
            "cspr::quote_not_found",
            format!(
                "the quote is in `{abbr}` {}, not {cited}",
                found_in.join(", ")
            ),
        )
        .label(whole, "found elsewhere in the text")
        .help("cite the paragraph the words are in"),
        QuoteError::Apart { region } => {
            let place = region
                .as_deref()
                .map_or_else(String::new, |r| format!(" {r}"));
            Problem::error(
                "cspr::quote_not_found",
                format!(
                    "the quote's fragments are in `{abbr}`{place}, but not in this order within {MAX_GAP} characters of each other"
                ),
            )
            .label(whole, "fragments apart")
            .help("an ellipsis joins words close together, in their order in the text; quote the passages separately")
        }
    };
    p.in_source(entry)
}

/// The provenance of `chain` (entry module first, as the checker follows `extends`): the
/// texts every module's sources name, and the quotes of every module found in them. Only the
/// entry module's problems are kept: each module is checked on its own.
#[must_use]
pub fn of_chain(
    chain: &[(Source, std::rc::Rc<ast::Module>)],
    resolver: &dyn Resolver,
) -> Provenance {
    let Some((entry, _)) = chain.first() else {
        return Provenance::default();
    };
    let mut sources = Vec::new();
    let mut quotes = Vec::new();
    for (i, (source, module)) in chain.iter().enumerate() {
        let own = i == 0;
        for item in &module.items {
            if let ast::Item::Source(s) = item
                && let Some(file) = &s.file
            {
                sources.push(SourceFile {
                    abbr: s.name.node.as_str(),
                    title: s.title.as_str(),
                    file: (file.node.as_str(), file.span),
                    sha256: s.sha256.as_ref().map(|h| (h.node.as_str(), h.span)),
                    module: source,
                    own,
                });
            }
        }
        for (owner, cite) in citations(module) {
            quotes.extend(uses(owner, cite, own));
        }
        for item in &module.items {
            if let ast::Item::NotEncoded(n) = item
                && let Some(q) = &n.cite.quote
            {
                quotes.push(QuoteUse {
                    owner: module.id.node.clone(),
                    source: (n.cite.source.node.as_str(), n.cite.source.span),
                    locator: n.cite.locator.as_str(),
                    parts: parts(q),
                    kind: QuoteKind::NotEncoded(n.because.node.clone()),
                    own,
                });
            }
        }
    }
    // Sources declared further up the chain are found by the entry's quotes too; the
    // entry's own declaration of a name comes first.
    verify(entry, resolver, &sources, &quotes)
}

fn parts(q: &ast::Quote) -> Vec<(&str, Span)> {
    q.parts.iter().map(|p| (p.node.as_str(), p.span)).collect()
}

fn uses<'a>(owner: &str, cite: &'a ast::Citation, own: bool) -> Vec<QuoteUse<'a>> {
    let mut out = Vec::new();
    if let Some(q) = &cite.quote {
        out.push(QuoteUse {
            owner: owner.to_string(),
            source: (cite.source.node.as_str(), cite.source.span),
            locator: cite.locator.as_str(),
            parts: parts(q),
            kind: QuoteKind::Quote,
            own,
        });
    }
    if let Some(r) = &cite.reading {
        out.push(QuoteUse {
            owner: owner.to_string(),
            source: (r.from.node.as_str(), r.from.span),
            locator: r.locator.node.as_str(),
            parts: parts(&r.quote),
            kind: QuoteKind::Reading(r.text.node.clone()),
            own,
        });
    }
    out
}

/// Every citation of a module with the name of the declaration it belongs to.
#[must_use]
pub fn citations(module: &ast::Module) -> Vec<(&str, &ast::Citation)> {
    let mut out = Vec::new();
    for item in &module.items {
        match item {
            ast::Item::Rule(r) => {
                out.extend(r.cite.iter().map(|c| (r.name.node.as_str(), c)));
                if let ast::RuleBody::Default { exceptions, .. } = &r.body {
                    for x in exceptions {
                        out.extend(x.cite.iter().map(|c| (r.name.node.as_str(), c)));
                    }
                }
            }
            ast::Item::Decision(d) => {
                out.extend(d.cite.iter().map(|c| (d.name.node.as_str(), c)));
                for b in &d.branches {
                    out.extend(b.cite.iter().map(|c| (d.name.node.as_str(), c)));
                }
            }
            ast::Item::Duty(d) => out.extend(d.cite.iter().map(|c| (d.name.node.as_str(), c))),
            ast::Item::Timeline(t) => {
                out.extend(t.cite.iter().map(|c| (t.name.node.as_str(), c)));
                for s in &t.steps {
                    out.extend(s.cite.iter().map(|c| (s.name.node.as_str(), c)));
                }
            }
            ast::Item::Source(_)
            | ast::Item::Actor(_)
            | ast::Item::Fact(_)
            | ast::Item::NotEncoded(_) => {}
        }
    }
    out
}

/// `cspr check --require-quotes`: a warning on each citation of `module` with neither a quote
/// nor a reading.
#[must_use]
pub fn unquoted(source: &Source, module: &ast::Module) -> Vec<Problem> {
    citations(module)
        .into_iter()
        .filter(|(_, c)| c.quote.is_none() && c.reading.is_none())
        .map(|(owner, c)| {
            Problem::warning(
                "cspr::unquoted_citation",
                format!("the citation of `{owner}` carries neither a quote nor a reading"),
            )
            .label(c.span, "no words of the source")
            .help(format!(
                "add quote \"…\" with the words of `{}` {} that the declaration encodes, or reading \"…\" from SOURCE \"…\" quote \"…\"",
                c.source.node, c.locator
            ))
            .in_source(source)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::NoModules;

    struct Texts(Vec<(&'static str, String)>);

    impl Resolver for Texts {
        fn resolve(&self, _: &str) -> Option<Source> {
            None
        }
        fn known_ids(&self) -> Vec<String> {
            Vec::new()
        }
        fn source_file(&self, _: &Source, path: &str) -> Result<Option<Source>, Problem> {
            Ok(self
                .0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(p, t)| Source::new(*p, t.clone())))
        }
    }

    const TEXT: &str = "Title: T\n===\n1.1 Partners must notify the Panel within five working days.\n\
                        1.2 Annual reports are not published where that would harm a child.\n";

    fn module() -> Source {
        Source::new("m.policy", "source T = \"t\"")
    }

    fn decl<'a>(m: &'a Source, sha: Option<&'a str>) -> SourceFile<'a> {
        SourceFile {
            abbr: "T",
            title: "A text",
            file: ("t.txt", Span::new(1, 2)),
            sha256: sha.map(|s| (s, Span::new(3, 4))),
            module: m,
            own: true,
        }
    }

    fn quote<'a>(locator: &'a str, text: &'a str) -> QuoteUse<'a> {
        QuoteUse {
            owner: "notify".into(),
            source: ("T", Span::new(5, 6)),
            locator,
            parts: vec![(text, Span::new(7, 8))],
            kind: QuoteKind::Quote,
            own: true,
        }
    }

    fn codes(p: &Provenance) -> Vec<&str> {
        p.problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn a_pinned_text_and_a_true_quote_pass() {
        let m = module();
        let sha = crate::provenance::text::sha256_hex(TEXT.as_bytes());
        let texts = Texts(vec![("t.txt", TEXT.into())]);
        let p = verify(
            &m,
            &texts,
            &[decl(&m, Some(&sha))],
            &[quote(
                "1.1",
                "must notify the Panel within five working days",
            )],
        );
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.verified.len(), 1);
        let cov = p.coverage();
        assert_eq!(cov.totals(), (1, 1));
    }

    #[test]
    fn a_changed_byte_fails_on_the_hash() {
        let m = module();
        let sha = crate::provenance::text::sha256_hex(TEXT.as_bytes());
        let texts = Texts(vec![("t.txt", TEXT.replacen("five", "fife", 1))]);
        let p = verify(&m, &texts, &[decl(&m, Some(&sha))], &[]);
        assert_eq!(codes(&p), ["cspr::source_changed"]);
        assert_eq!(p.problems[0].labels[0].0, Span::new(3, 4));
        let unpinned = verify(&m, &texts, &[decl(&m, None)], &[]);
        assert_eq!(codes(&unpinned), ["cspr::source_unpinned"]);
    }

    #[test]
    fn a_changed_word_fails_located_with_the_nearest_passage() {
        let m = module();
        let texts = Texts(vec![("t.txt", TEXT.into())]);
        let p = verify(
            &m,
            &texts,
            &[decl(&m, None)],
            &[quote(
                "1.1",
                "must notify the Panel within ten working days",
            )],
        );
        let problem = p
            .problems
            .iter()
            .find(|p| p.code == "cspr::quote_not_found")
            .unwrap();
        assert_eq!(problem.message, "the quote is not in `T` paragraph 1.1");
        assert_eq!(problem.labels[0].0, Span::new(7, 8));
        assert_eq!(
            problem.help.as_deref(),
            Some(
                "the nearest passage (line 3): \u{201c}must notify the Panel within five working days\u{201d}"
            )
        );
    }

    #[test]
    fn missing_texts_and_paths_outside_are_errors() {
        let m = module();
        let mut bad = decl(&m, None);
        bad.file.0 = "../secret.txt";
        let p = verify(&m, &NoModules, &[bad], &[]);
        assert_eq!(codes(&p), ["cspr::source_path"]);
        let p = verify(&m, &NoModules, &[decl(&m, None)], &[]);
        assert_eq!(codes(&p), ["cspr::source_missing"]);
        // A quote of a source without a text cannot be checked.
        let p = verify(
            &m,
            &NoModules,
            &[],
            &[quote("1.1", "must notify the Panel")],
        );
        assert_eq!(codes(&p), ["cspr::quote_unchecked"]);
    }

    #[test]
    fn an_ellipsis_over_a_not_warns_on_the_quote() {
        let m = module();
        let texts = Texts(vec![("t.txt", TEXT.into())]);
        let q = quote(
            "1.2",
            "Annual reports are … published where that would harm a child",
        );
        let p = verify(&m, &texts, &[decl(&m, None)], &[q]);
        assert_eq!(
            codes(&p),
            ["cspr::source_unpinned", "cspr::quote_omits_negation"]
        );
        assert_eq!(p.problems[1].message, "the ellipsis leaves out `not`");
    }
}
