//! Latency summaries (exact percentiles over all samples) for the benchmark report.

use serde::Serialize;

/// p50/p99/max of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct LatencySummary {
    pub samples: usize,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub mean_ms: Option<f64>,
}

/// Summarises latencies given in microseconds. Nearest-rank percentiles.
pub fn summarize_us(mut samples: Vec<u32>) -> LatencySummary {
    samples.sort_unstable();
    let n = samples.len();
    let pick = |q: f64| -> Option<f64> {
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        Some(round3(f64::from(samples[rank - 1]) / 1000.0))
    };
    let mean = if n == 0 {
        None
    } else {
        Some(round3(
            samples.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64 / 1000.0,
        ))
    };
    LatencySummary {
        samples: n,
        p50_ms: pick(0.50),
        p90_ms: pick(0.90),
        p99_ms: pick(0.99),
        max_ms: samples.last().map(|&v| round3(f64::from(v) / 1000.0)),
        mean_ms: mean,
    }
}

/// Median of a small set of durations in milliseconds.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let s = summarize_us((1..=100).map(|v| v * 1000).collect());
        assert_eq!(s.p50_ms, Some(50.0));
        assert_eq!(s.p99_ms, Some(99.0));
        assert_eq!(s.max_ms, Some(100.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(summarize_us(vec![]).p50_ms, None);
    }
}
