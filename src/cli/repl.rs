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
use helper::ReplHelper;

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
                Block::Report(text) => out.push_str(text),
                Block::Note(text) => {
                    out.push_str(text);
                    if !text.ends_with('\n') {
                        out.push('\n');
                    }
                }
                Block::Changes(c) => {
                    for line in changes::render(c).lines() {
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
                        out.push_str(&format!("  {l}\n"));
                    }
                }
                Block::Problems(ps) => {
                    print!("{out}");
                    out.clear();
                    let _ = std::io::stdout().flush();
                    report(ps);
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
                    out.push_str(&super::compare::side_by_side(cols, session.as_of()));
                }
            }
        }
        print!("{out}");
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
            println!("{}", self.paint("33", &format!("note: {note}")));
        }
        *self.edition_shown.borrow_mut() = Some(key);
    }

    fn question(&self, q: &Question) -> String {
        let mut out = format!("\n{}  ", self.paint("1", &q.ask));
        out.push_str(&self.paint("2", &format!("({}: {})", q.name, q.ty)));
        out.push('\n');
        if !q.choices.is_empty() {
            let choices: Vec<String> = q
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{}) {c}", i + 1))
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
            println!(
                "{} ({}) — type `help` for the commands, `ask` to be interviewed",
                entry.title, entry.id
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
            for (n, line) in std::io::stdin().lock().lines().enumerate() {
                let Ok(line) = line else { break };
                match session.run(&host, &line) {
                    Ok(reply) => {
                        out.reply(&session, &reply);
                        if reply.quit {
                            break;
                        }
                    }
                    Err(problems) => {
                        failed = true;
                        // Which line failed, so a replayed session can be put right.
                        eprintln!("line {}: {}", n + 1, line.trim());
                        report(&problems);
                    }
                }
            }
            if session.unsaved() {
                // No one to ask: say so, and write nothing.
                eprintln!(
                    "unsaved changes to the case: not written (end the script with `save FILE` to keep them)"
                );
            }
            Ok(if failed { FAILED } else { 0 })
        }
    }
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
    println!("Procedures found:");
    for (i, id) in ids.iter().enumerate() {
        println!("  {}) {id}", i + 1);
    }
    if interactive {
        print!("Which procedure? ");
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
    println!();
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
            Err(e) => {
                report(&[usage_error(format!("cannot read a line: {e}"), "")]);
                return Ok(BAD_INPUT);
            }
        };
        match session.run(host, &line) {
            Ok(reply) => {
                out.reply(session, &reply);
                if reply.quit && (!session.unsaved() || quit_anyway(&mut editor)) {
                    break;
                }
            }
            Err(problems) => report(&problems),
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
