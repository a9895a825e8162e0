//! Problems found in a policy or a case, as miette diagnostics over the whole source file.
//!
//! Every stage reports [`Problem`]s: a code, a one-line message (lowercase, user input in
//! backticks), labels at spans of one [`Source`], and a help line with the remedy. The
//! front ends render them; the library never prints.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, Severity, SourceCode};

use crate::span::Span;

/// A named source text: a policy file or a case file.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: Arc<str>,
    pub text: Arc<str>,
}

impl Source {
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    fn named(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(&self.name, self.text.clone()).with_language("cspr")
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut end = offset.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &self.text[..end];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }
}

/// One error or warning, located in one source.
#[derive(Clone, Debug)]
pub struct Problem {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<(Span, String)>,
    pub help: Option<String>,
    pub source: Option<Box<Source>>,
}

/// Two sentences of a help text one after the other: `first` ends with its own `?` or `.`,
/// or gets a `.`.
pub fn then(first: &str, next: &str) -> String {
    let first = first.trim_end();
    if first.is_empty() {
        next.to_string()
    } else if first.ends_with(['?', '.', '!']) {
        format!("{first} {next}")
    } else {
        format!("{first}. {next}")
    }
}

impl Problem {
    pub fn error(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            source: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(code, message)
        }
    }

    pub fn label(mut self, span: Span, text: impl Into<String>) -> Problem {
        self.labels.push((span, text.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }

    pub fn in_source(mut self, source: &Source) -> Problem {
        self.source = Some(Box::new(source.clone()));
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

impl Diagnostic for Problem {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        None
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() || self.source.is_none() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (span, text))| {
                let text = (!text.is_empty()).then(|| text.clone());
                if i == 0 {
                    LabeledSpan::new_primary_with_span(text, *span)
                } else {
                    LabeledSpan::new_with_span(text, *span)
                }
            },
        )))
    }
}

/// The widest column, in bytes from the start of its line, at which a label is drawn
/// under its snippet. miette pads the underline to the label's visual column with a
/// `{:width$}` format, which panics past 65,535; a byte is at most 4 columns wide (a
/// tab), so 16,000 bytes stays below that. A label further right is not drawn: the
/// message gives its line and column instead.
pub const WIDEST_SNIPPET_COLUMN: usize = 16_000;

/// A [`Problem`] bundled with its source text, ready for a miette report handler.
#[derive(Debug)]
pub struct Located {
    problem: Problem,
    source: Option<NamedSource<Arc<str>>>,
    /// Where the first label points, when the snippet is too wide to draw:
    /// `name:line:column`, and the label's text.
    elided: Option<String>,
}

impl From<Problem> for Located {
    fn from(problem: Problem) -> Self {
        let Some(src) = problem.source.as_deref() else {
            return Located {
                problem,
                source: None,
                elided: None,
            };
        };
        let too_wide = problem.labels.iter().any(|(span, _)| {
            byte_column(&src.text, span.start) > WIDEST_SNIPPET_COLUMN
                || byte_column(&src.text, span.end) > WIDEST_SNIPPET_COLUMN
        });
        if too_wide {
            let elided = problem.labels.first().map(|(span, label)| {
                let (line, col) = src.line_col(span.start);
                let mut at = format!("at {}:{line}:{col}", src.name);
                if !label.is_empty() {
                    at = format!("{at}: {label}");
                }
                at
            });
            return Located {
                problem,
                source: None,
                elided,
            };
        }
        let source = Some(src.named());
        Located {
            problem,
            source,
            elided: None,
        }
    }
}

/// How many bytes `offset` is from the start of its line (offsets past the end or
/// inside a character count as they are: only the size matters).
fn byte_column(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let line_start = text.as_bytes()[..offset]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    offset - line_start
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)?;
        if let Some(at) = &self.elided {
            write!(f, " ({at}; the line is too long to show)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Located {}

impl Diagnostic for Located {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.problem.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.problem.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Diagnostic::help(&self.problem)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // No snippet (a line too wide to draw): no labels either.
        self.source.as_ref()?;
        self.problem.labels()
    }
}

/// "did you mean `x`?" for the closest of `candidates` to `name`, if any is close.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        // A name more than twice as long is no typo of this one; and Jaro-Winkler takes
        // time in the product of the lengths (a 1 MB name took seconds a candidate).
        if name.len() > 2 * c.len() + 8 || c.len() > 2 * name.len() + 8 {
            continue;
        }
        let score = strsim::jaro_winkler(name, c);
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}
