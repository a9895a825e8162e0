//! The text the syntax tree leaves out: comments, parentheses, blank lines.
//!
//! The [`ast`](super::ast) keeps what a policy says; this keeps how it was written, so
//! that together they are lossless for a printer (`cspr fmt`) and an editor (`cspr lsp`).
//! Comments are found by one pass over the text that knows strings (a `#` inside quotes
//! is text) and are attached to the declaration or clause they precede, or, written at
//! the end of a line, to the code they follow ([`Comment::trailing`]). Parentheses are
//! read back from the text around an expression's span, so the tree needs no node for
//! them; alternative spellings (`datetime`, `1 days`, `2–7`) have one canonical printed
//! form each and are not kept.

use crate::span::Span;

/// A `#` comment: its text from `#` to the end of the line, trailing spaces removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
    /// Written after code on the same line, rather than on a line of its own.
    pub trailing: bool,
}

/// One file's text and its comments, with questions a printer asks about the layout.
#[derive(Debug, Clone)]
pub struct Trivia<'t> {
    pub text: &'t str,
    pub comments: Vec<Comment>,
}

impl<'t> Trivia<'t> {
    pub fn new(text: &'t str) -> Trivia<'t> {
        Trivia {
            text,
            comments: comments(text),
        }
    }

    /// The comment whose text covers byte `at`, if any.
    fn comment_at(&self, at: usize) -> Option<&Comment> {
        let i = self.comments.partition_point(|c| c.span.end <= at);
        self.comments
            .get(i)
            .filter(|c| c.span.start <= at && at < c.span.end)
    }

    /// The first character before `at` that is neither whitespace nor in a comment.
    pub fn code_before(&self, mut at: usize) -> Option<char> {
        loop {
            let c = self.text[..at].chars().next_back()?;
            at -= c.len_utf8();
            if let Some(comment) = self.comment_at(at) {
                at = comment.span.start;
            } else if !c.is_whitespace() {
                return Some(c);
            }
        }
    }

    /// The first character from `at` on that is neither whitespace nor in a comment.
    pub fn code_after(&self, mut at: usize) -> Option<char> {
        loop {
            if let Some(comment) = self.comment_at(at) {
                at = comment.span.end;
                continue;
            }
            let c = self.text[at..].chars().next()?;
            if !c.is_whitespace() {
                return Some(c);
            }
            at += c.len_utf8();
        }
    }

    /// The comments on lines of their own just before `start` (no code between), in
    /// order: what a declaration's author wrote about it.
    pub fn leading(&self, start: usize) -> &[Comment] {
        let end = self.comments.partition_point(|c| c.span.start < start);
        let mut first = end;
        let mut at = start;
        while first > 0 {
            let c = &self.comments[first - 1];
            if c.trailing || !self.text[c.span.end..at].trim().is_empty() {
                break;
            }
            first -= 1;
            at = c.span.start;
        }
        &self.comments[first..end]
    }

    /// Whether the expression at `span` was written inside parentheses of its own.
    pub fn parenthesised(&self, span: Span) -> bool {
        self.code_before(span.start) == Some('(') && self.code_after(span.end) == Some(')')
    }

    /// Where the code of `span` ends: pest lets a node's span run on over the
    /// whitespace and comments after it, which this leaves out.
    pub fn code_end(&self, span: Span) -> usize {
        let mut at = span.end.min(self.text.len());
        while at > span.start {
            let Some(c) = self.text[..at].chars().next_back() else {
                break;
            };
            if let Some(comment) = self.comment_at(at - c.len_utf8()) {
                at = comment.span.start;
            } else if c.is_whitespace() {
                at -= c.len_utf8();
            } else {
                break;
            }
        }
        at
    }

    /// Whether the code of `span` runs over more than one line.
    pub fn multiline(&self, span: Span) -> bool {
        self.text
            .get(span.start..self.code_end(span))
            .is_some_and(|s| s.contains('\n'))
    }

    /// Whether the line before the one holding `at` is blank.
    pub fn blank_line_before(&self, at: usize) -> bool {
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        if line_start == 0 {
            return false;
        }
        let prev = &self.text[..line_start - 1];
        let prev_start = prev.rfind('\n').map_or(0, |i| i + 1);
        prev[prev_start..].trim().is_empty()
    }

    /// The column (in characters) of byte `at` on its line.
    pub fn column(&self, at: usize) -> usize {
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..at].chars().count()
    }

    /// The text between two offsets with comments removed, for questions such as "is
    /// there a comma between these two assignments".
    pub fn code_between(&self, from: usize, to: usize) -> String {
        let mut out = String::new();
        let mut at = from;
        for c in self
            .comments
            .iter()
            .filter(|c| c.span.start >= from && c.span.end <= to)
        {
            out.push_str(&self.text[at..c.span.start]);
            at = c.span.end;
        }
        out.push_str(&self.text[at..to]);
        out
    }
}

/// Every comment in `text`, in order. A `"` opens a string that ends at the next
/// unescaped `"` or at the end of the line (the grammar allows no more).
pub fn comments(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut in_string = false;
    let mut code_on_line = false;
    let mut skip_to = 0;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if i < skip_to {
            continue;
        }
        match c {
            '\n' => {
                in_string = false;
                code_on_line = false;
            }
            '\\' if in_string => {
                chars.next();
            }
            '"' => {
                in_string = !in_string;
                code_on_line = true;
            }
            '#' if !in_string => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let body = text[i..end].trim_end();
                out.push(Comment {
                    text: body.to_string(),
                    span: Span::new(i, i + body.len()),
                    trailing: code_on_line,
                });
                // Continue at the line break, so the next line starts afresh.
                skip_to = end;
            }
            c if !c.is_whitespace() => code_on_line = true,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings() {
        let t = "fact a: bool # trailing\n# own \"line\"\nsource S = \"a # b\"  # end\n";
        let cs = comments(t);
        let texts: Vec<(&str, bool)> = cs.iter().map(|c| (c.text.as_str(), c.trailing)).collect();
        assert_eq!(
            texts,
            [
                ("# trailing", true),
                ("# own \"line\"", false),
                ("# end", true)
            ]
        );
    }

    #[test]
    fn parentheses_read_from_the_text() {
        let t = "a and ( # why\n b or c )";
        let tv = Trivia::new(t);
        let inner = Span::new(t.find('b').unwrap_or(0), t.find(" )").unwrap_or(0));
        assert!(tv.parenthesised(inner));
        assert!(!tv.parenthesised(Span::new(0, 1)));
    }
}
