//! `cspr graph`: the procedure as a picture, in DOT, Mermaid or SVG.

use clap::{Args, ValueEnum};
use cspr::diagnostic::did_you_mean;
use cspr::report::graph::Graph;

use super::{load_procedure, usage_error};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (render with `dot -Tsvg`)
    Dot,
    /// A Mermaid flowchart (renders in GitHub Markdown)
    Mermaid,
    /// An SVG image, laid out by cspr (no Graphviz needed)
    Svg,
}

/// Draw the procedure: facts → rules → decisions → duties, exceptions marked, each node cited
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr graph lincolnshire --format svg > lincolnshire.svg\n  cspr graph buckinghamshire lcspr_required --format mermaid\n  cspr graph working_together_2018 notify_national_panel | dot -Tpng > notify.png\n\nWith NAME, only what that rule, decision or duty depends on is drawn."
)]
pub struct GraphCmd {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH
    procedure: String,
    /// A rule, decision or duty: draw only what it depends on
    name: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "dot")]
    format: GraphFormat,
}

impl GraphCmd {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (program, _) = load_procedure(&self.procedure)?;
        let only = match &self.name {
            None => None,
            Some(name) => match program.lookup(name) {
                Some(cspr::check::Name::Fact(_)) => {
                    return Err(vec![usage_error(
                        format!("`{name}` is a fact of the case: it depends on nothing"),
                        "name a rule, decision or duty",
                    )]);
                }
                Some(n) => Some(n),
                None => {
                    let help = did_you_mean(name, program.all_names())
                        .unwrap_or_else(|| "name a rule, decision or duty of the procedure".into());
                    return Err(vec![usage_error(
                        format!(
                            "`{name}` is not a rule, decision or duty of `{}`",
                            program.entry().id
                        ),
                        help,
                    )]);
                }
            },
        };
        let graph = Graph::of(&program, only);
        let text = match self.format {
            GraphFormat::Dot => graph.dot(),
            GraphFormat::Mermaid => graph.mermaid(),
            GraphFormat::Svg => graph.svg(),
        };
        super::output::print(&text)?;
        Ok(0)
    }
}
