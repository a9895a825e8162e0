//! Numbered paragraphs (`8.2.18`, `2.1`) and what a citation's locator says about them.
//!
//! A line that starts with a dotted number (`8.2.18` alone on its line, or `2.1 Serious
//! child safeguarding cases …`) opens a numbered paragraph, which runs to the next one. A
//! source has numbered paragraphs when at least two lines open one; then a locator's dotted
//! numbers (`"8.2.36 (Partnership review)"`, `"8.2.28–8.2.30"`) name the paragraphs a quote
//! must be found in, and a number the source does not have is an error. A locator without a
//! dotted number (`"ch.4 para 10"`, `"What is a LCSPR?"`), or a source without numbered
//! paragraphs, lets the quote be found anywhere in the text.

use std::ops::Range;

use super::normal::lines;

/// A numbered paragraph: its number and the bytes it spans (its number's line included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub number: String,
    pub bytes: Range<usize>,
}

/// The numbered paragraphs of `text` (byte ranges offset by `base`); empty unless at least
/// two lines open one.
#[must_use]
pub fn numbered(text: &str, base: usize) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    for line in lines(text) {
        let body = &text[line.clone()];
        let indent = body.len() - body.trim_start().len();
        let Some(number) = leading_number(&body[indent..]) else {
            continue;
        };
        let start = base + line.start;
        if let Some(last) = out.last_mut() {
            last.bytes.end = start;
        }
        out.push(Paragraph {
            number: number.to_string(),
            bytes: start..base + text.len(),
        });
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// The dotted number a line starts with, followed by whitespace or the line's end.
fn leading_number(rest: &str) -> Option<&str> {
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    let word = &rest[..end];
    is_dotted(word).then_some(word)
}

/// `8.2.18`, `2.1`: two or more groups of one to three digits joined by dots.
fn is_dotted(word: &str) -> bool {
    let groups: Vec<&str> = word.split('.').collect();
    groups.len() >= 2
        && groups
            .iter()
            .all(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The dotted numbers a locator names, each alone or as the ends of a range
/// (`8.2.28-8.2.30`, `8.2.28–8.2.30`): `(first, last)`, equal for one paragraph.
#[must_use]
pub fn locator_numbers(locator: &str) -> Vec<(String, String)> {
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in locator.char_indices().chain([(locator.len(), ' ')]) {
        let part = c.is_ascii_digit() || c == '.';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let word = locator[s..i].trim_end_matches('.');
                let preceded = locator[..s].chars().next_back();
                // `ch.4` and `s16C` are not paragraph numbers.
                if is_dotted(word) && !preceded.is_some_and(char::is_alphanumeric) {
                    words.push((s, word));
                }
                start = None;
            }
            _ => {}
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    let mut prev_end: Option<usize> = None;
    for (at, word) in words {
        let joined = prev_end.is_some_and(|e| {
            let between = locator[e..at].trim();
            matches!(between, "-" | "–" | "—" | "to")
        });
        match out.last_mut() {
            Some(last) if joined => last.1 = word.to_string(),
            _ => out.push((word.to_string(), word.to_string())),
        }
        prev_end = Some(at + word.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_run_to_the_next_number() {
        let text = "Intro\n8.2.1\nFirst.\n8.2.2\nSecond.\n";
        let p = numbered(text, 0);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].number, "8.2.1");
        assert_eq!(&text[p[0].bytes.clone()], "8.2.1\nFirst.\n");
        assert_eq!(&text[p[1].bytes.clone()], "8.2.2\nSecond.\n");
    }

    #[test]
    fn numbers_with_text_on_their_line() {
        let text = "1.1 One\n1.2 Two\n- item\n2.1 Three";
        let numbers: Vec<_> = numbered(text, 0).into_iter().map(|p| p.number).collect();
        assert_eq!(numbers, ["1.1", "1.2", "2.1"]);
    }

    #[test]
    fn one_number_is_not_a_numbering() {
        assert!(numbered("Title\n8.2 Local reviews\nText", 0).is_empty());
    }

    #[test]
    fn locators() {
        let one = |s: &str| (s.to_string(), s.to_string());
        assert_eq!(
            locator_numbers("8.2.36 (Partnership review)"),
            [one("8.2.36")]
        );
        assert_eq!(
            locator_numbers("8.2.28–8.2.30"),
            [("8.2.28".to_string(), "8.2.30".to_string())]
        );
        assert_eq!(
            locator_numbers("8.2.8, 8.2.9"),
            [one("8.2.8"), one("8.2.9")]
        );
        assert!(locator_numbers("ch.4 para 10").is_empty());
        assert!(locator_numbers("ch.4 pp.87-88").is_empty());
        assert!(locator_numbers("s16C(1)(b)").is_empty());
    }
}
