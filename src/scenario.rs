//! Scenario tests: `*.scenario` files, checked against a procedure and run by `cspr test`.
//!
//! 1. [`crate::syntax::parse_scenarios`] reads a file into [`ast::Scenario`]s.
//! 2. [`compile`] binds one scenario to the program it names: every `given` becomes a
//!    fact value of the right type, every `expect` a [`Check`] on an outcome or duty.
//!    Names and values are checked here, so a typo is a located error, not a failure.
//! 3. [`run`] evaluates the case and compares: each mismatch is a [`Failure`] holding the
//!    expected and the actual value, and the name to explain.
//! 4. [`coverage`] records which rule values, exceptions, decision branches and duty
//!    outcomes any scenario exercised.

pub mod coverage;
pub mod regression;
pub mod suite;

pub use suite::{File, Programs, Run, RunResult, run_on};

use chrono::NaiveDate;

use crate::check::{DutyId, FactId, Name, Program, RuleId, type_name};
use crate::diagnostic::{Problem, Source, did_you_mean};
use crate::eval::deadline::{self, Moment};
use crate::eval::{Case, Engine, Evaluation};
use crate::span::Span;
use crate::syntax::ast::{self, ExpectKind, ExprKind};
use crate::value::{Display, Type, Value};

/// A scenario bound to its program, ready to run.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub name: String,
    pub span: Span,
    pub as_of: Option<NaiveDate>,
    pub case: Case,
    pub checks: Vec<Check>,
}

/// One expectation, resolved.
#[derive(Debug, Clone)]
pub struct Check {
    pub kind: CheckKind,
    /// Where the `expect` was written.
    pub span: Span,
    /// Whether it is checked on the edition the scenario runs on (see [`in_force`]). An
    /// expectation not in force is kept, when its names resolve, so that the regression
    /// report can show its value on this edition too.
    pub in_force: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckKind {
    /// A rule or decision has this value.
    Value(RuleId, Value),
    /// A rule or decision is undetermined; with `Some`, exactly these facts are missing.
    RuleUndetermined(RuleId, Option<Vec<FactId>>),
    /// Whether a duty applies is undetermined; with `Some`, exactly these facts are missing.
    DutyUndetermined(DutyId, Option<Vec<FactId>>),
    Applies(DutyId, bool),
    Due(DutyId, Moment),
    /// The status's name (`pending`, `overdue`, …), judged as of the scenario's day.
    Status(DutyId, String, NaiveDate),
    /// The case's whole list of missing facts.
    Missing(Vec<FactId>),
}

/// Every status name `expect … status` accepts.
pub const STATUS_NAMES: [&str; 14] = [
    "not_applicable",
    "no_deadline",
    "waiting",
    "pending",
    "due_today",
    "overdue",
    "met",
    "met_late",
    "running",
    "completed",
    "not_yet_open",
    "too_early",
    "on_the_day",
    "late",
];

/// The edition of the guidance a program runs on: the root of its chain of modules
/// (the edition it was rebased onto, if it was).
pub fn edition_of(program: &Program) -> &str {
    program.modules.first().map_or("", |m| m.id.as_str())
}

/// What an expectation is about, for the `under` rule: the value of a rule or decision
/// or whether a duty applies (`= V`, `undetermined`, `applies`, `does not apply`), a
/// duty's due date, a duty's status, or the case's list of missing facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic<'a> {
    Outcome(&'a str),
    Due(&'a str),
    Status(&'a str),
    Missing,
}

/// What an expectation is about.
pub fn topic(kind: &ExpectKind) -> Topic<'_> {
    match kind {
        ExpectKind::Value(n, _) | ExpectKind::Undetermined(n, _) | ExpectKind::Applies(n, _) => {
            Topic::Outcome(&n.node)
        }
        ExpectKind::Due(n, _) => Topic::Due(&n.node),
        ExpectKind::Status(n, _) => Topic::Status(&n.node),
        ExpectKind::Missing(_) => Topic::Missing,
    }
}

/// The `under` rule: whether expectation `i` of a scenario is checked when the scenario
/// runs on `edition`.
///
/// - `expect … under X` is checked only on edition X;
/// - an expectation without `under` is checked on every edition, except on an edition X
///   for which the scenario has an `expect … under X` about the same thing (the same
///   [`Topic`]: the same name's value or applying, due date or status, or the missing list).
pub fn in_force(expects: &[ast::Expectation], i: usize, edition: &str) -> bool {
    let e = &expects[i];
    match &e.under {
        Some(u) => u.node == edition,
        None => !expects.iter().any(|o| {
            o.under.as_ref().is_some_and(|u| u.node == edition) && topic(&o.kind) == topic(&e.kind)
        }),
    }
}

/// Bind a scenario to `program`. Every problem found is returned, located in `source`.
/// `under` may name only the edition the program runs on; see [`compile_among`].
pub fn compile(
    scenario: &ast::Scenario,
    program: &Program,
    source: &Source,
) -> Result<Compiled, Vec<Problem>> {
    compile_among(
        scenario,
        program,
        source,
        &[edition_of(program).to_string()],
    )
}

/// As [`compile`], with `editions` the ids of the guidance editions an `under` may name
/// (an unknown one is an error with "did you mean"). Expectations not in force on the
/// program's edition are compiled where their names resolve, and otherwise left out.
pub fn compile_among(
    scenario: &ast::Scenario,
    program: &Program,
    source: &Source,
    editions: &[String],
) -> Result<Compiled, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut case = Case::empty(program);
    case.id = Some(scenario.name.node.clone());
    let mut given_at: Vec<Option<Span>> = vec![None; program.facts.len()];
    for (name, expr) in &scenario.given {
        let Some(f) = program.fact_named(&name.node) else {
            problems.push(unknown_name(program, name, "a fact of"));
            continue;
        };
        if let Some(first) = given_at[f] {
            problems.push(
                Problem::error(
                    "cspr::given_twice",
                    format!("`{}` is given twice", name.node),
                )
                .label(first, "first given here")
                .label(name.span, "and again here")
                .help("give each fact once"),
            );
            continue;
        }
        given_at[f] = Some(name.span);
        match literal(program, expr, program.facts[f].ty, &name.node) {
            Ok(v) => case.put(f, v),
            Err(p) => problems.push(p),
        }
    }
    let mut checks = Vec::new();
    let edition = edition_of(program);
    for (i, e) in scenario.expects.iter().enumerate() {
        if let Some(u) = &e.under
            && !editions.contains(&u.node)
        {
            let mut p = Problem::error(
                "cspr::scenario_edition",
                format!("`{}` is not an edition of the guidance", u.node),
            )
            .label(u.span, "unknown edition");
            p = match did_you_mean(&u.node, editions.iter().map(String::as_str)) {
                Some(h) => p.help(h),
                None => p.help(format!(
                    "`under` names a guidance module that extends nothing; known: {}",
                    editions.join(", ")
                )),
            };
            problems.push(p);
            continue;
        }
        let in_force = in_force(&scenario.expects, i, edition);
        match expectation(program, scenario, e) {
            Ok(kind) => checks.push(Check {
                kind,
                span: e.span,
                in_force,
            }),
            Err(p) if in_force => problems.push(p),
            Err(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(Compiled {
            name: scenario.name.node.clone(),
            span: scenario.span,
            as_of: scenario.as_of.as_ref().map(|d| d.node),
            case,
            checks,
        })
    } else {
        Err(problems.into_iter().map(|p| p.in_source(source)).collect())
    }
}

fn unknown_name(program: &Program, name: &ast::Ident, what: &str) -> Problem {
    let mut p = Problem::error(
        "cspr::scenario_name",
        format!("`{}` is not {what} `{}`", name.node, program.entry().id),
    )
    .label(name.span, "unknown name");
    if let Some(h) = did_you_mean(&name.node, program.all_names()) {
        p = p.help(h);
    }
    p
}

const EXPECT_OUTCOMES: &str = "expect the rules, decisions and duties the procedure works out";

/// An expectation said of the wrong kind of name: `` `NAME` {message} ``.
fn wrong_kind(name: &ast::Ident, message: String, label: &str, help: String) -> Problem {
    Problem::error("cspr::scenario_kind", format!("`{}` {message}", name.node))
        .label(name.span, label.to_string())
        .help(help)
}

fn expectation(
    program: &Program,
    scenario: &ast::Scenario,
    e: &ast::Expectation,
) -> Result<CheckKind, Problem> {
    let facts = |names: &[ast::Ident]| -> Result<Vec<FactId>, Problem> {
        let mut out = Vec::new();
        for n in names {
            match program.fact_named(&n.node) {
                Some(f) => out.push(f),
                None => return Err(unknown_name(program, n, "a fact of")),
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    };
    let duty = |name: &ast::Ident, what: &str| -> Result<DutyId, Problem> {
        match program.lookup(&name.node) {
            Some(Name::Duty(d)) => Ok(d),
            Some(_) => Err(wrong_kind(
                name,
                format!("is not a duty, so it has no {what}"),
                "not a duty",
                "`applies`, `does not apply`, `due` and `status` are said of duties; say `expect NAME = VALUE` of a rule or decision".into(),
            )),
            None => Err(unknown_name(program, name, "a duty of")),
        }
    };
    Ok(match &e.kind {
        ExpectKind::Missing(names) => CheckKind::Missing(facts(names)?),
        ExpectKind::Value(name, expr) => match program.lookup(&name.node) {
            Some(Name::Rule(r)) => {
                let ty = program.rules[r].ty;
                CheckKind::Value(r, literal(program, expr, ty, &name.node)?)
            }
            Some(Name::Duty(_)) => {
                return Err(wrong_kind(
                    name,
                    "is a duty: it applies or not, it has no value".into(),
                    "a duty",
                    format!(
                        "write `expect {0} applies` or `expect {0} does not apply`",
                        name.node
                    ),
                ));
            }
            Some(Name::Fact(_)) => {
                return Err(wrong_kind(
                    name,
                    "is a fact of the case: it is given, not expected".into(),
                    "a fact",
                    EXPECT_OUTCOMES.into(),
                ));
            }
            None => return Err(unknown_name(program, name, "a rule or decision of")),
        },
        ExpectKind::Undetermined(name, missing) => {
            let missing = missing.as_deref().map(facts).transpose()?;
            match program.lookup(&name.node) {
                Some(Name::Rule(r)) => CheckKind::RuleUndetermined(r, missing),
                Some(Name::Duty(d)) => CheckKind::DutyUndetermined(d, missing),
                Some(Name::Fact(_)) => {
                    return Err(wrong_kind(
                        name,
                        "is a fact: leave it out of `given` to make it unknown".into(),
                        "a fact",
                        EXPECT_OUTCOMES.into(),
                    ));
                }
                None => {
                    return Err(unknown_name(program, name, "a rule, decision or duty of"));
                }
            }
        }
        ExpectKind::Applies(name, b) => CheckKind::Applies(duty(name, "`applies`")?, *b),
        ExpectKind::Due(name, expr) => {
            let d = duty(name, "due date")?;
            let at = match expr.kind {
                ExprKind::Date(x) => Moment::Date(x),
                ExprKind::DateTime(x) => Moment::DateTime(x),
                _ => {
                    return Err(Problem::error("cspr::scenario_value", "expected a date")
                        .label(expr.span, "not a date")
                        .help("write `due 2024-03-11`, or `due 2024-03-05T09:30` for an hour deadline"));
                }
            };
            CheckKind::Due(d, at)
        }
        ExpectKind::Status(name, status) => {
            let d = duty(name, "status")?;
            if !STATUS_NAMES.contains(&status.node.as_str()) {
                let mut p = Problem::error(
                    "cspr::scenario_value",
                    format!("`{}` is not a status", status.node),
                )
                .label(status.span, "unknown status");
                p = match did_you_mean(&status.node, STATUS_NAMES.iter().copied()) {
                    Some(h) => p.help(h),
                    None => p.help(format!("a status is one of: {}", STATUS_NAMES.join(", "))),
                };
                return Err(p);
            }
            let Some(as_of) = &scenario.as_of else {
                return Err(Problem::error(
                    "cspr::scenario_as_of",
                    "a status is judged on a day: this scenario has no `as of DATE`",
                )
                .label(e.span, "needs a day to judge on")
                .label(scenario.name.span, "in this scenario")
                .help("add `as of 2024-03-20` (any date) to the scenario"));
            };
            CheckKind::Status(d, status.node.clone(), as_of.node)
        }
    })
}

/// A literal of a scenario as a value of type `ty` (the type of `what`).
pub(crate) fn literal(
    program: &Program,
    expr: &ast::Expr,
    ty: Type,
    what: &str,
) -> Result<Value, Problem> {
    let enum_value = |e: usize, name: &str, span: Span| -> Result<u8, Problem> {
        let def = &program.enums[e];
        def.index(name).ok_or_else(|| {
            let mut p = Problem::error(
                "cspr::scenario_value",
                format!("`{name}` is not a value of `{what}`"),
            )
            .label(span, "unknown value");
            p = match did_you_mean(name, def.variants.iter().map(String::as_str)) {
                Some(h) => p.help(h),
                None => p.help(format!("`{what}` is one of: {}", def.variants.join(", "))),
            };
            p
        })
    };
    Ok(match (&expr.kind, ty) {
        (ExprKind::Bool(b), Type::Bool) => Value::Bool(*b),
        (ExprKind::Int(n), Type::Integer) => Value::Int(*n),
        (ExprKind::Date(d), Type::Date) => Value::Date(*d),
        (ExprKind::DateTime(d), Type::DateTime) => Value::DateTime(*d),
        (ExprKind::Text(t), Type::Text) => Value::Text(t.as_str().into()),
        (ExprKind::Name(n), Type::Enum(e)) => Value::Enum(enum_value(e, n, expr.span)?),
        (ExprKind::SetLit(items), Type::Set(e)) => {
            let mut bits = 0u64;
            for i in items {
                bits |= 1u64 << enum_value(e, &i.node, i.span)?;
            }
            Value::Set(bits)
        }
        _ => {
            let example = match ty {
                Type::Bool => "`true` or `false`",
                Type::Integer => "a whole number",
                Type::Date => "a date such as 2024-03-04",
                Type::DateTime => "a date-time such as 2024-03-04T09:30",
                Type::Text => "a quoted text",
                Type::Enum(_) => "one of its values",
                Type::Set(_) => "a set such as {a, b}",
            };
            return Err(Problem::error(
                "cspr::scenario_value",
                format!(
                    "`{what}` is {}; this is not a value of that type",
                    type_name(ty, &program.enums)
                ),
            )
            .label(expr.span, "wrong type")
            .help(format!("write {example}")));
        }
    })
}

/// An `expect` (or any span of a scenario file) as written, whitespace collapsed.
pub fn written(source: &Source, span: Span) -> String {
    source
        .text
        .get(span.start..span.end)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two lists of facts hold the same facts (`want` is sorted and deduplicated).
fn same(want: &[FactId], got: &[FactId]) -> bool {
    let mut got = got.to_vec();
    got.sort_unstable();
    got.dedup();
    want == got.as_slice()
}

/// One expectation that did not hold.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Where the `expect` was written.
    pub span: Span,
    pub expected: String,
    pub actual: String,
    /// What to explain: the rule or duty the expectation is about.
    pub subject: Option<Name>,
}

/// What running one scenario found.
#[derive(Debug)]
pub enum Ran {
    /// Evaluated; the failures (none when it passed).
    Evaluated(Box<Evaluation>, Vec<Failure>),
    /// The evaluation itself failed (two exceptions conflict, a date out of range).
    Error(Problem),
}

/// Evaluate a compiled scenario and compare every expectation in force.
pub fn run(engine: &Engine<'_>, scenario: &Compiled) -> Ran {
    match suite::observe_all(engine, scenario) {
        Ok((eval, checks)) => Ran::Evaluated(eval, failures(&checks)),
        Err(p) => Ran::Error(p),
    }
}

/// The expectations in force that do not hold, in the order written.
pub fn failures(checks: &[(Check, Observed)]) -> Vec<Failure> {
    checks
        .iter()
        .filter(|(c, o)| c.in_force && !o.holds)
        .map(|(_, o)| o.failure.clone())
        .collect()
}

/// One expectation compared with an evaluation, whether it holds or not.
#[derive(Debug, Clone)]
pub struct Observed {
    pub holds: bool,
    /// The expectation, and what the evaluation gave (the same words either way).
    pub failure: Failure,
}

/// Compare one expectation with an evaluation.
pub fn observe(engine: &Engine<'_>, eval: &Evaluation, check: &Check) -> Observed {
    let program = engine.program;
    let show = |v: &Option<Value>, ty: Type| match v {
        Some(v) => Display::of(v, program, ty).to_string(),
        None => "undetermined".to_string(),
    };
    let facts = |fs: &[FactId]| format!("{{{}}}", program.fact_list(fs));
    let applies = |a: Option<bool>| match a {
        Some(true) => "applies".to_string(),
        Some(false) => "does not apply".to_string(),
        None => "undetermined".to_string(),
    };
    let seen = |holds: bool, expected: String, actual: String, subject: Option<Name>| Observed {
        holds,
        failure: Failure {
            span: check.span,
            expected,
            actual,
            subject,
        },
    };
    // "Undetermined [missing {…}]" of a rule or a duty: `settled` is its value when it
    // is not undetermined.
    let undetermined =
        |want: &Option<Vec<FactId>>, settled: Option<String>, missing: &[FactId], subject: Name| {
            let ok = settled.is_none() && want.as_ref().is_none_or(|w| same(w, missing));
            let expected = match want {
                Some(w) => format!("undetermined, missing {}", facts(w)),
                None => "undetermined".into(),
            };
            let actual =
                settled.unwrap_or_else(|| format!("undetermined, missing {}", facts(missing)));
            seen(ok, expected, actual, Some(subject))
        };
    match &check.kind {
        CheckKind::Value(r, want) => {
            let got = &eval.outcomes[*r].value;
            let ty = program.rules[*r].ty;
            let mut actual = show(got, ty);
            if got.is_none() {
                actual += &format!(", missing {}", facts(&eval.outcomes[*r].missing));
            }
            seen(
                got.as_ref() == Some(want),
                show(&Some(want.clone()), ty),
                actual,
                Some(Name::Rule(*r)),
            )
        }
        CheckKind::RuleUndetermined(r, want) => {
            let o = &eval.outcomes[*r];
            let settled = o
                .value
                .as_ref()
                .map(|_| show(&o.value, program.rules[*r].ty));
            undetermined(want, settled, &o.missing, Name::Rule(*r))
        }
        CheckKind::DutyUndetermined(d, want) => {
            let o = &eval.duties[*d];
            let settled = o.applies.map(|a| applies(Some(a)));
            undetermined(want, settled, &o.missing, Name::Duty(*d))
        }
        CheckKind::Applies(d, want) => {
            let got = eval.duties[*d].applies;
            let mut actual = applies(got);
            if got.is_none() {
                actual += &format!(", missing {}", facts(&eval.duties[*d].missing));
            }
            seen(
                got == Some(*want),
                applies(Some(*want)),
                actual,
                Some(Name::Duty(*d)),
            )
        }
        CheckKind::Due(d, want) => {
            let got = eval.duties[*d].due.map(|due| due.at);
            let actual = match got {
                Some(m) => format!("due {m}"),
                None => format!("no due date ({})", applies(eval.duties[*d].applies)),
            };
            seen(
                got == Some(*want),
                format!("due {want}"),
                actual,
                Some(Name::Duty(*d)),
            )
        }
        CheckKind::Status(d, want, as_of) => {
            let got = deadline::status(program, eval, *d, *as_of, engine.calendar);
            seen(
                got.name() == want,
                format!("status {want} as of {as_of}"),
                format!("status {}", got.name()),
                Some(Name::Duty(*d)),
            )
        }
        CheckKind::Missing(want) => seen(
            same(want, &eval.missing),
            format!("missing {}", facts(want)),
            format!("missing {}", facts(&eval.missing)),
            None,
        ),
    }
}
