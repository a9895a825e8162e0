//! `cspr report`: the decision report of a case as one self-contained HTML file, or of
//! a batch as one file per case and an index page.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use cspr::case::Format;
use cspr::eval::Engine;
use cspr::report::{Report, html};

use super::edition::Editions;
use super::{BAD_INPUT, cases, load_procedure, report, usage_error};

/// Write a decision report a review panel can read: summary, deadlines chart, duties, explanations
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr report lincolnshire policies/examples/lincolnshire-rapid-review.json --as-of 2024-04-10 -o report.html\n  cspr report lincolnshire policies/examples/lincolnshire-rapid-review.json --full -o full.html\n  cspr report working_together_2018 policies/examples/batch.jsonl -o reports/\n\nBy default the report is a brief for a panel's pack: the decisions, the next deadlines and anything\noverdue, the questions that change a decision or a due date, and the chart. --full adds the appendix.\nThe HTML file needs no network: styles and charts are inline, and it prints on A4 with every\nexplanation open. A .jsonl batch writes one file per case into the directory given by -o,\nwith an index.html. Without -o, a single report goes to stdout."
)]
pub struct ReportCmd {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH
    procedure: String,
    /// A case file: .json, .toml, or .jsonl (a batch, one report per case)
    case: PathBuf,
    #[command(flatten)]
    as_of: super::AsOf,
    /// Where to write: an .html file, or a directory for a batch [default: stdout]
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Add the appendix: the duty table, every outcome, the explanation trees, the facts given,
    /// the maps of the decisions and every open question [default: the brief report]
    #[arg(long)]
    full: bool,
    /// Refuse a case key this procedure does not declare, even one another procedure does
    /// (by default such keys are listed once on stderr and ignored)
    #[arg(long)]
    strict: bool,
    /// Show code names (`notify_national_panel`, `local_authority`) where the output shows
    /// labels and actors' titles
    #[arg(long)]
    names: bool,
}

impl ReportCmd {
    fn layout(&self) -> html::Layout {
        if self.full {
            html::Layout::Full
        } else {
            html::Layout::Brief
        }
    }

    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (program, _) = load_procedure(&self.procedure)?;
        let as_of = self.as_of.day();
        let ((_, format, mut parsed), _) =
            cases::read_among(&program, &self.case, self.strict).map_err(|p| vec![p])?;
        let engine = Engine::new(&program);
        let editions = Editions::of(&program, false);
        if format != Format::JsonLines {
            let case = match parsed.pop() {
                Some((_, case)) => case?,
                None => return Err(Vec::new()),
            };
            let eval = match super::evaluate(&engine, &case) {
                Ok(e) => e,
                Err(code) => return Ok(code),
            };
            let page = Editions::html(
                editions.finding(&case),
                &html::render_with(
                    &Report::new(&program, &eval, as_of).with_names(self.names),
                    self.layout(),
                ),
            );
            return match &self.output {
                Some(path) => write_file(path, &page).map(|()| 0),
                None => super::output::print(&page).map(|()| 0),
            };
        }
        let Some(dir) = &self.output else {
            return Err(vec![usage_error(
                "a batch writes one report per case: say where with -o DIRECTORY",
                "cspr report PROCEDURE cases.jsonl -o reports/",
            )]);
        };
        std::fs::create_dir_all(dir).map_err(|e| {
            vec![usage_error(
                format!("cannot create `{}`: {e}", dir.display()),
                "check the path",
            )]
        })?;
        let mut code = 0;
        let mut rows = String::new();
        for (line, parsed) in parsed {
            let line = line.unwrap_or(0);
            let case = match parsed {
                Ok(c) => c,
                Err(problems) => {
                    report(&problems);
                    code = BAD_INPUT;
                    let _ = writeln!(
                        rows,
                        "<tr><td>{line}</td><td colspan=\"3\" class=\"unknown\">not read: see the errors cspr printed</td></tr>"
                    );
                    continue;
                }
            };
            let eval = match super::evaluate(&engine, &case) {
                Ok(e) => e,
                Err(c) => {
                    code = code.max(c);
                    let _ = writeln!(
                        rows,
                        "<tr><td>{line}</td><td colspan=\"3\" class=\"unknown\">not evaluated: see the errors cspr printed</td></tr>"
                    );
                    continue;
                }
            };
            let model = Report::new(&program, &eval, as_of).with_names(self.names);
            let file = file_name(line, model.case_id);
            let page = Editions::html(
                editions.finding(&case),
                &html::render_with(&model, self.layout()),
            );
            write_file(&dir.join(&file), &page)?;
            let decisions: Vec<String> = model
                .outcomes
                .iter()
                .filter(|o| o.decision)
                .map(|o| {
                    format!(
                        "<code>{}</code> = {}",
                        html::escape(o.name),
                        html::escape(&o.shown)
                    )
                })
                .collect();
            let _ = writeln!(
                rows,
                "<tr><td>{line}</td><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                html::escape(&file),
                html::escape(model.case_id.unwrap_or("(no case id)")),
                decisions.join("<br>"),
                model.questions.len()
            );
        }
        let entry = program.entry();
        let index = format!(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>Decision reports: {id}</title>\n<style>body{{font:15px/1.5 Helvetica,Arial,sans-serif;max-width:68rem;margin:0 auto;padding:1.5rem 2rem}}table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;vertical-align:top;border-bottom:1px solid #d0d5dd;padding:.35rem .5rem}}th{{background:#f5f7fa}}code{{font-size:.88em}}.unknown{{color:#b54708}}</style>\n</head>\n<body>\n<h1>Decision reports</h1>\n<p>{title} (<code>{id}</code>), as of {as_of}.</p>\n<table>\n<thead><tr><th>Line</th><th>Case</th><th>Decisions</th><th>Questions open</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</body>\n</html>\n",
            id = html::escape(&entry.id),
            title = html::escape(&entry.title),
            as_of = as_of.format("%Y-%m-%d"),
        );
        write_file(&dir.join("index.html"), &index)?;
        Ok(code)
    }
}

/// `003-lscp-ex-01.html`: the line number keeps names unique; the case id, reduced to
/// letters, digits and dashes, makes them readable.
fn file_name(line: usize, case_id: Option<&str>) -> String {
    let mut slug = String::new();
    for c in case_id.unwrap_or("").chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("{line:03}.html")
    } else {
        format!("{line:03}-{slug}.html")
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), Vec<cspr::Problem>> {
    super::output::write_file(path, text.as_bytes()).map_err(|p| vec![p])
}
