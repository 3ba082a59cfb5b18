//! The process group a command leads: killed when the command is done, and when whoever runs it
//! goes away (a dropped future, a cancelled task).

/// The group of the process `leader` (which was started as its own group leader). Killing it
/// kills every process still in it; dropping it does too.
#[derive(Debug)]
pub(crate) struct Group {
    leader: Option<u32>,
}

impl Group {
    pub(crate) fn new(leader: Option<u32>) -> Self {
        Self { leader }
    }

    /// Sends SIGKILL to every process in the group. Harmless when the group is already gone.
    pub(crate) fn kill(&self) {
        #[cfg(unix)]
        if let Some(leader) = self
            .leader
            .and_then(|pid| i32::try_from(pid).ok())
            .filter(|pid| *pid > 1)
        {
            // ESRCH (nobody left in the group) is the usual answer and means nothing to do.
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(leader),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}
