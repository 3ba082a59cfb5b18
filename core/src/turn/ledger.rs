//! What a run of turn loops has used (turns, tool calls, tokens) and how its model requests are
//! numbered (`m1`, `m2`, …): kept by every host of the turn loop, a task or a chat.

use super::{Limits, Usage};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TurnLedger {
    /// Everything used so far (all roles).
    pub used: Usage,
    model_requests: u32,
}

impl TurnLedger {
    /// The id of the next model request.
    pub fn next_model_request_id(&mut self) -> String {
        self.model_requests += 1;
        format!("m{}", self.model_requests)
    }

    /// Adds a loop's turns and tool calls.
    pub fn count_turns(&mut self, turns: u32, tool_calls: u32) {
        self.used.turns += turns;
        self.used.tool_calls += tool_calls;
    }

    /// Adds a request's tokens; returns the totals (prompt, completion).
    pub fn count_tokens(&mut self, prompt: u64, completion: u64) -> (u64, u64) {
        self.used.prompt_tokens += prompt;
        self.used.completion_tokens += completion;
        (self.used.prompt_tokens, self.used.completion_tokens)
    }

    /// `limits` less what was used: the budget of the next loop (the wall time is the whole
    /// run's).
    pub fn remaining(&self, limits: &Limits) -> Limits {
        Limits {
            max_turns: limits.max_turns.saturating_sub(self.used.turns),
            max_tool_calls: limits.max_tool_calls.saturating_sub(self.used.tool_calls),
            max_tokens: limits.max_tokens.saturating_sub(self.used.tokens()),
            max_seconds: limits.max_seconds,
            max_turn_tokens: limits.max_turn_tokens,
        }
    }
}
