//! The browser interview's pages (`cspr serve`): the procedure chooser, the interview of
//! one case, and one case under every procedure — HTML rendered on the server from the
//! report's view model, working without JavaScript.
//!
//! Nothing here computes an answer of its own. The questions are the REPL's interview
//! ([`crate::repl::interview::order`]: only facts in the exact `missing`, and the dates a
//! deadline waits for, in the procedure's order); what changed after an answer is
//! [`Changes`]; duties, due dates and what each counts from, the chart and the
//! explanations are [`Report`]'s, drawn by the decision report's own pieces
//! ([`super::chart`], [`super::html::explanation`], [`super::counted`]). Every value from
//! a case or a policy goes through [`escape`].
//!
//! The case travels in the page: every form carries it as JSON text in a hidden field
//! ([`Carried`]), posted back in the request body — never in a URL, which ends up in
//! history and logs — so the server stores nothing. Answers come back as the values the
//! form offers (`true`, a choice's name, `YYYY-MM-DD`) or as a person types them in a
//! what-if (`yes`, `10/05/2024`), and are read by the REPL's reader ([`answer`]).
//!
//! ```text
//! GET  /                 home: choose a procedure, or open a case file
//! POST /interview        do = start | show | answer | unset | why | whatif | asof; skip = FACT
//! POST /upload           multipart: procedure, file, then = interview | compare
//! POST /compare          the case under every procedure
//! POST /download/…       case.json, case.toml, report.html, timeline.ics (attachments)
//! ```
//!
//! The pages link their stylesheets and an optional script by path ([`path`]); no inline
//! `style` or `script` is written, so they run under a Content-Security-Policy without
//! `unsafe-inline`.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::compare::Comparison;
use super::html::{self, escape};
use super::model::{Explanation, Report};
use crate::check::{FactId, Program};
use crate::diagnostic::{Problem, Source};
use crate::eval::Case;
use crate::repl::answer as read_answer;
use crate::repl::changes::Changes;
use crate::value::Type;

mod parts;
use parts::{changes_list, decisions, downloads, given, questions, results, what_if_form};

/// The paths the pages' forms post to and the embedded files they link: the server
/// routes exactly these.
pub mod path {
    pub const HOME: &str = "/";
    pub const INTERVIEW: &str = "/interview";
    pub const UPLOAD: &str = "/upload";
    pub const COMPARE: &str = "/compare";
    pub const CASE_JSON: &str = "/download/case.json";
    pub const CASE_TOML: &str = "/download/case.toml";
    pub const REPORT: &str = "/download/report.html";
    pub const ICS: &str = "/download/timeline.ics";
    pub const STYLE: &str = "/ui/interview.css";
    pub const REPORT_STYLE: &str = "/ui/report.css";
    pub const SCRIPT: &str = "/ui/interview.js";
}

/// The names of the forms' fields.
pub mod field {
    pub const PROCEDURE: &str = "procedure";
    pub const CASE: &str = "case";
    pub const SKIPPED: &str = "skipped";
    pub const AS_OF: &str = "as_of";
    /// What a form asks for: `start`, `show`, `answer`, `unset`, `why`, `whatif`, `asof`.
    pub const DO: &str = "do";
    pub const FACT: &str = "fact";
    /// An answer's value; a set's members come as several.
    pub const VALUE: &str = "value";
    /// The skip button's: the fact skipped.
    pub const SKIP: &str = "skip";
    /// A why button's: the outcome or duty to explain.
    pub const WHY: &str = "why";
    pub const WHAT_FACT: &str = "what_fact";
    pub const WHAT_VALUE: &str = "what_value";
    /// The case file uploaded.
    pub const FILE: &str = "file";
    /// After an upload: `interview` or `compare`.
    pub const THEN: &str = "then";
    /// The report's layout: `brief` or `full`.
    pub const LAYOUT: &str = "layout";
}

/// A procedure the chooser offers.
pub struct Choice<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub version: Option<NaiveDate>,
}

/// What every form of an interview page carries, so the next request can rebuild it.
pub struct Carried<'a> {
    pub procedure: &'a str,
    /// The case as the JSON text of a case file ([`crate::repl::save::to_json_text`]).
    pub case: String,
    /// The facts skipped in this interview, by name.
    pub skipped: Vec<&'a str>,
    /// The day statuses are judged on.
    pub as_of: NaiveDate,
}

impl Carried<'_> {
    /// The carried state as hidden fields.
    fn hidden(&self, out: &mut String) {
        let _ = write!(
            out,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\"><input type=\"hidden\" name=\"{}\" value=\"{}\"><input type=\"hidden\" name=\"{}\" value=\"{}\"><input type=\"hidden\" name=\"{}\" value=\"{}\">",
            field::PROCEDURE,
            escape(self.procedure),
            field::CASE,
            escape(&self.case),
            field::SKIPPED,
            escape(&self.skipped.join(",")),
            field::AS_OF,
            self.as_of.format("%Y-%m-%d"),
        );
    }

    /// A form posting to `action` with the carried state and `what` to do.
    fn open(&self, action: &str, what: &str, class: &str, out: &mut String) {
        let _ = write!(
            out,
            "<form method=\"post\" action=\"{action}\" class=\"{class}\">"
        );
        self.hidden(out);
        if !what.is_empty() {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"{}\" value=\"{what}\">",
                field::DO
            );
        }
    }
}

/// The facts named in a `skipped` field (commas between), those the program declares.
pub fn skipped_facts(program: &Program, text: &str) -> Vec<FactId> {
    text.split(',')
        .filter_map(|n| program.fact_named(n.trim()))
        .collect()
}

/// Give `fact` the value a form sent (several for a set's members), read as the REPL
/// reads an answer (a text fact takes the text as typed); returns how the answer reads back (`child_died = true`,
/// `la_aware_on = 25 March 2024`).
pub fn answer(
    program: &Program,
    case: &mut Case,
    fact: &str,
    values: &[&str],
) -> Result<String, Vec<Problem>> {
    let Some(f) = program.fact_named(fact) else {
        return Err(vec![
            Problem::error(
                "cspr::input",
                format!("`{fact}` is not a fact of `{}`", program.entry().id),
            )
            .help("choose a fact the procedure declares"),
        ]);
    };
    let text = values.join(", ");
    if text.trim().is_empty() {
        return Err(vec![
            Problem::error("cspr::input", format!("no answer given for `{fact}`"))
                .help("choose or type an answer, or skip the question"),
        ]);
    }
    if program.facts[f].ty == Type::Text {
        // What a person types in a text box is the text itself, not a quoted literal.
        let said = format!("{fact} = {text:?}");
        case.set(
            program,
            f,
            Some(crate::value::Value::Text(text.as_str().into())),
        )
        .map_err(|e| vec![Problem::error("cspr::input", e.to_string())])?;
        return Ok(said);
    }
    let read = read_answer::read(program, f, &text)?;
    let value = crate::check::value(
        program,
        f,
        &Source::new(format!("answer for `{fact}`"), read.text.clone()),
    )?;
    case.set(program, f, Some(value)).map_err(|e| {
        vec![Problem::error("cspr::input", e.to_string()).help("give a value of the fact's type")]
    })?;
    Ok(read
        .echo
        .unwrap_or_else(|| format!("{fact} = {}", read.text)))
}

/// An interview page.
pub struct Interview<'a> {
    pub choices: &'a [Choice<'a>],
    pub report: &'a Report<'a>,
    pub carried: &'a Carried<'a>,
    /// The facts skipped, by id (from `carried.skipped`).
    pub skipped: &'a [FactId],
    /// The note on the edition in force on the case's date, when it is not the one
    /// evaluated.
    pub edition_note: Option<&'a str>,
    /// The last answer as it reads back, and what it changed.
    pub changed: Option<(&'a str, &'a Changes)>,
    /// The explanation asked for.
    pub why: Option<&'a Explanation<'a>>,
    /// A what-if: the values tried, what they would change, and the case under them.
    pub what_if: Option<(&'a str, &'a Changes, &'a Report<'a>)>,
    /// What was wrong with the last request (a bad answer, a case file with errors), or
    /// what to note about it (warnings: keys of a case file only other procedures declare).
    pub problems: &'a [Problem],
}

fn head(title: &str, out: &mut String) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"cspr {}\">\n<title>{}</title>\n<link rel=\"stylesheet\" href=\"{}\">\n<link rel=\"stylesheet\" href=\"{}\">\n<script src=\"{}\" defer></script>\n</head>\n<body class=\"serve\">\n",
        env!("CARGO_PKG_VERSION"),
        escape(title),
        path::REPORT_STYLE,
        path::STYLE,
        path::SCRIPT,
    );
}

fn foot(out: &mut String) {
    let _ = write!(
        out,
        "<footer>cspr {}: nothing about this case is stored on the server; the case travels in this page, and leaves it only when you download it.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
}

/// Problems as a list a person reads: the message, where, and the help (warnings alone,
/// such as keys of a case file another procedure declares, as notes).
fn problems(list: &[Problem], out: &mut String) {
    if list.is_empty() {
        return;
    }
    if list.iter().any(Problem::is_error) {
        out.push_str(
            "<section class=\"problems\" role=\"alert\">\n<h2>Something needs fixing</h2>\n<ul>\n",
        );
    } else {
        out.push_str("<section class=\"notes\">\n<h2>Please note</h2>\n<ul>\n");
    }
    for p in list {
        let at = match (p.source.as_deref(), p.labels.first()) {
            (Some(src), Some((span, label))) => {
                let (line, col) = src.line_col(span.start);
                let label = if label.is_empty() {
                    String::new()
                } else {
                    format!(": {label}")
                };
                format!(
                    "<div class=\"at\">at {}:{line}:{col}{}</div>",
                    escape(&src.name),
                    escape(&label)
                )
            }
            _ => String::new(),
        };
        let help = p
            .help
            .as_ref()
            .map(|h| format!("<div class=\"help\">help: {}</div>", escape(h)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<li><code>{}</code> {}{at}{help}</li>",
            escape(p.code),
            escape(&p.message)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

/// A name in plain words: `rapid_review` → `rapid review`.
fn words(name: &str) -> String {
    name.replace('_', " ")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The procedures as radio buttons, `selected` checked (else the first).
fn chooser(choices: &[Choice<'_>], selected: Option<&str>, out: &mut String) {
    out.push_str("<fieldset class=\"procedures\"><legend>Procedure</legend>\n");
    for (i, c) in choices.iter().enumerate() {
        let checked = match selected {
            Some(s) => s == c.id,
            None => i == 0,
        };
        let version = c.version.map_or(String::new(), |v| {
            format!(", version {}", v.format("%-d %B %Y"))
        });
        let _ = writeln!(
            out,
            "<label class=\"choice\"><input type=\"radio\" name=\"{}\" value=\"{}\"{}> {} <span class=\"name\">(<code>{}</code>{version})</span></label>",
            field::PROCEDURE,
            escape(c.id),
            if checked { " checked" } else { "" },
            escape(c.title),
            escape(c.id)
        );
    }
    out.push_str("</fieldset>\n");
}

/// The form that opens a case file: under a procedure chosen here, or under every one.
fn upload(choices: &[Choice<'_>], selected: Option<&str>, out: &mut String) {
    let _ = write!(
        out,
        "<form method=\"post\" action=\"{}\" enctype=\"multipart/form-data\" class=\"upload\">\n<h2>Open a case file</h2>\n<p>A case file is JSON or TOML whose keys are the procedure's facts (as <code>cspr eval</code> reads it). It is read and forgotten: nothing is kept on the server.</p>\n",
        path::UPLOAD
    );
    chooser(choices, selected, out);
    let _ = write!(
        out,
        "<p><label>Case file <input type=\"file\" name=\"{}\" accept=\".json,.toml,application/json\"></label></p>\n<p><button type=\"submit\" name=\"{then}\" value=\"interview\">Open in the interview</button> <button type=\"submit\" name=\"{then}\" value=\"compare\">Compare under every procedure</button></p>\n</form>\n",
        field::FILE,
        then = field::THEN
    );
}

/// The first page: choose a procedure and start, or open a case file.
pub fn home(choices: &[Choice<'_>], list: &[Problem]) -> String {
    let mut out = String::with_capacity(8 * 1024);
    head("cspr: safeguarding review interview", &mut out);
    out.push_str("<header>\n<p class=\"kicker\">cspr</p>\n<h1>Safeguarding review interview</h1>\n<p>Choose the procedure, answer the questions it asks, and see the pathway, the duties and their due dates after each answer — each with the paragraph it comes from.</p>\n</header>\n");
    problems(list, &mut out);
    let _ = write!(
        out,
        "<form method=\"post\" action=\"{}\" class=\"start\">\n<h2>Start an interview</h2>\n<input type=\"hidden\" name=\"{}\" value=\"start\">\n",
        path::INTERVIEW,
        field::DO
    );
    chooser(choices, None, &mut out);
    out.push_str(
        "<p><button type=\"submit\" class=\"primary\">Start the interview</button></p>\n</form>\n",
    );
    upload(choices, None, &mut out);
    foot(&mut out);
    out
}

/// The interview of one case.
pub fn interview(page: &Interview<'_>) -> String {
    let report = page.report;
    let carried = page.carried;
    let mut out = String::with_capacity(64 * 1024);
    let p = &report.procedure;
    head(&format!("Interview: {}", p.title), &mut out);
    let version = p.version.map_or(String::new(), |v| {
        format!(", version {}", v.format("%-d %B %Y"))
    });
    let _ = write!(
        out,
        "<header>\n<p class=\"kicker\">Interview <a href=\"{}\" class=\"restart\">choose another procedure</a></p>\n<h1>{}</h1>\n<dl class=\"meta\">\n<dt>Procedure</dt><dd><code>{}</code>{version}</dd>\n",
        path::HOME,
        escape(p.title),
        escape(p.id)
    );
    if let Some(id) = report.case_id {
        let _ = writeln!(out, "<dt>Case</dt><dd>{}</dd>", escape(id));
    }
    let _ = write!(out, "<dt>As of</dt><dd>");
    carried.open(path::INTERVIEW, "asof", "as-of", &mut out);
    let _ = write!(
        out,
        "<input type=\"date\" name=\"{}\" value=\"{}\" aria-label=\"judge deadlines as of\"> <button type=\"submit\">Judge deadlines on this day</button></form></dd>\n</dl>\n",
        field::VALUE,
        report.as_of.format("%Y-%m-%d")
    );
    if let Some(note) = page.edition_note {
        let _ = writeln!(out, "<p class=\"edition-note\">{}</p>", escape(note));
    }
    out.push_str("</header>\n");
    problems(page.problems, &mut out);
    if let Some((said, changes)) = page.changed {
        out.push_str("<section id=\"changed\" class=\"changed\">\n");
        let _ = writeln!(out, "<h2>You answered {}</h2>", escape(said));
        changes_list(report.program, changes, &mut out);
        out.push_str("</section>\n");
    }
    if let Some(why) = page.why {
        out.push_str("<section id=\"why\" class=\"explanation\">\n<h2>Why</h2>\n<p class=\"legend\">Each step shows its value and the paragraph it comes from; facts the case gives are marked <span class=\"tag given\">given</span>, facts not known <span class=\"tag unknown\">unknown</span>.</p>\n");
        html::explanation(why, &mut out);
        out.push_str("</section>\n");
    }
    if let Some((said, changes, after)) = page.what_if {
        out.push_str("<section id=\"what-if\" class=\"what-if\">\n");
        let _ = writeln!(
            out,
            "<h2>What if {}? <span class=\"unchanged\">(the case is unchanged)</span></h2>",
            escape(said)
        );
        changes_list(report.program, changes, &mut out);
        decisions(after, false, &mut out);
        out.push_str("</section>\n");
    }
    questions(page, &mut out);
    results(page, &mut out);
    given(page, &mut out);
    what_if_form(page, &mut out);
    downloads(page, &mut out);
    upload(page.choices, Some(carried.procedure), &mut out);
    foot(&mut out);
    out
}

/// One case under every procedure, side by side, the rows that differ marked.
pub fn compare(comparison: &Comparison, carried: &Carried<'_>, notes: &[String]) -> String {
    let mut out = String::with_capacity(32 * 1024);
    head("cspr: one case under every procedure", &mut out);
    out.push_str(
        "<header>\n<p class=\"kicker\">Compare</p>\n<h1>One case under every procedure</h1>\n",
    );
    let _ = writeln!(
        out,
        "<p>As of {}. Rows that differ between procedures are marked.</p>",
        comparison.as_of.format("%Y-%m-%d")
    );
    carried.open(path::INTERVIEW, "show", "back", &mut out);
    out.push_str("<button type=\"submit\">Back to the interview</button></form>\n</header>\n");
    if !notes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for n in notes {
            let _ = writeln!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<table class=\"compare\">\n<thead><tr><th>Outcome or duty</th>");
    for c in &comparison.columns {
        let _ = write!(
            out,
            "<th><code>{}</code></th>",
            escape(&c.program.entry().id)
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &comparison.rows {
        let _ = write!(
            out,
            "<tr class=\"{}\"><td><code>{}</code> <span class=\"tag\">{}</span></td>",
            if row.differs() { "differs" } else { "same" },
            escape(&row.name),
            row.kind
        );
        for cell in &row.cells {
            match cell {
                Some(c) => {
                    let _ = write!(out, "<td>{}</td>", escape(&c.text));
                }
                None => out.push_str("<td class=\"absent\">—</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    foot(&mut out);
    out
}

/// The explanation of the outcome or duty called `name`, for a why button.
pub fn explain<'a>(report: &Report<'a>, name: &str) -> Option<Explanation<'a>> {
    match report.program.lookup(name)? {
        crate::check::Name::Rule(r) => Some(report.explain_rule(r)),
        crate::check::Name::Duty(d) => Some(report.explain_duty(d)),
        crate::check::Name::Fact(_) => None,
    }
}
