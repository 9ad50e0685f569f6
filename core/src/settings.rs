//! The user's settings: capture caps, export redaction, project close-code profiles, the topic
//! key path and the JWT checks. One serialisable struct, validated as a whole with every problem
//! reported (a bad field falls back to its default; the rest is kept).

use crate::schema::CaptureSettings;
use serde::{Deserialize, Serialize};

/// Settings format version, stored with the settings so a later panel can migrate them.
pub const SETTINGS_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub version: u32,
    pub capture: CaptureSettings,
    /// Sites (hosts) where capture is off. Buffers would otherwise hold their tokens.
    pub capture_off_sites: Vec<String>,
    /// Replace tokens in exports (on by default).
    pub redact_exports: bool,
    /// Keep earlier page sessions when the tab reloads.
    pub preserve_log: bool,
    /// Hide heartbeats in the frame list and lanes.
    pub hide_heartbeats: bool,
    /// Project close-code profiles, each the JSON text of a profile file (docs/close-code-profiles.md).
    pub project_profiles: Vec<String>,
    /// Dotted path to a topic in generic JSON frames, e.g. `channel` or `meta.room`.
    pub topic_key_path: String,
    /// Claims a token must have; missing ones are flagged.
    pub required_claims: Vec<String>,
    /// Operation (event name) -> scope it needs.
    pub operation_scopes: Vec<(String, String)>,
    /// Events that authenticate in-band (the Phoenix guide's `connect_document`): operations sent
    /// before one of them is answered ok are flagged.
    pub auth_events: Vec<String>,
    /// Clock skew allowed in time checks, seconds.
    pub leeway_seconds: u64,
    /// Keep verification keys between sessions (off: keys live only in memory).
    pub remember_keys: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version: SETTINGS_VERSION,
            capture: CaptureSettings::default(),
            capture_off_sites: Vec::new(),
            redact_exports: true,
            preserve_log: false,
            hide_heartbeats: false,
            project_profiles: vec![crate::close_codes::DJANGO_EXAMPLE_PROFILE.to_string()],
            topic_key_path: String::new(),
            required_claims: vec!["exp".into(), "sub".into()],
            // The context guide's DocumentChannel.
            operation_scopes: vec![
                ("connect_document".into(), "doc:read".into()),
                ("submitOp".into(), "doc:write".into()),
            ],
            auth_events: vec!["connect_document".into()],
            leeway_seconds: 30,
            remember_keys: false,
        }
    }
}

/// Smallest and largest caps the relay accepts; outside them the panel would either keep nothing
/// or let one tab exhaust memory.
pub const MIN_FRAMES: u64 = 1_000;
pub const MAX_FRAMES: u64 = 10_000_000;
pub const MIN_PAYLOAD: u64 = 256;
pub const MAX_PAYLOAD: u64 = 16 * 1024 * 1024;

/// Parse stored or imported settings. Never fails: unknown or bad values fall back to defaults,
/// and each fallback is reported.
pub fn load(text: &str) -> (Settings, Vec<String>) {
    let mut problems = Vec::new();
    let mut s: Settings = match crate::json::parse(text) {
        Ok(s) => s,
        Err(e) => {
            problems.push(format!("saved settings could not be read ({e}); using the defaults. Save them again to fix this."));
            return (Settings::default(), problems);
        }
    };
    problems.extend(normalise(&mut s));
    (s, problems)
}

/// Clamp values into their allowed ranges; returns what was changed and why.
pub fn normalise(s: &mut Settings) -> Vec<String> {
    let mut problems = Vec::new();
    let clamp = |v: &mut u64, lo: u64, hi: u64, what: &str, problems: &mut Vec<String>| {
        let c = (*v).clamp(lo, hi);
        if c != *v {
            problems.push(format!("{what} {v} is outside {lo}..={hi}; using {c}."));
            *v = c;
        }
    };
    clamp(&mut s.capture.max_frames, MIN_FRAMES, MAX_FRAMES, "frame cap", &mut problems);
    clamp(&mut s.capture.max_payload, MIN_PAYLOAD, MAX_PAYLOAD, "payload cap (bytes)", &mut problems);
    s.topic_key_path = s.topic_key_path.trim().to_string();
    s.required_claims.retain(|c| !c.trim().is_empty());
    s.capture_off_sites = s.capture_off_sites.iter().map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()).collect();
    if s.version != SETTINGS_VERSION {
        problems.push(format!("settings were saved by format v{}; read as v{SETTINGS_VERSION}.", s.version));
        s.version = SETTINGS_VERSION;
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_ship_the_guides_profile_and_scope_map() {
        let s = Settings::default();
        assert!(s.redact_exports);
        assert!(s.project_profiles[0].contains("4001"));
        assert!(s.operation_scopes.contains(&("submitOp".into(), "doc:write".into())));
        assert_eq!(s.capture.max_frames, 1_000_000);
        assert_eq!(s.capture.max_payload, 64 * 1024);
    }

    #[test]
    fn bad_values_fall_back_and_are_reported() {
        let (s, problems) = load(r#"{"capture":{"enabled":true,"max_frames":5,"max_payload":65536},"topic_key_path":" meta.room "}"#);
        assert_eq!(s.capture.max_frames, MIN_FRAMES);
        assert_eq!(s.topic_key_path, "meta.room");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let (s, problems) = load("not json");
        assert_eq!(s, Settings::default());
        assert!(problems[0].contains("using the defaults"));
    }

    #[test]
    fn round_trips() {
        let s = Settings { preserve_log: true, capture_off_sites: vec!["bank.example".into()], ..Default::default() };
        let (back, problems) = load(&serde_json::to_string(&s).unwrap());
        assert_eq!(back, s);
        assert!(problems.is_empty());
    }
}
