//! [`LocalBackend`]: the [`ChatBackend`] over in-process GGUF models. Each call runs on its own
//! thread and streams events through a channel; the last loaded model stays in memory. Tool
//! calls the model writes as text are found by a [`ToolCallFilter`].

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use candle_core::Device;
use tokio::sync::mpsc;

use super::device::{DevicePreference, SelectedDevice, select_device};
use super::ollama_blobs::resolve_ollama_model;
use super::prefix_store::PrefixStore;
use super::session::{FinishReason, Generation, GenerationConfig, LocalModel};
use crate::chat::{
    ChatBackend, ChatEvent, ChatRequest, ChatStream, DoneReason, IdentityFuture, ToolSpec,
};
use crate::error::{ModelError, Result};
use crate::tool_format::ToolCallFilter;

/// Events waiting in the channel before the generation thread blocks on a slow reader.
const CHANNEL_CAPACITY: usize = 64;

/// Runs GGUF models in this process with candle. `request.model` is a path to a `.gguf` file,
/// or an Ollama model name when an Ollama models directory was given.
pub struct LocalBackend {
    device: SelectedDevice,
    ollama_models: Option<PathBuf>,
    prefix_store: Option<PrefixStore>,
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
            prefix_store: None,
            loaded: Arc::new(Mutex::new(None)),
        }
    }

    /// Also resolves model names (`qwen2.5-coder:7b`) among the models Ollama pulled into
    /// `models_root` (`$OLLAMA_MODELS` or `~/.ollama/models`).
    pub fn with_ollama_models(mut self, models_root: impl Into<PathBuf>) -> Self {
        self.ollama_models = Some(models_root.into());
        self
    }

    /// Keeps the prefilled system prompt and tools of the native engine's prompts in `store`,
    /// so that the next process starts from them (see [`LocalModel::use_prefix_store`]).
    pub fn with_prefix_store(mut self, store: PrefixStore) -> Self {
        self.prefix_store = Some(store);
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
        load_cached(
            &self.loaded,
            &path,
            &self.device.device,
            self.prefix_store.as_ref(),
        )
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
        let prefix_store = self.prefix_store.clone();
        let error_sender = sender.clone();
        let spawned = std::thread::Builder::new()
            .name("agent-local-generate".to_string())
            .spawn(move || {
                let result = run_chat(
                    &request,
                    Place {
                        loaded: &loaded,
                        device: &device,
                        ollama_models: ollama_models.as_deref(),
                        prefix_store: prefix_store.as_ref(),
                    },
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

    /// The GGUF file's path, size and modification time (a changed file is another model).
    fn model_identity<'a>(&'a self, model: &'a str) -> IdentityFuture<'a> {
        Box::pin(std::future::ready(
            self.resolve(model)
                .ok()
                .and_then(|path| file_identity(&path)),
        ))
    }
}

type EventSender = mpsc::Sender<Result<ChatEvent>>;

/// Where a chat call finds its model.
struct Place<'a> {
    loaded: &'a Mutex<Option<LoadedModel>>,
    device: &'a Device,
    ollama_models: Option<&'a Path>,
    prefix_store: Option<&'a PrefixStore>,
}

/// One chat call, on the generation thread.
fn run_chat(request: &ChatRequest, place: Place<'_>, sender: &EventSender) -> Result<()> {
    let path = resolve_model_path(&request.model, place.ollama_models)?;
    let model = load_cached(place.loaded, &path, place.device, place.prefix_store)?;
    let mut model = lock(&model)?;
    if sender.is_closed() {
        return Ok(());
    }
    let prompt = model.chat_prompt(request)?;
    let config = GenerationConfig::from_request(request);
    send_answer(&request.tools, sender, |on_text| {
        model.generate_chat(&prompt, &config, on_text)
    })
}

/// Runs `generate` and sends its answer: text deltas and the tool calls a [`ToolCallFilter`]
/// for `tools` finds in them, then usage, then done. `generate` calls its argument with each
/// piece of text and stops when told to; after a cancelled generation nothing more is sent.
fn send_answer(
    tools: &[ToolSpec],
    sender: &EventSender,
    generate: impl FnOnce(&mut dyn FnMut(&str) -> ControlFlow<()>) -> Result<Generation>,
) -> Result<()> {
    let mut filter = ToolCallFilter::new(tools);
    let generation = generate(&mut |delta| {
        if sender.is_closed() {
            return ControlFlow::Break(());
        }
        let text = filter.push(delta);
        if text.is_empty() {
            return ControlFlow::Continue(());
        }
        match sender.blocking_send(Ok(ChatEvent::TextDelta { text })) {
            Ok(()) => ControlFlow::Continue(()),
            Err(_) => ControlFlow::Break(()),
        }
    })?;
    let reason = match generation.finish {
        FinishReason::Stop => DoneReason::Stop,
        FinishReason::Length => DoneReason::Length,
        FinishReason::Cancelled => return Ok(()),
    };
    let mut events = filter.finish();
    events.push(ChatEvent::Usage {
        usage: generation.usage,
    });
    events.push(ChatEvent::Done {
        reason: filter.done_reason(reason),
    });
    for event in events {
        // A closed channel means nobody listens any more; there is nothing to do about it.
        if sender.blocking_send(Ok(event)).is_err() {
            break;
        }
    }
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

/// `local PATH SIZE MTIME_NS` of a model file, `None` when it cannot be read.
pub fn file_identity(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    Some(format!(
        "local {} {} {modified}",
        path.display(),
        meta.len()
    ))
}

/// The model at `path`, reusing the loaded one when it is the same file. Loading another
/// file replaces it (one model in memory at a time).
fn load_cached(
    loaded: &Mutex<Option<LoadedModel>>,
    path: &Path,
    device: &Device,
    prefix_store: Option<&PrefixStore>,
) -> Result<Arc<Mutex<LocalModel>>> {
    let mut slot = lock(loaded)?;
    if let Some(current) = slot.as_ref()
        && current.path == path
    {
        return Ok(Arc::clone(&current.model));
    }
    // Free the old weights before reading the new ones.
    *slot = None;
    let mut model = LocalModel::load(path, device)?;
    model.use_prefix_store(prefix_store.cloned());
    let model = Arc::new(Mutex::new(model));
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::chat::{ToolCall, Usage};

    fn read_file_tool() -> ToolSpec {
        ToolSpec {
            name: "read_file".into(),
            description: "Read a file".into(),
            parameters: json!({"type": "object", "properties": {"path": {"type": "string"}},
                "required": ["path"]}),
        }
    }

    fn generation(text: &str, finish: FinishReason) -> Generation {
        Generation {
            tokens: vec![1, 2, 3],
            text: text.to_string(),
            finish,
            usage: Usage {
                prompt_tokens: 10,
                completion_tokens: 3,
                ..Usage::default()
            },
            reused_prompt_tokens: 0,
        }
    }

    fn drain(receiver: &mut mpsc::Receiver<Result<ChatEvent>>) -> Vec<ChatEvent> {
        let mut events = Vec::new();
        while let Ok(event) = receiver.try_recv() {
            events.push(event.unwrap());
        }
        events
    }

    const DELTAS: [&str; 3] = [
        "Let me look.\n",
        "<tool_call>\n{\"name\": \"read_file\", ",
        "\"arguments\": {\"path\": \"a.rs\"}}\n</tool_call>",
    ];

    #[test]
    fn calls_written_as_text_become_tool_call_events_before_usage_and_done() {
        let (sender, mut receiver) = mpsc::channel(CHANNEL_CAPACITY);
        let mut during = Vec::new();
        send_answer(&[read_file_tool()], &sender, |on_text| {
            for delta in DELTAS {
                assert!(on_text(delta).is_continue());
                during.push(drain(&mut receiver));
            }
            Ok(generation(&DELTAS.concat(), FinishReason::Stop))
        })
        .unwrap();
        assert_eq!(
            during,
            [
                vec![ChatEvent::TextDelta {
                    text: "Let me look.\n".into()
                }],
                vec![],
                vec![],
            ],
            "the prose streams while the call is held"
        );
        let usage = generation("", FinishReason::Stop).usage;
        assert_eq!(
            drain(&mut receiver),
            [
                ChatEvent::ToolCall {
                    call: ToolCall {
                        id: "call_1".into(),
                        name: "read_file".into(),
                        arguments: json!({"path": "a.rs"}),
                    }
                },
                ChatEvent::Usage { usage },
                ChatEvent::Done {
                    reason: DoneReason::ToolCalls
                },
            ]
        );
    }

    #[test]
    fn without_tools_the_text_streams_as_it_came() {
        let (sender, mut receiver) = mpsc::channel(CHANNEL_CAPACITY);
        send_answer(&[], &sender, |on_text| {
            for delta in DELTAS {
                let _ = on_text(delta);
            }
            Ok(generation(&DELTAS.concat(), FinishReason::Length))
        })
        .unwrap();
        let mut expected: Vec<ChatEvent> = DELTAS
            .iter()
            .map(|delta| ChatEvent::TextDelta {
                text: delta.to_string(),
            })
            .collect();
        expected.push(ChatEvent::Usage {
            usage: generation("", FinishReason::Length).usage,
        });
        expected.push(ChatEvent::Done {
            reason: DoneReason::Length,
        });
        assert_eq!(drain(&mut receiver), expected);
    }

    #[test]
    fn a_cancelled_answer_sends_nothing_more() {
        let (sender, mut receiver) = mpsc::channel(CHANNEL_CAPACITY);
        send_answer(&[read_file_tool()], &sender, |on_text| {
            for delta in DELTAS {
                let _ = on_text(delta);
            }
            Ok(generation("", FinishReason::Cancelled))
        })
        .unwrap();
        assert_eq!(
            drain(&mut receiver),
            [ChatEvent::TextDelta {
                text: "Let me look.\n".into()
            }]
        );
    }

    #[test]
    fn a_closed_stream_stops_the_generation() {
        let (sender, receiver) = mpsc::channel(CHANNEL_CAPACITY);
        drop(receiver);
        send_answer(&[], &sender, |on_text| {
            assert!(on_text("hello").is_break());
            Ok(generation("hello", FinishReason::Cancelled))
        })
        .unwrap();
    }
}
