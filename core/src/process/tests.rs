//! Tests of the process runner with real processes: exit codes, output order and capping,
//! process-group kills (time limit, background children, cancellation), environment filtering,
//! the sandbox modes without a launcher, and the Landlock rules themselves (on a thread of the
//! test process, which is all that a Landlock domain covers).

use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;

const LONG: Duration = Duration::from_secs(30);

fn request<'a>(script: &'a str, dir: &'a Path) -> Request<'a> {
    Request {
        script,
        dir,
        timeout: LONG,
        head: 4096,
        tail: 4096,
    }
}

async fn run_plain(script: &str, dir: &Path) -> Finished {
    run(&request(script, dir), &ProcessSettings::default())
        .await
        .unwrap()
}

fn text(finished: &Finished) -> String {
    finished.output.render(|bytes| format!("[{bytes} cut]"))
}

/// Whether the process `pid` is gone or a zombie within a few seconds (Linux `/proc`).
fn process_ends(pid: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    false
}

fn read_pid(dir: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(pid) = std::fs::read_to_string(dir.join("bg.pid"))
            && !pid.trim().is_empty()
        {
            return pid.trim().to_string();
        }
        assert!(Instant::now() < deadline, "no bg.pid written");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test]
async fn exit_codes_signals_and_output_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let finished = run_plain("echo one; echo two >&2; echo three", dir.path()).await;
    assert_eq!(finished.end, End::Exited(0));
    assert!(finished.end.success());
    assert_eq!(
        text(&finished),
        "one\ntwo\nthree\n",
        "one pipe keeps the order"
    );
    assert_eq!(finished.warning, None);

    let finished = run_plain("exit 3", dir.path()).await;
    assert_eq!(finished.end, End::Exited(3));
    assert_eq!(finished.end.shell_code(), Some(3));

    let finished = run_plain("kill -9 $$", dir.path()).await;
    assert_eq!(finished.end, End::Signalled(9));
    assert_eq!(finished.end.shell_code(), Some(137));

    let finished = run_plain("read line; echo \"got:$line\"", dir.path()).await;
    assert_eq!(text(&finished), "got:\n", "stdin is closed");

    let finished = run_plain("if then fi", dir.path()).await;
    assert!(!finished.end.success());
    assert!(!text(&finished).is_empty(), "syntax errors are captured");

    let finished = run_plain("pwd", dir.path()).await;
    let pwd = std::fs::canonicalize(dir.path()).unwrap();
    assert_eq!(text(&finished).trim(), pwd.display().to_string());
}

#[tokio::test]
async fn long_output_keeps_head_and_tail() {
    let dir = tempfile::tempdir().unwrap();
    let request = Request {
        head: 6,
        tail: 11,
        ..request("seq 1 10000", dir.path())
    };
    let finished = run(&request, &ProcessSettings::default()).await.unwrap();
    let total: usize = (1..=10000).map(|n: u32| n.to_string().len() + 1).sum();
    assert_eq!(
        text(&finished),
        format!("1\n2\n3\n[{} cut]\n9999\n10000\n", total - 17)
    );
}

#[tokio::test]
async fn the_time_limit_kills_the_whole_group() {
    let dir = tempfile::tempdir().unwrap();
    let request = Request {
        timeout: Duration::from_millis(500),
        ..request(
            "echo started; sleep 30 & echo $! > bg.pid; sleep 30; echo never",
            dir.path(),
        )
    };
    let started = Instant::now();
    let finished = run(&request, &ProcessSettings::default()).await.unwrap();
    assert_eq!(finished.end, End::TimedOut);
    assert_eq!(finished.end.shell_code(), None);
    assert_eq!(text(&finished), "started\n");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let pid = read_pid(dir.path());
    assert!(process_ends(&pid), "background process {pid} survived");
}

#[tokio::test]
async fn background_children_are_killed_when_the_shell_exits() {
    let dir = tempfile::tempdir().unwrap();
    // Not holding the output pipe: without the group kill it would live on unnoticed.
    let started = Instant::now();
    let finished = run_plain(
        "sleep 30 >/dev/null 2>&1 & echo $! > bg.pid; echo done",
        dir.path(),
    )
    .await;
    assert_eq!(text(&finished), "done\n");
    let pid = read_pid(dir.path());
    assert!(process_ends(&pid), "background process {pid} survived");
    // Holding the pipe: killed at once too, not waited for.
    let finished = run_plain("(sleep 30 &); echo held", dir.path()).await;
    assert_eq!(text(&finished), "held\n");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn dropping_the_run_kills_the_group() {
    let dir = tempfile::tempdir().unwrap();
    let script = "sleep 30 & echo $! > bg.pid; sleep 30";
    let settings = ProcessSettings::default();
    let request = request(script, dir.path());
    tokio::select! {
        _ = run(&request, &settings) => panic!("the command should still be running"),
        () = tokio::time::sleep(Duration::from_millis(500)) => {}
    }
    let pid = read_pid(dir.path());
    assert!(
        process_ends(&pid),
        "background process {pid} survived the cancel"
    );
}

#[tokio::test]
async fn credentials_are_kept_out_of_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let base: Vec<(String, OsString)> = [
        ("PATH", std::env::var("PATH").unwrap_or_default()),
        ("OPENAI_API_KEY", "sk-test-secret".to_string()),
        ("GITHUB_TOKEN", "ghp-secret".to_string()),
        ("DATABASE_URL", "postgres://user:pw@host/db".to_string()),
        ("CI_JOB_TOKEN", "job-token".to_string()),
        ("ORDINARY", "visible".to_string()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), OsString::from(value)))
    .collect();
    let temp = dir.path().join("tmp");
    std::fs::create_dir(&temp).unwrap();
    let settings = ProcessSettings {
        base_env: Some(Arc::from(base)),
        env_filter: EnvFilter::new(vec!["DATABASE_URL".into()], vec!["CI_JOB_TOKEN".into()]),
        extra_env: vec![("CARGO_TARGET_DIR".into(), "/shared".into())],
        sandbox: Sandbox {
            temp_dir: Some(temp.clone()),
            ..Sandbox::default()
        },
    };
    let finished = run(&request("env", dir.path()), &settings).await.unwrap();
    let env = text(&finished);
    assert!(env.contains("ORDINARY=visible"), "{env}");
    assert!(env.contains("CARGO_TARGET_DIR=/shared"), "{env}");
    assert!(
        env.contains("CI_JOB_TOKEN=job-token"),
        "kept on request: {env}"
    );
    assert!(env.contains(&format!("TMPDIR={}", temp.display())), "{env}");
    for secret in ["sk-test-secret", "ghp-secret", "postgres://"] {
        assert!(!env.contains(secret), "{secret} leaked: {env}");
    }
}

#[tokio::test]
async fn without_a_launcher_enforce_refuses_and_warn_runs_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let settings = |mode| ProcessSettings {
        sandbox: Sandbox {
            mode,
            ..Sandbox::default()
        },
        ..ProcessSettings::default()
    };
    let error = run(
        &request("echo ran > ran.txt", dir.path()),
        &settings(SandboxMode::Enforce),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, ProcessError::SandboxUnavailable { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("no sandbox launcher"), "{error}");
    assert!(!dir.path().join("ran.txt").exists(), "nothing ran");

    let finished = run(
        &request("echo ran", dir.path()),
        &settings(SandboxMode::Warn),
    )
    .await
    .unwrap();
    assert_eq!(text(&finished), "ran\n");
    let warning = finished.warning.unwrap();
    assert!(
        warning.starts_with("warning: this command is not fully sandboxed"),
        "{warning}"
    );
}

#[test]
fn a_launcher_gets_the_writable_paths_the_network_choice_and_the_mode() {
    let sandbox = Sandbox {
        mode: SandboxMode::Warn,
        launcher: Some("/bin/agent".into()),
        writable: vec!["/cache".into()],
        network: false,
        temp_dir: Some("/tmp/t".into()),
    };
    let args = sandbox::plan(&sandbox, Path::new("/work"));
    // Without Landlock here the plan still goes through the launcher, best effort.
    let Ok(plan) = args else {
        panic!("warn never refuses")
    };
    let command = plan.command("make test");
    let argv: Vec<String> = command
        .as_std()
        .get_args()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let pid = std::process::id().to_string();
    assert_eq!(
        argv,
        [
            LAUNCHER_ARG,
            "--parent",
            &pid,
            "--write",
            "/work",
            "--write",
            "/cache",
            "--write",
            "/tmp/t",
            "--no-network",
            "--best-effort",
            "--",
            "sh",
            "-c",
            "make test"
        ]
    );
    // With the sandbox off the launcher still supervises, unconfined.
    let off = Sandbox {
        mode: SandboxMode::Off,
        ..sandbox
    };
    let plan = sandbox::plan(&off, Path::new("/work")).unwrap();
    assert_eq!(plan.program(), "/bin/agent");
    let argv: Vec<String> = plan
        .command("true")
        .as_std()
        .get_args()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        argv,
        [
            LAUNCHER_ARG,
            "--parent",
            &pid,
            "--unconfined",
            "--",
            "sh",
            "-c",
            "true"
        ]
    );
    // Without a launcher: `sh` itself.
    let bare = Sandbox {
        launcher: None,
        ..off
    };
    assert_eq!(
        sandbox::plan(&bare, Path::new("/work")).unwrap().program(),
        "sh"
    );
}

#[test]
fn the_policy_adds_build_directories_and_keeps_the_network_choice_per_kind() {
    let env = crate::env::EnvSnapshot::from_pairs([
        ("PATH", "/bin"),
        ("CARGO_TARGET_DIR", "/mine/target"),
        ("ANTHROPIC_API_KEY", "secret"),
        ("MY_KEY_VAR", "secret too"),
    ]);
    let config = crate::config::Config::default().sandbox;
    let policy = CommandPolicy::from_config(
        &config,
        &env,
        Some("/bin/agent".into()),
        "/temp".into(),
        &["MY_KEY_VAR"],
    );
    assert_eq!(policy.mode, SandboxMode::Enforce);
    assert!(!policy.network_run);
    assert!(policy.network_check);
    let settings = policy.settings(
        vec!["/repo/.git/worktrees/t".into()],
        Some("/temp/t".into()),
        vec![("CARGO_TARGET_DIR".into(), "/cache/targets/x".into())],
        false,
    );
    assert_eq!(
        settings.sandbox.writable,
        [
            Path::new("/repo/.git/worktrees/t"),
            Path::new("/mine/target"),
            Path::new("/cache/targets/x")
        ]
    );
    assert!(!settings.sandbox.network);
    assert_eq!(
        settings.extra_env,
        [
            (
                "CARGO_TARGET_DIR".to_string(),
                "/cache/targets/x".to_string()
            ),
            ("AGENT_HOOK".to_string(), "1".to_string())
        ]
    );
    let base = settings.base_env.clone().unwrap();
    let kept: Vec<String> = settings
        .env_filter
        .apply(base.iter().cloned())
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(kept, ["CARGO_TARGET_DIR", "PATH"]);

    let scratch = CommandPolicy {
        temp_root: Some(tempfile::tempdir().unwrap().keep()),
        ..CommandPolicy::default()
    }
    .scratch_dir("task-1")
    .unwrap();
    let path = scratch.path().to_path_buf();
    assert!(path.is_dir());
    std::fs::write(path.join("file"), "x").unwrap();
    drop(scratch);
    assert!(!path.exists(), "the scratch directory goes when dropped");
}

#[test]
fn an_untrusted_task_gets_no_network_and_no_kept_secret() {
    let env = crate::env::EnvSnapshot::from_pairs([
        ("PATH", "/bin"),
        ("GH_TOKEN", "ghp"),
        ("NPM_TOKEN", "npm"),
    ]);
    let config = crate::config::SandboxConfig {
        network_run: true,
        network_check: true,
        env_keep: vec!["GH_TOKEN".into(), "NPM_TOKEN".into()],
        ..crate::config::Config::default().sandbox
    };
    let policy = CommandPolicy::from_config(&config, &env, None, "/temp".into(), &[]);
    let kept = |policy: &CommandPolicy| -> Vec<String> {
        policy
            .env_filter
            .apply(policy.base_env.clone().unwrap().iter().cloned())
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    };
    assert_eq!(kept(&policy), ["GH_TOKEN", "NPM_TOKEN", "PATH"]);
    let untrusted = policy.for_untrusted();
    assert!(!untrusted.network_run && !untrusted.network_check);
    assert_eq!(kept(&untrusted), ["PATH"]);
    assert_eq!(untrusted.mode, policy.mode);
    // Nothing captured: an empty environment, never the agent's own.
    let bare = CommandPolicy::default().for_untrusted();
    assert_eq!(bare.base_env.as_deref().map(<[_]>::len), Some(0));
}

/// The Landlock rules, applied to a thread of this process (the domain is the thread's), with
/// a shell started from that thread as the sandboxed command.
#[cfg(target_os = "linux")]
mod landlock_rules {
    use std::net::TcpListener;
    use std::path::PathBuf;
    use std::process::Command;

    use super::super::landlock::restrict;
    use super::super::sandbox::Support;

    /// Runs `script` with `sh -c` from a thread confined to `writable` (and no TCP unless
    /// `network`); `None` when this kernel has no Landlock, with the reason printed.
    fn confined(script: &str, writable: Vec<PathBuf>, network: bool) -> Option<(bool, String)> {
        let script = script.to_string();
        std::thread::spawn(move || {
            let support = restrict(&writable, network).unwrap();
            if let Some(reason) = support.shortfall(network) {
                eprintln!("skipped: {reason}");
                return None;
            }
            let output = Command::new("sh").args(["-c", &script]).output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            Some((output.status.success(), text))
        })
        .join()
        .unwrap()
    }

    #[test]
    fn writes_only_beneath_the_allowed_directories() {
        if super::super::support().abi().is_none() {
            eprintln!("skipped: {:?}", super::super::support());
            return;
        }
        let root = tempfile::tempdir().unwrap();
        let work = root.path().join("work");
        let outside = root.path().join("outside");
        std::fs::create_dir_all(work.join("sub")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("existing"), "keep me").unwrap();
        let script = format!(
            "set -e
             echo inside > '{work}/a'; mkdir '{work}/dir'; mv '{work}/a' '{work}/sub/b'; rm '{work}/sub/b'
             echo to-null > /dev/null
             echo to-stdout > /dev/stdout
             cat '{outside}/existing'
             if echo x > '{outside}/new' 2>/dev/null; then echo WROTE-NEW; fi
             if echo x >> '{outside}/existing' 2>/dev/null; then echo APPENDED; fi
             if truncate -s 0 '{outside}/existing' 2>/dev/null; then echo TRUNCATED; fi
             if rm -f '{outside}/existing' 2>/dev/null; then echo REMOVED; fi
             if mkdir '{outside}/d' 2>/dev/null; then echo MADE-DIR; fi
             if ln -s /etc/passwd '{outside}/link' 2>/dev/null; then echo LINKED; fi
             echo finished",
            work = work.display(),
            outside = outside.display()
        );
        let Some((ok, text)) = confined(&script, vec![work.clone()], true) else {
            return;
        };
        assert!(ok, "{text}");
        assert!(text.contains("to-stdout"), "{text}");
        assert!(text.contains("keep me"), "reading stays allowed: {text}");
        assert!(text.contains("finished"), "{text}");
        for escaped in [
            "WROTE-NEW",
            "APPENDED",
            "TRUNCATED",
            "REMOVED",
            "MADE-DIR",
            "LINKED",
        ] {
            assert!(!text.contains(escaped), "{escaped}: {text}");
        }
        assert_eq!(
            std::fs::read_to_string(outside.join("existing")).unwrap(),
            "keep me"
        );
        assert!(work.join("dir").is_dir());
        assert!(!outside.join("new").exists());
    }

    #[test]
    fn tcp_is_denied_unless_the_network_is_allowed() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        // bash's /dev/tcp is not in every sh; python3 is what the task tests use too.
        let script = format!(
            "python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=5); print('CONNECTED')\""
        );
        let Some((ok, text)) = confined(&script, Vec::new(), false) else {
            return;
        };
        assert!(!ok, "{text}");
        assert!(!text.contains("CONNECTED"), "{text}");
        assert!(text.contains("Permission denied"), "{text}");
        let Some((ok, text)) = confined(&script, Vec::new(), true) else {
            return;
        };
        assert!(ok && text.contains("CONNECTED"), "{text}");
    }

    #[test]
    fn the_probe_reports_this_kernel() {
        let support = super::super::support();
        match support {
            Support::Landlock { abi } => assert!(*abi >= 1),
            other => assert!(other.shortfall(true).is_some()),
        }
    }
}
