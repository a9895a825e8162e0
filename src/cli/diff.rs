//! `cspr diff OLD NEW`: what changed in the rules, and which cases are now treated
//! differently, with witness cases. Exit codes as diff(1): 0 no difference, 1
//! differences, 2 trouble.
//!
//! This front end only reads: the procedures (from files, by id, or from git with
//! `FILE@REV`), the scenario files, and writes witness case files when asked. The work
//! is the library's `cspr::diff`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use cspr::check::{Checked, Program};
use cspr::diagnostic::{Problem, Source};
use cspr::diff::{self, Options, Want, render};

use super::progress::{self, Progress};
use super::{FAILED, Library, files_ending, load_procedure_onto, read_source, report, usage_error};

/// Compare two versions of a procedure: what changed in the rules, and which cases are treated differently
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr diff policies/lincolnshire.policy@HEAD~3 policies/lincolnshire.policy\n  cspr diff working_together_2018 working_together_2023\n  cspr diff lincolnshire lincolnshire --new-guidance working_together_2023\n  cspr diff old.policy new.policy --semantic --witnesses witnesses/\n  cspr diff buckinghamshire new-bucks.policy --scenarios tests/scenarios/buckinghamshire\n  cspr diff old.policy new.policy --format markdown > changes.md\n  cspr diff working_together_2018 working_together_2023 --citations   (list each citation-only change)\n  cspr diff old.policy new.policy --stats   (how each outcome was proved, and the search's counts)\n  cspr diff old.policy new.policy --semantic --search-all       (a progress bar on a terminal; --no-progress to hide it)\n\nExit status: 0 no difference (proved), 1 differences, 2 trouble (a procedure that does not load,
or no difference found but some outcome not settled: equality not proved).\nSee docs/diff.md."
)]
pub struct Diff {
    /// The old version: a .policy file, a procedure id, or FILE@REV (the file at a git revision)
    old: String,
    /// The new version, in the same forms
    new: String,
    /// Only the semantic diff (which cases are treated differently)
    #[arg(long, conflicts_with = "structural")]
    semantic: bool,
    /// Only the structural diff (what changed in the text of the rules)
    #[arg(long)]
    structural: bool,
    /// Put the old version on this edition of the guidance
    #[arg(long, value_name = "EDITION")]
    old_guidance: Option<String>,
    /// Put the new version on this edition of the guidance (e.g. working_together_2023)
    #[arg(long, value_name = "EDITION")]
    new_guidance: Option<String>,
    /// Run the scenario suite written for OLD (files or a directory) against NEW
    #[arg(long, value_name = "DIR")]
    scenarios: Option<PathBuf>,
    /// Write each witness as a case file `cspr eval` accepts into this directory
    #[arg(long, value_name = "DIR")]
    witnesses: Option<PathBuf>,
    /// Most partial assignments the search explores for one outcome
    #[arg(long, value_name = "N", default_value_t = Options::default().budget, value_parser = parse_budget)]
    budget: u64,
    /// Prove every outcome by search, even where both definitions read the same
    #[arg(long)]
    search_all: bool,
    /// List each change that touches only a citation (folded into one line otherwise)
    #[arg(long)]
    citations: bool,
    /// Show how each outcome, duty and due date was settled (by definition or by search) and the search's counts
    #[arg(long)]
    stats: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    // The semantic search shows a progress bar on stderr when stderr is a terminal.
    #[command(flatten)]
    progress: progress::Flag,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

/// `--budget`: at least one partial assignment (a search of none proves nothing).
fn parse_budget(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err(format!(
            "a budget of 0 lets the search explore nothing, so no difference could be found or ruled out; write at least 1 (the default is {})",
            Options::default().budget
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{s}` is not a number of partial assignments; write a whole number such as {}",
            Options::default().budget
        )),
    }
}

impl Diff {
    pub fn run(self) -> Result<u8, Vec<Problem>> {
        let old = load(&self.old, self.old_guidance.as_deref())?;
        let new = load(&self.new, self.new_guidance.as_deref())?;
        let want = Want {
            structural: !self.semantic,
            semantic: !self.structural,
        };
        let options = Options {
            budget: self.budget,
            search_all: self.search_all,
        };
        let mut result = match Progress::new(&self.progress, progress::Kind::Targets) {
            // Dropped (and cleared from the terminal) before anything is printed.
            Some(bar) => diff::diff_watched(&old, &new, want, options, &bar),
            None => diff::diff(&old, &new, want, options),
        };
        if let Some(dir) = &self.scenarios {
            let files = scenario_files(dir)?;
            result.scenarios = Some(diff::scenarios::impact(&old, &new, &files));
        }
        if let Some(dir) = &self.witnesses {
            write_witnesses(dir, &result).map_err(|p| vec![p])?;
        }
        let out = match self.format {
            Format::Text => render::text_with(
                &result,
                render::TextOptions {
                    citations: self.citations,
                    stats: self.stats,
                },
            ),
            Format::Json => render::json(&result),
            Format::Markdown => render::markdown_with(
                &result,
                render::TextOptions {
                    citations: self.citations,
                    stats: self.stats,
                },
            ),
        };
        super::output::print(&out)?;
        // Equality not proved is never reported as "no difference".
        Ok(if result.differs() {
            FAILED
        } else if result.unsettled() {
            super::BAD_INPUT
        } else {
            0
        })
    }
}

/// A procedure by path, id, or `FILE@REV` from git.
fn load(arg: &str, onto: Option<&str>) -> Result<Program, Vec<Problem>> {
    // `file.policy@REV` splits after `.policy` (a revision may hold `@`, as `HEAD@{1}`);
    // `id@REV` at the first `@` (ids have none).
    let split = match arg.find(".policy@") {
        Some(i) => Some((&arg[..i + 7], &arg[i + 8..])),
        None => arg.split_once('@'),
    };
    if let Some((name, rev)) = split
        && !rev.is_empty()
        && !Path::new(arg).is_file()
    {
        // A file, or a procedure id found in the library, at a git revision.
        let path = if name.ends_with(".policy") || Path::new(name).is_file() {
            PathBuf::from(name)
        } else {
            match Library::new(None).locate(name).map_err(|p| vec![p])? {
                Some(super::Found::File(path)) => path,
                _ => {
                    return Err(vec![usage_error(
                        format!("no procedure file `{name}` to read at revision `{rev}`"),
                        "FILE@REV takes a .policy file tracked by git, or the id of one in policies/, e.g. policies/lincolnshire.policy@HEAD~3",
                    )]);
                }
            }
        };
        let path = path.to_string_lossy().into_owned();
        let source = git_show(&path, rev).map_err(|p| vec![p])?;
        let library = Library::new(Some(Path::new(&path)));
        let Checked { program, problems } = cspr::check::check_onto(&source, &library, onto);
        return program.ok_or(problems);
    }
    load_procedure_onto(arg, None, onto).map(|(p, _warnings)| p)
}

/// The text of `path` at git revision `rev`.
fn git_show(path: &str, rev: &str) -> Result<Source, Problem> {
    let p = Path::new(path);
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file = p
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .arg("show")
        .arg(format!("{rev}:./{file}"))
        .output()
        .map_err(|e| {
            usage_error(
                format!("cannot run git to read `{path}@{rev}`: {e}"),
                "install git, or give the old version as a file",
            )
        })?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        return Err(usage_error(
            format!("cannot read `{path}` at revision `{rev}`: {}", why.trim()),
            "FILE@REV names a file tracked by git and a revision such as HEAD~3, a tag or a commit",
        ));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| {
        usage_error(
            format!("`{path}@{rev}` is not UTF-8 text"),
            "save the file as UTF-8",
        )
    })?;
    Ok(Source::new(format!("{path}@{rev}"), text))
}

/// The scenario files under `dir` (or `dir` itself), parsed.
fn scenario_files(dir: &Path) -> Result<Vec<cspr::scenario::File>, Vec<Problem>> {
    let paths = if dir.is_dir() {
        files_ending(dir, "scenario", 8)
    } else {
        vec![dir.to_path_buf()]
    };
    if paths.is_empty() {
        return Err(vec![usage_error(
            format!("no *.scenario files under `{}`", dir.display()),
            "give the directory of the suite written for the old version",
        )]);
    }
    let mut out = Vec::new();
    for path in paths {
        let source = read_source(&path).map_err(|p| vec![p])?;
        let editions = Library::new(Some(&path)).editions();
        match cspr::scenario::File::parse(source, editions) {
            Ok(f) => out.push(f),
            Err(problems) => {
                report(&problems);
                return Err(vec![usage_error(
                    format!("`{}` does not parse", path.display()),
                    "fix the scenario file (cspr test shows the same errors)",
                )]);
            }
        }
    }
    Ok(out)
}

/// Each witness as a case file: `KIND-NAME-N.json`, or `…-old.json` and `…-new.json`
/// when it gives a fact only one side reads.
fn write_witnesses(dir: &Path, diff: &cspr::diff::Diff) -> Result<(), Problem> {
    std::fs::create_dir_all(dir).map_err(|e| {
        usage_error(
            format!("cannot create `{}`: {e}", dir.display()),
            "check the path",
        )
    })?;
    let Some(sem) = &diff.semantic else {
        return Ok(());
    };
    for t in &sem.targets {
        for (i, w) in t.witnesses.iter().enumerate() {
            let stem = format!("{}-{}-{}", t.kind, t.name, i + 1);
            let mut files = Vec::new();
            if w.old_case == w.new_case {
                files.push((format!("{stem}.json"), &w.old_case));
            } else {
                files.push((format!("{stem}-old.json"), &w.old_case));
                files.push((format!("{stem}-new.json"), &w.new_case));
            }
            for (name, case) in files {
                let mut obj = serde_json::Map::new();
                obj.insert("case_id".into(), serde_json::Value::String(stem.clone()));
                obj.extend(case.clone());
                let text = serde_json::to_string_pretty(&obj).unwrap_or_default() + "\n";
                let path = dir.join(name);
                super::output::write_file(&path, text.as_bytes())?;
            }
        }
    }
    Ok(())
}
