//! Parsers of the Linux /proc and /sys text formats the capacity sampler reads, and the
//! arithmetic over two readings (CPU % from two /proc/stat samples, bytes/s from two
//! /proc/net/dev samples).

/// CPU time in clock ticks (USER_HZ), busy and in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTimes {
    /// Ticks not idle and not waiting for I/O.
    pub busy: u64,
    /// Every tick counted (idle and I/O wait included; guest time is already in user).
    pub total: u64,
}

/// The machine's CPU counters: the sum over all CPUs, and how many CPUs there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MachineCpu {
    pub all: CpuTimes,
    pub cpus: usize,
}

/// Parses /proc/stat: the aggregate `cpu` line (user nice system idle iowait irq softirq
/// steal ...) and the count of `cpuN` lines.
pub fn parse_proc_stat(text: &str) -> Option<MachineCpu> {
    let mut all = None;
    let mut cpus = 0;
    for line in text.lines() {
        let mut fields = line.split_ascii_whitespace();
        match fields.next() {
            Some("cpu") => {
                let v: Vec<u64> = fields.take(8).map_while(|f| f.parse().ok()).collect();
                if v.len() < 4 {
                    return None;
                }
                let total: u64 = v.iter().sum();
                let idle = v[3] + v.get(4).copied().unwrap_or(0);
                all = Some(CpuTimes {
                    busy: total - idle,
                    total,
                });
            }
            Some(name) if name.starts_with("cpu") && name[3..].parse::<u32>().is_ok() => cpus += 1,
            _ => {}
        }
    }
    all.map(|all| MachineCpu {
        all,
        cpus: cpus.max(1),
    })
}

/// What /proc/<pid>/stat says of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProcessCpu {
    /// User plus system time, in clock ticks.
    pub ticks: u64,
    pub threads: u64,
}

/// Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses,
/// so the fields are counted from the last `)`.
pub fn parse_process_stat(text: &str) -> Option<ProcessCpu> {
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_ascii_whitespace().collect();
    // After the name: state is field 3 (index 0), utime 14, stime 15, num_threads 20.
    let at = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    Some(ProcessCpu {
        ticks: at(14)? + at(15)?,
        threads: at(20)?,
    })
}

/// The machine's memory from /proc/meminfo, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Memory {
    pub total: u64,
    pub available: u64,
}

impl Memory {
    /// Used share: (total - available) / total x 100.
    pub fn used_percent(&self) -> Option<f64> {
        (self.total > 0)
            .then(|| self.total.saturating_sub(self.available) as f64 / self.total as f64 * 100.0)
    }
}

/// A `Name:   123 kB` value of /proc/meminfo or /proc/<pid>/status, in bytes.
fn kb_field(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(name)?.strip_prefix(':')?;
        let mut parts = value.split_ascii_whitespace();
        let n: u64 = parts.next()?.parse().ok()?;
        match parts.next() {
            Some("kB") => Some(n * 1024),
            None => Some(n),
            Some(_) => None,
        }
    })
}

/// Parses /proc/meminfo (`MemAvailable` needs Linux 3.14 or later).
pub fn parse_meminfo(text: &str) -> Option<Memory> {
    Some(Memory {
        total: kb_field(text, "MemTotal")?,
        available: kb_field(text, "MemAvailable")?,
    })
}

/// The resident set size (`VmRSS`) from /proc/<pid>/status, in bytes.
pub fn parse_vm_rss(text: &str) -> Option<u64> {
    kb_field(text, "VmRSS")
}

/// Bytes received and sent by one network interface since boot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceBytes {
    pub name: String,
    pub received: u64,
    pub sent: u64,
}

/// Parses /proc/net/dev: after two header lines, `name: rx_bytes ... (8 fields) tx_bytes ...`.
pub fn parse_net_dev(text: &str) -> Vec<InterfaceBytes> {
    text.lines()
        .skip(2)
        .filter_map(|line| {
            let (name, counters) = line.split_once(':')?;
            let v: Vec<u64> = counters
                .split_ascii_whitespace()
                .map_while(|f| f.parse().ok())
                .collect();
            Some(InterfaceBytes {
                name: name.trim().to_string(),
                received: *v.first()?,
                sent: *v.get(8)?,
            })
        })
        .collect()
}

/// Parses /sys/class/net/<if>/speed (Mbit/s); `None` when the link has no known speed
/// (virtual interfaces give -1 or refuse the read).
pub fn parse_link_speed(text: &str) -> Option<u64> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|s| *s > 0)
        .map(|s| s as u64)
}

/// Whether an interface stays inside the machine (loopback), so carries no network load.
pub fn is_loopback(name: &str) -> bool {
    name == "lo"
}

/// Bytes per second over all interfaces but loopback between two readings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    pub received_bytes_per_second: f64,
    pub sent_bytes_per_second: f64,
    /// Interfaces summed (those in both readings whose counters did not go back).
    pub interfaces: usize,
}

/// [`Traffic`] between two readings of /proc/net/dev `seconds` apart. An interface whose
/// counters went back (re-created, or a 32-bit counter wrapped) is left out of the sum;
/// `None` when no interface but loopback is in both readings or no time passed.
pub fn traffic(
    before: &[InterfaceBytes],
    after: &[InterfaceBytes],
    seconds: f64,
) -> Option<Traffic> {
    if seconds.is_nan() || seconds <= 0.0 {
        return None;
    }
    let (mut received, mut sent, mut interfaces) = (0u64, 0u64, 0usize);
    for b in after.iter().filter(|b| !is_loopback(&b.name)) {
        let Some(a) = before.iter().find(|a| a.name == b.name) else {
            continue;
        };
        if let (Some(rx), Some(tx)) = (
            b.received.checked_sub(a.received),
            b.sent.checked_sub(a.sent),
        ) {
            received = received.saturating_add(rx);
            sent = sent.saturating_add(tx);
            interfaces += 1;
        }
    }
    (interfaces > 0).then(|| Traffic {
        received_bytes_per_second: received as f64 / seconds,
        sent_bytes_per_second: sent as f64 / seconds,
        interfaces,
    })
}

/// The link capacity assumed when no interface reports its speed (virtual NICs give -1):
/// 1 Gbit/s, the smallest link a server is commonly given. Said as `assumed` wherever used.
pub const ASSUMED_LINK_MBPS: u64 = 1_000;

/// Share (%) of a full-duplex link of `mbps` that the busier direction of `t` uses.
pub fn link_utilization(t: &Traffic, mbps: u64) -> Option<f64> {
    let busier = t.received_bytes_per_second.max(t.sent_bytes_per_second);
    (mbps > 0).then(|| busier * 8.0 / (mbps as f64 * 1e6) * 100.0)
}

/// Busy share of the CPU between two readings, 0-100; `None` when no tick passed.
pub fn cpu_percent(before: CpuTimes, after: CpuTimes) -> Option<f64> {
    let total = after.total.checked_sub(before.total)?;
    let busy = after.busy.checked_sub(before.busy)?;
    (total > 0).then(|| (busy as f64 / total as f64 * 100.0).min(100.0))
}

/// A process's share of the whole machine (all CPUs) between two readings, 0-100: its
/// ticks over the machine's ticks, both in USER_HZ.
pub fn process_percent(ticks: u64, machine_ticks: u64) -> Option<f64> {
    (machine_ticks > 0).then(|| (ticks as f64 / machine_ticks as f64 * 100.0).min(100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT: &str = "cpu  118599 0 24911 32266 628 0 162 1121 0 0\n\
        cpu0 60082 0 12534 15247 392 0 47 536 0 0\n\
        cpu1 58517 0 12376 17018 235 0 115 585 0 0\n\
        intr 1 2 3\nctxt 42\nbtime 1764581400\n";

    #[test]
    fn proc_stat_sums_idle_and_iowait_as_not_busy() {
        let m = parse_proc_stat(STAT).unwrap();
        assert_eq!(m.cpus, 2);
        assert_eq!(m.all.total, 118599 + 24911 + 32266 + 628 + 162 + 1121);
        assert_eq!(m.all.busy, 118599 + 24911 + 162 + 1121);
        assert_eq!(parse_proc_stat("intr 1 2\n"), None);
    }

    #[test]
    fn cpu_percent_from_two_samples() {
        let a = CpuTimes {
            busy: 100,
            total: 1000,
        };
        let b = CpuTimes {
            busy: 175,
            total: 1100,
        };
        assert_eq!(cpu_percent(a, b), Some(75.0));
        assert_eq!(cpu_percent(a, a), None);
        assert_eq!(cpu_percent(b, a), None, "counters never go back");
        assert_eq!(process_percent(25, 200), Some(12.5));
        assert_eq!(process_percent(1, 0), None);
    }

    #[test]
    fn process_stat_with_a_name_holding_spaces_and_parentheses() {
        let text = "4242 (tokio (rt) worker) S 1 4242 4242 0 -1 4194560 1500 0 0 0 \
                    731 269 0 0 20 0 9 0 89127 3133440 393 18446744073709551615 1 2 3";
        assert_eq!(
            parse_process_stat(text),
            Some(ProcessCpu {
                ticks: 1000,
                threads: 9
            })
        );
        assert_eq!(parse_process_stat("4242 (x) S 1"), None);
    }

    #[test]
    fn meminfo_and_rss_in_bytes() {
        let meminfo = "MemTotal:       24683584 kB\nMemFree:        13805988 kB\n\
                       MemAvailable:   22955776 kB\nBuffers: 1 kB\n";
        let m = parse_meminfo(meminfo).unwrap();
        assert_eq!(m.total, 24683584 * 1024);
        assert_eq!(m.available, 22955776 * 1024);
        let used = m.used_percent().unwrap();
        assert!((used - 6.999_826).abs() < 1e-6, "{used}");
        assert_eq!(parse_meminfo("MemTotal: 1 kB\n"), None);
        let status = "Name:\twfm-pulse\nVmPeak:\t  9000 kB\nVmRSS:\t    1916 kB\nThreads: 3\n";
        assert_eq!(parse_vm_rss(status), Some(1916 * 1024));
    }

    #[test]
    fn net_dev_received_and_sent_bytes() {
        let text = "Inter-|   Receive                                                |  Transmit\n \
            face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    \
            lo: 5175653    5604    0    0    0     0          0         0  5175653    5604    0    0    0     0       0          0\n  \
            eth0: 169721708    7995    0    0    0     0          0         0   458116    5444    0    0    0     0       0          0\n";
        assert_eq!(
            parse_net_dev(text),
            vec![
                InterfaceBytes {
                    name: "lo".into(),
                    received: 5175653,
                    sent: 5175653
                },
                InterfaceBytes {
                    name: "eth0".into(),
                    received: 169721708,
                    sent: 458116
                },
            ]
        );
    }

    #[test]
    fn link_speed_only_when_positive() {
        assert_eq!(parse_link_speed("1000\n"), Some(1000));
        assert_eq!(parse_link_speed("-1\n"), None);
        assert_eq!(parse_link_speed(""), None);
    }

    #[test]
    fn traffic_sums_every_interface_but_loopback_between_two_readings() {
        let header = "Inter-|   Receive                                                |  Transmit\n \
            face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
        let before = format!(
            "{header}    lo: 1000 1 0 0 0 0 0 0 1000 1 0 0 0 0 0 0\n  \
             eth0: 171607901 4907 0 0 0 0 0 0 304072 3095 0 0 0 0 0 0\n  \
             eth1: 500 5 0 0 0 0 0 0 700 7 0 0 0 0 0 0\n  \
             veth9: 900 9 0 0 0 0 0 0 900 9 0 0 0 0 0 0\n"
        );
        // 10 s later: lo moved 9 MB (ignored); eth0 got 1,000,000 B and sent 250,000 B;
        // eth1 got 2,000 B and sent 500 B; veth9 was re-created (counters back: left out);
        // wlan0 appeared (not in the first reading: left out).
        let after = format!(
            "{header}    lo: 9001000 9 0 0 0 0 0 0 9001000 9 0 0 0 0 0 0\n  \
             eth0: 172607901 5907 0 0 0 0 0 0 554072 4095 0 0 0 0 0 0\n  \
             eth1: 2500 9 0 0 0 0 0 0 1200 9 0 0 0 0 0 0\n  \
             veth9: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0\n  \
             wlan0: 7 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n"
        );
        let (a, b) = (parse_net_dev(&before), parse_net_dev(&after));
        // Received (1,000,000 + 2,000) / 10 = 100,200 B/s; sent (250,000 + 500) / 10 = 25,050.
        let t = traffic(&a, &b, 10.0).unwrap();
        assert_eq!(t.received_bytes_per_second, 100_200.0);
        assert_eq!(t.sent_bytes_per_second, 25_050.0);
        assert_eq!(t.interfaces, 2);
        // On 1 Gbit/s the busier direction is 100,200 x 8 / 1e9 = 0.08016 %.
        let u = link_utilization(&t, ASSUMED_LINK_MBPS).unwrap();
        assert!((u - 0.08016).abs() < 1e-12, "{u}");
        assert_eq!(link_utilization(&t, 0), None);
        assert_eq!(traffic(&a, &b, 0.0), None);
        let only_lo = parse_net_dev(&format!(
            "{header}    lo: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n"
        ));
        assert_eq!(traffic(&only_lo, &only_lo, 5.0), None);
        assert_eq!(traffic(&[], &[], 5.0), None, "nothing readable: unknown");
    }
}
