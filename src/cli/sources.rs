//! `cspr sources`: the source texts a procedure cites, every sentence of them that carries a
//! rule, and which declarations quote it (or `not encoded`), with the share covered.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cspr::provenance::render;

use super::{find_procedure, report};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourcesFormat {
    /// Each source, its share covered, and each rule-bearing sentence with what covers it
    Text,
    /// The same as JSON: {procedure, sources: [{source, title, file, rule_sentences, covered, share, sentences}], overall}
    Json,
    /// The literate page: one self-contained HTML file, each source's text paragraph by
    /// paragraph with every quoted passage highlighted and the declaration that encodes it
    /// beside it
    Html,
}

/// Source coverage: every sentence of the procedure's source texts that carries a rule (a
/// modal verb, a time limit or a criterion list), listed with the declarations that quote it
/// or as not encoded, and the share covered per source and overall
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr sources buckinghamshire\n  cspr sources policies/walsall.policy --format json\n  cspr sources buckinghamshire --format html -o buckinghamshire-sources.html\n\nOnly sources whose declaration names a text file (source X = \"…\" file \"sources/x.txt\" sha256 \"…\") are listed. Problems with the texts or the quotes are printed as cspr check prints them."
)]
pub struct Sources {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH
    procedure: String,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: SourcesFormat,
    /// Write to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

impl Sources {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (source, library) = find_procedure(&self.procedure, None)?;
        let parsed = cspr::check::Parsed::default();
        let checked = cspr::check::check_with(&source, &library, None, &parsed);
        let Some(program) = checked.program else {
            return Err(checked.problems);
        };
        let provenance = cspr::check::provenance(&source, &library, &parsed, false);
        report(&provenance.problems);
        let coverage = provenance.coverage();
        let text = match self.format {
            SourcesFormat::Text => render::text(&coverage, &provenance.info),
            SourcesFormat::Json => {
                let json = render::json(&program.entry().id, &coverage, &provenance.info);
                format!("{json:#}\n")
            }
            SourcesFormat::Html => cspr::provenance::html::render(&program, &provenance),
        };
        match &self.output {
            Some(path) => super::output::write_file(path, text.as_bytes()).map_err(|p| vec![p])?,
            None => super::output::print(&text)?,
        }
        Ok(u8::from(
            provenance.problems.iter().any(cspr::Problem::is_error),
        ))
    }
}
