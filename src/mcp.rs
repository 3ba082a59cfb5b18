//! `agent mcp list` and `agent mcp test NAME`: the configured MCP servers, started the way a
//! task starts them (same environment, in the repository), with what went wrong in one line.

use agent_core::config::{McpServerConfig, ResolvedConfig};
use agent_core::mcp::{Launch, McpTools, Started, ToolCache};
use anyhow::Result;
use serde_json::{Value, json};

use crate::app::App;
use crate::cli::McpCommand;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

pub fn run(app: &App, command: McpCommand) -> Result<Exit> {
    match command {
        McpCommand::List { json } => list(app, json),
        McpCommand::Test { name, json } => test(app, &name, json),
    }
}

/// How servers start here: the commands' environment policy, in the repository (or the
/// current directory outside one).
fn launch(app: &App, resolved: &ResolvedConfig) -> Launch {
    let policy = app.command_policy(&resolved.config);
    Launch {
        base_env: policy.base_env,
        env_filter: policy.env_filter,
        workspace: app.repo_root().unwrap_or_else(|| app.cwd.clone()),
    }
}

/// Where tasks and chats find each server's tools from last time (refreshed here too).
fn cache(app: &App) -> ToolCache {
    let database = app.paths.database_file();
    ToolCache::new(database.parent().unwrap_or(&app.paths.data_dir))
}

fn list(app: &App, json: bool) -> Result<Exit> {
    let resolved = app.config()?;
    let servers = &resolved.config.mcp_servers;
    let ignored = resolved.ignored_mcp_servers();
    if servers.is_empty() && ignored.is_none() && !json {
        note(
            "no MCP servers are configured: add a [mcp_servers.NAME] table with command or url to the config file (`agent config path`)",
        );
        return Ok(Exit::Ok);
    }
    let runtime = crate::models::runtime()?;
    let (_tools, started) = runtime.block_on(McpTools::start(
        servers,
        &launch(app, &resolved),
        Some(&cache(app)),
    ));
    if json {
        let mut rows: Vec<Value> = servers
            .iter()
            .map(|server| server_json(server, started.iter().find(|s| s.name == server.name)))
            .collect();
        if let Some((names, reason)) = &ignored {
            for name in names {
                rows.push(json!({"name": name, "status": "ignored", "reason": reason}));
            }
        }
        print_json(&rows)?;
        return Ok(Exit::Ok);
    }
    let mut out = String::new();
    for server in servers {
        out.push_str(&server_text(
            server,
            started.iter().find(|s| s.name == server.name),
        ));
    }
    if let Some((names, reason)) = &ignored {
        for name in names {
            out.push_str(&format!("{name}\n  ignored: {reason}\n"));
        }
    }
    print(&out)?;
    Ok(Exit::Ok)
}

fn test(app: &App, name: &str, json: bool) -> Result<Exit> {
    let resolved = app.config()?;
    let Some(server) = resolved
        .config
        .mcp_servers
        .iter()
        .find(|server| server.name == name)
    else {
        if let Some((names, reason)) = resolved.ignored_mcp_servers()
            && names.iter().any(|ignored| ignored == name)
        {
            return Err(UserError::usage(
                format!("the MCP server `{name}` is in a repository file that does not apply"),
                reason,
            )
            .into());
        }
        let known: Vec<&str> = resolved
            .config
            .mcp_servers
            .iter()
            .map(|server| server.name.as_str())
            .collect();
        let hint = if known.is_empty() {
            "no server is configured: add [mcp_servers.NAME] with command or url to the config file"
                .to_string()
        } else {
            format!("the configured servers are {}", known.join(", "))
        };
        return Err(UserError::not_found(format!("no MCP server `{name}`"), hint).into());
    };
    // An explicit test starts a disabled server too.
    let config = McpServerConfig {
        enabled: true,
        ..server.clone()
    };
    if !server.enabled && !json {
        note(&format!(
            "note: {name} is disabled (enabled = false); testing it anyway"
        ));
    }
    let runtime = crate::models::runtime()?;
    let (_tools, mut started) = runtime.block_on(McpTools::start(
        std::slice::from_ref(&config),
        &launch(app, &resolved),
        Some(&cache(app)),
    ));
    let Some(outcome) = started.pop() else {
        return Ok(Exit::Failure);
    };
    if json {
        let row = server_json(&config, Some(&outcome));
        print_json(&row)?;
        return Ok(if outcome.result.is_ok() {
            Exit::Ok
        } else {
            Exit::Failure
        });
    }
    let handshake = outcome.result?;
    let mut out = format!(
        "{name} ({}: {})\n",
        config.transport.kind(),
        config.transport.describe()
    );
    out.push_str(&format!(
        "  started in {} ms\n  initialized in {} ms: {}\n",
        handshake.start_ms,
        handshake.initialize_ms,
        server_identity(&handshake)
    ));
    let names: Vec<&str> = outcome
        .tools
        .iter()
        .map(|tool| tool.name.as_str())
        .collect();
    out.push_str(&format!(
        "  listed {} tool{} in {} ms{}{}\n",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        handshake.list_ms,
        if names.is_empty() { "" } else { ": " },
        names.join(", ")
    ));
    for (tool, why) in &handshake.hidden {
        out.push_str(&format!("  left out {tool}: {why}\n"));
    }
    out.push_str(&format!("ok in {} ms\n", outcome.elapsed_ms));
    print(&out)?;
    Ok(Exit::Ok)
}

/// `server NAME VERSION, protocol P`.
fn server_identity(handshake: &agent_core::mcp::Handshake) -> String {
    let name = if handshake.server_name.is_empty() {
        "an unnamed server".to_string()
    } else {
        format!(
            "server {} {}",
            handshake.server_name, handshake.server_version
        )
        .trim_end()
        .to_string()
    };
    format!("{name}, protocol {}", handshake.protocol_version)
}

/// One server of `agent mcp list`.
fn server_text(server: &McpServerConfig, started: Option<&Started>) -> String {
    let mut out = format!(
        "{} ({}: {}) from {}\n",
        server.name,
        server.transport.kind(),
        server.transport.describe(),
        server.origin
    );
    let Some(started) = started else {
        out.push_str("  disabled (enabled = false)\n");
        return out;
    };
    match &started.result {
        Ok(handshake) => {
            out.push_str(&format!(
                "  ok: {} tool{} in {} ms ({}){}\n",
                started.tools.len(),
                if started.tools.len() == 1 { "" } else { "s" },
                started.elapsed_ms,
                server_identity(handshake),
                if server.approval == agent_core::config::McpApproval::Auto {
                    "; approval = auto"
                } else {
                    ""
                }
            ));
            if !started.tools.is_empty() {
                let names: Vec<&str> = started.tools.iter().map(|t| t.name.as_str()).collect();
                out.push_str(&format!("  tools: {}\n", names.join(", ")));
            }
            for (tool, why) in &handshake.hidden {
                out.push_str(&format!("  left out {tool}: {why}\n"));
            }
        }
        Err(error) => {
            out.push_str(&format!("  failed: {error}\n"));
            if let Some(hint) = error.hint() {
                out.push_str(&format!("  hint: {hint}\n"));
            }
        }
    }
    out
}

/// One server as JSON (`--json`).
fn server_json(server: &McpServerConfig, started: Option<&Started>) -> Value {
    let mut row = json!({
        "name": server.name,
        "transport": server.transport.kind(),
        "target": server.transport.describe(),
        "origin": server.origin,
        "enabled": server.enabled,
        "approval": server.approval,
        "startup_timeout_sec": server.startup_timeout.as_secs(),
        "tool_timeout_sec": server.call_timeout.as_secs(),
    });
    let Some(started) = started else {
        row["status"] = json!("disabled");
        return row;
    };
    row["elapsed_ms"] = json!(started.elapsed_ms);
    match &started.result {
        Ok(handshake) => {
            row["status"] = json!("ok");
            row["handshake"] = json!(handshake);
            row["tools"] = json!(
                started
                    .tools
                    .iter()
                    .map(|tool| json!({"name": tool.name, "description": tool.description}))
                    .collect::<Vec<_>>()
            );
        }
        Err(error) => {
            row["status"] = json!("failed");
            row["error"] = json!(error.to_string());
            row["hint"] = json!(error.hint());
        }
    }
    row
}
