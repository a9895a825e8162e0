//! `cspr explain`: the cited derivation of outcomes, and "why not?".

use std::path::PathBuf;

use clap::Args;
use cspr::check::Name;
use cspr::diagnostic::did_you_mean;
use cspr::eval::Engine;
use cspr::eval::explain::{self, Explainer};

use super::edition::Editions;
use super::eval::OutputFormat;
use super::{cases, usage_error};

/// Show why a case gets its outcomes: each step with its value and citation
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr explain working_together_2018 policies/examples/death-in-area.json\n  cspr explain working_together_2018 policies/examples/death-in-area.json notify_national_panel\n  cspr explain lincolnshire case.json pathway --why-not learning_review"
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
}

impl Explain {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (program, _) = self.guidance.load_for(&self.procedure, &self.case)?;
        let case = cases::read_one(&program, &self.case, "explain")?;
        let finding = self.guidance.editions(&program).finding(&case);
        let engine = Engine::new(&program);
        let eval = match super::evaluate(&engine, &case) {
            Ok(e) => e,
            Err(code) => return Ok(code),
        };
        let mut explainer = Explainer::new(&program, &eval);
        let trees = match &self.name {
            Some(name) => {
                let node = match (program.lookup(name), &self.why_not) {
                    (Some(Name::Rule(r)), Some(v)) => explainer
                        .why_not(r, v)
                        .map_err(|m| vec![usage_error(m, "see `cspr explain --help`")])?,
                    (Some(Name::Rule(r)), None) => explainer.rule(r),
                    (Some(Name::Duty(d)), None) => explainer.duty(d),
                    (Some(Name::Duty(_)), Some(_)) => {
                        return Err(vec![usage_error(
                            format!("`{name}` is a duty: --why-not takes a decision or rule"),
                            "explain the duty without --why-not",
                        )]);
                    }
                    (Some(Name::Fact(_)), _) => {
                        return Err(vec![usage_error(
                            format!("`{name}` is a fact of the case, not something worked out"),
                            "name a rule, decision or duty",
                        )]);
                    }
                    (None, _) => {
                        let help = did_you_mean(name, program.all_names()).unwrap_or_else(|| {
                            "name a rule, decision or duty of the procedure".into()
                        });
                        return Err(vec![usage_error(
                            format!(
                                "`{name}` is not a rule, decision or duty of `{}`",
                                program.entry().id
                            ),
                            help,
                        )]);
                    }
                };
                vec![node]
            }
            None => {
                let mut trees: Vec<_> = explain::top_level(&program)
                    .into_iter()
                    .map(|r| explainer.standalone().rule(r))
                    .collect();
                trees.extend((0..program.duties.len()).map(|d| explainer.standalone().duty(d)));
                trees
            }
        };
        match self.format {
            OutputFormat::Text => {
                let text: Vec<String> =
                    trees.iter().map(|t| explain::render(&program, t)).collect();
                super::output::print(&Editions::before(finding, &text.join("\n")))?;
            }
            OutputFormat::Json => {
                Editions::stderr(finding);
                let json: Vec<_> = trees
                    .iter()
                    .map(|t| cspr::report::tree_json(&program, t))
                    .collect();
                super::output::print(&format!("{}\n", serde_json::Value::Array(json)))?;
            }
        }
        Ok(0)
    }
}
