//! Which actors on several maps are the same organisation: name keys, a regional alias seed,
//! automatic groups (only on certainty) and proposals (near matches a person confirms or
//! rejects). Pure functions over [`BoardView`]s; nothing here is ever applied without a person
//! except what is certain.
//!
//! The rules (see `/work/shared/notes/compare-merge-figures.md` §3 and ARCHITECTURE.md):
//! - The **strict key** keeps å, ä and ö, and drops what does not name the organisation: case,
//!   spacing, punctuation, dash and quote variants, legal forms at either end (ry, oy, ab…),
//!   municipality designators (kaupunki, stad…, but not kuntayhtymä/samkommun); it expands
//!   "s:t" and turns the region's genitive place names into their base form (Turun → turku,
//!   Nådendals → nådendal).
//! - **Automatic** (in this order): the same actor id, an alias (the actor's own `alias` field,
//!   text in brackets, or the regional seed of whole names in fi/sv/en), an equal strict key
//!   when the kinds are compatible (equal, or one is `other`), a confirmed decision. Two cards
//!   of one map are never put together, and a "different" decision keeps two keys apart.
//! - **Proposed** (never applied): an equal loose key (å→a, no spaces or hyphens), an acronym,
//!   one name containing the other, a small edit distance, a place name in another language,
//!   a shared abbreviation. Two names whose organisation-type heads differ (liitto ≠
//!   hyvinvointialue) are not proposed, nor two different entities of the seed; short generic
//!   names (Yrittäjät, kirjasto) are only ever "maybe".

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use crate::schema::{ActorKind, ActorView, BoardView};

/// How sure a proposal is: `likely` is shown pre-ticked, `maybe` unticked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MatchBand {
    Maybe,
    Likely,
}

/// Why actors were grouped or proposed: a stable code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    /// Automatic: the same element id (maps forked from one template or snapshot).
    SameId,
    /// Automatic: an alias of the actor, or the regional seed of fi/sv/en names.
    Alias,
    /// Automatic: equal strict keys.
    SameName,
    /// Automatic: a person said these names are the same organisation.
    Confirmed,
    /// Proposed: the same letters once å/ä/ö, spaces and hyphens are ignored.
    LooseSpelling,
    /// Proposed: one name is the initials of the other (VSL).
    Acronym,
    /// Proposed: one name contains the other.
    Contains,
    /// Proposed: a small edit distance.
    SimilarSpelling,
    /// Proposed: alike once a place name is read in another language (Åbo Energi).
    TranslatedPlace,
    /// Proposed: both names share an abbreviation (TE-toimisto, TE-palvelut).
    SharedAbbreviation,
    /// Proposed: a short generic name that may mean different organisations on different maps.
    GenericName,
    /// Proposed: equal names, but the maps give them incompatible kinds.
    KindDiffers,
}

/// A person's answer about two strict keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MatchVerdict {
    Same,
    Different,
}

/// The decisions of a workshop, by unordered pair of strict keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decisions {
    verdicts: HashMap<(String, String), MatchVerdict>,
}

impl Decisions {
    pub fn new() -> Decisions {
        Decisions::default()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        if a <= b {
            (a.to_owned(), b.to_owned())
        } else {
            (b.to_owned(), a.to_owned())
        }
    }

    pub fn insert(&mut self, key_a: &str, key_b: &str, verdict: MatchVerdict) {
        self.verdicts.insert(Self::pair(key_a, key_b), verdict);
    }

    pub fn verdict(&self, key_a: &str, key_b: &str) -> Option<MatchVerdict> {
        // Most tables are made with few or no decisions: skip building the pair of keys then.
        if self.verdicts.is_empty() {
            return None;
        }
        self.verdicts.get(&Self::pair(key_a, key_b)).copied()
    }

    fn same_pairs(&self) -> impl Iterator<Item = &(String, String)> {
        self.verdicts
            .iter()
            .filter(|(_, verdict)| **verdict == MatchVerdict::Same)
            .map(|(pair, _)| pair)
    }
}

const LEGAL_FORMS: &[&str] = &[
    "oy", "oyj", "ab", "abp", "ry", "rf", "sr", "ky", "kb", "ay", "öb", "tmi", "osk", "ltd", "inc",
    "gmbh",
];
/// Words that say "the municipality of": dropped at either end, since Turku and Turun kaupunki
/// are one organisation. Joint authorities (kuntayhtymä, samkommun) are other organisations
/// and are not listed.
const DESIGNATORS: &[&str] = &[
    "kaupunki",
    "stad",
    "kunta",
    "kommun",
    "city",
    "town",
    "municipality",
];
/// Genitive place names of the region as they appear in organisation names (Finnish genitives
/// cannot be derived by rule: Turku–Turun, Lieto–Liedon).
const GENITIVES: &[(&str, &str)] = &[
    ("turun", "turku"),
    ("helsingin", "helsinki"),
    ("liedon", "lieto"),
    ("raision", "raisio"),
    ("kaarinan", "kaarina"),
    ("naantalin", "naantali"),
    ("salon", "salo"),
    ("uudenkaupungin", "uusikaupunki"),
    ("paraisten", "parainen"),
    ("varsinais-suomen", "varsinais-suomi"),
    ("maskun", "masku"),
    ("mynämäen", "mynämäki"),
    ("nousiaisten", "nousiainen"),
    ("ruskon", "rusko"),
    ("auran", "aura"),
    ("pöytyän", "pöytyä"),
    ("loimaan", "loimaa"),
    ("paimion", "paimio"),
    ("sauvon", "sauvo"),
    ("someron", "somero"),
    ("laitilan", "laitila"),
    ("kemiönsaaren", "kemiönsaari"),
    ("marttilan", "marttila"),
    ("taivassalon", "taivassalo"),
    ("kustavin", "kustavi"),
    ("vehmaan", "vehmaa"),
    ("pyhärannan", "pyhäranta"),
    ("oripään", "oripää"),
    ("lounais-suomen", "lounais-suomi"),
    ("suomen", "suomi"),
    ("tampereen", "tampere"),
    ("vaasan", "vaasa"),
    ("porin", "pori"),
];
/// One organisation per row, in its fi, sv and en names and abbreviations. Matched on whole
/// names only: "Åbo Akademi" must never become "Turku Akademi". All 27 municipalities of
/// Varsinais-Suomi are listed with their Swedish names where one is in use (checked in session 16
/// against the municipalities' own bilingual names; Koskis and Pöytis are the customary forms of
/// two officially Finnish-only names), plus the larger towns elsewhere people name on a map.
const SEED: &[&[&str]] = &[
    &["Turku", "Åbo"],
    &["Kaarina", "S:t Karins"],
    &["Parainen", "Pargas"],
    &["Naantali", "Nådendal"],
    &["Raisio", "Reso"],
    &["Uusikaupunki", "Nystad"],
    &["Salo"],
    &["Lieto", "Lundo"],
    &["Masku", "Masko"],
    &["Mynämäki", "Virmo"],
    &["Nousiainen", "Nousis"],
    &["Rusko"],
    &["Aura"],
    &["Pöytyä", "Pöytis"],
    &["Oripää"],
    &["Loimaa"],
    &["Marttila", "S:t Mårtens"],
    &["Koski Tl", "Koskis"],
    &["Somero"],
    &["Kemiönsaari", "Kimitoön"],
    &["Sauvo", "Sagu"],
    &["Paimio", "Pemar"],
    &["Laitila", "Letala"],
    &["Pyhäranta"],
    &["Taivassalo", "Tövsala"],
    &["Kustavi", "Gustavs"],
    &["Vehmaa", "Vemo"],
    &["Helsinki", "Helsingfors"],
    &["Espoo", "Esbo"],
    &["Vantaa", "Vanda"],
    &["Tampere", "Tammerfors"],
    &["Oulu", "Uleåborg"],
    &["Vaasa", "Vasa"],
    &["Pori", "Björneborg"],
    &["Porvoo", "Borgå"],
    &["Kokkola", "Karleby"],
    &["Pietarsaari", "Jakobstad"],
    &["Raasepori", "Raseborg"],
    &["Hanko", "Hangö"],
    &["Lohja", "Lojo"],
    &["Maarianhamina", "Mariehamn"],
    &["Kemi"],
    &["Kemijärvi"],
    &["Äänekoski"],
    &["Jyväskylä"],
    &["Varsinais-Suomi", "Egentliga Finland", "Southwest Finland"],
    &[
        "Varsinais-Suomen liitto",
        "Egentliga Finlands förbund",
        "Regional Council of Southwest Finland",
        "Council of Southwest Finland",
    ],
    &[
        "Varsinais-Suomen hyvinvointialue",
        "Egentliga Finlands välfärdsområde",
        "Wellbeing Services County of Southwest Finland",
        "Varha",
    ],
    &[
        "Varsinais-Suomen ELY-keskus",
        "NTM-centralen i Egentliga Finland",
        "ELY Centre for Southwest Finland",
        "Southwest Finland ELY Centre",
    ],
    &[
        "Lounais-Suomen aluehallintovirasto",
        "Regionförvaltningsverket i Sydvästra Finland",
        "Regional State Administrative Agency for Southwestern Finland",
        "Lounais-Suomen AVI",
    ],
    &[
        "Turun yliopisto",
        "Åbo universitet",
        "University of Turku",
        "UTU",
    ],
    &["Åbo Akademi", "Åbo Akademi University", "ÅA"],
    &[
        "Turun ammattikorkeakoulu",
        "Åbo yrkeshögskola",
        "Turku University of Applied Sciences",
        "Turku AMK",
        "TUAS",
    ],
    &[
        "Yrkeshögskolan Novia",
        "Novia",
        "Novia University of Applied Sciences",
        "Novian ammattikorkeakoulu",
    ],
    &[
        "Turun kauppakamari",
        "Åbo Handelskammare",
        "Turku Chamber of Commerce",
    ],
    &[
        "Varsinais-Suomen Yrittäjät",
        "Egentliga Finlands Företagare",
        "Entrepreneurs of Southwest Finland",
    ],
];
/// Heads of organisation names (the last word of a Finnish or Swedish name, or its end in a
/// compound): two names whose heads differ are different kinds of organisation, however alike
/// the rest is (Varsinais-Suomen liitto, Varsinais-Suomen hyvinvointialue).
const HEADS: &[&str] = &[
    "liitto",
    "hyvinvointialue",
    "keskus",
    "yliopisto",
    "ammattikorkeakoulu",
    "korkeakoulu",
    "kuntayhtymä",
    "yrittäjät",
    "seurakunta",
    "kirjasto",
    "koulu",
    "lukio",
    "opisto",
    "säätiö",
    "yhdistys",
    "kamari",
    "virasto",
    "osuuskunta",
    "museo",
    "sairaala",
    "rahasto",
    "ministeriö",
    "förbund",
    "välfärdsområde",
    "centralen",
    "universitet",
    "akademi",
    "yrkeshögskola",
    "samkommun",
    "företagare",
    "församling",
    "bibliotek",
    "skola",
    "stiftelse",
    "förening",
    "handelskammare",
    "verket",
];
/// Names that alone say too little: "Yrittäjät" on one map may be Varsinais-Suomen Yrittäjät,
/// on another Salon Seudun Yrittäjät.
const GENERIC_NAMES: &[&str] = &[
    "yrittäjät",
    "företagare",
    "kirjasto",
    "bibliotek",
    "koulu",
    "koulut",
    "skola",
    "seurakunta",
    "församling",
    "yliopisto",
    "asukkaat",
    "invånare",
    "residents",
    "media",
    "yritykset",
    "företag",
    "businesses",
    "järjestöt",
    "föreningar",
    "kunta",
    "kunnat",
    "kaupunki",
    "ministeriö",
    "rahoittajat",
    "nuoret",
    "unga",
];

/// Dash and quote variants, turned into ASCII ones.
fn unify_punctuation(ch: char) -> char {
    match ch {
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        other => other,
    }
}

/// The name split into its main part and the text in brackets (an alias candidate such as
/// "Varsinais-Suomen liitto (VSL)"), both lower-cased with unified punctuation.
fn split_brackets(name: &str) -> (String, Option<String>) {
    let unified: String = name
        .nfc()
        .map(unify_punctuation)
        .collect::<String>()
        .to_lowercase();
    let mut main = String::with_capacity(unified.len());
    let mut inside = String::new();
    let mut depth = 0usize;
    for ch in unified.chars() {
        match ch {
            '(' | '[' => {
                depth += 1;
                inside.push(' ');
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth > 0 => inside.push(ch),
            _ => main.push(ch),
        }
    }
    let inside = inside.trim().to_owned();
    (main, (!inside.is_empty()).then_some(inside))
}

/// Words of a lower-cased name: "s:t" expanded, punctuation other than inner hyphens and
/// apostrophes removed (so "r.y." is "ry").
fn words(lowered: &str) -> Vec<String> {
    lowered
        .split_whitespace()
        .map(|word| {
            if word == "s:t" {
                return "sankt".to_owned();
            }
            let kept: String = word
                .chars()
                .filter(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '\'' | '&'))
                .collect();
            kept.trim_matches(|ch| ch == '-' || ch == '\'').to_owned()
        })
        .filter(|word| !word.is_empty())
        .collect()
}

fn key_of_words(mut words: Vec<String>) -> String {
    // Legal forms and designators go only from the ends, and never the last word standing.
    loop {
        let before = words.len();
        for list in [LEGAL_FORMS, DESIGNATORS] {
            if words.len() > 1 && list.contains(&words[words.len() - 1].as_str()) {
                words.pop();
            }
            if words.len() > 1 && list.contains(&words[0].as_str()) {
                words.remove(0);
            }
        }
        // "city of turku", "municipality of kaarina".
        if words.len() > 1 && words[0] == "of" {
            words.remove(0);
        }
        if words.len() == before {
            break;
        }
    }
    for word in &mut words {
        if let Some((_, base)) = GENITIVES.iter().find(|(genitive, _)| genitive == word) {
            *word = (*base).to_owned();
        } else if let Some(base) = swedish_genitive_base(word) {
            *word = base.to_owned();
        }
    }
    words.join(" ")
}

/// The place a Swedish genitive names: "nådendals" (Nådendals stad) → "nådendal". Swedish adds
/// an -s where Finnish genitives need the list above; only one-word place names of the seed are
/// read so, and never a word that is itself such a name (Pargas, Gustavs, Koskis end in -s).
fn swedish_genitive_base(word: &str) -> Option<&'static str> {
    static PLACES: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    let places = PLACES.get_or_init(|| {
        SEED.iter()
            .flat_map(|names| names.iter())
            .map(|name| words(&name.nfc().collect::<String>().to_lowercase()))
            .filter(|words| words.len() == 1)
            .flatten()
            .collect()
    });
    let stem = word.strip_suffix('s')?;
    if places.contains(word) {
        return None;
    }
    places.get(stem).map(String::as_str)
}

/// The strict key of a name: equal keys are the same organisation (if the kinds agree).
pub fn strict_key(name: &str) -> String {
    let (main, bracketed) = split_brackets(name);
    let key = key_of_words(words(&main));
    if key.is_empty() {
        // A name that is only brackets is its bracketed text.
        bracketed
            .map(|inner| key_of_words(words(&inner)))
            .unwrap_or_default()
    } else {
        key
    }
}

/// The loose key of a strict key: diacritics folded (å→a, ä→a, ö→o, é→e), spaces, hyphens and
/// apostrophes removed. Only ever used to propose.
pub fn loose_key(strict: &str) -> String {
    strict
        .nfd()
        .filter(|ch| ch.is_alphanumeric())
        .collect::<String>()
        .nfc()
        .collect()
}

/// Strict keys of seed names → the seed row they belong to.
fn seed_index() -> &'static HashMap<String, usize> {
    static INDEX: OnceLock<HashMap<String, usize>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = HashMap::new();
        for (row, names) in SEED.iter().enumerate() {
            for name in *names {
                index.insert(strict_key(name), row);
            }
        }
        index
    })
}

/// Token-wise translations of place names between fi and sv (used only to propose).
fn place_words() -> &'static HashMap<String, String> {
    static WORDS: OnceLock<HashMap<String, String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words = HashMap::new();
        for names in SEED {
            let keys: Vec<String> = names.iter().map(|name| strict_key(name)).collect();
            if keys.iter().all(|key| !key.contains(' ')) {
                for key in &keys[1..] {
                    words.insert(key.clone(), keys[0].clone());
                }
            }
        }
        words
    })
}

/// The seed row a strict key names, if any.
pub fn seed_entity(key: &str) -> Option<usize> {
    seed_index().get(key).copied()
}

fn head_of(key: &str) -> Option<&'static str> {
    let last = key.rsplit(' ').next()?;
    HEADS
        .iter()
        .filter(|head| last.ends_with(*head))
        .max_by_key(|head| head.len())
        .copied()
}

fn is_generic(key: &str) -> bool {
    GENERIC_NAMES.contains(&key)
}

/// What matching knows about one name.
#[derive(Debug, Clone)]
struct NameFacts {
    key: String,
    loose: String,
    entity: Option<usize>,
    head: Option<&'static str>,
    generic: bool,
    /// Words written in capitals in the original (TE, ELY), lower-cased.
    abbreviations: Vec<String>,
    /// The original is a short all-capital word, lower-cased (VSL).
    acronym: Option<String>,
    // Derived from `key` once per name rather than once per pair of names: `propose` compares
    // every pair of distinct names, and these were most of its time.
    /// The words of `key`, sorted and without repeats.
    key_words: Vec<String>,
    /// The first letter of each word of `key` (what an acronym of it is).
    initials: String,
    /// The characters of `loose`, decoded once for the edit distances.
    loose_chars: Vec<char>,
    /// How many characters of `loose` fall into each of 64 buckets: the buckets two loose keys
    /// differ in bound their edit distance from below, so most pairs skip computing it.
    loose_histogram: [u16; 64],
    /// The characters of the loose key once place names are read in the other language, if
    /// that changes the key.
    translated_loose: Option<Vec<char>>,
}

/// A lower bound of the edit distance between two strings from their character histograms:
/// each edit changes the count of at most one bucket up and one down.
fn histogram_distance(a: &[u16; 64], b: &[u16; 64]) -> usize {
    let (mut more, mut fewer) = (0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        if x > y {
            more += usize::from(x - y);
        } else {
            fewer += usize::from(y - x);
        }
    }
    more.max(fewer)
}

/// How alike two strings of edit distance `distance` are when the longer has `longest`
/// characters: `strsim::normalized_levenshtein`'s formula, so the figures stay the same.
fn similarity(distance: usize, longest: usize) -> f64 {
    1.0 - (distance as f64) / (longest as f64)
}

/// The most edits two strings, the longer of `longest` characters, may be apart and still be
/// at least `threshold` alike. Counted with [`similarity`] itself rather than solved for, so
/// rounding can never make the two disagree.
fn most_edits(longest: usize, threshold: f64) -> usize {
    let mut edits = 0;
    while edits < longest && similarity(edits + 1, longest) >= threshold {
        edits += 1;
    }
    edits
}

/// Edit distances (insertions, deletions and substitutions of one character) up to a limit,
/// with working memory kept between calls: comparing thousands of pairs of names allocates
/// nothing. Two maps of numbered names ("Toimija 12", "Toimija 345") have a near spelling for
/// nearly every pair, so this is most of the match table's time.
#[derive(Debug, Default)]
struct EditDistance {
    /// The banded table's row, for strings longer than a machine word.
    row: Vec<usize>,
    /// Each distinct character of the shorter string with the bits of where it occurs.
    masks: Vec<(char, u64)>,
}

impl EditDistance {
    /// The edit distance between `a` and `b` if it is at most `limit`, else `None`.
    fn within(&mut self, a: &[char], b: &[char], limit: usize) -> Option<usize> {
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        if long.len() - short.len() > limit {
            return None;
        }
        if short.is_empty() {
            return Some(long.len());
        }
        if short.len() <= 64 {
            self.bit_parallel(short, long, limit)
        } else {
            self.banded(short, long, limit)
        }
    }

    /// Myers' bit-parallel algorithm, in Hyyrö's form for the distance between two whole
    /// strings: each column of the table (one character of `long`) is a dozen operations on the
    /// 64-bit words holding which cells of the column are one more or one less than the cell
    /// above. `short` has 1 to 64 characters.
    fn bit_parallel(&mut self, short: &[char], long: &[char], limit: usize) -> Option<usize> {
        self.masks.clear();
        for (position, &ch) in short.iter().enumerate() {
            let bit = 1u64 << position;
            match self.masks.iter_mut().find(|(seen, _)| *seen == ch) {
                Some((_, mask)) => *mask |= bit,
                None => self.masks.push((ch, bit)),
            }
        }
        let last_row = 1u64 << (short.len() - 1);
        let (mut plus_vertical, mut minus_vertical) = (u64::MAX, 0u64);
        let mut distance = short.len();
        for (column, &ch) in long.iter().enumerate() {
            let equal = self
                .masks
                .iter()
                .find(|(seen, _)| *seen == ch)
                .map_or(0, |(_, mask)| *mask);
            let cross_vertical = equal | minus_vertical;
            let cross_horizontal =
                ((equal & plus_vertical).wrapping_add(plus_vertical) ^ plus_vertical) | equal;
            let mut plus_horizontal = minus_vertical | !(cross_horizontal | plus_vertical);
            let mut minus_horizontal = plus_vertical & cross_horizontal;
            if plus_horizontal & last_row != 0 {
                distance += 1;
            } else if minus_horizontal & last_row != 0 {
                distance -= 1;
            }
            // The top row counts one up per column: the distance from an empty prefix.
            plus_horizontal = (plus_horizontal << 1) | 1;
            minus_horizontal <<= 1;
            plus_vertical = minus_horizontal | !(cross_vertical | plus_horizontal);
            minus_vertical = plus_horizontal & cross_vertical;
            // Each column left can lower the distance by one at most.
            if distance > limit + (long.len() - column - 1) {
                return None;
            }
        }
        (distance <= limit).then_some(distance)
    }

    /// The table row by row, only the cells within `limit` of the diagonal (no other can hold a
    /// distance of `limit` or less), stopping at the first row already over the limit.
    fn banded(&mut self, short: &[char], long: &[char], limit: usize) -> Option<usize> {
        // Anything over the limit is stored as `over`: its exact value no longer matters.
        let over = limit + 1;
        let row = &mut self.row;
        row.clear();
        row.extend((0..=long.len()).map(|column| column.min(over)));
        for (index, &short_char) in short.iter().enumerate() {
            let line = index + 1;
            let first = line.saturating_sub(limit).max(1);
            let last = (line + limit).min(long.len());
            // The cell left of the band: the distance to an empty prefix, or beyond the band.
            let mut diagonal = row[first - 1];
            let mut left = if first == 1 { line.min(over) } else { over };
            row[first - 1] = left;
            let mut line_best = left;
            for column in first..=last {
                let above = row[column];
                let substitution = diagonal + usize::from(short_char != long[column - 1]);
                let value = substitution.min(above + 1).min(left + 1).min(over);
                diagonal = above;
                row[column] = value;
                left = value;
                line_best = line_best.min(value);
            }
            if line_best > limit {
                return None;
            }
        }
        let distance = row[long.len()];
        (distance <= limit).then_some(distance)
    }

    /// How alike two strings are (`strsim::normalized_levenshtein`, the same figure) if at
    /// least `threshold`, else `None`.
    fn alike_at_least(&mut self, a: &[char], b: &[char], threshold: f64) -> Option<f64> {
        let longest = a.len().max(b.len());
        if longest == 0 {
            return (1.0 >= threshold).then_some(1.0);
        }
        let distance = self.within(a, b, most_edits(longest, threshold))?;
        Some(similarity(distance, longest))
    }
}

/// Whether two names' loose keys are at least `threshold` alike, computing the distance only
/// when their histograms leave it possible.
fn loose_keys_alike(
    a: &NameFacts,
    b: &NameFacts,
    threshold: f64,
    distances: &mut EditDistance,
) -> Option<f64> {
    let longest = a.loose_chars.len().max(b.loose_chars.len());
    if longest > 0 {
        let bound = histogram_distance(&a.loose_histogram, &b.loose_histogram);
        if similarity(bound, longest) < threshold {
            return None;
        }
    }
    distances.alike_at_least(&a.loose_chars, &b.loose_chars, threshold)
}

impl NameFacts {
    fn of(name: &str) -> NameFacts {
        let key = strict_key(name);
        let original: String = name.nfc().map(unify_punctuation).collect();
        let abbreviations = original
            .split(|ch: char| ch.is_whitespace() || ch == '-')
            .filter(|part| {
                part.chars().count() >= 2
                    && part
                        .chars()
                        .all(|ch| ch.is_alphabetic() && ch.is_uppercase())
            })
            .map(str::to_lowercase)
            .collect();
        let trimmed = original.trim();
        let acronym = (trimmed.chars().count() >= 2
            && trimmed.chars().count() <= 6
            && trimmed
                .chars()
                .all(|ch| ch.is_alphabetic() && ch.is_uppercase()))
        .then(|| trimmed.to_lowercase());
        let loose = loose_key(&key);
        let mut loose_histogram = [0u16; 64];
        for ch in loose.chars() {
            let bucket = &mut loose_histogram[(ch as usize) % 64];
            *bucket = bucket.saturating_add(1);
        }
        let mut key_words: Vec<String> = key.split(' ').map(str::to_owned).collect();
        key_words.sort();
        key_words.dedup();
        let translated_key = translated(&key);
        NameFacts {
            entity: seed_entity(&key),
            head: head_of(&key),
            generic: is_generic(&key),
            abbreviations,
            acronym,
            key_words,
            initials: initials(&key),
            loose_chars: loose.chars().collect(),
            loose_histogram,
            translated_loose: (translated_key != key)
                .then(|| loose_key(&translated_key).chars().collect()),
            loose,
            key,
        }
    }
}

fn initials(key: &str) -> String {
    key.split([' ', '-'])
        .filter_map(|part| part.chars().next())
        .collect()
}

fn translated(key: &str) -> String {
    key.split(' ')
        .map(|word| place_words().get(word).map_or(word, String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How alike a proposal's names are, in thousandths: what orders the proposals of one group.
/// Rules other than a spelling distance are as sure as a proposal gets.
const CERTAIN: u16 = 1000;

fn thousandths(similarity: f64) -> u16 {
    (similarity.clamp(0.0, 1.0) * 1000.0).round() as u16
}

/// Whether two names that are not automatically the same should be put to a person, how
/// strongly, why, and how alike (thousandths). `None`: not proposed.
fn propose_pair(
    a: &NameFacts,
    b: &NameFacts,
    decisions: &Decisions,
    distances: &mut EditDistance,
) -> Option<(MatchBand, MatchReason, u16)> {
    if decisions.verdict(&a.key, &b.key) == Some(MatchVerdict::Different) {
        return None;
    }
    // Two organisations the seed knows apart (Kemi, Kemijärvi) are different.
    if let (Some(x), Some(y)) = (a.entity, b.entity) {
        if x != y {
            return None;
        }
    }
    if a.generic || b.generic {
        let alike = a.loose == b.loose
            || a.key_words
                .iter()
                .any(|word| b.key_words.binary_search(word).is_ok());
        return alike.then_some((MatchBand::Maybe, MatchReason::GenericName, CERTAIN));
    }
    if a.key == b.key {
        // Equal names kept apart: the kinds differ.
        return Some((MatchBand::Maybe, MatchReason::KindDiffers, CERTAIN));
    }
    if a.abbreviations
        .iter()
        .any(|word| b.abbreviations.contains(word))
    {
        return Some((MatchBand::Maybe, MatchReason::SharedAbbreviation, CERTAIN));
    }
    if let (Some(x), Some(y)) = (a.head, b.head) {
        if x != y {
            return None;
        }
    }
    if a.loose == b.loose {
        return Some((MatchBand::Likely, MatchReason::LooseSpelling, CERTAIN));
    }
    let acronym_of = |short: &NameFacts, long: &NameFacts| {
        short
            .acronym
            .as_ref()
            .is_some_and(|acronym| long.key.contains(' ') && long.initials == *acronym)
    };
    if acronym_of(a, b) || acronym_of(b, a) {
        return Some((MatchBand::Likely, MatchReason::Acronym, CERTAIN));
    }
    let (length_a, length_b) = (a.loose_chars.len(), b.loose_chars.len());
    if length_a.min(length_b) * 4 >= length_a.max(length_b) * 3 {
        if let Some(similarity) = loose_keys_alike(a, b, 0.75, distances) {
            let band = if similarity >= 0.9 {
                MatchBand::Likely
            } else {
                MatchBand::Maybe
            };
            return Some((band, MatchReason::SimilarSpelling, thousandths(similarity)));
        }
    }
    // A place and an organisation of that place (Turku, Turun yliopisto) are not "containing".
    if a.head.is_none() == b.head.is_none() {
        let within = |small: &NameFacts, large: &NameFacts| {
            small
                .key_words
                .iter()
                .all(|word| large.key_words.binary_search(word).is_ok())
        };
        if within(a, b) || within(b, a) {
            return Some((MatchBand::Maybe, MatchReason::Contains, CERTAIN));
        }
    }
    if a.translated_loose.is_some() || b.translated_loose.is_some() {
        let translated_a = a.translated_loose.as_deref().unwrap_or(&a.loose_chars);
        let translated_b = b.translated_loose.as_deref().unwrap_or(&b.loose_chars);
        if let Some(similarity) = distances.alike_at_least(translated_a, translated_b, 0.85) {
            return Some((
                MatchBand::Maybe,
                MatchReason::TranslatedPlace,
                thousandths(similarity),
            ));
        }
    }
    None
}

/// One map to match: its id (a board or a snapshot) and its content.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub id: &'a str,
    pub board: &'a BoardView,
}

/// One actor of one source: indexes into the sources and their actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Member {
    pub source: usize,
    pub actor: usize,
}

/// Actors the matching put together, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// In source order, then actor order.
    pub members: Vec<Member>,
    /// Every automatic rule that joined members (empty for a group of one).
    pub reasons: Vec<MatchReason>,
}

/// A near match between two groups, to be confirmed by a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub group_a: usize,
    pub group_b: usize,
    pub band: MatchBand,
    pub reason: MatchReason,
    /// The two strict keys the proposal is about (what a decision is stored under).
    pub key_a: String,
    pub key_b: String,
    /// Sources (indexes) holding a card of each group: a merge never puts two cards of one map
    /// together, so "same" cannot join these groups ("VSL" beside "Varsinais-Suomen liitto" on
    /// one board). Empty when the merge can follow a "same".
    pub shared_sources: Vec<usize>,
    /// How alike the two names are, in thousandths (1000 for rules other than spelling).
    pub closeness: u16,
}

/// A near match found while comparing names, before the best few of each group are chosen
/// and become [`Proposal`]s: the two names are indexes into the distinct names.
#[derive(Debug, Clone, Copy)]
struct Offer {
    group_a: usize,
    group_b: usize,
    band: MatchBand,
    reason: MatchReason,
    closeness: u16,
    name_a: usize,
    name_b: usize,
}

/// The sources holding a member of both groups, in order.
fn shared_sources(a: &Group, b: &Group) -> Vec<usize> {
    let mut shared: Vec<usize> = a
        .members
        .iter()
        .map(|member| member.source)
        .filter(|source| b.members.iter().any(|other| other.source == *source))
        .collect();
    shared.dedup();
    shared
}

struct UnionFind {
    parent: Vec<usize>,
    /// Which sources each root's group holds, as bits.
    sources: Vec<Vec<u64>>,
    /// The group's kind other than `other`, if any.
    kind: Vec<Option<ActorKind>>,
    reasons: Vec<Vec<MatchReason>>,
}

impl UnionFind {
    fn find(&mut self, mut item: usize) -> usize {
        while self.parent[item] != item {
            self.parent[item] = self.parent[self.parent[item]];
            item = self.parent[item];
        }
        item
    }

    /// Joins the groups of `a` and `b` unless that would put two cards of one map together or,
    /// when `check_kinds`, mix incompatible kinds. Returns whether they are now one group.
    fn union(&mut self, a: usize, b: usize, reason: MatchReason, check_kinds: bool) -> bool {
        let (root_a, root_b) = (self.find(a), self.find(b));
        if root_a == root_b {
            return true;
        }
        let overlap = self.sources[root_a]
            .iter()
            .zip(&self.sources[root_b])
            .any(|(x, y)| x & y != 0);
        if overlap {
            return false;
        }
        if check_kinds {
            if let (Some(x), Some(y)) = (self.kind[root_a], self.kind[root_b]) {
                if x != y {
                    return false;
                }
            }
        }
        // The lower index stays the root, so the outcome does not depend on hashing.
        let (root, child) = (root_a.min(root_b), root_a.max(root_b));
        self.parent[child] = root;
        let child_sources = std::mem::take(&mut self.sources[child]);
        for (bits, other) in self.sources[root].iter_mut().zip(child_sources) {
            *bits |= other;
        }
        self.kind[root] = self.kind[root].or(self.kind[child]);
        let child_reasons = std::mem::take(&mut self.reasons[child]);
        for reason in child_reasons.into_iter().chain([reason]) {
            if !self.reasons[root].contains(&reason) {
                self.reasons[root].push(reason);
            }
        }
        true
    }
}

/// The actors of all sources put into groups by the automatic rules and confirmed decisions.
/// Deterministic: the same sources in the same order give the same groups, listed by their
/// first member.
pub fn group_actors(sources: &[Source], decisions: &Decisions) -> (Vec<Member>, Vec<Group>) {
    let members: Vec<Member> = sources
        .iter()
        .enumerate()
        .flat_map(|(source, view)| {
            (0..view.board.actors.len()).map(move |actor| Member { source, actor })
        })
        .collect();
    let actor =
        |member: &Member| -> &ActorView { &sources[member.source].board.actors[member.actor] };
    // Maps repeat names a lot: each distinct name is normalised once, with its bracketed alias.
    let mut by_name: HashMap<&str, (String, Option<String>)> = HashMap::new();
    for member in &members {
        let name = actor(member).name.as_str();
        by_name.entry(name).or_insert_with(|| {
            let (_, bracketed) = split_brackets(name);
            let bracketed = bracketed
                .map(|inner| key_of_words(words(&inner)))
                .filter(|key| !key.is_empty());
            (strict_key(name), bracketed)
        });
    }
    let keys: Vec<String> = members
        .iter()
        .map(|m| by_name[actor(m).name.as_str()].0.clone())
        .collect();
    let bit_words = sources.len().div_ceil(64).max(1);
    let mut groups = UnionFind {
        parent: (0..members.len()).collect(),
        sources: members
            .iter()
            .map(|member| {
                let mut bits = vec![0u64; bit_words];
                bits[member.source / 64] |= 1 << (member.source % 64);
                bits
            })
            .collect(),
        kind: members
            .iter()
            .map(|member| Some(actor(member).kind).filter(|kind| *kind != ActorKind::Other))
            .collect(),
        reasons: vec![Vec::new(); members.len()],
    };
    let kept_apart =
        |a: usize, b: usize| decisions.verdict(&keys[a], &keys[b]) == Some(MatchVerdict::Different);
    let join_buckets = |buckets: BTreeMap<String, Vec<usize>>,
                        reason: MatchReason,
                        check_kinds: bool,
                        groups: &mut UnionFind| {
        for (_, bucket) in buckets {
            // Each member joins the first earlier one it may; one refused (same map, other kind)
            // may still join a later one.
            for (index, &item) in bucket.iter().enumerate().skip(1) {
                for &earlier in &bucket[..index] {
                    // Equal names met through an alias were joined for their names.
                    let reason = if reason == MatchReason::Alias && keys[earlier] == keys[item] {
                        MatchReason::SameName
                    } else {
                        reason
                    };
                    if !kept_apart(earlier, item)
                        && groups.union(earlier, item, reason, check_kinds)
                    {
                        break;
                    }
                }
            }
        }
    };
    // 1. The same element id.
    let mut by_id: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, member) in members.iter().enumerate() {
        by_id
            .entry(actor(member).id.clone())
            .or_default()
            .push(index);
    }
    join_buckets(by_id, MatchReason::SameId, false, &mut groups);
    // 2. Aliases: the seed entity, the actor's own alias field and bracketed text.
    let mut by_alias: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, member) in members.iter().enumerate() {
        let view = actor(member);
        let mut names: Vec<String> = Vec::new();
        if let Some(entity) = seed_entity(&keys[index]) {
            names.push(format!("\u{0}seed{entity}"));
        }
        let bracketed = by_name[view.name.as_str()].1.clone();
        let own = view
            .alias
            .split([',', ';', '/'])
            .filter(|alias| !alias.trim().is_empty())
            .map(strict_key)
            .chain(bracketed);
        for alias in own.filter(|alias| !alias.is_empty()) {
            if let Some(entity) = seed_entity(&alias) {
                names.push(format!("\u{0}seed{entity}"));
            }
            names.push(alias);
        }
        // An actor's own name is where others' aliases land.
        names.push(keys[index].clone());
        names.sort();
        names.dedup();
        for name in names {
            by_alias.entry(name).or_default().push(index);
        }
    }
    // A bare name alone in its bucket, or shared only by equal names, is left to rule 3.
    let by_alias = by_alias
        .into_iter()
        .filter(|(name, bucket)| {
            bucket.len() > 1
                && (name.starts_with('\u{0}') || bucket.iter().any(|&index| keys[index] != *name))
        })
        .map(|(name, bucket)| {
            let bucket = bucket
                .into_iter()
                .filter(|&index| !is_generic(&keys[index]) || name.starts_with('\u{0}'))
                .collect();
            (name, bucket)
        })
        .collect();
    join_buckets(by_alias, MatchReason::Alias, true, &mut groups);
    // 3. Equal strict keys, except short generic names.
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, key) in keys.iter().enumerate() {
        if !key.is_empty() && !is_generic(key) {
            by_key.entry(key.clone()).or_default().push(index);
        }
    }
    join_buckets(by_key, MatchReason::SameName, true, &mut groups);
    // 4. Confirmed decisions.
    let mut by_own_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, key) in keys.iter().enumerate() {
        by_own_key.entry(key.as_str()).or_default().push(index);
    }
    let mut by_confirmed: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (key_a, key_b) in decisions.same_pairs() {
        let holding = |key: &str| by_own_key.get(key).cloned().unwrap_or_default();
        let mut bucket = holding(key_a);
        if key_a != key_b {
            bucket.extend(holding(key_b));
        }
        bucket.sort_unstable();
        if bucket.len() > 1 {
            by_confirmed.insert(format!("{key_a}\u{0}{key_b}"), bucket);
        }
    }
    join_buckets(by_confirmed, MatchReason::Confirmed, false, &mut groups);

    let mut by_root: BTreeMap<usize, Vec<Member>> = BTreeMap::new();
    for (index, member) in members.iter().enumerate() {
        let root = groups.find(index);
        by_root.entry(root).or_default().push(*member);
    }
    let grouped = by_root
        .into_iter()
        .map(|(root, members)| {
            let mut reasons = groups.reasons[root].clone();
            reasons.sort();
            Group { members, reasons }
        })
        .collect();
    (members, grouped)
}

/// Blocks of each distinct name, and the names in each block.
type Blocks = (Vec<Vec<String>>, HashMap<String, Vec<usize>>);

/// Above this many distinct names, [`propose`] compares only names that share a block.
const MAX_ALL_PAIRS_NAMES: usize = 1_500;
/// A block shared by more names than this is too common to compare by.
const MAX_BLOCK_NAMES: usize = 64;
/// Proposals kept for each group: its best ones (a person answers them, and the next table
/// brings the next ones, since a "different" is never proposed again).
const MAX_PROPOSALS_PER_GROUP: usize = 5;

/// Near matches between the groups, best first within each pair of groups, at most one per
/// pair. Never applied: a person confirms ("same") or rejects ("different") each.
pub fn propose(sources: &[Source], groups: &[Group], decisions: &Decisions) -> Vec<Proposal> {
    // Distinct names, each with the groups holding it.
    let mut names: BTreeMap<String, (NameFacts, Vec<usize>)> = BTreeMap::new();
    for (group_index, group) in groups.iter().enumerate() {
        for member in &group.members {
            let view = &sources[member.source].board.actors[member.actor];
            let facts = NameFacts::of(&view.name);
            let entry = names
                .entry(facts.key.clone())
                .or_insert_with(|| (facts.clone(), Vec::new()));
            // Keep what any spelling says: "VSL" written in capitals on one map counts.
            if entry.0.acronym.is_none() {
                entry.0.acronym = facts.acronym.clone();
            }
            for word in facts.abbreviations {
                if !entry.0.abbreviations.contains(&word) {
                    entry.0.abbreviations.push(word);
                }
            }
            if !entry.1.contains(&group_index) {
                entry.1.push(group_index);
            }
        }
    }
    let names: Vec<(NameFacts, Vec<usize>)> = names.into_values().collect();
    // The best offer for each pair of groups. Offers name their names by index and copy no key:
    // two maps of numbered names ("Toimija 12") make a near match of nearly every pair, and
    // only the few kept per group become proposals.
    let mut best: HashMap<(usize, usize), Offer> = HashMap::new();
    let mut offer = |group_x: usize,
                     group_y: usize,
                     (band, reason, closeness): (MatchBand, MatchReason, u16),
                     name_x: usize,
                     name_y: usize| {
        if group_x == group_y {
            return;
        }
        let (group_a, group_b, name_a, name_b) = if group_x < group_y {
            (group_x, group_y, name_x, name_y)
        } else {
            (group_y, group_x, name_y, name_x)
        };
        let offered = Offer {
            group_a,
            group_b,
            band,
            reason,
            closeness,
            name_a,
            name_b,
        };
        // The first offer stays unless a later one is strictly better.
        let slot = best.entry((group_a, group_b)).or_insert(offered);
        if (band, std::cmp::Reverse(reason), closeness)
            > (slot.band, std::cmp::Reverse(slot.reason), slot.closeness)
        {
            *slot = offered;
        }
    };
    // Beyond a forum's size, only names that share a word (also once translated), the start
    // of their loose key or their initials are compared, so a huge selection stays linear-ish.
    let blocks: Option<Blocks> = (names.len() > MAX_ALL_PAIRS_NAMES).then(|| {
        let of_name: Vec<Vec<String>> = names
            .iter()
            .map(|(facts, _)| {
                let mut blocks: Vec<String> = facts
                    .key
                    .split([' ', '-'])
                    .chain(translated(&facts.key).split([' ', '-']).collect::<Vec<_>>())
                    .map(str::to_owned)
                    .collect();
                blocks.push(format!(
                    "\u{0}{}",
                    facts.loose.chars().take(3).collect::<String>()
                ));
                blocks.push(format!("\u{1}{}", initials(&facts.key)));
                if let Some(acronym) = &facts.acronym {
                    blocks.push(format!("\u{1}{acronym}"));
                }
                blocks.sort();
                blocks.dedup();
                blocks
            })
            .collect();
        let mut holding: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, blocks) in of_name.iter().enumerate() {
            for block in blocks {
                holding.entry(block.clone()).or_default().push(index);
            }
        }
        (of_name, holding)
    });
    let mut distances = EditDistance::default();
    for (index, (facts, holders)) in names.iter().enumerate() {
        // The same name in several groups: kept apart by kind, generic, or one map's two cards.
        if holders.len() > 1 {
            if let Some(found) = propose_pair(facts, facts, decisions, &mut distances) {
                for (position, &x) in holders.iter().enumerate() {
                    for &y in &holders[position + 1..] {
                        offer(x, y, found, index, index);
                    }
                }
            }
        }
        let candidates: Box<dyn Iterator<Item = usize>> = match &blocks {
            None => Box::new(index + 1..names.len()),
            Some((of_name, holding)) => {
                let mut near: Vec<usize> = of_name[index]
                    .iter()
                    .map(|block| &holding[block])
                    // A block most names share says nothing ("yhdistys"), and would make the
                    // comparison quadratic again.
                    .filter(|holders| holders.len() <= MAX_BLOCK_NAMES)
                    .flat_map(|holders| holders.iter().copied())
                    .filter(|&other| other > index)
                    .collect();
                near.sort_unstable();
                near.dedup();
                Box::new(near.into_iter())
            }
        };
        for other in candidates {
            let (other_facts, other_holders) = &names[other];
            // Two names of one group only: nothing to propose between them.
            if holders.len() == 1 && other_holders.len() == 1 && holders[0] == other_holders[0] {
                continue;
            }
            if let Some(found) = propose_pair(facts, other_facts, decisions, &mut distances) {
                for &x in holders {
                    for &y in other_holders {
                        offer(x, y, found, index, other);
                    }
                }
            }
        }
    }
    let mut offers: Vec<Offer> = best.into_values().collect();
    // Proposals are listed by their pair of groups.
    offers.sort_unstable_by_key(|offer| (offer.group_a, offer.group_b));
    best_per_group(offers, groups.len())
        .into_iter()
        .map(|offer| Proposal {
            group_a: offer.group_a,
            group_b: offer.group_b,
            band: offer.band,
            reason: offer.reason,
            key_a: names[offer.name_a].0.key.clone(),
            key_b: names[offer.name_b].0.key.clone(),
            shared_sources: shared_sources(&groups[offer.group_a], &groups[offer.group_b]),
            closeness: offer.closeness,
        })
        .collect()
}

/// The offers that are among the [`MAX_PROPOSALS_PER_GROUP`] best of either of their groups,
/// in their original order. A name with hundreds of near matches (numbered names, "Yhdistys 12")
/// would otherwise fill the table with rows nobody can answer, and its answer with megabytes.
fn best_per_group(proposals: Vec<Offer>, group_count: usize) -> Vec<Offer> {
    let rank = |proposal: &Offer| {
        (
            std::cmp::Reverse(proposal.band),
            std::cmp::Reverse(proposal.closeness),
            proposal.reason,
        )
    };
    let mut of_group: Vec<Vec<usize>> = vec![Vec::new(); group_count];
    for (index, proposal) in proposals.iter().enumerate() {
        of_group[proposal.group_a].push(index);
        of_group[proposal.group_b].push(index);
    }
    let mut kept = vec![false; proposals.len()];
    for indexes in &mut of_group {
        // Stable: equally good proposals keep their order (by group), so the outcome is fixed.
        indexes.sort_by_key(|&index| rank(&proposals[index]));
        for &index in indexes.iter().take(MAX_PROPOSALS_PER_GROUP) {
            kept[index] = true;
        }
    }
    proposals
        .into_iter()
        .zip(kept)
        .filter_map(|(proposal, kept)| kept.then_some(proposal))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{MetaView, Template};

    fn board(actors: &[(&str, &str, ActorKind)]) -> BoardView {
        BoardView {
            meta: MetaView {
                title: String::new(),
                template: Template::Blank,
                locale: None,
                locked: false,
                timer_ends_at: None,
                presenting: None,
                merged_from: Vec::new(),
                merged_groups: Vec::new(),
                vote: None,
                last_restore: None,
            },
            actors: actors
                .iter()
                .map(|(id, name, kind)| ActorView::new(*id, *name, *kind))
                .collect(),
            relations: vec![],
            notes: vec![],
            strokes: vec![],
        }
    }

    /// What the matcher says about two names on two different maps.
    #[derive(Debug, PartialEq, Eq)]
    enum Outcome {
        Same(MatchReason),
        Suggest(MatchBand, MatchReason),
        Different,
    }

    fn outcome_with(a: &str, b: &str, decisions: &Decisions) -> Outcome {
        let boards = [
            board(&[("a", a, ActorKind::Other)]),
            board(&[("b", b, ActorKind::Other)]),
        ];
        let sources = [
            Source {
                id: "one",
                board: &boards[0],
            },
            Source {
                id: "two",
                board: &boards[1],
            },
        ];
        let (_, groups) = group_actors(&sources, decisions);
        if groups.len() == 1 {
            return Outcome::Same(groups[0].reasons[0]);
        }
        match propose(&sources, &groups, decisions).as_slice() {
            [] => Outcome::Different,
            [proposal] => Outcome::Suggest(proposal.band, proposal.reason),
            more => panic!("two groups, {} proposals", more.len()),
        }
    }

    fn outcome(a: &str, b: &str) -> Outcome {
        outcome_with(a, b, &Decisions::new())
    }

    use MatchBand::*;
    use MatchReason::*;
    use Outcome::*;

    /// §3.3 of the notes: tricky Finnish and Swedish cases.
    #[test]
    fn the_table_of_tricky_regional_names() {
        let table: [(u8, &str, &str, Outcome); 17] = [
            (1, "Turun kaupunki", "Turku", Same(SameName)),
            (2, "Turun kaupunki", "Åbo stad", Same(Alias)),
            (
                3,
                "Varsinais-Suomen liitto",
                "Egentliga Finlands förbund",
                Same(Alias),
            ),
            (
                4,
                "Varsinais-Suomen liitto",
                "Regional Council of Southwest Finland",
                Same(Alias),
            ),
            (
                5,
                "Varsinais-Suomen liitto",
                "VSL",
                Suggest(Likely, Acronym),
            ),
            (
                6,
                "Varsinais-Suomen liitto",
                "Varsinais-Suomen hyvinvointialue",
                Different,
            ),
            (
                7,
                "Varsinais-Suomen liitto",
                "Varsinais-Suomen ELY-keskus",
                Different,
            ),
            (8, "Turun yliopisto", "Åbo Akademi", Different),
            (9, "Kemi", "Kemijärvi", Different),
            (10, "Äänekoski", "Aanekoski", Suggest(Likely, LooseSpelling)),
            (11, "Vaasa", "Vasa", Same(Alias)),
            (12, "Kaarina", "S:t Karins", Same(Alias)),
            (13, "Sinapsi ry", "Sinapsi r.f.", Same(SameName)),
            (
                14,
                "Yritys-Suomi",
                "Yrityssuomi",
                Suggest(Likely, LooseSpelling),
            ),
            (
                15,
                "Turku Energia Oy",
                "Åbo Energi Ab",
                Suggest(Maybe, TranslatedPlace),
            ),
            (16, "Yrittäjät", "Yrittäjät", Suggest(Maybe, GenericName)),
            (
                17,
                "TE-toimisto",
                "TE-palvelut",
                Suggest(Maybe, SharedAbbreviation),
            ),
        ];
        for (row, a, b, expected) in table {
            assert_eq!(outcome(a, b), expected, "row {row}: {a} / {b}");
            assert_eq!(outcome(b, a), expected, "row {row} reversed: {b} / {a}");
        }
    }

    #[test]
    fn more_names_of_the_region() {
        let table: [(&str, &str, Outcome); 30] = [
            ("Naantalin kaupunki", "Nådendal", Same(Alias)),
            // Swedish genitives before a designator: the -s goes, the place stays.
            ("Naantalin kaupunki", "Nådendals stad", Same(Alias)),
            ("Uudenkaupungin kaupunki", "Nystads stad", Same(Alias)),
            ("Kemiönsaaren kunta", "Kimitoöns kommun", Same(Alias)),
            ("Raseborgs stad", "Raasepori", Same(Alias)),
            // A place whose own name ends in -s keeps it.
            ("Kustavin kunta", "Gustavs kommun", Same(Alias)),
            ("Nådendals stad", "Nystads stad", Different),
            ("Koski Tl", "Koskis", Same(Alias)),
            ("Pöytyän kunta", "Pöytis", Same(Alias)),
            ("Kemiönsaaren kunta", "Kimitoön", Same(Alias)),
            ("Raision kaupunki", "Reso stad", Same(Alias)),
            ("Liedon kunta", "Lundo kommun", Same(Alias)),
            ("Paraisten kaupunki", "Pargas stad", Same(Alias)),
            ("Uudenkaupungin kaupunki", "Nystad", Same(Alias)),
            ("City of Turku", "Turku", Same(SameName)),
            ("Turun yliopisto", "University of Turku", Same(Alias)),
            (
                "Turun ammattikorkeakoulu",
                "Turku University of Applied Sciences",
                Same(Alias),
            ),
            ("Turun AMK", "Turku AMK", Same(SameName)),
            (
                "Varsinais-Suomen ELY-keskus",
                "NTM-centralen i Egentliga Finland",
                Same(Alias),
            ),
            (
                "Varsinais-Suomen hyvinvointialue",
                "Egentliga Finlands välfärdsområde",
                Same(Alias),
            ),
            ("Turun yliopisto", "Turku", Different),
            ("Turun yliopisto", "Turun ammattikorkeakoulu", Different),
            (
                "Salon seudun yrittäjät",
                "Varsinais-Suomen Yrittäjät",
                Different,
            ),
            (
                "Yrittäjät",
                "Varsinais-Suomen Yrittäjät",
                Suggest(Maybe, GenericName),
            ),
            ("Kirjasto", "Turun kaupunginkirjasto", Different),
            ("Kaarinan–Liedon kuntayhtymä", "Kaarina", Different),
            (
                "Turun seudun kehittämiskeskus",
                "Turun seudun kehitämiskeskus",
                Suggest(Likely, SimilarSpelling),
            ),
            ("Varsinais-Suomen liitto (VSL)", "VSL", Same(Alias)),
            ("Sinapsi ry", "Sinapsi", Same(SameName)),
            ("“Meri-Turku” ry", "Meri‐Turku", Same(SameName)),
        ];
        for (a, b, expected) in table {
            assert_eq!(outcome(a, b), expected, "{a} / {b}");
            assert_eq!(outcome(b, a), expected, "reversed: {b} / {a}");
        }
    }

    #[test]
    fn a_huge_selection_still_proposes_what_shares_a_word() {
        let mut actors: Vec<(String, String)> = (0..2_000)
            .map(|index| (format!("n{index}"), format!("Yhdistys numero {index} ry")))
            .collect();
        actors.push(("a".into(), "Äänekoski".into()));
        actors.push(("v".into(), "Varsinais-Suomen liitto".into()));
        let one: Vec<(&str, &str, ActorKind)> = actors
            .iter()
            .map(|(id, name)| (id.as_str(), name.as_str(), ActorKind::Other))
            .collect();
        let boards = [
            board(&one),
            board(&[
                ("b", "Aanekoski", ActorKind::Other),
                ("c", "VSL", ActorKind::Other),
            ]),
        ];
        let sources = [
            Source {
                id: "1",
                board: &boards[0],
            },
            Source {
                id: "2",
                board: &boards[1],
            },
        ];
        let (_, groups) = group_actors(&sources, &Decisions::new());
        let reasons: Vec<MatchReason> = propose(&sources, &groups, &Decisions::new())
            .iter()
            .filter(|proposal| proposal.band == Likely)
            .map(|proposal| proposal.reason)
            .collect();
        assert!(
            reasons.contains(&LooseSpelling) && reasons.contains(&Acronym),
            "{reasons:?}"
        );
    }

    #[test]
    fn strict_keys_keep_nordic_letters_and_drop_forms() {
        assert_eq!(strict_key("  Åbo   Akademi "), "åbo akademi");
        assert_eq!(strict_key("Oy Turku Energia Ab"), "turku energia");
        assert_eq!(strict_key("Oy Ab"), "oy", "a name is never emptied");
        assert_eq!(
            strict_key("Kaarinan–Liedon kuntayhtymä"),
            "kaarinan-liedon kuntayhtymä",
            "a joint authority keeps its head"
        );
        assert_eq!(strict_key("S:t Karins"), "sankt karins");
        assert_eq!(
            strict_key("Varsinais-Suomen liitto (VSL)"),
            "varsinais-suomi liitto"
        );
        assert_eq!(loose_key("sää-tiö äänekoski"), "saatioaanekoski");
        assert_eq!(strict_key(""), "");
        assert_eq!(strict_key("()"), "");
    }

    #[test]
    fn a_key_is_its_own_key() {
        // Decisions arrive as keys from the match table and are normalised again on the way in.
        for names in SEED {
            for name in *names {
                let key = strict_key(name);
                assert_eq!(strict_key(&key), key, "{name}");
            }
        }
        for name in [
            "Kaupunki Oy",
            "“Meri-Turku” ry",
            "Oy Ab",
            "City of Turku",
            "(VSL)",
        ] {
            let key = strict_key(name);
            assert_eq!(strict_key(&key), key, "{name}");
        }
    }

    #[test]
    fn decisions_join_and_separate() {
        let mut decisions = Decisions::new();
        decisions.insert("vsl", "varsinais-suomi liitto", MatchVerdict::Same);
        assert_eq!(
            outcome_with("Varsinais-Suomen liitto", "VSL", &decisions),
            Same(Confirmed)
        );
        let mut decisions = Decisions::new();
        decisions.insert("äänekoski", "aanekoski", MatchVerdict::Different);
        assert_eq!(
            outcome_with("Äänekoski", "Aanekoski", &decisions),
            Different
        );
        decisions.insert("sinapsi", "sinapsi", MatchVerdict::Different);
        assert_eq!(
            outcome_with("Sinapsi ry", "Sinapsi rf", &decisions),
            Different
        );
    }

    #[test]
    fn groups_never_hold_two_cards_of_one_map_and_respect_kinds() {
        let one = board(&[
            ("a1", "Turku", ActorKind::Municipality),
            ("a2", "Turun kaupunki", ActorKind::Municipality),
        ]);
        let two = board(&[
            ("b1", "Åbo", ActorKind::Other),
            ("b2", "Raisio", ActorKind::Municipality),
        ]);
        let three = board(&[("c1", "Raisio", ActorKind::Business)]);
        let sources = [
            Source {
                id: "1",
                board: &one,
            },
            Source {
                id: "2",
                board: &two,
            },
            Source {
                id: "3",
                board: &three,
            },
        ];
        let (members, groups) = group_actors(&sources, &Decisions::new());
        assert_eq!(members.len(), 5);
        let sizes: Vec<usize> = groups.iter().map(|group| group.members.len()).collect();
        assert_eq!(sizes, vec![2, 1, 1, 1], "{groups:?}");
        assert_eq!(
            groups[0].members,
            vec![
                Member {
                    source: 0,
                    actor: 0
                },
                Member {
                    source: 1,
                    actor: 0
                }
            ]
        );
        let proposals = propose(&sources, &groups, &Decisions::new());
        assert!(
            proposals.iter().any(|p| p.reason == KindDiffers),
            "Raisio the town and Raisio the business: {proposals:?}"
        );
    }

    #[test]
    fn a_name_with_many_near_matches_keeps_its_best_few() {
        // A hundred numbered clubs are all within two letters of each other: 4,950 near pairs.
        let names: Vec<(String, String)> = (100..200)
            .map(|number| (format!("m{number}"), format!("Meriklubi {number}")))
            .collect();
        let one: Vec<(&str, &str, ActorKind)> = names
            .iter()
            .map(|(id, name)| (id.as_str(), name.as_str(), ActorKind::Association))
            .collect();
        let boards = [
            board(&one),
            board(&[("x", "Meriklubi 150", ActorKind::Association)]),
        ];
        let sources = [
            Source {
                id: "1",
                board: &boards[0],
            },
            Source {
                id: "2",
                board: &boards[1],
            },
        ];
        let (_, groups) = group_actors(&sources, &Decisions::new());
        let proposals = propose(&sources, &groups, &Decisions::new());
        assert!(
            proposals.len() <= MAX_PROPOSALS_PER_GROUP * groups.len(),
            "{} proposals for {} groups",
            proposals.len(),
            groups.len()
        );
        // Meriklubi 150 keeps its closest ones: one letter apart (151, 160…), all likely.
        let club = groups
            .iter()
            .position(|group| group.members.len() == 2)
            .expect("Meriklubi 150 on both maps");
        let mut of_club: Vec<&Proposal> = proposals
            .iter()
            .filter(|proposal| proposal.group_a == club || proposal.group_b == club)
            .collect();
        of_club.sort_by_key(|proposal| std::cmp::Reverse((proposal.band, proposal.closeness)));
        assert!(of_club.len() >= MAX_PROPOSALS_PER_GROUP, "{of_club:?}");
        for proposal in &of_club[..MAX_PROPOSALS_PER_GROUP] {
            assert_eq!(
                (proposal.band, proposal.reason, proposal.closeness),
                (Likely, SimilarSpelling, 917)
            );
        }
    }

    #[test]
    fn a_proposal_the_merge_would_refuse_names_the_map_holding_both() {
        // Group 1 drew the regional council twice, once by its acronym; group 2 once.
        let one = board(&[
            ("a1", "VSL", ActorKind::RegionalAuthority),
            (
                "a2",
                "Varsinais-Suomen liitto",
                ActorKind::RegionalAuthority,
            ),
        ]);
        let two = board(&[("b1", "VSL", ActorKind::RegionalAuthority)]);
        let three = board(&[(
            "c1",
            "Varsinais-Suomen liitto",
            ActorKind::RegionalAuthority,
        )]);
        let source = |id, board| Source { id, board };
        let sources = [source("1", &one), source("2", &two), source("3", &three)];
        let (_, groups) = group_actors(&sources, &Decisions::new());
        let proposals = propose(&sources, &groups, &Decisions::new());
        let [proposal] = proposals.as_slice() else {
            panic!("one proposal between the two spellings: {proposals:?}");
        };
        assert_eq!((proposal.band, proposal.reason), (Likely, Acronym));
        assert_eq!(
            proposal.shared_sources,
            vec![0],
            "map 1 holds both cards, so the merge keeps them apart"
        );

        // Across two maps that each hold one spelling, nothing stands in the way.
        let sources = [source("2", &two), source("3", &three)];
        let (_, groups) = group_actors(&sources, &Decisions::new());
        let proposals = propose(&sources, &groups, &Decisions::new());
        assert_eq!(proposals.len(), 1, "{proposals:?}");
        assert!(proposals[0].shared_sources.is_empty());
    }

    // The bounded edit distance replaced `strsim::normalized_levenshtein` for speed: it must give
    // the very same figures, or proposals would change. Strings over a small alphabet (with å and
    // ä, two bytes in UTF-8) meet every case: equal, near, far, empty, one much longer; up to 80
    // characters, both ways are tried (a machine word's 64 characters at a time, and the band).
    proptest::proptest! {
        #[test]
        fn the_bounded_edit_distance_is_strsims(
            a in "[abå ä]{0,14}|[abå ä]{60,80}",
            b in "[abå ä]{0,14}|[abå ä]{60,80}",
            threshold in proptest::sample::select(vec![0.0, 0.5, 0.75, 0.85, 0.9, 1.0]),
        ) {
            let (a_chars, b_chars): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let mut distances = EditDistance::default();
            let expected = strsim::normalized_levenshtein(&a, &b);
            let found = distances.alike_at_least(&a_chars, &b_chars, threshold);
            proptest::prop_assert_eq!(found, (expected >= threshold).then_some(expected));
            let distance = strsim::levenshtein(&a, &b);
            for limit in [0, 1, 2, 3, 5, 8, 13, 21, 34, 80] {
                let expected = (distance <= limit).then_some(distance);
                proptest::prop_assert_eq!(distances.within(&a_chars, &b_chars, limit), expected);
                if a_chars.len().min(b_chars.len()) > 0 {
                    let (short, long) = if a_chars.len() <= b_chars.len() { (&a_chars, &b_chars) } else { (&b_chars, &a_chars) };
                    if long.len() - short.len() <= limit {
                        proptest::prop_assert_eq!(distances.banded(short, long, limit), expected);
                    }
                }
            }
        }
    }
}
