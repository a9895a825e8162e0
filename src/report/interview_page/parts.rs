//! The interview page's parts: the questions, what changed, the decisions, the duties
//! with their due dates, the answers so far, the what-if and the downloads — each a form
//! carrying the case ([`super::Carried`]), or inside one.

use std::fmt::Write as _;

use super::{Interview, capitalise, field, path, words};
use crate::check::{FactId, Program};
use crate::repl::changes::Changes;
use crate::repl::interview;
use crate::report::html::escape;
use crate::report::model::{DutyRow, Report};
use crate::value::Type;

/// What an answer or a what-if changed: outcomes (decisions first) and due dates one a
/// line, the duties that now apply or not counted, each list to open.
pub(super) fn changes_list(program: &Program, changes: &Changes, out: &mut String) {
    let shown = |v: &Option<String>, none: &str| {
        v.as_deref()
            .map_or_else(|| format!("<em>{none}</em>"), |v| escape(&words(v)))
    };
    let decision = |name: &str| {
        program
            .rules
            .iter()
            .any(|r| r.name == name && r.kind == crate::check::RuleKind::Decision)
    };
    let mut outcomes: Vec<_> = changes.outcomes.iter().collect();
    outcomes.sort_by_key(|c| !decision(&c.name));
    out.push_str("<ul class=\"changes\">\n");
    if changes.is_empty() {
        out.push_str("<li>No outcome, duty or due date changed.</li>\n");
    }
    for c in outcomes {
        let _ = writeln!(
            out,
            "<li{}><span class=\"label\" title=\"{}\">{}</span>: {} <span class=\"was\">(was {})</span></li>",
            if decision(&c.name) {
                " class=\"decision\""
            } else {
                ""
            },
            escape(&c.name),
            escape(&program.label_of(&c.name)),
            shown(&c.after, "undetermined"),
            shown(&c.before, "undetermined")
        );
    }
    for c in &changes.dues {
        let _ = writeln!(
            out,
            "<li>due date of <span class=\"label\" title=\"{}\">{}</span>: {} <span class=\"was\">(was {})</span>{}</li>",
            escape(&c.name),
            escape(&program.label_of(&c.name)),
            shown(&c.after, "unknown"),
            shown(&c.before, "unknown"),
            c.counted.as_ref().map_or(String::new(), |k| format!(
                " <span class=\"counted\">= {}</span>",
                escape(k)
            ))
        );
    }
    for (after, label) in [
        (Some("applies"), "now apply"),
        (Some("does not apply"), "now do not apply"),
        (None, "may apply again"),
    ] {
        let list: Vec<&str> = changes
            .duties
            .iter()
            .filter(|c| c.after.as_deref() == after)
            .map(|c| c.name.as_str())
            .collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<li class=\"duties\"><details><summary>{} dut{} {label}</summary>{}</details></li>",
            list.len(),
            if list.len() == 1 { "y" } else { "ies" },
            names(&list)
        );
    }
    let _ = match changes.missing {
        (_, 0) => writeln!(
            out,
            "<li class=\"missing\">Nothing is missing: every outcome is settled.</li>"
        ),
        (_, n) => writeln!(
            out,
            "<li class=\"missing\">{n} fact{} could still change an outcome.</li>",
            if n == 1 { "" } else { "s" }
        ),
    };
    out.push_str("</ul>\n");
}

/// The decisions in plain words, the procedure's own first; with why buttons when
/// `why` (inside the results' form).
pub(super) fn decisions(report: &Report<'_>, why: bool, out: &mut String) {
    let entry_module = report.program.modules.len() - 1;
    let mut rows: Vec<_> = report.outcomes.iter().filter(|o| o.decision).collect();
    rows.sort_by_key(|o| report.program.rules[o.rule].module != entry_module);
    out.push_str("<ul class=\"decisions\">\n");
    for o in rows {
        let value = match o.value {
            Some(_) => format!(
                "<strong class=\"value\">{}</strong>",
                escape(&words(&o.shown))
            ),
            None => format!(
                "<strong class=\"unknown\">not yet decided</strong>: it depends on {}",
                names(&o.missing)
            ),
        };
        let _ = writeln!(
            out,
            "<li><span class=\"what\">{}</span>: {value} <span class=\"cites\">{}</span>{}</li>",
            escape(&capitalise(&words(o.name))),
            cites(&o.cites),
            if why {
                why_button(o.name)
            } else {
                String::new()
            }
        );
    }
    out.push_str("</ul>\n");
}

fn cites(list: &[&crate::check::Cite]) -> String {
    list.iter()
        .map(|c| format!("<cite>{}</cite>", escape(&c.text)))
        .collect::<Vec<_>>()
        .join("; ")
}

pub(super) fn names(list: &[&str]) -> String {
    list.iter()
        .map(|n| format!("<code>{}</code>", escape(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn why_button(name: &str) -> String {
    format!(
        " <button type=\"submit\" class=\"why\" name=\"{}\" value=\"{}\" aria-label=\"why {}\">why?</button>",
        field::WHY,
        escape(name),
        escape(name)
    )
}

/// The questions still to ask, the next first: each its own form, answered by a click.
pub(super) fn questions(page: &Interview<'_>, out: &mut String) {
    let report = page.report;
    let program = report.program;
    let order = interview::order(program, report.eval);
    let (asked, skipped): (Vec<_>, Vec<_>) = order
        .into_iter()
        .map(|(f, _)| f)
        .partition(|f| !page.skipped.contains(f));
    out.push_str("<section id=\"questions\">\n");
    if asked.is_empty() && skipped.is_empty() {
        out.push_str("<h2>Questions</h2>\n<p class=\"settled\">Nothing is missing: every outcome is settled, and every due date has the date it counts from.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        out,
        "<h2>Questions <span class=\"count\">({} still to answer)</span></h2>\n<p class=\"legend\">Only the questions whose answers could still change an outcome, a duty or a due date, in the order the procedure needs them.</p>",
        asked.len() + skipped.len()
    );
    if let Some(first) = asked.first() {
        let skipped_mask: Vec<bool> = (0..program.facts.len())
            .map(|f| page.skipped.contains(&f))
            .collect();
        let next = interview::next(program, report.eval, &skipped_mask);
        question(page, *first, true, next.as_ref(), out);
    }
    if asked.len() > 1 {
        let _ = writeln!(
            out,
            "<details class=\"later\"><summary>Later questions ({})</summary>\n<p class=\"legend\">An earlier answer may settle some of them; you can answer any now.</p>",
            asked.len() - 1
        );
        for f in &asked[1..] {
            question(page, *f, false, None, out);
        }
        out.push_str("</details>\n");
    }
    if !skipped.is_empty() {
        out.push_str("<details class=\"skipped\"><summary>Skipped questions</summary>\n");
        for f in &skipped {
            question(page, *f, false, None, out);
        }
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
}

/// One question as a form: yes/no as buttons, choices as radio buttons with their
/// labels, sets as check boxes, dates as date inputs.
fn question(
    page: &Interview<'_>,
    f: FactId,
    next: bool,
    detail: Option<&interview::Question>,
    out: &mut String,
) {
    let program = page.report.program;
    let def = &program.facts[f];
    let class = if next { "question next" } else { "question" };
    page.carried.open(path::INTERVIEW, "answer", class, out);
    let _ = write!(
        out,
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n<fieldset id=\"q-{}\"><legend><span class=\"ask\">{}</span> <code class=\"name\">{}</code></legend>\n",
        field::FACT,
        escape(&def.name),
        escape(&def.name),
        escape(
            def.ask
                .as_deref()
                .unwrap_or(&format!("What is `{}`?", def.name))
        ),
        escape(&def.name)
    );
    let value = field::VALUE;
    match def.ty {
        Type::Bool => {
            let _ = write!(
                out,
                "<button type=\"submit\" name=\"{value}\" value=\"true\" class=\"yes\">Yes</button> <button type=\"submit\" name=\"{value}\" value=\"false\" class=\"no\">No</button>"
            );
        }
        Type::Enum(e) | Type::Set(e) => {
            let kind = if matches!(def.ty, Type::Set(_)) {
                "checkbox"
            } else {
                "radio"
            };
            out.push_str("<div class=\"choices\">");
            for v in &program.enums[e].variants {
                let _ = write!(
                    out,
                    "<label class=\"choice\"><input type=\"{kind}\" name=\"{value}\" value=\"{}\"> {}</label>",
                    escape(v),
                    escape(&capitalise(&words(v)))
                );
            }
            out.push_str("</div><button type=\"submit\" class=\"answer\">Answer</button>");
        }
        ty => {
            let input = match ty {
                Type::Date => "<input type=\"date\"",
                Type::DateTime => "<input type=\"datetime-local\"",
                Type::Integer => "<input type=\"number\" step=\"1\"",
                _ => "<input type=\"text\"",
            };
            let _ = write!(
                out,
                "{input} name=\"{value}\" aria-label=\"{}\"> <button type=\"submit\" class=\"answer\">Answer</button>",
                escape(&def.name)
            );
        }
    }
    let _ = writeln!(
        out,
        " <button type=\"submit\" class=\"skip\" name=\"{}\" value=\"{}\">Skip</button>",
        field::SKIP,
        escape(&def.name)
    );
    if let Some(q) = detail.filter(|q| q.fact == f) {
        if !q.settles.is_empty() {
            const SHOWN: usize = 6;
            let list: Vec<&str> = q.settles.iter().take(SHOWN).map(String::as_str).collect();
            let more = match q.settles.len().saturating_sub(SHOWN) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let _ = writeln!(
                out,
                "<p class=\"settles\">Could settle {}{more}.</p>",
                names(&list)
            );
        }
        if !q.dates.is_empty() {
            let list: Vec<&str> = q.dates.iter().map(String::as_str).collect();
            let _ = writeln!(
                out,
                "<p class=\"settles\">The due date of {} counts from it.</p>",
                names(&list)
            );
        }
    }
    out.push_str("</fieldset></form>\n");
}

/// The pathway, the duties with their due dates and what each counts from, every
/// outcome, and the chart; each outcome and duty with a why button.
pub(super) fn results(page: &Interview<'_>, out: &mut String) {
    let report = page.report;
    let action = format!("{}#why", path::INTERVIEW);
    page.carried.open(&action, "why", "results", out);
    out.push_str("\n<section id=\"decisions\">\n<h2>Decisions</h2>\n");
    decisions(report, true, out);
    out.push_str("</section>\n<section id=\"duties\">\n<h2>Duties</h2>\n<p class=\"legend\">Who must, should or may do what, by when; each due date with what it counts from.</p>\n");
    let groups: [(&str, Option<bool>); 2] = [
        ("Duties that apply", Some(true)),
        (
            "Duties that may apply, depending on facts not yet known",
            None,
        ),
    ];
    for (title, applies) in groups {
        let rows: Vec<&DutyRow<'_>> = report
            .duties
            .iter()
            .filter(|d| d.applies == applies)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h3>{title}</h3>");
        duty_table(&rows, out);
    }
    let not: Vec<&DutyRow<'_>> = report
        .duties
        .iter()
        .filter(|d| d.applies == Some(false))
        .collect();
    if !not.is_empty() {
        let _ = writeln!(
            out,
            "<details class=\"not-applying\"><summary>Duties that do not apply to this case ({})</summary>",
            not.len()
        );
        duty_table(&not, out);
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
    let _ = writeln!(
        out,
        "<details class=\"outcomes\"><summary>Every outcome ({})</summary>\n<table class=\"outcomes\">\n<thead><tr><th>Outcome</th><th>Value</th><th>Source, or what it waits for</th><th></th></tr></thead>\n<tbody>",
        report.outcomes.len()
    );
    for o in &report.outcomes {
        let (value, note) = match o.value {
            Some(_) => (
                format!("<span class=\"value\">{}</span>", escape(&o.shown)),
                cites(&o.cites),
            ),
            None => (
                "<span class=\"unknown\">undetermined</span>".to_string(),
                format!("depends on {}", names(&o.missing)),
            ),
        };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code>{}</td><td>{value}</td><td class=\"cites\">{note}</td><td>{}</td></tr>",
            escape(o.name),
            if o.decision {
                " <span class=\"tag\">decision</span>"
            } else {
                ""
            },
            why_button(o.name)
        );
    }
    out.push_str("</tbody>\n</table>\n</details>\n</form>\n");
    out.push_str("<section id=\"timeline\">\n<h2>Deadlines</h2>\n");
    let charts = crate::report::chart::charts(report);
    if charts.is_empty() {
        out.push_str("<p>No deadline has a date yet.</p>\n");
    } else {
        out.push_str("<p class=\"legend\">A bar runs from the date its deadline counts from to the end of the due day, coloured by status (its word is written after it); weekends and bank holidays are shaded; the red line is the as-of day.</p>\n");
        out.push_str(&charts);
    }
    out.push_str("</section>\n");
}

/// Duties as a table: who, what, due (and what it counts from), status, source, why.
fn duty_table(rows: &[&DutyRow<'_>], out: &mut String) {
    out.push_str("<table class=\"duties\">\n<thead><tr><th>Who</th><th>What</th><th>Due</th><th>Status</th><th>Source</th><th></th></tr></thead>\n<tbody>\n");
    for d in rows {
        let view = &d.deadline;
        let due = match view.due {
            Some(m) => format!(
                "<time>{}</time>{}",
                escape(&m.to_string()),
                crate::report::html::counted_html(view)
            ),
            None => "—".to_string(),
        };
        let status = if d.has_deadline && d.applies != Some(false) {
            format!(
                "<span class=\"status s-{}\">{}</span>",
                view.status.name(),
                escape(&view.describe())
            )
        } else if d.applies == Some(false) {
            "not applicable".into()
        } else {
            "no deadline".into()
        };
        let depends = if d.applies.is_none() {
            format!(
                "<div class=\"depends\">depends on {}</div>",
                names(&d.missing)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<tr id=\"duty-{}\" data-applies=\"{}\"><td class=\"actor\">{} <span class=\"modality m-{m}\">{m}</span></td><td>{}<div class=\"name\"><code>{}</code></div>{depends}</td><td class=\"due\">{due}</td><td>{status}</td><td class=\"cites\">{}</td><td>{}</td></tr>",
            escape(d.name),
            match d.applies {
                Some(true) => "true",
                Some(false) => "false",
                None => "unknown",
            },
            escape(&words(d.actor)),
            escape(d.action),
            escape(d.name),
            d.cite.map_or(String::new(), |c| format!(
                "<cite>{}</cite>",
                escape(&c.text)
            )),
            why_button(d.name),
            m = d.modality,
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The answers given so far, each with a button to take it back (and be asked again).
pub(super) fn given(page: &Interview<'_>, out: &mut String) {
    let report = page.report;
    out.push_str("<section id=\"answers\">\n<h2>Answers so far</h2>\n");
    if report.given.is_empty() {
        out.push_str("<p>None yet.</p>\n</section>\n");
        return;
    }
    page.carried.open(path::INTERVIEW, "unset", "answers", out);
    out.push_str("<table class=\"facts\">\n<thead><tr><th>Question</th><th>Answer</th><th></th></tr></thead>\n<tbody>\n");
    for f in &report.given {
        let _ = writeln!(
            out,
            "<tr><td>{}<div class=\"name\"><code>{}</code></div></td><td class=\"value\">{}</td><td><button type=\"submit\" name=\"{}\" value=\"{}\" class=\"unset\">Change</button></td></tr>",
            escape(f.ask.unwrap_or("")),
            escape(f.name),
            escape(&f.shown),
            field::FACT,
            escape(f.name)
        );
    }
    out.push_str("</tbody>\n</table>\n</form>\n</section>\n");
}

/// Try values without changing the case.
pub(super) fn what_if_form(page: &Interview<'_>, out: &mut String) {
    let program = page.report.program;
    out.push_str("<section id=\"try\">\n<h2>What if…</h2>\n<p class=\"legend\">Try a value for any fact and see what would change; the case itself stays as it is. Write yes or no, a choice's name, a number, or a date as <code>DD/MM/YYYY</code> or <code>YYYY-MM-DD</code>.</p>\n");
    let action = format!("{}#what-if", path::INTERVIEW);
    page.carried.open(&action, "whatif", "what-if", out);
    let _ = write!(out, "<label>Fact <select name=\"{}\">", field::WHAT_FACT);
    for def in &program.facts {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            escape(&def.name),
            escape(&def.name)
        );
    }
    let _ = write!(
        out,
        "</select></label> <label>Value <input type=\"text\" name=\"{}\"></label> <button type=\"submit\">Try it</button></form>\n</section>\n",
        field::WHAT_VALUE
    );
}

/// Download the case, the decision report and the calendar; compare all procedures.
pub(super) fn downloads(page: &Interview<'_>, out: &mut String) {
    out.push_str("<section id=\"downloads\">\n<h2>Take it away</h2>\n");
    page.carried.open(path::CASE_JSON, "", "downloads", out);
    let _ = write!(
        out,
        "<button type=\"submit\" formaction=\"{}\">Case (JSON)</button> <button type=\"submit\" formaction=\"{}\">Case (TOML)</button> <button type=\"submit\" formaction=\"{}\" name=\"{layout}\" value=\"brief\">Decision report (HTML)</button> <button type=\"submit\" formaction=\"{}\" name=\"{layout}\" value=\"full\">Full report (HTML)</button> <button type=\"submit\" formaction=\"{}\">Deadlines (iCalendar)</button> <button type=\"submit\" formaction=\"{}\" class=\"compare\">Compare under every procedure</button>\n</form>\n</section>\n",
        path::CASE_JSON,
        path::CASE_TOML,
        path::REPORT,
        path::REPORT,
        path::ICS,
        path::COMPARE,
        layout = field::LAYOUT,
    );
}
