//! Where each line of a text starts, found once: a byte offset's line is then a binary
//! search, not a count of the newlines before it (which made the index and the editor
//! server quadratic in the size of a file).

/// The byte offset of the start of each line of a text.
#[derive(Debug, Clone)]
pub struct LineStarts {
    starts: Vec<usize>,
    len: usize,
}

impl LineStarts {
    pub fn new(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineStarts {
            starts,
            len: text.len(),
        }
    }

    /// The 0-based line of a byte offset (one past the end is on the last line).
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    /// The byte offset where a 0-based line starts, if there is such a line.
    pub fn start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// How many lines the text has (a text ending in a newline has an empty last line).
    pub fn count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets() {
        let l = LineStarts::new("ab\ncd\n");
        assert_eq!(
            (0..=7).map(|o| l.line(o)).collect::<Vec<_>>(),
            [0, 0, 0, 1, 1, 1, 2, 2]
        );
        assert_eq!(l.start(1), Some(3));
        assert_eq!(l.start(3), None);
        assert_eq!(l.count(), 3);
    }
}
