//! The web app, embedded in the binary at build time from `web/dist` (committed, so a fresh
//! clone builds without npm). Unknown paths get `index.html`: the app routes on the client.

use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../web/dist"]
#[allow_missing = true]
struct WebApp;

pub async fn static_file(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(file) = WebApp::get(path).filter(|_| !path.is_empty()) {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        // Vite puts a content hash in every asset name, so assets never change under one name.
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return (
            [
                (header::CONTENT_TYPE, mime.as_ref()),
                (header::CACHE_CONTROL, cache),
            ],
            file.data,
        )
            .into_response();
    }
    match WebApp::get("index.html") {
        Some(index) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], index.data)
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "The web app was not built into this binary: run `npm ci && npm run build` in web/ and rebuild.",
        )
            .into_response(),
    }
}
