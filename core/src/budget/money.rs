//! Amounts of money as people read them: `$4.98`, `$0.000150`.

/// Micro-dollars as dollars: two decimals from a cent up, six below (so a tiny cost never
/// reads as `$0.00`).
pub fn format_usd(micros: u64) -> String {
    let dollars = micros / 1_000_000;
    let rest = micros % 1_000_000;
    if micros == 0 || micros >= 10_000 {
        // Rounded to the cent.
        let cents = (micros + 5_000) / 10_000;
        return format!("${}.{:02}", cents / 100, cents % 100);
    }
    format!("${dollars}.{rest:06}")
}
