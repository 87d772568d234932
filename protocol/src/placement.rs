//! Where an actor sits on the board's background, as data: its closeness ring on the rings
//! template, its sector on the sectors template. Also the one definition of that geometry,
//! which the server's drawing and the generated TypeScript both use.
//!
//! Positions are board coordinates of an actor card's centre, with y growing downwards (SVG),
//! and every template is centred on the origin. A point exactly on a ring's circle belongs to
//! the inner ring, a point exactly on a sector's edge to the sector that starts there (going
//! clockwise on screen), so every point has exactly one answer.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, TAU};

use crate::schema::{RingPlacement, Sector, Template};

/// Outer radii of the closeness rings, innermost first (core, close, wider).
pub const RING_RADII: [f64; 3] = [300.0, 620.0, 960.0];
/// Radius of the sector template's wedges.
pub const SECTOR_RADIUS: f64 = 1000.0;
/// Where the first sector starts, in radians as `atan2(y, x)` measures it on screen: straight
/// up. Later sectors follow clockwise, in the order of [`Sector::ALL`].
pub const SECTOR_START_ANGLE: f64 = -FRAC_PI_2;

/// Where each closeness ring's name is written: at its top left, just inside its outer circle.
/// People place a card inside a ring and rarely on the line between two (a position there would
/// say two things), so the name stays clear of the cards; in the middle of the ring's top, where
/// it was, the first card placed in the core covered it.
pub const RING_LABEL_ANGLE: f64 = -3.0 * FRAC_PI_4;
/// How far inside its ring's or wedge's outer edge a background label's middle line runs.
pub const TEMPLATE_LABEL_INSET: f64 = 30.0;
/// Font size of the rings' and sectors' labels, in board units (a card's name is 14): large
/// enough to name the area from afar, small enough to sit in the band along the edge.
pub const TEMPLATE_LABEL_SIZE: f64 = 32.0;

/// Where a background label goes on the circle of `radius` at `angle` (radians, as `atan2` on
/// screen): its middle, [`TEMPLATE_LABEL_INSET`] inside the circle, and its rotation in degrees,
/// along the circle and never upside down.
pub fn arc_label(radius: f64, angle: f64) -> (f64, f64, f64) {
    let at = radius - TEMPLATE_LABEL_INSET;
    let mut degrees = angle.to_degrees() + 90.0;
    while degrees > 90.0 {
        degrees -= 180.0;
    }
    while degrees <= -90.0 {
        degrees += 180.0;
    }
    (at * angle.cos(), at * angle.sin(), degrees)
}

/// The angle one sector spans.
pub fn sector_span() -> f64 {
    TAU / Sector::ALL.len() as f64
}

/// The start and end angle of the sector at `index` (in [`Sector::ALL`] order).
pub fn sector_angles(index: usize) -> (f64, f64) {
    let start = SECTOR_START_ANGLE + index as f64 * sector_span();
    (start, start + sector_span())
}

/// The closeness ring a position lies in, or `Outside` beyond the widest ring.
pub fn ring_at(x: f64, y: f64) -> Option<RingPlacement> {
    if !x.is_finite() || !y.is_finite() {
        return None;
    }
    let distance = x.hypot(y);
    let rings = [
        RingPlacement::Core,
        RingPlacement::Close,
        RingPlacement::Wider,
    ];
    Some(
        rings
            .into_iter()
            .zip(RING_RADII)
            .find(|(_, radius)| distance <= *radius)
            .map_or(RingPlacement::Outside, |(ring, _)| ring),
    )
}

/// The sector a position lies in; `None` at the very centre (where every wedge meets) and
/// beyond the wedges' radius.
pub fn sector_at(x: f64, y: f64) -> Option<Sector> {
    if !x.is_finite() || !y.is_finite() {
        return None;
    }
    let distance = x.hypot(y);
    if distance == 0.0 || distance > SECTOR_RADIUS {
        return None;
    }
    // Turned so that 0 is the first sector's start, then folded into [0, TAU).
    let turned = (y.atan2(x) - SECTOR_START_ANGLE).rem_euclid(TAU);
    let index = ((turned / sector_span()) as usize).min(Sector::ALL.len() - 1);
    Some(Sector::ALL[index])
}

/// What the template says about a position: `(ring, sector)`, at most one of them present.
pub fn placement(template: Template, x: f64, y: f64) -> (Option<RingPlacement>, Option<Sector>) {
    match template {
        Template::Rings => (ring_at(x, y), None),
        Template::Sectors => (None, sector_at(x, y)),
        Template::Blank | Template::HierarchyMarketNetwork => (None, None),
    }
}

/// The distance from the centre of the middle of a ring: where a merge puts an actor whose
/// sources disagree about its ring. `Outside` is as far beyond the widest ring as the widest
/// ring is wide.
pub fn ring_middle(ring: RingPlacement) -> f64 {
    let [core, close, wider] = RING_RADII;
    match ring {
        RingPlacement::Core => core / 2.0,
        RingPlacement::Close => (core + close) / 2.0,
        RingPlacement::Wider => (close + wider) / 2.0,
        RingPlacement::Outside => wider + (wider - close) / 2.0,
    }
}

/// The inner and outer radius of a ring (`Outside` has no outer edge).
pub fn ring_bounds(ring: RingPlacement) -> (f64, f64) {
    let [core, close, wider] = RING_RADII;
    match ring {
        RingPlacement::Core => (0.0, core),
        RingPlacement::Close => (core, close),
        RingPlacement::Wider => (close, wider),
        RingPlacement::Outside => (wider, f64::INFINITY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_angle(angle: f64, distance: f64) -> (f64, f64) {
        (distance * angle.cos(), distance * angle.sin())
    }

    #[test]
    fn rings_have_inclusive_outer_edges() {
        use RingPlacement::*;
        let cases = [
            ((0.0, 0.0), Core),
            ((300.0, 0.0), Core),
            ((300.001, 0.0), Close),
            ((0.0, -620.0), Close),
            ((0.0, 620.5), Wider),
            ((-960.0, 0.0), Wider),
            ((-960.01, 0.0), Outside),
            ((5000.0, -7000.0), Outside),
            // A 3-4-5 triangle: exactly on the core's circle.
            ((180.0, 240.0), Core),
        ];
        for ((x, y), expected) in cases {
            assert_eq!(ring_at(x, y), Some(expected), "({x}, {y})");
        }
        assert_eq!(ring_at(f64::NAN, 0.0), None);
        assert_eq!(ring_at(f64::INFINITY, 0.0), None);
    }

    #[test]
    fn each_sector_owns_its_middle_and_its_starting_edge() {
        for (index, sector) in Sector::ALL.iter().enumerate() {
            let (start, end) = sector_angles(index);
            let (x, y) = at_angle((start + end) / 2.0, 500.0);
            assert_eq!(sector_at(x, y), Some(*sector), "middle of {sector}");
            let (x, y) = at_angle(start + 1e-9, 999.0);
            assert_eq!(sector_at(x, y), Some(*sector), "start edge of {sector}");
            let (x, y) = at_angle(end - 1e-9, 10.0);
            assert_eq!(sector_at(x, y), Some(*sector), "end edge of {sector}");
        }
        // Straight up is where the first sector starts; just left of it is the last sector.
        assert_eq!(sector_at(0.0, -400.0), Some(Sector::Public));
        assert_eq!(sector_at(-0.001, -400.0), Some(Sector::Residents));
        assert_eq!(sector_at(0.0, 0.0), None, "the centre is in no sector");
        assert_eq!(sector_at(0.0, -1000.0), Some(Sector::Public));
        assert_eq!(sector_at(0.0, -1000.5), None, "beyond the wedges");
        assert_eq!(sector_at(f64::NAN, 1.0), None);
    }

    #[test]
    fn placement_follows_the_template() {
        assert_eq!(
            placement(Template::Rings, 400.0, 0.0),
            (Some(RingPlacement::Close), None)
        );
        assert_eq!(
            placement(Template::Sectors, 0.0, -400.0),
            (None, Some(Sector::Public))
        );
        assert_eq!(placement(Template::Blank, 0.0, 0.0), (None, None));
        assert_eq!(
            placement(Template::HierarchyMarketNetwork, 10.0, 0.0),
            (None, None)
        );
    }

    #[test]
    fn a_ring_middle_lies_in_its_ring() {
        for ring in RingPlacement::ALL {
            let middle = ring_middle(*ring);
            assert_eq!(ring_at(middle, 0.0), Some(*ring));
            let (inner, outer) = ring_bounds(*ring);
            assert!(inner < middle && middle < outer);
        }
    }

    #[test]
    fn background_labels_run_along_their_circle_and_read_upright() {
        let (x, y, rotation) = arc_label(300.0, RING_LABEL_ANGLE);
        assert!(x < 0.0 && y < 0.0, "top left");
        assert!((x.hypot(y) - (300.0 - TEMPLATE_LABEL_INSET)).abs() < 1e-9);
        assert!((rotation - -45.0).abs() < 1e-9);
        // At the bottom the text is not turned over; at the top it is level.
        assert!(arc_label(500.0, FRAC_PI_2).2.abs() < 1e-9);
        assert!(arc_label(500.0, -FRAC_PI_2).2.abs() < 1e-9);
        for index in 0..Sector::ALL.len() {
            let (a0, a1) = sector_angles(index);
            let rotation = arc_label(SECTOR_RADIUS, (a0 + a1) / 2.0).2;
            assert!(rotation > -90.0 && rotation <= 90.0, "{rotation}");
        }
    }
}
