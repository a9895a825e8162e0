//! The commands that touch files and procedures: `load`, `save`, `use`, `reload` and
//! `compare`. Every file is read or written through the front end's [`Host`].

use std::sync::Arc;

use super::{Block, Changes, Compared, Host, Reply, Section, Session, evaluate, problem, save};
use crate::case::{self, Format};
use crate::diagnostic::Problem;
use crate::eval::Shared;

impl Session {
    /// Replace the case with the case file at `path` (as the `load` command).
    pub fn load(&mut self, host: &dyn Host, path: &str) -> Result<Reply, Vec<Problem>> {
        let source = host.read_case(path).map_err(|p| vec![p])?;
        let format = Format::from_name(&source.name);
        if format == Format::JsonLines {
            return Err(problem(
                "`load` takes one case, not a batch",
                "give a .json or .toml case file",
            ));
        }
        let case = case::parse(self.program(), &source, format)?;
        let known = case.facts().iter().filter(|v| v.is_some()).count();
        self.case = case;
        self.current = evaluate(&self.shared, &self.case);
        self.unsaved = false;
        let mut reply = Reply::note(format!("loaded {known} facts from {path}"));
        reply
            .blocks
            .push(Block::Report(self.render(&self.current, Section::All)));
        Ok(reply)
    }

    /// `save [--force] FILE`. An existing file is replaced only with `--force` or when the
    /// person at the keyboard says yes; a script must say `--force`.
    pub(super) fn save(
        &mut self,
        host: &dyn Host,
        path: &str,
        force: bool,
    ) -> Result<Reply, Vec<Problem>> {
        let text = match Format::from_name(path) {
            Format::Toml => save::to_toml_text(self.program(), &self.case),
            Format::Json if path.ends_with(".json") => {
                save::to_json_text(self.program(), &self.case)
            }
            _ => {
                return Err(problem(
                    format!("cannot tell the format of `{path}`"),
                    "save to a .json or .toml file",
                ));
            }
        };
        if !force && host.exists(path) && !host.confirm(&format!("`{path}` exists: replace it?")) {
            return Err(problem(
                format!("`{path}` exists: not replaced"),
                format!("`save --force {path}` replaces it, or save to another file"),
            ));
        }
        host.write_case(path, &text).map_err(|p| vec![p])?;
        self.unsaved = false;
        let known = self.case.facts().iter().filter(|v| v.is_some()).count();
        Ok(Reply::note(format!("saved {known} facts to {path}")))
    }

    /// `use` another procedure (or `reload` this one), carrying the case over by name.
    pub(super) fn switch(
        &mut self,
        host: &dyn Host,
        name: &str,
        edition: Option<&str>,
        reload: bool,
    ) -> Result<Reply, Vec<Problem>> {
        let (program, warnings) = host.load_procedure(name, edition)?;
        let shared = Shared::new(Arc::new(program));
        let (case, lost) = self.case.translate(self.shared.program(), shared.program());
        let current = evaluate(&shared, &case);
        let entry = shared.program().entry();
        let on = match edition {
            Some(e) => format!(" on {e}"),
            None => String::new(),
        };
        let mut reply = Reply::note(if reload {
            format!("reloaded {} ({}){on}", entry.title, entry.id)
        } else {
            format!("now using {} ({}){on}", entry.title, entry.id)
        });
        if !lost.is_empty() {
            reply.blocks.push(Block::NotCarried(lost));
        }
        if !warnings.is_empty() {
            reply.blocks.push(Block::Problems(warnings));
        }
        if let (Ok(before), Ok(after)) = (&self.current, &current)
            && reload
        {
            reply.blocks.push(Block::Changes(Changes::between_programs(
                self.shared.program(),
                before,
                shared.program(),
                after,
            )));
        }
        self.shared = shared;
        self.case = case;
        self.current = current;
        self.name = name.to_string();
        self.edition = edition.map(str::to_string);
        Ok(reply)
    }

    pub(super) fn compare(&self, host: &dyn Host, ids: Vec<String>) -> Result<Reply, Vec<Problem>> {
        let mut columns = Vec::new();
        let mut problems = Vec::new();
        let ids = if ids.is_empty() {
            host.procedures()
        } else {
            ids
        };
        for id in ids {
            let loaded = match host.load_procedure(&id, self.edition.as_deref()) {
                Err(ps) if ps.iter().any(|p| p.code == "cspr::not_a_procedure") => {
                    host.load_procedure(&id, None)
                }
                other => other,
            };
            let program = match loaded {
                Ok((p, _)) => Arc::new(p),
                Err(ps) => {
                    problems.extend(ps);
                    continue;
                }
            };
            let (case, not_carried) = self.case.translate(self.program(), &program);
            match Shared::new(program.clone()).engine().evaluate_case(case) {
                Ok(eval) => columns.push(Compared {
                    program,
                    eval,
                    not_carried,
                }),
                Err(e) => problems.push(e.problem().clone()),
            }
        }
        if columns.is_empty() {
            problems.push(
                Problem::error("cspr::repl", "no procedure found to compare the case under")
                    .help("run from a directory with policies/, or set CSPR_PATH"),
            );
            return Err(problems);
        }
        let mut reply = Reply::of(Block::Compared(columns));
        if !problems.is_empty() {
            reply.blocks.push(Block::Problems(problems));
        }
        Ok(reply)
    }
}
