//! Expressions, loosest binding first (`or`, `and`, `not`, comparison), and literals.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Cursor, MAX_NESTING, is_ident_char};
use crate::span::Span;
use crate::syntax::ast::*;

impl<'t> Cursor<'t> {
    /// `expr = { or_expr }`
    pub(super) fn expr(&mut self) -> Option<Expr> {
        self.nary("or", Self::and_expr, ExprKind::Or)
    }

    /// `and_expr = { not_expr ~ (kw_and ~ not_expr)* }`
    fn and_expr(&mut self) -> Option<Expr> {
        self.nary("and", Self::not_expr, ExprKind::And)
    }

    /// `X ~ (kw_OP ~ X)*`: one operand as it is, more joined under the pair's span.
    fn nary(
        &mut self,
        op: &str,
        operand: fn(&mut Self) -> Option<Expr>,
        make: fn(Vec<Expr>) -> ExprKind,
    ) -> Option<Expr> {
        let start = self.pos;
        let mut items = vec![operand(self)?];
        self.star(
            |c| c.at_word(op),
            |c| {
                c.keyword(op)?;
                c.skip();
                items.push(operand(c)?);
                Some(())
            },
        )?;
        if items.len() == 1 {
            return items.pop();
        }
        Some(Expr {
            kind: make(items),
            span: self.span(start),
        })
    }

    /// `not_expr = { not_op* ~ cmp_expr }`
    fn not_expr(&mut self) -> Option<Expr> {
        let mut nots = Vec::new();
        if let Some(not) = self.keyword("not") {
            nots.push(not);
            while self.skip_if(|c| c.at_word("not")) {
                nots.push(self.keyword("not")?);
            }
            // As deep as `check_nesting` allows (see `fast::module`).
            self.nots += nots.len();
            if self.nots > MAX_NESTING {
                return None;
            }
        }
        self.skip();
        let mut e = self.cmp_expr()?;
        for not in nots.into_iter().rev() {
            let span = not.to(e.span);
            e = Expr {
                kind: ExprKind::Not(Box::new(e)),
                span,
            };
        }
        Some(e)
    }

    /// `cmp_expr = { operand ~ ((cmp_op ~ operand) | (kw_in ~ (set_lit | operand)))? }`
    fn cmp_expr(&mut self) -> Option<Expr> {
        let start = self.pos;
        let left = self.operand()?;
        self.skip();
        let op = [
            ("!=", CmpOp::Ne),
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("=", CmpOp::Eq),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ]
        .into_iter()
        .find(|(s, _)| self.at(s));
        let kind = if let Some((s, op)) = op {
            self.pos += s.len();
            self.skip();
            ExprKind::Cmp(op, Box::new(left), Box::new(self.operand()?))
        } else if self.keyword("in").is_some() {
            self.skip();
            let right = if self.at("{") {
                self.set_lit()?
            } else {
                self.operand()?
            };
            ExprKind::In(Box::new(left), Box::new(right))
        } else {
            return Some(left);
        };
        Some(Expr {
            kind,
            span: self.span(start),
        })
    }

    /// `operand = _{ literal | ident | "(" ~ expr ~ ")" }`,
    /// `literal = _{ datetime | date | integer | string | boolean }`
    fn operand(&mut self) -> Option<Expr> {
        let start = self.pos;
        let kind = match *self.text.as_bytes().get(self.pos)? {
            b'(' => {
                self.open()?;
                self.skip();
                let e = self.expr()?;
                self.skip();
                self.close()?;
                return Some(e);
            }
            b'"' => ExprKind::Text(self.string()?),
            b'0'..=b'9' | b'-' => self.number()?,
            _ => match self.word() {
                "true" | "false" => {
                    let value = self.word() == "true";
                    self.pos += self.word().len();
                    ExprKind::Bool(value)
                }
                _ => ExprKind::Name(self.ident()?.node),
            },
        };
        Some(Expr {
            kind,
            span: Span::new(start, self.pos),
        })
    }

    /// A date-time, a date or an integer, tried in that order.
    fn number(&mut self) -> Option<ExprKind> {
        let bytes = self.text.as_bytes();
        if self.date_shape() {
            // datetime = @{ YYYY-MM-DD ~ "T" ~ ASCII_DIGIT{2} ~ ":" ~ ASCII_DIGIT{2} ~ !ident_char }
            let t = self.pos + 10;
            let time = bytes.get(t..t + 6).is_some_and(|b| {
                b[0] == b'T'
                    && b[1..3].iter().all(u8::is_ascii_digit)
                    && b[3] == b':'
                    && b[4..6].iter().all(u8::is_ascii_digit)
            });
            if time && !bytes.get(t + 6).is_some_and(|&b| is_ident_char(b)) {
                let text = &self.text[self.pos..t + 6];
                let at = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok()?;
                self.pos = t + 6;
                return Some(ExprKind::DateTime(at));
            }
            if let Some(date) = self.date_token() {
                let day = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
                self.pos = t;
                return Some(ExprKind::Date(day));
            }
        }
        Some(ExprKind::Int(self.integer()?.parse().ok()?))
    }

    /// `integer = @{ "-"? ~ ASCII_DIGIT+ ~ !(ident_char | "-") }`: its text, consumed.
    pub(super) fn integer(&mut self) -> Option<&'t str> {
        let bytes = self.text.as_bytes();
        let sign = usize::from(bytes.get(self.pos) == Some(&b'-'));
        let n = self.digits(self.pos + sign);
        let end = self.pos + sign + n;
        if n == 0
            || bytes
                .get(end)
                .is_some_and(|&b| is_ident_char(b) || b == b'-')
        {
            return None;
        }
        let text = &self.text[self.pos..end];
        self.pos = end;
        Some(text)
    }

    /// `set_lit = { "{" ~ (ident ~ ("," ~ ident)* ~ ","?)? ~ "}" }`
    fn set_lit(&mut self) -> Option<Expr> {
        let start = self.pos;
        self.punct("{")?;
        self.skip();
        let mut items = Vec::new();
        if let Some(first) = self.ident() {
            items.push(first);
            loop {
                self.skip();
                if self.punct(",").is_none() {
                    break;
                }
                self.skip();
                match self.ident() {
                    Some(next) => items.push(next),
                    None => break,
                }
            }
        }
        self.skip();
        self.punct("}")?;
        Some(Expr {
            kind: ExprKind::SetLit(items),
            span: self.span(start),
        })
    }
}
