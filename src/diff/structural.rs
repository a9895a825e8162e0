//! What changed in the text of the rules: declarations matched by name, not position.
//!
//! Each kind of declaration is compared on its own terms, through its canonical text
//! ([`super::canon`]), so reordering declarations and reformatting them is no change:
//!
//! ```text
//! duty notify_national_panel   deadline   within 5 working days after la_aware_on
//!                                      →  within 10 working days after la_aware_on
//! ```
//!
//! A fact's type and question; a rule's expression, default and exceptions (matched by
//! their text, then by condition, then by citation); a decision's branches (matched by
//! text, then by value, and their order); a duty's actor, modality, action, condition,
//! deadline and `done` fact; citations, titles and overrides. A rename is a removal and
//! an addition. Every change is cited on both sides: the declaration's citation and
//! where it is written.

use serde::Serialize;

use super::canon;

mod rules;
use crate::check::{Cite, ModuleId, Program, type_name};
use crate::span::Span;
use crate::value::Type;
use rules::rules;

/// One change, with both sides (absent where added or removed).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// `module`, `source`, `actor`, `fact`, `rule`, `decision`, `duty` or `override`.
    pub kind: &'static str,
    pub name: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// What about it changed: `type`, `values`, `question`, `expression`, `default`,
    /// `exception`, `branch`, `branch order`, `actor`, `modality`, `action`,
    /// `condition`, `deadline`, `done`, `citation`, `quote` (the words a citation carries:
    /// its quote, or its reading and the words that rests on), `title`, `label`, `version`, `edition`,
    /// `declaration` (added or removed as a whole).
    pub aspect: &'static str,
    pub old: Option<Side>,
    pub new: Option<Side>,
}

/// One side of a change: the text, and where it comes from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Side {
    pub text: String,
    /// The citation of the declaration (or exception, or branch), as `WT18 ch.4 para 12`.
    pub cite: Option<String>,
    /// `file:line` of the declaration.
    pub at: String,
}

/// Every structural change from `old` to `new`, grouped by kind in a fixed order.
pub fn diff(old: &Program, new: &Program) -> Vec<Change> {
    let mut out = Vec::new();
    modules(old, new, &mut out);
    sources(old, new, &mut out);
    actors(old, new, &mut out);
    facts(old, new, &mut out);
    rules(old, new, &mut out);
    duties(old, new, &mut out);
    overrides(old, new, &mut out);
    out
}

fn at(p: &Program, module: ModuleId, span: Span) -> String {
    let src = p.source_of(module);
    format!("{}:{}", src.name, src.line_col(span.start).0)
}

fn side(p: &Program, module: ModuleId, span: Span, cite: Option<&Cite>, text: String) -> Side {
    Side {
        text,
        cite: cite.map(|c| c.text.clone()),
        at: at(p, module, span),
    }
}

/// The words a citation carries, as a diff shows them: a quote in quotation marks, a
/// reading as a reading with the words it rests on (never as the guidance's text).
pub(crate) fn words(cite: Option<&Cite>) -> String {
    let Some(c) = cite else {
        return "(no citation)".into();
    };
    let mut parts = Vec::new();
    if let Some(q) = &c.quote {
        parts.push(format!("quote \u{201c}{q}\u{201d}"));
    }
    if let Some(r) = &c.reading {
        parts.push(format!(
            "reading: {}; read from {}: \u{201c}{}\u{201d}",
            r.text, r.from, r.quote
        ));
    }
    if parts.is_empty() {
        "(no quote or reading)".into()
    } else {
        parts.join("; ")
    }
}

fn change(
    kind: &'static str,
    name: &str,
    aspect: &'static str,
    old: Option<Side>,
    new: Option<Side>,
) -> Change {
    let change = match (&old, &new) {
        (None, Some(_)) => "added",
        (Some(_), None) => "removed",
        _ => "changed",
    };
    Change {
        kind,
        name: name.to_string(),
        change,
        aspect,
        old,
        new,
    }
}

/// The names of both sides in a stable order: `old`'s, then those only `new` has.
fn union<'a>(old: Vec<&'a str>, new: Vec<&'a str>) -> Vec<&'a str> {
    let mut all = old.clone();
    all.extend(new.into_iter().filter(|n| !old.contains(n)));
    all
}

fn modules(old: &Program, new: &Program, out: &mut Vec<Change>) {
    let (o, n) = (old.entry(), new.entry());
    let header = |p: &Program, text: String| Side {
        text,
        cite: None,
        at: format!("{}:1", p.entry().source.name),
    };
    if o.id != n.id {
        out.push(change(
            "module",
            &n.id,
            "id",
            Some(header(old, o.id.clone())),
            Some(header(new, n.id.clone())),
        ));
    }
    if o.title != n.title {
        out.push(change(
            "module",
            &n.id,
            "title",
            Some(header(old, o.title.clone())),
            Some(header(new, n.title.clone())),
        ));
    }
    let version = |v: Option<chrono::NaiveDate>| v.map_or("(none)".into(), |d| d.to_string());
    if o.version != n.version {
        out.push(change(
            "module",
            &n.id,
            "version",
            Some(header(old, version(o.version))),
            Some(header(new, version(n.version))),
        ));
    }
    let (go, gn) = (&old.modules[0], &new.modules[0]);
    if old.modules.len() > 1 && new.modules.len() > 1 && go.id != gn.id {
        let edition = |p: &Program| {
            let g = &p.modules[0];
            Side {
                text: format!("{} ({})", g.id, g.title),
                cite: None,
                at: format!("{}:1", g.source.name),
            }
        };
        out.push(change(
            "module",
            &n.id,
            "edition",
            Some(edition(old)),
            Some(edition(new)),
        ));
    }
    let cal = |p: &Program| {
        p.modules
            .iter()
            .rev()
            .find_map(|m| m.calendar.clone())
            .unwrap_or_else(|| "(none)".into())
    };
    if cal(old) != cal(new) {
        out.push(change(
            "module",
            &n.id,
            "calendar",
            Some(header(old, cal(old))),
            Some(header(new, cal(new))),
        ));
    }
}

fn sources(old: &Program, new: &Program, out: &mut Vec<Change>) {
    let names = union(
        old.sources.iter().map(|s| s.name.as_str()).collect(),
        new.sources.iter().map(|s| s.name.as_str()).collect(),
    );
    for name in names {
        let find = |p: &Program| {
            p.sources
                .iter()
                .find(|s| s.name == name)
                .map(|s| side(p, s.module, s.span, None, s.title.clone()))
        };
        let (o, n) = (find(old), find(new));
        if o.as_ref().map(|s| &s.text) != n.as_ref().map(|s| &s.text) {
            let aspect = if o.is_some() && n.is_some() {
                "title"
            } else {
                "declaration"
            };
            out.push(change("source", name, aspect, o, n));
        }
    }
}

/// Actors declared or dropped, and titles changed (what every output for people shows in
/// the actor's place).
fn actors(old: &Program, new: &Program, out: &mut Vec<Change>) {
    let names = union(
        old.actors.iter().map(|a| a.name.as_str()).collect(),
        new.actors.iter().map(|a| a.name.as_str()).collect(),
    );
    for name in names {
        let find = |p: &Program| {
            p.actors
                .iter()
                .find(|a| a.name == name)
                .map(|a| side(p, a.module, a.span, None, a.title.clone()))
        };
        let (o, n) = (find(old), find(new));
        if o.as_ref().map(|s| &s.text) != n.as_ref().map(|s| &s.text) {
            let aspect = if o.is_some() && n.is_some() {
                "title"
            } else {
                "declaration"
            };
            out.push(change("actor", name, aspect, o, n));
        }
    }
}

/// A declaration's label as written, or `(none)`.
pub(super) fn label(l: Option<&String>) -> String {
    l.map_or("(none)".into(), |l| format!("{l:?}"))
}

/// An enumeration's values, or `None` for other types.
fn values(p: &Program, ty: Type) -> Option<&[String]> {
    match ty {
        Type::Enum(e) | Type::Set(e) => Some(&p.enums[e].variants),
        _ => None,
    }
}

/// Whether two fact types mean the same (enumerations compared as sets of names).
pub fn same_type(old: &Program, a: Type, new: &Program, b: Type) -> bool {
    match (a, b) {
        (Type::Enum(x), Type::Enum(y)) | (Type::Set(x), Type::Set(y)) => {
            let mut u = old.enums[x].variants.clone();
            let mut v = new.enums[y].variants.clone();
            u.sort();
            v.sort();
            u == v
        }
        _ => a == b,
    }
}

fn facts(old: &Program, new: &Program, out: &mut Vec<Change>) {
    let names = union(
        old.facts.iter().map(|f| f.name.as_str()).collect(),
        new.facts.iter().map(|f| f.name.as_str()).collect(),
    );
    for name in names {
        let o = old.fact_named(name).map(|f| &old.facts[f]);
        let n = new.fact_named(name).map(|f| &new.facts[f]);
        let s = |p: &Program, f: &crate::check::FactDef, text: String| {
            side(p, f.module, f.span, None, text)
        };
        let ty = |p: &Program, f: &crate::check::FactDef| type_name(f.ty, &p.enums);
        match (o, n) {
            (Some(o), Some(n)) => {
                if !same_type(old, o.ty, new, n.ty) {
                    let kinds_match = matches!(
                        (o.ty, n.ty),
                        (Type::Enum(_), Type::Enum(_)) | (Type::Set(_), Type::Set(_))
                    );
                    if let (true, Some(ov), Some(nv)) =
                        (kinds_match, values(old, o.ty), values(new, n.ty))
                    {
                        let gone: Vec<&str> = ov
                            .iter()
                            .filter(|v| !nv.contains(v))
                            .map(String::as_str)
                            .collect();
                        let added: Vec<&str> = nv
                            .iter()
                            .filter(|v| !ov.contains(v))
                            .map(String::as_str)
                            .collect();
                        let text = |side: &str, vs: &[&str]| {
                            if vs.is_empty() {
                                "(no value only here)".to_string()
                            } else {
                                format!("{side}: {}", vs.join(", "))
                            }
                        };
                        out.push(change(
                            "fact",
                            name,
                            "values",
                            Some(s(old, o, text("values only here", &gone))),
                            Some(s(new, n, text("values only here", &added))),
                        ));
                    } else {
                        out.push(change(
                            "fact",
                            name,
                            "type",
                            Some(s(old, o, ty(old, o))),
                            Some(s(new, n, ty(new, n))),
                        ));
                    }
                }
                if o.label != n.label {
                    out.push(change(
                        "fact",
                        name,
                        "label",
                        Some(s(old, o, label(o.label.as_ref()))),
                        Some(s(new, n, label(n.label.as_ref()))),
                    ));
                }
                if o.ask != n.ask {
                    let q =
                        |a: &Option<String>| a.clone().unwrap_or_else(|| "(no question)".into());
                    out.push(change(
                        "fact",
                        name,
                        "question",
                        Some(s(old, o, q(&o.ask))),
                        Some(s(new, n, q(&n.ask))),
                    ));
                }
            }
            (o, n) => out.push(change(
                "fact",
                name,
                "declaration",
                o.map(|o| s(old, o, ty(old, o))),
                n.map(|n| s(new, n, ty(new, n))),
            )),
        }
    }
}

fn duties(old: &Program, new: &Program, out: &mut Vec<Change>) {
    let names = union(
        old.duties.iter().map(|d| d.name.as_str()).collect(),
        new.duties.iter().map(|d| d.name.as_str()).collect(),
    );
    for name in names {
        fn find<'a>(p: &'a Program, name: &str) -> Option<&'a crate::check::DutyDef> {
            match p.lookup(name) {
                Some(crate::check::Name::Duty(d)) => Some(&p.duties[d]),
                _ => None,
            }
        }
        let s = |p: &Program, d: &crate::check::DutyDef, text: String| {
            side(p, d.module, d.span, d.cite.as_ref(), text)
        };
        let (o, n) = match (find(old, name), find(new, name)) {
            (Some(o), Some(n)) => (o, n),
            (o, n) => {
                out.push(change(
                    "duty",
                    name,
                    "declaration",
                    o.map(|d| s(old, d, canon::duty(old, d))),
                    n.map(|d| s(new, d, canon::duty(new, d))),
                ));
                continue;
            }
        };
        let cond = |p: &Program, d: &crate::check::DutyDef| {
            d.when
                .as_ref()
                .map_or("always".into(), |w| canon::expr(p, w))
        };
        let dl = |p: &Program, d: &crate::check::DutyDef| {
            d.deadline
                .as_ref()
                .map_or("(no deadline)".into(), |dl| canon::deadline(p, dl))
        };
        let done = |p: &Program, d: &crate::check::DutyDef| {
            d.done.map_or("(none)".into(), |f| p.facts[f].name.clone())
        };
        let cite =
            |d: &crate::check::DutyDef| d.cite.as_ref().map_or("(none)".into(), |c| c.text.clone());
        let refined = |p: &Program, d: &crate::check::DutyDef| {
            d.refines
                .map_or("(none)".into(), |r| p.duties[r].name.clone())
        };
        let aspects: [(&'static str, String, String); 10] = [
            ("citation", cite(o), cite(n)),
            ("label", label(o.label.as_ref()), label(n.label.as_ref())),
            ("quote", words(o.cite.as_ref()), words(n.cite.as_ref())),
            ("actor", o.actor.clone(), n.actor.clone()),
            (
                "modality",
                o.modality.as_str().into(),
                n.modality.as_str().into(),
            ),
            (
                "action",
                format!("{:?}", o.action),
                format!("{:?}", n.action),
            ),
            ("condition", cond(old, o), cond(new, n)),
            ("deadline", dl(old, o), dl(new, n)),
            ("done", done(old, o), done(new, n)),
            ("refines", refined(old, o), refined(new, n)),
        ];
        for (aspect, a, b) in aspects {
            if a != b {
                out.push(change(
                    "duty",
                    name,
                    aspect,
                    Some(s(old, o, a)),
                    Some(s(new, n, b)),
                ));
            }
        }
    }
}

/// Overrides the new side adds or drops: each cited with what it replaces.
fn overrides(old: &Program, new: &Program, out: &mut Vec<Change>) {
    let list = |p: &Program| -> Vec<(String, Side)> {
        p.replaced
            .iter()
            .map(|r| {
                let text = format!("overrides `{}` of {}", r.name, p.modules[r.module].id);
                (
                    r.name.clone(),
                    side(p, r.module, r.span, r.cite.as_ref(), text),
                )
            })
            .collect()
    };
    let (lo, ln) = (list(old), list(new));
    for (name, s) in &lo {
        if !ln.iter().any(|(n, _)| n == name) {
            out.push(change(
                "override",
                name,
                "declaration",
                Some(s.clone()),
                None,
            ));
        }
    }
    for (name, s) in &ln {
        if !lo.iter().any(|(n, _)| n == name) {
            out.push(change(
                "override",
                name,
                "declaration",
                None,
                Some(s.clone()),
            ));
        }
    }
}
