//! The one wire schema between the page hook (plain JS) and Rust, in both directions.
//!
//! Events flow page hook -> relay -> background -> panel as [`Batch`]es of [`Event`]s.
//! Commands flow back as [`Command`]s. Both carry [`VERSION`]; a panel that receives another
//! version says "upgrade" instead of guessing. Everything is validated on arrival: a batch with one
//! bad event still yields every good event plus one [`SchemaError`] per bad one.
//!
//! The JS side (`extension/hook.js`, `extension/relay.js`) writes exactly these shapes; the
//! fixtures in `core/tests/fixtures/schema/` were captured from the real hook in Chromium, and the
//! end-to-end test checks that the panel reports zero schema errors on live traffic.

use serde::{Deserialize, Deserializer, Serialize};

mod read;

/// Wire protocol version. Bump on any incompatible change to [`Batch`], [`Event`] or [`Command`].
pub const VERSION: u32 = 1;

/// Milliseconds since the Unix epoch, with sub-millisecond precision
/// (`performance.timeOrigin + performance.now()` on the page).
pub type EpochMs = f64;

/// Socket id, unique within a tab: `<document id>:<counter>`, assigned by the hook.
pub type SocketId = String;

/// What the relay sends towards the panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub v: u32,
    /// The tab the events come from (filled in by the background; absent in the standalone page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tab: Option<i64>,
    /// One id per document lifetime (a reload gives a new one). Sequence numbers restart per page.
    pub page: String,
    /// Events, in sequence order. Kept as raw JSON here so one malformed event does not lose the rest.
    pub events: Vec<serde_json::Value>,
}

/// An event with the relay's sequence number. `seq` is dense per page: a gap means loss.
/// Deserialized by hand ([`read`]): see there why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sequenced {
    pub seq: u64,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Received by the page (server to client).
    In,
    /// Sent by the page (client to server).
    Out,
}

/// The WebSocket frame opcode as the page API sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Opcode {
    /// `data` holds the text itself.
    Text,
    /// `data` holds the bytes as standard base64 (with padding).
    Binary,
}

/// `WebSocket.readyState`, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ReadyState {
    Connecting,
    Open,
    Closing,
    Closed,
}

/// Who started a close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Initiator {
    /// The page called `close()`.
    Page,
    /// The panel's force-close command called `close()` on the page's socket.
    Panel,
    /// The server sent a close frame, or the connection failed.
    Server,
}

/// The wire's `type` is the variant's name in snake_case. Deserialized by hand ([`read`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A new document started (page load or reload). Starts a page session.
    Page { t: EpochMs, url: String },
    /// `new WebSocket(url, protocols)` returned.
    Socket {
        id: SocketId,
        t: EpochMs,
        url: String,
        #[serde(default)]
        protocols: Vec<String>,
        /// A few lines of the creating stack, page frames only.
        #[serde(default)]
        stack: String,
        /// URL of the document (frame) that created the socket.
        #[serde(default)]
        frame: String,
    },
    /// A readyState transition. On `OPEN` it carries the negotiated protocol and extensions.
    State {
        id: SocketId,
        t: EpochMs,
        state: ReadyState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extensions: Option<String>,
    },
    /// One message, either direction.
    Frame {
        id: SocketId,
        t: EpochMs,
        dir: Direction,
        op: Opcode,
        /// True size in bytes (UTF-8 length for text), even when `data` was cut.
        size: u64,
        /// Text, or base64 for binary. At most the configured payload cap.
        data: String,
        /// `data` holds only a prefix of the payload.
        #[serde(default)]
        truncated: bool,
    },
    /// The page (or the panel) called `close(code?, reason?)`.
    CloseCall {
        id: SocketId,
        t: EpochMs,
        by: Initiator,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The `close` event fired.
    Close {
        id: SocketId,
        t: EpochMs,
        code: u16,
        #[serde(default)]
        reason: String,
        was_clean: bool,
        initiator: Initiator,
    },
    /// The `error` event fired.
    Error { id: SocketId, t: EpochMs },
    /// `send()` threw (e.g. InvalidStateError while CONNECTING).
    SendError {
        id: SocketId,
        t: EpochMs,
        name: String,
        message: String,
    },
    /// The HTTP side of a handshake, seen by the extension's `webRequest` listener.
    Handshake {
        t: EpochMs,
        url: String,
        /// HTTP status (101 on success). Absent when the request failed without a response.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        /// `webRequest` error text, e.g. `net::ERR_CONNECTION_REFUSED`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// The relay had to drop data to stay within its caps. Counts are cumulative for the page.
    Dropped { t: EpochMs, frames: u64, bytes: u64 },
}

impl Event {
    pub fn time(&self) -> EpochMs {
        match self {
            Event::Page { t, .. }
            | Event::Socket { t, .. }
            | Event::State { t, .. }
            | Event::Frame { t, .. }
            | Event::CloseCall { t, .. }
            | Event::Close { t, .. }
            | Event::Error { t, .. }
            | Event::SendError { t, .. }
            | Event::Handshake { t, .. }
            | Event::Dropped { t, .. } => *t,
        }
    }

    pub fn socket_id(&self) -> Option<&str> {
        match self {
            Event::Socket { id, .. }
            | Event::State { id, .. }
            | Event::Frame { id, .. }
            | Event::CloseCall { id, .. }
            | Event::Close { id, .. }
            | Event::Error { id, .. }
            | Event::SendError { id, .. } => Some(id),
            Event::Page { .. } | Event::Handshake { .. } | Event::Dropped { .. } => None,
        }
    }
}

impl Sequenced {
    /// Validate one event of a batch (what [`parse_batch_value`] does for each).
    pub fn from_value(value: &serde_json::Value) -> Result<Sequenced, String> {
        read::sequenced(value)
    }
}

impl<'de> Deserialize<'de> for Sequenced {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read::sequenced(&serde_json::Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read::event(&serde_json::Value::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Commands from the panel back to the page, on the same versioned channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// Send a message through the page's socket.
    Send { v: u32, id: SocketId, op: Opcode, data: String },
    /// Call `close(code, reason)` on the page's socket; recorded with initiator `panel`.
    Close { v: u32, id: SocketId, code: u16, reason: String },
    /// Stop or resume recording frames (connections and states are still recorded).
    Pause { v: u32, paused: bool },
    /// Capture settings; applied by the relay and the hook.
    Settings { v: u32, settings: CaptureSettings },
    /// Ask the relay for every buffered event of `page` with `seq >= since`.
    Sync { v: u32, page: Option<String>, since: u64 },
}

/// Caps and switches for capture. Defaults: 1,000,000 frames per tab, 64 KiB per payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureSettings {
    pub enabled: bool,
    pub max_frames: u64,
    pub max_payload: u64,
}

impl Default for CaptureSettings {
    fn default() -> Self {
        CaptureSettings { enabled: true, max_frames: 1_000_000, max_payload: 64 * 1024 }
    }
}

/// Why something on the wire was rejected. Small and `Copy`-friendly where possible.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaError {
    /// Not JSON, or not the shape of a batch.
    Malformed(String),
    /// Another protocol version: the panel and the extension must be upgraded together.
    Version { got: u32 },
    /// One event in a batch did not parse; the others were kept.
    Event { index: usize, detail: String },
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::Malformed(d) => write!(f, "ignored a message that is not a Socketscope batch: {d}"),
            SchemaError::Version { got } => write!(
                f,
                "the extension speaks protocol v{got}, this panel speaks v{VERSION}: reload the extension so both match"
            ),
            SchemaError::Event { index, detail } => {
                write!(f, "event #{index} in a batch was malformed and skipped: {detail}")
            }
        }
    }
}

/// A validated batch: every event that parsed, in order, plus one error per event that did not.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub tab: Option<i64>,
    pub page: String,
    pub events: Vec<Sequenced>,
    pub errors: Vec<SchemaError>,
}

/// Validate a batch that arrived as a JSON value (what a browser port delivers).
pub fn parse_batch_value(value: serde_json::Value) -> Result<Parsed, SchemaError> {
    let v = value.get("v").and_then(|v| v.as_u64());
    match v {
        Some(v) if v == VERSION as u64 => {}
        Some(v) => return Err(SchemaError::Version { got: v as u32 }),
        None => return Err(SchemaError::Malformed("no protocol version `v`".into())),
    }
    // `Batch`'s fields, read by hand (crate::json says why).
    let read = || -> Result<(Option<i64>, String, &Vec<serde_json::Value>), String> {
        let o = crate::json::object(&value, "a batch object")?;
        let tab = match o.get("tab") {
            None | Some(serde_json::Value::Null) => None,
            Some(t) => Some(t.as_i64().ok_or_else(|| crate::json::invalid("tab", t, "a whole number"))?),
        };
        Ok((tab, crate::json::string_of(o, "page")?, crate::json::array_of(o, "events")?))
    };
    let (tab, page, raw_events) = read().map_err(SchemaError::Malformed)?;
    let mut events = Vec::with_capacity(raw_events.len());
    let mut errors = Vec::new();
    for (index, raw) in raw_events.iter().enumerate() {
        match Sequenced::from_value(raw) {
            Ok(ev) => events.push(ev),
            Err(detail) => errors.push(SchemaError::Event { index, detail }),
        }
    }
    Ok(Parsed { tab, page, events, errors })
}

/// Validate a batch given as JSON text.
pub fn parse_batch(text: &str) -> Result<Parsed, SchemaError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| SchemaError::Malformed(e.to_string()))?;
    parse_batch_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_event_keeps_the_rest() {
        let text = r#"{"v":1,"page":"p1","events":[
            {"seq":1,"type":"socket","id":"p1:1","t":1.5,"url":"ws://x/","protocols":[]},
            {"seq":2,"type":"frame","id":"p1:1","t":2.0,"dir":"sideways","op":"text","size":1,"data":"a"},
            {"seq":3,"type":"frame","id":"p1:1","t":3.0,"dir":"in","op":"text","size":2,"data":"hi"}]}"#;
        let parsed = parse_batch(text).unwrap();
        assert_eq!(parsed.events.len(), 2);
        assert_eq!(parsed.events[1].seq, 3);
        assert_eq!(parsed.errors.len(), 1);
        assert!(matches!(&parsed.errors[0], SchemaError::Event { index: 1, .. }));
    }

    #[test]
    fn a_batch_of_the_wrong_shape_says_which_field() {
        let malformed = |text: &str| match parse_batch(text) {
            Err(SchemaError::Malformed(d)) => d,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(malformed(r#"{"v":1,"page":"p"}"#), "missing field `events`");
        assert_eq!(malformed(r#"{"v":1,"page":"p","events":{}}"#), "invalid type for `events`: an object, expected a list");
        assert_eq!(malformed(r#"{"v":1,"page":7,"events":[]}"#), "invalid type for `page`: a number, expected a string");
        assert_eq!(malformed(r#"{"v":1,"page":"p","tab":"7","events":[]}"#), "invalid type for `tab`: a string, expected a whole number");
        let ok = parse_batch(r#"{"v":1,"page":"p","tab":-1,"events":[],"extra":true}"#).unwrap();
        assert_eq!((ok.tab, ok.page.as_str()), (Some(-1), "p"));
    }

    #[test]
    fn other_version_is_refused_with_advice() {
        let err = parse_batch(r#"{"v":2,"page":"p","events":[]}"#).unwrap_err();
        assert_eq!(err, SchemaError::Version { got: 2 });
        assert!(err.to_string().contains("reload the extension"));
    }

    #[test]
    fn commands_round_trip() {
        let c = Command::Close { v: VERSION, id: "a:1".into(), code: 4001, reason: "test".into() };
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(text, r#"{"cmd":"close","v":1,"id":"a:1","code":4001,"reason":"test"}"#);
        assert_eq!(serde_json::from_str::<Command>(&text).unwrap(), c);
    }
}
