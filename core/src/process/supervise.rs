//! The launcher as the command's supervisor (Linux): it starts the command as its child, in its
//! own process group, as a child subreaper, so every process the command starts stays its
//! descendant — a `setsid` daemon or a double fork included. When the command exits, when the
//! runner asks it to stop (SIGTERM) and when the agent dies (the parent-death signal is SIGTERM)
//! it kills every descendant, reaps them, and ends the way the command ended.

use std::ffi::OsString;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

use nix::sys::signal::{SigSet, SigmaskHow, Signal, kill, pthread_sigmask};
use nix::sys::signalfd::SignalFd;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

use super::launcher::LaunchError;

/// How long the supervisor keeps killing and reaping what the command left behind.
const CLEANUP_LIMIT: Duration = Duration::from_secs(2);

/// The signals that stop the supervisor (and everything under it).
fn stop_signals() -> SigSet {
    let mut set = SigSet::empty();
    for signal in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        set.add(signal);
    }
    set
}

/// Asks for SIGTERM when the agent (the thread that started us) dies, then checks it has not
/// died already; blocks the stop signals so they are read, not acted on.
pub(crate) fn prepare(parent: Option<u32>) -> Result<(), LaunchError> {
    let failed = |what: &str, errno: nix::Error| LaunchError::Setup(format!("{what}: {errno}"));
    pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&stop_signals()), None)
        .map_err(|errno| failed("cannot block signals", errno))?;
    nix::sys::prctl::set_pdeathsig(Signal::SIGTERM)
        .map_err(|errno| failed("cannot set the parent-death signal", errno))?;
    let ppid = nix::unistd::getppid().as_raw();
    if parent.is_some_and(|parent| i32::try_from(parent).ok() != Some(ppid)) {
        return Err(LaunchError::Orphaned);
    }
    nix::sys::prctl::set_child_subreaper(true)
        .map_err(|errno| failed("cannot become a child subreaper", errno))?;
    Ok(())
}

/// Runs the program to its end, kills whatever it left, and returns its exit code (or dies of
/// the signal that killed it).
pub(crate) fn run(program: &[OsString]) -> Result<u8, LaunchError> {
    let Some((name, rest)) = program.split_first() else {
        return Err(LaunchError::Usage("nothing to run".into()));
    };
    let signals = SignalFd::new(&stop_signals())
        .map_err(|errno| LaunchError::Setup(format!("cannot read signals: {errno}")))?;
    // std resets the signal mask of the child, so the command gets the stop signals as usual.
    let mut child = Command::new(name)
        .args(rest)
        .spawn()
        .map_err(|source| LaunchError::Exec {
            program: name.to_string_lossy().into_owned(),
            source,
        })?;
    std::thread::spawn(move || {
        if let Ok(Some(info)) = signals.read_signal() {
            kill_descendants();
            std::process::exit(128 + i32::try_from(info.ssi_signo).unwrap_or(15));
        }
    });
    let status = child.wait();
    kill_descendants();
    let status = status.map_err(|source| LaunchError::Exec {
        program: name.to_string_lossy().into_owned(),
        source,
    })?;
    Ok(end_like(status))
}

/// The exit code of `status`; for a command a signal killed, dies of the same signal (without
/// a core dump), so whoever waits for us sees what happened to it.
fn end_like(status: ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt as _;
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    let Some(number) = status.signal() else {
        return 1;
    };
    if let Ok(signal) = Signal::try_from(number) {
        let no_core =
            nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0);
        let mut set = SigSet::empty();
        set.add(signal);
        let unblocked = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&set), None);
        if no_core.is_ok() && unblocked.is_ok() {
            // Returns only for a signal this process ignores (SIGPIPE, as Rust sets it up).
            let _ = nix::sys::signal::raise(signal);
        }
    }
    u8::try_from(128 + number).unwrap_or(1)
}

/// Kills every process below this one and reaps them, until none is left or the time is up.
pub(crate) fn kill_descendants() {
    let me = std::process::id();
    let deadline = Instant::now() + CLEANUP_LIMIT;
    loop {
        let below = descendants(me);
        for pid in &below {
            let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
        // Reap what has died: our children, and orphans handed to us as subreaper.
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) | Err(_) => break,
                Ok(_) => {}
            }
        }
        if below.is_empty() || Instant::now() >= deadline {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The process ids below `pid`, from `/proc/PID/task/TID/children` (or, where the kernel has
/// no such file, from every process's parent in `/proc/PID/stat`).
fn descendants(pid: u32) -> Vec<i32> {
    let mut found = Vec::new();
    let mut queue = vec![pid];
    let by_stat = std::cell::OnceCell::new();
    while let Some(next) = queue.pop() {
        let children = children_file(next).unwrap_or_else(|| {
            by_stat
                .get_or_init(parents_from_stat)
                .iter()
                .filter(|(_, parent)| *parent == next)
                .map(|(child, _)| *child)
                .collect()
        });
        for child in children {
            if let Ok(raw) = i32::try_from(child) {
                found.push(raw);
                queue.push(child);
            }
        }
    }
    found
}

/// The children of every thread of `pid`; `None` when the kernel does not list them.
fn children_file(pid: u32) -> Option<Vec<u32>> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut children = Vec::new();
    for task in tasks.flatten() {
        match std::fs::read_to_string(task.path().join("children")) {
            Ok(text) => children.extend(
                text.split_whitespace()
                    .filter_map(|id| id.parse::<u32>().ok()),
            ),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
            // The thread ended meanwhile.
            Err(_) => {}
        }
    }
    Some(children)
}

/// Every process with its parent, from `/proc/*/stat`.
fn parents_from_stat() -> Vec<(u32, u32)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
            let after = stat.rsplit_once(')')?.1;
            let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect()
}
