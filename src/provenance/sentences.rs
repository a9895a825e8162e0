//! A source split into sentences, and which of them carry a rule.
//!
//! Lines are grouped first: a blank line or a numbered paragraph's number ends a group; a line
//! that starts in lowercase goes on the line before (text wrapped at a fixed width); list items
//! (a bullet, or an item's number after a lead-in) join the lead-in that ends with `:` or a
//! dash, and each other; any other line starts a group (a heading is a group of its own). A
//! group is then cut into sentences after `.`, `!` or `?` followed by a space and a capital,
//! a digit or an opening quote — but not after an abbreviation (`e.g.`, `para.`, `ch.`, a
//! single letter) — and a list stays one sentence with the last sentence of its lead-in.
//!
//! A sentence **carries a rule** ([`Rule`]) when it has a modal verb (`must`, `should`,
//! `will`, `may`, `shall`, `need to`, `required to`, `is responsible for`, and their
//! `needs to` / `are responsible for` forms; `May` before or after a number is the month), a
//! time limit (a number, in digits or words, of working days, days, weeks, months, years or
//! hours), or a criterion list (a lead-in ending with `:` and its items).

use std::ops::Range;

use super::normal::{Marker, fold, lines, list_marker};
use super::paragraph::Paragraph;

/// One sentence of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Its bytes in the source text.
    pub bytes: Range<usize>,
    /// Its text, whitespace collapsed and list markers dropped.
    pub text: String,
    /// The numbered paragraph it is in, where the source has them.
    pub paragraph: Option<String>,
    /// Its first line, counted from 1 in the file.
    pub line: usize,
    /// What makes it carry a rule, if anything does.
    pub rule: Option<Rule>,
}

/// What makes a sentence carry a rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    /// The first modal verb in it (`must`, `need to`, …).
    pub modal: Option<&'static str>,
    /// A time limit in it (`five working days`).
    pub time_limit: Option<String>,
    /// Whether it is a criterion list (a lead-in and its items).
    pub criteria: bool,
}

#[derive(Debug)]
struct Group {
    /// Byte ranges of its lines' content (list markers excluded), offset by `base`.
    lines: Vec<Range<usize>>,
    /// The index in `lines` of the first item of the list its lead-in opens, if any.
    first_item: Option<usize>,
    /// The indent of that list's items: a shallower item ends the list.
    item_indent: usize,
    paragraph: Option<String>,
}

fn ends_lead_in(s: &str) -> bool {
    let s = s.trim_end();
    s.ends_with(':') || s.ends_with(['-', '–', '—'])
}

/// The sentences of `text` (the body of a source file), byte ranges offset by `base`;
/// `first_line` is the file's line number of the body's first line; `paragraphs` are the
/// source's numbered paragraphs ([`super::paragraph::numbered`]).
#[must_use]
pub fn sentences(
    text: &str,
    base: usize,
    first_line: usize,
    paragraphs: &[Paragraph],
) -> Vec<Sentence> {
    let all = lines(text);
    let mut groups: Vec<Group> = Vec::new();
    let mut open = false;
    let mut paragraph: Option<String> = None;
    let mut lead_in = false;
    for line in &all {
        let body = &text[line.clone()];
        let content = body.trim();
        if content.is_empty() {
            open = false;
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        let start = line.start + indent;
        let mut range = start..start + content.len();
        if let Some(p) = paragraphs
            .iter()
            .find(|p| p.bytes.start == base + line.start)
        {
            paragraph = Some(p.number.clone());
            open = false;
            lead_in = false;
            let rest = content[p.number.len()..].trim_start();
            if rest.is_empty() {
                continue;
            }
            range.start = range.end - rest.len();
        }
        let last = groups.last().filter(|_| open);
        let in_list = last.is_some_and(|g| g.first_item.is_some() && indent >= g.item_indent);
        let marker = match list_marker(&text[range.clone()]) {
            Some(Marker::Bullet(len)) => Some(len),
            Some(Marker::Number(len)) => (lead_in || in_list).then_some(len),
            None => None,
        };
        if let Some(len) = marker {
            range.start += len;
        }
        let trimmed = &text[range.clone()];
        // A list joins its lead-in, across a blank line too; a line going on in lowercase
        // joins the line before; anything else starts a group.
        let joins = match marker {
            Some(_) => (lead_in && !groups.is_empty()) || in_list,
            None => last.is_some() && trimmed.chars().next().is_some_and(char::is_lowercase),
        };
        let abs = base + range.start..base + range.end;
        match groups.last_mut() {
            Some(g) if joins => {
                if marker.is_some() && lead_in && (g.first_item.is_none() || indent > g.item_indent)
                {
                    // A nested list: its lead-in item and items become a group of their own.
                    if g.first_item.is_some() {
                        let lead = g.lines.pop();
                        groups.push(Group {
                            lines: lead.into_iter().chain([abs]).collect(),
                            first_item: Some(1),
                            item_indent: indent,
                            paragraph: paragraph.clone(),
                        });
                    } else {
                        g.first_item = Some(g.lines.len());
                        g.item_indent = indent;
                        g.lines.push(abs);
                    }
                } else {
                    g.lines.push(abs);
                }
            }
            _ => groups.push(Group {
                lines: vec![abs],
                first_item: None,
                item_indent: 0,
                paragraph: paragraph.clone(),
            }),
        }
        lead_in = ends_lead_in(trimmed);
        open = true;
    }
    let starts: Vec<usize> = all.iter().map(|l| base + l.start).collect();
    let line_of = |at: usize| first_line + starts.partition_point(|&s| s <= at).saturating_sub(1);
    groups
        .iter()
        .flat_map(|g| split(text, base, g))
        .map(|mut s| {
            s.line = line_of(s.bytes.start);
            s
        })
        .collect()
}

/// Cuts `lines` at sentence ends, appending each sentence's pieces to `pieces`.
fn cut_lines(text: &str, base: usize, lines: &[Range<usize>], pieces: &mut Vec<Vec<Range<usize>>>) {
    pieces.push(Vec::new());
    for line in lines {
        let s = &text[line.start - base..line.end - base];
        let mut from = 0;
        for cut in cuts(s) {
            if let Some(p) = pieces.last_mut() {
                p.push(line.start + from..line.start + cut);
            }
            pieces.push(Vec::new());
            from = cut;
        }
        let rest = &s[from..];
        let lead = rest.len() - rest.trim_start().len();
        if let Some(p) = pieces.last_mut() {
            p.push(line.start + from + lead..line.end);
        }
    }
}

/// The sentences of one group. A list whose items are short (no item holds a sentence end)
/// is one sentence with the last sentence of its lead-in, a criterion list; a list of items
/// that are paragraphs in their own right is cut like prose, item by item.
fn split(text: &str, base: usize, group: &Group) -> Vec<Sentence> {
    let slice = |r: &Range<usize>| &text[r.start - base..r.end - base];
    let prose_end = group.first_item.unwrap_or(group.lines.len());
    let items = &group.lines[prose_end..];
    let short_items = items.iter().all(|r| cuts(slice(r)).is_empty());
    let criteria = !items.is_empty()
        && short_items
        && group.lines[..prose_end]
            .last()
            .is_some_and(|r| ends_lead_in(slice(r)));
    let mut pieces: Vec<Vec<Range<usize>>> = Vec::new();
    cut_lines(text, base, &group.lines[..prose_end], &mut pieces);
    let lead_count = pieces.len();
    if criteria {
        if let Some(p) = pieces.last_mut() {
            p.extend(items.iter().cloned());
        }
    } else {
        for item in items {
            cut_lines(text, base, std::slice::from_ref(item), &mut pieces);
        }
    }
    pieces
        .into_iter()
        .enumerate()
        .filter_map(|(k, parts)| {
            let parts: Vec<Range<usize>> = parts.into_iter().filter(|r| r.start < r.end).collect();
            let first = parts.first()?;
            let last = parts.last()?;
            let words: Vec<String> = parts
                .iter()
                .flat_map(|r| slice(r).split_whitespace())
                .map(|w| w.chars().map(fold).collect())
                .collect();
            let text = words.join(" ");
            if text.is_empty() {
                return None;
            }
            let is_list = criteria && k + 1 == lead_count;
            Some(Sentence {
                bytes: first.start..last.end,
                rule: rule(&text, is_list),
                text,
                paragraph: group.paragraph.clone(),
                line: 0,
            })
        })
        .collect()
}

const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "etc", "para", "paras", "ch", "chpt", "p", "pp", "no", "nos", "vs",
    "cf", "mr", "mrs", "ms", "dr", "st", "approx", "s", "ss", "reg", "art", "fig", "vol",
];

/// Byte offsets in `s` where a sentence ends (after its punctuation and closing quotes).
fn cuts(s: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let mut j = k + 1;
        while chars
            .get(j)
            .is_some_and(|&(_, c)| matches!(c, '"' | '\'' | '’' | '”' | ')'))
        {
            j += 1;
        }
        let end = chars.get(j).map_or(s.len(), |&(at, _)| at);
        if !chars.get(j).is_some_and(|&(_, c)| c.is_whitespace()) {
            continue;
        }
        let next = chars[j..]
            .iter()
            .find(|(_, c)| !c.is_whitespace())
            .map(|&(_, c)| c);
        let starts = next.is_some_and(|n| {
            n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '‘' | '\'' | '(')
        });
        if !starts {
            continue;
        }
        if c == '.' {
            let word: String = s[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '.')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
                .to_lowercase();
            let single = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
            if single || ABBREVIATIONS.contains(&word.as_str()) {
                continue;
            }
        }
        out.push(end);
    }
    out
}

const MODALS: &[&str] = &[
    "is responsible for",
    "are responsible for",
    "required to",
    "need to",
    "needs to",
    "must",
    "should",
    "shall",
    "will",
    "may",
];

const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
];

const UNITS: &[&str] = &[
    "day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours",
];

/// What makes a sentence carry a rule, if anything does.
#[must_use]
pub fn rule(text: &str, criteria: bool) -> Option<Rule> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let modal = MODALS.iter().copied().find(|m| {
        let parts: Vec<&str> = m.split(' ').collect();
        lower.windows(parts.len()).enumerate().any(|(i, w)| {
            w.iter().zip(&parts).all(|(a, b)| a == b) && !(*m == "may" && is_month(&words, i))
        })
    });
    let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit()) || NUMBER_WORDS.contains(&s);
    let unit = |s: Option<&String>| s.is_some_and(|s| UNITS.contains(&s.as_str()));
    let time_limit = (0..lower.len()).find_map(|i| {
        if !number(&lower[i]) {
            return None;
        }
        if unit(lower.get(i + 1)) {
            return Some(words[i..i + 2].join(" "));
        }
        (lower.get(i + 1).is_some_and(|w| w == "working") && unit(lower.get(i + 2)))
            .then(|| words[i..i + 3].join(" "))
    });
    (modal.is_some() || time_limit.is_some() || criteria).then_some(Rule {
        modal,
        time_limit,
        criteria,
    })
}

/// `May` as the month: capitalised, next to a number (`10 May 2024`, `May 2019`).
fn is_month(words: &[&str], i: usize) -> bool {
    let digits = |w: Option<&&str>| w.is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()));
    words[i] == "May" && (digits(words.get(i + 1)) || (i > 0 && digits(words.get(i - 1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        sentences(s, 0, 1, &[])
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn sentences_end_at_full_stops_not_abbreviations() {
        assert_eq!(
            texts("They must notify the Panel. See e.g. the FAQs, para. 4 of ch. 2. Then stop."),
            [
                "They must notify the Panel.",
                "See e.g. the FAQs, para. 4 of ch. 2.",
                "Then stop."
            ]
        );
    }

    #[test]
    fn wrapped_lines_join_and_headings_stand_alone() {
        assert_eq!(
            texts("Criteria for a Review\nThe partners must\nconsider the case."),
            [
                "Criteria for a Review",
                "The partners must consider the case."
            ]
        );
    }

    #[test]
    fn a_list_is_one_sentence_with_its_lead_in() {
        let s = sentences(
            "Good. The report includes:\n• a summary\n• an analysis.\nNext line.",
            0,
            1,
            &[],
        );
        assert_eq!(s[1].text, "The report includes: a summary an analysis.");
        assert!(s[1].rule.as_ref().is_some_and(|r| r.criteria));
        assert_eq!(s[2].text, "Next line.");
    }

    #[test]
    fn rule_bearing_sentences() {
        let modal = |t: &str| rule(t, false).and_then(|r| r.modal);
        assert_eq!(
            modal("LSCPs should send copies of all reports"),
            Some("should")
        );
        assert_eq!(
            modal("The local authority is responsible for notifying"),
            Some("is responsible for")
        );
        assert_eq!(modal("Partners need to agree"), Some("need to"));
        assert_eq!(modal("Updated 10 May 2024"), None);
        assert_eq!(modal("This is a review of practice."), None);
        let limit = |t: &str| rule(t, false).and_then(|r| r.time_limit);
        assert_eq!(
            limit("within five working days of becoming aware"),
            Some("five working days".into())
        );
        assert_eq!(
            limit("at least one week before publication"),
            Some("one week".into())
        );
        assert_eq!(
            limit("a period of 15 working days"),
            Some("15 working days".into())
        );
    }
}
