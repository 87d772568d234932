//! How far apart two colours look, for the tests of the map's colours: WCAG contrast, CIELAB,
//! the CIEDE2000 colour difference, and colours as people with a colour-vision deficiency see them.

/// Whose eyes: normal vision, or one of the common full dichromacies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vision {
    Normal,
    /// No long-wavelength (red) cones.
    Protanopia,
    /// No medium-wavelength (green) cones: the most common.
    Deuteranopia,
    /// No short-wavelength (blue) cones.
    Tritanopia,
}

impl Vision {
    pub const ALL: [Vision; 4] = [
        Vision::Normal,
        Vision::Protanopia,
        Vision::Deuteranopia,
        Vision::Tritanopia,
    ];

    /// The simulation of Machado, Oliveira and Fernandes (2009) at severity 1, applied to
    /// linear RGB.
    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Vision::Normal => [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            Vision::Protanopia => [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
            Vision::Deuteranopia => [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            Vision::Tritanopia => [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        }
    }
}

/// The linear RGB channels (0–1) of a `#rrggbb` colour.
fn linear_rgb(hex: &str) -> [f64; 3] {
    let channel = |at: usize| {
        let value =
            f64::from(u8::from_str_radix(&hex[at..at + 2], 16).expect("a #rrggbb colour")) / 255.0;
        if value <= 0.04045 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    [channel(1), channel(3), channel(5)]
}

fn relative_luminance(rgb: [f64; 3]) -> f64 {
    0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
}

/// The WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21).
pub fn contrast_ratio(a: &str, b: &str) -> f64 {
    let (la, lb) = (
        relative_luminance(linear_rgb(a)),
        relative_luminance(linear_rgb(b)),
    );
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// CIELAB (D65) of a `#rrggbb` colour as `vision` sees it: `[L*, a*, b*]`.
pub fn lab(hex: &str, vision: Vision) -> [f64; 3] {
    let rgb = linear_rgb(hex);
    let m = vision.matrix();
    let seen: Vec<f64> = m
        .iter()
        .map(|row| (row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]).clamp(0.0, 1.0))
        .collect();
    let (r, g, b) = (seen[0], seen[1], seen[2]);
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// The CIEDE2000 difference of two CIELAB colours (Sharma, Wu and Dalal's formulation).
pub fn ciede2000(first: [f64; 3], second: [f64; 3]) -> f64 {
    let [l1, a1, b1] = first;
    let [l2, a2, b2] = second;
    let chroma_mean = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
    let g = 0.5 * (1.0 - (chroma_mean.powi(7) / (chroma_mean.powi(7) + 25f64.powi(7))).sqrt());
    let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
    let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
    let hue = |b: f64, a: f64| b.atan2(a).to_degrees().rem_euclid(360.0);
    let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
    let delta_l = l2 - l1;
    let delta_c = c2p - c1p;
    let chromatic = c1p * c2p != 0.0;
    let delta_h_angle = if !chromatic {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let delta_h = 2.0 * (c1p * c2p).sqrt() * (delta_h_angle / 2.0).to_radians().sin();
    let l_mean = (l1 + l2) / 2.0;
    let c_mean = (c1p + c2p) / 2.0;
    let h_mean = if !chromatic {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        (h1p + h2p) / 2.0
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (h_mean - 30.0).to_radians().cos()
        + 0.24 * (2.0 * h_mean).to_radians().cos()
        + 0.32 * (3.0 * h_mean + 6.0).to_radians().cos()
        - 0.20 * (4.0 * h_mean - 63.0).to_radians().cos();
    let delta_theta = 30.0 * (-((h_mean - 275.0) / 25.0).powi(2)).exp();
    let r_c = 2.0 * (c_mean.powi(7) / (c_mean.powi(7) + 25f64.powi(7))).sqrt();
    let s_l = 1.0 + 0.015 * (l_mean - 50.0).powi(2) / (20.0 + (l_mean - 50.0).powi(2)).sqrt();
    let s_c = 1.0 + 0.045 * c_mean;
    let s_h = 1.0 + 0.015 * c_mean * t;
    let r_t = -(2.0 * delta_theta).to_radians().sin() * r_c;
    ((delta_l / s_l).powi(2)
        + (delta_c / s_c).powi(2)
        + (delta_h / s_h).powi(2)
        + r_t * (delta_c / s_c) * (delta_h / s_h))
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciede2000_matches_the_published_test_pairs() {
        // Pairs 1, 7, 17 and 25 of Sharma, Wu and Dalal's table of test data.
        let pairs = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [56.0, -27.0, -3.0], 31.9030),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
        ];
        for (first, second, expected) in pairs {
            let difference = ciede2000(first, second);
            assert!(
                (difference - expected).abs() < 1e-3,
                "{difference} ≠ {expected}"
            );
        }
    }

    #[test]
    fn contrast_and_lightness_of_known_colours() {
        assert!((contrast_ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast_ratio("#767676", "#ffffff") - 4.54).abs() < 0.01);
        assert!((lab("#ffffff", Vision::Normal)[0] - 100.0).abs() < 0.01);
        // A deuteranope sees red and green alike; normal vision does not.
        let (red, green) = ("#d62728", "#2ca02c");
        let apart = ciede2000(lab(red, Vision::Normal), lab(green, Vision::Normal));
        let alike = ciede2000(
            lab(red, Vision::Deuteranopia),
            lab(green, Vision::Deuteranopia),
        );
        assert!(alike < apart / 2.0, "{alike} vs {apart}");
    }
}
