//! Request and response bodies of the HTTP API.

use serde::{Deserialize, Serialize};

use crate::typescript::TsInterface;

/// The body of every 4xx and 5xx response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `not_found`.
    pub error: String,
    /// A sentence for the person reading it.
    pub message: String,
}

impl TsInterface for ErrorBody {
    const NAME: &'static str = "ErrorBody";
    fn fields() -> Vec<(&'static str, &'static str)> {
        vec![("error", "string"), ("message", "string")]
    }
}

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub rooms: u64,
    pub connections: u64,
}

impl TsInterface for Health {
    const NAME: &'static str = "Health";
    fn fields() -> Vec<(&'static str, &'static str)> {
        vec![
            ("status", "string"),
            ("rooms", "number"),
            ("connections", "number"),
        ]
    }
}
