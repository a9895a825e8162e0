//! A JSON Lines batch evaluated on several cores, its results written in input order.
//!
//! One thread reads raw lines and hands them out in chunks; workers parse, evaluate and
//! write each chunk's results (sharing one engine, so the compiled diagrams are made
//! once); this thread puts the chunks back in order and writes them, with any bad line's
//! located error on stderr where it falls. Standard output and standard error are exactly
//! what the one-core loop writes.
//!
//! Memory is bounded whatever the size of the batch: the reader takes a token before it
//! hands out a chunk and the writer gives it back once the chunk is written, so at most
//! [`window`] chunks (read, being evaluated, or evaluated and waiting for an earlier one)
//! exist at a time.
//!
//! Nothing can wait forever: when standard output fails (a closed pipe, a full disk) the
//! writer sets the stop flag and drops its ends of the channels; workers see the flag
//! between chunks (they wait for work with a timeout, never for ever) or fail to send;
//! the reader fails to send or to take a token. The reader is not joined: it may be
//! blocked reading standard input, and ends with the process.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cspr::check::Program;
use cspr::eval::Engine;

use super::cases::{self, Line, Stream};
use super::output;
use super::progress::Progress;
use super::{BAD_INPUT, FAILED, report};

/// Lines handed to a worker at a time.
const CHUNK: usize = 32;

/// How long a worker waits for work before it looks at the stop flag again.
const POLL: Duration = Duration::from_millis(20);

/// Chunks that may exist at once on `jobs` workers: about one each, queued, being
/// evaluated or done, and two more, so a worker seldom waits for the writer. (Each chunk's
/// results are ~100 KB of JSON: at `2 × jobs + 2` chunks of 64 lines the default 8 jobs
/// peaked at 29 MiB on 300,000 cases; at `jobs + 2` of 32, 15 MiB.)
fn window(jobs: usize) -> usize {
    jobs + 2
}

/// Consecutive raw lines of the batch, with the line before and after them (for the
/// context of a located error).
struct Chunk {
    seq: usize,
    lines: Vec<(usize, Line)>,
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

/// Evaluate a streamed batch on `jobs` workers; the exit code, as the one-core loop gives,
/// or the error writing standard output.
pub fn run(
    program: &Program,
    engine: &Engine<'_>,
    stream: Stream,
    as_of: chrono::NaiveDate,
    jobs: usize,
    progress: Option<&Progress>,
    editions: &super::edition::Editions,
) -> Result<u8, Vec<cspr::Problem>> {
    let writer = cspr::report::JsonWriter::new(program);
    let name = stream.name().clone();
    let stop = Arc::new(AtomicBool::new(false));
    let (to_work, work) = sync_channel::<Chunk>(jobs);
    let work = Arc::new(Mutex::new(work));
    let (to_out, done) = sync_channel::<Done>(window(jobs));
    let (give_token, tokens) = sync_channel::<()>(window(jobs));
    for _ in 0..window(jobs) {
        let _ = give_token.send(());
    }
    {
        let to_out = to_out.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || read(stream, &to_work, &to_out, &tokens, &stop));
    }
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let (work, to_out, writer, name, stop) =
                (work.clone(), to_out.clone(), &writer, &name, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    // The lock is held only to take the next chunk.
                    let next = match work.lock() {
                        Ok(w) => w.recv_timeout(POLL),
                        Err(_) => return,
                    };
                    let chunk = match next {
                        Ok(chunk) => chunk,
                        Err(RecvTimeoutError::Timeout) => continue,
                        Err(RecvTimeoutError::Disconnected) => return,
                    };
                    let done = evaluate(program, engine, writer, editions, name, as_of, chunk);
                    if to_out.send(done).is_err() {
                        return;
                    }
                }
            });
        }
        // The workers hold the only handles on the work queue: once they have all
        // stopped, a reader waiting to hand out work is told so.
        drop(work);
        drop(to_out);
        let written = write(done, &give_token, progress);
        if written.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        written
    })
}

/// Read raw lines into chunks until the end, an unreadable input, or nobody listening.
fn read(
    mut stream: Stream,
    to_work: &SyncSender<Chunk>,
    to_out: &SyncSender<Done>,
    tokens: &Receiver<()>,
    stop: &AtomicBool,
) {
    let mut seq = 0;
    let mut before = String::new();
    let mut lines: Vec<(usize, Line)> = Vec::with_capacity(CHUNK);
    // A chunk is handed out once a token says there is room for it.
    let send = |chunk: Chunk| {
        !stop.load(Ordering::Relaxed) && tokens.recv().is_ok() && to_work.send(chunk).is_ok()
    };
    let text = |line: &Line| line.as_ref().map_or_else(|_| String::new(), String::clone);
    loop {
        match stream.next_line() {
            Some(Ok(line)) => {
                if lines.len() == CHUNK {
                    // The chunk is sent once the line after it is known.
                    let full = std::mem::replace(&mut lines, Vec::with_capacity(CHUNK));
                    let last = full.last().map(|(_, l)| text(l));
                    let after = text(&line.1);
                    let chunk = Chunk {
                        seq,
                        lines: full,
                        before: std::mem::take(&mut before),
                        read: stream.bytes_read() - after.len() as u64,
                        after,
                    };
                    if !send(chunk) {
                        return;
                    }
                    seq += 1;
                    before = last.unwrap_or_default();
                }
                lines.push(line);
            }
            end => {
                let read = stream.bytes_read();
                if !lines.is_empty() {
                    let chunk = Chunk {
                        seq,
                        lines,
                        before,
                        after: String::new(),
                        read,
                    };
                    if !send(chunk) {
                        return;
                    }
                    seq += 1;
                }
                if let Some(Err(problem)) = end {
                    let _ = to_out.send(Done::Unreadable(seq, problem));
                }
                return;
            }
        }
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
    let mut text = String::new();
    let mut items = Vec::with_capacity(chunk.lines.len());
    let raw = |i: usize| chunk.lines[i].1.as_deref().unwrap_or_default();
    for (i, (number, line)) in chunk.lines.iter().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(problem) => {
                items.push(Item::Problems(*number, vec![problem.clone()], BAD_INPUT));
                continue;
            }
        };
        let alone = cspr::diagnostic::Source::new(name.clone(), line.as_str());
        let parsed = match cspr::case::parse_line(program, &alone, 0, line) {
            None => continue,
            Some(Err(_)) => {
                // Parsed again with its neighbours at their line numbers, for the located error.
                let previous = match i {
                    0 => chunk.before.as_str(),
                    i => raw(i - 1),
                };
                let next = if i + 1 < chunk.lines.len() {
                    raw(i + 1)
                } else {
                    chunk.after.as_str()
                };
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

/// Write the chunks in order as they come, giving a token back for each; the exit code,
/// or the error writing standard output.
fn write(
    done: Receiver<Done>,
    give_token: &SyncSender<()>,
    progress: Option<&Progress>,
) -> Result<u8, Vec<cspr::Problem>> {
    let mut out = output::Stdout::open();
    let mut waiting: BTreeMap<usize, Done> = BTreeMap::new();
    let mut next = 0;
    let mut code = 0;
    let tell = |problems: &[cspr::Problem]| match progress {
        Some(p) => p.suspend(|| report(problems)),
        None => report(problems),
    };
    let failed = |e: std::io::Error| output::stdout_failed(&e);
    for d in done {
        waiting.insert(d.seq(), d);
        while let Some(d) = waiting.remove(&next) {
            next += 1;
            match d {
                Done::Chunk {
                    text, items, read, ..
                } => {
                    for item in items {
                        match item {
                            Item::Json(range) => writeln!(out, "{}", &text[range]),
                            Item::Problems(line, problems, c) => {
                                code = code.max(c);
                                out.flush().map_err(failed)?;
                                tell(&problems);
                                writeln!(out, "{}", cases::error_record(line, &problems))
                            }
                        }
                        .map_err(failed)?;
                        if let Some(p) = progress {
                            p.case_done(read);
                        }
                    }
                    let _ = give_token.send(());
                }
                Done::Unreadable(_, problem) => {
                    out.finish()?;
                    tell(&[problem]);
                    return Ok(BAD_INPUT);
                }
            }
        }
    }
    out.finish()?;
    Ok(code)
}
