//! Finding the GitHub token: the environment (`GH_TOKEN`, `GITHUB_TOKEN`; the `_ENTERPRISE_`
//! pair first for a GitHub Enterprise host), then agent's secret stores (the OS keyring, then
//! the 0600 credentials file, where `agent auth github` puts it), then the GitHub CLI's own
//! `hosts.yml`. The token lives only in a [`GitHubToken`], whose `Debug` prints `***`; it is
//! sent as a sensitive header and never written to the store, logs, events or `--json`.

use std::fmt;
use std::path::{Path, PathBuf};

use agent_models::openai::SecretStore;

use super::error::GitHubError;

/// A GitHub token. Prints as `GitHubToken(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct GitHubToken(String);

impl GitHubToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token itself, for the request header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for GitHubToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GitHubToken(***)")
    }
}

/// Where a token came from (shown by `agent auth status`; never the token).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TokenSource {
    /// An environment variable, by name.
    Environment { variable: String },
    /// One of agent's secret stores (`OS keyring`, `credentials file`).
    Store { store: String },
    /// The GitHub CLI's `hosts.yml`.
    GhConfig { path: PathBuf },
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Environment { variable } => write!(f, "environment variable {variable}"),
            TokenSource::Store { store } => write!(f, "{store}"),
            TokenSource::GhConfig { path } => write!(f, "gh config {}", path.display()),
        }
    }
}

/// A token with where it came from.
#[derive(Debug, Clone)]
pub struct ResolvedToken {
    pub token: GitHubToken,
    pub source: TokenSource,
}

/// The account name under which agent's stores keep the token of `host`.
pub fn store_account(host: &str) -> String {
    format!("github:{host}")
}

/// The environment variables read for `host`, in order.
pub fn token_variables(host: &str) -> &'static [&'static str] {
    if host.eq_ignore_ascii_case("github.com") {
        &["GH_TOKEN", "GITHUB_TOKEN"]
    } else {
        &[
            "GH_ENTERPRISE_TOKEN",
            "GITHUB_ENTERPRISE_TOKEN",
            "GH_TOKEN",
            "GITHUB_TOKEN",
        ]
    }
}

/// Finds the token of `host`; `Ok(None)` when there is none anywhere.
///
/// `env` reads a variable; `gh_hosts` is gh's `hosts.yml` (see [`gh_hosts_file`]).
pub fn resolve_token(
    host: &str,
    env: impl Fn(&str) -> Option<String>,
    stores: &[&dyn SecretStore],
    gh_hosts: Option<&Path>,
) -> Result<Option<ResolvedToken>, GitHubError> {
    for variable in token_variables(host) {
        if let Some(value) = env(variable).filter(|value| !value.trim().is_empty()) {
            return Ok(Some(ResolvedToken {
                token: GitHubToken::new(value.trim()),
                source: TokenSource::Environment {
                    variable: (*variable).to_string(),
                },
            }));
        }
    }
    let account = store_account(host);
    for store in stores {
        let found = store
            .get(&account)
            .map_err(|error| GitHubError::SecretStore {
                store: store.name().to_string(),
                message: error.to_string(),
            })?;
        if let Some(token) = found.filter(|token| !token.trim().is_empty()) {
            return Ok(Some(ResolvedToken {
                token: GitHubToken::new(token.trim()),
                source: TokenSource::Store {
                    store: store.name().to_string(),
                },
            }));
        }
    }
    if let Some(path) = gh_hosts
        && let Ok(text) = std::fs::read_to_string(path)
        && let Some(token) = gh_hosts_token(&text, host)
    {
        return Ok(Some(ResolvedToken {
            token: GitHubToken::new(token),
            source: TokenSource::GhConfig {
                path: path.to_path_buf(),
            },
        }));
    }
    Ok(None)
}

/// gh's `hosts.yml`: `$GH_CONFIG_DIR`, else `$XDG_CONFIG_HOME/gh`, else `~/.config/gh`.
pub fn gh_hosts_file(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let dir = if let Some(dir) = env("GH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        PathBuf::from(dir)
    } else if let Some(dir) = env("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        PathBuf::from(dir).join("gh")
    } else {
        PathBuf::from(env("HOME").filter(|d| !d.is_empty())?)
            .join(".config")
            .join("gh")
    };
    Some(dir.join("hosts.yml"))
}

/// The `oauth_token` of `host` in gh's `hosts.yml` (the host's own key, else the first under
/// its `users:`). Newer gh keeps tokens in the keyring, and then the file has none.
fn gh_hosts_token(text: &str, host: &str) -> Option<String> {
    let mut in_host = false;
    let mut best: Option<(usize, String)> = None;
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            if in_host {
                break;
            }
            let key = line
                .trim_end()
                .trim_end_matches(':')
                .trim_matches(['"', '\'']);
            in_host = key.eq_ignore_ascii_case(host);
            continue;
        }
        if !in_host {
            continue;
        }
        if let Some(value) = line.trim().strip_prefix("oauth_token:") {
            let value = value.trim().trim_matches(['"', '\'']);
            if !value.is_empty() && best.as_ref().is_none_or(|(level, _)| indent < *level) {
                best = Some((indent, value.to_string()));
            }
        }
    }
    best.map(|(_, token)| token)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    struct MemoryStore(Mutex<HashMap<String, String>>);

    impl SecretStore for MemoryStore {
        fn name(&self) -> &'static str {
            "memory"
        }
        fn get(&self, account: &str) -> agent_models::Result<Option<String>> {
            Ok(self.0.lock().unwrap().get(account).cloned())
        }
        fn set(&self, account: &str, secret: &str) -> agent_models::Result<()> {
            self.0.lock().unwrap().insert(account.into(), secret.into());
            Ok(())
        }
        fn delete(&self, account: &str) -> agent_models::Result<bool> {
            Ok(self.0.lock().unwrap().remove(account).is_some())
        }
    }

    #[test]
    fn the_environment_wins_then_stores_then_gh() {
        let dir = tempfile::tempdir().unwrap();
        let hosts = dir.path().join("hosts.yml");
        std::fs::write(
            &hosts,
            "github.com:\n    users:\n        octo:\n            oauth_token: gho_user\n    oauth_token: gho_top\n    user: octo\nghe.corp:\n    oauth_token: 'gho_ghe'\n",
        )
        .unwrap();
        let store = MemoryStore(Mutex::new(HashMap::new()));
        let stores: Vec<&dyn SecretStore> = vec![&store];

        let env = |name: &str| (name == "GITHUB_TOKEN").then(|| "ghp_env".to_string());
        let found = resolve_token("github.com", env, &stores, Some(&hosts))
            .unwrap()
            .unwrap();
        assert_eq!(found.token.expose(), "ghp_env");
        assert_eq!(
            found.source.to_string(),
            "environment variable GITHUB_TOKEN"
        );

        let none = |_: &str| None;
        let found = resolve_token("github.com", none, &stores, Some(&hosts))
            .unwrap()
            .unwrap();
        assert_eq!(found.token.expose(), "gho_top");
        let found = resolve_token("ghe.corp", none, &stores, Some(&hosts))
            .unwrap()
            .unwrap();
        assert_eq!(found.token.expose(), "gho_ghe");

        store
            .set(&store_account("github.com"), "ghp_stored")
            .unwrap();
        let found = resolve_token("github.com", none, &stores, Some(&hosts))
            .unwrap()
            .unwrap();
        assert_eq!(found.token.expose(), "ghp_stored");
        assert_eq!(
            found.source,
            TokenSource::Store {
                store: "memory".into()
            }
        );

        assert!(
            resolve_token("other.host", none, &[], Some(&hosts))
                .unwrap()
                .is_none()
        );
        assert_eq!(format!("{:?}", found.token), "GitHubToken(***)");
    }

    #[test]
    fn gh_config_dir_is_found_like_gh_finds_it() {
        let env = |name: &str| match name {
            "HOME" => Some("/home/u".to_string()),
            _ => None,
        };
        assert_eq!(
            gh_hosts_file(env),
            Some(PathBuf::from("/home/u/.config/gh/hosts.yml"))
        );
        let env = |name: &str| (name == "GH_CONFIG_DIR").then(|| "/etc/gh".to_string());
        assert_eq!(gh_hosts_file(env), Some(PathBuf::from("/etc/gh/hosts.yml")));
    }
}
