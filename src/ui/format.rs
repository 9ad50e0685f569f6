//! Small text formatters shared by the views.

use socketscope_core::decimal::fixed;
use socketscope_core::schema::ReadyState;

pub fn state_name(s: ReadyState) -> &'static str {
    match s {
        ReadyState::Connecting => "CONNECTING",
        ReadyState::Open => "OPEN",
        ReadyState::Closing => "CLOSING",
        ReadyState::Closed => "CLOSED",
    }
}

/// `850 ms`, `2.4 s` (a timeline needs the tenths), then the core's wording: `3 min 5 s`, `2 h 10 min`.
pub fn duration(ms: f64) -> String {
    let ms = ms.max(0.0);
    if (1000.0..60_000.0).contains(&ms) {
        format!("{} s", fixed(ms / 1000.0, 1))
    } else {
        socketscope_core::jwt::times::human_duration(ms)
    }
}

/// Wall-clock time of day with milliseconds, in UTC (the panel has no time-zone database).
pub fn clock(epoch_ms: f64) -> String {
    let ms = epoch_ms.max(0.0) as u64;
    let (s, milli) = (ms / 1000, ms % 1000);
    format!("{:02}:{:02}:{:02}.{milli:03}", (s / 3600) % 24, (s / 60) % 60, s % 60)
}

/// `1 frame`, `30 frames`: a count with its noun, plural when it is not one.
pub fn count(n: u64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

pub fn bytes(n: u64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{} KiB", fixed(n as f64 / 1024.0, 1))
    } else {
        format!("{} MiB", fixed(n as f64 / (1024.0 * 1024.0), 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(duration(850.0), "850 ms");
        assert_eq!(duration(2400.0), "2.4 s");
        assert_eq!(duration(185_000.0), "3 min 5 s");
        assert_eq!(clock(3_723_004.0), "01:02:03.004");
        assert_eq!(bytes(2048), "2.0 KiB");
        assert_eq!(count(1, "part"), "1 part");
        assert_eq!(count(30, "frame"), "30 frames");
    }
}
