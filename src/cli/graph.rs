//! `cspr graph`: the procedure as a picture, in DOT, Mermaid or SVG.

use clap::{Args, ValueEnum};
use cspr::diagnostic::did_you_mean;
use cspr::report::graph::Graph;

use super::{load_procedure, report, usage_error};

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
    after_help = "Examples:\n  cspr graph lincolnshire --format svg > lincolnshire.svg\n  cspr graph buckinghamshire lcspr_required --format mermaid\n  cspr graph working_together_2018 notify_national_panel | dot -Tpng > notify.png\n\nWithout NAME, the whole procedure is laid out by stage: facts, then rules and decisions, then duties\n(a cluster per stage in DOT, a subgraph in Mermaid, a band in SVG); a large one gets a hint on stderr.\nWith NAME, only what that rule, decision or duty depends on is drawn."
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
        if graph.staged && graph.nodes.len() > cspr::report::graph::LARGE {
            // A whole procedure this size is hard to read: say how to draw a part of it.
            let entry = program.modules.len() - 1;
            let decision = program
                .rules
                .iter()
                .filter(|r| r.kind == cspr::check::RuleKind::Decision)
                .min_by_key(|r| r.module != entry)
                .map_or("NAME", |r| r.name.as_str());
            report(&[cspr::Problem::warning(
                "cspr::large_graph",
                format!(
                    "the whole of `{}` is {} nodes, laid out by stage (facts → rules → decisions → duties)",
                    program.entry().id,
                    graph.nodes.len()
                ),
            )
            .help(format!(
                "draw what one decision, rule or duty depends on: `cspr graph {} {decision}`",
                self.procedure
            ))]);
        }
        let text = match self.format {
            GraphFormat::Dot => graph.dot(),
            GraphFormat::Mermaid => graph.mermaid(),
            GraphFormat::Svg => graph.svg(),
        };
        super::output::print(&text)?;
        Ok(0)
    }
}
