//! The language's keywords, read from the grammar itself (`kw_…` and `cw_…` rules of
//! `grammar/policy.pest`), so editors' completion lists cannot drift from what parses.

/// Every keyword, and whether it is a keyword only inside scenario expectations.
pub fn keywords() -> Vec<(&'static str, bool)> {
    const GRAMMAR: &str = include_str!("../../grammar/policy.pest");
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
        assert!(words.len() > 45);
    }
}
