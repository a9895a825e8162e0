//! The JSON API: `/api/v1/…` and `/healthz`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::Shared;

/// The API's routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/procedures", get(procedures))
}

/// `GET /healthz`: the server is up.
async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /api/v1/procedures`: id, title, kind, version and guidance of each.
async fn procedures(State(state): State<Shared>) -> Json<Value> {
    let list: Vec<Value> = state
        .procedures
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "title": p.title,
                "kind": p.kind,
                "version": p.version.map(|v| v.to_string()),
                "extends": p.extends,
            })
        })
        .collect();
    Json(json!({ "procedures": list }))
}
