//! Provenance: the texts a module cites, and the checks that its quotes are their words.
//!
//! A source text file ([`text`]) is a header (title, address, date read, licence), a line of
//! `=`, and the document's text; a `source` declaration pins it by the SHA-256 of its bytes.
//! Everything else compares a quote with the text through one [normalisation](normal), which
//! keeps a map back to the file's bytes so a match can be located and highlighted:
//!
//! 1. [`normal`]: whitespace and line breaks, line-end hyphenation, curly quotes, dashes and
//!    list markers — nothing looser;
//! 2. [`paragraph`]: numbered paragraphs (`8.2.18`) and the ones a citation's locator names;
//! 3. [`quote`]: an exact match of the quote's fragments (split at ellipses), in order and
//!    close together, within the cited paragraph; an ellipsis that leaves out a negation
//!    warns; a quote not found carries the [`nearest`] passage as a hint;
//! 4. [`sentences`]: the text cut into sentences, and which of them carry a rule;
//! 5. [`coverage`]: which rule-bearing sentences the module's quotes (and its `not encoded`
//!    records) cover, per source and overall.
//!
//! Like every stage, this does no I/O: the front end hands over the file's text.

pub mod coverage;
pub mod html;
pub mod nearest;
pub mod normal;
pub mod paragraph;
pub mod quote;
pub mod render;
pub mod sentences;
pub mod text;

use normal::Normalised;
use paragraph::Paragraph;
use quote::{Found, QuoteError};
use sentences::Sentence;
use text::{Parts, TextError};

/// A source text, parsed and normalised once, ready for any number of quotes.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file's name, for messages.
    pub name: String,
    /// The whole file.
    pub text: String,
    /// Its header and where its body is.
    pub parts: Parts,
    /// The SHA-256 of the file's bytes (64 lowercase hexadecimal digits).
    pub sha256: String,
    /// The body, normalised, mapped back to bytes of `text`.
    pub normal: Normalised,
    /// The body's numbered paragraphs (empty if it has none).
    pub paragraphs: Vec<Paragraph>,
}

impl Document {
    /// Reads a source text file.
    ///
    /// # Errors
    ///
    /// A [`TextError`] when the file has no header separated from the text by a line of `=`.
    pub fn parse(name: impl Into<String>, text: impl Into<String>) -> Result<Document, TextError> {
        let text = text.into();
        let parts = text::parse(&text)?;
        let body = &text[parts.body.clone()];
        let normal = normal::normalise(body, parts.body.start);
        let paragraphs = paragraph::numbered(body, parts.body.start);
        let sha256 = text::sha256_hex(text.as_bytes());
        Ok(Document {
            name: name.into(),
            text,
            parts,
            sha256,
            normal,
            paragraphs,
        })
    }

    /// The `Title:` of its header.
    #[must_use]
    pub fn title(&self) -> Option<&str> {
        self.parts.field("title")
    }

    /// Finds a quote within the paragraphs its citation's `locator` names.
    ///
    /// # Errors
    ///
    /// A [`QuoteError`] saying why the quote is not this text's words there.
    pub fn find(&self, locator: Option<&str>, quote: &str) -> Result<Found, QuoteError> {
        quote::find(&self.normal, &self.paragraphs, locator, quote)
    }

    /// The body's sentences, each with what makes it carry a rule.
    #[must_use]
    pub fn sentences(&self) -> Vec<Sentence> {
        let start = self.parts.body.start;
        let first_line = 1 + self.text[..start].matches('\n').count();
        sentences::sentences(&self.text[start..], start, first_line, &self.paragraphs)
    }

    /// The line (from 1) holding byte `at`.
    #[must_use]
    pub fn line_of(&self, at: usize) -> usize {
        1 + self.text.get(..at).map_or(0, |t| t.matches('\n').count())
    }
}

#[cfg(test)]
mod tests;
