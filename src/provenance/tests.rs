//! Quotes checked against the real seed texts in `policies/sources/`.

use super::Document;
use super::quote::{MAX_GAP, QuoteError};

const BSCP: &str =
    include_str!("../../policies/sources/buckinghamshire-procedure-8.2-lcspr-2024.txt");
const OMG: &str = include_str!("../../policies/sources/one-minute-guide-lcspr.txt");
const LSCP: &str =
    include_str!("../../policies/sources/lincolnshire-serious-incident-review-guidance-2021.txt");
const TSCP: &str =
    include_str!("../../policies/sources/tees-serious-incidents-protocol-excerpt.txt");

fn doc(text: &str) -> Document {
    Document::parse("test.txt", text).unwrap()
}

#[test]
fn the_issue_example_is_found_in_its_paragraph() {
    let d = doc(BSCP);
    let quote = "LSCPs should send copies of all LCSPR reports to Ofsted, the Department for Education and \
                 the National SCR Panel at least one week before publication";
    let found = d.find(Some("8.2.66"), quote).unwrap();
    assert_eq!(found.paragraph.as_deref(), Some("8.2.66"));
    assert_eq!(&d.text[found.bytes[0].clone()], quote);
    assert!(found.omissions.is_empty());
}

#[test]
fn one_word_changed_fails_with_the_nearest_passage() {
    let d = doc(BSCP);
    let quote = "LSCPs must send copies of all LCSPR reports to Ofsted";
    let Err(QuoteError::NotFound {
        nearest: Some(near),
        region,
        ..
    }) = d.find(Some("8.2.66"), quote)
    else {
        panic!("a changed word must not be found");
    };
    assert_eq!(region.as_deref(), Some("paragraph 8.2.66"));
    assert_eq!(
        near.text,
        "LSCPs should send copies of all LCSPR reports to Ofsted"
    );
    assert_eq!(&d.text[near.bytes.clone()], near.text);
}

#[test]
fn the_nearest_passage_is_found_anywhere_in_a_long_text() {
    let d = doc(LSCP);
    let quote = "They should do so within ten working days of becoming aware that the incident has occurred";
    let Err(QuoteError::NotFound {
        nearest: Some(near),
        ..
    }) = d.find(None, quote)
    else {
        panic!("a changed number must not be found");
    };
    assert!(
        near.text
            .contains("within five working days of becoming aware"),
        "{}",
        near.text
    );
}

#[test]
fn a_quote_in_the_wrong_numbered_paragraph_fails() {
    let d = doc(BSCP);
    let quote =
        "a case should be subject to a decision within one month of notification of the incident";
    assert!(d.find(Some("8.2.18"), quote).is_ok());
    assert_eq!(
        d.find(Some("8.2.19"), quote),
        Err(QuoteError::WrongParagraph {
            cited: "paragraph 8.2.19".into(),
            found_in: vec!["paragraph 8.2.18".into()]
        })
    );
    // A range includes every paragraph between its ends.
    assert!(d.find(Some("8.2.17-8.2.19"), quote).is_ok());
    // Without a paragraph number in the locator, anywhere.
    assert!(d.find(Some("decision timescale"), quote).is_ok());
}

#[test]
fn a_paragraph_the_source_does_not_have_is_an_error() {
    let d = doc(BSCP);
    assert_eq!(
        d.find(
            Some("8.2.99"),
            "LSCPs should send copies of all LCSPR reports"
        ),
        Err(QuoteError::UnknownParagraph {
            number: "8.2.99".into()
        })
    );
}

#[test]
fn an_ellipsis_that_drops_a_not_warns() {
    let d = doc(BSCP);
    let quote = "Where a child has been seriously harmed, … an LCSPR must be commissioned";
    let found = d.find(Some("8.2.7"), quote).unwrap();
    assert_eq!(found.bytes.len(), 2);
    let words: Vec<&str> = found.omissions.iter().map(|o| o.word.as_str()).collect();
    assert_eq!(words, ["not"]);
    assert!(
        found.omissions[0]
            .text
            .contains("unless there is definitive evidence")
    );
    assert_eq!(&quote[found.omissions[0].ellipsis.clone()], "…");
    // An ellipsis over harmless words does not warn.
    let found = d
        .find(Some("8.2.66"), "LSCPs should send copies of all LCSPR reports ... at least one week before publication")
        .unwrap();
    assert!(found.omissions.is_empty());
}

#[test]
fn ellipsis_fragments_must_be_in_order_close_and_long_enough() {
    let d = doc(BSCP);
    // Out of order.
    let swapped =
        "at least one week before publication … LSCPs should send copies of all LCSPR reports";
    assert_eq!(
        d.find(Some("8.2.66"), swapped),
        Err(QuoteError::Apart {
            region: Some("paragraph 8.2.66".into())
        })
    );
    // Too far apart: the first paragraph's opening and the procedure's last words.
    let near = "Good practice should be shared … when things go wrong there needs to be robust";
    assert!(
        d.find(Some("8.2.1"), near).is_ok(),
        "a sentence apart is within {MAX_GAP}"
    );
    let far = "Working Together to Safeguarding Children states … LSCPs should send copies of all LCSPR reports";
    assert_eq!(d.find(None, far), Err(QuoteError::Apart { region: None }));
    // A fragment under 12 characters.
    assert!(matches!(
        d.find(Some("8.2.66"), "LSCPs should … publication"),
        Err(QuoteError::TooShort { chars: 11, .. })
    ));
    assert!(matches!(d.find(None, "   "), Err(QuoteError::Empty)));
}

#[test]
fn curly_quotes_and_dashes_match_straight_ones() {
    let d = doc(BSCP);
    let quote = "'Seriously harmed' in this context includes, but is not limited to";
    assert!(d.find(Some("8.2.4"), quote).is_ok());
    let quote =
        "criteria for an LCSPR not met - no alternative form of learning review recommended";
    assert!(d.find(None, quote).is_ok());
    // The apostrophe in the One Minute Guide's "child’s".
    assert!(
        doc(OMG)
            .find(
                None,
                "All reviews should reflect the child's perspective and the family context"
            )
            .is_ok()
    );
}

#[test]
fn bullets_and_item_numbers_between_lead_in_and_items_vanish() {
    let d = doc(OMG);
    let quote = "Safeguarding partners must ensure that the final report includes: a summary of any recommended \
                 improvements to be made by persons in the area";
    assert!(d.find(None, quote).is_ok());
    let quote = "the requirement for LSCPs to undertake reviews of serious cases in specified circumstances where: \
                 abuse or neglect of a child is known or suspected; and either - (i) the child has died";
    assert!(doc(BSCP).find(Some("8.2.3"), quote).is_ok());
    // Tees's hyphen bullets and wrapped lines.
    let quote = "Serious child safeguarding cases are those in which: abuse or neglect of a child is known or suspected";
    assert!(doc(TSCP).find(Some("2.1"), quote).is_ok());
}

#[test]
fn line_end_hyphenation_matches_the_whole_word() {
    let d = doc(LSCP);
    assert!(
        d.find(
            None,
            "Partnership has a period of 15 working days to complete"
        )
        .is_ok()
    );
    // A hyphenated compound broken at its hyphen matches with the hyphen too.
    assert!(
        d.find(
            None,
            "Serious harm includes serious and/or long-term impairment of a child"
        )
        .is_ok()
    );
    assert!(d.find(None, "long-term impair-ment of a child").is_ok());
}

#[test]
fn matches_start_and_end_on_word_boundaries() {
    let d = doc(BSCP);
    assert!(matches!(
        d.find(Some("8.2.66"), "SCPs should send copies"),
        Err(QuoteError::NotFound { .. })
    ));
    assert!(matches!(
        d.find(Some("8.2.66"), "LSCPs should send copie"),
        Err(QuoteError::NotFound { .. })
    ));
}

#[test]
fn case_is_kept() {
    let d = doc(BSCP);
    assert!(matches!(
        d.find(Some("8.2.66"), "lscps should send copies"),
        Err(QuoteError::NotFound { .. })
    ));
}

#[test]
fn sentences_of_a_seed_carry_rules() {
    let d = doc(BSCP);
    let sentences = d.sentences();
    let s = sentences
        .iter()
        .find(|s| s.paragraph.as_deref() == Some("8.2.66"))
        .unwrap();
    assert_eq!(
        s.text,
        "LSCPs should send copies of all LCSPR reports to Ofsted, the Department for Education and the National SCR \
         Panel at least one week before publication."
    );
    let rule = s.rule.as_ref().unwrap();
    assert_eq!(rule.modal, Some("should"));
    assert_eq!(rule.time_limit.as_deref(), Some("one week"));
    // 8.2.4's lead-in and its two bullets are one criterion list, across the blank line.
    let list = sentences
        .iter()
        .find(|s| {
            s.paragraph.as_deref() == Some("8.2.4") && s.text.starts_with("'Seriously harmed'")
        })
        .unwrap();
    assert!(
        list.text.ends_with("social or behavioural development."),
        "{}",
        list.text
    );
    assert!(list.rule.as_ref().is_some_and(|r| r.criteria));
    // Headings carry no rule.
    let heading = sentences
        .iter()
        .find(|s| s.text == "Regulations and serious case review criteria")
        .unwrap();
    assert_eq!(heading.rule, None);
}

#[test]
fn coverage_counts_quoted_and_not_encoded_sentences() {
    use super::coverage::{Claim, Claimant, coverage};
    let d = doc(TSCP);
    let rules: Vec<_> = d
        .sentences()
        .into_iter()
        .filter(|s| s.rule.is_some())
        .collect();
    let quoted = d
        .find(
            Some("2.1"),
            "Serious child safeguarding cases are those in which",
        )
        .unwrap();
    let left = d
        .find(
            Some("1.1"),
            "outlines how safeguarding partners must make arrangements",
        )
        .unwrap();
    let claims = [
        Claim {
            source: "TSCP".into(),
            by: Claimant::Declaration("serious_case".into()),
            bytes: quoted.bytes,
        },
        Claim {
            source: "TSCP".into(),
            by: Claimant::NotEncoded("context".into()),
            bytes: left.bytes,
        },
    ];
    let cov = coverage(&[("TSCP", &d)], &claims);
    let source = &cov.sources[0];
    assert_eq!(source.sentences.len(), rules.len());
    assert_eq!(source.covered(), 2);
    let by_name: Vec<_> = source
        .sentences
        .iter()
        .filter(|s| !s.encoded_by.is_empty())
        .collect();
    assert_eq!(by_name.len(), 1);
    assert!(
        by_name[0]
            .sentence
            .text
            .starts_with("Serious child safeguarding cases are those in which:")
    );
    assert_eq!(cov.totals(), (2, rules.len()));
}

#[test]
fn a_changed_byte_changes_the_hash() {
    let a = doc(TSCP);
    let b = doc(&TSCP.replacen("must", "mist", 1));
    assert_ne!(a.sha256, b.sha256);
    assert_eq!(a.sha256.len(), 64);
}

#[test]
fn a_list_of_paragraphs_is_cut_item_by_item() {
    let d = doc(BSCP);
    let sentences = d.sentences();
    let in_8_2_11: Vec<&str> = sentences
        .iter()
        .filter(|s| s.paragraph.as_deref() == Some("8.2.11"))
        .map(|s| s.text.as_str())
        .collect();
    assert!(
        in_8_2_11.contains(
            &"The following key principles should be adhered to during any kind of review:"
        )
    );
    assert!(in_8_2_11.contains(
        &"Proportionate: The approach taken to reviews should be proportionate to the scale and level of complexity \
          of the issues being examined."
    ));
    // Each sentence knows its line in the file.
    let s = sentences
        .iter()
        .find(|s| s.text.starts_with("Proportionate:"))
        .unwrap();
    assert_eq!(d.line_of(s.bytes.start), s.line);
}
