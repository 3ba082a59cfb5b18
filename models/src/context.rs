//! Rough token estimates and the check that a prompt fits a context window before it is sent.
//!
//! The estimate is characters / 4, rounded up. It is an *estimate*, not a tokenizer: it is close
//! for English prose (real tokenizers average 4–4.5 characters a token there) and too low for
//! source code, numbers and non-Latin scripts, which take more tokens per character. So a prompt
//! the estimate says does not fit almost surely does not; one it says fits may still not, and the
//! server's own counts (Ollama's `prompt_eval_count`) have the last word.

use crate::chat::ChatRequest;
use crate::error::{ModelError, Result};

/// Characters per token assumed by [`estimate_tokens`].
pub const CHARS_PER_TOKEN: usize = 4;

/// Tokens a chat template adds around each message (role markers, separators), estimated.
pub const TOKENS_PER_MESSAGE: u32 = 4;

/// Estimated tokens of `text`: characters / 4, rounded up.
pub fn estimate_tokens(text: &str) -> u32 {
    let tokens = text.chars().count().div_ceil(CHARS_PER_TOKEN);
    u32::try_from(tokens).unwrap_or(u32::MAX)
}

/// Estimated tokens of the whole prompt of `request`: every message's text and tool calls, the
/// per-message template overhead, and the tool definitions (which templates put in the prompt).
pub fn estimate_prompt_tokens(request: &ChatRequest) -> u32 {
    let messages = request.messages.iter().map(|message| {
        let calls = message.tool_calls.iter().map(|call| {
            estimate_tokens(&call.name).saturating_add(estimate_tokens(&call.arguments.to_string()))
        });
        calls.fold(
            estimate_tokens(&message.content).saturating_add(TOKENS_PER_MESSAGE),
            u32::saturating_add,
        )
    });
    let tools = request.tools.iter().map(|tool| {
        estimate_tokens(&tool.name)
            .saturating_add(estimate_tokens(&tool.description))
            .saturating_add(estimate_tokens(&tool.parameters.to_string()))
    });
    messages.chain(tools).fold(0, u32::saturating_add)
}

/// Checks, by the rough estimate, that the prompt of `request` plus its answer budget
/// (`options.max_tokens`, 0 when unset) fits `context_length` tokens.
///
/// Returns [`ModelError::ContextOverflow`] with the estimated prompt size when it does not.
pub fn fits_context(request: &ChatRequest, context_length: u32) -> Result<()> {
    let prompt_tokens = estimate_prompt_tokens(request);
    let reserved = request.options.max_tokens.unwrap_or(0);
    if prompt_tokens.saturating_add(reserved) > context_length {
        return Err(ModelError::ContextOverflow {
            prompt_tokens,
            context_length,
            reserved,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{ChatMessage, ToolCall, ToolSpec};

    #[test]
    fn four_characters_make_a_token_rounded_up() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
        // Characters, not bytes: four 3-byte characters are one token.
        assert_eq!(estimate_tokens("日本語だ"), 1);
    }

    #[test]
    fn the_prompt_estimate_counts_messages_calls_and_tools() {
        let mut assistant = ChatMessage::assistant("");
        assistant.tool_calls.push(ToolCall {
            id: "call_0".into(),
            name: "read".into(),
            arguments: serde_json::json!({"path": "a"}),
        });
        let mut request = ChatRequest::new("m", vec![ChatMessage::user("x".repeat(40)), assistant]);
        // 10 + 4, then 0 + 4 + 1 ("read") + 3 (`{"path":"a"}` is 12 characters).
        assert_eq!(estimate_prompt_tokens(&request), 22);
        request.tools.push(ToolSpec {
            name: "read".into(),
            description: "x".repeat(8),
            parameters: serde_json::json!({}),
        });
        assert_eq!(estimate_prompt_tokens(&request), 22 + 1 + 2 + 1);
    }

    #[test]
    fn a_prompt_over_the_window_is_refused_with_its_estimate() {
        let mut request = ChatRequest::new("m", vec![ChatMessage::user("x".repeat(400))]);
        assert!(fits_context(&request, 104).is_ok());
        match fits_context(&request, 103) {
            Err(ModelError::ContextOverflow {
                prompt_tokens,
                context_length,
                reserved,
            }) => assert_eq!((prompt_tokens, context_length, reserved), (104, 103, 0)),
            other => panic!("expected an overflow, got {other:?}"),
        }
        request.options.max_tokens = Some(100);
        assert!(fits_context(&request, 203).is_err());
        assert!(fits_context(&request, 204).is_ok());
    }
}
