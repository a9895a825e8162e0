//! The rustyline helper of `cspr repl`: Tab completes commands, fact names, values,
//! outcome names and procedure ids; the hint after `set child_` shows the fact's question
//! and type; colour (dim hints) only when the session is coloured.

use std::borrow::Cow;

use cspr::check::Program;
use cspr::repl::{COMMANDS, Question, interview};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::{Context, Helper, Validator};

/// One fact as completion and hints show it.
struct FactInfo {
    name: String,
    ask: String,
    ty: String,
    values: Vec<String>,
}

/// What completion knows of the session; refreshed after every command.
#[derive(Validator, Default)]
pub struct ReplHelper {
    facts: Vec<FactInfo>,
    /// Rules, decisions and duties, for `why` and `?`.
    outcomes: Vec<(String, Vec<String>)>,
    procedures: Vec<String>,
    /// The interview question waiting for an answer.
    question: Option<Question>,
    pub color: bool,
}

impl ReplHelper {
    pub fn new(procedures: Vec<String>, color: bool) -> ReplHelper {
        ReplHelper {
            procedures,
            color,
            ..ReplHelper::default()
        }
    }

    /// Learn the names of `program`, and the question an interview waits on.
    pub fn update(&mut self, program: &Program, question: Option<&Question>) {
        self.facts = program
            .facts
            .iter()
            .map(|f| FactInfo {
                name: f.name.clone(),
                ask: f.ask.clone().unwrap_or_default(),
                ty: cspr::check::type_name(f.ty, &program.enums),
                values: interview::values(program, f.ty),
            })
            .collect();
        self.outcomes = program
            .rules
            .iter()
            .map(|r| (r.name.clone(), interview::values(program, r.ty)))
            .chain(program.duties.iter().map(|d| (d.name.clone(), Vec::new())))
            .collect();
        self.question = question.cloned();
    }

    fn fact(&self, name: &str) -> Option<&FactInfo> {
        self.facts.iter().find(|f| f.name == name)
    }

    /// The words that may complete the word ending at the end of `before`.
    fn candidates(&self, before: &str) -> Vec<String> {
        if let Some(q) = &self.question {
            let mut out = q.choices.clone();
            out.extend(["skip".to_string(), "stop".to_string()]);
            return out;
        }
        let trimmed = before.trim_start();
        let Some((command, rest)) = trimmed.split_once(char::is_whitespace) else {
            if let Some(rest) = trimmed.strip_prefix('?') {
                return self.names_for_query(rest);
            }
            return COMMANDS.iter().map(|c| c.name.to_string()).collect();
        };
        let facts = || {
            self.facts
                .iter()
                .map(|f| f.name.clone())
                .collect::<Vec<_>>()
        };
        match command {
            "set" | "what-if" => {
                // After the last comma, one assignment: `FACT` or `FACT = VALUE`.
                let part = rest.rsplit(',').next().unwrap_or(rest);
                match part.split_once('=') {
                    Some((fact, _)) => self
                        .fact(fact.trim())
                        .map(|f| f.values.clone())
                        .unwrap_or_default(),
                    None => facts(),
                }
            }
            "unset" => facts(),
            "why" => {
                let rest = rest.trim_start();
                match rest.strip_prefix("not ").map(|r| r.split_once('=')) {
                    Some(Some((name, _))) => self
                        .outcomes
                        .iter()
                        .find(|(n, _)| n == name.trim())
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default(),
                    _ => {
                        let mut out: Vec<String> =
                            self.outcomes.iter().map(|(n, _)| n.clone()).collect();
                        if !rest.contains(char::is_whitespace) {
                            out.push("not".into());
                        }
                        out
                    }
                }
            }
            "use" => self.procedures.clone(),
            _ if command.starts_with('?') => self.names_for_query(rest),
            _ => Vec::new(),
        }
    }

    fn names_for_query(&self, _rest: &str) -> Vec<String> {
        let mut out: Vec<String> = self.facts.iter().map(|f| f.name.clone()).collect();
        out.extend(self.outcomes.iter().map(|(n, _)| n.clone()));
        for f in &self.facts {
            out.extend(f.values.iter().cloned());
        }
        out.extend(["and", "or", "not", "in"].map(String::from));
        out.sort();
        out.dedup();
        out
    }
}

/// Where the word being typed starts: after the last space or `=,{(`.
/// Text as the terminal may show it: every control character but newline and tab
/// (C0, DEL, C1: ESC, NUL, BEL…) written as a Rust escape (`\u{1b}`), so that a typed
/// line or a value read from a case file cannot drive the terminal.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// The same text with each control character (but newline and tab) replaced by as many
/// `?` as it has bytes, so that byte spans into it still hold: for the snippets of a
/// problem's source.
pub fn blank_controls(text: &str) -> Option<String> {
    text.chars().any(is_unsafe).then(|| {
        text.chars()
            .map(|c| {
                if is_unsafe(c) {
                    "?".repeat(c.len_utf8())
                } else {
                    c.to_string()
                }
            })
            .collect()
    })
}

/// A line as it is echoed back with an error: controls escaped, and cut after 120
/// characters (a 1 MB line is not written out again).
pub fn echo(line: &str) -> String {
    const MAX: usize = 120;
    let line = line.trim();
    let mut shown: String = line.chars().take(MAX).collect();
    if shown.len() < line.len() {
        shown.push_str(&format!("… ({} bytes in all)", line.len()));
    }
    escape_controls(&shown).into_owned()
}

fn word_start(before: &str) -> usize {
    before
        .rfind(|c: char| c.is_whitespace() || "=,{(?".contains(c))
        .map_or(0, |i| i + 1)
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = word_start(before);
        let word = &before[start..];
        let mut found: Vec<Pair> = self
            .candidates(before)
            .into_iter()
            .filter(|c| c.starts_with(word))
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        found.dedup_by(|a, b| a.replacement == b.replacement);
        Ok((start, found))
    }
}

/// A hint: shown in full, but only the rest of the name is inserted when accepted.
pub struct FactHint {
    display: String,
    rest: Option<String>,
}

impl Hint for FactHint {
    fn display(&self) -> &str {
        &self.display
    }
    fn completion(&self) -> Option<&str> {
        self.rest.as_deref()
    }
}

impl Hinter for ReplHelper {
    type Hint = FactHint;

    /// While a fact name is typed after `set`, `unset` or `what-if`: the rest of the
    /// name when one fact fits, with its question and type.
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<FactHint> {
        if pos < line.len() || self.question.is_some() {
            return None;
        }
        let (command, rest) = line.trim_start().split_once(' ')?;
        if !matches!(command, "set" | "unset" | "what-if") {
            return None;
        }
        let part = rest.rsplit(',').next().unwrap_or(rest).trim_start();
        if part.contains('=') {
            // `set FACT = ` : remind of the values.
            let fact = self.fact(part.split('=').next()?.trim())?;
            if !line.ends_with(' ') && !line.ends_with('=') {
                return None;
            }
            let values = if fact.values.is_empty() {
                fact.ty.clone()
            } else {
                fact.values.join(" | ")
            };
            return Some(FactHint {
                display: format!("  {values}"),
                rest: None,
            });
        }
        if part.is_empty() || part.contains(' ') {
            return None;
        }
        let fits: Vec<&FactInfo> = self
            .facts
            .iter()
            .filter(|f| f.name.starts_with(part))
            .collect();
        match fits.as_slice() {
            [one] => Some(FactHint {
                display: format!("{}  {} ({})", &one.name[part.len()..], one.ask, one.ty),
                rest: Some(one.name[part.len()..].to_string()),
            }),
            [] => None,
            many => {
                let names: Vec<&str> = many.iter().take(4).map(|f| f.name.as_str()).collect();
                let more = if many.len() > 4 { ", …" } else { "" };
                Some(FactHint {
                    display: format!("  ({} facts: {}{more})", many.len(), names.join(", ")),
                    rest: None,
                })
            }
        }
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        false
    }
}

impl Helper for ReplHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_starts_after_separators() {
        assert_eq!(word_start("set child_"), 4);
        assert_eq!(word_start("set setting = pol"), 14);
        assert_eq!(word_start("what-if a = true, chi"), 18);
        assert_eq!(word_start("se"), 0);
    }
}
