//! The timeline chart of the HTML report: an inline SVG Gantt chart of a case's
//! deadlines on a date axis.
//!
//! - one row per deadline with a due date; its bar runs from the date the deadline counts
//!   from (where the case gives it) to the due date (to the hour, for deadlines in hours),
//!   coloured by status, with the status written after it (so it reads in greyscale too);
//! - a diamond where the case records the step was done;
//! - weekends and bank holidays shaded (a bank holiday's name in its tooltip), from the
//!   procedure's calendar;
//! - the as-of day marked by a red line;
//! - where three or more deadlines count from one day (the start of a Rapid Review), the
//!   working days after it are numbered as `step day N` counts them (day 1 the first
//!   working day after the start), so a process map's "day 1 … day 15" can be read off
//!   the chart;
//! - deadlines far apart are drawn as separate charts: a new chart starts where the next
//!   due date is more than [`GAP_DAYS`] after the last one, so the fifteen days of a
//!   Rapid Review are not squeezed beside a publication date months later. A bar that
//!   starts before its chart's first day begins at the edge with an arrow.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, Timelike, Weekday};

use super::html::escape;
use super::model::{DutyRow, Report};
use crate::eval::deadline::{Moment, Status};
use crate::time::Calendar;

/// Due dates further apart than this go on separate charts.
pub const GAP_DAYS: i64 = 31;
/// How far before its first due date a chart reaches back for bar starts.
const LOOK_BACK: i64 = 14;
/// The fewest days a chart shows, so a lone deadline is not one enormous day.
const MIN_DAYS: i64 = 14;

const LABEL_W: f64 = 250.0;
const PLOT_W: f64 = 640.0;
const STATUS_W: f64 = 110.0;
const ROW_H: f64 = 22.0;
const HEAD_H: f64 = 34.0;

/// One chart: a window of days and the rows in it.
struct Window<'r, 'a> {
    rows: Vec<&'r DutyRow<'a>>,
    first: NaiveDate,
    last: NaiveDate,
}

/// A status's colour and the word written after its bar.
pub fn status_style(status: &Status) -> (&'static str, &'static str) {
    match status {
        Status::Met => ("#2e7d32", "met"),
        Status::OnTheDay => ("#2e7d32", "on the day"),
        Status::Late { .. } => ("#e07b00", "late"),
        Status::TooEarly { .. } => ("#c62828", "too early"),
        Status::NotYetOpen { .. } => ("#1f5fbf", "not open yet"),
        Status::MetLate { .. } => ("#e07b00", "met late"),
        Status::Pending { .. } => ("#1f5fbf", "pending"),
        Status::DueToday => ("#7b3fb0", "due today"),
        Status::Overdue { .. } => ("#c62828", "overdue"),
        Status::Running { .. } => ("#00838f", "running"),
        Status::Completed => ("#5b8c2a", "completed"),
        Status::Waiting { .. } => ("#98a2b3", "waiting"),
        Status::NoDeadline | Status::NotApplicable => ("#98a2b3", ""),
    }
}

/// The charts of a report's timeline, as inline SVG; empty when no deadline has a date.
pub fn charts(report: &Report<'_>) -> String {
    let calendar = crate::eval::deadline::calendar_of(report.program)
        .ok()
        .flatten();
    let mut windows: Vec<Window<'_, '_>> = Vec::new();
    for row in report.timeline_duties() {
        let Some(due) = row.deadline.due else {
            continue;
        };
        let day = due.date();
        match windows.last_mut() {
            Some(w) if (day - w.last).num_days() <= GAP_DAYS => {
                w.last = w.last.max(day);
                w.rows.push(row);
            }
            _ => windows.push(Window {
                rows: vec![row],
                first: day,
                last: day,
            }),
        }
    }
    let mut out = String::new();
    for w in &windows {
        chart(report, calendar, w, &mut out);
    }
    out
}

/// A chart's days and where each falls on the plot.
struct Scale {
    start: NaiveDate,
    end: NaiveDate,
    days: i64,
    day_w: f64,
}

impl Scale {
    /// The left edge of a day's column.
    fn x_of_day(&self, d: NaiveDate) -> f64 {
        LABEL_W + (d - self.start).num_days() as f64 * self.day_w
    }

    /// A moment's place: a date at its day's left edge, a time within its day.
    fn x_of(&self, m: Moment) -> f64 {
        match m {
            Moment::Date(d) => self.x_of_day(d),
            Moment::DateTime(t) => {
                self.x_of_day(t.date())
                    + self.day_w * (f64::from(t.hour()) + f64::from(t.minute()) / 60.0) / 24.0
            }
        }
    }

    /// Where a due moment ends: a due date runs to the end of its day.
    fn x_end(&self, m: Moment) -> f64 {
        match m {
            Moment::Date(d) => self.x_of_day(d) + self.day_w,
            Moment::DateTime(_) => self.x_of(m),
        }
    }
}

fn days_after(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_signed(chrono::Duration::days(n)).unwrap_or(d)
}

/// The days a chart shows: its due dates, the starts and done dates near them and the
/// as-of day when near, a day either side, at least [`MIN_DAYS`].
fn scale(report: &Report<'_>, w: &Window<'_, '_>) -> Scale {
    let earliest = days_after(w.first, -LOOK_BACK);
    let mut start = w
        .rows
        .iter()
        .filter_map(|r| r.starts.map(Moment::date))
        .filter(|d| *d >= earliest)
        .min()
        .unwrap_or(w.first)
        .min(w.first);
    let mut end = w.last;
    for r in &w.rows {
        if let Some(done) = r.done.map(Moment::date)
            && done <= report.as_of
            && done > end
            && (done - w.last).num_days() <= LOOK_BACK
        {
            end = done;
        }
    }
    let as_of = report.as_of;
    if as_of >= earliest && as_of < start {
        start = as_of;
    }
    if as_of > end && (as_of - w.last).num_days() <= LOOK_BACK {
        end = as_of;
    }
    let start = start.pred_opt().unwrap_or(start);
    let mut end = end.succ_opt().unwrap_or(end);
    if (end - start).num_days() + 1 < MIN_DAYS {
        end = days_after(start, MIN_DAYS - 1);
    }
    let days = (end - start).num_days() + 1;
    Scale {
        start,
        end,
        days,
        day_w: PLOT_W / days as f64,
    }
}

fn chart(report: &Report<'_>, calendar: Option<&Calendar>, w: &Window<'_, '_>, out: &mut String) {
    let sc = scale(report, w);
    let (start, end, day_w) = (sc.start, sc.end, sc.day_w);
    let as_of = report.as_of;
    // Where several deadlines count from one start (a Rapid Review's notification),
    // number the working days after it, as a timeline's `step day N` reads them: day 1
    // is the first working day after the start.
    let day_one = common_start(w).filter(|d| *d >= start && *d <= end && day_w >= 11.0);
    let head = if day_one.is_some() {
        HEAD_H + 12.0
    } else {
        HEAD_H
    };
    let width = LABEL_W + PLOT_W + STATUS_W;
    let height = head + w.rows.len() as f64 * ROW_H + 8.0;
    let plot_bottom = height - 4.0;
    let where_as_of = if as_of < start {
        "<span class=\"as-of-note\"> (the as-of day is before this period)</span>"
    } else if as_of > end {
        "<span class=\"as-of-note\"> (the as-of day is after this period)</span>"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<figure class=\"chart\"><figcaption>{} – {}{where_as_of}</figcaption>",
        long_date(start.succ_opt().unwrap_or(start)),
        long_date(end.pred_opt().unwrap_or(end))
    );
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-label=\"deadlines from {start} to {end}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">"
    );
    day_axis(&sc, calendar, day_one, plot_bottom, out);
    // Row grid lines and bars.
    for (k, row) in w.rows.iter().enumerate() {
        let name = report.duty_name(row);
        duty_row(&sc, head + k as f64 * ROW_H, (row, name), as_of, out);
    }
    if as_of >= start && as_of <= end {
        let x = sc.x_of_day(as_of) + day_w / 2.0;
        let _ = writeln!(
            out,
            "<line class=\"as-of\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.0}\" y2=\"{plot_bottom:.1}\" stroke=\"#d92d20\" stroke-width=\"2\"><title>as of {as_of}</title></line>",
            HEAD_H - 12.0
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{LABEL_W}\" x2=\"{LABEL_W}\" y1=\"{:.0}\" y2=\"{plot_bottom:.1}\" stroke=\"#98a2b3\"/>",
        HEAD_H - 12.0
    );
    out.push_str("</svg></figure>\n");
}

/// The day columns: weekends and bank holidays shaded, months and days labelled, and the
/// working days after a common start numbered.
fn day_axis(
    sc: &Scale,
    calendar: Option<&Calendar>,
    day_one: Option<NaiveDate>,
    plot_bottom: f64,
    out: &mut String,
) {
    let (start, end, days, day_w) = (sc.start, sc.end, sc.days, sc.day_w);
    // Day shading and axis labels.
    let label_every = if days <= 31 {
        1
    } else if days <= 62 {
        2
    } else {
        7
    };
    let mut d = start;
    let mut i = 0;
    let mut working_day = 0;
    while d <= end {
        let x = sc.x_of_day(d);
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let holiday = calendar.and_then(|c| c.holiday(d).ok().flatten());
        if let Some(h) = &holiday {
            let _ = writeln!(
                out,
                "<rect class=\"holiday\" x=\"{x:.2}\" y=\"{:.0}\" width=\"{day_w:.2}\" height=\"{:.1}\" fill=\"#fbe3c4\"><title>{} (bank holiday)</title></rect>",
                HEAD_H - 12.0,
                plot_bottom - HEAD_H + 12.0,
                escape(&h.title)
            );
        } else if weekend {
            let _ = writeln!(
                out,
                "<rect class=\"weekend\" x=\"{x:.2}\" y=\"{:.0}\" width=\"{day_w:.2}\" height=\"{:.1}\" fill=\"#eceff3\"/>",
                HEAD_H - 12.0,
                plot_bottom - HEAD_H + 12.0
            );
        }
        // The month at the left edge, unless a new month begins within the week.
        let next_month_soon = (1..7).any(|k| days_after(d, k).day() == 1);
        if d.day() == 1 || (d == start && !next_month_soon) {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"10\" font-weight=\"bold\">{}</text>",
                x + 1.0,
                d.format("%b %Y")
            );
        }
        if i % label_every == 0
            && (label_every == 1 || d.weekday() == Weekday::Mon || label_every == 2)
        {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\" font-size=\"9\" fill=\"#475467\">{}</text>",
                x + day_w / 2.0,
                HEAD_H - 15.0,
                d.day()
            );
        }
        if let Some(one) = day_one
            && d > one
            && calendar.is_some_and(|c| c.is_working_day(d).unwrap_or(false))
        {
            working_day += 1;
            let _ = writeln!(
                out,
                "<text class=\"working-day\" x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\" font-size=\"9\" fill=\"#00838f\">{working_day}</text>",
                x + day_w / 2.0,
                HEAD_H - 3.0
            );
        }
        d = match d.succ_opt() {
            Some(n) => n,
            None => break,
        };
        i += 1;
    }
    if let Some(one) = day_one {
        let _ = writeln!(
            out,
            "<text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\" font-size=\"9\" fill=\"#00838f\">working days after {}</text>",
            LABEL_W - 6.0,
            HEAD_H - 3.0,
            one.format("%-d %b")
        );
    }
}

/// One deadline's row at height `y`: its grid line, label (what people read for the duty;
/// its code name is the bar's hover text), bar, done mark and status.
fn duty_row(
    sc: &Scale,
    y: f64,
    (row, name): (&DutyRow<'_>, &str),
    as_of: NaiveDate,
    out: &mut String,
) {
    let (start, end, day_w) = (sc.start, sc.end, sc.day_w);
    let width = LABEL_W + PLOT_W + STATUS_W;
    let _ = writeln!(
        out,
        "<line x1=\"0\" x2=\"{width:.0}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#e4e7ec\"/>",
        y + ROW_H,
        y + ROW_H
    );
    let Some(due) = row.deadline.due else {
        return;
    };
    let (colour, word) = status_style(&row.deadline.status);
    let may = row.applies.is_none();
    let label = if may {
        format!("{name} (may apply)")
    } else {
        name.to_string()
    };
    let _ = writeln!(
        out,
        "<text x=\"4\" y=\"{:.1}\">{}</text>",
        y + 15.0,
        escape(&label)
    );
    let x_due = sc.x_end(due);
    // A deadline before an event (`at least 7 days before publication`) counts back
    // from a later date: its bar is just its last day.
    let (x_start, clipped) = match row.starts.filter(|s| s.date() <= due.date()) {
        Some(s) if s.date() >= start => (sc.x_of(s), false),
        Some(_) => (LABEL_W, true),
        None => (x_due - day_w.max(4.0), false),
    };
    let bar_w = (x_due - x_start).max(3.0);
    let opacity = if may { "0.45" } else { "0.9" };
    let _ = writeln!(
        out,
        "<rect class=\"bar {}\" x=\"{x_start:.2}\" y=\"{:.1}\" width=\"{bar_w:.2}\" height=\"{:.1}\" rx=\"2\" fill=\"{colour}\" fill-opacity=\"{opacity}\"><title>{}: {} ({})</title></rect>",
        row.deadline.status.name(),
        y + 5.0,
        ROW_H - 10.0,
        escape(row.name),
        escape(
            &row.deadline
                .due_sentence(super::counted::Detail::Full)
                .unwrap_or_else(|| format!("due {due}"))
        ),
        escape(&row.deadline.describe())
    );
    if clipped {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#ffffff\" font-size=\"9\">◀</text>",
            LABEL_W + 1.0,
            y + 14.5
        );
    }
    // A step done after the as-of day was not done yet as of that day.
    if let Some(done) = row
        .done
        .filter(|d| d.date() >= start && d.date() <= end && d.date() <= as_of)
    {
        let cx = match done {
            Moment::Date(d) => sc.x_of_day(d) + day_w / 2.0,
            Moment::DateTime(_) => sc.x_of(done),
        };
        let cy = y + ROW_H / 2.0;
        let _ = writeln!(
            out,
            "<path d=\"M{cx:.1},{:.1} l4,4 l-4,4 l-4,-4 z\" fill=\"#101828\"><title>done {done}</title></path>",
            cy - 4.0
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.0}\" y=\"{:.1}\" fill=\"{colour}\" font-weight=\"bold\">{word}</text>",
        LABEL_W + PLOT_W + 8.0,
        y + 15.0
    );
}

/// The start day most of a chart's deadlines count from, if three or more do (the
/// earliest, on a tie).
fn common_start(w: &Window<'_, '_>) -> Option<NaiveDate> {
    let mut days: Vec<NaiveDate> = w
        .rows
        .iter()
        .filter_map(|r| r.starts.map(Moment::date))
        .collect();
    days.sort();
    let mut best: Option<&[NaiveDate]> = None;
    for run in days.chunk_by(|a, b| a == b) {
        if run.len() >= 3 && best.is_none_or(|b| run.len() > b.len()) {
            best = Some(run);
        }
    }
    best.map(|run| run[0])
}

/// `Thursday 28 March 2024`.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}
