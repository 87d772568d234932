//! Reads a server process's CPU time and memory from `/proc`, for the benchmark report.

use std::fs;
use std::process::Command;
use std::sync::OnceLock;

use serde::Serialize;

/// One reading of a process's counters.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ProcSample {
    /// utime + stime, in seconds (all threads).
    pub cpu_s: f64,
    /// Resident set size now (VmRSS), KiB.
    pub rss_kb: u64,
    /// Lifetime peak resident set size (VmHWM), KiB.
    pub hwm_kb: u64,
}

fn clock_ticks_per_second() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|t| *t > 0.0)
            .unwrap_or(100.0)
    })
}

/// Reads `/proc/PID/stat` and `/proc/PID/status`. `None` if the process is gone or the files
/// do not parse.
pub fn sample(pid: u32) -> Option<ProcSample> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces: split after it.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |key: &str| -> u64 {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    Some(ProcSample {
        cpu_s: (utime + stime) / clock_ticks_per_second(),
        rss_kb: kb("VmRSS:"),
        hwm_kb: kb("VmHWM:"),
    })
}

/// Samples `pid` if one was given.
pub fn sample_opt(pid: Option<u32>) -> Option<ProcSample> {
    pid.and_then(sample)
}

/// CPU seconds between two samples, if both exist.
pub fn cpu_between(a: Option<ProcSample>, b: Option<ProcSample>) -> Option<f64> {
    Some(b?.cpu_s - a?.cpu_s)
}

/// CPU seconds the whole machine has spent busy (all cores, from `/proc/stat`): compared with
/// the server's and the load generator's own time, it shows how much else was running.
pub fn machine_busy_s() -> Option<f64> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let total: f64 = v.iter().take(8).sum();
    let idle = v.get(3)? + v.get(4).unwrap_or(&0.0);
    Some((total - idle) / clock_ticks_per_second())
}

/// CPU seconds used by neither the server nor this process between two points.
pub fn other_cpu_s(
    machine: (Option<f64>, Option<f64>),
    server: Option<f64>,
    own: Option<f64>,
) -> Option<f64> {
    Some(machine.1? - machine.0? - server.unwrap_or(0.0) - own?)
}
