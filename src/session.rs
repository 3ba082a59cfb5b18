//! The core session of this process: one `agent_core::session::Session`, set up with the
//! binary's paths and its model resolver (flags → configuration → backends), that every front
//! (`task run`, `ask`, the chat) drives with ops.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use agent_core::config::ResolvedConfig;
use agent_core::session::{ModelResolver, Session, SessionSetup};
use agent_core::task::ModelTarget;
use agent_core::tools::ToolSettings;

use crate::app::App;
use crate::backend::select;
use crate::cli::BackendArgs;
use crate::exit::UserError;

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
/// per process (an in-process model stays loaded across turns and tasks).
pub struct FlagModels {
    app: App,
    resolved: ResolvedConfig,
    flags: BackendArgs,
    /// Each model set up so far, with where it runs (a server URL, or the GGUF file).
    ready: Mutex<HashMap<Option<String>, (ModelTarget, String)>>,
}

impl FlagModels {
    pub fn new(app: &App, resolved: &ResolvedConfig, flags: &BackendArgs) -> Arc<Self> {
        Arc::new(Self {
            app: app.clone(),
            resolved: resolved.clone(),
            flags: flags.clone(),
            ready: Mutex::default(),
        })
    }

    /// The model named `model` (`None`: the one the flags and configuration choose), with the
    /// binary's own errors and hints.
    pub fn select(&self, model: Option<&str>) -> anyhow::Result<ModelTarget> {
        let key = model.map(str::to_string);
        if let Some((target, _)) = self.lock().get(&key) {
            return Ok(target.clone());
        }
        let flags = BackendArgs {
            model: key.clone().or_else(|| self.flags.model.clone()),
            ..self.flags.clone()
        };
        let selected = select(&self.app, &self.resolved, &flags)?;
        let endpoint = selected.endpoint.clone();
        let target = selected.into_target();
        self.lock().insert(key, (target.clone(), endpoint));
        Ok(target)
    }

    /// Where a model set up by [`FlagModels::select`] runs.
    pub fn endpoint(&self, model: Option<&str>) -> Option<String> {
        self.lock()
            .get(&model.map(str::to_string))
            .map(|(_, endpoint)| endpoint.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Option<String>, (ModelTarget, String)>> {
        self.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ModelResolver for FlagModels {
    fn resolve(&self, model: Option<&str>) -> agent_core::Result<ModelTarget> {
        self.select(model)
            .map_err(|error| agent_core::Error::ModelSelection {
                hint: error
                    .downcast_ref::<UserError>()
                    .and_then(|user| user.hint.clone()),
                message: format!("{error:#}"),
            })
    }
}
