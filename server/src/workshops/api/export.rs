//! Export of boards, snapshots and whole workshops (JSON, SVG, PNG, CSV, ZIP) and import of
//! JSON and CSV into a board.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kartta_protocol::api::{BoardExport, Imported, Role};
use kartta_protocol::figures::BoardExportWithFigures;
use kartta_protocol::schema::Locale;

use super::boards::edit_board;
use super::snapshots::{snapshot_role, snapshot_state};
use super::{blocking, board_role, require, require_unlocked, workshop_role, Token};
use crate::exchange::csv_sheets::{Separator, SheetOptions};
use crate::exchange::{csv_sheets, file_names, render};
use crate::http::ApiError;
use crate::sync::room::RoomCommand;
use crate::workshops::board_doc;
use crate::workshops::catalog::random_id;
use crate::AppState;

/// Largest import body accepted.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// The current state of a board, read through its room.
pub async fn current_state(state: &AppState, board_id: &str) -> Result<Vec<u8>, ApiError> {
    super::ask_room(state, board_id, |reply| RoomCommand::Snapshot {
        state: reply,
    })
    .await
}

fn to_export(bytes: &[u8]) -> Result<BoardExport, ApiError> {
    board_doc::export(bytes)
        .ok_or_else(|| ApiError::Internal("a stored board does not load".into()))
}

/// One exported file: its bytes and content type.
type File = (&'static str, Vec<u8>);

/// Renders `file` (`export.json`, `export.svg`, `export.png`, `actors.csv`, `relations.csv`)
/// of a board state, on a blocking thread (drawing a PNG takes a while), once one of the
/// server's few render permits is free: a crowd exporting at once queues instead of taking the
/// cores the live boards need.
async fn render_file(
    state: &AppState,
    state_bytes: Vec<u8>,
    file: String,
    min_support: Option<usize>,
    sheet: SheetRequest,
) -> Result<File, ApiError> {
    let _permit = render_permit(state).await?;
    tokio::task::spawn_blocking(move || {
        let mut board = to_export(&state_bytes)?;
        let sheet_options = SheetOptions {
            separator: sheet.separator,
            locale: board.meta.locale.unwrap_or(sheet.workshop_locale),
        };
        let caption = render::Caption {
            workshop_title: sheet.workshop_title,
            locale: board.meta.locale.unwrap_or(sheet.workshop_locale),
            at: sheet.at,
            time_zone: sheet.time_zone,
        };
        if let Some(k) = min_support {
            let units = kartta_protocol::schema::SupportUnits::of(&board.meta);
            kartta_protocol::merge::keep_supported(
                &mut board.actors,
                &mut board.relations,
                &units,
                k,
            );
        }
        Ok(match file.as_str() {
            "export.json" => (
                "application/json",
                serde_json::to_vec_pretty(&BoardExportWithFigures::new(board))
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            ),
            "export.svg" => (
                "image/svg+xml",
                render::presentable_svg(&board, &caption).into_bytes(),
            ),
            "thumbnail.svg" => ("image/svg+xml", render::thumbnail_svg(&board).into_bytes()),
            "export.png" => (
                "image/png",
                render::png(&render::presentable_svg(&board, &caption))
                    .map_err(ApiError::Internal)?,
            ),
            "actors.csv" => (
                "text/csv; charset=utf-8",
                csv_sheets::actors_sheet(&board, sheet_options),
            ),
            "relations.csv" => (
                "text/csv; charset=utf-8",
                csv_sheets::relations_sheet(&board, sheet_options),
            ),
            _ => return Err(ApiError::NotFound),
        })
    })
    .await
    .map_err(|error| ApiError::Internal(error.to_string()))?
}

async fn render_permit(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
    state
        .renders
        .clone()
        .acquire_owned()
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))
}

/// What a CSV sheet needs besides the board: the separator asked for, and the workshop's
/// language for a board that has none of its own.
#[derive(Debug, Clone)]
struct SheetRequest {
    separator: Separator,
    workshop_locale: Locale,
    /// What the title block of a picture says besides the board's title.
    workshop_title: String,
    /// Unix seconds: now for a board, when it was taken for a snapshot.
    at: i64,
    /// The workshops' time zone (`--time-zone`), whose date the picture says.
    time_zone: jiff::tz::TimeZone,
}

/// A file to save, named `name` (see `exchange::file_names`).
fn download((content_type, bytes): File, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                file_names::content_disposition(name),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The saved name of `file` (`export.png`, `actors.csv` …) of a board, or of one of its
/// snapshots: "Ryhmä 1 – Päivän 1 loppu.png", "Ryhmä 1 – actors.csv".
fn export_name(board_title: &str, snapshot_name: &str, file: &str) -> String {
    let (stem, extension) = file.rsplit_once('.').unwrap_or((file, ""));
    let sheet = if stem == "export" { "" } else { stem };
    file_names::download_name(&[board_title, snapshot_name, sheet], extension)
}

/// `?minSupport=k` on an export of a merged board: only what at least k of its maps hold.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportQuery {
    min_support: Option<String>,
    /// `?separator=semicolon` on a CSV sheet: for Finnish and Swedish spreadsheets.
    separator: Option<String>,
}

impl ExportQuery {
    fn separator(&self) -> Result<Separator, ApiError> {
        match self.separator.as_deref() {
            None => Ok(Separator::Comma),
            Some(text) => Separator::from_code(text).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "separator must be \"comma\" or \"semicolon\", not \"{text}\"."
                ))
            }),
        }
    }

    fn min_support(&self) -> Result<Option<usize>, ApiError> {
        self.min_support
            .as_deref()
            .map(|text| {
                text.parse::<usize>().map_err(|_| {
                    ApiError::BadRequest(format!(
                        "minSupport must be a whole number, not \"{text}\"."
                    ))
                })
            })
            .transpose()
    }
}

/// `GET /api/boards/{id}/{file}`: the board as it is now.
pub async fn board_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    Query(query): Query<ExportQuery>,
    token: Token,
) -> Result<Response, ApiError> {
    let (board, workshop, role) = board_role(&state, &id, &token).await?;
    // A thumbnail shows what any role may already see live; files to take away are exports.
    if file != "thumbnail.svg" {
        require(role, Role::Participant, "export boards")?;
    }
    let name = export_name(&board.title, "", &file);
    let sheet = SheetRequest {
        separator: query.separator()?,
        workshop_locale: workshop.locale,
        workshop_title: workshop.title.clone(),
        at: crate::workshops::catalog::unix_now(),
        time_zone: state.config.time_zone.clone(),
    };
    Ok(download(
        render_file(
            &state,
            current_state(&state, &board.id).await?,
            file,
            query.min_support()?,
            sheet,
        )
        .await?,
        &name,
    ))
}

/// `GET /api/snapshots/{id}/{file}`.
pub async fn snapshot_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    Query(query): Query<ExportQuery>,
    token: Token,
) -> Result<Response, ApiError> {
    let (snapshot, board, workshop, role) = snapshot_role(&state, &id, &token).await?;
    require(role, Role::Participant, "export snapshots")?;
    let name = export_name(&board.title, &snapshot.name, &file);
    let sheet = SheetRequest {
        separator: query.separator()?,
        workshop_locale: workshop.locale,
        workshop_title: workshop.title.clone(),
        at: snapshot.created_at,
        time_zone: state.config.time_zone.clone(),
    };
    Ok(download(
        render_file(
            &state,
            snapshot_state(&state, &snapshot.id).await?,
            file,
            query.min_support()?,
            sheet,
        )
        .await?,
        &name,
    ))
}

/// `GET /api/workshops/{id}/export.zip` (facilitator): every board as JSON, SVG and the two CSV
/// sheets, one folder per board.
pub async fn workshop_zip(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Response, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "export the whole workshop")?;
    let workshop_id = workshop.id.clone();
    let boards = blocking(&state, move |catalog| Ok(catalog.boards_of(&workshop_id)?)).await?;
    let mut states = Vec::with_capacity(boards.len());
    for board in &boards {
        states.push((board.title.clone(), current_state(&state, &board.id).await?));
    }
    let _permit = render_permit(&state).await?;
    let workshop_locale = workshop.locale;
    let workshop_title = workshop.title.clone();
    let made = ArchiveTime {
        at: crate::workshops::catalog::unix_now(),
        time_zone: state.config.time_zone.clone(),
    };
    let archive = tokio::task::spawn_blocking(move || {
        zip_boards(states, workshop_locale, &workshop_title, &made)
    })
    .await
    .map_err(|error| ApiError::Internal(error.to_string()))??;
    Ok(download(
        ("application/zip", archive),
        &file_names::download_name(&[&workshop.title], "zip"),
    ))
}

/// When a workshop archive is made, and where: its pictures' date and its entries' times.
struct ArchiveTime {
    at: i64,
    time_zone: jiff::tz::TimeZone,
}

impl ArchiveTime {
    /// A ZIP entry's time is a wall-clock time without a zone (MS-DOS's), which unpacking shows
    /// as it is: the workshop's local time, so the files are dated the day the facilitator saw.
    fn zip_time(&self) -> zip::DateTime {
        let local = crate::exchange::local_time::local_date_time(self.at, &self.time_zone);
        let part = |value: i8| u8::try_from(value).unwrap_or(0);
        u16::try_from(local.year())
            .ok()
            .and_then(|year| {
                zip::DateTime::from_date_and_time(
                    year,
                    part(local.month()),
                    part(local.day()),
                    part(local.hour()),
                    part(local.minute()),
                    part(local.second()),
                )
                .ok()
            })
            // Outside 1980–2107 a ZIP cannot say the time: the format's own default then.
            .unwrap_or_default()
    }
}

fn zip_boards(
    boards: Vec<(String, Vec<u8>)>,
    workshop_locale: Locale,
    workshop_title: &str,
    made: &ArchiveTime,
) -> Result<Vec<u8>, ApiError> {
    use std::io::Write;
    let failed = |error: zip::result::ZipError| ApiError::Internal(error.to_string());
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(made.zip_time());
    for (index, (title, bytes)) in boards.iter().enumerate() {
        let board = to_export(bytes)?;
        let sheet_options = SheetOptions {
            separator: Separator::Comma,
            locale: board.meta.locale.unwrap_or(workshop_locale),
        };
        let folder = format!("{:02}-{}", index + 1, file_name(title));
        let files: [(&str, Vec<u8>); 4] = [
            (
                "board.json",
                serde_json::to_vec_pretty(&BoardExportWithFigures::new(board.clone()))
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
            ),
            // The same picture as a board's own export: title block and legend included.
            (
                "board.svg",
                render::presentable_svg(
                    &board,
                    &render::Caption {
                        workshop_title: workshop_title.to_owned(),
                        locale: board.meta.locale.unwrap_or(workshop_locale),
                        at: made.at,
                        time_zone: made.time_zone.clone(),
                    },
                )
                .into_bytes(),
            ),
            (
                "actors.csv",
                csv_sheets::actors_sheet(&board, sheet_options),
            ),
            (
                "relations.csv",
                csv_sheets::relations_sheet(&board, sheet_options),
            ),
        ];
        for (name, content) in files {
            archive
                .start_file(format!("{folder}/{name}"), options)
                .map_err(failed)?;
            archive
                .write_all(&content)
                .map_err(|error| ApiError::Internal(error.to_string()))?;
        }
    }
    Ok(archive.finish().map_err(failed)?.into_inner())
}

/// A title as a safe file name: letters, digits and dashes.
fn file_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|ch| if ch.is_alphanumeric() { ch } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if cleaned.is_empty() {
        "board".into()
    } else {
        cleaned.chars().take(60).collect()
    }
}

/// `POST /api/boards/{id}/import`: a `BoardExport` as JSON, or one CSV sheet
/// (`?sheet=actors` or `?sheet=relations`). Everything is checked before the board is touched,
/// so a bad file changes nothing.
pub async fn import(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Imported>, ApiError> {
    // The route's `DefaultBodyLimit` is `MAX_IMPORT_BYTES`; a larger body ends up here.
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "Import files may be at most {} MB.",
                MAX_IMPORT_BYTES / 1024 / 1024
            ))
        } else {
            ApiError::BadRequest(rejection.body_text())
        }
    })?;
    let (board, _, role) = board_role(&state, &id, &token).await?;
    require(role, Role::Participant, "import into boards")?;
    require_unlocked(&board, role)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let plan = if content_type.starts_with("application/json") {
        Plan::Everything(parse_json(&body)?)
    } else if content_type.starts_with("text/csv") {
        match query.sheet.as_deref() {
            Some("actors") => Plan::Actors(csv_sheets::parse_actors(&body).map_err(invalid_csv)?),
            Some("relations") => {
                // Relations name actors already on the board: read them first.
                let current = to_export(&current_state(&state, &board.id).await?)?;
                Plan::Relations(
                    csv_sheets::parse_relations(&body, &current.actors).map_err(invalid_csv)?,
                )
            }
            _ => {
                return Err(ApiError::BadRequest(
                    "Say which sheet this is: ?sheet=actors or ?sheet=relations.".into(),
                ))
            }
        }
    } else {
        return Err(ApiError::BadRequest(
            "Send a Kartta JSON export (application/json) or a CSV sheet (text/csv).".into(),
        ));
    };
    let counts = std::sync::Arc::new(std::sync::Mutex::new([0u32; 4]));
    let shared = std::sync::Arc::new(plan);
    edit_board(&state, &board.id, || {
        let plan = shared.clone();
        let counts = counts.clone();
        Box::new(move |txn| {
            let added = match &*plan {
                Plan::Everything(export) => board_doc::import(txn, export, &mut random_id),
                Plan::Actors(sheet) => [
                    board_doc::import_actors(txn, &sheet.actors, &mut random_id),
                    0,
                    0,
                    0,
                ],
                Plan::Relations(sheet) => [
                    0,
                    board_doc::import_relations(txn, &sheet.relations, &mut random_id),
                    0,
                    0,
                ],
            };
            if let Ok(mut counts) = counts.lock() {
                *counts = added;
            }
        })
    })
    .await?;
    let [actors, relations, notes, strokes] =
        counts.lock().map(|counts| *counts).unwrap_or_default();
    Ok(Json(Imported {
        actors,
        relations,
        notes,
        strokes,
    }))
}

#[derive(Debug, serde::Deserialize)]
pub struct ImportQuery {
    sheet: Option<String>,
}

/// What an import adds.
enum Plan {
    Everything(BoardExport),
    Actors(BoardExport),
    Relations(BoardExport),
}

fn invalid_csv(error: csv_sheets::SheetError) -> ApiError {
    ApiError::Invalid {
        code: "invalid_csv",
        message: error.to_string(),
    }
}

/// Parses an export, naming the line and column of the first problem.
fn parse_json(body: &[u8]) -> Result<BoardExport, ApiError> {
    board_doc::parse_export(body).map_err(|error| ApiError::Invalid {
        code: "invalid_json",
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kartta_protocol::schema::Template;
    use std::io::Read;

    #[test]
    fn the_archives_pictures_carry_the_title_block_of_a_boards_own_export() {
        let state =
            crate::workshops::board_doc::initial_state("Ryhmä 1", Template::Rings, Locale::Fi);
        let made = ArchiveTime {
            at: 1_764_714_600, // 2 December 2025, 22:30 UTC: 3 December, 00:30 in Helsinki
            time_zone: crate::exchange::local_time::default_time_zone(),
        };
        let archive = zip_boards(
            vec![("Ryhmä 1".to_owned(), state)],
            Locale::Fi,
            "Kumppanuusfoorumi 2026",
            &made,
        )
        .unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive)).unwrap();
        let name = zip
            .file_names()
            .filter_map(Result::ok)
            .find(|name| name.ends_with("/board.svg"))
            .map(|name| name.into_owned())
            .expect("a picture in the archive");
        let mut svg = String::new();
        zip.by_name(&name)
            .unwrap()
            .read_to_string(&mut svg)
            .unwrap();
        assert!(svg.contains("Ryhmä 1"), "the board's title");
        assert!(
            svg.contains("Kumppanuusfoorumi 2026 · 3.12.2025"),
            "the workshop's title and its date in Helsinki in the title block"
        );
        // Every entry is dated with the workshop's wall-clock time, not UTC's day before.
        for index in 0..zip.len() {
            let entry = zip.by_index(index).unwrap();
            let time = entry.last_modified().expect("a time");
            assert_eq!(
                (
                    time.year(),
                    time.month(),
                    time.day(),
                    time.hour(),
                    time.minute()
                ),
                (2025, 12, 3, 0, 30),
                "{:?}",
                entry.name()
            );
        }
    }
}
