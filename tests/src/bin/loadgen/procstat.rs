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

/// The processes whose CPU a run reports: the server's nodes (summed) and the services beside
/// them (PostgreSQL, Redis), each on its own and with its child processes.
#[derive(Debug, Clone, Default)]
pub struct Pids {
    pub servers: Vec<u32>,
    pub services: Vec<(String, u32)>,
}

impl Pids {
    pub fn server(pid: u32) -> Pids {
        Pids {
            servers: vec![pid],
            services: Vec::new(),
        }
    }

    /// Each service's CPU seconds so far (its process tree), by name.
    pub fn services_cpu_s(&self) -> Vec<(String, Option<f64>)> {
        self.services
            .iter()
            .map(|(name, pid)| (name.clone(), tree_cpu_s(*pid)))
            .collect()
    }
}

/// The servers under test (several nodes are summed: CPU, RSS and peak RSS add up). `None` when
/// none was given or one of them is gone, so a figure never silently leaves a node out.
pub fn sample_all(pids: &[u32]) -> Option<ProcSample> {
    let samples: Option<Vec<ProcSample>> = pids.iter().map(|&pid| sample(pid)).collect();
    sum(&samples?)
}

/// Several processes' samples added up; `None` for none.
fn sum(samples: &[ProcSample]) -> Option<ProcSample> {
    samples.iter().copied().reduce(|t, one| ProcSample {
        cpu_s: t.cpu_s + one.cpu_s,
        rss_kb: t.rss_kb + one.rss_kb,
        hwm_kb: t.hwm_kb + one.hwm_kb,
    })
}

/// CPU seconds of a process and every process below it (PostgreSQL's backends are children of
/// its postmaster). A child that ended between two samples is missed, unless its parent reaped it
/// (then the kernel adds it to the parent's counters, which are not read here): fine for services
/// whose connections stay open through a run, as the nodes' do.
pub fn tree_cpu_s(root: u32) -> Option<f64> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The parent's id is field 4, the second after the parenthesised command name.
        let parent = stat
            .rfind(')')
            .and_then(|end| stat[end + 1..].split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(parent) = parent {
            parents.push((pid, parent));
        }
    }
    let mut tree = vec![root];
    let mut index = 0;
    while index < tree.len() {
        let parent = tree[index];
        tree.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        index += 1;
    }
    let root_cpu = sample(root)?.cpu_s;
    Some(
        root_cpu
            + tree[1..]
                .iter()
                .filter_map(|&pid| sample(pid))
                .map(|s| s.cpu_s)
                .sum::<f64>(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_servers_add_up_and_a_missing_one_gives_no_figure() {
        let a = ProcSample {
            cpu_s: 1.5,
            rss_kb: 100,
            hwm_kb: 300,
        };
        let b = ProcSample {
            cpu_s: 0.25,
            rss_kb: 20,
            hwm_kb: 40,
        };
        let total = sum(&[a, b, b]).expect("three samples");
        assert_eq!((total.cpu_s, total.rss_kb, total.hwm_kb), (2.0, 140, 380));
        assert!(sum(&[]).is_none());
        // Read from /proc: the kernel's memory counters are per-CPU estimates and may move a
        // little between two reads (CI once saw this process's peak RSS read lower the second
        // time), so two readings of one process are compared loosely.
        let own = std::process::id();
        let one = sample_all(&[own]).expect("this process");
        let two = sample_all(&[own, own]).expect("this process twice");
        assert!(one.hwm_kb > 0 && two.hwm_kb > one.hwm_kb);
        assert!(sample_all(&[]).is_none());
        assert!(sample_all(&[own, u32::MAX]).is_none());
    }

    #[test]
    fn a_process_tree_counts_its_children() {
        let mut child = Command::new("sh")
            .args([
                "-c",
                "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 5",
            ])
            .spawn()
            .expect("sh runs");
        // The child's CPU shows in this process's tree once it spent some.
        let own = std::process::id();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut seen = 0.0;
        while std::time::Instant::now() < deadline {
            let child_cpu = sample(child.id()).map_or(0.0, |s| s.cpu_s);
            if child_cpu > 0.0 {
                seen = child_cpu;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let tree = tree_cpu_s(own).expect("this process");
        let alone = sample(own).expect("this process").cpu_s;
        let _ = child.kill();
        let _ = child.wait();
        assert!(seen > 0.0, "the child spent no CPU");
        assert!(
            tree >= alone + seen - 0.011,
            "tree {tree} < own {alone} + child {seen}"
        );
    }
}
