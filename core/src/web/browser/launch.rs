//! Finding Chromium and starting it headless with its debugging pipe, a profile of its own,
//! and no network of its own: every host name fails to resolve and every connection goes to a
//! proxy that answers nothing, so the only requests that succeed are those the agent answers
//! itself through [`super::intercept`] (under the address policy).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;

use crate::web::error::WebError;

/// The names Chromium and Chrome go by on PATH.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// Where macOS keeps them.
const MAC_APPS: &[&str] = &[
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/// The Chromium to use: `configured` (`browser.path`) when given, else the first of the usual
/// names on `path` (the PATH value), else a macOS application.
pub fn find_chromium(configured: Option<&Path>, path: Option<&OsStr>) -> Result<PathBuf, WebError> {
    if let Some(configured) = configured {
        return if configured.is_file() {
            Ok(configured.to_path_buf())
        } else {
            Err(WebError::NoChromium {
                where_looked: format!(" at browser.path {}", configured.display()),
            })
        };
    }
    let dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    for name in NAMES {
        for dir in &dirs {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    for app in MAC_APPS {
        let candidate = Path::new(app);
        if candidate.is_file() {
            return Ok(candidate.to_path_buf());
        }
    }
    Err(WebError::NoChromium {
        where_looked: format!(" on PATH (looked for {})", NAMES.join(", ")),
    })
}

/// A started Chromium: the process, its pipe ends, and what keeps its network shut.
pub struct Started {
    pub child: Child,
    pub to_browser: ChildStdin,
    pub from_browser: ChildStdout,
    /// The last lines Chromium printed, for an error message.
    pub stderr: JoinHandle<String>,
    /// The proxy that answers nothing.
    pub blackhole: JoinHandle<()>,
}

/// Starts `binary` headless with its profile in `profile`. The debugging pipe's fds 3 and 4
/// are the shell's stdin and stdout handed on by `sh`, so no `pre_exec` is needed.
pub async fn start(binary: &Path, profile: &Path) -> Result<Started, WebError> {
    let failed = |message: String| WebError::Browser { message };
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|error| failed(format!("cannot open the browser's proxy: {error}")))?;
    let proxy = listener
        .local_addr()
        .map_err(|error| failed(format!("cannot open the browser's proxy: {error}")))?;
    // Accepts and closes every connection: a request Chromium makes itself fails at once.
    let blackhole = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            drop(stream);
        }
    });
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("exec 3<&0 4>&1 0</dev/null 1>/dev/null; exec \"$0\" \"$@\"")
        .arg(binary)
        .args(flags(profile, &proxy.to_string()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|error| {
        blackhole.abort();
        failed(format!("cannot start {}: {error}", binary.display()))
    })?;
    let (Some(to_browser), Some(from_browser), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        blackhole.abort();
        return Err(failed("Chromium's pipes are missing".into()));
    };
    Ok(Started {
        child,
        to_browser,
        from_browser,
        stderr: tokio::spawn(tail(stderr)),
        blackhole,
    })
}

/// Chromium's flags: headless, the pipe, a fresh profile, nothing in the background, no DNS,
/// every connection (loopback included) through the dead proxy, no UDP outside a proxy (WebRTC).
fn flags(profile: &Path, proxy: &str) -> Vec<String> {
    let mut flags: Vec<String> = [
        "--headless",
        "--remote-debugging-pipe",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
        "--hide-scrollbars",
        "--mute-audio",
        "--window-size=1280,900",
        "--proxy-bypass-list=<-loopback>",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        "--webrtc-ip-handling-policy=disable_non_proxied_udp",
    ]
    .map(str::to_owned)
    .to_vec();
    flags.push(format!("--proxy-server=http://{proxy}"));
    flags.push(format!("--user-data-dir={}", profile.display()));
    if running_as_root() {
        // Chromium refuses to run as root with its sandbox (containers, CI).
        flags.push("--no-sandbox".into());
    }
    flags.push("about:blank".into());
    flags
}

#[cfg(unix)]
fn running_as_root() -> bool {
    nix::unistd::geteuid().is_root()
}

#[cfg(not(unix))]
fn running_as_root() -> bool {
    false
}

/// Reads Chromium's stderr to its end, keeping the last 2 KiB.
async fn tail(mut stderr: ChildStderr) -> String {
    const KEEP: usize = 2048;
    let mut kept: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(read) = stderr.read(&mut chunk).await {
        if read == 0 {
            break;
        }
        kept.extend_from_slice(&chunk[..read]);
        if kept.len() > 2 * KEEP {
            kept.drain(..kept.len() - KEEP);
        }
    }
    let start = kept.len().saturating_sub(KEEP);
    String::from_utf8_lossy(&kept[start..]).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_is_found_on_path_or_named_in_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let empty = tempfile::tempdir().unwrap();
        let binary = dir.path().join("chromium-browser");
        std::fs::write(&binary, "").unwrap();
        let path = std::env::join_paths([empty.path(), dir.path()]).unwrap();
        assert_eq!(find_chromium(None, Some(&path)).unwrap(), binary);
        assert_eq!(find_chromium(Some(&binary), None).unwrap(), binary);
        let missing = find_chromium(Some(&dir.path().join("nope")), Some(&path)).unwrap_err();
        assert!(missing.to_string().contains("browser.path"), "{missing}");
        if !MAC_APPS.iter().any(|app| Path::new(app).is_file()) {
            let none = find_chromium(None, Some(empty.path().as_os_str())).unwrap_err();
            assert!(none.hint().unwrap().contains("apt-get install chromium"));
        }
    }
}
