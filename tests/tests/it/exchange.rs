//! Boards in and out as files: JSON, SVG, PNG, CSV and the workshop ZIP, and imports.

use kartta_protocol::api::{BoardExport, Imported};
use kartta_tests::board::add_actor;
use kartta_tests::fixture::{Caller, Fixture};
use kartta_tests::{http, Client};

#[tokio::test]
async fn json_export_imports_back_and_a_bad_file_changes_nothing() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let (source, target) = (fixture.board(0), fixture.board(1));
    let participant = fixture.token(Caller::Participant).unwrap();
    let client =
        Client::connect(&fixture.server.sync_url_with_token(&source, &participant)).await?;
    client
        .edit_and_wait_stored(|_, txn| {
            add_actor(txn, "a", "<script>alert(1)</script>", 0.0);
            add_actor(txn, "b", "Åbo Akademi", 10.0);
            let relations = yrs::WriteTxn::get_or_insert_map(txn, "relations");
            let relation = yrs::Map::insert(&relations, txn, "r", yrs::MapPrelim::default());
            yrs::Map::insert(&relation, txn, "from", "a");
            yrs::Map::insert(&relation, txn, "to", "b");
            yrs::Map::insert(&relation, txn, "kind", "funding");
        })
        .await?;
    let export = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{source}/export.json"),
            None,
        )
        .await?;
    let exported: BoardExport = export.json()?;
    let imported = http(
        fixture.server.port,
        "POST",
        &format!("/api/boards/{target}/import"),
        Some(&participant),
        Some(("application/json", export.body.clone())),
    )
    .await?;
    assert_eq!(imported.status, 200, "{}", imported.text());
    let counts: Imported = imported.json()?;
    assert_eq!((counts.actors, counts.relations), (2, 1));
    let copy = fixture.board_export(&target).await?;
    let names = |export: &BoardExport| {
        let mut names: Vec<String> = export
            .actors
            .iter()
            .map(|actor| actor.name.clone())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&copy), names(&exported));
    assert_eq!(copy.relations.len(), 1);

    let before = fixture.fingerprint().await?;
    let broken = http(
        fixture.server.port,
        "POST",
        &format!("/api/boards/{target}/import"),
        Some(&participant),
        Some((
            "application/json",
            b"{\n  \"format\": \"kartta-board\",\n  \"actors\": [1,\n".to_vec(),
        )),
    )
    .await?;
    assert_eq!(broken.status, 400);
    assert!(
        broken.text().contains("Line "),
        "the error names the line: {}",
        broken.text()
    );
    assert_eq!(
        fixture.fingerprint().await?,
        before,
        "a bad import changes nothing"
    );
    Ok(())
}

#[tokio::test]
async fn imports_up_to_eight_megabytes_are_read_and_larger_bodies_get_our_json_413(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let (source, target) = (fixture.board(0), fixture.board(1));
    let participant = fixture.token(Caller::Participant).unwrap();
    let import_path = format!("/api/boards/{target}/import");
    let import = |bytes: Vec<u8>| {
        http(
            fixture.server.port,
            "POST",
            &import_path,
            Some(&participant),
            Some(("application/json", bytes)),
        )
    };
    // 3 MB, over axum's default limit of 2 MB: judged on its content (a real export).
    let export = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{source}/export.json"),
            None,
        )
        .await?;
    let mut padded = export.body.clone();
    padded.resize(3 * 1024 * 1024, b' ');
    let accepted = import(padded).await?;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    // 3 MB that are not an export: refused for what they are, not for their size.
    let refused_on_content = import(vec![b'x'; 3 * 1024 * 1024]).await?;
    assert_eq!(
        refused_on_content.status,
        400,
        "{}",
        refused_on_content.text()
    );

    // 9 MB: over the import limit, answered in the error shape the web app shows.
    let too_large = import(vec![b' '; 9 * 1024 * 1024]).await?;
    assert_eq!(too_large.status, 413, "{}", too_large.text());
    let error: serde_json::Value = too_large.json()?;
    assert_eq!(error["error"], "payload_too_large");
    assert!(
        error["message"].as_str().unwrap_or("").contains("8 MB"),
        "{error}"
    );

    // Every other route that takes a body keeps axum's 2 MB limit, with the same error shape.
    let mut long_title = br#"{"title":""#.to_vec();
    long_title.resize(3 * 1024 * 1024, b'a');
    long_title.extend_from_slice(br#""}"#);
    let workshop = http(
        fixture.server.port,
        "POST",
        "/api/workshops",
        None,
        Some(("application/json", long_title)),
    )
    .await?;
    assert_eq!(workshop.status, 413, "{}", workshop.text());
    let error: serde_json::Value = workshop.json()?;
    assert_eq!(error["error"], "payload_too_large");
    Ok(())
}

#[tokio::test]
async fn boards_export_as_svg_png_csv_and_zip_and_csv_imports_back() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let (source, target) = (fixture.board(0), fixture.board(1));
    let participant = fixture.token(Caller::Participant).unwrap();
    let client =
        Client::connect(&fixture.server.sync_url_with_token(&source, &participant)).await?;
    let names = [
        "<script>alert(1)</script>",
        "Åbo Akademi",
        "Turku & Co \"Oy\"",
        "Kirkko, seurakunta",
    ];
    client
        .edit_and_wait_stored(|_, txn| {
            for (index, name) in names.iter().enumerate() {
                add_actor(txn, &format!("a{index}"), name, index as f64 * 250.0);
            }
            let relations = yrs::WriteTxn::get_or_insert_map(txn, "relations");
            for (id, from, to) in [("r1", "a0", "a1"), ("r2", "a2", "a3")] {
                let relation = yrs::Map::insert(&relations, txn, id, yrs::MapPrelim::default());
                yrs::Map::insert(&relation, txn, "from", from);
                yrs::Map::insert(&relation, txn, "to", to);
                yrs::Map::insert(&relation, txn, "kind", "information");
                yrs::Map::insert(&relation, txn, "direction", "both_ways");
            }
        })
        .await?;
    let get = |file: &'static str| {
        let path = format!("/api/boards/{source}/{file}");
        let fixture = &fixture;
        async move { fixture.call(Caller::Participant, "GET", &path, None).await }
    };

    let svg = get("export.svg").await?;
    assert_eq!(
        (svg.status, svg.content_type.as_str()),
        (200, "image/svg+xml")
    );
    let text = svg.text();
    let document = roxmltree::Document::parse(&text)
        .map_err(|error| anyhow::anyhow!("the SVG is not well-formed: {error}"))?;
    let texts: String = document
        .descendants()
        .filter(|node| node.is_text())
        .filter_map(|node| node.text())
        .collect::<Vec<_>>()
        .join(" ");
    for name in names {
        assert!(texts.contains(name), "{name} is in the drawing as text");
    }
    assert!(!text.contains("<script>"), "markup in a name stays text");
    let width: f64 = document
        .root_element()
        .attribute("width")
        .unwrap_or("0")
        .parse()?;
    let height: f64 = document
        .root_element()
        .attribute("height")
        .unwrap_or("0")
        .parse()?;

    let png = get("export.png").await?;
    assert_eq!((png.status, png.content_type.as_str()), (200, "image/png"));
    let decoder = png::Decoder::new(std::io::Cursor::new(png.body.clone()));
    let mut reader = decoder.read_info()?;
    let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let frame = reader.next_frame(&mut pixels)?;
    assert_eq!(
        (frame.width as f64, frame.height as f64),
        (width.ceil(), height.ceil()),
        "the PNG is the drawing's size"
    );
    let first = &pixels[..4];
    assert!(
        pixels.chunks(4).any(|pixel| pixel != first),
        "the PNG is not blank"
    );
    // Kept for a person to look at, beside the browser tests' screenshots.
    let artifacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-artifacts");
    if std::fs::create_dir_all(&artifacts).is_ok() {
        let _ = std::fs::write(artifacts.join("server-export.png"), &png.body);
        let _ = std::fs::write(artifacts.join("server-export.svg"), &svg.body);
    }

    // CSV out of one board and into another gives the same actors and relations.
    let actors_csv = get("actors.csv").await?;
    let relations_csv = get("relations.csv").await?;
    assert!(actors_csv.content_type.starts_with("text/csv"));
    let port = fixture.server.port;
    for (sheet, csv) in [("actors", &actors_csv), ("relations", &relations_csv)] {
        let imported = http(
            port,
            "POST",
            &format!("/api/boards/{target}/import?sheet={sheet}"),
            Some(&participant),
            Some(("text/csv", csv.body.clone())),
        )
        .await?;
        assert_eq!(imported.status, 200, "{sheet}: {}", imported.text());
    }
    let original: BoardExport = get("export.json").await?.json()?;
    let copy = fixture.board_export(&target).await?;
    let shape = |board: &BoardExport| {
        let name_of = |id: &str| {
            board
                .actors
                .iter()
                .find(|actor| actor.id == id)
                .map(|actor| actor.name.clone())
                .unwrap_or_default()
        };
        let mut actors: Vec<(String, String, i64)> = board
            .actors
            .iter()
            .map(|a| (a.name.clone(), a.kind.code().to_owned(), a.x as i64))
            .collect();
        let mut relations: Vec<(String, String, String)> = board
            .relations
            .iter()
            .map(|r| {
                (
                    name_of(&r.from),
                    name_of(&r.to),
                    r.direction.code().to_owned(),
                )
            })
            .collect();
        actors.sort();
        relations.sort();
        (actors, relations)
    };
    assert_eq!(
        shape(&copy),
        shape(&original),
        "CSV export then import round-trips actors and relations"
    );

    // A malformed sheet: 400 naming the line and the reason, and nothing changes.
    let before = fixture.fingerprint().await?;
    let bad = b"Label,Type\nTurku,municipality\nRaisio,castle\n".to_vec();
    let refused = http(
        port,
        "POST",
        &format!("/api/boards/{target}/import?sheet=actors"),
        Some(&participant),
        Some(("text/csv", bad)),
    )
    .await?;
    assert_eq!(refused.status, 400);
    let error: kartta_protocol::api::ErrorBody = refused.json()?;
    assert_eq!(error.error, "invalid_csv");
    assert!(
        error.message.contains("Line 3") && error.message.contains("castle"),
        "{}",
        error.message
    );
    assert_eq!(fixture.fingerprint().await?, before);

    // The whole workshop as one ZIP, for the facilitator only.
    let zip = fixture
        .call(
            Caller::Facilitator,
            "GET",
            &fixture.workshop_path("/export.zip"),
            None,
        )
        .await?;
    assert_eq!(
        (zip.status, zip.content_type.as_str()),
        (200, "application/zip")
    );
    assert!(zip.body.starts_with(b"PK"));
    for name in [
        "01-Ryhm",
        "/board.json",
        "/board.svg",
        "/actors.csv",
        "/relations.csv",
        "02-Ryhm",
    ] {
        assert!(
            zip.body
                .windows(name.len())
                .any(|window| window == name.as_bytes()),
            "{name} is in the archive"
        );
    }
    let refused = fixture
        .call(
            Caller::Participant,
            "GET",
            &fixture.workshop_path("/export.zip"),
            None,
        )
        .await?;
    assert_eq!(refused.status, 403);
    Ok(())
}

/// The `Content-Disposition` of `response`, checked to be an attachment named `ascii` for old
/// clients and `utf8_encoded` (RFC 5987) for browsers.
fn check_saved_name(response: &kartta_tests::Response, ascii: &str, utf8_encoded: &str) {
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.header("content-disposition").as_deref(),
        Some(format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{utf8_encoded}").as_str()),
    );
}

#[tokio::test]
async fn direct_links_save_files_named_after_the_board_snapshot_or_workshop() -> anyhow::Result<()>
{
    let fixture = Fixture::start(serde_json::json!({
        "title": "Kumppanuus \"Öljy\" Turku", "locale": "fi", "template": "rings", "groupCount": 1
    }))
    .await?;
    let board = fixture.board(0);
    let get = |path: String, caller: Caller| {
        let fixture = &fixture;
        async move { fixture.call(caller, "GET", &path, None).await }
    };

    let png = get(
        format!("/api/boards/{board}/export.png"),
        Caller::Participant,
    )
    .await?;
    check_saved_name(&png, "Ryhma 1.png", "Ryhm%C3%A4%201.png");
    let sheet = get(
        format!("/api/boards/{board}/actors.csv"),
        Caller::Participant,
    )
    .await?;
    check_saved_name(
        &sheet,
        "Ryhma 1 - actors.csv",
        "Ryhm%C3%A4%201%20%E2%80%93%20actors.csv",
    );

    let snapshot = fixture
        .take_snapshot(
            &board,
            serde_json::json!({"name": "Päivän \"1\" loppu", "author": "Aino"}),
        )
        .await?;
    let snapshot_png = get(
        format!("/api/snapshots/{}/export.png", snapshot.id),
        Caller::Participant,
    )
    .await?;
    // The quote is illegal in Windows file names, so it is left out.
    check_saved_name(
        &snapshot_png,
        "Ryhma 1 - Paivan 1 loppu.png",
        "Ryhm%C3%A4%201%20%E2%80%93%20P%C3%A4iv%C3%A4n%201%20loppu.png",
    );

    let zip = get(fixture.workshop_path("/export.zip"), Caller::Facilitator).await?;
    check_saved_name(
        &zip,
        "Kumppanuus Oljy Turku.zip",
        "Kumppanuus%20%C3%96ljy%20Turku.zip",
    );
    Ok(())
}

#[tokio::test]
async fn a_semicolon_sheet_with_labels_in_finnish_imports_back_into_the_same_board(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let (source, target) = (fixture.board(0), fixture.board(1));
    let participant = fixture.token(Caller::Participant).unwrap();
    let client =
        Client::connect(&fixture.server.sync_url_with_token(&source, &participant)).await?;
    client
        .edit_and_wait_stored(|_, txn| {
            add_actor(txn, "a0", "Åbo Akademi; kirjasto", -120.5);
            add_actor(txn, "a1", "=HYPERLINK(\"x\")", 250.0);
            let relations = yrs::WriteTxn::get_or_insert_map(txn, "relations");
            let relation = yrs::Map::insert(&relations, txn, "r1", yrs::MapPrelim::default());
            yrs::Map::insert(&relation, txn, "from", "a0");
            yrs::Map::insert(&relation, txn, "to", "a1");
            yrs::Map::insert(&relation, txn, "kind", "funding");
            yrs::Map::insert(&relation, txn, "direction", "one_way");
        })
        .await?;
    let port = fixture.server.port;
    for sheet in ["actors", "relations"] {
        let exported = fixture
            .call(
                Caller::Participant,
                "GET",
                &format!("/api/boards/{source}/{sheet}.csv?separator=semicolon"),
                None,
            )
            .await?;
        assert_eq!(exported.status, 200, "{}", exported.text());
        let text = exported.text();
        assert!(
            text.starts_with('\u{feff}'),
            "a byte-order mark comes first"
        );
        let header = text.lines().next().unwrap_or_default();
        assert!(header.contains(";Type (fi)"), "{header}");
        if sheet == "relations" {
            assert!(text.contains(";Rahoitus;Yksisuuntainen;"), "{text}");
        } else {
            assert!(
                text.contains("'=HYPERLINK"),
                "formulas stay neutralised: {text}"
            );
        }
        let imported = http(
            port,
            "POST",
            &format!("/api/boards/{target}/import?sheet={sheet}"),
            Some(&participant),
            Some(("text/csv", exported.body.clone())),
        )
        .await?;
        assert_eq!(imported.status, 200, "{sheet}: {}", imported.text());
    }
    let original = fixture.board_export(&source).await?;
    let copy = fixture.board_export(&target).await?;
    let actors = |board: &BoardExport| {
        let mut actors: Vec<(String, String, String)> = board
            .actors
            .iter()
            .map(|a| (a.name.clone(), a.kind.code().to_owned(), format!("{}", a.x)))
            .collect();
        actors.sort();
        actors
    };
    assert_eq!(actors(&copy), actors(&original));
    let relation = |board: &BoardExport| {
        let relation = &board.relations[0];
        let name = |id: &str| {
            board
                .actors
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.name.clone())
        };
        (
            name(&relation.from),
            name(&relation.to),
            relation.kind,
            relation.direction,
        )
    };
    assert_eq!(copy.relations.len(), 1);
    assert_eq!(relation(&copy), relation(&original));

    let refused = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{source}/actors.csv?separator=tab"),
            None,
        )
        .await?;
    assert_eq!(refused.status, 400, "{}", refused.text());
    Ok(())
}
