//! The fallback's decisions, without a model.

use std::time::Duration;

use super::*;

#[test]
fn only_an_unreachable_server_or_an_overflow_falls_back() {
    let down = ModelError::Unreachable {
        backend: "ollama",
        url: "http://127.0.0.1:9".into(),
        source: "connection refused".into(),
    };
    assert_eq!(failure_reason(&down), Some(FallbackReason::Unreachable));
    let overflow = ModelError::ContextOverflow {
        prompt_tokens: 9000,
        context_length: 4096,
        reserved: 0,
    };
    assert_eq!(failure_reason(&overflow), Some(FallbackReason::Context));
    let missing = ModelError::ModelNotFound {
        backend: "ollama",
        model: "x".into(),
    };
    assert_eq!(failure_reason(&missing), None);
}

#[test]
fn slow_is_measured_over_the_decoding_time() {
    let second = Duration::from_secs(1);
    // 20 tokens in the 2 s after the first token: 10 tokens/s.
    let measured = too_slow(15, 20, None, 3 * second, Some(second));
    assert_eq!(measured, Some(10.0));
    assert_eq!(too_slow(5, 20, None, 3 * second, Some(second)), None);
    // The backend's own measure wins.
    assert_eq!(too_slow(15, 20, Some(30.0), 3 * second, Some(second)), None);
    // Off, or too short a reply to tell.
    assert_eq!(too_slow(0, 20, Some(1.0), second, None), None);
    assert_eq!(too_slow(15, 3, Some(1.0), second, None), None);
}
