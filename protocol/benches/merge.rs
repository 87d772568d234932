//! How long merging the personal maps of a 45-person workshop takes: 45 boards of 40 actors
//! (names drawn from one region's organisations, spelt the ways people spell them) and 60
//! relations each. Prints the median of repeated runs of the merge alone and of the whole
//! server-side path short of storing: decoding the stored states, reading them, merging.
//!
//! Run with `cargo bench -p kartta-protocol --bench merge`.

use std::time::{Duration, Instant};

use kartta_protocol::matching::{Decisions, Source};
use kartta_protocol::merge::merge;
use kartta_protocol::schema::{field, root, BoardView};
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, Map, MapPrelim, ReadTxn, StateVector, Transact, Update, WriteTxn};

const BOARDS: usize = 45;
const ACTORS_PER_BOARD: usize = 40;
const RELATIONS_PER_BOARD: usize = 60;
const REPEATS: usize = 21;

/// Organisations of the region, each in the spellings people use for it.
const ORGANISATIONS: &[&[&str]] = &[
    &["Turun kaupunki", "Turku", "Åbo stad"],
    &["Kaarinan kaupunki", "Kaarina", "S:t Karins"],
    &["Paraisten kaupunki", "Parainen", "Pargas"],
    &["Naantali", "Naantalin kaupunki", "Nådendal"],
    &["Raisio", "Raision kaupunki"],
    &["Uusikaupunki", "Nystad"],
    &["Salon kaupunki", "Salo"],
    &["Lieto", "Liedon kunta", "Lundo"],
    &[
        "Varsinais-Suomen liitto",
        "Egentliga Finlands förbund",
        "VSL",
    ],
    &["Varsinais-Suomen hyvinvointialue", "Varha"],
    &["Varsinais-Suomen ELY-keskus", "ELY-keskus"],
    &["Turun yliopisto", "University of Turku"],
    &["Åbo Akademi"],
    &["Turun ammattikorkeakoulu", "Turku AMK"],
    &["Varsinais-Suomen Yrittäjät", "Yrittäjät"],
    &["Turun kauppakamari"],
    &["TE-toimisto", "TE-palvelut"],
    &["Sinapsi ry", "Sinapsi"],
];

/// A small deterministic generator, so every run merges the same maps.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// The names a board draws from: the region's organisations plus local associations,
/// companies and schools numbered so that boards overlap but are not identical.
fn name(random: &mut Lcg, index: usize) -> String {
    if index < ORGANISATIONS.len() {
        let spellings = ORGANISATIONS[index];
        spellings[random.below(spellings.len())].to_owned()
    } else {
        let kinds = ["yhdistys ry", "Oy", "koulu", "säätiö", "kehittämiskeskus"];
        format!("Paikallinen {} {}", index, kinds[index % kinds.len()])
    }
}

fn board_state(random: &mut Lcg) -> Vec<u8> {
    let doc = Doc::new();
    let meta = doc.get_or_insert_map(root::META);
    let mut txn = doc.transact_mut();
    meta.insert(&mut txn, field::meta::TEMPLATE, "rings");
    let pool = 90;
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < ACTORS_PER_BOARD {
        let index = random.below(pool);
        if !chosen.contains(&index) {
            chosen.push(index);
        }
    }
    let actors = txn.get_or_insert_map(root::ACTORS);
    for (position, index) in chosen.iter().enumerate() {
        let actor = actors.insert(
            &mut txn,
            format!("a{position}-{}", random.next()),
            MapPrelim::default(),
        );
        actor.insert(&mut txn, field::actor::NAME, name(random, *index));
        actor.insert(&mut txn, field::actor::KIND, "other");
        actor.insert(&mut txn, field::actor::X, random.below(1800) as f64 - 900.0);
        actor.insert(&mut txn, field::actor::Y, random.below(1800) as f64 - 900.0);
    }
    // Sorted: a map's key order differs between processes.
    let mut ids: Vec<String> = actors.keys(&txn).map(str::to_owned).collect();
    ids.sort();
    let relations = txn.get_or_insert_map(root::RELATIONS);
    for number in 0..RELATIONS_PER_BOARD {
        let relation = relations.insert(
            &mut txn,
            format!("r{number}-{}", random.next()),
            MapPrelim::default(),
        );
        relation.insert(
            &mut txn,
            field::relation::FROM,
            ids[random.below(ids.len())].as_str(),
        );
        relation.insert(
            &mut txn,
            field::relation::TO,
            ids[random.below(ids.len())].as_str(),
        );
        let kinds = ["collaboration", "information", "funding", "agreement"];
        relation.insert(
            &mut txn,
            field::relation::KIND,
            kinds[random.below(kinds.len())],
        );
        let strengths = ["weak", "normal", "strong"];
        relation.insert(
            &mut txn,
            field::relation::STRENGTH,
            Any::from(strengths[random.below(3)]),
        );
    }
    drop(txn);
    let state = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    state
}

fn read(state: &[u8]) -> BoardView {
    let doc = Doc::new();
    let update = Update::decode_v1(state).expect("a state the bench made");
    doc.transact_mut().apply_update(update).expect("it applies");
    let view = BoardView::read(&doc.transact());
    view
}

/// "median M ms (fastest F ms)": on a shared machine the fastest run shows what the code
/// costs, the median what a busy server would see.
fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |time: Duration| time.as_secs_f64() * 1000.0;
    format!(
        "median {:.1} ms (fastest {:.1} ms) of {REPEATS}",
        ms(times[times.len() / 2]),
        ms(times[0])
    )
}

fn main() {
    let mut random = Lcg(2026);
    let states: Vec<Vec<u8>> = (0..BOARDS).map(|_| board_state(&mut random)).collect();
    let ids: Vec<String> = (0..BOARDS).map(|index| format!("board-{index}")).collect();
    let decisions = Decisions::new();

    let views: Vec<BoardView> = states.iter().map(|state| read(state)).collect();
    let sources: Vec<Source> = ids
        .iter()
        .zip(&views)
        .map(|(id, board)| Source { id, board })
        .collect();
    let merged = merge(&sources, &decisions, "Foorumi");
    let again = merge(&sources, &decisions, "Foorumi");
    assert!(merged == again, "the merge depends only on its input");
    println!(
        "{BOARDS} boards × {ACTORS_PER_BOARD} actors, {RELATIONS_PER_BOARD} relations each → {} actors, {} relations",
        merged.actors.len(),
        merged.relations.len()
    );

    let merge_only: Vec<Duration> = (0..REPEATS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(merge(&sources, &decisions, "Foorumi"));
            start.elapsed()
        })
        .collect();
    let grouping: Vec<Duration> = (0..REPEATS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(kartta_protocol::matching::group_actors(
                &sources, &decisions,
            ));
            start.elapsed()
        })
        .collect();
    println!("grouping actors alone: {}", summary(grouping));
    let whole: Vec<Duration> = (0..REPEATS)
        .map(|_| {
            let start = Instant::now();
            let views: Vec<BoardView> = states.iter().map(|state| read(state)).collect();
            let sources: Vec<Source> = ids
                .iter()
                .zip(&views)
                .map(|(id, board)| Source { id, board })
                .collect();
            std::hint::black_box(merge(&sources, &decisions, "Foorumi"));
            start.elapsed()
        })
        .collect();
    println!("merge (grouping included): {}", summary(merge_only));
    println!("decode 45 states + read + merge: {}", summary(whole));
}
