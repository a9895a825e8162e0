//! Converters for names, strings, dates and expressions.

use super::*;

pub(super) fn ident(pair: Pair<'_, Rule>) -> Ident {
    Spanned::new(pair.as_str().to_string(), span(&pair))
}

pub(super) fn string(pair: Pair<'_, Rule>) -> String {
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

pub(super) fn expr(pair: Pair<'_, Rule>) -> Result<Expr> {
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

pub(super) fn nary(pair: Pair<'_, Rule>, make: fn(Vec<Expr>) -> ExprKind) -> Result<Expr> {
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
