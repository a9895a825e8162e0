//! Reading case files for `eval` and `explain`.

use std::path::Path;

use cspr::case::{self, Format, Parsed};
use cspr::check::Program;
use cspr::diagnostic::Source;

use super::read_source;

/// A case file's source, its format, and its cases with their line numbers.
type Cases = (Source, Format, Vec<(Option<usize>, Parsed)>);

/// The cases of a file: one for JSON or TOML, one per line for JSON Lines (with its
/// line number).
pub fn read(program: &Program, path: &Path) -> Result<Cases, cspr::Problem> {
    let source = read_source(path)?;
    let format = Format::from_name(&source.name);
    let cases = match format {
        Format::JsonLines => case::parse_lines(program, &source)
            .map(|(line, parsed)| (Some(line), parsed))
            .collect(),
        _ => vec![(None, case::parse(program, &source, format))],
    };
    Ok((source, format, cases))
}

/// The one case of a `.json` or `.toml` file, for commands that take a single case.
pub fn read_one(
    program: &Program,
    path: &Path,
    command: &str,
) -> Result<cspr::eval::Case, Vec<cspr::Problem>> {
    let (_, format, mut cases) = read(program, path).map_err(|p| vec![p])?;
    if format == Format::JsonLines || cases.len() != 1 {
        return Err(vec![super::usage_error(
            format!("`{command}` takes one case, not a batch"),
            "give a .json or .toml case file",
        )]);
    }
    match cases.pop() {
        Some((_, parsed)) => parsed,
        None => Err(Vec::new()),
    }
}
