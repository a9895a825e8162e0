//! Errors as `application/problem+json` (RFC 9457), carrying the located diagnostics the
//! command line prints.
//!
//! Every error the server answers is one [`ApiError`]: an HTTP status, a problem type
//! (`urn:cspr:problem:…`, listed in docs/serve.md), a one-line `detail`, and the
//! diagnostics — each with its code, message, help, place (source, line, column) and the
//! text `cspr` prints for it on a terminal (`rendered`, without colour).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use cspr::diagnostic::Located;

/// The media type of an error.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// The last part of the problem type: `urn:cspr:problem:{kind}`.
    pub kind: &'static str,
    pub detail: String,
    pub problems: Vec<cspr::Problem>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind,
            detail: detail.into(),
            problems: Vec::new(),
        }
    }

    /// Diagnostics from the library (a bad case, an evaluation error): the first one's
    /// message is the detail.
    pub fn problems(
        status: StatusCode,
        kind: &'static str,
        problems: Vec<cspr::Problem>,
    ) -> ApiError {
        let detail = problems
            .iter()
            .find(|p| p.is_error())
            .or(problems.first())
            .map_or_else(
                || "the request could not be answered".to_string(),
                |p| p.message.clone(),
            );
        ApiError {
            status,
            kind,
            detail,
            problems,
        }
    }

    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", what)
    }

    /// The problem document.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": format!("urn:cspr:problem:{}", self.kind),
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if !self.problems.is_empty()
            && let Value::Object(obj) = &mut body
        {
            obj.insert(
                "errors".into(),
                Value::Array(self.problems.iter().map(diagnostic).collect()),
            );
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body().to_string()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// One diagnostic as JSON: what `cspr` prints, and its parts.
pub fn diagnostic(p: &cspr::Problem) -> Value {
    let mut d = json!({
        "code": p.code,
        "severity": if p.is_error() { "error" } else { "warning" },
        "message": p.message,
    });
    let Value::Object(obj) = &mut d else {
        return d;
    };
    if let Some(help) = &p.help {
        obj.insert("help".into(), json!(help));
    }
    if let Some(src) = p.source.as_deref() {
        obj.insert("source".into(), json!(&*src.name));
        let labels: Vec<Value> = p
            .labels
            .iter()
            .map(|(span, text)| {
                let (line, column) = src.line_col(span.start);
                let (end_line, end_column) = src.line_col(span.end);
                json!({
                    "line": line, "column": column,
                    "end_line": end_line, "end_column": end_column,
                    "label": text,
                })
            })
            .collect();
        if !labels.is_empty() {
            obj.insert("labels".into(), Value::Array(labels));
        }
    }
    obj.insert("rendered".into(), json!(rendered(p)));
    d
}

/// The diagnostic as `cspr` prints it on a terminal without colour.
pub fn rendered(p: &cspr::Problem) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let located = Located::from(p.clone());
    let mut out = String::new();
    if handler.render_report(&mut out, &located).is_err() {
        out = format!("{p}\n");
    }
    out
}
