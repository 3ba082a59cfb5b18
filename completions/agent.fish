# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_agent_global_optspecs
    string join \n c/config= color= log-format= h/help V/version
end

function __fish_agent_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_agent_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_agent_using_subcommand
    set -l cmd (__fish_agent_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c agent -n "__fish_agent_needs_command" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_needs_command" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_needs_command" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_needs_command" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_needs_command" -f -a "config" -d 'Show and change configuration'
complete -c agent -n "__fish_agent_needs_command" -f -a "history" -d 'Browse, search, export and import past conversations'
complete -c agent -n "__fish_agent_needs_command" -f -a "chat" -d 'Chat with a model that works on this repository (the default on a terminal)'
complete -c agent -n "__fish_agent_needs_command" -f -a "ask" -d 'Ask a model one question and stream the answer to stdout (no tools)'
complete -c agent -n "__fish_agent_needs_command" -f -a "models" -d 'List, fetch and choose models; probe this machine'
complete -c agent -n "__fish_agent_needs_command" -f -a "task" -d 'Run a coding task on a repository and manage past tasks'
complete -c agent -n "__fish_agent_needs_command" -f -a "map" -d 'Print the repo map: the most used definitions of a repository, ranked, within a budget'
complete -c agent -n "__fish_agent_needs_command" -f -a "undo" -d 'Revert the task applied last in this repository (`agent task apply`)'
complete -c agent -n "__fish_agent_needs_command" -f -a "trust" -d 'Trust this repository\'s .agent/config.toml, so that all of its keys apply'
complete -c agent -n "__fish_agent_needs_command" -f -a "serve" -d 'Serve the HTTP API, event streams and the web dashboard'
complete -c agent -n "__fish_agent_needs_command" -f -a "pr" -d 'Pull requests: open one from a task\'s branch, list, show, check out, merge, close, comment, review with a model'
complete -c agent -n "__fish_agent_needs_command" -f -a "auth" -d 'GitHub sign-in: store a token, see where the token in use comes from, remove it'
complete -c agent -n "__fish_agent_needs_command" -f -a "hook" -d 'Install, remove and list agent\'s git hooks: a review before each commit, commit messages, the project\'s check before each push'
complete -c agent -n "__fish_agent_needs_command" -f -a "ci" -d 'Watch GitHub Actions and fix failing runs; show what the monitor did'
complete -c agent -n "__fish_agent_needs_command" -f -a "mcp" -d 'List and try the MCP servers of [mcp_servers.NAME] in the configuration'
complete -c agent -n "__fish_agent_needs_command" -f -a "fetch" -d 'Fetch a web page and print its main text as Markdown'
complete -c agent -n "__fish_agent_needs_command" -f -a "browse" -d 'Open a web page in headless Chromium: its text, a screenshot or a PDF'
complete -c agent -n "__fish_agent_needs_command" -f -a "ab" -d 'A/B tests: run tasks with two variants of settings (model, strategy, prompt) and compare'
complete -c agent -n "__fish_agent_needs_command" -f -a "budget" -d 'Show today\'s and this month\'s model usage and what is left of each budget'
complete -c agent -n "__fish_agent_needs_command" -f -a "classify" -d 'Estimate how much work a task is (simple, medium, complex) and why; evaluate and retrain the classifier that `--strategy auto` uses'
complete -c agent -n "__fish_agent_needs_command" -f -a "doctor" -d 'Check that agent can run here: data directory, database, configuration, git, model backend'
complete -c agent -n "__fish_agent_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c agent -n "__fish_agent_needs_command" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c agent -n "__fish_agent_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -f -a "path" -d 'Print where configuration and data live'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -f -a "show" -d 'Print the resolved configuration'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -f -a "get" -d 'Print one resolved value'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -f -a "set" -d 'Set a key in the user configuration file (or the repository\'s, with --repo)'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -f -a "unset" -d 'Remove a key from the user configuration file (or the repository\'s, with --repo)'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -f -a "edit" -d 'Open the configuration file in $VISUAL or $EDITOR, then check it'
complete -c agent -n "__fish_agent_using_subcommand config; and not __fish_seen_subcommand_from path show get set unset edit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from path" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from path" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from path" -l json -d 'Print every path as JSON'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from show" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from show" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from show" -l origin -d 'Also show where each value came from (default, file, environment, flag)'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from get" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from get" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from get" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from set" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from set" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from set" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from set" -l repo -d 'Write to this repository\'s .agent/config.toml instead'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from unset" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from unset" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from unset" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from unset" -l repo -d 'Edit this repository\'s .agent/config.toml instead'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from unset" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from edit" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from edit" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from edit" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from edit" -l repo -d 'Edit this repository\'s .agent/config.toml instead'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print where configuration and data live'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the resolved configuration'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print one resolved value'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set a key in the user configuration file (or the repository\'s, with --repo)'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove a key from the user configuration file (or the repository\'s, with --repo)'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Open the configuration file in $VISUAL or $EDITOR, then check it'
complete -c agent -n "__fish_agent_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -f -a "list" -d 'List conversations, most recently updated first'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -f -a "show" -d 'Show one conversation with all its messages'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -f -a "search" -d 'Search message text; exact phrase matches come first'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -f -a "export" -d 'Export conversations as JSONL (for import) or Markdown'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -f -a "import" -d 'Import conversations from a JSONL file (- for stdin), or with --from another agent\'s history; what is already present is skipped'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -f -a "rm" -d 'Delete a conversation and its messages'
complete -c agent -n "__fish_agent_using_subcommand history; and not __fish_seen_subcommand_from list show search export import rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -s n -l limit -d 'Show at most this many conversations [default: history.page_size]' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -l cursor -d 'Continue from the cursor printed after the previous page' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -l before -d 'Only conversations updated before this time (2026-11-01, an RFC 3339 time, or an age: 7d)' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -l since -d 'Only conversations updated since this time (2026-11-01, an RFC 3339 time, or an age: 7d)' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -l repo -d 'Only conversations in this repository' -r -F
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from show" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from show" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from show" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from show" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from search" -s n -l limit -d 'Show at most this many matches' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from search" -l repo -d 'Only conversations in this repository' -r -F
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from search" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from search" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from search" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from search" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from search" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from search" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from export" -l format -d 'Output format' -r -f -a "jsonl\t'One conversation per line, the format `history import` reads'
md\t'A readable transcript'"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to this file instead of stdout' -r -F
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from export" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from export" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from export" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from export" -l all -d 'Export every conversation'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -l from -d 'Read another agent\'s history instead of agent\'s own format' -r -f -a "codex\t'OpenAI\'s Codex CLI sessions'
claude\t'Claude Code\'s projects'
aider\t'Aider\'s chat history'"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -l dry-run -d 'Say what would be imported, and write nothing'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -l skip-bad -d 'Skip malformed records (and say how many) instead of failing'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -l json -d 'Print the result as JSON'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from rm" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from rm" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from rm" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "list" -d 'List conversations, most recently updated first'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one conversation with all its messages'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "search" -d 'Search message text; exact phrase matches come first'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export conversations as JSONL (for import) or Markdown'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import conversations from a JSONL file (- for stdin), or with --from another agent\'s history; what is already present is skipped'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Delete a conversation and its messages'
complete -c agent -n "__fish_agent_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand chat" -l resume -d 'Resume a conversation by id (or a unique prefix)' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -l attach -d 'Chat through a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server\'s token file); its backend runs the model' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -l backend -d 'Which backend serves the model [default: model.backend]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand chat" -l base-url -d 'The server\'s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -s m -l model -d 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -l temperature -d 'Sampling temperature; 0 is greedy' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -l max-tokens -d 'At most this many tokens in the answer' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -l context -d 'Context window in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -l seed -d 'Seed for reproducible sampling' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand chat" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand chat" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand chat" -l continue -d 'Continue the last conversation in this repository'
complete -c agent -n "__fish_agent_using_subcommand chat" -l no-cache -d 'Ask the model even when the answer cache holds this request\'s answer (temperature 0), and keep nothing [default: cache.enabled]'
complete -c agent -n "__fish_agent_using_subcommand chat" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand chat" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ask" -l system -d 'A system prompt to put first' -r
complete -c agent -n "__fish_agent_using_subcommand ask" -l backend -d 'Which backend serves the model [default: model.backend]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand ask" -l base-url -d 'The server\'s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]' -r
complete -c agent -n "__fish_agent_using_subcommand ask" -s m -l model -d 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)' -r
complete -c agent -n "__fish_agent_using_subcommand ask" -l temperature -d 'Sampling temperature; 0 is greedy' -r
complete -c agent -n "__fish_agent_using_subcommand ask" -l max-tokens -d 'At most this many tokens in the answer' -r
complete -c agent -n "__fish_agent_using_subcommand ask" -l context -d 'Context window in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand ask" -l seed -d 'Seed for reproducible sampling' -r
complete -c agent -n "__fish_agent_using_subcommand ask" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ask" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ask" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ask" -l json -d 'Print the event stream as JSON lines instead of text'
complete -c agent -n "__fish_agent_using_subcommand ask" -s q -l quiet -d 'Do not print token counts and speed on stderr'
complete -c agent -n "__fish_agent_using_subcommand ask" -l no-cache -d 'Ask the model even when the answer cache holds this request\'s answer (temperature 0), and keep nothing [default: cache.enabled]'
complete -c agent -n "__fish_agent_using_subcommand ask" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand ask" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "list" -d 'Models every backend offers: Ollama\'s, GGUF files in the models directory, and the OpenAI-compatible server\'s (cached, so the list works while a server is down)'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "show" -d 'Details of one model: family, parameters, quantisation, context length, tool support'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "pull" -d 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "use" -d 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "rm" -d 'Delete a model: a GGUF from the models directory, or an Ollama model'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "bench" -d 'Measure prefill and decode speed (tokens/s) of a model on this machine'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "probe" -d 'Show this machine\'s CPU, memory (with measured bandwidth) and GPUs'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "recommend" -d 'Recommend the model, quantisation and context length that fit this machine'
complete -c agent -n "__fish_agent_using_subcommand models; and not __fish_seen_subcommand_from list show pull use rm bench probe recommend help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from list" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from list" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from list" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from list" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from show" -l base-url -d 'Ollama\'s address [default: ollama.url / OLLAMA_HOST]' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from show" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from show" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from show" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from show" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -l base-url -d 'Ollama\'s address, for Ollama models [default: ollama.url / OLLAMA_HOST]' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -l sha256 -d 'The SHA-256 the file must have (hex)' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -l json -d 'Print the result as JSON'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -l use -d 'Then make it the default model, as `agent models use` does'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from pull" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from use" -l backend -d 'Which backend serves it [default: a .gguf runs in-process, anything else on Ollama]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from use" -l base-url -d 'Ollama\'s address, saved as ollama.url [default: ollama.url / OLLAMA_HOST]' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from use" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from use" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from use" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from rm" -l base-url -d 'Ollama\'s address, for Ollama models [default: ollama.url / OLLAMA_HOST]' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from rm" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from rm" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from rm" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from rm" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l prompt-tokens -d 'Prompt length to prefill, in tokens (approximately)' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l decode-tokens -d 'Tokens to generate' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l backend -d 'Which backend serves the model [default: model.backend]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l base-url -d 'The server\'s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -s m -l model -d 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l temperature -d 'Sampling temperature; 0 is greedy' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l max-tokens -d 'At most this many tokens in the answer' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l context -d 'Context window in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l seed -d 'Seed for reproducible sampling' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from bench" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from probe" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from probe" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from probe" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from probe" -l no-bandwidth -d 'Skip the ~0.1 s memory bandwidth measurement'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from probe" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from probe" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from probe" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from recommend" -l context -d 'Plan for this context window, in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from recommend" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from recommend" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from recommend" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from recommend" -l any-family -d 'Consider general models too, not only code models'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from recommend" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from recommend" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from recommend" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "list" -d 'Models every backend offers: Ollama\'s, GGUF files in the models directory, and the OpenAI-compatible server\'s (cached, so the list works while a server is down)'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "show" -d 'Details of one model: family, parameters, quantisation, context length, tool support'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Delete a model: a GGUF from the models directory, or an Ollama model'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "bench" -d 'Measure prefill and decode speed (tokens/s) of a model on this machine'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "probe" -d 'Show this machine\'s CPU, memory (with measured bandwidth) and GPUs'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "recommend" -d 'Recommend the model, quantisation and context length that fit this machine'
complete -c agent -n "__fish_agent_using_subcommand models; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "run" -d 'Run a task: a model edits a worktree on a new branch, the project\'s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "list" -d 'List tasks, newest first'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "show" -d 'Show one task: status, branch, changes, tokens, verification'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "logs" -d 'Print a task\'s events'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "cancel" -d 'Ask a running task to stop (it ends cancelled)'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "retry" -d 'Run a task again with the same request and settings'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "apply" -d 'Bring a task\'s commit onto the current branch of its repository'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "discard" -d 'Remove a task\'s worktree and branch'
complete -c agent -n "__fish_agent_using_subcommand task; and not __fish_seen_subcommand_from run list show logs cancel retry apply discard help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l issue -d 'Take the task from a GitHub issue (owner/repo#123 or its URL); with --pr, the PR says `Fixes #123`' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l repo -d 'The repository to work on [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l base -d 'The revision the task branch starts from' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l strategy -d 'How to run the task: auto (by the task\'s complexity), single, iterative, multi [default: task.strategy]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l max-iterations -d 'Most edit → check → fix rounds of the iterative strategy [default: task.max_iterations]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l max-review-rounds -d 'Most reviewer change requests the multi strategy follows [default: task.max_review_rounds]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l planner-model -d 'The planner\'s model [default: roles.planner.model, else --model]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l coder-model -d 'The coder\'s model [default: roles.coder.model, else --model]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l reviewer-model -d 'The reviewer\'s model [default: roles.reviewer.model, else --model]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l tester-model -d 'The tester\'s model [default: roles.tester.model, else --model]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l approval -d 'When to ask before acting [default: task.approval]: `auto` never asks; `on-command` asks before `run`; `on-write` before edits, writes and `run`; `always` before every call. Without a terminal, what would be asked is refused and the model is told. Commands run in the sandbox whatever the policy' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l verify -d 'The command that checks the work [default: task.verify, else detected]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l max-turns -d 'Most model turns [default: task.max_turns]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l max-tool-calls -d 'Most tool calls' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l max-tokens-total -d 'Most tokens (prompt + completion) over the whole task' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l timeout -d 'Most wall time in seconds, verification included' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l attach -d 'Run the task on a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server\'s token file). Same output and exit codes; the server\'s backend runs the models' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l backend -d 'Which backend serves the model [default: model.backend]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l base-url -d 'The server\'s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -s m -l model -d 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l temperature -d 'Sampling temperature; 0 is greedy' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l max-tokens -d 'At most this many tokens in the answer' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l context -d 'Context window in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l seed -d 'Seed for reproducible sampling' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l pr -d 'When the task succeeds, push its branch and open a pull request'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l draft -d 'With --pr: open the pull request as a draft'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l no-cache -d 'Ask the model even when the answer cache holds this request\'s answer (temperature 0), and keep nothing [default: cache.enabled]'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -l json -d 'Print every event as a JSON line on stdout instead of the summary'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -l status -d 'Only tasks with this status' -r -f -a "pending\t''
running\t''
verifying\t''
succeeded\t''
failed\t''
cancelled\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -l repo -d 'Only tasks on the repository containing DIR' -r -F
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -s n -l limit -d 'At most this many' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -l json -d 'Print JSON'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from show" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from show" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from show" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from show" -l json -d 'Print JSON'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from logs" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from logs" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from logs" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Keep printing new events until the task ends'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from logs" -l json -d 'Print the events as JSON lines'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from cancel" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from cancel" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from cancel" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from cancel" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l strategy -d 'How to run the task: auto (by the task\'s complexity), single, iterative, multi [default: task.strategy]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l max-iterations -d 'Most edit → check → fix rounds of the iterative strategy [default: task.max_iterations]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l max-review-rounds -d 'Most reviewer change requests the multi strategy follows [default: task.max_review_rounds]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l planner-model -d 'The planner\'s model [default: roles.planner.model, else --model]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l coder-model -d 'The coder\'s model [default: roles.coder.model, else --model]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l reviewer-model -d 'The reviewer\'s model [default: roles.reviewer.model, else --model]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l tester-model -d 'The tester\'s model [default: roles.tester.model, else --model]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l approval -d 'When to ask before acting [default: task.approval]: `auto` never asks; `on-command` asks before `run`; `on-write` before edits, writes and `run`; `always` before every call. Without a terminal, what would be asked is refused and the model is told. Commands run in the sandbox whatever the policy' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l verify -d 'The command that checks the work [default: task.verify, else detected]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l max-turns -d 'Most model turns [default: task.max_turns]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l max-tool-calls -d 'Most tool calls' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l max-tokens-total -d 'Most tokens (prompt + completion) over the whole task' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l timeout -d 'Most wall time in seconds, verification included' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l attach -d 'Run the task on a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server\'s token file). Same output and exit codes; the server\'s backend runs the models' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l backend -d 'Which backend serves the model [default: model.backend]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l base-url -d 'The server\'s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -s m -l model -d 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l temperature -d 'Sampling temperature; 0 is greedy' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l max-tokens -d 'At most this many tokens in the answer' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l context -d 'Context window in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l seed -d 'Seed for reproducible sampling' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l no-cache -d 'Ask the model even when the answer cache holds this request\'s answer (temperature 0), and keep nothing [default: cache.enabled]'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -l json -d 'Print every event as a JSON line on stdout instead of the summary'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from retry" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from apply" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from apply" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from apply" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from apply" -l force -d 'Apply a task that did not succeed'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from discard" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from discard" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from discard" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from discard" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from discard" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a task: a model edits a worktree on a new branch, the project\'s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "list" -d 'List tasks, newest first'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one task: status, branch, changes, tokens, verification'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "logs" -d 'Print a task\'s events'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Ask a running task to stop (it ends cancelled)'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Run a task again with the same request and settings'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Bring a task\'s commit onto the current branch of its repository'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "discard" -d 'Remove a task\'s worktree and branch'
complete -c agent -n "__fish_agent_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand map" -l tokens -d 'The map\'s budget in tokens (estimated as characters / 4) [default: map.tokens]' -r
complete -c agent -n "__fish_agent_using_subcommand map" -l focus -d 'Rank towards the files and names this text mentions (a task description)' -r
complete -c agent -n "__fish_agent_using_subcommand map" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand map" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand map" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand map" -l json -d 'Print the map and what indexing did as JSON'
complete -c agent -n "__fish_agent_using_subcommand map" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand map" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand undo" -l repo -d 'The repository [default: the one containing the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand undo" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand undo" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand undo" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand undo" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand undo" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand trust" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand trust" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand trust" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand trust" -l revoke -d 'Forget the repository: its file sets only harmless keys again'
complete -c agent -n "__fish_agent_using_subcommand trust" -l list -d 'List the trusted repositories and whether their file changed since'
complete -c agent -n "__fish_agent_using_subcommand trust" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand trust" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand trust" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand serve" -l addr -d 'Where to listen, HOST:PORT (port 0 picks a free one) [default: serve.addr]' -r
complete -c agent -n "__fish_agent_using_subcommand serve" -l token-file -d 'The bearer token\'s file; required off loopback [default: serve-token in the data directory, made on first start]' -r -F
complete -c agent -n "__fish_agent_using_subcommand serve" -l backend -d 'Which backend serves the model [default: model.backend]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand serve" -l base-url -d 'The server\'s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]' -r
complete -c agent -n "__fish_agent_using_subcommand serve" -s m -l model -d 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)' -r
complete -c agent -n "__fish_agent_using_subcommand serve" -l temperature -d 'Sampling temperature; 0 is greedy' -r
complete -c agent -n "__fish_agent_using_subcommand serve" -l max-tokens -d 'At most this many tokens in the answer' -r
complete -c agent -n "__fish_agent_using_subcommand serve" -l context -d 'Context window in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand serve" -l seed -d 'Seed for reproducible sampling' -r
complete -c agent -n "__fish_agent_using_subcommand serve" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand serve" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand serve" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand serve" -l check -d 'Print what a client needs (URL, token file, a dashboard link) and exit'
complete -c agent -n "__fish_agent_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand serve" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "create" -d 'Push a succeeded task\'s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "list" -d 'List pull requests, newest first'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "show" -d 'One pull request: title, state, branches, body'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "checkout" -d 'Fetch a pull request\'s branch and check it out'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "merge" -d 'Merge a pull request (a merge commit unless --squash or --rebase)'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "close" -d 'Close a pull request without merging it'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "comment" -d 'Comment on a pull request (or an issue)'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "review" -d 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)'
complete -c agent -n "__fish_agent_using_subcommand pr; and not __fish_seen_subcommand_from create list show checkout merge close comment review help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l github-repo -d 'The repository on GitHub [default: the one the remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l remote -d 'The git remote that names the repository and receives pushes' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l repo -d 'The local checkout [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l base -d 'The branch to merge into [default: the repository\'s default branch]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l title -d 'The title [default: the task\'s title]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l label -d 'Add a label (repeatable)' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l reviewer -d 'Ask someone to review (a login; repeatable)' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l fixes -d 'Say that it fixes this issue number (`Fixes #N` in the body)' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l draft -d 'Open it as a draft'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l force -d 'Push with --force-with-lease (when the branch on the remote was changed)'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -l json -d 'Print the result as JSON'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -l github-repo -d 'The repository on GitHub [default: the one the remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -l remote -d 'The git remote that names the repository and receives pushes' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -l repo -d 'The local checkout [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -l state -d 'open, closed or all' -r -f -a "open\t''
closed\t''
all\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -l github-repo -d 'The repository on GitHub [default: the one the remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -l remote -d 'The git remote that names the repository and receives pushes' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -l repo -d 'The local checkout [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from checkout" -l github-repo -d 'The repository on GitHub [default: the one the remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from checkout" -l remote -d 'The git remote that names the repository and receives pushes' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from checkout" -l repo -d 'The local checkout [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from checkout" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from checkout" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from checkout" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from checkout" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from checkout" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -l github-repo -d 'The repository on GitHub [default: the one the remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -l remote -d 'The git remote that names the repository and receives pushes' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -l repo -d 'The local checkout [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -l squash -d 'Squash its commits into one'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -l rebase -d 'Rebase its commits onto the base branch'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from merge" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from close" -l github-repo -d 'The repository on GitHub [default: the one the remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from close" -l remote -d 'The git remote that names the repository and receives pushes' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from close" -l repo -d 'The local checkout [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from close" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from close" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from close" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from close" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from close" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from comment" -l github-repo -d 'The repository on GitHub [default: the one the remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from comment" -l remote -d 'The git remote that names the repository and receives pushes' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from comment" -l repo -d 'The local checkout [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from comment" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from comment" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from comment" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from comment" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from comment" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l github-repo -d 'The repository on GitHub [default: the one the remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l remote -d 'The git remote that names the repository and receives pushes' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l repo -d 'The local checkout [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l backend -d 'Which backend serves the model [default: model.backend]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l base-url -d 'The server\'s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -s m -l model -d 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l temperature -d 'Sampling temperature; 0 is greedy' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l max-tokens -d 'At most this many tokens in the answer' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l context -d 'Context window in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l seed -d 'Seed for reproducible sampling' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l dry-run -d 'Print the review without posting it'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -l json -d 'Print the review (and the posted review\'s id and URL) as JSON'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from review" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "create" -d 'Push a succeeded task\'s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "list" -d 'List pull requests, newest first'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "show" -d 'One pull request: title, state, branches, body'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "checkout" -d 'Fetch a pull request\'s branch and check it out'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Merge a pull request (a merge commit unless --squash or --rebase)'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "close" -d 'Close a pull request without merging it'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "comment" -d 'Comment on a pull request (or an issue)'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "review" -d 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)'
complete -c agent -n "__fish_agent_using_subcommand pr; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -f -a "github" -d 'Store a GitHub token (checked against the API first) for `github.api_url`\'s host'
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -f -a "status" -d 'Where the GitHub token in use comes from (exit 3 when there is none)'
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -f -a "logout" -d 'Remove the GitHub token agent stored'
complete -c agent -n "__fish_agent_using_subcommand auth; and not __fish_seen_subcommand_from github status logout help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from github" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from github" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from github" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from github" -l with-token -d 'Read the token from stdin instead of asking for it'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from github" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from github" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from status" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from status" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from status" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from status" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from logout" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from logout" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from logout" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from logout" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "github" -d 'Store a GitHub token (checked against the API first) for `github.api_url`\'s host'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "status" -d 'Where the GitHub token in use comes from (exit 3 when there is none)'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "logout" -d 'Remove the GitHub token agent stored'
complete -c agent -n "__fish_agent_using_subcommand auth; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "install" -d 'Install hooks into the repository (again: only agent\'s script is rewritten)'
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "uninstall" -d 'Remove agent\'s hooks (all of them without HOOK) and put back the hooks they chained'
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "status" -d 'Show where the hooks are and which of them are agent\'s'
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "run" -d 'Run a hook\'s work now (what the installed scripts call; git passes ARGS)'
complete -c agent -n "__fish_agent_using_subcommand hook; and not __fish_seen_subcommand_from install uninstall status run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from install" -l mode -d 'commit-msg only: draft writes a message only when yours is empty; rewrite improves every message (yours stays when the model fails) [default: draft]' -r -f -a "draft\t''
rewrite\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from install" -l repo -d 'A directory in the repository [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from install" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from install" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from install" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l repo -d 'A directory in the repository [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from uninstall" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from status" -l repo -d 'A directory in the repository [default: the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from status" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from status" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from status" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from status" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from run" -l mode -d 'commit-msg\'s mode' -r -f -a "draft\t''
rewrite\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from run" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from run" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from run" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install hooks into the repository (again: only agent\'s script is rewritten)'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Remove agent\'s hooks (all of them without HOOK) and put back the hooks they chained'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show where the hooks are and which of them are agent\'s'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a hook\'s work now (what the installed scripts call; git passes ARGS)'
complete -c agent -n "__fish_agent_using_subcommand hook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand ci; and not __fish_seen_subcommand_from watch status help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and not __fish_seen_subcommand_from watch status help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ci; and not __fish_seen_subcommand_from watch status help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ci; and not __fish_seen_subcommand_from watch status help" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand ci; and not __fish_seen_subcommand_from watch status help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ci; and not __fish_seen_subcommand_from watch status help" -f -a "watch" -d 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run'
complete -c agent -n "__fish_agent_using_subcommand ci; and not __fish_seen_subcommand_from watch status help" -f -a "status" -d 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate'
complete -c agent -n "__fish_agent_using_subcommand ci; and not __fish_seen_subcommand_from watch status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l repo -l github-repo -d 'The repository on GitHub, OWNER/NAME [default: the one the checkout\'s remote points at]' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l branch -d 'Only runs on this branch [default: every branch]' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l interval -d 'Seconds between polls (longer while the rate limit is nearly spent)' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l remote -d 'The git remote of the repository in this checkout: fetched from and pushed to' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l max-iterations -d 'Most edit → check → fix rounds of a fix task [default: task.max_iterations]' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l approval -d 'When a fix task asks before acting [default: task.approval]; nobody answers, so what would be asked is refused' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l verify -d 'The command that checks a fix [default: task.verify, else detected]' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l timeout -d 'Most wall time of a fix task in seconds, verification included' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l backend -d 'Which backend serves the model [default: model.backend]' -r -f -a "ollama\t''
openai\t''
local\t''"
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l base-url -d 'The server\'s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -s m -l model -d 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l temperature -d 'Sampling temperature; 0 is greedy' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l max-tokens -d 'At most this many tokens in the answer' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l context -d 'Context window in tokens [default: model.context_length]' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l seed -d 'Seed for reproducible sampling' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -l once -d 'Poll once, handle what failed, and exit (1 when a fix did not reach a PR)'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from watch" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from status" -s n -l limit -d 'Show at most this many runs and attempts' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from status" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from status" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from status" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from status" -l json -d 'Print JSON'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "watch" -d 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "status" -d 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate'
complete -c agent -n "__fish_agent_using_subcommand ci; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand mcp; and not __fish_seen_subcommand_from list test help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand mcp; and not __fish_seen_subcommand_from list test help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand mcp; and not __fish_seen_subcommand_from list test help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand mcp; and not __fish_seen_subcommand_from list test help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand mcp; and not __fish_seen_subcommand_from list test help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand mcp; and not __fish_seen_subcommand_from list test help" -f -a "list" -d 'Every configured server: where it comes from, whether it starts, its tools'
complete -c agent -n "__fish_agent_using_subcommand mcp; and not __fish_seen_subcommand_from list test help" -f -a "test" -d 'Start one server (even a disabled one), initialize it, list its tools, with timings'
complete -c agent -n "__fish_agent_using_subcommand mcp; and not __fish_seen_subcommand_from list test help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from list" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from list" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from list" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from list" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from test" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from test" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from test" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from test" -l json -d 'Print as JSON'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from test" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every configured server: where it comes from, whether it starts, its tools'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "test" -d 'Start one server (even a disabled one), initialize it, list its tools, with timings'
complete -c agent -n "__fish_agent_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand fetch" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand fetch" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand fetch" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand fetch" -l raw -d 'Print the body as it came (any type, bytes unchanged), without extraction or browser'
complete -c agent -n "__fish_agent_using_subcommand fetch" -l json -d 'Print one JSON object: url, final_url, title, markdown, from_cache, rendered, note'
complete -c agent -n "__fish_agent_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand browse" -l screenshot -d 'Save a PNG of the page (instead of printing its text)' -r -F
complete -c agent -n "__fish_agent_using_subcommand browse" -l pdf -d 'Save the page printed as a PDF (instead of printing its text)' -r -F
complete -c agent -n "__fish_agent_using_subcommand browse" -l step -d 'A step before reading the page, in order (repeatable): `fill SELECTOR=TEXT`, `click SELECTOR` or `wait SELECTOR`' -r
complete -c agent -n "__fish_agent_using_subcommand browse" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand browse" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand browse" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand browse" -l json -d 'Print one JSON object: url, title and markdown, or the saved file and its size, and the page\'s failed requests'
complete -c agent -n "__fish_agent_using_subcommand browse" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand browse" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -f -a "create" -d 'Start a test between two variants, each a list of KEY=VALUE settings'
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -f -a "list" -d 'List the tests with their variants\' numbers'
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -f -a "status" -d 'Success rate, tokens and time per variant, and whether the difference is significant'
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -f -a "stop" -d 'Stop a test and keep a winner (default: the variant with the better numbers)'
complete -c agent -n "__fish_agent_using_subcommand ab; and not __fish_seen_subcommand_from create list status stop help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from create" -l a -d 'A setting of variant a (repeat for more)' -r
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from create" -l b -d 'A setting of variant b (repeat for more)' -r
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from create" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from create" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from create" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from create" -l json -d 'Print the test as JSON'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from list" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from list" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from list" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from list" -l json -d 'Print them as JSON'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from status" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from status" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from status" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from status" -l json -d 'Print the numbers as JSON'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from stop" -l winner -d 'The variant to keep' -r -f -a "a\t''
b\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from stop" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from stop" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from stop" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from stop" -l json -d 'Print the final numbers as JSON'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from help" -f -a "create" -d 'Start a test between two variants, each a list of KEY=VALUE settings'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the tests with their variants\' numbers'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from help" -f -a "status" -d 'Success rate, tokens and time per variant, and whether the difference is significant'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop a test and keep a winner (default: the variant with the better numbers)'
complete -c agent -n "__fish_agent_using_subcommand ab; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand budget" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand budget" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand budget" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand budget" -l json -d 'Print JSON'
complete -c agent -n "__fish_agent_using_subcommand budget" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand budget" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -l repo -d 'The repository in which named files are looked up [default: the one containing the current directory]' -r -F
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -l json -d 'Print the verdict as JSON'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -l heuristic -d 'Use the cue-word heuristic instead of the trained classifier'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -a "versions" -d 'List the trained versions, their held-out scores and which one is current'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -a "use" -d 'Make a version current: its number (from `versions`) or `builtin`, the shipped model'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -a "eval" -d 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -a "train" -d 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out'
complete -c agent -n "__fish_agent_using_subcommand classify; and not __fish_seen_subcommand_from versions use eval train help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from versions" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from versions" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from versions" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from versions" -l json -d 'Print them as JSON'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from versions" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from versions" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from use" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from use" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from use" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from eval" -l classifier -d 'Which classifier: a version number, `builtin`, `heuristic` or a model FILE.json (from `train --data`) [default: the current one]' -r
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from eval" -l predictions -d 'Also write each text\'s verdict to this JSONL file (line by line as in FILE: the label, the predicted class, the probabilities and whether "unsure → medium" decided)' -r -F
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from eval" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from eval" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from eval" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from eval" -l json -d 'Print the scores as JSON'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from eval" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from eval" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -l since -d 'Only tasks finished since then (2026-11-01, an RFC 3339 time, or an age: 30d)' -r
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -l data -d 'Fit on this labelled JSONL file instead of your tasks' -r -F
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -l output -d 'Where --data writes the model (JSON)' -r -F
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -l test -d 'A labelled JSONL file to score the --data model on' -r -F
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -l folds -d 'Cross-validation folds for --data (0: none)' -r
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -l json -d 'Print the report as JSON'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from train" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from help" -f -a "versions" -d 'List the trained versions, their held-out scores and which one is current'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a version current: its number (from `versions`) or `builtin`, the shipped model'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from help" -f -a "eval" -d 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from help" -f -a "train" -d 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out'
complete -c agent -n "__fish_agent_using_subcommand classify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand doctor" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand doctor" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand doctor" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand doctor" -l json -d 'Print the checks as JSON'
complete -c agent -n "__fish_agent_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c agent -n "__fish_agent_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand completions" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand completions" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand completions" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand completions" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand man" -s c -l config -d 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai' -r
complete -c agent -n "__fish_agent_using_subcommand man" -l color -d 'When to colour output [default: from ui.color, which defaults to auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agent -n "__fish_agent_using_subcommand man" -l log-format -d 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)' -r -f -a "text\t''
json\t''"
complete -c agent -n "__fish_agent_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agent -n "__fish_agent_using_subcommand man" -s V -l version -d 'Print version'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "config" -d 'Show and change configuration'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "history" -d 'Browse, search, export and import past conversations'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "chat" -d 'Chat with a model that works on this repository (the default on a terminal)'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "ask" -d 'Ask a model one question and stream the answer to stdout (no tools)'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "models" -d 'List, fetch and choose models; probe this machine'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "task" -d 'Run a coding task on a repository and manage past tasks'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "map" -d 'Print the repo map: the most used definitions of a repository, ranked, within a budget'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "undo" -d 'Revert the task applied last in this repository (`agent task apply`)'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "trust" -d 'Trust this repository\'s .agent/config.toml, so that all of its keys apply'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "serve" -d 'Serve the HTTP API, event streams and the web dashboard'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "pr" -d 'Pull requests: open one from a task\'s branch, list, show, check out, merge, close, comment, review with a model'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "auth" -d 'GitHub sign-in: store a token, see where the token in use comes from, remove it'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "hook" -d 'Install, remove and list agent\'s git hooks: a review before each commit, commit messages, the project\'s check before each push'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "ci" -d 'Watch GitHub Actions and fix failing runs; show what the monitor did'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "mcp" -d 'List and try the MCP servers of [mcp_servers.NAME] in the configuration'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "fetch" -d 'Fetch a web page and print its main text as Markdown'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "browse" -d 'Open a web page in headless Chromium: its text, a screenshot or a PDF'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "ab" -d 'A/B tests: run tasks with two variants of settings (model, strategy, prompt) and compare'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "budget" -d 'Show today\'s and this month\'s model usage and what is left of each budget'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "classify" -d 'Estimate how much work a task is (simple, medium, complex) and why; evaluate and retrain the classifier that `--strategy auto` uses'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "doctor" -d 'Check that agent can run here: data directory, database, configuration, git, model backend'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c agent -n "__fish_agent_using_subcommand help; and not __fish_seen_subcommand_from config history chat ask models task map undo trust serve pr auth hook ci mcp fetch browse ab budget classify doctor completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print where configuration and data live'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the resolved configuration'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "get" -d 'Print one resolved value'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Set a key in the user configuration file (or the repository\'s, with --repo)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "unset" -d 'Remove a key from the user configuration file (or the repository\'s, with --repo)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "edit" -d 'Open the configuration file in $VISUAL or $EDITOR, then check it'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "list" -d 'List conversations, most recently updated first'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "show" -d 'Show one conversation with all its messages'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "search" -d 'Search message text; exact phrase matches come first'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "export" -d 'Export conversations as JSONL (for import) or Markdown'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "import" -d 'Import conversations from a JSONL file (- for stdin), or with --from another agent\'s history; what is already present is skipped'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "rm" -d 'Delete a conversation and its messages'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "list" -d 'Models every backend offers: Ollama\'s, GGUF files in the models directory, and the OpenAI-compatible server\'s (cached, so the list works while a server is down)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "show" -d 'Details of one model: family, parameters, quantisation, context length, tool support'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "pull" -d 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "use" -d 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "rm" -d 'Delete a model: a GGUF from the models directory, or an Ollama model'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "bench" -d 'Measure prefill and decode speed (tokens/s) of a model on this machine'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "probe" -d 'Show this machine\'s CPU, memory (with measured bandwidth) and GPUs'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from models" -f -a "recommend" -d 'Recommend the model, quantisation and context length that fit this machine'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "run" -d 'Run a task: a model edits a worktree on a new branch, the project\'s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "list" -d 'List tasks, newest first'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "show" -d 'Show one task: status, branch, changes, tokens, verification'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "logs" -d 'Print a task\'s events'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "cancel" -d 'Ask a running task to stop (it ends cancelled)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "retry" -d 'Run a task again with the same request and settings'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "apply" -d 'Bring a task\'s commit onto the current branch of its repository'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "discard" -d 'Remove a task\'s worktree and branch'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from pr" -f -a "create" -d 'Push a succeeded task\'s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from pr" -f -a "list" -d 'List pull requests, newest first'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from pr" -f -a "show" -d 'One pull request: title, state, branches, body'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from pr" -f -a "checkout" -d 'Fetch a pull request\'s branch and check it out'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from pr" -f -a "merge" -d 'Merge a pull request (a merge commit unless --squash or --rebase)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from pr" -f -a "close" -d 'Close a pull request without merging it'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from pr" -f -a "comment" -d 'Comment on a pull request (or an issue)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from pr" -f -a "review" -d 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "github" -d 'Store a GitHub token (checked against the API first) for `github.api_url`\'s host'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "status" -d 'Where the GitHub token in use comes from (exit 3 when there is none)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from auth" -f -a "logout" -d 'Remove the GitHub token agent stored'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "install" -d 'Install hooks into the repository (again: only agent\'s script is rewritten)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "uninstall" -d 'Remove agent\'s hooks (all of them without HOOK) and put back the hooks they chained'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "status" -d 'Show where the hooks are and which of them are agent\'s'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from hook" -f -a "run" -d 'Run a hook\'s work now (what the installed scripts call; git passes ARGS)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from ci" -f -a "watch" -d 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from ci" -f -a "status" -d 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "list" -d 'Every configured server: where it comes from, whether it starts, its tools'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "test" -d 'Start one server (even a disabled one), initialize it, list its tools, with timings'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from ab" -f -a "create" -d 'Start a test between two variants, each a list of KEY=VALUE settings'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from ab" -f -a "list" -d 'List the tests with their variants\' numbers'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from ab" -f -a "status" -d 'Success rate, tokens and time per variant, and whether the difference is significant'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from ab" -f -a "stop" -d 'Stop a test and keep a winner (default: the variant with the better numbers)'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from classify" -f -a "versions" -d 'List the trained versions, their held-out scores and which one is current'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from classify" -f -a "use" -d 'Make a version current: its number (from `versions`) or `builtin`, the shipped model'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from classify" -f -a "eval" -d 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix'
complete -c agent -n "__fish_agent_using_subcommand help; and __fish_seen_subcommand_from classify" -f -a "train" -d 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out'
