//! The sections of `cspr eval`'s text, for `outcomes` and `duties`.

/// A part of `cspr eval`'s text.
#[derive(Clone, Copy)]
pub(super) enum Section {
    All,
    Outcomes,
    Duties,
}

impl Section {
    /// This section of the text of [`crate::report::eval_text`] (its headings start
    /// lines: `Outcomes`, `Duties`, then `Still unknown…` or `Nothing is missing…`).
    pub(super) fn of(self, text: &str) -> String {
        let find = |heading: &str| text.find(&format!("\n{heading}")).map(|i| i + 1);
        let outcomes = find("Outcomes\n");
        let duties = find("Duties\n");
        let missing = find("Still unknown").or_else(|| find("Nothing is missing"));
        let slice = |from: Option<usize>, to: Option<usize>| match from {
            Some(a) => {
                text[a..to.unwrap_or(text.len()).max(a)]
                    .trim_end()
                    .to_string()
                    + "\n"
            }
            None => String::new(),
        };
        match self {
            Section::All => text.to_string(),
            Section::Outcomes => slice(outcomes, duties),
            Section::Duties => slice(duties, missing),
        }
    }
}
