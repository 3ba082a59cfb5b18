//! Timestamps as agent stores and shows them: milliseconds since the Unix epoch, UTC.

use crate::error::{Error, Result};

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// The current time.
pub fn now_ms() -> Millis {
    jiff::Timestamp::now().as_millisecond()
}

/// RFC 3339 in UTC with exactly three fractional digits: `2026-11-26T12:00:00.000Z`.
/// The one format agent writes, so exports are byte-for-byte reproducible.
pub fn format_rfc3339(ms: Millis) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        Err(_) => ms.to_string(),
    }
}

/// A short local-free form for tables: `2026-11-26 12:00`.
pub fn format_short(ms: Millis) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => ms.to_string(),
    }
}

/// Parses an RFC 3339 timestamp with any precision and offset.
pub fn parse_rfc3339(text: &str) -> Result<Millis> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .map(|ts| ts.as_millisecond())
        .map_err(|e| Error::InvalidArgument(format!("invalid timestamp `{text}`: {e}")))
}

/// Parses a point in time as a user types it on the command line, relative to `now`:
/// a timestamp (`2026-11-26T12:00:00Z`), a date (`2026-11-26`, midnight UTC), or an age
/// (`30m`, `12h`, `7d`, `2w`: that long before now).
pub fn parse_point_in_time(text: &str, now: Millis) -> Result<Millis> {
    let text = text.trim();
    if let Some(age) = parse_age(text) {
        return Ok(now.saturating_sub(age));
    }
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Ok(ts.as_millisecond());
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>()
        && let Ok(zoned) = date.to_zoned_datetime(jiff::tz::TimeZone::UTC)
    {
        return Ok(zoned.timestamp().as_millisecond());
    }
    Err(Error::InvalidArgument(format!(
        "cannot read `{text}` as a time: use a date (2026-11-26), a timestamp (2026-11-26T12:00:00Z) or an age (30m, 12h, 7d, 2w)"
    )))
}

fn parse_age(text: &str) -> Option<Millis> {
    let unit_at = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(unit_at);
    let number: i64 = number.parse().ok()?;
    let unit_ms: i64 = match unit {
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    number.checked_mul(unit_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_with_three_digits() {
        let ms = 1_795_000_000_123;
        let text = format_rfc3339(ms);
        assert_eq!(text, "2026-11-18T11:06:40.123Z");
        assert_eq!(parse_rfc3339(&text).unwrap(), ms);
        assert_eq!(
            format_rfc3339(1_795_000_000_000),
            "2026-11-18T11:06:40.000Z"
        );
    }

    #[test]
    fn points_in_time_accept_dates_timestamps_and_ages() {
        let now = 1_795_000_000_000;
        assert_eq!(parse_point_in_time("2h", now).unwrap(), now - 7_200_000);
        assert_eq!(
            parse_point_in_time("7d", now).unwrap(),
            now - 7 * 86_400_000
        );
        assert_eq!(
            parse_point_in_time("2026-11-18", now).unwrap(),
            parse_rfc3339("2026-11-18T00:00:00Z").unwrap()
        );
        assert_eq!(
            parse_point_in_time("2026-11-18T11:06:40+01:00", now).unwrap(),
            now - 3_600_000
        );
        let err = parse_point_in_time("yesterday", now)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`yesterday`"), "{err}");
    }
}
