//! Network figures in the exports: the JSON export and the actor CSV sheet carry each actor's
//! degree, in/out-degree, betweenness, isolation and community, computed on the server from the
//! stored board, and the import takes both files back without them getting in the way.

use std::collections::HashMap;

use kartta_protocol::api::{BoardExport, Imported};
use kartta_tests::board::add_actor;
use kartta_tests::fixture::create_quick_board;
use kartta_tests::{http, Client, ServerProcess};
use serde_json::json;

#[tokio::test]
async fn exports_carry_the_network_figures_and_import_ignores_them() -> anyhow::Result<()> {
    let server = ServerProcess::start(&[]).await?;
    let create =
        |title: &str| create_quick_board(&server, json!({ "title": title, "template": "blank" }));
    let source = create("Tähti").await?;
    let target = create("Kopio").await?;
    let sheet_target = create("Taulukosta").await?;
    let (board, token) = (&source.workshop.boards[0].id, &source.tokens.participant);

    // A funder with three one-way grants, a partner of one grantee, and an actor on its own.
    let client = Client::connect(&server.sync_url_with_token(board, token)).await?;
    client
        .edit_and_wait_stored(|_, txn| {
            for (index, id) in ["fund", "city", "uni", "club", "partner", "alone"]
                .iter()
                .enumerate()
            {
                add_actor(txn, id, &format!("Actor {id}"), index as f64 * 250.0);
            }
            let relations = yrs::WriteTxn::get_or_insert_map(txn, "relations");
            let ties = [
                ("r1", "fund", "city", "one_way"),
                ("r2", "fund", "uni", "one_way"),
                ("r3", "fund", "club", "one_way"),
                ("r4", "club", "partner", "none"),
            ];
            for (id, from, to, direction) in ties {
                let relation = yrs::Map::insert(&relations, txn, id, yrs::MapPrelim::default());
                yrs::Map::insert(&relation, txn, "from", from);
                yrs::Map::insert(&relation, txn, "to", to);
                yrs::Map::insert(&relation, txn, "kind", "funding");
                yrs::Map::insert(&relation, txn, "direction", direction);
            }
        })
        .await?;
    let get = |file: &'static str| {
        let path = format!("/api/boards/{board}/{file}");
        async move { http(server.port, "GET", &path, Some(token), None).await }
    };

    let export = get("export.json").await?;
    assert_eq!(export.status, 200, "{}", export.text());
    let json: serde_json::Value = export.json()?;
    let figures: HashMap<String, serde_json::Value> = json["figures"]
        .as_array()
        .expect("the export has figures")
        .iter()
        .map(|figures| {
            (
                figures["actorId"].as_str().unwrap().to_owned(),
                figures.clone(),
            )
        })
        .collect();
    assert_eq!(figures.len(), 6);
    let fund = &figures["fund"];
    assert_eq!(
        (&fund["degree"], &fund["inDegree"], &fund["outDegree"]),
        (&json!(3), &json!(0), &json!(3))
    );
    assert_eq!(figures["club"]["inDegree"], json!(1));
    assert_eq!(figures["club"]["degree"], json!(2));
    // Five pairs (city–uni, city–club, city–partner, uni–club, uni–partner) meet only through
    // the funder: 10 ordered pairs over (n−1)(n−2) = 20 for n = 6.
    let fund_betweenness = fund["betweenness"].as_f64().unwrap();
    assert!((fund_betweenness - 0.5).abs() < 1e-9, "{fund_betweenness}");
    assert_eq!(figures["alone"]["isolated"], json!(true));
    assert_eq!(figures["fund"]["isolated"], json!(false));
    assert_ne!(figures["alone"]["component"], figures["fund"]["component"]);

    let sheet = get("actors.csv").await?;
    assert_eq!(sheet.status, 200);
    let text = sheet.text();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: HashMap<String, Vec<String>> = lines
        .map(|line| line.split(',').map(str::to_owned).collect::<Vec<_>>())
        .map(|row| (row[column("ID")].clone(), row))
        .collect();
    assert_eq!(rows["fund"][column("Degree")], "3");
    assert_eq!(rows["fund"][column("Out Degree")], "3");
    assert_eq!(rows["city"][column("In Degree")], "1");
    assert_eq!(rows["fund"][column("Betweenness")], "0.5");
    assert_eq!(rows["club"][column("Betweenness")], "0.3");
    assert_eq!(rows["alone"][column("Isolated")], "yes");
    assert_eq!(rows["fund"][column("Isolated")], "");
    assert_eq!(
        rows["fund"][column("Community")],
        (figures["fund"]["community"].as_u64().unwrap() + 1).to_string(),
        "the sheet counts clusters from 1"
    );

    // Both files go back in; the figures are not board content and are not imported.
    let target_id = &target.workshop.boards[0].id;
    let target_token = &target.tokens.participant;
    let imported = http(
        server.port,
        "POST",
        &format!("/api/boards/{target_id}/import"),
        Some(target_token),
        Some(("application/json", export.body.clone())),
    )
    .await?;
    assert_eq!(imported.status, 200, "{}", imported.text());
    let imported: Imported = imported.json()?;
    assert_eq!((imported.actors, imported.relations), (6, 4));
    let sheet_target_id = &sheet_target.workshop.boards[0].id;
    let sheet_import = http(
        server.port,
        "POST",
        &format!("/api/boards/{sheet_target_id}/import?sheet=actors"),
        Some(&sheet_target.tokens.participant),
        Some(("text/csv", sheet.body.clone())),
    )
    .await?;
    assert_eq!(sheet_import.status, 200, "{}", sheet_import.text());
    let from_sheet: Imported = sheet_import.json()?;
    assert_eq!(from_sheet.actors, 6);
    let copy: BoardExport = http(
        server.port,
        "GET",
        &format!("/api/boards/{target_id}/export.json"),
        Some(target_token),
        None,
    )
    .await?
    .json()?;
    assert_eq!((copy.actors.len(), copy.relations.len()), (6, 4));
    Ok(())
}
