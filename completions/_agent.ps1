
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'agent' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'agent'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'agent' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show and change configuration')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Browse, search, export and import past conversations')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'Chat with a model that works on this repository (the default on a terminal)')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'Ask a model one question and stream the answer to stdout (no tools)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List, fetch and choose models; probe this machine')
            [CompletionResult]::new('task', 'task', [CompletionResultType]::ParameterValue, 'Run a coding task on a repository and manage past tasks')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Print the repo map: the most used definitions of a repository, ranked, within a budget')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Revert the task applied last in this repository (`agent task apply`)')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Trust this repository''s .agent/config.toml, so that all of its keys apply')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the HTTP API, event streams and the web dashboard')
            [CompletionResult]::new('pr', 'pr', [CompletionResultType]::ParameterValue, 'Pull requests: open one from a task''s branch, list, show, check out, merge, close, comment, review with a model')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'GitHub sign-in: store a token, see where the token in use comes from, remove it')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Install, remove and list agent''s git hooks: a review before each commit, commit messages, the project''s check before each push')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'Watch GitHub Actions and fix failing runs; show what the monitor did')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'List and try the MCP servers of [mcp_servers.NAME] in the configuration')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Fetch a web page and print its main text as Markdown')
            [CompletionResult]::new('browse', 'browse', [CompletionResultType]::ParameterValue, 'Open a web page in headless Chromium: its text, a screenshot or a PDF')
            [CompletionResult]::new('ab', 'ab', [CompletionResultType]::ParameterValue, 'A/B tests: run tasks with two variants of settings (model, strategy, prompt) and compare')
            [CompletionResult]::new('budget', 'budget', [CompletionResultType]::ParameterValue, 'Show today''s and this month''s model usage and what is left of each budget')
            [CompletionResult]::new('classify', 'classify', [CompletionResultType]::ParameterValue, 'Estimate how much work a task is (simple, medium, complex) and why; evaluate and retrain the classifier that `--strategy auto` uses')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check that agent can run here: data directory, database, configuration, git, model backend')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;config' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where configuration and data live')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved configuration')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one resolved value')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key in the user configuration file (or the repository''s, with --repo)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a key from the user configuration file (or the repository''s, with --repo)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Open the configuration file in $VISUAL or $EDITOR, then check it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;config;path' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print every path as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;config;show' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--origin', '--origin', [CompletionResultType]::ParameterName, 'Also show where each value came from (default, file, environment, flag)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;config;get' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;config;set' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Write to this repository''s .agent/config.toml instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;config;unset' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Edit this repository''s .agent/config.toml instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;config;edit' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Edit this repository''s .agent/config.toml instead')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;config;help' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where configuration and data live')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved configuration')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one resolved value')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key in the user configuration file (or the repository''s, with --repo)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a key from the user configuration file (or the repository''s, with --repo)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Open the configuration file in $VISUAL or $EDITOR, then check it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;config;help;path' {
            break
        }
        'agent;config;help;show' {
            break
        }
        'agent;config;help;get' {
            break
        }
        'agent;config;help;set' {
            break
        }
        'agent;config;help;unset' {
            break
        }
        'agent;config;help;edit' {
            break
        }
        'agent;config;help;help' {
            break
        }
        'agent;history' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List conversations, most recently updated first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one conversation with all its messages')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search message text; exact phrase matches come first')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export conversations as JSONL (for import) or Markdown')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import conversations from a JSONL file (- for stdin), or with --from another agent''s history; what is already present is skipped')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a conversation and its messages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;history;list' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most this many conversations [default: history.page_size]')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many conversations [default: history.page_size]')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Continue from the cursor printed after the previous page')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'Only conversations updated before this time (2026-11-01, an RFC 3339 time, or an age: 7d)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only conversations updated since this time (2026-11-01, an RFC 3339 time, or an age: 7d)')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Only conversations in this repository')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;history;show' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;history;search' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most this many matches')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many matches')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Only conversations in this repository')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;history;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to this file instead of stdout')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Export every conversation')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;history;import' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Read another agent''s history instead of agent''s own format')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be imported, and write nothing')
            [CompletionResult]::new('--skip-bad', '--skip-bad', [CompletionResultType]::ParameterName, 'Skip malformed records (and say how many) instead of failing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;history;rm' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;history;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List conversations, most recently updated first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one conversation with all its messages')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search message text; exact phrase matches come first')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export conversations as JSONL (for import) or Markdown')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import conversations from a JSONL file (- for stdin), or with --from another agent''s history; what is already present is skipped')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a conversation and its messages')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;history;help;list' {
            break
        }
        'agent;history;help;show' {
            break
        }
        'agent;history;help;search' {
            break
        }
        'agent;history;help;export' {
            break
        }
        'agent;history;help;import' {
            break
        }
        'agent;history;help;rm' {
            break
        }
        'agent;history;help;help' {
            break
        }
        'agent;chat' {
            [CompletionResult]::new('--resume', '--resume', [CompletionResultType]::ParameterName, 'Resume a conversation by id (or a unique prefix)')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Chat through a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server''s token file); its backend runs the model')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves the model [default: model.backend]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature; 0 is greedy')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'At most this many tokens in the answer')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context window in tokens [default: model.context_length]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible sampling')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Continue the last conversation in this repository')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Ask the model even when the answer cache holds this request''s answer (temperature 0), and keep nothing [default: cache.enabled]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;ask' {
            [CompletionResult]::new('--system', '--system', [CompletionResultType]::ParameterName, 'A system prompt to put first')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves the model [default: model.backend]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature; 0 is greedy')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'At most this many tokens in the answer')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context window in tokens [default: model.context_length]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible sampling')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the event stream as JSON lines instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Do not print token counts and speed on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Do not print token counts and speed on stderr')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Ask the model even when the answer cache holds this request''s answer (temperature 0), and keep nothing [default: cache.enabled]')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Models every backend offers: Ollama''s, GGUF files in the models directory, and the OpenAI-compatible server''s (cached, so the list works while a server is down)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Details of one model: family, parameters, quantisation, context length, tool support')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a model: a GGUF from the models directory, or an Ollama model')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure prefill and decode speed (tokens/s) of a model on this machine')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Show this machine''s CPU, memory (with measured bandwidth) and GPUs')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Recommend the model, quantisation and context length that fit this machine')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;models;list' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models;show' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Ollama''s address [default: ollama.url / OLLAMA_HOST]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models;pull' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Ollama''s address, for Ollama models [default: ollama.url / OLLAMA_HOST]')
            [CompletionResult]::new('--sha256', '--sha256', [CompletionResultType]::ParameterName, 'The SHA-256 the file must have (hex)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('--use', '--use', [CompletionResultType]::ParameterName, 'Then make it the default model, as `agent models use` does')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models;use' {
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves it [default: a .gguf runs in-process, anything else on Ollama]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Ollama''s address, saved as ollama.url [default: ollama.url / OLLAMA_HOST]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models;rm' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Ollama''s address, for Ollama models [default: ollama.url / OLLAMA_HOST]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models;bench' {
            [CompletionResult]::new('--prompt-tokens', '--prompt-tokens', [CompletionResultType]::ParameterName, 'Prompt length to prefill, in tokens (approximately)')
            [CompletionResult]::new('--decode-tokens', '--decode-tokens', [CompletionResultType]::ParameterName, 'Tokens to generate')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves the model [default: model.backend]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature; 0 is greedy')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'At most this many tokens in the answer')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context window in tokens [default: model.context_length]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible sampling')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models;probe' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--no-bandwidth', '--no-bandwidth', [CompletionResultType]::ParameterName, 'Skip the ~0.1 s memory bandwidth measurement')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models;recommend' {
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Plan for this context window, in tokens [default: model.context_length]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--any-family', '--any-family', [CompletionResultType]::ParameterName, 'Consider general models too, not only code models')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;models;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Models every backend offers: Ollama''s, GGUF files in the models directory, and the OpenAI-compatible server''s (cached, so the list works while a server is down)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Details of one model: family, parameters, quantisation, context length, tool support')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a model: a GGUF from the models directory, or an Ollama model')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure prefill and decode speed (tokens/s) of a model on this machine')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Show this machine''s CPU, memory (with measured bandwidth) and GPUs')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Recommend the model, quantisation and context length that fit this machine')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;models;help;list' {
            break
        }
        'agent;models;help;show' {
            break
        }
        'agent;models;help;pull' {
            break
        }
        'agent;models;help;use' {
            break
        }
        'agent;models;help;rm' {
            break
        }
        'agent;models;help;bench' {
            break
        }
        'agent;models;help;probe' {
            break
        }
        'agent;models;help;recommend' {
            break
        }
        'agent;models;help;help' {
            break
        }
        'agent;task' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a task: a model edits a worktree on a new branch, the project''s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tasks, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one task: status, branch, changes, tokens, verification')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a task''s events')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Ask a running task to stop (it ends cancelled)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Run a task again with the same request and settings')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Bring a task''s commit onto the current branch of its repository')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Remove a task''s worktree and branch')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;task;run' {
            [CompletionResult]::new('--issue', '--issue', [CompletionResultType]::ParameterName, 'Take the task from a GitHub issue (owner/repo#123 or its URL); with --pr, the PR says `Fixes #123`')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository to work on [default: the current directory]')
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'The revision the task branch starts from')
            [CompletionResult]::new('--strategy', '--strategy', [CompletionResultType]::ParameterName, 'How to run the task: auto (by the task''s complexity), single, iterative, multi [default: task.strategy]')
            [CompletionResult]::new('--max-iterations', '--max-iterations', [CompletionResultType]::ParameterName, 'Most edit → check → fix rounds of the iterative strategy [default: task.max_iterations]')
            [CompletionResult]::new('--max-review-rounds', '--max-review-rounds', [CompletionResultType]::ParameterName, 'Most reviewer change requests the multi strategy follows [default: task.max_review_rounds]')
            [CompletionResult]::new('--planner-model', '--planner-model', [CompletionResultType]::ParameterName, 'The planner''s model [default: roles.planner.model, else --model]')
            [CompletionResult]::new('--coder-model', '--coder-model', [CompletionResultType]::ParameterName, 'The coder''s model [default: roles.coder.model, else --model]')
            [CompletionResult]::new('--reviewer-model', '--reviewer-model', [CompletionResultType]::ParameterName, 'The reviewer''s model [default: roles.reviewer.model, else --model]')
            [CompletionResult]::new('--tester-model', '--tester-model', [CompletionResultType]::ParameterName, 'The tester''s model [default: roles.tester.model, else --model]')
            [CompletionResult]::new('--approval', '--approval', [CompletionResultType]::ParameterName, 'When to ask before acting [default: task.approval]: `auto` never asks; `on-command` asks before `run`; `on-write` before edits, writes and `run`; `always` before every call. Without a terminal, what would be asked is refused and the model is told. Commands run in the sandbox whatever the policy')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'The command that checks the work [default: task.verify, else detected]')
            [CompletionResult]::new('--max-turns', '--max-turns', [CompletionResultType]::ParameterName, 'Most model turns [default: task.max_turns]')
            [CompletionResult]::new('--max-tool-calls', '--max-tool-calls', [CompletionResultType]::ParameterName, 'Most tool calls')
            [CompletionResult]::new('--max-tokens-total', '--max-tokens-total', [CompletionResultType]::ParameterName, 'Most tokens (prompt + completion) over the whole task')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Most wall time in seconds, verification included')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Run the task on a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server''s token file). Same output and exit codes; the server''s backend runs the models')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves the model [default: model.backend]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature; 0 is greedy')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'At most this many tokens in the answer')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context window in tokens [default: model.context_length]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible sampling')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--pr', '--pr', [CompletionResultType]::ParameterName, 'When the task succeeds, push its branch and open a pull request')
            [CompletionResult]::new('--draft', '--draft', [CompletionResultType]::ParameterName, 'With --pr: open the pull request as a draft')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Ask the model even when the answer cache holds this request''s answer (temperature 0), and keep nothing [default: cache.enabled]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print every event as a JSON line on stdout instead of the summary')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;task;list' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only tasks with this status')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'Only tasks on the repository containing DIR')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;task;show' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;task;logs' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new events until the task ends')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new events until the task ends')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the events as JSON lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;task;cancel' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;task;retry' {
            [CompletionResult]::new('--strategy', '--strategy', [CompletionResultType]::ParameterName, 'How to run the task: auto (by the task''s complexity), single, iterative, multi [default: task.strategy]')
            [CompletionResult]::new('--max-iterations', '--max-iterations', [CompletionResultType]::ParameterName, 'Most edit → check → fix rounds of the iterative strategy [default: task.max_iterations]')
            [CompletionResult]::new('--max-review-rounds', '--max-review-rounds', [CompletionResultType]::ParameterName, 'Most reviewer change requests the multi strategy follows [default: task.max_review_rounds]')
            [CompletionResult]::new('--planner-model', '--planner-model', [CompletionResultType]::ParameterName, 'The planner''s model [default: roles.planner.model, else --model]')
            [CompletionResult]::new('--coder-model', '--coder-model', [CompletionResultType]::ParameterName, 'The coder''s model [default: roles.coder.model, else --model]')
            [CompletionResult]::new('--reviewer-model', '--reviewer-model', [CompletionResultType]::ParameterName, 'The reviewer''s model [default: roles.reviewer.model, else --model]')
            [CompletionResult]::new('--tester-model', '--tester-model', [CompletionResultType]::ParameterName, 'The tester''s model [default: roles.tester.model, else --model]')
            [CompletionResult]::new('--approval', '--approval', [CompletionResultType]::ParameterName, 'When to ask before acting [default: task.approval]: `auto` never asks; `on-command` asks before `run`; `on-write` before edits, writes and `run`; `always` before every call. Without a terminal, what would be asked is refused and the model is told. Commands run in the sandbox whatever the policy')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'The command that checks the work [default: task.verify, else detected]')
            [CompletionResult]::new('--max-turns', '--max-turns', [CompletionResultType]::ParameterName, 'Most model turns [default: task.max_turns]')
            [CompletionResult]::new('--max-tool-calls', '--max-tool-calls', [CompletionResultType]::ParameterName, 'Most tool calls')
            [CompletionResult]::new('--max-tokens-total', '--max-tokens-total', [CompletionResultType]::ParameterName, 'Most tokens (prompt + completion) over the whole task')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Most wall time in seconds, verification included')
            [CompletionResult]::new('--attach', '--attach', [CompletionResultType]::ParameterName, 'Run the task on a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server''s token file). Same output and exit codes; the server''s backend runs the models')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves the model [default: model.backend]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature; 0 is greedy')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'At most this many tokens in the answer')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context window in tokens [default: model.context_length]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible sampling')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Ask the model even when the answer cache holds this request''s answer (temperature 0), and keep nothing [default: cache.enabled]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print every event as a JSON line on stdout instead of the summary')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;task;apply' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Apply a task that did not succeed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;task;discard' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;task;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a task: a model edits a worktree on a new branch, the project''s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tasks, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one task: status, branch, changes, tokens, verification')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a task''s events')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Ask a running task to stop (it ends cancelled)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Run a task again with the same request and settings')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Bring a task''s commit onto the current branch of its repository')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Remove a task''s worktree and branch')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;task;help;run' {
            break
        }
        'agent;task;help;list' {
            break
        }
        'agent;task;help;show' {
            break
        }
        'agent;task;help;logs' {
            break
        }
        'agent;task;help;cancel' {
            break
        }
        'agent;task;help;retry' {
            break
        }
        'agent;task;help;apply' {
            break
        }
        'agent;task;help;discard' {
            break
        }
        'agent;task;help;help' {
            break
        }
        'agent;map' {
            [CompletionResult]::new('--tokens', '--tokens', [CompletionResultType]::ParameterName, 'The map''s budget in tokens (estimated as characters / 4) [default: map.tokens]')
            [CompletionResult]::new('--focus', '--focus', [CompletionResultType]::ParameterName, 'Rank towards the files and names this text mentions (a task description)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the map and what indexing did as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;undo' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository [default: the one containing the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;trust' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--revoke', '--revoke', [CompletionResultType]::ParameterName, 'Forget the repository: its file sets only harmless keys again')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the trusted repositories and whether their file changed since')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;serve' {
            [CompletionResult]::new('--addr', '--addr', [CompletionResultType]::ParameterName, 'Where to listen, HOST:PORT (port 0 picks a free one) [default: serve.addr]')
            [CompletionResult]::new('--token-file', '--token-file', [CompletionResultType]::ParameterName, 'The bearer token''s file; required off loopback [default: serve-token in the data directory, made on first start]')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves the model [default: model.backend]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature; 0 is greedy')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'At most this many tokens in the answer')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context window in tokens [default: model.context_length]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible sampling')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Print what a client needs (URL, token file, a dashboard link) and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Push a succeeded task''s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pull requests, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One pull request: title, state, branches, body')
            [CompletionResult]::new('checkout', 'checkout', [CompletionResultType]::ParameterValue, 'Fetch a pull request''s branch and check it out')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge a pull request (a merge commit unless --squash or --rebase)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a pull request without merging it')
            [CompletionResult]::new('comment', 'comment', [CompletionResultType]::ParameterValue, 'Comment on a pull request (or an issue)')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;pr;create' {
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub [default: the one the remote points at]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote that names the repository and receives pushes')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The local checkout [default: the current directory]')
            [CompletionResult]::new('--base', '--base', [CompletionResultType]::ParameterName, 'The branch to merge into [default: the repository''s default branch]')
            [CompletionResult]::new('--title', '--title', [CompletionResultType]::ParameterName, 'The title [default: the task''s title]')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Add a label (repeatable)')
            [CompletionResult]::new('--reviewer', '--reviewer', [CompletionResultType]::ParameterName, 'Ask someone to review (a login; repeatable)')
            [CompletionResult]::new('--fixes', '--fixes', [CompletionResultType]::ParameterName, 'Say that it fixes this issue number (`Fixes #N` in the body)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--draft', '--draft', [CompletionResultType]::ParameterName, 'Open it as a draft')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Push with --force-with-lease (when the branch on the remote was changed)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the result as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr;list' {
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub [default: the one the remote points at]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote that names the repository and receives pushes')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The local checkout [default: the current directory]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'open, closed or all')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr;show' {
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub [default: the one the remote points at]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote that names the repository and receives pushes')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The local checkout [default: the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr;checkout' {
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub [default: the one the remote points at]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote that names the repository and receives pushes')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The local checkout [default: the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr;merge' {
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub [default: the one the remote points at]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote that names the repository and receives pushes')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The local checkout [default: the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--squash', '--squash', [CompletionResultType]::ParameterName, 'Squash its commits into one')
            [CompletionResult]::new('--rebase', '--rebase', [CompletionResultType]::ParameterName, 'Rebase its commits onto the base branch')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr;close' {
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub [default: the one the remote points at]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote that names the repository and receives pushes')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The local checkout [default: the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr;comment' {
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub [default: the one the remote points at]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote that names the repository and receives pushes')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The local checkout [default: the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr;review' {
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub [default: the one the remote points at]')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote that names the repository and receives pushes')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The local checkout [default: the current directory]')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves the model [default: model.backend]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature; 0 is greedy')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'At most this many tokens in the answer')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context window in tokens [default: model.context_length]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible sampling')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the review without posting it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the review (and the posted review''s id and URL) as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;pr;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Push a succeeded task''s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pull requests, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One pull request: title, state, branches, body')
            [CompletionResult]::new('checkout', 'checkout', [CompletionResultType]::ParameterValue, 'Fetch a pull request''s branch and check it out')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge a pull request (a merge commit unless --squash or --rebase)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a pull request without merging it')
            [CompletionResult]::new('comment', 'comment', [CompletionResultType]::ParameterValue, 'Comment on a pull request (or an issue)')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;pr;help;create' {
            break
        }
        'agent;pr;help;list' {
            break
        }
        'agent;pr;help;show' {
            break
        }
        'agent;pr;help;checkout' {
            break
        }
        'agent;pr;help;merge' {
            break
        }
        'agent;pr;help;close' {
            break
        }
        'agent;pr;help;comment' {
            break
        }
        'agent;pr;help;review' {
            break
        }
        'agent;pr;help;help' {
            break
        }
        'agent;auth' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('github', 'github', [CompletionResultType]::ParameterValue, 'Store a GitHub token (checked against the API first) for `github.api_url`''s host')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where the GitHub token in use comes from (exit 3 when there is none)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the GitHub token agent stored')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;auth;github' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--with-token', '--with-token', [CompletionResultType]::ParameterName, 'Read the token from stdin instead of asking for it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;auth;status' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;auth;logout' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;auth;help' {
            [CompletionResult]::new('github', 'github', [CompletionResultType]::ParameterValue, 'Store a GitHub token (checked against the API first) for `github.api_url`''s host')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where the GitHub token in use comes from (exit 3 when there is none)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the GitHub token agent stored')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;auth;help;github' {
            break
        }
        'agent;auth;help;status' {
            break
        }
        'agent;auth;help;logout' {
            break
        }
        'agent;auth;help;help' {
            break
        }
        'agent;hook' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install hooks into the repository (again: only agent''s script is rewritten)')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove agent''s hooks (all of them without HOOK) and put back the hooks they chained')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show where the hooks are and which of them are agent''s')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a hook''s work now (what the installed scripts call; git passes ARGS)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;hook;install' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'commit-msg only: draft writes a message only when yours is empty; rewrite improves every message (yours stays when the model fails) [default: draft]')
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'A directory in the repository [default: the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;hook;uninstall' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'A directory in the repository [default: the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;hook;status' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'A directory in the repository [default: the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;hook;run' {
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'commit-msg''s mode')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;hook;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install hooks into the repository (again: only agent''s script is rewritten)')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove agent''s hooks (all of them without HOOK) and put back the hooks they chained')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show where the hooks are and which of them are agent''s')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a hook''s work now (what the installed scripts call; git passes ARGS)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;hook;help;install' {
            break
        }
        'agent;hook;help;uninstall' {
            break
        }
        'agent;hook;help;status' {
            break
        }
        'agent;hook;help;run' {
            break
        }
        'agent;hook;help;help' {
            break
        }
        'agent;ci' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;ci;watch' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository on GitHub, OWNER/NAME [default: the one the checkout''s remote points at]')
            [CompletionResult]::new('--github-repo', '--github-repo', [CompletionResultType]::ParameterName, 'The repository on GitHub, OWNER/NAME [default: the one the checkout''s remote points at]')
            [CompletionResult]::new('--branch', '--branch', [CompletionResultType]::ParameterName, 'Only runs on this branch [default: every branch]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Seconds between polls (longer while the rate limit is nearly spent)')
            [CompletionResult]::new('--remote', '--remote', [CompletionResultType]::ParameterName, 'The git remote of the repository in this checkout: fetched from and pushed to')
            [CompletionResult]::new('--max-iterations', '--max-iterations', [CompletionResultType]::ParameterName, 'Most edit → check → fix rounds of a fix task [default: task.max_iterations]')
            [CompletionResult]::new('--approval', '--approval', [CompletionResultType]::ParameterName, 'When a fix task asks before acting [default: task.approval]; nobody answers, so what would be asked is refused')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'The command that checks a fix [default: task.verify, else detected]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Most wall time of a fix task in seconds, verification included')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Which backend serves the model [default: model.backend]')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature; 0 is greedy')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'At most this many tokens in the answer')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context window in tokens [default: model.context_length]')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible sampling')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Poll once, handle what failed, and exit (1 when a fix did not reach a PR)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;ci;status' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show at most this many runs and attempts')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Show at most this many runs and attempts')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;ci;help' {
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;ci;help;watch' {
            break
        }
        'agent;ci;help;status' {
            break
        }
        'agent;ci;help;help' {
            break
        }
        'agent;mcp' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every configured server: where it comes from, whether it starts, its tools')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Start one server (even a disabled one), initialize it, list its tools, with timings')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;mcp;list' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;mcp;test' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;mcp;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every configured server: where it comes from, whether it starts, its tools')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Start one server (even a disabled one), initialize it, list its tools, with timings')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;mcp;help;list' {
            break
        }
        'agent;mcp;help;test' {
            break
        }
        'agent;mcp;help;help' {
            break
        }
        'agent;fetch' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the body as it came (any type, bytes unchanged), without extraction or browser')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object: url, final_url, title, markdown, from_cache, rendered, note')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;browse' {
            [CompletionResult]::new('--screenshot', '--screenshot', [CompletionResultType]::ParameterName, 'Save a PNG of the page (instead of printing its text)')
            [CompletionResult]::new('--pdf', '--pdf', [CompletionResultType]::ParameterName, 'Save the page printed as a PDF (instead of printing its text)')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'A step before reading the page, in order (repeatable): `fill SELECTOR=TEXT`, `click SELECTOR` or `wait SELECTOR`')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object: url, title and markdown, or the saved file and its size, and the page''s failed requests')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;ab' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Start a test between two variants, each a list of KEY=VALUE settings')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tests with their variants'' numbers')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Success rate, tokens and time per variant, and whether the difference is significant')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop a test and keep a winner (default: the variant with the better numbers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;ab;create' {
            [CompletionResult]::new('--a', '--a', [CompletionResultType]::ParameterName, 'A setting of variant a (repeat for more)')
            [CompletionResult]::new('--b', '--b', [CompletionResultType]::ParameterName, 'A setting of variant b (repeat for more)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the test as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;ab;list' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print them as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;ab;status' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the numbers as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;ab;stop' {
            [CompletionResult]::new('--winner', '--winner', [CompletionResultType]::ParameterName, 'The variant to keep')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the final numbers as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;ab;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Start a test between two variants, each a list of KEY=VALUE settings')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tests with their variants'' numbers')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Success rate, tokens and time per variant, and whether the difference is significant')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop a test and keep a winner (default: the variant with the better numbers)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;ab;help;create' {
            break
        }
        'agent;ab;help;list' {
            break
        }
        'agent;ab;help;status' {
            break
        }
        'agent;ab;help;stop' {
            break
        }
        'agent;ab;help;help' {
            break
        }
        'agent;budget' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;classify' {
            [CompletionResult]::new('--repo', '--repo', [CompletionResultType]::ParameterName, 'The repository in which named files are looked up [default: the one containing the current directory]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the verdict as JSON')
            [CompletionResult]::new('--heuristic', '--heuristic', [CompletionResultType]::ParameterName, 'Use the cue-word heuristic instead of the trained classifier')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'List the trained versions, their held-out scores and which one is current')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a version current: its number (from `versions`) or `builtin`, the shipped model')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix')
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;classify;versions' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print them as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;classify;use' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;classify;eval' {
            [CompletionResult]::new('--classifier', '--classifier', [CompletionResultType]::ParameterName, 'Which classifier: a version number, `builtin`, `heuristic` or a model FILE.json (from `train --data`) [default: the current one]')
            [CompletionResult]::new('--predictions', '--predictions', [CompletionResultType]::ParameterName, 'Also write each text''s verdict to this JSONL file (line by line as in FILE: the label, the predicted class, the probabilities and whether "unsure → medium" decided)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the scores as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;classify;train' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only tasks finished since then (2026-11-01, an RFC 3339 time, or an age: 30d)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Fit on this labelled JSONL file instead of your tasks')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Where --data writes the model (JSON)')
            [CompletionResult]::new('--test', '--test', [CompletionResultType]::ParameterName, 'A labelled JSONL file to score the --data model on')
            [CompletionResult]::new('--folds', '--folds', [CompletionResultType]::ParameterName, 'Cross-validation folds for --data (0: none)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;classify;help' {
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'List the trained versions, their held-out scores and which one is current')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a version current: its number (from `versions`) or `builtin`, the shipped model')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix')
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;classify;help;versions' {
            break
        }
        'agent;classify;help;use' {
            break
        }
        'agent;classify;help;eval' {
            break
        }
        'agent;classify;help;train' {
            break
        }
        'agent;classify;help;help' {
            break
        }
        'agent;doctor' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the checks as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;completions' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;man' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour output [default: from ui.color, which defaults to auto]')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agent;help' {
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show and change configuration')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Browse, search, export and import past conversations')
            [CompletionResult]::new('chat', 'chat', [CompletionResultType]::ParameterValue, 'Chat with a model that works on this repository (the default on a terminal)')
            [CompletionResult]::new('ask', 'ask', [CompletionResultType]::ParameterValue, 'Ask a model one question and stream the answer to stdout (no tools)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List, fetch and choose models; probe this machine')
            [CompletionResult]::new('task', 'task', [CompletionResultType]::ParameterValue, 'Run a coding task on a repository and manage past tasks')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Print the repo map: the most used definitions of a repository, ranked, within a budget')
            [CompletionResult]::new('undo', 'undo', [CompletionResultType]::ParameterValue, 'Revert the task applied last in this repository (`agent task apply`)')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Trust this repository''s .agent/config.toml, so that all of its keys apply')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve the HTTP API, event streams and the web dashboard')
            [CompletionResult]::new('pr', 'pr', [CompletionResultType]::ParameterValue, 'Pull requests: open one from a task''s branch, list, show, check out, merge, close, comment, review with a model')
            [CompletionResult]::new('auth', 'auth', [CompletionResultType]::ParameterValue, 'GitHub sign-in: store a token, see where the token in use comes from, remove it')
            [CompletionResult]::new('hook', 'hook', [CompletionResultType]::ParameterValue, 'Install, remove and list agent''s git hooks: a review before each commit, commit messages, the project''s check before each push')
            [CompletionResult]::new('ci', 'ci', [CompletionResultType]::ParameterValue, 'Watch GitHub Actions and fix failing runs; show what the monitor did')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'List and try the MCP servers of [mcp_servers.NAME] in the configuration')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Fetch a web page and print its main text as Markdown')
            [CompletionResult]::new('browse', 'browse', [CompletionResultType]::ParameterValue, 'Open a web page in headless Chromium: its text, a screenshot or a PDF')
            [CompletionResult]::new('ab', 'ab', [CompletionResultType]::ParameterValue, 'A/B tests: run tasks with two variants of settings (model, strategy, prompt) and compare')
            [CompletionResult]::new('budget', 'budget', [CompletionResultType]::ParameterValue, 'Show today''s and this month''s model usage and what is left of each budget')
            [CompletionResult]::new('classify', 'classify', [CompletionResultType]::ParameterValue, 'Estimate how much work a task is (simple, medium, complex) and why; evaluate and retrain the classifier that `--strategy auto` uses')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check that agent can run here: data directory, database, configuration, git, model backend')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agent;help;config' {
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print where configuration and data live')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the resolved configuration')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print one resolved value')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key in the user configuration file (or the repository''s, with --repo)')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a key from the user configuration file (or the repository''s, with --repo)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Open the configuration file in $VISUAL or $EDITOR, then check it')
            break
        }
        'agent;help;config;path' {
            break
        }
        'agent;help;config;show' {
            break
        }
        'agent;help;config;get' {
            break
        }
        'agent;help;config;set' {
            break
        }
        'agent;help;config;unset' {
            break
        }
        'agent;help;config;edit' {
            break
        }
        'agent;help;history' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List conversations, most recently updated first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one conversation with all its messages')
            [CompletionResult]::new('search', 'search', [CompletionResultType]::ParameterValue, 'Search message text; exact phrase matches come first')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export conversations as JSONL (for import) or Markdown')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import conversations from a JSONL file (- for stdin), or with --from another agent''s history; what is already present is skipped')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a conversation and its messages')
            break
        }
        'agent;help;history;list' {
            break
        }
        'agent;help;history;show' {
            break
        }
        'agent;help;history;search' {
            break
        }
        'agent;help;history;export' {
            break
        }
        'agent;help;history;import' {
            break
        }
        'agent;help;history;rm' {
            break
        }
        'agent;help;chat' {
            break
        }
        'agent;help;ask' {
            break
        }
        'agent;help;models' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Models every backend offers: Ollama''s, GGUF files in the models directory, and the OpenAI-compatible server''s (cached, so the list works while a server is down)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Details of one model: family, parameters, quantisation, context length, tool support')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete a model: a GGUF from the models directory, or an Ollama model')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure prefill and decode speed (tokens/s) of a model on this machine')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Show this machine''s CPU, memory (with measured bandwidth) and GPUs')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Recommend the model, quantisation and context length that fit this machine')
            break
        }
        'agent;help;models;list' {
            break
        }
        'agent;help;models;show' {
            break
        }
        'agent;help;models;pull' {
            break
        }
        'agent;help;models;use' {
            break
        }
        'agent;help;models;rm' {
            break
        }
        'agent;help;models;bench' {
            break
        }
        'agent;help;models;probe' {
            break
        }
        'agent;help;models;recommend' {
            break
        }
        'agent;help;task' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a task: a model edits a worktree on a new branch, the project''s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List tasks, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one task: status, branch, changes, tokens, verification')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a task''s events')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Ask a running task to stop (it ends cancelled)')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Run a task again with the same request and settings')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Bring a task''s commit onto the current branch of its repository')
            [CompletionResult]::new('discard', 'discard', [CompletionResultType]::ParameterValue, 'Remove a task''s worktree and branch')
            break
        }
        'agent;help;task;run' {
            break
        }
        'agent;help;task;list' {
            break
        }
        'agent;help;task;show' {
            break
        }
        'agent;help;task;logs' {
            break
        }
        'agent;help;task;cancel' {
            break
        }
        'agent;help;task;retry' {
            break
        }
        'agent;help;task;apply' {
            break
        }
        'agent;help;task;discard' {
            break
        }
        'agent;help;map' {
            break
        }
        'agent;help;undo' {
            break
        }
        'agent;help;trust' {
            break
        }
        'agent;help;serve' {
            break
        }
        'agent;help;pr' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Push a succeeded task''s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pull requests, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One pull request: title, state, branches, body')
            [CompletionResult]::new('checkout', 'checkout', [CompletionResultType]::ParameterValue, 'Fetch a pull request''s branch and check it out')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge a pull request (a merge commit unless --squash or --rebase)')
            [CompletionResult]::new('close', 'close', [CompletionResultType]::ParameterValue, 'Close a pull request without merging it')
            [CompletionResult]::new('comment', 'comment', [CompletionResultType]::ParameterValue, 'Comment on a pull request (or an issue)')
            [CompletionResult]::new('review', 'review', [CompletionResultType]::ParameterValue, 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)')
            break
        }
        'agent;help;pr;create' {
            break
        }
        'agent;help;pr;list' {
            break
        }
        'agent;help;pr;show' {
            break
        }
        'agent;help;pr;checkout' {
            break
        }
        'agent;help;pr;merge' {
            break
        }
        'agent;help;pr;close' {
            break
        }
        'agent;help;pr;comment' {
            break
        }
        'agent;help;pr;review' {
            break
        }
        'agent;help;auth' {
            [CompletionResult]::new('github', 'github', [CompletionResultType]::ParameterValue, 'Store a GitHub token (checked against the API first) for `github.api_url`''s host')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Where the GitHub token in use comes from (exit 3 when there is none)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the GitHub token agent stored')
            break
        }
        'agent;help;auth;github' {
            break
        }
        'agent;help;auth;status' {
            break
        }
        'agent;help;auth;logout' {
            break
        }
        'agent;help;hook' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install hooks into the repository (again: only agent''s script is rewritten)')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove agent''s hooks (all of them without HOOK) and put back the hooks they chained')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show where the hooks are and which of them are agent''s')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run a hook''s work now (what the installed scripts call; git passes ARGS)')
            break
        }
        'agent;help;hook;install' {
            break
        }
        'agent;help;hook;uninstall' {
            break
        }
        'agent;help;hook;status' {
            break
        }
        'agent;help;hook;run' {
            break
        }
        'agent;help;ci' {
            [CompletionResult]::new('watch', 'watch', [CompletionResultType]::ParameterValue, 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate')
            break
        }
        'agent;help;ci;watch' {
            break
        }
        'agent;help;ci;status' {
            break
        }
        'agent;help;mcp' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every configured server: where it comes from, whether it starts, its tools')
            [CompletionResult]::new('test', 'test', [CompletionResultType]::ParameterValue, 'Start one server (even a disabled one), initialize it, list its tools, with timings')
            break
        }
        'agent;help;mcp;list' {
            break
        }
        'agent;help;mcp;test' {
            break
        }
        'agent;help;fetch' {
            break
        }
        'agent;help;browse' {
            break
        }
        'agent;help;ab' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Start a test between two variants, each a list of KEY=VALUE settings')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tests with their variants'' numbers')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Success rate, tokens and time per variant, and whether the difference is significant')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop a test and keep a winner (default: the variant with the better numbers)')
            break
        }
        'agent;help;ab;create' {
            break
        }
        'agent;help;ab;list' {
            break
        }
        'agent;help;ab;status' {
            break
        }
        'agent;help;ab;stop' {
            break
        }
        'agent;help;budget' {
            break
        }
        'agent;help;classify' {
            [CompletionResult]::new('versions', 'versions', [CompletionResultType]::ParameterValue, 'List the trained versions, their held-out scores and which one is current')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a version current: its number (from `versions`) or `builtin`, the shipped model')
            [CompletionResult]::new('eval', 'eval', [CompletionResultType]::ParameterValue, 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix')
            [CompletionResult]::new('train', 'train', [CompletionResultType]::ParameterValue, 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out')
            break
        }
        'agent;help;classify;versions' {
            break
        }
        'agent;help;classify;use' {
            break
        }
        'agent;help;classify;eval' {
            break
        }
        'agent;help;classify;train' {
            break
        }
        'agent;help;doctor' {
            break
        }
        'agent;help;completions' {
            break
        }
        'agent;help;man' {
            break
        }
        'agent;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
