#![no_main]
// Fuzz the signalr decoder: it must never panic, and decoded payload ranges stay in the frame.
use libfuzzer_sys::fuzz_target;
use socketscope_core::protocols;
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some(i) = common::input(data) else { return };
    let _ = protocols::signalr::decode(&i).map(|d| common::check(&d, i.bytes.len()));
});
