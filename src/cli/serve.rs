//! `cspr serve`: the JSON API for case-management systems and the browser interview, over
//! the same library calls as the other commands.
//!
//! The server is stateless: every procedure cspr can reach is loaded and checked once at
//! start ([`state::State`]), and each request carries its case in its body. Nothing about
//! a case is stored, logged or written to disk: the access log holds the method, the path,
//! the status and the time taken ([`guard::access_log`]).
//!
//! - [`api`]: `/api/v1/…` and `/healthz` (JSON, errors as `application/problem+json`);
//! - [`ui`]: the browser pages (server-rendered HTML);
//! - [`guard`]: what makes it safe by default — loopback unless a token is given, the
//!   `Host` and `Origin` checks, limits, security headers, the access log.

mod api;
mod guard;
mod problem;
mod state;
mod ui;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use clap::Args;

#[allow(
    unused_imports,
    reason = "for the browser pages (ui.rs): their posts get the Origin check from `router`"
)]
pub use guard::{CSP, csp_for_page};
pub use state::{Procedure, State};

/// The state every handler gets: the procedures, loaded once.
pub type Shared = Arc<State>;

/// Serve the JSON API and the browser interview over HTTP
#[derive(Args)]
#[command(
    after_help = "Examples:\n  cspr serve                                       (http://127.0.0.1:8080, loopback only)\n  cspr serve --addr 127.0.0.1:0                    (any free port; the address is printed)\n  cspr serve --procedures ./my-policies            (also serve the .policy files of a folder)\n  cspr serve --addr 0.0.0.0:8080 --token-file /etc/cspr/token   (off loopback: a bearer token is required)\n\n  curl -s http://127.0.0.1:8080/api/v1/procedures\n  curl -s -H 'Content-Type: application/json' --data @case.json \\\n       http://127.0.0.1:8080/api/v1/procedures/lincolnshire/eval\n\nNothing about a case is stored: cases travel in request bodies, never in addresses, and the\naccess log on stderr holds the method, path, status and time only. See docs/serve.md."
)]
pub struct Serve {
    /// The address to listen on; port 0 picks a free port [default: 127.0.0.1:8080]
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A folder of .policy files to serve as well as the procedures cspr finds
    /// (policies/, CSPR_PATH, the built-in modules)
    #[arg(long, value_name = "DIR")]
    procedures: Option<PathBuf>,
    /// A file holding the bearer token every request must carry (`Authorization: Bearer …`);
    /// required to listen on an address other than loopback
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Another name this server answers to in the `Host` header (e.g. the name a reverse
    /// proxy forwards); repeatable [default: localhost and the loopback addresses]
    #[arg(long, value_name = "NAME")]
    allow_host: Vec<String>,
    /// No access log on stderr
    #[arg(long)]
    quiet: bool,
}

impl Serve {
    pub fn run(self) -> Result<u8, Vec<cspr::Problem>> {
        let token = match &self.token_file {
            Some(path) => Some(guard::read_token(path).map_err(|p| vec![p])?),
            None => None,
        };
        if !self.addr.ip().is_loopback() && token.is_none() {
            return Err(vec![super::usage_error(
                format!(
                    "`{}` is not a loopback address, and serving cases off this machine needs a token",
                    self.addr
                ),
                "give --token-file FILE (a bearer token every request must carry), or listen on 127.0.0.1",
            )]);
        }
        let state = State::load(self.procedures.as_deref())?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                vec![super::usage_error(
                    format!("cannot start the server: {e}"),
                    "",
                )]
            })?;
        let options = Options {
            token,
            allow_host: self.allow_host,
            log: !self.quiet,
        };
        runtime.block_on(serve(self.addr, options, Arc::new(state)))
    }
}

/// What `run` hands the server.
struct Options {
    token: Option<String>,
    allow_host: Vec<String>,
    log: bool,
}

/// Bind, say where, and serve until SIGTERM or Ctrl-C (requests in flight are finished).
async fn serve(
    addr: SocketAddr,
    options: Options,
    state: Shared,
) -> Result<u8, Vec<cspr::Problem>> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        vec![super::usage_error(
            format!("cannot listen on `{addr}`: {e}"),
            "choose another port, or --addr 127.0.0.1:0 for any free one",
        )]
    })?;
    let bound = listener.local_addr().map_err(|e| {
        vec![super::usage_error(
            format!("cannot listen on `{addr}`: {e}"),
            "",
        )]
    })?;
    note!("listening on http://{bound}");
    let config = guard::Config::new(bound, options.token, &options.allow_host, options.log);
    let app = router(state, config);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| vec![super::usage_error(format!("the server stopped: {e}"), "")])?;
    note!("stopped");
    Ok(0)
}

/// The whole application: the API and the pages, behind the guards.
pub fn router(state: Shared, config: guard::Config) -> Router {
    let app = Router::new()
        .merge(api::routes())
        .merge(ui::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    guard::wrap(app, config)
}

/// 404 for an address nothing answers.
async fn not_found(uri: axum::http::Uri) -> problem::ApiError {
    problem::ApiError::not_found(format!(
        "nothing is served at `{}`: see GET /api/v1/openapi.json",
        uri.path()
    ))
}

/// 405 for a method an address does not take.
async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> problem::ApiError {
    problem::ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        format!("`{}` does not take {method}", uri.path()),
    )
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
