//! The edition in force on a case's date, for every command that evaluates a case
//! ([`cspr::edition`]): the setting of a program, the note in text, JSON and HTML, and
//! `--guidance auto`.
//!
//! Each command makes one [`Editions`] per program it loads ([`Editions::of`]), then calls
//! [`Editions::text`], [`Editions::json`], [`Editions::html`] or [`Editions::stderr`] on
//! its output with the case.

use std::path::Path;

use cspr::Problem;
use cspr::check::Program;
use cspr::edition::{Finding, Setting, Table};
use cspr::eval::Case;

use super::{Library, cases, read_source, report, usage_error};

/// The word `--guidance` takes to pick the edition in force on the case's date.
pub const AUTO: &str = "auto";

/// What one program needs to say which edition was in force on its cases' dates.
pub struct Editions {
    setting: Option<Setting<'static>>,
}

/// The shipped table, or a warning (once per command) that it cannot be read.
fn table() -> Option<&'static Table> {
    match cspr::edition::table() {
        Ok(t) => Some(t),
        Err(e) => {
            report(&[Problem::warning("cspr::editions", e)
                .help("cspr cannot say which edition was in force on the case's date")]);
            None
        }
    }
}

/// Whether cspr can load the guidance module `id` (a file, or built in).
fn encoded(id: &str) -> bool {
    Library::new(None).locate(id).ok().flatten().is_some()
}

impl Editions {
    /// The setting of `program`; `auto` when `--guidance auto` chose its edition.
    pub fn of(program: &Program, auto: bool) -> Editions {
        let setting = table()
            .and_then(|t| Setting::new(t, program, &encoded))
            .map(|s| s.picked_by_auto(auto));
        Editions { setting }
    }

    /// The finding for `case` (`None` when the program's guidance is not in the table).
    pub fn finding(&self, case: &Case) -> Option<Finding<'static>> {
        self.setting.as_ref().map(|s| s.finding(case))
    }

    /// Text output with the note added to its header.
    pub fn text(finding: Option<Finding<'_>>, text: &str) -> String {
        cspr::edition::with_text_note(text, finding.and_then(|f| f.note()).as_deref())
    }

    /// Text output with no header (explanations) with the note in front.
    pub fn before(finding: Option<Finding<'_>>, text: &str) -> String {
        match finding.and_then(|f| f.note()) {
            Some(note) => format!("note: {note}\n\n{text}"),
            None => text.to_string(),
        }
    }

    /// A JSON object (one line) with the `edition` field added.
    pub fn json(finding: Option<Finding<'_>>, object: &mut String) {
        if let Some(f) = finding {
            cspr::edition::push_json_field(object, &f);
        }
    }

    /// The HTML report with the note added to its header.
    pub fn html(finding: Option<Finding<'_>>, page: &str) -> String {
        cspr::edition::with_html_note(page, finding.and_then(|f| f.note()).as_deref())
    }

    /// The note on standard error, for output that has no place for it (an explanation's
    /// JSON array, an iCalendar file).
    pub fn stderr(finding: Option<Finding<'_>>) {
        if let Some(note) = finding.and_then(|f| f.note()) {
            note!("note: {note}");
        }
    }
}

/// `--guidance auto`: the edition in force on the date of the case in `case_path`, read under
/// `program` (the procedure as written); its id, or an error saying why there is none.
pub fn pick(program: &Program, case_path: &Path) -> Result<String, Vec<Problem>> {
    let needs = "`--guidance auto` needs the date the local authority became aware of the incident (`la_aware_on`) or the date the partnership received the referral (`referral_received_on`)";
    if cases::is_stream(case_path)
        || cspr::case::Format::from_name(&case_path.display().to_string())
            == cspr::case::Format::JsonLines
    {
        return Err(vec![usage_error(
            "`--guidance auto` picks an edition for one case, not a batch",
            "give --guidance EDITION for a batch; each result's `edition` field says which edition was in force on its case's date",
        )]);
    }
    let Some(table) = table() else {
        return Err(vec![usage_error(
            "`--guidance auto` cannot read the table of editions",
            "give --guidance EDITION",
        )]);
    };
    let source = read_source(case_path).map_err(|p| vec![p])?;
    let format = cspr::case::Format::from_name(&source.name);
    // Keys of another edition's facts are passed over: only the date is wanted here.
    let skip = |key: &str| program.fact_named(key).is_none();
    let (case, _) = cspr::case::parse_skipping(program, &source, format, &skip)?;
    let Some(setting) = Setting::new(table, program, &encoded) else {
        return Err(vec![usage_error(
            format!(
                "`--guidance auto`: `{}` rests on guidance that is not an edition cspr knows",
                program.entry().id
            ),
            "give --guidance EDITION",
        )]);
    };
    let Some(date) = setting.case_date(&case) else {
        return Err(vec![usage_error(
            format!("{needs}, and `{}` gives neither", source.name),
            "add `la_aware_on` to the case, or give --guidance EDITION",
        )]);
    };
    match table.pick(date.date, &encoded).and_then(|e| e.id.clone()) {
        Some(id) => Ok(id),
        None => Err(vec![usage_error(
            "`--guidance auto`: cspr finds no edition of the guidance it encodes",
            "give --guidance EDITION",
        )]),
    }
}
