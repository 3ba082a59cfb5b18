//! The core session of this process: one `agent_core::session::Session`, set up with the
//! binary's paths and its model resolver (flags → configuration → backends), that every front
//! (`task run`, `ask`, the chat) drives with ops.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use agent_core::config::ResolvedConfig;
use agent_core::session::{ModelResolver, Session, SessionSetup};
use agent_core::task::ModelTarget;
use agent_core::tools::ToolSettings;
use agent_models::tool_format::ToolFormat;

use crate::app::App;
use crate::backend::select;
use crate::cli::{BackendArg, BackendArgs};
use crate::exit::UserError;
use crate::tool_check::{self, Known};

/// Starts the session of this process. `flags` are the backend flags of the command: a model
/// named in an op replaces only the model.
pub fn start(app: &App, resolved: &ResolvedConfig, models: Arc<FlagModels>) -> Session {
    start_with(app, resolved, models, None)
}

/// [`start`] with a limit on how long a question waits for its answer (`None`: until the task
/// or chat ends).
pub fn start_with(
    app: &App,
    resolved: &ResolvedConfig,
    models: Arc<FlagModels>,
    approval_timeout: Option<std::time::Duration>,
) -> Session {
    Session::new(SessionSetup {
        database: app.paths.database_file(),
        store_options: App::store_options(resolved),
        redactor: Some(Arc::new(app.redactor(resolved))),
        config: resolved.config.clone(),
        models,
        worktrees_dir: app.paths.data_dir.join("worktrees"),
        user_prompts_dir: Some(app.paths.config_dir.join("prompts")),
        cache_dir: app.paths.cache_dir.clone(),
        env: app.env.clone(),
        tool_settings: ToolSettings::default(),
        commands: app.command_policy(&resolved.config),
        verify_timeout: agent_core::verify::DEFAULT_TIMEOUT,
        approval_timeout,
    })
}

/// Models chosen the way every model-using command chooses them ([`select`]), each set up once
/// per process (an in-process model stays loaded across turns and tasks), each in the tool format
/// its check found ([`crate::tool_check`]; checked before its first task).
pub struct FlagModels {
    app: App,
    resolved: ResolvedConfig,
    flags: BackendArgs,
    /// Whether a first run may offer a download on the terminal.
    interactive: bool,
    /// Whether notes (the tool check's) stay off stderr (the chat's screen owns the terminal).
    quiet: AtomicBool,
    /// Each model set up so far (in the backend's own format), with where it runs.
    ready: Mutex<HashMap<Option<String>, (ModelTarget, String)>>,
    /// What the store (or this process's own check) says of each (backend, model) so far:
    /// `None` not checked yet.
    formats: Mutex<Formats>,
    /// The fallback model (`fallback.*`), once set up: `Some(None)` when none is configured.
    fallback: Mutex<Option<Option<ModelTarget>>>,
}

/// (backend, model) → what its check found (or that it failed), `None` when not checked.
type Formats = HashMap<(String, String), Option<Known>>;

impl FlagModels {
    pub fn new(app: &App, resolved: &ResolvedConfig, flags: &BackendArgs) -> Arc<Self> {
        Self::with_interaction(app, resolved, flags, true)
    }

    /// Models for a process nobody answers on the terminal (`agent serve`): a first run never
    /// offers a download.
    pub fn non_interactive(app: &App, resolved: &ResolvedConfig, flags: &BackendArgs) -> Arc<Self> {
        Self::with_interaction(app, resolved, flags, false)
    }

    fn with_interaction(
        app: &App,
        resolved: &ResolvedConfig,
        flags: &BackendArgs,
        interactive: bool,
    ) -> Arc<Self> {
        Arc::new(Self {
            app: app.clone(),
            resolved: resolved.clone(),
            flags: flags.clone(),
            interactive,
            quiet: AtomicBool::new(false),
            ready: Mutex::default(),
            formats: Mutex::default(),
            fallback: Mutex::default(),
        })
    }

    /// Keeps notes off stderr from now on (or lets them through again).
    pub fn set_quiet(&self, quiet: bool) {
        self.quiet.store(quiet, Ordering::Relaxed);
    }

    /// The model named `model` (`None`: the one the flags and configuration choose), with the
    /// binary's own errors and hints; in the prompt-level tool format when its check chose it.
    pub fn select(&self, model: Option<&str>) -> anyhow::Result<ModelTarget> {
        let target = self.plain(model)?;
        Ok(match self.known_format(&target)? {
            Some(Known::Checked(format, _)) => tool_check::apply(target, format),
            _ => target,
        })
    }

    /// `target` (from [`FlagModels::select`]) as it runs tasks: its tool-calling check is run
    /// when the store has none, and a model that cannot call tools is refused. A check that
    /// failed is remembered: the process does not wait for it a second time.
    pub fn for_tasks(&self, target: ModelTarget) -> anyhow::Result<ModelTarget> {
        match self.known_format(&target)? {
            Some(Known::Checked(ToolFormat::None, detail)) => {
                Err(tool_check::refusal(&target.model, &detail))
            }
            Some(_) => Ok(target),
            None => {
                let store = self.app.open_store(&self.resolved)?;
                let quiet = self.quiet.load(Ordering::Relaxed);
                let say = |line: &str| {
                    if !quiet {
                        crate::output::note(line);
                    }
                };
                let timeout = Duration::from_secs(self.resolved.config.model.tool_check_timeout);
                let found = tool_check::check(&store, &target, timeout, &say)?;
                self.lock_formats()
                    .insert(key_of(&target), Some(found.clone()));
                match found {
                    Known::Checked(ToolFormat::None, detail) => {
                        Err(tool_check::refusal(&target.model, &detail))
                    }
                    Known::Checked(format, _) => Ok(tool_check::apply(target, format)),
                    Known::Failed(_) => Ok(target),
                }
            }
        }
    }

    /// Where a model set up by [`FlagModels::select`] runs.
    pub fn endpoint(&self, model: Option<&str>) -> Option<String> {
        self.lock()
            .get(&model.map(str::to_string))
            .map(|(_, endpoint)| endpoint.clone())
    }

    /// The model in its backend's own format, set up once. A `backend:` prefix (a routing
    /// candidate's `openai:gpt-4o-mini`) picks the backend; the flags' server address then
    /// only applies when it is the flags' backend too.
    fn plain(&self, model: Option<&str>) -> anyhow::Result<ModelTarget> {
        let key = model.map(str::to_string);
        if let Some((target, _)) = self.lock().get(&key) {
            return Ok(target.clone());
        }
        let (prefix, name) = match model {
            Some(model) => {
                let (prefix, name) = agent_core::routing::candidate::split_backend(model);
                (prefix, Some(name.to_string()))
            }
            None => (None, None),
        };
        let mut flags = BackendArgs {
            model: name.or_else(|| self.flags.model.clone()),
            ..self.flags.clone()
        };
        if let Some(prefix) = prefix {
            let backend = match prefix {
                "ollama" => BackendArg::Ollama,
                "openai" => BackendArg::Openai,
                _ => BackendArg::Local,
            };
            let configured = agent_core::config::Backend::from_name(prefix)
                == Some(self.resolved.config.model.backend);
            if flags.backend.is_some_and(|flag| flag != backend)
                || (flags.backend.is_none() && !configured)
            {
                flags.base_url = None;
            }
            flags.backend = Some(backend);
        }
        let selected = select(&self.app, &self.resolved, &flags, self.interactive)?;
        let endpoint = selected.endpoint.clone();
        let target = selected.into_target();
        self.lock().insert(key, (target.clone(), endpoint));
        Ok(target)
    }

    /// The stored tool format of `target`'s model, read from the store once per process.
    fn known_format(&self, target: &ModelTarget) -> anyhow::Result<Option<Known>> {
        let key = key_of(target);
        if let Some(known) = self.lock_formats().get(&key) {
            return Ok(known.clone());
        }
        let store = self.app.open_store(&self.resolved)?;
        let found = tool_check::stored(&store, target)?;
        self.lock_formats().insert(key, found.clone());
        Ok(found)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Option<String>, (ModelTarget, String)>> {
        self.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_formats(&self) -> std::sync::MutexGuard<'_, Formats> {
        self.formats.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn key_of(target: &ModelTarget) -> (String, String) {
    (target.backend_name.clone(), target.model.clone())
}

/// An error of the binary as the core's model-selection error (its hint kept).
fn as_selection_error(error: anyhow::Error) -> agent_core::Error {
    agent_core::Error::ModelSelection {
        hint: error
            .downcast_ref::<UserError>()
            .and_then(|user| user.hint.clone()),
        message: format!("{error:#}"),
    }
}

impl ModelResolver for FlagModels {
    fn resolve(&self, model: Option<&str>) -> agent_core::Result<ModelTarget> {
        self.select(model).map_err(as_selection_error)
    }

    fn for_tasks(&self, target: ModelTarget) -> agent_core::Result<ModelTarget> {
        FlagModels::for_tasks(self, target).map_err(as_selection_error)
    }

    fn named(&self) -> bool {
        self.flags.model.is_some()
    }

    fn fallback(&self) -> agent_core::Result<Option<ModelTarget>> {
        let mut cached = self.fallback.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = cached.as_ref() {
            return Ok(known.clone());
        }
        let target = crate::backend::select_fallback(&self.app, &self.resolved)
            .map_err(as_selection_error)?;
        *cached = Some(target.clone());
        Ok(target)
    }
}
