//! socket.io v5 packets inside engine.io v4 packets, over a WebSocket.
//!
//! engine.io text packet: one type digit (0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade,
//! 6 noop) then data. A binary WebSocket frame is an engine.io binary message with no prefix.
//! socket.io packet (inside `4`): type digit (0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK,
//! 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK), then `<n>-` attachment count for binary types,
//! then `/namespace,` unless default, then the ack id digits, then the JSON payload. Binary
//! packets carry `{"_placeholder":true,"num":i}` in the JSON and are followed by `n` binary frames.
//! The per-connection decoder counts the pending attachments (see `detect::ConnectionDecoder`).

use std::borrow::Cow;

use super::json_scan::{Scan, Token};
use super::{Decoded, Direction, FrameInput, Kind, Message, Mismatch, Opcode, Payload, Protocol, Reason, Role, Status};

const P: Protocol = Protocol::SocketIo;

/// Decode one frame. Binary frames decode as attachments; the caller knows whether one was
/// expected.
pub fn decode<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    if input.op == Opcode::Binary {
        return Ok(Decoded::one(P, Message::new(Kind::Attachment).payload(Payload::Bytes(0..input.bytes.len()))));
    }
    let text = input.as_text(P)?;
    let b = text.as_bytes();
    let first = *b.first().ok_or(Mismatch::new(P, Reason::Empty))?;
    let rest = 1..b.len();
    let msg = match first {
        b'0' => {
            // The open packet: {"sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"}.
            let r = super::json_scan::is_json(&b[1..]).map_err(|r| Mismatch::at(P, r, 1))?;
            Message::new(Kind::Control).event("open").payload(Payload::Json(r.start + 1..r.end + 1))
        }
        b'1' => Message::new(Kind::Close).event("close"),
        b'2' => Message::new(Kind::Heartbeat).event("ping").payload(text_payload(rest)),
        b'3' => Message::new(Kind::Heartbeat).event("pong").payload(text_payload(rest)),
        b'4' => return decode_socketio(input.dir, text),
        b'5' => Message::new(Kind::Control).event("upgrade"),
        b'6' => Message::new(Kind::Control).event("noop"),
        _ => return Err(Mismatch::at(P, Reason::UnknownPacketType, 0)),
    };
    Ok(Decoded::one(P, msg))
}

fn text_payload(r: std::ops::Range<usize>) -> Payload {
    if r.is_empty() {
        Payload::None
    } else {
        Payload::Text(r)
    }
}

/// How many binary attachments a decoded socket.io packet announced (0 for most).
pub fn attachments_announced(bytes: &[u8]) -> u32 {
    if bytes.len() < 3 || bytes[0] != b'4' || !matches!(bytes[1], b'5' | b'6') {
        return 0;
    }
    let digits = bytes[2..].iter().take_while(|c| c.is_ascii_digit()).count();
    if bytes.get(2 + digits) != Some(&b'-') {
        return 0;
    }
    std::str::from_utf8(&bytes[2..2 + digits]).ok().and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn decode_socketio<'a>(dir: Direction, text: &'a str) -> Result<Decoded<'a>, Mismatch> {
    let b = text.as_bytes();
    let ty = *b.get(1).ok_or(Mismatch::at(P, Reason::Empty, 1))?;
    if !(b'0'..=b'6').contains(&ty) {
        return Err(Mismatch::at(P, Reason::UnknownPacketType, 1));
    }
    let mut i = 2;
    if matches!(ty, b'5' | b'6') {
        let start = i;
        while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        if i == start || b.get(i) != Some(&b'-') {
            return Err(Mismatch::at(P, Reason::MissingField, i));
        }
        i += 1;
    }
    // Namespace: "/name," (the default namespace "/" is implicit).
    let key_start = i;
    let mut nsp: &'a str = "/";
    if b.get(i) == Some(&b'/') {
        let end = b[i..].iter().position(|&c| c == b',').map(|p| i + p);
        match end {
            Some(end) => {
                nsp = &text[i..end];
                i = end + 1;
            }
            None => {
                // "41/admin" without a trailing comma is what some servers send on disconnect.
                nsp = &text[i..];
                i = b.len();
            }
        }
    }
    let nsp_end = i;
    let id_start = i;
    while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
        i += 1;
    }
    let ack_id = (i > id_start).then(|| &text[key_start..i]);
    let payload = if i < b.len() {
        let r = super::json_scan::is_json(&b[i..]).map_err(|r| Mismatch::at(P, r, i))?;
        Some(r.start + i..r.end + i)
    } else {
        None
    };
    // Connect/disconnect are correlated by namespace text ("" or "/admin,").
    let nsp_key = &text[key_start..nsp_end];
    let msg = match ty {
        b'0' => {
            let m = Message::new(Kind::Join).topic(nsp).event("connect");
            match dir {
                Direction::Out => m.corr(nsp_key, Role::Request),
                // The server's CONNECT answers the client's with {"sid"}.
                Direction::In => Message { kind: Kind::Reply, ..m }.corr(nsp_key, Role::Reply).status(Status::Ok),
            }
        }
        b'1' => Message::new(Kind::Leave).topic(nsp).event("disconnect"),
        b'4' => Message::new(Kind::Reply).topic(nsp).event("connect_error").corr(nsp_key, Role::Reply).status(Status::Error),
        b'2' | b'5' => {
            let payload = payload.clone().ok_or(Mismatch::at(P, Reason::MissingField, i))?;
            let event = event_name(b, &payload).map_err(|r| Mismatch::at(P, r, payload.start))?;
            let kind = if dir == Direction::Out { Kind::Push } else { Kind::Broadcast };
            let mut m = Message::new(kind).topic(nsp);
            m.event = event;
            if let Some(id) = ack_id {
                m = m.corr(id, Role::Request);
            }
            m
        }
        _ => {
            // 3 ACK, 6 BINARY_ACK
            let id = ack_id.ok_or(Mismatch::at(P, Reason::MissingField, i))?;
            Message::new(Kind::Reply).topic(nsp).event("ack").corr(id, Role::Reply).status(Status::Ok)
        }
    };
    Ok(Decoded::one(P, msg.payload(payload.map(Payload::Json).unwrap_or_default())))
}

/// The event name: the first element of the payload array.
fn event_name<'a>(b: &'a [u8], payload: &std::ops::Range<usize>) -> Result<Option<Cow<'a, str>>, Reason> {
    let mut s = Scan::new(&b[..payload.end]);
    s.i = payload.start;
    if s.peek() != Token::Array {
        return Err(Reason::NotAnArray);
    }
    s.eat(b'[');
    match s.peek() {
        Token::String => s.string().map(Some),
        // Events may be named by numbers in some servers; keep the text.
        Token::Number => s.number().map(|r| std::str::from_utf8(&b[r]).ok().map(Cow::Borrowed)),
        _ => Err(Reason::ExpectedString),
    }
}
