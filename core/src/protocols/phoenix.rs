//! Phoenix Channels: serializer v1 (objects) and v2 (arrays plus binary frames).
//!
//! v2 text: `[join_ref, ref, topic, event, payload]`. v2 binary (phoenix `serializer.js` and
//! `Phoenix.Socket.V2.JSONSerializer`): a kind byte, then one length byte per field, then the
//! fields, then the payload bytes:
//! - kind 0 *push*, client to server: join_ref, ref, topic, event sizes (4 bytes);
//! - kind 0 *push*, server to client: join_ref, topic, event sizes (3 bytes; pushes have no ref);
//! - kind 1 *reply*: join_ref, ref, topic, status sizes; the event is `phx_reply`;
//! - kind 2 *broadcast*: topic, event sizes.
//!
//! The direction matters for kind 0, which is why decoders get the direction with the bytes.

use std::borrow::Cow;

use super::json_scan::{Scan, Token};
use super::{Decoded, Direction, FrameInput, Kind, Message, Mismatch, Note, Opcode, Payload, Protocol, Reason, Role, Status};

/// The topic Phoenix uses for socket-level heartbeats.
pub const HEARTBEAT_TOPIC: &str = "phoenix";

/// Classify a Phoenix message by event name, topic, direction and refs.
fn classify<'a>(
    dir: Direction,
    join_ref: Option<Cow<'a, str>>,
    reference: Option<Cow<'a, str>>,
    topic: Cow<'a, str>,
    event: Cow<'a, str>,
    status: Option<Status>,
    payload: Payload,
) -> Message<'a> {
    let heartbeat_topic = topic == HEARTBEAT_TOPIC;
    let (kind, role) = match &*event {
        "heartbeat" if heartbeat_topic => (Kind::Heartbeat, Some(Role::Request)),
        "phx_reply" if heartbeat_topic => (Kind::Heartbeat, Some(Role::Reply)),
        "phx_join" => (Kind::Join, Some(Role::Request)),
        "phx_leave" => (Kind::Leave, Some(Role::Request)),
        "phx_reply" => (Kind::Reply, Some(Role::Reply)),
        "phx_close" => (Kind::Close, None),
        "phx_error" => (Kind::Error, None),
        _ => match dir {
            Direction::Out => (Kind::Push, Some(Role::Request)),
            // A server push to this join carries its join_ref; a broadcast carries none.
            Direction::In if join_ref.is_some() => (Kind::Push, None),
            Direction::In => (Kind::Broadcast, None),
        },
    };
    let corr = match (role, reference) {
        (Some(role), Some(r)) => Some(super::Corr { key: r, role }),
        _ => None,
    };
    Message { kind, topic: Some(topic), event: Some(event), join_ref, status, corr, payload }
}

/// The `status` of a `phx_reply` payload (`{"status": "ok", "response": ...}`).
fn reply_status(bytes: &[u8], payload: &std::ops::Range<usize>) -> Option<Status> {
    let mut s = Scan::new(&bytes[..payload.end]);
    s.i = payload.start;
    let mut status = None;
    s.object(|k, v| {
        if k == "status" {
            status = match v.string()?.as_ref() {
                "ok" => Some(Status::Ok),
                _ => Some(Status::Error),
            };
        }
        Ok(())
    })
    .ok()?;
    status
}

/// Phoenix serializer v2: text arrays and binary frames.
pub fn decode_v2<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    const P: Protocol = Protocol::PhoenixV2;
    if input.op == Opcode::Binary {
        return decode_binary(input);
    }
    let text = input.as_text(P)?;
    let mut s = Scan::new(text.as_bytes());
    let m = |r: Reason, s: &Scan| Mismatch::at(P, r, s.i);
    if s.peek() != Token::Array {
        return Err(m(Reason::NotAnArray, &s));
    }
    s.eat(b'[');
    let join_ref = s.id_like().map_err(|r| m(r, &s))?;
    s.expect(b',').map_err(|_| m(Reason::WrongArity, &s))?;
    let reference = s.id_like().map_err(|r| m(r, &s))?;
    s.expect(b',').map_err(|_| m(Reason::WrongArity, &s))?;
    let topic = s.string().map_err(|r| m(r, &s))?;
    s.expect(b',').map_err(|_| m(Reason::WrongArity, &s))?;
    let event = s.string().map_err(|r| m(r, &s))?;
    s.expect(b',').map_err(|_| m(Reason::WrongArity, &s))?;
    let payload = s.skip().map_err(|r| m(r, &s))?;
    if !s.eat(b']') {
        return Err(m(Reason::WrongArity, &s));
    }
    if !s.at_end() {
        return Err(m(Reason::TrailingData, &s));
    }
    let status = if event == "phx_reply" { reply_status(input.bytes, &payload) } else { None };
    Ok(Decoded::one(P, classify(input.dir, join_ref, reference, topic, event, status, Payload::Json(payload))))
}

fn decode_binary<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    const P: Protocol = Protocol::PhoenixV2;
    let b = input.bytes;
    let kind = *b.first().ok_or(Mismatch::new(P, Reason::Empty))?;
    // Field layout per kind and direction: which fields are present, in order.
    #[derive(Clone, Copy, PartialEq)]
    enum F {
        JoinRef,
        Ref,
        Topic,
        Event,
    }
    let layout: &[F] = match (kind, input.dir) {
        (0, Direction::Out) => &[F::JoinRef, F::Ref, F::Topic, F::Event],
        (0, Direction::In) => &[F::JoinRef, F::Topic, F::Event],
        (1, _) => &[F::JoinRef, F::Ref, F::Topic, F::Event],
        (2, _) => &[F::Topic, F::Event],
        _ => return Err(Mismatch::at(P, Reason::UnknownKind, 0)),
    };
    let sizes = b.get(1..1 + layout.len()).ok_or(Mismatch::at(P, Reason::Truncated, 1))?;
    let mut off = 1 + layout.len();
    let (mut join_ref, mut reference, mut topic, mut event) = (None, None, None, None);
    for (field, &size) in layout.iter().zip(sizes) {
        let end = off + size as usize;
        let bytes = b.get(off..end).ok_or(Mismatch::at(P, Reason::Truncated, off))?;
        let s = std::str::from_utf8(bytes).map_err(|_| Mismatch::at(P, Reason::NotUtf8, off))?;
        let s = Cow::Borrowed(s);
        match field {
            F::JoinRef => join_ref = Some(s),
            F::Ref => reference = Some(s),
            F::Topic => topic = Some(s),
            F::Event => event = Some(s),
        }
        off = end;
    }
    let payload = Payload::Bytes(off..b.len());
    let topic = topic.unwrap_or(Cow::Borrowed(""));
    let event = event.unwrap_or(Cow::Borrowed(""));
    // serializer.js encodes an absent join_ref as an empty string.
    let join_ref = join_ref.filter(|j| !j.is_empty());
    let mut decoded = if kind == 1 {
        let status = if event == "ok" { Status::Ok } else { Status::Error };
        let mut msg = classify(input.dir, join_ref, reference, topic, Cow::Borrowed("phx_reply"), Some(status), payload);
        // Keep the wire status too: it is what the server wrote.
        msg.event = Some(Cow::Borrowed("phx_reply"));
        Decoded::one(P, msg)
    } else {
        Decoded::one(P, classify(input.dir, join_ref, reference, topic, event, None, payload))
    };
    let unusual = matches!((kind, input.dir), (1 | 2, Direction::Out));
    if unusual {
        decoded.notes.push(Note::UnusualBinaryKind);
    }
    Ok(decoded)
}

/// Phoenix serializer v1: `{"topic", "event", "payload", "ref", "join_ref"?}` objects.
pub fn decode_v1<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    const P: Protocol = Protocol::PhoenixV1;
    let text = input.as_text(P)?;
    let mut s = Scan::new(text.as_bytes());
    if s.peek() != Token::Object {
        return Err(Mismatch::at(P, Reason::NotAnObject, s.i));
    }
    let (mut topic, mut event, mut reference, mut join_ref, mut payload) = (None, None, None, None, None);
    let (mut has_ref, mut unknown_key) = (false, false);
    s.object(|k, v| {
        match k {
            "topic" => topic = Some(v.string()?),
            "event" => event = Some(v.string()?),
            "ref" => {
                has_ref = true;
                reference = v.id_like()?;
            }
            "join_ref" => join_ref = v.id_like()?,
            "payload" => payload = Some(v.skip()?),
            _ => unknown_key = true,
        }
        Ok(())
    })
    .map_err(|r| Mismatch::at(P, r, s.i))?;
    if !s.at_end() {
        return Err(Mismatch::at(P, Reason::TrailingData, s.i));
    }
    let (Some(topic), Some(event), Some(payload)) = (topic, event, payload) else {
        return Err(Mismatch::new(P, Reason::MissingField));
    };
    if !has_ref || unknown_key {
        // Without `ref` (or with foreign members) this is some other JSON protocol.
        return Err(Mismatch::new(P, Reason::MissingField));
    }
    let status = if event == "phx_reply" { reply_status(input.bytes, &payload) } else { None };
    Ok(Decoded::one(P, classify(input.dir, join_ref, reference, topic, event, status, Payload::Json(payload))))
}
