//! A JSON Lines batch evaluated on several cores, its results written in input order.
//!
//! One thread reads raw lines and hands them out in chunks; workers parse, evaluate and
//! write each chunk's results (sharing one engine, so the compiled diagrams are made
//! once); this thread puts the chunks back in order and writes them, with any bad line's
//! located error on stderr where it falls. Every channel is bounded, so memory stays a
//! few chunks per worker whatever the size of the batch. Standard output and standard
//! error are exactly what the one-core loop writes.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use cspr::check::Program;
use cspr::eval::Engine;

use super::cases::{self, Stream};
use super::progress::Progress;
use super::{BAD_INPUT, FAILED, report};

/// Lines handed to a worker at a time.
const CHUNK: usize = 256;

/// Consecutive raw lines of the batch, with the line before and after them (for the
/// context of a located error).
struct Chunk {
    seq: usize,
    lines: Vec<(usize, String)>,
    before: String,
    after: String,
    /// Bytes of the input read up to the end of the chunk.
    read: u64,
}

/// One line's result.
enum Item {
    /// The JSON result: a range of the chunk's text.
    Json(std::ops::Range<usize>),
    /// A bad case or a failed evaluation: its line, problems and exit code.
    Problems(usize, Vec<cspr::Problem>, u8),
}

/// A chunk worked out, or the input failing to read at that point.
enum Done {
    Chunk {
        seq: usize,
        text: String,
        items: Vec<Item>,
        read: u64,
    },
    Unreadable(usize, cspr::Problem),
}

impl Done {
    fn seq(&self) -> usize {
        match self {
            Done::Chunk { seq, .. } | Done::Unreadable(seq, _) => *seq,
        }
    }
}

/// Evaluate a streamed batch on `jobs` workers; the exit code, as the one-core loop gives.
pub fn run(
    program: &Program,
    engine: &Engine<'_>,
    mut stream: Stream,
    as_of: chrono::NaiveDate,
    jobs: usize,
    progress: Option<&Progress>,
    editions: &super::edition::Editions,
) -> u8 {
    let writer = cspr::report::JsonWriter::new(program);
    let name = stream.name().clone();
    let (to_work, work) = sync_channel::<Chunk>(jobs * 2);
    let work = Arc::new(Mutex::new(work));
    let (to_out, done) = sync_channel::<Done>(jobs * 2);
    std::thread::scope(|scope| {
        {
            let to_out = to_out.clone();
            scope.spawn(move || read(&mut stream, &to_work, &to_out));
        }
        for _ in 0..jobs {
            let (work, to_out, writer, name) = (work.clone(), to_out.clone(), &writer, &name);
            scope.spawn(move || {
                loop {
                    // The lock is held only to take the next chunk.
                    let next = match work.lock() {
                        Ok(w) => w.recv(),
                        Err(_) => return,
                    };
                    let Ok(chunk) = next else { return };
                    let done = evaluate(program, engine, writer, editions, name, as_of, chunk);
                    if to_out.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        drop(to_out);
        write(done, progress)
    })
}

/// Read raw lines into chunks until the end, an unreadable line, or nobody listening.
fn read(stream: &mut Stream, to_work: &SyncSender<Chunk>, to_out: &SyncSender<Done>) {
    let mut seq = 0;
    let mut before = String::new();
    let mut lines = Vec::with_capacity(CHUNK);
    loop {
        match stream.next_line() {
            Some(Ok(line)) => {
                if lines.len() == CHUNK {
                    // The chunk is sent once the line after it is known.
                    let full = std::mem::replace(&mut lines, Vec::with_capacity(CHUNK));
                    let last = full.last().map(|(_, l): &(usize, String)| l.clone());
                    let chunk = Chunk {
                        seq,
                        lines: full,
                        before: std::mem::take(&mut before),
                        after: line.1.clone(),
                        read: stream.bytes_read() - line.1.len() as u64,
                    };
                    if to_work.send(chunk).is_err() {
                        return;
                    }
                    seq += 1;
                    before = last.unwrap_or_default();
                }
                lines.push(line);
            }
            Some(Err(problem)) => {
                send_last(to_work, &mut seq, lines, before, stream.bytes_read());
                let _ = to_out.send(Done::Unreadable(seq, problem));
                return;
            }
            None => {
                send_last(to_work, &mut seq, lines, before, stream.bytes_read());
                return;
            }
        }
    }
}

fn send_last(
    to_work: &SyncSender<Chunk>,
    seq: &mut usize,
    lines: Vec<(usize, String)>,
    before: String,
    read: u64,
) {
    if !lines.is_empty() {
        let _ = to_work.send(Chunk {
            seq: *seq,
            lines,
            before,
            after: String::new(),
            read,
        });
        *seq += 1;
    }
}

/// Parse, evaluate and write one chunk.
fn evaluate(
    program: &Program,
    engine: &Engine<'_>,
    writer: &cspr::report::JsonWriter,
    editions: &super::edition::Editions,
    name: &Arc<str>,
    as_of: chrono::NaiveDate,
    chunk: Chunk,
) -> Done {
    let mut text = String::with_capacity(chunk.lines.len() * 2048);
    let mut items = Vec::with_capacity(chunk.lines.len());
    for (i, (number, line)) in chunk.lines.iter().enumerate() {
        let alone = cspr::diagnostic::Source::new(name.clone(), line.as_str());
        let parsed = match cspr::case::parse_line(program, &alone, 0, line) {
            None => continue,
            Some(Err(_)) => {
                // Parsed again with its neighbours at their line numbers, for the located error.
                let previous = match i {
                    0 => chunk.before.as_str(),
                    i => chunk.lines[i - 1].1.as_str(),
                };
                let next = chunk
                    .lines
                    .get(i + 1)
                    .map_or(chunk.after.as_str(), |(_, l)| l.as_str());
                let (located, start) = cases::context(name, *number, previous, line, next);
                match cspr::case::parse_line(program, &located, start, line) {
                    Some(parsed) => parsed,
                    None => continue,
                }
            }
            Some(ok) => ok,
        };
        let finding = parsed.as_ref().ok().and_then(|c| editions.finding(c));
        match parsed.map_err(|p| (p, BAD_INPUT)).and_then(|case| {
            engine
                .evaluate_case(case)
                .map_err(|e| (vec![e.problem().clone()], FAILED))
        }) {
            Ok(eval) => {
                let from = text.len();
                writer.write(program, &eval, as_of, &mut text);
                super::edition::Editions::json(finding, &mut text);
                items.push(Item::Json(from..text.len()));
            }
            Err((problems, code)) => items.push(Item::Problems(*number, problems, code)),
        }
    }
    Done::Chunk {
        seq: chunk.seq,
        text,
        items,
        read: chunk.read,
    }
}

/// Write the chunks in order as they come; the exit code.
fn write(done: Receiver<Done>, progress: Option<&Progress>) -> u8 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut waiting: BTreeMap<usize, Done> = BTreeMap::new();
    let mut next = 0;
    let mut code = 0;
    let tell = |problems: &[cspr::Problem]| match progress {
        Some(p) => p.suspend(|| report(problems)),
        None => report(problems),
    };
    for d in done {
        waiting.insert(d.seq(), d);
        while let Some(d) = waiting.remove(&next) {
            next += 1;
            match d {
                Done::Chunk {
                    text, items, read, ..
                } => {
                    for item in items {
                        let written = match item {
                            Item::Json(range) => writeln!(out, "{}", &text[range]),
                            Item::Problems(line, problems, c) => {
                                code = code.max(c);
                                let _ = out.flush();
                                tell(&problems);
                                writeln!(out, "{}", cases::error_record(line, &problems))
                            }
                        };
                        if written.is_err() {
                            // Dropping the receiver stops the workers and the reader.
                            return code.max(FAILED);
                        }
                        if let Some(p) = progress {
                            p.case_done(read);
                        }
                    }
                }
                Done::Unreadable(_, problem) => {
                    let _ = out.flush();
                    tell(&[problem]);
                    return BAD_INPUT;
                }
            }
        }
    }
    let _ = out.flush();
    code
}
