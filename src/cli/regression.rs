//! `cspr test --guidance EDITION`: the regression report. Each scenario runs on its
//! procedure as written and rebased onto EDITION (`cspr::scenario::regression`); this
//! prints, per scenario, every expectation whose result changed, with both values and
//! both cited explanations. The verdict (pass or fail) is the run on EDITION.

use std::fmt::{self, Write as _};

use cspr::check::{Name, Program};
use cspr::eval::explain::{self, Explainer};
use cspr::scenario::coverage::Coverage;
use cspr::scenario::regression::{self, Side};
use cspr::scenario::{File, Run, RunResult};
use cspr::scenario::{Topic, topic};
use cspr::syntax::ast;

use super::report;
use super::test::expect_line;

/// How many expectations changed, in how many scenarios.
#[derive(Default)]
pub struct Tally {
    expectations: usize,
    /// Of those, the ones checked on one edition only (`under`, or set aside by one).
    pinned: usize,
    scenarios: usize,
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{} changed in {}",
            plural(self.expectations, "expectation", "expectations"),
            plural(self.scenarios, "scenario", "scenarios")
        )?;
        if self.pinned > 0 {
            write!(f, " ({} pinned to one edition by `under`)", self.pinned)?;
        }
        Ok(())
    }
}

/// What one scenario run on both sides (`run_a` as written, `run_b` on the edition
/// asked for) changed, printed; `programs` are the two sides' programs. Whether it
/// passed on the edition asked for.
pub fn report_pair(
    run_a: Option<&Run>,
    run_b: &Run,
    (before, after): (Option<&Program>, &Program),
    s: &ast::Scenario,
    file: &File,
    coverage: &mut Coverage,
    tally: &mut Tally,
) -> bool {
    let source = &file.source;
    let edition = run_b.edition.as_str();
    if let Some(eval) = run_b.eval() {
        coverage.record(after, eval);
    }
    let passed = run_b.passed();
    let (line, _) = source.line_col(s.span.start);
    let mark = if passed { "CHANGED" } else { "FAIL" };
    let heading = format!(
        "{mark} {}:{line}: \"{}\" (for {})",
        source.name, s.name.node, s.target.node
    );
    let written = run_a.map_or("?", |r| r.edition.as_str());

    // A side that did not evaluate is reported as a whole.
    let broken = |run: &Run, label: &str| -> Option<String> {
        match &run.result {
            RunResult::Observed { .. } => None,
            RunResult::DoesNotCompile(problems) => {
                report(problems);
                Some(format!(
                    "  {label}: the scenario does not compile (see the errors above)"
                ))
            }
            RunResult::Error(problem) => {
                report(std::slice::from_ref(problem));
                Some(format!(
                    "  {label}: the case could not be evaluated (see above)"
                ))
            }
        }
    };
    let as_written = format!("as written ({written})");
    let on = format!("on {edition}");
    let mut notes = Vec::new();
    match run_a {
        None => notes.push(format!("  {as_written}: the procedure could not be loaded")),
        Some(a) => notes.extend(broken(a, &as_written)),
    }
    notes.extend(broken(run_b, &on));
    if !notes.is_empty() {
        // It did not run on one side: the scenario as a whole changed.
        tally.scenarios += 1;
        outln!("{heading}");
        for n in notes {
            outln!("{n}");
        }
        return passed;
    }
    let Some(run_a) = run_a else { return passed };
    let rows = regression::compare(s, run_a, run_b);
    if rows.is_empty() {
        return passed;
    }
    let changed = rows.iter().filter(|r| r.changed).count();
    if changed > 0 {
        tally.expectations += changed;
        tally.pinned += rows.iter().filter(|r| r.changed && r.pinned()).count();
        tally.scenarios += 1;
    }
    let sides = Sides {
        source,
        width: as_written.len().max(on.len()) + 1,
        as_written,
        on,
        run_a,
        run_b,
        before,
        after,
    };
    let mut explained = Vec::new();
    let mut out = format!("{heading}\n");
    for row in &rows {
        row_text(&mut out, row, s, &sides, &mut explained);
    }
    out!("{out}");
    passed
}

/// The two sides of a scenario's regression report, and how they are labelled.
struct Sides<'a> {
    source: &'a cspr::diagnostic::Source,
    /// `as written (EDITION)`, `on EDITION`, and the width their labels are padded to.
    as_written: String,
    on: String,
    width: usize,
    run_a: &'a Run,
    run_b: &'a Run,
    before: Option<&'a Program>,
    after: &'a Program,
}

/// One expectation of the report: what was expected, each side's value and verdict, and
/// each side's explanation (once per name and side in a scenario: `explained`).
fn row_text(
    out: &mut String,
    row: &regression::Row,
    s: &ast::Scenario,
    sides: &Sides<'_>,
    explained: &mut Vec<(bool, Name, bool)>,
) {
    let Sides {
        source: _,
        as_written,
        on,
        width,
        run_a,
        run_b,
        before,
        after,
    } = sides;
    let (width, run_a, run_b, after) = (*width, *run_a, *run_b, *after);
    let edition = run_b.edition.as_str();
    let _ = writeln!(out, "  {}", expect_line(sides.source, row.span));
    if !row.changed {
        let _ = writeln!(out, "    (unchanged: it fails as written too)");
    }
    let _ = writeln!(out, "    {:<width$} {}", "expected:", row.expected);
    let side = |s: &Option<Side>, run: &Run| match s {
        None => format!(
            "(names something {} does not have; not checked)",
            run.edition
        ),
        Some(s) => {
            let verdict = match (s.in_force, s.holds) {
                (false, _) => format!("(not checked on {})", run.edition),
                (true, true) => "holds".into(),
                (true, false) => "FAILS".into(),
            };
            format!("{}  {verdict}", s.actual)
        }
    };
    let _ = writeln!(
        out,
        "    {:<width$} {}",
        format!("{as_written}:"),
        side(&row.before, run_a)
    );
    let _ = writeln!(
        out,
        "    {:<width$} {}",
        format!("{on}:"),
        side(&row.after, run_b)
    );
    let about_deadline = s
        .expects
        .iter()
        .any(|e| e.span == row.span && matches!(topic(&e.kind), Topic::Due(_) | Topic::Status(_)));
    for (first, label, side, run, program) in [
        (true, "why, as written", &row.before, run_a, *before),
        (false, "why, on", &row.after, run_b, Some(after)),
    ] {
        let (Some(side), Some(eval), Some(program)) = (side, run.eval(), program) else {
            continue;
        };
        let label = if first {
            label.to_string()
        } else {
            format!("{label} {edition}")
        };
        let Some(subject) = side.subject else {
            continue;
        };
        // Each side's explanation of a name once per scenario.
        let key = (first, subject, about_deadline);
        if explained.contains(&key) {
            let _ = writeln!(out, "    {label}: as above");
            continue;
        }
        explained.push(key);
        let mut explainer = Explainer::new(program, eval);
        let tree = match subject {
            Name::Rule(r) => explainer.standalone().rule(r),
            Name::Duty(d) => explainer.standalone().duty(d),
            Name::Fact(_) => continue,
        };
        let _ = writeln!(out, "    {label}:");
        for l in explain::render(program, &tree).lines() {
            let _ = writeln!(out, "      {l}");
        }
        if let (true, Name::Duty(d)) = (about_deadline, subject)
            && let Some(clause) = deadline_clause(program, d)
        {
            let _ = writeln!(out, "      {clause}");
        }
    }
}

/// `due: within 10 working days after la_aware_on  [WT23 ch.5, …]`: a duty's deadline
/// as its module writes it, with the duty's citation.
fn deadline_clause(program: &Program, d: usize) -> Option<String> {
    let duty = &program.duties[d];
    let deadline = duty.deadline.as_ref()?;
    let text = program.modules[duty.module]
        .source
        .text
        .get(deadline.span.start..deadline.span.end)?;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cite = duty
        .cite
        .as_ref()
        .map_or(String::new(), |c| format!("  [{c}]"));
    Some(format!("due: {text}{cite}"))
}
