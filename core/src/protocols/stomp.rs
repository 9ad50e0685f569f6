//! STOMP 1.0-1.2 over WebSocket: `COMMAND\nheader:value\n...\n\nbody\0`, in text or binary
//! frames. A frame of only end-of-lines is a heart-beat. The destination is the topic; a
//! `receipt` header correlates with the RECEIPT (or ERROR) carrying the same `receipt-id`.

use std::borrow::Cow;

use super::{Decoded, FrameInput, Kind, Message, Mismatch, Payload, Protocol, Reason, Role, Status};

const P: Protocol = Protocol::Stomp;

const COMMANDS: [&str; 15] = [
    "CONNECT", "STOMP", "CONNECTED", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK", "BEGIN", "COMMIT", "ABORT",
    "DISCONNECT", "MESSAGE", "RECEIPT", "ERROR",
];

/// A header value, with STOMP 1.2 escapes (`\n`, `\r`, `\c`, `\\`) undone.
fn unescape(v: &str) -> Cow<'_, str> {
    if !v.contains('\\') {
        return Cow::Borrowed(v);
    }
    let mut out = String::with_capacity(v.len());
    let mut it = v.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('c') => out.push(':'),
            Some('\\') => out.push('\\'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

pub fn decode<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    let b = input.bytes;
    if b.is_empty() {
        return Err(Mismatch::new(P, Reason::Empty));
    }
    if b.iter().all(|&c| c == b'\n' || c == b'\r') {
        return Ok(Decoded::one(P, Message::new(Kind::Heartbeat).event("heart-beat")));
    }
    // Leading EOLs are allowed between frames.
    let start = b.iter().position(|&c| c != b'\n' && c != b'\r').unwrap_or(0);
    let head_end = find(b, start, b"\n\n").map(|i| (i, i + 2)).or_else(|| find(b, start, b"\r\n\r\n").map(|i| (i, i + 4)));
    let (head_end, body_start) = head_end.ok_or(Mismatch::at(P, Reason::MissingField, b.len()))?;
    let head = std::str::from_utf8(&b[start..head_end]).map_err(|e| Mismatch::at(P, Reason::NotUtf8, start + e.valid_up_to()))?;
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let command = lines.next().unwrap_or("");
    if !COMMANDS.contains(&command) {
        return Err(Mismatch::at(P, Reason::UnknownCommand, start));
    }
    let (mut destination, mut receipt, mut receipt_id, mut content_length) = (None, None, None, None);
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            return Err(Mismatch::at(P, Reason::MissingField, start));
        };
        // Repeated headers: the first one wins (STOMP 1.2 §Repeated Header Entries).
        match k {
            "destination" if destination.is_none() => destination = Some(unescape(v)),
            "receipt" if receipt.is_none() => receipt = Some(unescape(v)),
            "receipt-id" if receipt_id.is_none() => receipt_id = Some(unescape(v)),
            "content-length" if content_length.is_none() => content_length = v.trim().parse::<usize>().ok(),
            _ => {}
        }
    }
    let body_end = match content_length {
        Some(n) => body_start.checked_add(n).filter(|&e| e < b.len() && b[e] == 0),
        None => b[body_start..].iter().position(|&c| c == 0).map(|p| body_start + p),
    };
    let body_end = match body_end {
        Some(e) => e,
        None if input.truncated => b.len(),
        None => return Err(Mismatch::at(P, Reason::NoNulTerminator, b.len())),
    };
    let after = (body_end + 1).min(b.len());
    if !input.truncated && b[after..].iter().any(|&c| c != b'\n' && c != b'\r' && c != 0) {
        return Err(Mismatch::at(P, Reason::TrailingData, body_end + 1));
    }
    let body = body_start..body_end;
    let payload = if body.is_empty() {
        Payload::None
    } else if std::str::from_utf8(&b[body.clone()]).is_ok() {
        if super::json_scan::is_json(&b[body.clone()]).is_ok() {
            Payload::Json(body)
        } else {
            Payload::Text(body)
        }
    } else {
        Payload::Bytes(body)
    };
    let kind = match command {
        "CONNECT" | "STOMP" | "CONNECTED" | "ACK" | "NACK" | "BEGIN" | "COMMIT" | "ABORT" => Kind::Control,
        "SUBSCRIBE" => Kind::Join,
        "UNSUBSCRIBE" => Kind::Leave,
        "SEND" => Kind::Push,
        "MESSAGE" => Kind::Broadcast,
        "RECEIPT" => Kind::Reply,
        "ERROR" => Kind::Error,
        _ => Kind::Close, // DISCONNECT
    };
    let mut m = Message::new(kind).event(command).payload(payload);
    m.topic = destination;
    if let Some(r) = receipt {
        m = m.corr(r, Role::Request);
    } else if let Some(r) = receipt_id.filter(|r| !r.is_empty()) {
        m = m.corr(r, Role::Reply);
    }
    if command == "RECEIPT" {
        m.status = Some(Status::Ok);
    } else if command == "ERROR" {
        m.status = Some(Status::Error);
    }
    Ok(Decoded::one(P, m))
}

fn find(h: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    h.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}
