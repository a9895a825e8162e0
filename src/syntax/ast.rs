//! The typed syntax tree of one `.policy` file.
//!
//! Every node carries the [`Span`] of the text it came from, so that the checker and the
//! explanations can point back at the source. Nothing here is resolved yet: names are
//! plain strings until `check` binds them.
//!
//! Trees compare equal when they mean the same, whatever their layout: spans take no
//! part in equality (see `syntax::same`).

use chrono::{NaiveDate, NaiveDateTime};

use crate::span::{Span, Spanned};

/// A name as written, with where it was written.
pub type Ident = Spanned<String>;

/// One `.policy` file: a guidance module or a partnership procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub kind: ModuleKind,
    pub id: Ident,
    pub title: String,
    pub version: Option<Spanned<NaiveDate>>,
    pub extends: Option<Ident>,
    pub calendar: Option<Ident>,
    pub items: Vec<Item>,
}

/// `guidance` (national, extends nothing) or `procedure` (local, extends a guidance module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleKind {
    Guidance,
    Procedure,
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Source(SourceDecl),
    /// `actor name "Title"`: who duties fall on.
    Actor(ActorDecl),
    Fact(FactDecl),
    Rule(RuleDecl),
    Decision(DecisionDecl),
    Duty(DutyDecl),
    /// A process map; `check` turns each step into a duty (see `check::timeline`).
    Timeline(TimelineDecl),
    /// Words of a source deliberately left out (`not encoded … because …`).
    NotEncoded(NotEncodedDecl),
}

/// `source WT18 = "Working Together to Safeguard Children (2018)"`
#[derive(Debug, Clone)]
pub struct SourceDecl {
    pub name: Ident,
    pub title: String,
    /// `file "sources/x.txt"`: the text the source was read in, relative to the module.
    pub file: Option<Spanned<String>>,
    /// `sha256 "…"`: the SHA-256 of that file's bytes.
    pub sha256: Option<Spanned<String>>,
    pub span: Span,
}

/// `actor children_social_care "Children's Social Care"`
#[derive(Debug, Clone)]
pub struct ActorDecl {
    pub name: Ident,
    /// The title people read in every people-facing output.
    pub title: Spanned<String>,
    pub span: Span,
}

/// `cite WT18 "ch.4 para 10"`
#[derive(Debug, Clone)]
pub struct Citation {
    pub source: Ident,
    pub locator: String,
    /// `quote "…"`: the words the declaration encodes.
    pub quote: Option<Quote>,
    /// `reading "…" from SRC "…" quote "…"`: a reading of the text, and what it rests on.
    pub reading: Option<Box<Reading>>,
    pub span: Span,
}

/// `quote "…" "…"`: string literals that are one quote, joined by a space.
#[derive(Debug, Clone)]
pub struct Quote {
    pub parts: Vec<Spanned<String>>,
    pub span: Span,
}

impl Quote {
    /// The quote's text: its parts joined by a space.
    #[must_use]
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .map(Spanned::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `reading "…" from BSCP "8.2.18" quote "…"`
#[derive(Debug, Clone)]
pub struct Reading {
    /// The reading's own words.
    pub text: Spanned<String>,
    /// The source it is read from, and where in it.
    pub from: Ident,
    pub locator: Spanned<String>,
    /// The words of that source it rests on.
    pub quote: Quote,
    pub span: Span,
}

/// `not encoded cite BSCP "8.2.34" quote "…" because "…"`
#[derive(Debug, Clone)]
pub struct NotEncodedDecl {
    /// The citation, with its quote.
    pub cite: Citation,
    pub because: Spanned<String>,
    pub span: Span,
}

/// `fact name: type ask "question"`
#[derive(Debug, Clone)]
pub struct FactDecl {
    pub name: Ident,
    /// `label "…"`: the words people read instead of the name.
    pub label: Option<Spanned<String>>,
    pub ty: TypeExpr,
    pub ask: Option<String>,
    pub span: Span,
}

/// A fact's declared type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    Bool,
    Integer,
    Date,
    DateTime,
    Text,
    /// One value of a closed list.
    Enum(Vec<Ident>),
    /// Any number of values of a closed list.
    Set(Vec<Ident>),
}

/// `rule name cite …: body`
#[derive(Debug, Clone)]
pub struct RuleDecl {
    pub name: Ident,
    /// `label "…"`: the words people read instead of the name.
    pub label: Option<Spanned<String>>,
    pub cite: Option<Citation>,
    pub body: RuleBody,
    /// Where `override` was written, when this rule replaces one of the extended module.
    pub overrides: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleBody {
    /// A plain expression.
    Expr(Expr),
    /// `default expr` then exceptions that outrank it.
    Default {
        default: Expr,
        exceptions: Vec<Exception>,
    },
}

/// `exception cite …: value when condition`
#[derive(Debug, Clone)]
pub struct Exception {
    pub cite: Option<Citation>,
    pub value: Expr,
    pub when: Expr,
    pub span: Span,
}

/// `decision name cite …: branches`
#[derive(Debug, Clone)]
pub struct DecisionDecl {
    pub name: Ident,
    /// `label "…"`: the words people read instead of the name.
    pub label: Option<Spanned<String>>,
    pub cite: Option<Citation>,
    pub branches: Vec<Branch>,
    pub overrides: Option<Span>,
    pub span: Span,
}

/// `value when condition cite …`, or `otherwise value` when `when` is `None`, or a decider
/// `by FACT unless VALUE, …` (`by` is `Some`; `value` is then the fact's name and `when`
/// is `None`): the checker expands it into one branch per answer that decides.
#[derive(Debug, Clone)]
pub struct Branch {
    pub value: Ident,
    pub when: Option<Expr>,
    pub cite: Option<Citation>,
    pub span: Span,
    pub by: Option<By>,
}

/// `by la_decision unless not_yet_given`: the fact whose answer decides, and the answers
/// that pass to the branches after it.
#[derive(Debug, Clone, PartialEq)]
pub struct By {
    pub fact: Ident,
    pub unless: Vec<Ident>,
}

/// `duty name cite …: actor must "what" when … within … done …`
#[derive(Debug, Clone)]
pub struct DutyDecl {
    pub name: Ident,
    /// `label "…"`: the words people read instead of the name.
    pub label: Option<Spanned<String>>,
    pub cite: Option<Citation>,
    pub actor: Ident,
    pub modality: Modality,
    pub action: String,
    pub when: Option<Expr>,
    pub deadline: Option<Box<Deadline>>,
    /// `not before …`: the day a window opens (its kind is `NotBefore`).
    pub opens: Option<Box<Deadline>>,
    pub done: Option<Ident>,
    pub overrides: Option<Span>,
    /// `refines name`: the inherited duty this one refines (the same act; both stay in force).
    pub refines: Option<Ident>,
    pub span: Span,
}

/// `timeline name cite …: starts anchor when … step …`: steps keyed to working days from
/// a start event, kept as written so that a printer sees the timeline.
#[derive(Debug, Clone)]
pub struct TimelineDecl {
    pub name: Ident,
    pub cite: Option<Citation>,
    /// The start event when no choice below applies (or there is none).
    pub start: AnchorTerm,
    /// `(a if condition else b)`: start events tried in order.
    pub choices: Vec<(AnchorTerm, Expr)>,
    pub when: Option<Expr>,
    pub steps: Vec<Step>,
    pub span: Span,
}

/// `step days 2-7 name cite …: actor must "what" when … done …`
#[derive(Debug, Clone)]
pub struct Step {
    pub days: StepDays,
    pub name: Ident,
    /// `refines name`: the inherited duty this step is the same act as (both stay in force).
    pub refines: Option<Ident>,
    /// `label "…"`: the words people read instead of the name.
    pub label: Option<Spanned<String>>,
    pub cite: Option<Citation>,
    pub actor: Ident,
    pub modality: Modality,
    pub action: String,
    pub when: Option<Expr>,
    pub done: Option<Ident>,
    pub span: Span,
}

/// `day 15` (`first` is `None`) or `days 2-7`; the step is due on its `last` day.
/// With `on`, `on day 14` is an appointment (held on that day) and `on days 2-10` a
/// window (not before its first day).
#[derive(Debug, Clone)]
pub struct StepDays {
    pub on: bool,
    pub first: Option<u32>,
    pub last: u32,
    pub span: Span,
}

/// How binding a duty is. The three are never merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    Must,
    Should,
    May,
}

impl Modality {
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Must => "must",
            Modality::Should => "should",
            Modality::May => "may",
        }
    }
}

/// A deadline clause: `within 5 working days after la_aware_on`.
#[derive(Debug, Clone)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub amount: Spanned<u32>,
    pub unit: TimeUnit,
    /// `5 days assumed working`: the text does not say which kind of day; `unit` is the
    /// reading (`WorkingDays` or `Days`), shown everywhere as an assumption.
    pub assumed: bool,
    /// What the deadline counts from when no choice below applies (or there is none).
    pub anchor: AnchorTerm,
    /// `(a if condition else b)`: anchors tried in order, the first whose condition holds.
    pub choices: Vec<(AnchorTerm, Expr)>,
    /// `on a non-working day: next working day`: how a due date on a weekend or bank
    /// holiday moves (only where written).
    pub shift: Option<Spanned<Shift>>,
    pub span: Span,
}

/// What a deadline counts from, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum AnchorTerm {
    /// A date fact, or a duty (its due date).
    Name(Ident),
    /// `send_sin done`: the date the duty was done.
    Done(Ident),
    /// `earliest(a, b)` / `latest(a, b)`.
    Pick(Spanned<PickKind>, Vec<AnchorTerm>),
}

impl AnchorTerm {
    /// From the first name to the closing bracket.
    pub fn span(&self) -> Span {
        match self {
            AnchorTerm::Name(n) | AnchorTerm::Done(n) => n.span,
            AnchorTerm::Pick(k, parts) => parts.last().map_or(k.span, |p| {
                Span::new(k.span.start, p.span().end.max(k.span.end))
            }),
        }
    }

    /// Every name the term mentions, in order.
    pub fn names(&self) -> Vec<&Ident> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(t) = stack.pop() {
            match t {
                AnchorTerm::Name(n) | AnchorTerm::Done(n) => out.push(n),
                AnchorTerm::Pick(_, parts) => stack.extend(parts.iter().rev()),
            }
        }
        out
    }
}

/// `earliest(…)` (whichever comes first) or `latest(…)` (whichever comes last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PickKind {
    Earliest,
    Latest,
}

impl PickKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PickKind::Earliest => "earliest",
            PickKind::Latest => "latest",
        }
    }
}

/// Where a due date on a non-working day moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shift {
    NextWorkingDay,
    PreviousWorkingDay,
}

impl Shift {
    pub fn as_str(self) -> &'static str {
        match self {
            Shift::NextWorkingDay => "next working day",
            Shift::PreviousWorkingDay => "previous working day",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// `within N … after X`: due at the end of the period.
    Within,
    /// `at least N … before X`: due N before X.
    AtLeastBefore,
    /// `for at least N … after X`: a minimum period that ends N after X.
    ForAtLeast,
    /// `on N … after X`: an appointment, held on that day.
    On,
    /// `not before N … after X`: the day a window opens.
    NotBefore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    WorkingDays,
    Days,
    Weeks,
    Hours,
    Months,
}

/// An expression with its span.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Text(String),
    /// A fact, a rule, a decision, or (where an enumeration is expected) one of its values.
    Name(String),
    /// `{a, b}`: only on the right of `in`.
    SetLit(Vec<Ident>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// One scenario of a `*.scenario` file: a case, and what the procedure must make of it.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: Spanned<String>,
    /// The procedure (or guidance module) id it runs under.
    pub target: Ident,
    /// The day deadline statuses are judged on.
    pub as_of: Option<Spanned<NaiveDate>>,
    /// `given fact = value`, in the order written.
    pub given: Vec<(Ident, Expr)>,
    pub expects: Vec<Expectation>,
    pub span: Span,
}

/// `expect …`
#[derive(Debug, Clone)]
pub struct Expectation {
    pub kind: ExpectKind,
    /// `expect … under working_together_2023`: checked only when the scenario runs on
    /// that edition of the guidance.
    pub under: Option<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpectKind {
    /// `expect name = value`
    Value(Ident, Expr),
    /// `expect name undetermined [missing {a, b}]`
    Undetermined(Ident, Option<Vec<Ident>>),
    /// `expect duty applies` (true) / `expect duty does not apply` (false)
    Applies(Ident, bool),
    /// `expect duty due 2024-03-11`
    Due(Ident, Expr),
    /// `expect duty status overdue`
    Status(Ident, Ident),
    /// `expect missing {a, b}`
    Missing(Vec<Ident>),
}
