//! Request and response bodies of the HTTP API (`/api/…`), shared with the web app through the
//! generated TypeScript.
//!
//! Access works by capability tokens, no accounts: every board belongs to a workshop (a quick
//! board is a workshop of kind `quick` with one board), and a workshop has three tokens, one
//! per [`Role`]. A token travels as `Authorization: Bearer <token>` on HTTP calls and as
//! `?token=<token>` on the websocket (and on download links). Links put it in the URL fragment
//! (`/w/{id}#t=…`, `/b/{id}#t=…`) so it never reaches server logs or other sites.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::matching::{MatchBand, MatchReason, MatchVerdict};
use crate::schema::{
    ActorKind, ActorView, Locale, MetaView, NoteView, RelationView, StrokeView, Template,
};

/// What a token lets its holder do.
/// - `facilitator`: everything in the workshop (quick board: the creator's admin link).
/// - `participant`: read and edit unlocked boards, take snapshots, fork, export.
/// - `viewer`: read only; updates from a viewer connection are never applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Participant,
    Facilitator,
}

impl Role {
    pub fn can_edit(self) -> bool {
        self >= Role::Participant
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WorkshopKind {
    /// Made from the landing page: one board, no join code.
    Quick,
    /// Made by a facilitator: group boards, optional personal boards, a join code.
    Workshop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BoardKind {
    Quick,
    Group,
    Personal,
    /// Forked from a snapshot.
    Fork,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotReason {
    /// Named and saved by someone with edit rights.
    Manual,
    /// Taken by the facilitator for every board at once ("End of day 1").
    Workshop,
    /// Taken automatically just before a restore, so the restore loses nothing.
    BeforeRestore,
}

/// The body of every 4xx and 5xx response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `not_found`, `forbidden`, `invalid_csv`.
    pub error: String,
    /// A sentence for the person reading it.
    pub message: String,
}

/// `GET /healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Health {
    pub status: String,
    #[ts(type = "number")]
    pub rooms: u64,
    #[ts(type = "number")]
    pub connections: u64,
}

/// `POST /api/boards`: a quick board (no token needed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateBoardRequest {
    #[ts(optional)]
    pub title: Option<String>,
    #[ts(optional)]
    pub template: Option<Template>,
    #[ts(optional)]
    pub locale: Option<Locale>,
}

/// `POST /api/workshops` (no token needed): a workshop with `groupCount` group boards and one
/// personal board per name in `personalBoards`, and with `personalBoardsAtJoin` a personal board
/// for each participant who joins with a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateWorkshopRequest {
    pub title: String,
    pub locale: Locale,
    pub template: Template,
    pub group_count: u32,
    #[serde(default)]
    pub personal_boards: Vec<String>,
    /// Each participant who joins with a name gets a personal board of their own, created at
    /// join, which only they (and the facilitator) edit; others read it once it is shared.
    /// Off when absent, so older clients keep their workshops as they were.
    #[serde(default)]
    #[ts(optional)]
    pub personal_boards_at_join: Option<bool>,
    /// Days until the workshop and all its data are purged (default 180, at most 730).
    #[serde(default)]
    #[ts(optional)]
    pub retention_days: Option<u32>,
}

/// The three secrets of a workshop. Returned once, at creation; only hashes are stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AccessTokens {
    pub facilitator: String,
    pub participant: String,
    pub viewer: String,
}

/// Answer to `POST /api/boards` and `POST /api/workshops`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Created {
    pub workshop: Workshop,
    pub tokens: AccessTokens,
}

/// `GET /api/workshops/{id}`: what the caller's role may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Workshop {
    pub id: String,
    pub kind: WorkshopKind,
    pub title: String,
    pub locale: Locale,
    pub template: Template,
    /// The participant join code (e.g. `KRTA-7MXP`); absent for viewers and quick boards.
    pub join_code: Option<String>,
    /// Unix seconds after which the workshop is purged.
    #[ts(type = "number")]
    pub retention_until: i64,
    /// The caller's role.
    pub role: Role,
    pub boards: Vec<BoardSummary>,
    /// Unix milliseconds when the workshop's timer ends; absent when none runs.
    #[ts(type = "number | null")]
    pub timer_ends_at: Option<i64>,
    /// The board presented to the whole workshop; absent when none is.
    pub presenting: Option<String>,
    /// The participant and viewer tokens, for the facilitator to share again; absent for others.
    pub shared_tokens: Option<SharedTokens>,
    /// Joining with a name creates a personal board (see `CreateWorkshopRequest`).
    #[serde(default)]
    pub personal_boards_at_join: bool,
}

/// `PATCH /api/workshops/{id}` (facilitator): change the workshop's options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct UpdateWorkshopRequest {
    #[ts(optional)]
    pub personal_boards_at_join: Option<bool>,
}

/// `POST /api/workshops/{id}/share` (facilitator): share every personal board made at join
/// with the workshop (participants and viewers read them, read-only), or stop sharing them.
/// `PATCH /api/boards/{id}` with `shared` does it for one board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ShareRequest {
    pub shared: bool,
}

/// The links a facilitator hands out: `/w/{id}#t={participant}` and `/w/{id}#t={viewer}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SharedTokens {
    pub participant: String,
    pub viewer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardSummary {
    pub id: String,
    pub workshop_id: String,
    pub title: String,
    pub kind: BoardKind,
    pub locked: bool,
    /// Live connections right now (0 when the board is not loaded).
    pub connections: u32,
    /// Display names of the people on the board right now, sorted (live presence, never
    /// stored). Only in a workshop read by its facilitator or a participant; empty otherwise.
    #[serde(default)]
    pub people: Vec<String>,
    pub snapshots: u32,
    /// Unix seconds of the board's creation.
    #[ts(type = "number")]
    pub created_at: i64,
    /// A personal board created at join: only its owner's capability (and the facilitator)
    /// edits it, and others see it only once it is shared.
    #[serde(default)]
    pub owned: bool,
    /// An owned personal board the facilitator shared: participants and viewers read it.
    #[serde(default)]
    pub shared: bool,
}

/// `GET /api/boards/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardAccess {
    pub board: BoardSummary,
    pub workshop_title: String,
    pub workshop_kind: WorkshopKind,
    pub role: Role,
}

/// `POST /api/join`: a participant joins with the code read aloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinRequest {
    /// Case and separators do not matter: `krta7mxp` and `KRTA-7MXP` are the same code.
    pub code: String,
    /// The participant's display name, used to find the board the facilitator assigned to that
    /// name (or the personal board with that name). Stored only as the title of the personal
    /// board a workshop with `personalBoardsAtJoin` creates for it.
    #[serde(default)]
    #[ts(optional)]
    pub name: Option<String>,
    /// A personal capability this device got at an earlier join: when it still owns a personal
    /// board of this workshop, that board is handed back instead of a new one.
    #[serde(default)]
    #[ts(optional)]
    pub personal_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Joined {
    pub workshop: Workshop,
    /// The participant token, to keep for this workshop.
    pub token: String,
    /// The board assigned to the given name, if any: open it directly.
    pub board_id: Option<String>,
    /// The joiner's own personal board (workshops with `personalBoardsAtJoin`, joined with a
    /// name), and the capability that alone edits it: keep it on this device.
    #[serde(default)]
    pub personal_board_id: Option<String>,
    #[serde(default)]
    pub personal_token: Option<String>,
}

/// `PUT /api/workshops/{id}/assignments` (facilitator): send the participant called `name` to
/// `boardId` when they join (`null` removes the assignment). Names match without regard to
/// case or surrounding spaces. `GET` lists the assignments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub name: String,
    pub board_id: Option<String>,
}

/// `PATCH /api/boards/{id}` (facilitator): rename or lock. A locked board accepts changes only
/// from the facilitator; the lock is also written to the board's `meta.locked`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct UpdateBoardRequest {
    #[ts(optional)]
    pub title: Option<String>,
    #[ts(optional)]
    pub locked: Option<bool>,
    /// The background switches the whole group's board at once, so only the facilitator
    /// changes it (also refused over the websocket from anyone else).
    #[ts(optional)]
    pub template: Option<Template>,
    /// Shares (or stops sharing) a personal board made at join; see `ShareRequest`.
    #[ts(optional)]
    pub shared: Option<bool>,
}

/// `POST /api/workshops/{id}/boards` (facilitator): a new group board in an existing workshop,
/// on the workshop's template and language; answered 201 with its `BoardSummary`. The title is
/// required (1–200 characters after trimming): the overview and the join list tell boards apart
/// by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AddBoardRequest {
    pub title: String,
}

/// `POST /api/workshops/{id}/lock` (facilitator): lock or unlock every board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LockRequest {
    pub locked: bool,
}

/// `POST /api/workshops/{id}/timer` (facilitator): start a timer every board shows (the server
/// writes `meta.timerEndsAt` into each board), or stop it with `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TimerRequest {
    /// Unix milliseconds when the timer ends, or `null` to stop it.
    #[ts(type = "number | null")]
    pub ends_at: Option<i64>,
}

/// `POST /api/workshops/{id}/present` (facilitator): present one board of the workshop to
/// everyone in it (the server writes `meta.presenting` into each board, so every open board
/// offers to go there and follow), or stop with `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresentRequest {
    pub board_id: Option<String>,
}

/// `POST /api/boards/{id}/snapshots` (participant) and `POST /api/workshops/{id}/snapshots`
/// (facilitator, every board at once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CreateSnapshotRequest {
    pub name: String,
    /// Display name of whoever takes it.
    #[serde(default)]
    #[ts(optional)]
    pub author: Option<String>,
}

/// A named, timestamped copy of a board's whole state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub id: String,
    pub board_id: String,
    pub name: String,
    pub reason: SnapshotReason,
    pub author: Option<String>,
    #[ts(type = "number")]
    pub created_at: i64,
    /// Size of the stored state in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
}

/// `POST /api/snapshots/{id}/restore`: the board now holds the snapshot's content; `saved` is
/// the snapshot of what it held just before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Restored {
    pub saved: Snapshot,
}

/// The optional body of `POST /api/snapshots/{id}/restore` (facilitator): the name shown to
/// every member in the notice of the restore.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RestoreRequest {
    #[serde(default)]
    #[ts(optional)]
    pub author: Option<String>,
}

/// `POST /api/snapshots/{id}/fork`: a new board in the same workshop with the snapshot's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Forked {
    pub board: BoardSummary,
}

/// `GET /api/boards/{id}/thumbnail.svg` (any role) draws the board cropped to its content, for
/// overviews; `export.svg`, `export.png`, `actors.csv` and `relations.csv` (participants) draw
/// or list the whole board.
///
/// `GET /api/boards/{id}/export.json` and `GET /api/snapshots/{id}/export.json`; also the body
/// `POST /api/boards/{id}/import` accepts as `application/json`.
///
/// Every export of a merged board takes `?minSupport=k`: only the actors and relations at
/// least k of its maps hold (and what was added on the merged board itself, which has no
/// sources), as the "k of n" slider shows them.
/// The export as written also carries each actor's network figures
/// (`figures::BoardExportWithFigures`); the import ignores them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BoardExport {
    /// Always `kartta-board`.
    pub format: String,
    /// 1 for this shape.
    pub version: u32,
    pub meta: MetaView,
    pub actors: Vec<ActorView>,
    pub relations: Vec<RelationView>,
    pub notes: Vec<NoteView>,
    pub strokes: Vec<StrokeView>,
}

/// Answer to an import: what was added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Imported {
    pub actors: u32,
    pub relations: u32,
    pub notes: u32,
    pub strokes: u32,
}

/// Which maps a comparison, a match table or a merge is about: boards of the workshop (as they
/// are now) and snapshots of its boards. `POST /api/workshops/{id}/matches/propose` takes this.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct MapSelection {
    pub board_ids: Vec<String>,
    pub snapshot_ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MapSourceKind {
    Board,
    Snapshot,
}

/// One map of a selection, in the order the selection named them (boards, then snapshots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MapSource {
    /// The board's or the snapshot's id: what `sources` of merged elements hold.
    pub id: String,
    pub kind: MapSourceKind,
    /// The board's title; for a snapshot, "board title – snapshot name".
    pub title: String,
}

/// One actor of one map in a match table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MatchMember {
    pub source_id: String,
    pub actor_id: String,
    pub name: String,
    pub kind: ActorKind,
    /// The name's strict key: what a decision about this name is stored under.
    pub key: String,
    /// Relations the actor has on its map (to show how central it is there).
    pub relations: u32,
}

/// Actors the server counts as one: joined automatically (same id, alias, same name) or by a
/// confirmed decision. A group of one has no reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MatchGroup {
    pub members: Vec<MatchMember>,
    pub reasons: Vec<MatchReason>,
}

/// A near match between two groups (indexes into `groups`), never applied until a person
/// confirms it with a decision on `keyA` and `keyB`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MatchProposal {
    pub group_a: u32,
    pub group_b: u32,
    pub band: MatchBand,
    pub reason: MatchReason,
    pub key_a: String,
    pub key_b: String,
    /// Ids of the maps holding a card of each group: a merge keeps two cards of one map apart,
    /// so "same" does not join these (the table says why and offers "different"). Empty when
    /// a "same" would be followed.
    #[serde(default)]
    pub shared_maps: Vec<String>,
}

/// Answer to `POST /api/workshops/{id}/matches/propose` (facilitator): the match table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MatchTable {
    pub sources: Vec<MapSource>,
    pub groups: Vec<MatchGroup>,
    pub proposals: Vec<MatchProposal>,
}

/// A remembered answer about two names (strict keys) in a workshop, used by every later match
/// and merge there. `GET /api/workshops/{id}/matches` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MatchDecision {
    pub key_a: String,
    pub key_b: String,
    pub verdict: MatchVerdict,
}

/// `PUT /api/workshops/{id}/matches` (facilitator): record decisions; a `null` verdict forgets
/// the decision about that pair (undo). Keys may also be names: they are normalised to strict
/// keys. Answers with every decision of the workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MatchDecisionChange {
    pub key_a: String,
    pub key_b: String,
    pub verdict: Option<MatchVerdict>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MatchDecisionsUpdate {
    pub decisions: Vec<MatchDecisionChange>,
}

/// `POST /api/workshops/{id}/merge` (facilitator): a new board in the workshop holding the
/// union of the chosen maps, each element with its `sources` (see `kartta_protocol::merge`).
/// The workshop's match decisions are applied; proposals are not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct MergeRequest {
    pub board_ids: Vec<String>,
    pub snapshot_ids: Vec<String>,
    /// The new board's title; empty: "Merged map" in the workshop's language.
    pub title: String,
    /// The chosen maps' ids (boards and snapshots) in groups, each chosen map in exactly one.
    /// Given, the maps of each group are merged first and then the groups, and support counts
    /// groups ("k of G groups", `merge::merge_in_groups`); empty or absent, map by map.
    pub groups: Vec<Vec<String>>,
}

/// Answer to a merge: the new board (like a fork's answer), the maps merged in order (the
/// *n* of "k of n"), and how many actors and relations the union holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Merged {
    pub board: BoardSummary,
    pub sources: Vec<MapSource>,
    pub actors: u32,
    pub relations: u32,
}
