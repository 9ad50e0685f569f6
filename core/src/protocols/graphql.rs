//! GraphQL over WebSocket: graphql-ws (`graphql-transport-ws`) and the legacy
//! subscriptions-transport-ws (`graphql-ws`). Both send `{"type", "id"?, "payload"?}` objects;
//! the type names differ. The operation `id` is both the correlation key and the topic, so each
//! subscription gets its own timeline.

use std::borrow::Cow;

use super::json_scan::{Scan, Token};
use super::{Decoded, Direction, FrameInput, Kind, Message, Mismatch, Payload, Protocol, Reason, Role, Status};

struct Fields<'a> {
    ty: Cow<'a, str>,
    id: Option<Cow<'a, str>>,
    payload: Option<std::ops::Range<usize>>,
}

fn fields<'a>(p: Protocol, input: &FrameInput<'a>) -> Result<Fields<'a>, Mismatch> {
    let text = input.as_text(p)?;
    let mut s = Scan::new(text.as_bytes());
    if s.peek() != Token::Object {
        return Err(Mismatch::at(p, Reason::NotAnObject, s.i));
    }
    let (mut ty, mut id, mut payload, mut foreign) = (None, None, None, false);
    s.object(|k, v| {
        match k {
            "type" => ty = Some(v.string()?),
            "id" => id = v.id_like()?,
            "payload" => payload = Some(v.skip()?),
            _ => foreign = true,
        }
        Ok(())
    })
    .map_err(|r| Mismatch::at(p, r, s.i))?;
    if !s.at_end() {
        return Err(Mismatch::at(p, Reason::TrailingData, s.i));
    }
    if foreign {
        return Err(Mismatch::new(p, Reason::UnknownType));
    }
    let ty = ty.ok_or(Mismatch::new(p, Reason::MissingField))?;
    Ok(Fields { ty, id, payload })
}

fn build<'a>(p: Protocol, f: Fields<'a>, kind: Kind, role: Option<Role>, status: Option<Status>) -> Decoded<'a> {
    let mut m = Message::new(kind).event(f.ty);
    m.status = status;
    if let Some(id) = f.id {
        if let Some(role) = role {
            m = m.corr(id.clone(), role);
        }
        m.topic = Some(id);
    }
    m.payload = f.payload.map(Payload::Json).unwrap_or_default();
    Decoded::one(p, m)
}

/// graphql-ws, protocol `graphql-transport-ws`.
pub fn decode_graphql_ws<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    const P: Protocol = Protocol::GraphqlWs;
    let f = fields(P, input)?;
    let (kind, role, status) = match (f.ty.as_ref(), input.dir) {
        ("connection_init", _) | ("connection_ack", _) => (Kind::Control, None, None),
        ("ping", _) | ("pong", _) => (Kind::Heartbeat, None, None),
        ("subscribe", _) => (Kind::Join, Some(Role::Request), None),
        ("next", _) => (Kind::StreamItem, Some(Role::StreamItem), None),
        ("error", _) => (Kind::Reply, Some(Role::Reply), Some(Status::Error)),
        // The client's `complete` stops a subscription; the server's ends it.
        ("complete", Direction::Out) => (Kind::Leave, None, None),
        ("complete", Direction::In) => (Kind::Reply, Some(Role::Reply), Some(Status::Ok)),
        _ => return Err(Mismatch::new(P, Reason::UnknownType)),
    };
    Ok(build(P, f, kind, role, status))
}

/// subscriptions-transport-ws, protocol `graphql-ws`.
pub fn decode_legacy<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    const P: Protocol = Protocol::SubscriptionsTransportWs;
    let f = fields(P, input)?;
    let (kind, role, status) = match f.ty.as_ref() {
        "connection_init" | "connection_ack" => (Kind::Control, None, None),
        "connection_error" => (Kind::Error, None, Some(Status::Error)),
        "ka" => (Kind::Heartbeat, None, None),
        "start" => (Kind::Join, Some(Role::Request), None),
        "data" => (Kind::StreamItem, Some(Role::StreamItem), None),
        "error" => (Kind::Reply, Some(Role::Reply), Some(Status::Error)),
        "complete" => (Kind::Reply, Some(Role::Reply), Some(Status::Ok)),
        "stop" => (Kind::Leave, None, None),
        "connection_terminate" => (Kind::Close, None, None),
        _ => return Err(Mismatch::new(P, Reason::UnknownType)),
    };
    Ok(build(P, f, kind, role, status))
}

/// Types only one of the two protocols uses: a content match on these is conclusive.
pub fn distinctive_type(p: Protocol, ty: &str) -> bool {
    match p {
        Protocol::GraphqlWs => matches!(ty, "subscribe" | "next" | "ping" | "pong"),
        Protocol::SubscriptionsTransportWs => matches!(ty, "start" | "data" | "ka" | "stop" | "connection_terminate" | "connection_error"),
        _ => false,
    }
}
