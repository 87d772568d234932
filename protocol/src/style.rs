//! The visual vocabulary of a map, defined once: each actor kind's colour and shape, each
//! relation kind's colour, the stroke width of each strength and the dash of each status. The
//! server's exports and thumbnails read it here and the web app reads the generated TypeScript
//! (`ACTOR_STYLE`, `RELATION_COLOR`, `STRENGTH_WIDTH`, `STATUS_DASH`), so they cannot drift.

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

pub const fn relation_color(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Collaboration => "#334155",
        RelationKind::Information => "#2563eb",
        RelationKind::Funding => "#15803d",
        RelationKind::Agreement => "#7c3aed",
        RelationKind::Membership => "#0e7490",
        RelationKind::Conflict => "#b91c1c",
        RelationKind::Other => "#57534e",
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
