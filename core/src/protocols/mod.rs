//! Protocol decoders: one function per protocol, a detection order, and a per-connection
//! [`ConnectionDecoder`] that makes detection sticky.
//!
//! Every decoder has the same shape: `decode(&FrameInput) -> Result<Decoded, Mismatch>`. A
//! [`Decoded`] frame is labelled with its [`Protocol`] and carries one [`Message`] per logical
//! message it holds (SignalR records and JSON-RPC batches put several in one frame). A
//! [`Mismatch`] says *why* a protocol did not match, so the raw fallback can tell the user.
//!
//! Decoders borrow from the frame bytes and skip payloads without building a JSON tree: the
//! session model decodes every frame on ingest and must keep up with a million frames a second.
//! The full payload is rendered lazily (see [`Decoded::payload_text`] and [`msgpack::parse`]).

use std::borrow::Cow;
use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use crate::schema::{Direction, Opcode};

pub mod actioncable;
pub mod base64;
pub mod detect;
pub mod graphql;
pub mod json_scan;
pub mod jsonrpc;
pub mod msgpack;
pub mod phoenix;
pub mod signalr;
pub mod socketio;
pub mod stomp;
pub mod typed_json;

pub use detect::{detect_from_handshake, ConnectionDecoder, DetectedBy, Hints};
pub use typed_json::{DecodeConfig, GenericJsonConfig, TypedJsonConfig};

/// Every protocol a frame can be labelled with. `Raw` is the fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Phoenix Channels, serializer v1: `{topic, event, payload, ref, join_ref}` objects.
    PhoenixV1,
    /// Phoenix Channels, serializer v2: `[join_ref, ref, topic, event, payload]` arrays and
    /// binary push/reply/broadcast frames.
    PhoenixV2,
    /// Django-Channels-style JSON objects with a `type` field.
    TypedJson,
    /// socket.io v5 packets inside engine.io v4 packets.
    SocketIo,
    /// graphql-ws (`graphql-transport-ws` subprotocol).
    GraphqlWs,
    /// The legacy subscriptions-transport-ws (`graphql-ws` subprotocol, confusingly).
    SubscriptionsTransportWs,
    /// Rails Action Cable (`actioncable-v1-json`).
    ActionCable,
    /// STOMP 1.0-1.2.
    Stomp,
    /// ASP.NET Core SignalR, JSON hub protocol (records end in `\x1e`).
    SignalR,
    /// JSON-RPC 2.0.
    JsonRpc,
    /// MessagePack binary frames, shown as a tree.
    MessagePack,
    /// Any JSON, with the topic at a user-given key path.
    GenericJson,
    /// Nothing matched; [`Decoded::why_raw`] says why.
    Raw,
}

impl Protocol {
    pub const ALL: [Protocol; 13] = [
        Protocol::PhoenixV1,
        Protocol::PhoenixV2,
        Protocol::TypedJson,
        Protocol::SocketIo,
        Protocol::GraphqlWs,
        Protocol::SubscriptionsTransportWs,
        Protocol::ActionCable,
        Protocol::Stomp,
        Protocol::SignalR,
        Protocol::JsonRpc,
        Protocol::MessagePack,
        Protocol::GenericJson,
        Protocol::Raw,
    ];

    /// A short human label for the panel.
    pub fn label(self) -> &'static str {
        match self {
            Protocol::PhoenixV1 => "Phoenix v1",
            Protocol::PhoenixV2 => "Phoenix v2",
            Protocol::TypedJson => "typed JSON (Django Channels)",
            Protocol::SocketIo => "socket.io",
            Protocol::GraphqlWs => "graphql-ws",
            Protocol::SubscriptionsTransportWs => "subscriptions-transport-ws",
            Protocol::ActionCable => "Action Cable",
            Protocol::Stomp => "STOMP",
            Protocol::SignalR => "SignalR",
            Protocol::JsonRpc => "JSON-RPC 2.0",
            Protocol::MessagePack => "MessagePack",
            Protocol::GenericJson => "JSON",
            Protocol::Raw => "raw",
        }
    }

    /// Stable small id, used to pack the protocol into a frame record.
    pub fn index(self) -> u8 {
        Protocol::ALL.iter().position(|p| *p == self).unwrap_or(12) as u8
    }

    pub fn from_index(i: u8) -> Protocol {
        Protocol::ALL.get(i as usize).copied().unwrap_or(Protocol::Raw)
    }
}

/// What a message means to the session model. Exhaustive across protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Subscribe to a topic: `phx_join`, socket.io namespace connect, Action Cable `subscribe`,
    /// STOMP `SUBSCRIBE`.
    Join,
    /// Unsubscribe: `phx_leave`, socket.io disconnect, `unsubscribe`, STOMP `UNSUBSCRIBE`,
    /// graphql-ws client `complete`, legacy `stop`, SignalR cancel.
    Leave,
    /// A reply to a request (see [`Message::corr`]): `phx_reply`, socket.io ack, RECEIPT,
    /// JSON-RPC response, graphql completion, SignalR completion.
    Reply,
    /// One item of a streamed answer: graphql `next`/`data`, SignalR stream item.
    StreamItem,
    /// An application message from the page.
    Push,
    /// An application message from the server not addressed to one request.
    Broadcast,
    /// Keep-alive traffic, kept apart from the application traffic.
    Heartbeat,
    /// Connection-level setup and bookkeeping: engine.io open, `connection_init`/`ack`,
    /// Action Cable `welcome`, STOMP CONNECT/CONNECTED, the SignalR handshake.
    Control,
    /// A protocol-level error message.
    Error,
    /// The peer closes a channel or the connection in-band: `phx_close`, engine.io close,
    /// Action Cable `disconnect`, SignalR close, STOMP DISCONNECT.
    Close,
    /// A binary attachment that belongs to an earlier message (socket.io).
    Attachment,
    /// Undecoded.
    Raw,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Join,
        Kind::Leave,
        Kind::Reply,
        Kind::StreamItem,
        Kind::Push,
        Kind::Broadcast,
        Kind::Heartbeat,
        Kind::Control,
        Kind::Error,
        Kind::Close,
        Kind::Attachment,
        Kind::Raw,
    ];
    pub fn index(self) -> u8 {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(11) as u8
    }
    pub fn from_index(i: u8) -> Kind {
        Kind::ALL.get(i as usize).copied().unwrap_or(Kind::Raw)
    }
}

/// The outcome a reply reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Error,
}

/// How a message takes part in request/reply correlation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Expects an answer with the same key, travelling the other way.
    Request,
    /// Ends the exchange.
    Reply,
    /// Part of the answer; more may follow.
    StreamItem,
}

/// A correlation key: a Phoenix `ref`, a graphql-ws id, a socket.io ack id (with namespace), a
/// JSON-RPC id, a STOMP receipt, a SignalR invocation id, an Action Cable identifier.
/// Keys are matched per connection and per direction: a `Reply` travelling in answers a
/// `Request` that travelled out, and vice versa (socket.io servers and clients number their
/// acks independently, both from 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corr<'a> {
    pub key: Cow<'a, str>,
    pub role: Role,
}

/// Where a message's payload sits in the frame bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Payload {
    #[default]
    None,
    /// A JSON value at this byte range.
    Json(Range<usize>),
    /// Text (not JSON) at this byte range, e.g. a STOMP body.
    Text(Range<usize>),
    /// Opaque bytes at this byte range (Phoenix binary payloads, binary STOMP bodies).
    Bytes(Range<usize>),
    /// The whole frame is a MessagePack value.
    MessagePack,
}

/// One logical message in a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<'a> {
    pub kind: Kind,
    /// Phoenix topic, socket.io namespace, STOMP destination, Action Cable identifier, graphql
    /// operation id, or the user-configured key path's value.
    pub topic: Option<Cow<'a, str>>,
    /// Event name, message type, STOMP command, hub method, JSON-RPC method.
    pub event: Option<Cow<'a, str>>,
    /// Phoenix `join_ref`: which join of the topic this message belongs to.
    pub join_ref: Option<Cow<'a, str>>,
    pub status: Option<Status>,
    pub corr: Option<Corr<'a>>,
    pub payload: Payload,
}

impl<'a> Message<'a> {
    pub fn new(kind: Kind) -> Self {
        Message { kind, topic: None, event: None, join_ref: None, status: None, corr: None, payload: Payload::None }
    }
    pub fn topic(mut self, t: impl Into<Cow<'a, str>>) -> Self {
        self.topic = Some(t.into());
        self
    }
    pub fn event(mut self, e: impl Into<Cow<'a, str>>) -> Self {
        self.event = Some(e.into());
        self
    }
    pub fn corr(mut self, key: impl Into<Cow<'a, str>>, role: Role) -> Self {
        self.corr = Some(Corr { key: key.into(), role });
        self
    }
    pub fn status(mut self, s: Status) -> Self {
        self.status = Some(s);
        self
    }
    pub fn payload(mut self, p: Payload) -> Self {
        self.payload = p;
        self
    }
    /// Detach from the frame bytes.
    pub fn into_owned(self) -> Message<'static> {
        let own = |c: Option<Cow<'a, str>>| c.map(|c| Cow::Owned(c.into_owned()));
        Message {
            kind: self.kind,
            topic: own(self.topic),
            event: own(self.event),
            join_ref: own(self.join_ref),
            status: self.status,
            corr: self.corr.map(|c| Corr { key: Cow::Owned(c.key.into_owned()), role: c.role }),
            payload: self.payload,
        }
    }
}

/// Something worth telling the user about a frame that still decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// The capture cut the payload; the decode covers the prefix only.
    Truncated,
    /// A socket.io binary frame arrived with no placeholder waiting for it.
    UnexpectedAttachment,
    /// A Phoenix binary kind that this direction never sends (e.g. a reply from the client).
    UnusualBinaryKind,
    /// An engine.io v3 (`EIO=3`) connection: socket.io v2/v3 framing, decoded as v4.
    EngineIoV3,
    /// The frame did not decode under the connection's locked protocol; shown raw.
    NotLockedProtocol,
}

impl Note {
    pub fn describe(self) -> &'static str {
        match self {
            Note::Truncated => "the capture kept only a prefix of this payload",
            Note::UnexpectedAttachment => "binary frame with no socket.io placeholder waiting for it",
            Note::UnusualBinaryKind => "Phoenix binary frame kind that this direction does not normally send",
            Note::EngineIoV3 => "engine.io v3 connection (EIO=3): decoded with the v4 rules",
            Note::NotLockedProtocol => "this frame does not decode as the connection's protocol",
        }
    }
}

/// A decoded frame: its protocol, the messages it holds, and notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<'a> {
    pub protocol: Protocol,
    /// The first (usually only) message.
    pub msg: Message<'a>,
    /// Further messages in the same frame (SignalR records, JSON-RPC batch entries).
    pub more: Vec<Message<'a>>,
    pub notes: Vec<Note>,
    /// For [`Protocol::Raw`]: why each candidate protocol did not match.
    pub why_raw: Vec<Mismatch>,
}

impl<'a> Decoded<'a> {
    pub fn one(protocol: Protocol, msg: Message<'a>) -> Self {
        Decoded { protocol, msg, more: Vec::new(), notes: Vec::new(), why_raw: Vec::new() }
    }
    /// The raw fallback, with the reasons nothing matched.
    pub fn raw(why: Vec<Mismatch>) -> Decoded<'static> {
        Decoded { protocol: Protocol::Raw, msg: Message::new(Kind::Raw), more: Vec::new(), notes: Vec::new(), why_raw: why }
    }
    /// All messages in frame order.
    pub fn messages(&self) -> impl Iterator<Item = &Message<'a>> {
        std::iter::once(&self.msg).chain(self.more.iter())
    }
    /// The payload text of a message, for display (JSON or text payloads).
    pub fn payload_text<'b>(bytes: &'b [u8], payload: &Payload) -> Option<&'b str> {
        match payload {
            Payload::Json(r) | Payload::Text(r) => bytes.get(r.clone()).and_then(|b| std::str::from_utf8(b).ok()),
            _ => None,
        }
    }
    pub fn into_owned(self) -> Decoded<'static> {
        Decoded {
            protocol: self.protocol,
            msg: self.msg.into_owned(),
            more: self.more.into_iter().map(Message::into_owned).collect(),
            notes: self.notes,
            why_raw: self.why_raw,
        }
    }
}

/// Why a frame is not in some protocol. Small and `Copy`, with a static description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Mismatch {
    pub protocol: Protocol,
    pub reason: Reason,
    /// Byte offset where decoding stopped, when meaningful.
    pub at: Option<usize>,
}

impl Mismatch {
    pub fn new(protocol: Protocol, reason: Reason) -> Self {
        Mismatch { protocol, reason, at: None }
    }
    pub fn at(protocol: Protocol, reason: Reason, at: usize) -> Self {
        Mismatch { protocol, reason, at: Some(at) }
    }
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not {}: {}", self.protocol.label(), self.reason.describe())?;
        if let Some(at) = self.at {
            write!(f, " (at byte {at})")?;
        }
        Ok(())
    }
}

/// Reasons a decoder gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Empty,
    /// A text-only protocol got a binary frame, or the other way round.
    WrongOpcode,
    NotUtf8,
    NotJson,
    NotAnArray,
    NotAnObject,
    WrongArity,
    ExpectedString,
    MissingField,
    UnknownType,
    UnknownKind,
    /// A length or count points past the end of the frame.
    Truncated,
    TrailingData,
    TooDeep,
    BadEscape,
    BadNumber,
    /// socket.io / engine.io: the packet type digit is not one the protocol defines.
    UnknownPacketType,
    /// SignalR: a record without the `\x1e` terminator.
    NoRecordSeparator,
    /// STOMP: the first line is not a STOMP command.
    UnknownCommand,
    /// STOMP: no NUL after the body.
    NoNulTerminator,
    /// JSON-RPC: `jsonrpc` is missing or not `"2.0"`.
    NotJsonRpc2,
    /// MessagePack: a reserved byte (0xc1).
    ReservedByte,
    /// Generic JSON / typed JSON: the configured key path is not in the message.
    KeyPathMissing,
    /// Not tried: the connection is locked to another protocol.
    Disabled,
}

impl Reason {
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Empty => "the frame is empty",
            Reason::WrongOpcode => "this protocol does not use this opcode (text vs binary)",
            Reason::NotUtf8 => "the bytes are not UTF-8",
            Reason::NotJson => "not valid JSON",
            Reason::NotAnArray => "expected a JSON array",
            Reason::NotAnObject => "expected a JSON object",
            Reason::WrongArity => "wrong number of elements",
            Reason::ExpectedString => "a field that must be a string is not",
            Reason::MissingField => "a required field is missing",
            Reason::UnknownType => "the message type is not one this protocol defines",
            Reason::UnknownKind => "unknown binary frame kind",
            Reason::Truncated => "a length points past the end of the frame",
            Reason::TrailingData => "unexpected data after the message",
            Reason::TooDeep => "nesting is deeper than the decoder follows",
            Reason::BadEscape => "invalid string escape",
            Reason::BadNumber => "invalid number",
            Reason::UnknownPacketType => "unknown packet type digit",
            Reason::NoRecordSeparator => "no \\x1e record separator at the end",
            Reason::UnknownCommand => "the first line is not a known command",
            Reason::NoNulTerminator => "no NUL byte ends the frame",
            Reason::NotJsonRpc2 => "no \"jsonrpc\": \"2.0\" member",
            Reason::ReservedByte => "uses the reserved byte 0xc1",
            Reason::KeyPathMissing => "the configured topic key path is not present",
            Reason::Disabled => "not tried",
        }
    }
}

/// One frame as decoders see it. `bytes` are the text's UTF-8 bytes, or the binary payload
/// already decoded from the schema's base64.
#[derive(Debug, Clone, Copy)]
pub struct FrameInput<'a> {
    pub dir: Direction,
    pub op: Opcode,
    pub bytes: &'a [u8],
    /// The capture kept only a prefix.
    pub truncated: bool,
}

impl<'a> FrameInput<'a> {
    pub fn text(dir: Direction, s: &'a str) -> Self {
        FrameInput { dir, op: Opcode::Text, bytes: s.as_bytes(), truncated: false }
    }
    pub fn binary(dir: Direction, b: &'a [u8]) -> Self {
        FrameInput { dir, op: Opcode::Binary, bytes: b, truncated: false }
    }
    /// The frame as text, if it is a text frame in UTF-8.
    pub fn as_text(&self, p: Protocol) -> Result<&'a str, Mismatch> {
        if self.op != Opcode::Text {
            return Err(Mismatch::new(p, Reason::WrongOpcode));
        }
        std::str::from_utf8(self.bytes).map_err(|e| Mismatch::at(p, Reason::NotUtf8, e.valid_up_to()))
    }
}

/// Decode with one named protocol (no detection). `Raw` always succeeds.
pub fn decode_as<'a>(p: Protocol, input: &FrameInput<'a>, cfg: &DecodeConfig) -> Result<Decoded<'a>, Mismatch> {
    match p {
        Protocol::PhoenixV1 => phoenix::decode_v1(input),
        Protocol::PhoenixV2 => phoenix::decode_v2(input),
        Protocol::TypedJson => typed_json::decode_typed(input, &cfg.typed_json, None),
        Protocol::SocketIo => socketio::decode(input),
        Protocol::GraphqlWs => graphql::decode_graphql_ws(input),
        Protocol::SubscriptionsTransportWs => graphql::decode_legacy(input),
        Protocol::ActionCable => actioncable::decode(input),
        Protocol::Stomp => stomp::decode(input),
        Protocol::SignalR => signalr::decode(input),
        Protocol::JsonRpc => jsonrpc::decode(input),
        Protocol::MessagePack => msgpack::decode(input, &cfg.generic),
        Protocol::GenericJson => typed_json::decode_generic(input, &cfg.generic),
        Protocol::Raw => Ok(Decoded::raw(Vec::new())),
    }
}
