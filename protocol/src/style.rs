//! The visual vocabulary of a map, defined once: each actor kind's colour and shape, each
//! relation kind's colour, the stroke width of each strength and the dash of each status. The
//! server's exports and thumbnails read it here and the web app reads the generated TypeScript
//! (`ACTOR_STYLE`, `RELATION_COLOR`, `RELATION_COLOR_DARK`, `STRENGTH_WIDTH`, `STATUS_DASH`), so
//! they cannot drift.

use crate::schema::{ActorKind, RelationKind, RelationStatus, Strength};

/// How an actor kind is drawn: a colour and a shape (an SVG path centred on 0,0, about 20 units
/// across), so that no kind is told apart by colour alone. Colours keep at least 4.5:1 contrast
/// against white, as they also colour text in the legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorStyle {
    pub color: &'static str,
    pub shape: &'static str,
}

pub const fn actor_style(kind: ActorKind) -> ActorStyle {
    let (color, shape) = match kind {
        ActorKind::Municipality => ("#1d4ed8", "M-9-9H9V9H-9Z"),
        ActorKind::RegionalAuthority => ("#4338ca", "M0-10L8.7-5V5L0 10L-8.7 5V-5Z"),
        ActorKind::StateAgency => ("#334155", "M0-10L9.5-3.1L5.9 8.1H-5.9L-9.5-3.1Z"),
        ActorKind::Business => ("#b45309", "M0-11L11 0L0 11L-11 0Z"),
        ActorKind::EducationResearch => ("#7e22ce", "M0-10L10 8H-10Z"),
        ActorKind::Association => ("#be185d", "M-10 0A10 10 0 1 0 10 0A10 10 0 1 0-10 0Z"),
        // Two people: two shoulders and two heads.
        ActorKind::Residents => (
            "#15803d",
            "M-9.5 9A4.5 4.5 0 0 1-0.5 9ZM0.5 9A4.5 4.5 0 0 1 9.5 9Z\
             M-8-3.5A3 3 0 1 1-2-3.5A3 3 0 1 1-8-3.5ZM2-3.5A3 3 0 1 1 8-3.5A3 3 0 1 1 2-3.5Z",
        ),
        ActorKind::Funder => (
            "#0e7490",
            "M0-11L3-3.5L11-3.5L4.5 1.5L7 9.5L0 4.5L-7 9.5L-4.5 1.5L-11-3.5L-3-3.5Z",
        ),
        ActorKind::Media => ("#c2410c", "M-10-8H10V5H-2L-7 10V5H-10Z"),
        ActorKind::Other => (
            "#57534e",
            "M-10 0A10 10 0 1 0 10 0A10 10 0 1 0-10 0ZM-5 0A5 5 0 1 1 5 0A5 5 0 1 1-5 0Z",
        ),
    };
    ActorStyle { color, shape }
}

/// The line colour of each relation kind on a light map (the canvas, exports, thumbnails). A
/// kind is told by colour alone (the line's dash says its status and its width its strength), so
/// every two kinds differ in hue and in lightness, also as people with the common colour-vision
/// deficiencies see them, and each stands out from the map's background (tested below).
pub const fn relation_color(kind: RelationKind) -> &'static str {
    match kind {
        // The everyday line, nearly black: the other kinds stand out against it.
        RelationKind::Collaboration => "#0f172a",
        RelationKind::Information => "#1b57ae",
        RelationKind::Funding => "#1c481f",
        RelationKind::Agreement => "#3b0a8f",
        RelationKind::Membership => "#09838b",
        RelationKind::Conflict => "#f43d51",
        RelationKind::Other => "#a15400",
    }
}

/// The twin of [`relation_color`] on the dark map (the page under `prefers-color-scheme: dark`;
/// exports stay light): the same hue, light enough for a dark background, and as far apart.
pub const fn relation_color_dark(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Collaboration => "#f1f5f9",
        RelationKind::Information => "#2f86d0",
        RelationKind::Funding => "#9efe58",
        RelationKind::Agreement => "#deb3ff",
        RelationKind::Membership => "#5dc5ba",
        RelationKind::Conflict => "#ff5372",
        RelationKind::Other => "#dd9700",
    }
}

/// Stroke width of a relation line, in board units.
pub const fn strength_width(strength: Strength) -> f64 {
    match strength {
        Strength::Weak => 1.5,
        Strength::Normal => 2.5,
        Strength::Strong => 5.0,
    }
}

/// The `stroke-dasharray` of a relation line; empty for a solid line.
pub const fn status_dash(status: RelationStatus) -> &'static str {
    match status {
        RelationStatus::Existing => "",
        RelationStatus::Desired => "9 6",
        RelationStatus::Weakening => "2 6",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::colour_difference::{ciede2000, contrast_ratio, lab, Vision};

    /// The light map's background and the darker of the template's fills (`render/style.ts`).
    const LIGHT_BACKGROUNDS: [&str; 2] = ["#ffffff", "#f1f5f9"];
    /// The dark map's background and its template fills (`SCENE_DARK_CSS`).
    const DARK_BACKGROUNDS: [&str; 3] = ["#111923", "#18212c", "#1c2633"];
    /// Apart at a glance for normal vision (CIEDE2000 ≥ 20 is a clearly different colour).
    const LEAST_DIFFERENCE: f64 = 20.0;
    /// Still apart as a protanope, deuteranope or tritanope sees them (full dichromacy).
    const LEAST_DIFFERENCE_DEFICIENT: f64 = 10.0;
    /// Lighter or darker than each other (CIELAB L*), so they part even in a grey print.
    const LEAST_LIGHTNESS_DIFFERENCE: f64 = 5.0;

    fn check_relation_colours(
        scheme: &str,
        colour: fn(RelationKind) -> &'static str,
        backgrounds: &[&str],
    ) {
        for kind in RelationKind::ALL.iter().copied() {
            for background in backgrounds {
                let ratio = contrast_ratio(colour(kind), background);
                assert!(
                    ratio >= 3.0,
                    "{scheme}: {kind} {} on {background}: {ratio:.2}:1",
                    colour(kind)
                );
            }
        }
        for (i, a) in RelationKind::ALL.iter().enumerate() {
            for b in &RelationKind::ALL[i + 1..] {
                let (colour_a, colour_b) = (colour(*a), colour(*b));
                for vision in Vision::ALL {
                    let least = if vision == Vision::Normal {
                        LEAST_DIFFERENCE
                    } else {
                        LEAST_DIFFERENCE_DEFICIENT
                    };
                    let difference = ciede2000(lab(colour_a, vision), lab(colour_b, vision));
                    assert!(
                        difference >= least,
                        "{scheme}: {a} {colour_a} and {b} {colour_b} differ by {difference:.1} for {vision:?} vision"
                    );
                }
                let lightness =
                    (lab(colour_a, Vision::Normal)[0] - lab(colour_b, Vision::Normal)[0]).abs();
                assert!(
                    lightness >= LEAST_LIGHTNESS_DIFFERENCE,
                    "{scheme}: {a} {colour_a} and {b} {colour_b} differ in lightness by {lightness:.1}"
                );
            }
        }
    }

    #[test]
    fn every_two_relation_kinds_are_told_apart_on_the_light_map() {
        check_relation_colours("light", relation_color, &LIGHT_BACKGROUNDS);
    }

    #[test]
    fn every_two_relation_kinds_are_told_apart_on_the_dark_map() {
        check_relation_colours("dark", relation_color_dark, &DARK_BACKGROUNDS);
        // As the dark scheme's other twins: at least 4.5:1 on the map's own background.
        for kind in RelationKind::ALL.iter().copied() {
            assert!(
                contrast_ratio(relation_color_dark(kind), DARK_BACKGROUNDS[0]) >= 4.5,
                "{kind}"
            );
        }
    }

    #[test]
    fn every_kind_has_its_own_colour_and_shape() {
        for (i, a) in ActorKind::ALL.iter().enumerate() {
            for b in &ActorKind::ALL[i + 1..] {
                assert_ne!(actor_style(*a).shape, actor_style(*b).shape, "{a} and {b}");
                assert_ne!(actor_style(*a).color, actor_style(*b).color, "{a} and {b}");
            }
        }
        let widths: Vec<f64> = Strength::ALL.iter().map(|s| strength_width(*s)).collect();
        assert!(
            widths.windows(2).all(|pair| pair[0] < pair[1]),
            "stronger is wider"
        );
    }
}
