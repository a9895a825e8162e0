//! `ask`: choosing the next interview question, in the order the procedure needs them.
//!
//! Only facts that could still change something are asked: exactly the evaluation's
//! `missing` (the facts that could change an undetermined outcome or whether a duty
//! applies), and the dates a deadline of a duty that applies or may is still waiting for.
//!
//! They are asked in the order the pathway needs them, derived from the program (no list
//! of names): each rule, decision and duty has a **stage**, its dependency depth — a rule
//! that reads only facts is stage 1, one that reads a stage-`n` rule is stage `n + 1`, and
//! a duty is one past the deepest rule its `when` reads. A fact that records a duty as done
//! (its `done` fact), read by a rule or a `when` or counted from by a deadline, counts as
//! that duty's stage, and a deadline counted from another duty's due date puts its duty
//! after that one. So the facts that decide whether
//! a case is serious and notifiable (stage 1) come before the route (the decisions built
//! on them), the review after the route, publication last. A fact's stage is the lowest
//! stage of the undetermined outcomes and duties it could settle, or of the duties whose
//! due date waits for it. Ties go to the fact whose duties' clocks start earliest (a
//! deadline counted from a fact of the case is clock 0, one counted from another duty's
//! due date is that duty's clock plus one; a fact touching no deadline comes after), then
//! to declaration order (the order the procedure's text asks them).
//!
//! A fact skipped is not asked again in the same interview. Each answer makes a fact
//! known (and so never missing again) or is a skip, so an interview asks each fact at
//! most once and ends when no fact is left that could settle anything.

use super::{Block, Command, Host, Reply, Session};
use crate::check::{Anchor, FactId, Name, Program, RuleKind, type_name};
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
    /// The stage of the pathway the question belongs to (see [`Stages`]), from 1.
    pub stage: u32,
}

/// The stage of every rule, decision and duty: its dependency depth, from 1 (see the
/// module's documentation), and every duty's clock (how many due dates its own counts
/// from; `u32::MAX` for a duty without a deadline).
#[derive(Debug, Clone)]
pub struct Stages {
    pub rule: Vec<u32>,
    pub duty: Vec<u32>,
    pub clock: Vec<u32>,
}

impl Stages {
    pub fn of(program: &Program) -> Stages {
        let nd = program.duties.len();
        // The fact recording that a duty was done belongs after that duty.
        let mut done_by: Vec<Option<usize>> = vec![None; program.facts.len()];
        for (d, duty) in program.duties.iter().enumerate() {
            if let Some(f) = duty.done
                && let Some(slot) = done_by.get_mut(f)
            {
                *slot = Some(d);
            }
        }
        let mut rule = vec![1u32; program.rules.len()];
        let mut duty = vec![1u32; nd];
        // Stages only grow; a program whose duties read their own records would grow them
        // for ever, so a few rounds settle every chain the shipped procedures have.
        for _ in 0..8 {
            let before = (rule.clone(), duty.clone());
            let deepest = |exprs: &[&crate::check::Expr], rule: &[u32], duty: &[u32]| {
                let mut d = 0;
                for e in exprs {
                    e.visit_refs(&mut |n| match n {
                        Name::Rule(r) => d = d.max(rule.get(r).copied().unwrap_or(0)),
                        Name::Fact(f) => {
                            if let Some(Some(o)) = done_by.get(f) {
                                d = d.max(duty.get(*o).copied().unwrap_or(0));
                            }
                        }
                        Name::Duty(_) => {}
                    });
                }
                d
            };
            // `order` puts every rule after the rules it uses.
            for &r in &program.order {
                rule[r] = deepest(&program.rules[r].exprs(), &rule, &duty) + 1;
            }
            for (d, def) in program.duties.iter().enumerate() {
                let mut s = deepest(&def.when.iter().collect::<Vec<_>>(), &rule, &duty);
                if let Some(deadline) = &def.deadline {
                    for a in deadline.anchors() {
                        let after = match a {
                            Anchor::Duty(o) | Anchor::Done(o, _) => Some(o),
                            Anchor::Fact(f) => done_by.get(f).copied().flatten(),
                        };
                        if let Some(o) = after
                            && o != d
                        {
                            s = s.max(duty[o]);
                        }
                    }
                }
                duty[d] = s + 1;
            }
            if (rule.clone(), duty.clone()) == before {
                break;
            }
        }
        // Side matters come after the chain of decisions: a plain rule that reads only
        // facts and that no rule reads (it only switches duties on), and a duty whose
        // `when` reads no rule of the chain (`when public_complaint`), are not steps on
        // the way to the pathway, so they take the stage after the deepest one.
        let mut read_by_rule = vec![false; program.rules.len()];
        let mut reads_rule = vec![false; program.rules.len()];
        for (r, def) in program.rules.iter().enumerate() {
            for e in def.exprs() {
                e.visit_refs(&mut |n| {
                    if let Name::Rule(o) = n {
                        reads_rule[r] = true;
                        if let Some(x) = read_by_rule.get_mut(o) {
                            *x = true;
                        }
                    }
                });
            }
        }
        let side: Vec<bool> = program
            .rules
            .iter()
            .enumerate()
            .map(|(r, def)| def.kind == RuleKind::Rule && !reads_rule[r] && !read_by_rule[r])
            .collect();
        let last = rule
            .iter()
            .zip(&side)
            .filter(|(_, s)| !**s)
            .map(|(s, _)| *s)
            .chain(duty.iter().copied())
            .max()
            .unwrap_or(1)
            + 1;
        for (r, s) in side.iter().enumerate() {
            if *s {
                rule[r] = last;
            }
        }
        for (d, def) in program.duties.iter().enumerate() {
            let mut on_chain = false;
            if let Some(w) = &def.when {
                w.visit_refs(&mut |n| {
                    if let Name::Rule(r) = n
                        && !side.get(r).copied().unwrap_or(true)
                    {
                        on_chain = true;
                    }
                });
            }
            if !on_chain {
                // After the chain, keeping the order of the due dates it counts from.
                duty[d] = duty[d].saturating_add(last - 1);
            }
        }
        let mut clock: Vec<Option<u32>> = vec![None; nd];
        fn clock_of(program: &Program, d: usize, clock: &mut [Option<u32>], depth: usize) -> u32 {
            if let Some(c) = clock[d] {
                return c;
            }
            let Some(deadline) = &program.duties[d].deadline else {
                return u32::MAX;
            };
            // Anchors form no cycle in a checked program; the depth bounds it all the same.
            let c = deadline
                .anchors()
                .into_iter()
                .map(|a| match a {
                    Anchor::Duty(o) | Anchor::Done(o, _) if depth < program.duties.len() => {
                        clock_of(program, o, clock, depth + 1).saturating_add(1)
                    }
                    _ => 0,
                })
                .min()
                .unwrap_or(0);
            clock[d] = Some(c);
            c
        }
        for d in 0..nd {
            let c = clock_of(program, d, &mut clock, 0);
            clock[d] = Some(c);
        }
        Stages {
            rule,
            duty,
            clock: clock.into_iter().map(|c| c.unwrap_or(u32::MAX)).collect(),
        }
    }
}

/// What an answer to each fact could still do, and where in the pathway it falls.
struct Reach {
    settles: Vec<Vec<String>>,
    dates: Vec<Vec<String>>,
    /// Of each fact: the lowest stage of the outcomes and duties it could settle or
    /// date, and those duties' lowest clock (`u32::MAX`: none).
    key: Vec<(u32, u32)>,
}

fn reach(program: &Program, eval: &Evaluation) -> Reach {
    let stages = Stages::of(program);
    let nf = program.facts.len();
    let mut settles: Vec<Vec<String>> = vec![Vec::new(); nf];
    let mut key = vec![(u32::MAX, u32::MAX); nf];
    for (r, o) in eval.outcomes.iter().enumerate() {
        if o.value.is_none() {
            for f in &o.missing {
                settles[*f].push(program.rules[r].name.clone());
                if let Some(k) = key.get_mut(*f) {
                    k.0 = k.0.min(stages.rule[r]);
                }
            }
        }
    }
    for (d, o) in eval.duties.iter().enumerate() {
        if o.applies.is_none() {
            for f in &o.missing {
                settles[*f].push(program.duties[d].name.clone());
                if let Some(k) = key.get_mut(*f) {
                    k.0 = k.0.min(stages.duty[d]);
                    k.1 = k.1.min(stages.clock[d]);
                }
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
            if let Some(k) = key.get_mut(f) {
                k.0 = k.0.min(stages.duty[d]);
                k.1 = k.1.min(stages.clock[d]);
            }
        }
    }
    Reach {
        settles,
        dates,
        key,
    }
}

/// The facts an interview could still ask, in the order it asks them, each with its
/// stage: the evaluation's `missing` and the dates a deadline waits for.
pub fn order(program: &Program, eval: &Evaluation) -> Vec<(FactId, u32)> {
    let reach = reach(program, eval);
    let mut facts: Vec<FactId> = (0..program.facts.len())
        .filter(|f| eval.facts.get(*f).is_some_and(Option::is_none))
        .filter(|f| eval.missing.contains(f) || !reach.dates[*f].is_empty())
        .collect();
    facts.sort_by_key(|f| (reach.key[*f], *f));
    facts.into_iter().map(|f| (f, reach.key[f].0)).collect()
}

/// The values a person can choose from for a fact of type `ty`, as they are offered: a
/// yes/no question as `yes` and `no` (the language's `true` and `false`, which are taken too:
/// `answer::read`).
pub fn choices(program: &Program, ty: Type) -> Vec<String> {
    match ty {
        Type::Bool => vec!["yes".into(), "no".into()],
        ty => values(program, ty),
    }
}

/// The values of type `ty` as the language writes them (`true`, `false`, an enum's
/// variants): what `set FACT = ` completes.
pub fn values(program: &Program, ty: Type) -> Vec<String> {
    match ty {
        Type::Bool => vec!["true".into(), "false".into()],
        Type::Enum(e) | Type::Set(e) => program.enums[e].variants.clone(),
        _ => Vec::new(),
    }
}

/// The next question, or `None` when nothing more can be settled by asking.
/// `skipped[f]` marks the facts skipped in this interview.
pub fn next(program: &Program, eval: &Evaluation, skipped: &[bool]) -> Option<Question> {
    let (best, stage) = order(program, eval)
        .into_iter()
        .find(|(f, _)| !skipped.get(*f).copied().unwrap_or(false))?;
    let mut reach = reach(program, eval);
    let def = &program.facts[best];
    Some(Question {
        fact: best,
        name: def.name.clone(),
        ask: def
            .ask
            .clone()
            .unwrap_or_else(|| format!("What is `{}`?", def.name)),
        ty: match def.ty {
            Type::Bool => "yes or no".to_string(),
            ty => type_name(ty, &program.enums),
        },
        choices: choices(program, def.ty),
        settles: std::mem::take(&mut reach.settles[best]),
        dates: std::mem::take(&mut reach.dates[best]),
        stage,
    })
}

/// Every question an interview could still ask, in the order it asks them: [`next`]'s
/// question first (with nothing skipped), then the ones after it.
pub fn questions(program: &Program, eval: &Evaluation) -> Vec<Question> {
    let mut reach = reach(program, eval);
    order(program, eval)
        .into_iter()
        .map(|(f, stage)| {
            let def = &program.facts[f];
            Question {
                fact: f,
                name: def.name.clone(),
                ask: def
                    .ask
                    .clone()
                    .unwrap_or_else(|| format!("What is `{}`?", def.name)),
                ty: type_name(def.ty, &program.enums),
                choices: choices(program, def.ty),
                settles: std::mem::take(&mut reach.settles[f]),
                dates: std::mem::take(&mut reach.dates[f]),
                stage,
            }
        })
        .collect()
}

/// The questions as JSON (the API's `missing`): the procedure, the case id, and each
/// question with its fact, words, type, choices, what it could settle and its stage.
pub fn questions_json(program: &Program, eval: &Evaluation) -> serde_json::Value {
    let entry = program.entry();
    let list: Vec<serde_json::Value> = questions(program, eval)
        .into_iter()
        .map(|q| {
            serde_json::json!({
                "fact": q.name,
                "ask": q.ask,
                "type": q.ty,
                "choices": q.choices,
                "settles": q.settles,
                "dates": q.dates,
                "stage": q.stage,
            })
        })
        .collect();
    serde_json::json!({
        "procedure": {
            "id": entry.id,
            "version": entry.version.map(|v| v.format("%Y-%m-%d").to_string()),
        },
        "case_id": eval.case_id,
        "questions": list,
    })
}

/// `missing` in the REPL: the facts that could still change an outcome (the evaluation's
/// `missing`, as `cspr eval` lists them), grouped by stage and in the order `ask` asks them.
pub fn missing_text(program: &Program, eval: &Evaluation, as_of: chrono::NaiveDate) -> String {
    use std::fmt::Write as _;
    let report = crate::report::model::Report::new(program, eval, as_of);
    if report.questions.is_empty() {
        return "Nothing is missing: every outcome is settled.\n".to_string();
    }
    let width = report
        .questions
        .iter()
        .map(|q| q.name.chars().count())
        .max()
        .unwrap_or(0);
    let stages = Stages::of(program);
    // What each stage decides: its undetermined outcomes (else duties), as names.
    let decides = |stage: u32| -> String {
        let mut names: Vec<&str> = eval
            .outcomes
            .iter()
            .enumerate()
            .filter(|(r, o)| o.value.is_none() && stages.rule[*r] == stage)
            .map(|(r, _)| program.rules[r].name.as_str())
            .collect();
        if names.is_empty() {
            names = eval
                .duties
                .iter()
                .enumerate()
                .filter(|(d, o)| o.applies != Some(false) && stages.duty[*d] == stage)
                .map(|(d, _)| program.duties[d].name.as_str())
                .collect();
        }
        match names.len() {
            0 => String::new(),
            1..=3 => format!(" — towards {}", names.join(", ")),
            n => format!(" — towards {}, {} and {} more", names[0], names[1], n - 2),
        }
    };
    let mut out = format!(
        "Still unknown: {} answers could settle the rest, by stage, in the order `ask` asks them\n",
        report.questions.len()
    );
    // Stages are numbered as shown (1, 2, 3 …), skipping those with nothing to ask.
    let (mut last, mut shown) = (None, 0);
    for (f, stage) in order(program, eval) {
        let Some(q) = report.questions.iter().find(|q| q.fact == f) else {
            continue;
        };
        if last != Some(stage) {
            last = Some(stage);
            shown += 1;
            let _ = if stage == u32::MAX {
                writeln!(out, "\nNot yet placed")
            } else {
                writeln!(out, "\nStage {shown}{}", decides(stage))
            };
        }
        let ask = q.ask.unwrap_or("(no question given)");
        let _ = writeln!(out, "  {:<width$}  {ask}", q.name);
        let _ = writeln!(out, "  {:<width$}  answer: {}", "", q.answer);
    }
    out
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
        let read = super::answer::read(&program, q.fact, text);
        let echo = read.as_ref().ok().and_then(|r| r.echo.clone());
        let value = match read.and_then(|r| {
            crate::check::value(
                &program,
                q.fact,
                &Source::new(format!("answer for `{}`", q.name), r.text),
            )
        }) {
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
            Ok(mut r) => {
                if let Some(echo) = echo {
                    r.blocks.insert(0, Block::Note(echo));
                }
                r
            }
            Err(ps) => {
                self.interview = Some((skipped, q));
                return Err(ps);
            }
        };
        self.next_question(skipped, reply)
    }
}
