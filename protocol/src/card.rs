//! The geometry of an actor card, shared by the browser's canvas and the server's SVG/PNG
//! renderer: its size, and how a name is broken into at most three lines.
//!
//! A card is as wide as its text needs ([`card_width`]: "Turku" gets a small card, a regional
//! authority's long name the widest), between [`CARD_MIN_WIDTH`] and [`CARD_MAX_WIDTH`]; it is
//! always centred on the actor's position, so a width that changes while someone types grows to
//! both sides and never moves the card's middle.
//!
//! Both renderers must break a name the same way, or an export would not look like the map on
//! screen. Text is measured with [`CHAR_WIDTHS`] (advance widths of DejaVu Sans Bold, the font the
//! server rasterises with and the widest of the usual sans-serif fonts, so a line that fits here
//! fits in narrower fonts too) in whole thousandths of an em, so the arithmetic is exact in both
//! languages. The web app implements [`name_layout`] again in `web/src/render/card.ts` from the
//! generated constants; `protocol/testdata/card-names.json` holds names and their expected lines,
//! checked by the Rust and the TypeScript tests alike.

/// The widest a card gets, in board units: a name wrapped over lines this long fills it.
pub const CARD_MAX_WIDTH: u32 = 184;
/// The narrowest card: room for the kind's shape, a few letters and the five influence pips.
pub const CARD_MIN_WIDTH: u32 = 96;
/// Room kept right of the text on a card narrower than the widest (the widest keeps 6, see
/// [`NAME_MAX_WIDTH`]: a long name's lines use all the room there is).
pub const TEXT_RIGHT_PADDING: u32 = 12;
/// Height of a card whose name takes one or two lines and has no details line.
pub const CARD_MIN_HEIGHT: u32 = 44;
/// Where the name starts, from the card's left edge (the kind's shape sits left of it).
pub const NAME_LEFT: u32 = 36;
/// The room for a line of the name: from [`NAME_LEFT`] to 6 units before the right edge (wide
/// enough for "ammattikorkeakoulu" in the wrapped size).
pub const NAME_MAX_WIDTH: u32 = CARD_MAX_WIDTH - NAME_LEFT - 6;
/// Font size of a name that fits on one line.
pub const NAME_SIZE_ONE_LINE: u32 = 14;
/// Font size of a name wrapped over several lines.
pub const NAME_SIZE_WRAPPED: u32 = 12;
/// Distance between the baselines of a wrapped name's lines.
pub const NAME_LINE_HEIGHT: u32 = 14;
/// Lines a name may take before the last one is shortened with an ellipsis.
pub const NAME_MAX_LINES: usize = 3;
/// Height added by the details line (influence, alias) under the name.
pub const DETAILS_LINE_HEIGHT: u32 = 13;
/// Font size of the details line.
pub const DETAILS_SIZE: u32 = 10;
/// The room for the details line on the widest card; a longer one is shortened with an ellipsis.
pub const DETAILS_MAX_WIDTH: u32 = CARD_MAX_WIDTH - NAME_LEFT - TEXT_RIGHT_PADDING;
/// Influence is shown as this many pips, the first `influence` of them filled.
pub const INFLUENCE_PIPS: usize = 5;
/// Space above and below the text block inside the card.
pub const CARD_PADDING: u32 = 16;
/// Width of a character missing from [`CHAR_WIDTHS`]: a full em, so unknown scripts never overflow.
pub const DEFAULT_CHAR_WIDTH: u16 = 1000;
/// The character that ends a shortened name.
pub const ELLIPSIS: char = '…';

/// Advance widths in thousandths of an em, sorted by character (binary-searchable).
#[rustfmt::skip]
pub const CHAR_WIDTHS: [(char, u16); 208] = [
    (' ', 348), ('!', 456), ('"', 521), ('#', 838), ('$', 696), ('%', 1002), ('&', 872), ('\'', 306),
    ('(', 457), (')', 457), ('*', 523), ('+', 838), (',', 380), ('-', 415), ('.', 380), ('/', 365),
    ('0', 696), ('1', 696), ('2', 696), ('3', 696), ('4', 696), ('5', 696), ('6', 696), ('7', 696),
    ('8', 696), ('9', 696), (':', 400), (';', 400), ('<', 838), ('=', 838), ('>', 838), ('?', 580),
    ('@', 1000), ('A', 774), ('B', 762), ('C', 734), ('D', 830), ('E', 683), ('F', 683), ('G', 821),
    ('H', 837), ('I', 372), ('J', 372), ('K', 775), ('L', 637), ('M', 995), ('N', 837), ('O', 850),
    ('P', 733), ('Q', 850), ('R', 770), ('S', 720), ('T', 682), ('U', 812), ('V', 774), ('W', 1103),
    ('X', 771), ('Y', 724), ('Z', 725), ('[', 457), ('\\', 365), (']', 457), ('^', 838), ('_', 500),
    ('`', 500), ('a', 675), ('b', 716), ('c', 593), ('d', 716), ('e', 678), ('f', 435), ('g', 716),
    ('h', 712), ('i', 343), ('j', 343), ('k', 665), ('l', 343), ('m', 1042), ('n', 712), ('o', 687),
    ('p', 716), ('q', 716), ('r', 493), ('s', 595), ('t', 478), ('u', 712), ('v', 652), ('w', 924),
    ('x', 645), ('y', 652), ('z', 582), ('{', 712), ('|', 365), ('}', 712), ('~', 838), ('\u{a0}', 348),
    ('¡', 456), ('¢', 696), ('£', 696), ('¤', 636), ('¥', 696), ('¦', 365), ('§', 500), ('¨', 500),
    ('©', 1000), ('ª', 564), ('«', 646), ('¬', 838), ('\u{ad}', 0), ('®', 1000), ('¯', 500), ('°', 500),
    ('±', 838), ('²', 438), ('³', 438), ('´', 500), ('µ', 736), ('¶', 636), ('·', 380), ('¸', 500),
    ('¹', 438), ('º', 564), ('»', 646), ('¼', 1035), ('½', 1035), ('¾', 1035), ('¿', 580), ('À', 774),
    ('Á', 774), ('Â', 774), ('Ã', 774), ('Ä', 774), ('Å', 774), ('Æ', 1085), ('Ç', 734), ('È', 683),
    ('É', 683), ('Ê', 683), ('Ë', 683), ('Ì', 372), ('Í', 372), ('Î', 372), ('Ï', 372), ('Ð', 838),
    ('Ñ', 837), ('Ò', 850), ('Ó', 850), ('Ô', 850), ('Õ', 850), ('Ö', 850), ('×', 838), ('Ø', 850),
    ('Ù', 812), ('Ú', 812), ('Û', 812), ('Ü', 812), ('Ý', 724), ('Þ', 738), ('ß', 719), ('à', 675),
    ('á', 675), ('â', 675), ('ã', 675), ('ä', 675), ('å', 675), ('æ', 1048), ('ç', 593), ('è', 678),
    ('é', 678), ('ê', 678), ('ë', 678), ('ì', 343), ('í', 343), ('î', 343), ('ï', 343), ('ð', 687),
    ('ñ', 712), ('ò', 687), ('ó', 687), ('ô', 687), ('õ', 687), ('ö', 687), ('÷', 838), ('ø', 687),
    ('ù', 712), ('ú', 712), ('û', 712), ('ü', 712), ('ý', 652), ('þ', 716), ('ÿ', 652), ('Œ', 1167),
    ('œ', 1094), ('Š', 720), ('š', 595), ('Ž', 725), ('ž', 582), ('–', 500), ('—', 1000), ('‘', 380),
    ('’', 380), ('“', 657), ('”', 657), ('•', 639), ('…', 1000), ('€', 696), ('○', 873), ('●', 873),
];

/// A name laid out on a card: its lines and the font size they are drawn in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameLayout {
    pub lines: Vec<String>,
    pub font_size: u32,
    /// Whether the last line was shortened with an ellipsis (the whole name is then in the
    /// tooltip, the details and the exports, never only on the card).
    pub shortened: bool,
}

/// The width of one character in thousandths of an em.
pub fn char_width(ch: char) -> u16 {
    match CHAR_WIDTHS.binary_search_by_key(&ch, |(c, _)| *c) {
        Ok(index) => CHAR_WIDTHS[index].1,
        Err(_) => DEFAULT_CHAR_WIDTH,
    }
}

fn fits(chars: &[char], font_size: u32) -> bool {
    let units: u64 = chars.iter().map(|&ch| u64::from(char_width(ch))).sum();
    units * u64::from(font_size) <= u64::from(NAME_MAX_WIDTH) * 1000
}

fn is_hyphen(ch: char) -> bool {
    matches!(ch, '-' | '\u{2010}' | '\u{2013}')
}

/// Where a line may end: after a space, or after a hyphen between two letters or digits
/// ("Varsinais-|Suomen", but not "elinkeino-|," or "-|5").
fn break_after(chars: &[char], index: usize) -> bool {
    let ch = chars[index];
    if ch == ' ' {
        return true;
    }
    is_hyphen(ch)
        && index > 0
        && chars[index - 1].is_alphanumeric()
        && chars
            .get(index + 1)
            .is_some_and(|next| next.is_alphanumeric())
}

/// The end of the longest run of `chars[start..]` that fits, breaking only where allowed, or
/// (when not even the first piece fits) inside a word as a last resort. Always at least one
/// character, so the layout makes progress.
fn line_end(chars: &[char], start: usize, font_size: u32) -> usize {
    let mut best = None;
    for end in start + 1..=chars.len() {
        // Past the width with everything but a possible trailing space: no longer line can fit.
        if end - 1 > start && !fits(&chars[start..end - 1], font_size) {
            break;
        }
        let at_break = end == chars.len() || break_after(chars, end - 1);
        if at_break && fits(trim_end(&chars[start..end]), font_size) {
            best = Some(end);
        }
    }
    best.unwrap_or_else(|| {
        let mut end = start + 1;
        while end < chars.len() && fits(&chars[start..end + 1], font_size) {
            end += 1;
        }
        end
    })
}

fn trim_end(chars: &[char]) -> &[char] {
    let mut end = chars.len();
    while end > 0 && chars[end - 1] == ' ' {
        end -= 1;
    }
    &chars[..end]
}

/// The longest start of `chars` that fits with an ellipsis after it.
fn shorten(chars: &[char], font_size: u32) -> String {
    let with_ellipsis = |keep: usize| {
        let mut line: Vec<char> = trim_end(&chars[..keep]).to_vec();
        line.push(ELLIPSIS);
        line
    };
    // The width only grows with `keep`, so the first start that does not fit ends the search.
    let mut keep = 0;
    while keep < chars.len() && fits(&with_ellipsis(keep + 1), font_size) {
        keep += 1;
    }
    with_ellipsis(keep).into_iter().collect()
}

/// Breaks a name into the lines of its card. Runs of whitespace count as one space; a name
/// that fits on one line keeps the larger size; otherwise it wraps over up to
/// [`NAME_MAX_LINES`] lines, and only what still does not fit is cut with an ellipsis.
pub fn name_layout(name: &str) -> NameLayout {
    let words: Vec<&str> = name.split_whitespace().collect();
    let chars: Vec<char> = words.join(" ").chars().collect();
    if fits(&chars, NAME_SIZE_ONE_LINE) {
        let lines = if chars.is_empty() {
            Vec::new()
        } else {
            vec![chars.iter().collect()]
        };
        return NameLayout {
            lines,
            font_size: NAME_SIZE_ONE_LINE,
            shortened: false,
        };
    }
    let font_size = NAME_SIZE_WRAPPED;
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        if lines.len() == NAME_MAX_LINES - 1 {
            let rest = &chars[start..];
            if fits(rest, font_size) {
                lines.push(rest.iter().collect());
                return NameLayout {
                    lines,
                    font_size,
                    shortened: false,
                };
            }
            lines.push(shorten(rest, font_size));
            return NameLayout {
                lines,
                font_size,
                shortened: true,
            };
        }
        let end = line_end(&chars, start, font_size);
        lines.push(trim_end(&chars[start..end]).iter().collect());
        start = end;
    }
    NameLayout {
        lines,
        font_size,
        shortened: false,
    }
}

/// The width of `text` at `font_size`, in thousandths of a board unit (exact, as the layout counts).
fn text_units(text: &str, font_size: u32) -> u64 {
    let em: u64 = text.chars().map(|ch| u64::from(char_width(ch))).sum();
    em.saturating_mul(u64::from(font_size))
}

/// The line under a card's name: influence as filled and empty pips, then the alias, shortened
/// with an ellipsis to the widest card's room; empty when the actor has neither.
pub fn details_line(influence: Option<u8>, alias: &str) -> String {
    let mut parts = Vec::new();
    if let Some(influence) = influence {
        let filled = usize::from(influence).min(INFLUENCE_PIPS);
        parts.push("●".repeat(filled) + &"○".repeat(INFLUENCE_PIPS - filled));
    }
    let alias = alias.split_whitespace().collect::<Vec<_>>().join(" ");
    if !alias.is_empty() {
        parts.push(alias);
    }
    let text = parts.join("  ");
    let room = u64::from(DETAILS_MAX_WIDTH) * 1000;
    if text_units(&text, DETAILS_SIZE) <= room {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    let with_ellipsis = |keep: usize| -> String {
        let mut line: Vec<char> = trim_end(&chars[..keep]).to_vec();
        line.push(ELLIPSIS);
        line.into_iter().collect()
    };
    // The width only grows with `keep`, so the first start that does not fit ends the search.
    let mut keep = 0;
    while keep < chars.len() && text_units(&with_ellipsis(keep + 1), DETAILS_SIZE) <= room {
        keep += 1;
    }
    with_ellipsis(keep)
}

/// A card's width in board units: the kind's shape and the widest of its name's lines and its
/// details line, with padding, between [`CARD_MIN_WIDTH`] and [`CARD_MAX_WIDTH`].
pub fn card_width(layout: &NameLayout, details: &str) -> u32 {
    let widest_name = layout
        .lines
        .iter()
        .map(|line| text_units(line, layout.font_size))
        .max()
        .unwrap_or(0);
    let widest = widest_name.max(text_units(details, DETAILS_SIZE));
    // Rounded up to whole units, so the text never touches the padding.
    let text = widest.div_ceil(1000);
    let width = u64::from(NAME_LEFT + TEXT_RIGHT_PADDING).saturating_add(text);
    width.clamp(u64::from(CARD_MIN_WIDTH), u64::from(CARD_MAX_WIDTH)) as u32
}

/// The width of an actor's card (see [`card_width`]) from its fields.
pub fn actor_card_width(name: &str, influence: Option<u8>, alias: &str) -> u32 {
    card_width(&name_layout(name), &details_line(influence, alias))
}

/// The height of a card with `name_lines` lines of name (an empty name counts as one) and,
/// when `details_line`, the line of influence and alias under it.
pub fn card_height(name_lines: usize, details_line: bool) -> u32 {
    let lines = name_lines.clamp(1, NAME_MAX_LINES) as u32;
    let text = lines * NAME_LINE_HEIGHT + if details_line { DETAILS_LINE_HEIGHT } else { 0 };
    (text + CARD_PADDING).max(CARD_MIN_HEIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Case {
        name: String,
        lines: Vec<String>,
        #[serde(rename = "fontSize")]
        font_size: u32,
        /// The card's expected width, with the details line of `influence` and `alias`.
        width: u32,
        #[serde(default)]
        influence: Option<u8>,
        #[serde(default)]
        alias: String,
    }

    /// The table both languages check their line breaking against.
    fn cases() -> Vec<Case> {
        serde_json::from_str(include_str!("../testdata/card-names.json")).unwrap()
    }

    #[test]
    fn names_break_as_the_shared_table_says() {
        for case in cases() {
            let layout = name_layout(&case.name);
            assert_eq!(
                (layout.lines, layout.font_size),
                (case.lines, case.font_size),
                "{:?}",
                case.name
            );
        }
    }

    #[test]
    fn cards_are_as_wide_as_the_shared_table_says() {
        for case in cases() {
            assert_eq!(
                actor_card_width(&case.name, case.influence, &case.alias),
                case.width,
                "{:?} {:?} {:?}",
                case.name,
                case.influence,
                case.alias
            );
        }
    }

    #[test]
    fn a_short_name_gets_a_narrow_card_and_a_long_one_the_widest() {
        let short = actor_card_width("Turku", None, "");
        let long = actor_card_width(
            "Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus",
            None,
            "",
        );
        assert!(short < CARD_MAX_WIDTH / 2 + 10, "Turku: {short}");
        assert!(long > CARD_MAX_WIDTH - 6, "a long name: {long}");
        // The narrowest card still holds the five influence pips and the name beside the shape.
        assert_eq!(actor_card_width("", None, ""), CARD_MIN_WIDTH);
        let pips = details_line(Some(5), "");
        assert!(
            text_units(&pips, DETAILS_SIZE)
                <= u64::from(CARD_MIN_WIDTH - NAME_LEFT - TEXT_RIGHT_PADDING) * 1000
        );
        assert_eq!(actor_card_width("I", Some(3), ""), CARD_MIN_WIDTH);
        // An alias widens the card it would not fit on.
        assert!(actor_card_width("Turku", Some(3), "Åbo stad") > short);
    }

    #[test]
    fn the_details_line_shows_pips_and_alias_and_is_cut_to_the_widest_card() {
        assert_eq!(details_line(None, ""), "");
        assert_eq!(details_line(Some(2), ""), "●●○○○");
        assert_eq!(details_line(Some(9), "  Åbo   stad "), "●●●●●  Åbo stad");
        let long = details_line(None, &"Egentliga Finlands välfärdsområde ".repeat(20));
        assert!(long.ends_with(ELLIPSIS));
        assert!(text_units(&long, DETAILS_SIZE) <= u64::from(DETAILS_MAX_WIDTH) * 1000);
        let hostile = actor_card_width("Kela", None, &"x".repeat(100_000));
        assert!(hostile > CARD_MAX_WIDTH - 6 && hostile <= CARD_MAX_WIDTH);
    }

    #[test]
    fn every_line_fits_and_only_a_name_over_three_lines_is_shortened() {
        for case in cases() {
            let layout = name_layout(&case.name);
            for line in &layout.lines {
                let chars: Vec<char> = line.chars().collect();
                assert!(fits(&chars, layout.font_size), "{line:?} overflows");
            }
            let joined: String = layout.lines.concat().replace(' ', "");
            let whole: String = case.name.split_whitespace().collect();
            assert_eq!(
                layout.shortened,
                joined != whole,
                "{:?} is shortened exactly when text is missing",
                case.name
            );
        }
    }

    #[test]
    fn the_width_table_is_sorted_for_binary_search() {
        assert!(CHAR_WIDTHS.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert_eq!(char_width('a'), 675);
        assert_eq!(char_width('漢'), DEFAULT_CHAR_WIDTH);
    }

    #[test]
    fn cards_grow_with_their_lines() {
        assert_eq!(card_height(0, false), CARD_MIN_HEIGHT);
        assert_eq!(card_height(1, true), CARD_MIN_HEIGHT);
        assert_eq!(card_height(2, false), CARD_MIN_HEIGHT);
        assert!(card_height(3, false) > card_height(2, false));
        assert!(card_height(3, true) > card_height(3, false));
        assert_eq!(card_height(9, true), card_height(3, true));
    }

    #[test]
    fn hostile_names_lay_out_without_panicking() {
        let long = "x".repeat(100_000);
        let layout = name_layout(&long);
        assert_eq!(layout.lines.len(), NAME_MAX_LINES);
        assert!(layout.shortened);
        for name in [
            "",
            "   ",
            "-",
            "- - -",
            "\u{200b}\u{0301}",
            "a-",
            "-a",
            "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂",
        ] {
            let _ = name_layout(name);
        }
    }
}
