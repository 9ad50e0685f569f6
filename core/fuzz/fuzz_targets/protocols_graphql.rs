#![no_main]
// Fuzz the graphql decoder: it must never panic, and decoded payload ranges stay in the frame.
use libfuzzer_sys::fuzz_target;
use socketscope_core::protocols;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(i) = common::input(data) else { return };
    let _ = protocols::graphql::decode_graphql_ws(&i).map(|d| common::check(&d, i.bytes.len()));
    let _ = protocols::graphql::decode_legacy(&i).map(|d| common::check(&d, i.bytes.len()));
});
