//! The command-line surface: every subcommand, flag and its help text (clap derive).

use std::path::PathBuf;

use agent_core::task::TaskStatus;
use clap::builder::TypedValueParser as _;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// A terminal-first coding agent for local models.
///
/// agent keeps every conversation, task and model call in one local SQLite database.
/// Configuration is layered: defaults, then the user file, the repository's
/// .agent/config.toml, AGENT_* environment variables, and flags.
#[derive(Debug, Parser)]
#[command(
    name = "agent",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Exit codes: 0 ok, 1 failure, 2 usage or configuration error, 3 not found, \
4 invalid input data, 5 database unusable, 130 interrupted.\n\
Run `agent help <command>` for details on one command."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Set a configuration key for this run only (repeatable), e.g. -c model.backend=openai
    #[arg(short = 'c', long = "config", value_name = "KEY=VALUE", global = true)]
    pub config: Vec<String>,

    /// When to colour output [default: from ui.color, which defaults to auto]
    #[arg(long, value_enum, value_name = "WHEN", global = true)]
    pub color: Option<ColorArg>,

    /// How logs on stderr look (logs are on with AGENT_LOG=info, and for agent serve)
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        global = true,
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

/// The `--log-format` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// The `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ColorArg {
    /// The `ui.color` value this flag sets.
    pub fn as_str(self) -> &'static str {
        match self {
            ColorArg::Auto => "auto",
            ColorArg::Always => "always",
            ColorArg::Never => "never",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show and change configuration
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Browse, search, export and import past conversations
    #[command(subcommand)]
    History(HistoryCommand),

    /// Chat with a model that works on this repository (the default on a terminal)
    Chat(ChatArgs),

    /// Ask a model one question and stream the answer to stdout (no tools)
    Ask(AskArgs),

    /// List, fetch and choose models; probe this machine
    #[command(subcommand)]
    Models(ModelsCommand),

    /// Run a coding task on a repository and manage past tasks
    #[command(subcommand)]
    Task(Box<TaskCommand>),

    /// Print the repo map: the most used definitions of a repository, ranked, within a budget
    ///
    /// Definitions and references come from tree-sitter tags (Rust, Python, JavaScript,
    /// TypeScript, Go) and are kept in the store by git blob id: only files whose content is new
    /// are parsed. Tasks and chats put the same map in the model's system prompt (map.enabled,
    /// map.tokens).
    #[command(
        after_help = "Examples:\n  agent map                        the repository you are in\n  agent map --tokens 4000 ~/src/p  a larger map of another directory\n  agent map --focus \"fix parse_args\"  ranked towards what a task mentions\n  agent map --json                 the map with index statistics (files parsed, times)"
    )]
    Map(MapArgs),

    /// Revert the task applied last in this repository (`agent task apply`)
    Undo {
        /// The repository [default: the one containing the current directory]
        #[arg(long, value_name = "DIR")]
        repo: Option<PathBuf>,
    },

    /// Trust this repository's .agent/config.toml, so that all of its keys apply
    ///
    /// Until you trust it, a repository's .agent/config.toml sets only harmless keys (ui.color,
    /// history.page_size, limits); keys that choose where requests go, which variable holds the
    /// API key, the approval policy or the check command are ignored. Trust is for the file as it
    /// is now (its SHA-256): after it changes, trust it again. Like direnv's `allow`.
    #[command(
        after_help = "Examples:\n  agent trust              trust the repository you are in\n  agent trust ~/src/proj   trust another one\n  agent trust --list       every trusted repository and whether its file changed\n  agent trust --revoke     forget this repository"
    )]
    Trust(TrustArgs),

    /// Serve the HTTP API, event streams and the web dashboard
    ///
    /// Listens on 127.0.0.1:7878 (serve.addr) with a bearer token made on first start in the
    /// data directory (mode 0600). Every route but /healthz, /openapi.json, /docs and the
    /// dashboard page needs `Authorization: Bearer <token>`. `agent task run --attach` uses it.
    #[command(
        after_help = "Examples:\n  agent serve                         listen on 127.0.0.1:7878\n  agent serve --check                 print the URL, the token file and a dashboard link\n  curl -H \"Authorization: Bearer $(cat ~/.local/share/agent/serve-token)\" http://127.0.0.1:7878/v1/tasks"
    )]
    Serve(ServeArgs),

    /// Pull requests: open one from a task's branch, list, show, check out, merge, close,
    /// comment, review with a model
    #[command(
        subcommand,
        after_help = "Examples:\n  agent pr create                 push the newest succeeded task's branch and open its PR\n  agent pr create 3f2a --draft --label bot --reviewer octocat\n  agent pr list --state all\n  agent pr merge 42 --squash\n  agent pr review 42 --dry-run    print a model's review, post nothing"
    )]
    Pr(PrCommand),

    /// GitHub sign-in: store a token, see where the token in use comes from, remove it
    ///
    /// The token is looked up in GH_TOKEN / GITHUB_TOKEN, then the OS keyring (or, without one,
    /// the 0600 credentials file), then gh's own hosts.yml. It is never written to the
    /// database, logs, events or --json output.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Install, remove and list agent's git hooks: a review before each commit, commit
    /// messages, the project's check before each push
    ///
    /// The hooks are POSIX sh scripts in the repository's hooks directory (core.hooksPath, else
    /// .git/hooks, shared by its worktrees) that call this agent binary, through the running
    /// `agent serve` when this machine announces one. A hook that was there is kept and runs
    /// first. A hook that cannot reach a model never refuses a commit: it says so in one line.
    #[command(
        subcommand,
        after_help = "Examples:\n  agent hook install pre-commit          review staged changes before each commit\n  agent config set hooks.block_on error  refuse commits with findings of severity error\n  agent hook install commit-msg          write the message when you leave it empty\n  agent hook install pre-push            run the project's check before each push\n  agent hook status                      what is installed\n  agent hook uninstall                   remove them all (the hooks they chained come back)"
    )]
    Hook(HookCommand),

    /// Watch GitHub Actions and fix failing runs; show what the monitor did
    #[command(subcommand)]
    Ci(CiCommand),

    /// List and try the MCP servers of [mcp_servers.NAME] in the configuration
    ///
    /// Their tools reach the model of tasks and chats through one `mcp` tool, each call under
    /// the approval policy (asked like `run`). A repository's .agent/config.toml can add servers
    /// only once you trust it (`agent trust`).
    #[command(
        subcommand,
        after_help = "Examples:\n  agent mcp list          every server: started, its tools, or why it failed\n  agent mcp test files    start one, initialize it, list its tools, with timings"
    )]
    Mcp(McpCommand),
    /// Fetch a web page and print its main text as Markdown
    ///
    /// Navigation, headers, footers and scripts are left out; a page that shows no text without
    /// JavaScript is rendered in headless Chromium when it is installed. Redirects on the same
    /// host are followed; one to another host is reported, not followed. Addresses of this
    /// machine and its network (loopback, private, link-local, cloud metadata) are refused
    /// unless fetch.allow_hosts names them. Pages are kept for fetch.cache_ttl seconds.
    #[command(
        after_help = "Examples:\n  agent fetch https://docs.rs/serde          the page as Markdown\n  agent fetch --raw https://example.com/a.png > a.png\n  agent fetch -c fetch.allow_hosts=127.0.0.1 http://127.0.0.1:8000/"
    )]
    Fetch(FetchArgs),

    /// Open a web page in headless Chromium: its text, a screenshot or a PDF
    ///
    /// Every request of the page goes through agent under the same address policy as `agent
    /// fetch`. Steps run in order before the page is read: `fill SELECTOR=TEXT`, `click
    /// SELECTOR`, `wait SELECTOR` (CSS selectors).
    #[command(
        after_help = "Examples:\n  agent browse https://example.com --screenshot page.png\n  agent browse https://example.com --pdf page.pdf\n  agent browse https://example.com/search --step 'fill input[name=q]=rust' --step 'click button' --step 'wait .results'"
    )]
    Browse(BrowseArgs),

    /// A/B tests: run tasks with two variants of settings (model, strategy, prompt) and compare
    ///
    /// While a test runs, every new task gets one of its variants (the one with fewer tasks so
    /// far), whose settings win over the configuration and the model router; the task's events
    /// say which (`ab_assigned`). A model named with --model (or a role's --*-model) keeps the
    /// task out of tests that set models.
    #[command(
        subcommand,
        after_help = "Examples:\n  agent ab create coder-size --a model=qwen2.5-coder:7b --b model=qwen2.5-coder:14b\n  agent ab create prompts --a prompt=prompts/short.md --b prompt=prompts/long.md\n  agent ab status coder-size      success rate, tokens, time per variant and a z-test\n  agent ab stop coder-size        keep the better variant (or --winner a|b)"
    )]
    Ab(AbCommand),
    /// Show today's and this month's model usage and what is left of each budget
    ///
    /// Budgets (`budget.task_tokens`, `budget.daily_tokens`, `budget.monthly_cost`) are checked
    /// before every model request in every mode; a request that would cross one is not sent, the
    /// turn stops with a `limit_reached` event and the command exits 1. Days and months are UTC;
    /// costs come from `[prices."backend:model"]` in the configuration.
    #[command(
        after_help = "Examples:\n  agent budget                                    usage and what is left\n  agent budget --json                             the same as JSON (as in GET /v1/dashboard)\n  agent config set budget.daily_tokens 2000000    at most 2M tokens a day\n  agent config set budget.monthly_cost 20         at most $20 a month at [prices]"
    )]
    Budget {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Estimate how much work a task is (simple, medium, complex) and why; evaluate and
    /// retrain the classifier that `--strategy auto` uses
    ///
    /// The classifier is a small linear model shipped trained on public commits; `agent classify
    /// train` fits a new version from your finished tasks and makes it current only when it
    /// beats the current one on held-out tasks. A text equal to a subcommand's name goes after
    /// `--` (`agent classify -- versions`).
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Examples:\n  agent classify fix the typo in README.md\n  git log -1 --format=%B | agent classify --json -\n  agent classify -- versions          classify the word \"versions\"\n  agent classify eval labelled.jsonl  accuracy, macro-F1, confusion matrix\n  agent classify train --since 30d    fit a version from your finished tasks\n  agent classify versions\n  agent classify use builtin          back to the shipped model"
    )]
    Classify(ClassifyArgs),

    /// Check that agent can run here: data directory, database, configuration, git, model backend
    Doctor {
        /// Print the checks as JSON
        #[arg(long)]
        json: bool,
    },

    /// Print a shell completion script
    ///
    /// Install for bash with: agent completions bash > ~/.local/share/bash-completion/completions/agent
    Completions {
        /// The shell to generate for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the man page (roff) to stdout
    ///
    /// Install with: agent man > ~/.local/share/man/man1/agent.1
    Man,
}

/// `agent fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The http(s) address
    #[arg(value_name = "URL")]
    pub url: String,

    /// Print the body as it came (any type, bytes unchanged), without extraction or browser
    #[arg(long, conflicts_with = "json")]
    pub raw: bool,

    /// Print one JSON object: url, final_url, title, markdown, from_cache, rendered, note
    #[arg(long)]
    pub json: bool,
}

/// `agent browse`.
#[derive(Debug, Args)]
pub struct BrowseArgs {
    /// The http(s) address
    #[arg(value_name = "URL")]
    pub url: String,

    /// Save a PNG of the page (instead of printing its text)
    #[arg(long, value_name = "FILE", conflicts_with = "pdf")]
    pub screenshot: Option<PathBuf>,

    /// Save the page printed as a PDF (instead of printing its text)
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,

    /// A step before reading the page, in order (repeatable): `fill SELECTOR=TEXT`, `click
    /// SELECTOR` or `wait SELECTOR`
    #[arg(long = "step", value_name = "STEP")]
    pub steps: Vec<String>,

    /// Print one JSON object: url, title and markdown, or the saved file and its size, and the
    /// page's failed requests
    #[arg(long)]
    pub json: bool,
}

/// `agent ab …`.
#[derive(Debug, Subcommand)]
pub enum AbCommand {
    /// Start a test between two variants, each a list of KEY=VALUE settings
    ///
    /// Keys: model (every role), planner_model, coder_model, reviewer_model, tester_model,
    /// strategy (auto, single, iterative, multi), prompt (a file with the coder's system prompt,
    /// read now), planner_prompt, coder_prompt, reviewer_prompt, tester_prompt. Both variants
    /// set the same keys.
    Create {
        /// The test's name (one word)
        name: String,
        /// A setting of variant a (repeat for more)
        #[arg(long = "a", value_name = "KEY=VALUE", required = true)]
        a: Vec<String>,
        /// A setting of variant b (repeat for more)
        #[arg(long = "b", value_name = "KEY=VALUE", required = true)]
        b: Vec<String>,
        /// Print the test as JSON
        #[arg(long)]
        json: bool,
    },
    /// List the tests with their variants' numbers
    List {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },
    /// Success rate, tokens and time per variant, and whether the difference is significant
    Status {
        name: String,
        /// Print the numbers as JSON
        #[arg(long)]
        json: bool,
    },
    /// Stop a test and keep a winner (default: the variant with the better numbers)
    Stop {
        name: String,
        /// The variant to keep
        #[arg(long, value_parser = ["a", "b"])]
        winner: Option<String>,
        /// Print the final numbers as JSON
        #[arg(long)]
        json: bool,
    },
}

/// `agent hook …`.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install hooks into the repository (again: only agent's script is rewritten)
    Install(HookInstallArgs),
    /// Remove agent's hooks (all of them without HOOK) and put back the hooks they chained
    Uninstall {
        /// The hook to remove [default: every hook of agent's]
        #[arg(value_enum)]
        hook: Option<HookName>,
        /// A directory in the repository [default: the current directory]
        #[arg(long, value_name = "DIR")]
        repo: Option<PathBuf>,
    },
    /// Show where the hooks are and which of them are agent's
    Status {
        /// A directory in the repository [default: the current directory]
        #[arg(long, value_name = "DIR")]
        repo: Option<PathBuf>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Run a hook's work now (what the installed scripts call; git passes ARGS)
    #[command(hide = true)]
    Run {
        #[arg(value_enum)]
        hook: HookName,
        /// commit-msg's mode
        #[arg(long, value_enum)]
        mode: Option<HookMode>,
        /// The arguments git gave the hook
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// `agent hook install`.
#[derive(Debug, Args)]
pub struct HookInstallArgs {
    /// The hooks: pre-commit (reviews the staged diff), commit-msg (writes the message),
    /// pre-push (runs the project's check)
    #[arg(value_enum, required = true)]
    pub hooks: Vec<HookName>,
    /// commit-msg only: draft writes a message only when yours is empty; rewrite improves every
    /// message (yours stays when the model fails) [default: draft]
    #[arg(long, value_enum)]
    pub mode: Option<HookMode>,
    /// A directory in the repository [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

/// The hooks agent installs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookName {
    PreCommit,
    CommitMsg,
    PrePush,
}

/// The commit-msg hook's modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HookMode {
    Draft,
    Rewrite,
}

/// `agent serve`.
/// `agent auth …`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Store a GitHub token (checked against the API first) for `github.api_url`'s host
    Github {
        /// Read the token from stdin instead of asking for it
        #[arg(long)]
        with_token: bool,
    },
    /// Where the GitHub token in use comes from (exit 3 when there is none)
    Status {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove the GitHub token agent stored
    Logout,
}

/// Which repository on GitHub a `pr` command works on.
#[derive(Debug, Args, Clone)]
pub struct GitHubTarget {
    /// The repository on GitHub [default: the one the remote points at]
    #[arg(long, value_name = "OWNER/NAME")]
    pub github_repo: Option<String>,
    /// The git remote that names the repository and receives pushes
    #[arg(long, value_name = "NAME", default_value = "origin")]
    pub remote: String,
    /// The local checkout [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

/// `agent pr …`.
#[derive(Debug, Subcommand)]
pub enum PrCommand {
    /// Push a succeeded task's branch and open a pull request for it (the PR template, else a
    /// built-in one, filled with the summary, check result, changes and the task)
    Create(PrCreateArgs),
    /// List pull requests, newest first
    #[command(alias = "ls")]
    List {
        #[command(flatten)]
        target: GitHubTarget,
        /// open, closed or all
        #[arg(long, default_value = "open", value_parser = ["open", "closed", "all"])]
        state: String,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// One pull request: title, state, branches, body
    Show {
        number: u64,
        #[command(flatten)]
        target: GitHubTarget,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Fetch a pull request's branch and check it out
    Checkout {
        number: u64,
        #[command(flatten)]
        target: GitHubTarget,
    },
    /// Merge a pull request (a merge commit unless --squash or --rebase)
    Merge {
        number: u64,
        #[command(flatten)]
        target: GitHubTarget,
        /// Squash its commits into one
        #[arg(long, conflicts_with = "rebase")]
        squash: bool,
        /// Rebase its commits onto the base branch
        #[arg(long)]
        rebase: bool,
    },
    /// Close a pull request without merging it
    Close {
        number: u64,
        #[command(flatten)]
        target: GitHubTarget,
    },
    /// Comment on a pull request (or an issue)
    Comment {
        number: u64,
        /// The comment (Markdown); `-` reads it from stdin
        body: String,
        #[command(flatten)]
        target: GitHubTarget,
    },
    /// Review a pull request with a model and post one review: line comments on the diff and
    /// a verdict (approve, request changes, or comment)
    ///
    /// The model reads the title, description and diff as untrusted data (the diff cut to its
    /// context window, file by file, and the review says what it did not see). Comments on
    /// lines outside the diff go into the review's body. An answer that is not the JSON asked
    /// for is posted as a comment, never as an approval. The model: --model, else
    /// roles.reviewer.model, else model.name.
    #[command(
        after_help = "Examples:\n  agent pr review 42 --dry-run            print the review, post nothing\n  agent pr review 42 --model qwen2.5-coder:14b\n  agent pr review 7 --github-repo octo/app --json"
    )]
    Review(PrReviewArgs),
}

/// `agent pr review`.
#[derive(Debug, Args)]
pub struct PrReviewArgs {
    /// The pull request's number
    pub number: u64,
    #[command(flatten)]
    pub target: GitHubTarget,
    /// Print the review without posting it
    #[arg(long)]
    pub dry_run: bool,
    /// Print the review (and the posted review's id and URL) as JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub backend: BackendArgs,
}

/// `agent pr create`.
#[derive(Debug, Args)]
pub struct PrCreateArgs {
    /// The task (id or prefix) [default: the newest succeeded task of this repository]
    pub task: Option<String>,
    #[command(flatten)]
    pub target: GitHubTarget,
    /// The branch to merge into [default: the repository's default branch]
    #[arg(long, value_name = "BRANCH")]
    pub base: Option<String>,
    /// The title [default: the task's title]
    #[arg(long)]
    pub title: Option<String>,
    /// Open it as a draft
    #[arg(long)]
    pub draft: bool,
    /// Add a label (repeatable)
    #[arg(long, value_name = "NAME")]
    pub label: Vec<String>,
    /// Ask someone to review (a login; repeatable)
    #[arg(long, value_name = "LOGIN")]
    pub reviewer: Vec<String>,
    /// Say that it fixes this issue number (`Fixes #N` in the body)
    #[arg(long, value_name = "N")]
    pub fixes: Option<u64>,
    /// Push with --force-with-lease (when the branch on the remote was changed)
    #[arg(long)]
    pub force: bool,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen, HOST:PORT (port 0 picks a free one) [default: serve.addr]
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,

    /// The bearer token's file; required off loopback [default: serve-token in the data directory, made on first start]
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,

    /// Print what a client needs (URL, token file, a dashboard link) and exit
    #[arg(long)]
    pub check: bool,

    #[command(flatten)]
    pub backend: BackendArgs,
}

/// `agent ci …`.
#[derive(Debug, Subcommand)]
pub enum CiCommand {
    /// Poll GitHub Actions; turn each failed run into a fix task, a local check, a pushed
    /// branch and a pull request that links the run
    ///
    /// Run it in a checkout of the repository. Each poll sends the last ETag (a 304 costs no
    /// rate limit). For the newest failed run of each workflow and branch (runs of push,
    /// schedule and workflow_dispatch events), the failed jobs' logs are read, the failing
    /// step's error lines become an Iterative task from the failing commit, and when the task's
    /// check passes its branch is pushed and a PR opened against the run's branch. A job that
    /// fails again while its fix is open (running, PR not merged, or failed) starts no second
    /// task; once the workflow is green on the branch, the next failure is new.
    #[command(
        after_help = "Examples:\n  agent ci watch                       watch this checkout's origin repository, every branch\n  agent ci watch --branch main         only runs on main\n  agent ci watch --once                poll once, handle what failed, exit\n  agent ci status                      runs seen, fix attempts, the fix success rate"
    )]
    Watch(Box<CiWatchArgs>),
    /// Failed runs seen, fix attempts with their outcome and PR, and the fix success rate
    Status {
        /// Show at most this many runs and attempts
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: usize,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

/// `agent mcp …`.
#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Every configured server: where it comes from, whether it starts, its tools
    List {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Start one server (even a disabled one), initialize it, list its tools, with timings
    Test {
        /// The server: NAME of [mcp_servers.NAME]
        name: String,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

/// `agent ci watch`.
#[derive(Debug, Args)]
pub struct CiWatchArgs {
    /// The repository on GitHub, OWNER/NAME [default: the one the checkout's remote points at]
    #[arg(long, visible_alias = "github-repo", value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// Only runs on this branch [default: every branch]
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,
    /// Seconds between polls (longer while the rate limit is nearly spent)
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub interval: u64,
    /// Poll once, handle what failed, and exit (1 when a fix did not reach a PR)
    #[arg(long)]
    pub once: bool,
    /// The git remote of the repository in this checkout: fetched from and pushed to
    #[arg(long, value_name = "NAME", default_value = "origin")]
    pub remote: String,
    /// Most edit → check → fix rounds of a fix task [default: task.max_iterations]
    #[arg(long, value_name = "N")]
    pub max_iterations: Option<u32>,
    /// When a fix task asks before acting [default: task.approval]; nobody answers, so what
    /// would be asked is refused
    #[arg(long, value_name = "POLICY")]
    pub approval: Option<String>,
    /// The command that checks a fix [default: task.verify, else detected]
    #[arg(long, value_name = "CMD")]
    pub verify: Option<String>,
    /// Most wall time of a fix task in seconds, verification included
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT)]
    pub timeout: u64,
    #[command(flatten)]
    pub backend: BackendArgs,
}

/// `agent map`.
#[derive(Debug, Args)]
pub struct MapArgs {
    /// The directory to map [default: the repository containing the current directory, else
    /// the current directory]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// The map's budget in tokens (estimated as characters / 4) [default: map.tokens]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub tokens: Option<u32>,

    /// Rank towards the files and names this text mentions (a task description)
    #[arg(long, value_name = "TEXT")]
    pub focus: Option<String>,

    /// Print the map and what indexing did as JSON
    #[arg(long)]
    pub json: bool,
}

/// `agent trust`.
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// A directory in the repository [default: the current directory]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Forget the repository: its file sets only harmless keys again
    #[arg(long, conflicts_with = "list")]
    pub revoke: bool,

    /// List the trusted repositories and whether their file changed since
    #[arg(long, conflicts_with = "path")]
    pub list: bool,

    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print where configuration and data live
    Path {
        /// Print every path as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print the resolved configuration
    Show {
        /// Also show where each value came from (default, file, environment, flag)
        #[arg(long)]
        origin: bool,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Print one resolved value
    Get {
        /// A key such as model.backend
        key: String,
    },
    /// Set a key in the user configuration file (or the repository's, with --repo)
    Set {
        /// A key such as model.backend
        key: String,
        /// The new value
        value: String,
        /// Write to this repository's .agent/config.toml instead
        #[arg(long)]
        repo: bool,
    },
    /// Remove a key from the user configuration file (or the repository's, with --repo)
    Unset {
        /// A key such as model.backend
        key: String,
        /// Edit this repository's .agent/config.toml instead
        #[arg(long)]
        repo: bool,
    },
    /// Open the configuration file in $VISUAL or $EDITOR, then check it
    Edit {
        /// Edit this repository's .agent/config.toml instead
        #[arg(long)]
        repo: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// List conversations, most recently updated first
    #[command(alias = "ls")]
    List(ListArgs),
    /// Show one conversation with all its messages
    Show {
        /// A conversation id, or a unique prefix of one
        id: String,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Search message text; exact phrase matches come first
    Search {
        /// Words to find; end a word with * to match it as a prefix
        query: String,
        /// Show at most this many matches
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: u32,
        /// Only conversations in this repository
        #[arg(long, value_name = "DIR")]
        repo: Option<PathBuf>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Export conversations as JSONL (for import) or Markdown
    Export {
        /// The conversation to export (an id or unique prefix)
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        /// Export every conversation
        #[arg(long)]
        all: bool,
        /// Output format
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file instead of stdout
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import conversations from a JSONL file (- for stdin), or with --from another agent's
    /// history; what is already present is skipped
    #[command(after_help = "\
Other agents (--from), PATH defaulting to each one's own location:
  codex   ~/.codex/sessions ($CODEX_HOME/sessions): rollout-*.jsonl under it
  claude  ~/.claude/projects ($CLAUDE_CONFIG_DIR/projects): *.jsonl under it
  aider   .aider.chat.history.md at the root of this repository

Importing again adds only what is new. A malformed record fails the import
(exit 4, nothing imported) unless --skip-bad.")]
    Import {
        /// The JSONL file to read (- for stdin); with --from, a file or directory of that
        /// agent's history
        #[arg(value_name = "PATH", required_unless_present = "from")]
        file: Option<PathBuf>,
        /// Read another agent's history instead of agent's own format
        #[arg(long, value_enum, value_name = "AGENT")]
        from: Option<ImportFrom>,
        /// Say what would be imported, and write nothing
        #[arg(long, requires = "from")]
        dry_run: bool,
        /// Skip malformed records (and say how many) instead of failing
        #[arg(long, requires = "from")]
        skip_bad: bool,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// Delete a conversation and its messages
    Rm {
        /// A conversation id, or a unique prefix of one
        id: String,
        /// Do not ask for confirmation (required when stdin is not a terminal)
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Run a task: a model edits a worktree on a new branch, the project's check verifies it,
    /// and the result is committed on that branch (exit 0 succeeded, 1 failed, 130 cancelled)
    Run(TaskRunArgs),
    /// List tasks, newest first
    List {
        /// Only tasks with this status
        #[arg(long, value_parser = task_status())]
        status: Option<TaskStatus>,
        /// Only tasks on the repository containing DIR
        #[arg(long, value_name = "DIR")]
        repo: Option<PathBuf>,
        /// At most this many
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: usize,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show one task: status, branch, changes, tokens, verification
    Show {
        /// Task id (or a unique prefix)
        id: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Print a task's events
    Logs {
        /// Task id (or a unique prefix)
        id: String,
        /// Keep printing new events until the task ends
        #[arg(long, short = 'f')]
        follow: bool,
        /// Print the events as JSON lines
        #[arg(long)]
        json: bool,
    },
    /// Ask a running task to stop (it ends cancelled)
    Cancel {
        /// Task id (or a unique prefix)
        id: String,
    },
    /// Run a task again with the same request and settings
    Retry {
        /// Task id (or a unique prefix)
        id: String,
        #[command(flatten)]
        options: TaskRunOptions,
    },
    /// Bring a task's commit onto the current branch of its repository
    Apply {
        /// Task id (or a unique prefix)
        id: String,
        /// Apply a task that did not succeed
        #[arg(long)]
        force: bool,
    },
    /// Remove a task's worktree and branch
    Discard {
        /// Task id (or a unique prefix)
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct TaskRunArgs {
    /// What to do, in plain words (with --issue: extra instructions, optional)
    #[arg(default_value = "", required_unless_present = "issue")]
    pub description: String,
    /// Take the task from a GitHub issue (owner/repo#123 or its URL); with --pr, the PR says
    /// `Fixes #123`
    #[arg(long, value_name = "ISSUE")]
    pub issue: Option<String>,
    /// When the task succeeds, push its branch and open a pull request
    #[arg(long)]
    pub pr: bool,
    /// With --pr: open the pull request as a draft
    #[arg(long, requires = "pr")]
    pub draft: bool,
    /// The repository to work on [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// The revision the task branch starts from
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub base: String,
    #[command(flatten)]
    pub options: TaskRunOptions,
}

/// The default of `--max-tool-calls`.
pub const DEFAULT_MAX_TOOL_CALLS: u32 = 100;
/// The default of `--max-tokens-total`.
pub const DEFAULT_MAX_TOKENS_TOTAL: u64 = 2_000_000;
/// The default of `--timeout` (seconds).
pub const DEFAULT_TIMEOUT: u64 = 3600;

/// Options shared by `task run` and `task retry`.
#[derive(Debug, Clone, Args)]
pub struct TaskRunOptions {
    /// How to run the task: auto (by the task's complexity), single, iterative, multi [default: task.strategy]
    #[arg(long, value_name = "NAME")]
    pub strategy: Option<String>,
    /// Most edit → check → fix rounds of the iterative strategy [default: task.max_iterations]
    #[arg(long, value_name = "N")]
    pub max_iterations: Option<u32>,
    /// Most reviewer change requests the multi strategy follows [default: task.max_review_rounds]
    #[arg(long, value_name = "N")]
    pub max_review_rounds: Option<u32>,
    /// The planner's model [default: roles.planner.model, else --model]
    #[arg(long, value_name = "NAME")]
    pub planner_model: Option<String>,
    /// The coder's model [default: roles.coder.model, else --model]
    #[arg(long, value_name = "NAME")]
    pub coder_model: Option<String>,
    /// The reviewer's model [default: roles.reviewer.model, else --model]
    #[arg(long, value_name = "NAME")]
    pub reviewer_model: Option<String>,
    /// The tester's model [default: roles.tester.model, else --model]
    #[arg(long, value_name = "NAME")]
    pub tester_model: Option<String>,
    /// When to ask before acting [default: task.approval]: `auto` never asks; `on-command` asks
    /// before `run`; `on-write` before edits, writes and `run`; `always` before every call.
    /// Without a terminal, what would be asked is refused and the model is told. Commands run in
    /// the sandbox whatever the policy
    #[arg(long, value_name = "POLICY")]
    pub approval: Option<String>,
    /// The command that checks the work [default: task.verify, else detected]
    #[arg(long, value_name = "CMD")]
    pub verify: Option<String>,
    /// Most model turns [default: task.max_turns]
    #[arg(long, value_name = "N")]
    pub max_turns: Option<u32>,
    /// Most tool calls
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TOOL_CALLS)]
    pub max_tool_calls: u32,
    /// Most tokens (prompt + completion) over the whole task
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TOKENS_TOTAL)]
    pub max_tokens_total: u64,
    /// Most wall time in seconds, verification included
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT)]
    pub timeout: u64,
    /// Ask the model even when the answer cache holds this request's answer (temperature 0),
    /// and keep nothing [default: cache.enabled]
    #[arg(long)]
    pub no_cache: bool,
    /// Print every event as a JSON line on stdout instead of the summary
    #[arg(long)]
    pub json: bool,
    /// Run the task on a running `agent serve`: the one this machine announces, or the one at
    /// URL (token: AGENT_SERVE_TOKEN, else the server's token file). Same output and exit codes;
    /// the server's backend runs the models
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "", value_parser = attach_url)]
    pub attach: Option<String>,
    #[command(flatten)]
    pub backend: BackendArgs,
}

/// `--attach [URL]`: empty (the announced server), `http(s)://…`, or `HOST:PORT`.
fn attach_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("http://") || text.starts_with("https://") {
        return Ok(text.trim_end_matches('/').to_string());
    }
    let host_port = text
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if host_port && !text.contains(char::is_whitespace) {
        return Ok(format!("http://{text}"));
    }
    Err(format!(
        "`{text}` is not a server address (http://HOST:PORT); put --attach after the description, or write --attach=URL"
    ))
}

/// `--status`: one of the task statuses, by the name the store and events use.
fn task_status() -> impl clap::builder::TypedValueParser<Value = TaskStatus> {
    clap::builder::PossibleValuesParser::new(TaskStatus::ALL.map(TaskStatus::as_str)).try_map(
        |name| TaskStatus::from_name(&name).ok_or_else(|| format!("unknown status `{name}`")),
    )
}

/// How every model-using command picks its backend and model.
#[derive(Debug, Clone, Default, Args)]
pub struct BackendArgs {
    /// Which backend serves the model [default: model.backend]
    #[arg(long, value_enum)]
    pub backend: Option<BackendArg>,
    /// The server's address (Ollama or OpenAI-compatible) [default: ollama.url / OLLAMA_HOST, openai.base_url]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The model: a name the backend knows, or a path to a .gguf file (which implies --backend local)
    #[arg(long, short = 'm', value_name = "NAME|PATH")]
    pub model: Option<String>,
    /// Sampling temperature; 0 is greedy
    #[arg(long, value_name = "T")]
    pub temperature: Option<f32>,
    /// At most this many tokens in the answer
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u32>,
    /// Context window in tokens [default: model.context_length]
    #[arg(long, value_name = "N")]
    pub context: Option<u32>,
    /// Seed for reproducible sampling
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

/// The `--backend` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    Ollama,
    Openai,
    Local,
}

#[derive(Debug, Default, Args)]
pub struct ChatArgs {
    /// Continue the last conversation in this repository
    #[arg(long = "continue", conflicts_with = "resume")]
    pub continue_last: bool,
    /// Resume a conversation by id (or a unique prefix)
    #[arg(long, value_name = "ID")]
    pub resume: Option<String>,
    /// Chat through a running `agent serve`: the one this machine announces, or the one at URL
    /// (token: AGENT_SERVE_TOKEN, else the server's token file); its backend runs the model
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "", value_parser = attach_url)]
    pub attach: Option<String>,
    /// Ask the model even when the answer cache holds this request's answer (temperature 0),
    /// and keep nothing [default: cache.enabled]
    #[arg(long)]
    pub no_cache: bool,
    #[command(flatten)]
    pub backend: BackendArgs,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question
    pub prompt: String,
    /// A system prompt to put first
    #[arg(long)]
    pub system: Option<String>,
    /// Print the event stream as JSON lines instead of text
    #[arg(long)]
    pub json: bool,
    /// Do not print token counts and speed on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Ask the model even when the answer cache holds this request's answer (temperature 0),
    /// and keep nothing [default: cache.enabled]
    #[arg(long)]
    pub no_cache: bool,
    #[command(flatten)]
    pub backend: BackendArgs,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Models every backend offers: Ollama's, GGUF files in the models directory, and the
    /// OpenAI-compatible server's (cached, so the list works while a server is down)
    #[command(alias = "ls")]
    List {
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Details of one model: family, parameters, quantisation, context length, tool support
    Show {
        /// An Ollama model name, a GGUF file (path or name in the models directory)
        name: String,
        /// Ollama's address [default: ollama.url / OLLAMA_HOST]
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Download a model: a GGUF (https:// URL or Hugging Face owner/repo/file.gguf) into the
    /// models directory, resumable and checked; any other name is pulled through Ollama
    Pull {
        /// A GGUF URL, an owner/repo/file.gguf reference, or an Ollama model name
        reference: String,
        /// Ollama's address, for Ollama models [default: ollama.url / OLLAMA_HOST]
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// The SHA-256 the file must have (hex)
        #[arg(long, value_name = "HEX")]
        sha256: Option<String>,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
        /// Then make it the default model, as `agent models use` does
        #[arg(long = "use")]
        use_it: bool,
    },
    /// Make a model the default (saved in the user configuration, with the context that fits
    /// memory): an Ollama model, a GGUF (a path or a file in the models directory, run
    /// in-process), or with --backend openai a model of the OpenAI-compatible server
    Use {
        /// An Ollama model name, a GGUF file, or a server's model id
        name: String,
        /// Which backend serves it [default: a .gguf runs in-process, anything else on Ollama]
        #[arg(long, value_enum)]
        backend: Option<BackendArg>,
        /// Ollama's address, saved as ollama.url [default: ollama.url / OLLAMA_HOST]
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Delete a model: a GGUF from the models directory, or an Ollama model
    Rm {
        /// A GGUF file name in the models directory, or an Ollama model name
        name: String,
        /// Ollama's address, for Ollama models [default: ollama.url / OLLAMA_HOST]
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Do not ask for confirmation (required when stdin is not a terminal)
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Measure prefill and decode speed (tokens/s) of a model on this machine
    Bench {
        /// Prompt length to prefill, in tokens (approximately)
        #[arg(long, default_value_t = 256)]
        prompt_tokens: u32,
        /// Tokens to generate
        #[arg(long, default_value_t = 64)]
        decode_tokens: u32,
        /// Print as JSON
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        backend: BackendArgs,
    },
    /// Show this machine's CPU, memory (with measured bandwidth) and GPUs
    Probe {
        /// Skip the ~0.1 s memory bandwidth measurement
        #[arg(long)]
        no_bandwidth: bool,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Recommend the model, quantisation and context length that fit this machine
    Recommend {
        /// Plan for this context window, in tokens [default: model.context_length]
        #[arg(long, value_name = "TOKENS")]
        context: Option<u32>,
        /// Consider general models too, not only code models
        #[arg(long)]
        any_family: bool,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Show at most this many conversations [default: history.page_size]
    #[arg(long, short = 'n')]
    pub limit: Option<u32>,
    /// Continue from the cursor printed after the previous page
    #[arg(long)]
    pub cursor: Option<String>,
    /// Only conversations updated before this time (2026-11-01, an RFC 3339 time, or an age: 7d)
    #[arg(long, value_name = "TIME")]
    pub before: Option<String>,
    /// Only conversations updated since this time (2026-11-01, an RFC 3339 time, or an age: 7d)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only conversations in this repository
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

/// Agents whose histories `history import --from` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFrom {
    /// OpenAI's Codex CLI sessions
    Codex,
    /// Claude Code's projects
    Claude,
    /// Aider's chat history
    Aider,
}

impl ImportFrom {
    pub fn tool(self) -> agent_core::import::Tool {
        use agent_core::import::Tool;
        match self {
            ImportFrom::Codex => Tool::Codex,
            ImportFrom::Claude => Tool::Claude,
            ImportFrom::Aider => Tool::Aider,
        }
    }
}

/// Formats `history export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One conversation per line, the format `history import` reads
    Jsonl,
    /// A readable transcript
    Md,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }
}

/// `agent classify [TEXT|-]` and its subcommands.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    #[command(subcommand)]
    pub command: Option<ClassifyCommand>,

    /// The task text (several words are joined by spaces; everything after the first word is
    /// text, so flags go before it); `-` reads it from stdin
    #[arg(
        value_name = "TEXT",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub text: Vec<String>,

    /// Print the verdict as JSON
    #[arg(long)]
    pub json: bool,

    /// Use the cue-word heuristic instead of the trained classifier
    #[arg(long)]
    pub heuristic: bool,

    /// The repository in which named files are looked up [default: the one containing the
    /// current directory]
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ClassifyCommand {
    /// List the trained versions, their held-out scores and which one is current
    Versions {
        /// Print them as JSON
        #[arg(long)]
        json: bool,
    },

    /// Make a version current: its number (from `versions`) or `builtin`, the shipped model
    Use {
        #[arg(value_name = "VERSION")]
        name: String,
    },

    /// Score a classifier on a labelled JSONL file of {"text", "label"}: accuracy, macro-F1
    /// and the confusion matrix
    Eval {
        #[arg(value_name = "FILE.jsonl")]
        file: PathBuf,

        /// Which classifier: a version number, `builtin`, `heuristic` or a model FILE.json
        /// (from `train --data`) [default: the current one]
        #[arg(long, value_name = "NAME")]
        classifier: Option<String>,

        /// Also write each text's verdict to this JSONL file (line by line as in FILE: the
        /// label, the predicted class, the probabilities and whether "unsure → medium" decided)
        #[arg(long, value_name = "OUT.jsonl")]
        predictions: Option<PathBuf>,

        /// Print the scores as JSON
        #[arg(long)]
        json: bool,
    },

    /// Fit a new version from your finished tasks; it becomes current only when it beats the
    /// current one on the tasks held out
    ///
    /// With --data, fit a model on a labelled JSONL file instead and write it to --output
    /// (how the shipped model is made: see data/classifier/SOURCES.md).
    Train {
        /// Only tasks finished since then (2026-11-01, an RFC 3339 time, or an age: 30d)
        #[arg(long, value_name = "WHEN", conflicts_with = "data")]
        since: Option<String>,

        /// Fit on this labelled JSONL file instead of your tasks
        #[arg(long, value_name = "FILE.jsonl", requires = "output")]
        data: Option<PathBuf>,

        /// Where --data writes the model (JSON)
        #[arg(long, value_name = "FILE", requires = "data")]
        output: Option<PathBuf>,

        /// A labelled JSONL file to score the --data model on
        #[arg(long, value_name = "FILE.jsonl", requires = "data")]
        test: Option<PathBuf>,

        /// Cross-validation folds for --data (0: none)
        #[arg(long, default_value_t = 5, value_name = "K", requires = "data")]
        folds: usize,

        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
}
