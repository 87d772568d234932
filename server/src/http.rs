//! Plain HTTP endpoints (`/healthz`, `/metrics`), the one error type every handler returns, and
//! the security headers every response gets.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
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

impl From<crate::workshops::catalog::CatalogError> for ApiError {
    fn from(error: crate::workshops::catalog::CatalogError) -> Self {
        ApiError::Internal(error.to_string())
    }
}

impl From<crate::sync::storage::StoreError> for ApiError {
    fn from(error: crate::sync::storage::StoreError) -> Self {
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

/// The policy of the app's HTML pages: scripts, styles, fonts and connections only from this
/// origin (`'self'` covers `ws:`/`wss:` to the same host in CSP 3, which the browser e2e tests
/// exercise), images also as `data:` (the favicon) and `blob:` (PNG export), and no framing.
/// Nothing inline: the app sets styles through the CSSOM, which the policy does not govern.
const APP_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
    font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// Adds the security headers to every response: no MIME sniffing and no referrer for all;
/// the app's policy and no framing for HTML; and a sandbox for SVG, so an exported board
/// opened directly runs no script even if one got into it.
pub async fn security_headers(mut response: Response) -> Response {
    let is_type = |wanted: &str| {
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with(wanted))
    };
    let policy = if is_type("text/html") {
        Some(APP_CONTENT_SECURITY_POLICY)
    } else if is_type("image/svg+xml") {
        Some("sandbox")
    } else {
        None
    };
    let is_html = is_type("text/html");
    let headers = response.headers_mut();
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    if let Some(policy) = policy {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(policy));
    }
    if is_html {
        headers
            .entry(header::X_FRAME_OPTIONS)
            .or_insert(HeaderValue::from_static("DENY"));
    }
    response
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
