//! A scripted OpenAI-compatible model server for task tests: each chat request gets the next
//! scripted reply (text, tool calls, a stall), streamed as SSE; every request body is kept.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use super::common::read_request;

/// One scripted model reply.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Plain text, then `finish_reason: stop`.
    Text(String),
    /// Tool calls (name, arguments as JSON text), then `finish_reason: tool_calls`.
    Calls(Vec<(String, String)>),
    /// Wait this long before answering with the inner reply.
    After(Duration, Box<Reply>),
}

/// A text reply.
pub fn text(text: &str) -> Reply {
    Reply::Text(text.to_string())
}

/// One tool call with JSON arguments.
pub fn call(name: &str, arguments: Value) -> Reply {
    Reply::Calls(vec![(name.to_string(), arguments.to_string())])
}

/// One tool call whose arguments are the raw text given (may be malformed JSON).
pub fn raw_call(name: &str, arguments: &str) -> Reply {
    Reply::Calls(vec![(name.to_string(), arguments.to_string())])
}

/// How the model answers agent's tool-calling check (a request offering `add_numbers`), which
/// is kept apart from the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A native call.
    Native,
    /// Text without a call natively; a ```tool block in the prompt-level request.
    AsText,
    /// No call either way.
    Never,
    /// A native call, this long after the request (a model that stalls or loads slowly).
    Stall(Duration),
}

/// The server: its base URL and the bodies of the chat requests it received.
pub struct ScriptedServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Value>>>,
    /// When each chat request arrived, in seconds since the epoch.
    arrivals: Arc<Mutex<Vec<f64>>>,
    checks: Arc<Mutex<Vec<Value>>>,
    authorizations: Arc<Mutex<Vec<Option<String>>>>,
}

impl ScriptedServer {
    /// Serves `replies` in order; once they run out, every further request gets "done". The
    /// model calls tools natively.
    pub fn start(replies: Vec<Reply>) -> Self {
        Self::start_checked(replies, Check::Native)
    }

    /// [`ScriptedServer::start`] with the model answering the tool-calling check as `check`.
    pub fn start_checked(replies: Vec<Reply>, check: Check) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let checks = Arc::new(Mutex::new(Vec::new()));
        let authorizations = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let arrived = arrivals.clone();
        let seen_checks = checks.clone();
        let auth = authorizations.clone();
        let script = Arc::new(Mutex::new(replies.into_iter()));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let seen = (seen.clone(), arrived.clone());
                let seen_checks = seen_checks.clone();
                let auth = auth.clone();
                let script = script.clone();
                std::thread::spawn(move || {
                    serve(
                        stream,
                        (&seen.0, &seen.1),
                        &seen_checks,
                        check,
                        &auth,
                        &script,
                    )
                });
            }
        });
        Self {
            base_url,
            requests,
            arrivals,
            checks,
            authorizations,
        }
    }

    /// The JSON bodies of the tool-calling checks so far (not among [`ScriptedServer::requests`]).
    pub fn checks(&self) -> Vec<Value> {
        self.checks.lock().unwrap().clone()
    }

    /// The `Authorization` header of every request so far (model listings included).
    pub fn authorizations(&self) -> Vec<Option<String>> {
        self.authorizations.lock().unwrap().clone()
    }

    /// The JSON bodies of the chat requests so far.
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().unwrap().clone()
    }

    /// When each chat request arrived, in seconds since the epoch (as Python's `time.time()`).
    pub fn request_times(&self) -> Vec<f64> {
        self.arrivals.lock().unwrap().clone()
    }

    /// All the text of request `index` (messages' contents joined).
    pub fn request_text(&self, index: usize) -> String {
        let requests = self.requests();
        let body = &requests[index];
        body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn serve(
    stream: TcpStream,
    (seen, arrivals): (&Mutex<Vec<Value>>, &Mutex<Vec<f64>>),
    checks: &Mutex<Vec<Value>>,
    check: Check,
    authorizations: &Mutex<Vec<Option<String>>>,
    script: &Mutex<std::vec::IntoIter<Reply>>,
) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    authorizations
        .lock()
        .unwrap()
        .push(request.authorization.clone());
    let mut out = stream;
    if request.path.ends_with("/models") {
        let body = r#"{"object":"list","data":[{"id":"tiny","object":"model","owned_by":"test"}]}"#;
        let _ = write!(
            out,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        return;
    }
    let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    let prompt_tokens = request.body.len() / 4;
    let mut reply = if request.body.contains("add_numbers") {
        let native = body["tools"].as_array().is_some_and(|t| !t.is_empty());
        checks.lock().unwrap().push(body);
        let call = r#"{"name": "add_numbers", "arguments": {"a": 2, "b": 3}}"#;
        match (check, native) {
            (Check::Native, _) => {
                Reply::Calls(vec![("add_numbers".into(), r#"{"a": 2, "b": 3}"#.into())])
            }
            (Check::AsText, false) => Reply::Text(format!("```tool\n{call}\n```")),
            (Check::AsText, true) => Reply::Text("I would add them.".into()),
            (Check::Never, _) => Reply::Text("2 + 3 = 5".into()),
            (Check::Stall(delay), _) => Reply::After(
                delay,
                Box::new(Reply::Calls(vec![(
                    "add_numbers".into(),
                    r#"{"a": 2, "b": 3}"#.into(),
                )])),
            ),
        }
    } else {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        arrivals.lock().unwrap().push(now);
        seen.lock().unwrap().push(body);
        script
            .lock()
            .unwrap()
            .next()
            .unwrap_or_else(|| Reply::Text("Done".into()))
    };
    while let Reply::After(delay, inner) = reply {
        std::thread::sleep(delay);
        reply = *inner;
    }
    let _ = write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
    );
    let chunk = |delta: Value, finish: Value| {
        json!({"id":"c","object":"chat.completion.chunk","model":"tiny",
               "choices":[{"index":0,"delta":delta,"finish_reason":finish}]})
    };
    let mut send = |value: Value| {
        let _ = write!(out, "data: {value}\n\n");
        let _ = out.flush();
    };
    send(chunk(json!({"role":"assistant"}), Value::Null));
    let finish = match &reply {
        Reply::Text(text) => {
            for piece in text.split_inclusive(' ') {
                send(chunk(json!({"content": piece}), Value::Null));
            }
            "stop"
        }
        Reply::Calls(calls) => {
            for (index, (name, arguments)) in calls.iter().enumerate() {
                let id = format!("call_{}_{index}", seen.lock().unwrap().len());
                send(chunk(
                    json!({"tool_calls":[{"index":index,"id":id,"type":"function",
                                          "function":{"name":name,"arguments":""}}]}),
                    Value::Null,
                ));
                // Arguments arrive in two pieces, as real servers stream them.
                let middle = arguments.len() / 2;
                let split = (0..=middle)
                    .rev()
                    .find(|i| arguments.is_char_boundary(*i))
                    .unwrap_or(0);
                for part in [&arguments[..split], &arguments[split..]] {
                    send(chunk(
                        json!({"tool_calls":[{"index":index,"function":{"arguments":part}}]}),
                        Value::Null,
                    ));
                }
            }
            "tool_calls"
        }
        Reply::After(..) => "stop",
    };
    send(chunk(json!({}), json!(finish)));
    send(
        json!({"id":"c","object":"chat.completion.chunk","model":"tiny","choices":[],
                "usage":{"prompt_tokens":prompt_tokens,"completion_tokens":7,"total_tokens":prompt_tokens + 7}}),
    );
    let _ = write!(out, "data: [DONE]\n\n");
    let _ = out.flush();
}
