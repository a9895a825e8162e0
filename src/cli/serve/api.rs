//! The JSON API: `/api/v1/…` and `/healthz`.
//!
//! Each answer is the one the command line gives, made by the same library calls: `eval`
//! is `cspr eval --format json` byte for byte (a JSON Lines batch, line for line),
//! `explain` is `cspr explain --format json`, `timeline` is `cspr timeline --format json`
//! (or `ics`), `report` is `cspr report`'s HTML page. `missing` lists the questions an
//! interview would still ask (`repl::interview::questions`), and `schema` is the case's
//! JSON Schema (`case::case_schema`). A case is the request body: JSON
//! (`application/json`), TOML (`application/toml`), or for `eval` a batch in JSON Lines
//! (`application/x-ndjson`, answered as a stream, a line per case as it is done).

use std::collections::HashMap;
use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use cspr::case::{Format, NotUsed};
use cspr::diagnostic::Source;
use cspr::eval::{Case, Evaluation};
use serde_json::{Value, json};

use super::guard::{self, MAX_BODY};
use super::problem::ApiError;
use super::{Procedure, Shared};
use crate::cli::edition::Editions;

/// The API's routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/procedures", get(procedures))
        .route("/api/v1/procedures/{id}", get(procedure))
        .route("/api/v1/procedures/{id}/schema", get(schema))
        .route("/api/v1/procedures/{id}/eval", post(eval))
        .route("/api/v1/procedures/{id}/explain", post(explain))
        .route("/api/v1/procedures/{id}/timeline", post(timeline))
        .route("/api/v1/procedures/{id}/report", post(report))
        .route("/api/v1/procedures/{id}/missing", post(missing))
}

/// The OpenAPI 3.1 document of this API.
pub const OPENAPI: &str = include_str!("openapi.json");

/// `GET /healthz`: the server is up.
async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /api/v1/openapi.json`.
async fn openapi() -> Response {
    with_type(OPENAPI.to_string(), "application/json")
}

/// What the list says of one procedure.
fn summary(p: &Procedure) -> Value {
    json!({
        "id": p.id,
        "title": p.title,
        "kind": p.kind,
        "version": p.version.map(|v| v.format("%Y-%m-%d").to_string()),
        "extends": p.extends,
    })
}

/// `GET /api/v1/procedures`: id, title, kind, version and guidance of each.
async fn procedures(State(state): State<Shared>) -> Json<Value> {
    let list: Vec<Value> = state.procedures.iter().map(summary).collect();
    Json(json!({ "procedures": list }))
}

/// `GET /api/v1/procedures/{id}`: one procedure, as the list has it.
async fn procedure(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(summary(find(&state, &id)?)))
}

/// `GET /api/v1/procedures/{id}/schema`: the JSON Schema of its case.
async fn schema(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let p = find(&state, &id)?;
    let text = cspr::case::case_schema(p.program()).to_string();
    Ok(with_type(text, "application/schema+json"))
}

/// The procedure with this id, or 404 with "did you mean".
fn find<'s>(state: &'s Shared, id: &str) -> Result<&'s Procedure, ApiError> {
    state.get(id).ok_or_else(|| {
        let help =
            cspr::diagnostic::did_you_mean(id, state.procedures.iter().map(|p| p.id.as_str()))
                .unwrap_or_else(|| "GET /api/v1/procedures lists the procedures served".into());
        let problem =
            cspr::Problem::error("cspr::input", format!("no procedure `{id}`")).help(help);
        ApiError::problems(StatusCode::NOT_FOUND, "not-found", vec![problem])
    })
}

/// The query parameters the case endpoints take.
type Params = HashMap<String, String>;

/// `as_of=YYYY-MM-DD`, or today.
fn as_of(params: &Params) -> Result<NaiveDate, ApiError> {
    match params.get("as_of") {
        None => Ok(crate::cli::today()),
        Some(s) => crate::cli::parse_as_of(s).map_err(|m| bad_param("as_of", m)),
    }
}

/// A yes/no parameter (`true`/`false`, `1`/`0`, or present and empty).
fn flag(params: &Params, name: &str) -> Result<bool, ApiError> {
    match params.get(name).map(String::as_str) {
        None | Some("false" | "0") => Ok(false),
        Some("" | "true" | "1") => Ok(true),
        Some(other) => Err(bad_param(name, format!("`{other}` is not true or false"))),
    }
}

/// Refuse parameters the endpoint does not know (a misspelt `as_of` would be ignored).
fn only(params: &Params, known: &[&str]) -> Result<(), ApiError> {
    match params.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => Err(bad_param(
            k,
            format!(
                "`{k}` is not a parameter of this endpoint (it takes {})",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ),
        )),
    }
}

fn bad_param(name: &str, message: impl Into<String>) -> ApiError {
    let message = message.into();
    let problem = cspr::Problem::error("cspr::input", format!("`{name}`: {message}"))
        .help("see GET /api/v1/openapi.json for the parameters each endpoint takes");
    ApiError::problems(StatusCode::BAD_REQUEST, "bad-parameter", vec![problem])
}

/// The query string, parsed; a malformed one is a problem.
fn params(
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<Params, ApiError> {
    query
        .map(|Query(p)| p)
        .map_err(|e| bad_param("query", e.body_text()))
}

/// How the request body holds its case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body_ {
    One(Format),
    Batch,
}

/// The case's format from `Content-Type`; 415 when it is none cspr reads.
fn body_format(headers: &HeaderMap, batch: bool) -> Result<Body_, ApiError> {
    let ty = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    let accepted = if batch {
        "application/json, application/toml or application/x-ndjson (a batch)"
    } else {
        "application/json or application/toml"
    };
    match ty.as_deref() {
        Some("application/json") => Ok(Body_::One(Format::Json)),
        Some(t) if t.starts_with("application/") && t.ends_with("+json") => {
            Ok(Body_::One(Format::Json))
        }
        Some("application/toml") => Ok(Body_::One(Format::Toml)),
        Some("application/x-ndjson" | "application/jsonl" | "application/jsonlines") if batch => {
            Ok(Body_::Batch)
        }
        Some(t) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            format!("a case sent as `{t}` cannot be read: send it as {accepted}"),
        )),
        None => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            format!("the request has no Content-Type: send the case as {accepted}"),
        )),
    }
}

/// The body as text, named for its format (errors are located in `case.json`, …), with
/// the checks `cspr` makes of a file: UTF-8, no control characters, no byte-order mark.
async fn body_text(body: Body, name: &str) -> Result<Source, ApiError> {
    let bytes: Bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|e| {
        // The only error of a body within the server's own limits is its length.
        if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
        {
            guard::too_large(None)
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad-body",
                format!("the request body could not be read: {e}"),
            )
        }
    })?;
    let text = crate::cli::text_of(name, bytes.to_vec()).map_err(|p| {
        ApiError::problems(StatusCode::UNPROCESSABLE_ENTITY, "invalid-case", vec![p])
    })?;
    Ok(Source::new(name, text))
}

/// The source name a body's errors are located in.
fn source_name(format: Format) -> &'static str {
    match format {
        Format::Toml => "case.toml",
        Format::JsonLines => "cases.jsonl",
        Format::Json => "case.json",
    }
}

/// A case read from the body for `p`: as `cspr eval case.json` reads a file, keys only
/// other procedures declare are passed over (and returned) unless `strict`.
fn read_case(
    state: &Shared,
    p: &Procedure,
    source: &Source,
    format: Format,
    strict: bool,
) -> Result<(Case, Vec<NotUsed>), ApiError> {
    let program = p.program();
    let invalid =
        |problems| ApiError::problems(StatusCode::UNPROCESSABLE_ENTITY, "invalid-case", problems);
    match cspr::case::parse(program, source, format) {
        Ok(case) => Ok((case, Vec::new())),
        Err(problems) if strict || !problems.iter().any(|p| p.code == "cspr::unknown_fact") => {
            Err(invalid(problems))
        }
        Err(_) => {
            let others: Vec<&cspr::check::Program> = state
                .procedures
                .iter()
                .filter(|o| o.id != p.id)
                .map(Procedure::program)
                .collect();
            cspr::case::parse_among(program, source, format, &others).map_err(invalid)
        }
    }
}

/// One case from the request: the procedure, the case, the keys passed over, the options.
struct OneCase<'s> {
    p: &'s Procedure,
    case: Case,
    not_used: Vec<NotUsed>,
}

/// Read one case for `id` from the request (`batch` when the endpoint also takes one).
async fn one_case<'s>(
    state: &'s Shared,
    id: &str,
    params: &Params,
    headers: &HeaderMap,
    body: Body,
) -> Result<OneCase<'s>, ApiError> {
    let p = find(state, id)?;
    let format = match body_format(headers, false)? {
        Body_::One(f) => f,
        Body_::Batch => Format::JsonLines,
    };
    let source = body_text(body, source_name(format)).await?;
    let (case, not_used) = read_case(state, p, &source, format, flag(params, "strict")?)?;
    Ok(OneCase { p, case, not_used })
}

/// Evaluate, or 422 with the conflict or the date the calendar cannot answer.
fn evaluate(p: &Procedure, case: Case) -> Result<Evaluation, ApiError> {
    p.shared.engine().evaluate_case(case).map_err(|e| {
        ApiError::problems(
            StatusCode::UNPROCESSABLE_ENTITY,
            "evaluation",
            vec![e.problem().clone()],
        )
    })
}

/// A response with this body and media type.
fn with_type(body: String, media: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    r
}

/// `POST /api/v1/procedures/{id}/eval`: `cspr eval --format json`.
async fn eval(
    State(state): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    only(&params, &["as_of", "strict"])?;
    let as_of = as_of(&params)?;
    let p = find(&state, &id)?;
    if body_format(&headers, true)? == Body_::Batch {
        let source = body_text(body, "cases.jsonl").await?;
        return Ok(batch(state.clone(), id, source, as_of));
    }
    let one = one_case(&state, &id, &params, &headers, body).await?;
    let finding = p.editions.finding(&one.case);
    let eval = evaluate(p, one.case)?;
    let mut out = String::new();
    p.writer.write(p.program(), &eval, as_of, &mut out);
    Editions::json(finding, &mut out);
    cspr::case::push_not_used(&mut out, &one.not_used);
    out.push('\n');
    Ok(with_type(out, "application/json"))
}

/// A JSON Lines batch: evaluated on a worker thread, each line written as `cspr eval
/// cases.jsonl` writes it (a result, or `{"line":N,"errors":[…]}`), streamed as it goes.
fn batch(state: Shared, id: String, source: Source, as_of: NaiveDate) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(4);
    tokio::task::spawn_blocking(move || {
        let Some(p) = state.get(&id) else { return };
        let program = p.program();
        let engine = p.shared.engine();
        let mut chunk = String::new();
        for (line, parsed) in cspr::case::parse_lines(program, &source) {
            let result = parsed.and_then(|case| {
                let finding = p.editions.finding(&case);
                engine
                    .evaluate_case(case)
                    .map(|e| (e, finding))
                    .map_err(|e| vec![e.problem().clone()])
            });
            match result {
                Ok((eval, finding)) => {
                    let mut one = String::new();
                    p.writer.write(program, &eval, as_of, &mut one);
                    Editions::json(finding, &mut one);
                    chunk.push_str(&one);
                }
                Err(problems) => {
                    chunk.push_str(&crate::cli::cases::error_record(line, &problems).to_string());
                }
            }
            chunk.push('\n');
            if chunk.len() >= 16 * 1024 && tx.blocking_send(std::mem::take(&mut chunk)).is_err() {
                // The client went away.
                return;
            }
        }
        if !chunk.is_empty() {
            let _ = tx.blocking_send(chunk);
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|c| (Ok::<_, Infallible>(c), rx))
    });
    let mut r = Body::from_stream(stream).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    r
}

/// `POST /api/v1/procedures/{id}/explain`: `cspr explain --format json` (`name`, `why_not`).
async fn explain(
    State(state): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    only(&params, &["name", "why_not", "strict"])?;
    if params.contains_key("why_not") && !params.contains_key("name") {
        return Err(bad_param(
            "why_not",
            "`why_not` needs `name`: the decision or rule it asks about",
        ));
    }
    let one = one_case(&state, &id, &params, &headers, body).await?;
    let p = one.p;
    let eval = evaluate(p, one.case)?;
    let program = p.program();
    let mut explainer = cspr::eval::explain::Explainer::new(program, &eval);
    let trees = cspr::eval::explain::select(
        program,
        &mut explainer,
        params.get("name").map(String::as_str),
        params.get("why_not").map(String::as_str),
    )
    .map_err(|problem| {
        ApiError::problems(StatusCode::BAD_REQUEST, "bad-parameter", vec![problem])
    })?;
    let json = cspr::report::explain_json(program, &eval, &trees);
    Ok(with_type(format!("{json}\n"), "application/json"))
}

/// `POST /api/v1/procedures/{id}/timeline`: `cspr timeline --format json`, or with
/// `format=ics` the iCalendar file (`ics_case_id` as `--ics-case-id`).
async fn timeline(
    State(state): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    use cspr::report::timeline as tl;
    let params = params(query)?;
    only(&params, &["as_of", "strict", "format", "ics_case_id"])?;
    let as_of = as_of(&params)?;
    let ics = match params.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("ics") => true,
        Some(other) => return Err(bad_param("format", format!("`{other}` is not json or ics"))),
    };
    let ics_case_id = flag(&params, "ics_case_id")?;
    let one = one_case(&state, &id, &params, &headers, body).await?;
    let p = one.p;
    let finding = p.editions.finding(&one.case);
    let eval = evaluate(p, one.case)?;
    let program = p.program();
    if ics {
        let options = tl::IcsOptions {
            case_id: ics_case_id,
        };
        let text = tl::timeline_ics_with(program, &eval, as_of, options).map_err(|problem| {
            ApiError::problems(
                StatusCode::UNPROCESSABLE_ENTITY,
                "evaluation",
                vec![problem],
            )
        })?;
        let mut r = with_type(text, "text/calendar; charset=utf-8");
        r.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"timeline.ics\""),
        );
        return Ok(r);
    }
    let mut json = tl::timeline_json(program, &eval, as_of);
    Editions::json(finding, &mut json);
    cspr::case::push_not_used(&mut json, &one.not_used);
    json.push('\n');
    Ok(with_type(json, "application/json"))
}

/// `POST /api/v1/procedures/{id}/report`: `cspr report`'s HTML page (`full` as `--full`).
async fn report(
    State(state): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    use cspr::report::{Report, html};
    let params = params(query)?;
    only(&params, &["as_of", "strict", "full"])?;
    let as_of = as_of(&params)?;
    let layout = if flag(&params, "full")? {
        html::Layout::Full
    } else {
        html::Layout::Brief
    };
    let one = one_case(&state, &id, &params, &headers, body).await?;
    let p = one.p;
    let finding = p.editions.finding(&one.case);
    let eval = evaluate(p, one.case)?;
    let page = Editions::html(
        finding,
        &html::render_with(&Report::new(p.program(), &eval, as_of), layout),
    );
    let csp = guard::csp_for_page(&page);
    let mut r = with_type(page, "text/html; charset=utf-8");
    if let Ok(v) = HeaderValue::from_str(&csp) {
        r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Ok(r)
}

/// `POST /api/v1/procedures/{id}/missing`: the questions an interview would still ask,
/// in its order.
async fn missing(
    State(state): State<Shared>,
    Path(id): Path<String>,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let params = params(query)?;
    only(&params, &["strict"])?;
    let one = one_case(&state, &id, &params, &headers, body).await?;
    let eval = evaluate(one.p, one.case)?;
    let json = cspr::repl::interview::questions_json(one.p.program(), &eval);
    Ok(with_type(format!("{json}\n"), "application/json"))
}
