//! `cspr timeline`: every deadline of a case in date order, as text, JSON or iCalendar.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cspr::eval::Engine;
use cspr::report::timeline;

use super::edition::Editions;
use super::{FAILED, cases, report};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimelineFormat {
    /// Aligned columns for a person
    Text,
    /// One JSON object
    Json,
    /// An iCalendar (RFC 5545) file to import into a calendar
    Ics,
}

/// List every deadline of a case in date order, with who must act, its status and citation
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr timeline working_together_2018 policies/examples/death-in-area.json\n  cspr timeline working_together_2018 policies/examples/incomplete.json --as-of 2024-03-08 --format json\n  cspr timeline working_together_2018 policies/examples/death-in-area.json --format ics > case.ics\n  cspr timeline lincolnshire case.json --guidance auto     (on the edition in force on the case's date)\n  cspr timeline lincolnshire case.json --format ics --ics-case-id > case.ics\n  cspr timeline working_together_2018 policies/examples/death-in-area.json --names   (code names, not labels)\n\nDeadlines whose start date is not yet known are listed last, as waiting. The iCalendar file has one\nevent per due date and carries no case facts and no case id (calendars sync off the machine):\neach due date says what it counts from by the anchor's name, not its date. --ics-case-id adds the\ncase id to the calendar's name and each event. It is written to stdout only."
)]
pub struct Timeline {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH
    procedure: String,
    /// A case file (.json or .toml)
    case: PathBuf,
    #[command(flatten)]
    guidance: super::Guidance,
    #[command(flatten)]
    as_of: super::AsOf,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: TimelineFormat,
    /// With --format ics: write the case id into the calendar's name and each event (by default
    /// the file holds no case id and no case facts, as calendars sync off the machine)
    #[arg(long)]
    ics_case_id: bool,
    /// Refuse a case key this procedure does not declare, even one another procedure does
    /// (by default such keys are listed once on stderr and ignored)
    #[arg(long)]
    strict: bool,
    /// Show code names (`notify_national_panel`, `local_authority`) where the output shows
    /// labels and actors' titles
    #[arg(long)]
    names: bool,
}

impl Timeline {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (program, _) = self.guidance.load_for(&self.procedure, &self.case)?;
        let (case, not_used) =
            cases::read_one_among(&program, &self.case, "timeline", self.strict)?;
        let finding = self.guidance.editions(&program).finding(&case);
        let eval = match super::evaluate(&Engine::new(&program), &case) {
            Ok(e) => e,
            Err(code) => return Ok(code),
        };
        let as_of = self.as_of.day();
        if self.format == TimelineFormat::Ics {
            Editions::stderr(finding);
        }
        let model = cspr::report::model::Report::new(&program, &eval, as_of).with_names(self.names);
        let text = match self.format {
            TimelineFormat::Text => {
                Editions::text(finding, &timeline::report_timeline_text(&model))
            }
            TimelineFormat::Json => {
                let mut json = timeline::timeline_json(&program, &eval, as_of);
                Editions::json(finding, &mut json);
                cspr::case::push_not_used(&mut json, &not_used);
                json.push('\n');
                json
            }
            TimelineFormat::Ics => match timeline::report_timeline_ics_with(
                &model,
                timeline::IcsOptions {
                    case_id: self.ics_case_id,
                },
            ) {
                Ok(ics) if eval.case_id.is_none() => {
                    report(&[cspr::Problem::warning(
                        "cspr::no_case_id",
                        "the case has no `case_id`, so its events share their UIDs with every other case without one",
                    )
                    .help("add a \"case_id\" to the case, or importing another case's calendar will overwrite these events")]);
                    ics
                }
                Ok(ics) => ics,
                Err(problem) => {
                    report(&[problem]);
                    return Ok(FAILED);
                }
            },
        };
        super::output::print(&text)?;
        Ok(0)
    }
}
