//! `exp`, `nbf` and `iat` as absolute times and relative to the connect time, the close time and
//! now. Every reference time is passed in (milliseconds since the Unix epoch, like the rest of
//! the schema): the core never reads a clock.

use crate::schema::EpochMs;
use serde::Serialize;
use serde_json::{Map, Value};

/// The registered time claims (RFC 7519 section 4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeClaim {
    /// Expiration time: the token must not be accepted on or after it.
    Exp,
    /// Not before: the token must not be accepted before it.
    Nbf,
    /// Issued at.
    Iat,
}

impl TimeClaim {
    pub const ALL: [TimeClaim; 3] = [TimeClaim::Exp, TimeClaim::Nbf, TimeClaim::Iat];
    pub fn name(self) -> &'static str {
        match self {
            TimeClaim::Exp => "exp",
            TimeClaim::Nbf => "nbf",
            TimeClaim::Iat => "iat",
        }
    }
}

/// The moments a token is judged against. `now_ms` is required; the others are known only when
/// the token belongs to a recorded connection.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Moments {
    pub now_ms: EpochMs,
    pub connect_ms: Option<EpochMs>,
    pub close_ms: Option<EpochMs>,
}

impl Moments {
    pub fn at(now_ms: EpochMs) -> Self {
        Moments { now_ms, connect_ms: None, close_ms: None }
    }
}

/// One time claim, resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimTime {
    pub claim: TimeClaim,
    /// The claim as written (seconds since the epoch).
    pub seconds: f64,
    /// The same moment in milliseconds.
    pub at_ms: EpochMs,
    /// ISO 8601 UTC.
    pub utc: String,
    /// `at_ms - connect_ms`: positive means after the connect.
    pub from_connect_ms: Option<f64>,
    /// `at_ms - close_ms`: positive means after the close.
    pub from_close_ms: Option<f64>,
    /// `at_ms - now_ms`: positive means in the future.
    pub from_now_ms: f64,
}

/// Why a time claim could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct BadTime {
    pub claim: TimeClaim,
    pub found: String,
}

/// Resolve every time claim present in `claims`.
pub fn claim_times(claims: &Map<String, Value>, m: &Moments) -> (Vec<ClaimTime>, Vec<BadTime>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for claim in TimeClaim::ALL {
        let Some(v) = claims.get(claim.name()) else { continue };
        // NumericDate is a JSON number, possibly fractional. Reject absurd values (beyond year
        // 275760, JavaScript's Date limit) rather than produce nonsense dates.
        match v.as_f64().filter(|s| s.is_finite() && s.abs() <= 8.64e12) {
            Some(seconds) => {
                let at_ms = seconds * 1000.0;
                good.push(ClaimTime {
                    claim,
                    seconds,
                    at_ms,
                    utc: format_utc(at_ms),
                    from_connect_ms: m.connect_ms.map(|c| at_ms - c),
                    from_close_ms: m.close_ms.map(|c| at_ms - c),
                    from_now_ms: at_ms - m.now_ms,
                });
            }
            None => bad.push(BadTime { claim, found: v.to_string().chars().take(40).collect() }),
        }
    }
    (good, bad)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `2026-11-22T05:31:00Z` (milliseconds shown only when not zero).
pub fn format_utc(ms: EpochMs) -> String {
    if !ms.is_finite() {
        return "invalid time".into();
    }
    let total_ms = ms.floor() as i64;
    let secs = total_ms.div_euclid(1000);
    let millis = total_ms.rem_euclid(1000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    let (h, mi, s) = (sod / 3600, (sod % 3600) / 60, sod % 60);
    if millis == 0 {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{millis:03}Z")
    }
}

/// A duration for people: `250 ms`, `42 s`, `5 min 3 s`, `2 h 5 min`, `3 d 4 h`.
pub fn human_duration(ms: f64) -> String {
    let ms = ms.abs();
    if !ms.is_finite() {
        return "forever".into();
    }
    if ms < 1000.0 {
        return format!("{} ms", ms.round() as u64);
    }
    let s = (ms / 1000.0).round() as u64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => trim_zero(format!("{} min {} s", s / 60, s % 60)),
        3600..=86_399 => trim_zero(format!("{} h {} min", s / 3600, (s % 3600) / 60)),
        _ => trim_zero(format!("{} d {} h", s / 86_400, (s % 86_400) / 3600)),
    }
}

fn trim_zero(s: String) -> String {
    for unit in [" 0 s", " 0 min", " 0 h"] {
        if let Some(stripped) = s.strip_suffix(unit) {
            return stripped.to_string();
        }
    }
    s
}

/// `"5 min before connect"`, `"2 s after close"`.
pub fn relative(delta_ms: f64, reference: &str) -> String {
    if delta_ms.abs() < 1.0 {
        format!("at {reference}")
    } else if delta_ms < 0.0 {
        format!("{} before {reference}", human_duration(delta_ms))
    } else {
        format!("{} after {reference}", human_duration(delta_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_dates() {
        assert_eq!(format_utc(0.0), "1970-01-01T00:00:00Z");
        // 2100-01-01, the exp of the Phoenix fixture token.
        assert_eq!(format_utc(4_102_444_800_000.0), "2100-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400_500.0), "2000-02-29T00:00:00.500Z");
        assert_eq!(format_utc(-1000.0), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(250.0), "250 ms");
        assert_eq!(human_duration(60_000.0), "1 min");
        assert_eq!(human_duration(-303_000.0), "5 min 3 s");
        assert_eq!(human_duration(7_500_000.0), "2 h 5 min");
        assert_eq!(relative(-60_000.0, "connect"), "1 min before connect");
    }
}
