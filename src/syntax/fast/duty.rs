//! Duties, deadlines, anchors and timelines, rule by rule as `grammar/policy.pest` has them.

use super::{Cursor, is_ident_char};
use crate::span::{Span, Spanned};
use crate::syntax::ast::*;

/// The words a duty's clauses start with.
const CLAUSES: [&str; 5] = ["when", "within", "at", "for", "done"];

impl Cursor<'_> {
    /// `duty_decl = { kw_duty ~ ident ~ citation? ~ ":" ~ ident ~ modality ~ string ~ duty_clause* }`
    pub(super) fn duty_decl(&mut self, overrides: Option<Span>) -> Option<DutyDecl> {
        let start = self.pos;
        self.keyword("duty")?;
        self.skip();
        let (name, cite, actor, modality, action) = self.duty_head()?;
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
            span: Span::default(),
        };
        self.star(
            |c| CLAUSES.contains(&c.word()),
            |c| match c.word() {
                "when" | "done" => c.when_or_done(&mut duty.when, &mut duty.done),
                _ if duty.deadline.is_some() => None,
                _ => {
                    duty.deadline = Some(c.deadline()?);
                    Some(())
                }
            },
        )?;
        duty.span = self.span(start);
        Some(duty)
    }

    /// What a duty and a step share: `ident ~ citation? ~ ":" ~ ident ~ modality ~ string`.
    fn duty_head(&mut self) -> Option<(Ident, Option<Citation>, Ident, Modality, String)> {
        let (name, cite) = self.cited_name()?;
        let actor = self.ident()?;
        self.skip();
        let modality = match self.word() {
            "must" => Modality::Must,
            "should" => Modality::Should,
            "may" => Modality::May,
            _ => return None,
        };
        self.pos += self.word().len();
        self.skip();
        let action = self.string()?;
        Some((name, cite, actor, modality, action))
    }

    /// `when_clause = { kw_when ~ expr }` or `done_clause = { kw_done ~ ident }`, each once.
    fn when_or_done(&mut self, when: &mut Option<Expr>, done: &mut Option<Ident>) -> Option<()> {
        if self.keyword("when").is_some() {
            if when.is_some() {
                return None;
            }
            self.skip();
            *when = Some(self.expr()?);
        } else {
            self.keyword("done")?;
            if done.is_some() {
                return None;
            }
            self.skip();
            *done = Some(self.ident()?);
        }
        Some(())
    }

    /// `within_clause`, `before_clause` or `for_clause`.
    fn deadline(&mut self) -> Option<Deadline> {
        let start = self.pos;
        let kind = if self.keyword("within").is_some() {
            DeadlineKind::Within
        } else if self.keyword("at").is_some() {
            self.skip();
            self.keyword("least")?;
            DeadlineKind::AtLeastBefore
        } else {
            self.keyword("for")?;
            self.skip();
            self.keyword("at")?;
            self.skip();
            self.keyword("least")?;
            DeadlineKind::ForAtLeast
        };
        self.skip();
        // duration = { integer ~ time_unit }
        let amount_start = self.pos;
        let amount: u32 = self.integer()?.parse().ok()?;
        let amount = Spanned::new(amount, Span::new(amount_start, self.pos));
        self.skip();
        let unit = if self.keyword("working").is_some() {
            self.skip();
            match self.word() {
                "day" | "days" => TimeUnit::WorkingDays,
                _ => return None,
            }
        } else {
            match self.word() {
                "day" | "days" => TimeUnit::Days,
                "week" | "weeks" => TimeUnit::Weeks,
                "hour" | "hours" => TimeUnit::Hours,
                "month" | "months" => TimeUnit::Months,
                _ => return None,
            }
        };
        self.pos += self.word().len();
        self.skip();
        let word = if kind == DeadlineKind::AtLeastBefore {
            "before"
        } else {
            "after"
        };
        self.keyword(word)?;
        self.skip();
        let (anchor, choices) = self.anchor()?;
        Some(Deadline {
            kind,
            amount,
            unit,
            anchor,
            choices,
            span: self.span(start),
        })
    }

    /// `anchor = _{ anchor_choice | ident }`,
    /// `anchor_choice = { "(" ~ (ident ~ kw_if ~ expr ~ kw_else)+ ~ ident ~ ")" }`
    fn anchor(&mut self) -> Option<(Ident, Vec<(Ident, Expr)>)> {
        if !self.at("(") {
            return Some((self.ident()?, Vec::new()));
        }
        self.open()?;
        let mut choices = Vec::new();
        loop {
            self.skip();
            let save = self.pos;
            let name = self.ident()?;
            self.skip();
            if self.keyword("if").is_none() {
                if choices.is_empty() {
                    return None;
                }
                self.pos = save;
                break;
            }
            self.skip();
            let condition = self.expr()?;
            self.skip();
            self.keyword("else")?;
            choices.push((name, condition));
        }
        let last = self.ident()?;
        self.skip();
        self.close()?;
        Some((last, choices))
    }

    /// `timeline_decl = { kw_timeline ~ ident ~ citation? ~ ":" ~ kw_starts ~ anchor ~ when_clause? ~ step+ }`
    pub(super) fn timeline_decl(&mut self) -> Option<TimelineDecl> {
        let start = self.pos;
        self.keyword("timeline")?;
        self.skip();
        let (name, cite) = self.cited_name()?;
        self.keyword("starts")?;
        self.skip();
        let (start_event, choices) = self.anchor()?;
        self.skip();
        let when = if self.keyword("when").is_some() {
            self.skip();
            Some(self.expr()?)
        } else {
            None
        };
        self.skip();
        let mut steps = vec![self.step()?];
        while self.skip_if(|c| c.at_word("step")) {
            steps.push(self.step()?);
        }
        Some(TimelineDecl {
            name,
            cite,
            start: start_event,
            choices,
            when,
            steps,
            span: self.span(start),
        })
    }

    /// `step = { kw_step ~ step_days ~ ident ~ citation? ~ ":" ~ ident ~ modality ~ string ~ (when_clause | done_clause)* }`
    fn step(&mut self) -> Option<Step> {
        let start = self.pos;
        self.keyword("step")?;
        self.skip();
        let days = self.step_days()?;
        self.skip();
        let (name, cite, actor, modality, action) = self.duty_head()?;
        let (mut when, mut done) = (None, None);
        self.star(
            |c| c.at_word("when") || c.at_word("done"),
            |c| c.when_or_done(&mut when, &mut done),
        )?;
        Some(Step {
            days,
            name,
            cite,
            actor,
            modality,
            action,
            when,
            done,
            span: self.span(start),
        })
    }

    /// `step_days = { (kw_days ~ day_range) | (kw_day ~ day_number) }`
    fn step_days(&mut self) -> Option<StepDays> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let (first, last) = if self.keyword("days").is_some() {
            // day_range = @{ ASCII_DIGIT+ ~ ("-" | "–") ~ ASCII_DIGIT+ }
            self.skip();
            let n = self.digits(self.pos);
            let first = &self.text[self.pos..self.pos + n];
            self.pos += n;
            if self.punct("-").is_none() {
                self.punct("–")?;
            }
            let m = self.digits(self.pos);
            let last = &self.text[self.pos..self.pos + m];
            self.pos += m;
            if n == 0 || m == 0 {
                return None;
            }
            (Some(first.parse().ok()?), last.parse().ok()?)
        } else {
            // day_number = @{ ASCII_DIGIT+ ~ !ident_char }
            self.keyword("day")?;
            self.skip();
            let n = self.digits(self.pos);
            let number = &self.text[self.pos..self.pos + n];
            self.pos += n;
            if n == 0 || bytes.get(self.pos).is_some_and(|&b| is_ident_char(b)) {
                return None;
            }
            (None, number.parse().ok()?)
        };
        Some(StepDays {
            first,
            last,
            span: self.span(start),
        })
    }
}
