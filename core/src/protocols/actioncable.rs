//! Rails Action Cable, `actioncable-v1-json`.
//!
//! Client: `{"command": "subscribe"|"unsubscribe"|"message", "identifier": "<json>", "data"?}`.
//! Server: `{"type": "welcome"|"ping"|"confirm_subscription"|"reject_subscription"|"disconnect", ...}`
//! or `{"identifier", "message"}` for channel traffic. The identifier (a JSON string naming the
//! channel and its params) is the topic and correlates a subscribe with its confirm or reject.

use std::borrow::Cow;

use super::json_scan::{Scan, Token};
use super::{Decoded, FrameInput, Kind, Message, Mismatch, Payload, Protocol, Reason, Role, Status};

const P: Protocol = Protocol::ActionCable;

pub fn decode<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    let text = input.as_text(P)?;
    let mut s = Scan::new(text.as_bytes());
    if s.peek() != Token::Object {
        return Err(Mismatch::at(P, Reason::NotAnObject, s.i));
    }
    let (mut command, mut ty, mut identifier, mut data, mut message) = (None, None, None, None, None);
    s.object(|k, v| {
        match k {
            "command" => command = Some(v.string()?),
            "type" => ty = Some(v.string()?),
            "identifier" => identifier = Some(v.string()?),
            "data" => data = Some(v.string()?),
            "message" => message = Some(v.skip()?),
            _ => {}
        }
        Ok(())
    })
    .map_err(|r| Mismatch::at(P, r, s.i))?;
    if !s.at_end() {
        return Err(Mismatch::at(P, Reason::TrailingData, s.i));
    }
    let msg = if let Some(command) = command {
        let identifier = identifier.ok_or(Mismatch::new(P, Reason::MissingField))?;
        let m = match command.as_ref() {
            "subscribe" => Message::new(Kind::Join).corr(identifier.clone(), Role::Request),
            "unsubscribe" => Message::new(Kind::Leave),
            "message" => {
                // `data` is itself JSON text; its `action` names the server method.
                let action = data.as_deref().and_then(|d| super::json_scan::path_as_str(d.as_bytes(), "action")).map(|a| Cow::Owned(a.into_owned()));
                let mut m = Message::new(Kind::Push);
                m.event = action;
                m
            }
            _ => return Err(Mismatch::new(P, Reason::UnknownType)),
        };
        let m = if m.event.is_none() { m.event(command) } else { m };
        m.topic(identifier)
    } else if let Some(ty) = ty {
        let m = match ty.as_ref() {
            "welcome" => Message::new(Kind::Control),
            "ping" => Message::new(Kind::Heartbeat),
            "confirm_subscription" => Message::new(Kind::Reply).status(Status::Ok),
            "reject_subscription" => Message::new(Kind::Reply).status(Status::Error),
            "disconnect" => Message::new(Kind::Close),
            _ => return Err(Mismatch::new(P, Reason::UnknownType)),
        };
        let mut m = m.event(ty);
        if let Some(id) = identifier {
            if m.kind == Kind::Reply {
                m = m.corr(id.clone(), Role::Reply);
            }
            m = m.topic(id);
        }
        // Without a `message`, the whole object is the payload: a disconnect's `reason` and
        // `reconnect` are what the user needs to see.
        m.payload(Payload::Json(message.unwrap_or(0..text.len())))
    } else if let (Some(id), Some(r)) = (identifier, message) {
        Message::new(Kind::Broadcast).topic(id).event("message").payload(Payload::Json(r))
    } else {
        return Err(Mismatch::new(P, Reason::MissingField));
    };
    Ok(Decoded::one(P, msg))
}
