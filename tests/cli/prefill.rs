//! The in-process backend's kept prefill across tasks: the system prompt and the tool schemas
//! are the same for every task of a repository (the repo map, ranked towards each task, opens
//! the first request instead), so the second task's process starts from the first one's
//! prefill (`<data>/prefill/`) although its request differs.

use std::process::Output;

use crate::ask::{prefill_files, stored_positions};
use crate::common::Home;
use crate::task::{git, project};

fn run_task(home: &Home, repo: &str, model: &str, description: &str) -> Output {
    home.agent()
        .args([
            "task",
            "run",
            "--repo",
            repo,
            "--model",
            model,
            "--approval",
            "auto",
            "--strategy",
            "single",
            "--max-turns",
            "1",
            description,
        ])
        .output()
        .unwrap()
}

/// (prompt tokens, reused prompt tokens) of the first coder call of the newest task.
fn first_coder_call(home: &Home) -> (i64, Option<i64>) {
    let list = home.json(&["task", "list", "--json"]);
    let id = list["tasks"][0]["id"].as_str().unwrap().to_string();
    rusqlite::Connection::open(home.database())
        .unwrap()
        .query_row(
            "SELECT prompt_tokens, reused_prompt_tokens FROM model_calls
              WHERE task_id = ?1 AND agent_role = 'coder' ORDER BY id LIMIT 1",
            [&id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap()
}

#[test]
fn a_second_task_starts_from_the_first_tasks_kept_system_prompt() {
    let home = Home::new();
    let repo = project(&home);
    // Two modules, so that the map ranked towards each description differs.
    std::fs::write(
        repo.join("geometry.py"),
        "def area(width, height):\n    return width * height\n",
    )
    .unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "geometry"]);
    let repo = repo.display().to_string();
    let model = home.work_dir().join("tiny-coder.gguf");
    crate::tiny_coder::write(&model);
    let model = model.display().to_string();

    // The tiny model answers every request with a call of a tool tasks do not have, so each
    // task ends at its turn limit; what matters here is its one coder request.
    let first = run_task(&home, &repo, &model, "fix add in calc.py");
    let said = String::from_utf8_lossy(&first.stderr);
    assert!(matches!(first.status.code(), Some(0 | 1)), "{said}");
    let (prompt, first_reused) = first_coder_call(&home);
    assert!(prompt > 0, "{said}");
    // Nothing was kept before: only the few tokens the coder's request shares with the
    // tool-calling check just before it in the same process were not computed again.
    let first_reused = first_reused.unwrap_or(0);
    let kept: Vec<u32> = prefill_files(&home)
        .iter()
        .map(|file| stored_positions(file))
        .collect();
    assert!(!kept.is_empty(), "the first task kept its prefill");
    assert!(
        kept.iter()
            .all(|&positions| first_reused < i64::from(positions)),
        "{first_reused} {kept:?}"
    );

    let second = run_task(&home, &repo, &model, "make area in geometry.py round up");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(matches!(second.status.code(), Some(0 | 1)), "{said}");
    let (prompt, reused) = first_coder_call(&home);
    let reused = reused.unwrap_or(0);
    // All of the system prompt and tools came from the kept file, and only they: the request
    // after them (map and description) differs and was computed.
    assert!(reused > 0, "{said}");
    assert!(kept.contains(&(reused as u32)), "{reused} not in {kept:?}");
    assert!(reused < prompt, "{reused} of {prompt}");
    // The task's log says it.
    let list = home.json(&["task", "list", "--json"]);
    let logs = home.ok(&["task", "logs", list["tasks"][0]["id"].as_str().unwrap()]);
    assert!(logs.contains(&format!("({reused} reused)")), "{logs}");
}
