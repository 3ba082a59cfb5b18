//! Installing, removing and reading agent's hooks in a hooks directory. A hook that was there
//! before is chained (moved to `<hook>.agent-chained`, which agent's script runs first) and put
//! back on uninstall; installing again only rewrites agent's own script.

use std::fs;
use std::path::{Path, PathBuf};

use super::error::HookError;
use super::kind::{CommitMsgMode, HookKind};
use super::location::HooksDir;
use super::script::{self, ScriptInfo};

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// There was no hook; agent's is the only one.
    New,
    /// agent's script was there and was written again (binary and mode as given now).
    Updated,
    /// Another hook was there: it moved to this path, and agent's script runs it first.
    Chained(PathBuf),
}

/// What [`uninstall`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// agent's script was removed; the chained hook, if any, is back in its place.
    Removed { restored: bool },
    /// The hook there is not agent's; it was left alone.
    NotAgents,
    /// There was no hook of agent's.
    NotInstalled,
}

/// Where one hook stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum HookState {
    /// agent's script is installed.
    Installed {
        binary: PathBuf,
        /// Whether that binary is still there (else the script falls back to `agent` on PATH).
        binary_exists: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        mode: Option<CommitMsgMode>,
        /// Whether it chains a hook that was there before.
        chained: bool,
    },
    /// Another hook, not agent's.
    Other,
    /// No hook.
    Absent,
}

/// Installs agent's `kind` hook calling `binary` into `dir`, chaining a hook that is there.
pub fn install(
    dir: &HooksDir,
    kind: HookKind,
    binary: &Path,
    mode: Option<CommitMsgMode>,
) -> Result<Installed, HookError> {
    fs::create_dir_all(&dir.path).map_err(io("create", &dir.path))?;
    let path = dir.path.join(kind.name());
    let chained = dir.path.join(script::chained_name(kind));
    let outcome = match read_script(&path)? {
        Existing::Absent => Installed::New,
        Existing::Agents(_) => Installed::Updated,
        Existing::Other => {
            if exists(&chained) {
                return Err(HookError::ChainTaken {
                    hook: path.display().to_string(),
                    path: chained,
                });
            }
            fs::rename(&path, &chained).map_err(io("move", &path))?;
            Installed::Chained(chained)
        }
    };
    let temporary = dir.path.join(format!(".{}.agent-new", kind.name()));
    fs::write(&temporary, script::render(kind, binary, mode)).map_err(io("write", &temporary))?;
    make_executable(&temporary)?;
    fs::rename(&temporary, &path).map_err(io("write", &path))?;
    Ok(outcome)
}

/// Removes agent's `kind` hook from `dir` and puts the hook it chained back.
pub fn uninstall(dir: &HooksDir, kind: HookKind) -> Result<Uninstalled, HookError> {
    let path = dir.path.join(kind.name());
    let chained = dir.path.join(script::chained_name(kind));
    match read_script(&path)? {
        Existing::Other => Ok(Uninstalled::NotAgents),
        Existing::Agents(_) => {
            fs::remove_file(&path).map_err(io("remove", &path))?;
            let restored = restore(&chained, &path)?;
            Ok(Uninstalled::Removed { restored })
        }
        // agent's script was deleted by hand: the hook it chained still goes back.
        Existing::Absent if exists(&chained) => {
            restore(&chained, &path)?;
            Ok(Uninstalled::Removed { restored: true })
        }
        Existing::Absent => Ok(Uninstalled::NotInstalled),
    }
}

/// Where agent's `kind` hook stands in `dir`.
pub fn state(dir: &HooksDir, kind: HookKind) -> Result<HookState, HookError> {
    let path = dir.path.join(kind.name());
    Ok(match read_script(&path)? {
        Existing::Absent => HookState::Absent,
        Existing::Other => HookState::Other,
        Existing::Agents(info) => HookState::Installed {
            binary_exists: info.binary.is_file(),
            binary: info.binary,
            mode: info.mode,
            chained: exists(&dir.path.join(script::chained_name(kind))),
        },
    })
}

/// What is at a hook's path.
enum Existing {
    Absent,
    Agents(ScriptInfo),
    Other,
}

fn read_script(path: &Path) -> Result<Existing, HookError> {
    if !exists(path) {
        return Ok(Existing::Absent);
    }
    match fs::read(path) {
        Ok(bytes) => Ok(match script::parse(&String::from_utf8_lossy(&bytes)) {
            Some(info) => Existing::Agents(info),
            None => Existing::Other,
        }),
        // A dangling symlink or a directory: someone else's, and in the way.
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
            ) =>
        {
            Ok(Existing::Other)
        }
        Err(source) => Err(HookError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Moves the chained hook back to `path`; false when there was none.
fn restore(chained: &Path, path: &Path) -> Result<bool, HookError> {
    if !exists(chained) {
        return Ok(false);
    }
    fs::rename(chained, path).map_err(io("restore", chained))?;
    Ok(true)
}

/// Whether anything (a file, a symlink, even a dangling one) is at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

fn make_executable(path: &Path) -> Result<(), HookError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755))
            .map_err(io("make executable", path))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> HookError {
    let path = path.to_path_buf();
    move |source| HookError::Io {
        action,
        path,
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> (tempfile::TempDir, HooksDir) {
        let temp = tempfile::tempdir().unwrap();
        let hooks = HooksDir {
            path: temp.path().join("hooks"),
            from_hooks_path: false,
        };
        (temp, hooks)
    }

    #[test]
    fn install_chains_another_hook_is_idempotent_and_uninstall_restores_it() {
        let (_temp, hooks) = dir();
        fs::create_dir_all(&hooks.path).unwrap();
        let theirs = hooks.path.join("pre-commit");
        fs::write(&theirs, "#!/bin/sh\nexec make lint\n").unwrap();
        let binary = Path::new("/usr/bin/agent");

        let first = install(&hooks, HookKind::PreCommit, binary, None).unwrap();
        let chained = hooks.path.join("pre-commit.agent-chained");
        assert_eq!(first, Installed::Chained(chained.clone()));
        assert_eq!(
            fs::read_to_string(&chained).unwrap(),
            "#!/bin/sh\nexec make lint\n"
        );
        let again = install(&hooks, HookKind::PreCommit, binary, None).unwrap();
        assert_eq!(again, Installed::Updated);
        assert_eq!(
            fs::read_to_string(&chained).unwrap(),
            "#!/bin/sh\nexec make lint\n"
        );
        assert_eq!(
            state(&hooks, HookKind::PreCommit).unwrap(),
            HookState::Installed {
                binary: binary.to_path_buf(),
                binary_exists: binary.is_file(),
                mode: None,
                chained: true,
            }
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&theirs).unwrap().permissions().mode();
            assert_eq!(mode & 0o111, 0o111, "{mode:o}");
        }

        assert_eq!(
            uninstall(&hooks, HookKind::PreCommit).unwrap(),
            Uninstalled::Removed { restored: true }
        );
        assert_eq!(
            fs::read_to_string(&theirs).unwrap(),
            "#!/bin/sh\nexec make lint\n"
        );
        assert!(!chained.exists());
        assert_eq!(
            uninstall(&hooks, HookKind::PreCommit).unwrap(),
            Uninstalled::NotAgents
        );
        assert_eq!(
            state(&hooks, HookKind::PreCommit).unwrap(),
            HookState::Other
        );
    }

    #[test]
    fn a_taken_chain_slot_refuses_and_changes_nothing() {
        let (_temp, hooks) = dir();
        fs::create_dir_all(&hooks.path).unwrap();
        fs::write(hooks.path.join("pre-push"), "#!/bin/sh\necho mine\n").unwrap();
        fs::write(hooks.path.join("pre-push.agent-chained"), "#!/bin/sh\n").unwrap();
        let error = install(&hooks, HookKind::PrePush, Path::new("/a"), None).unwrap_err();
        assert!(matches!(error, HookError::ChainTaken { .. }), "{error}");
        assert!(error.hint().is_some());
        assert_eq!(
            fs::read_to_string(hooks.path.join("pre-push")).unwrap(),
            "#!/bin/sh\necho mine\n"
        );
    }

    #[test]
    fn a_missing_directory_is_made_and_uninstall_of_nothing_says_so() {
        let (_temp, hooks) = dir();
        assert_eq!(
            state(&hooks, HookKind::CommitMsg).unwrap(),
            HookState::Absent
        );
        assert_eq!(
            uninstall(&hooks, HookKind::CommitMsg).unwrap(),
            Uninstalled::NotInstalled
        );
        let outcome = install(
            &hooks,
            HookKind::CommitMsg,
            Path::new("/a"),
            Some(CommitMsgMode::Rewrite),
        )
        .unwrap();
        assert_eq!(outcome, Installed::New);
        let HookState::Installed { mode, chained, .. } =
            state(&hooks, HookKind::CommitMsg).unwrap()
        else {
            panic!("not installed");
        };
        assert_eq!((mode, chained), (Some(CommitMsgMode::Rewrite), false));
        // No temporary file is left behind.
        let names: Vec<String> = fs::read_dir(&hooks.path)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["commit-msg"]);
    }
}
