#![no_main]
// Fuzz the session file importer, then export what it imported (with redaction) and import that
// again: the round trip must keep the frame count.
use libfuzzer_sys::fuzz_target;
use socketscope_core::export::{self, ExportOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = export::redact_text(text);
    let Ok(imported) = export::import_session(text) else { return };
    let out = export::export_session(&imported.model, &ExportOptions { redact: false, now: 0.0 });
    let again = export::import_session(&out).expect("our own export must import");
    assert_eq!(again.model.memory().frames, imported.model.memory().frames);
});
