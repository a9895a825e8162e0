//! pest pairs → [`ast`](super::ast) nodes, one function per grammar rule.
//!
//! The grammar guarantees the shape of every pair handed to these functions, so a
//! mismatch is a bug in this file, never something a user's input can reach; the few
//! places that must still choose report it as a syntax error rather than panic.

use chrono::{NaiveDate, NaiveDateTime};
use pest::Parser;
use pest::iterators::Pair;

use super::ast::*;
use crate::diagnostic::{Problem, Source};
use crate::span::{Span, Spanned};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/policy.pest"]
struct PolicyParser;

/// The deepest nesting of parentheses or `not`s a policy may use.
pub const MAX_NESTING: usize = 64;

type Result<T> = std::result::Result<T, Problem>;

mod lone;
pub(super) use lone::{parse_expr, parse_value};

pub(super) fn parse_module(source: &Source) -> std::result::Result<Module, Vec<Problem>> {
    check_nesting(&source.text).map_err(|p| vec![p.in_source(source)])?;
    match PolicyParser::parse(Rule::file, &source.text) {
        Ok(mut pairs) => {
            let file = pairs.next().ok_or_else(|| vec![empty_file(source)])?;
            module(file).map_err(|p| vec![p.in_source(source)])
        }
        Err(_) if is_blank(&source.text) => Err(vec![empty_file(source)]),
        Err(first) => Err(recover(source, first)),
    }
}

/// Whether a text holds nothing but whitespace and comments.
fn is_blank(text: &str) -> bool {
    text.lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// A clause given twice in one declaration or header.
fn repeated(what: &str, at: Span) -> Problem {
    Problem::error("cspr::repeated_clause", format!("`{what}` is given twice"))
        .label(at, "the second one")
        .help(format!("give `{what}` once; combine conditions with `and`"))
}

fn empty_file(source: &Source) -> Problem {
    Problem::error("cspr::syntax", "the file is empty")
        .help("a policy starts with `guidance ID \"TITLE\"` or `procedure ID \"TITLE\"`")
        .in_source(source)
}

/// Parse each top-level declaration alone to find every syntax error, not just the first.
fn recover(source: &Source, first: pest::error::Error<Rule>) -> Vec<Problem> {
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
fn recover_parts(
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
fn item_starts(text: &str, keywords: &[&str]) -> Vec<usize> {
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

fn syntax_problem(e: &pest::error::Error<Rule>, offset: usize, len: usize) -> Problem {
    use pest::error::{ErrorVariant, InputLocation};
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, (p + 1).min(len).max(p)),
        InputLocation::Span((s, e)) => (s, e),
    };
    let span = Span::new(start + offset, end + offset);
    let (message, label) = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
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
        .help("see docs/language.md for the shape of each declaration")
}

/// The name a person would use for a grammar rule, for "expected …" messages.
pub fn human_rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::header | Rule::module_kind => "`guidance` or `procedure`",
        Rule::lone_item => {
            "a declaration (`fact`, `rule`, `decision`, `duty`, `source`, `override`)"
        }
        Rule::source_decl => "`source`",
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
        Rule::duration => "a duration such as `5 working days`",
        Rule::time_unit | Rule::working_days | Rule::calendar_unit | Rule::day_word => {
            "a unit (`working days`, `days`, `weeks`, `hours`, `months`)"
        }
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::cmp_expr => {
            "an expression"
        }
        Rule::not_op => "`not`",
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
        _ => "more input",
    }
}

/// Refuse nesting deeper than [`MAX_NESTING`] before pest (or later stages) recurse on it.
fn check_nesting(text: &str) -> Result<()> {
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_comment {
            in_comment = b != b'\n';
        } else if in_string {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' || b == b'\n' {
                in_string = false;
            }
        } else {
            match b {
                b'#' => in_comment = true,
                b'"' => in_string = true,
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b'n' if text[i..].starts_with("not")
                    && !bytes
                        .get(i + 3)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    && (i == 0
                        || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
                {
                    nots += 1;
                    i += 2;
                }
                b if b.is_ascii_alphanumeric() || b == b'_' => nots = 0,
                _ => {}
            }
            if depth > MAX_NESTING || nots > MAX_NESTING {
                return Err(Problem::error(
                    "cspr::too_deep",
                    format!("expression nested more than {MAX_NESTING} levels deep"),
                )
                .label(Span::new(i, (i + 1).min(text.len())), "too deep here")
                .help("split the expression into named rules"));
            }
        }
        i += 1;
    }
    Ok(())
}

// ----------------------------------------------------------------------------------
//  Converters, one per grammar rule
// ----------------------------------------------------------------------------------

/// Tokens the converter skips: keywords and comments.
fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::COMMENT
            | Rule::kw_guidance
            | Rule::kw_procedure
            | Rule::kw_version
            | Rule::kw_extends
            | Rule::kw_calendar
            | Rule::kw_source
            | Rule::kw_fact
            | Rule::kw_ask
            | Rule::kw_cite
            | Rule::kw_rule
            | Rule::kw_default
            | Rule::kw_exception
            | Rule::kw_decision
            | Rule::kw_otherwise
            | Rule::kw_duty
            | Rule::kw_override
            | Rule::kw_when
            | Rule::kw_done
            | Rule::kw_within
            | Rule::kw_after
            | Rule::kw_before
            | Rule::kw_working
            | Rule::kw_least
            | Rule::kw_at
            | Rule::kw_for
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_in
            | Rule::kw_if
            | Rule::kw_else
            | Rule::kw_timeline
            | Rule::kw_starts
            | Rule::kw_step
            | Rule::kw_day
            | Rule::kw_days
            | Rule::kw_set
            | Rule::kw_of
            | Rule::kw_scenario
            | Rule::kw_given
            | Rule::kw_expect
            | Rule::cw_as
            | Rule::cw_missing
            | Rule::cw_undetermined
            | Rule::cw_applies
            | Rule::cw_does
            | Rule::cw_apply
            | Rule::cw_due
            | Rule::cw_status
            | Rule::cw_under
    )
}

/// The children of a pair, without keyword tokens.
fn inner(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

/// The span of a pair, without the whitespace pest may have consumed after it.
fn span(pair: &Pair<'_, Rule>) -> Span {
    let start = pair.as_span().start();
    Span::new(start, start + pair.as_str().trim_end().len())
}

/// A shape the grammar rules out; reported rather than panicking.
fn shape(what: &str, at: Span) -> Problem {
    Problem::error(
        "cspr::internal",
        format!("internal error: unexpected {what}"),
    )
    .label(at, "")
    .help("this is a bug in cspr; please report it with this file")
}

fn next<'i>(
    it: &mut impl Iterator<Item = Pair<'i, Rule>>,
    at: Span,
    what: &str,
) -> Result<Pair<'i, Rule>> {
    it.next().ok_or_else(|| shape(what, at))
}

fn module(file: Pair<'_, Rule>) -> Result<Module> {
    let at = span(&file);
    let mut parts = inner(file);
    let header = next(&mut parts, at, "missing header")?;
    let mut module = self::header(header)?;
    for pair in parts {
        match pair.as_rule() {
            Rule::EOI => {}
            _ => module.items.push(item(pair)?),
        }
    }
    Ok(module)
}

fn header(pair: Pair<'_, Rule>) -> Result<Module> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let kind_pair = next(&mut parts, at, "header")?;
    let kind = match kind_pair.as_str().trim() {
        "guidance" => ModuleKind::Guidance,
        "procedure" => ModuleKind::Procedure,
        _ => return Err(shape("kind of module", span(&kind_pair))),
    };
    let id = ident(next(&mut parts, at, "module id")?);
    let title = string(next(&mut parts, at, "module title")?);
    let mut module = Module {
        kind,
        id,
        title,
        version: None,
        extends: None,
        calendar: None,
        items: Vec::new(),
    };
    for clause in parts {
        let cspan = span(&clause);
        let rule = clause.as_rule();
        let value = next(&mut inner(clause), cspan, "header clause")?;
        match rule {
            Rule::version_clause if module.version.is_some() => {
                return Err(repeated("version", cspan));
            }
            Rule::extends_clause if module.extends.is_some() => {
                return Err(repeated("extends", cspan));
            }
            Rule::calendar_clause if module.calendar.is_some() => {
                return Err(repeated("calendar", cspan));
            }
            Rule::version_clause => {
                module.version = Some(Spanned::new(date(&value)?, span(&value)))
            }
            Rule::extends_clause => module.extends = Some(ident(value)),
            Rule::calendar_clause => module.calendar = Some(ident(value)),
            _ => return Err(shape("header clause", cspan)),
        }
    }
    Ok(module)
}

fn item(pair: Pair<'_, Rule>) -> Result<Item> {
    Ok(match pair.as_rule() {
        Rule::source_decl => Item::Source(source_decl(pair)?),
        Rule::fact_decl => Item::Fact(fact_decl(pair)?),
        Rule::rule_decl => Item::Rule(rule_decl(pair, None)?),
        Rule::decision_decl => Item::Decision(decision_decl(pair, None)?),
        Rule::duty_decl => Item::Duty(duty_decl(pair, None)?),
        Rule::timeline_decl => timeline_decl(pair)?,
        Rule::override_decl => override_decl(pair)?,
        _ => return Err(shape("declaration", span(&pair))),
    })
}

fn source_decl(pair: Pair<'_, Rule>) -> Result<SourceDecl> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let name = ident(next(&mut parts, at, "source name")?);
    let title = string(next(&mut parts, at, "source title")?);
    Ok(SourceDecl {
        name,
        title,
        span: at,
    })
}

fn fact_decl(pair: Pair<'_, Rule>) -> Result<FactDecl> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let name = ident(next(&mut parts, at, "fact name")?);
    let ty_pair = next(&mut parts, at, "fact type")?;
    let ty = match ty_pair.as_rule() {
        Rule::prim_type => match ty_pair.as_str() {
            "bool" => TypeExpr::Bool,
            "integer" => TypeExpr::Integer,
            "date" => TypeExpr::Date,
            "text" => TypeExpr::Text,
            "date-time" | "datetime" => TypeExpr::DateTime,
            _ => return Err(shape("type", span(&ty_pair))),
        },
        Rule::enum_type => TypeExpr::Enum(inner(ty_pair).map(ident).collect()),
        Rule::set_type => TypeExpr::Set(inner(ty_pair).map(ident).collect()),
        _ => return Err(shape("type", span(&ty_pair))),
    };
    let ask = parts
        .next()
        .map(|p| inner(p).next().map(string).unwrap_or_default());
    Ok(FactDecl {
        name,
        ty,
        ask,
        span: at,
    })
}

fn citation(pair: Pair<'_, Rule>) -> Result<Citation> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let source = ident(next(&mut parts, at, "citation source")?);
    let locator = string(next(&mut parts, at, "citation locator")?);
    Ok(Citation {
        source,
        locator,
        span: at,
    })
}

/// An optional citation, consumed only if it is next.
fn opt_citation<'i>(
    parts: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
) -> Result<Option<Citation>> {
    match parts.next_if(|p| p.as_rule() == Rule::citation) {
        Some(p) => citation(p).map(Some),
        None => Ok(None),
    }
}

fn rule_decl(pair: Pair<'_, Rule>, overrides: Option<Span>) -> Result<RuleDecl> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let name = ident(next(&mut parts, at, "rule name")?);
    let cite = opt_citation(&mut parts)?;
    let body_pair = next(&mut parts, at, "rule body")?;
    let body = match body_pair.as_rule() {
        Rule::default_body => {
            let bspan = span(&body_pair);
            let mut bparts = inner(body_pair);
            let default = expr(next(&mut bparts, bspan, "default")?)?;
            let exceptions = bparts.map(exception).collect::<Result<_>>()?;
            RuleBody::Default {
                default,
                exceptions,
            }
        }
        _ => RuleBody::Expr(expr(body_pair)?),
    };
    Ok(RuleDecl {
        name,
        cite,
        body,
        overrides,
        span: at,
    })
}

fn exception(pair: Pair<'_, Rule>) -> Result<Exception> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let cite = opt_citation(&mut parts)?;
    let value = expr(next(&mut parts, at, "exception value")?)?;
    let when = expr(next(&mut parts, at, "exception condition")?)?;
    Ok(Exception {
        cite,
        value,
        when,
        span: at,
    })
}

fn decision_decl(pair: Pair<'_, Rule>, overrides: Option<Span>) -> Result<DecisionDecl> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let name = ident(next(&mut parts, at, "decision name")?);
    let cite = opt_citation(&mut parts)?;
    let branches = parts.map(branch).collect::<Result<_>>()?;
    Ok(DecisionDecl {
        name,
        cite,
        branches,
        overrides,
        span: at,
    })
}

fn branch(pair: Pair<'_, Rule>) -> Result<Branch> {
    let at = span(&pair);
    let is_otherwise = pair.as_rule() == Rule::otherwise;
    let mut parts = inner(pair).peekable();
    let value = ident(next(&mut parts, at, "branch value")?);
    let when = if is_otherwise {
        None
    } else {
        Some(expr(next(&mut parts, at, "branch condition")?)?)
    };
    let cite = opt_citation(&mut parts)?;
    Ok(Branch {
        value,
        when,
        cite,
        span: at,
    })
}

fn duty_decl(pair: Pair<'_, Rule>, overrides: Option<Span>) -> Result<DutyDecl> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let (name, cite, actor, modality, action) = duty_head(&mut parts, at)?;
    let mut duty = DutyDecl {
        name,
        cite,
        actor,
        modality,
        action,
        when: None,
        deadline: None,
        done: None,
        overrides,
        span: at,
    };
    for clause in parts {
        let cspan = span(&clause);
        match clause.as_rule() {
            Rule::when_clause | Rule::done_clause => {
                when_or_done(clause, &mut duty.when, &mut duty.done)?
            }
            Rule::within_clause | Rule::before_clause | Rule::for_clause
                if duty.deadline.is_some() =>
            {
                return Err(repeated("deadline", cspan));
            }
            Rule::within_clause | Rule::before_clause | Rule::for_clause => {
                duty.deadline = Some(deadline(clause)?)
            }
            _ => return Err(shape("duty clause", cspan)),
        }
    }
    Ok(duty)
}

fn deadline(pair: Pair<'_, Rule>) -> Result<Deadline> {
    let at = span(&pair);
    let kind = match pair.as_rule() {
        Rule::within_clause => DeadlineKind::Within,
        Rule::before_clause => DeadlineKind::AtLeastBefore,
        Rule::for_clause => DeadlineKind::ForAtLeast,
        _ => return Err(shape("deadline", at)),
    };
    let mut parts = inner(pair);
    let dur = next(&mut parts, at, "duration")?;
    let dspan = span(&dur);
    let mut dparts = inner(dur);
    let amount_pair = next(&mut dparts, dspan, "amount")?;
    let amount_span = span(&amount_pair);
    let amount: u32 = amount_pair.as_str().parse().map_err(|_| {
        Problem::error(
            "cspr::syntax",
            format!("`{}` is not a period cspr can count", amount_pair.as_str()),
        )
        .label(amount_span, "expected a whole number from 0 to 4294967295")
    })?;
    let unit_pair = next(&mut dparts, dspan, "unit")?;
    // Every word the grammar accepts, spelled out: a word added to the grammar but not
    // here is an internal error, never read as some other unit.
    let unit_span = span(&unit_pair);
    let word = unit_pair
        .into_inner()
        .find(|p| p.as_rule() != Rule::COMMENT)
        .ok_or_else(|| shape("unit of time", unit_span))?;
    let unit = match (word.as_rule(), word.as_str()) {
        (Rule::working_days, _) => TimeUnit::WorkingDays,
        (Rule::calendar_unit, "day" | "days") => TimeUnit::Days,
        (Rule::calendar_unit, "week" | "weeks") => TimeUnit::Weeks,
        (Rule::calendar_unit, "hour" | "hours") => TimeUnit::Hours,
        (Rule::calendar_unit, "month" | "months") => TimeUnit::Months,
        _ => return Err(shape("unit of time", unit_span)),
    };
    let (anchor, choices) = anchor(next(&mut parts, at, "anchor")?)?;
    Ok(Deadline {
        kind,
        amount: Spanned::new(amount, amount_span),
        unit,
        anchor,
        choices,
        span: at,
    })
}

/// What a duty and a timeline step both start with: `name cite …: actor must "what"`.
fn duty_head<'i>(
    parts: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    at: Span,
) -> Result<(Ident, Option<Citation>, Ident, Modality, String)> {
    let name = ident(next(parts, at, "name")?);
    let cite = opt_citation(parts)?;
    let actor = ident(next(parts, at, "actor")?);
    let modality_pair = next(parts, at, "modality")?;
    let modality = match modality_pair.as_str().trim() {
        "must" => Modality::Must,
        "should" => Modality::Should,
        "may" => Modality::May,
        _ => return Err(shape("modality", span(&modality_pair))),
    };
    let action = string(next(parts, at, "action")?);
    Ok((name, cite, actor, modality, action))
}

/// A name, or `(a if condition else b)`: the fallback anchor and the choices before it.
fn anchor(pair: Pair<'_, Rule>) -> Result<(Ident, Vec<(Ident, Expr)>)> {
    if pair.as_rule() != Rule::anchor_choice {
        return Ok((ident(pair), Vec::new()));
    }
    let cspan = span(&pair);
    let mut items: Vec<Pair<'_, Rule>> = inner(pair).collect();
    let last = items
        .pop()
        .ok_or_else(|| shape("empty anchor choice", cspan))?;
    let mut choices = Vec::new();
    let mut it = items.into_iter();
    while let (Some(name), Some(cond)) = (it.next(), it.next()) {
        choices.push((ident(name), expr(cond)?));
    }
    Ok((ident(last), choices))
}

/// A timeline, kept as written; `check::timeline` turns its steps into duties.
fn timeline_decl(pair: Pair<'_, Rule>) -> Result<Item> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let name = ident(next(&mut parts, at, "timeline name")?);
    let cite = opt_citation(&mut parts)?;
    let (start, choices) = anchor(next(&mut parts, at, "start event")?)?;
    let when = match parts.next_if(|p| p.as_rule() == Rule::when_clause) {
        Some(w) => {
            let wspan = span(&w);
            Some(expr(next(&mut inner(w), wspan, "condition")?)?)
        }
        None => None,
    };
    let steps = parts.map(step).collect::<Result<_>>()?;
    Ok(Item::Timeline(TimelineDecl {
        name,
        cite,
        start,
        choices,
        when,
        steps,
        span: at,
    }))
}

fn step(pair: Pair<'_, Rule>) -> Result<Step> {
    let sspan = span(&pair);
    let mut sp = inner(pair).peekable();
    let days = next(&mut sp, sspan, "step days")?;
    let dspan = span(&days);
    let text = next(&mut inner(days), dspan, "day")?.as_str().to_string();
    let number = |s: &str| -> Result<u32> {
        s.parse().map_err(|_| {
            Problem::error(
                "cspr::syntax",
                format!("`{text}` is not a day cspr can count"),
            )
            .label(dspan, "expected a whole number of days")
        })
    };
    let mut bounds = text.split(['-', '–']);
    let first = bounds.next().unwrap_or(&text);
    let days = match bounds.next() {
        Some(last) => StepDays {
            first: Some(number(first)?),
            last: number(last)?,
            span: dspan,
        },
        None => StepDays {
            first: None,
            last: number(first)?,
            span: dspan,
        },
    };
    let (name, cite, actor, modality, action) = duty_head(&mut sp, sspan)?;
    let mut step = Step {
        days,
        name,
        cite,
        actor,
        modality,
        action,
        when: None,
        done: None,
        span: sspan,
    };
    for clause in sp {
        let cspan = span(&clause);
        match clause.as_rule() {
            Rule::when_clause | Rule::done_clause => {
                when_or_done(clause, &mut step.when, &mut step.done)?
            }
            _ => return Err(shape("step clause", cspan)),
        }
    }
    Ok(step)
}

/// A `when` or `done` clause of a duty or a timeline step, each allowed once.
fn when_or_done(
    clause: Pair<'_, Rule>,
    when: &mut Option<Expr>,
    done: &mut Option<Ident>,
) -> Result<()> {
    let cspan = span(&clause);
    match clause.as_rule() {
        Rule::when_clause if when.is_some() => Err(repeated("when", cspan)),
        Rule::done_clause if done.is_some() => Err(repeated("done", cspan)),
        Rule::when_clause => {
            *when = Some(expr(next(&mut inner(clause), cspan, "condition")?)?);
            Ok(())
        }
        Rule::done_clause => {
            *done = Some(ident(next(&mut inner(clause), cspan, "done fact")?));
            Ok(())
        }
        _ => Err(shape("when or done clause", cspan)),
    }
}

fn override_decl(pair: Pair<'_, Rule>) -> Result<Item> {
    let at = span(&pair);
    let keyword = Span::new(at.start, at.start + "override".len());
    let decl = next(&mut inner(pair), at, "overridden declaration")?;
    Ok(match decl.as_rule() {
        Rule::rule_decl => Item::Rule(rule_decl(decl, Some(keyword))?),
        Rule::decision_decl => Item::Decision(decision_decl(decl, Some(keyword))?),
        Rule::duty_decl => Item::Duty(duty_decl(decl, Some(keyword))?),
        _ => return Err(shape("overridden declaration", at)),
    })
}

fn ident(pair: Pair<'_, Rule>) -> Ident {
    Spanned::new(pair.as_str().to_string(), span(&pair))
}

fn string(pair: Pair<'_, Rule>) -> String {
    let raw = pair.into_inner().next().map_or("", |p| p.as_str());
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn date(pair: &Pair<'_, Rule>) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d").map_err(|_| {
        Problem::error(
            "cspr::bad_date",
            format!("`{}` is not a real date", pair.as_str()),
        )
        .label(span(pair), "no such day")
        .help("write dates as YYYY-MM-DD")
    })
}

fn datetime(pair: &Pair<'_, Rule>) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(pair.as_str(), "%Y-%m-%dT%H:%M").map_err(|_| {
        Problem::error(
            "cspr::bad_date",
            format!("`{}` is not a real date-time", pair.as_str()),
        )
        .label(span(pair), "no such moment")
        .help("write date-times as YYYY-MM-DDTHH:MM")
    })
}

fn expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let at = span(&pair);
    match pair.as_rule() {
        Rule::expr => expr(next(&mut inner(pair), at, "expression")?),
        Rule::or_expr => nary(pair, ExprKind::Or),
        Rule::and_expr => nary(pair, ExprKind::And),
        Rule::not_expr => {
            let mut parts: Vec<Pair<'_, Rule>> = inner(pair).collect();
            let operand = parts.pop().ok_or_else(|| shape("empty `not`", at))?;
            let mut e = expr(operand)?;
            for not in parts.iter().rev() {
                let span = span(not).to(e.span);
                e = Expr {
                    kind: ExprKind::Not(Box::new(e)),
                    span,
                };
            }
            Ok(e)
        }
        Rule::cmp_expr => {
            let mut parts = inner(pair);
            let left = expr(next(&mut parts, at, "operand")?)?;
            match parts.next() {
                None => Ok(left),
                Some(op) if op.as_rule() == Rule::cmp_op => {
                    let op = match op.as_str() {
                        "=" => CmpOp::Eq,
                        "!=" => CmpOp::Ne,
                        "<" => CmpOp::Lt,
                        "<=" => CmpOp::Le,
                        ">" => CmpOp::Gt,
                        ">=" => CmpOp::Ge,
                        _ => return Err(shape("comparison", span(&op))),
                    };
                    let right = expr(next(&mut parts, at, "right operand")?)?;
                    Ok(Expr {
                        kind: ExprKind::Cmp(op, Box::new(left), Box::new(right)),
                        span: at,
                    })
                }
                Some(right) => {
                    let right = expr(right)?;
                    Ok(Expr {
                        kind: ExprKind::In(Box::new(left), Box::new(right)),
                        span: at,
                    })
                }
            }
        }
        Rule::set_lit => Ok(Expr {
            kind: ExprKind::SetLit(inner(pair).map(ident).collect()),
            span: at,
        }),
        Rule::ident => Ok(Expr {
            kind: ExprKind::Name(pair.as_str().to_string()),
            span: at,
        }),
        Rule::boolean => Ok(Expr {
            kind: ExprKind::Bool(pair.as_str() == "true"),
            span: at,
        }),
        Rule::string => Ok(Expr {
            kind: ExprKind::Text(string(pair)),
            span: at,
        }),
        Rule::date => Ok(Expr {
            kind: ExprKind::Date(date(&pair)?),
            span: at,
        }),
        Rule::datetime => Ok(Expr {
            kind: ExprKind::DateTime(datetime(&pair)?),
            span: at,
        }),
        Rule::integer => {
            let n = pair.as_str().parse().map_err(|_| {
                Problem::error(
                    "cspr::syntax",
                    format!("`{}` is too large a number", pair.as_str()),
                )
                .label(at, "out of range")
                .help("whole numbers must lie within ±9223372036854775807")
            })?;
            Ok(Expr {
                kind: ExprKind::Int(n),
                span: at,
            })
        }
        _ => Err(shape("expression", at)),
    }
}

fn nary(pair: Pair<'_, Rule>, make: fn(Vec<Expr>) -> ExprKind) -> Result<Expr> {
    let at = span(&pair);
    let mut items: Vec<Expr> = inner(pair).map(expr).collect::<Result<_>>()?;
    if items.len() == 1 {
        return items.pop().ok_or_else(|| shape("empty expression", at));
    }
    Ok(Expr {
        kind: make(items),
        span: at,
    })
}

// ----------------------------------------------------------------------------------
//  Scenario files
// ----------------------------------------------------------------------------------

pub(super) fn parse_scenarios(source: &Source) -> std::result::Result<Vec<Scenario>, Vec<Problem>> {
    check_nesting(&source.text).map_err(|p| vec![p.in_source(source)])?;
    match PolicyParser::parse(Rule::scenario_file, &source.text) {
        Ok(mut pairs) => {
            let Some(file) = pairs.next() else {
                return Ok(Vec::new());
            };
            inner(file)
                .filter(|p| p.as_rule() == Rule::scenario)
                .map(scenario)
                .collect::<Result<Vec<_>>>()
                .map_err(|p| vec![p.in_source(source)])
        }
        Err(first) => Err(recover_parts(
            source,
            first,
            &["scenario"],
            None,
            Rule::lone_scenario,
        )),
    }
}

fn scenario(pair: Pair<'_, Rule>) -> Result<Scenario> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let name_pair = next(&mut parts, at, "scenario name")?;
    let name = Spanned::new(string(name_pair.clone()), span(&name_pair));
    let target = ident(next(&mut parts, at, "procedure")?);
    let mut out = Scenario {
        name,
        target,
        as_of: None,
        given: Vec::new(),
        expects: Vec::new(),
        span: at,
    };
    for clause in parts {
        let cspan = span(&clause);
        match clause.as_rule() {
            Rule::as_of => {
                if out.as_of.is_some() {
                    return Err(repeated("as of", cspan));
                }
                let d = next(&mut inner(clause), cspan, "date")?;
                out.as_of = Some(Spanned::new(date(&d)?, span(&d)));
            }
            Rule::given => {
                for a in inner(clause) {
                    let aspan = span(&a);
                    let mut it = inner(a);
                    let name = ident(next(&mut it, aspan, "fact")?);
                    let value = expr(next(&mut it, aspan, "value")?)?;
                    out.given.push((name, value));
                }
            }
            Rule::expect => {
                let mut it = inner(clause);
                let e = next(&mut it, cspan, "expectation")?;
                let under = match it.next() {
                    Some(u) => {
                        let uspan = span(&u);
                        Some(ident(next(&mut inner(u), uspan, "edition")?))
                    }
                    None => None,
                };
                out.expects.push(Expectation {
                    kind: expectation(e)?,
                    under,
                    span: cspan,
                });
            }
            _ => return Err(shape("scenario clause", cspan)),
        }
    }
    Ok(out)
}

fn expectation(pair: Pair<'_, Rule>) -> Result<ExpectKind> {
    let at = span(&pair);
    let rule = pair.as_rule();
    let mut it = inner(pair);
    if rule == Rule::expect_missing {
        let set = next(&mut it, at, "set")?;
        return Ok(ExpectKind::Missing(inner(set).map(ident).collect()));
    }
    let name = ident(next(&mut it, at, "name")?);
    Ok(match rule {
        Rule::expect_undetermined => {
            ExpectKind::Undetermined(name, it.next().map(|set| inner(set).map(ident).collect()))
        }
        Rule::expect_applies => ExpectKind::Applies(name, true),
        Rule::expect_not_applies => ExpectKind::Applies(name, false),
        Rule::expect_due => ExpectKind::Due(name, expr(next(&mut it, at, "date")?)?),
        Rule::expect_status => ExpectKind::Status(name, ident(next(&mut it, at, "status")?)),
        Rule::expect_value => ExpectKind::Value(name, expr(next(&mut it, at, "value")?)?),
        _ => return Err(shape("expectation", at)),
    })
}
