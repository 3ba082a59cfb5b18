//! Slash commands: the built-in table, custom Markdown prompt commands from the binary, parsing a
//! line into what it asks for, and the matches the completion popup shows.

use super::event::{Command, CustomCommand, View};

/// A built-in command: name, argument hint, what it does.
pub(crate) const BUILTIN: &[(&str, &str, &str)] = &[
    ("help", "", "list the commands and keys"),
    ("model", "NAME", "switch the chat model"),
    ("strategy", "NAME", "set the task strategy"),
    ("task", "TEXT", "run a background task"),
    ("tasks", "", "show the tasks view"),
    ("diff", "", "show the current diff"),
    ("apply", "[ID]", "apply a finished task"),
    ("undo", "", "undo the last apply"),
    ("history", "[QUERY]", "browse past conversations"),
    ("search", "QUERY", "search past conversations"),
    ("new", "", "start a new conversation"),
    ("resume", "ID", "continue a past conversation"),
    ("compact", "", "summarize to free context"),
    ("clear", "", "clear the screen and context"),
    ("quit", "", "leave agent"),
];

/// What a slash line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Slash {
    /// Commands for the binary, and the view to show (if it changes).
    Run(Vec<Command>, Option<View>),
    /// Show the help text.
    Help,
    /// Show this notice (a usage error or an unknown command).
    Notice(String),
}

/// One line of the completion popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Completion {
    pub name: String,
    pub hint: String,
    pub description: String,
    /// A file for an `@` mention rather than a command.
    pub file: bool,
}

/// Parses a line that starts with `/`.
pub(crate) fn parse(line: &str, custom: &[CustomCommand]) -> Slash {
    let line = line.trim();
    let body = line.strip_prefix('/').unwrap_or(line);
    let (name, rest) = match body.split_once(char::is_whitespace) {
        Some((name, rest)) => (name, rest.trim()),
        None => (body, ""),
    };
    let argument = (!rest.is_empty()).then(|| rest.to_string());
    let need = |what: &str| Slash::Notice(format!("usage: /{name} {what}"));
    let run = |command: Command| Slash::Run(vec![command], None);
    match name {
        "help" => Slash::Help,
        "model" => argument.map_or_else(|| need("NAME"), |a| run(Command::SetModel(a))),
        "strategy" => argument.map_or_else(|| need("NAME"), |a| run(Command::SetStrategy(a))),
        "task" => argument.map_or_else(|| need("TEXT"), |a| run(Command::RunTask(a))),
        "tasks" => Slash::Run(vec![Command::LoadTasks], Some(View::Tasks)),
        "diff" => run(Command::ShowDiff),
        "apply" => run(Command::ApplyTask(argument)),
        "undo" => run(Command::Undo),
        "history" => Slash::Run(
            vec![Command::LoadHistory { query: argument }],
            Some(View::History),
        ),
        "search" => match argument {
            Some(query) => Slash::Run(
                vec![Command::LoadHistory { query: Some(query) }],
                Some(View::History),
            ),
            None => need("QUERY"),
        },
        "new" => run(Command::NewConversation),
        "resume" => argument.map_or_else(|| need("ID"), |a| run(Command::ResumeConversation(a))),
        "compact" => run(Command::Compact),
        "clear" => run(Command::Clear),
        "quit" | "exit" => run(Command::Quit),
        _ => match custom.iter().find(|c| c.name == name) {
            Some(command) => run(Command::SendPrompt(command.expand(rest))),
            None => Slash::Notice(format!("unknown command /{name} (try /help)")),
        },
    }
}

/// The commands whose names start with what follows the `/` in `line` (none once the line has
/// a space or no slash).
pub(crate) fn completions(line: &str, custom: &[CustomCommand]) -> Vec<Completion> {
    let Some(prefix) = line.strip_prefix('/') else {
        return Vec::new();
    };
    if prefix.contains(char::is_whitespace) {
        return Vec::new();
    }
    let builtin = BUILTIN.iter().map(|(name, hint, description)| Completion {
        name: (*name).to_string(),
        hint: (*hint).to_string(),
        description: (*description).to_string(),
        file: false,
    });
    let custom = custom.iter().map(|c| Completion {
        name: c.name.clone(),
        hint: String::new(),
        description: c.description.clone(),
        file: false,
    });
    builtin
        .chain(custom)
        .filter(|c| c.name.starts_with(prefix))
        .collect()
}

/// The help text /help shows.
pub(crate) fn help_text(custom: &[CustomCommand]) -> String {
    let mut text = String::from("Commands:\n");
    for (name, hint, description) in BUILTIN {
        let usage = format!("/{name} {hint}");
        text.push_str(&format!("  {usage:<18} {description}\n"));
    }
    for command in custom {
        text.push_str(&format!(
            "  /{:<17} {}\n",
            command.name, command.description
        ));
    }
    text.push_str(
        "Keys: Enter send · Shift/Alt-Enter newline · Ctrl-R search prompts · Esc interrupt · \
         Ctrl-C clear/quit · Tab/Ctrl-O expand tools · PgUp/PgDn/End scroll · \
         F1 chat · F2 tasks · F3 history · F4 dashboard",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse_to_commands() {
        let run = |c| Slash::Run(vec![c], None);
        assert_eq!(
            parse("/model qwen3:8b", &[]),
            run(Command::SetModel("qwen3:8b".into()))
        );
        assert_eq!(
            parse("/task fix the bug", &[]),
            run(Command::RunTask("fix the bug".into()))
        );
        assert_eq!(parse("/diff", &[]), run(Command::ShowDiff));
        assert_eq!(parse("/apply", &[]), run(Command::ApplyTask(None)));
        assert_eq!(
            parse("/apply ab12", &[]),
            run(Command::ApplyTask(Some("ab12".into())))
        );
        assert_eq!(parse("/undo", &[]), run(Command::Undo));
        assert_eq!(
            parse("/resume c0ffee", &[]),
            run(Command::ResumeConversation("c0ffee".into()))
        );
        assert_eq!(parse("/quit", &[]), run(Command::Quit));
        assert_eq!(
            parse("/search parser bug", &[]),
            Slash::Run(
                vec![Command::LoadHistory {
                    query: Some("parser bug".into())
                }],
                Some(View::History)
            )
        );
        assert_eq!(
            parse("/tasks", &[]),
            Slash::Run(vec![Command::LoadTasks], Some(View::Tasks))
        );
        assert_eq!(parse("/help", &[]), Slash::Help);
        assert_eq!(
            parse("/model", &[]),
            Slash::Notice("usage: /model NAME".into())
        );
        assert_eq!(
            parse("/frobnicate", &[]),
            Slash::Notice("unknown command /frobnicate (try /help)".into())
        );
    }

    #[test]
    fn custom_commands_expand_their_arguments() {
        let custom = [CustomCommand {
            name: "review".into(),
            description: "review a file".into(),
            arguments: vec!["what".into()],
            template: "Review {{ what }} carefully".into(),
            origin: "test".into(),
        }];
        assert_eq!(
            parse("/review src/lib.rs", &custom),
            Slash::Run(
                vec![Command::SendPrompt("Review src/lib.rs carefully".into())],
                None
            )
        );
        let names: Vec<String> = completions("/re", &custom)
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["resume", "review"]);
        assert!(completions("/model x", &custom).is_empty());
        assert!(completions("hello", &custom).is_empty());
    }
}
