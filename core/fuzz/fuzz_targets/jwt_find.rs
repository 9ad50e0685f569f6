#![no_main]
// Fuzz token finding: the same text as a payload, a URL and a list of subprotocols (one per line).
use libfuzzer_sys::fuzz_target;
use socketscope_core::jwt;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for found in jwt::find_in_text(text) {
        assert!(jwt::looks_like_jwt(&found.token));
    }
    let _ = jwt::find_in_url(text);
    let protocols: Vec<String> = text.lines().map(String::from).collect();
    for found in jwt::find_in_subprotocols(&protocols) {
        assert!(jwt::looks_like_jwt(&found.token));
    }
});
