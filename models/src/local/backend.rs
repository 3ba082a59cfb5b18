//! [`LocalBackend`]: the [`ChatBackend`] over in-process GGUF models. Each call runs on its own
//! thread and streams events through a channel; the last loaded model stays in memory.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use candle_core::Device;
use tokio::sync::mpsc;

use super::device::{DevicePreference, SelectedDevice, select_device};
use super::ollama_blobs::resolve_ollama_model;
use super::session::{FinishReason, GenerationConfig, LocalModel};
use crate::chat::{ChatBackend, ChatEvent, ChatRequest, ChatStream, DoneReason};
use crate::error::{ModelError, Result};

/// Events waiting in the channel before the generation thread blocks on a slow reader.
const CHANNEL_CAPACITY: usize = 64;

/// Runs GGUF models in this process with candle. `request.model` is a path to a `.gguf` file,
/// or an Ollama model name when an Ollama models directory was given.
pub struct LocalBackend {
    device: SelectedDevice,
    ollama_models: Option<PathBuf>,
    loaded: Arc<Mutex<Option<LoadedModel>>>,
}

struct LoadedModel {
    path: PathBuf,
    model: Arc<Mutex<LocalModel>>,
}

impl LocalBackend {
    /// A backend on the best device this build supports (see [`LocalBackend::device_note`]).
    pub fn new() -> Self {
        Self::with_device(select_device(DevicePreference::Auto))
    }

    /// A backend on a chosen device.
    pub fn with_device(device: SelectedDevice) -> Self {
        Self {
            device,
            ollama_models: None,
            loaded: Arc::new(Mutex::new(None)),
        }
    }

    /// Also resolves model names (`qwen2.5-coder:7b`) among the models Ollama pulled into
    /// `models_root` (`$OLLAMA_MODELS` or `~/.ollama/models`).
    pub fn with_ollama_models(mut self, models_root: impl Into<PathBuf>) -> Self {
        self.ollama_models = Some(models_root.into());
        self
    }

    pub fn device(&self) -> &Device {
        &self.device.device
    }

    /// Why a GPU was wanted but the CPU is used, if so.
    pub fn device_note(&self) -> Option<&str> {
        self.device.note.as_deref()
    }

    /// The file a model name stands for: an existing path, else an Ollama model.
    pub fn resolve(&self, model: &str) -> Result<PathBuf> {
        resolve_model_path(model, self.ollama_models.as_deref())
    }

    /// The model for `name`, loaded now or reused from the previous call. Blocks while loading.
    pub fn model(&self, name: &str) -> Result<Arc<Mutex<LocalModel>>> {
        let path = self.resolve(name)?;
        load_cached(&self.loaded, &path, &self.device.device)
    }
}

impl Default for LocalBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl ChatBackend for LocalBackend {
    fn name(&self) -> &'static str {
        "local"
    }

    fn chat(&self, request: ChatRequest) -> ChatStream {
        let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
        let loaded = Arc::clone(&self.loaded);
        let device = self.device.device.clone();
        let ollama_models = self.ollama_models.clone();
        let error_sender = sender.clone();
        let spawned = std::thread::Builder::new()
            .name("agent-local-generate".to_string())
            .spawn(move || {
                let result = run_chat(
                    &request,
                    &loaded,
                    &device,
                    ollama_models.as_deref(),
                    &sender,
                );
                if let Err(error) = result {
                    // The reader may be gone already; nothing is left to tell then.
                    let _ = sender.blocking_send(Err(error));
                }
            });
        if let Err(error) = spawned {
            // Cannot block here (we may be inside the runtime): the channel has room for one.
            let _ = error_sender.try_send(Err(ModelError::Inference(format!(
                "cannot start the generation thread: {error}"
            ))));
        }
        drop(error_sender);
        Box::pin(futures_util::stream::unfold(
            receiver,
            |mut receiver| async move { receiver.recv().await.map(|event| (event, receiver)) },
        ))
    }
}

type EventSender = mpsc::Sender<Result<ChatEvent>>;

/// One chat call, on the generation thread.
fn run_chat(
    request: &ChatRequest,
    loaded: &Mutex<Option<LoadedModel>>,
    device: &Device,
    ollama_models: Option<&Path>,
    sender: &EventSender,
) -> Result<()> {
    let path = resolve_model_path(&request.model, ollama_models)?;
    let model = load_cached(loaded, &path, device)?;
    let mut model = lock(&model)?;
    if sender.is_closed() {
        return Ok(());
    }
    let prompt = model.prompt_tokens(request)?;
    let config = GenerationConfig::from_request(request);
    let generation = model.generate(&prompt, &config, &mut |delta| {
        if sender.is_closed() {
            return ControlFlow::Break(());
        }
        if delta.is_empty() {
            return ControlFlow::Continue(());
        }
        let event = ChatEvent::TextDelta {
            text: delta.to_string(),
        };
        match sender.blocking_send(Ok(event)) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    })?;
    let reason = match generation.finish {
        FinishReason::Stop => DoneReason::Stop,
        FinishReason::Length => DoneReason::Length,
        FinishReason::Cancelled => return Ok(()),
    };
    // A closed channel means nobody listens any more; there is nothing to do about it.
    let _ = sender.blocking_send(Ok(ChatEvent::Usage {
        usage: generation.usage,
    }));
    let _ = sender.blocking_send(Ok(ChatEvent::Done { reason }));
    Ok(())
}

/// `model` as a path when it names an existing file, else an Ollama model when a models root
/// is known, else not found.
pub fn resolve_model_path(model: &str, ollama_models: Option<&Path>) -> Result<PathBuf> {
    let path = Path::new(model);
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    let looks_like_path = model.ends_with(".gguf") || model.contains(std::path::MAIN_SEPARATOR);
    match ollama_models {
        Some(root) if !looks_like_path => resolve_ollama_model(root, model),
        _ => Err(ModelError::ModelNotFound {
            backend: "local",
            model: model.to_string(),
        }),
    }
}

/// The model at `path`, reusing the loaded one when it is the same file. Loading another
/// file replaces it (one model in memory at a time).
fn load_cached(
    loaded: &Mutex<Option<LoadedModel>>,
    path: &Path,
    device: &Device,
) -> Result<Arc<Mutex<LocalModel>>> {
    let mut slot = lock(loaded)?;
    if let Some(current) = slot.as_ref()
        && current.path == path
    {
        return Ok(Arc::clone(&current.model));
    }
    // Free the old weights before reading the new ones.
    *slot = None;
    let model = Arc::new(Mutex::new(LocalModel::load(path, device)?));
    *slot = Some(LoadedModel {
        path: path.to_path_buf(),
        model: Arc::clone(&model),
    });
    Ok(model)
}

/// Locks `mutex`; a thread that panicked while holding it leaves it unusable, which is
/// reported instead of propagating the panic.
fn lock<T>(mutex: &Mutex<T>) -> Result<MutexGuard<'_, T>> {
    mutex.lock().map_err(|_| {
        ModelError::Inference("the model was left unusable by a failed call".to_string())
    })
}
