//! `agent completions SHELL` and `agent man`: generated from the clap command tree.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::output;

/// Prints the completion script for `shell`.
pub fn completions(shell: Shell) -> anyhow::Result<()> {
    output::print(&completion_script(shell))
}

/// The completion script for `shell`, as committed in `completions/`.
pub fn completion_script(shell: Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "agent", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

/// Prints the man page in roff.
pub fn man_page() -> anyhow::Result<()> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buffer)?;
    output::print(&String::from_utf8_lossy(&buffer))
}
