//! The command line: one file per subcommand, each a clap struct with a `run` method.
//! Shared here: finding procedures, reading files, and printing diagnostics.

mod cases;
mod check;
mod compare;
mod eval;
mod explain;
mod test;
mod timeline;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cspr::check::{Checked, Program, Resolver};
use cspr::diagnostic::{Located, Problem, Source};

/// Exit code: the check or the tests failed.
pub const FAILED: u8 = 1;
/// Exit code: bad usage or unreadable input.
pub const BAD_INPUT: u8 = 2;

/// Largest policy or case file read, in bytes.
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "cspr",
    version,
    about = "A policy language for child safeguarding practice review procedures",
    long_about = "cspr encodes a safeguarding partnership's review procedure, with every rule cited to its \
paragraph, and evaluates cases against it: which pathway, which duties fall on whom, what is still unknown, and why.",
    after_help = "Examples:\n  cspr check policies/\n  cspr eval working_together_2018 policies/examples/death-in-area.json\n  cspr explain working_together_2018 policies/examples/death-in-area.json notify_national_panel\n  cspr test tests/scenarios --coverage\n  cspr compare policies/examples/buckinghamshire-custody-death.json"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Check(check::Check),
    Eval(eval::Eval),
    Explain(explain::Explain),
    Timeline(timeline::Timeline),
    Test(test::Test),
    Compare(compare::Compare),
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check(c) => c.run(),
        Command::Eval(c) => c.run(),
        Command::Explain(c) => c.run(),
        Command::Timeline(c) => c.run(),
        Command::Test(c) => c.run(),
        Command::Compare(c) => c.run(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(problems) => {
            report(&problems);
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Print problems to stderr as miette reports.
pub fn report(problems: &[Problem]) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    for p in problems {
        let located = Located::from(p.clone());
        let mut out = String::new();
        if handler.render_report(&mut out, &located).is_err() {
            out = format!("{p}\n");
        }
        eprint!("{out}");
    }
}

/// Today's date on this machine: the default for `--as-of`.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// `--as-of`: a real date, `YYYY-MM-DD`.
pub fn parse_as_of(s: &str) -> Result<chrono::NaiveDate, String> {
    cspr::case::parse_date(s).ok_or_else(|| format!("`{s}` is not a real date; write YYYY-MM-DD"))
}

/// The `--as-of` option, shared by the commands that judge deadlines.
#[derive(clap::Args)]
pub struct AsOf {
    /// The day deadlines are judged on (YYYY-MM-DD) [default: today]
    #[arg(long = "as-of", value_name = "DATE", value_parser = parse_as_of)]
    as_of: Option<chrono::NaiveDate>,
}

impl AsOf {
    /// The day given, or today.
    pub fn day(&self) -> chrono::NaiveDate {
        self.as_of.unwrap_or_else(today)
    }
}

/// The `--guidance` option: evaluate a procedure on another edition of the guidance.
#[derive(clap::Args)]
pub struct Guidance {
    /// Run the procedure on this edition of the guidance instead of the one it extends
    /// (e.g. working_together_2023)
    #[arg(long = "guidance", value_name = "EDITION")]
    pub edition: Option<String>,
}

impl Guidance {
    /// Load a procedure on the edition asked for (or the one it extends).
    pub fn load(&self, arg: &str) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
        load_procedure_onto(arg, None, self.edition.as_deref())
    }
}

/// Evaluate one case; a conflict between exceptions or a date the calendar cannot answer
/// is reported, and the exit code to stop with returned instead.
pub fn evaluate(
    engine: &cspr::eval::Engine<'_>,
    case: &cspr::eval::Case,
) -> Result<cspr::eval::Evaluation, u8> {
    engine.evaluate(case).map_err(|e| {
        report(&[e.problem().clone()]);
        FAILED
    })
}

/// An error about a file or argument as a whole, not a place inside it.
pub fn usage_error(message: impl Into<String>, help: impl Into<String>) -> Problem {
    Problem::error("cspr::input", message).help(help)
}

/// Read a file as UTF-8 text, refusing huge files.
pub fn read_source(path: &Path) -> Result<Source, Problem> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path)
        .map_err(|e| usage_error(format!("cannot read `{shown}`: {e}"), "check the path"))?;
    if meta.len() > MAX_FILE {
        return Err(usage_error(
            format!(
                "`{shown}` is {} bytes, more than cspr reads ({MAX_FILE})",
                meta.len()
            ),
            "split it into smaller files",
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| usage_error(format!("cannot read `{shown}`: {e}"), "check the path"))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        usage_error(
            format!(
                "`{shown}` is not UTF-8 text (byte {})",
                e.utf8_error().valid_up_to()
            ),
            "save the file as UTF-8",
        )
    })?;
    Ok(Source::new(shown, text))
}

/// Finds modules by id in `policies/` (under the current directory), the directories of
/// `CSPR_PATH`, and the directory of the file being checked.
pub struct Library {
    dirs: Vec<PathBuf>,
}

impl Library {
    pub fn new(near: Option<&Path>) -> Library {
        let mut dirs = Vec::new();
        if let Some(parent) = near.and_then(Path::parent) {
            dirs.push(if parent.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                parent.to_path_buf()
            });
        }
        dirs.push(PathBuf::from("policies"));
        if let Some(paths) = std::env::var_os("CSPR_PATH") {
            dirs.extend(std::env::split_paths(&paths));
        }
        Library { dirs }
    }

    /// Every `.policy` file in the library with its header id.
    fn index(&self) -> Vec<(String, PathBuf)> {
        let mut out = Vec::new();
        for dir in &self.dirs {
            for path in policy_files(dir, 3) {
                if let Some(id) = std::fs::read_to_string(&path)
                    .ok()
                    .and_then(|t| header_id(&t))
                {
                    out.push((id, path));
                }
            }
        }
        out
    }

    /// The path of the module with this id.
    pub fn find(&self, id: &str) -> Option<PathBuf> {
        let file = format!("{}.policy", id.replace('_', "-"));
        for dir in &self.dirs {
            let candidate = dir.join(&file);
            if std::fs::read_to_string(&candidate)
                .ok()
                .and_then(|t| header_id(&t))
                .as_deref()
                == Some(id)
            {
                return Some(candidate);
            }
        }
        self.index()
            .into_iter()
            .find(|(i, _)| i == id)
            .map(|(_, p)| p)
    }
}

impl Resolver for Library {
    fn resolve(&self, id: &str) -> Option<Source> {
        self.find(id).and_then(|p| read_source(&p).ok())
    }
    fn known_ids(&self) -> Vec<String> {
        self.index().into_iter().map(|(i, _)| i).collect()
    }
}

/// `.policy` files under `dir`, sorted, at most `depth` levels down.
pub fn policy_files(dir: &Path, depth: usize) -> Vec<PathBuf> {
    files_ending(dir, "policy", depth)
}

/// Files with extension `ext` under `dir`, sorted, at most `depth` levels down.
pub fn files_ending(dir: &Path, ext: &str, depth: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() && depth > 0 {
            out.extend(files_ending(&path, ext, depth - 1));
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out
}

/// Whether a policy's header says `guidance` or `procedure`, skipping comments.
fn header_kind(text: &str) -> Option<cspr::syntax::ast::ModuleKind> {
    use cspr::syntax::ast::ModuleKind;
    let first = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace)
        .next()?;
    match first {
        "guidance" => Some(ModuleKind::Guidance),
        "procedure" => Some(ModuleKind::Procedure),
        _ => None,
    }
}

/// The id in a policy header (`guidance ID` / `procedure ID`), skipping comments.
fn header_id(text: &str) -> Option<String> {
    let mut words = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(str::split_whitespace);
    match words.next()? {
        "guidance" | "procedure" => words.next().map(str::to_string),
        _ => None,
    }
}

/// Load a procedure given as a path or an id, and check it.
pub fn load_procedure(arg: &str) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
    load_procedure_near(arg, None)
}

/// As [`load_procedure`], also looking for an id in the directory of `near` (a scenario
/// file, whose procedure may sit beside it).
pub fn load_procedure_near(
    arg: &str,
    near: Option<&Path>,
) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
    load_procedure_onto(arg, near, None)
}

/// As [`load_procedure_near`], with the guidance it extends replaced by the edition
/// `onto` (`--guidance`).
pub fn load_procedure_onto(
    arg: &str,
    near: Option<&Path>,
    onto: Option<&str>,
) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
    let path = Path::new(arg);
    let (source, library) = if arg.ends_with(".policy") || path.is_file() {
        (
            read_source(path).map_err(|p| vec![p])?,
            Library::new(Some(path)),
        )
    } else {
        let library = Library::new(near);
        let Some(found) = library.find(arg) else {
            let known = library.known_ids();
            let help = cspr::diagnostic::did_you_mean(arg, known.iter().map(String::as_str))
                .unwrap_or_else(|| {
                    format!(
                        "give a .policy file, or one of: {}",
                        if known.is_empty() {
                            "(none found)".into()
                        } else {
                            known.join(", ")
                        }
                    )
                });
            return Err(vec![usage_error(format!("no procedure `{arg}`"), help)]);
        };
        (read_source(&found).map_err(|p| vec![p])?, library)
    };
    let Checked { program, problems } = cspr::check::check_onto(&source, &library, onto);
    match program {
        Some(p) => Ok((p, problems)),
        None => Err(problems),
    }
}
