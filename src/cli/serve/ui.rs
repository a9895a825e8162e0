//! The browser pages (placeholder: the list of procedures; the interview is built on it).

use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use cspr::report::html::escape;

use super::Shared;

/// The pages' routes.
pub fn routes() -> Router<Shared> {
    Router::new().route("/", get(index))
}

/// `GET /`: every procedure served.
async fn index(State(state): State<Shared>) -> Html<String> {
    let mut rows = String::new();
    for p in &state.procedures {
        rows.push_str(&format!(
            "<li><code>{}</code> — {} ({})</li>\n",
            escape(&p.id),
            escape(&p.title),
            p.kind
        ));
    }
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>cspr</title>\n</head>\n<body>\n<h1>Procedures</h1>\n<ul>\n{rows}</ul>\n</body>\n</html>\n"
    ))
}
