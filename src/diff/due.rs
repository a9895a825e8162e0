//! Due dates compared as functions of their anchor dates.
//!
//! Two deadlines with the same canonical text, in the same calendar, whose choices of
//! anchor read the same and whose anchor duties are due alike, give the same due date for
//! every case: equal by definition. Otherwise the search looks for a case where the duty
//! applies under both versions (every condition on the way holding, every choice of anchor
//! settled), then tries anchor dates — each anchor fact its own date, so a changed anchor
//! shows — starting from days just before a bank holiday, and keeps the first witness whose
//! period crosses one:
//!
//! ```text
//! within 5 working days after la_aware_on    la_aware_on = 2024-03-25 → due 2024-04-03
//! within 10 working days after la_aware_on   la_aware_on = 2024-03-25 → due 2024-04-10
//!                                            (the period crosses Good Friday, 2024-03-29)
//! ```

use chrono::NaiveDate;

use super::canon;
use super::search::{Goal, Mode, Search, Side};
use super::semantic::{Pair, Target, Verdict, What, Witness, same_definition};
use super::space;
use crate::check::{Anchor, DutyId, Expr, Program};
use crate::eval::Evaluation;
use crate::value::Value;

impl Pair<'_> {
    /// Due dates: the same deadline in the same calendar is equal by definition;
    /// otherwise a case where both apply is searched for and anchor dates are tried.
    pub(super) fn due(&self, o: DutyId, n: DutyId) -> Target {
        let name = &self.new.duties[n].name;
        let mut target = Target {
            kind: "due",
            name: name.clone(),
            verdict: Verdict::Equal,
            how: String::new(),
            cone_facts: 0,
            explored: 0,
            pruned: 0,
            witnesses: Vec::new(),
            declared: "both",
            summary: None,
        };
        if self.due_same(o, n, 0) {
            target.how = "same deadline, same calendar".into();
            return target;
        }
        let (mut ro, mut rn) = (Reckoning::default(), Reckoning::default());
        ro.gather(self.old, o, 0);
        rn.gather(self.new, n, 0);
        let (eo, en): (Vec<&Expr>, Vec<&Expr>) = (ro.exprs(), rn.exprs());
        let (co, cn) = (space::cone(self.old, &eo), space::cone(self.new, &en));
        let vars = space::build(
            self.old,
            &space::facts_of(self.old, &eo, &co),
            &space::exprs_of(self.old, &eo, &co),
            self.new,
            &space::facts_of(self.new, &en, &cn),
            &space::exprs_of(self.new, &en, &cn),
        );
        target.cone_facts = vars.len();
        let mut search = Search::new(
            vars,
            Side::new(
                self.old,
                Goal::Ready {
                    conds: ro.conds,
                    choices: ro.choices,
                },
                co,
            ),
            Side::new(
                self.new,
                Goal::Ready {
                    conds: rn.conds,
                    choices: rn.choices,
                },
                cn,
            ),
            self.options.budget,
            Mode::BothReady,
        );
        search.progress = Some(self.progress);
        search.run();
        target.explored = search.explored;
        target.pruned = search.pruned;
        let Some(found) = search.found.first().cloned() else {
            let exact = !search.truncated && search.inexact.is_empty() && search.undecided == 0;
            if exact {
                target.how = "no case where the duty applies in both".into();
            } else {
                target.verdict = Verdict::Unknown;
                target.how = format!(
                    "no case found where the duty applies in both; not exhaustive ({} partial assignments explored)",
                    search.explored
                );
            }
            return target;
        };
        let mut dates: Vec<String> = ro.dates.iter().chain(&rn.dates).cloned().collect();
        dates.sort();
        dates.dedup();
        let mut first: Option<Witness> = None;
        for base in BASE_DATES {
            let Some(base) = NaiveDate::from_ymd_opt(base.0, base.1, base.2) else {
                continue;
            };
            let Some(w) = self.witness(
                &search.vars,
                &found,
                (What::Due(o), What::Due(n)),
                Some((&dates, base)),
            ) else {
                continue;
            };
            if w.note.is_some() {
                first = Some(w);
                break;
            }
            first.get_or_insert(w);
        }
        match first {
            Some(w) => {
                target.verdict = Verdict::Different;
                target.how = format!(
                    "deadline `{}` against `{}`",
                    self.deadline_text(self.old, o),
                    self.deadline_text(self.new, n)
                );
                target.witnesses.push(w);
            }
            None => {
                target.verdict = Verdict::Unknown;
                target.how = format!(
                    "the deadlines differ in text, but gave the same due date for the {} anchor dates tried; not exhaustive",
                    BASE_DATES.len()
                );
            }
        }
        target
    }

    fn deadline_text(&self, p: &Program, d: DutyId) -> String {
        p.duties[d]
            .deadline
            .as_ref()
            .map_or("no deadline".into(), |dl| canon::deadline(p, dl))
    }

    /// Whether two duties' due dates are the same function of the case: the same
    /// deadline text in the same calendar, anchor choices decided alike, and anchor
    /// duties due alike.
    fn due_same(&self, o: DutyId, n: DutyId, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let (od, nd) = (&self.old.duties[o], &self.new.duties[n]);
        let (Some(a), Some(b)) = (&od.deadline, &nd.deadline) else {
            return od.deadline.is_none() && nd.deadline.is_none();
        };
        if canon::deadline(self.old, a) != canon::deadline(self.new, b)
            || calendar(self.old) != calendar(self.new)
        {
            return false;
        }
        for ((ca, _), (cb, _)) in a.choices.iter().zip(&b.choices) {
            let (co, cn) = (space::cone(self.old, &[ca]), space::cone(self.new, &[cb]));
            if !same_definition(self.old, &[ca], &co, self.new, &[cb], &cn) {
                return false;
            }
        }
        // The same text, so the same shape: the anchors line up one for one.
        let (anchors, others) = (a.anchors(), b.anchors());
        for (x, y) in anchors.into_iter().zip(others) {
            if let (Anchor::Duty(x), Anchor::Duty(y)) = (x, y) {
                let always = Expr::Const(Value::Bool(true));
                let (wx, wy) = (
                    self.old.duties[x].when.as_ref().unwrap_or(&always),
                    self.new.duties[y].when.as_ref().unwrap_or(&always),
                );
                let (cx, cy) = (space::cone(self.old, &[wx]), space::cone(self.new, &[wy]));
                if !same_definition(self.old, &[wx], &cx, self.new, &[wy], &cy)
                    || !self.due_same(x, y, depth + 1)
                {
                    return false;
                }
            }
        }
        true
    }

    /// "across Good Friday (2024-03-29)" when the new period crosses a bank holiday.
    pub(super) fn holiday_note(
        &self,
        eval: &Evaluation,
        d: DutyId,
        base: NaiveDate,
    ) -> Option<String> {
        let due = eval.duties[d].due?.at.date();
        let cal = self.new_engine.calendar?;
        let mut day = base;
        while day < due {
            day = day.succ_opt()?;
            if let Ok(Some(h)) = cal.holiday(day) {
                return Some(format!("the period crosses {} ({})", h.title, h.date));
            }
        }
        None
    }
}

/// Anchor dates tried for due-date witnesses, those before a bank holiday first.
const BASE_DATES: [(i32, u32, u32); 5] = [
    (2024, 3, 25),
    (2024, 12, 20),
    (2024, 5, 2),
    (2024, 8, 22),
    (2024, 3, 4),
];

/// What a due date depends on: the conditions of the duty and of the duties it counts
/// from, the choices of anchor, and the date facts it counts from.
#[derive(Default)]
struct Reckoning<'p> {
    conds: Vec<&'p Expr>,
    choices: Vec<&'p Expr>,
    dates: Vec<String>,
}

impl<'p> Reckoning<'p> {
    fn gather(&mut self, p: &'p Program, d: DutyId, depth: usize) {
        if depth > 16 {
            return;
        }
        let duty = &p.duties[d];
        self.conds.extend(duty.when.as_ref());
        let Some(dl) = &duty.deadline else { return };
        self.choices.extend(dl.choices.iter().map(|(c, _)| c));
        if let Some(o) = &dl.opens {
            self.choices.extend(o.choices.iter().map(|(c, _)| c));
        }
        for a in dl.anchors() {
            self.anchor(p, a, depth);
        }
    }

    fn anchor(&mut self, p: &'p Program, a: Anchor, depth: usize) {
        match a {
            Anchor::Fact(f) | Anchor::Done(_, f) => self.dates.push(p.facts[f].name.clone()),
            Anchor::Duty(o) => self.gather(p, o, depth + 1),
        }
    }

    fn exprs(&self) -> Vec<&'p Expr> {
        self.conds.iter().chain(&self.choices).copied().collect()
    }
}

fn calendar(p: &Program) -> Option<&str> {
    p.modules.iter().rev().find_map(|m| m.calendar.as_deref())
}
