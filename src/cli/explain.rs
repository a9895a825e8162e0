//! `cspr explain`: the cited derivation of outcomes, and "why not?".

use std::path::PathBuf;

use clap::Args;
use cspr::eval::Engine;
use cspr::eval::explain::{self, Explainer};

use super::cases;
use super::edition::Editions;
use super::eval::OutputFormat;

/// Show why a case gets its outcomes: each step with its value and citation
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr explain working_together_2018 policies/examples/death-in-area.json\n  cspr explain working_together_2018 policies/examples/death-in-area.json notify_national_panel\n  cspr explain lincolnshire case.json pathway --why-not learning_review\n  cspr explain walsall case.json --no-quotes\n\nEach step shows its citation and, under it, the words the citation carries: a quote of the source (\u{201c}…\u{201d} (WSP 7 Minute Briefing)), or a reading, which is the module's own words, with the words of the text it rests on (reading (WT23 ch.5): …; read from BSCP 8.2.18: \u{201c}…\u{201d}). A Sources block at the end gives the full title of every source abbreviation used; JSON gives it as \"sources\" on each tree."
)]
pub struct Explain {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH
    procedure: String,
    /// A case file (.json or .toml)
    case: PathBuf,
    #[command(flatten)]
    guidance: super::Guidance,
    /// The rule, decision or duty to explain [default: every decision, duty and top-level rule]
    name: Option<String>,
    /// Explain why NAME does not have this value
    #[arg(long, value_name = "VALUE", requires = "name")]
    why_not: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
    /// Refuse a case key this procedure does not declare, even one another procedure does
    /// (by default such keys are listed once on stderr and ignored)
    #[arg(long)]
    strict: bool,
    /// Show under each step the words its citation carries: the quote of the source, or a
    /// reading and the words it rests on (the default)
    #[arg(long, overrides_with = "no_quotes")]
    quotes: bool,
    /// Show only each step's citation, not the words it carries
    #[arg(long, overrides_with = "quotes")]
    no_quotes: bool,
}

impl Explain {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (program, _) = self.guidance.load_for(&self.procedure, &self.case)?;
        let (case, _) = cases::read_one_among(&program, &self.case, "explain", self.strict)?;
        let finding = self.guidance.editions(&program).finding(&case);
        let engine = Engine::new(&program);
        let eval = match super::evaluate(&engine, &case) {
            Ok(e) => e,
            Err(code) => return Ok(code),
        };
        let mut explainer = Explainer::new(&program, &eval);
        let trees = explain::select(
            &program,
            &mut explainer,
            self.name.as_deref(),
            self.why_not.as_deref(),
        )
        .map_err(|p| vec![p])?;
        let quotes = !self.no_quotes;
        match self.format {
            OutputFormat::Text => {
                let text: Vec<String> = trees
                    .iter()
                    .map(|t| {
                        let mut text = explain::render_with(&program, t, quotes);
                        // A duty's due date, and what it counts from.
                        if !t.is_empty()
                            && let explain::Step::Duty { duty, .. } = t.root().step()
                            && let Some(s) =
                                cspr::report::counted::duty_sentence(&program, &eval, *duty)
                        {
                            text.push_str(&s);
                            text.push('\n');
                        }
                        // A duty that refines an inherited one: both dates, and which binds.
                        if !t.is_empty()
                            && let explain::Step::Duty { duty, .. } = t.root().step()
                            && let Some(r) = cspr::report::model::refines_of(&program, &eval, *duty)
                        {
                            text.push_str(&cspr::report::refines_line(&r, true));
                            text.push('\n');
                        }
                        text
                    })
                    .collect();
                let mut used = Vec::new();
                for t in &trees {
                    explain::sources_used(&program, t, &mut used);
                }
                let mut text = text.join("\n");
                let sources = explain::sources_block(&program, &used);
                if !sources.is_empty() {
                    text.push('\n');
                    text.push_str(&sources);
                }
                super::output::print(&Editions::before(finding, &text))?;
            }
            OutputFormat::Json => {
                Editions::stderr(finding);
                let json = cspr::report::explain_json(&program, &eval, &trees);
                super::output::print(&format!("{}\n", json))?;
            }
        }
        Ok(0)
    }
}
