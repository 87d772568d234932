//! Plain HTTP endpoints (`/healthz`, `/metrics`) and the one error type every handler returns.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kartta_protocol::api::{ErrorBody, Health};

use crate::AppState;

/// Every error an HTTP handler can return. 4xx bodies speak to the user; 5xx bodies stay
/// generic while the cause goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// A 400 with a specific code, e.g. `invalid_csv` with the line and the reason.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("no token")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    /// A body over the route's limit: 413 in our JSON shape, which the web app can show.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The client address holds as many websockets as it may.
    #[error("too many connections")]
    TooManyConnections,
    /// Over the address's request rate: try again after the duration.
    #[error("rate limited")]
    RateLimited(std::time::Duration),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::catalog::CatalogError> for ApiError {
    fn from(error: crate::catalog::CatalogError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<crate::storage::StoreError> for ApiError {
    fn from(error: crate::storage::StoreError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            ApiError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "bad_request", message.clone())
            }
            ApiError::Invalid { code, message } => {
                (StatusCode::BAD_REQUEST, *code, message.clone())
            }
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "This needs a token: open the link you were given.".into(),
            ),
            ApiError::Forbidden(message) => (StatusCode::FORBIDDEN, "forbidden", message.clone()),
            ApiError::PayloadTooLarge(message) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                message.clone(),
            ),
            ApiError::TooManyConnections => {
                return too_many_requests(
                    TOO_MANY_CONNECTIONS_RETRY_AFTER.as_secs(),
                    "Too many connections from this address: close a board and try again.".into(),
                )
            }
            ApiError::RateLimited(wait) => {
                let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
                return too_many_requests(
                    seconds,
                    format!("Too many requests from this address: try again in {seconds} s."),
                );
            }
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "There is nothing at this address.".into(),
            ),
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on the server.".into(),
                )
            }
        };
        (
            status,
            Json(ErrorBody {
                error: code.into(),
                message,
            }),
        )
            .into_response()
    }
}

/// What a client over its websocket cap is told to wait: a connection is closed when a tab
/// is, so a few seconds usually free one.
const TOO_MANY_CONNECTIONS_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(10);

/// Every 429 says in `Retry-After` how many seconds to wait.
fn too_many_requests(retry_after_seconds: u64, message: String) -> Response {
    let body = ErrorBody {
        error: "too_many_requests".into(),
        message,
    };
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, retry_after_seconds.to_string())],
        Json(body),
    )
        .into_response()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        rooms: state.rooms.loaded() as u64,
        connections: state.metrics.connections.get().max(0) as u64,
    })
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
