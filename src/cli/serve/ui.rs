//! The browser interview: the pages of [`cspr::report::interview_page`], served.
//!
//! Each handler reads the form posted (the case travels in it as JSON text, in the body,
//! never in the address), rebuilds the case under the procedure it names, evaluates it
//! with the procedure's engine, and renders the page; nothing is kept between requests
//! and nothing is written. Downloads (the case as JSON or TOML, the decision report, the
//! deadlines as iCalendar) are the CLI's own renderers' output, as attachments. The
//! stylesheets and the one optional script are embedded in the binary and served from
//! `/ui/`, so the pages need nothing inline and nothing from another site.

use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use cspr::case::{self, Format};
use cspr::check::{FactId, Program};
use cspr::eval::{Case, Evaluation};
use cspr::repl::{Changes, save};
use cspr::report::compare::{Column, Comparison};
use cspr::report::interview_page::{self as page, Carried, Choice, Interview, field, path};
use cspr::report::{Report, html, timeline};
use cspr::{Problem, Source};

use super::{Procedure, Shared};

const STYLE: &str = include_str!("ui/interview.css");
const SCRIPT: &str = include_str!("ui/interview.js");
const REPORT_STYLE: &str = include_str!("../../report/report.css");

/// The pages' routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(path::HOME, get(home))
        // A page reloaded or bookmarked by address has no case to show: back to the start.
        .route(
            path::INTERVIEW,
            post(interview).get(|| async { Redirect::to(path::HOME) }),
        )
        .route(path::UPLOAD, post(upload))
        .route(path::COMPARE, post(compare))
        .route(path::CASE_JSON, post(case_json))
        .route(path::CASE_TOML, post(case_toml))
        .route(path::REPORT, post(report))
        .route(path::ICS, post(ics))
        .route(path::STYLE, get(|| async { asset(STYLE, "text/css") }))
        .route(
            path::REPORT_STYLE,
            get(|| async { asset(REPORT_STYLE, "text/css") }),
        )
        .route(
            path::SCRIPT,
            get(|| async { asset(SCRIPT, "text/javascript") }),
        )
}

/// An embedded file: the same for every visitor, so it may be cached.
fn asset(text: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        text,
    )
        .into_response()
}

fn choices(state: &super::State) -> Vec<Choice<'_>> {
    state
        .procedures
        .iter()
        .map(|p| Choice {
            id: &p.id,
            title: &p.title,
            version: p.version,
        })
        .collect()
}

/// The home page, with what was wrong (and a 4xx status) when something was.
fn home_page(state: &super::State, problems: &[Problem], status: StatusCode) -> Response {
    (status, Html(page::home(&choices(state), problems))).into_response()
}

/// `GET /`: choose a procedure, or open a case file.
async fn home(State(state): State<Shared>) -> Response {
    home_page(&state, &[], StatusCode::OK)
}

fn input(message: impl Into<String>, help: &str) -> Problem {
    Problem::error("cspr::input", message).help(help)
}

/// The fields of a form, in the order sent (a set's members come as several `value`s).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A form as fields, or the home page saying what was wrong with it.
fn fields(
    state: &super::State,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Fields, Response> {
    form.map(|Form(f)| Fields(f)).map_err(|e| {
        home_page(
            state,
            &[input(
                format!("the form could not be read: {}", e.body_text()),
                "start again from this page",
            )],
            e.status(),
        )
    })
}

/// The day from the form's `as_of`, or today.
fn as_of(fields: &Fields) -> Result<NaiveDate, Problem> {
    match fields.get(field::AS_OF).filter(|d| !d.is_empty()) {
        None => Ok(chrono::Local::now().date_naive()),
        Some(text) => case::parse_date(text).ok_or_else(|| {
            input(
                format!("`{text}` is not a date to judge deadlines on"),
                "write the day as YYYY-MM-DD",
            )
        }),
    }
}

/// What a request posted about a case: the procedure, the case, the facts skipped and the
/// day, read back from the page's hidden fields.
struct Posted<'s> {
    procedure: &'s Procedure,
    case: Case,
    skipped: Vec<FactId>,
    as_of: NaiveDate,
}

/// Rebuild the case a page carried, or the home page saying what was wrong.
fn posted<'s>(
    state: &'s super::State,
    fields: &Fields,
    fresh: bool,
) -> Result<Posted<'s>, Response> {
    let bad =
        |problems: Vec<Problem>| home_page(state, &problems, StatusCode::UNPROCESSABLE_ENTITY);
    let id = fields.get(field::PROCEDURE).unwrap_or("");
    let Some(procedure) = state.get(id) else {
        return Err(bad(vec![input(
            format!("no procedure `{id}` is served here"),
            "choose one of the procedures on this page",
        )]));
    };
    let program = procedure.program();
    let as_of = as_of(fields).map_err(|p| bad(vec![p]))?;
    let case = match fields.get(field::CASE) {
        Some(text) if !fresh && !text.trim().is_empty() => case::parse(
            program,
            &Source::new("the case in the page", text),
            Format::Json,
        )
        .map_err(bad)?,
        _ => Case::empty(program),
    };
    let skipped = page::skipped_facts(program, fields.get(field::SKIPPED).unwrap_or(""));
    Ok(Posted {
        procedure,
        case,
        skipped,
        as_of,
    })
}

fn evaluate(procedure: &Procedure, case: &Case) -> Result<Evaluation, Vec<Problem>> {
    procedure
        .shared
        .engine()
        .evaluate(case)
        .map_err(|e| vec![e.problem().clone()])
}

/// `POST /interview`: start, answer, skip, take an answer back, explain, try a what-if,
/// or judge on another day; then the page.
async fn interview(
    State(state): State<Shared>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = match fields(&state, form) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let what = fields.get(field::DO).unwrap_or("show");
    let mut posted = match posted(&state, &fields, what == "start") {
        Ok(p) => p,
        Err(r) => return r,
    };
    let procedure = posted.procedure;
    let program = procedure.program();
    let before = match evaluate(procedure, &posted.case) {
        Ok(e) => e,
        Err(ps) => return home_page(&state, &ps, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let mut problems = Vec::new();
    let mut said = None;
    let mut why = None;
    let mut trial = None;
    if let Some(name) = fields.get(field::SKIP) {
        if let Some(f) = program.fact_named(name) {
            posted.skipped.push(f);
        }
    } else {
        match what {
            "start" | "show" => {}
            "answer" => {
                let fact = fields.get(field::FACT).unwrap_or("");
                match page::answer(program, &mut posted.case, fact, &fields.all(field::VALUE)) {
                    Ok(s) => {
                        posted
                            .skipped
                            .retain(|f| Some(*f) != program.fact_named(fact));
                        said = Some(s);
                    }
                    Err(ps) => problems = ps,
                }
            }
            "unset" => {
                let fact = fields.get(field::FACT).unwrap_or("");
                match program.fact_named(fact) {
                    Some(f) => {
                        let _ = posted.case.set(program, f, None);
                        posted.skipped.retain(|s| *s != f);
                    }
                    None => problems.push(input(
                        format!("`{fact}` is not a fact of `{}`", procedure.id),
                        "choose an answer on the page to change",
                    )),
                }
            }
            "why" => {
                let name = fields.get(field::WHY).unwrap_or("");
                match program.lookup(name) {
                    Some(cspr::check::Name::Rule(_) | cspr::check::Name::Duty(_)) => {
                        why = Some(name.to_string());
                    }
                    _ => problems.push(input(
                        format!("`{name}` is not an outcome or duty of `{}`", procedure.id),
                        "press the why button beside an outcome or a duty",
                    )),
                }
            }
            "whatif" => {
                let mut case = posted.case.clone();
                let fact = fields.get(field::WHAT_FACT).unwrap_or("");
                let value = fields.get(field::WHAT_VALUE).unwrap_or("");
                match page::answer(program, &mut case, fact, &[value])
                    .and_then(|s| evaluate(procedure, &case).map(|e| (s, e)))
                {
                    Ok(t) => trial = Some(t),
                    Err(ps) => problems = ps,
                }
            }
            "asof" => {
                let text = fields.get(field::VALUE).unwrap_or("");
                match case::parse_date(text) {
                    Some(d) => posted.as_of = d,
                    None => problems.push(input(
                        format!("`{text}` is not a date to judge deadlines on"),
                        "choose a day",
                    )),
                }
            }
            other => problems.push(input(
                format!("`{other}` is not something the interview does"),
                "use the buttons on the page",
            )),
        }
    }
    let eval = match evaluate(procedure, &posted.case) {
        Ok(e) => e,
        Err(ps) => return home_page(&state, &ps, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let changes = said
        .as_ref()
        .map(|_| Changes::between(program, &before, &eval));
    let report = Report::new(program, &eval, posted.as_of);
    let explanation = why.as_deref().and_then(|n| page::explain(&report, n));
    let trial_changes = trial
        .as_ref()
        .map(|(_, after)| Changes::between(program, &eval, after));
    let trial_report = trial
        .as_ref()
        .map(|(_, after)| Report::new(program, after, posted.as_of));
    let note = procedure
        .editions
        .finding(&posted.case)
        .and_then(|f| f.note());
    let carried = carried(program, &posted);
    let choices = choices(&state);
    let page = page::interview(&Interview {
        choices: &choices,
        report: &report,
        carried: &carried,
        skipped: &posted.skipped,
        edition_note: note.as_deref(),
        changed: said.as_deref().zip(changes.as_ref()),
        why: explanation.as_ref(),
        what_if: match (&trial, &trial_changes, &trial_report) {
            (Some((s, _)), Some(c), Some(r)) => Some((s.as_str(), c, r)),
            _ => None,
        },
        problems: &problems,
    });
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, Html(page)).into_response()
}

/// The state a page carries, from what was posted.
fn carried<'a>(program: &'a Program, posted: &'a Posted<'_>) -> Carried<'a> {
    let mut skipped: Vec<&str> = posted
        .skipped
        .iter()
        .map(|f| program.facts[*f].name.as_str())
        .collect();
    skipped.dedup();
    Carried {
        procedure: &posted.procedure.id,
        case: save::to_json_text(program, &posted.case),
        skipped,
        as_of: posted.as_of,
    }
}

/// `POST /upload`: a case file (JSON or TOML) opened in the interview, or compared.
async fn upload(
    State(state): State<Shared>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let bad =
        |problems: Vec<Problem>| home_page(&state, &problems, StatusCode::UNPROCESSABLE_ENTITY);
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(e) => {
            return bad(vec![input(
                format!("the upload could not be read: {}", e.body_text()),
                "choose a case file and try again",
            )]);
        }
    };
    let (mut id, mut file, mut then) = (String::new(), None, String::new());
    loop {
        match multipart.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or("").to_string();
                let file_name = f.file_name().map(str::to_string);
                let bytes = match f.bytes().await {
                    Ok(b) => b,
                    Err(e) => {
                        return bad(vec![input(
                            format!("the upload could not be read: {}", e.body_text()),
                            "choose a case file and try again",
                        )]);
                    }
                };
                match name.as_str() {
                    field::PROCEDURE => id = String::from_utf8_lossy(&bytes).into_owned(),
                    field::THEN => then = String::from_utf8_lossy(&bytes).into_owned(),
                    field::FILE => file = Some((file_name.unwrap_or_default(), bytes)),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => {
                return bad(vec![input(
                    format!("the upload could not be read: {}", e.body_text()),
                    "choose a case file and try again",
                )]);
            }
        }
    }
    let Some(procedure) = state.get(&id) else {
        return bad(vec![input(
            format!("no procedure `{id}` is served here"),
            "choose one of the procedures on this page",
        )]);
    };
    let program = procedure.program();
    let Some((name, bytes)) = file.filter(|(n, b)| !n.is_empty() || !b.is_empty()) else {
        return bad(vec![input(
            "no case file was chosen",
            "choose a .json or .toml case file",
        )]);
    };
    let format = Format::from_name(&name);
    if format == Format::JsonLines {
        return bad(vec![input(
            format!("`{name}` is a batch (JSON Lines); the interview takes one case"),
            "choose a .json or .toml case file",
        )]);
    }
    let Ok(text) = String::from_utf8(bytes.to_vec()) else {
        return bad(vec![input(
            format!("`{name}` is not text (UTF-8)"),
            "choose a .json or .toml case file",
        )]);
    };
    let source = Source::new(
        if name.is_empty() {
            "the case file".to_string()
        } else {
            name
        },
        text,
    );
    let others: Vec<&Program> = state
        .procedures
        .iter()
        .map(Procedure::program)
        .filter(|p| p.key() != program.key())
        .collect();
    let (case, not_used) = match case::parse_among(program, &source, format, &others) {
        Ok(c) => c,
        Err(ps) => return bad(ps),
    };
    let posted = Posted {
        procedure,
        case,
        skipped: Vec::new(),
        as_of: chrono::Local::now().date_naive(),
    };
    if then == "compare" {
        return compare_page(&state, &posted);
    }
    let eval = match evaluate(procedure, &posted.case) {
        Ok(e) => e,
        Err(ps) => return bad(ps),
    };
    let report = Report::new(program, &eval, posted.as_of);
    let note = procedure
        .editions
        .finding(&posted.case)
        .and_then(|f| f.note());
    let carried = carried(program, &posted);
    let choices = choices(&state);
    // Keys only other procedures declare are passed over, as `cspr eval` does — and said.
    let notes: Vec<Problem> = super::super::cases::not_used_note(program, &not_used)
        .map(|p| p.help("the case also gives facts of other procedures; they are not used here"))
        .into_iter()
        .collect();
    Html(page::interview(&Interview {
        choices: &choices,
        report: &report,
        carried: &carried,
        skipped: &[],
        edition_note: note.as_deref(),
        changed: None,
        why: None,
        what_if: None,
        problems: &notes,
    }))
    .into_response()
}

/// `POST /compare`: the case under every procedure served.
async fn compare(
    State(state): State<Shared>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = match fields(&state, form) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match posted(&state, &fields, false) {
        Ok(p) => compare_page(&state, &p),
        Err(r) => r,
    }
}

/// One case under every procedure, as `cspr compare` lays it out: each procedure reads
/// the keys it declares, passing over those only others declare.
fn compare_page(state: &super::State, posted: &Posted<'_>) -> Response {
    let program = posted.procedure.program();
    let source = Source::new(
        "the case in the page",
        save::to_json_text(program, &posted.case),
    );
    let declared_anywhere = |key: &str| {
        state
            .procedures
            .iter()
            .any(|p| p.program().fact_named(key).is_some())
    };
    let mut columns = Vec::new();
    let mut notes = Vec::new();
    for p in &state.procedures {
        let other = p.program();
        let skip = |key: &str| other.fact_named(key).is_none() && declared_anywhere(key);
        let (case, ignored) = match case::parse_skipping(other, &source, Format::Json, &skip) {
            Ok(c) => c,
            Err(ps) => return home_page(state, &ps, StatusCode::UNPROCESSABLE_ENTITY),
        };
        let eval = match evaluate(p, &case) {
            Ok(e) => e,
            Err(ps) => {
                notes.push(format!(
                    "`{}` could not evaluate the case: {}",
                    p.id,
                    ps.first().map_or("", |p| p.message.as_str())
                ));
                continue;
            }
        };
        let edition = p.editions.finding(&case);
        columns.push(Column {
            program: other.clone(),
            eval,
            ignored,
            edition,
        });
    }
    let comparison = Comparison::new(columns, posted.as_of);
    if let Some(n) = cspr::edition::compare_note(
        &comparison
            .columns
            .iter()
            .map(|c| (c.program.entry().id.as_str(), c.edition))
            .collect::<Vec<_>>(),
    ) {
        notes.push(n);
    }
    let carried = carried(program, posted);
    Html(page::compare(&comparison, &carried, &notes)).into_response()
}

/// An attachment: the browser saves it under `name`.
fn attachment(body: String, kind: &'static str, name: &str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// The posted case, for a download.
fn download(
    state: &super::State,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(Fields, Posted<'_>), Response> {
    let fields = fields(state, form)?;
    let posted = posted(state, &fields, false)?;
    Ok((fields, posted))
}

/// `POST /download/case.json`.
async fn case_json(
    State(state): State<Shared>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    match download(&state, form) {
        Ok((_, p)) => attachment(
            save::to_json_text(p.procedure.program(), &p.case),
            "application/json",
            "case.json",
        ),
        Err(r) => r,
    }
}

/// `POST /download/case.toml`.
async fn case_toml(
    State(state): State<Shared>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    match download(&state, form) {
        Ok((_, p)) => attachment(
            save::to_toml_text(p.procedure.program(), &p.case),
            "application/toml",
            "case.toml",
        ),
        Err(r) => r,
    }
}

/// `POST /download/report.html`: `cspr report`'s page (`layout=full`: `--full`'s).
async fn report(
    State(state): State<Shared>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let (fields, p) = match download(&state, form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let eval = match evaluate(p.procedure, &p.case) {
        Ok(e) => e,
        Err(ps) => return home_page(&state, &ps, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let layout = if fields.get(field::LAYOUT) == Some("full") {
        html::Layout::Full
    } else {
        html::Layout::Brief
    };
    let page = super::super::edition::Editions::html(
        p.procedure.editions.finding(&p.case),
        &html::render_with(&Report::new(p.procedure.program(), &eval, p.as_of), layout),
    );
    attachment(page, "text/html; charset=utf-8", "report.html")
}

/// `POST /download/timeline.ics`: `cspr timeline --format ics`'s calendar.
async fn ics(
    State(state): State<Shared>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let (_, p) = match download(&state, form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let calendar = evaluate(p.procedure, &p.case).and_then(|eval| {
        timeline::timeline_ics(p.procedure.program(), &eval, p.as_of).map_err(|e| vec![e])
    });
    match calendar {
        Ok(text) => attachment(text, "text/calendar; charset=utf-8", "deadlines.ics"),
        Err(ps) => home_page(&state, &ps, StatusCode::UNPROCESSABLE_ENTITY),
    }
}
