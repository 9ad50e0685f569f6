//! One WebSocket connection: what the page asked for, what happened to it, and its frames.

use serde::Serialize;

use crate::protocols::{ConnectionDecoder, DetectedBy, Protocol};
use crate::schema::{EpochMs, Initiator, ReadyState, SocketId};

use super::correlation::Correlator;
use super::intern::{FxMap, Sym};
use super::store::FrameStore;
use super::topics::Topic;
use super::ConnId;

/// A readyState change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Transition {
    pub t: EpochMs,
    pub state: ReadyState,
}

/// `close(code, reason)` called by the page or the panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloseCall {
    pub t: EpochMs,
    pub by: Initiator,
    pub code: Option<u16>,
    pub reason: Option<String>,
}

/// The `close` event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Close {
    pub t: EpochMs,
    pub code: u16,
    pub reason: String,
    pub was_clean: bool,
    pub initiator: Initiator,
}

/// `send()` threw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendError {
    pub t: EpochMs,
    pub name: String,
    pub message: String,
}

/// The HTTP side of the opening handshake (from the extension's webRequest listener).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handshake {
    pub t: EpochMs,
    pub url: String,
    pub status: Option<u16>,
    pub error: Option<String>,
}

/// Frame and byte counts per direction: `[in, out]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counters {
    pub frames: [u64; 2],
    pub bytes: [u64; 2],
    pub heartbeats: [u64; 2],
}

#[derive(Debug, Clone)]
pub struct Connection {
    pub id: ConnId,
    pub socket: SocketId,
    /// Index of the page (document) that created it.
    pub page: usize,
    pub url: String,
    /// Protocols passed to `new WebSocket(url, protocols)`.
    pub requested: Vec<String>,
    /// The protocol the server picked (at OPEN).
    pub negotiated: Option<String>,
    pub extensions: Option<String>,
    /// A few lines of the creating stack.
    pub stack: String,
    /// URL of the frame (document) that created the socket.
    pub frame_url: String,
    pub created: EpochMs,
    /// True when frames arrived for a socket whose `socket` event was never seen (lost).
    pub unannounced: bool,
    pub transitions: Vec<Transition>,
    pub close_calls: Vec<CloseCall>,
    pub close: Option<Close>,
    pub errors: Vec<EpochMs>,
    pub send_errors: Vec<SendError>,
    pub handshake: Option<Handshake>,
    pub endpoint: usize,
    pub counters: Counters,
    pub frames: FrameStore,
    /// Frame indices of application traffic (everything but heartbeats), in order.
    pub traffic: Vec<u32>,
    /// Frame indices of heartbeats, in order.
    pub heartbeats: Vec<u32>,
    pub topics: Vec<Topic>,
    pub(crate) topic_index: FxMap<Sym, u32>,
    pub correlation: Correlator,
    pub(crate) decoder: ConnectionDecoder,
}

impl Connection {
    pub(crate) fn new(id: ConnId, socket: SocketId, page: usize, url: String, created: EpochMs) -> Self {
        Connection {
            id,
            socket,
            page,
            url,
            requested: Vec::new(),
            negotiated: None,
            extensions: None,
            stack: String::new(),
            frame_url: String::new(),
            created,
            unannounced: false,
            transitions: Vec::new(),
            close_calls: Vec::new(),
            close: None,
            errors: Vec::new(),
            send_errors: Vec::new(),
            handshake: None,
            endpoint: 0,
            counters: Counters::default(),
            frames: FrameStore::default(),
            traffic: Vec::new(),
            heartbeats: Vec::new(),
            topics: Vec::new(),
            topic_index: FxMap::default(),
            correlation: Correlator::default(),
            decoder: ConnectionDecoder::default(),
        }
    }

    /// The current readyState (the last transition), CONNECTING before any.
    pub fn state(&self) -> ReadyState {
        self.transitions.last().map(|t| t.state).unwrap_or(ReadyState::Connecting)
    }

    /// When the connection opened, if it did.
    pub fn opened_at(&self) -> Option<EpochMs> {
        self.transitions.iter().find(|t| t.state == ReadyState::Open).map(|t| t.t)
    }

    /// When it ended: the close event, else the CLOSED transition.
    pub fn ended_at(&self) -> Option<EpochMs> {
        self.close.as_ref().map(|c| c.t).or_else(|| self.transitions.iter().rev().find(|t| t.state == ReadyState::Closed).map(|t| t.t))
    }

    /// The protocol its frames decode as, and why.
    pub fn protocol(&self) -> Option<(Protocol, &DetectedBy)> {
        self.decoder.protocol().zip(self.decoder.detected_by())
    }

    /// Time of the last frame in either direction.
    pub fn last_frame_at(&self) -> Option<EpochMs> {
        self.frames.records().last().map(|r| r.t)
    }

    pub fn topic(&self, name: Sym) -> Option<&Topic> {
        self.topic_index.get(&name).map(|&i| &self.topics[i as usize])
    }

    pub fn heap_bytes(&self) -> usize {
        self.frames.heap_bytes()
            + (self.traffic.capacity() + self.heartbeats.capacity()) * 4
            + self.topics.iter().map(|t| t.timeline.capacity() * 4 + t.transitions.capacity() * 24 + 96).sum::<usize>()
            + self.correlation.heap_bytes()
            + self.url.capacity()
            + self.stack.capacity()
    }
}
