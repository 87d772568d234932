//! Times the server's network figures on a graph written by `web/bench/figures.mjs`, so the
//! Rust figure can be set beside the browser worker's for the same map.
//! Usage: `cargo run --release -p kartta-protocol --example figures_timing -- graph.json`

use std::time::Instant;

use kartta_protocol::figures::{figures, RelationEnds};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Graph {
    actor_ids: Vec<String>,
    relations: Vec<RelationEnds>,
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "test-artifacts/figures-bench-graph.json".into());
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cannot read {path}: {error} (run web/bench/figures.mjs first)");
            std::process::exit(1);
        }
    };
    let graph: Graph = match serde_json::from_str(&text) {
        Ok(graph) => graph,
        Err(error) => {
            eprintln!("{path} is not a figures graph: {error}");
            std::process::exit(1);
        }
    };
    let ids: Vec<&str> = graph.actor_ids.iter().map(String::as_str).collect();
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let computed = figures(&ids, &graph.relations);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(computed);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{} actors, {} relations: figures in {:.1} ms (median of 5; min {:.1}, max {:.1})",
        ids.len(),
        graph.relations.len(),
        times[2],
        times[0],
        times[4]
    );
}
