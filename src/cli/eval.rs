//! `cspr eval`: outcomes, duties and missing facts of a case under a procedure.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cspr::case::Format;
use cspr::eval::Engine;

use super::output::stdout_failed;
use super::progress::{self, Progress};
use super::{BAD_INPUT, FAILED, cases, report};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Evaluate a case: every outcome, the duties that apply, and what is still unknown
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr eval working_together_2018 policies/examples/death-in-area.json\n  cspr eval policies/working-together-2018.policy case.toml --format json\n  cspr eval working_together_2018 policies/examples/batch.jsonl      (one JSON result per line)\n  cspr eval working_together_2018 policies/examples/death-in-area.json --names   (code names, not labels)\n  cspr eval working_together_2018 - < cases.jsonl                    (a batch from standard input)\n  cspr eval working_together_2018 cases.jsonl > results.jsonl        (a progress bar on a terminal; --no-progress to hide it)\n  cspr eval working_together_2018 cases.jsonl --jobs 1               (one core; by default a batch uses every core)\n  cspr eval lincolnshire case.json --guidance auto                   (on the edition in force on the case's date)\n  cspr eval lincolnshire case.json --strict                          (refuse facts only other procedures declare)\n\nA case is a JSON or TOML object of fact names and values; a key left out is unknown. In a batch, a bad line (not JSON, not UTF-8, or over 64 MiB) is an error record {\"line\":N,\"errors\":[…]} in its place and the other lines are still evaluated. A key that\nanother procedure declares is listed once on stderr (and as \"not_used\" in JSON) and ignored.\nWhen the case's date (la_aware_on, else referral_received_on) falls under another edition of the\nguidance than the one evaluated, a note says which was in force (JSON: the `edition` field)."
)]
pub struct Eval {
    /// A .policy file, or a procedure id found in policies/ or CSPR_PATH
    procedure: String,
    /// A case file: .json, .toml, or .jsonl (a batch, one case per line, read as it streams; `-` for standard input)
    case: PathBuf,
    #[command(flatten)]
    guidance: super::Guidance,
    #[command(flatten)]
    as_of: super::AsOf,
    /// Output format [default: text, or json for a .jsonl batch]
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    // A batch shows a progress bar (cases done, cases/s) on stderr when stderr is a
    // terminal and the results go to a file or a pipe.
    #[command(flatten)]
    progress: progress::Flag,
    /// Evaluate a JSON Lines batch on N cores, results in input order [default: every core]
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,
    /// Refuse a case key this procedure does not declare, even one another procedure does
    /// (by default such keys are listed once on stderr and ignored)
    #[arg(long)]
    strict: bool,
    /// Show code names (`notify_national_panel`, `local_authority`) where the output shows
    /// labels and actors' titles
    #[arg(long)]
    names: bool,
}

impl Eval {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let (program, _warnings) = self.guidance.load_for(&self.procedure, &self.case)?;
        let engine = Engine::new(&program);
        let mut emit = Emit {
            program: &program,
            engine,
            writer: cspr::report::JsonWriter::new(&program),
            as_of: self.as_of.day(),
            out: super::output::Stdout::open(),
            output: OutputFormat::Json,
            code: 0,
            first: true,
            line_buf: String::new(),
            progress: None,
            names: self.names,
            editions: self.guidance.editions(&program),
            not_used: Vec::new(),
        };
        if cases::is_stream(&self.case) {
            // A batch is read, evaluated and written a line at a time.
            let mut stream = cases::Stream::open(&self.case).map_err(|p| vec![p])?;
            emit.output = self.format.unwrap_or(OutputFormat::Json);
            // Results written to the terminal are their own progress; a bar between
            // them would tear the lines.
            if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                let bytes = cases::Stream::size(&self.case);
                emit.progress = Progress::new(&self.progress, progress::Kind::Cases { bytes });
            }
            let jobs = self.jobs.map_or_else(
                || std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
                usize::from,
            );
            if jobs > 1 && emit.output == OutputFormat::Json {
                return super::parallel::run(
                    &program,
                    &emit.engine,
                    stream,
                    emit.as_of,
                    jobs,
                    emit.progress.as_ref(),
                    &emit.editions,
                );
            }
            while let Some(next) = stream.next_case(&program) {
                match next {
                    Ok((line, parsed)) => {
                        emit.one(Some(line), parsed)
                            .map_err(|e| stdout_failed(&e))?;
                        if let Some(p) = &emit.progress {
                            p.case_done(stream.bytes_read());
                        }
                    }
                    Err(problem) => {
                        emit.out.flush().map_err(|e| stdout_failed(&e))?;
                        emit.report(&[problem]);
                        return Ok(BAD_INPUT);
                    }
                }
            }
        } else {
            let ((_, format, cases), not_used) =
                cases::read_among(&program, &self.case, self.strict).map_err(|p| vec![p])?;
            emit.not_used = not_used;
            emit.output = self.format.unwrap_or(if format == Format::JsonLines {
                OutputFormat::Json
            } else {
                OutputFormat::Text
            });
            for (line, parsed) in cases {
                emit.one(line, parsed).map_err(|e| stdout_failed(&e))?;
            }
        }
        let code = emit.code;
        emit.out.finish()?;
        Ok(code)
    }
}

/// Evaluates cases and writes their results, one at a time.
struct Emit<'p, W: Write> {
    program: &'p cspr::check::Program,
    engine: Engine<'p>,
    writer: cspr::report::JsonWriter,
    as_of: chrono::NaiveDate,
    out: W,
    output: OutputFormat,
    code: u8,
    first: bool,
    line_buf: String,
    /// The batch's progress bar, when one may be drawn.
    progress: Option<Progress>,
    /// `--names`: code names in the text, not labels.
    names: bool,
    /// Which edition was in force on each case's date.
    editions: super::edition::Editions,
    /// The keys of a single case that only other procedures declare (a JSON field).
    not_used: Vec<cspr::case::NotUsed>,
}

impl<W: Write> Emit<'_, W> {
    /// Report problems on stderr, with the progress bar out of the way.
    fn report(&self, problems: &[cspr::Problem]) {
        match &self.progress {
            Some(p) => p.suspend(|| report(problems)),
            None => report(problems),
        }
    }

    /// Evaluate and write one case (`line` is its line in a batch); `Err` when the
    /// output cannot be written.
    fn one(&mut self, line: Option<usize>, parsed: cspr::case::Parsed) -> std::io::Result<()> {
        let program = self.program;
        let finding = parsed.as_ref().ok().and_then(|c| self.editions.finding(c));
        let result = match parsed {
            Ok(case) => self.engine.evaluate_case(case).map_err(|e| {
                self.code = self.code.max(FAILED);
                vec![e.problem().clone()]
            }),
            Err(problems) => {
                self.code = BAD_INPUT;
                Err(problems)
            }
        };
        let written = match (result, self.output) {
            (Ok(eval), OutputFormat::Json) => {
                self.line_buf.clear();
                self.writer
                    .write(program, &eval, self.as_of, &mut self.line_buf);
                super::edition::Editions::json(finding, &mut self.line_buf);
                cspr::case::push_not_used(&mut self.line_buf, &self.not_used);
                writeln!(self.out, "{}", self.line_buf)
            }
            (Ok(eval), OutputFormat::Text) => {
                let sep = if self.first { "" } else { "\n" };
                write!(
                    self.out,
                    "{sep}{}",
                    super::edition::Editions::text(
                        finding,
                        &cspr::report::report_text(
                            &cspr::report::model::Report::new(program, &eval, self.as_of)
                                .with_names(self.names)
                        )
                    )
                )
            }
            (Err(problems), fmt) => {
                self.out.flush()?;
                self.report(&problems);
                if let (OutputFormat::Json, Some(line)) = (fmt, line) {
                    writeln!(self.out, "{}", cases::error_record(line, &problems))
                } else {
                    Ok(())
                }
            }
        };
        self.first = false;
        written
    }
}
