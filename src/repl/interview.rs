//! `ask`: choosing the next interview question.
//!
//! Only facts that could still change something are asked:
//!
//! 1. facts that could change an undetermined outcome or whether a duty applies — exactly
//!    the evaluation's per-outcome and per-duty `missing` lists (so a fact that can no
//!    longer matter is never asked);
//! 2. then the dates a deadline is still waiting for, of duties that apply or may.
//!
//! The most decisive first: a fact scores one for each undetermined outcome or duty it
//! could settle and each deadline waiting for it (so once a pathway applies, the date
//! its timeline counts from comes before a detail that settles one rule); the highest
//! score first, a fact that settles outcomes before a date of equal score, and then
//! declaration order (the order the procedure asks them). A fact skipped is not asked
//! again in the same interview. Each answer makes a fact known (and so never missing
//! again) or is a skip, so an interview asks each fact at most once and ends when no
//! fact is left that could settle anything.

use super::{Block, Command, Host, Reply, Session};
use crate::check::{FactId, Program, type_name};
use crate::diagnostic::{Problem, Source};
use crate::eval::Evaluation;
use crate::eval::deadline::{Status, status};
use crate::value::Type;

/// One question of the interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub fact: FactId,
    /// The fact's name.
    pub name: String,
    /// The fact's own question (its `ask`), or one made from its name.
    pub ask: String,
    /// The type, as messages name it (`bool`, `date`, `one of a | b`).
    pub ty: String,
    /// The values to choose from (booleans and enumerations), numbered from 1 when shown.
    pub choices: Vec<String>,
    /// The outcomes and duties still undetermined that the answer could settle.
    pub settles: Vec<String>,
    /// The duties whose due date waits for this date.
    pub dates: Vec<String>,
}

/// The values a person can choose from for a fact of type `ty`.
pub fn choices(program: &Program, ty: Type) -> Vec<String> {
    match ty {
        Type::Bool => vec!["true".into(), "false".into()],
        Type::Enum(e) | Type::Set(e) => program.enums[e].variants.clone(),
        _ => Vec::new(),
    }
}

/// The next question, or `None` when nothing more can be settled by asking.
/// `skipped[f]` marks the facts skipped in this interview.
pub fn next(program: &Program, eval: &Evaluation, skipped: &[bool]) -> Option<Question> {
    let nf = program.facts.len();
    let mut settles: Vec<Vec<String>> = vec![Vec::new(); nf];
    for (r, o) in eval.outcomes.iter().enumerate() {
        if o.value.is_none() {
            for f in &o.missing {
                settles[*f].push(program.rules[r].name.clone());
            }
        }
    }
    for (d, o) in eval.duties.iter().enumerate() {
        if o.applies.is_none() {
            for f in &o.missing {
                settles[*f].push(program.duties[d].name.clone());
            }
        }
    }
    let mut dates: Vec<Vec<String>> = vec![Vec::new(); nf];
    for (d, o) in eval.duties.iter().enumerate() {
        if o.due.is_some() || o.applies == Some(false) || program.duties[d].deadline.is_none() {
            continue;
        }
        // Only the fact waited for is wanted: no day or calendar is needed for it.
        if let Status::Waiting { fact: Some(f) } =
            status(program, eval, d, chrono::NaiveDate::MIN, None)
            && f < nf
        {
            dates[f].push(program.duties[d].name.clone());
        }
    }
    let open = |f: &FactId| eval.facts[*f].is_none() && !skipped.get(*f).copied().unwrap_or(false);
    let best = (0..nf)
        .filter(open)
        .filter(|f| !settles[*f].is_empty() || !dates[*f].is_empty())
        .min_by_key(|f| {
            (
                std::cmp::Reverse(settles[*f].len() + dates[*f].len()),
                std::cmp::Reverse(settles[*f].len()),
                *f,
            )
        })?;
    let def = &program.facts[best];
    Some(Question {
        fact: best,
        name: def.name.clone(),
        ask: def
            .ask
            .clone()
            .unwrap_or_else(|| format!("What is `{}`?", def.name)),
        ty: type_name(def.ty, &program.enums),
        choices: choices(program, def.ty),
        settles: std::mem::take(&mut settles[best]),
        dates: std::mem::take(&mut dates[best]),
    })
}

/// An answer as the text of a value: the number of a choice becomes the choice, and a
/// set's members may be given without braces (`a, b`).
pub fn answer_text(program: &Program, fact: FactId, answer: &str) -> String {
    let answer = answer.trim();
    let ty = program.facts[fact].ty;
    let options = choices(program, ty);
    let pick = |s: &str| -> Option<String> {
        let n: usize = s.trim().parse().ok()?;
        options.get(n.checked_sub(1)?).cloned()
    };
    match ty {
        Type::Bool | Type::Enum(_) => pick(answer).unwrap_or_else(|| answer.to_string()),
        Type::Set(_) if !answer.starts_with('{') => {
            let items: Vec<String> = answer
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| pick(s).unwrap_or_else(|| s.to_string()))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        _ => answer.to_string(),
    }
}

/// The interview as the session runs it: `ask`, then each line an answer.
impl Session {
    pub(super) fn ask(&mut self) -> Result<Reply, Vec<Problem>> {
        let skipped = vec![false; self.program().facts.len()];
        self.next_question(skipped, Reply::default())
    }

    /// Ask the next question after `reply`, or end the interview.
    fn next_question(
        &mut self,
        skipped: Vec<bool>,
        mut reply: Reply,
    ) -> Result<Reply, Vec<Problem>> {
        let eval = self.eval()?;
        match next(self.program(), eval, &skipped) {
            Some(q) => {
                reply.blocks.push(Block::Question(q.clone()));
                self.interview = Some((skipped, q));
            }
            None => {
                let n = skipped.iter().filter(|s| **s).count();
                let text = match (eval.missing.is_empty(), n) {
                    (true, _) => "nothing is missing: every outcome is settled".to_string(),
                    (false, 0) => "no question left that could settle anything more".to_string(),
                    (false, n) => format!(
                        "no question left that could settle anything more ({n} skipped; `ask` again to be asked them)"
                    ),
                };
                reply.blocks.push(Block::Note(text));
                self.interview = None;
            }
        }
        Ok(reply)
    }

    /// A line typed during an interview.
    pub(super) fn answer(&mut self, host: &dyn Host, line: &str) -> Result<Reply, Vec<Problem>> {
        let Some((mut skipped, q)) = self.interview.take() else {
            return Ok(Reply::default());
        };
        let text = line.trim();
        if text.starts_with('#') {
            // A comment in a script: the question still waits.
            self.interview = Some((skipped, q));
            return Ok(Reply::default());
        }
        match text {
            "stop" | "quit" | "exit" => return Ok(Reply::note("interview stopped")),
            "skip" | "" => {
                if let Some(s) = skipped.get_mut(q.fact) {
                    *s = true;
                }
                return self.next_question(skipped, Reply::default());
            }
            _ => {}
        }
        let program = self.program().clone();
        let value_text = answer_text(&program, q.fact, text);
        let value = match crate::check::value(
            &program,
            q.fact,
            &Source::new(format!("answer for `{}`", q.name), value_text),
        ) {
            Ok(v) => v,
            Err(mut ps) => {
                // Not a value but a command (`why pathway`, `set …`, `timeline`): run it,
                // then ask again — what it changed may change the question.
                if let Ok(command) = super::command::parse(text)
                    && !matches!(command, Command::Nothing | Command::Ask | Command::Quit)
                {
                    let key = self.program().key();
                    self.interview = Some((skipped.clone(), q.clone()));
                    let reply = self.command(host, command)?;
                    if self.program().key() != key {
                        // Another procedure (`use`, `reload`): its own facts, none skipped.
                        skipped = vec![false; self.program().facts.len()];
                    }
                    return self.next_question(skipped, reply);
                }
                self.interview = Some((skipped, q));
                if let Some(p) = ps.first_mut()
                    && p.help.is_some()
                {
                    p.help = p
                        .help
                        .take()
                        .map(|h| format!("{h}; or answer `skip` or `stop`"));
                }
                return Err(ps);
            }
        };
        let f = q.fact;
        let reply = match self.change(|case, p| case.set(p, f, Some(value)).map(|_| ())) {
            Ok(r) => r,
            Err(ps) => {
                self.interview = Some((skipped, q));
                return Err(ps);
            }
        };
        self.next_question(skipped, reply)
    }
}
