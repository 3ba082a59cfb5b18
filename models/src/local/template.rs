//! The chat template (`tokenizer.chat_template`, a Jinja template) rendered with minijinja the
//! way Hugging Face renders it, with ChatML as the fallback for files without one.

use std::time::{SystemTime, UNIX_EPOCH};

use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{Environment, Error, ErrorKind, context};
use serde_json::json;

use crate::chat::{ChatMessage, ToolSpec};
use crate::error::{ModelError, Result};

/// ChatML, used when a file has no template (Qwen's format; `<|im_start|>role\n...<|im_end|>`).
pub const CHATML_TEMPLATE: &str = "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

const TEMPLATE_NAME: &str = "chat";

/// A compiled chat template and the special-token texts it may refer to.
pub struct ChatTemplate {
    environment: Environment<'static>,
    source: String,
    bos_token: String,
    eos_token: String,
    is_fallback: bool,
    reads_tools: bool,
}

impl ChatTemplate {
    /// Compiles `source`, or ChatML when `None`. A template that does not compile is an error
    /// naming the problem.
    pub fn new(source: Option<&str>, bos_token: &str, eos_token: &str) -> Result<Self> {
        let is_fallback = source.is_none();
        let source = source.unwrap_or(CHATML_TEMPLATE).to_string();
        let mut environment = Environment::new();
        environment.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .map_err(|error| template_error("cannot configure the template engine", &error))?,
        );
        environment
            .set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
        environment.add_function("raise_exception", raise_exception);
        environment.add_function("strftime_now", strftime_now);
        environment.add_filter("tojson", tojson);
        environment
            .add_template_owned(TEMPLATE_NAME, source.clone())
            .map_err(|error| template_error("the chat template does not compile", &error))?;
        let reads_tools = environment
            .get_template(TEMPLATE_NAME)
            .map(|template| template.undeclared_variables(false).contains("tools"))
            .map_err(|error| template_error("the chat template is missing", &error))?;
        Ok(Self {
            environment,
            source,
            bos_token: bos_token.to_string(),
            eos_token: eos_token.to_string(),
            is_fallback,
            reads_tools,
        })
    }

    /// Renders `messages` (and `tools`, when any) into prompt text.
    pub fn render(
        &self,
        messages: &[ChatMessage],
        tools: &[ToolSpec],
        add_generation_prompt: bool,
    ) -> Result<String> {
        let messages: Vec<serde_json::Value> = messages.iter().map(message_json).collect();
        let tools: Option<Vec<serde_json::Value>> =
            (!tools.is_empty()).then(|| tools.iter().map(tool_json).collect());
        let template = self
            .environment
            .get_template(TEMPLATE_NAME)
            .map_err(|error| template_error("the chat template is missing", &error))?;
        template
            .render(context! {
                messages => Value::from(Serde(&messages)),
                tools => Value::from(Serde(&tools)),
                add_generation_prompt => add_generation_prompt,
                bos_token => self.bos_token.as_str(),
                eos_token => self.eos_token.as_str(),
            })
            .map_err(|error| template_error("cannot render the chat template", &error))
    }

    /// The template text (the file's, or ChatML).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the file had no template and ChatML is used.
    pub fn is_fallback(&self) -> bool {
        self.is_fallback
    }

    /// True when the template reads the `tools` variable, so the model was trained to be shown
    /// tools (and to call them its own way). Without it, tools must go into the prompt as text.
    pub fn reads_tools(&self) -> bool {
        self.reads_tools
    }
}

/// A message as Hugging Face templates expect it (OpenAI's shape).
fn message_json(message: &ChatMessage) -> serde_json::Value {
    let mut object = json!({
        "role": message.role.as_str(),
        "content": message.content,
    });
    if !message.tool_calls.is_empty() {
        object["tool_calls"] = message
            .tool_calls
            .iter()
            .map(|call| {
                json!({
                    "id": call.id,
                    "type": "function",
                    "function": { "name": call.name, "arguments": call.arguments },
                })
            })
            .collect();
    }
    if let Some(id) = &message.tool_call_id {
        object["tool_call_id"] = json!(id);
    }
    if let Some(name) = &message.tool_name {
        object["name"] = json!(name);
    }
    object
}

fn tool_json(tool: &ToolSpec) -> serde_json::Value {
    json!({
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        },
    })
}

fn template_error(context: &str, error: &Error) -> ModelError {
    ModelError::InvalidRequest(format!("{context}: {}", crate::text::error_chain(error)))
}

/// `raise_exception(message)`: templates call it to refuse a conversation they cannot render.
fn raise_exception(message: String) -> std::result::Result<Value, Error> {
    Err(Error::new(ErrorKind::InvalidOperation, message))
}

/// `value | tojson(indent=N)` as Python's `json.dumps(ensure_ascii=False)` writes it
/// (`", "` and `": "` separators), which is what the templates were written against.
fn tojson(value: Value, kwargs: Kwargs) -> std::result::Result<Value, Error> {
    let indent: Option<usize> = kwargs.get("indent")?;
    kwargs.assert_all_used()?;
    let json = serde_json::to_value(&value)
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, error.to_string()))?;
    let mut out = Vec::new();
    let result = match indent {
        Some(width) => {
            let indent = vec![b' '; width];
            let formatter = serde_json::ser::PrettyFormatter::with_indent(&indent);
            let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
            serde::Serialize::serialize(&json, &mut serializer)
        }
        None => {
            let mut serializer = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
            serde::Serialize::serialize(&json, &mut serializer)
        }
    };
    result.map_err(|error| Error::new(ErrorKind::InvalidOperation, error.to_string()))?;
    let text = String::from_utf8(out)
        .map_err(|error| Error::new(ErrorKind::InvalidOperation, error.to_string()))?;
    Ok(Value::from_safe_string(text))
}

/// serde_json's compact output with Python's default separators.
struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
}

/// `strftime_now(format)` (Llama 3.x templates print today's date): UTC, with the directives
/// those templates use (`%d %-d %m %b %B %Y %H %M %S %%`).
fn strftime_now(format: String) -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|duration| duration.as_secs())
        .unwrap_or(0);
    format_utc(seconds, &format)
}

fn format_utc(unix_seconds: u64, format: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let days = (unix_seconds / 86_400) as i64;
    let second_of_day = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let month_name = MONTHS[(month - 1) as usize];
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(character) = chars.next() {
        if character != '%' {
            out.push(character);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str(&format!("{day:02}")),
            Some('-') => match chars.next() {
                Some('d') => out.push_str(&day.to_string()),
                Some('m') => out.push_str(&month.to_string()),
                Some(other) => out.push_str(&format!("%-{other}")),
                None => out.push_str("%-"),
            },
            Some('m') => out.push_str(&format!("{month:02}")),
            Some('b') => out.push_str(&month_name[..3]),
            Some('B') => out.push_str(month_name),
            Some('Y') => out.push_str(&year.to_string()),
            Some('H') => out.push_str(&format!("{:02}", second_of_day / 3600)),
            Some('M') => out.push_str(&format!("{:02}", second_of_day / 60 % 60)),
            Some('S') => out.push_str(&format!("{:02}", second_of_day % 60)),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::ToolCall;

    #[test]
    fn chatml_fallback_renders_the_reference_prompt() {
        let template = ChatTemplate::new(None, "<|endoftext|>", "<|im_end|>").unwrap();
        assert!(template.is_fallback());
        let prompt = template
            .render(&[ChatMessage::user("hello")], &[], true)
            .unwrap();
        assert_eq!(
            prompt,
            "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n"
        );
    }

    #[test]
    fn raise_exception_becomes_an_error_with_its_message() {
        let source =
            "{% if messages[0].role != 'system' %}{{ raise_exception('system first') }}{% endif %}";
        let template = ChatTemplate::new(Some(source), "", "").unwrap();
        let error = template
            .render(&[ChatMessage::user("hi")], &[], true)
            .unwrap_err();
        assert!(error.to_string().contains("system first"), "{error}");
    }

    #[test]
    fn templates_see_tools_special_tokens_and_python_string_methods() {
        let source = "{{ bos_token }}{% if tools %}{% for tool in tools %}{{ tool | tojson }}\n{% endfor %}{% endif %}\
            {% for m in messages %}{{ m.role | upper }}:{{ m.content.strip() }}{% if m.content.startswith('  ') %}!{% endif %}\
            {% if m.tool_calls %}{{ m.tool_calls[0].function.arguments | tojson }}{% endif %}\n{% endfor %}{{ eos_token }}";
        let template = ChatTemplate::new(Some(source), "<s>", "</s>").unwrap();
        let tool = ToolSpec {
            name: "read".into(),
            description: "Read a file".into(),
            parameters: json!({"type": "object", "properties": {"path": {"type": "string"}}}),
        };
        let mut assistant = ChatMessage::assistant("");
        assistant.tool_calls.push(ToolCall {
            id: "c1".into(),
            name: "read".into(),
            arguments: json!({"path": "a<b>.rs"}),
        });
        let prompt = template
            .render(&[ChatMessage::user("  hi  "), assistant], &[tool], true)
            .unwrap();
        assert_eq!(
            prompt,
            "<s>{\"type\": \"function\", \"function\": {\"name\": \"read\", \"description\": \"Read a file\", \
             \"parameters\": {\"type\": \"object\", \"properties\": {\"path\": {\"type\": \"string\"}}}}}\n\
             USER:hi!ASSISTANT:{\"path\": \"a<b>.rs\"}</s>",
            "trim_blocks eats the newline after a block tag, as in Hugging Face's Jinja"
        );
    }

    #[test]
    fn a_template_reads_tools_only_when_it_uses_the_variable() {
        let chatml = ChatTemplate::new(None, "", "").unwrap();
        assert!(!chatml.reads_tools());
        let qwen_like = "{% if tools %}{% for tool in tools %}{{ tool | tojson }}{% endfor %}{% endif %}\
            {% for m in messages %}{{ m.content }}{% endfor %}";
        assert!(
            ChatTemplate::new(Some(qwen_like), "", "")
                .unwrap()
                .reads_tools()
        );
        let mentions_only =
            "{# tools are not supported #}{% for m in messages %}{{ m.content }}{% endfor %}";
        assert!(
            !ChatTemplate::new(Some(mentions_only), "", "")
                .unwrap()
                .reads_tools()
        );
    }

    #[test]
    fn tools_are_none_when_absent() {
        let source = "{% if tools is none %}none{% else %}some{% endif %}";
        let template = ChatTemplate::new(Some(source), "", "").unwrap();
        assert_eq!(template.render(&[], &[], false).unwrap(), "none");
    }

    #[test]
    fn a_template_that_does_not_compile_is_refused() {
        let error = ChatTemplate::new(Some("{% for %}"), "", "").err().unwrap();
        assert!(error.to_string().contains("does not compile"), "{error}");
    }

    #[test]
    fn dates_format_like_strftime() {
        // 2024-07-26 12:34:56 UTC
        let seconds = 1_721_997_296;
        assert_eq!(format_utc(seconds, "%d %b %Y"), "26 Jul 2024");
        assert_eq!(
            format_utc(seconds, "%-d %B %Y %H:%M:%S %%"),
            "26 July 2024 12:34:56 %"
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
