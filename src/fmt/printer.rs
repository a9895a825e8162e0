//! Lines out, comments in between: the printer every layout writes through.
//!
//! Each line is written with the byte offset of the source text it starts with. Before
//! a line, every comment written earlier in the source than that offset is let out: a
//! trailing comment is put back after the code of the previous line, a comment on its
//! own line goes on a line of its own at the new line's indentation. Comments therefore
//! keep their order and their place among the code, whatever the layout.

use crate::syntax::trivia::{Trivia, comments};

/// Where the printer was: to go back to when a layout moved a comment.
pub(super) struct Mark {
    out: usize,
    next: usize,
    after_comment: bool,
}

pub(super) struct Printer<'t> {
    pub trivia: Trivia<'t>,
    next: usize,
    out: String,
    /// Whether the last thing written was a comment on its own line.
    after_comment: bool,
}

impl<'t> Printer<'t> {
    pub fn new(text: &'t str) -> Printer<'t> {
        Printer {
            trivia: Trivia::new(text),
            next: 0,
            out: String::new(),
            after_comment: false,
        }
    }

    /// Write `text` on a line of its own at `indent`; it was written at `at` in the source.
    pub fn line(&mut self, indent: usize, at: usize, text: &str) {
        self.comments_before(indent, at);
        if self.after_comment && self.trivia.blank_line_before(at) {
            self.blank();
        }
        self.push(indent, text);
        self.after_comment = false;
    }

    /// Let out the comments written before `at`, at `indent`.
    pub fn comments_before(&mut self, indent: usize, at: usize) {
        while let Some(c) = self.trivia.comments.get(self.next) {
            if c.span.start >= at {
                break;
            }
            self.next += 1;
            let (text, start, trailing) = (c.text.clone(), c.span.start, c.trailing);
            if trailing && !self.out.is_empty() && !self.out.ends_with("\n\n") {
                self.out.pop();
                self.out.push_str("  ");
                self.out.push_str(&text);
                self.out.push('\n');
            } else {
                if self.trivia.blank_line_before(start) {
                    self.blank();
                }
                self.push(indent, &text);
                self.after_comment = true;
            }
        }
    }

    /// Let out the comments before `until` that belong to the declaration just written:
    /// those indented under it, with no blank line before them.
    pub fn tail_comments(&mut self, indent: usize, until: usize) {
        while let Some(c) = self.trivia.comments.get(self.next) {
            let start = c.span.start;
            let own = !c.trailing && self.trivia.column(start) > 0;
            if start >= until
                || (own && self.trivia.blank_line_before(start))
                || (!own && !c.trailing)
            {
                break;
            }
            self.comments_before(indent, start + 1);
        }
    }

    /// Where the block of a line at `start` begins: its first leading comment (comments
    /// on lines of their own just before it), or the line itself.
    pub fn block_start(&self, start: usize) -> usize {
        let mut at = start;
        for c in self.trivia.comments.iter().rev() {
            if c.span.start >= start {
                continue;
            }
            if c.trailing || !self.trivia.text[c.span.end..at].trim().is_empty() {
                break;
            }
            at = c.span.start;
        }
        at
    }

    pub fn mark(&self) -> Mark {
        Mark {
            out: self.out.len(),
            next: self.next,
            after_comment: self.after_comment,
        }
    }

    pub fn reset(&mut self, m: Mark) {
        self.out.truncate(m.out);
        self.next = m.next;
        self.after_comment = m.after_comment;
    }

    /// Whether every comment let out since `m` follows as many words of code in the
    /// output since `m` as it followed in the source from `from`, and still ends a line
    /// of code or stands on a line of its own as it did: each comment after the same
    /// token. (A word is a run of letters, digits, `_` and dashes, or a string.)
    pub fn comments_kept(&self, m: &Mark, from: usize) -> bool {
        let source = &self.trivia.comments[m.next..self.next];
        let out = &self.out[m.out..];
        let written = comments(out);
        if written.len() != source.len() {
            return false;
        }
        let from = source.first().map_or(from, |c| c.span.start.min(from));
        source.iter().zip(&written).all(|(s, w)| {
            s.trailing == w.trailing
                && s.text == w.text
                && words(
                    &self.trivia.text[..s.span.start],
                    from,
                    &self.trivia.comments,
                ) == words(&out[..w.span.start], 0, &written)
        })
    }

    /// Write the code from `start` to `end` as it is written (each line with its
    /// trailing spaces removed, the first at column 0), with the comments before it
    /// let out first and those inside it left where they are.
    pub fn as_written(&mut self, start: usize, end: usize) {
        self.comments_before(0, start);
        if self.after_comment && self.trivia.blank_line_before(start) {
            self.blank();
        }
        let text = self.trivia.text.get(start..end).unwrap_or_default();
        for line in text.split('\n') {
            self.out.push_str(line.trim_end());
            self.out.push('\n');
        }
        while self
            .trivia
            .comments
            .get(self.next)
            .is_some_and(|c| c.span.start < end)
        {
            self.next += 1;
        }
        self.after_comment = false;
    }

    /// One blank line, unless the output is empty or already ends with one.
    pub fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn push(&mut self, indent: usize, text: &str) {
        for _ in 0..indent {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// The text, with every comment left let out at the end.
    pub fn finish(mut self) -> String {
        self.comments_before(0, usize::MAX);
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        self.out
    }
}

/// The words of code in `text` from byte `from` (its comments, given in order, left out).
fn words(text: &str, from: usize, comments: &[crate::syntax::trivia::Comment]) -> usize {
    let mut n = 0;
    let mut in_word = false;
    let mut in_string = false;
    let mut chars = text.char_indices().skip_while(|(i, _)| *i < from);
    let mut next = comments.iter().peekable();
    while let Some((i, c)) = chars.next() {
        while next.peek().is_some_and(|k| k.span.end <= i) {
            next.next();
        }
        if next.peek().is_some_and(|k| k.span.start <= i) {
            in_word = false;
            continue;
        }
        if in_string {
            if c == '\\' {
                chars.next();
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        let word_char = c.is_alphanumeric() || c == '_' || c == '-' || c == '\u{2013}';
        if c == '"' {
            n += 1;
            in_string = true;
            in_word = false;
        } else if word_char && !in_word {
            n += 1;
            in_word = true;
        } else if !word_char {
            in_word = false;
        }
    }
    n
}
