//! Request-to-reply correlation: Phoenix refs, graphql-ws ids, socket.io ack ids, JSON-RPC ids,
//! STOMP receipts, SignalR invocation ids, Action Cable identifiers.
//!
//! A request travelling one way is answered by a reply with the same key travelling the other
//! way, so pending requests are kept per direction (socket.io clients and servers both number
//! their acks from 0). A reused key while the first request is still pending leaves the first
//! one unanswered, which is what the user should see.

use serde::Serialize;

use crate::protocols::{Direction, Kind, Role, Status};

use super::intern::{FxMap, Sym};

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
    /// Pending requests by key, one map per request direction (In, Out).
    pending: [FxMap<Box<str>, u32>; 2],
    pub orphans: u32,
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
                self.pending[slot(m.dir)].insert(m.key.into(), n);
                Linked::Opened(n)
            }
            Role::StreamItem => {
                let Some(&n) = self.pending[slot(other(m.dir))].get(m.key) else {
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
                let Some(n) = self.pending[slot(other(m.dir))].remove(m.key) else {
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

    /// Requests still waiting for their reply.
    pub fn pending(&self) -> impl Iterator<Item = &Exchange> {
        self.pending.iter().flat_map(|m| m.values()).map(|&n| &self.exchanges[n as usize])
    }

    pub fn heap_bytes(&self) -> usize {
        self.exchanges.capacity() * std::mem::size_of::<Exchange>()
            + self.exchanges.iter().map(|x| x.key.len()).sum::<usize>()
            + self.pending.iter().map(|m| m.capacity() * 32 + m.keys().map(|k| k.len()).sum::<usize>()).sum::<usize>()
    }
}
