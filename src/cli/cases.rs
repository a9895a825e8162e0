//! Reading case files for `eval` and `explain`.

use std::io::BufRead as _;
use std::path::Path;

use cspr::case::{self, Format, NotUsed, Parsed};
use cspr::check::Program;
use cspr::diagnostic::Source;

use super::read_source;

/// A case file's source, its format, and its cases with their line numbers.
type Cases = (Source, Format, Vec<(Option<usize>, Parsed)>);

/// The cases of a file: one for JSON or TOML, one per line for JSON Lines (with its
/// line number).
pub fn read(program: &Program, path: &Path) -> Result<Cases, cspr::Problem> {
    let source = read_source(path)?;
    let format = Format::from_name(&source.name);
    let cases = match format {
        Format::JsonLines => case::parse_lines(program, &source)
            .map(|(line, parsed)| (Some(line), parsed))
            .collect(),
        _ => vec![(None, case::parse(program, &source, format))],
    };
    Ok((source, format, cases))
}

/// As [`read`], and one case file may serve many procedures: unless `strict`, the keys of
/// a `.json` or `.toml` case that `program` does not declare but another procedure cspr
/// can reach does are passed over, listed once on stderr and returned. The other
/// procedures are loaded only when the case has such a key.
pub fn read_among(
    program: &Program,
    path: &Path,
    strict: bool,
) -> Result<(Cases, Vec<NotUsed>), cspr::Problem> {
    let (source, format, cases) = read(program, path)?;
    let unknown_key = matches!(
        cases.as_slice(),
        [(None, Err(problems))] if problems.iter().any(|p| p.code == "cspr::unknown_fact")
    );
    if strict || format == Format::JsonLines || !unknown_key {
        return Ok(((source, format, cases), Vec::new()));
    }
    let own = &program.entry().id;
    let others: Vec<Program> = super::compare::every_module()
        .iter()
        .filter(|id| *id != own)
        .filter_map(|id| super::load_procedure(id).ok().map(|(p, _)| p))
        .collect();
    let refs: Vec<&Program> = others.iter().collect();
    let (parsed, not_used) = match case::parse_among(program, &source, format, &refs) {
        Ok((case, not_used)) => (Ok(case), not_used),
        Err(problems) => (Err(problems), Vec::new()),
    };
    if let Some(note) = not_used_note(program, &not_used) {
        super::report(&[note]);
    }
    Ok(((source, format, vec![(None, parsed)]), not_used))
}

/// `not used by lincolnshire (facts of walsall): referrer_is_staff`, once per set of
/// procedures declaring the keys.
pub(crate) fn not_used_note(program: &Program, not_used: &[NotUsed]) -> Option<cspr::Problem> {
    if not_used.is_empty() {
        return None;
    }
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for n in not_used {
        let of = n.facts_of.join(", ");
        match groups.iter_mut().find(|(g, _)| *g == of) {
            Some((_, facts)) => facts.push(&n.fact),
            None => groups.push((of, vec![&n.fact])),
        }
    }
    let lines: Vec<String> = groups
        .iter()
        .map(|(of, facts)| {
            format!(
                "not used by {} (facts of {of}): {}",
                program.entry().id,
                facts.join(", ")
            )
        })
        .collect();
    Some(
        cspr::Problem::warning("cspr::not_used", lines.join("\n")).help(
            "the case also gives facts of other procedures, and they are ignored here; --strict makes them errors",
        ),
    )
}

/// The one case of a `.json` or `.toml` file, for commands that take a single case, with
/// [`read_among`]'s leniency unless `strict`.
pub fn read_one_among(
    program: &Program,
    path: &Path,
    command: &str,
    strict: bool,
) -> Result<(cspr::eval::Case, Vec<NotUsed>), Vec<cspr::Problem>> {
    let ((_, format, mut cases), not_used) =
        read_among(program, path, strict).map_err(|p| vec![p])?;
    if format == Format::JsonLines || cases.len() != 1 {
        return Err(vec![super::usage_error(
            format!("`{command}` takes one case, not a batch"),
            "give a .json or .toml case file",
        )]);
    }
    match cases.pop() {
        Some((_, parsed)) => parsed.map(|case| (case, not_used)),
        None => Err(Vec::new()),
    }
}

/// The longest line of a JSON Lines batch read (the largest file cspr reads whole): a
/// longer line is an error for that line, and the lines after it are still evaluated.
pub const MAX_LINE: usize = super::MAX_FILE as usize;

/// A JSON Lines batch read a line at a time from a file of any size or from standard
/// input (`-`): memory holds the line being read, the one before it and the one after
/// it (for the context of a located error), never the batch.
///
/// A line that cannot be taken as text (longer than [`MAX_LINE`], or not UTF-8) is an
/// error for that line alone (in the batch's output, `{"line":N,"errors":[…]}`); only
/// failing to read the input at all ends the batch.
pub struct Stream {
    reader: Box<dyn std::io::BufRead + Send>,
    /// The name errors are located in.
    name: std::sync::Arc<str>,
    /// The 1-based number of `current`, and the byte it starts at.
    number: usize,
    start: usize,
    previous: String,
    current: Option<String>,
    next: Option<String>,
    /// Why the current or the next line could not be taken (it then stands as an
    /// empty line in `current`/`next`), and its length in bytes.
    current_bad: Option<(cspr::Problem, usize)>,
    next_bad: Option<(cspr::Problem, usize)>,
    done: bool,
}

/// Whether a case argument is a batch to stream: a `.jsonl` file, or `-` for standard input.
pub fn is_stream(path: &Path) -> bool {
    path == Path::new("-") || Format::from_name(&path.display().to_string()) == Format::JsonLines
}

impl Stream {
    pub fn open(path: &Path) -> Result<Stream, cspr::Problem> {
        let shown = path.display().to_string();
        // Standard input unlocked (a lock cannot move to the reading thread of
        // `--jobs`); the buffer takes it 64 KiB at a time.
        let reader: Box<dyn std::io::BufRead + Send> = if path == Path::new("-") {
            Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin()))
        } else {
            let file = std::fs::File::open(path).map_err(|e| {
                super::usage_error(format!("cannot read `{shown}`: {e}"), "check the path")
            })?;
            Box::new(std::io::BufReader::with_capacity(1 << 16, file))
        };
        let name: std::sync::Arc<str> = if path == Path::new("-") {
            "<stdin>".into()
        } else {
            shown.into()
        };
        let mut stream = Stream {
            reader,
            name,
            number: 0,
            start: 0,
            previous: String::new(),
            current: None,
            next: None,
            current_bad: None,
            next_bad: None,
            done: false,
        };
        stream.next = stream.read()?;
        // A byte-order mark (Windows Notepad, Excel exports) is not part of the first case.
        if let Some(first) = stream.next.as_mut()
            && first.starts_with('\u{feff}')
        {
            first.drain(..'\u{feff}'.len_utf8());
        }
        Ok(stream)
    }

    /// Bytes of the input read up to the end of the current case's line.
    pub fn bytes_read(&self) -> u64 {
        (self.start + self.current_len()) as u64
    }

    /// The size of the input in bytes, when it is a regular file (standard input too,
    /// when it is redirected from one), for a progress bar by bytes.
    pub fn size(path: &Path) -> Option<u64> {
        let path = if path == Path::new("-") {
            Path::new("/dev/stdin")
        } else {
            path
        };
        std::fs::metadata(path)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len())
    }

    /// The next raw line (with its newline), or `None` at the end. A line that cannot be
    /// taken is read to its end, given as an empty line, and its problem kept in
    /// `next_bad`.
    fn read(&mut self) -> Result<Option<String>, cspr::Problem> {
        self.next_bad = None;
        if self.done {
            return Ok(None);
        }
        let unreadable = |name: &str, e: std::io::Error| {
            super::usage_error(format!("cannot read `{name}`: {e}"), "check the path")
        };
        let mut bytes = Vec::new();
        let limit = (MAX_LINE + 1) as u64;
        let n = std::io::Read::take(&mut self.reader, limit)
            .read_until(b'\n', &mut bytes)
            .map_err(|e| unreadable(&self.name, e))?;
        if n == 0 {
            self.done = true;
            return Ok(None);
        }
        let line_start = self.start + self.current_len();
        let number = self.number + 1;
        if bytes.len() > MAX_LINE {
            // The rest of the line is skipped a buffer at a time, never held.
            let mut len = bytes.len();
            drop(bytes);
            loop {
                let buf = self
                    .reader
                    .fill_buf()
                    .map_err(|e| unreadable(&self.name, e))?;
                if buf.is_empty() {
                    break;
                }
                match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        self.reader.consume(i + 1);
                        len += i + 1;
                        break;
                    }
                    None => {
                        let n = buf.len();
                        self.reader.consume(n);
                        len += n;
                    }
                }
            }
            let problem = super::usage_error(
                format!(
                    "line {number} of `{}` is {len} bytes long, more than cspr reads in one line ({MAX_LINE} bytes): it is not evaluated",
                    self.name
                ),
                "give one case per line; the other lines are still evaluated",
            );
            self.next_bad = Some((problem, len));
            return Ok(Some(String::new()));
        }
        match String::from_utf8(bytes) {
            Ok(line) => Ok(Some(line)),
            Err(e) => {
                let len = e.as_bytes().len();
                let problem = super::usage_error(
                    format!(
                        "line {number} of `{}` is not UTF-8 text (byte {}): it is not evaluated",
                        self.name,
                        line_start + e.utf8_error().valid_up_to()
                    ),
                    "save the file as UTF-8; the other lines are still evaluated",
                );
                self.next_bad = Some((problem, len));
                Ok(Some(String::new()))
            }
        }
    }

    /// Move the next line into `current`, with its problem if it could not be taken.
    fn advance(&mut self) -> Option<()> {
        self.current = self.next.take();
        self.current_bad = self.next_bad.take();
        self.current.as_ref().map(|_| ())
    }

    /// Bytes of the current line as read (a line that could not be taken counts its
    /// length, not the empty line standing for it).
    fn current_len(&self) -> usize {
        match &self.current_bad {
            Some((_, len)) => *len,
            None => self.current.as_ref().map_or(0, String::len),
        }
    }

    /// The next non-blank line's number and case, or an error reading the input.
    pub fn next_case(
        &mut self,
        program: &Program,
    ) -> Option<Result<(usize, Parsed), cspr::Problem>> {
        loop {
            let len = self.current_len();
            if let Some(done) = self.current.take() {
                self.start += len;
                self.previous = done;
            }
            self.advance()?;
            self.number += 1;
            if let Some((problem, _)) = self.current_bad.clone() {
                return match self.read() {
                    Ok(next) => {
                        self.next = next;
                        Some(Ok((self.number, Err(vec![problem]))))
                    }
                    Err(p) => Some(Err(p)),
                };
            }
            let line = self.current.as_deref()?;
            // Parsed against the line alone; only a bad line is parsed again against a
            // source with its neighbours at their line numbers, for the located error.
            let alone = Source::new(self.name.clone(), line);
            let parsed = case::parse_line(program, &alone, 0, line);
            let parsed = match parsed {
                Some(Err(_)) => {
                    match self.read() {
                        Ok(next) => self.next = next,
                        Err(p) => return Some(Err(p)),
                    }
                    let (located, start) = self.context();
                    case::parse_line(program, &located, start, self.current.as_deref()?)
                }
                other => {
                    match self.read() {
                        Ok(next) => self.next = next,
                        Err(p) => return Some(Err(p)),
                    }
                    other
                }
            };
            if let Some(parsed) = parsed {
                return Some(Ok((self.number, parsed)));
            }
        }
    }

    /// A source in which the current line, the one before and the one after stand at
    /// their line numbers (earlier lines are blank), and where the current line starts.
    fn context(&self) -> (Source, usize) {
        context(
            &self.name,
            self.number,
            &self.previous,
            self.current.as_deref().unwrap_or_default(),
            self.next.as_deref().unwrap_or_default(),
        )
    }

    /// The next raw line (blank or not) with its 1-based number, or the problem that kept
    /// it from being taken, for a reader that parses elsewhere ([`super::parallel`]); not
    /// to be mixed with [`Stream::next_case`].
    pub fn next_line(&mut self) -> Option<Result<(usize, Line), cspr::Problem>> {
        self.current = None;
        self.advance()?;
        self.start += self.current_len();
        let line = match (self.current.replace(String::new()), self.current_bad.take()) {
            (_, Some((problem, _))) => Err(problem),
            (text, None) => Ok(text.unwrap_or_default()),
        };
        self.number += 1;
        match self.read() {
            Ok(next) => self.next = next,
            Err(p) => return Some(Err(p)),
        }
        Some(Ok((self.number, line)))
    }

    /// The name errors are located in.
    pub fn name(&self) -> &std::sync::Arc<str> {
        &self.name
    }
}

/// A raw line of a batch, or why it could not be taken.
pub type Line = Result<String, cspr::Problem>;

/// The JSON line a batch writes in place of a bad case's result: its line and errors.
pub fn error_record(line: usize, problems: &[cspr::Problem]) -> serde_json::Value {
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    serde_json::json!({ "line": line, "errors": messages })
}

/// A source for line `number` of a batch, in which it, the line before and the line after
/// stand at their line numbers (earlier lines are blank), and where the line starts: for a
/// located error.
pub fn context(
    name: &std::sync::Arc<str>,
    number: usize,
    previous: &str,
    current: &str,
    next: &str,
) -> (Source, usize) {
    let mut text = String::new();
    if number >= 2 {
        text.push_str(&"\n".repeat(number - 2));
        text.push_str(previous);
    }
    let start = text.len();
    text.push_str(current);
    text.push_str(next);
    (Source::new(name.clone(), text), start)
}
