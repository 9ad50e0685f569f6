//! Request-to-reply correlation: Phoenix refs, graphql-ws ids, socket.io ack ids, JSON-RPC ids,
//! STOMP receipts, SignalR invocation ids, Action Cable identifiers.
//!
//! A request travelling one way is answered by a reply with the same key travelling the other
//! way, so pending requests are kept per direction (socket.io clients and servers both number
//! their acks from 0). A reused key while the first request is still pending leaves the first
//! one unanswered, which is what the user should see.

use serde::Serialize;

use crate::protocols::{Direction, Kind, Role, Status};

use std::hash::Hasher;

use super::intern::{FxHasher, FxMap, Sym};

/// One request and what answered it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exchange {
    /// Frame index of the request.
    pub request: u32,
    pub request_dir: Direction,
    /// The correlation key (ref, id, ack id with namespace, receipt...).
    pub key: Box<str>,
    /// The request's kind (Join, Leave, Push, Heartbeat...).
    pub kind: Kind,
    pub topic: Sym,
    pub event: Sym,
    pub sent_at: f64,
    /// Frame index of the final reply, if one came.
    pub reply: Option<u32>,
    pub status: Option<Status>,
    /// Milliseconds from request to final reply.
    pub latency_ms: Option<f64>,
    pub stream_items: u32,
    /// Milliseconds from request to the first stream item.
    pub first_item_ms: Option<f64>,
    pub last_item_at: Option<f64>,
}

impl Exchange {
    pub fn is_heartbeat(&self) -> bool {
        self.kind == Kind::Heartbeat
    }
    pub fn answered(&self) -> bool {
        self.reply.is_some()
    }
}

/// What a correlated message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// Opened exchange `n`.
    Opened(u32),
    /// Added a stream item to exchange `n`.
    Item(u32),
    /// Closed exchange `n`.
    Closed(u32),
    /// A reply or item whose request was never seen (before capture started, or lost).
    Orphan,
}

#[derive(Debug, Default, Clone)]
pub struct Correlator {
    pub exchanges: Vec<Exchange>,
    /// Pending requests by the hash of their key, one map per request direction (In, Out).
    /// Keys are kept once, in the exchange; a pending request whose key hash is already taken
    /// by a different pending key goes to `collided` (searched linearly; rare).
    pending: [FxMap<u64, u32>; 2],
    collided: [Vec<u32>; 2],
    pub orphans: u32,
}

fn key_hash(key: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(key.as_bytes());
    h.finish()
}

fn slot(d: Direction) -> usize {
    match d {
        Direction::In => 0,
        Direction::Out => 1,
    }
}

fn other(d: Direction) -> Direction {
    match d {
        Direction::In => Direction::Out,
        Direction::Out => Direction::In,
    }
}

/// What the correlator needs to know about a message.
pub struct MessageInfo<'a> {
    pub frame: u32,
    pub t: f64,
    pub dir: Direction,
    pub kind: Kind,
    pub topic: Sym,
    pub event: Sym,
    pub status: Option<Status>,
    pub key: &'a str,
    pub role: Role,
}

impl Correlator {
    pub fn link(&mut self, m: &MessageInfo) -> Linked {
        match m.role {
            Role::Request => {
                let n = self.exchanges.len() as u32;
                self.exchanges.push(Exchange {
                    request: m.frame,
                    request_dir: m.dir,
                    key: m.key.into(),
                    kind: m.kind,
                    topic: m.topic,
                    event: m.event,
                    sent_at: m.t,
                    reply: None,
                    status: None,
                    latency_ms: None,
                    stream_items: 0,
                    first_item_ms: None,
                    last_item_at: None,
                });
                let (d, h) = (slot(m.dir), key_hash(m.key));
                match self.pending[d].get(&h) {
                    Some(&old) if &*self.exchanges[old as usize].key != m.key => self.collided[d].push(n),
                    // New, or a reused key: the earlier request stays unanswered.
                    _ => {
                        self.pending[d].insert(h, n);
                    }
                }
                Linked::Opened(n)
            }
            Role::StreamItem => {
                let Some(n) = self.find(slot(other(m.dir)), m.key, false) else {
                    self.orphans += 1;
                    return Linked::Orphan;
                };
                let x = &mut self.exchanges[n as usize];
                x.stream_items += 1;
                x.first_item_ms.get_or_insert(m.t - x.sent_at);
                x.last_item_at = Some(m.t);
                Linked::Item(n)
            }
            Role::Reply => {
                let Some(n) = self.find(slot(other(m.dir)), m.key, true) else {
                    self.orphans += 1;
                    return Linked::Orphan;
                };
                let x = &mut self.exchanges[n as usize];
                x.reply = Some(m.frame);
                x.status = m.status;
                x.latency_ms = Some(m.t - x.sent_at);
                Linked::Closed(n)
            }
        }
    }

    /// The pending exchange with `key` in direction slot `d`, removed from pending if `take`.
    fn find(&mut self, d: usize, key: &str, take: bool) -> Option<u32> {
        let h = key_hash(key);
        if let Some(&n) = self.pending[d].get(&h) {
            if &*self.exchanges[n as usize].key == key {
                if take {
                    self.pending[d].remove(&h);
                }
                return Some(n);
            }
        }
        let pos = self.collided[d].iter().position(|&n| &*self.exchanges[n as usize].key == key)?;
        let n = self.collided[d][pos];
        if take {
            self.collided[d].remove(pos);
        }
        Some(n)
    }

    /// Requests still waiting for their reply.
    pub fn pending(&self) -> impl Iterator<Item = &Exchange> {
        self.pending
            .iter()
            .flat_map(|m| m.values())
            .chain(self.collided.iter().flatten())
            .map(|&n| &self.exchanges[n as usize])
    }

    pub fn heap_bytes(&self) -> usize {
        self.exchanges.capacity() * std::mem::size_of::<Exchange>()
            + self.exchanges.iter().map(|x| x.key.len()).sum::<usize>()
            + self.pending.iter().map(|m| m.capacity() * 16).sum::<usize>()
            + self.collided.iter().map(|c| c.capacity() * 4).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(frame: u32, dir: Direction, key: &str, role: Role) -> MessageInfo<'_> {
        MessageInfo { frame, t: frame as f64, dir, kind: Kind::Push, topic: 0, event: 0, status: None, key, role }
    }

    #[test]
    fn colliding_and_reused_keys_still_pair_correctly() {
        let mut c = Correlator::default();
        // Force a collision: put a second pending key under the first one's hash slot.
        assert_eq!(c.link(&info(0, Direction::Out, "a", Role::Request)), Linked::Opened(0));
        c.link(&info(1, Direction::Out, "b", Role::Request));
        let hb = key_hash("b");
        c.pending[1].remove(&hb);
        c.pending[1].insert(key_hash("a"), 0);
        c.collided[1].push(1);
        assert_eq!(c.link(&info(2, Direction::In, "b", Role::Reply)), Linked::Closed(1));
        assert_eq!(c.link(&info(3, Direction::In, "a", Role::Reply)), Linked::Closed(0));
        assert_eq!(c.pending().count(), 0);
        // A reused key leaves the first request unanswered; the reply goes to the second.
        c.link(&info(4, Direction::Out, "x", Role::Request));
        c.link(&info(5, Direction::Out, "x", Role::Request));
        assert_eq!(c.link(&info(6, Direction::In, "x", Role::Reply)), Linked::Closed(3));
        assert!(c.exchanges[2].reply.is_none());
        // Same key the other way round is a different exchange (socket.io ack ids).
        c.link(&info(7, Direction::In, "x", Role::Request));
        assert_eq!(c.link(&info(8, Direction::In, "x", Role::Reply)), Linked::Orphan);
        assert_eq!(c.link(&info(9, Direction::Out, "x", Role::Reply)), Linked::Closed(4));
    }
}
