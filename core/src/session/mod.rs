//! The session model: everything the panel shows, built from `schema::Sequenced` events.
//!
//! Feed it with [`Model::ingest_batch`] (or [`Model::ingest`] per event) and read it back
//! through [`Model::connections`], [`Model::frame`], [`Model::decode`], each connection's
//! `topics` and `correlation.exchanges`, and [`Model::reconnects`]. The diagnostics build on
//! the same accessors.
//!
//! Properties the rest of Socketscope relies on:
//! - **Idempotent ingest.** Events are deduplicated by `(page, seq)`: the relay resends after a
//!   reconnect, and a resent event changes nothing. Gaps in `seq` are recorded as loss.
//! - **Amortised O(1) appends, bounded memory.** Frames are 40-byte records plus payload bytes
//!   in a per-connection chunked arena; decoded information is reduced to interned ids and
//!   redone on demand ([`Model::decode`]). Payload bytes are capped by
//!   [`ModelConfig::max_payload_bytes`]; past the cap frames keep their metadata only.
//! - **No clock, no browser.** Time comes from the events; nothing here reads the system time.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::protocols::{
    self, base64, typed_json, ConnectionDecoder, DecodeConfig, Decoded, Direction, FrameInput, Hints, Kind, Mismatch, Note,
    Opcode, Protocol, Reason,
};
use crate::schema::{Event, Parsed, ReadyState, Sequenced};

pub mod connection;
pub mod correlation;
pub mod intern;
pub mod pages;
pub mod reconnect;
pub mod store;
pub mod topics;

pub use connection::{Close, CloseCall, Connection, Counters, Handshake, SendError, Transition};
pub use correlation::{Exchange, PairedBy};
pub use intern::{Sym, NONE};
pub use pages::Page;
pub use reconnect::{Backoff, Endpoint, ReconnectSummary, Storm, StormConfig};
pub use store::FrameRecord;
pub use topics::{Topic, TopicState, TopicTransition};

use correlation::{Linked, MessageInfo, Turn};
use intern::{FxMap, Interner};
use store::NewFrame;

/// Index of a connection in [`Model::connections`].
pub type ConnId = u32;

/// A frame: its connection and its index there. What findings cite as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FrameRef {
    pub conn: ConnId,
    pub index: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelConfig {
    pub decode: DecodeConfig,
    /// Payload bytes kept across all connections. Default 256 MiB.
    pub max_payload_bytes: u64,
    pub storm: StormConfig,
    /// How far apart (ms) a handshake and a socket's creation may be to be matched.
    pub handshake_window_ms: f64,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig { decode: DecodeConfig::default(), max_payload_bytes: 256 << 20, storm: StormConfig::default(), handshake_window_ms: 10_000.0 }
    }
}

/// Whether an event changed the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ingested {
    Applied,
    /// Already seen (same page and seq): ignored.
    Duplicate,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestReport {
    pub applied: u64,
    pub duplicates: u64,
    /// Events the schema rejected in this batch (carried over from [`Parsed::errors`]).
    pub schema_errors: usize,
}

/// A frame for display.
#[derive(Debug, Clone, Copy)]
pub struct FrameView<'m> {
    pub at: FrameRef,
    pub record: &'m FrameRecord,
    /// Stored bytes: the text's UTF-8, or the decoded binary. Empty if the payload was dropped.
    pub data: &'m [u8],
    pub topic: Option<&'m str>,
    pub event: Option<&'m str>,
    pub exchange: Option<&'m Exchange>,
}

impl<'m> FrameView<'m> {
    pub fn text(&self) -> Option<&'m str> {
        (self.record.op() == Opcode::Text).then(|| std::str::from_utf8(self.data).ok()).flatten()
    }
    /// The payload as the schema carries it: text, or base64 for binary.
    pub fn wire_data(&self) -> String {
        match self.record.op() {
            Opcode::Text => String::from_utf8_lossy(self.data).into_owned(),
            Opcode::Binary if self.record.flags & store::flags::BAD_BASE64 != 0 => String::from_utf8_lossy(self.data).into_owned(),
            Opcode::Binary => base64::encode(self.data),
        }
    }
}

/// Memory held by the model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MemoryUsage {
    pub frames: u64,
    pub payload_bytes: u64,
    /// Frames stored without payload because the budget was spent.
    pub payloads_dropped: u64,
    /// Approximate heap bytes (records, arenas, indices, exchanges, strings).
    pub heap_bytes: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Model {
    pub config: ModelConfig,
    pages: Vec<Page>,
    page_index: HashMap<String, usize>,
    connections: Vec<Connection>,
    by_socket: FxMap<String, ConnId>,
    strings: Interner,
    endpoints: Vec<Endpoint>,
    endpoint_index: HashMap<String, usize>,
    unmatched_handshakes: Vec<Handshake>,
    payload_bytes: u64,
    payloads_dropped: u64,
    scratch: Vec<u8>,
}

impl Model {
    pub fn new(config: ModelConfig) -> Self {
        Model { config, ..Default::default() }
    }

    // ---- ingest -------------------------------------------------------------------------

    /// Ingest a validated batch.
    pub fn ingest_batch(&mut self, batch: &Parsed) -> IngestReport {
        let mut r = IngestReport { schema_errors: batch.errors.len(), ..Default::default() };
        let page = self.page_mut(&batch.page);
        if batch.tab.is_some() {
            self.pages[page].tab = batch.tab;
        }
        for ev in &batch.events {
            match self.ingest_at(page, ev) {
                Ingested::Applied => r.applied += 1,
                Ingested::Duplicate => r.duplicates += 1,
            }
        }
        r
    }

    /// Ingest one event of `page`.
    pub fn ingest(&mut self, page: &str, ev: &Sequenced) -> Ingested {
        let p = self.page_mut(page);
        self.ingest_at(p, ev)
    }

    fn page_mut(&mut self, id: &str) -> usize {
        // Events come in runs from one page: check the last page before hashing.
        if let Some(last) = self.pages.last() {
            if last.id == id {
                return self.pages.len() - 1;
            }
        }
        if let Some(&i) = self.page_index.get(id) {
            return i;
        }
        let i = self.pages.len();
        self.pages.push(Page { id: id.to_owned(), ..Default::default() });
        self.page_index.insert(id.to_owned(), i);
        i
    }

    fn ingest_at(&mut self, page: usize, ev: &Sequenced) -> Ingested {
        if !self.pages[page].seqs.insert(ev.seq) {
            self.pages[page].duplicates += 1;
            return Ingested::Duplicate;
        }
        match &ev.event {
            Event::Page { t, url } => {
                let p = &mut self.pages[page];
                p.t = Some(*t);
                p.url = Some(url.clone());
            }
            Event::Socket { id, t, url, protocols, stack, frame } => {
                let c = self.conn_for(page, id, *t, Some(url));
                let conn = &mut self.connections[c as usize];
                conn.unannounced = false;
                conn.created = *t;
                conn.requested = protocols.clone();
                conn.stack = stack.clone();
                conn.frame_url = frame.clone();
                let hints = Hints { url, requested: protocols, negotiated: None };
                conn.decoder = ConnectionDecoder::new(&hints, &self.config.decode);
                self.match_pending_handshake(c);
            }
            Event::State { id, t, state, protocol, extensions } => {
                let c = self.conn_for(page, id, *t, None) as usize;
                let conn = &mut self.connections[c];
                conn.transitions.push(Transition { t: *t, state: *state });
                if *state == ReadyState::Open {
                    conn.negotiated = protocol.clone().filter(|p| !p.is_empty());
                    conn.extensions = extensions.clone().filter(|e| !e.is_empty());
                    let hints = Hints { url: &conn.url, requested: &conn.requested, negotiated: conn.negotiated.as_deref() };
                    conn.decoder.rehint(&hints, &self.config.decode);
                }
            }
            Event::Frame { id, t, dir, op, size, data, truncated } => {
                let c = self.conn_for(page, id, *t, None);
                self.ingest_frame(c, *t, *dir, *op, *size, data, *truncated);
            }
            Event::CloseCall { id, t, by, code, reason } => {
                let c = self.conn_for(page, id, *t, None) as usize;
                self.connections[c].close_calls.push(CloseCall { t: *t, by: *by, code: *code, reason: reason.clone() });
            }
            Event::Close { id, t, code, reason, was_clean, initiator } => {
                let c = self.conn_for(page, id, *t, None) as usize;
                self.connections[c].close = Some(Close { t: *t, code: *code, reason: reason.clone(), was_clean: *was_clean, initiator: *initiator });
            }
            Event::Error { id, t } => {
                let c = self.conn_for(page, id, *t, None) as usize;
                self.connections[c].errors.push(*t);
            }
            Event::SendError { id, t, name, message } => {
                let c = self.conn_for(page, id, *t, None) as usize;
                self.connections[c].send_errors.push(SendError { t: *t, name: name.clone(), message: message.clone() });
            }
            Event::Handshake { t, url, status, error } => {
                let h = Handshake { t: *t, url: url.clone(), status: *status, error: error.clone() };
                self.match_handshake(h);
            }
            Event::Dropped { t, frames, bytes } => {
                let p = &mut self.pages[page];
                // Cumulative counters: keep the largest (a resend of an older one changes nothing).
                p.dropped_frames = p.dropped_frames.max(*frames);
                p.dropped_bytes = p.dropped_bytes.max(*bytes);
                p.dropped_at = Some(*t);
            }
        }
        Ingested::Applied
    }

    /// The connection for a socket id, created (as unannounced) if its `socket` event was lost.
    fn conn_for(&mut self, page: usize, socket: &str, t: f64, url: Option<&str>) -> ConnId {
        if let Some(&c) = self.by_socket.get(socket) {
            if let Some(url) = url {
                let conn = &mut self.connections[c as usize];
                if conn.url != url {
                    conn.url = url.to_owned();
                    self.assign_endpoint(c);
                }
            }
            return c;
        }
        let id = self.connections.len() as ConnId;
        let mut conn = Connection::new(id, socket.to_owned(), page, url.unwrap_or_default().to_owned(), t);
        conn.unannounced = url.is_none();
        self.connections.push(conn);
        self.by_socket.insert(socket.to_owned(), id);
        self.assign_endpoint(id);
        id
    }

    fn assign_endpoint(&mut self, c: ConnId) {
        let key = reconnect::endpoint_key(&self.connections[c as usize].url);
        // Leave a previous endpoint if the URL changed (an unannounced connection got its URL).
        for e in &mut self.endpoints {
            e.connections.retain(|&x| x != c);
        }
        let e = match self.endpoint_index.get(&key) {
            Some(&e) => e,
            None => {
                self.endpoints.push(Endpoint { key: key.clone(), connections: Vec::new() });
                self.endpoint_index.insert(key, self.endpoints.len() - 1);
                self.endpoints.len() - 1
            }
        };
        let created = self.connections[c as usize].created;
        let list = &mut self.endpoints[e].connections;
        let at = list.partition_point(|&x| self.connections[x as usize].created <= created);
        list.insert(at, c);
        self.connections[c as usize].endpoint = e;
    }

    #[allow(clippy::too_many_arguments)]
    fn ingest_frame(&mut self, c: ConnId, t: f64, dir: Direction, op: Opcode, size: u64, data: &str, truncated: bool) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let (bytes, bad_base64): (&[u8], bool) = match op {
            Opcode::Text => (data.as_bytes(), false),
            Opcode::Binary => match base64::decode_into(data, &mut scratch) {
                Ok(()) => (&scratch, false),
                Err(_) => (data.as_bytes(), true),
            },
        };
        let conn = &mut self.connections[c as usize];
        let input = FrameInput { dir, op, bytes, truncated };
        let decoded = if bad_base64 { Decoded::raw(Vec::new()) } else { conn.decoder.decode(&input, &self.config.decode) };
        let index = conn.frames.len() as u32;
        let stream_protocol = matches!(decoded.protocol, Protocol::GraphqlWs | Protocol::SubscriptionsTransportWs);
        let typed = decoded.protocol == Protocol::TypedJson;
        let mut first = (NONE, NONE, NONE);
        let frame_kind = decoded.msg.kind;
        for (k, msg) in decoded.messages().enumerate() {
            let topic = self.strings.intern_opt(msg.topic.as_deref());
            let event = self.strings.intern_opt(msg.event.as_deref());
            let mut exchange = NONE;
            let mut answered = None;
            let mut topic_for_state = topic;
            if let Some(corr) = &msg.corr {
                let info = MessageInfo { frame: index, t, dir, kind: msg.kind, topic, event, status: msg.status, key: &corr.key, role: corr.role };
                match conn.correlation.link(&info) {
                    Linked::Opened(n) | Linked::Item(n) => exchange = n,
                    Linked::Closed(n) => {
                        exchange = n;
                        let x = &conn.correlation.exchanges[n as usize];
                        answered = Some((x.kind, msg.status));
                        if topic_for_state == NONE {
                            topic_for_state = x.topic;
                        }
                    }
                    Linked::Orphan => {}
                }
            } else if typed && msg.kind != Kind::Heartbeat {
                // No ids: pair by order (see correlation's module docs).
                let part = msg.event.as_deref().map(typed_json::stream_part).unwrap_or(typed_json::StreamPart::Other);
                let turn = Turn { frame: index, t, dir, kind: msg.kind, topic, event, part };
                if let Some(Linked::Opened(n) | Linked::Item(n) | Linked::Closed(n)) = conn.correlation.converse(&turn) {
                    exchange = n;
                }
                if let Some(notice) = conn.correlation.take_unlinked() {
                    conn.frames.unlink(notice);
                }
            }
            if topic_for_state != NONE {
                let ti = match conn.topic_index.get(&topic_for_state) {
                    Some(&i) => i,
                    None => {
                        conn.topics.push(Topic::new(topic_for_state));
                        let i = conn.topics.len() as u32 - 1;
                        conn.topic_index.insert(topic_for_state, i);
                        i
                    }
                };
                let tp = &mut conn.topics[ti as usize];
                tp.apply(t, index, msg.kind, msg.join_ref.as_deref(), answered, stream_protocol, msg.corr.is_some());
                if tp.timeline.last() != Some(&index) {
                    tp.timeline.push(index);
                }
            }
            if k == 0 {
                first = (topic, event, exchange);
            }
        }
        let d = match dir {
            Direction::In => 0,
            Direction::Out => 1,
        };
        conn.counters.frames[d] += 1;
        conn.counters.bytes[d] += size;
        if frame_kind == Kind::Heartbeat {
            conn.counters.heartbeats[d] += 1;
            conn.heartbeats.push(index);
        } else {
            conn.traffic.push(index);
        }
        let store = self.payload_bytes + bytes.len() as u64 <= self.config.max_payload_bytes;
        if store {
            self.payload_bytes += bytes.len() as u64;
        } else {
            self.payloads_dropped += 1;
        }
        let nf = NewFrame {
            t,
            size,
            dir,
            op,
            truncated,
            bad_base64,
            protocol: decoded.protocol,
            kind: frame_kind,
            status: decoded.msg.status,
            topic: first.0,
            event: first.1,
            exchange: first.2,
        };
        drop(decoded);
        conn.frames.push(nf, store.then_some(bytes));
        self.scratch = scratch;
    }

    fn match_handshake(&mut self, h: Handshake) {
        let window = self.config.handshake_window_ms;
        let want = normalise_url(&h.url);
        let best = self
            .connections
            .iter()
            .filter(|c| c.handshake.is_none() && normalise_url(&c.url) == want && (c.created - h.t).abs() <= window)
            .min_by(|a, b| (a.created - h.t).abs().total_cmp(&(b.created - h.t).abs()))
            .map(|c| c.id);
        match best {
            Some(c) => self.connections[c as usize].handshake = Some(h),
            None => self.unmatched_handshakes.push(h),
        }
    }

    fn match_pending_handshake(&mut self, c: ConnId) {
        let conn = &self.connections[c as usize];
        if conn.handshake.is_some() {
            return;
        }
        let want = normalise_url(&conn.url);
        let window = self.config.handshake_window_ms;
        let created = conn.created;
        let best = self
            .unmatched_handshakes
            .iter()
            .enumerate()
            .filter(|(_, h)| normalise_url(&h.url) == want && (created - h.t).abs() <= window)
            .min_by(|a, b| (created - a.1.t).abs().total_cmp(&(created - b.1.t).abs()))
            .map(|(i, _)| i);
        if let Some(i) = best {
            let h = self.unmatched_handshakes.remove(i);
            self.connections[c as usize].handshake = Some(h);
        }
    }

    /// Decode the connection's later frames as `p`, whatever detection said.
    pub fn set_protocol(&mut self, c: ConnId, p: Protocol) {
        if let Some(conn) = self.connections.get_mut(c as usize) {
            conn.decoder.force(p);
        }
    }

    // ---- reading ------------------------------------------------------------------------

    pub fn pages(&self) -> &[Page] {
        &self.pages
    }
    pub fn connections(&self) -> &[Connection] {
        &self.connections
    }
    pub fn connection(&self, c: ConnId) -> Option<&Connection> {
        self.connections.get(c as usize)
    }
    pub fn connection_by_socket(&self, socket: &str) -> Option<&Connection> {
        self.by_socket.get(socket).and_then(|&c| self.connection(c))
    }
    /// The text of an interned topic or event name.
    pub fn name(&self, s: Sym) -> Option<&str> {
        if s == NONE {
            None
        } else {
            self.strings.get(s)
        }
    }
    /// The id of a topic or event name, if it was ever seen.
    pub fn sym(&self, s: &str) -> Option<Sym> {
        self.strings.lookup(s)
    }
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }
    /// Handshakes no connection claimed (e.g. refused before the page's socket event).
    pub fn unmatched_handshakes(&self) -> &[Handshake] {
        &self.unmatched_handshakes
    }

    pub fn frame(&self, at: FrameRef) -> Option<FrameView<'_>> {
        let conn = self.connection(at.conn)?;
        let record = conn.frames.get(at.index)?;
        Some(FrameView {
            at,
            record,
            data: conn.frames.payload(at.index),
            topic: self.name(record.topic),
            event: self.name(record.event),
            exchange: record.exchange().and_then(|x| conn.correlation.exchanges.get(x as usize)),
        })
    }

    /// The full decode of a stored frame, redone from its bytes (frames keep ids only). `None`
    /// only when there is no such frame.
    pub fn decode(&self, at: FrameRef) -> Option<Decoded<'_>> {
        let conn = self.connection(at.conn)?;
        let r = conn.frames.get(at.index)?;
        let bytes = conn.frames.payload(at.index);
        let input = FrameInput { dir: r.dir(), op: r.op(), bytes, truncated: r.truncated() || r.payload_dropped() };
        let cfg = &self.config.decode;
        let mut d = match r.protocol() {
            Protocol::Raw if r.flags & store::flags::BAD_BASE64 != 0 => Decoded::raw(Vec::new()),
            Protocol::Raw => match conn.decoder.protocol() {
                Some(locked) => match protocols::decode_as(locked, &input, cfg) {
                    Err(m) => {
                        let mut raw = Decoded::raw(vec![m]);
                        raw.notes.push(Note::NotLockedProtocol);
                        raw
                    }
                    Ok(_) => Decoded::raw(vec![Mismatch::new(locked, Reason::Disabled)]),
                },
                None => ConnectionDecoder::default().decode(&input, cfg),
            },
            p => {
                let redone = match p {
                    Protocol::SocketIo if r.kind() == Kind::Attachment => protocols::socketio::decode(&input),
                    Protocol::TypedJson => typed_json::decode_typed(&input, &cfg.typed_json, conn.decoder.url_topic()),
                    p => protocols::decode_as(p, &input, cfg),
                };
                // Only a dropped payload makes a stored frame stop decoding; say so, never fail.
                redone.unwrap_or_else(|m| Decoded::raw(vec![m]))
            }
        };
        if r.payload_dropped() && !d.notes.contains(&Note::Truncated) {
            d.notes.push(Note::Truncated);
        }
        Some(d)
    }

    /// Reconnect facts for one endpoint.
    pub fn reconnects(&self, endpoint: usize) -> Option<ReconnectSummary> {
        let e = self.endpoints.get(endpoint)?;
        let spans: Vec<(f64, Option<f64>)> = e
            .connections
            .iter()
            .map(|&c| {
                let conn = &self.connections[c as usize];
                (conn.created, conn.ended_at().or(conn.last_frame_at()))
            })
            .collect();
        Some(reconnect::summarise(&spans, &self.config.storm))
    }

    pub fn memory(&self) -> MemoryUsage {
        MemoryUsage {
            frames: self.connections.iter().map(|c| c.frames.len() as u64).sum(),
            payload_bytes: self.payload_bytes,
            payloads_dropped: self.payloads_dropped,
            heap_bytes: (self.connections.iter().map(Connection::heap_bytes).sum::<usize>()
                + self.connections.capacity() * std::mem::size_of::<Connection>()
                + self.strings.heap_bytes()) as u64,
        }
    }
}

/// URLs as webRequest and the page may spell them differently: fold http(s) into ws(s), drop
/// the fragment.
fn normalise_url(u: &str) -> String {
    let u = u.split('#').next().unwrap_or("");
    if let Some(r) = u.strip_prefix("http://") {
        format!("ws://{r}")
    } else if let Some(r) = u.strip_prefix("https://") {
        format!("wss://{r}")
    } else {
        u.to_owned()
    }
}
