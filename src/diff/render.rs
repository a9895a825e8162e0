//! A diff as text for a person, Markdown for a committee paper, or JSON.
//!
//! Text and Markdown lead with what cases get (each difference in plain words, with its
//! witness), then the rule changes (citation-only ones folded unless
//! [`TextOptions::citations`]), and close with a line saying what changed for cases; how
//! each target was settled is shown with [`TextOptions::stats`].
//!
//! The JSON shape (documented in `docs/diff.md`) is the [`Diff`] structure serialised,
//! with `format` (`cspr-diff/1`) and `differs` added at the top: stable, and extended
//! only by new keys.

use std::fmt::Write as _;

use super::semantic::{Target, Verdict, Witness};
use super::structural::{Change, Side};
use super::{Diff, Header};

/// The diff as pretty JSON.
pub fn json(diff: &Diff) -> String {
    let mut value = serde_json::json!({ "format": "cspr-diff/1", "differs": diff.differs() });
    if let (Some(obj), Ok(serde_json::Value::Object(rest))) =
        (value.as_object_mut(), serde_json::to_value(diff))
    {
        obj.extend(rest);
    }
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// The outcomes, duties and due dates of a semantic diff with this verdict.
fn with(sem: &super::semantic::Report, verdict: Verdict) -> Vec<&Target> {
    sem.targets
        .iter()
        .filter(|t| t.verdict == verdict)
        .collect()
}

fn header(h: &Header) -> String {
    let mut s = format!("{} ({}", h.id, h.file);
    if let Some(v) = &h.version {
        let _ = write!(s, ", version {v}");
    }
    if h.id != h.edition {
        let _ = write!(s, ", on {}", h.edition);
        if h.rebased {
            s += " in place of the edition it extends";
        }
    }
    s + ")"
}

/// Structural change groups, in the order they are shown.
const KINDS: [(&str, &str); 8] = [
    ("module", "Module"),
    ("source", "Sources"),
    ("actor", "Actors"),
    ("fact", "Facts"),
    ("rule", "Rules"),
    ("decision", "Decisions"),
    ("duty", "Duties"),
    ("override", "Overrides"),
];

fn side_line(label: &str, s: &Option<Side>) -> String {
    match s {
        None => format!("{label}  (none)"),
        Some(s) => {
            let mut line = format!("{label}  {}", s.text);
            if let Some(c) = s.cite.as_ref().filter(|c| **c != s.text) {
                let _ = write!(line, "  [{c}]");
            }
            let _ = write!(line, "  {}", s.at);
            line
        }
    }
}

fn what(c: &Change) -> String {
    match c.change {
        "changed" => format!("{} changed", c.aspect),
        other if c.aspect == "declaration" => other.to_string(),
        other => format!("{} {other}", c.aspect),
    }
}

/// What the text output shows beyond its default.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// List each citation-only change (folded into one line otherwise).
    pub citations: bool,
    /// How each target was settled, and the search's counts.
    pub stats: bool,
}

/// Whether a structural change touches only a citation (the place cited, or the words it
/// carries: its quote or reading).
fn citation_only(c: &Change) -> bool {
    c.aspect == "citation" || c.aspect == "quote"
}

/// The diff as text for a person, with the default options.
pub fn text(diff: &Diff) -> String {
    text_with(diff, TextOptions::default())
}

/// The diff as text for a person: what cases get first, each difference with its
/// witness; then what changed in the rules (citation-only changes folded); then the
/// scenarios; and a closing line in plain words.
pub fn text_with(diff: &Diff, opts: TextOptions) -> String {
    let mut out = format!("old: {}\nnew: {}\n", header(&diff.old), header(&diff.new));
    if let Some(sem) = &diff.semantic {
        let different = with(sem, Verdict::Different);
        if different.is_empty() {
            let _ = writeln!(
                out,
                "\nWhat cases get: no difference found ({} outcomes, duties and due dates compared)",
                sem.targets.len()
            );
        } else {
            let _ = writeln!(
                out,
                "\nWhat cases get ({} difference{} of {} outcomes, duties and due dates compared):",
                different.len(),
                if different.len() == 1 { "" } else { "s" },
                sem.targets.len()
            );
        }
        for (i, t) in different.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {}. {}",
                i + 1,
                t.summary.as_deref().unwrap_or(&t.name)
            );
            if opts.stats || t.how.contains("other differences may exist") {
                let _ = writeln!(out, "     {} `{}` ({})", kind_word(t), t.name, t.how);
            }
            for w in &t.witnesses {
                witness_text(t, w, &mut out);
            }
        }
        let unknown = with(sem, Verdict::Unknown);
        if !unknown.is_empty() {
            let _ = writeln!(out, "\nNot settled (the search was not exhaustive):");
            for t in &unknown {
                let _ = writeln!(out, "  {} `{}`: {}", kind_word(t), t.name, t.how);
            }
        }
        if !sem.facts_only_old.is_empty() {
            let _ = writeln!(
                out,
                "Facts only the old version has (the new one ignores them): {}",
                sem.facts_only_old.join(", ")
            );
        }
        if !sem.facts_only_new.is_empty() {
            let _ = writeln!(
                out,
                "Facts only the new version has (the old one ignores them): {}",
                sem.facts_only_new.join(", ")
            );
        }
    }
    if let Some(changes) = &diff.structural {
        let cites = changes.iter().filter(|c| citation_only(c)).count();
        let _ = writeln!(out, "\nWhat changed in the rules ({}):", changes.len());
        if changes.is_empty() {
            out += "  nothing: every declaration reads the same (order and layout aside)\n";
        }
        for (kind, title) in KINDS {
            let group: Vec<&Change> = changes
                .iter()
                .filter(|c| c.kind == kind && (opts.citations || !citation_only(c)))
                .collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {title}");
            let width = group.iter().map(|c| c.name.len()).max().unwrap_or(0);
            for c in group {
                let _ = writeln!(out, "    {:<width$}  {}", c.name, what(c));
                let _ = writeln!(out, "      {}", side_line("old", &c.old));
                let _ = writeln!(out, "      {}", side_line("new", &c.new));
            }
        }
        if cites > 0 && !opts.citations {
            let _ = writeln!(
                out,
                "  Citations: {cites} declaration{} changed only {} citation (--citations to list them)",
                if cites == 1 { "" } else { "s" },
                if cites == 1 { "its" } else { "their" }
            );
        }
    }
    if let (Some(sem), true) = (&diff.semantic, opts.stats) {
        let equal = with(sem, Verdict::Equal);
        let by_definition = equal.iter().filter(|t| t.how.starts_with("same ")).count();
        let _ = writeln!(
            out,
            "\nProved the same for every case: {} ({} by definition, {} by exhaustive search)",
            equal.len(),
            by_definition,
            equal.len() - by_definition
        );
        for t in equal.iter().filter(|t| !t.how.starts_with("same ")) {
            let _ = writeln!(out, "  {} `{}`: {}", kind_word(t), t.name, t.how);
        }
        let _ = writeln!(
            out,
            "Search: {} partial assignments explored, {} pruned; {}",
            sem.explored,
            sem.pruned,
            if sem.exhaustive {
                "every target settled"
            } else {
                "some targets not settled (see above)"
            }
        );
    }
    if let Some(imp) = &diff.scenarios {
        let _ = writeln!(
            out,
            "\nScenarios: {} run, {} now fail, {} cannot run, {} failed already, {} for other modules",
            imp.ran,
            imp.now_failing.len(),
            imp.cannot_run.len(),
            imp.failing_before,
            imp.skipped
        );
        for r in imp.now_failing.iter().chain(&imp.cannot_run) {
            let _ = writeln!(out, "  {}: \"{}\"", r.at, r.scenario);
            for e in &r.expectations {
                let _ = writeln!(out, "    {}", e.expect);
                let _ = writeln!(out, "      expected: {}", e.expected);
                let _ = writeln!(out, "      now:      {}", e.actual);
            }
        }
    }
    let _ = writeln!(out, "\n{}", closing(diff));
    out
}

/// The closing line: what changed for cases, in plain words.
pub fn closing(diff: &Diff) -> String {
    let differences: Vec<&str> = diff
        .semantic
        .iter()
        .flat_map(|s| with(s, Verdict::Different))
        .filter_map(|t| t.summary.as_deref())
        .collect();
    if !differences.is_empty() {
        // The first few in full; the rest are above.
        const SHOWN: usize = 4;
        let mut listed = differences
            .iter()
            .take(SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join("; ");
        if differences.len() > SHOWN {
            let _ = write!(listed, "; and {} more (above)", differences.len() - SHOWN);
        }
        format!(
            "The two versions differ: {} difference{} in what cases get: {listed}.",
            differences.len(),
            if differences.len() == 1 { "" } else { "s" },
        )
    } else if diff.unsettled() {
        "No difference found, but equality is not proved: some targets were not settled (see above).".into()
    } else if diff.differs() && diff.semantic.is_some() {
        let rules = diff.structural.as_ref().map_or(0, Vec::len);
        let scenarios = diff
            .scenarios
            .as_ref()
            .map_or(0, |i| i.now_failing.len() + i.cannot_run.len());
        if scenarios > 0 {
            "The two versions differ: scenarios now fail (see above).".into()
        } else {
            format!(
                "The two versions differ in the text of the rules only ({rules} change{}): no case gets a different outcome, duty or due date.",
                if rules == 1 { "" } else { "s" }
            )
        }
    } else if diff.differs() {
        "The two versions differ.".into()
    } else {
        "No difference.".into()
    }
}

fn kind_word(t: &Target) -> &'static str {
    match (t.kind, t.declared) {
        ("outcome", "both") => "outcome",
        ("outcome", "old") => "outcome only OLD declares:",
        ("outcome", _) => "outcome only NEW declares:",
        ("applies", _) => "applicability of",
        ("reading", "both") => "reading of duty",
        ("reading", "old") => "duty only OLD declares:",
        ("reading", _) => "duty only NEW declares:",
        _ => "due date of",
    }
}

fn witness_text(t: &Target, w: &Witness, out: &mut String) {
    let subject = match t.kind {
        "outcome" => format!("`{}` is", t.name),
        "applies" => format!("`{}`", t.name),
        _ => format!("`{}` is", t.name),
    };
    if t.kind == "reading" || t.declared != "both" {
        // Two readings (or a declaration one side lacks): one line each.
        let _ = writeln!(out, "    in OLD: {}", w.old);
        let _ = writeln!(out, "    in NEW: {}", w.new);
        let _ = writeln!(out, "    when:");
    } else if t.kind == "applies" {
        let _ = writeln!(
            out,
            "    {subject} {} in OLD and {} in NEW when:",
            w.old, w.new
        );
    } else {
        let _ = writeln!(
            out,
            "    {subject} `{}` in OLD and `{}` in NEW when:",
            w.old, w.new
        );
    }
    let width = w.facts.iter().map(|f| f.name.len()).max().unwrap_or(0);
    for f in &w.facts {
        let mut line = format!("      {:<width$}  {}", f.name, shown(&f.value));
        match f.read_by {
            "old" => line += "   (only OLD reads it; NEW ignores it)",
            "new" => line += "   (only NEW reads it; OLD ignores it)",
            _ => {}
        }
        let _ = writeln!(out, "{line}");
    }
    if w.facts.is_empty() {
        let _ = writeln!(out, "      (any case: no fact needed)");
    }
    if let Some(n) = &w.note {
        let _ = writeln!(out, "      ({n})");
    }
    if w.more > 0 {
        let _ = writeln!(
            out,
            "      ({} other branch{} of the search gave the same two results)",
            w.more,
            if w.more == 1 { "" } else { "es" }
        );
    }
    for (label, why) in [("OLD", &w.old_why), ("NEW", &w.new_why)] {
        let _ = writeln!(out, "      why, in {label}:");
        for l in why.lines() {
            let _ = writeln!(out, "        {l}");
        }
    }
}

/// The diff as Markdown, for a committee paper, with the default options.
pub fn markdown(diff: &Diff) -> String {
    markdown_with(diff, TextOptions::default())
}

/// The diff as Markdown: what cases get first, then the rule changes (citation-only
/// ones folded unless `opts.citations`), then the scenarios and the closing line.
pub fn markdown_with(diff: &Diff, opts: TextOptions) -> String {
    let mut out = format!(
        "# Changes from {} to {}\n\n- Old: {}\n- New: {}\n",
        diff.old.id,
        diff.new.id,
        header(&diff.old),
        header(&diff.new)
    );
    if let Some(sem) = &diff.semantic {
        let _ = writeln!(out, "\n## Cases now treated differently\n");
        let mut any = false;
        for t in with(sem, Verdict::Different) {
            any = true;
            let _ = writeln!(out, "### {} `{}`\n", kind_word(t), t.name);
            if let Some(sum) = &t.summary {
                let mut chars = sum.chars();
                let first = chars.next().map(|c| c.to_uppercase().to_string());
                let _ = writeln!(out, "{}{}.\n", first.unwrap_or_default(), chars.as_str());
            }
            for w in &t.witnesses {
                let _ = writeln!(
                    out,
                    "Old: **{}**, new: **{}**{}\n\n| fact | value |\n| --- | --- |",
                    w.old,
                    w.new,
                    w.note.as_ref().map_or(String::new(), |n| format!(" ({n})"))
                );
                for f in &w.facts {
                    let side = match f.read_by {
                        "old" => " (old only)",
                        "new" => " (new only)",
                        _ => "",
                    };
                    let _ = writeln!(out, "| `{}`{side} | `{}` |", f.name, shown(&f.value));
                }
                out += "\n";
            }
        }
        if !any {
            out += "None.\n";
        }
        let unknown = with(sem, Verdict::Unknown);
        if !unknown.is_empty() {
            out += "\n**Not exhaustive:**\n\n";
            for t in unknown {
                let _ = writeln!(out, "- {} `{}`: {}", kind_word(t), t.name, t.how);
            }
        }
        let equal = with(sem, Verdict::Equal).len();
        let _ = writeln!(
            out,
            "\n{equal} of {} outcomes, duties and due dates are proved the same for every case.",
            sem.targets.len()
        );
    }
    if let Some(changes) = &diff.structural {
        let _ = writeln!(out, "\n## What changed in the rules\n");
        if changes.is_empty() {
            out += "Nothing: every declaration reads the same.\n";
        } else {
            out += "| kind | name | change | old | new |\n| --- | --- | --- | --- | --- |\n";
            for c in changes
                .iter()
                .filter(|c| opts.citations || !citation_only(c))
            {
                let cell = |s: &Option<Side>| match s {
                    None => "—".to_string(),
                    Some(s) => {
                        let mut t = format!("`{}`", s.text.replace('|', "\\|"));
                        if let Some(c) = &s.cite {
                            let _ = write!(t, " ({c})");
                        }
                        t
                    }
                };
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} | {} |",
                    c.kind,
                    c.name,
                    what(c),
                    cell(&c.old),
                    cell(&c.new)
                );
            }
            let cites = changes.iter().filter(|c| citation_only(c)).count();
            if cites > 0 && !opts.citations {
                let _ = writeln!(
                    out,
                    "\n{cites} declaration{} changed only {} citation (`--citations` lists them).",
                    if cites == 1 { "" } else { "s" },
                    if cites == 1 { "its" } else { "their" }
                );
            }
        }
    }
    if let Some(imp) = &diff.scenarios {
        let _ = writeln!(
            out,
            "\n## Scenarios\n\n{} run; {} now fail; {} cannot run.\n",
            imp.ran,
            imp.now_failing.len(),
            imp.cannot_run.len()
        );
        for r in imp.now_failing.iter().chain(&imp.cannot_run) {
            let _ = writeln!(out, "- \"{}\" ({})", r.scenario, r.at);
            for e in &r.expectations {
                let _ = writeln!(
                    out,
                    "  - `{}`: expected {}, now {}",
                    e.expect, e.expected, e.actual
                );
            }
        }
    }
    let _ = writeln!(out, "\n**{}**", closing(diff));
    out
}

/// A fact's value as a person reads it: `known`, `2024-03-04`, `{a, b}`, `true`.
pub(super) fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(xs) => {
            format!(
                "{{{}}}",
                xs.iter().map(shown).collect::<Vec<_>>().join(", ")
            )
        }
        other => other.to_string(),
    }
}
