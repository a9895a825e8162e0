//! The names a file can use: its own declarations and those of every module it
//! extends, each with where it is declared and what to show when it is hovered.

use crate::check::Resolver;
use crate::diagnostic::Source;
use crate::span::Span;
use crate::syntax::ast::{self, Item, Module, TypeExpr};
use crate::syntax::trivia::Trivia;

/// What a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    Module,
    Source,
    /// Who a duty falls on (`actor name "Title"`).
    Actor,
    Fact,
    Value,
    Rule,
    Decision,
    Duty,
    Timeline,
    Keyword,
}

/// A declared name.
#[derive(Debug, Clone)]
pub struct Decl {
    pub name: String,
    pub kind: DeclKind,
    /// The file it is declared in.
    pub source: Source,
    /// The name where it is declared.
    pub span: Span,
    /// The whole declaration.
    pub full: Span,
    /// One line, for completion lists.
    pub summary: String,
    /// Markdown, for hovers.
    pub hover: String,
}

/// The declarations of a module and the modules it extends, the extended ones first.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub decls: Vec<Decl>,
    /// The modules read, entry last, each with its syntax tree.
    pub modules: Vec<(Source, Module)>,
}

/// Longest chain of `extends` followed, as `check` allows.
const MAX_EXTENDS: usize = 8;

impl Index {
    /// Index `entry` (if it parses) and the modules it extends. Without a parse of the
    /// entry, nothing is known of what it extends.
    pub fn build(entry: &Source, resolver: &dyn Resolver) -> Option<Index> {
        let first = crate::syntax::parse(entry).ok()?;
        let mut chain = vec![(entry.clone(), first)];
        while chain.len() <= MAX_EXTENDS {
            let Some(parent) = chain.last().and_then(|(_, m)| m.extends.clone()) else {
                break;
            };
            if chain.iter().any(|(_, m)| m.id.node == parent.node) {
                break;
            }
            let Some(src) = resolver.resolve(&parent.node) else {
                break;
            };
            let Ok(module) = crate::syntax::parse(&src) else {
                break;
            };
            chain.push((src, module));
        }
        chain.reverse();
        let mut index = Index::default();
        for (source, module) in &chain {
            index.add(source, module, &chain);
        }
        index.modules = chain;
        Some(index)
    }

    /// The indexes of the procedures a scenario file names, together.
    pub fn for_scenarios(scenarios: &[ast::Scenario], resolver: &dyn Resolver) -> Index {
        let mut index = Index::default();
        let mut seen: Vec<&str> = Vec::new();
        for s in scenarios {
            if seen.contains(&s.target.node.as_str()) {
                continue;
            }
            seen.push(&s.target.node);
            if let Some(i) = resolver
                .resolve(&s.target.node)
                .and_then(|src| Index::build(&src, resolver))
            {
                index.decls.extend(i.decls);
                index.modules.extend(i.modules);
            }
        }
        index
    }

    /// The declaration a name refers to: the last one, so an `override` wins.
    pub fn find(&self, name: &str) -> Option<&Decl> {
        self.decls
            .iter()
            .rev()
            .find(|d| d.name == name && d.kind != DeclKind::Value)
            .or_else(|| self.decls.iter().find(|d| d.name == name))
    }

    fn add(&mut self, source: &Source, module: &Module, chain: &[(Source, Module)]) {
        let h = &Hover {
            source,
            module,
            chain,
            tv: Trivia::new(&source.text),
            lines: super::LineStarts::new(&source.text),
        };
        let kind_word = match module.kind {
            ast::ModuleKind::Guidance => "guidance",
            ast::ModuleKind::Procedure => "procedure",
        };
        self.push(Decl {
            name: module.id.node.clone(),
            kind: DeclKind::Module,
            source: source.clone(),
            span: module.id.span,
            full: module.id.span,
            summary: format!("{kind_word}: {}", module.title),
            hover: format!(
                "**{kind_word}** `{}`: {}\n\n{}",
                module.id.node, module.title, source.name
            ),
        });
        for item in &module.items {
            self.add_item(h, item);
        }
    }

    /// One declaration of a module, and the values it declares.
    fn add_item(&mut self, h: &Hover<'_>, item: &Item) {
        match item {
            Item::Source(s) => self.push(Decl {
                name: s.name.node.clone(),
                kind: DeclKind::Source,
                source: h.source.clone(),
                span: s.name.span,
                full: s.span,
                summary: format!("source: {}", s.title),
                hover: format!(
                    "**source** `{}`: {}\n\n{}",
                    s.name.node,
                    s.title,
                    h.place(s.span)
                ),
            }),
            Item::Actor(a) => self.push(Decl {
                name: a.name.node.clone(),
                kind: DeclKind::Actor,
                source: h.source.clone(),
                span: a.name.span,
                full: a.span,
                summary: format!("actor: {}", a.title.node),
                hover: format!(
                    "**actor** `{}`: {}\n\n{}{}",
                    a.name.node,
                    a.title.node,
                    h.place(a.span),
                    h.notes(a.span.start)
                ),
            }),
            Item::Fact(f) => self.add_fact(h, f),
            Item::Rule(r) => {
                let from = r.overrides.unwrap_or(r.span).start;
                self.push(Decl {
                    name: r.name.node.clone(),
                    kind: DeclKind::Rule,
                    source: h.source.clone(),
                    span: r.name.span,
                    full: Span::new(from, r.span.end),
                    summary: "rule".into(),
                    hover: h.declaration(from, r.span, &r.cite),
                });
            }
            Item::Decision(d) => self.add_decision(h, d),
            Item::Duty(d) => {
                let from = d.overrides.unwrap_or(d.span).start;
                self.push(Decl {
                    name: d.name.node.clone(),
                    kind: DeclKind::Duty,
                    source: h.source.clone(),
                    span: d.name.span,
                    full: Span::new(from, d.span.end),
                    summary: format!("duty: {} {}", d.actor.node, d.modality.as_str()),
                    hover: h.declaration(from, d.span, &d.cite),
                });
            }
            Item::Timeline(t) => self.add_timeline(h, t),
            // A record of words left out declares no name.
            Item::NotEncoded(_) => {}
        }
    }

    /// A fact and the values of its list.
    fn add_fact(&mut self, h: &Hover<'_>, f: &ast::FactDecl) {
        let ty = type_text(&f.ty);
        let question = f
            .ask
            .as_ref()
            .map(|q| format!("\n\nAsks: *{q}*"))
            .unwrap_or_default();
        self.push(Decl {
            name: f.name.node.clone(),
            kind: DeclKind::Fact,
            source: h.source.clone(),
            span: f.name.span,
            full: f.span,
            summary: format!("fact: {ty}"),
            hover: format!(
                "**fact** `{}`: `{ty}`{question}\n\n{}{}",
                f.name.node,
                h.place(f.span),
                h.notes(f.span.start)
            ),
        });
        if let TypeExpr::Enum(vs) | TypeExpr::Set(vs) = &f.ty {
            for v in vs {
                self.push(Decl {
                    name: v.node.clone(),
                    kind: DeclKind::Value,
                    source: h.source.clone(),
                    span: v.span,
                    full: f.span,
                    summary: format!("value of {}", f.name.node),
                    hover: format!(
                        "**value** `{}` of fact `{}`: `{ty}`\n\n{}",
                        v.node,
                        f.name.node,
                        h.place(f.span)
                    ),
                });
            }
        }
    }

    /// A decision and its values (each once, where first seen).
    fn add_decision(&mut self, h: &Hover<'_>, d: &ast::DecisionDecl) {
        let from = d.overrides.unwrap_or(d.span).start;
        // A decider (`by FACT`) gives the fact's answers: it names the fact, not a value.
        let values: Vec<String> = d
            .branches
            .iter()
            .map(|b| match &b.by {
                Some(by) => format!("by {}", by.fact.node),
                None => b.value.node.clone(),
            })
            .collect();
        for b in d.branches.iter().filter(|b| b.by.is_none()) {
            if !self.decls.iter().any(|x| x.name == b.value.node) {
                self.push(Decl {
                    name: b.value.node.clone(),
                    kind: DeclKind::Value,
                    source: h.source.clone(),
                    span: b.value.span,
                    full: b.span,
                    summary: format!("value of {}", d.name.node),
                    hover: format!(
                        "**value** `{}` of decision `{}`{}\n\n{}",
                        b.value.node,
                        d.name.node,
                        h.cite(&b.cite),
                        h.place(b.span)
                    ),
                });
            }
        }
        self.push(Decl {
            name: d.name.node.clone(),
            kind: DeclKind::Decision,
            source: h.source.clone(),
            span: d.name.span,
            full: Span::new(from, d.span.end),
            summary: format!("decision: {}", values.join(" | ")),
            hover: h.declaration(from, d.span, &d.cite),
        });
    }

    /// A timeline and its steps, each a duty.
    fn add_timeline(&mut self, h: &Hover<'_>, t: &ast::TimelineDecl) {
        self.push(Decl {
            name: t.name.node.clone(),
            kind: DeclKind::Timeline,
            source: h.source.clone(),
            span: t.name.span,
            full: t.span,
            summary: format!("timeline: {} steps", t.steps.len()),
            hover: format!(
                "**timeline** `{}`: {} steps from `{}`{}\n\n{}{}",
                t.name.node,
                t.steps.len(),
                crate::fmt::anchor_term(&t.start),
                h.cite(&t.cite),
                h.place(t.span),
                h.notes(t.span.start)
            ),
        });
        for s in &t.steps {
            self.push(Decl {
                name: s.name.node.clone(),
                kind: DeclKind::Duty,
                source: h.source.clone(),
                span: s.name.span,
                full: s.span,
                summary: format!(
                    "duty (timeline {}): {} {}",
                    t.name.node,
                    s.actor.node,
                    s.modality.as_str()
                ),
                hover: format!(
                    "{}{}\n\nA step of timeline `{}`: {} `{}`.\n\n{}{}",
                    h.code(s.span.start, s.span),
                    h.cite(&s.cite.clone().or_else(|| t.cite.clone())),
                    t.name.node,
                    match (s.days.on, s.days.first) {
                        (true, None) => format!(
                            "an appointment, held on working day {} (too early before it, late after it) after",
                            s.days.last
                        ),
                        (true, Some(first)) => format!(
                            "a window, not before working day {first} and due by working day {} after",
                            s.days.last
                        ),
                        (false, _) => format!("due on working day {} after", s.days.last),
                    },
                    crate::fmt::anchor_term(&t.start),
                    h.place(s.span),
                    h.notes(s.span.start)
                ),
            });
        }
    }

    fn push(&mut self, decl: Decl) {
        self.decls.push(decl);
    }
}

/// What a declaration's hover is made of: its module, where it is, what it cites, the
/// comments before it and its code.
struct Hover<'a> {
    source: &'a Source,
    module: &'a Module,
    chain: &'a [(Source, Module)],
    tv: Trivia<'a>,
    /// Where each line starts, so a declaration's line number is a search, not a count.
    lines: super::LineStarts,
}

impl Hover<'_> {
    /// The title of the source `id` declares, anywhere in the chain.
    fn title_of(&self, id: &str) -> Option<String> {
        self.chain
            .iter()
            .flat_map(|(_, m)| &m.items)
            .find_map(|i| match i {
                Item::Source(s) if s.name.node == id => Some(s.title.clone()),
                _ => None,
            })
    }

    /// `Declared in `MODULE` (FILE:LINE).`
    fn place(&self, span: Span) -> String {
        let line = self.lines.line(span.start) + 1;
        format!(
            "Declared in `{}` ({}:{line}).",
            self.module.id.node, self.source.name
        )
    }

    /// What a citation cites, with the source's title.
    fn cite(&self, c: &Option<ast::Citation>) -> String {
        match c {
            Some(c) => format!(
                "\n\nCites **{}** {}: {}",
                c.source.node,
                c.locator,
                self.title_of(&c.source.node)
                    .unwrap_or_else(|| "(no such source)".into())
            ),
            None => String::new(),
        }
    }

    /// A declaration's hover: its code (from `from`, its `override` if any), its citation,
    /// where it is declared, and the comments before it.
    fn declaration(&self, from: usize, span: Span, cite: &Option<ast::Citation>) -> String {
        format!(
            "{}{}\n\n{}{}",
            self.code(from, span),
            self.cite(cite),
            self.place(span),
            self.notes(from)
        )
    }

    /// The comments before `start`, without banner rules.
    fn notes(&self, start: usize) -> String {
        let lines: Vec<String> = self
            .tv
            .leading(start)
            .iter()
            .map(|c| c.text.trim_start_matches('#').trim().to_string())
            // Banner rules (`# ------`) are layout, not words.
            .filter(|l| !l.chars().all(|c| "-=*_#~ ".contains(c)))
            .collect();
        if lines.is_empty() {
            String::new()
        } else {
            format!("\n\n{}", lines.join("\n"))
        }
    }

    /// The declaration's code from `from` to the end of `span`, as a fenced block.
    fn code(&self, from: usize, span: Span) -> String {
        let text = &self.source.text[from..self.tv.code_end(span)];
        format!("```cspr\n{text}\n```")
    }
}

/// A type as written in a `fact` declaration.
fn type_text(ty: &TypeExpr) -> String {
    let names = |v: &[ast::Ident]| v.iter().map(|i| i.as_str()).collect::<Vec<_>>().join(" | ");
    match ty {
        TypeExpr::Bool => "bool".into(),
        TypeExpr::Integer => "integer".into(),
        TypeExpr::Date => "date".into(),
        TypeExpr::DateTime => "date-time".into(),
        TypeExpr::Text => "text".into(),
        TypeExpr::Enum(v) => names(v),
        TypeExpr::Set(v) => format!("set of {}", names(v)),
    }
}
