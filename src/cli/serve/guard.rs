//! Safe by default: what stands between the network and the handlers.
//!
//! - **Loopback unless a token is given** (checked in [`super::Serve::run`]); with
//!   `--token-file`, every request but `GET /healthz` carries `Authorization: Bearer …`,
//!   compared in constant time (the SHA-256 of each side, so not even the length leaks).
//! - **`Host`** must name this server (the bound address, `localhost` or a loopback address
//!   at its port, or a name given with `--allow-host`): a page on another site whose name
//!   was rebound to 127.0.0.1 (DNS rebinding) is refused.
//! - **`Origin`**: a `POST` from a browser must come from this server's own pages; a form
//!   post (`application/x-www-form-urlencoded`, `multipart/form-data`) must say where it
//!   comes from. So the browser pages' forms cannot be posted from another site.
//! - **Limits**: bodies over [`MAX_BODY`] are refused with 413 before they are read; the
//!   request head over [`MAX_HEAD`] with 431; a request taking over [`TIMEOUT`] with 503;
//!   at most [`CONCURRENCY`] requests are handled at once (more wait).
//! - **Headers** on every response: a Content-Security-Policy without `unsafe-inline`
//!   (a page may set a stricter one of its own), `X-Content-Type-Options: nosniff`,
//!   `frame-ancestors 'none'` and `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`,
//!   `Cache-Control: no-store` (unless a response says otherwise).
//! - **Access log** on stderr: method, path, status, milliseconds. Never the query, a
//!   header or a body.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tower_http::set_header::SetResponseHeaderLayer;

use super::problem::ApiError;

/// The largest request body read (1 MiB).
pub const MAX_BODY: usize = 1024 * 1024;
/// The largest request head (request line and headers) accepted.
pub const MAX_HEAD: usize = 16 * 1024;
/// The longest a request may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// How many requests are handled at once.
pub const CONCURRENCY: usize = 512;

/// The Content-Security-Policy of every response that sets none: scripts, styles and
/// images from this server only, nothing inline, no framing, forms posted here only.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What the guards check against.
#[derive(Clone)]
pub struct Config {
    inner: Arc<Inner>,
}

struct Inner {
    /// The `Host` values this server answers to (lower case).
    hosts: Vec<String>,
    /// The origins its pages have (`http://` and each host).
    origins: Vec<String>,
    /// The SHA-256 of the bearer token, when one is required.
    token: Option<[u8; 32]>,
    /// Whether to write the access log.
    log: bool,
}

impl Config {
    /// For a server bound at `bound`, with a token or not, also answering to `extra` names
    /// (`--allow-host`, `name` or `name:port`).
    pub fn new(bound: SocketAddr, token: Option<String>, extra: &[String], log: bool) -> Config {
        let port = bound.port();
        let mut hosts = vec![
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ];
        if !bound.ip().is_unspecified() {
            hosts.push(match bound {
                SocketAddr::V4(a) => format!("{}:{port}", a.ip()),
                SocketAddr::V6(a) => format!("[{}]:{port}", a.ip()),
            });
        }
        if port == 80 {
            hosts.extend(["localhost", "127.0.0.1", "[::1]"].map(String::from));
        }
        for name in extra {
            let name = name.to_ascii_lowercase();
            if !name.contains(':') || name.ends_with(']') {
                // A bare name answers on this port, and on the default ports a proxy uses.
                hosts.push(format!("{name}:{port}"));
            }
            hosts.push(name);
        }
        hosts.dedup();
        let origins = hosts
            .iter()
            .flat_map(|h| [format!("http://{h}"), format!("https://{h}")])
            .collect();
        Config {
            inner: Arc::new(Inner {
                hosts,
                origins,
                token: token.map(|t| Sha256::digest(t.as_bytes()).into()),
                log,
            }),
        }
    }
}

/// The bearer token in `path`: its first line, trimmed; at least 16 characters.
pub fn read_token(path: &Path) -> Result<String, cspr::Problem> {
    let text = crate::cli::read_source(path)?;
    let token = text.text.lines().next().unwrap_or("").trim().to_string();
    if token.len() < 16 {
        return Err(crate::cli::usage_error(
            format!(
                "the token in `{}` is {} characters long: too short to guard case data",
                path.display(),
                token.len()
            ),
            "write a random token of at least 16 characters, e.g. `openssl rand -hex 32 > token`",
        ));
    }
    Ok(token)
}

/// `app` behind every guard.
pub fn wrap(app: Router, config: Config) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ];
    let mut app = app
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower::limit::ConcurrencyLimitLayer::new(CONCURRENCY))
        .layer(middleware::from_fn(deadline))
        .layer(middleware::from_fn_with_state(config.clone(), check))
        .layer(middleware::from_fn(head_size));
    for (name, value) in headers {
        app = app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app.layer(middleware::from_fn_with_state(config, access_log))
}

/// The access log: method, path, status, time. Nothing else about the request.
async fn access_log(State(config): State<Config>, request: Request, next: Next) -> Response {
    if !config.inner.log {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let start = Instant::now();
    let response = next.run(request).await;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    note!("{method} {path} {} {ms:.2}ms", response.status().as_u16());
    response
}

/// 503 when a request takes over [`TIMEOUT`] to answer (its work is dropped).
async fn deadline(request: Request, next: Next) -> Response {
    match tokio::time::timeout(TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took over {} seconds and was stopped",
                TIMEOUT.as_secs()
            ),
        )
        .into_response(),
    }
}

/// 431 when the request line and headers are larger than [`MAX_HEAD`].
async fn head_size(request: Request, next: Next) -> Response {
    let size = request.uri().to_string().len()
        + request
            .headers()
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len() + 4)
            .sum::<usize>();
    if size > MAX_HEAD {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers-too-large",
            format!("the request's address and headers are {size} bytes, more than cspr accepts ({MAX_HEAD})"),
        )
        .into_response();
    }
    next.run(request).await
}

/// The `Host`, token, `Origin` and body-size checks, in that order.
async fn check(State(config): State<Config>, request: Request, next: Next) -> Response {
    match refuse(&config.inner, &request) {
        Some(error) => {
            let unauthorized = error.status == StatusCode::UNAUTHORIZED;
            let mut response = error.into_response();
            if unauthorized {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
        None => next.run(request).await,
    }
}

/// Why `request` is refused, if it is.
fn refuse(config: &Inner, request: &Request) -> Option<ApiError> {
    let headers = request.headers();
    // HTTP/1.1 carries the host in `Host`; an absolute request target carries it in the URI.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase)
        .or_else(|| {
            request
                .uri()
                .authority()
                .map(|a| a.as_str().to_ascii_lowercase())
        });
    match host {
        Some(h) if config.hosts.contains(&h) => {}
        Some(h) => {
            return Some(ApiError::new(
                StatusCode::MISDIRECTED_REQUEST,
                "wrong-host",
                format!("this server does not answer to the host `{}`", truncate(&h)),
            ));
        }
        None => {
            return Some(ApiError::new(
                StatusCode::BAD_REQUEST,
                "wrong-host",
                "the request names no host",
            ));
        }
    }
    if let Some(expected) = &config.token
        && !(request.method() == Method::GET && request.uri().path() == "/healthz")
    {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| <[u8; 32]>::from(Sha256::digest(t.trim().as_bytes())));
        let ok = given.is_some_and(|g| bool::from(g.ct_eq(expected)));
        if !ok {
            return Some(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this server needs the bearer token: send `Authorization: Bearer TOKEN`",
            ));
        }
    }
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|t| t.to_ascii_lowercase())
            .is_some_and(|t| {
                t.starts_with("application/x-www-form-urlencoded")
                    || t.starts_with("multipart/form-data")
                    || t.starts_with("text/plain")
            });
        // Under `Referrer-Policy: no-referrer` (ours) a browser posts a form with
        // `Origin: null`; its `Sec-Fetch-Site`, which no page can set, says whether the
        // post came from this server's own page.
        let same_origin = headers
            .get(HeaderName::from_static("sec-fetch-site"))
            .is_some_and(|v| v.as_bytes() == b"same-origin");
        match origin {
            Some(o) if config.origins.iter().any(|a| a.eq_ignore_ascii_case(o)) => {}
            Some("null") if same_origin => {}
            Some(o) => {
                return Some(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "cross-origin",
                    format!(
                        "a post from `{}` is refused: only this server's own pages may post here",
                        truncate(o)
                    ),
                ));
            }
            None if form => {
                return Some(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "cross-origin",
                    "a form post must say where it comes from (the `Origin` header), and none was sent",
                ));
            }
            None => {}
        }
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = length
        && n > MAX_BODY as u64
    {
        return Some(too_large(Some(n)));
    }
    None
}

/// 413, with the size when it is known.
pub fn too_large(size: Option<u64>) -> ApiError {
    let detail = match size {
        Some(n) => {
            format!("the request body is {n} bytes, more than cspr reads ({MAX_BODY} bytes, 1 MiB)")
        }
        None => format!("the request body is more than cspr reads ({MAX_BODY} bytes, 1 MiB)"),
    };
    let mut e = ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too-large", detail);
    e.problems.push(
        cspr::Problem::error("cspr::too_large", e.detail.clone())
            .help("send a batch as several requests of at most 1 MiB each"),
    );
    e
}

/// The Content-Security-Policy of a page that carries its own inline `<style>`,
/// `<script>` and `style="…"` (the HTML decision report, which must stay one
/// self-contained file): each allowed by its SHA-256 and nothing else — no
/// `unsafe-inline`. (`'unsafe-hashes'` lets exactly the hashed `style` attributes apply.)
pub fn csp_for_page(page: &str) -> String {
    use base64::Engine as _;
    let hash = |text: &str| {
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        )
    };
    let mut styles = Vec::new();
    let mut scripts = Vec::new();
    for (open, close, into) in [
        ("<style", "</style>", &mut styles),
        ("<script", "</script>", &mut scripts),
    ] {
        let mut rest = page;
        while let Some(at) = rest.find(open) {
            let after = &rest[at..];
            let (Some(gt), Some(end)) = (after.find('>'), after.find(close)) else {
                break;
            };
            if gt < end {
                into.push(hash(&after[gt + 1..end]));
            }
            rest = &after[end..];
        }
    }
    let mut attributes = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find(" style=\"") {
        let after = &rest[at + 8..];
        let Some(end) = after.find('"') else { break };
        attributes.push(hash(&after[..end]));
        rest = &after[end..];
    }
    styles.sort();
    styles.dedup();
    attributes.sort();
    attributes.dedup();
    let mut style_src = styles.join(" ");
    if !attributes.is_empty() {
        style_src = format!("{style_src} 'unsafe-hashes' {}", attributes.join(" "));
    }
    let script_src = if scripts.is_empty() {
        "'none'".to_string()
    } else {
        scripts.join(" ")
    };
    let style_src = if style_src.trim().is_empty() {
        "'none'".to_string()
    } else {
        style_src.trim().to_string()
    };
    format!(
        "default-src 'none'; style-src {style_src}; script-src {script_src}; img-src data:; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// A header value echoed in a message, cut short.
fn truncate(s: &str) -> String {
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(80).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}
