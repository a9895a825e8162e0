//! Converters for duties, deadlines, anchors and timelines (kept as written;
//! `check::timeline` turns their steps into duties).

use super::*;

pub(super) fn duty_decl(pair: Pair<'_, Rule>, overrides: Option<Span>) -> Result<DutyDecl> {
    let at = span(&pair);
    let mut parts = inner(pair).peekable();
    let (name, refines, label, cite, actor, modality, action) = duty_head(&mut parts, at)?;
    let mut duty = DutyDecl {
        name,
        label,
        cite,
        actor,
        modality,
        action,
        when: None,
        deadline: None,
        opens: None,
        done: None,
        overrides,
        refines,
        span: at,
    };
    for clause in parts {
        let cspan = span(&clause);
        match clause.as_rule() {
            Rule::when_clause | Rule::done_clause => {
                when_or_done(clause, &mut duty.when, &mut duty.done)?
            }
            Rule::within_clause | Rule::before_clause | Rule::for_clause | Rule::on_clause
                if duty.deadline.is_some() =>
            {
                return Err(repeated("deadline", cspan));
            }
            Rule::within_clause | Rule::before_clause | Rule::for_clause | Rule::on_clause => {
                duty.deadline = Some(Box::new(deadline(clause)?))
            }
            Rule::not_before if duty.opens.is_some() => {
                return Err(repeated("not before", cspan));
            }
            Rule::not_before => duty.opens = Some(Box::new(deadline(clause)?)),
            _ => return Err(shape("duty clause", cspan)),
        }
    }
    Ok(duty)
}

pub(super) fn deadline(pair: Pair<'_, Rule>) -> Result<Deadline> {
    let at = span(&pair);
    let kind = match pair.as_rule() {
        Rule::within_clause => DeadlineKind::Within,
        Rule::before_clause => DeadlineKind::AtLeastBefore,
        Rule::for_clause => DeadlineKind::ForAtLeast,
        Rule::on_clause => DeadlineKind::On,
        Rule::not_before => DeadlineKind::NotBefore,
        _ => return Err(shape("deadline", at)),
    };
    // `on` (an appointment) is a word of the grammar the other keywords' filter keeps.
    let mut parts = inner(pair)
        .filter(|p| p.as_rule() != Rule::kw_on)
        .peekable();
    // `not before X`: the window opens on the anchor's own day.
    let Some(dur) = parts.next_if(|p| p.as_rule() == Rule::duration) else {
        let (anchor, choices) = anchor(next(&mut parts, at, "anchor")?)?;
        return Ok(Deadline {
            kind,
            amount: Spanned::new(0, at),
            unit: TimeUnit::Days,
            assumed: false,
            anchor,
            choices,
            shift: None,
            span: at,
        });
    };
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
    let word = inner(unit_pair)
        .next()
        .ok_or_else(|| shape("unit of time", unit_span))?;
    let unit = match (word.as_rule(), word.as_str()) {
        (Rule::working_days, _) => TimeUnit::WorkingDays,
        (Rule::calendar_unit, "day" | "days") => TimeUnit::Days,
        (Rule::calendar_unit, "week" | "weeks") => TimeUnit::Weeks,
        (Rule::calendar_unit, "hour" | "hours") => TimeUnit::Hours,
        (Rule::calendar_unit, "month" | "months") => TimeUnit::Months,
        _ => return Err(shape("unit of time", unit_span)),
    };
    // `5 days assumed working`: only a unit that leaves the kind of day unstated.
    let (unit, assumed) = match dparts.next() {
        None => (unit, false),
        // `assumed working` or `assumed calendar` (the grammar allows no other word).
        Some(a) if unit == TimeUnit::Days => match a.as_str().trim_end().ends_with("working") {
            true => (TimeUnit::WorkingDays, true),
            false => (TimeUnit::Days, true),
        },
        Some(a) => {
            return Err(Problem::error(
                "cspr::syntax",
                "`assumed` reads a period in days whose kind the text does not state",
            )
            .label(span(&a), "the unit already says what is counted")
            .help("write `5 days assumed working` (or `assumed calendar`) where the text says only \"days\""));
        }
    };
    let (anchor, choices) = anchor(next(&mut parts, at, "anchor")?)?;
    let shift = match parts.next() {
        Some(sh) => {
            let sspan = span(&sh);
            let to = inner(sh)
                .find(|p| p.as_rule() == Rule::shift_to)
                .ok_or_else(|| shape("non-working day clause", sspan))?;
            let shift = if to.as_str().trim() == "previous" {
                Shift::PreviousWorkingDay
            } else {
                Shift::NextWorkingDay
            };
            Some(Spanned::new(shift, sspan))
        }
        None => None,
    };
    Ok(Deadline {
        kind,
        amount: Spanned::new(amount, amount_span),
        unit,
        assumed,
        anchor,
        choices,
        shift,
        span: at,
    })
}

/// A duty's or a step's name, label, citation, actor, modality and action.
type DutyHead = (
    Ident,
    Option<Ident>,
    Option<Spanned<String>>,
    Option<Citation>,
    Ident,
    Modality,
    String,
);

/// What a duty and a timeline step both start with: `name refines … label … cite …: actor must "what"`.
pub(super) fn duty_head<'i>(
    parts: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    at: Span,
) -> Result<DutyHead> {
    let name = ident(next(parts, at, "name")?);
    let refines = opt_refines(parts)?;
    let (label, cite, actor, modality, action) = duty_rest(parts, at)?;
    Ok((name, refines, label, cite, actor, modality, action))
}

/// `refines NAME` after a duty's (or a timeline step's) name, if there.
fn opt_refines<'i>(
    parts: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
) -> Result<Option<Ident>> {
    match parts.next_if(|p| p.as_rule() == Rule::refines) {
        Some(r) => {
            let rspan = span(&r);
            let target = inner(r)
                .find(|p| p.as_rule() == Rule::ident)
                .ok_or_else(|| shape("refines", rspan))?;
            Ok(Some(ident(target)))
        }
        None => Ok(None),
    }
}

/// A duty's head after its name (and `refines`): label, citation, actor, modality, action.
#[allow(clippy::type_complexity)]
fn duty_rest<'i>(
    parts: &mut std::iter::Peekable<impl Iterator<Item = Pair<'i, Rule>>>,
    at: Span,
) -> Result<(
    Option<Spanned<String>>,
    Option<Citation>,
    Ident,
    Modality,
    String,
)> {
    let label = opt_label(parts);
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
    Ok((label, cite, actor, modality, action))
}

/// `anchor`: a term, or an `anchor_choice`.
pub(super) fn anchor(pair: Pair<'_, Rule>) -> Result<(AnchorTerm, Vec<(AnchorTerm, Expr)>)> {
    if pair.as_rule() == Rule::anchor_choice {
        anchor_choice(pair)
    } else {
        Ok((anchor_term(pair)?, Vec::new()))
    }
}

/// `anchor_term`: a name, `name done`, or `earliest(…)` / `latest(…)`. Picks nest only
/// as deep as the parentheses the nesting limit allows, so recursion is bounded.
pub(super) fn anchor_term(pair: Pair<'_, Rule>) -> Result<AnchorTerm> {
    let at = span(&pair);
    match pair.as_rule() {
        Rule::ident => Ok(AnchorTerm::Name(ident(pair))),
        Rule::done_anchor => Ok(AnchorTerm::Done(ident(next(&mut inner(pair), at, "duty")?))),
        Rule::anchor_pick => {
            let mut parts = inner(pair);
            let kw = next(&mut parts, at, "earliest or latest")?;
            let kind = if kw.as_rule() == Rule::kw_latest {
                PickKind::Latest
            } else {
                PickKind::Earliest
            };
            let kind = Spanned::new(kind, span(&kw));
            let terms = parts.map(anchor_term).collect::<Result<Vec<_>>>()?;
            Ok(AnchorTerm::Pick(kind, terms))
        }
        _ => Err(shape("anchor", at)),
    }
}

/// `anchor_choice`: `(a if condition else b …)`, the choices in order and the fallback
/// (the last term, which no condition follows).
pub(super) fn anchor_choice(pair: Pair<'_, Rule>) -> Result<(AnchorTerm, Vec<(AnchorTerm, Expr)>)> {
    let at = span(&pair);
    let mut parts = inner(pair);
    let mut choices = Vec::new();
    loop {
        let term = anchor_term(next(&mut parts, at, "anchor")?)?;
        match parts.next() {
            Some(cond) => choices.push((term, expr(cond)?)),
            None => return Ok((term, choices)),
        }
    }
}

/// A timeline, kept as written; `check::timeline` turns its steps into duties.
pub(super) fn timeline_decl(pair: Pair<'_, Rule>) -> Result<Item> {
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

pub(super) fn step(pair: Pair<'_, Rule>) -> Result<Step> {
    let sspan = span(&pair);
    let mut sp = inner(pair).peekable();
    let days = next(&mut sp, sspan, "step days")?;
    let dspan = span(&days);
    let mut dparts = inner(days).peekable();
    let on = dparts.next_if(|p| p.as_rule() == Rule::kw_on).is_some();
    let text = next(&mut dparts, dspan, "day")?.as_str().to_string();
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
            on,
            first: Some(number(first)?),
            last: number(last)?,
            span: dspan,
        },
        None => StepDays {
            on,
            first: None,
            last: number(first)?,
            span: dspan,
        },
    };
    let (name, refines, label, cite, actor, modality, action) = duty_head(&mut sp, sspan)?;
    let mut step = Step {
        days,
        name,
        refines,
        label,
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
pub(super) fn when_or_done(
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
