//! The one fixture of the end-to-end tests: a real server with a workshop made through the
//! API as a facilitator would make it, a second workshop whose tokens must open nothing of the
//! first, and calls as each kind of caller.

use kartta_protocol::api::{BoardExport, Created, Role, Snapshot, Workshop};
use serde_json::json;

use crate::board::{add_actor, set_actor_field};
use crate::{http, Client, Response, ServerProcess};

/// A request's body, when it has one: its content type and its bytes.
pub type RequestBody = Option<(&'static str, Vec<u8>)>;

/// A JSON request body.
pub fn json_body(value: serde_json::Value) -> RequestBody {
    Some(("application/json", value.to_string().into_bytes()))
}

/// Creates a workshop on `server` (`POST /api/workshops`) from `request`.
pub async fn create_workshop(
    server: &ServerProcess,
    request: serde_json::Value,
) -> anyhow::Result<Created> {
    http(
        server.port,
        "POST",
        "/api/workshops",
        None,
        json_body(request),
    )
    .await?
    .json()
}

/// Creates a quick board, a workshop of one board (`POST /api/boards`), from `request`.
pub async fn create_quick_board(
    server: &ServerProcess,
    request: serde_json::Value,
) -> anyhow::Result<Created> {
    http(server.port, "POST", "/api/boards", None, json_body(request))
        .await?
        .json()
}

/// The workshop `created` as the holder of `token` sees it.
pub async fn workshop_as(
    server: &ServerProcess,
    created: &Created,
    token: &str,
) -> anyhow::Result<Workshop> {
    let path = format!("/api/workshops/{}", created.workshop.id);
    http(server.port, "GET", &path, Some(token), None)
        .await?
        .json()
}

/// Who makes a request: each role of the fixture's workshop, nobody, or the facilitator of
/// the other workshop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    Anonymous,
    OtherWorkshop,
    Viewer,
    Participant,
    Facilitator,
}

pub const CALLERS: [Caller; 5] = [
    Caller::Anonymous,
    Caller::OtherWorkshop,
    Caller::Viewer,
    Caller::Participant,
    Caller::Facilitator,
];

/// The status a caller must get when `minimum` is the least role allowed.
pub fn expected_status(caller: Caller, minimum: Role, success: u16) -> u16 {
    let role = match caller {
        Caller::Anonymous => return 401,
        Caller::OtherWorkshop => return 403,
        Caller::Viewer => Role::Viewer,
        Caller::Participant => Role::Participant,
        Caller::Facilitator => Role::Facilitator,
    };
    if role >= minimum {
        success
    } else {
        403
    }
}

/// A server of its own with two workshops made from the same request.
pub struct Fixture {
    pub server: ServerProcess,
    pub created: Created,
    /// A second workshop, whose tokens must open nothing of the first.
    pub other: Created,
}

impl Fixture {
    /// Two group boards on the rings template, in Finnish.
    pub async fn new() -> anyhow::Result<Fixture> {
        Fixture::start(
            json!({"title": "Kumppanuusfoorumi", "locale": "fi", "template": "rings",
                              "groupCount": 2}),
        )
        .await
    }

    /// A fresh server, and on it two workshops made from `request`.
    pub async fn start(request: serde_json::Value) -> anyhow::Result<Fixture> {
        Fixture::start_with_args(request, &[]).await
    }

    /// `Fixture::new`'s workshops on a server keeping everything in a fresh PostgreSQL
    /// database; `None` (the test is skipped, and says so) without `KARTTA_TEST_POSTGRES_URL`.
    pub async fn on_postgres(test_name: &str) -> anyhow::Result<Option<Fixture>> {
        let Some(url) = crate::server::postgres_test_database(test_name) else {
            return Ok(None);
        };
        let request = json!({"title": "Kumppanuusfoorumi", "locale": "fi", "template": "rings",
                             "groupCount": 2});
        Ok(Some(
            Fixture::start_with_args(request, &["--postgres-url", &url]).await?,
        ))
    }

    /// A fresh server started with `args`, and on it two workshops made from `request`.
    pub async fn start_with_args(
        request: serde_json::Value,
        args: &[&str],
    ) -> anyhow::Result<Fixture> {
        let server = ServerProcess::start(args).await?;
        let created = create_workshop(&server, request.clone()).await?;
        let other = create_workshop(&server, request).await?;
        Ok(Fixture {
            server,
            created,
            other,
        })
    }

    /// The id of board `index` of the workshop.
    pub fn board(&self, index: usize) -> String {
        self.created.workshop.boards[index].id.clone()
    }

    /// The workshop's join code, which every workshop has.
    pub fn join_code(&self) -> String {
        self.created
            .workshop
            .join_code
            .clone()
            .expect("a workshop has a join code")
    }

    /// `/api/workshops/{id}` followed by `rest`.
    pub fn workshop_path(&self, rest: &str) -> String {
        format!("/api/workshops/{}{rest}", self.created.workshop.id)
    }

    pub fn token(&self, caller: Caller) -> Option<String> {
        let tokens = &self.created.tokens;
        match caller {
            Caller::Anonymous => None,
            Caller::OtherWorkshop => Some(self.other.tokens.facilitator.clone()),
            Caller::Viewer => Some(tokens.viewer.clone()),
            Caller::Participant => Some(tokens.participant.clone()),
            Caller::Facilitator => Some(tokens.facilitator.clone()),
        }
    }

    pub async fn call(
        &self,
        caller: Caller,
        method: &str,
        path: &str,
        payload: Option<serde_json::Value>,
    ) -> anyhow::Result<Response> {
        let token = self.token(caller);
        http(
            self.server.port,
            method,
            path,
            token.as_deref(),
            payload.and_then(json_body),
        )
        .await
    }

    pub async fn facilitator(
        &self,
        method: &str,
        path: &str,
        payload: Option<serde_json::Value>,
    ) -> anyhow::Result<Response> {
        self.call(Caller::Facilitator, method, path, payload).await
    }

    /// The workshop as `caller` sees it.
    pub async fn workshop_as(&self, caller: Caller) -> anyhow::Result<Workshop> {
        let path = self.workshop_path("");
        self.call(caller, "GET", &path, None).await?.json()
    }

    /// Takes a snapshot of board `board` as a participant (`request` is the body: a name, an
    /// author) and fails unless it is made.
    pub async fn take_snapshot(
        &self,
        board: &str,
        request: serde_json::Value,
    ) -> anyhow::Result<Snapshot> {
        let path = format!("/api/boards/{board}/snapshots");
        let taken = self
            .call(Caller::Participant, "POST", &path, Some(request))
            .await?;
        anyhow::ensure!(
            taken.status == 201,
            "taking a snapshot: {} {}",
            taken.status,
            taken.text()
        );
        taken.json()
    }

    /// Board `board` as its JSON export shows it to a participant.
    pub async fn board_export(&self, board: &str) -> anyhow::Result<BoardExport> {
        let path = format!("/api/boards/{board}/export.json");
        self.call(Caller::Participant, "GET", &path, None)
            .await?
            .json()
    }

    /// Snapshot `snapshot_id` as its JSON export shows it to a participant.
    pub async fn snapshot_export(&self, snapshot_id: &str) -> anyhow::Result<BoardExport> {
        let path = format!("/api/snapshots/{snapshot_id}/export.json");
        self.call(Caller::Participant, "GET", &path, None)
            .await?
            .json()
    }

    /// Connects to board `board` over the websocket as `caller`.
    pub async fn connect(&self, board: &str, caller: Caller) -> anyhow::Result<Client> {
        let url = match self.token(caller) {
            Some(token) => self.server.sync_url_with_token(board, &token),
            None => self.server.sync_url(board),
        };
        Client::connect(&url).await
    }

    /// Draws `actors` (id, name, x, y) on board `index` as a participant and waits until the
    /// server has them.
    pub async fn draw(
        &self,
        index: usize,
        actors: &[(&str, &str, f64, f64)],
    ) -> anyhow::Result<()> {
        let client = self
            .connect(&self.board(index), Caller::Participant)
            .await?;
        client
            .edit_and_wait_stored(|_, txn| {
                for (id, name, x, y) in actors {
                    add_actor(txn, id, name, *x);
                    set_actor_field(txn, id, "y", *y);
                }
            })
            .await?;
        client.close().await;
        Ok(())
    }

    /// Everything a denied request must leave as it was: the workshop as the facilitator sees
    /// it (titles, locks, snapshot counts) and the content of every board.
    pub async fn fingerprint(&self) -> anyhow::Result<String> {
        let workshop = self
            .facilitator("GET", &self.workshop_path(""), None)
            .await?;
        // Connection counts move as tests connect; they are not state.
        let mut print = strip_connection_counts(&workshop.text());
        for board in &self.created.workshop.boards {
            let export = self
                .facilitator(
                    "GET",
                    &format!("/api/boards/{}/export.json", board.id),
                    None,
                )
                .await?;
            print.push_str(&export.text());
        }
        Ok(print)
    }
}

fn strip_connection_counts(text: &str) -> String {
    const KEY: &str = "\"connections\":";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(KEY) {
        out.push_str(&rest[..at]);
        rest = &rest[at + KEY.len()..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}
