//! Wall-clock time where the workshop is: the date an exported picture's title block says and the
//! times the entries of a workshop archive carry. Not the server's clock zone, which is often UTC.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Where Kartta's trainings are held unless the server is told otherwise (`--time-zone`).
pub const DEFAULT_TIME_ZONE: &str = "Europe/Helsinki";

/// The zone of an IANA name (`Europe/Stockholm`), for the `--time-zone` flag: an unknown name is
/// refused at start with the reason, rather than dating every export in UTC.
pub fn parse_time_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name.trim())
        .map_err(|error| format!("{name:?} is not a time zone this server knows ({error})"))
}

/// [`DEFAULT_TIME_ZONE`], which the bundled tz database always has (UTC only if it somehow did not).
pub fn default_time_zone() -> TimeZone {
    parse_time_zone(DEFAULT_TIME_ZONE).unwrap_or(TimeZone::UTC)
}

/// The local date and time in `zone` of a Unix time in seconds. A time outside what the calendar
/// holds (only a forged value) reads as the epoch.
pub fn local_date_time(unix_seconds: i64, zone: &TimeZone) -> DateTime {
    let instant = Timestamp::from_second(unix_seconds).unwrap_or(Timestamp::UNIX_EPOCH);
    zone.to_datetime(instant)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2 December 2025, 22:30 UTC.
    const LATE_EVENING_UTC: i64 = 1_764_714_600;

    #[test]
    fn half_past_ten_at_night_in_utc_is_already_the_next_day_in_helsinki() {
        let helsinki = default_time_zone();
        let local = local_date_time(LATE_EVENING_UTC, &helsinki);
        assert_eq!((local.year(), local.month(), local.day()), (2025, 12, 3));
        assert_eq!(
            (local.hour(), local.minute()),
            (0, 30),
            "winter time, UTC+2"
        );
        let utc = local_date_time(LATE_EVENING_UTC, &TimeZone::UTC);
        assert_eq!((utc.month(), utc.day()), (12, 2));
        // Summer time (UTC+3): 21:30 UTC on 30 June is 1 July.
        let summer = local_date_time(1_782_855_000, &helsinki);
        assert_eq!((summer.month(), summer.day(), summer.hour()), (7, 1, 0));
    }

    #[test]
    fn an_unknown_time_zone_is_refused_with_its_name() {
        assert!(parse_time_zone("Europe/Stockholm").is_ok());
        let refused = parse_time_zone("Europe/Turku").unwrap_err();
        assert!(refused.contains("Europe/Turku"), "{refused}");
        // A forged time far outside the calendar does not panic.
        let _ = local_date_time(i64::MAX, &default_time_zone());
    }
}
