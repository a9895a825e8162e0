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
    after_help = "Examples:\n  cspr timeline working_together_2018 policies/examples/death-in-area.json\n  cspr timeline working_together_2018 policies/examples/incomplete.json --as-of 2024-03-08 --format json\n  cspr timeline working_together_2018 policies/examples/death-in-area.json --format ics > case.ics\n  cspr timeline lincolnshire case.json --guidance auto     (on the edition in force on the case's date)\n\nDeadlines whose start date is not yet known are listed last, as waiting. The iCalendar file has one\nevent per due date, and no case facts but the case id; it is written to stdout only."
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
}

impl Timeline {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (program, _) = self.guidance.load_for(&self.procedure, &self.case)?;
        let case = cases::read_one(&program, &self.case, "timeline")?;
        let finding = self.guidance.editions(&program).finding(&case);
        let eval = match super::evaluate(&Engine::new(&program), &case) {
            Ok(e) => e,
            Err(code) => return Ok(code),
        };
        let as_of = self.as_of.day();
        if self.format == TimelineFormat::Ics {
            Editions::stderr(finding);
        }
        let text = match self.format {
            TimelineFormat::Text => {
                Editions::text(finding, &timeline::timeline_text(&program, &eval, as_of))
            }
            TimelineFormat::Json => {
                let mut json = timeline::timeline_json(&program, &eval, as_of);
                Editions::json(finding, &mut json);
                json.push('\n');
                json
            }
            TimelineFormat::Ics => match timeline::timeline_ics(&program, &eval, as_of) {
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
