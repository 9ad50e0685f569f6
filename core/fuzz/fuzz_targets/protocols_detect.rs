#![no_main]
// Fuzz detection and the sticky per-connection decoder over a sequence of frames:
// [flags][len][bytes]... The first frame's bytes double as the URL hint.
use libfuzzer_sys::fuzz_target;
use socketscope_core::protocols::{ConnectionDecoder, DecodeConfig, Direction, FrameInput, Hints, Opcode};
#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let cfg = DecodeConfig::default();
    let url = std::str::from_utf8(data.get(..data.len().min(64)).unwrap_or(&[])).unwrap_or("ws://x/?vsn=2.0.0");
    let requested = vec!["graphql-ws".to_string()];
    let mut dec = ConnectionDecoder::new(&Hints { url, requested: &requested, negotiated: None }, &cfg);
    let mut rest = data;
    while let [flags, len, tail @ ..] = rest {
        let n = (*len as usize).min(tail.len());
        let (bytes, next) = tail.split_at(n);
        let input = FrameInput {
            dir: if flags & 1 != 0 { Direction::Out } else { Direction::In },
            op: if flags & 2 != 0 { Opcode::Binary } else { Opcode::Text },
            bytes,
            truncated: flags & 4 != 0,
        };
        let d = dec.decode(&input, &cfg);
        common::check(&d, bytes.len());
        rest = next;
    }
});
