//! ASP.NET Core SignalR, JSON hub protocol: JSON records each terminated by `\x1e`; one frame
//! may hold several records. The first client record is the handshake
//! `{"protocol":"json","version":1}`, answered by `{}` (or `{"error": ...}`).
//! Message types: 1 Invocation, 2 StreamItem, 3 Completion, 4 StreamInvocation,
//! 5 CancelInvocation, 6 Ping, 7 Close, 8 Ack, 9 Sequence. `invocationId` correlates.

use std::borrow::Cow;

use super::json_scan::{Scan, Token};
use super::{Decoded, FrameInput, Kind, Message, Mismatch, Payload, Protocol, Reason, Role, Status};

const P: Protocol = Protocol::SignalR;
pub const RECORD_SEPARATOR: u8 = 0x1e;

pub fn decode<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    let text = input.as_text(P)?;
    let b = text.as_bytes();
    if b.is_empty() {
        return Err(Mismatch::new(P, Reason::Empty));
    }
    if b[b.len() - 1] != RECORD_SEPARATOR && !input.truncated {
        return Err(Mismatch::at(P, Reason::NoRecordSeparator, b.len()));
    }
    let mut messages = Vec::new();
    let mut start = 0;
    while start < b.len() {
        let end = b[start..].iter().position(|&c| c == RECORD_SEPARATOR).map(|p| p + start).unwrap_or(b.len());
        messages.push(record(input, b, start..end)?);
        start = end + 1;
    }
    let mut it = messages.into_iter();
    let first = it.next().ok_or(Mismatch::new(P, Reason::Empty))?;
    let mut d = Decoded::one(P, first);
    d.more = it.collect();
    Ok(d)
}

fn record<'a>(input: &FrameInput<'a>, b: &'a [u8], r: std::ops::Range<usize>) -> Result<Message<'a>, Mismatch> {
    let mut s = Scan::new(&b[..r.end]);
    s.i = r.start;
    if s.peek() != Token::Object {
        return Err(Mismatch::at(P, Reason::NotAnObject, s.i));
    }
    let (mut ty, mut id, mut target, mut error, mut protocol, mut count) = (None, None, None, None, None, 0usize);
    let mut body: Option<std::ops::Range<usize>> = None;
    s.object(|k, v| {
        count += 1;
        match k {
            "type" => {
                let n = v.number()?;
                ty = std::str::from_utf8(&b[n]).ok().and_then(|t| t.parse::<u8>().ok());
            }
            "invocationId" => id = v.id_like()?,
            "target" => target = Some(v.string()?),
            "error" => error = v.string_or_null()?,
            "protocol" => protocol = Some(v.string()?),
            "arguments" | "item" | "result" => body = Some(v.skip()?),
            _ => {}
        }
        Ok(())
    })
    .map_err(|e| Mismatch::at(P, e, s.i))?;
    if !s.at_end() {
        return Err(Mismatch::at(P, Reason::TrailingData, s.i));
    }
    let payload = Payload::Json(body.unwrap_or(r.clone()));
    let Some(ty) = ty else {
        // Handshake request / response.
        return if let Some(p) = protocol {
            Ok(Message::new(Kind::Control).event("handshake").topic(p).payload(Payload::Json(r)))
        } else if let Some(e) = error {
            Ok(Message::new(Kind::Error).event("handshake").status(Status::Error).topic(e))
        } else if count == 0 {
            Ok(Message::new(Kind::Control).event("handshake"))
        } else {
            Err(Mismatch::at(P, Reason::MissingField, r.start))
        };
    };
    let with_id = |m: Message<'a>, role: Role| match id.clone() {
        Some(id) => m.corr(id, role),
        None => m,
    };
    let mut m = match ty {
        1 => {
            let kind = if input.dir == super::Direction::Out { Kind::Push } else { Kind::Broadcast };
            with_id(Message::new(kind), Role::Request)
        }
        2 => with_id(Message::new(Kind::StreamItem), Role::StreamItem),
        3 => {
            let status = if error.is_some() { Status::Error } else { Status::Ok };
            with_id(Message::new(Kind::Reply).status(status), Role::Reply)
        }
        4 => with_id(Message::new(Kind::Push), Role::Request),
        5 => Message::new(Kind::Leave),
        6 => Message::new(Kind::Heartbeat),
        7 => Message::new(Kind::Close),
        8 | 9 => Message::new(Kind::Control),
        _ => return Err(Mismatch::at(P, Reason::UnknownType, r.start)),
    };
    m.event = Some(match target {
        Some(t) => t,
        None => Cow::Borrowed(type_name(ty)),
    });
    Ok(m.payload(payload))
}

pub fn type_name(ty: u8) -> &'static str {
    match ty {
        1 => "Invocation",
        2 => "StreamItem",
        3 => "Completion",
        4 => "StreamInvocation",
        5 => "CancelInvocation",
        6 => "Ping",
        7 => "Close",
        8 => "Ack",
        9 => "Sequence",
        _ => "Unknown",
    }
}
