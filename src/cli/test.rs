//! `cspr test`: run scenario files, show each failure with its explanation, and report
//! what no scenario exercised.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use cspr::check::{Name, Program};
use cspr::diagnostic::{Problem, Source};
use cspr::eval::Engine;
use cspr::eval::explain::{self, Explainer};
use cspr::scenario::{self, Ran, coverage::Coverage};
use cspr::syntax::ast;
use cspr::syntax::ast::ModuleKind::Guidance;

use super::{
    FAILED, Library, files_ending, load_procedure_near, load_procedure_onto, read_source, report,
    usage_error,
};

/// Run scenario tests: given facts, the outcomes, duties, due dates and statuses expected
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr test\n  cspr test tests/scenarios/buckinghamshire --filter custody\n  cspr test tests/scenarios --require-coverage\n  cspr test tests/scenarios/lincolnshire --guidance working_together_2023   (the regression report)\n\nA scenario file (*.scenario) holds scenarios such as:\n  scenario \"Death in police custody always triggers an LCSPR\" for buckinghamshire:\n    as of 2024-03-20\n    given child_died = true, setting = police_custody, review_decided_on = 2024-03-04\n    expect lcspr_required = true\n    expect notify_decision due 2024-03-11\n    expect notify_decision due 2024-03-18 under working_together_2023\n\nWith --guidance, each scenario runs as written and on EDITION; every expectation whose result changed is\nlisted with both values and both explanations, and the verdict is the run on EDITION. `under EDITION`\npins an expectation to one edition. See docs/scenarios.md."
)]
pub struct Test {
    /// Scenario files, or directories searched for *.scenario files [default: tests/scenarios]
    paths: Vec<PathBuf>,
    /// Run only the scenarios whose name contains this text (ignoring case)
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// Also report every rule value, exception, decision branch and duty outcome no scenario exercised
    #[arg(long)]
    coverage: bool,
    /// As --coverage, and fail if anything was not exercised
    #[arg(long)]
    require_coverage: bool,
    /// The regression report: run each scenario as written and on this edition of the
    /// guidance (e.g. working_together_2023), and list every expectation whose result changed
    #[arg(long = "guidance", value_name = "EDITION")]
    guidance: Option<String>,
}

/// Deepest directory level searched for scenario files.
const MAX_DEPTH: usize = 8;

/// One parsed scenario file.
pub(super) struct File {
    pub source: Source,
    pub scenarios: Vec<ast::Scenario>,
    /// The editions of the guidance its `under`s may name.
    pub editions: Vec<String>,
}

impl Test {
    pub fn run(self) -> Result<u8, Vec<Problem>> {
        let roots = if self.paths.is_empty() {
            vec![PathBuf::from("tests/scenarios")]
        } else {
            self.paths.clone()
        };
        let paths = scenario_paths(&roots)?;

        // Parse every file; a file with syntax errors fails, and the others still run.
        let mut failed = 0usize;
        let mut files = Vec::new();
        let mut editions_seen = HashMap::new();
        for path in &paths {
            let source = read_source(path).map_err(|p| vec![p])?;
            match cspr::syntax::parse_scenarios(&source) {
                Ok(scenarios) => files.push(File {
                    editions: editions_near(path, &mut editions_seen),
                    source,
                    scenarios,
                }),
                Err(problems) => {
                    report(&problems);
                    outln!("FAIL {}: the file does not parse", source.name);
                    failed += 1;
                }
            }
        }

        if let Some(edition) = &self.guidance {
            let mut known: Vec<&str> = editions_seen
                .values()
                .flatten()
                .map(String::as_str)
                .collect();
            known.sort_unstable();
            known.dedup();
            if !known.contains(&edition.as_str()) {
                let help = cspr::diagnostic::did_you_mean(edition, known.iter().copied())
                    .unwrap_or_else(|| format!("the editions found are: {}", known.join(", ")));
                return Err(vec![usage_error(
                    format!("`{edition}` is not an edition of the guidance"),
                    help,
                )]);
            }
        }

        let filter = self.filter.as_deref().map(str::to_lowercase);
        let selected = |s: &ast::Scenario| {
            filter
                .as_deref()
                .is_none_or(|f| s.name.node.to_lowercase().contains(f))
        };

        let programs = load_programs(&files, &selected, None);
        let rebased = match &self.guidance {
            Some(edition) => load_programs(&files, &selected, Some(edition)),
            None => HashMap::new(),
        };
        let engines: HashMap<&str, Engine<'_>> = programs
            .iter()
            .filter_map(|(id, p)| p.as_ref().map(|p| (id.as_str(), Engine::new(p))))
            .collect();
        let rebased_engines: HashMap<&str, Engine<'_>> = rebased
            .iter()
            .filter_map(|(id, p)| p.as_ref().map(|p| (id.as_str(), Engine::new(p))))
            .collect();

        // Coverage is of the programs the verdict is on: rebased, with --guidance.
        let mut coverage = Coverage::new();
        let judged = if self.guidance.is_some() {
            &rebased
        } else {
            &programs
        };
        for p in judged.values().flatten() {
            coverage.register(p);
        }
        let mut changes = super::regression::Tally::default();
        let (mut passed, mut filtered) = (0usize, 0usize);
        for file in &files {
            let (mut file_passed, mut file_failed) = (0usize, 0usize);
            for s in &file.scenarios {
                if !selected(s) {
                    filtered += 1;
                    continue;
                }
                let target = s.target.node.as_str();
                let ok = match (
                    &self.guidance,
                    engines.get(target),
                    rebased_engines.get(target),
                ) {
                    (None, Some(engine), _) => run_one(engine, s, file, &mut coverage),
                    (Some(edition), before, Some(after)) => super::regression::run_both(
                        before,
                        after,
                        edition,
                        s,
                        file,
                        &mut coverage,
                        &mut changes,
                    ),
                    _ => {
                        report(&[missing_procedure(s, &file.source)]);
                        false
                    }
                };
                if ok {
                    file_passed += 1;
                } else {
                    file_failed += 1;
                }
            }
            passed += file_passed;
            failed += file_failed;
            if file_passed + file_failed > 0 {
                let mark = if file_failed == 0 { "ok  " } else { "FAIL" };
                let on = self
                    .guidance
                    .as_deref()
                    .map_or(String::new(), |e| format!(" on {e}"));
                let mut line = format!("{mark} {}: {file_passed} passed{on}", file.source.name);
                if file_failed > 0 {
                    let _ = write!(line, ", {file_failed} failed");
                }
                outln!("{line}");
            }
        }

        let mut gaps = false;
        if self.coverage || self.require_coverage {
            out!("{}", coverage_report(&coverage));
            gaps = !coverage.is_complete();
        }
        let verdict = if failed == 0 { "ok" } else { "FAILED" };
        let on = self
            .guidance
            .as_deref()
            .map_or(String::new(), |e| format!(" on {e}"));
        let mut summary = format!("\ntest result{on}: {verdict}. {passed} passed; {failed} failed");
        if filtered > 0 {
            let _ = write!(summary, "; {filtered} filtered out");
        }
        if self.guidance.is_some() {
            let _ = write!(summary, "; {changes}");
        }
        outln!("{summary}");
        if self.require_coverage && gaps {
            outln!("coverage: FAILED (--require-coverage): some items were not exercised");
        }
        Ok(if failed > 0 || (self.require_coverage && gaps) {
            FAILED
        } else {
            0
        })
    }
}

/// The scenario files named by `roots`: files as given, directories searched.
fn scenario_paths(roots: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<Problem>> {
    let mut paths = Vec::new();
    for root in roots {
        if root.is_dir() {
            let found = files_ending(root, "scenario", MAX_DEPTH);
            if found.is_empty() {
                return Err(vec![usage_error(
                    format!("no *.scenario files under `{}`", root.display()),
                    "give scenario files or the directories that hold them",
                )]);
            }
            paths.extend(found);
        } else if root.is_file() {
            paths.push(root.clone());
        } else {
            return Err(vec![usage_error(
                format!(
                    "cannot read `{}`: no such file or directory",
                    root.display()
                ),
                "give scenario files or the directories that hold them",
            )]);
        }
    }
    Ok(paths)
}

/// The editions of the guidance found from a scenario file's directory (policies/,
/// CSPR_PATH and beside it), worked out once per directory.
fn editions_near(path: &Path, seen: &mut HashMap<PathBuf, Vec<String>>) -> Vec<String> {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    seen.entry(dir)
        .or_insert_with(|| Library::new(Some(path)).editions())
        .clone()
}

/// Each procedure the selected scenarios name, loaded once: by id from policies/ and
/// CSPR_PATH, or beside the first scenario file that names it. `None` for one that could
/// not be loaded (its problems are reported). With `onto`, each is put on that edition
/// of the guidance; a scenario of a guidance module itself runs on the edition.
fn load_programs(
    files: &[File],
    selected: &dyn Fn(&ast::Scenario) -> bool,
    onto: Option<&str>,
) -> HashMap<String, Option<Program>> {
    let mut programs = HashMap::new();
    for file in files {
        for s in file.scenarios.iter().filter(|s| selected(s)) {
            let id = &s.target.node;
            if programs.contains_key(id) {
                continue;
            }
            let near = Path::new(&*file.source.name);
            let loaded = match onto {
                None => load_procedure_near(id, Some(near)),
                Some(edition) => match load_procedure_near(id, Some(near)) {
                    Ok((p, _)) if p.modules.len() == 1 && p.entry().kind == Guidance => {
                        load_procedure_near(edition, Some(near))
                    }
                    _ => load_procedure_onto(id, Some(near), Some(edition)),
                },
            };
            let program = match loaded {
                Ok((p, _warnings)) => Some(p),
                Err(problems) => {
                    report(&problems);
                    None
                }
            };
            programs.insert(id.clone(), program);
        }
    }
    programs
}

pub(super) fn missing_procedure(s: &ast::Scenario, source: &Source) -> Problem {
    Problem::error(
        "cspr::scenario_procedure",
        format!(
            "scenario \"{}\" runs under `{}`, which could not be loaded",
            s.name.node, s.target.node
        ),
    )
    .label(s.target.span, "see the errors above")
    .help("fix the procedure, or name one found in policies/ or CSPR_PATH")
    .in_source(source)
}

/// Compile and run one scenario, printing its failures. Whether it passed.
fn run_one(engine: &Engine<'_>, s: &ast::Scenario, file: &File, coverage: &mut Coverage) -> bool {
    let program = engine.program;
    let source = &file.source;
    let compiled = match scenario::compile_among(s, program, source, &file.editions) {
        Ok(c) => c,
        Err(problems) => {
            report(&problems);
            return false;
        }
    };
    let (line, _) = source.line_col(s.span.start);
    let heading = format!(
        "FAIL {}:{line}: \"{}\" (for {})",
        source.name, s.name.node, s.target.node
    );
    match scenario::run(engine, &compiled) {
        Ran::Error(problem) => {
            outln!("{heading}\n  the case could not be evaluated:");
            report(&[problem]);
            false
        }
        Ran::Evaluated(eval, failures) => {
            coverage.record(program, &eval);
            if failures.is_empty() {
                return true;
            }
            let mut out = format!("{heading}\n");
            let mut explainer = Explainer::new(program, &eval);
            for f in &failures {
                let _ = writeln!(out, "  {}", expect_line(source, f.span));
                let _ = writeln!(out, "    expected: {}", f.expected);
                let _ = writeln!(out, "    actual:   {}", f.actual);
                let tree = match f.subject {
                    Some(Name::Rule(r)) => Some(explainer.standalone().rule(r)),
                    Some(Name::Duty(d)) => Some(explainer.standalone().duty(d)),
                    _ => None,
                };
                if let Some(tree) = tree {
                    let _ = writeln!(out, "    why:");
                    for l in explain::render(program, &tree).lines() {
                        let _ = writeln!(out, "      {l}");
                    }
                }
            }
            out!("{out}");
            false
        }
    }
}

/// `line 14: expect notify due 2024-04-04`: where an expectation is and what it says.
pub(super) fn expect_line(source: &Source, span: cspr::span::Span) -> String {
    let (line, _) = source.line_col(span.start);
    let text = source
        .text
        .get(span.start..span.end)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    format!("line {line}: {text}")
}

/// The coverage section: totals per module, then each item nothing exercised.
fn coverage_report(coverage: &Coverage) -> String {
    let mut out =
        String::from("\ncoverage (rule values, exceptions, decision branches, duty outcomes):\n");
    for m in coverage.modules() {
        let pct = if m.total == 0 {
            100.0
        } else {
            100.0 * m.covered as f64 / m.total as f64
        };
        let _ = writeln!(
            out,
            "  {:<24} {:>4}/{:<4} {pct:>5.1}%  {}",
            m.module, m.covered, m.total, m.file
        );
        for item in &m.uncovered {
            let _ = writeln!(
                out,
                "      not exercised: {}:{}  {}",
                m.file, item.line, item.what
            );
        }
    }
    out
}
