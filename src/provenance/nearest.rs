//! The passage of a source nearest to a quote that was not found, for the error's hint.
//!
//! Windows of the source as many words long as the quote, starting at each word, are first
//! ranked by how many of the quote's words they hold (counted as a sliding multiset, so the
//! whole text costs one pass); the best few are then compared character by character with
//! `strsim`'s normalised Levenshtein similarity, trying one word fewer and more, and the most
//! similar wins.

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::normal::{Normalised, is_word};

/// The passage nearest to a quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Nearest {
    /// The passage's normalised characters in the source.
    pub chars: Range<usize>,
    /// The bytes of the source text it spans.
    pub bytes: Range<usize>,
    /// The passage's normalised text.
    pub text: String,
    /// Its similarity to the quote, 0 to 1.
    pub similarity: f64,
}

/// How many windows go on to the character comparison.
const SHORTLIST: usize = 8;

/// Word starts and ends (normalised character indices) in `range` of `text`.
fn words(chars: &[char], range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for i in range.clone() {
        match (is_word(chars[i]), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..range.end);
    }
    out
}

fn key(chars: &[char], word: &Range<usize>) -> String {
    chars[word.clone()]
        .iter()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// The passage of `source` within `region` nearest to `quote`, if the quote has a word.
#[must_use]
pub fn nearest(source: &Normalised, region: Range<usize>, quote: &[char]) -> Option<Nearest> {
    let quote_words = words(quote, 0..quote.len());
    let n = quote_words.len();
    let region = region.start.min(source.len())..region.end.min(source.len());
    let src_words = words(&source.chars, region.clone());
    if n == 0 || src_words.is_empty() {
        return None;
    }
    let mut want: FxHashMap<String, i32> = FxHashMap::default();
    for w in &quote_words {
        *want.entry(key(quote, w)).or_default() += 1;
    }
    let keys: Vec<String> = src_words.iter().map(|w| key(&source.chars, w)).collect();
    let mut have: FxHashMap<&str, i32> = FxHashMap::default();
    let mut matched = 0;
    let mut scores: Vec<(i32, usize)> = Vec::with_capacity(src_words.len());
    for (i, k) in keys.iter().enumerate() {
        let want_k = want.get(k).copied().unwrap_or(0);
        let h = have.entry(k).or_default();
        if *h < want_k {
            matched += 1;
        }
        *h += 1;
        if i >= n {
            let old = &keys[i - n];
            let want_old = want.get(old).copied().unwrap_or(0);
            let h = have.entry(old).or_default();
            *h -= 1;
            if *h < want_old {
                matched -= 1;
            }
        }
        let first = (i + 1).saturating_sub(n);
        scores.push((matched, first));
    }
    scores.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scores.dedup_by_key(|s| s.1);
    let quote_text: String = quote.iter().collect();
    let mut best: Option<Nearest> = None;
    for &(_, first) in scores.iter().take(SHORTLIST) {
        for len in [n.saturating_sub(1).max(1), n, n + 1] {
            let last = (first + len).min(src_words.len()) - 1;
            let chars = src_words[first].start..src_words[last].end;
            let text = source.string(chars.clone());
            let similarity = strsim::normalized_levenshtein(&quote_text, &text);
            if best.as_ref().is_none_or(|b| similarity > b.similarity) {
                let bytes = source.bytes(chars.clone());
                best = Some(Nearest {
                    chars,
                    bytes,
                    text,
                    similarity,
                });
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::normal::normalise;

    #[test]
    fn finds_the_changed_sentence() {
        let src = normalise(
            "The panel meets monthly. The local authority should notify the Panel within five \
             working days. Reports are published.",
            0,
        );
        let quote: Vec<char> = "notify the Panel within ten working days".chars().collect();
        let near = nearest(&src, 0..src.len(), &quote).unwrap();
        assert_eq!(near.text, "notify the Panel within five working days");
        assert!(near.similarity > 0.8);
    }
}
