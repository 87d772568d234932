//! How long the match table's matching takes for the comparison of two 500-actor maps
//! (`web/bench/compare.mjs`'s maps: 400 numbered names on both, 100 of each map's own) and for
//! the personal maps of a 45-person workshop (45 × 40 actors, the region's organisations in the
//! spellings people use plus numbered local ones). Prints the median and the fastest of repeated
//! runs of grouping the actors and of proposing near matches.
//!
//! Run with `cargo bench -p kartta-protocol --bench matching`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use kartta_protocol::matching::{group_actors, propose, Decisions, Source};
use kartta_protocol::schema::{ActorKind, ActorView, BoardView, MetaView, Template};

const REPEATS: usize = 21;

fn actor(id: String, name: String, kind: ActorKind) -> ActorView {
    ActorView::new(id, name, kind)
}

fn board(actors: Vec<ActorView>) -> BoardView {
    BoardView {
        meta: MetaView {
            title: String::new(),
            template: Template::Rings,
            locale: None,
            locked: false,
            timer_ends_at: None,
            presenting: None,
            merged_from: Vec::new(),
            merged_groups: Vec::new(),
            vote: None,
            last_restore: None,
        },
        actors,
        relations: Vec::new(),
        notes: Vec::new(),
        strokes: Vec::new(),
    }
}

/// The two groups' maps of `web/bench/compare.mjs`: the same names and kinds.
fn compare_bench_maps() -> Vec<BoardView> {
    let kinds = [
        ActorKind::Municipality,
        ActorKind::RegionalAuthority,
        ActorKind::StateAgency,
        ActorKind::Business,
        ActorKind::EducationResearch,
        ActorKind::Association,
        ActorKind::Funder,
        ActorKind::Media,
    ];
    (1..=2)
        .map(|group| {
            board(
                (0..500)
                    .map(|index| {
                        let name = if index < 400 {
                            format!("Toimija {index}")
                        } else {
                            format!("Ryhmän {group} toimija {index}")
                        };
                        actor(
                            format!("g{group}a{index}"),
                            name,
                            kinds[index % kinds.len()],
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

/// Organisations of the region, each in the spellings people use for it.
const ORGANISATIONS: &[&[&str]] = &[
    &["Turun kaupunki", "Turku", "Åbo stad"],
    &["Kaarinan kaupunki", "Kaarina", "S:t Karins"],
    &["Paraisten kaupunki", "Parainen", "Pargas"],
    &["Naantali", "Naantalin kaupunki", "Nådendal"],
    &["Raisio", "Raision kaupunki"],
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
    &["TE-toimisto", "TE-palvelut"],
    &["Sinapsi ry", "Sinapsi"],
];

/// 45 personal maps of 40 actors each, drawn deterministically from the region's names.
fn workshop_maps() -> Vec<BoardView> {
    let mut seed: u64 = 2026;
    let mut below = |bound: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % bound as u64) as usize
    };
    (0..45)
        .map(|map| {
            let mut chosen: Vec<usize> = Vec::new();
            while chosen.len() < 40 {
                let index = below(90);
                if !chosen.contains(&index) {
                    chosen.push(index);
                }
            }
            board(
                chosen
                    .iter()
                    .enumerate()
                    .map(|(position, &index)| {
                        let name = if index < ORGANISATIONS.len() {
                            let spellings = ORGANISATIONS[index];
                            spellings[below(spellings.len())].to_owned()
                        } else {
                            let kinds =
                                ["yhdistys ry", "Oy", "koulu", "säätiö", "kehittämiskeskus"];
                            format!("Paikallinen {index} {}", kinds[index % kinds.len()])
                        };
                        actor(format!("m{map}a{position}"), name, ActorKind::Other)
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The time this thread has spent on a CPU (Linux's scheduler statistics), if known: on a
/// machine shared with other builds the wall clock mostly measures waiting for a core.
fn cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanoseconds))
}

/// Runs `work` `REPEATS` times and says "median M ms (fastest F ms), CPU median C ms": on a
/// shared machine the fastest run and the CPU time show what the code costs, the median what
/// a busy server would see.
fn timed<T>(mut work: impl FnMut() -> T) -> String {
    let mut times = Vec::with_capacity(REPEATS);
    let mut cpu_times = Vec::with_capacity(REPEATS);
    for _ in 0..REPEATS {
        let (start, cpu_start) = (Instant::now(), cpu_time());
        std::hint::black_box(work());
        times.push(start.elapsed());
        if let (Some(before), Some(after)) = (cpu_start, cpu_time()) {
            cpu_times.push(after - before);
        }
    }
    times.sort();
    cpu_times.sort();
    let ms = |time: Duration| time.as_secs_f64() * 1000.0;
    let cpu = cpu_times
        .get(cpu_times.len() / 2)
        .map(|median| format!(", CPU median {:.1} ms", ms(*median)))
        .unwrap_or_default();
    format!(
        "median {:.1} ms (fastest {:.1} ms){cpu} of {REPEATS}",
        ms(times[times.len() / 2]),
        ms(times[0])
    )
}

fn time(label: &str, maps: &[BoardView]) {
    let ids: Vec<String> = (0..maps.len())
        .map(|index| format!("map-{index}"))
        .collect();
    let sources: Vec<Source> = ids
        .iter()
        .zip(maps)
        .map(|(id, board)| Source { id, board })
        .collect();
    let decisions = Decisions::new();
    let (_, groups) = group_actors(&sources, &decisions);
    let proposals = propose(&sources, &groups, &decisions);
    // A digest of the whole outcome: a change meant only to make matching faster must leave it as is.
    let mut hasher = DefaultHasher::new();
    format!("{groups:?}{proposals:?}").hash(&mut hasher);
    println!(
        "{label}: {} actors → {} groups, {} proposals (digest {:016x})",
        maps.iter().map(|map| map.actors.len()).sum::<usize>(),
        groups.len(),
        proposals.len(),
        hasher.finish()
    );
    println!(
        "  grouping: {}",
        timed(|| group_actors(&sources, &decisions))
    );
    println!(
        "  proposing: {}",
        timed(|| propose(&sources, &groups, &decisions))
    );
}

fn main() {
    time(
        "two 500-actor maps (bench/compare.mjs)",
        &compare_bench_maps(),
    );
    time("45 personal maps of 40 actors", &workshop_maps());
}
