#![no_main]
// Fuzz the JSON scanner and the JSON decoders built on it (typed JSON, generic JSON, key
// paths, URL topics). The scanner must agree with serde_json on what is one valid JSON value.
use libfuzzer_sys::fuzz_target;
use socketscope_core::protocols::{json_scan, typed_json, GenericJsonConfig, TypedJsonConfig};
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Some(i) = common::input(data) {
        let t = TypedJsonConfig { topic_path: Some("room.id".into()), url_pattern: Some("/ws/<a>/<b>/".into()) };
        let g = GenericJsonConfig { topic_path: Some("meta.channel".into()), event_path: Some("type".into()) };
        let _ = typed_json::decode_typed(&i, &t, Some("x")).map(|d| common::check(&d, i.bytes.len()));
        let _ = typed_json::decode_generic(&i, &g).map(|d| common::check(&d, i.bytes.len()));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let ours = json_scan::is_json(data).is_ok();
        // serde_json recurses to 128 levels; the scanner also stops at 128.
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
            let _ = v;
            assert!(ours || text.matches(['[', '{']).count() > 100, "serde_json accepts what the scanner rejects: {text:?}");
        } else if ours {
            // serde_json also rejects lone surrogates in \u escapes (the scanner replaces them)
            // and numbers out of f64 range (the scanner only checks the grammar).
            let excused = text.contains("\\u") || text.bytes().any(|b| b.is_ascii_digit());
            assert!(excused, "the scanner accepts what serde_json rejects: {text:?}");
        }
        let _ = json_scan::path_as_str(data, "a.b.0");
        let _ = typed_json::url_topic(text, "/ws/chat/<id>/");
    }
});
