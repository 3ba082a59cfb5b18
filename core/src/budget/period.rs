//! The periods budgets count over: the UTC day and the UTC month a moment falls in.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::time::Millis;

fn date_of(now: Millis) -> Date {
    jiff::Timestamp::from_millisecond(now)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(TimeZone::UTC)
        .date()
}

fn midnight(date: Date) -> Millis {
    date.to_zoned_datetime(TimeZone::UTC)
        .map(|zoned| zoned.timestamp().as_millisecond())
        .unwrap_or(0)
}

/// Midnight UTC at the start of `now`'s day.
pub fn day_start(now: Millis) -> Millis {
    midnight(date_of(now))
}

/// Midnight UTC at the start of the next day.
pub fn next_day_start(now: Millis) -> Millis {
    date_of(now).tomorrow().map_or(Millis::MAX, midnight)
}

/// Midnight UTC on the first of `now`'s month.
pub fn month_start(now: Millis) -> Millis {
    midnight(date_of(now).first_of_month())
}

/// Midnight UTC on the first of the next month.
pub fn next_month_start(now: Millis) -> Millis {
    date_of(now)
        .last_of_month()
        .tomorrow()
        .map_or(Millis::MAX, midnight)
}
