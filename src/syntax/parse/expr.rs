//! Converters for names, strings, dates and expressions, one per grammar rule.

use super::*;

/// `ident`: the name, with its span (an atomic rule, so no trailing whitespace).
pub(super) fn ident(pair: Pair<'_, Rule>) -> Ident {
    let span = pair.as_span();
    Spanned::new(
        span.as_str().to_string(),
        Span::new(span.start(), span.end()),
    )
}

/// `string`: the text between the quotes, its escapes (`\"`, `\\`, `\n`) undone.
pub(super) fn string(pair: Pair<'_, Rule>) -> String {
    // `string_inner` is the only child (`string` is compound-atomic).
    let raw = pair.into_inner().next().map_or("", |p| p.as_str());
    let Some(first) = raw.find('\\') else {
        return raw.to_string();
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(&raw[..first]);
    let mut chars = raw[first..].chars();
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

/// `date`: a day that exists.
pub(super) fn date(pair: &Pair<'_, Rule>) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d").map_err(|_| {
        Problem::error(
            "cspr::bad_date",
            format!("`{}` is not a real date", pair.as_str()),
        )
        .label(span(pair), "no such day")
        .help("write dates as YYYY-MM-DD")
    })
}

/// `datetime`: a moment that exists.
pub(super) fn datetime(pair: &Pair<'_, Rule>) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(pair.as_str(), "%Y-%m-%dT%H:%M").map_err(|_| {
        Problem::error(
            "cspr::bad_date",
            format!("`{}` is not a real date-time", pair.as_str()),
        )
        .label(span(pair), "no such moment")
        .help("write date-times as YYYY-MM-DDTHH:MM")
    })
}

/// `integer`: a whole number that fits.
pub(super) fn integer(pair: &Pair<'_, Rule>) -> Result<i64> {
    pair.as_str().parse().map_err(|_| {
        Problem::error(
            "cspr::syntax",
            format!("`{}` is too large a number", pair.as_str()),
        )
        .label(span(pair), "out of range")
        .help("whole numbers must lie within ±9223372036854775807")
    })
}

/// Any pair that stands for an expression: `or_expr` (what the silent `expr` is), one of
/// its levels, an operand or a value (`lone_value`, scenarios' `given_value`).
pub(super) fn expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let at = span(&pair);
    let kind = match pair.as_rule() {
        Rule::or_expr => return nary(pair, ExprKind::Or),
        Rule::and_expr => return nary(pair, ExprKind::And),
        Rule::not_expr => return not_expr(pair),
        Rule::cmp_expr => return cmp_expr(pair),
        Rule::set_lit => ExprKind::SetLit(set_lit(pair)),
        Rule::ident => ExprKind::Name(pair.as_str().to_string()),
        Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
        Rule::string => ExprKind::Text(string(pair)),
        Rule::date => ExprKind::Date(date(&pair)?),
        Rule::datetime => ExprKind::DateTime(datetime(&pair)?),
        Rule::integer => ExprKind::Int(integer(&pair)?),
        _ => return Err(shape("expression", at)),
    };
    Ok(Expr { kind, span: at })
}

/// `or_expr` and `and_expr`: one operand is itself, more are the n-ary node.
pub(super) fn nary(pair: Pair<'_, Rule>, make: fn(Vec<Expr>) -> ExprKind) -> Result<Expr> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let first = expr(next(&mut parts, at, "operand")?)?;
    let Some(second) = parts.next() else {
        return Ok(first);
    };
    let mut items = vec![first, expr(second)?];
    for part in parts {
        items.push(expr(part)?);
    }
    Ok(Expr {
        kind: make(items),
        span: at,
    })
}

/// `not_expr`: each `not` (a `kw_not` token) wraps what follows it; the node's span runs
/// from its `not` to the end of its operand.
pub(super) fn not_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let at = span(&pair);
    nots(&mut pair.into_inner(), at)
}

/// The rest of a `not_expr`'s children: a `not` and what follows it, or the operand.
/// (Recursion at most [`MAX_NESTING`] deep: `check_nesting` ran first.)
fn nots<'i>(parts: &mut Pairs<'i, Rule>, at: Span) -> Result<Expr> {
    let part = next(parts, at, "operand of `not`")?;
    if part.as_rule() != Rule::kw_not {
        return expr(part);
    }
    let start = part.as_span().start();
    let e = nots(parts, at)?;
    Ok(Expr {
        span: Span::new(start, e.span.end),
        kind: ExprKind::Not(Box::new(e)),
    })
}

/// `cmp_expr`: an operand alone, or a comparison, or `in` a set or a set-valued fact.
pub(super) fn cmp_expr(pair: Pair<'_, Rule>) -> Result<Expr> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let left = expr(next(&mut parts, at, "operand")?)?;
    let Some(op) = parts.next() else {
        return Ok(left);
    };
    let kind = if op.as_rule() == Rule::cmp_op {
        let op = cmp_op(&op)?;
        let right = expr(next(&mut parts, at, "right operand")?)?;
        ExprKind::Cmp(op, Box::new(left), Box::new(right))
    } else {
        // After `in` (a keyword, skipped): a set literal or an operand.
        ExprKind::In(Box::new(left), Box::new(expr(op)?))
    };
    Ok(Expr { kind, span: at })
}

/// `cmp_op`
pub(super) fn cmp_op(pair: &Pair<'_, Rule>) -> Result<CmpOp> {
    Ok(match pair.as_str() {
        "=" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        _ => return Err(shape("comparison", span(pair))),
    })
}

/// `set_lit`: `{a, b}`, its names in order.
pub(super) fn set_lit(pair: Pair<'_, Rule>) -> Vec<Ident> {
    inner(pair).map(ident).collect()
}
