//! `cspr rebase`: a procedure's text with its `extends` pointing at another edition of
//! the guidance, and the check of that text.
//!
//! The edit is lossless: only the bytes of the identifier after `extends` change, so
//! comments, layout and every other line are kept exactly. The rebased procedure is
//! checked with [`super::check_onto`] — the same check `--guidance` runs — so everything
//! that no longer resolves on the new edition is reported, located in the procedure,
//! with "did you mean"; nothing is dropped.
//!
//! ```text
//! procedure local "A local procedure"          procedure local "A local procedure"
//!   extends base                       ──►       extends base_next
//! ```

use super::{Checked, Resolver, check_onto};
use crate::diagnostic::{Problem, Source};
use crate::syntax::{self, ast::ModuleKind};

/// A rebased procedure: its new text, and the check of the procedure on the edition.
#[derive(Debug)]
pub struct Rebased {
    pub text: String,
    /// The program on the edition if it checks, and every problem found.
    pub checked: Checked,
}

/// Rebase the procedure `entry` onto the guidance edition `onto`. An `Err` is a
/// procedure that cannot be rebased at all (it does not parse, it is guidance itself,
/// it extends nothing or another procedure, the edition does not exist); problems of
/// the rebased procedure are in [`Rebased::checked`].
pub fn rebase(
    entry: &Source,
    resolver: &dyn Resolver,
    onto: &str,
) -> Result<Rebased, Vec<Problem>> {
    let module = syntax::parse(entry)?;
    if module.kind == ModuleKind::Guidance {
        // check_onto says why: an edition is not rebased.
        return Err(check_onto(entry, resolver, Some(onto)).problems);
    }
    let Some(parent) = &module.extends else {
        return Err(vec![
            Problem::error(
                "cspr::rebase_nothing",
                format!(
                    "`{}` extends no guidance, so there is no edition to replace",
                    module.id.node
                ),
            )
            .label(module.id.span, "no `extends`")
            .help(format!("add `extends {onto}` to its header"))
            .in_source(entry),
        ]);
    };
    let old = resolver
        .resolve(&parent.node)
        .and_then(|s| syntax::parse(&s).ok());
    if let Some(parsed) = &old
        && parsed.kind == ModuleKind::Procedure
    {
        return Err(vec![
            Problem::error(
                "cspr::rebase_chain",
                format!(
                    "`{}` extends the procedure `{}`, not an edition of the guidance",
                    module.id.node, parent.node
                ),
            )
            .label(parent.span, "a procedure")
            .help(format!(
                "rebase `{}` onto `{onto}`; this procedure follows it",
                parent.node
            ))
            .in_source(entry),
        ]);
    }
    let mut checked = check_onto(entry, resolver, Some(onto));
    let Some(new) = resolver.resolve(onto) else {
        return Err(checked.problems);
    };
    // The versions: moving to an earlier edition than the one extended is allowed (to
    // test the old behaviour), but said.
    let new = syntax::parse(&new).ok();
    let version = |m: &Option<crate::syntax::ast::Module>| {
        m.as_ref().and_then(|m| m.version.as_ref()).map(|v| v.node)
    };
    if let (Some(was), Some(now)) = (version(&old), version(&new))
        && now < was
    {
        checked.problems.push(
            Problem::warning(
                "cspr::earlier_edition",
                format!(
                    "`{onto}` (version {now}) is an earlier edition than `{}` (version {was}), which this procedure extends",
                    parent.node
                ),
            )
            .label(parent.span, format!("version {was}"))
            .help("rebasing onto an earlier edition is allowed, to see its behaviour; check it is the edition you meant")
            .in_source(entry),
        );
    }
    let mut text = String::with_capacity(entry.text.len() + onto.len());
    text.push_str(&entry.text[..parent.span.start]);
    text.push_str(onto);
    text.push_str(&entry.text[parent.span.end..]);
    Ok(Rebased { text, checked })
}
