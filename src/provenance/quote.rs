//! Finding a quote in a source: an exact match after [normalising](super::normal) both,
//! within the cited numbered paragraph where the source has them.
//!
//! An ellipsis (`…`, `...`, `[…]`, `[...]`) joins fragments that must be found in order, each
//! beginning at most [`MAX_GAP`] characters after the one before ends; every fragment (and a
//! quote without an ellipsis) is at least [`MIN_FRAGMENT`] characters long, so no quote is too
//! short to mean anything. When the text an ellipsis leaves out holds a negation (`not`, `no`,
//! `never`, `unless`, `except`, `without`, `cannot`, or a word ending in `n't`), the match
//! carries an [`Omission`] warning: the pitfall of dropping the one word that turns a rule
//! around. A match starts and ends on word boundaries: `the child` is not found in `bathe
//! children`.
//!
//! A quote that is not found is an error carrying the nearest passage of the text searched
//! ([`super::nearest`]); one found only outside the cited paragraph says where it is.

use std::ops::Range;

use super::nearest::{Nearest, nearest};
use super::normal::{Normalised, SOFT_HYPHEN, is_word, normalise};
use super::paragraph::{Paragraph, locator_numbers};

/// The fewest characters a quote, or each fragment of one, may have after normalising.
pub const MIN_FRAGMENT: usize = 12;
/// The most characters an ellipsis may leave out between two fragments (normalised).
pub const MAX_GAP: usize = 300;
/// The words whose omission by an ellipsis is warned about (and any word ending in `n't`).
pub const NEGATIONS: &[&str] = &[
    "not", "no", "never", "unless", "except", "without", "cannot",
];

/// A fragment of a quote: its normalised characters and its bytes in the quote's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    pub chars: Vec<char>,
    pub bytes: Range<usize>,
}

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Each fragment's normalised characters in the source.
    pub chars: Vec<Range<usize>>,
    /// Each fragment's bytes in the source text.
    pub bytes: Vec<Range<usize>>,
    /// The numbered paragraph it is in, where the source has them.
    pub paragraph: Option<String>,
    /// Negations an ellipsis leaves out.
    pub omissions: Vec<Omission>,
}

/// Text an ellipsis leaves out that holds a negation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omission {
    /// The negation (as written, lowercase).
    pub word: String,
    /// The text left out, normalised.
    pub text: String,
    /// Its bytes in the source text.
    pub bytes: Range<usize>,
    /// The ellipsis's bytes in the quote's text.
    pub ellipsis: Range<usize>,
}

/// Why a quote was not found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuoteError {
    #[error("the quote is empty")]
    Empty,
    #[error("two ellipses with nothing between them")]
    EmptyFragment { bytes: Range<usize> },
    #[error(
        "a quoted fragment of {chars} characters is too short to mean anything (at least {MIN_FRAGMENT})"
    )]
    TooShort { bytes: Range<usize>, chars: usize },
    #[error("the source has no paragraph {number}")]
    UnknownParagraph { number: String },
    #[error("the quote is not in the source{}", in_region(region.as_deref()))]
    NotFound {
        /// The fragment not found, by its bytes in the quote (the whole quote when it has one).
        bytes: Range<usize>,
        region: Option<String>,
        nearest: Option<Nearest>,
    },
    #[error("the quote is in {}, not in {cited}", found_in.join(", "))]
    WrongParagraph {
        cited: String,
        found_in: Vec<String>,
    },
    #[error(
        "the quote's fragments are in the source, but not in this order within {MAX_GAP} characters of each other"
    )]
    Apart { region: Option<String> },
}

fn in_region(region: Option<&str>) -> String {
    region
        .map(|r| format!(" (searched {r})"))
        .unwrap_or_default()
}

/// Splits a quote at its ellipses into normalised fragments.
///
/// # Errors
///
/// An empty quote, an empty fragment between two ellipses, or a fragment shorter than
/// [`MIN_FRAGMENT`].
pub fn fragments(quote: &str) -> Result<Vec<Fragment>, QuoteError> {
    let mut raw: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < quote.len() {
        let rest = &quote[i..];
        let sep = ["[…]", "[...]", "…", "..."]
            .into_iter()
            .find(|s| rest.starts_with(s));
        if let Some(sep) = sep {
            raw.push(start..i);
            i += sep.len();
            start = i;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    raw.push(start..quote.len());
    let mut out: Vec<Fragment> = Vec::new();
    let last = raw.len() - 1;
    for (k, bytes) in raw.into_iter().enumerate() {
        let n = normalise(&quote[bytes.clone()], bytes.start);
        let chars: Vec<char> = n.chars.into_iter().filter(|&c| c != SOFT_HYPHEN).collect();
        if chars.is_empty() {
            // An ellipsis opening or closing the quote only says it is cut.
            if k == 0 || k == last {
                continue;
            }
            return Err(QuoteError::EmptyFragment { bytes });
        }
        if chars.len() < MIN_FRAGMENT {
            return Err(QuoteError::TooShort {
                bytes,
                chars: chars.len(),
            });
        }
        out.push(Fragment { chars, bytes });
    }
    if out.is_empty() {
        return Err(QuoteError::Empty);
    }
    Ok(out)
}

/// Where `quote` matches `source` starting at `at`: the end of the match.
fn match_at(source: &[char], at: usize, quote: &[char]) -> Option<usize> {
    if source.get(at) == Some(&SOFT_HYPHEN) {
        return None;
    }
    let (mut i, mut j) = (0, at);
    while i < quote.len() {
        let s = *source.get(j)?;
        if s == SOFT_HYPHEN {
            if quote[i] == '-' {
                i += 1;
            }
            j += 1;
            continue;
        }
        if s != quote[i] {
            return None;
        }
        i += 1;
        j += 1;
    }
    let first = quote.first().copied().unwrap_or(' ');
    let last = quote.last().copied().unwrap_or(' ');
    let starts = at == 0 || !is_word(first) || !is_word(source[at - 1]);
    let ends = !is_word(last) || source.get(j).is_none_or(|&c| !is_word(c));
    (starts && ends).then_some(j)
}

/// Every match of `quote` starting in `from..to` and ending by `limit`.
fn matches(
    source: &[char],
    from: usize,
    to: usize,
    limit: usize,
    quote: &[char],
) -> Vec<Range<usize>> {
    let Some(&first) = quote.first() else {
        return Vec::new();
    };
    (from..to.min(source.len()))
        .filter(|&at| source[at] == first)
        .filter_map(|at| match_at(source, at, quote).map(|end| at..end))
        .filter(|m| m.end <= limit)
        .collect()
}

/// The fragments found in order within `range`, each within [`MAX_GAP`] of the one before.
fn chain(source: &[char], range: &Range<usize>, frags: &[Fragment]) -> Option<Vec<Range<usize>>> {
    fn go(
        source: &[char],
        range: &Range<usize>,
        frags: &[Fragment],
        after: usize,
        found: &mut Vec<Range<usize>>,
    ) -> bool {
        let Some(frag) = frags.get(found.len()) else {
            return true;
        };
        let to = if found.is_empty() {
            range.end
        } else {
            after + MAX_GAP + 1
        };
        for m in matches(source, after, to, range.end, &frag.chars) {
            let end = m.end;
            found.push(m);
            if go(source, range, frags, end, found) {
                return true;
            }
            found.pop();
        }
        false
    }
    let mut found = Vec::new();
    go(source, range, frags, range.start, &mut found).then_some(found)
}

/// The paragraphs a locator confines a quote to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Their normalised characters, in order, adjacent ones merged.
    pub ranges: Vec<Range<usize>>,
    /// How messages name them (`paragraph 8.2.18`).
    pub label: String,
}

/// The paragraphs a locator confines a quote to; `None` for anywhere.
///
/// # Errors
///
/// [`QuoteError::UnknownParagraph`] for a number the source's paragraphs do not have.
pub fn region(
    source: &Normalised,
    paragraphs: &[Paragraph],
    locator: Option<&str>,
) -> Result<Option<Region>, QuoteError> {
    let numbers = locator.map(locator_numbers).unwrap_or_default();
    if paragraphs.is_empty() || numbers.is_empty() {
        return Ok(None);
    }
    let index = |n: &str| {
        paragraphs
            .iter()
            .position(|p| p.number == n)
            .ok_or_else(|| QuoteError::UnknownParagraph {
                number: n.to_string(),
            })
    };
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut labels = Vec::new();
    for (first, last) in &numbers {
        let (a, b) = (index(first)?, index(last)?);
        let (a, b) = (a.min(b), a.max(b));
        let bytes = paragraphs[a].bytes.start..paragraphs[b].bytes.end;
        ranges.push(source.chars_in(bytes));
        labels.push(if a == b {
            first.clone()
        } else {
            format!("{first}–{last}")
        });
    }
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(m) if r.start <= m.end => m.end = m.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let label = format!("paragraph {}", labels.join(", "));
    Ok(Some(Region {
        ranges: merged,
        label,
    }))
}

/// The label of the numbered paragraph holding normalised character `at`.
fn paragraph_of(source: &Normalised, paragraphs: &[Paragraph], at: usize) -> Option<String> {
    let byte = source.spans.get(at)?.start;
    paragraphs
        .iter()
        .find(|p| p.bytes.contains(&byte))
        .map(|p| p.number.clone())
}

/// Finds `quote` in `source` (the normalised text of a document whose numbered paragraphs
/// are `paragraphs`), within the paragraphs `locator` names.
///
/// # Errors
///
/// A [`QuoteError`] saying why the quote is not the source's words where it is cited.
pub fn find(
    source: &Normalised,
    paragraphs: &[Paragraph],
    locator: Option<&str>,
    quote: &str,
) -> Result<Found, QuoteError> {
    let frags = fragments(quote)?;
    let region = region(source, paragraphs, locator)?;
    let whole = 0..source.len();
    let ranges = region
        .as_ref()
        .map_or_else(|| vec![whole.clone()], |r| r.ranges.clone());
    if let Some(found) = ranges.iter().find_map(|r| chain(&source.chars, r, &frags)) {
        return Ok(found_at(source, paragraphs, &frags, found));
    }
    let label = region.as_ref().map(|r| r.label.clone());
    // Found, but outside the cited paragraphs?
    if let Some(Region { label: cited, .. }) = &region {
        let mut found_in = Vec::new();
        let mut from = 0;
        while let Some(found) = chain(&source.chars, &(from..source.len()), &frags) {
            let start = found[0].start;
            let name = paragraph_of(source, paragraphs, start).map_or_else(
                || "the text before the numbered paragraphs".to_string(),
                |n| format!("paragraph {n}"),
            );
            if !found_in.contains(&name) {
                found_in.push(name);
            }
            from = start + 1;
        }
        if !found_in.is_empty() {
            return Err(QuoteError::WrongParagraph {
                cited: cited.clone(),
                found_in,
            });
        }
    }
    // Which fragment is missing?
    for frag in &frags {
        if ranges
            .iter()
            .all(|r| matches(&source.chars, r.start, r.end, r.end, &frag.chars).is_empty())
        {
            let near = ranges
                .iter()
                .filter_map(|r| nearest(source, r.clone(), &frag.chars))
                .max_by(|a, b| a.similarity.total_cmp(&b.similarity));
            return Err(QuoteError::NotFound {
                bytes: frag.bytes.clone(),
                region: label,
                nearest: near,
            });
        }
    }
    Err(QuoteError::Apart { region: label })
}

fn found_at(
    source: &Normalised,
    paragraphs: &[Paragraph],
    frags: &[Fragment],
    chars: Vec<Range<usize>>,
) -> Found {
    let mut omissions = Vec::new();
    for (k, pair) in chars.windows(2).enumerate() {
        let gap = pair[0].end..pair[1].start;
        let text = source.string(gap.clone());
        let negation = text
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .map(str::to_lowercase)
            .find(|w| NEGATIONS.contains(&w.as_str()) || w.ends_with("n't"));
        if let Some(word) = negation {
            let ellipsis = frags[k].bytes.end..frags[k + 1].bytes.start;
            omissions.push(Omission {
                word,
                text: text.trim().to_string(),
                bytes: source.bytes(gap),
                ellipsis,
            });
        }
    }
    let paragraph = chars
        .first()
        .and_then(|c| paragraph_of(source, paragraphs, c.start));
    let bytes = chars.iter().map(|c| source.bytes(c.clone())).collect();
    Found {
        chars,
        bytes,
        paragraph,
        omissions,
    }
}
