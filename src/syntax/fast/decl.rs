//! The header and the declarations (duties and timelines in `duty.rs`), rule by rule as
//! `grammar/policy.pest` has them.

use chrono::NaiveDate;

use super::{Cursor, is_ident_char};
use crate::span::{Span, Spanned};
use crate::syntax::ast::*;

impl<'t> Cursor<'t> {
    /// `file = { SOI ~ header ~ item* ~ EOI }`
    pub(super) fn file(&mut self) -> Option<Module> {
        self.skip();
        let mut module = self.header()?;
        loop {
            self.skip();
            if self.pos == self.text.len() {
                return Some(module);
            }
            self.nots = 0;
            module.items.push(self.item()?);
        }
    }

    /// `header = { module_kind ~ ident ~ string ~ header_clause* }`
    fn header(&mut self) -> Option<Module> {
        let kind = if self.keyword("guidance").is_some() {
            ModuleKind::Guidance
        } else {
            self.keyword("procedure")?;
            ModuleKind::Procedure
        };
        self.skip();
        let id = self.ident()?;
        self.skip();
        let title = self.string()?;
        let mut module = Module {
            kind,
            id,
            title,
            version: None,
            extends: None,
            calendar: None,
            items: Vec::new(),
        };
        let clause = |c: &Cursor<'_>| ["version", "extends", "calendar"].contains(&c.word());
        self.star(clause, |c| {
            match c.word() {
                "version" if module.version.is_none() => {
                    c.keyword("version")?;
                    c.skip();
                    let start = c.pos;
                    let date = c.date()?;
                    module.version = Some(Spanned::new(date, Span::new(start, c.pos)));
                }
                "extends" if module.extends.is_none() => {
                    c.keyword("extends")?;
                    c.skip();
                    module.extends = Some(c.ident()?);
                }
                "calendar" if module.calendar.is_none() => {
                    c.keyword("calendar")?;
                    c.skip();
                    module.calendar = Some(c.ident()?);
                }
                _ => return None,
            }
            Some(())
        })?;
        Some(module)
    }

    /// `X ~ Y*` after `X`: pest skips before the first `Y` for good, and before each
    /// later one only if it is there. `starts` tells whether a `Y` begins at the cursor;
    /// one that begins but fails gives up.
    pub(super) fn star(
        &mut self,
        starts: impl Fn(&Self) -> bool,
        mut each: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.skip();
        if !starts(self) {
            return Some(());
        }
        loop {
            each(self)?;
            if !self.skip_if(&starts) {
                return Some(());
            }
        }
    }

    /// `item = _{ source_decl | fact_decl | rule_decl | decision_decl | duty_decl | timeline_decl | override_decl }`
    fn item(&mut self) -> Option<Item> {
        Some(match self.word() {
            "source" => Item::Source(self.source_decl()?),
            "fact" => Item::Fact(self.fact_decl()?),
            "rule" => Item::Rule(self.rule_decl(None)?),
            "decision" => Item::Decision(self.decision_decl(None)?),
            "duty" => Item::Duty(self.duty_decl(None)?),
            "timeline" => Item::Timeline(self.timeline_decl()?),
            "override" => {
                let keyword = self.keyword("override")?;
                self.skip();
                match self.word() {
                    "rule" => Item::Rule(self.rule_decl(Some(keyword))?),
                    "decision" => Item::Decision(self.decision_decl(Some(keyword))?),
                    "duty" => Item::Duty(self.duty_decl(Some(keyword))?),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }

    /// `source_decl = { kw_source ~ ident ~ "=" ~ string }`
    fn source_decl(&mut self) -> Option<SourceDecl> {
        let start = self.pos;
        self.keyword("source")?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        self.punct("=")?;
        self.skip();
        let title = self.string()?;
        Some(SourceDecl {
            name,
            title,
            span: self.span(start),
        })
    }

    /// `fact_decl = { kw_fact ~ ident ~ ":" ~ fact_type ~ ask? }`
    fn fact_decl(&mut self) -> Option<FactDecl> {
        let start = self.pos;
        self.keyword("fact")?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        self.punct(":")?;
        self.skip();
        let ty = self.fact_type()?;
        self.skip();
        let ask = if self.keyword("ask").is_some() {
            self.skip();
            Some(self.string()?)
        } else {
            None
        };
        Some(FactDecl {
            name,
            ty,
            ask,
            span: self.span(start),
        })
    }

    /// `fact_type = _{ set_type | enum_type | prim_type }`
    fn fact_type(&mut self) -> Option<TypeExpr> {
        if self.keyword("set").is_some() {
            self.skip();
            self.keyword("of")?;
            self.skip();
            let mut values = vec![self.ident()?];
            self.skip();
            if self.at("|") {
                self.bars(&mut values)?;
            }
            return Some(TypeExpr::Set(values));
        }
        let save = self.pos;
        if let Some(first) = self.ident() {
            self.skip();
            if self.at("|") {
                let mut values = vec![first];
                self.bars(&mut values)?;
                return Some(TypeExpr::Enum(values));
            }
            self.pos = save;
        }
        // prim_type = @{ ("bool" | "integer" | "date-time" | "datetime" | "date" | "text") ~ !ident_char }
        if self.at("date-time") {
            self.pos += "date-time".len();
            let next = self.text.as_bytes().get(self.pos);
            return (!next.is_some_and(|&b| is_ident_char(b))).then_some(TypeExpr::DateTime);
        }
        let ty = match self.word() {
            "bool" => TypeExpr::Bool,
            "integer" => TypeExpr::Integer,
            "datetime" => TypeExpr::DateTime,
            "date" => TypeExpr::Date,
            "text" => TypeExpr::Text,
            _ => return None,
        };
        self.pos += self.word().len();
        Some(ty)
    }

    /// `("|" ~ ident)+` from a `|` at the cursor.
    fn bars(&mut self, values: &mut Vec<Ident>) -> Option<()> {
        loop {
            self.punct("|")?;
            self.skip();
            values.push(self.ident()?);
            if !self.skip_if(|c| c.at("|")) {
                return Some(());
            }
        }
    }

    /// `ident ~ citation? ~ ":"`, the head rules, decisions, timelines and duties share,
    /// and the space after it.
    pub(super) fn cited_name(&mut self) -> Option<(Ident, Option<Citation>)> {
        let name = self.ident()?;
        let cite = self.opt_citation()?;
        self.skip();
        self.punct(":")?;
        self.skip();
        Some((name, cite))
    }

    /// `citation?` after the `~` before it.
    pub(super) fn opt_citation(&mut self) -> Option<Option<Citation>> {
        self.skip();
        if !self.at_word("cite") {
            return Some(None);
        }
        // citation = { kw_cite ~ ident ~ string }
        let start = self.pos;
        self.keyword("cite")?;
        self.skip();
        let source = self.ident()?;
        self.skip();
        let locator = self.string()?;
        Some(Some(Citation {
            source,
            locator,
            span: self.span(start),
        }))
    }

    /// `rule_decl = { kw_rule ~ ident ~ citation? ~ ":" ~ (default_body | expr) }`
    fn rule_decl(&mut self, overrides: Option<Span>) -> Option<RuleDecl> {
        let start = self.pos;
        self.keyword("rule")?;
        self.skip();
        let (name, cite) = self.cited_name()?;
        let body = if self.keyword("default").is_some() {
            // default_body = { kw_default ~ expr ~ exception* }
            self.skip();
            let default = self.expr()?;
            let mut exceptions = Vec::new();
            self.star(
                |c| c.at_word("exception"),
                |c| {
                    exceptions.push(c.exception()?);
                    Some(())
                },
            )?;
            RuleBody::Default {
                default,
                exceptions,
            }
        } else {
            RuleBody::Expr(self.expr()?)
        };
        Some(RuleDecl {
            name,
            cite,
            body,
            overrides,
            span: self.span(start),
        })
    }

    /// `exception = { kw_exception ~ citation? ~ ":" ~ expr ~ kw_when ~ expr }`
    fn exception(&mut self) -> Option<Exception> {
        let start = self.pos;
        self.keyword("exception")?;
        let cite = self.opt_citation()?;
        self.skip();
        self.punct(":")?;
        self.skip();
        let value = self.expr()?;
        self.skip();
        self.keyword("when")?;
        self.skip();
        let when = self.expr()?;
        Some(Exception {
            cite,
            value,
            when,
            span: self.span(start),
        })
    }

    /// `decision_decl = { kw_decision ~ ident ~ citation? ~ ":" ~ (otherwise | branch)+ }`
    fn decision_decl(&mut self, overrides: Option<Span>) -> Option<DecisionDecl> {
        let start = self.pos;
        self.keyword("decision")?;
        self.skip();
        let (name, cite) = self.cited_name()?;
        let mut branches = vec![self.branch()?];
        while self.skip_if(|c| c.at_word("otherwise") || c.at_ident()) {
            branches.push(self.branch()?);
        }
        Some(DecisionDecl {
            name,
            cite,
            branches,
            overrides,
            span: self.span(start),
        })
    }

    /// `otherwise = { kw_otherwise ~ ident ~ citation? }`,
    /// `branch = { ident ~ kw_when ~ expr ~ citation? }`
    fn branch(&mut self) -> Option<Branch> {
        let start = self.pos;
        let (value, when) = if self.keyword("otherwise").is_some() {
            self.skip();
            (self.ident()?, None)
        } else {
            let value = self.ident()?;
            self.skip();
            self.keyword("when")?;
            self.skip();
            (value, Some(self.expr()?))
        };
        let cite = self.opt_citation()?;
        Some(Branch {
            value,
            when,
            cite,
            span: self.span(start),
        })
    }

    /// `date = @{ ASCII_DIGIT{4} ~ "-" ~ ASCII_DIGIT{2} ~ "-" ~ ASCII_DIGIT{2} ~ !(ident_char | "T") }`,
    /// as a real date.
    pub(super) fn date(&mut self) -> Option<NaiveDate> {
        let text = self.date_token()?;
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        self.pos += text.len();
        Some(date)
    }

    /// The text of a date at the cursor, if one is there.
    pub(super) fn date_token(&self) -> Option<&'t str> {
        let text = self.text;
        let end = self.pos + 10;
        (self.date_shape() && !text.as_bytes().get(end).is_some_and(|&c| is_ident_char(c)))
            .then(|| &text[self.pos..end])
    }

    /// Whether `YYYY-MM-DD` (digits and hyphens) starts at the cursor.
    pub(super) fn date_shape(&self) -> bool {
        let b = &self.text.as_bytes()[self.pos..];
        b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[5..7].iter().all(u8::is_ascii_digit)
            && b[7] == b'-'
            && b[8..10].iter().all(u8::is_ascii_digit)
    }
}
