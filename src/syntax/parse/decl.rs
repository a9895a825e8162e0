//! Converters for the header and the declarations: sources, facts, citations, rules
//! and their exceptions, decisions and their branches, overrides.

use super::*;

pub(super) fn module(file: Pair<'_, Rule>) -> Result<Module> {
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

pub(super) fn header(pair: Pair<'_, Rule>) -> Result<Module> {
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

pub(super) fn item(pair: Pair<'_, Rule>) -> Result<Item> {
    Ok(match pair.as_rule() {
        Rule::source_decl => Item::Source(source_decl(pair)?),
        Rule::actor_decl => Item::Actor(actor_decl(pair)?),
        Rule::fact_decl => Item::Fact(fact_decl(pair)?),
        Rule::rule_decl => Item::Rule(rule_decl(pair, None)?),
        Rule::decision_decl => Item::Decision(decision_decl(pair, None)?),
        Rule::duty_decl => Item::Duty(duty_decl(pair, None)?),
        Rule::timeline_decl => timeline_decl(pair)?,
        Rule::override_decl => override_decl(pair)?,
        Rule::not_encoded_decl => Item::NotEncoded(not_encoded_decl(pair)?),
        _ => return Err(shape("declaration", span(&pair))),
    })
}

pub(super) fn source_decl(pair: Pair<'_, Rule>) -> Result<SourceDecl> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let name = ident(next(&mut parts, at, "source name")?);
    let title = string(next(&mut parts, at, "source title")?);
    let (mut file, mut sha256) = (None, None);
    if let Some(clause) = parts.next() {
        let mut strings = inner(clause).filter(|p| p.as_rule() == Rule::string);
        file = strings.next().map(spanned_string);
        sha256 = strings.next().map(spanned_string);
    }
    Ok(SourceDecl {
        name,
        title,
        file,
        sha256,
        span: at,
    })
}

/// `actor name "Title"`
pub(super) fn actor_decl(pair: Pair<'_, Rule>) -> Result<ActorDecl> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let name = ident(next(&mut parts, at, "actor name")?);
    let title = spanned_string(next(&mut parts, at, "actor title")?);
    Ok(ActorDecl {
        name,
        title,
        span: at,
    })
}

/// An optional `label "…"`, consumed only if it is next.
pub(super) fn opt_label<'i>(
    parts: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
) -> Option<Spanned<String>> {
    let pair = parts.next_if(|p| p.as_rule() == Rule::label)?;
    inner(pair).next().map(spanned_string)
}

pub(super) fn spanned_string(pair: Pair<'_, Rule>) -> Spanned<String> {
    let at = span(&pair);
    Spanned::new(string(pair), at)
}

fn quote(pair: Pair<'_, Rule>) -> Quote {
    let at = span(&pair);
    Quote {
        parts: inner(pair)
            .filter(|p| p.as_rule() == Rule::string)
            .map(spanned_string)
            .collect(),
        span: at,
    }
}

fn reading(pair: Pair<'_, Rule>) -> Result<Reading> {
    let at = span(&pair);
    let mut parts =
        inner(pair).filter(|p| !matches!(p.as_rule(), Rule::pw_reading | Rule::pw_from));
    let text = spanned_string(next(&mut parts, at, "reading")?);
    let from = ident(next(&mut parts, at, "reading source")?);
    let locator = spanned_string(next(&mut parts, at, "reading locator")?);
    let quote = quote(next(&mut parts, at, "reading quote")?);
    Ok(Reading {
        text,
        from,
        locator,
        quote,
        span: at,
    })
}

pub(super) fn not_encoded_decl(pair: Pair<'_, Rule>) -> Result<NotEncodedDecl> {
    let at = span(&pair);
    let mut parts =
        inner(pair).filter(|p| !matches!(p.as_rule(), Rule::pw_encoded | Rule::pw_because));
    let source = ident(next(&mut parts, at, "source")?);
    let locator = string(next(&mut parts, at, "locator")?);
    let q = quote(next(&mut parts, at, "quote")?);
    let because = spanned_string(next(&mut parts, at, "reason")?);
    Ok(NotEncodedDecl {
        cite: Citation {
            span: source.span.to(q.span),
            source,
            locator,
            quote: Some(q),
            reading: None,
        },
        because,
        span: at,
    })
}

pub(super) fn fact_decl(pair: Pair<'_, Rule>) -> Result<FactDecl> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let name = ident(next(&mut parts, at, "fact name")?);
    let label = opt_label(&mut parts);
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
        label,
        ty,
        ask,
        span: at,
    })
}

pub(super) fn citation(pair: Pair<'_, Rule>) -> Result<Citation> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let source = ident(next(&mut parts, at, "citation source")?);
    let locator = string(next(&mut parts, at, "citation locator")?);
    let (mut q, mut r) = (None, None);
    if let Some(more) = parts.next() {
        match more.as_rule() {
            Rule::quote => q = Some(quote(more)),
            Rule::reading => r = Some(Box::new(reading(more)?)),
            _ => return Err(shape("quote or reading", span(&more))),
        }
    }
    Ok(Citation {
        source,
        locator,
        quote: q,
        reading: r,
        span: at,
    })
}

/// An optional citation, consumed only if it is next.
pub(super) fn opt_citation<'i>(
    parts: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
) -> Result<Option<Citation>> {
    match parts.next_if(|p| p.as_rule() == Rule::citation) {
        Some(p) => citation(p).map(Some),
        None => Ok(None),
    }
}

pub(super) fn rule_decl(pair: Pair<'_, Rule>, overrides: Option<Span>) -> Result<RuleDecl> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let name = ident(next(&mut parts, at, "rule name")?);
    let label = opt_label(&mut parts);
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
        label,
        cite,
        body,
        overrides,
        span: at,
    })
}

pub(super) fn exception(pair: Pair<'_, Rule>) -> Result<Exception> {
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

pub(super) fn decision_decl(pair: Pair<'_, Rule>, overrides: Option<Span>) -> Result<DecisionDecl> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let name = ident(next(&mut parts, at, "decision name")?);
    let label = opt_label(&mut parts);
    let cite = opt_citation(&mut parts)?;
    let branches = parts.map(branch).collect::<Result<_>>()?;
    Ok(DecisionDecl {
        name,
        label,
        cite,
        branches,
        overrides,
        span: at,
    })
}

pub(super) fn branch(pair: Pair<'_, Rule>) -> Result<Branch> {
    let at = span(&pair);
    if pair.as_rule() == Rule::by_branch {
        let mut parts = inner(pair).peekable();
        let fact = ident(next(&mut parts, at, "deciding fact")?);
        let mut unless = Vec::new();
        while let Some(p) = parts.next_if(|p| p.as_rule() == Rule::ident) {
            unless.push(ident(p));
        }
        let cite = opt_citation(&mut parts)?;
        return Ok(Branch {
            value: fact.clone(),
            when: None,
            cite,
            span: at,
            by: Some(By { fact, unless }),
        });
    }
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
        by: None,
    })
}

pub(super) fn override_decl(pair: Pair<'_, Rule>) -> Result<Item> {
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
