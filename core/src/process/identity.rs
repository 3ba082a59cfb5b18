//! Which process this is, and whether the process a record names still runs: what a task's
//! lease says about its owner (pid, start time, where that pid means something) and how another
//! process checks it later.
//!
//! On Linux the answer comes from `/proc`: a pid whose `/proc/PID/stat` is gone, a zombie, or a
//! process that started at another time (the pid was reused) has ended. The check is only made
//! where the pid means the same process — the same boot and pid namespace (a sandbox has its
//! own); anywhere else, and on other systems, the answer is [`Liveness::Unknown`] and the
//! caller goes by the lease's heartbeat instead.

/// A process as a lease records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessIdentity {
    pub pid: u32,
    /// When it started, in the system's own unit (clock ticks since boot on Linux); `None` where
    /// unknown.
    pub started: Option<i64>,
    /// Where the pid means this process: the boot and pid namespace; `None` where unknown.
    pub scope: Option<String>,
}

/// Whether a recorded process still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// It (the very process, not a later one with its pid) is running.
    Running,
    /// It has exited or been killed.
    Ended,
    /// This process cannot tell (another pid namespace or machine, or no `/proc`).
    Unknown,
}

impl ProcessIdentity {
    /// This process.
    pub fn current() -> Self {
        let pid = std::process::id();
        Self {
            pid,
            started: stat(pid).ok().map(|(_, started)| started),
            scope: scope(),
        }
    }

    /// Whether the process recorded here still runs, as far as this process can see.
    pub fn liveness(&self) -> Liveness {
        let (Some(recorded), Some(here)) = (self.scope.as_deref(), scope()) else {
            return Liveness::Unknown;
        };
        if recorded != here {
            return Liveness::Unknown;
        }
        match stat(self.pid) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Liveness::Ended,
            Err(_) => Liveness::Unknown,
            // A zombie has ended; only its parent has not collected it yet.
            Ok(('Z' | 'X' | 'x', _)) => Liveness::Ended,
            Ok((_, started)) if self.started.is_some_and(|recorded| recorded != started) => {
                Liveness::Ended
            }
            Ok(_) => Liveness::Running,
        }
    }
}

/// The state letter and start time of process `pid` (Linux `/proc/PID/stat`, fields 3 and 22).
#[cfg(target_os = "linux")]
fn stat(pid: u32) -> std::io::Result<(char, i64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    parse_stat(&text).ok_or_else(|| std::io::Error::other("unexpected /proc stat format"))
}

#[cfg(not(target_os = "linux"))]
fn stat(_pid: u32) -> std::io::Result<(char, i64)> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "no /proc on this system",
    ))
}

/// Fields after the command name, which is in parentheses and may itself hold spaces and `)`.
fn parse_stat(text: &str) -> Option<(char, i64)> {
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    // State is field 3; the start time is field 22.
    let started = fields.nth(18)?.parse().ok()?;
    Some((state, started))
}

/// The boot id and pid namespace of this process: pids compare only within both.
#[cfg(target_os = "linux")]
fn scope() -> Option<String> {
    let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let namespace = std::fs::read_link("/proc/self/ns/pid").ok()?;
    Some(format!("{} {}", boot.trim(), namespace.display()))
}

#[cfg(not(target_os = "linux"))]
fn scope() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_are_read_past_odd_command_names() {
        let line = "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10";
        assert_eq!(parse_stat(line), Some(('S', 987654)));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_runs_and_a_reaped_child_has_ended() {
        let me = ProcessIdentity::current();
        assert!(me.started.is_some() && me.scope.is_some(), "{me:?}");
        assert_eq!(me.liveness(), Liveness::Running);

        let reused = ProcessIdentity {
            started: me.started.map(|s| s + 1),
            ..me.clone()
        };
        assert_eq!(reused.liveness(), Liveness::Ended, "a reused pid");

        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let gone = ProcessIdentity { pid, ..me.clone() };
        assert_eq!(gone.liveness(), Liveness::Ended);

        let elsewhere = ProcessIdentity {
            scope: Some("another machine".into()),
            ..me.clone()
        };
        assert_eq!(elsewhere.liveness(), Liveness::Unknown);
        let unrecorded = ProcessIdentity { scope: None, ..me };
        assert_eq!(unrecorded.liveness(), Liveness::Unknown);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_killed_child_not_yet_collected_has_ended() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let identity = ProcessIdentity {
            pid: child.id(),
            started: stat(child.id()).ok().map(|(_, started)| started),
            scope: scope(),
        };
        assert_eq!(identity.liveness(), Liveness::Running);
        child.kill().unwrap();
        // Killed but not waited for: a zombie.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while identity.liveness() != Liveness::Ended {
            assert!(std::time::Instant::now() < deadline);
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        child.wait().unwrap();
        assert_eq!(identity.liveness(), Liveness::Ended);
    }
}
