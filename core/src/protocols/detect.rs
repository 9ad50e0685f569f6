//! Which protocol a connection speaks, and the sticky per-connection decoder.
//!
//! Order of evidence, strongest first:
//! 1. the negotiated subprotocol (`graphql-transport-ws`, `v12.stomp`, `actioncable-v1-json`...);
//! 2. the URL (`vsn=2.0.0` for Phoenix, `EIO=4` for socket.io, the typed-JSON URL pattern);
//! 3. the requested subprotocols, when the server negotiated none;
//! 4. the content of each frame, tried in [`CONTENT_ORDER`] (most specific first).
//!
//! A conclusive match locks the connection to that protocol ("sticky"): later frames decode
//! only as that protocol, and one that does not is shown raw with the reason. Weak content
//! matches (any JSON object with a `type`, any JSON, any MessagePack map) never lock, and
//! neither do messages both GraphQL protocols share (`connection_init`).

use serde::{Deserialize, Serialize};

use super::{
    decode_as, graphql, socketio, typed_json, DecodeConfig, Decoded, FrameInput, Kind, Mismatch, Note, Opcode, Protocol,
    Reason,
};

/// What the handshake tells us.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    pub url: &'a str,
    /// `new WebSocket(url, protocols)`'s protocols.
    pub requested: &'a [String],
    /// The protocol the server picked (`WebSocket.protocol` at OPEN). Empty means none.
    pub negotiated: Option<&'a str>,
}

/// Why a connection is labelled with its protocol (shown next to the label).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "detail", rename_all = "snake_case")]
pub enum DetectedBy {
    /// The negotiated (or, failing that, requested) subprotocol.
    Subprotocol(String),
    /// A URL query parameter or path, e.g. `vsn=2.0.0`.
    Url(String),
    /// The frame with this index in the connection matched conclusively.
    Content(u64),
    /// The user chose it.
    User,
}

/// Content sniffing order: specific framings before generic ones.
pub const CONTENT_ORDER: [Protocol; 12] = [
    Protocol::PhoenixV2,
    Protocol::PhoenixV1,
    Protocol::SignalR,
    Protocol::Stomp,
    Protocol::SocketIo,
    Protocol::GraphqlWs,
    Protocol::SubscriptionsTransportWs,
    Protocol::ActionCable,
    Protocol::JsonRpc,
    Protocol::TypedJson,
    Protocol::MessagePack,
    Protocol::GenericJson,
];

fn by_subprotocol(sp: &str, url: &str) -> Option<Protocol> {
    let sp = sp.trim();
    Some(match sp {
        "graphql-transport-ws" => Protocol::GraphqlWs,
        "graphql-ws" => Protocol::SubscriptionsTransportWs,
        "actioncable-v1-json" | "actioncable-v1-msgpack" | "actioncable-v1-ext-json" => Protocol::ActionCable,
        "v10.stomp" | "v11.stomp" | "v12.stomp" | "stomp" => Protocol::Stomp,
        "phoenix" => match query_param(url, "vsn") {
            Some(v) if v.starts_with("1.") => Protocol::PhoenixV1,
            _ => Protocol::PhoenixV2,
        },
        "jsonrpc" | "json-rpc" | "jsonrpc-2.0" => Protocol::JsonRpc,
        "msgpack" | "messagepack" => Protocol::MessagePack,
        _ => return None,
    })
}

/// The value of a query parameter, undecoded.
pub fn query_param<'u>(url: &'u str, key: &str) -> Option<&'u str> {
    let q = url.split_once('?')?.1.split('#').next()?;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == key).then_some(v)
    })
}

fn by_url(url: &str, cfg: &DecodeConfig) -> Option<(Protocol, String)> {
    if let Some(v) = query_param(url, "vsn") {
        if v.starts_with("2.") {
            return Some((Protocol::PhoenixV2, format!("vsn={v}")));
        }
        if v.starts_with("1.") {
            return Some((Protocol::PhoenixV1, format!("vsn={v}")));
        }
    }
    if let Some(v) = query_param(url, "EIO") {
        return Some((Protocol::SocketIo, format!("EIO={v}")));
    }
    if let Some(p) = &cfg.typed_json.url_pattern {
        if typed_json::url_topic(url, p).is_some() {
            return Some((Protocol::TypedJson, format!("path matches {p}")));
        }
    }
    None
}

/// Detection from the handshake alone (no frames yet).
pub fn detect_from_handshake(h: &Hints, cfg: &DecodeConfig) -> Option<(Protocol, DetectedBy)> {
    if let Some(sp) = h.negotiated.filter(|s| !s.is_empty()) {
        if let Some(p) = by_subprotocol(sp, h.url) {
            return Some((p, DetectedBy::Subprotocol(sp.to_owned())));
        }
    }
    if let Some((p, why)) = by_url(h.url, cfg) {
        return Some((p, DetectedBy::Url(why)));
    }
    // Only trust requested protocols when the server did not say otherwise.
    if h.negotiated.is_none_or(str::is_empty) {
        for sp in h.requested {
            if let Some(p) = by_subprotocol(sp, h.url) {
                return Some((p, DetectedBy::Subprotocol(sp.clone())));
            }
        }
    }
    None
}

/// The decoder for one connection: detection state plus the little protocol state decoding
/// needs (socket.io's pending binary attachments, the typed-JSON URL topic).
#[derive(Debug, Clone, Default)]
pub struct ConnectionDecoder {
    locked: Option<(Protocol, DetectedBy)>,
    pending_attachments: u32,
    url_topic: Option<String>,
    engine_io_v3: bool,
    frames_seen: u64,
}

impl ConnectionDecoder {
    pub fn new(h: &Hints, cfg: &DecodeConfig) -> Self {
        let mut d = ConnectionDecoder::default();
        d.rehint(h, cfg);
        d
    }

    /// Apply handshake evidence again (e.g. when OPEN reports the negotiated subprotocol).
    /// Evidence from content never overrides a handshake lock; a handshake lock overrides
    /// content.
    pub fn rehint(&mut self, h: &Hints, cfg: &DecodeConfig) {
        self.url_topic = cfg.typed_json.url_pattern.as_deref().and_then(|p| typed_json::url_topic(h.url, p));
        self.engine_io_v3 = query_param(h.url, "EIO") == Some("3");
        let user = matches!(self.locked, Some((_, DetectedBy::User)));
        if !user {
            if let Some(found) = detect_from_handshake(h, cfg) {
                self.locked = Some(found);
            }
        }
    }

    /// The user's choice overrides detection.
    pub fn force(&mut self, p: Protocol) {
        self.locked = Some((p, DetectedBy::User));
    }

    pub fn protocol(&self) -> Option<Protocol> {
        self.locked.as_ref().map(|(p, _)| *p)
    }

    pub fn detected_by(&self) -> Option<&DetectedBy> {
        self.locked.as_ref().map(|(_, b)| b)
    }

    pub fn url_topic(&self) -> Option<&str> {
        self.url_topic.as_deref()
    }

    /// Decode one frame, updating detection and protocol state. Never fails: a frame that
    /// nothing decodes comes back as [`Protocol::Raw`] with every candidate's reason.
    pub fn decode<'a>(&mut self, input: &FrameInput<'a>, cfg: &DecodeConfig) -> Decoded<'a> {
        let index = self.frames_seen;
        self.frames_seen += 1;
        if let Some((p, _)) = &self.locked {
            let p = *p;
            let mut d = match self.decode_with(p, input, cfg) {
                Ok(d) => d,
                Err(m) => {
                    let mut raw = Decoded::raw(vec![m]);
                    raw.notes.push(Note::NotLockedProtocol);
                    raw
                }
            };
            if input.truncated {
                d.notes.push(Note::Truncated);
            }
            return d;
        }
        let mut why = Vec::new();
        for p in CONTENT_ORDER {
            if p == Protocol::SocketIo && !looks_like_socketio(input) {
                why.push(Mismatch::new(p, Reason::UnknownPacketType));
                continue;
            }
            match self.decode_with(p, input, cfg) {
                Ok(mut d) => {
                    if conclusive(&d, input) {
                        self.locked = Some((p, DetectedBy::Content(index)));
                    }
                    if input.truncated {
                        d.notes.push(Note::Truncated);
                    }
                    return d;
                }
                Err(m) => why.push(m),
            }
        }
        let mut raw = Decoded::raw(why);
        if input.truncated {
            raw.notes.push(Note::Truncated);
        }
        raw
    }

    fn decode_with<'a>(&mut self, p: Protocol, input: &FrameInput<'a>, cfg: &DecodeConfig) -> Result<Decoded<'a>, Mismatch> {
        match p {
            Protocol::TypedJson => typed_json::decode_typed(input, &cfg.typed_json, self.url_topic.as_deref()),
            Protocol::SocketIo => {
                let mut d = socketio::decode(input)?;
                if d.msg.kind == Kind::Attachment {
                    if self.pending_attachments > 0 {
                        self.pending_attachments -= 1;
                    } else {
                        d.notes.push(Note::UnexpectedAttachment);
                    }
                } else {
                    self.pending_attachments = self.pending_attachments.saturating_add(socketio::attachments_announced(input.bytes));
                }
                if self.engine_io_v3 {
                    d.notes.push(Note::EngineIoV3);
                }
                Ok(d)
            }
            _ => decode_as(p, input, cfg),
        }
    }
}

/// socket.io is only sniffed from its unmistakable packets: the engine.io open packet or a
/// socket.io message (`4` + packet type). A bare `2` or `3` could be anything.
fn looks_like_socketio(input: &FrameInput) -> bool {
    let b = input.bytes;
    input.op == Opcode::Text && b.len() >= 2 && ((b[0] == b'0' && b[1] == b'{') || (b[0] == b'4' && (b'0'..=b'6').contains(&b[1])))
}

/// Does this content match prove the protocol?
fn conclusive(d: &Decoded, input: &FrameInput) -> bool {
    match d.protocol {
        Protocol::TypedJson | Protocol::GenericJson | Protocol::MessagePack | Protocol::Raw => false,
        Protocol::GraphqlWs | Protocol::SubscriptionsTransportWs => {
            d.msg.event.as_deref().is_some_and(|t| graphql::distinctive_type(d.protocol, t))
        }
        // A lone STOMP heart-beat is just a newline.
        Protocol::Stomp => d.msg.kind != Kind::Heartbeat,
        Protocol::SocketIo => looks_like_socketio(input),
        Protocol::PhoenixV1 | Protocol::PhoenixV2 | Protocol::SignalR | Protocol::ActionCable | Protocol::JsonRpc => true,
    }
}
