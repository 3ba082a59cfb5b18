//! The launcher: `agent __sandbox-exec [--parent PID] [--write PATH]… [--no-network]
//! [--best-effort | --unconfined] -- PROGRAM ARGS…`, the agent binary started in place of a
//! command. It confines itself with Landlock (unless `--unconfined`) and then, on Linux,
//! supervises the program as its child (`supervise.rs`): everything the program starts is killed
//! when it ends, when the runner stops it and when the agent dies. Elsewhere it `exec`s the
//! program. The binary hands it its arguments before parsing its own command line.
//!
//! Without `--best-effort` (`sandbox.mode = "enforce"`) it refuses to run the program unless
//! every asked-for restriction holds; with it (`"warn"`) it applies what the kernel supports.

use std::ffi::OsString;
use std::path::PathBuf;

/// The hidden first argument that makes the agent binary the launcher.
pub const LAUNCHER_ARG: &str = "__sandbox-exec";

/// Why the launcher did not become the program. Its exit code is 125 when the sandbox could not
/// be set up (or the arguments are wrong), 126 when the program could not be run, 127 when it
/// does not exist — as `env` and shells report those.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("sandbox launcher: {0}")]
    Usage(String),
    #[error("sandbox launcher: the agent that started this command is gone")]
    Orphaned,
    #[error("sandbox launcher: {0}")]
    Setup(String),
    #[error(
        "the sandbox is unavailable: {0}; the command was not run (sandbox.mode = \"enforce\")"
    )]
    Unavailable(String),
    #[error("cannot run `{program}`")]
    Exec {
        program: String,
        #[source]
        source: std::io::Error,
    },
}

impl LaunchError {
    /// The exit code the launcher ends with.
    pub fn exit_code(&self) -> u8 {
        match self {
            LaunchError::Exec { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                127
            }
            LaunchError::Exec { .. } => 126,
            _ => 125,
        }
    }
}

/// The launcher's parsed arguments.
#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    parent: Option<u32>,
    writable: Vec<PathBuf>,
    network: bool,
    best_effort: bool,
    /// No Landlock: only supervision (`sandbox.mode = "off"`).
    unconfined: bool,
    program: Vec<OsString>,
}

impl Args {
    fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Self, LaunchError> {
        let mut parsed = Args {
            network: true,
            ..Args::default()
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.to_str() {
                Some("--") => {
                    parsed.program = args.collect();
                    break;
                }
                Some("--write") => parsed
                    .writable
                    .push(PathBuf::from(args.next().ok_or_else(|| {
                        LaunchError::Usage("--write needs a path".into())
                    })?)),
                Some("--parent") => {
                    let pid = args.next().and_then(|pid| pid.to_str()?.parse().ok());
                    parsed.parent =
                        Some(pid.ok_or_else(|| {
                            LaunchError::Usage("--parent needs a process id".into())
                        })?);
                }
                Some("--no-network") => parsed.network = false,
                Some("--best-effort") => parsed.best_effort = true,
                Some("--unconfined") => parsed.unconfined = true,
                _ => {
                    return Err(LaunchError::Usage(format!(
                        "unknown argument `{}`",
                        arg.to_string_lossy()
                    )));
                }
            }
        }
        if parsed.program.is_empty() {
            return Err(LaunchError::Usage(
                "nothing to run (the program follows `--`)".into(),
            ));
        }
        Ok(parsed)
    }
}

/// Confines this process as `args` say and runs the program: returns its exit code once it
/// and everything it started are gone (or, for a program a signal killed, dies the same way).
/// Elsewhere than Linux it becomes the program and returns only on failure.
pub fn run(args: impl IntoIterator<Item = OsString>) -> Result<u8, LaunchError> {
    let args = Args::parse(args)?;
    #[cfg(target_os = "linux")]
    super::supervise::prepare(args.parent)?;
    #[cfg(not(target_os = "linux"))]
    let _ = args.parent;
    if !args.unconfined {
        confine(&args)?;
    }
    #[cfg(target_os = "linux")]
    {
        super::supervise::run(&args.program)
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(become_program(&args.program))
    }
}

/// Applies the Landlock rules; refuses when they fall short, unless best effort is enough.
#[cfg(target_os = "linux")]
fn confine(args: &Args) -> Result<(), LaunchError> {
    let shortfall = match super::landlock::restrict(&args.writable, args.network) {
        Ok(support) => support.shortfall(args.network),
        Err(error) => Some(format!("Landlock could not be used: {error}")),
    };
    match shortfall {
        Some(reason) if !args.best_effort => Err(LaunchError::Unavailable(reason)),
        _ => Ok(()),
    }
}

#[cfg(not(target_os = "linux"))]
fn confine(args: &Args) -> Result<(), LaunchError> {
    if args.best_effort {
        Ok(())
    } else {
        Err(LaunchError::Unavailable(
            "the sandbox needs Linux's Landlock".into(),
        ))
    }
}

/// Replaces this process with the program (same id, group and confinement).
#[cfg(all(unix, not(target_os = "linux")))]
fn become_program(program: &[OsString]) -> LaunchError {
    use std::os::unix::process::CommandExt as _;
    let Some((name, rest)) = program.split_first() else {
        return LaunchError::Usage("nothing to run".into());
    };
    let source = std::process::Command::new(name).args(rest).exec();
    LaunchError::Exec {
        program: name.to_string_lossy().into_owned(),
        source,
    }
}

#[cfg(not(unix))]
fn become_program(program: &[OsString]) -> LaunchError {
    LaunchError::Usage(format!(
        "cannot run `{}` through the launcher on this platform",
        program
            .first()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, LaunchError> {
        Args::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn arguments_parse_and_mistakes_are_usage_errors() {
        let args = parse(&[
            "--parent",
            "42",
            "--write",
            "/w",
            "--write",
            "/t",
            "--no-network",
            "--",
            "sh",
            "-c",
            "echo --write",
        ])
        .unwrap();
        assert_eq!(
            args,
            Args {
                parent: Some(42),
                writable: vec![PathBuf::from("/w"), PathBuf::from("/t")],
                network: false,
                best_effort: false,
                unconfined: false,
                program: ["sh", "-c", "echo --write"].map(OsString::from).to_vec(),
            }
        );
        assert!(parse(&["--", "true"]).unwrap().network);
        for bad in [
            &["--write"][..],
            &["--parent", "x", "--", "true"],
            &["--bogus", "--", "true"],
            &["--no-network"],
            &["--"][..],
        ] {
            let error = parse(bad).unwrap_err();
            assert!(matches!(error, LaunchError::Usage(_)), "{bad:?}: {error}");
            assert_eq!(error.exit_code(), 125);
        }
    }
}
