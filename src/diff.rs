//! The diff stage: two checked programs → what changed in the rules, and which cases
//! are now treated differently (`cspr diff OLD NEW`).
//!
//! 1. [`structural`]: declarations matched by name, compared through their canonical
//!    text ([`canon`]), grouped by kind and cited on both sides.
//! 2. [`semantic`]: for every outcome, duty and due date both sides declare, a proof
//!    that every case gets the same result, or witness cases that do not
//!    ([`space`] is the fact space, [`search`] the exact search over it, `due` compares
//!    deadlines as functions of their anchor dates, and `witness` puts each witness to
//!    the evaluator and keeps it only if the results differ).
//! 3. [`scenarios`]: a scenario suite written for the old program, run against both,
//!    and the scenarios whose expectations now fail.
//! 4. [`render`]: text for a person, Markdown for a committee paper, and JSON.
//!
//! Like every stage, it does no I/O: the front end reads the files (or `git show`s
//! them) and writes the witnesses. A long semantic diff tells a [`Progress`] how it
//! goes (targets compared, assignments searched: counts only), and the front end draws
//! the bar.

pub mod canon;
mod due;
pub mod render;
pub mod scenarios;
pub mod search;
pub mod semantic;
pub mod space;
pub mod structural;
mod witness;

use serde::Serialize;

use crate::check::Program;

/// Bounds of the semantic search.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Most partial assignments explored for one target.
    pub budget: u64,
    /// Prove every target by search, even where both definitions read the same (a
    /// check on the proof by definition, and the benchmark's workload).
    pub search_all: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            budget: 200_000,
            search_all: false,
        }
    }
}

/// A whole diff.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub old: Header,
    pub new: Header,
    /// `None` when only the semantic diff was asked for.
    pub structural: Option<Vec<structural::Change>>,
    /// `None` when only the structural diff was asked for.
    pub semantic: Option<semantic::Report>,
    /// `None` without `--scenarios`.
    pub scenarios: Option<scenarios::Impact>,
}

/// Which program a side is.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    pub id: String,
    pub title: String,
    pub version: Option<String>,
    /// The file it was read from (`path`, or `path@rev` from git).
    pub file: String,
    /// The edition of the guidance it runs on.
    pub edition: String,
    /// Whether it was put on that edition in place of the one it extends.
    pub rebased: bool,
}

impl Header {
    pub fn of(p: &Program) -> Header {
        let e = p.entry();
        Header {
            id: e.id.clone(),
            title: e.title.clone(),
            version: e.version.map(|v| v.to_string()),
            file: e.source.name.to_string(),
            edition: p.modules[0].id.clone(),
            rebased: p.rebased_onto.is_some(),
        }
    }
}

impl Diff {
    /// Whether anything differs: a structural change, a semantic difference, or a
    /// scenario that now fails.
    pub fn differs(&self) -> bool {
        self.structural.as_ref().is_some_and(|s| !s.is_empty())
            || self.semantic.as_ref().is_some_and(|s| {
                s.targets
                    .iter()
                    .any(|t| t.verdict == semantic::Verdict::Different)
            })
            || self
                .scenarios
                .as_ref()
                .is_some_and(|s| !s.now_failing.is_empty())
    }
}

impl Diff {
    /// Whether the semantic diff left some target neither proved equal nor shown
    /// different (a search cut short, or over integers, dates or text).
    pub fn unsettled(&self) -> bool {
        self.semantic.as_ref().is_some_and(|s| !s.exhaustive)
    }
}

/// What a long semantic diff reports as it goes, for a front end to draw (the library
/// does no I/O). Only counts pass through it, never a fact's value. Every method has a
/// default that does nothing; [`Silent`] implements none of them.
pub trait Progress {
    /// The number of targets (outcomes, duty applicabilities, due dates) to compare,
    /// said once before the first.
    fn targets(&self, _total: u64) {}
    /// One target compared: proved, shown different, or left unsettled.
    fn target_done(&self) {}
    /// `n` more partial assignments explored by the search of the current target
    /// (said every [`search::TICK`] assignments, so a long search moves).
    fn explored(&self, _n: u64) {}
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {}

/// What to compare.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    pub structural: bool,
    pub semantic: bool,
}

/// Diff two programs (scenario impact is added by the caller, who has the files).
pub fn diff(old: &Program, new: &Program, want: Want, options: Options) -> Diff {
    diff_watched(old, new, want, options, &Silent)
}

/// As [`diff`], telling `progress` how the semantic search goes.
pub fn diff_watched(
    old: &Program,
    new: &Program,
    want: Want,
    options: Options,
    progress: &dyn Progress,
) -> Diff {
    Diff {
        old: Header::of(old),
        new: Header::of(new),
        structural: want.structural.then(|| structural::diff(old, new)),
        semantic: want
            .semantic
            .then(|| semantic::diff_watched(old, new, options, progress)),
        scenarios: None,
    }
}
