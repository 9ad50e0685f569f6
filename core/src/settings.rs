//! The user's settings: capture caps, export redaction, project close-code profiles, the topic
//! key path and the JWT checks. One serialisable struct, validated as a whole with every problem
//! reported (a bad field falls back to its default; the rest is kept).

use crate::json::{bool_in, object, strings_in, u64_in, Obj};
use crate::schema::CaptureSettings;
use serde::Serialize;
use serde_json::Value;

/// Settings format version, stored with the settings so a later panel can migrate them.
pub const SETTINGS_VERSION: u32 = 1;

/// Stored as JSON (serde's `Serialize`), read back by [`load`].
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Parse stored or imported settings. Never fails: a bad or unknown value falls back to its
/// default, the rest is kept, and each fallback is reported. Read by hand (crate::json says why).
// `Ok(s.field = read(v)?)` stores one field per line; clippy's unit_arg dislikes the form only.
#[allow(clippy::unit_arg)]
pub fn load(text: &str) -> (Settings, Vec<String>) {
    let mut problems = Vec::new();
    let parsed = serde_json::from_str::<Value>(text);
    let o = match &parsed {
        Ok(v) => object(v, "an object"),
        Err(e) => Err(e.to_string()),
    };
    let o = match o {
        Ok(o) => o,
        Err(e) => {
            problems.push(format!("saved settings could not be read ({e}); using the defaults. Save them again to fix this."));
            return (Settings::default(), problems);
        }
    };
    let mut s = Settings::default();
    let mut field = |name: &str, read: &mut dyn FnMut(&Value) -> Result<(), String>| {
        if let Some(v) = o.get(name) {
            if let Err(e) = read(v) {
                problems.push(format!("setting `{name}`: {e}; using the default."));
            }
        }
    };
    field("version", &mut |v| Ok(s.version = u32::try_from(u64_in(v, "version")?).map_err(|_| "too large".to_string())?));
    field("capture", &mut |v| Ok(s.capture = capture(object(v, "an object")?)?));
    field("capture_off_sites", &mut |v| Ok(s.capture_off_sites = strings_in(v, "capture_off_sites")?));
    field("redact_exports", &mut |v| Ok(s.redact_exports = bool_in(v, "redact_exports")?));
    field("preserve_log", &mut |v| Ok(s.preserve_log = bool_in(v, "preserve_log")?));
    field("hide_heartbeats", &mut |v| Ok(s.hide_heartbeats = bool_in(v, "hide_heartbeats")?));
    field("project_profiles", &mut |v| Ok(s.project_profiles = strings_in(v, "project_profiles")?));
    field("topic_key_path", &mut |v| Ok(s.topic_key_path = crate::json::string_in(v, "topic_key_path")?));
    field("required_claims", &mut |v| Ok(s.required_claims = strings_in(v, "required_claims")?));
    field("operation_scopes", &mut |v| Ok(s.operation_scopes = pairs(v)?));
    field("auth_events", &mut |v| Ok(s.auth_events = strings_in(v, "auth_events")?));
    field("leeway_seconds", &mut |v| Ok(s.leeway_seconds = u64_in(v, "leeway_seconds")?));
    field("remember_keys", &mut |v| Ok(s.remember_keys = bool_in(v, "remember_keys")?));
    problems.extend(normalise(&mut s));
    (s, problems)
}

/// `CaptureSettings`: a missing switch or cap keeps its default.
fn capture(o: &Obj) -> Result<CaptureSettings, String> {
    let mut c = CaptureSettings::default();
    if let Some(v) = o.get("enabled") {
        c.enabled = bool_in(v, "capture.enabled")?;
    }
    if let Some(v) = o.get("max_frames") {
        c.max_frames = u64_in(v, "capture.max_frames")?;
    }
    if let Some(v) = o.get("max_payload") {
        c.max_payload = u64_in(v, "capture.max_payload")?;
    }
    Ok(c)
}

/// `operation_scopes` as serde writes a list of pairs: `[["submitOp", "doc:write"], ...]`.
fn pairs(v: &Value) -> Result<Vec<(String, String)>, String> {
    let expected = "a list of [operation, scope] pairs";
    let items = v.as_array().ok_or_else(|| crate::json::invalid("operation_scopes", v, expected))?;
    items
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([Value::String(op), Value::String(scope)]) => Ok((op.clone(), scope.clone())),
            _ => Err(crate::json::invalid("operation_scopes", p, expected)),
        })
        .collect()
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
        let (s, problems) = load("[1]");
        assert_eq!(s, Settings::default());
        assert!(problems[0].contains("expected an object"), "{problems:?}");
    }

    #[test]
    fn one_bad_field_falls_back_alone() {
        let (s, problems) = load(
            r#"{"preserve_log":"yes","remember_keys":true,"leeway_seconds":-5,"capture":{"max_payload":1024},
                "operation_scopes":[["submitOp","doc:write"],["lone"]],"required_claims":["exp","iat"]}"#,
        );
        let d = Settings::default();
        assert_eq!((s.preserve_log, s.leeway_seconds, &s.operation_scopes), (d.preserve_log, d.leeway_seconds, &d.operation_scopes));
        assert!(s.remember_keys);
        assert_eq!(s.capture, CaptureSettings { max_payload: 1024, ..CaptureSettings::default() });
        assert_eq!(s.required_claims, ["exp", "iat"]);
        assert_eq!(problems, [
            "setting `preserve_log`: invalid type for `preserve_log`: a string, expected a boolean; using the default.",
            "setting `operation_scopes`: invalid type for `operation_scopes`: a list, expected a list of [operation, scope] pairs; using the default.",
            "setting `leeway_seconds`: invalid type for `leeway_seconds`: a number, expected a whole number from 0; using the default.",
        ]);
    }

    #[test]
    fn round_trips() {
        let s = Settings {
            preserve_log: true,
            hide_heartbeats: true,
            capture_off_sites: vec!["bank.example".into()],
            project_profiles: vec![],
            topic_key_path: "meta.room".into(),
            operation_scopes: vec![("join".into(), "room:read".into())],
            auth_events: vec!["auth".into()],
            leeway_seconds: 5,
            remember_keys: true,
            redact_exports: false,
            required_claims: vec!["iss".into()],
            capture: CaptureSettings { enabled: false, max_frames: 5_000, max_payload: 4096 },
            ..Default::default()
        };
        let (back, problems) = load(&serde_json::to_string(&s).unwrap());
        assert_eq!(back, s);
        assert!(problems.is_empty());
    }
}
