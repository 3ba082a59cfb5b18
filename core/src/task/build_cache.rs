//! A build directory shared by the tasks of one repository: every task works in a fresh
//! worktree, and without this a Rust project's check would compile all its dependencies again
//! each time. Go modules get Go's build cache under agent's cache too, since sandboxed commands
//! cannot write the default one in the home directory.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::env::{CARGO_TARGET_DIR, EnvSnapshot, GOCACHE};

/// Environment for the commands a task runs (the check and the `run` tool): for a Cargo
/// project, `CARGO_TARGET_DIR` pointing at `<cache dir>/targets/<repo>-<hash>`; for a Go module,
/// `GOCACHE` at `<cache dir>/go-build` — each unless the user set their own. Empty otherwise.
/// The directories are writable inside the sandbox.
pub fn command_env(repo_root: &Path, cache_dir: &Path, env: &EnvSnapshot) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    if !env.is_set(CARGO_TARGET_DIR) && repo_root.join("Cargo.toml").is_file() {
        vars.push((
            CARGO_TARGET_DIR.to_string(),
            target_dir(repo_root, cache_dir).display().to_string(),
        ));
    }
    if !env.is_set(GOCACHE) && repo_root.join("go.mod").is_file() {
        vars.push((
            GOCACHE.to_string(),
            cache_dir.join("go-build").display().to_string(),
        ));
    }
    vars
}

/// Whether the variable `name` names a build directory (so a command may write there).
pub fn is_build_dir(name: &str) -> bool {
    name == CARGO_TARGET_DIR || name == GOCACHE
}

/// The shared target directory of the repository at `repo_root`.
pub fn target_dir(repo_root: &Path, cache_dir: &Path) -> PathBuf {
    let digest = Sha256::digest(repo_root.display().to_string().as_bytes());
    let short: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let name = repo_root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repo".to_string());
    cache_dir.join("targets").join(format!("{name}-{short}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cargo_projects_without_a_target_dir_of_their_own_get_one() {
        let repo = tempfile::tempdir().unwrap();
        let cache = Path::new("/cache");
        let none = EnvSnapshot::from_pairs(Vec::<(String, String)>::new());
        assert!(command_env(repo.path(), cache, &none).is_empty());
        std::fs::write(repo.path().join("Cargo.toml"), "[package]").unwrap();
        let env = command_env(repo.path(), cache, &none);
        assert_eq!(env.len(), 1);
        assert_eq!(env[0].0, "CARGO_TARGET_DIR");
        assert!(env[0].1.starts_with("/cache/targets/"));
        assert_eq!(
            env,
            command_env(repo.path(), cache, &none),
            "stable per repository"
        );
        let own = EnvSnapshot::from_pairs([("CARGO_TARGET_DIR", "/mine")]);
        assert!(command_env(repo.path(), cache, &own).is_empty());
    }

    #[test]
    fn go_modules_get_a_build_cache_under_the_agents_cache() {
        let repo = tempfile::tempdir().unwrap();
        let cache = Path::new("/cache");
        let none = EnvSnapshot::from_pairs(Vec::<(String, String)>::new());
        std::fs::write(repo.path().join("go.mod"), "module x\n").unwrap();
        assert_eq!(
            command_env(repo.path(), cache, &none),
            [("GOCACHE".to_string(), "/cache/go-build".to_string())]
        );
        let own = EnvSnapshot::from_pairs([("GOCACHE", "/mine")]);
        assert!(command_env(repo.path(), cache, &own).is_empty());
        assert!(is_build_dir("GOCACHE") && is_build_dir("CARGO_TARGET_DIR"));
        assert!(!is_build_dir("HOME"));
    }
}
