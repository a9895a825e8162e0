//! cspr: a declarative policy language for English child safeguarding practice review
//! procedures, and its interpreter.
//!
//! The library is a pipeline; each stage is a module, and none does I/O or prints:
//!
//! 1. [`syntax`]: policy text → typed syntax tree (pest grammar in `grammar/policy.pest`).
//! 2. [`check`]: syntax trees of a procedure and the guidance it extends → one resolved,
//!    type-checked [`check::Program`], or every problem found at once.
//! 3. [`case`]: a case file (JSON, TOML, JSON Lines) → typed facts of a program.
//! 4. [`eval`]: program + case → three-valued outcomes, duties and missing facts, with
//!    cited derivation trees ([`eval::explain`]).
//! 5. [`report`]: an evaluation → one view model ([`report::Report`]) → aligned text for a
//!    person, the JSON of DESIGN §4, iCalendar, or the HTML decision report; a program →
//!    its graph (DOT, Mermaid, SVG).
//! 6. [`scenario`]: scenario files → expectations checked against evaluations, and the
//!    coverage of the procedures they exercised (`cspr test`).
//! 7. [`repl`]: a session over one procedure and a case, answering typed commands with
//!    values (`cspr repl`'s backend).
//! 8. [`diff`]: two programs → what changed in the rules (matched by name, cited) and
//!    which cases they treat differently, proved or shown by witness cases (`cspr diff`).
//!
//! [`builtin`] holds the shipped modules (`policies/*.policy`), built in by `build.rs`;
//! [`edition`] the editions of the guidance and the day each came into force
//! (`policies/editions.toml`), to say which was in force on a case's date.
//!
//! Authoring tools sit beside the pipeline: [`fmt`] prints a file in its canonical layout
//! from the syntax tree and its [`syntax::trivia`] (comments, parentheses); [`ide`] answers
//! an editor's questions (hover, definition, references, completion, outline) for
//! `cspr lsp`.
//!
//! The `cspr` binary (`src/main.rs`, `src/cli/`) is a thin front end over these stages.

// pest without `std` (see Cargo.toml) generates code that names `::alloc`.
extern crate alloc;

pub mod builtin;
pub mod case;
pub mod check;
pub mod diagnostic;
pub mod diff;
pub mod edition;
pub mod eval;
pub mod fmt;

pub mod ide;
pub mod provenance;
pub mod repl;
pub mod report;
pub mod scenario;
pub mod span;
pub mod syntax;
pub mod time;
pub mod value;

pub use diagnostic::{Problem, Source};
