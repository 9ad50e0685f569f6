// Shared by the protocol targets: the first input byte chooses direction, opcode and the
// truncated flag; the rest are the frame bytes. Every successful decode must keep its payload
// ranges inside the frame.
#![allow(dead_code)]

use socketscope_core::protocols::{Decoded, Direction, FrameInput, Opcode, Payload};

pub fn input(data: &[u8]) -> Option<FrameInput<'_>> {
    let (&flags, bytes) = data.split_first()?;
    Some(FrameInput {
        dir: if flags & 1 != 0 { Direction::Out } else { Direction::In },
        op: if flags & 2 != 0 { Opcode::Binary } else { Opcode::Text },
        bytes,
        truncated: flags & 4 != 0,
    })
}

pub fn check(d: &Decoded, len: usize) {
    for m in d.messages() {
        match &m.payload {
            Payload::Json(r) | Payload::Text(r) | Payload::Bytes(r) => {
                assert!(r.start <= r.end && r.end <= len, "payload range {r:?} outside a {len}-byte frame")
            }
            Payload::None | Payload::MessagePack => {}
        }
    }
}
