#![no_main]
// Fuzz JWT decoding and inspection: any text, as a token, must yield an Inspection (never a
// panic), whatever the moments. The first 8 bytes pick the moments so times are fuzzed too.
use libfuzzer_sys::fuzz_target;
use socketscope_core::jwt::{self, InspectOptions, Moments};

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (head, rest) = data.split_at(8);
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let t = f64::from_le_bytes(head.try_into().unwrap());
    let moments = Moments { now_ms: t, connect_ms: Some(t - 1000.0), close_ms: Some(t * 0.5) };
    let ins = jwt::inspect(text, &moments, &["connect_document", "submitOp"], &InspectOptions::document_service());
    for f in &ins.findings {
        assert!(!f.message.is_empty());
    }
    let _ = jwt::decode(text);
    let _ = jwt::b64::decode(text, jwt::b64::Alphabet::Either);
    let _ = jwt::times::format_utc(t);
    let _ = jwt::times::human_duration(t);
});
