//! Source coverage as text for a person and as JSON (`cspr sources`).
//!
//! ```text
//! BSCP  Buckinghamshire Safeguarding Children Partnership procedures, 8.2 …
//!   2 of 181 rule-bearing sentences covered (1.1 %)
//!   8.2.66, line 445: encoded by send_report_before_publication
//!     LSCPs should send copies of all LCSPR reports to Ofsted, …
//!   8.2.67, line 449: not encoded
//!     If an LSCP considers that a LCSPR report should not be published, …
//! overall: 2 of 181 rule-bearing sentences covered (1.1 %)
//! ```

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::coverage::{Coverage, Covered, SourceCoverage};

/// What the coverage report says about each source beside its coverage.
#[derive(Debug, Clone, Default)]
pub struct SourceInfo {
    pub title: String,
    /// The text file, as the module names it.
    pub file: Option<String>,
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(
        || "no rule-bearing sentence".into(),
        |s| format!("{:.1} %", s * 100.0),
    )
}

fn place(c: &Covered) -> String {
    match &c.sentence.paragraph {
        Some(p) => format!("{p}, line {}", c.sentence.line),
        None => format!("line {}", c.sentence.line),
    }
}

fn status(c: &Covered) -> String {
    let mut parts = Vec::new();
    if !c.encoded_by.is_empty() {
        parts.push(format!("encoded by {}", c.encoded_by.join(", ")));
    }
    if !c.not_encoded.is_empty() {
        parts.push(format!(
            "recorded as not encoded ({})",
            c.not_encoded.join("; ")
        ));
    }
    if parts.is_empty() {
        parts.push("not encoded".into());
    }
    parts.join("; ")
}

fn counts(covered: usize, all: usize, share: Option<f64>) -> String {
    format!(
        "{covered} of {all} rule-bearing sentences covered ({})",
        percent(share)
    )
}

/// The coverage as aligned text: each source, its share, and each rule-bearing sentence with
/// what covers it (or `not encoded`).
#[must_use]
pub fn text(coverage: &Coverage, info: &[(String, SourceInfo)]) -> String {
    let mut out = String::new();
    for s in &coverage.sources {
        let meta = info.iter().find(|(a, _)| *a == s.source).map(|(_, i)| i);
        let title = meta.map_or("", |m| m.title.as_str());
        let _ = writeln!(out, "{}  {title}", s.source);
        if let Some(file) = meta.and_then(|m| m.file.as_deref()) {
            let _ = writeln!(out, "  text: {file}");
        }
        let _ = writeln!(
            out,
            "  {}",
            counts(s.covered(), s.sentences.len(), s.share())
        );
        for c in &s.sentences {
            let _ = writeln!(out, "  {}: {}", place(c), status(c));
            let _ = writeln!(out, "    {}", c.sentence.text);
        }
        out.push('\n');
    }
    let (covered, all) = coverage.totals();
    let _ = writeln!(out, "overall: {}", counts(covered, all, coverage.share()));
    out
}

fn sentence_json(c: &Covered) -> Value {
    let rule =
        c.sentence.rule.as_ref().map(
            |r| json!({ "modal": r.modal, "time_limit": r.time_limit, "criteria": r.criteria }),
        );
    json!({
        "paragraph": c.sentence.paragraph,
        "line": c.sentence.line,
        "text": c.sentence.text,
        "rule": rule,
        "encoded_by": c.encoded_by,
        "not_encoded": c.not_encoded,
        "covered": c.is_covered(),
    })
}

fn source_json(s: &SourceCoverage, meta: Option<&SourceInfo>) -> Value {
    json!({
        "source": s.source,
        "title": meta.map(|m| m.title.clone()),
        "file": meta.and_then(|m| m.file.clone()),
        "rule_sentences": s.sentences.len(),
        "covered": s.covered(),
        "share": s.share(),
        "sentences": s.sentences.iter().map(sentence_json).collect::<Vec<_>>(),
    })
}

/// The coverage as JSON: `{procedure, sources: [...], overall: {rule_sentences, covered, share}}`.
#[must_use]
pub fn json(procedure: &str, coverage: &Coverage, info: &[(String, SourceInfo)]) -> Value {
    let (covered, all) = coverage.totals();
    json!({
        "procedure": procedure,
        "sources": coverage
            .sources
            .iter()
            .map(|s| source_json(s, info.iter().find(|(a, _)| *a == s.source).map(|(_, i)| i)))
            .collect::<Vec<_>>(),
        "overall": { "rule_sentences": all, "covered": covered, "share": coverage.share() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::Document;
    use crate::provenance::coverage::{Claim, Claimant, coverage};

    #[test]
    fn text_and_json_agree_on_the_counts() {
        let d = Document::parse(
            "t.txt",
            "Title: T\n===\n1.1 Partners must notify the Panel.\n1.2 Reports will be published.\n",
        )
        .unwrap();
        let found = d
            .find(Some("1.1"), "Partners must notify the Panel")
            .unwrap();
        let claims = [Claim {
            source: "T".into(),
            by: Claimant::Declaration("notify".into()),
            bytes: found.bytes,
        }];
        let cov = coverage(&[("T", &d)], &claims);
        let info = [(
            "T".to_string(),
            SourceInfo {
                title: "A text".into(),
                file: Some("t.txt".into()),
            },
        )];
        let text = text(&cov, &info);
        assert_eq!(
            text,
            "T  A text\n  text: t.txt\n  1 of 2 rule-bearing sentences covered (50.0 %)\n  \
             1.1, line 3: encoded by notify\n    Partners must notify the Panel.\n  \
             1.2, line 4: not encoded\n    Reports will be published.\n\n\
             overall: 1 of 2 rule-bearing sentences covered (50.0 %)\n"
        );
        let json = json("p", &cov, &info);
        assert_eq!(json["overall"]["covered"], 1);
        assert_eq!(
            json["sources"][0]["sentences"][0]["encoded_by"][0],
            "notify"
        );
        assert_eq!(json["sources"][0]["sentences"][1]["rule"]["modal"], "will");
    }
}
