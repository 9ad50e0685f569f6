#![no_main]
// Fuzz batch validation (schema::parse_batch) and everything ingest does with what passes:
// decoding, correlation, topics, reconnects, and the lazy re-decode of every stored frame.
use libfuzzer_sys::fuzz_target;
use socketscope_core::schema;
use socketscope_core::session::{FrameRef, Model};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = schema::parse_batch(text) else { return };
    let mut m = Model::default();
    m.ingest_batch(&parsed);
    // Ingest is idempotent: a resend changes nothing.
    let before = m.memory();
    let again = m.ingest_batch(&parsed);
    assert_eq!(again.applied, 0);
    assert_eq!(m.memory().frames, before.frames);
    for c in m.connections() {
        for i in 0..c.frames.len() as u32 {
            let at = FrameRef { conn: c.id, index: i };
            let _ = m.frame(at).map(|f| f.wire_data());
            let _ = m.decode(at);
        }
    }
    for e in 0..m.endpoints().len() {
        let _ = m.reconnects(e);
    }
});
