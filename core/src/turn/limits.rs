//! The limits a turn loop runs under, and the count of what it has used so far.

use serde::{Deserialize, Serialize};

use crate::protocol::LimitKind;

/// Budgets for one task (and for each role in it). Reaching one ends the task as failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Model requests.
    pub max_turns: u32,
    /// Tool calls.
    pub max_tool_calls: u32,
    /// Prompt plus completion tokens over all requests.
    pub max_tokens: u64,
    /// Wall time in seconds, verification included.
    pub max_seconds: u64,
    /// The most tokens one model reply may have (the request's `max_tokens`): task roles get
    /// `task.max_turn_tokens`; `None` (chats, `agent ask`) leaves it to the model.
    #[serde(default)]
    pub max_turn_tokens: Option<u32>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_turns: 40,
            max_tool_calls: 100,
            max_tokens: 2_000_000,
            max_seconds: 3600,
            max_turn_tokens: None,
        }
    }
}

/// What a turn loop has used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub turns: u32,
    pub tool_calls: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl Usage {
    pub fn tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }
}

/// A limit that was reached: which, its value, and a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitHit {
    pub kind: LimitKind,
    pub value: u64,
    pub detail: String,
    /// What was used, in the unit of `value`, when it is known (budgets).
    pub used: Option<u64>,
}

impl Limits {
    /// The first limit `used` has reached before another model request, if any.
    pub fn before_request(&self, used: &Usage) -> Option<LimitHit> {
        if used.turns >= self.max_turns {
            return Some(LimitHit {
                kind: LimitKind::Turns,
                value: u64::from(self.max_turns),
                detail: format!(
                    "stopped after {} model turns without finishing (raise it with --max-turns)",
                    self.max_turns
                ),
                used: None,
            });
        }
        if used.tokens() >= self.max_tokens {
            return Some(LimitHit {
                kind: LimitKind::Tokens,
                value: self.max_tokens,
                detail: format!(
                    "used {} tokens, the limit is {} (raise it with --max-tokens-total)",
                    used.tokens(),
                    self.max_tokens
                ),
                used: None,
            });
        }
        None
    }

    /// The tool-call limit, when one more call would pass it.
    pub fn before_tool_call(&self, used: &Usage) -> Option<LimitHit> {
        (used.tool_calls >= self.max_tool_calls).then(|| LimitHit {
            kind: LimitKind::ToolCalls,
            value: u64::from(self.max_tool_calls),
            detail: format!(
                "stopped after {} tool calls without finishing (raise it with --max-tool-calls)",
                self.max_tool_calls
            ),
            used: None,
        })
    }

    /// The wall-time limit as reported when it passes.
    pub fn wall_time_hit(&self) -> LimitHit {
        LimitHit {
            kind: LimitKind::WallTime,
            value: self.max_seconds,
            detail: format!(
                "stopped after {} s of wall time (raise it with --timeout)",
                self.max_seconds
            ),
            used: None,
        }
    }
}
