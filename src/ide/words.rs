//! Names in text: the one under the cursor, and every place a name is written as code
//! (not inside a string or a comment).

use crate::span::Span;
use crate::syntax::trivia::{Comment, comments};

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The name (letters, digits, `_`) that covers byte `offset`, or ends just before it.
pub fn word_at(text: &str, offset: usize) -> Option<(Span, &str)> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_name_char(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    let word = &text[start..end];
    let first = word.chars().next()?;
    if first.is_ascii_digit() || in_string_or_comment(text, &comments(text), start) {
        return None;
    }
    Some((Span::new(start, end), word))
}

/// Whether byte `at` is inside a quoted string or a comment.
fn in_string_or_comment(text: &str, comments: &[Comment], at: usize) -> bool {
    // The comments are in text order: the one that may hold `at` is the last to start
    // at or before it.
    let before = comments.partition_point(|c| c.span.start <= at);
    if before > 0 && at < comments[before - 1].span.end {
        return true;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut in_string = false;
    let mut chars = text[line_start..at].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '#' if !in_string => return true,
            _ => {}
        }
    }
    in_string
}

/// Every place `name` is written as a whole name in code.
pub fn occurrences(text: &str, name: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut from = 0;
    let comments = comments(text);
    while let Some(i) = text[from..].find(name) {
        let start = from + i;
        let end = start + name.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(is_name_char)
            && !after.is_some_and(is_name_char)
            && !in_string_or_comment(text, &comments, start)
        {
            out.push(Span::new(start, end));
        }
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_code_only() {
        let t = "rule a_b: a_b and x # a_b\nsource S = \"a_b\"\n";
        assert_eq!(occurrences(t, "a_b").len(), 2);
        assert_eq!(word_at(t, 6).map(|w| w.1), Some("a_b"));
        assert_eq!(word_at(t, 22), None);
    }
}
