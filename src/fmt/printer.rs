//! Lines out, comments in between: the printer every layout writes through.
//!
//! Each line is written with the byte offset of the source text it starts with. Before
//! a line, every comment written earlier in the source than that offset is let out: a
//! trailing comment is put back after the code of the previous line, a comment on its
//! own line goes on a line of its own at the new line's indentation. Comments therefore
//! keep their order and their place among the code, whatever the layout.

use crate::syntax::trivia::Trivia;

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
