#![no_main]
// Fuzz project close-code profiles: parse any text, then explain a close and list collisions with
// every library profile active. The first two bytes are the close code.
use libfuzzer_sys::fuzz_target;
use socketscope_core::close_codes::{parse_project_profile, CloseCode, Library, ProfileSet};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let code = u16::from_le_bytes([data[0], data[1]]);
    assert_eq!(u16::from(CloseCode::from(code)), code);
    let Ok(text) = std::str::from_utf8(&data[2..]) else { return };
    let load = parse_project_profile(text);
    for p in &load.problems {
        assert!(!p.to_string().is_empty());
    }
    let projects: Vec<_> = load.profile.into_iter().collect();
    let mut set = ProfileSet::for_connection(Some("graphql-transport-ws"), Some(Library::Phoenix), &projects);
    set.add_library(Library::ActionCable);
    let ex = set.explain(code, text.get(..text.len().min(40)).unwrap_or(""));
    let _ = (ex.title(), ex.meaning(), ex.next_step());
    let _ = set.explain_disconnect(text);
    for c in set.collisions() {
        assert!(!c.to_string().is_empty());
    }
});
