//! Server memory: resident set size read from `/proc/PID/status` (Linux), summed over a
//! process and all its descendants (gunicorn's master and workers, or `aftersail serve`).

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

/// Memory of a process tree, in KiB.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Memory {
    /// Resident now (`VmRSS`), summed.
    pub rss_kib: u64,
    /// Peak resident (`VmHWM`), summed over the processes alive now.
    pub hwm_kib: u64,
    /// Processes counted.
    pub processes: u32,
}

impl Memory {
    pub fn rss_mib(&self) -> f64 {
        self.rss_kib as f64 / 1024.0
    }

    pub fn hwm_mib(&self) -> f64 {
        self.hwm_kib as f64 / 1024.0
    }
}

/// `VmRSS`, `VmHWM` and `PPid` of one `/proc/PID/status` text.
fn parse_status(text: &str) -> (u64, u64, Option<u32>) {
    let (mut rss, mut hwm, mut ppid) = (0, 0, None);
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let number = || {
            value
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
        };
        match key {
            "VmRSS" => rss = number().unwrap_or(0),
            "VmHWM" => hwm = number().unwrap_or(0),
            "PPid" => ppid = number().and_then(|n| u32::try_from(n).ok()),
            _ => {}
        }
    }
    (rss, hwm, ppid)
}

/// The memory of `root` and every process descending from it; `None` if `root` is gone.
pub fn of_tree(root: u32) -> Option<Memory> {
    of_tree_in(Path::new("/proc"), root)
}

fn of_tree_in(proc_dir: &Path, root: u32) -> Option<Memory> {
    let mut status: HashMap<u32, (u64, u64, Option<u32>)> = HashMap::new();
    for entry in std::fs::read_dir(proc_dir).ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Ok(text) = std::fs::read_to_string(entry.path().join("status")) {
            status.insert(pid, parse_status(&text));
        }
    }
    status.get(&root)?;
    let mut memory = Memory::default();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        if let Some((rss, hwm, _)) = status.get(&pid) {
            memory.rss_kib += rss;
            memory.hwm_kib += hwm;
            memory.processes += 1;
        }
        queue.extend(
            status
                .iter()
                .filter(|(_, (_, _, parent))| *parent == Some(pid))
                .map(|(child, _)| *child),
        );
    }
    Some(memory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_hwm_and_parent() {
        let text =
            "Name:\tgunicorn\nPPid:\t41\nVmHWM:\t  52000 kB\nVmRSS:\t   48123 kB\nThreads:\t1\n";
        assert_eq!(parse_status(text), (48123, 52000, Some(41)));
        assert_eq!(parse_status("Name:\tkthreadd\nPPid:\t0\n"), (0, 0, Some(0)));
    }

    #[test]
    fn sums_a_process_tree_and_skips_strangers() {
        let dir = std::env::temp_dir().join(format!("bench-proc-{}", std::process::id()));
        let write = |pid: u32, ppid: u32, rss: u64| {
            let p = dir.join(pid.to_string());
            std::fs::create_dir_all(&p).unwrap();
            std::fs::write(
                p.join("status"),
                format!("PPid:\t{ppid}\nVmHWM:\t{} kB\nVmRSS:\t{rss} kB\n", rss * 2),
            )
            .unwrap();
        };
        write(10, 1, 100); // master
        write(11, 10, 20); // worker
        write(12, 10, 30); // worker
        write(13, 12, 5); // a worker's child
        write(20, 1, 1000); // someone else
        let m = of_tree_in(&dir, 10).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(
            m,
            Memory {
                rss_kib: 155,
                hwm_kib: 310,
                processes: 4
            }
        );
        assert!(of_tree_in(Path::new("/proc"), std::process::id()).is_some_and(|m| m.rss_kib > 0));
    }
}
