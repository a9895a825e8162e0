//! The REPL's line handler: bytes split into lines, each line run as a command of one
//! session over a shipped procedure (the first byte picks it, the next two the day), as
//! `cspr repl` runs a piped script. A host in memory: procedures are the built-in
//! modules, `load` reads the fuzz input's own text, `save` writes nowhere.
#![no_main]

use cspr::builtin::Builtins;
use cspr::check::{Program, check};
use cspr::diagnostic::{Problem, Source};
use cspr::repl::{Host, Session};
use libfuzzer_sys::fuzz_target;

struct Memory(String);

impl Host for Memory {
    fn load_procedure(
        &self,
        name: &str,
        _edition: Option<&str>,
    ) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
        let module = cspr::builtin::MODULES
            .iter()
            .find(|m| m.id().as_deref() == Some(name))
            .ok_or_else(|| vec![Problem::error("fuzz", "no such procedure")])?;
        let checked = check(&module.source(), &Builtins);
        checked
            .program
            .map(|p| (p, checked.problems.clone()))
            .ok_or(checked.problems)
    }
    fn read_case(&self, path: &str) -> Result<Source, Problem> {
        Ok(Source::new(path, self.0.as_str()))
    }
    fn write_case(&self, _path: &str, _text: &str) -> Result<(), Problem> {
        Ok(())
    }
    fn procedures(&self) -> Vec<String> {
        cspr::builtin::MODULES.iter().filter_map(|m| m.id()).collect()
    }
}

fuzz_target!(|data: &[u8]| {
    let [p, a, b, rest @ ..] = data else {
        return;
    };
    let programs = cspr_fuzz::programs();
    let program = &programs[usize::from(*p) % programs.len()];
    let text = String::from_utf8_lossy(rest).into_owned();
    let host = Memory(text.clone());
    let id = program.entry().id.clone();
    let mut session = Session::new(program.clone(), &id, None, cspr_fuzz::day(*a, *b));
    for line in text.lines().take(64) {
        match session.run(&host, line) {
            Ok(reply) if reply.quit => break,
            _ => {}
        }
    }
});
