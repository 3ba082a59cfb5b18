//! The binary's way to GitHub: a client for `github.api_url` with the user's token, and which
//! repository on GitHub a command means (`--github-repo`, else the checkout's remote).

use std::path::Path;

use agent_core::github::{
    GitHub, GitHubError, RepoName, ResolvedToken, gh_hosts_file, host_of_api_url, resolve_token,
};
use agent_models::openai::{SecretStore, secret_stores};
use anyhow::Result;

use crate::app::App;

/// The API URL of the configuration that applies in `dir`.
pub fn api_url(app: &App, dir: &Path) -> Result<String> {
    Ok(app.config_in(dir)?.config.github.api_url)
}

/// The token for the host of `api_url`, from wherever it is kept; `None` when there is none.
pub fn token(app: &App, api_url: &str) -> Result<Option<ResolvedToken>> {
    let host = host_of_api_url(api_url);
    let stores = secret_stores(&app.paths.config_dir);
    let stores: Vec<&dyn SecretStore> = stores.iter().map(Box::as_ref).collect();
    let env = |name: &str| app.env.get(name).map(str::to_string);
    let gh_hosts = gh_hosts_file(env);
    Ok(resolve_token(&host, env, &stores, gh_hosts.as_deref())?)
}

/// A client for the GitHub of the configuration in `dir`, with a token (one is required).
pub fn client_in(app: &App, dir: &Path) -> Result<GitHub> {
    let api_url = api_url(app, dir)?;
    let Some(token) = token(app, &api_url)? else {
        return Err(GitHubError::NoToken {
            host: host_of_api_url(&api_url),
        }
        .into());
    };
    Ok(GitHub::new(&api_url, Some(token))?)
}

/// The repository on GitHub: `explicit` (owner/name), else the one `remote` of the checkout
/// at `dir` points at.
pub fn repo_name(
    github: &GitHub,
    dir: &Path,
    explicit: Option<&str>,
    remote: &str,
) -> Result<RepoName> {
    if let Some(name) = explicit {
        return Ok(RepoName::parse(name)?);
    }
    let runtime = crate::models::runtime()?;
    Ok(runtime.block_on(agent_core::github::remote_repo(dir, remote, &github.host()))?)
}
