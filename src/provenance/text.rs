//! A source text file: a header (`Title: …`, `Address: …`, `Licence: …` lines), a line of
//! `=`, then the document's text, and the SHA-256 of the file's bytes that a `source`
//! declaration pins.

use std::fmt::Write as _;
use std::ops::Range;

use sha2::{Digest, Sha256};

/// The header and body of a source text file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The header's `Key: value` lines, in order (a line without `:` is a value with an
    /// empty key).
    pub header: Vec<(String, String)>,
    /// The document's text: the bytes after the line of `=`.
    pub body: Range<usize>,
}

impl Parts {
    /// The value of the first header line with this key (case-insensitive).
    #[must_use]
    pub fn field(&self, key: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a source text file could not be read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// No line of `=` separates a header from the text.
    #[error("no line of `=` separates the header from the text")]
    NoSeparator,
}

/// Splits a source text file into its header and body.
///
/// # Errors
///
/// [`TextError::NoSeparator`] when no line made only of `=` (three or more) follows the header.
pub fn parse(text: &str) -> Result<Parts, TextError> {
    let mut header = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        at += line.len();
        let trimmed = line.trim();
        if trimmed.len() >= 3 && trimmed.bytes().all(|b| b == b'=') {
            return Ok(Parts {
                header,
                body: at..text.len(),
            });
        }
        if trimmed.is_empty() {
            continue;
        }
        match trimmed.split_once(':') {
            Some((k, v)) if k.split_whitespace().count() <= 3 => {
                header.push((k.trim().to_string(), v.trim().to_string()));
            }
            _ => header.push((String::new(), trimmed.to_string())),
        }
    }
    Err(TextError::NoSeparator)
}

/// The SHA-256 of `bytes`, as 64 lowercase hexadecimal digits.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_body() {
        let text = "Title: A guide\nLicence: OGL v3.0\n=====\nThe text.\n";
        let parts = parse(text).unwrap();
        assert_eq!(parts.field("title"), Some("A guide"));
        assert_eq!(parts.field("Licence"), Some("OGL v3.0"));
        assert_eq!(&text[parts.body], "The text.\n");
    }

    #[test]
    fn no_separator_is_an_error() {
        assert_eq!(parse("Title: x\nno line\n"), Err(TextError::NoSeparator));
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
