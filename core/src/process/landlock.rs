//! The Landlock rules of a sandboxed command (Linux): read and execute everywhere; write, create,
//! remove and rename only beneath the allowed directories, a few harmless devices and shared
//! memory; optionally no TCP connect or bind; no signals to, and no abstract-socket connections
//! with, processes outside the sandbox.

use std::path::PathBuf;

use landlock::{
    ABI, Access, AccessFs, AccessNet, LandlockStatus, Ruleset, RulesetAttr, RulesetCreatedAttr,
    RulesetError, Scope, path_beneath_rules,
};

use super::sandbox::Support;

/// The Landlock ABI whose access rights the rules handle: the newest one tested (the rights of
/// newer ABIs are left alone, as the landlock crate advises). V6 adds the signal and
/// abstract-socket scopes to V5's device ioctls.
const RULES_ABI: ABI = ABI::V6;
/// The ABI whose network rights are handled: TCP bind and connect (V4).
const NETWORK_ABI: ABI = ABI::V4;

/// Devices every command may write to (and use ioctls on).
const DEVICES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
    "/dev/ptmx",
    "/dev/pts",
];

/// Shared memory (POSIX semaphores and `shm_open`, which Python's multiprocessing uses): a
/// memory-backed directory, writable like a temporary one.
const SHARED_MEMORY: &str = "/dev/shm";

/// Confines the calling thread — and so everything it `exec`s — to writing beneath `writable`
/// (directories or files; missing ones are skipped) and, unless `network`, to no TCP. Returns
/// what the kernel supports, from which the caller judges whether the result is enough.
pub(crate) fn restrict(writable: &[PathBuf], network: bool) -> Result<Support, RulesetError> {
    let all = AccessFs::from_all(RULES_ABI);
    let mut ruleset = Ruleset::default()
        .handle_access(all)?
        .scope(Scope::from_all(RULES_ABI))?;
    if !network {
        ruleset = ruleset.handle_access(AccessNet::from_all(NETWORK_ABI))?;
    }
    let device = AccessFs::WriteFile | AccessFs::Truncate | AccessFs::IoctlDev;
    let status = ruleset
        .create()?
        .add_rules(path_beneath_rules(["/"], AccessFs::from_read(RULES_ABI)))?
        .add_rules(path_beneath_rules(DEVICES, device))?
        .add_rules(path_beneath_rules([SHARED_MEMORY], all))?
        .add_rules(path_beneath_rules(writable, all))?
        .restrict_self()?;
    Ok(support_of(status.landlock))
}

/// What the running kernel supports, found by confining a thread made for the purpose (a
/// Landlock domain and `no_new_privs` belong to the thread that asks, so nothing else changes).
pub(crate) fn probe() -> Support {
    let asked = std::thread::spawn(|| -> Result<LandlockStatus, RulesetError> {
        let status = Ruleset::default()
            .handle_access(AccessFs::Execute)?
            .create()?
            .add_rules(path_beneath_rules(["/"], AccessFs::Execute))?
            .restrict_self()?;
        Ok(status.landlock)
    })
    .join();
    match asked {
        Ok(Ok(status)) => support_of(status),
        Ok(Err(error)) => Support::Failed(error.to_string()),
        Err(_) => Support::Failed("the probe stopped unexpectedly".to_string()),
    }
}

fn support_of(status: LandlockStatus) -> Support {
    match status {
        LandlockStatus::NotEnabled => Support::NotEnabled,
        LandlockStatus::NotImplemented => Support::NotInKernel,
        LandlockStatus::Available {
            effective_abi,
            kernel_abi,
        } => Support::Landlock {
            abi: kernel_abi.unwrap_or(effective_abi as i32),
        },
    }
}
