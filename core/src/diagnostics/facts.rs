//! Small questions the rules ask of the session model: which tokens a connection carried, what
//! a reply's error reason was, which frames came last before a moment, how fast the page sent.
//! Pure functions over [`Model`]; each is bounded by the connection's size.

use crate::close_codes::{Library, ProfileSet};
use crate::jwt::{self, FoundToken, TokenLocation};
use crate::protocols::{Direction, Kind, Payload, Protocol};
use crate::schema::EpochMs;
use crate::session::{ConnId, Connection, FrameRef, Model};
use serde_json::Value;

/// How many outgoing frames are scanned for tokens. Tokens travel in the first messages
/// (join, connect_document, connection_init); scanning a million frames would be waste.
pub const TOKEN_SCAN_FRAMES: usize = 2_000;

/// A token, where it was, and the frame that carried it (for payload tokens).
#[derive(Debug, Clone, PartialEq)]
pub struct ConnToken {
    pub found: FoundToken,
    pub frame: Option<FrameRef>,
    pub t: Option<EpochMs>,
}

/// Every token the connection sent: URL, subprotocols, then outgoing text frames in order.
pub fn tokens(model: &Model, c: &Connection) -> Vec<ConnToken> {
    let mut out: Vec<ConnToken> = jwt::find_in_url(&c.url)
        .into_iter()
        .chain(jwt::find_in_subprotocols(&c.requested))
        .map(|found| ConnToken { found, frame: None, t: None })
        .collect();
    let outgoing = c.frames.records().iter().enumerate().filter(|(_, r)| r.dir() == Direction::Out).take(TOKEN_SCAN_FRAMES);
    for (i, _) in outgoing {
        let at = FrameRef { conn: c.id, index: i as u32 };
        let Some(view) = model.frame(at) else { continue };
        let Some(text) = view.text() else { continue };
        for found in jwt::find_in_text(text) {
            out.push(ConnToken { found, frame: Some(at), t: Some(view.record.t) });
        }
    }
    out
}

/// Tokens carried by one frame.
pub fn tokens_in_frame(model: &Model, at: FrameRef) -> Vec<ConnToken> {
    let Some(view) = model.frame(at) else { return Vec::new() };
    let Some(text) = view.text() else { return Vec::new() };
    jwt::find_in_text(text).into_iter().map(|found| ConnToken { found, frame: Some(at), t: Some(view.record.t) }).collect()
}

/// "?token=", "subprotocol 2", "frame #4 at $[4].token".
pub fn token_place(t: &ConnToken) -> String {
    match (&t.found.location, t.frame) {
        (TokenLocation::UrlQuery { param }, _) => format!("the URL's ?{param}="),
        (TokenLocation::Subprotocol { index, .. }, _) => format!("subprotocol #{index}"),
        (TokenLocation::Json { path }, Some(f)) => format!("frame #{} at {path}", f.index),
        (TokenLocation::Text { offset }, Some(f)) => format!("frame #{} at byte {offset}", f.index),
        (TokenLocation::Json { path }, None) => format!("a payload at {path}"),
        (TokenLocation::Text { offset }, None) => format!("a payload at byte {offset}"),
    }
}

/// The JSON payload of a decoded frame's first message, if it has one.
pub fn payload_json(model: &Model, at: FrameRef) -> Option<Value> {
    let d = model.decode(at)?;
    let bytes = model.frame(at)?.data;
    match &d.msg.payload {
        Payload::Json(r) => serde_json::from_slice(bytes.get(r.clone())?).ok(),
        _ => std::str::from_utf8(bytes).ok().and_then(|s| serde_json::from_str(s).ok()),
    }
}

/// The reason an error reply gives: the first string under `reason`, `message` or `error`
/// (depth-first), else the payload itself shortened.
pub fn reply_reason(model: &Model, at: FrameRef) -> Option<String> {
    fn find(v: &Value, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        match v {
            Value::Object(m) => {
                for k in ["reason", "message", "error", "detail"] {
                    if let Some(Value::String(s)) = m.get(k) {
                        return Some(s.clone());
                    }
                }
                m.values().find_map(|x| find(x, depth + 1))
            }
            Value::Array(a) => a.iter().find_map(|x| find(x, depth + 1)),
            _ => None,
        }
    }
    match payload_json(model, at) {
        Some(v) => find(&v, 0).or_else(|| Some(shorten(&v.to_string(), 120))),
        None => model.frame(at).and_then(|f| f.text()).map(|t| shorten(t, 120)),
    }
}

/// At most `n` characters, with an ellipsis when cut.
pub fn shorten(s: &str, n: usize) -> String {
    let mut it = s.chars();
    let head: String = it.by_ref().take(n).collect();
    if it.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Indices of the last `n` frames at or before `t`, oldest first.
pub fn last_frames_before(c: &Connection, t: EpochMs, n: usize) -> Vec<u32> {
    let recs = c.frames.records();
    let end = recs.partition_point(|r| r.t <= t);
    (end.saturating_sub(n)..end).map(|i| i as u32).collect()
}

/// The last outgoing frame at or before `t`.
pub fn last_sent_before(c: &Connection, t: EpochMs) -> Option<u32> {
    let recs = c.frames.records();
    let end = recs.partition_point(|r| r.t <= t);
    (0..end).rev().find(|&i| recs[i].dir() == Direction::Out).map(|i| i as u32)
}

/// Outgoing frames in `(t - window, t]`: (count, first index, last index, peak per second).
pub fn send_rate(c: &Connection, t: EpochMs, window_ms: f64) -> (usize, Option<u32>, Option<u32>, usize) {
    let recs = c.frames.records();
    let end = recs.partition_point(|r| r.t <= t);
    let start = recs.partition_point(|r| r.t <= t - window_ms);
    let sent: Vec<usize> = (start..end).filter(|&i| recs[i].dir() == Direction::Out).collect();
    let mut peak = 0;
    let mut lo = 0;
    for hi in 0..sent.len() {
        while recs[sent[hi]].t - recs[sent[lo]].t >= 1000.0 {
            lo += 1;
        }
        peak = peak.max(hi - lo + 1);
    }
    (sent.len(), sent.first().map(|&i| i as u32), sent.last().map(|&i| i as u32), peak)
}

/// The library whose close codes apply, from the decoded protocol.
pub fn library_of(c: &Connection) -> Option<Library> {
    match c.protocol()?.0 {
        Protocol::PhoenixV1 | Protocol::PhoenixV2 => Some(Library::Phoenix),
        Protocol::GraphqlWs => Some(Library::GraphqlWs),
        Protocol::ActionCable => Some(Library::ActionCable),
        _ => None,
    }
}

/// The profiles for a connection: its subprotocol's and decoder's library, then the project's.
pub fn profiles_for(c: &Connection, projects: &[crate::close_codes::Profile]) -> ProfileSet {
    ProfileSet::for_connection(c.negotiated.as_deref(), library_of(c), projects)
}

/// `scheme://host[:port]` of a URL, with ws/wss shown as http/https when `as_http`.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() {
        return None;
    }
    Some(format!("{}://{host}", scheme.to_ascii_lowercase()))
}

/// The frame's message kind.
pub fn kind(model: &Model, at: FrameRef) -> Option<Kind> {
    model.frame(at).map(|f| f.record.kind())
}

/// Edit distance with an early exit above `max` (topic names are short).
pub fn close_names(a: &str, b: &str, max: usize) -> bool {
    if a == b || a.len().abs_diff(b.len()) > max {
        return false;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        if cur.iter().min().copied().unwrap_or(0) > max {
            return false;
        }
        prev = cur;
    }
    prev[b.len()] <= max
}

/// The connection's id, for evidence.
pub fn conn_of(c: &Connection) -> ConnId {
    c.id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_one_typo_apart_are_close() {
        assert!(close_names("document:tenant-1:doc-1", "document:tenant1:doc-1", 2));
        assert!(!close_names("document:a", "document:a", 2));
        assert!(!close_names("room:lobby", "document:tenant-1:doc-1", 2));
    }

    #[test]
    fn origins() {
        assert_eq!(origin_of("http://localhost:3000/app?x").as_deref(), Some("http://localhost:3000"));
        assert_eq!(origin_of("WS://h:8000/ws/").as_deref(), Some("ws://h:8000"));
        assert_eq!(origin_of("about:blank"), None);
    }

    #[test]
    fn shorten_marks_cuts() {
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
    }
}
