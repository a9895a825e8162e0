//! The language's keywords, read from the grammar itself (`kw_…`, `cw_…` and `pw_…` rules
//! of `grammar/policy.pest`), so editors' completion lists cannot drift from what parses.
//! (`pw_` words — `refines`, `quote`, `reading`, … — are keywords only in their place and
//! may still be names elsewhere; they are offered all the same.)

/// Every keyword, and whether it is a keyword only inside scenario expectations.
pub fn keywords() -> Vec<(&'static str, bool)> {
    const GRAMMAR: &str = include_str!("../../grammar/policy.pest");
    GRAMMAR
        .lines()
        .filter_map(|line| {
            let scenario_only = line.starts_with("cw_");
            if !(line.starts_with("kw_") || line.starts_with("pw_") || scenario_only) {
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
            "refines",
            "quote",
        ] {
            assert!(words.contains(&w), "{w} missing from {words:?}");
        }
        assert!(words.len() > 45);
    }
}
