//! Between the protocol's places (file URIs; lines and UTF-16 columns) and cspr's
//! (paths; byte offsets).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use cspr::span::Span;
use lsp_types::{Position, Range, Uri};

/// Byte offset → protocol position, and back, in one text.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// An offset past the end is the end; one inside a character is the character's
    /// start.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = self.starts[line];
        let col: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, col as u32)
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// A line past the end is the end of the text; a column past the end of its line is
    /// the line's end; one inside a surrogate pair is the character's end.
    pub fn offset(&self, p: Position) -> usize {
        let Some(&start) = self.starts.get(p.line as usize) else {
            return self.text.len();
        };
        let mut units = 0u32;
        for (i, c) in self.text[start..].char_indices() {
            if units >= p.character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        self.text.len()
    }
}

/// Clamp every protocol position in a message's parameters (an object with numeric
/// `line` and `character`) to the protocol's range, 0 to 2^32 − 1, so that a negative
/// or huge number is the start or the end of the text instead of a message that does
/// not parse. Positions past the end of the text are then clamped by [`Lines`].
pub fn clamp_positions(params: &mut serde_json::Value) {
    use serde_json::Value;
    match params {
        Value::Object(map) => {
            let is_position = ["line", "character"]
                .iter()
                .all(|k| map.get(*k).is_some_and(Value::is_number));
            if is_position {
                for k in ["line", "character"] {
                    if let Some(v) = map.get_mut(k) {
                        *v = Value::from(clamp_u32(v));
                    }
                }
            }
            for v in map.values_mut() {
                clamp_positions(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clamp_positions),
        _ => {}
    }
}

fn clamp_u32(v: &serde_json::Value) -> u32 {
    if let Some(n) = v.as_u64() {
        u32::try_from(n).unwrap_or(u32::MAX)
    } else if v.as_i64().is_some() {
        0
    } else {
        match v.as_f64() {
            Some(f) if f >= f64::from(u32::MAX) => u32::MAX,
            Some(f) if f > 0.0 => f as u32,
            _ => 0,
        }
    }
}

/// The path of a `file:` URI.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// The `file:` URI of a path (made absolute from the working directory).
pub fn uri_of(path: &Path) -> Option<Uri> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let abs = abs.canonicalize().unwrap_or(abs);
    let mut s = String::from("file://");
    for b in abs.to_str()?.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use proptest::prelude::*;

    /// A position is on a line of the text, at most at that line's end in UTF-16 units.
    fn valid(text: &str, p: Position) -> bool {
        let lines: Vec<&str> = text.split('\n').collect();
        lines
            .get(p.line as usize)
            .is_some_and(|l| p.character as usize <= l.encode_utf16().count())
    }

    /// Text with many multi-byte characters, newlines and policy words.
    fn document() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "rule ",
            "é",
            "🦀",
            "\n",
            "\r\n",
            "fact ",
            ": ",
            "bool",
            "ask \"",
            "\"",
            "x",
            "ñ",
            "\u{10FFFF}",
            "guidance t \"T\"\n",
            "source W = \"W\"\n",
            " and ",
            "{",
            "}",
            "#",
        ]);
        (
            prop::collection::vec(pieces, 0..40),
            prop::collection::vec(any::<char>(), 0..8),
        )
            .prop_map(|(p, c)| {
                let mut s: String = p.concat();
                s.extend(c);
                s
            })
    }

    proptest! {
        #[test]
        fn every_offset_and_position_converts_inside_the_text(
            text in document(),
            offsets in prop::collection::vec(0usize..200, 1..10),
            positions in prop::collection::vec((0u32..12, 0u32..30), 1..10),
        ) {
            let lines = Lines::new(&text);
            for o in offsets {
                let p = lines.position(o);
                prop_assert!(valid(&text, p), "{o} → {p:?}");
                let back = lines.offset(p);
                prop_assert!(text.is_char_boundary(back));
                let mut floor = o.min(text.len());
                while !text.is_char_boundary(floor) {
                    floor -= 1;
                }
                prop_assert_eq!(back, floor);
            }
            for (line, character) in positions {
                let back = lines.offset(Position::new(line, character));
                prop_assert!(text.is_char_boundary(back));
                prop_assert!(valid(&text, lines.position(back)));
            }
        }

        #[test]
        fn every_problem_of_a_random_document_has_a_valid_range(text in document()) {
            let source = cspr::Source::new("random.policy", text.clone());
            let lines = Lines::new(&text);
            let problems = match cspr::syntax::parse(&source) {
                Ok(_) => cspr::check::check(&source, &cspr::check::NoModules).problems,
                Err(problems) => problems,
            };
            for p in problems {
                for (span, _) in &p.labels {
                    let r = lines.range(*span);
                    prop_assert!(valid(&text, r.start) && valid(&text, r.end), "{span:?} → {r:?}");
                }
            }
        }
    }
}
