//! Readers of the machine and this process: /proc, /sys/class/net and statvfs. A value
//! that cannot be read (another OS, a restricted container) is `None`, never an error.

use std::path::Path;

use crate::capacity::proc::{
    self, InterfaceBytes, MachineCpu, Memory, ProcessCpu, parse_link_speed,
};

fn read(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// The machine's CPU counters (/proc/stat).
pub fn machine_cpu() -> Option<MachineCpu> {
    proc::parse_proc_stat(&read("/proc/stat")?)
}

/// This process's CPU counters (/proc/self/stat).
pub fn process_cpu() -> Option<ProcessCpu> {
    proc::parse_process_stat(&read("/proc/self/stat")?)
}

/// The machine's memory (/proc/meminfo).
pub fn memory() -> Option<Memory> {
    proc::parse_meminfo(&read("/proc/meminfo")?)
}

/// This process's resident set size in bytes (/proc/self/status).
pub fn rss_bytes() -> Option<u64> {
    proc::parse_vm_rss(&read("/proc/self/status")?)
}

/// Bytes in and out per interface since boot (/proc/net/dev).
pub fn interfaces() -> Vec<InterfaceBytes> {
    read("/proc/net/dev")
        .map(|t| proc::parse_net_dev(&t))
        .unwrap_or_default()
}

/// An interface's link speed in Mbit/s, when the kernel knows it.
pub fn link_speed_mbps(interface: &str) -> Option<u64> {
    // The name comes from /proc/net/dev; refuse anything that would leave the directory.
    if interface.contains('/') || interface.starts_with('.') {
        return None;
    }
    parse_link_speed(&read(&format!("/sys/class/net/{interface}/speed"))?)
}

/// This process's CPU ticks and memory now, for the exposition.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessNow {
    pub ticks: Option<u64>,
    pub rss_bytes: Option<u64>,
}

/// Reads [`ProcessNow`].
pub fn process_now() -> ProcessNow {
    ProcessNow {
        ticks: process_cpu().map(|p| p.ticks),
        rss_bytes: rss_bytes(),
    }
}

/// Clock ticks per second of the CPU counters (USER_HZ).
pub fn ticks_per_second() -> f64 {
    match rustix::param::clock_ticks_per_second() {
        0 => 100.0,
        hz => hz as f64,
    }
}

/// Space on a filesystem, in bytes, as `df` counts it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct DiskSpace {
    pub size_bytes: u64,
    /// Free to unprivileged users (what the service can still write).
    pub free_bytes: u64,
    /// used / (used + free) x 100, as `df` shows it.
    pub used_percent: f64,
}

/// The space of the filesystem holding `path` (statvfs).
pub fn disk_space(path: &Path) -> Option<DiskSpace> {
    let s = rustix::fs::statvfs(path).ok()?;
    let fragment = s.f_frsize;
    let size = s.f_blocks * fragment;
    let free = s.f_bavail * fragment;
    let used = s.f_blocks.saturating_sub(s.f_bfree) * fragment;
    let usable = used + free;
    Some(DiskSpace {
        size_bytes: size,
        free_bytes: free,
        used_percent: if usable > 0 {
            used as f64 / usable as f64 * 100.0
        } else {
            0.0
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_on_linux() {
        assert!(machine_cpu().is_some_and(|m| m.cpus >= 1 && m.all.total > 0));
        assert!(rss_bytes().is_some_and(|r| r > 0));
        assert!(disk_space(Path::new("/")).is_some_and(|d| d.size_bytes > 0));
        assert!(disk_space(Path::new("/no/such/dir")).is_none());
        assert!(link_speed_mbps("../x").is_none());
        assert!(ticks_per_second() >= 1.0);
    }
}
