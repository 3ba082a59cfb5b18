//! The process group a command leads: killed when the command is done, and when whoever runs it
//! goes away (a dropped future, a cancelled task). When the leader is the supervising launcher it
//! is first asked to stop (SIGTERM), so it can kill what left the group too.

use std::time::Duration;

/// How long a supervising launcher gets to clean up before its group is killed outright.
pub(crate) const STOP_GRACE: Duration = Duration::from_millis(1500);

/// The group of the process `leader` (which was started as its own group leader). Killing it
/// kills every process still in it; dropping it does too.
#[derive(Debug)]
pub(crate) struct Group {
    leader: Option<i32>,
    supervised: bool,
}

impl Group {
    /// The group `leader` leads; `supervised` when the leader is the launcher.
    pub(crate) fn new(leader: Option<u32>, supervised: bool) -> Self {
        Self {
            leader: leader
                .and_then(|pid| i32::try_from(pid).ok())
                .filter(|pid| *pid > 1),
            supervised,
        }
    }

    /// Asks a supervising leader to stop everything it watches (SIGTERM); nothing otherwise.
    pub(crate) fn stop(&self) {
        #[cfg(unix)]
        if let (Some(leader), true) = (self.leader, self.supervised) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(leader),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
    }

    /// Sends SIGKILL to every process in the group. Harmless when the group is already gone.
    pub(crate) fn kill(&self) {
        #[cfg(unix)]
        if let Some(leader) = self.leader {
            // ESRCH (nobody left in the group) is the usual answer and means nothing to do.
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(leader),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

impl Group {
    /// The command is over and reaped: kills what is left of the group, and forgets it, so
    /// nothing is signalled by a process id that may be reused.
    pub(crate) fn finish(mut self) {
        self.kill();
        self.leader = None;
    }
}

/// Dropped while the command may still run (a cancel): a supervising leader is asked to stop
/// and its group killed a moment later; any other group is killed at once.
impl Drop for Group {
    fn drop(&mut self) {
        if self.leader.is_none() {
            return;
        }
        if !self.supervised {
            self.kill();
            return;
        }
        self.stop();
        let group = Group {
            leader: self.leader.take(),
            supervised: false,
        };
        std::thread::spawn(move || {
            std::thread::sleep(STOP_GRACE);
            drop(group);
        });
    }
}
