//! The core's HAR conversions for the panel, as a wasm module of its own so they stay out of the
//! startup wasm. Strings in, JSON out: `{"ok": ...}` or `{"error": "..."}` (the import error's own
//! words, e.g. `not a HAR (no "log.entries")`).

use socketscope_core::export::ExportOptions;
use socketscope_core::har;
use wasm_bindgen::prelude::wasm_bindgen;

/// A HAR as a Socketscope session file: `{"ok": HarAsSession}`.
#[wasm_bindgen]
pub fn session_from_har(text: &str, now_ms: f64) -> String {
    answer(har::session_from_har(text, now_ms).map(|s| serde_json::to_value(s).unwrap_or_default()))
}

/// A session file as a HAR: `{"ok": "<the HAR's text>"}`, tokens redacted if `redact`.
#[wasm_bindgen]
pub fn har_from_session(text: &str, redact: bool, now_ms: f64) -> String {
    answer(har::har_from_session(text, &ExportOptions { redact, now: now_ms }).map(serde_json::Value::String))
}

fn answer(result: Result<serde_json::Value, socketscope_core::export::ImportError>) -> String {
    match result {
        Ok(v) => serde_json::json!({ "ok": v }),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_in_the_envelope_the_panel_reads() {
        let har = r#"{"log":{"version":"1.2","entries":[{"_resourceType":"websocket","startedDateTime":"2023-11-14T22:13:20.000Z",
            "request":{"method":"GET","url":"ws://h/ws?token=x","headers":[]},"response":{"status":101,"headers":[]},
            "_webSocketMessages":[{"type":"send","time":1700000000.5,"opcode":1,"data":"hi"}]}]}}"#;
        let v: serde_json::Value = serde_json::from_str(&session_from_har(har, 0.0)).unwrap();
        let session = v["ok"]["session"].as_str().unwrap();
        assert!(session.contains("\"format\":\"socketscope-session\"") && session.contains("ws://h/ws?token=x"), "{session}");
        let back: serde_json::Value = serde_json::from_str(&har_from_session(session, true, 0.0)).unwrap();
        let back: serde_json::Value = serde_json::from_str(back["ok"].as_str().unwrap()).unwrap();
        assert_eq!(back["log"]["entries"][0]["_webSocketMessages"][0]["data"], "hi");
        let err: serde_json::Value = serde_json::from_str(&session_from_har("[1]", 0.0)).unwrap();
        assert!(err["error"].as_str().unwrap().starts_with("not a "), "{err}");
    }
}
