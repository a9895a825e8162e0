//! Gather the declarations of a module chain into one name table.
//!
//! The extended guidance comes first; a procedure may add names, and may replace a rule,
//! decision or duty of the guidance only with `override` (which then takes the
//! replaced declaration's place, so the guidance's own rules use the override).

use std::collections::HashMap;

use super::program::*;
use super::types::Compiler;
use crate::diagnostic::{Problem, Source, did_you_mean};
use crate::span::Span;
use crate::syntax::ast;
use crate::value::{EnumDef, MAX_VARIANTS, Type};

/// A rule or decision declaration awaiting compilation.
#[derive(Clone, Copy)]
pub(super) enum RuleSrc<'a> {
    Rule(&'a ast::RuleDecl),
    Decision(&'a ast::DecisionDecl),
}

impl RuleSrc<'_> {
    pub(super) fn name(&self) -> &ast::Ident {
        match self {
            RuleSrc::Rule(r) => &r.name,
            RuleSrc::Decision(d) => &d.name,
        }
    }
}

/// Where a name was first declared, for duplicate reports.
#[derive(Clone, Copy)]
struct Declared {
    name: Name,
    module: ModuleId,
    span: Span,
}

/// The rules and duties of a chain, each slot holding the declaration that wins
/// (an override replaces its guidance's), with what each override replaced.
type Declarations<'a> = (
    Vec<(RuleSrc<'a>, ModuleId)>,
    Vec<(&'a ast::DutyDecl, ModuleId)>,
    Vec<Replaced>,
);

pub(super) fn build(chain: Vec<super::Loaded>) -> (Option<Program>, Vec<Problem>) {
    let mut problems = Vec::new();
    let modules: Vec<ModuleInfo> = chain
        .iter()
        .map(|(src, m)| ModuleInfo {
            id: m.id.node.clone(),
            title: m.title.clone(),
            kind: m.kind,
            version: m.version.as_ref().map(|v| v.node),
            calendar: m.calendar.as_ref().map(|c| c.node.clone()),
            source: src.clone(),
        })
        .collect();
    check_headers(&chain, &mut problems);
    let sources = declare_sources(&chain, &mut problems);
    let actors = declare_actors(&chain, &mut problems);
    let (enums, facts, mut declared) = declare_facts(&chain, &mut problems);
    let (rule_srcs, duty_srcs, replaced) =
        declare_rules_and_duties(&chain, &mut declared, &mut problems);
    check_citations(&chain, &sources, &rule_srcs, &duty_srcs, &mut problems);
    check_actors(&chain, &actors, &mut problems);
    let names: super::program::Names = declared.into_iter().map(|(k, v)| (k, v.name)).collect();

    let compiler = Compiler::new(
        &chain,
        names,
        facts,
        enums,
        rule_srcs,
        duty_srcs,
        &mut problems,
    );
    let program = compiler.run(modules.clone(), sources).map(|mut p| {
        p.replaced = replaced;
        for d in &mut p.duties {
            if let Some(a) = actors.iter().find(|a| a.name == d.actor) {
                d.actor_title.clone_from(&a.title);
            }
        }
        p.actors = actors;
        p
    });
    (program, problems)
}

/// Each module's header: a procedure names the guidance it extends, and a calendar is one
/// cspr has.
fn check_headers(chain: &[super::Loaded], problems: &mut Vec<Problem>) {
    for (source, module) in chain {
        if module.kind == ast::ModuleKind::Procedure && module.extends.is_none() {
            problems.push(
                Problem::error("cspr::no_extends", format!("procedure `{}` does not say which guidance it extends", module.id.node))
                    .label(module.id.span, "")
                    .help("add `extends working_together_2018` (or another guidance module) to the header")
                    .in_source(source),
            );
        }
        if let Some(cal) = &module.calendar
            && !crate::time::Calendar::BUILTIN_IDS.contains(&cal.node.as_str())
        {
            let known = crate::time::Calendar::BUILTIN_IDS.iter().copied();
            problems.push(
                Problem::error(
                    "cspr::unknown_calendar",
                    format!("no calendar `{}`", cal.node),
                )
                .label(cal.span, "not a calendar cspr has")
                .help(did_you_mean(&cal.node, known).unwrap_or_else(|| {
                    format!(
                        "the calendars are: {}",
                        crate::time::Calendar::BUILTIN_IDS.join(", ")
                    )
                }))
                .in_source(source),
            );
        }
    }
}

/// The sources of every module, each name declared once.
fn declare_sources(chain: &[super::Loaded], problems: &mut Vec<Problem>) -> Vec<SourceDef> {
    let src = |m: ModuleId| &chain[m].0;
    let mut sources: Vec<SourceDef> = Vec::new();
    let mut source_at: HashMap<String, (ModuleId, Span)> = HashMap::new();
    for (m, (_, module)) in chain.iter().enumerate() {
        for item in &module.items {
            if let ast::Item::Source(s) = item {
                if let Some(&(pm, ps)) = source_at.get(&s.name.node) {
                    problems.push(duplicate(&s.name, "source", pm == m, ps, src(m)));
                    continue;
                }
                source_at.insert(s.name.node.clone(), (m, s.name.span));
                sources.push(SourceDef {
                    name: s.name.node.clone(),
                    title: s.title.clone(),
                    module: m,
                    span: s.name.span,
                });
            }
        }
    }
    sources
}

/// The actors of every module, each name declared once.
fn declare_actors(chain: &[super::Loaded], problems: &mut Vec<Problem>) -> Vec<ActorDef> {
    let mut actors: Vec<ActorDef> = Vec::new();
    for (m, (source, module)) in chain.iter().enumerate() {
        for item in &module.items {
            let ast::Item::Actor(a) = item else { continue };
            if let Some(prev) = actors.iter().find(|p| p.name == a.name.node) {
                problems.push(duplicate(
                    &a.name,
                    "actor",
                    prev.module == m,
                    prev.span,
                    source,
                ));
                continue;
            }
            actors.push(ActorDef {
                name: a.name.node.clone(),
                title: a.title.node.clone(),
                module: m,
                span: a.name.span,
            });
        }
    }
    actors
}

/// Every duty's actor is declared, by its own module or one it extends (a guidance
/// module's duty cannot fall on an actor only a procedure declares).
fn check_actors(chain: &[super::Loaded], actors: &[ActorDef], problems: &mut Vec<Problem>) {
    for (m, (source, module)) in chain.iter().enumerate() {
        let visible = || actors.iter().filter(|a| a.module <= m);
        // A module that declares no actor of its own was written before actors were
        // declared (an older revision `cspr diff FILE@REV` reads, a partnership's file
        // not yet updated): an actor it names that is near no declared one is a warning,
        // so it still evaluates; a near miss of a declared actor is an error everywhere.
        let legacy = !module
            .items
            .iter()
            .any(|i| matches!(i, ast::Item::Actor(_)));
        let mut check = |actor: &ast::Ident| {
            if visible().any(|a| a.name == actor.node) {
                return;
            }
            let names = visible().map(|a| a.name.as_str());
            let near = did_you_mean(&actor.node, names);
            let message = format!("the actor `{}` is not declared", actor.node);
            let p = match (&near, legacy) {
                (None, true) => Problem::warning("cspr::undeclared_actor", message),
                _ => Problem::error("cspr::undeclared_actor", message),
            }
            .label(actor.span, "no `actor` declaration of this name")
            .in_source(source);
            problems.push(match near {
                Some(h) => p.help(h),
                None => p.help(format!(
                    "declare it near the top of the module: `actor {} \"Its title\"`",
                    actor.node
                )),
            });
        };
        for item in &module.items {
            match item {
                ast::Item::Duty(d) => check(&d.actor),
                ast::Item::Timeline(t) => t.steps.iter().for_each(|s| check(&s.actor)),
                _ => {}
            }
        }
    }
}

/// The facts of every module, with their enumerations interned by value list, and the
/// name table they start.
fn declare_facts(
    chain: &[super::Loaded],
    problems: &mut Vec<Problem>,
) -> (Vec<EnumDef>, Vec<FactDef>, HashMap<String, Declared>) {
    let mut enums: Vec<EnumDef> = Vec::new();
    let mut facts: Vec<FactDef> = Vec::new();
    let mut declared: HashMap<String, Declared> = HashMap::new();
    for (m, (source, module)) in chain.iter().enumerate() {
        for item in &module.items {
            let ast::Item::Fact(f) = item else { continue };
            if let Some(prev) = declared.get(&f.name.node) {
                problems.push(duplicate(
                    &f.name,
                    "fact",
                    prev.module == m,
                    prev.span,
                    source,
                ));
                continue;
            }
            let ty = match &f.ty {
                ast::TypeExpr::Bool => Type::Bool,
                ast::TypeExpr::Integer => Type::Integer,
                ast::TypeExpr::Date => Type::Date,
                ast::TypeExpr::DateTime => Type::DateTime,
                ast::TypeExpr::Text => Type::Text,
                ast::TypeExpr::Enum(vs) => match intern_enum(&mut enums, vs, source, problems) {
                    Some(e) => Type::Enum(e),
                    None => continue,
                },
                ast::TypeExpr::Set(vs) => match intern_enum(&mut enums, vs, source, problems) {
                    Some(e) => Type::Set(e),
                    None => continue,
                },
            };
            let id = facts.len();
            facts.push(FactDef {
                name: f.name.node.clone(),
                label: f.label.as_ref().map(|l| l.node.clone()),
                ty,
                ask: f.ask.clone(),
                module: m,
                span: f.name.span,
            });
            declared.insert(
                f.name.node.clone(),
                Declared {
                    name: Name::Fact(id),
                    module: m,
                    span: f.name.span,
                },
            );
        }
    }
    (enums, facts, declared)
}

/// Rules, decisions and duties into the name table, applying overrides.
fn declare_rules_and_duties<'a>(
    chain: &'a [super::Loaded],
    declared: &mut HashMap<String, Declared>,
    problems: &mut Vec<Problem>,
) -> Declarations<'a> {
    let mut rule_srcs: Vec<(RuleSrc<'_>, ModuleId)> = Vec::new();
    let mut duty_srcs: Vec<(&ast::DutyDecl, ModuleId)> = Vec::new();
    let mut replaced: Vec<Replaced> = Vec::new();
    for (m, (source, module)) in chain.iter().enumerate() {
        for item in &module.items {
            let (name, overrides, is_duty) = match item {
                ast::Item::Rule(r) => (&r.name, r.overrides, false),
                ast::Item::Decision(d) => (&d.name, d.overrides, false),
                ast::Item::Duty(d) => (&d.name, d.overrides, true),
                _ => continue,
            };
            let prev = declared.get(&name.node).copied();
            let slot = match (prev, overrides) {
                (Some(prev), Some(_)) if prev.module < m => match (prev.name, is_duty) {
                    (Name::Rule(id), false) => Some(Name::Rule(id)),
                    (Name::Duty(id), true) => Some(Name::Duty(id)),
                    (other, _) => {
                        let what = match other {
                            Name::Fact(_) => "a fact",
                            Name::Rule(_) => "a rule or decision",
                            Name::Duty(_) => "a duty",
                        };
                        problems.push(
                            Problem::error("cspr::override_kind", format!("`{}` overrides {what} with a different kind of declaration", name.node))
                                .label(name.span, "")
                                .help("a rule or decision can replace a rule or decision; a duty can replace a duty")
                                .in_source(source),
                        );
                        None
                    }
                },
                (Some(prev), _) => {
                    problems.push(duplicate(
                        name,
                        "declaration",
                        prev.module == m,
                        prev.span,
                        source,
                    ));
                    None
                }
                (None, Some(kw)) => {
                    let candidates: Vec<&str> = declared.keys().map(String::as_str).collect();
                    let mut p = Problem::error(
                        "cspr::override_nothing",
                        format!(
                            "`override` of `{}`, which no extended module declares",
                            name.node
                        ),
                    )
                    .label(name.span, "nothing to override")
                    .label(kw, "")
                    .in_source(source);
                    p = match did_you_mean(&name.node, candidates) {
                        Some(h) => p.help(h),
                        None => p.help("remove `override` to declare a new name"),
                    };
                    problems.push(p);
                    None
                }
                (None, None) => None,
            };
            if let Some(slot) = slot {
                replaced.extend(replaced_by(slot, &rule_srcs, &duty_srcs, m));
            }
            let new_name = match (slot, item) {
                (Some(Name::Rule(id)), ast::Item::Rule(r)) => {
                    rule_srcs[id] = (RuleSrc::Rule(r), m);
                    Name::Rule(id)
                }
                (Some(Name::Rule(id)), ast::Item::Decision(d)) => {
                    rule_srcs[id] = (RuleSrc::Decision(d), m);
                    Name::Rule(id)
                }
                (Some(Name::Duty(id)), ast::Item::Duty(d)) => {
                    duty_srcs[id] = (d, m);
                    Name::Duty(id)
                }
                (Some(_), _) => continue,
                (None, _) if prev.is_some() || overrides.is_some() => continue,
                (None, ast::Item::Rule(r)) => {
                    rule_srcs.push((RuleSrc::Rule(r), m));
                    Name::Rule(rule_srcs.len() - 1)
                }
                (None, ast::Item::Decision(d)) => {
                    rule_srcs.push((RuleSrc::Decision(d), m));
                    Name::Rule(rule_srcs.len() - 1)
                }
                (None, ast::Item::Duty(d)) => {
                    duty_srcs.push((d, m));
                    Name::Duty(duty_srcs.len() - 1)
                }
                (None, _) => continue,
            };
            declared.insert(
                name.node.clone(),
                Declared {
                    name: new_name,
                    module: m,
                    span: name.span,
                },
            );
        }
    }
    check_refines(chain, declared, problems);
    (rule_srcs, duty_srcs, replaced)
}

/// `duty a refines b`: `b` must be a duty of a module this one extends, and a refining
/// duty is a new act beside it, never an `override` as well.
fn check_refines(
    chain: &[super::Loaded],
    declared: &HashMap<String, Declared>,
    problems: &mut Vec<Problem>,
) {
    for (m, (source, module)) in chain.iter().enumerate() {
        for item in &module.items {
            let ast::Item::Duty(d) = item else { continue };
            let Some(target) = &d.refines else { continue };
            if let Some(kw) = d.overrides {
                problems.push(
                    Problem::error(
                        "cspr::refines_override",
                        format!(
                            "`{}` both overrides and refines: a refining duty stands beside the duty it refines",
                            d.name.node
                        ),
                    )
                    .label(kw, "remove `override`")
                    .label(target.span, "")
                    .help("`override` replaces the inherited duty; `refines` keeps it in force")
                    .in_source(source),
                );
                continue;
            }
            let found = declared.get(&target.node);
            if let Some(prev) = found
                && matches!(prev.name, Name::Duty(_))
                && prev.module < m
            {
                continue;
            }
            let what = match found.map(|f| (f.name, f.module < m)) {
                Some((Name::Duty(_), false)) => "a duty of this module, not an inherited one",
                Some((Name::Fact(_), _)) => "a fact, not a duty",
                Some((Name::Rule(_), _)) => "a rule or decision, not a duty",
                _ => "not a duty of any extended module",
            };
            let mut candidates: Vec<&str> = declared
                .iter()
                .filter(|(_, v)| matches!(v.name, Name::Duty(_)) && v.module < m)
                .map(|(k, _)| k.as_str())
                .collect();
            candidates.sort_unstable();
            let mut p = Problem::error(
                "cspr::refines_nothing",
                format!(
                    "`{}` refines `{}`, which is {what}",
                    d.name.node, target.node
                ),
            )
            .label(target.span, "no inherited duty of this name")
            .in_source(source);
            p = match did_you_mean(&target.node, candidates) {
                Some(h) => p.help(h),
                None => p.help("a duty refines a duty of the guidance (or procedure) it extends"),
            };
            problems.push(p);
        }
    }
}

/// Citations must name declared sources.
fn check_citations(
    chain: &[super::Loaded],
    sources: &[SourceDef],
    rule_srcs: &[(RuleSrc<'_>, ModuleId)],
    duty_srcs: &[(&ast::DutyDecl, ModuleId)],
    problems: &mut Vec<Problem>,
) {
    let src = |m: ModuleId| &chain[m].0;
    let cite_sources: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let check_cite = |c: &Option<ast::Citation>, source: &Source, problems: &mut Vec<Problem>| {
        if let Some(c) = c
            && !cite_sources.contains(&c.source.node.as_str())
        {
            let mut p = Problem::error(
                "cspr::undefined_source",
                format!("no source named `{}`", c.source.node),
            )
            .label(c.source.span, "not declared")
            .in_source(source);
            p = match did_you_mean(&c.source.node, cite_sources.iter().copied()) {
                Some(h) => p.help(h),
                None => p.help(format!("declare it: source {} = \"TITLE\"", c.source.node)),
            };
            problems.push(p);
        }
    };
    for (r, m) in rule_srcs {
        let source = src(*m);
        match r {
            RuleSrc::Rule(r) => {
                check_cite(&r.cite, source, problems);
                if let ast::RuleBody::Default { exceptions, .. } = &r.body {
                    exceptions
                        .iter()
                        .for_each(|e| check_cite(&e.cite, source, problems));
                }
            }
            RuleSrc::Decision(d) => {
                check_cite(&d.cite, source, problems);
                d.branches
                    .iter()
                    .for_each(|b| check_cite(&b.cite, source, problems));
            }
        }
    }
    for (d, m) in duty_srcs {
        check_cite(&d.cite, src(*m), problems);
    }
}

/// What the declaration in `slot` was before an override in module `by` replaced it.
fn replaced_by(
    slot: Name,
    rule_srcs: &[(RuleSrc<'_>, ModuleId)],
    duty_srcs: &[(&ast::DutyDecl, ModuleId)],
    by: ModuleId,
) -> Option<Replaced> {
    let cite = |c: &Option<ast::Citation>| c.as_ref().map(Cite::of);
    let (name, module, span, cite) = match slot {
        Name::Rule(id) => match rule_srcs[id] {
            (RuleSrc::Rule(r), m) => (&r.name, m, r.span, cite(&r.cite)),
            (RuleSrc::Decision(d), m) => (&d.name, m, d.span, cite(&d.cite)),
        },
        Name::Duty(id) => {
            let (d, m) = duty_srcs[id];
            (&d.name, m, d.span, cite(&d.cite))
        }
        Name::Fact(_) => return None,
    };
    Some(Replaced {
        name: name.node.clone(),
        module,
        span,
        cite,
        by,
    })
}

fn duplicate(
    name: &ast::Ident,
    what: &str,
    same_module: bool,
    prev: Span,
    source: &Source,
) -> Problem {
    let mut p = Problem::error(
        "cspr::duplicate",
        format!("`{}` is declared twice", name.node),
    )
    .label(name.span, format!("this {what} repeats a name"))
    .in_source(source);
    if same_module {
        p = p
            .label(prev, "first declared here")
            .help("rename one of them, or remove the repeat");
    } else {
        p = p.help(format!(
            "`{}` is already declared by the extended module; write `override` before the declaration to replace it",
            name.node
        ));
    }
    p
}

fn intern_enum(
    enums: &mut Vec<EnumDef>,
    values: &[ast::Ident],
    source: &Source,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    // The size first: the repeat check below compares each value with those before it.
    if values.len() > MAX_VARIANTS {
        problems.push(
            Problem::error(
                "cspr::too_many_values",
                format!("a list of values may have at most {MAX_VARIANTS} values"),
            )
            .label(
                values[0].span.to(values[values.len() - 1].span),
                format!("{} values", values.len()),
            )
            .help("split the fact into several")
            .in_source(source),
        );
        return None;
    }
    let mut seen: Vec<&str> = Vec::new();
    for v in values {
        if seen.contains(&v.node.as_str()) {
            problems.push(
                Problem::error(
                    "cspr::duplicate_value",
                    format!("the value `{}` is listed twice", v.node),
                )
                .label(v.span, "repeated")
                .help("list each value once")
                .in_source(source),
            );
            return None;
        }
        seen.push(&v.node);
    }
    let def = EnumDef {
        variants: values.iter().map(|v| v.node.clone()).collect(),
    };
    Some(match enums.iter().position(|e| *e == def) {
        Some(i) => i,
        None => {
            enums.push(def);
            enums.len() - 1
        }
    })
}
