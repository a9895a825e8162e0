//! Normalisation: the one way source texts and quotes are compared.
//!
//! Both sides go through [`normalise`], which changes only what a person copying a quote
//! cannot see or could not reproduce, and keeps, for every character it yields, the byte
//! range of the text it came from, so a match can be located and highlighted in the file:
//!
//! - **whitespace and line breaks**: every run of whitespace (spaces, tabs, line breaks,
//!   no-break and thin spaces) is one space; none at the start or end;
//! - **curly and straight quotes**: `‘ ’ ‚ ‛` are `'`, `“ ” „ ‟` are `"`;
//! - **dashes**: `‐ ‑ ‒ – — ― −` are `-`;
//! - **hyphenation at line ends**: a hyphen that ends a line after a letter, when the next
//!   line goes on with a lowercase letter (`com-` / `plete`), is a *soft hyphen*
//!   ([`SOFT_HYPHEN`]): it matches a quote's `-` or nothing, so `complete` and `long-term`
//!   are both found however the line broke;
//! - **list markers**: at the start of a line, a bullet (`•`, `·`, `▪`, `◦`, `‣`, `●`, or
//!   a `-` followed by a space) and the space after it are a space; so is an item's number
//!   (`1.`, `2)`, `a)`, `(ii)`) on a line that follows a list's lead-in (a line ending with
//!   `:` or a dash) or another item. `Safeguarding partners must ensure that the final report
//!   includes:` / `• a summary …` reads `… includes: a summary …`.
//!
//! Nothing else: case, spelling, other punctuation and numbering inside a line are kept, so
//! a quote that is found is the source's words.

use std::ops::Range;

/// The character a line-end hyphen becomes: matches a quote's `-` or nothing.
pub const SOFT_HYPHEN: char = '\u{ad}';

/// A text after normalisation, with the byte range of the original each character came from.
#[derive(Debug, Clone, Default)]
pub struct Normalised {
    /// The normalised characters.
    pub chars: Vec<char>,
    /// For each character, the byte range of the original text it stands for (offset by
    /// the `base` given to [`normalise`]).
    pub spans: Vec<Range<usize>>,
}

impl Normalised {
    /// The normalised characters `range` as a string (soft hyphens dropped).
    #[must_use]
    pub fn string(&self, range: Range<usize>) -> String {
        self.chars[range.start.min(self.chars.len())..range.end.min(self.chars.len())]
            .iter()
            .filter(|&&c| c != SOFT_HYPHEN)
            .collect()
    }

    /// The original bytes that the normalised characters `range` came from.
    #[must_use]
    pub fn bytes(&self, range: Range<usize>) -> Range<usize> {
        if range.start >= range.end || range.start >= self.spans.len() {
            let at = self
                .spans
                .get(range.start)
                .map_or_else(|| self.spans.last().map_or(0, |s| s.end), |s| s.start);
            return at..at;
        }
        let end = range.end.min(self.spans.len());
        self.spans[range.start].start..self.spans[end - 1].end
    }

    /// The normalised characters whose original starts in `bytes`.
    #[must_use]
    pub fn chars_in(&self, bytes: Range<usize>) -> Range<usize> {
        let start = self.spans.partition_point(|s| s.start < bytes.start);
        let end = self.spans.partition_point(|s| s.start < bytes.end);
        start..end.max(start)
    }

    /// The number of characters.
    #[must_use]
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    /// Whether there are no characters.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    fn push(&mut self, c: char, span: Range<usize>) {
        self.chars.push(c);
        self.spans.push(span);
    }

    /// One space for whitespace (or a list marker) at `span`, merged with a space before it.
    fn space(&mut self, span: Range<usize>) {
        match (self.chars.last(), self.spans.last_mut()) {
            (Some(' '), Some(last)) => last.end = span.end,
            (Some(_), _) => self.push(' ', span),
            // Nothing yet: no leading space.
            (None, _) => {}
        }
    }
}

/// The normalised form of a single character: quotes and dashes, whitespace as `' '`.
#[must_use]
pub fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        c if c.is_whitespace() => ' ',
        c => c,
    }
}

/// Whether `c` continues a word (a soft hyphen joins the two halves of one).
#[must_use]
pub fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == SOFT_HYPHEN
}

const BULLETS: &[char] = &['•', '·', '▪', '◦', '‣', '●'];

/// Normalises `text`; spans are offset by `base` (the text's position in its file).
#[must_use]
pub fn normalise(text: &str, base: usize) -> Normalised {
    let mut out = Normalised::default();
    let lines = lines(text);
    let mut in_list = false;
    let mut lead_in = false;
    let mut joined = false;
    for (n, line) in lines.iter().enumerate() {
        let body = &text[line.clone()];
        let indent = body.len() - body.trim_start().len();
        let rest = &body[indent..];
        let marker = match list_marker(rest) {
            Some(Marker::Bullet(len)) => Some(len),
            Some(Marker::Number(len)) if lead_in || in_list => Some(len),
            _ => None,
        };
        if !rest.trim().is_empty() {
            in_list = marker.is_some() || (in_list && starts_lowercase(rest));
            let trimmed = rest.trim_end();
            lead_in = trimmed.ends_with(':') || trimmed.ends_with(['-', '–', '—']);
        }
        let mut i = indent + marker.unwrap_or(0);
        if joined {
            // The line goes on a word a soft hyphen broke: its indent is in the hyphen's span.
            i = indent;
            joined = false;
        } else if i > 0 {
            out.space(base + line.start..base + line.start + i);
        }
        let next = lines.get(n + 1).map(|l| &text[l.clone()]);
        while i < body.len() {
            let Some(c) = body[i..].chars().next() else {
                break;
            };
            let at = base + line.start + i;
            let width = c.len_utf8();
            if matches!(c, '-' | '\u{2010}') && is_line_end_hyphen(body, i, next) {
                // The hyphen, the line break and the next line's indent: one soft hyphen.
                let next_indent = next.map_or(0, |l| l.len() - l.trim_start().len());
                let end = lines[n + 1].start + next_indent;
                out.push(SOFT_HYPHEN, at..base + end);
                joined = true;
                break;
            }
            match fold(c) {
                ' ' => out.space(at..at + width),
                f => out.push(f, at..at + width),
            }
            i += width;
        }
        // The line break itself (unless a soft hyphen took it).
        if !joined && line.end < text.len() {
            let brk = base + line.end;
            out.space(brk..brk + line_break_len(&text[line.end..]));
        }
    }
    if out.chars.last() == Some(&' ') {
        out.chars.pop();
        out.spans.pop();
    }
    out
}

fn starts_lowercase(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

fn line_break_len(rest: &str) -> usize {
    if rest.starts_with("\r\n") { 2 } else { 1 }
}

/// The byte ranges of the lines of `text`, without their line breaks.
#[must_use]
pub fn lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push(start..end);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// A hyphen at `i` that ends its line after a letter, the next line going on in lowercase.
fn is_line_end_hyphen(line: &str, i: usize, next: Option<&str>) -> bool {
    let before = line[..i].chars().next_back();
    let after = &line[i + 1..];
    before.is_some_and(char::is_alphabetic)
        && after.trim().is_empty()
        && next.is_some_and(|n| {
            let n = n.trim_start();
            starts_lowercase(n) && list_marker(n).is_none()
        })
}

/// A list marker at the start of a line (after its indent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A bullet and the whitespace after it: this many bytes.
    Bullet(usize),
    /// An item's number (`1.`, `a)`, `(ii)`) and the whitespace after it: this many bytes.
    Number(usize),
}

/// The list marker `rest` starts with, if any.
#[must_use]
pub fn list_marker(rest: &str) -> Option<Marker> {
    let first = rest.chars().next()?;
    let after_ws = |len: usize| -> Option<usize> {
        let tail = rest.get(len..)?;
        let ws = tail.len() - tail.trim_start().len();
        (ws > 0 || tail.is_empty()).then_some(len + ws)
    };
    if BULLETS.contains(&first) || first == '-' {
        return after_ws(first.len_utf8()).map(Marker::Bullet);
    }
    // `(ii)`, `(a)`, `(3)`
    if first == '(' {
        let close = rest.find(')')?;
        let inner = &rest[1..close];
        return (is_item_number(inner))
            .then(|| after_ws(close + 1))
            .flatten()
            .map(Marker::Number);
    }
    // `1.`, `12)`, `a)`, `iv.`
    let end = rest.find(['.', ')'])?;
    let inner = &rest[..end];
    if !is_item_number(inner) {
        return None;
    }
    after_ws(end + 1).map(Marker::Number)
}

fn is_item_number(s: &str) -> bool {
    let digits = !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    let letter = s.len() == 1 && s.bytes().all(|b| b.is_ascii_lowercase());
    let roman = !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b"ivx".contains(&b));
    digits || letter || roman
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        normalise(s, 0).chars.iter().collect()
    }

    #[test]
    fn whitespace_and_line_breaks_are_one_space() {
        assert_eq!(norm("  a \t b\r\n\n  c  "), "a b c");
    }

    #[test]
    fn quotes_and_dashes_fold() {
        assert_eq!(
            norm("‘Seriously harmed’ – “known”"),
            "'Seriously harmed' - \"known\""
        );
    }

    #[test]
    fn line_end_hyphen_is_soft() {
        let n = norm("has a period of 15 working days to com-\nplete a Rapid Review");
        assert_eq!(
            n,
            "has a period of 15 working days to com\u{ad}plete a Rapid Review"
        );
        // An uppercase next line is not a hyphenated word.
        assert_eq!(norm("Rapid Review -\nLearning"), "Rapid Review - Learning");
        // A dash after a space is not hyphenation.
        assert_eq!(norm("either -\nthe child"), "either - the child");
    }

    #[test]
    fn bullets_at_line_start_vanish() {
        let n = norm("the final report includes: \n• a summary\n• an analysis");
        assert_eq!(n, "the final report includes: a summary an analysis");
        assert_eq!(
            norm("Serious cases are:\n· abuse\n· the child"),
            "Serious cases are: abuse the child"
        );
        // Inside a line a bullet is kept.
        assert_eq!(norm("a • b"), "a • b");
    }

    #[test]
    fn item_numbers_after_a_lead_in_vanish() {
        let n = norm("where:\n\n  1. abuse or neglect; and\n  2. either – (i) the child");
        assert_eq!(n, "where: abuse or neglect; and either - (i) the child");
        // Without a lead-in, a number at a line start is text.
        assert_eq!(norm("Timeline\n1. Day one"), "Timeline 1. Day one");
        // Numbered paragraphs are not list items.
        assert_eq!(norm("text:\n8.2.18\nThe"), "text: 8.2.18 The");
    }

    #[test]
    fn spans_point_back_into_the_text() {
        let text = "ab  \n• cd";
        let n = normalise(text, 10);
        assert_eq!(n.chars.iter().collect::<String>(), "ab cd");
        // The space stands for the two spaces, the line break, the bullet (3 bytes) and a space.
        assert_eq!(n.spans[2], 12..19);
        assert_eq!(n.bytes(3..5), 19..21);
        assert_eq!(n.chars_in(19..21), 3..5);
    }
}
