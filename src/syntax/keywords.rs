//! The language's keywords, read from the grammar itself (`kw_…` and `cw_…` rules of
//! `grammar/policy.pest`), and its place words (`pw_…`: `refines`, `quote`, `by`, …, words
//! only in their place, which may still be names elsewhere), so editors' completion lists
//! cannot drift from what parses.

const GRAMMAR: &str = include_str!("../../grammar/policy.pest");

/// The place words: keywords only where the grammar expects them (`duty a refines b`,
/// `quote "…"`, `by FACT unless …`), names anywhere else.
pub fn place_words() -> Vec<&'static str> {
    GRAMMAR
        .lines()
        .filter(|line| line.starts_with("pw_"))
        .filter_map(|line| line.split('"').nth(1))
        .collect()
}

/// Every keyword, and whether it is a keyword only inside scenario expectations.
pub fn keywords() -> Vec<(&'static str, bool)> {
    GRAMMAR
        .lines()
        .filter_map(|line| {
            let scenario_only = line.starts_with("cw_");
            if !(line.starts_with("kw_") || scenario_only) {
                return None;
            }
            let word = line.split('"').nth(1)?;
            Some((word, scenario_only))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_keyword_rule_is_read() {
        let words: Vec<&str> = super::keywords().iter().map(|k| k.0).collect();
        for w in [
            "guidance",
            "timeline",
            "exception",
            "expect",
            "undetermined",
            "status",
        ] {
            assert!(words.contains(&w), "{w} missing from {words:?}");
        }
        let places = super::place_words();
        for w in ["refines", "quote", "by", "unless"] {
            assert!(places.contains(&w), "{w} missing from {places:?}");
        }
        assert!(words.len() > 45);
    }
}
