//! `cspr eval`: outcomes, duties and missing facts of a case under a procedure.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cspr::case::Format;
use cspr::eval::Engine;

use super::{BAD_INPUT, FAILED, cases, report};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Evaluate a case: every outcome, the duties that apply, and what is still unknown
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr eval working_together_2018 policies/examples/death-in-area.json\n  cspr eval policies/working-together-2018.policy case.toml --format json\n  cspr eval working_together_2018 policies/examples/batch.jsonl      (one JSON result per line)\n\nA case is a JSON or TOML object of fact names and values; a key left out is unknown."
)]
pub struct Eval {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH
    procedure: String,
    /// A case file: .json, .toml, or .jsonl (a batch, one case per line)
    case: PathBuf,
    #[command(flatten)]
    guidance: super::Guidance,
    #[command(flatten)]
    as_of: super::AsOf,
    /// Output format [default: text, or json for a .jsonl batch]
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
}

impl Eval {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (program, _warnings) = self.guidance.load(&self.procedure)?;
        let engine = Engine::new(&program);
        let (_, format, cases) = cases::read(&program, &self.case).map_err(|p| vec![p])?;
        let output = self.format.unwrap_or(if format == Format::JsonLines {
            OutputFormat::Json
        } else {
            OutputFormat::Text
        });
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut code = 0;
        let as_of = self.as_of.day();
        let mut first = true;
        let writer = cspr::report::JsonWriter::new(&program);
        let mut line_buf = String::new();
        for (line, parsed) in cases {
            let result = match parsed {
                Ok(case) => engine.evaluate_case(case).map_err(|e| {
                    code = code.max(FAILED);
                    vec![e.problem().clone()]
                }),
                Err(problems) => {
                    code = BAD_INPUT;
                    Err(problems)
                }
            };
            let written = match (result, output) {
                (Ok(eval), OutputFormat::Json) => {
                    line_buf.clear();
                    writer.write(&program, &eval, as_of, &mut line_buf);
                    writeln!(out, "{line_buf}")
                }
                (Ok(eval), OutputFormat::Text) => {
                    let sep = if first { "" } else { "\n" };
                    write!(
                        out,
                        "{sep}{}",
                        cspr::report::eval_text(&program, &eval, as_of)
                    )
                }
                (Err(problems), fmt) => {
                    let _ = out.flush();
                    report(&problems);
                    if fmt == OutputFormat::Json && line.is_some() {
                        let messages: Vec<String> =
                            problems.iter().map(ToString::to_string).collect();
                        writeln!(
                            out,
                            "{}",
                            serde_json::json!({ "line": line, "errors": messages })
                        )
                    } else {
                        Ok(())
                    }
                }
            };
            first = false;
            if written.is_err() {
                return Ok(code.max(FAILED));
            }
        }
        let _ = out.flush();
        Ok(code)
    }
}
