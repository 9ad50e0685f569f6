//! JSON without a framework protocol: Django-Channels-style typed messages (`{"type": ...}`) and
//! generic JSON. Both take the topic from a user-configured key path; typed JSON can also take
//! it from the URL path (Django routes such as `/ws/chat/<conversation_id>/` put the room there).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::json_scan::{self, Scan, Token};
use super::{Decoded, Direction, FrameInput, Kind, Message, Mismatch, Payload, Protocol, Reason};

/// Settings for the decoders that need them. Serializable so the panel can persist them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DecodeConfig {
    pub typed_json: TypedJsonConfig,
    pub generic: GenericJsonConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TypedJsonConfig {
    /// Dotted key path of the topic inside each message, e.g. `room` or `meta.channel`.
    pub topic_path: Option<String>,
    /// URL path pattern whose `<name>` segments give the topic (joined with `:`) when the
    /// message has none, e.g. `/ws/chat/<conversation_id>/`.
    pub url_pattern: Option<String>,
}

impl Default for TypedJsonConfig {
    /// The Django Channels chat route from the context guide.
    fn default() -> Self {
        TypedJsonConfig { topic_path: None, url_pattern: Some("/ws/chat/<conversation_id>/".into()) }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct GenericJsonConfig {
    /// Dotted key path of the topic, e.g. `meta.channel` (also used for MessagePack maps).
    pub topic_path: Option<String>,
    /// Dotted key path of the event name, e.g. `type` or `event`.
    pub event_path: Option<String>,
}

/// The topic a URL path yields under `pattern`: the `<name>` segments' values joined with `:`.
/// Query strings and fragments are ignored; a trailing slash is optional.
pub fn url_topic(url: &str, pattern: &str) -> Option<String> {
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segs = |s: &str| s.split('/').filter(|x| !x.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    let (have, want) = (segs(path), segs(pattern));
    if have.len() != want.len() || want.is_empty() {
        return None;
    }
    let mut captured = Vec::new();
    for (h, w) in have.iter().zip(&want) {
        if w.starts_with('<') && w.ends_with('>') {
            captured.push(h.clone());
        } else if h != w {
            return None;
        }
    }
    (!captured.is_empty()).then(|| captured.join(":"))
}

fn heartbeat_type(ty: &str) -> bool {
    let t = ty.to_ascii_lowercase();
    t == "ping" || t == "pong" || t.contains("heartbeat") || t == "keepalive" || t == "keep_alive"
}

/// Django-Channels-style JSON: an object with a string `type`.
pub fn decode_typed<'a>(input: &FrameInput<'a>, cfg: &TypedJsonConfig, url_topic: Option<&str>) -> Result<Decoded<'a>, Mismatch> {
    const P: Protocol = Protocol::TypedJson;
    let text = input.as_text(P)?;
    let b = text.as_bytes();
    let mut s = Scan::new(b);
    if s.peek() != Token::Object {
        // Say which: not JSON at all (the usual cause of a 4005-style close) or other JSON.
        let reason = if json_scan::is_json(b).is_ok() { Reason::NotAnObject } else { Reason::NotJson };
        return Err(Mismatch::at(P, reason, s.i));
    }
    let mut ty = None;
    s.object(|k, v| {
        if k == "type" && v.peek() == Token::String {
            ty = Some(v.string()?);
        }
        Ok(())
    })
    .map_err(|r| Mismatch::at(P, r, s.i))?;
    if !s.at_end() {
        return Err(Mismatch::at(P, Reason::TrailingData, s.i));
    }
    let ty = ty.ok_or(Mismatch::new(P, Reason::MissingField))?;
    let kind = if heartbeat_type(&ty) {
        Kind::Heartbeat
    } else if ty.eq_ignore_ascii_case("error") {
        Kind::Error
    } else if input.dir == Direction::Out {
        Kind::Push
    } else {
        Kind::Broadcast
    };
    let mut m = Message::new(kind).event(ty).payload(Payload::Json(0..b.len()));
    m.topic = cfg
        .topic_path
        .as_deref()
        .and_then(|p| json_scan::path_as_str(b, p))
        .or_else(|| url_topic.map(|t| Cow::Owned(t.to_owned())));
    Ok(Decoded::one(P, m))
}

/// Any JSON value; topic and event from the configured key paths.
pub fn decode_generic<'a>(input: &FrameInput<'a>, cfg: &GenericJsonConfig) -> Result<Decoded<'a>, Mismatch> {
    const P: Protocol = Protocol::GenericJson;
    let text = input.as_text(P)?;
    let b = text.as_bytes();
    let r = json_scan::is_json(b).map_err(|r| Mismatch::new(P, r))?;
    let kind = if input.dir == Direction::Out { Kind::Push } else { Kind::Broadcast };
    let mut m = Message::new(kind).payload(Payload::Json(r));
    m.topic = cfg.topic_path.as_deref().and_then(|p| json_scan::path_as_str(b, p));
    m.event = cfg.event_path.as_deref().and_then(|p| json_scan::path_as_str(b, p));
    Ok(Decoded::one(P, m))
}
