#![no_main]
// Fuzz the HAR importer (and the HAR export of whatever it imported).
use libfuzzer_sys::fuzz_target;
use socketscope_core::{export::ExportOptions, har};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = har::ms_from_iso(text);
    if let Ok(imported) = har::import_har(text) {
        let _ = har::export_har(&imported.model, &ExportOptions::default());
    }
});
