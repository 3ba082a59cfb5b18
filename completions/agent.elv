
use builtin;
use str;

set edit:completion:arg-completer[agent] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'agent'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'agent'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand config 'Show and change configuration'
            cand history 'Browse, search, export and import past conversations'
            cand chat 'Chat with a model that works on this repository (the default on a terminal)'
            cand ask 'Ask a model one question and stream the answer to stdout (no tools)'
            cand models 'List, fetch and choose models; probe this machine'
            cand task 'Run a coding task on a repository and manage past tasks'
            cand map 'Print the repo map: the most used definitions of a repository, ranked, within a budget'
            cand undo 'Revert the task applied last in this repository (`agent task apply`)'
            cand trust 'Trust this repository''s .agent/config.toml, so that all of its keys apply'
            cand serve 'Serve the HTTP API, event streams and the web dashboard'
            cand pr 'Pull requests: open one from a task''s branch, list, show, check out, merge, close, comment, review with a model'
            cand auth 'GitHub sign-in: store a token, see where the token in use comes from, remove it'
            cand hook 'Install, remove and list agent''s git hooks: a review before each commit, commit messages, the project''s check before each push'
            cand ci 'Watch GitHub Actions and fix failing runs; show what the monitor did'
            cand mcp 'List and try the MCP servers of [mcp_servers.NAME] in the configuration'
            cand fetch 'Fetch a web page and print its main text as Markdown'
            cand browse 'Open a web page in headless Chromium: its text, a screenshot or a PDF'
            cand ab 'A/B tests: run tasks with two variants of settings (model, strategy, prompt) and compare'
            cand budget 'Show today''s and this month''s model usage and what is left of each budget'
            cand classify 'Estimate how much work a task is (simple, medium, complex) and why; evaluate and retrain the classifier that `--strategy auto` uses'
            cand doctor 'Check that agent can run here: data directory, database, configuration, git, model backend'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;config'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand path 'Print where configuration and data live'
            cand show 'Print the resolved configuration'
            cand get 'Print one resolved value'
            cand set 'Set a key in the user configuration file (or the repository''s, with --repo)'
            cand unset 'Remove a key from the user configuration file (or the repository''s, with --repo)'
            cand edit 'Open the configuration file in $VISUAL or $EDITOR, then check it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;config;path'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print every path as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;config;show'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --origin 'Also show where each value came from (default, file, environment, flag)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;config;get'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;config;set'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --repo 'Write to this repository''s .agent/config.toml instead'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;config;unset'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --repo 'Edit this repository''s .agent/config.toml instead'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;config;edit'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --repo 'Edit this repository''s .agent/config.toml instead'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;config;help'= {
            cand path 'Print where configuration and data live'
            cand show 'Print the resolved configuration'
            cand get 'Print one resolved value'
            cand set 'Set a key in the user configuration file (or the repository''s, with --repo)'
            cand unset 'Remove a key from the user configuration file (or the repository''s, with --repo)'
            cand edit 'Open the configuration file in $VISUAL or $EDITOR, then check it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;config;help;path'= {
        }
        &'agent;config;help;show'= {
        }
        &'agent;config;help;get'= {
        }
        &'agent;config;help;set'= {
        }
        &'agent;config;help;unset'= {
        }
        &'agent;config;help;edit'= {
        }
        &'agent;config;help;help'= {
        }
        &'agent;history'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List conversations, most recently updated first'
            cand show 'Show one conversation with all its messages'
            cand search 'Search message text; exact phrase matches come first'
            cand export 'Export conversations as JSONL (for import) or Markdown'
            cand import 'Import conversations from a JSONL file (- for stdin), or with --from another agent''s history; what is already present is skipped'
            cand rm 'Delete a conversation and its messages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;history;list'= {
            cand -n 'Show at most this many conversations [default: history.page_size]'
            cand --limit 'Show at most this many conversations [default: history.page_size]'
            cand --cursor 'Continue from the cursor printed after the previous page'
            cand --before 'Only conversations updated before this time (2026-11-01, an RFC 3339 time, or an age: 7d)'
            cand --since 'Only conversations updated since this time (2026-11-01, an RFC 3339 time, or an age: 7d)'
            cand --repo 'Only conversations in this repository'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;history;show'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;history;search'= {
            cand -n 'Show at most this many matches'
            cand --limit 'Show at most this many matches'
            cand --repo 'Only conversations in this repository'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;history;export'= {
            cand --format 'Output format'
            cand -o 'Write to this file instead of stdout'
            cand --output 'Write to this file instead of stdout'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --all 'Export every conversation'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;history;import'= {
            cand --from 'Read another agent''s history instead of agent''s own format'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --dry-run 'Say what would be imported, and write nothing'
            cand --skip-bad 'Skip malformed records (and say how many) instead of failing'
            cand --json 'Print the result as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;history;rm'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;history;help'= {
            cand list 'List conversations, most recently updated first'
            cand show 'Show one conversation with all its messages'
            cand search 'Search message text; exact phrase matches come first'
            cand export 'Export conversations as JSONL (for import) or Markdown'
            cand import 'Import conversations from a JSONL file (- for stdin), or with --from another agent''s history; what is already present is skipped'
            cand rm 'Delete a conversation and its messages'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;history;help;list'= {
        }
        &'agent;history;help;show'= {
        }
        &'agent;history;help;search'= {
        }
        &'agent;history;help;export'= {
        }
        &'agent;history;help;import'= {
        }
        &'agent;history;help;rm'= {
        }
        &'agent;history;help;help'= {
        }
        &'agent;chat'= {
            cand --resume 'Resume a conversation by id (or a unique prefix)'
            cand --attach 'Chat through a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server''s token file); its backend runs the model'
            cand --backend 'Which backend serves the model [default: model.backend]'
            cand --base-url 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]'
            cand -m 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --model 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --temperature 'Sampling temperature; 0 is greedy'
            cand --max-tokens 'At most this many tokens in the answer'
            cand --context 'Context window in tokens [default: model.context_length]'
            cand --seed 'Seed for reproducible sampling'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --continue 'Continue the last conversation in this repository'
            cand --no-cache 'Ask the model even when the answer cache holds this request''s answer (temperature 0), and keep nothing [default: cache.enabled]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;ask'= {
            cand --system 'A system prompt to put first'
            cand --backend 'Which backend serves the model [default: model.backend]'
            cand --base-url 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]'
            cand -m 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --model 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --temperature 'Sampling temperature; 0 is greedy'
            cand --max-tokens 'At most this many tokens in the answer'
            cand --context 'Context window in tokens [default: model.context_length]'
            cand --seed 'Seed for reproducible sampling'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the event stream as JSON lines instead of text'
            cand -q 'Do not print token counts and speed on stderr'
            cand --quiet 'Do not print token counts and speed on stderr'
            cand --no-cache 'Ask the model even when the answer cache holds this request''s answer (temperature 0), and keep nothing [default: cache.enabled]'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Models every backend offers: Ollama''s, GGUF files in the models directory, and the OpenAI-compatible server''s (cached, so the list works while a server is down)'
            cand show 'Details of one model: family, parameters, quantisation, context length, tool support'
            cand pull 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama'
            cand use 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server'
            cand rm 'Delete a model: a GGUF from the models directory, or an Ollama model'
            cand bench 'Measure prefill and decode speed (tokens/s) of a model on this machine'
            cand probe 'Show this machine''s CPU, memory (with measured bandwidth) and GPUs'
            cand recommend 'Recommend the model, quantisation and context length that fit this machine'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;models;list'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models;show'= {
            cand --base-url 'Ollama''s address [default: ollama.url / OLLAMA_HOST]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models;pull'= {
            cand --base-url 'Ollama''s address, for Ollama models [default: ollama.url / OLLAMA_HOST]'
            cand --sha256 'The SHA-256 the file must have (hex)'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the result as JSON'
            cand --use 'Then make it the default model, as `agent models use` does'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models;use'= {
            cand --backend 'Which backend serves it [default: a .gguf runs in-process, anything else on Ollama]'
            cand --base-url 'Ollama''s address, saved as ollama.url [default: ollama.url / OLLAMA_HOST]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models;rm'= {
            cand --base-url 'Ollama''s address, for Ollama models [default: ollama.url / OLLAMA_HOST]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models;bench'= {
            cand --prompt-tokens 'Prompt length to prefill, in tokens (approximately)'
            cand --decode-tokens 'Tokens to generate'
            cand --backend 'Which backend serves the model [default: model.backend]'
            cand --base-url 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]'
            cand -m 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --model 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --temperature 'Sampling temperature; 0 is greedy'
            cand --max-tokens 'At most this many tokens in the answer'
            cand --context 'Context window in tokens [default: model.context_length]'
            cand --seed 'Seed for reproducible sampling'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models;probe'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --no-bandwidth 'Skip the ~0.1 s memory bandwidth measurement'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models;recommend'= {
            cand --context 'Plan for this context window, in tokens [default: model.context_length]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --any-family 'Consider general models too, not only code models'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;models;help'= {
            cand list 'Models every backend offers: Ollama''s, GGUF files in the models directory, and the OpenAI-compatible server''s (cached, so the list works while a server is down)'
            cand show 'Details of one model: family, parameters, quantisation, context length, tool support'
            cand pull 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama'
            cand use 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server'
            cand rm 'Delete a model: a GGUF from the models directory, or an Ollama model'
            cand bench 'Measure prefill and decode speed (tokens/s) of a model on this machine'
            cand probe 'Show this machine''s CPU, memory (with measured bandwidth) and GPUs'
            cand recommend 'Recommend the model, quantisation and context length that fit this machine'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;models;help;list'= {
        }
        &'agent;models;help;show'= {
        }
        &'agent;models;help;pull'= {
        }
        &'agent;models;help;use'= {
        }
        &'agent;models;help;rm'= {
        }
        &'agent;models;help;bench'= {
        }
        &'agent;models;help;probe'= {
        }
        &'agent;models;help;recommend'= {
        }
        &'agent;models;help;help'= {
        }
        &'agent;task'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand run 'Run a task: a model edits a worktree on a new branch, the project''s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)'
            cand list 'List tasks, newest first'
            cand show 'Show one task: status, branch, changes, tokens, verification'
            cand logs 'Print a task''s events'
            cand cancel 'Ask a running task to stop (it ends cancelled)'
            cand retry 'Run a task again with the same request and settings'
            cand apply 'Bring a task''s commit onto the current branch of its repository'
            cand discard 'Remove a task''s worktree and branch'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;task;run'= {
            cand --issue 'Take the task from a GitHub issue (owner/repo#123 or its URL); with --pr, the PR says `Fixes #123`'
            cand --repo 'The repository to work on [default: the current directory]'
            cand --base 'The revision the task branch starts from'
            cand --strategy 'How to run the task: auto (by the task''s complexity), single, iterative, multi [default: task.strategy]'
            cand --max-iterations 'Most edit → check → fix rounds of the iterative strategy [default: task.max_iterations]'
            cand --max-review-rounds 'Most reviewer change requests the multi strategy follows [default: task.max_review_rounds]'
            cand --planner-model 'The planner''s model [default: roles.planner.model, else --model]'
            cand --coder-model 'The coder''s model [default: roles.coder.model, else --model]'
            cand --reviewer-model 'The reviewer''s model [default: roles.reviewer.model, else --model]'
            cand --tester-model 'The tester''s model [default: roles.tester.model, else --model]'
            cand --approval 'When to ask before acting [default: task.approval]: `auto` never asks; `on-command` asks before `run`; `on-write` before edits, writes and `run`; `always` before every call. Without a terminal, what would be asked is refused and the model is told. Commands run in the sandbox whatever the policy'
            cand --verify 'The command that checks the work [default: task.verify, else detected]'
            cand --max-turns 'Most model turns [default: task.max_turns]'
            cand --max-tool-calls 'Most tool calls'
            cand --max-tokens-total 'Most tokens (prompt + completion) over the whole task'
            cand --timeout 'Most wall time in seconds, verification included'
            cand --attach 'Run the task on a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server''s token file). Same output and exit codes; the server''s backend runs the models'
            cand --backend 'Which backend serves the model [default: model.backend]'
            cand --base-url 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]'
            cand -m 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --model 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --temperature 'Sampling temperature; 0 is greedy'
            cand --max-tokens 'At most this many tokens in the answer'
            cand --context 'Context window in tokens [default: model.context_length]'
            cand --seed 'Seed for reproducible sampling'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --pr 'When the task succeeds, push its branch and open a pull request'
            cand --draft 'With --pr: open the pull request as a draft'
            cand --no-cache 'Ask the model even when the answer cache holds this request''s answer (temperature 0), and keep nothing [default: cache.enabled]'
            cand --json 'Print every event as a JSON line on stdout instead of the summary'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;task;list'= {
            cand --status 'Only tasks with this status'
            cand --repo 'Only tasks on the repository containing DIR'
            cand -n 'At most this many'
            cand --limit 'At most this many'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;task;show'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;task;logs'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -f 'Keep printing new events until the task ends'
            cand --follow 'Keep printing new events until the task ends'
            cand --json 'Print the events as JSON lines'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;task;cancel'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;task;retry'= {
            cand --strategy 'How to run the task: auto (by the task''s complexity), single, iterative, multi [default: task.strategy]'
            cand --max-iterations 'Most edit → check → fix rounds of the iterative strategy [default: task.max_iterations]'
            cand --max-review-rounds 'Most reviewer change requests the multi strategy follows [default: task.max_review_rounds]'
            cand --planner-model 'The planner''s model [default: roles.planner.model, else --model]'
            cand --coder-model 'The coder''s model [default: roles.coder.model, else --model]'
            cand --reviewer-model 'The reviewer''s model [default: roles.reviewer.model, else --model]'
            cand --tester-model 'The tester''s model [default: roles.tester.model, else --model]'
            cand --approval 'When to ask before acting [default: task.approval]: `auto` never asks; `on-command` asks before `run`; `on-write` before edits, writes and `run`; `always` before every call. Without a terminal, what would be asked is refused and the model is told. Commands run in the sandbox whatever the policy'
            cand --verify 'The command that checks the work [default: task.verify, else detected]'
            cand --max-turns 'Most model turns [default: task.max_turns]'
            cand --max-tool-calls 'Most tool calls'
            cand --max-tokens-total 'Most tokens (prompt + completion) over the whole task'
            cand --timeout 'Most wall time in seconds, verification included'
            cand --attach 'Run the task on a running `agent serve`: the one this machine announces, or the one at URL (token: AGENT_SERVE_TOKEN, else the server''s token file). Same output and exit codes; the server''s backend runs the models'
            cand --backend 'Which backend serves the model [default: model.backend]'
            cand --base-url 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]'
            cand -m 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --model 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --temperature 'Sampling temperature; 0 is greedy'
            cand --max-tokens 'At most this many tokens in the answer'
            cand --context 'Context window in tokens [default: model.context_length]'
            cand --seed 'Seed for reproducible sampling'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --no-cache 'Ask the model even when the answer cache holds this request''s answer (temperature 0), and keep nothing [default: cache.enabled]'
            cand --json 'Print every event as a JSON line on stdout instead of the summary'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;task;apply'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --force 'Apply a task that did not succeed'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;task;discard'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;task;help'= {
            cand run 'Run a task: a model edits a worktree on a new branch, the project''s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)'
            cand list 'List tasks, newest first'
            cand show 'Show one task: status, branch, changes, tokens, verification'
            cand logs 'Print a task''s events'
            cand cancel 'Ask a running task to stop (it ends cancelled)'
            cand retry 'Run a task again with the same request and settings'
            cand apply 'Bring a task''s commit onto the current branch of its repository'
            cand discard 'Remove a task''s worktree and branch'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;task;help;run'= {
        }
        &'agent;task;help;list'= {
        }
        &'agent;task;help;show'= {
        }
        &'agent;task;help;logs'= {
        }
        &'agent;task;help;cancel'= {
        }
        &'agent;task;help;retry'= {
        }
        &'agent;task;help;apply'= {
        }
        &'agent;task;help;discard'= {
        }
        &'agent;task;help;help'= {
        }
        &'agent;map'= {
            cand --tokens 'The map''s budget in tokens (estimated as characters / 4) [default: map.tokens]'
            cand --focus 'Rank towards the files and names this text mentions (a task description)'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the map and what indexing did as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;undo'= {
            cand --repo 'The repository [default: the one containing the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;trust'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --revoke 'Forget the repository: its file sets only harmless keys again'
            cand --list 'List the trusted repositories and whether their file changed since'
            cand --json 'Print as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;serve'= {
            cand --addr 'Where to listen, HOST:PORT (port 0 picks a free one) [default: serve.addr]'
            cand --token-file 'The bearer token''s file; required off loopback [default: serve-token in the data directory, made on first start]'
            cand --backend 'Which backend serves the model [default: model.backend]'
            cand --base-url 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]'
            cand -m 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --model 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --temperature 'Sampling temperature; 0 is greedy'
            cand --max-tokens 'At most this many tokens in the answer'
            cand --context 'Context window in tokens [default: model.context_length]'
            cand --seed 'Seed for reproducible sampling'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --check 'Print what a client needs (URL, token file, a dashboard link) and exit'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Push a succeeded task''s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)'
            cand list 'List pull requests, newest first'
            cand show 'One pull request: title, state, branches, body'
            cand checkout 'Fetch a pull request''s branch and check it out'
            cand merge 'Merge a pull request (a merge commit unless --squash or --rebase)'
            cand close 'Close a pull request without merging it'
            cand comment 'Comment on a pull request (or an issue)'
            cand review 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;pr;create'= {
            cand --github-repo 'The repository on GitHub [default: the one the remote points at]'
            cand --remote 'The git remote that names the repository and receives pushes'
            cand --repo 'The local checkout [default: the current directory]'
            cand --base 'The branch to merge into [default: the repository''s default branch]'
            cand --title 'The title [default: the task''s title]'
            cand --label 'Add a label (repeatable)'
            cand --reviewer 'Ask someone to review (a login; repeatable)'
            cand --fixes 'Say that it fixes this issue number (`Fixes #N` in the body)'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --draft 'Open it as a draft'
            cand --force 'Push with --force-with-lease (when the branch on the remote was changed)'
            cand --json 'Print the result as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr;list'= {
            cand --github-repo 'The repository on GitHub [default: the one the remote points at]'
            cand --remote 'The git remote that names the repository and receives pushes'
            cand --repo 'The local checkout [default: the current directory]'
            cand --state 'open, closed or all'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr;show'= {
            cand --github-repo 'The repository on GitHub [default: the one the remote points at]'
            cand --remote 'The git remote that names the repository and receives pushes'
            cand --repo 'The local checkout [default: the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr;checkout'= {
            cand --github-repo 'The repository on GitHub [default: the one the remote points at]'
            cand --remote 'The git remote that names the repository and receives pushes'
            cand --repo 'The local checkout [default: the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr;merge'= {
            cand --github-repo 'The repository on GitHub [default: the one the remote points at]'
            cand --remote 'The git remote that names the repository and receives pushes'
            cand --repo 'The local checkout [default: the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --squash 'Squash its commits into one'
            cand --rebase 'Rebase its commits onto the base branch'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr;close'= {
            cand --github-repo 'The repository on GitHub [default: the one the remote points at]'
            cand --remote 'The git remote that names the repository and receives pushes'
            cand --repo 'The local checkout [default: the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr;comment'= {
            cand --github-repo 'The repository on GitHub [default: the one the remote points at]'
            cand --remote 'The git remote that names the repository and receives pushes'
            cand --repo 'The local checkout [default: the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr;review'= {
            cand --github-repo 'The repository on GitHub [default: the one the remote points at]'
            cand --remote 'The git remote that names the repository and receives pushes'
            cand --repo 'The local checkout [default: the current directory]'
            cand --backend 'Which backend serves the model [default: model.backend]'
            cand --base-url 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]'
            cand -m 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --model 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --temperature 'Sampling temperature; 0 is greedy'
            cand --max-tokens 'At most this many tokens in the answer'
            cand --context 'Context window in tokens [default: model.context_length]'
            cand --seed 'Seed for reproducible sampling'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --dry-run 'Print the review without posting it'
            cand --json 'Print the review (and the posted review''s id and URL) as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;pr;help'= {
            cand create 'Push a succeeded task''s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)'
            cand list 'List pull requests, newest first'
            cand show 'One pull request: title, state, branches, body'
            cand checkout 'Fetch a pull request''s branch and check it out'
            cand merge 'Merge a pull request (a merge commit unless --squash or --rebase)'
            cand close 'Close a pull request without merging it'
            cand comment 'Comment on a pull request (or an issue)'
            cand review 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;pr;help;create'= {
        }
        &'agent;pr;help;list'= {
        }
        &'agent;pr;help;show'= {
        }
        &'agent;pr;help;checkout'= {
        }
        &'agent;pr;help;merge'= {
        }
        &'agent;pr;help;close'= {
        }
        &'agent;pr;help;comment'= {
        }
        &'agent;pr;help;review'= {
        }
        &'agent;pr;help;help'= {
        }
        &'agent;auth'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand github 'Store a GitHub token (checked against the API first) for `github.api_url`''s host'
            cand status 'Where the GitHub token in use comes from (exit 3 when there is none)'
            cand logout 'Remove the GitHub token agent stored'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;auth;github'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --with-token 'Read the token from stdin instead of asking for it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;auth;status'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;auth;logout'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;auth;help'= {
            cand github 'Store a GitHub token (checked against the API first) for `github.api_url`''s host'
            cand status 'Where the GitHub token in use comes from (exit 3 when there is none)'
            cand logout 'Remove the GitHub token agent stored'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;auth;help;github'= {
        }
        &'agent;auth;help;status'= {
        }
        &'agent;auth;help;logout'= {
        }
        &'agent;auth;help;help'= {
        }
        &'agent;hook'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand install 'Install hooks into the repository (again: only agent''s script is rewritten)'
            cand uninstall 'Remove agent''s hooks (all of them without HOOK) and put back the hooks they chained'
            cand status 'Show where the hooks are and which of them are agent''s'
            cand run 'Run a hook''s work now (what the installed scripts call; git passes ARGS)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;hook;install'= {
            cand --mode 'commit-msg only: draft writes a message only when yours is empty; rewrite improves every message (yours stays when the model fails) [default: draft]'
            cand --repo 'A directory in the repository [default: the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;hook;uninstall'= {
            cand --repo 'A directory in the repository [default: the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;hook;status'= {
            cand --repo 'A directory in the repository [default: the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;hook;run'= {
            cand --mode 'commit-msg''s mode'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;hook;help'= {
            cand install 'Install hooks into the repository (again: only agent''s script is rewritten)'
            cand uninstall 'Remove agent''s hooks (all of them without HOOK) and put back the hooks they chained'
            cand status 'Show where the hooks are and which of them are agent''s'
            cand run 'Run a hook''s work now (what the installed scripts call; git passes ARGS)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;hook;help;install'= {
        }
        &'agent;hook;help;uninstall'= {
        }
        &'agent;hook;help;status'= {
        }
        &'agent;hook;help;run'= {
        }
        &'agent;hook;help;help'= {
        }
        &'agent;ci'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand watch 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run'
            cand status 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;ci;watch'= {
            cand --repo 'The repository on GitHub, OWNER/NAME [default: the one the checkout''s remote points at]'
            cand --github-repo 'The repository on GitHub, OWNER/NAME [default: the one the checkout''s remote points at]'
            cand --branch 'Only runs on this branch [default: every branch]'
            cand --interval 'Seconds between polls (longer while the rate limit is nearly spent)'
            cand --remote 'The git remote of the repository in this checkout: fetched from and pushed to'
            cand --max-iterations 'Most edit → check → fix rounds of a fix task [default: task.max_iterations]'
            cand --approval 'When a fix task asks before acting [default: task.approval]; nobody answers, so what would be asked is refused'
            cand --verify 'The command that checks a fix [default: task.verify, else detected]'
            cand --timeout 'Most wall time of a fix task in seconds, verification included'
            cand --backend 'Which backend serves the model [default: model.backend]'
            cand --base-url 'The server''s address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]'
            cand -m 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --model 'The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)'
            cand --temperature 'Sampling temperature; 0 is greedy'
            cand --max-tokens 'At most this many tokens in the answer'
            cand --context 'Context window in tokens [default: model.context_length]'
            cand --seed 'Seed for reproducible sampling'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --once 'Poll once, handle what failed, and exit (1 when a fix did not reach a PR)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;ci;status'= {
            cand -n 'Show at most this many runs and attempts'
            cand --limit 'Show at most this many runs and attempts'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;ci;help'= {
            cand watch 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run'
            cand status 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;ci;help;watch'= {
        }
        &'agent;ci;help;status'= {
        }
        &'agent;ci;help;help'= {
        }
        &'agent;mcp'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every configured server: where it comes from, whether it starts, its tools'
            cand test 'Start one server (even a disabled one), initialize it, list its tools, with timings'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;mcp;list'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;mcp;test'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;mcp;help'= {
            cand list 'Every configured server: where it comes from, whether it starts, its tools'
            cand test 'Start one server (even a disabled one), initialize it, list its tools, with timings'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;mcp;help;list'= {
        }
        &'agent;mcp;help;test'= {
        }
        &'agent;mcp;help;help'= {
        }
        &'agent;fetch'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --raw 'Print the body as it came (any type, bytes unchanged), without extraction or browser'
            cand --json 'Print one JSON object: url, final_url, title, markdown, from_cache, rendered, note'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;browse'= {
            cand --screenshot 'Save a PNG of the page (instead of printing its text)'
            cand --pdf 'Save the page printed as a PDF (instead of printing its text)'
            cand --step 'A step before reading the page, in order (repeatable): `fill SELECTOR=TEXT`, `click SELECTOR` or `wait SELECTOR`'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print one JSON object: url, title and markdown, or the saved file and its size, and the page''s failed requests'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;ab'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Start a test between two variants, each a list of KEY=VALUE settings'
            cand list 'List the tests with their variants'' numbers'
            cand status 'Success rate, tokens and time per variant, and whether the difference is significant'
            cand stop 'Stop a test and keep a winner (default: the variant with the better numbers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;ab;create'= {
            cand --a 'A setting of variant a (repeat for more)'
            cand --b 'A setting of variant b (repeat for more)'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the test as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;ab;list'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print them as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;ab;status'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the numbers as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;ab;stop'= {
            cand --winner 'The variant to keep'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the final numbers as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;ab;help'= {
            cand create 'Start a test between two variants, each a list of KEY=VALUE settings'
            cand list 'List the tests with their variants'' numbers'
            cand status 'Success rate, tokens and time per variant, and whether the difference is significant'
            cand stop 'Stop a test and keep a winner (default: the variant with the better numbers)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;ab;help;create'= {
        }
        &'agent;ab;help;list'= {
        }
        &'agent;ab;help;status'= {
        }
        &'agent;ab;help;stop'= {
        }
        &'agent;ab;help;help'= {
        }
        &'agent;budget'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;classify'= {
            cand --repo 'The repository in which named files are looked up [default: the one containing the current directory]'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the verdict as JSON'
            cand --heuristic 'Use the cue-word heuristic instead of the trained classifier'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand versions 'List the trained versions, their held-out scores and which one is current'
            cand use 'Make a version current: its number (from `versions`) or `builtin`, the shipped model'
            cand eval 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix'
            cand train 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;classify;versions'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print them as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;classify;use'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;classify;eval'= {
            cand --classifier 'Which classifier: a version number, `builtin`, `heuristic` or a model FILE.json (from `train --data`) [default: the current one]'
            cand --predictions 'Also write each text''s verdict to this JSONL file (line by line as in FILE: the label, the predicted class, the probabilities and whether "unsure → medium" decided)'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the scores as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;classify;train'= {
            cand --since 'Only tasks finished since then (2026-11-01, an RFC 3339 time, or an age: 30d)'
            cand --data 'Fit on this labelled JSONL file instead of your tasks'
            cand --output 'Where --data writes the model (JSON)'
            cand --test 'A labelled JSONL file to score the --data model on'
            cand --folds 'Cross-validation folds for --data (0: none)'
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the report as JSON'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;classify;help'= {
            cand versions 'List the trained versions, their held-out scores and which one is current'
            cand use 'Make a version current: its number (from `versions`) or `builtin`, the shipped model'
            cand eval 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix'
            cand train 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;classify;help;versions'= {
        }
        &'agent;classify;help;use'= {
        }
        &'agent;classify;help;eval'= {
        }
        &'agent;classify;help;train'= {
        }
        &'agent;classify;help;help'= {
        }
        &'agent;doctor'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand --json 'Print the checks as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;completions'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;man'= {
            cand -c 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --config 'Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai'
            cand --color 'When to colour output [default: from ui.color, which defaults to auto]'
            cand --log-format 'How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'agent;help'= {
            cand config 'Show and change configuration'
            cand history 'Browse, search, export and import past conversations'
            cand chat 'Chat with a model that works on this repository (the default on a terminal)'
            cand ask 'Ask a model one question and stream the answer to stdout (no tools)'
            cand models 'List, fetch and choose models; probe this machine'
            cand task 'Run a coding task on a repository and manage past tasks'
            cand map 'Print the repo map: the most used definitions of a repository, ranked, within a budget'
            cand undo 'Revert the task applied last in this repository (`agent task apply`)'
            cand trust 'Trust this repository''s .agent/config.toml, so that all of its keys apply'
            cand serve 'Serve the HTTP API, event streams and the web dashboard'
            cand pr 'Pull requests: open one from a task''s branch, list, show, check out, merge, close, comment, review with a model'
            cand auth 'GitHub sign-in: store a token, see where the token in use comes from, remove it'
            cand hook 'Install, remove and list agent''s git hooks: a review before each commit, commit messages, the project''s check before each push'
            cand ci 'Watch GitHub Actions and fix failing runs; show what the monitor did'
            cand mcp 'List and try the MCP servers of [mcp_servers.NAME] in the configuration'
            cand fetch 'Fetch a web page and print its main text as Markdown'
            cand browse 'Open a web page in headless Chromium: its text, a screenshot or a PDF'
            cand ab 'A/B tests: run tasks with two variants of settings (model, strategy, prompt) and compare'
            cand budget 'Show today''s and this month''s model usage and what is left of each budget'
            cand classify 'Estimate how much work a task is (simple, medium, complex) and why; evaluate and retrain the classifier that `--strategy auto` uses'
            cand doctor 'Check that agent can run here: data directory, database, configuration, git, model backend'
            cand completions 'Print a shell completion script'
            cand man 'Print the man page (roff) to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'agent;help;config'= {
            cand path 'Print where configuration and data live'
            cand show 'Print the resolved configuration'
            cand get 'Print one resolved value'
            cand set 'Set a key in the user configuration file (or the repository''s, with --repo)'
            cand unset 'Remove a key from the user configuration file (or the repository''s, with --repo)'
            cand edit 'Open the configuration file in $VISUAL or $EDITOR, then check it'
        }
        &'agent;help;config;path'= {
        }
        &'agent;help;config;show'= {
        }
        &'agent;help;config;get'= {
        }
        &'agent;help;config;set'= {
        }
        &'agent;help;config;unset'= {
        }
        &'agent;help;config;edit'= {
        }
        &'agent;help;history'= {
            cand list 'List conversations, most recently updated first'
            cand show 'Show one conversation with all its messages'
            cand search 'Search message text; exact phrase matches come first'
            cand export 'Export conversations as JSONL (for import) or Markdown'
            cand import 'Import conversations from a JSONL file (- for stdin), or with --from another agent''s history; what is already present is skipped'
            cand rm 'Delete a conversation and its messages'
        }
        &'agent;help;history;list'= {
        }
        &'agent;help;history;show'= {
        }
        &'agent;help;history;search'= {
        }
        &'agent;help;history;export'= {
        }
        &'agent;help;history;import'= {
        }
        &'agent;help;history;rm'= {
        }
        &'agent;help;chat'= {
        }
        &'agent;help;ask'= {
        }
        &'agent;help;models'= {
            cand list 'Models every backend offers: Ollama''s, GGUF files in the models directory, and the OpenAI-compatible server''s (cached, so the list works while a server is down)'
            cand show 'Details of one model: family, parameters, quantisation, context length, tool support'
            cand pull 'Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the models directory, resumable and checked; any other name is pulled through Ollama'
            cand use 'Make a model the default (saved in the user configuration, with the context that fits memory): an Ollama model, a GGUF (a path or a file in the models directory, run in-process), or with --backend openai a model of the OpenAI-compatible server'
            cand rm 'Delete a model: a GGUF from the models directory, or an Ollama model'
            cand bench 'Measure prefill and decode speed (tokens/s) of a model on this machine'
            cand probe 'Show this machine''s CPU, memory (with measured bandwidth) and GPUs'
            cand recommend 'Recommend the model, quantisation and context length that fit this machine'
        }
        &'agent;help;models;list'= {
        }
        &'agent;help;models;show'= {
        }
        &'agent;help;models;pull'= {
        }
        &'agent;help;models;use'= {
        }
        &'agent;help;models;rm'= {
        }
        &'agent;help;models;bench'= {
        }
        &'agent;help;models;probe'= {
        }
        &'agent;help;models;recommend'= {
        }
        &'agent;help;task'= {
            cand run 'Run a task: a model edits a worktree on a new branch, the project''s check verifies it, and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)'
            cand list 'List tasks, newest first'
            cand show 'Show one task: status, branch, changes, tokens, verification'
            cand logs 'Print a task''s events'
            cand cancel 'Ask a running task to stop (it ends cancelled)'
            cand retry 'Run a task again with the same request and settings'
            cand apply 'Bring a task''s commit onto the current branch of its repository'
            cand discard 'Remove a task''s worktree and branch'
        }
        &'agent;help;task;run'= {
        }
        &'agent;help;task;list'= {
        }
        &'agent;help;task;show'= {
        }
        &'agent;help;task;logs'= {
        }
        &'agent;help;task;cancel'= {
        }
        &'agent;help;task;retry'= {
        }
        &'agent;help;task;apply'= {
        }
        &'agent;help;task;discard'= {
        }
        &'agent;help;map'= {
        }
        &'agent;help;undo'= {
        }
        &'agent;help;trust'= {
        }
        &'agent;help;serve'= {
        }
        &'agent;help;pr'= {
            cand create 'Push a succeeded task''s branch and open a pull request for it (the PR template, else a built-in one, filled with the summary, check result, changes and the task)'
            cand list 'List pull requests, newest first'
            cand show 'One pull request: title, state, branches, body'
            cand checkout 'Fetch a pull request''s branch and check it out'
            cand merge 'Merge a pull request (a merge commit unless --squash or --rebase)'
            cand close 'Close a pull request without merging it'
            cand comment 'Comment on a pull request (or an issue)'
            cand review 'Review a pull request with a model and post one review: line comments on the diff and a verdict (approve, request changes, or comment)'
        }
        &'agent;help;pr;create'= {
        }
        &'agent;help;pr;list'= {
        }
        &'agent;help;pr;show'= {
        }
        &'agent;help;pr;checkout'= {
        }
        &'agent;help;pr;merge'= {
        }
        &'agent;help;pr;close'= {
        }
        &'agent;help;pr;comment'= {
        }
        &'agent;help;pr;review'= {
        }
        &'agent;help;auth'= {
            cand github 'Store a GitHub token (checked against the API first) for `github.api_url`''s host'
            cand status 'Where the GitHub token in use comes from (exit 3 when there is none)'
            cand logout 'Remove the GitHub token agent stored'
        }
        &'agent;help;auth;github'= {
        }
        &'agent;help;auth;status'= {
        }
        &'agent;help;auth;logout'= {
        }
        &'agent;help;hook'= {
            cand install 'Install hooks into the repository (again: only agent''s script is rewritten)'
            cand uninstall 'Remove agent''s hooks (all of them without HOOK) and put back the hooks they chained'
            cand status 'Show where the hooks are and which of them are agent''s'
            cand run 'Run a hook''s work now (what the installed scripts call; git passes ARGS)'
        }
        &'agent;help;hook;install'= {
        }
        &'agent;help;hook;uninstall'= {
        }
        &'agent;help;hook;status'= {
        }
        &'agent;help;hook;run'= {
        }
        &'agent;help;ci'= {
            cand watch 'Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed branch and a pull request that links the run'
            cand status 'Failed runs seen, fix attempts with their outcome and PR, and the fix success rate'
        }
        &'agent;help;ci;watch'= {
        }
        &'agent;help;ci;status'= {
        }
        &'agent;help;mcp'= {
            cand list 'Every configured server: where it comes from, whether it starts, its tools'
            cand test 'Start one server (even a disabled one), initialize it, list its tools, with timings'
        }
        &'agent;help;mcp;list'= {
        }
        &'agent;help;mcp;test'= {
        }
        &'agent;help;fetch'= {
        }
        &'agent;help;browse'= {
        }
        &'agent;help;ab'= {
            cand create 'Start a test between two variants, each a list of KEY=VALUE settings'
            cand list 'List the tests with their variants'' numbers'
            cand status 'Success rate, tokens and time per variant, and whether the difference is significant'
            cand stop 'Stop a test and keep a winner (default: the variant with the better numbers)'
        }
        &'agent;help;ab;create'= {
        }
        &'agent;help;ab;list'= {
        }
        &'agent;help;ab;status'= {
        }
        &'agent;help;ab;stop'= {
        }
        &'agent;help;budget'= {
        }
        &'agent;help;classify'= {
            cand versions 'List the trained versions, their held-out scores and which one is current'
            cand use 'Make a version current: its number (from `versions`) or `builtin`, the shipped model'
            cand eval 'Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1 and the confusion matrix'
            cand train 'Fit a new version from your finished tasks; it becomes current only when it beats the current one on the tasks held out'
        }
        &'agent;help;classify;versions'= {
        }
        &'agent;help;classify;use'= {
        }
        &'agent;help;classify;eval'= {
        }
        &'agent;help;classify;train'= {
        }
        &'agent;help;doctor'= {
        }
        &'agent;help;completions'= {
        }
        &'agent;help;man'= {
        }
        &'agent;help;help'= {
        }
    ]
    $completions[$command]
}
