//! TypeScript definitions for the web app, generated from this crate.
//!
//! `web/src/generated/protocol.ts` is the output of [`definitions`]; a test fails when the
//! committed file differs, and `KARTTA_UPDATE_GENERATED=1 cargo test -p kartta-protocol`
//! rewrites it.

use std::fmt::Write;

use crate::{api, card, close, codec, matching, placement, restore_notice, schema, style, vote};

/// An enum that travels as string codes.
pub trait StringCodes {
    const NAME: &'static str;
    fn codes() -> Vec<&'static str>;
}

fn string_codes<T: StringCodes>(out: &mut String) {
    let codes = T::codes();
    let union: Vec<String> = codes.iter().map(|c| format!("'{c}'")).collect();
    let _ = writeln!(out, "export type {} = {};", T::NAME, union.join(" | "));
    let _ = writeln!(
        out,
        "export const {}_CODES: readonly {}[] = [{}];\n",
        screaming(T::NAME),
        T::NAME,
        union.join(", ")
    );
}

/// A struct or enum declared through `ts-rs`, exported.
fn declared<T: ts_rs::TS>(out: &mut String) {
    let config = ts_rs::Config::new().with_large_int("number");
    let _ = writeln!(out, "export {}\n", T::decl(&config));
}

fn screaming(camel: &str) -> String {
    let mut out = String::new();
    for (i, ch) in camel.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

fn const_object(out: &mut String, name: &str, entries: &[(&str, String)]) {
    let _ = writeln!(out, "export const {name} = {{");
    for (key, value) in entries {
        let _ = writeln!(out, "  {key}: {value},");
    }
    let _ = writeln!(out, "}} as const;\n");
}

/// A record from each code of a string-code enum to a value, typed as such.
fn record(
    out: &mut String,
    doc: &str,
    name: &str,
    key_type: &str,
    value_type: &str,
    entries: &[(&str, String)],
) {
    let _ = writeln!(out, "/** {doc} */");
    let _ = writeln!(
        out,
        "export const {name}: Readonly<Record<{key_type}, {value_type}>> = {{"
    );
    for (key, value) in entries {
        let _ = writeln!(out, "  {key}: {value},");
    }
    let _ = writeln!(out, "}};\n");
}

fn quoted(text: &str) -> String {
    format!("'{text}'")
}

/// The whole generated TypeScript module.
pub fn definitions() -> String {
    use schema::field;
    let mut out = String::from(
        "// Generated from the kartta-protocol crate. Do not edit by hand:\n\
         // run `KARTTA_UPDATE_GENERATED=1 cargo test -p kartta-protocol` instead.\n\n",
    );
    const_object(
        &mut out,
        "ROOT",
        &[
            ("meta", quoted(schema::root::META)),
            ("actors", quoted(schema::root::ACTORS)),
            ("relations", quoted(schema::root::RELATIONS)),
            ("notes", quoted(schema::root::NOTES)),
            ("strokes", quoted(schema::root::STROKES)),
        ],
    );
    let fields = |names: &[(&str, &str)]| -> String {
        let inner: Vec<String> = names.iter().map(|(k, v)| format!("{k}: '{v}'")).collect();
        format!("{{ {} }}", inner.join(", "))
    };
    const_object(
        &mut out,
        "FIELD",
        &[
            (
                "meta",
                fields(&[
                    ("title", field::meta::TITLE),
                    ("template", field::meta::TEMPLATE),
                    ("locale", field::meta::LOCALE),
                    ("locked", field::meta::LOCKED),
                    ("timerEndsAt", field::meta::TIMER_ENDS_AT),
                    ("presenting", field::meta::PRESENTING),
                    ("mergedFrom", field::meta::MERGED_FROM),
                    ("mergedGroups", field::meta::MERGED_GROUPS),
                    ("vote", field::meta::VOTE),
                    ("schemaVersion", field::meta::SCHEMA_VERSION),
                    ("lastRestore", field::meta::LAST_RESTORE),
                ]),
            ),
            (
                "actor",
                fields(&[
                    ("name", field::actor::NAME),
                    ("kind", field::actor::KIND),
                    ("x", field::actor::X),
                    ("y", field::actor::Y),
                    ("description", field::actor::DESCRIPTION),
                    ("tags", field::actor::TAGS),
                    ("alias", field::actor::ALIAS),
                    ("influence", field::actor::INFLUENCE),
                    ("stance", field::actor::STANCE),
                    ("isPerson", field::actor::IS_PERSON),
                    ("sources", field::actor::SOURCES),
                ]),
            ),
            (
                "relation",
                fields(&[
                    ("from", field::relation::FROM),
                    ("to", field::relation::TO),
                    ("kind", field::relation::KIND),
                    ("label", field::relation::LABEL),
                    ("direction", field::relation::DIRECTION),
                    ("strength", field::relation::STRENGTH),
                    ("coordination", field::relation::COORDINATION),
                    ("status", field::relation::STATUS),
                    ("sources", field::relation::SOURCES),
                    ("otherKinds", field::relation::OTHER_KINDS),
                ]),
            ),
            (
                "note",
                fields(&[
                    ("x", field::note::X),
                    ("y", field::note::Y),
                    ("width", field::note::WIDTH),
                    ("height", field::note::HEIGHT),
                    ("color", field::note::COLOR),
                    ("variant", field::note::VARIANT),
                    ("body", field::note::BODY),
                ]),
            ),
            (
                "stroke",
                fields(&[
                    ("tool", field::stroke::TOOL),
                    ("color", field::stroke::COLOR),
                    ("width", field::stroke::WIDTH),
                    ("points", field::stroke::POINTS),
                ]),
            ),
        ],
    );
    string_codes::<schema::ActorKind>(&mut out);
    string_codes::<schema::RelationKind>(&mut out);
    string_codes::<schema::Direction>(&mut out);
    string_codes::<schema::Strength>(&mut out);
    string_codes::<schema::Coordination>(&mut out);
    string_codes::<schema::RelationStatus>(&mut out);
    string_codes::<schema::Stance>(&mut out);
    string_codes::<schema::Template>(&mut out);
    string_codes::<schema::Sector>(&mut out);
    string_codes::<schema::Ring>(&mut out);
    string_codes::<schema::RingPlacement>(&mut out);
    string_codes::<schema::NoteVariant>(&mut out);
    string_codes::<schema::StrokeTool>(&mut out);
    string_codes::<schema::Locale>(&mut out);
    const_object(
        &mut out,
        "TEMPLATE_GEOMETRY",
        &[
            (
                "ringRadii",
                format!(
                    "[{}]",
                    placement::RING_RADII
                        .map(|radius| radius.to_string())
                        .join(", ")
                ),
            ),
            ("sectorRadius", placement::SECTOR_RADIUS.to_string()),
            (
                "sectorStartAngle",
                placement::SECTOR_START_ANGLE.to_string(),
            ),
            ("ringLabelAngle", placement::RING_LABEL_ANGLE.to_string()),
            ("labelInset", placement::TEMPLATE_LABEL_INSET.to_string()),
            ("labelSize", placement::TEMPLATE_LABEL_SIZE.to_string()),
        ],
    );
    let actor_styles: Vec<(&str, String)> = schema::ActorKind::ALL
        .iter()
        .map(|kind| {
            let style = style::actor_style(*kind);
            (
                kind.code(),
                format!(
                    "{{ color: {}, shape: {} }}",
                    quoted(style.color),
                    quoted(style.shape)
                ),
            )
        })
        .collect();
    record(
        &mut out,
        "Colour and shape of each actor kind (protocol/src/style.rs).",
        "ACTOR_STYLE",
        "ActorKind",
        "{ color: string; shape: string }",
        &actor_styles,
    );
    let relation_colors: Vec<(&str, String)> = schema::RelationKind::ALL
        .iter()
        .map(|kind| (kind.code(), quoted(style::relation_color(*kind))))
        .collect();
    record(
        &mut out,
        "Line colour of each relation kind.",
        "RELATION_COLOR",
        "RelationKind",
        "string",
        &relation_colors,
    );
    let relation_colors_dark: Vec<(&str, String)> = schema::RelationKind::ALL
        .iter()
        .map(|kind| (kind.code(), quoted(style::relation_color_dark(*kind))))
        .collect();
    record(
        &mut out,
        "Line colour of each relation kind on the dark map (`prefers-color-scheme: dark`).",
        "RELATION_COLOR_DARK",
        "RelationKind",
        "string",
        &relation_colors_dark,
    );
    let widths: Vec<(&str, String)> = schema::Strength::ALL
        .iter()
        .map(|strength| {
            (
                strength.code(),
                style::strength_width(*strength).to_string(),
            )
        })
        .collect();
    record(
        &mut out,
        "Line width of each strength, in board units.",
        "STRENGTH_WIDTH",
        "Strength",
        "number",
        &widths,
    );
    let dashes: Vec<(&str, String)> = schema::RelationStatus::ALL
        .iter()
        .map(|status| (status.code(), quoted(style::status_dash(*status))))
        .collect();
    record(
        &mut out,
        "`stroke-dasharray` of each status; empty for a solid line.",
        "STATUS_DASH",
        "RelationStatus",
        "string",
        &dashes,
    );
    declared::<vote::VoteView>(&mut out);
    declared::<restore_notice::RestoreNotice>(&mut out);
    declared::<schema::MetaView>(&mut out);
    declared::<schema::ActorView>(&mut out);
    declared::<schema::RelationView>(&mut out);
    declared::<schema::NoteView>(&mut out);
    declared::<schema::StrokeView>(&mut out);
    declared::<schema::BoardView>(&mut out);
    declared::<api::Role>(&mut out);
    declared::<api::WorkshopKind>(&mut out);
    declared::<api::BoardKind>(&mut out);
    declared::<api::SnapshotReason>(&mut out);
    declared::<api::ErrorBody>(&mut out);
    declared::<api::Health>(&mut out);
    declared::<api::CreateBoardRequest>(&mut out);
    declared::<api::CreateWorkshopRequest>(&mut out);
    declared::<api::AccessTokens>(&mut out);
    declared::<api::Created>(&mut out);
    declared::<api::Workshop>(&mut out);
    declared::<api::SharedTokens>(&mut out);
    declared::<api::BoardSummary>(&mut out);
    declared::<api::BoardAccess>(&mut out);
    declared::<api::JoinRequest>(&mut out);
    declared::<api::Joined>(&mut out);
    declared::<api::Assignment>(&mut out);
    declared::<api::UpdateBoardRequest>(&mut out);
    declared::<api::AddBoardRequest>(&mut out);
    declared::<api::LockRequest>(&mut out);
    declared::<api::UpdateWorkshopRequest>(&mut out);
    declared::<api::ShareRequest>(&mut out);
    declared::<api::TimerRequest>(&mut out);
    declared::<api::CreateSnapshotRequest>(&mut out);
    declared::<api::Snapshot>(&mut out);
    declared::<api::Restored>(&mut out);
    declared::<api::RestoreRequest>(&mut out);
    declared::<api::Forked>(&mut out);
    declared::<api::BoardExport>(&mut out);
    declared::<api::Imported>(&mut out);
    declared::<matching::MatchBand>(&mut out);
    declared::<matching::MatchReason>(&mut out);
    declared::<matching::MatchVerdict>(&mut out);
    declared::<api::MapSelection>(&mut out);
    declared::<api::MapSourceKind>(&mut out);
    declared::<api::MapSource>(&mut out);
    declared::<api::MatchMember>(&mut out);
    declared::<api::MatchGroup>(&mut out);
    declared::<api::MatchProposal>(&mut out);
    declared::<api::MatchTable>(&mut out);
    declared::<api::MatchDecision>(&mut out);
    declared::<api::MatchDecisionChange>(&mut out);
    declared::<api::MatchDecisionsUpdate>(&mut out);
    declared::<api::MergeRequest>(&mut out);
    declared::<api::Merged>(&mut out);
    declared::<vote::StartVoteRequest>(&mut out);
    declared::<vote::DotChange>(&mut out);
    declared::<vote::DotRequest>(&mut out);
    declared::<vote::VoterRequest>(&mut out);
    declared::<vote::VoteStatus>(&mut out);
    const_object(
        &mut out,
        "MESSAGE_TYPE",
        &[
            ("sync", codec::MESSAGE_SYNC.to_string()),
            ("awareness", codec::MESSAGE_AWARENESS.to_string()),
            ("auth", codec::MESSAGE_AUTH.to_string()),
            ("queryAwareness", codec::MESSAGE_QUERY_AWARENESS.to_string()),
        ],
    );
    let limits = codec::DecodeLimits::default();
    const_object(
        &mut out,
        "DEFAULT_LIMITS",
        &[
            ("maxMessageBytes", limits.max_message_bytes.to_string()),
            (
                "maxAwarenessClients",
                limits.max_awareness_clients.to_string(),
            ),
            (
                "maxAwarenessStateBytes",
                limits.max_awareness_state_bytes.to_string(),
            ),
        ],
    );
    const_object(
        &mut out,
        "CARD",
        &[
            ("maxWidth", card::CARD_MAX_WIDTH.to_string()),
            ("minWidth", card::CARD_MIN_WIDTH.to_string()),
            ("textRightPadding", card::TEXT_RIGHT_PADDING.to_string()),
            ("minHeight", card::CARD_MIN_HEIGHT.to_string()),
            ("nameLeft", card::NAME_LEFT.to_string()),
            ("nameMaxWidth", card::NAME_MAX_WIDTH.to_string()),
            ("nameSizeOneLine", card::NAME_SIZE_ONE_LINE.to_string()),
            ("nameSizeWrapped", card::NAME_SIZE_WRAPPED.to_string()),
            ("nameLineHeight", card::NAME_LINE_HEIGHT.to_string()),
            ("nameMaxLines", card::NAME_MAX_LINES.to_string()),
            ("detailsLineHeight", card::DETAILS_LINE_HEIGHT.to_string()),
            ("detailsSize", card::DETAILS_SIZE.to_string()),
            ("detailsMaxWidth", card::DETAILS_MAX_WIDTH.to_string()),
            ("influencePips", card::INFLUENCE_PIPS.to_string()),
            ("padding", card::CARD_PADDING.to_string()),
            ("defaultCharWidth", card::DEFAULT_CHAR_WIDTH.to_string()),
            ("ellipsis", quoted(&card::ELLIPSIS.to_string())),
        ],
    );
    // One string of characters and one array of widths keep the table to a few lines.
    let characters: String = card::CHAR_WIDTHS.iter().map(|(ch, _)| *ch).collect();
    let widths: Vec<String> = card::CHAR_WIDTHS
        .iter()
        .map(|(_, width)| width.to_string())
        .collect();
    let _ = writeln!(
        out,
        "/** Advance widths (thousandths of an em) of the characters of `CARD_CHARS`, in order. */\n\
         export const CARD_CHARS = {};\nexport const CARD_CHAR_WIDTHS: readonly number[] = [{}];\n",
        serde_json::to_string(&characters).unwrap_or_default(),
        widths.join(", ")
    );
    let close_codes: Vec<(&str, String)> = close::CloseReason::ALL
        .iter()
        .map(|reason| (reason.name(), reason.code().to_string()))
        .collect();
    const_object(&mut out, "CLOSE_CODE", &close_codes);
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn generated_typescript_is_fresh() {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web/src/generated/protocol.ts");
        let expected = super::definitions();
        if std::env::var_os("KARTTA_UPDATE_GENERATED").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is stale: run `KARTTA_UPDATE_GENERATED=1 cargo test -p kartta-protocol`",
            path.display()
        );
    }
}
