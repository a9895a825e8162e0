//! The command line: one file per subcommand, each a clap struct with a `run` method.
//! Shared here: finding procedures, reading files, and printing diagnostics.

/// A line to standard error (a note, a summary), through [`output::stderr`]: never a
/// panic when stderr cannot be written.
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::cli::output::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `println!` for a command's results, through [`output::out`]: a failure is the
/// command's error once it ends, never a panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` through [`output::out`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::out(format_args!($($arg)*))
    };
}

pub(crate) mod cases;
mod check;
mod compare;
mod diff;
pub(crate) mod edition;
mod eval;
mod explain;
mod fmt;
mod graph;
mod lsp;
mod output;
mod parallel;
mod progress;
mod rebase;
mod regression;
mod repl;
mod report;
mod serve;
mod sources;
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
    after_help = "Examples:\n  cspr check policies/\n  cspr eval working_together_2018 policies/examples/death-in-area.json\n  cspr explain working_together_2018 policies/examples/death-in-area.json notify_national_panel\n  cspr test tests/scenarios --coverage\n  cspr compare policies/examples/buckinghamshire-custody-death.json\n  cspr report lincolnshire policies/examples/lincolnshire-rapid-review.json -o report.html\n  cspr graph lincolnshire pathway --format svg > pathway.svg\n  cspr rebase lincolnshire --onto working_together_2023\n  cspr test tests/scenarios/lincolnshire --guidance working_together_2023\n  cspr fmt --check policies/\n  cspr repl lincolnshire policies/examples/lincolnshire-incomplete.json\n  cspr diff lincolnshire lincolnshire --new-guidance working_together_2023\n  cspr serve --addr 127.0.0.1:8080"
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
    Diff(diff::Diff),
    Report(report::ReportCmd),
    Graph(graph::GraphCmd),
    Rebase(rebase::Rebase),
    Fmt(fmt::Fmt),
    Lsp(lsp::Lsp),
    Repl(repl::Repl),
    Sources(sources::Sources),
    Serve(serve::Serve),
}

/// The arguments, or the exit code once clap has said why not (or printed `--help` or
/// `--version`: checked like any output, so `cspr --help > /dev/full` is not exit 0).
pub fn parse() -> Result<Cli, ExitCode> {
    use std::io::Write as _;
    Cli::try_parse().map_err(|e| {
        let code = u8::try_from(e.exit_code()).unwrap_or(BAD_INPUT);
        let printed = e.print().and_then(|()| std::io::stdout().flush());
        match printed {
            Ok(()) => ExitCode::from(code),
            Err(io) if io.kind() == std::io::ErrorKind::BrokenPipe => {
                ExitCode::from(output::BROKEN_PIPE)
            }
            Err(io) if e.use_stderr() => {
                // The usage error itself could not be shown; its status still says so.
                let _ = io;
                ExitCode::from(code)
            }
            Err(io) => {
                report(&output::stdout_failed(&io));
                ExitCode::from(BAD_INPUT)
            }
        }
    })
}

pub fn run(cli: Cli) -> ExitCode {
    output::set_command(match &cli.command {
        Command::Check(_) => "check",
        Command::Eval(_) => "eval",
        Command::Explain(_) => "explain",
        Command::Timeline(_) => "timeline",
        Command::Test(_) => "test",
        Command::Compare(_) => "compare",
        Command::Diff(_) => "diff",
        Command::Report(_) => "report",
        Command::Graph(_) => "graph",
        Command::Rebase(_) => "rebase",
        Command::Fmt(_) => "fmt",
        Command::Lsp(_) => "lsp",
        Command::Repl(_) => "repl",
        Command::Sources(_) => "sources",
        Command::Serve(_) => "serve",
    });
    let result = match cli.command {
        Command::Check(c) => c.run(),
        Command::Eval(c) => c.run(),
        Command::Explain(c) => c.run(),
        Command::Timeline(c) => c.run(),
        Command::Test(c) => c.run(),
        Command::Compare(c) => c.run(),
        Command::Diff(c) => c.run(),
        Command::Report(c) => c.run(),
        Command::Graph(c) => c.run(),
        Command::Rebase(c) => c.run(),
        Command::Fmt(c) => c.run(),
        Command::Lsp(c) => c.run(),
        Command::Repl(c) => c.run(),
        Command::Sources(c) => c.run(),
        Command::Serve(c) => c.run(),
    };
    // Whatever was printed must have reached standard output.
    let result = result.and_then(|code| output::stdout_result().map(|()| code));
    let code = match result {
        // The reader went away (`cspr … | head -1`): nothing to say, and nobody to say it to.
        Err(problems) if output::is_pipe_closed(&problems) => output::BROKEN_PIPE,
        Ok(code) => code,
        Err(problems) => {
            report(&problems);
            BAD_INPUT
        }
    };
    // A diagnostic that could not be written to stderr makes a success a failure.
    if code == 0
        && let Some(lost) = output::stderr_lost()
    {
        return ExitCode::from(lost);
    }
    ExitCode::from(code)
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
        output::stderr(&out);
    }
}

/// Today's date on this machine: the default for `--as-of`.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// `--as-of`: a real date, `YYYY-MM-DD` or, as dates are written in England, `DD/MM/YYYY`
/// (the REPL's `as-of` reads the same forms).
pub fn parse_as_of(s: &str) -> Result<chrono::NaiveDate, String> {
    match cspr::repl::answer::day(s) {
        Ok(Some(day)) => Ok(day),
        Ok(None) => Err(format!(
            "`{s}` is not a {}date; write YYYY-MM-DD or DD/MM/YYYY (e.g. 2024-05-10 or 10/05/2024)",
            if iso_shaped(s) { "real " } else { "" }
        )),
        Err(problem) => Err(format!(
            "{}; write YYYY-MM-DD or DD/MM/YYYY (e.g. 2024-05-10 or 10/05/2024)",
            problem.message
        )),
    }
}

/// `2024-02-30`: written as a date, whether or not it is one.
fn iso_shaped(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4
        && [y, m, d].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
}

/// The `--as-of` option, shared by the commands that judge deadlines.
#[derive(clap::Args)]
pub struct AsOf {
    /// The day deadlines are judged on (YYYY-MM-DD or DD/MM/YYYY) [default: today]
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
    /// (e.g. working_together_2023), or `auto`: the edition in force on the case's date
    /// (when the local authority became aware of the incident)
    #[arg(long = "guidance", value_name = "EDITION")]
    pub edition: Option<String>,
}

impl Guidance {
    /// Load a procedure on the edition asked for (or the one it extends).
    pub fn load(&self, arg: &str) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
        if self.is_auto() {
            return Err(vec![usage_error(
                "`--guidance auto` needs a case to take the date from",
                "give a case file, or --guidance EDITION",
            )]);
        }
        load_procedure_onto(arg, None, self.edition.as_deref())
    }

    /// `--guidance auto`.
    pub fn is_auto(&self) -> bool {
        self.edition.as_deref() == Some(edition::AUTO)
    }

    /// Load a procedure for the case in `case`: on the edition asked for, or with
    /// `--guidance auto` on the edition in force on the case's date.
    pub fn load_for(
        &self,
        arg: &str,
        case: &Path,
    ) -> Result<(Program, Vec<Problem>), Vec<Problem>> {
        if !self.is_auto() {
            return self.load(arg);
        }
        let (written, warnings) = load_procedure_onto(arg, None, None)?;
        let id = edition::pick(&written, case)?;
        match written.modules.first() {
            Some(root) if root.id == id => Ok((written, warnings)),
            // As with --guidance EDITION, only a procedure can be put on another edition.
            _ => load_procedure_onto(arg, None, Some(&id)),
        }
    }

    /// The edition-in-force setting of a program this option loaded.
    pub fn editions(&self, program: &Program) -> edition::Editions {
        edition::Editions::of(program, self.is_auto())
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
    let bytes = read_bytes(path)?;
    Ok(Source::new(shown.clone(), text_of(&shown, bytes)?))
}

/// A file's bytes, refusing huge files.
fn read_bytes(path: &Path) -> Result<Vec<u8>, Problem> {
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
    std::fs::read(path)
        .map_err(|e| usage_error(format!("cannot read `{shown}`: {e}"), "check the path"))
}

/// A source text file (`source … file "…"`): its bytes exactly as stored, as UTF-8, so its
/// SHA-256 is the file's (a byte-order mark is kept).
pub fn read_text_file(path: &Path) -> Result<Source, Problem> {
    let shown = path.display().to_string();
    let text = utf8(&shown, read_bytes(path)?)?;
    Ok(Source::new(shown, text))
}

/// The bytes of the file `shown` as UTF-8 text, or where they stop being it.
fn utf8(shown: &str, bytes: Vec<u8>) -> Result<String, Problem> {
    String::from_utf8(bytes).map_err(|e| {
        usage_error(
            format!(
                "`{shown}` is not UTF-8 text (byte {})",
                e.utf8_error().valid_up_to()
            ),
            "save the file as UTF-8",
        )
    })
}

/// The text of a file (or standard input) named `shown`: UTF-8, no control characters
/// but tab and line breaks, without a byte-order mark.
pub fn text_of(shown: &str, bytes: Vec<u8>) -> Result<String, Problem> {
    let text = utf8(shown, bytes)?;
    // Binary data is refused before any parser echoes it (control characters included)
    // back to the terminal.
    if let Some((i, c)) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        let line = text[..i].matches('\n').count() + 1;
        return Err(usage_error(
            format!(
                "`{shown}` is not a text file: it holds the control character U+{:04X} on line {line}",
                u32::from(c)
            ),
            "give a text file: a case in JSON, TOML or JSON Lines, a .policy or a .scenario",
        ));
    }
    // A byte-order mark (Windows Notepad, Excel exports) is not part of the text.
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Where a module was found: a file, or the copy built into cspr.
#[derive(Debug, Clone)]
pub enum Found {
    File(PathBuf),
    Builtin(&'static cspr::builtin::Module),
}

impl Found {
    /// The module's text, read (files) or at hand (built in).
    pub fn source(&self) -> Result<Source, Problem> {
        match self {
            Found::File(path) => read_source(path),
            Found::Builtin(m) => Ok(m.source()),
        }
    }

    /// Where it comes from, for `cspr check --list`.
    pub fn describe(&self) -> String {
        match self {
            Found::File(path) => path.display().to_string(),
            Found::Builtin(m) => format!("built in (policies/{})", m.file),
        }
    }
}

/// Finds modules by id in `policies/` (under the current directory), the directories of
/// `CSPR_PATH`, and the directory of the file being checked; then among the modules built
/// into cspr ([`cspr::builtin`]), so an installed binary works from any directory.
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

    /// Every `.policy` file in the library's directories with its header id (files that
    /// cannot be read have no id to offer and are left out).
    fn index(&self) -> Vec<(String, PathBuf)> {
        let mut out = Vec::new();
        for dir in &self.dirs {
            for path in policy_files(dir, 3) {
                if let Some(id) = read_source(&path)
                    .ok()
                    .and_then(|s| cspr::builtin::header_id(&s.text))
                {
                    out.push((id, path));
                }
            }
        }
        out
    }

    /// Every id known, each where it is found first, in the order looked up: files,
    /// then the built-in modules they do not shadow.
    pub fn listing(&self) -> Vec<(String, Found)> {
        let mut out: Vec<(String, Found)> = Vec::new();
        for (id, path) in self.index() {
            if !out.iter().any(|(i, _)| *i == id) {
                out.push((id, Found::File(path)));
            }
        }
        for m in cspr::builtin::MODULES {
            if let Some(id) = m.id().filter(|id| !out.iter().any(|(i, _)| i == id)) {
                out.push((id, Found::Builtin(m)));
            }
        }
        out
    }

    /// Where the module with this id is. A file named after the id
    /// (`working-together-2018.policy`) that exists but cannot be read is an error naming
    /// the reason, not "not found".
    pub fn locate(&self, id: &str) -> Result<Option<Found>, Problem> {
        let file = format!("{}.policy", id.replace('_', "-"));
        for dir in &self.dirs {
            let candidate = dir.join(&file);
            if !candidate.exists() {
                continue;
            }
            let source = read_source(&candidate)?;
            if cspr::builtin::header_id(&source.text).as_deref() == Some(id) {
                return Ok(Some(Found::File(candidate)));
            }
        }
        if let Some((_, p)) = self.index().into_iter().find(|(i, _)| i == id) {
            return Ok(Some(Found::File(p)));
        }
        Ok(cspr::builtin::find(id).map(Found::Builtin))
    }
}

impl Resolver for Library {
    fn resolve(&self, id: &str) -> Option<Source> {
        self.load(id).ok().flatten()
    }
    fn load(&self, id: &str) -> Result<Option<Source>, Problem> {
        self.locate(id)?.map(|f| f.source()).transpose()
    }
    fn known_ids(&self) -> Vec<String> {
        self.listing().into_iter().map(|(i, _)| i).collect()
    }
    /// A built-in module's source texts are built in; a file's are read beside it.
    fn source_file(&self, module: &Source, path: &str) -> Result<Option<Source>, Problem> {
        if let Some(found) = cspr::builtin::source_file(module, path) {
            return Ok(Some(found));
        }
        if module.name.starts_with("<built-in>/") {
            return Ok(None);
        }
        let dir = Path::new(&*module.name).parent().unwrap_or(Path::new(""));
        let file = dir.join(path);
        if !file.exists() {
            // Not beside the module (a procedure written elsewhere by `rebase -o`): the
            // shipped text of that name, if any; its hash is checked all the same.
            return Ok(cspr::builtin::shipped_source(path));
        }
        read_text_file(&file).map(Some)
    }
}

impl Library {
    /// The ids of the guidance modules in the library (the editions `--guidance`,
    /// `rebase` and `under` may name), sorted, each once.
    pub fn editions(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .listing()
            .into_iter()
            .filter(|(_, found)| {
                let kind = match found {
                    Found::File(p) => std::fs::read_to_string(p)
                        .ok()
                        .and_then(|t| cspr::scenario::suite::module_kind(&t)),
                    Found::Builtin(m) => cspr::scenario::suite::module_kind(&m.source().text),
                };
                kind == Some(cspr::syntax::ast::ModuleKind::Guidance)
            })
            .map(|(i, _)| i)
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// `.policy` files under `dir`, sorted, at most `depth` levels down.
pub fn policy_files(dir: &Path, depth: usize) -> Vec<PathBuf> {
    files_ending(dir, "policy", depth)
}

/// Files with extension `ext` under `dir`, sorted, at most `depth` levels down. Each
/// directory is entered once and each file listed once, however many symbolic links lead
/// to them (a link loop such as `dir/loop -> ..` is not followed round).
pub fn files_ending(dir: &Path, ext: &str, depth: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    walk(dir, ext, depth, &mut seen, &mut out);
    out
}

/// [`files_ending`], with the canonical paths of the directories and files already taken.
fn walk(
    dir: &Path,
    ext: &str,
    depth: usize,
    seen: &mut std::collections::HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
) {
    if !std::fs::canonicalize(dir).is_ok_and(|d| seen.insert(d)) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if depth > 0 {
                walk(&path, ext, depth - 1, seen, out);
            }
        } else if path.extension().is_some_and(|e| e == ext)
            && std::fs::canonicalize(&path).is_ok_and(|f| seen.insert(f))
        {
            out.push(path);
        }
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
    let (source, library) = find_procedure(arg, near)?;
    let Checked { program, problems } = cspr::check::check_onto(&source, &library, onto);
    match program {
        Some(p) => Ok((p, problems)),
        None => Err(problems),
    }
}

/// The text of a procedure given as a path or an id, and the library its `extends`
/// are resolved in.
pub fn find_procedure(arg: &str, near: Option<&Path>) -> Result<(Source, Library), Vec<Problem>> {
    let path = Path::new(arg);
    // A case file where a procedure belongs (`cspr diff lincolnshire case.json`) would
    // otherwise be parsed as policy text, and fail at its first `{`.
    if let Some(ext) = path.extension().and_then(|e| e.to_str())
        && matches!(ext, "json" | "jsonl" | "toml")
        && !arg.ends_with(".policy")
    {
        return Err(vec![usage_error(
            format!("`{arg}` is a case file (.{ext}), not a procedure"),
            "give a procedure where this one stands: an id such as working_together_2018, or a .policy file",
        )]);
    }
    let (source, library) = if arg.ends_with(".policy") || path.is_file() {
        (
            read_source(path).map_err(|p| vec![p])?,
            Library::new(Some(path)),
        )
    } else {
        let library = Library::new(near);
        let Some(found) = library.locate(arg).map_err(|p| vec![p])? else {
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
        (found.source().map_err(|p| vec![p])?, library)
    };
    Ok((source, library))
}
