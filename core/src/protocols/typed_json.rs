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

/// What a typed message's `type` says about a streamed answer. Typed JSON has no request ids, so
/// the session model pairs a page's message with what the server sends next (see
/// `session::correlation`); this vocabulary is how it tells a stream's start, items and end apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamPart {
    /// A stream begins: `stream_start`, `message_start`, `response.begin`.
    Start,
    /// One piece of it: `stream_token`, `stream_chunk`, `content_delta`, `partial`.
    Item,
    /// It finished: `stream_end`, `done`, `response.completed`, `message_stop`, `final`.
    End,
    /// It (or the request) failed: `error`, `stream_error`.
    Error,
    /// None of these: a plain message (a one-shot reply, a notice, a broadcast).
    Other,
}

/// The words of a `type` that mark each part, matched as whole words (split on `_ - . : /`,
/// spaces and camelCase humps), case-insensitively. The one place for this vocabulary; when a
/// type has words of several parts, the first part in this list wins (`stream_error_end` is an
/// error, `start_token` a start).
pub const STREAM_WORDS: [(StreamPart, &[&str]); 4] = [
    (StreamPart::Error, &["error", "failed", "failure"]),
    (StreamPart::End, &["end", "ended", "done", "complete", "completed", "finish", "finished", "final", "stop", "stopped"]),
    (StreamPart::Start, &["start", "started", "begin"]),
    (StreamPart::Item, &["token", "tokens", "chunk", "delta", "partial", "piece", "fragment"]),
];

/// The stream part a message `type` names (see [`STREAM_WORDS`]). Allocation-free: it runs for
/// every typed frame on ingest.
pub fn stream_part(ty: &str) -> StreamPart {
    let mut best = StreamPart::Other;
    let mut rank = STREAM_WORDS.len();
    for word in words(ty) {
        for (i, (part, list)) in STREAM_WORDS.iter().enumerate().take(rank) {
            if list.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                best = *part;
                rank = i;
                break;
            }
        }
        if rank == 0 {
            break;
        }
    }
    best
}

/// The words of an identifier: split on non-alphanumerics and before an upper-case letter that
/// follows a lower-case one (`streamEnd` -> `stream`, `End`).
fn words(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        i += 1;
        while i < b.len() && b[i].is_ascii_alphanumeric() && !(b[i].is_ascii_uppercase() && b[i - 1].is_ascii_lowercase()) {
            i += 1;
        }
        Some(&s[start..i])
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_parts_from_type_words() {
        for (ty, part) in [
            ("stream_start", StreamPart::Start),
            ("stream_token", StreamPart::Item),
            ("stream_chunk", StreamPart::Item),
            ("content_block_delta", StreamPart::Item),
            ("stream_end", StreamPart::End),
            ("streamEnd", StreamPart::End),
            ("response.completed", StreamPart::End),
            ("message_stop", StreamPart::End),
            ("done", StreamPart::End),
            ("error", StreamPart::Error),
            ("stream_error_end", StreamPart::Error),
            ("chat_message", StreamPart::Other),
            ("connection_established", StreamPart::Other),
            // Whole words only: "backend" holds "end", "tokenizer" holds "token".
            ("backend_status", StreamPart::Other),
            ("tokenizer", StreamPart::Other),
            ("", StreamPart::Other),
            ("__", StreamPart::Other),
        ] {
            assert_eq!(stream_part(ty), part, "{ty}");
        }
    }
}
