//! Compact frame storage for one connection.
//!
//! Payload bytes live in an arena of fixed-size chunks (text as UTF-8, binary already decoded
//! from base64, so 25% smaller than on the wire); each frame is a 40-byte [`FrameRecord`] that
//! points into it. Appends never move existing payloads (chunks are not reallocated), records
//! grow by doubling: amortised O(1). Decoded information is reduced to ids (protocol, kind,
//! interned topic and event, status, exchange); the full decode is redone on demand.

use crate::protocols::{Direction, Kind, Opcode, Protocol, Status};

use super::intern::{Sym, NONE};

/// Arena chunk size. Payloads larger than this get a chunk of their own.
pub const CHUNK: usize = 1 << 20;
/// First chunk size of a connection.
pub const FIRST_CHUNK: usize = 4 << 10;

/// Flag bits in [`FrameRecord::flags`].
pub mod flags {
    pub const OUT: u8 = 1;
    pub const BINARY: u8 = 2;
    /// The capture kept only a prefix of the payload.
    pub const TRUNCATED: u8 = 4;
    /// The payload was not stored: the model's payload budget was spent.
    pub const PAYLOAD_DROPPED: u8 = 8;
    /// A binary frame whose base64 did not decode; the stored bytes are the base64 text.
    pub const BAD_BASE64: u8 = 16;
}

/// One frame, 40 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameRecord {
    /// Epoch milliseconds.
    pub t: f64,
    /// True size in bytes as reported by the page (saturates at 4 GiB).
    pub size: u32,
    chunk: u32,
    off: u32,
    len: u32,
    pub topic: Sym,
    pub event: Sym,
    /// Index into the connection's exchanges, or [`NONE`].
    pub exchange: u32,
    pub flags: u8,
    protocol: u8,
    kind: u8,
    status: u8,
}

impl FrameRecord {
    pub fn dir(&self) -> Direction {
        if self.flags & flags::OUT != 0 {
            Direction::Out
        } else {
            Direction::In
        }
    }
    pub fn op(&self) -> Opcode {
        if self.flags & flags::BINARY != 0 {
            Opcode::Binary
        } else {
            Opcode::Text
        }
    }
    pub fn protocol(&self) -> Protocol {
        Protocol::from_index(self.protocol)
    }
    pub fn kind(&self) -> Kind {
        Kind::from_index(self.kind)
    }
    pub fn status(&self) -> Option<Status> {
        match self.status {
            1 => Some(Status::Ok),
            2 => Some(Status::Error),
            _ => None,
        }
    }
    pub fn truncated(&self) -> bool {
        self.flags & flags::TRUNCATED != 0
    }
    pub fn payload_dropped(&self) -> bool {
        self.flags & flags::PAYLOAD_DROPPED != 0
    }
    pub fn exchange(&self) -> Option<u32> {
        (self.exchange != NONE).then_some(self.exchange)
    }
}

/// What describes a new frame (everything but its bytes' location).
#[derive(Debug, Clone, Copy)]
pub struct NewFrame {
    pub t: f64,
    pub size: u64,
    pub dir: Direction,
    pub op: Opcode,
    pub truncated: bool,
    pub bad_base64: bool,
    pub protocol: Protocol,
    pub kind: Kind,
    pub status: Option<Status>,
    pub topic: Sym,
    pub event: Sym,
    pub exchange: u32,
}

#[derive(Debug, Default, Clone)]
pub struct FrameStore {
    records: Vec<FrameRecord>,
    chunks: Vec<Vec<u8>>,
    bytes: u64,
}

impl FrameStore {
    /// Append a frame; `payload` is `None` when the budget forbids storing it.
    pub fn push(&mut self, f: NewFrame, payload: Option<&[u8]>) -> u32 {
        let mut fl = 0;
        if f.dir == Direction::Out {
            fl |= flags::OUT;
        }
        if f.op == Opcode::Binary {
            fl |= flags::BINARY;
        }
        if f.truncated {
            fl |= flags::TRUNCATED;
        }
        if f.bad_base64 {
            fl |= flags::BAD_BASE64;
        }
        let (chunk, off, len) = match payload {
            Some(p) => self.store(p),
            None => {
                fl |= flags::PAYLOAD_DROPPED;
                (0, 0, 0)
            }
        };
        let index = self.records.len() as u32;
        self.records.push(FrameRecord {
            t: f.t,
            size: f.size.min(u32::MAX as u64) as u32,
            chunk,
            off,
            len,
            topic: f.topic,
            event: f.event,
            exchange: f.exchange,
            flags: fl,
            protocol: f.protocol.index(),
            kind: f.kind.index(),
            status: match f.status {
                None => 0,
                Some(Status::Ok) => 1,
                Some(Status::Error) => 2,
            },
        });
        index
    }

    fn store(&mut self, p: &[u8]) -> (u32, u32, u32) {
        self.bytes += p.len() as u64;
        let fits = self.chunks.last().is_some_and(|c| c.capacity() - c.len() >= p.len());
        if !fits {
            // Chunks start small and double up to CHUNK, so a connection with a handful of
            // frames does not hold a megabyte.
            let next = self.chunks.last().map_or(FIRST_CHUNK, |c| (c.capacity() * 2).min(CHUNK));
            self.chunks.push(Vec::with_capacity(next.max(p.len())));
        }
        let ci = self.chunks.len() - 1;
        let c = &mut self.chunks[ci];
        let off = c.len();
        c.extend_from_slice(p);
        (ci as u32, off as u32, p.len() as u32)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// Frame `i` no longer belongs to an exchange (a notice that pairing by order first took for
    /// the answer).
    pub fn unlink(&mut self, i: u32) {
        if let Some(r) = self.records.get_mut(i as usize) {
            r.exchange = NONE;
        }
    }

    pub fn get(&self, i: u32) -> Option<&FrameRecord> {
        self.records.get(i as usize)
    }
    pub fn records(&self) -> &[FrameRecord] {
        &self.records
    }
    /// The stored bytes of frame `i` (empty when dropped).
    pub fn payload(&self, i: u32) -> &[u8] {
        let Some(r) = self.records.get(i as usize) else { return &[] };
        if r.payload_dropped() {
            return &[];
        }
        self.chunks
            .get(r.chunk as usize)
            .and_then(|c| c.get(r.off as usize..r.off as usize + r.len as usize))
            .unwrap_or(&[])
    }
    /// Payload bytes stored.
    pub fn payload_bytes(&self) -> u64 {
        self.bytes
    }
    /// Heap bytes held (records + arena capacity).
    pub fn heap_bytes(&self) -> usize {
        self.records.capacity() * std::mem::size_of::<FrameRecord>() + self.chunks.iter().map(|c| c.capacity()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_is_forty_bytes() {
        assert_eq!(std::mem::size_of::<FrameRecord>(), 40);
    }
}
