//! Identifiers agent creates: short random lowercase hex, unique enough to be typed by prefix.

/// A new random id of 16 hex digits (64 bits).
pub fn new_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (extremely rare): fall back to the clock and a counter, still unique
        // within this process and very unlikely to collide across processes.
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        let mixed =
            nanos ^ (u64::from(std::process::id()) << 32) ^ COUNTER.fetch_add(1, Ordering::Relaxed);
        bytes = mixed.to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks an id that came from outside (an import file): non-empty, at most 128 characters,
/// no whitespace or control characters.
pub fn validate_external_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("id is empty".into());
    }
    if id.len() > 128 {
        return Err(format!("id is {} bytes long (at most 128)", id.len()));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "id `{}` contains whitespace or control characters",
            id.escape_debug()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_sixteen_hex_digits_and_distinct() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.len(), 16);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    #[test]
    fn external_ids_are_checked() {
        assert!(validate_external_id("conv-1").is_ok());
        assert!(validate_external_id("").is_err());
        assert!(validate_external_id("a b").is_err());
        assert!(validate_external_id(&"x".repeat(129)).is_err());
    }
}
