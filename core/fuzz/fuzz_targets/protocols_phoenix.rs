#![no_main]
// Fuzz the phoenix decoder: it must never panic, and decoded payload ranges stay in the frame.
use libfuzzer_sys::fuzz_target;
use socketscope_core::protocols;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(i) = common::input(data) else { return };
    let _ = protocols::phoenix::decode_v2(&i).map(|d| common::check(&d, i.bytes.len()));
    let _ = protocols::phoenix::decode_v1(&i).map(|d| common::check(&d, i.bytes.len()));
});
