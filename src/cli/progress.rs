//! A progress bar on stderr for long work: a batch of cases (`cspr eval … FILE.jsonl`)
//! and a semantic diff (`cspr diff`).
//!
//! - Drawn only when stderr is a terminal (never when it is piped or redirected, so what
//!   scripts and golden tests read is unchanged), not with `TERM=dumb`, not with
//!   `--no-progress`.
//! - Drawn only once the work has lasted [`DELAY`]: quick work shows nothing.
//! - Counts and rates only: never a case's facts, id or line.
//! - Cheap: callers count in a plain integer; the clock is read every [`EVERY`] units
//!   and the bar touched at most every [`REFRESH`].
//!
//! The drawing, terminal width and rate limiting are `indicatif`'s.

use std::cell::Cell;
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Work that ends sooner shows nothing.
pub const DELAY: Duration = Duration::from_secs(1);
/// Least time between two updates of the bar.
pub const REFRESH: Duration = Duration::from_millis(100);
/// Units of work between two looks at the clock.
pub const EVERY: u64 = 64;

/// `--no-progress`, shared by the commands that show progress.
#[derive(clap::Args)]
pub struct Flag {
    /// Hide the progress bar (drawn on stderr when it is a terminal and the work lasts over a second; counts and rates only)
    #[arg(long)]
    no_progress: bool,
}

impl Flag {
    /// Whether progress may be drawn: asked for (not `--no-progress`) and stderr a
    /// terminal that can redraw a line.
    pub fn wanted(&self) -> bool {
        !self.no_progress
            && std::io::stderr().is_terminal()
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
    }
}

/// What the bar counts.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Cases of a batch; the bar's length and position are bytes of the file when its
    /// size is known, else a spinner.
    Cases { bytes: Option<u64> },
    /// Targets of a semantic diff (outcomes, duty applicabilities, due dates); the
    /// partial assignments its search explores are counted beside the bar.
    Targets,
}

/// A progress bar, hidden until the work has lasted [`DELAY`], cleared when dropped.
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    last: Cell<Instant>,
    shown: Cell<bool>,
    /// Units done (cases, or targets) and assignments explored (diff), counted here.
    done: Cell<u64>,
    explored: Cell<u64>,
    /// The same counts as the bar last drew them (its `{counts}`).
    drawn: Arc<Counts>,
}

/// The counts the bar's `{counts}` key reads.
#[derive(Default)]
struct Counts {
    done: AtomicU64,
    explored: AtomicU64,
}

impl Progress {
    /// A bar for `kind`, or `None` when progress is not to be drawn.
    pub fn new(flag: &Flag, kind: Kind) -> Option<Progress> {
        if !flag.wanted() {
            return None;
        }
        Some(Progress::hidden(kind))
    }

    /// A bar that draws nowhere until shown.
    pub fn hidden(kind: Kind) -> Progress {
        let (len, template) = match kind {
            Kind::Cases { bytes: Some(n) } => (
                Some(n),
                "{spinner} {counts}  {percent:>3}% [{wide_bar}] eta {eta}",
            ),
            Kind::Cases { bytes: None } => (None, "{spinner} {counts}"),
            Kind::Targets => (
                None,
                "{spinner} {pos}/{len} compared, {counts} [{wide_bar}]",
            ),
        };
        let drawn = Arc::new(Counts::default());
        let read = Arc::clone(&drawn);
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .with_key(
                "counts",
                move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let done = read.done.load(Ordering::Relaxed);
                    let explored = read.explored.load(Ordering::Relaxed);
                    let _ = w.write_str(&counts(kind, done, explored, state.elapsed()));
                },
            )
            .progress_chars("=> ");
        let bar =
            ProgressBar::with_draw_target(len, ProgressDrawTarget::hidden()).with_style(style);
        let now = Instant::now();
        Progress {
            bar,
            start: now,
            last: Cell::new(now),
            shown: Cell::new(false),
            done: Cell::new(0),
            explored: Cell::new(0),
            drawn,
        }
    }

    /// One case of a batch done, `read` bytes of its input read so far.
    #[inline]
    pub fn case_done(&self, read: u64) {
        let done = self.done.get() + 1;
        self.done.set(done);
        if done.is_multiple_of(EVERY) {
            self.refresh(read);
        }
    }

    /// Update the bar (one draw), at most every [`REFRESH`], and show it once [`DELAY`]
    /// has passed.
    fn refresh(&self, position: u64) {
        let now = Instant::now();
        if now.duration_since(self.last.get()) < REFRESH {
            return;
        }
        self.last.set(now);
        if !self.shown.get() && now.duration_since(self.start) < DELAY {
            return;
        }
        self.drawn.done.store(self.done.get(), Ordering::Relaxed);
        self.drawn
            .explored
            .store(self.explored.get(), Ordering::Relaxed);
        if self.shown.get() {
            // Either draws once.
            if position == self.bar.position() {
                self.bar.tick();
            } else {
                self.bar.set_position(position);
            }
        } else {
            self.shown.set(true);
            self.bar.set_position(position);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Run `f` (which writes to stderr) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl cspr::diff::Progress for Progress {
    fn targets(&self, total: u64) {
        self.bar.set_length(total);
    }

    fn target_done(&self) {
        self.done.set(self.done.get() + 1);
        self.refresh(self.done.get());
    }

    fn explored(&self, n: u64) {
        self.explored.set(self.explored.get() + n);
        self.refresh(self.done.get());
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown.get() {
            self.bar.finish_and_clear();
        }
    }
}

/// What the bar says of the work: counts and rates, nothing of a case.
fn counts(kind: Kind, done: u64, explored: u64, elapsed: Duration) -> String {
    match kind {
        Kind::Cases { .. } => {
            let rate = done as f64 / elapsed.as_secs_f64().max(1e-3);
            format!(
                "{} cases, {} cases/s",
                thousands(done),
                thousands(rate as u64)
            )
        }
        Kind::Targets => format!("{} assignments searched", thousands(explored)),
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn quick_work_is_never_shown_and_the_message_holds_only_counts() {
        let p_kind = || Kind::Cases { bytes: Some(1000) };
        let p = Progress::hidden(p_kind());
        for i in 0..10 * EVERY {
            p.case_done(i);
        }
        assert!(!p.shown.get(), "drawn before {DELAY:?}");
        let m = counts(p_kind(), p.done.get(), 0, Duration::from_millis(500));
        assert_eq!(m, "640 cases, 1,280 cases/s");
        assert!(
            m.chars()
                .all(|c| c.is_ascii_digit() || " ,/cases".contains(c)),
            "{m}"
        );
    }
}
