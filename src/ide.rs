//! What an editor asks of a policy or scenario file, answered from its syntax trees
//! (and those of the modules it extends): the names declared and where, what each
//! means (hover), where a name is used (references), what may be typed next
//! (completion), and the file's outline. `cspr lsp` (`src/cli/lsp.rs`) speaks the
//! Language Server Protocol over these; nothing here does I/O, and every place is a
//! byte span in a named [`Source`].
//!
//! The answers come from parsing, not checking, so they keep working while the file
//! has type errors; a file that does not parse is answered from the modules it
//! extends, and the server keeps the last index that did parse.

mod index;
mod lines;
mod outline;
mod words;

pub use index::{Decl, DeclKind, Index};
pub use lines::LineStarts;
pub use outline::{Symbol, SymbolKind, outline, scenario_outline};
pub use words::{occurrences, word_at};

use crate::diagnostic::Source;

/// One completion: the text, what it is, and a line of detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: DeclKind,
    pub detail: String,
}

/// Everything that may be written at a place: declared names, enumeration values,
/// source ids and keywords. (The editor narrows the list by what is typed.)
pub fn completions(index: &Index, scenario: bool) -> Vec<Completion> {
    let mut out: Vec<Completion> = index
        .decls
        .iter()
        .map(|d| Completion {
            label: d.name.clone(),
            kind: d.kind,
            detail: d.summary.clone(),
        })
        .collect();
    let places = crate::syntax::keywords::place_words();
    let places = places.iter().map(|w| (*w, false));
    for (word, scenario_only) in crate::syntax::keywords::keywords()
        .into_iter()
        .chain(places)
    {
        if scenario_only && !scenario {
            continue;
        }
        out.push(Completion {
            label: word.to_string(),
            kind: DeclKind::Keyword,
            detail: "keyword".into(),
        });
    }
    out.sort_by(|a, b| a.label.cmp(&b.label).then(a.detail.cmp(&b.detail)));
    out.dedup_by(|a, b| a.label == b.label && a.kind == b.kind);
    out
}

/// The name under byte `offset` of `source`, with its declaration, if it has one.
pub fn declaration_at<'i>(index: &'i Index, source: &Source, offset: usize) -> Option<&'i Decl> {
    let (_, word) = word_at(&source.text, offset)?;
    index.find(word)
}
