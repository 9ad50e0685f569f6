//! JSON-RPC 2.0: requests (`method` + `id`), notifications (`method`, no `id`), responses
//! (`result` or `error` + `id`), and batches (arrays of these; one message each).

use super::json_scan::{Scan, Token};
use super::{Decoded, Direction, FrameInput, Kind, Message, Mismatch, Payload, Protocol, Reason, Role, Status};

const P: Protocol = Protocol::JsonRpc;

pub fn decode<'a>(input: &FrameInput<'a>) -> Result<Decoded<'a>, Mismatch> {
    let text = input.as_text(P)?;
    let b = text.as_bytes();
    let mut s = Scan::new(b);
    let mut messages = Vec::new();
    match s.peek() {
        Token::Object => messages.push(one(input.dir, &mut s)?),
        Token::Array => {
            s.eat(b'[');
            if s.eat(b']') {
                return Err(Mismatch::at(P, Reason::Empty, s.i));
            }
            loop {
                messages.push(one(input.dir, &mut s)?);
                if s.eat(b',') {
                    continue;
                }
                s.expect(b']').map_err(|r| Mismatch::at(P, r, s.i))?;
                break;
            }
        }
        _ => return Err(Mismatch::at(P, Reason::NotAnObject, s.i)),
    }
    if !s.at_end() {
        return Err(Mismatch::at(P, Reason::TrailingData, s.i));
    }
    let mut it = messages.into_iter();
    let first = it.next().ok_or(Mismatch::new(P, Reason::Empty))?;
    let mut d = Decoded::one(P, first);
    d.more = it.collect();
    Ok(d)
}

fn one<'a>(dir: Direction, s: &mut Scan<'a>) -> Result<Message<'a>, Mismatch> {
    let start = s.i;
    let (mut v2, mut method, mut id, mut has_id, mut result, mut error, mut params) = (false, None, None, false, None, None, None);
    s.object(|k, v| {
        match k {
            "jsonrpc" => v2 = v.string()? == "2.0",
            "method" => method = Some(v.string()?),
            "id" => {
                has_id = true;
                id = v.id_like()?;
            }
            "result" => result = Some(v.skip()?),
            "error" => error = Some(v.skip()?),
            "params" => params = Some(v.skip()?),
            _ => {}
        }
        Ok(())
    })
    .map_err(|r| Mismatch::at(P, r, s.i))?;
    if !v2 {
        return Err(Mismatch::at(P, Reason::NotJsonRpc2, start));
    }
    let m = if let Some(method) = method {
        let kind = if dir == Direction::Out { Kind::Push } else { Kind::Broadcast };
        let m = Message::new(kind).event(method).payload(params.map(Payload::Json).unwrap_or_default());
        match id {
            Some(id) => m.corr(id, Role::Request),
            None => m, // a notification: no reply expected
        }
    } else if result.is_some() || error.is_some() {
        if !has_id {
            return Err(Mismatch::at(P, Reason::MissingField, start));
        }
        let status = if error.is_some() { Status::Error } else { Status::Ok };
        let m = Message::new(Kind::Reply).status(status).payload(Payload::Json(error.or(result).unwrap_or_default()));
        match id {
            Some(id) => m.corr(id, Role::Reply),
            // `"id": null` answers a request whose id could not be read.
            None => Message { kind: Kind::Error, ..m },
        }
    } else {
        return Err(Mismatch::at(P, Reason::MissingField, start));
    };
    Ok(m)
}
