//! The checked program: every name resolved to an index, every expression typed and
//! compiled, rules in an order where each comes after everything it uses.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::diagnostic::Source;
use crate::span::Span;
use crate::syntax::ast::{CmpOp, DeadlineKind, Modality, ModuleKind, PickKind, Shift, TimeUnit};
use crate::value::{EnumDef, Type, Value};

pub type FactId = usize;
pub type RuleId = usize;
pub type DutyId = usize;
pub type ModuleId = usize;

/// A procedure (or guidance module) with everything it extends, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Program {
    /// The chain of modules, the extended guidance first and the entry module last.
    pub modules: Vec<ModuleInfo>,
    pub sources: Vec<SourceDef>,
    /// Who duties fall on (`actor name "Title"`), the extended module's first.
    pub actors: Vec<ActorDef>,
    pub enums: Vec<EnumDef>,
    pub facts: Vec<FactDef>,
    /// Rules and decisions, in declaration order (the extended module's first).
    pub rules: Vec<RuleDef>,
    pub duties: Vec<DutyDef>,
    /// Every rule, each after the rules it uses.
    pub order: Vec<RuleId>,
    pub(crate) names: Names,
    /// Which checked program this is: cases carry it, so a case is only ever evaluated
    /// by the program whose facts it indexes.
    pub(crate) key: ProgramKey,
    /// The edition this procedure was put on with `--guidance`, when not the one its
    /// file extends.
    pub rebased_onto: Option<String>,
    /// The declarations an `override` replaced (the extended module's own), in the order
    /// the overrides were met: kept so a diff can say what an override dropped.
    pub replaced: Vec<Replaced>,
}

/// A declaration of an extended module that a later module's `override` replaced.
#[derive(Debug, Clone)]
pub struct Replaced {
    pub name: String,
    /// The module that declared it.
    pub module: ModuleId,
    /// Its declaration in that module's source.
    pub span: Span,
    /// Its citation as written.
    pub cite: Option<Cite>,
    /// The module whose override replaced it.
    pub by: ModuleId,
}

/// The identity of one checked program. Every call of [`crate::check::check`] makes a
/// new one (a clone of a program keeps its key: it has the same facts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramKey(u64);

impl ProgramKey {
    pub(crate) fn fresh() -> ProgramKey {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ProgramKey(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// The program's names (looked up for every key of every case: FxHash, not SipHash —
/// the names are the program's own, not input an attacker chooses the hashes of).
pub(crate) type Names = HashMap<String, Name, rustc_hash::FxBuildHasher>;

/// What a name in a program stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    Fact(FactId),
    Rule(RuleId),
    Duty(DutyId),
}

impl Program {
    /// The entry module: the procedure being evaluated.
    pub fn entry(&self) -> &ModuleInfo {
        &self.modules[self.modules.len() - 1]
    }

    /// This program's identity (see [`ProgramKey`]).
    pub fn key(&self) -> ProgramKey {
        self.key
    }

    pub fn lookup(&self, name: &str) -> Option<Name> {
        self.names.get(name).copied()
    }

    pub fn fact_named(&self, name: &str) -> Option<FactId> {
        match self.lookup(name) {
            Some(Name::Fact(f)) => Some(f),
            _ => None,
        }
    }

    /// All names of facts, rules, decisions and duties, for "did you mean".
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }

    pub fn source_of(&self, module: ModuleId) -> &Source {
        &self.modules[module].source
    }

    /// The title of the actor `name` (its code name when no module declares it, which
    /// `check` does not let happen).
    pub fn actor_title<'p>(&'p self, name: &'p str) -> &'p str {
        self.actors
            .iter()
            .find(|a| a.name == name)
            .map_or(name, |a| a.title.as_str())
    }

    /// What people read for a fact, rule, decision or duty (see [`Program::label_of`]).
    pub fn label(&self, name: Name) -> String {
        match name {
            Name::Fact(f) => self.facts[f].label(),
            Name::Rule(r) => self.rules[r].label(),
            Name::Duty(d) => self.duties[d].label(),
        }
    }

    /// What people read for a declaration named `name`: its `label`, else its question
    /// (a fact), else its name in words; `name` itself when the
    /// program declares no such thing.
    pub fn label_of(&self, name: &str) -> String {
        self.lookup(name)
            .map_or_else(|| name.to_string(), |n| self.label(n))
    }

    /// Fact names joined with commas, for "depends on a, b".
    pub fn fact_list(&self, facts: &[FactId]) -> String {
        self.fact_names(facts).join(", ")
    }

    /// The names of facts, in the order given.
    pub fn fact_names(&self, facts: &[FactId]) -> Vec<&str> {
        facts.iter().map(|f| self.facts[*f].name.as_str()).collect()
    }
}

#[derive(Debug, Clone)]
pub struct ModuleInfo {
    pub id: String,
    pub title: String,
    pub kind: ModuleKind,
    pub version: Option<NaiveDate>,
    pub calendar: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct SourceDef {
    pub name: String,
    pub title: String,
    /// The module that declares it, and where.
    pub module: ModuleId,
    pub span: Span,
}

/// A citation: `WT18 "ch.4 para 10"` prints as `WT18 ch.4 para 10`. Two citations are
/// equal when they cite the same place: the words they carry are provenance, not the rule.
#[derive(Debug, Clone)]
pub struct Cite {
    pub source: String,
    pub locator: String,
    /// `source locator`, as shown everywhere.
    pub text: String,
    /// The words of the source the citation quotes (`quote "…"`), its strings joined.
    pub quote: Option<String>,
    /// A reading of the text (`reading "…" from SOURCE "…" quote "…"`).
    pub reading: Option<CiteReading>,
}

/// A reading: the module's own words, and the words of the text it rests on.
#[derive(Debug, Clone)]
pub struct CiteReading {
    pub text: String,
    /// Where it is read from, as `BSCP 8.2.18`.
    pub from: String,
    pub quote: String,
}

impl PartialEq for Cite {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.locator == other.locator
    }
}

impl Eq for Cite {}

impl Cite {
    pub fn new(source: &str, locator: &str) -> Cite {
        Cite {
            source: source.to_string(),
            locator: locator.to_string(),
            text: format!("{source} {locator}"),
            quote: None,
            reading: None,
        }
    }

    /// A citation as written, with its quote or reading.
    pub fn of(c: &crate::syntax::ast::Citation) -> Cite {
        Cite {
            quote: c.quote.as_ref().map(crate::syntax::ast::Quote::text),
            reading: c.reading.as_ref().map(|r| CiteReading {
                text: r.text.node.clone(),
                from: format!("{} {}", r.from.node, r.locator.node),
                quote: r.quote.text(),
            }),
            ..Cite::new(&c.source.node, &c.locator)
        }
    }
}

impl std::fmt::Display for Cite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// `actor children_social_care "Children's Social Care"`
#[derive(Debug, Clone)]
pub struct ActorDef {
    pub name: String,
    pub title: String,
    /// The module that declares it, and where.
    pub module: ModuleId,
    pub span: Span,
}

/// A code name in words, for a declaration with neither a label nor text of its own:
/// `rapid_review_required` → `Rapid review required`; an acronym the declaration's own
/// text spells in capitals is spelt so (`complete_lcspr` with "… the LCSPR …" → `Complete
/// LCSPR`), as are the field's own (`ofsted` → `Ofsted`, `sirg` → `SIRG`).
pub fn name_in_words(name: &str) -> String {
    name_in_words_from(name, "")
}

/// [`name_in_words`], each word spelt as `text` spells it where `text` has it with capitals.
pub fn name_in_words_from(name: &str, text: &str) -> String {
    let spelt = |word: &str| -> String {
        let from_text = text.split(|c: char| !c.is_alphanumeric()).find(|t| {
            // An acronym or a word with capitals inside (`LCSPR`, `DfE`), not a word
            // capitalised for a title (`the Panel`, `a Review`).
            t.eq_ignore_ascii_case(word) && t.chars().skip(1).any(char::is_uppercase)
        });
        if let Some(t) = from_text {
            return t.to_string();
        }
        const FIELD: &[&str] = &[
            "CSPR", "LCSPR", "SIN", "SIRG", "LSCP", "BSCP", "WSP", "DfE", "Ofsted", "England",
            "Wales", "NHS", "ICB", "TOR", "SCR", "LADO", "MASH",
        ];
        FIELD
            .iter()
            .find(|f| f.eq_ignore_ascii_case(word))
            .map_or_else(|| word.to_string(), |f| (*f).to_string())
    };
    let words: Vec<String> = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(spelt)
        .collect();
    let words = words.join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

#[derive(Debug, Clone)]
pub struct FactDef {
    pub name: String,
    /// `label "…"` as written.
    pub label: Option<String>,
    pub ty: Type,
    pub ask: Option<String>,
    pub module: ModuleId,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Rule,
    Decision,
}

#[derive(Debug, Clone)]
pub struct RuleDef {
    pub name: String,
    /// `label "…"` as written.
    pub label: Option<String>,
    pub kind: RuleKind,
    pub ty: Type,
    pub cite: Option<Cite>,
    pub body: Body,
    pub module: ModuleId,
    pub span: Span,
    /// Whether this replaces a declaration of the extended module.
    pub overrides: bool,
    /// The body as written (whitespace collapsed), for explanations.
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum Body {
    Expr(Expr),
    Default {
        default: Expr,
        exceptions: Vec<ExceptionDef>,
    },
    Decision {
        branches: Vec<BranchDef>,
    },
}

#[derive(Debug, Clone)]
pub struct ExceptionDef {
    pub cite: Option<Cite>,
    pub value: Expr,
    pub when: Expr,
    pub span: Span,
    /// `value when condition` as written.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct BranchDef {
    /// Index of the value in the decision's enumeration.
    pub value: u8,
    /// `None` for `otherwise`.
    pub when: Option<Expr>,
    pub cite: Option<Cite>,
    pub span: Span,
    /// `value when condition` (or `otherwise value`) as written.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct DutyDef {
    pub name: String,
    /// `label "…"` as written.
    pub label: Option<String>,
    /// The actor's code name, as written.
    pub actor: String,
    /// The actor's title, from its `actor` declaration.
    pub actor_title: String,
    pub modality: Modality,
    pub action: String,
    pub cite: Option<Cite>,
    pub when: Option<Expr>,
    pub deadline: Option<DeadlineDef>,
    /// The fact recording when the step was done.
    pub done: Option<FactId>,
    pub module: ModuleId,
    pub span: Span,
    pub overrides: bool,
    /// `refines name`: the inherited duty this one refines (the same act; both in force,
    /// the earlier due date binds).
    pub refines: Option<DutyId>,
    /// The `when` condition as written.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct DeadlineDef {
    pub kind: DeadlineKind,
    pub amount: u32,
    pub unit: TimeUnit,
    /// The unit is a reading of a text that says only "days" (`assumed working`).
    pub assumed: bool,
    /// What it counts from when no choice applies (or there is none).
    pub anchor: AnchorDef,
    /// `(a if condition else b)`: tried in order; the first whose condition holds.
    pub choices: Vec<(Expr, AnchorDef)>,
    /// `on a non-working day: …`: where a due date on a weekend or bank holiday moves.
    pub shift: Option<Shift>,
    /// `not before …`: the day a window opens (kind `NotBefore`).
    pub opens: Option<Box<DeadlineDef>>,
    /// Each anchor as written (`earliest(a, b done)`): the choices' in order, then the
    /// default's — what an output names when an anchor is the earliest or latest of several.
    pub written: Vec<String>,
    pub span: Span,
}

impl DeadlineDef {
    /// Every date the deadline may count from (its own and its window's), chosen or not,
    /// in the order written.
    pub fn anchors(&self) -> Vec<Anchor> {
        let mut out = Vec::new();
        for a in std::iter::once(&self.anchor).chain(self.choices.iter().map(|(_, a)| a)) {
            a.leaves(&mut out);
        }
        if let Some(o) = &self.opens {
            out.extend(o.anchors());
        }
        out
    }

    /// The first `f` gives for the anchors, in the order of [`DeadlineDef::anchors`],
    /// without collecting them (the evaluator's hot path).
    pub fn find_anchor<T>(&self, f: &mut impl FnMut(Anchor) -> Option<T>) -> Option<T> {
        std::iter::once(&self.anchor)
            .chain(self.choices.iter().map(|(_, a)| a))
            .find_map(|a| a.find(f))
            .or_else(|| self.opens.as_ref().and_then(|o| o.find_anchor(f)))
    }
}

/// One date a deadline may count from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Fact(FactId),
    /// Another duty's due date.
    Duty(DutyId),
    /// `send_sin done`: the day the duty was done (the fact its `done` clause names).
    Done(DutyId, FactId),
}

/// What a deadline counts from: one date, or the earliest or latest of several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorDef {
    One(Anchor),
    Pick(PickKind, Vec<AnchorDef>),
}

impl AnchorDef {
    /// Appends every date this may be, in the order written.
    pub fn leaves(&self, out: &mut Vec<Anchor>) {
        match self {
            AnchorDef::One(a) => out.push(*a),
            AnchorDef::Pick(_, parts) => parts.iter().for_each(|p| p.leaves(out)),
        }
    }

    /// The first `f` gives for the dates this may be, in the order written.
    pub fn find<T>(&self, f: &mut impl FnMut(Anchor) -> Option<T>) -> Option<T> {
        match self {
            AnchorDef::One(a) => f(*a),
            AnchorDef::Pick(_, parts) => parts.iter().find_map(|p| p.find(f)),
        }
    }
}

/// A compiled expression: names resolved, enumeration values as indices.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Const(Value),
    Fact(FactId),
    Rule(RuleId),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// `x in {a, b}`: the mask of the listed values.
    InConst(Box<Expr>, u64),
    /// `value in set_valued`.
    Member(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Calls `f` on every fact and rule the expression mentions.
    pub fn visit_refs(&self, f: &mut impl FnMut(Name)) {
        match self {
            Expr::Const(_) => {}
            Expr::Fact(id) => f(Name::Fact(*id)),
            Expr::Rule(id) => f(Name::Rule(*id)),
            Expr::Not(e) | Expr::InConst(e, _) => e.visit_refs(f),
            Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| e.visit_refs(f)),
            Expr::Cmp(_, a, b) | Expr::Member(a, b) => {
                a.visit_refs(f);
                b.visit_refs(f);
            }
        }
    }
}

impl FactDef {
    /// What people read for the fact: its label, else its question, else its name in words.
    pub fn label(&self) -> String {
        self.label
            .clone()
            .or_else(|| self.ask.clone())
            .unwrap_or_else(|| name_in_words(&self.name))
    }
}

impl DutyDef {
    /// What people read for the duty: its label, else its name in words (its action,
    /// a sentence, is shown beside it where there is room).
    pub fn label(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| name_in_words_from(&self.name, &self.action))
    }
}

impl RuleDef {
    /// What people read for the rule or decision: its label, else its name in words.
    pub fn label(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| name_in_words(&self.name))
    }

    /// Every expression of the rule's body.
    pub fn exprs(&self) -> Vec<&Expr> {
        match &self.body {
            Body::Expr(e) => vec![e],
            Body::Default {
                default,
                exceptions,
            } => {
                let mut v = vec![default];
                for ex in exceptions {
                    v.push(&ex.when);
                    v.push(&ex.value);
                }
                v
            }
            Body::Decision { branches } => {
                branches.iter().filter_map(|b| b.when.as_ref()).collect()
            }
        }
    }
}
