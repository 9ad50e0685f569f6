#![no_main]
// Fuzz the MessagePack parser (tree building, bounded depth and lengths) and its rendering.
use libfuzzer_sys::fuzz_target;
use socketscope_core::protocols::{self, msgpack, GenericJsonConfig};
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = msgpack::parse(data) {
        let _ = v.to_json();
        let _ = v.get_path("a.0.b");
    }
    let Some(i) = common::input(data) else { return };
    let cfg = GenericJsonConfig { topic_path: Some("topic".into()), event_path: Some("type.0".into()) };
    let _ = protocols::msgpack::decode(&i, &cfg).map(|d| common::check(&d, i.bytes.len()));
});
