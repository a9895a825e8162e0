//! Source coverage: which rule-bearing sentences of each source the declarations quote, which
//! are recorded as deliberately not encoded, and the share covered per source and overall.
//!
//! A quote covers a sentence when one of its fragments overlaps the sentence by at least
//! [`MIN_OVERLAP`] bytes (or the whole sentence, if it is shorter): quoting part of a sentence
//! covers it, touching its edge does not.

use std::ops::Range;

use super::Document;
use super::sentences::Sentence;

/// The fewest bytes of a sentence a quote must cover to cover it.
pub const MIN_OVERLAP: usize = 12;

/// What a claim on a source's words is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimant {
    /// A declaration (rule, duty, decision…) quoting the words, by name.
    Declaration(String),
    /// A `not encoded` record, with its reason.
    NotEncoded(String),
}

/// Words of a source that a module quotes: found where, by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The source's abbreviation.
    pub source: String,
    pub by: Claimant,
    /// The bytes of the source text the quote's fragments were found at.
    pub bytes: Vec<Range<usize>>,
}

/// A rule-bearing sentence and what covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    pub sentence: Sentence,
    /// The declarations that quote it.
    pub encoded_by: Vec<String>,
    /// The reasons recorded for not encoding it.
    pub not_encoded: Vec<String>,
}

impl Covered {
    /// Whether it is quoted or recorded as not encoded.
    #[must_use]
    pub fn is_covered(&self) -> bool {
        !self.encoded_by.is_empty() || !self.not_encoded.is_empty()
    }
}

/// The coverage of one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCoverage {
    pub source: String,
    /// Its rule-bearing sentences, in order.
    pub sentences: Vec<Covered>,
}

impl SourceCoverage {
    /// How many rule-bearing sentences are covered.
    #[must_use]
    pub fn covered(&self) -> usize {
        self.sentences.iter().filter(|s| s.is_covered()).count()
    }

    /// The share covered, 0 to 1; `None` when the source has no rule-bearing sentence.
    #[must_use]
    pub fn share(&self) -> Option<f64> {
        share(self.covered(), self.sentences.len())
    }
}

/// The coverage of every source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub sources: Vec<SourceCoverage>,
}

impl Coverage {
    /// Covered and rule-bearing sentences over all sources.
    #[must_use]
    pub fn totals(&self) -> (usize, usize) {
        self.sources
            .iter()
            .fold((0, 0), |(c, n), s| (c + s.covered(), n + s.sentences.len()))
    }

    /// The share covered over all sources; `None` when none has a rule-bearing sentence.
    #[must_use]
    pub fn share(&self) -> Option<f64> {
        let (covered, all) = self.totals();
        share(covered, all)
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "sentence counts are far below 2^52"
)]
fn share(covered: usize, all: usize) -> Option<f64> {
    (all > 0).then(|| covered as f64 / all as f64)
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// The coverage of `sources` (abbreviation and document) by `claims`.
#[must_use]
pub fn coverage(sources: &[(&str, &Document)], claims: &[Claim]) -> Coverage {
    let sources = sources
        .iter()
        .map(|(abbr, doc)| {
            let sentences = doc
                .sentences()
                .into_iter()
                .filter(|s| s.rule.is_some())
                .map(|sentence| {
                    let need = MIN_OVERLAP.min(sentence.bytes.len());
                    let mut encoded_by = Vec::new();
                    let mut not_encoded = Vec::new();
                    for claim in claims.iter().filter(|c| c.source == *abbr) {
                        if claim
                            .bytes
                            .iter()
                            .any(|b| overlap(b, &sentence.bytes) >= need)
                        {
                            let (list, name) = match &claim.by {
                                Claimant::Declaration(n) => (&mut encoded_by, n),
                                Claimant::NotEncoded(r) => (&mut not_encoded, r),
                            };
                            if !list.contains(name) {
                                list.push(name.clone());
                            }
                        }
                    }
                    Covered {
                        sentence,
                        encoded_by,
                        not_encoded,
                    }
                })
                .collect();
            SourceCoverage {
                source: (*abbr).to_string(),
                sentences,
            }
        })
        .collect();
    Coverage { sources }
}
