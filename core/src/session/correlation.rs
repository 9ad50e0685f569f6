//! Request-to-reply correlation: Phoenix refs, graphql-ws ids, socket.io ack ids, JSON-RPC ids,
//! STOMP receipts, SignalR invocation ids, Action Cable identifiers.
//!
//! A request travelling one way is answered by a reply with the same key travelling the other
//! way, so pending requests are kept per direction (socket.io clients and servers both number
//! their acks from 0). A reused key while the first request is still pending leaves the first
//! one unanswered, which is what the user should see.
//!
//! Typed JSON (Django Channels' `{"type": ...}`) carries no ids, so its exchanges are paired by
//! order instead ([`Correlator::converse`], [`PairedBy::Order`]): each message the page sends
//! opens an exchange, and what the server sends next answers the oldest open one, first come
//! first served, the way a chat consumer answers in turn. The message `type` says what part of a
//! streamed answer a message is ([`typed_json::stream_part`], the one vocabulary): a start and
//! items keep the exchange open, an end closes it ok, an error closes it with an error, any other
//! message closes an exchange whose stream has not started (a one-shot reply) and is ignored
//! while a stream runs (a notice, a broadcast). A stream that then starts with nothing open
//! reopens the exchange that plain message closed: it was a notice racing the request. Every exchange also records when the server
//! first sent anything at all after it (`heard_ms`), which is what "no reply" means without ids.

use std::collections::VecDeque;

use serde::Serialize;

use crate::protocols::typed_json::StreamPart;
use crate::protocols::{Direction, Kind, Role, Status};

use std::hash::Hasher;

use super::intern::{FxHasher, FxMap, Sym};

/// How an exchange's reply was matched to its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PairedBy {
    /// A correlation key both carry (ref, id, ack id, receipt...).
    Key,
    /// Order of arrival: the protocol has no ids (typed JSON). See the module docs.
    Order,
}

/// One request and what answered it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exchange {
    pub paired_by: PairedBy,
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
    /// Milliseconds from the request to its stream's start (a start message, else the first
    /// item). Paired by order only. (f32: durations of hours still resolve to the millisecond,
    /// and every exchange carries it.)
    pub stream_start_ms: Option<f32>,
    /// Milliseconds from the request to the first message of any kind (heartbeats aside) the
    /// server sent after it. Paired by order only: without ids, that is the evidence of a reply.
    pub heard_ms: Option<f32>,
}

impl Exchange {
    /// A request just sent, nothing heard back yet.
    #[allow(clippy::too_many_arguments)]
    fn opened(paired_by: PairedBy, request: u32, request_dir: Direction, key: Box<str>, kind: Kind, topic: Sym, event: Sym, sent_at: f64) -> Self {
        Exchange {
            paired_by,
            request,
            request_dir,
            key,
            kind,
            topic,
            event,
            sent_at,
            reply: None,
            status: None,
            latency_ms: None,
            stream_items: 0,
            first_item_ms: None,
            last_item_at: None,
            stream_start_ms: None,
            heard_ms: None,
        }
    }

    pub fn is_heartbeat(&self) -> bool {
        self.kind == Kind::Heartbeat
    }
    pub fn answered(&self) -> bool {
        self.reply.is_some()
    }
    /// A stream that began and has not finished.
    pub fn streaming(&self) -> bool {
        self.reply.is_none() && (self.stream_items > 0 || self.stream_start_ms.is_some())
    }
    /// When its stream started (paired by order), as a time.
    pub fn stream_started_at(&self) -> Option<f64> {
        self.stream_start_ms.map(|ms| self.sent_at + ms as f64)
    }
}

/// What a correlated message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// Opened exchange `n`.
    Opened(u32),
    /// Added a stream item to exchange `n` (or, paired by order, started its stream).
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
    /// Exchanges paired by order that have not finished, oldest first (at most [`MAX_OPEN`]).
    open: VecDeque<u32>,
    /// Exchanges paired by order the server has sent nothing after yet.
    unheard: Vec<u32>,
    /// The last exchange a plain message closed, while no stream has started since: a stream
    /// that starts with nothing else open reopens it (the plain message was a notice such as
    /// Django's `connection_established` racing the page's first message, not the answer).
    reopenable: Option<u32>,
    /// The notice frame a reopen took its exchange back from: the session clears that frame's link
    /// ([`Correlator::take_unlinked`]), so the stream's frames are its start and items only.
    unlinked: Option<u32>,
}

/// How many unfinished order-paired exchanges are kept open for pairing. A page that sends far
/// more than the server answers leaves the oldest unpaired (still recorded, just not matched),
/// which keeps each pairing step O(1).
pub const MAX_OPEN: usize = 64;

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

/// What order pairing needs to know about a typed message (heartbeats never get here).
pub struct Turn {
    pub frame: u32,
    pub t: f64,
    pub dir: Direction,
    pub kind: Kind,
    pub topic: Sym,
    pub event: Sym,
    pub part: StreamPart,
}

impl Correlator {
    /// Pair a message of a protocol without ids by order (see the module docs).
    pub fn converse(&mut self, m: &Turn) -> Option<Linked> {
        if m.dir == Direction::Out {
            let n = self.exchanges.len() as u32;
            self.exchanges.push(Exchange::opened(PairedBy::Order, m.frame, m.dir, Box::default(), m.kind, m.topic, m.event, m.t));
            if self.open.len() == MAX_OPEN {
                self.open.pop_front();
            }
            self.open.push_back(n);
            self.unheard.push(n);
            return Some(Linked::Opened(n));
        }
        for n in self.unheard.drain(..) {
            let x = &mut self.exchanges[n as usize];
            x.heard_ms = Some((m.t - x.sent_at) as f32);
        }
        let part = if m.kind == Kind::Error { StreamPart::Error } else { m.part };
        let started = |c: &Self| c.open.iter().position(|&n| c.exchanges[n as usize].stream_start_ms.is_some());
        let not_started = |c: &Self| c.open.iter().position(|&n| c.exchanges[n as usize].stream_start_ms.is_none());
        let opens_stream = matches!(part, StreamPart::Start | StreamPart::Item | StreamPart::End);
        if opens_stream && not_started(self).is_none() && started(self).is_none() {
            if let Some(n) = self.reopenable.take() {
                let x = &mut self.exchanges[n as usize];
                self.unlinked = x.reply;
                (x.reply, x.status, x.latency_ms) = (None, None, None);
                self.open.push_front(n);
            }
        }
        // Stream parts go to the stream under way, else to the oldest open exchange.
        let current = |c: &Self| started(c).or((!c.open.is_empty()).then_some(0));
        let (pos, close) = match part {
            StreamPart::Start => (not_started(self)?, None),
            StreamPart::Item => (current(self)?, None),
            StreamPart::End => (current(self)?, Some(Status::Ok)),
            StreamPart::Error => (current(self)?, Some(Status::Error)),
            // A plain message answers the oldest exchange only if no stream is under way for it.
            StreamPart::Other => (not_started(self).filter(|&p| p == 0)?, Some(Status::Ok)),
        };
        let n = self.open[pos];
        let x = &mut self.exchanges[n as usize];
        self.reopenable = match part {
            StreamPart::Other => Some(n),
            _ => None,
        };
        if let Some(status) = close {
            self.open.remove(pos);
            x.reply = Some(m.frame);
            x.status = Some(status);
            x.latency_ms = Some(m.t - x.sent_at);
            return Some(Linked::Closed(n));
        }
        x.stream_start_ms.get_or_insert((m.t - x.sent_at) as f32);
        if part == StreamPart::Item {
            x.stream_items += 1;
            x.first_item_ms.get_or_insert(m.t - x.sent_at);
            x.last_item_at = Some(m.t);
        }
        Some(Linked::Item(n))
    }

    /// The frame that the last [`converse`](Self::converse) unpaired: it was a notice that raced
    /// the request, not the start of its answer.
    pub fn take_unlinked(&mut self) -> Option<u32> {
        self.unlinked.take()
    }

    pub fn link(&mut self, m: &MessageInfo) -> Linked {
        match m.role {
            Role::Request => {
                let n = self.exchanges.len() as u32;
                self.exchanges.push(Exchange::opened(PairedBy::Key, m.frame, m.dir, m.key.into(), m.kind, m.topic, m.event, m.t));
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
            + (self.open.capacity() + self.unheard.capacity()) * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(frame: u32, dir: Direction, key: &str, role: Role) -> MessageInfo<'_> {
        MessageInfo { frame, t: frame as f64, dir, kind: Kind::Push, topic: 0, event: 0, status: None, key, role }
    }

    fn turn(frame: u32, dir: Direction, part: StreamPart) -> Turn {
        Turn { frame, t: frame as f64 * 10.0, dir, kind: if dir == Direction::Out { Kind::Push } else { Kind::Broadcast }, topic: 0, event: 0, part }
    }

    #[test]
    fn typed_messages_pair_by_order() {
        use Direction::{In, Out};
        use StreamPart::*;
        let mut c = Correlator::default();
        // The page's first message races the server's welcome notice; the stream that follows
        // reopens the exchange the notice closed.
        assert_eq!(c.converse(&turn(0, Out, Other)), Some(Linked::Opened(0)));
        assert_eq!(c.converse(&turn(1, In, Other)), Some(Linked::Closed(0)));
        assert_eq!(c.take_unlinked(), None);
        assert_eq!(c.converse(&turn(2, In, Start)), Some(Linked::Item(0)));
        assert_eq!(c.take_unlinked(), Some(1), "the notice is no longer part of the exchange");
        assert_eq!(c.take_unlinked(), None);
        assert_eq!(c.converse(&turn(3, In, Item)), Some(Linked::Item(0)));
        // A second message while the first streams: items stay with the first, in order.
        assert_eq!(c.converse(&turn(4, Out, Other)), Some(Linked::Opened(1)));
        assert_eq!(c.converse(&turn(5, In, Item)), Some(Linked::Item(0)));
        assert_eq!(c.converse(&turn(6, In, End)), Some(Linked::Closed(0)));
        assert_eq!(c.converse(&turn(7, In, Start)), Some(Linked::Item(1)));
        assert_eq!(c.converse(&turn(8, In, Error)), Some(Linked::Closed(1)));
        let (a, b) = (&c.exchanges[0], &c.exchanges[1]);
        assert_eq!((a.stream_items, a.reply, a.status, a.heard_ms), (2, Some(6), Some(Status::Ok), Some(10.0)));
        assert_eq!((b.stream_items, b.reply, b.status, b.heard_ms), (0, Some(8), Some(Status::Error), Some(10.0)));
        // Nothing open: server messages pair with nothing.
        assert_eq!(c.converse(&turn(9, In, Item)), None);
        assert_eq!(c.converse(&turn(10, In, Other)), None);
        // Unanswered messages beyond MAX_OPEN drop out of pairing, oldest first.
        for i in 0..MAX_OPEN as u32 + 5 {
            c.converse(&turn(11 + i, Out, Other));
        }
        assert_eq!(c.open.len(), MAX_OPEN);
        assert_eq!(c.converse(&turn(200, In, Other)), Some(Linked::Closed(7)));
        assert!(c.exchanges[2..].iter().all(|x| x.heard_ms.is_some()));
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
