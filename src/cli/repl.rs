//! `cspr repl`: an interactive session over a case, on the library's session backend
//! ([`cspr::repl::Session`]).
//!
//! On a terminal, lines are read with rustyline (completion, hints, in-memory history);
//! otherwise (a pipe or a file on stdin) each line is a command, run without prompts or
//! colour, and the exit code is 1 if any command failed — so a session can be replayed
//! and tested. Case facts are never written anywhere but by `save`: the history is kept
//! in memory unless `--history FILE` asks for a file.

mod helper;

use std::io::{BufRead, IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use clap::Args;
use cspr::Problem;
use cspr::check::Program;
use cspr::diagnostic::Source;
use cspr::repl::{Block, Host, Question, Reply, Session, changes};
use rustyline::history::{FileHistory, History, MemHistory};
use rustyline::{Config, Editor};

use super::{BAD_INPUT, FAILED, load_procedure_onto, read_source, report, usage_error};
use helper::{ReplHelper, blank_controls, echo, escape_controls};

/// Build a case interactively: what follows, what is still open, why, and what if
#[derive(Args)]
#[command(after_help = "Examples:
  cspr repl lincolnshire
  cspr repl lincolnshire policies/examples/lincolnshire-incomplete.json
  cspr repl buckinghamshire --guidance working_together_2023 --as-of 2024-03-20
  cspr repl lincolnshire case.json < commands.txt      (scripted: no prompts; exit 1 if a command failed)

In the session: `set child_died = true`, `ask` (an interview, in the procedure's order),
`why pathway`, `what-if child_looked_after = true`, `save case.json` (`save --force case.json` replaces an
existing file without asking; a script must say --force); `help` lists every command.

Quitting (`quit` or Ctrl-D) with unsaved changes asks once (`y` or a second Ctrl-D quits); a
script that ends with unsaved changes says so on stderr.

Nothing about the case is written anywhere but by `save`. The line history (which holds the
facts typed) is kept in memory only; --history FILE keeps it in a file, at your choice.")]
pub struct Repl {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH [default: list them and ask]
    procedure: Option<String>,
    /// A case file to start from (.json or .toml)
    case: Option<PathBuf>,
    #[command(flatten)]
    guidance: super::Guidance,
    #[command(flatten)]
    as_of: super::AsOf,
    /// Keep the line history in this file (it holds the facts typed: off by default)
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
}

/// Files for the session: procedures from the library, case files from disk.
struct CliHost {
    /// A person at a terminal, who can be asked before a file is replaced.
    interactive: bool,
}

impl Host for CliHost {
    fn load_procedure(
        &self,
        name: &str,
        edition: Option<&str>,
    ) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
        load_procedure_onto(name, None, edition)
    }
    fn read_case(&self, path: &str) -> Result<Source, Problem> {
        read_source(Path::new(path))
    }
    fn write_case(&self, path: &str, text: &str) -> Result<(), Problem> {
        // Atomically: a failed save leaves the file as it was, never a part of it.
        super::output::write_file(Path::new(path), text.as_bytes())
    }
    fn exists(&self, path: &str) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }
    fn confirm(&self, question: &str) -> bool {
        if !self.interactive {
            return false;
        }
        let mut stdout = std::io::stdout().lock();
        if write!(stdout, "{question} [y/N] ")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return false;
        }
        drop(stdout);
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).is_ok()
            && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
    }
    fn procedures(&self) -> Vec<String> {
        super::compare::every_module()
    }
}

/// How answers are shown: with colour on a terminal that allows it.
struct Out {
    color: bool,
    /// Whether the case had a date, the edition evaluated and the edition in force when
    /// last looked at: a note is shown again only when one of them changes.
    edition_shown: std::cell::RefCell<Option<(bool, String, String)>>,
}

impl Out {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn reply(&self, session: &Session, reply: &Reply) {
        let mut out = String::new();
        for block in &reply.blocks {
            match block {
                Block::Report(text) => out.push_str(&escape_controls(text)),
                Block::Note(text) => {
                    out.push_str(&escape_controls(text));
                    if !text.ends_with('\n') {
                        out.push('\n');
                    }
                }
                Block::Changes(c) => {
                    for line in escape_controls(&changes::render(c)).lines() {
                        let code = match line.chars().next() {
                            Some('+') => "32",
                            Some('-') => "31",
                            Some('~') => "33",
                            _ => "2",
                        };
                        out.push_str(&self.paint(code, line));
                        out.push('\n');
                    }
                }
                Block::Question(q) => out.push_str(&self.question(q)),
                Block::NotCarried(lost) => {
                    out.push_str(&self.paint("33", "did not carry over:"));
                    out.push('\n');
                    for l in lost {
                        out.push_str(&format!("  {}\n", escape_controls(&l.to_string())));
                    }
                }
                Block::Problems(ps) => {
                    out!("{out}");
                    out.clear();
                    let _ = std::io::stdout().flush();
                    report_shown(ps.clone());
                }
                Block::Compared(columns) => {
                    let cols = columns
                        .iter()
                        .map(|c| {
                            let ignored =
                                c.not_carried.iter().map(|n| n.fact().to_string()).collect();
                            ((*c.program).clone(), c.eval.clone(), ignored)
                        })
                        .collect();
                    out.push_str(&escape_controls(&super::compare::side_by_side(
                        cols,
                        session.as_of(),
                    )));
                }
            }
        }
        out!("{out}");
        self.edition(session, false);
        let _ = std::io::stdout().flush();
    }

    /// A note when the case's date falls under another edition than the one evaluated
    /// (or `--guidance auto` chose it), unless the same note was the last shown.
    fn edition(&self, session: &Session, auto: bool) {
        let Some(f) = super::edition::Editions::of(session.program(), auto).finding(session.case())
        else {
            return;
        };
        let key = (
            f.date.is_some(),
            f.evaluated.short.clone(),
            f.in_force.map(|e| e.short.clone()).unwrap_or_default(),
        );
        if self.edition_shown.borrow().as_ref() == Some(&key) {
            return;
        }
        if let Some(note) = f.note() {
            outln!("{}", self.paint("33", &format!("note: {note}")));
        }
        *self.edition_shown.borrow_mut() = Some(key);
    }

    fn question(&self, q: &Question) -> String {
        // The question's words come from the policy: escaped before they are painted.
        let mut out = format!("\n{}  ", self.paint("1", &escape_controls(&q.ask)));
        out.push_str(&self.paint("2", &escape_controls(&format!("({}: {})", q.name, q.ty))));
        out.push('\n');
        if !q.choices.is_empty() {
            let choices: Vec<String> = q
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{}) {}", i + 1, escape_controls(c)))
                .collect();
            out.push_str(&format!("  {}\n", choices.join("   ")));
        }
        let why = match (q.settles.len(), q.dates.len()) {
            (0, n) => format!("dates {n} deadline{}", if n == 1 { "" } else { "s" }),
            (n, _) => format!(
                "could settle {}",
                if n <= 3 {
                    q.settles.join(", ")
                } else {
                    format!("{}, {} and {} more", q.settles[0], q.settles[1], n - 2)
                }
            ),
        };
        out.push_str(&self.paint("2", &format!("  {why}; answer, or `skip` or `stop`")));
        out.push('\n');
        out
    }
}

impl Repl {
    pub fn run(self) -> Result<u8, Vec<Problem>> {
        let interactive = std::io::stdin().is_terminal();
        let color = interactive
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        let out = Out {
            color,
            edition_shown: std::cell::RefCell::new(None),
        };
        let host = CliHost { interactive };
        let name = match &self.procedure {
            Some(p) => p.clone(),
            None => choose_procedure(&host, interactive)?,
        };
        let edition = match (&self.case, self.guidance.is_auto()) {
            (Some(case), true) => {
                // As `load_for`: the edition picked, unless the procedure already extends it.
                let written = load_procedure_onto(&name, None, None)?.0;
                let id = super::edition::pick(&written, case)?;
                written
                    .modules
                    .first()
                    .filter(|m| m.id == id)
                    .map_or(Some(id), |_| None)
            }
            (None, true) => {
                return Err(vec![usage_error(
                    "`--guidance auto` needs a case to take the date from",
                    "give a case file after the procedure, or --guidance EDITION",
                )]);
            }
            (_, false) => self.guidance.edition.clone(),
        };
        let (program, warnings) = load_procedure_onto(&name, None, edition.as_deref())?;
        if !warnings.is_empty() && interactive {
            report(&warnings);
        }
        let mut session = Session::new(program, &name, edition.as_deref(), self.as_of.day());
        if let Some(case) = &self.case {
            let path = case.display().to_string();
            let reply = session.load(&host, &path)?;
            if interactive {
                out.reply(
                    &session,
                    &Reply {
                        blocks: reply.blocks.into_iter().take(1).collect(),
                        quit: false,
                    },
                );
            }
            out.edition(&session, self.guidance.is_auto());
        }
        if interactive {
            let entry = session.program().entry();
            outln!(
                "{} ({}) — type `help` for the commands, `ask` to be interviewed",
                entry.title,
                entry.id
            );
            let config = Config::builder().auto_add_history(true).build();
            match &self.history {
                None => interact(
                    Editor::with_history(config, MemHistory::new()),
                    &mut session,
                    &host,
                    &out,
                    None,
                ),
                Some(file) => interact(
                    Editor::with_history(config, FileHistory::new()),
                    &mut session,
                    &host,
                    &out,
                    Some(file),
                ),
            }
        } else {
            let mut failed = false;
            let mut input = std::io::stdin().lock();
            let mut bytes = Vec::new();
            for n in 1.. {
                bytes.clear();
                match input.read_until(b'\n', &mut bytes) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e) => {
                        failed = true;
                        report(&[usage_error(
                            format!("cannot read line {n} of the commands: {e}"),
                            "",
                        )]);
                        break;
                    }
                }
                if bytes.ends_with(b"\n") {
                    bytes.pop();
                    if bytes.ends_with(b"\r") {
                        bytes.pop();
                    }
                }
                let line = match std::str::from_utf8(&bytes) {
                    Ok(line) => line,
                    Err(e) => {
                        failed = true;
                        report(&[usage_error(
                            format!(
                                "line {n} is not UTF-8 text (a bad byte at column {}): skipped",
                                e.valid_up_to() + 1
                            ),
                            "write the commands in UTF-8",
                        )]);
                        continue;
                    }
                };
                match run_caught(&mut session, &host, line) {
                    Ok(reply) => {
                        out.reply(&session, &reply);
                        if reply.quit {
                            break;
                        }
                    }
                    Err(problems) => {
                        failed = true;
                        // Which line failed, so a replayed session can be put right.
                        note!("line {n}: {}", echo(line));
                        report_shown(problems);
                    }
                }
            }
            if session.unsaved() {
                // No one to ask: say so, and write nothing.
                note!(
                    "unsaved changes to the case: not written (end the script with `save FILE` to keep them)"
                );
            }
            Ok(if failed { FAILED } else { 0 })
        }
    }
}

/// One command, a panic in it caught: reported as a failed command, and the session
/// (with its unsaved case) goes on. The session is borrowed for the command only; a
/// command that panicked may have done part of its work, which the message says.
fn run_caught(session: &mut Session, host: &CliHost, line: &str) -> Result<Reply, Vec<Problem>> {
    caught(|| session.run(host, line))
}

fn caught(command: impl FnOnce() -> Result<Reply, Vec<Problem>>) -> Result<Reply, Vec<Problem>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(command))
        .unwrap_or_else(|_| {
            Err(vec![usage_error(
                "the command failed inside cspr (a bug: please report it); the session goes on",
                "check the case with `facts` before you `save`: the command may have done part of its work",
            )])
        })
}

/// Report a command's problems, escaped ([`shown`]); should drawing them panic, their
/// messages alone are written and the session goes on.
fn report_shown(problems: Vec<Problem>) {
    let problems = shown(problems);
    if std::panic::catch_unwind(|| report(&problems)).is_err() {
        for p in &problems {
            note!("error: {}", p.message);
        }
    }
}

/// Problems as the terminal may show them: control characters escaped in their words,
/// and blanked in the snippets of their source (keeping its byte offsets).
fn shown(problems: Vec<Problem>) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|mut p| {
            p.message = escape_controls(&p.message).into_owned();
            p.help = p.help.map(|h| escape_controls(&h).into_owned());
            for (_, label) in &mut p.labels {
                *label = escape_controls(label).into_owned();
            }
            if let Some(src) = &mut p.source
                && let Some(text) = blank_controls(&src.text)
            {
                src.text = text.into();
            }
            p
        })
        .collect()
}

/// `cspr repl` with no procedure: list those found and read the choice (a number or an id).
fn choose_procedure(host: &CliHost, interactive: bool) -> Result<String, Vec<Problem>> {
    let ids = host.procedures();
    if ids.is_empty() {
        return Err(vec![usage_error(
            "no procedures found",
            "run from a directory with policies/, set CSPR_PATH, or name a .policy file",
        )]);
    }
    outln!("Procedures found:");
    for (i, id) in ids.iter().enumerate() {
        outln!("  {}) {id}", i + 1);
    }
    if interactive {
        out!("Which procedure? ");
        let _ = std::io::stdout().flush();
    }
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() || answer.trim().is_empty() {
        return Err(vec![usage_error(
            "no procedure chosen",
            "name one, e.g. `cspr repl lincolnshire`",
        )]);
    }
    let answer = answer.trim().to_string();
    let chosen = answer
        .parse::<usize>()
        .ok()
        .and_then(|n| ids.get(n.checked_sub(1)?).cloned())
        .unwrap_or(answer);
    Ok(chosen)
}

/// Ask once before a session with unsaved changes ends: `y` (or a second Ctrl-D) quits,
/// anything else goes back to the session. Nothing is written either way.
fn quit_anyway<I: History>(editor: &mut Editor<ReplHelper, I>) -> bool {
    outln!("");
    match editor.readline("unsaved changes to the case: quit anyway? (y/N) ") {
        Ok(answer) => matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
        Err(rustyline::error::ReadlineError::Interrupted) => false,
        Err(_) => true,
    }
}

fn interact<I: History>(
    editor: rustyline::Result<Editor<ReplHelper, I>>,
    session: &mut Session,
    host: &CliHost,
    out: &Out,
    history: Option<&PathBuf>,
) -> Result<u8, Vec<Problem>> {
    let mut editor = editor.map_err(|e| {
        vec![usage_error(
            format!("cannot start the line editor: {e}"),
            "run with commands on stdin instead",
        )]
    })?;
    if let Some(file) = history
        && file.exists()
        && let Err(e) = editor.load_history(file)
    {
        report(&[usage_error(
            format!("cannot read the history `{}`: {e}", file.display()),
            "check the file",
        )]);
    }
    let mut helper = ReplHelper::new(host.procedures(), out.color);
    helper.update(session.program(), session.question());
    editor.set_helper(Some(helper));
    loop {
        let raw = match session.question() {
            Some(q) => format!("{}> ", q.name),
            None => format!("{}> ", session.program().entry().id),
        };
        let styled = out.paint("1;36", &raw);
        let line = match editor.readline(&(raw.as_str(), styled.as_str())) {
            Ok(line) => line,
            Err(rustyline::error::ReadlineError::Interrupted) => continue,
            Err(rustyline::error::ReadlineError::Eof) => {
                if session.unsaved() && !quit_anyway(&mut editor) {
                    continue;
                }
                break;
            }
            // Bytes that are not UTF-8: an error for that line, and the session goes on.
            Err(rustyline::error::ReadlineError::Io(e))
                if e.kind() == std::io::ErrorKind::InvalidData =>
            {
                report(&[usage_error(
                    "the line typed is not UTF-8 text: skipped",
                    "type the command again",
                )]);
                continue;
            }
            Err(e) => {
                report(&[usage_error(format!("cannot read a line: {e}"), "")]);
                return Ok(BAD_INPUT);
            }
        };
        match run_caught(session, host, &line) {
            Ok(reply) => {
                out.reply(session, &reply);
                if reply.quit && (!session.unsaved() || quit_anyway(&mut editor)) {
                    break;
                }
            }
            Err(problems) => report_shown(problems),
        }
        if let Some(h) = editor.helper_mut() {
            h.update(session.program(), session.question());
        }
    }
    if let Some(file) = history
        && let Err(e) = editor.save_history(file)
    {
        report(&[usage_error(
            format!("cannot write the history `{}`: {e}", file.display()),
            "check the path",
        )]);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]

    use super::*;

    #[test]
    fn a_panic_in_a_command_is_a_failed_command_and_the_session_goes_on() {
        let (program, _) = load_procedure_onto("walsall", None, None).unwrap();
        let mut session = Session::new(program, "walsall", None, chrono::NaiveDate::MIN);
        assert!(
            run_caught(
                &mut session,
                &CliHost { interactive: false },
                "set child_died = true"
            )
            .is_ok()
        );
        let failed = caught(|| panic!("a bug"));
        let problems = failed.err().unwrap();
        assert!(problems[0].message.contains("inside cspr"), "{problems:?}");
        let facts = run_caught(&mut session, &CliHost { interactive: false }, "facts").unwrap();
        let shown = format!("{:?}", facts.blocks);
        assert!(shown.contains("child_died"), "the case is kept: {shown}");
    }
}
