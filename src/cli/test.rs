//! `cspr test`: run scenario files, show each failure with its explanation, and report
//! what no scenario exercised.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use cspr::check::Name;
use cspr::diagnostic::{Problem, Source};
use cspr::eval::explain::{self, Explainer};
use cspr::scenario::{self, File, Programs, Run, RunResult, coverage::Coverage};
use cspr::syntax::ast;

use super::{FAILED, Library, files_ending, load_procedure_onto, read_source, report, usage_error};

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
    /// As --coverage, and fail if anything a case can reach was not exercised (an item the checker proves unreachable is listed, not a failure)
    #[arg(long)]
    require_coverage: bool,
    /// The regression report: run each scenario as written and on this edition of the
    /// guidance (e.g. working_together_2023), and list every expectation whose result changed
    #[arg(long = "guidance", value_name = "EDITION")]
    guidance: Option<String>,
}

/// Deepest directory level searched for scenario files.
const MAX_DEPTH: usize = 8;

impl Test {
    pub fn run(self) -> Result<u8, Vec<Problem>> {
        let roots = if self.paths.is_empty() {
            vec![PathBuf::from("tests/scenarios")]
        } else {
            self.paths.clone()
        };
        let paths = scenario_paths(&roots)?;
        // A file with syntax errors fails, and the others still run.
        let (files, known, unparsed) = parse_files(&paths)?;
        if let Some(edition) = &self.guidance {
            check_edition(edition, &known)?;
        }
        let filter = self.filter.as_deref().map(str::to_lowercase);
        let selected = |s: &ast::Scenario| {
            filter
                .as_deref()
                .is_none_or(|f| s.name.node.to_lowercase().contains(f))
        };
        let mut load = |id: &str, file: &File, onto: Option<&str>| {
            load_procedure_onto(id, Some(Path::new(&*file.source.name)), onto).map(|(p, _)| p)
        };
        let (programs, problems) = Programs::load(&files, &selected, None, &mut load);
        report(&problems);
        let rebased = self.guidance.as_deref().map(|edition| {
            let (rebased, problems) = Programs::load(&files, &selected, Some(edition), &mut load);
            report(&problems);
            rebased
        });

        // Coverage is of the programs the verdict is on: rebased, with --guidance.
        let mut coverage = Coverage::new();
        for p in rebased.as_ref().unwrap_or(&programs).programs() {
            coverage.register(p);
        }
        let mut tally = Tally {
            failed: unparsed,
            ..Tally::default()
        };
        for file in &files {
            let (passed, failed) = match (&self.guidance, &rebased) {
                (Some(_), Some(rebased)) => {
                    let runs = scenario::suite::run_pair(file, &programs, rebased, &selected);
                    let mut ok = Vec::new();
                    for (s, pair) in &runs {
                        let target = &s.target.node;
                        ok.push(match (&pair.after, rebased.program(target)) {
                            (Some(after), Some(program)) => super::regression::report_pair(
                                pair.before.as_ref(),
                                after,
                                (programs.program(target), program),
                                s,
                                file,
                                &mut coverage,
                                &mut tally.changes,
                            ),
                            _ => {
                                report(&[missing_procedure(s, &file.source)]);
                                false
                            }
                        });
                    }
                    count(&ok)
                }
                _ => {
                    let runs = scenario::suite::run_suite(file, &programs, &selected);
                    let ok: Vec<bool> = runs
                        .iter()
                        .map(|(s, run)| match run {
                            Some(run) => report_run(&programs, s, run, file, &mut coverage),
                            None => {
                                report(&[missing_procedure(s, &file.source)]);
                                false
                            }
                        })
                        .collect();
                    count(&ok)
                }
            };
            tally.filtered += file.scenarios.iter().filter(|s| !selected(s)).count();
            tally.passed += passed;
            tally.failed += failed;
            if passed + failed > 0 {
                outln!(
                    "{}",
                    file_line(file, passed, failed, self.guidance.as_deref())
                );
            }
        }
        self.finish(&tally, &coverage)
    }

    /// The coverage report and the summary line; the exit code.
    fn finish(&self, tally: &Tally, coverage: &Coverage) -> Result<u8, Vec<Problem>> {
        let mut gaps = false;
        if self.coverage || self.require_coverage {
            out!("{}", coverage_report(coverage));
            gaps = !coverage.is_complete();
        }
        let verdict = if tally.failed == 0 { "ok" } else { "FAILED" };
        let on = self
            .guidance
            .as_deref()
            .map_or(String::new(), |e| format!(" on {e}"));
        let mut summary = format!(
            "\ntest result{on}: {verdict}. {} passed; {} failed",
            tally.passed, tally.failed
        );
        if tally.filtered > 0 {
            let _ = write!(summary, "; {} filtered out", tally.filtered);
        }
        if self.guidance.is_some() {
            let _ = write!(summary, "; {}", tally.changes);
        }
        outln!("{summary}");
        if self.require_coverage && gaps {
            outln!("coverage: FAILED (--require-coverage): some items were not exercised");
        }
        Ok(if tally.failed > 0 || (self.require_coverage && gaps) {
            FAILED
        } else {
            0
        })
    }
}

/// What a run of `cspr test` counted.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    filtered: usize,
    changes: super::regression::Tally,
}

/// How many passed and how many failed.
fn count(ok: &[bool]) -> (usize, usize) {
    let passed = ok.iter().filter(|&&b| b).count();
    (passed, ok.len() - passed)
}

/// `ok   tests/scenarios/x.scenario: 3 passed[ on EDITION][, 1 failed]`.
fn file_line(file: &File, passed: usize, failed: usize, on: Option<&str>) -> String {
    let mark = if failed == 0 { "ok  " } else { "FAIL" };
    let on = on.map_or(String::new(), |e| format!(" on {e}"));
    let mut line = format!("{mark} {}: {passed} passed{on}", file.source.name);
    if failed > 0 {
        let _ = write!(line, ", {failed} failed");
    }
    line
}

/// Read and parse every scenario file: the files that parse, the editions of the
/// guidance found near any of them, and how many did not parse (their errors printed).
fn parse_files(paths: &[PathBuf]) -> Result<(Vec<File>, Vec<String>, usize), Vec<Problem>> {
    let mut unparsed = 0usize;
    let mut files = Vec::new();
    let mut editions_seen = HashMap::new();
    for path in paths {
        let source = read_source(path).map_err(|p| vec![p])?;
        let name = source.name.clone();
        match File::parse(source, editions_near(path, &mut editions_seen)) {
            Ok(file) => files.push(file),
            Err(problems) => {
                report(&problems);
                outln!("FAIL {name}: the file does not parse");
                unparsed += 1;
            }
        }
    }
    let mut known: Vec<String> = editions_seen.into_values().flatten().collect();
    known.sort_unstable();
    known.dedup();
    Ok((files, known, unparsed))
}

/// `--guidance EDITION` names an edition found near the scenario files.
fn check_edition(edition: &str, known: &[String]) -> Result<(), Vec<Problem>> {
    if known.iter().any(|k| k == edition) {
        return Ok(());
    }
    let help = cspr::diagnostic::did_you_mean(edition, known.iter().map(String::as_str))
        .unwrap_or_else(|| format!("the editions found are: {}", known.join(", ")));
    let help = if edition == super::edition::AUTO {
        format!(
            "`auto` takes the edition from one case's date, and a scenario pins its own with `under`; {help}"
        )
    } else {
        help
    };
    Err(vec![usage_error(
        format!("`{edition}` is not an edition of the guidance"),
        help,
    )])
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

/// Print one scenario's failures, with their explanations. Whether it passed.
fn report_run(
    programs: &Programs,
    s: &ast::Scenario,
    run: &Run,
    file: &File,
    coverage: &mut Coverage,
) -> bool {
    let Some(program) = programs.program(&s.target.node) else {
        return false;
    };
    let source = &file.source;
    let (line, _) = source.line_col(s.span.start);
    let heading = format!(
        "FAIL {}:{line}: \"{}\" (for {})",
        source.name, s.name.node, s.target.node
    );
    let eval = match &run.result {
        RunResult::DoesNotCompile(problems) => {
            report(problems);
            return false;
        }
        RunResult::Error(problem) => {
            outln!("{heading}\n  the case could not be evaluated:");
            report(std::slice::from_ref(problem));
            return false;
        }
        RunResult::Observed { eval, .. } => eval,
    };
    coverage.record(program, eval);
    let failures = run.failures();
    if failures.is_empty() {
        return true;
    }
    let mut out = format!("{heading}\n");
    let mut explainer = Explainer::new(program, eval);
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

/// `line 14: expect notify due 2024-04-04`: where an expectation is and what it says.
pub(super) fn expect_line(source: &Source, span: cspr::span::Span) -> String {
    let (line, _) = source.line_col(span.start);
    format!("line {line}: {}", scenario::written(source, span))
}

/// The coverage section: totals per module, then each item nothing exercised, then each
/// item the checker proved no case can reach (not counted in the totals).
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
        if !m.unreachable.is_empty() {
            let n = m.unreachable.len();
            let _ = writeln!(
                out,
                "    {n} unreachable (no case can reach {}: not counted, and not a gap; `cspr check` warns):",
                if n == 1 { "it" } else { "them" }
            );
        }
        for (item, why) in &m.unreachable {
            let _ = writeln!(
                out,
                "      unreachable:   {}:{}  {} — {why}",
                m.file, item.line, item.what
            );
        }
    }
    out
}
