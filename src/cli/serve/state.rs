//! What the server loads once at start: every procedure cspr can reach, checked, with its
//! engine tables, its JSON template and its edition table, shared by every request.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use cspr::check::Program;
use cspr::syntax::ast::ModuleKind;

use crate::cli::edition::Editions;
use crate::cli::{Library, load_procedure_near, report};

/// One module cspr serves (a partnership's procedure, or a guidance module).
pub struct Procedure {
    /// Its id, as in the address (`/api/v1/procedures/{id}/…`).
    pub id: String,
    pub title: String,
    /// `procedure` or `guidance`.
    pub kind: &'static str,
    pub version: Option<NaiveDate>,
    /// The guidance module it extends (a procedure), or `None`.
    pub extends: Option<String>,
    /// The checked program and its engine tables.
    pub shared: cspr::eval::Shared,
    /// The JSON of `cspr eval --format json`, templated once for this program.
    pub writer: cspr::report::JsonWriter,
    /// Which edition of the guidance was in force on a case's date.
    pub editions: Editions,
}

impl Procedure {
    pub fn program(&self) -> &Program {
        self.shared.program()
    }
}

/// Every procedure served, in the order listed (procedures, then guidance; by id).
pub struct State {
    pub procedures: Vec<Procedure>,
}

impl State {
    /// Load every module cspr can reach (and those in `extra`), each checked once. A
    /// module that does not check is reported on stderr and left out; none at all is an
    /// error.
    pub fn load(extra: Option<&Path>) -> Result<State, Vec<cspr::Problem>> {
        // `Library::new` looks first beside the file it is given: a name inside `extra`.
        let near: Option<PathBuf> = extra.map(|d| d.join("cspr-serve"));
        if let Some(dir) = extra
            && !dir.is_dir()
        {
            return Err(vec![crate::cli::usage_error(
                format!("`{}` is not a folder", dir.display()),
                "give --procedures a folder of .policy files",
            )]);
        }
        let mut procedures = Vec::new();
        for (id, _) in Library::new(near.as_deref()).listing() {
            match load_procedure_near(&id, near.as_deref()) {
                Ok((program, _warnings)) => procedures.push(Procedure::new(id, program)),
                Err(problems) => {
                    report(&problems);
                    note!("not serving `{id}`: it does not check");
                }
            }
        }
        if procedures.is_empty() {
            return Err(vec![crate::cli::usage_error(
                "no procedure to serve",
                "give --procedures a folder of .policy files",
            )]);
        }
        procedures
            .sort_by(|a, b| (a.kind != "procedure", &a.id).cmp(&(b.kind != "procedure", &b.id)));
        Ok(State { procedures })
    }

    /// The procedure with this id.
    pub fn get(&self, id: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.id == id)
    }
}

impl Procedure {
    fn new(id: String, program: Program) -> Procedure {
        let entry = program.entry();
        let kind = match entry.kind {
            ModuleKind::Guidance => "guidance",
            ModuleKind::Procedure => "procedure",
        };
        let (title, version) = (entry.title.clone(), entry.version);
        let extends = (program.modules.len() > 1)
            .then(|| program.modules.first().map(|m| m.id.clone()))
            .flatten();
        let writer = cspr::report::JsonWriter::new(&program);
        let editions = Editions::of(&program, false);
        Procedure {
            id,
            title,
            kind,
            version,
            extends,
            shared: cspr::eval::Shared::new(Arc::new(program)),
            writer,
            editions,
        }
    }
}
