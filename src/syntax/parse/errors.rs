//! Syntax errors: every one in a file reported (each top-level declaration re-parsed
//! alone after the first error), grammar rules given human names, and nesting limited
//! before pest runs, so no input can overflow the stack.

use super::*;

/// Whether a text holds nothing but whitespace and comments.
pub(super) fn is_blank(text: &str) -> bool {
    text.lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// A clause given twice in one declaration or header.
pub(super) fn repeated(what: &str, at: Span) -> Problem {
    Problem::error("cspr::repeated_clause", format!("`{what}` is given twice"))
        .label(at, "the second one")
        .help(format!("give `{what}` once; combine conditions with `and`"))
}

pub(super) fn empty_file(source: &Source) -> Problem {
    let help = "a policy starts with `guidance ID \"TITLE\"` or `procedure ID \"TITLE\"`";
    let text = &*source.text;
    if text.is_empty() {
        return Problem::error("cspr::syntax", "the file is empty")
            .help(help)
            .in_source(source);
    }
    // Not empty: say what is there instead of a declaration.
    let message = if text.contains('\r') && !text.contains('\n') {
        "the file holds no declaration, only line breaks written as carriage returns alone (old Mac line endings)"
    } else if text.lines().all(|l| l.trim().is_empty()) {
        "the file holds no declaration, only blank lines and spaces"
    } else {
        "the file holds no declaration, only comments"
    };
    let help = if text.contains('\r') && !text.contains('\n') {
        format!("save the file with LF or CRLF line endings; {help}")
    } else {
        help.to_string()
    };
    let problem = Problem::error("cspr::syntax", message).help(help);
    if text.contains('\n') {
        problem
            .label(Span::new(0, text.len()), "nothing but this")
            .in_source(source)
    } else {
        // A snippet of carriage returns alone cannot be shown line by line.
        problem.in_source(source)
    }
}

/// Parse each top-level declaration alone to find every syntax error, not just the first.
pub(super) fn recover(source: &Source, first: pest::error::Error<Rule>) -> Vec<Problem> {
    const KEYWORDS: [&str; 7] = [
        "source", "fact", "rule", "decision", "duty", "timeline", "override",
    ];
    recover_parts(
        source,
        first,
        &KEYWORDS,
        Some(Rule::lone_header),
        Rule::lone_item,
    )
}

/// Split `source` before each line that starts (in column 0) with one of `keywords`, and
/// parse the parts alone: the first with `head` (or, without one, like the rest, unless
/// it is blank), the others with `each`.
pub(super) fn recover_parts(
    source: &Source,
    first: pest::error::Error<Rule>,
    keywords: &[&str],
    head: Option<Rule>,
    each: Rule,
) -> Vec<Problem> {
    let text = &*source.text;
    let starts = item_starts(text, keywords);
    let mut problems = Vec::new();
    let mut bounds = vec![0];
    bounds.extend(starts.iter().copied());
    bounds.push(text.len());
    for (i, pair) in bounds.windows(2).enumerate() {
        let (from, to) = (pair[0], pair[1]);
        let chunk = &text[from..to];
        let rule = match head {
            Some(h) if i == 0 => h,
            None if i == 0 && is_blank(chunk) => continue,
            _ => each,
        };
        if i == 0 && from == to {
            continue;
        }
        if let Err(e) = PolicyParser::parse(rule, chunk) {
            problems.push(syntax_problem(&e, from, chunk.len()).in_source(source));
        }
    }
    if problems.is_empty() {
        problems.push(syntax_problem(&first, 0, text.len()).in_source(source));
    }
    problems
}

/// Byte offsets of lines that start, in column 0, with one of `keywords`.
pub(super) fn item_starts(text: &str, keywords: &[&str]) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let word: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if keywords.contains(&word.as_str()) && offset > 0 {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
}

pub(super) fn syntax_problem(e: &pest::error::Error<Rule>, offset: usize, len: usize) -> Problem {
    use pest::error::{ErrorVariant, InputLocation};
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, (p + 1).min(len).max(p)),
        InputLocation::Span((s, e)) => (s, e),
    };
    let span = Span::new(start + offset, end + offset);
    let mut help = "see docs/language.md for the shape of each declaration".to_string();
    let (message, label) = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            if let Some(h) = anchor_help(e, positives) {
                help = h;
            }
            let mut names: Vec<&str> = positives
                .iter()
                .filter(|r| !matches!(r, Rule::WHITESPACE | Rule::COMMENT))
                .map(|r| human_rule_name(*r))
                .collect();
            names.sort_unstable();
            names.dedup();
            let expected = match names.as_slice() {
                [] => "something else".to_string(),
                [one] => (*one).to_string(),
                [init @ .., last] => format!("{} or {}", init.join(", "), last),
            };
            (
                format!("expected {expected}"),
                "unexpected text here".to_string(),
            )
        }
        ErrorVariant::CustomError { message } => (message.clone(), String::new()),
    };
    Problem::error("cspr::syntax", message)
        .label(span, label)
        .help(help)
}

/// What an anchor may be, where one was expected or a name after `after`, `before` or
/// `starts` is followed by `(` (`min(a, b)`: a function the language does not have).
fn anchor_help(e: &pest::error::Error<Rule>, positives: &[Rule]) -> Option<String> {
    const WHAT: &str = "an anchor is a date fact, a duty's due date or a duty's `done` (`send_sin done`); the earlier or later of several is `earliest(a, b)` or `latest(a, b)`, one chosen by condition `(a if condition else b)`";
    if positives.iter().any(|r| {
        matches!(
            r,
            Rule::anchor_choice | Rule::anchor_pick | Rule::done_anchor
        )
    }) && !positives.contains(&Rule::kw_done)
    {
        return Some(WHAT.to_string());
    }
    // `after min(a, b)`: the name was read as an anchor, then `(` could not follow.
    let col = match e.line_col {
        pest::error::LineColLocation::Pos((_, c))
        | pest::error::LineColLocation::Span((_, c), _) => c,
    };
    let line = e.line();
    let (before, rest) = line.split_at(line.char_indices().nth(col.saturating_sub(1))?.0);
    let mut words = before.split_whitespace().rev();
    let name = words.next()?;
    let word = words.next()?;
    (rest.starts_with('(')
        && matches!(word, "after" | "before" | "starts")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then(|| format!("`{name}(…)` is not an anchor: {WHAT}"))
}

/// The name a person would use for a grammar rule, for "expected …" messages.
pub fn human_rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::colon => "`:`",
        Rule::header | Rule::module_kind | Rule::file | Rule::lone_header => {
            "a header: `guidance ID \"TITLE\"` or `procedure ID \"TITLE\"`"
        }
        Rule::lone_item => {
            "a declaration (`fact`, `rule`, `decision`, `duty`, `source`, `actor`, `override`)"
        }
        Rule::source_decl => "`source`",
        Rule::actor_decl | Rule::kw_actor => "`actor NAME \"TITLE\"`",
        Rule::label | Rule::kw_label => "`label \"words people read\"`",
        Rule::fact_decl => "`fact`",
        Rule::rule_decl => "`rule`",
        Rule::decision_decl => "`decision`",
        Rule::duty_decl => "`duty`",
        Rule::override_decl => "`override`",
        Rule::version_clause => "`version`",
        Rule::extends_clause => "`extends`",
        Rule::calendar_clause => "`calendar`",
        Rule::prim_type | Rule::enum_type | Rule::set_type => {
            "a type (`bool`, `integer`, `date`, `date-time`, `text`, `a | b`, `set of a | b`)"
        }
        Rule::ask => "`ask \"question\"`",
        Rule::citation => "a citation such as `cite WT18 \"ch.4 para 10\"`",
        Rule::default_body => "`default`",
        Rule::exception => "`exception`",
        Rule::branch => "a branch such as `value when condition`",
        Rule::otherwise => "`otherwise`",
        Rule::modality => "`must`, `should` or `may`",
        Rule::when_clause => "`when`",
        Rule::done_clause => "`done`",
        Rule::within_clause | Rule::before_clause | Rule::for_clause => {
            "a deadline such as `within 5 working days after la_aware_on`"
        }
        Rule::on_clause => "an appointment such as `on 14 working days after panel_notified_on`",
        Rule::not_before => "a window's opening such as `not before 2 working days after …`",
        Rule::shift | Rule::kw_on => "`on`",
        Rule::word_a => "`a`",
        Rule::kw_non_working => "`non-working`",
        Rule::shift_to | Rule::kw_next | Rule::kw_previous => "`next` or `previous`",
        Rule::anchor_pick | Rule::kw_earliest | Rule::kw_latest => {
            "`earliest(a, b)` or `latest(a, b)`"
        }
        Rule::done_anchor => "`DUTY done`",
        Rule::assumed | Rule::kw_assumed => "`assumed working` or `assumed calendar`",
        Rule::duration => "a duration such as `5 working days`",
        Rule::time_unit | Rule::working_days | Rule::calendar_unit | Rule::day_word => {
            "a unit (`working days`, `days`, `weeks`, `hours`, `months`)"
        }
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::cmp_expr => {
            "an expression"
        }
        Rule::cmp_op => "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::set_lit => "a set such as `{a, b}`",
        Rule::ident => "a name",
        Rule::string | Rule::string_inner => "a quoted string",
        Rule::date => "a date such as `2024-03-04`",
        Rule::datetime => "a date-time such as `2024-03-04T09:30`",
        Rule::integer => "a whole number",
        Rule::boolean => "`true` or `false`",
        Rule::keyword => "a keyword",
        Rule::kw_guidance => "`guidance`",
        Rule::kw_procedure => "`procedure`",
        Rule::kw_version => "`version`",
        Rule::kw_extends => "`extends`",
        Rule::kw_calendar => "`calendar`",
        Rule::kw_source => "`source`",
        Rule::kw_fact => "`fact`",
        Rule::kw_ask => "`ask`",
        Rule::kw_cite => "`cite`",
        Rule::kw_rule => "`rule`",
        Rule::kw_default => "`default`",
        Rule::kw_exception => "`exception`",
        Rule::kw_decision => "`decision`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_duty => "`duty`",
        Rule::kw_override => "`override`",
        Rule::kw_when => "`when`",
        Rule::kw_must | Rule::kw_should | Rule::kw_may => "`must`, `should` or `may`",
        Rule::kw_done => "`done`",
        Rule::kw_within => "`within`",
        Rule::kw_after => "`after`",
        Rule::kw_before => "`before`",
        Rule::kw_working => "`working`",
        Rule::kw_least => "`least`",
        Rule::kw_at => "`at`",
        Rule::kw_for => "`for`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_in => "`in`",
        Rule::kw_if => "`if`",
        Rule::kw_timeline | Rule::timeline_decl => "`timeline`",
        Rule::kw_starts => "`starts`",
        Rule::kw_step | Rule::step => "`step`",
        Rule::kw_day | Rule::kw_days | Rule::step_days => "`day N` or `days N-M`",
        Rule::day_range | Rule::day_number => "a day number such as `15` or `2-7`",
        Rule::kw_else => "`else`",
        Rule::anchor_choice => "a choice such as `(a if condition else b)`",
        Rule::kw_set => "`set`",
        Rule::kw_of => "`of`",
        Rule::scenario | Rule::lone_scenario | Rule::kw_scenario => {
            "a scenario (`scenario \"NAME\" for PROCEDURE:`)"
        }
        Rule::as_of | Rule::cw_as => "`as of DATE`",
        Rule::given | Rule::kw_given => "`given fact = value`",
        Rule::assignment => "`fact = value`",
        Rule::expect | Rule::kw_expect => "`expect …`",
        Rule::expect_missing | Rule::cw_missing => "`missing {…}`",
        Rule::cw_undetermined | Rule::expect_undetermined => "`undetermined`",
        Rule::cw_applies | Rule::expect_applies => "`applies`",
        Rule::cw_does | Rule::cw_apply | Rule::expect_not_applies => "`does not apply`",
        Rule::cw_due | Rule::expect_due => "`due DATE`",
        Rule::cw_status | Rule::expect_status => "`status NAME`",
        Rule::expect_value => "`= value`",
        Rule::expect_under | Rule::cw_under => "`under EDITION`",
        Rule::quote | Rule::pw_quote => "`quote \"words of the source\"`",
        Rule::reading | Rule::pw_reading => "`reading \"…\" from SOURCE \"…\" quote \"…\"`",
        Rule::pw_from => "`from`",
        Rule::refines | Rule::pw_refines => "`refines DUTY`",
        Rule::by_branch | Rule::pw_by => "a decider such as `by la_decision unless not_yet_given`",
        Rule::pw_unless => "`unless VALUE`",
        Rule::source_file | Rule::pw_file => "`file \"sources/….txt\"`",
        Rule::pw_sha256 => "`sha256 \"…\"`",
        Rule::not_encoded_decl | Rule::pw_encoded => {
            "`not encoded cite SOURCE \"…\" quote \"…\" because \"…\"`"
        }
        Rule::pw_because => "`because \"reason\"`",
        _ => "more input",
    }
}

/// What [`check_nesting`] makes of a byte: most bytes (spaces, punctuation, anything not
/// ASCII) are [`PLAIN`] and skipped in a tight loop.
const PLAIN: u8 = 0;
const WORD: u8 = 1;
const HASH: u8 = 2;
const QUOTE: u8 = 3;
const OPEN: u8 = 4;
const CLOSE: u8 = 5;
const CLASS: [u8; 256] = {
    let mut class = [PLAIN; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        class[b] = match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => WORD,
            b'#' => HASH,
            b'"' => QUOTE,
            b'(' => OPEN,
            b')' => CLOSE,
            _ => PLAIN,
        };
        b += 1;
    }
    class
};

/// Refuse nesting deeper than [`MAX_NESTING`] on the raw text, before pest (or later
/// stages) recurse on it: more than that many parentheses open, or more than that many
/// `not`s in a row with no other word between them. Strings and comments do not count.
/// It reads a byte class from a table, a word or a run of plain bytes at a time, and
/// skips comments with `memchr`, so it costs little beside pest.
pub(super) fn check_nesting(text: &str) -> Result<()> {
    let bytes = text.as_bytes();
    let class = |b: &u8| CLASS[usize::from(*b)];
    let too_deep = |at: usize| {
        Err(Problem::error(
            "cspr::too_deep",
            format!("expression nested more than {MAX_NESTING} levels deep"),
        )
        .label(Span::new(at, (at + 1).min(text.len())), "too deep here")
        .help("split the expression into named rules"))
    };
    let (mut depth, mut nots, mut i) = (0usize, 0usize, 0usize);
    while let Some(b) = bytes.get(i) {
        match class(b) {
            // A comment: on after its line (`#` is one byte, so `i + 1` is a boundary).
            HASH => {
                i = text[i + 1..]
                    .find('\n')
                    .map_or(bytes.len(), |n| i + 1 + n + 1)
            }
            // A string: to its closing quote or the end of its line; `\` takes the next byte.
            QUOTE => {
                i += 1;
                while let Some(rest) = bytes.get(i..) {
                    match rest.iter().position(|b| matches!(b, b'"' | b'\\' | b'\n')) {
                        Some(n) if rest[n] == b'\\' => i += n + 2,
                        Some(n) => {
                            i += n + 1;
                            break;
                        }
                        None => {
                            i = bytes.len();
                            break;
                        }
                    }
                }
            }
            OPEN => {
                depth += 1;
                if depth > MAX_NESTING {
                    return too_deep(i);
                }
                i += 1;
            }
            CLOSE => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            // A word: `not` counts, any other word (a name, a number) ends the run.
            WORD => {
                let len = bytes[i..]
                    .iter()
                    .position(|b| class(b) != WORD)
                    .unwrap_or(bytes.len() - i);
                if &bytes[i..i + len] == b"not" {
                    nots += 1;
                    if nots > MAX_NESTING {
                        return too_deep(i + 2);
                    }
                } else {
                    nots = 0;
                }
                i += len;
            }
            // Plain bytes (spaces, punctuation, the bytes of other characters): on to the
            // next byte that is not.
            _ => {
                i += bytes[i..]
                    .iter()
                    .position(|b| class(b) != PLAIN)
                    .unwrap_or(bytes.len() - i)
            }
        }
    }
    Ok(())
}
