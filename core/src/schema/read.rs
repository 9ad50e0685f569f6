//! Reading events off the wire by hand, from a parsed `serde_json::Value`.
//!
//! Why not `#[derive(Deserialize)]`: an internally tagged enum behind `#[serde(flatten)]` makes serde
//! buffer every event and instantiate a visitor per deserializer. In the panel's wasm that was
//! 61 KB (18 KB gzipped) of the startup size; this reader is a fraction of it. It keeps serde's
//! rules: unknown fields are ignored, `#[serde(default)]` fields may be missing, `Option`s may be
//! null, numbers must fit their type, and an unknown `type` is an error.

use super::{Event, Sequenced};
use crate::json::{bool_of as boolean, invalid, kind, named_of, object, opt_string_of as opt_string, required, string_of as string, u64_of, Obj};
use serde_json::Value;

/// One event object with its `seq`.
pub(super) fn sequenced(value: &Value) -> Result<Sequenced, String> {
    let o = object(value, "an event object")?;
    Ok(Sequenced {
        seq: u64_of(o, "seq")?,
        event: event_of(o)?,
    })
}

/// One event object (its `seq`, if any, is ignored).
pub(super) fn event(value: &Value) -> Result<Event, String> {
    event_of(object(value, "an event object")?)
}

fn event_of(o: &Obj) -> Result<Event, String> {
    let ty = o.get("type").ok_or("missing field `type`")?;
    let ty = ty
        .as_str()
        .ok_or_else(|| format!("invalid type for `type`: {}, expected a string", kind(ty)))?;
    Ok(match ty {
        "page" => Event::Page {
            t: t(o)?,
            url: string(o, "url")?,
        },
        "socket" => Event::Socket {
            id: string(o, "id")?,
            t: t(o)?,
            url: string(o, "url")?,
            protocols: match o.get("protocols") {
                None => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|p| {
                        p.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| invalid("protocols", p, "a string"))
                    })
                    .collect::<Result<_, _>>()?,
                Some(v) => return Err(invalid("protocols", v, "a list of strings")),
            },
            stack: string_or_default(o, "stack")?,
            frame: string_or_default(o, "frame")?,
        },
        "state" => Event::State {
            id: string(o, "id")?,
            t: t(o)?,
            state: named_of(o, "state")?,
            protocol: opt_string(o, "protocol")?,
            extensions: opt_string(o, "extensions")?,
        },
        "frame" => Event::Frame {
            id: string(o, "id")?,
            t: t(o)?,
            dir: named_of(o, "dir")?,
            op: named_of(o, "op")?,
            size: u64_of(o, "size")?,
            data: string(o, "data")?,
            truncated: o.contains_key("truncated") && boolean(o, "truncated")?,
        },
        "close_call" => Event::CloseCall {
            id: string(o, "id")?,
            t: t(o)?,
            by: named_of(o, "by")?,
            code: opt_code(o, "code")?,
            reason: opt_string(o, "reason")?,
        },
        "close" => Event::Close {
            id: string(o, "id")?,
            t: t(o)?,
            code: opt_code(o, "code")?.ok_or("missing field `code`")?,
            reason: string_or_default(o, "reason")?,
            was_clean: boolean(o, "was_clean")?,
            initiator: named_of(o, "initiator")?,
        },
        "error" => Event::Error {
            id: string(o, "id")?,
            t: t(o)?,
        },
        "send_error" => Event::SendError {
            id: string(o, "id")?,
            t: t(o)?,
            name: string(o, "name")?,
            message: string(o, "message")?,
        },
        "handshake" => Event::Handshake {
            t: t(o)?,
            url: string(o, "url")?,
            status: opt_code(o, "status")?,
            error: opt_string(o, "error")?,
        },
        "dropped" => Event::Dropped {
            t: t(o)?,
            frames: u64_of(o, "frames")?,
            bytes: u64_of(o, "bytes")?,
        },
        other => return Err(format!("unknown event type `{other}`")),
    })
}

fn t(o: &Obj) -> Result<f64, String> {
    let v = required(o, "t")?;
    v.as_f64().ok_or_else(|| invalid("t", v, "a number"))
}

fn string_or_default(o: &Obj, field: &str) -> Result<String, String> {
    if o.contains_key(field) {
        string(o, field)
    } else {
        Ok(String::new())
    }
}

/// A close code or HTTP status: absent or null is `None`, anything else must fit in 0..=65535.
fn opt_code(o: &Obj, field: &str) -> Result<Option<u16>, String> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| invalid(field, v, "a whole number from 0 to 65535")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Direction, Initiator, Opcode, ReadyState};
    use serde_json::json;

    #[test]
    fn serde_rules_hold() {
        // Defaults, nulls, ignored extra fields.
        let e =
            event(&json!({"type":"socket","id":"p:1","t":1,"url":"ws://x/","extra":true})).unwrap();
        assert_eq!(
            e,
            Event::Socket {
                id: "p:1".into(),
                t: 1.0,
                url: "ws://x/".into(),
                protocols: vec![],
                stack: String::new(),
                frame: String::new()
            }
        );
        let e = event(&json!({"type":"state","id":"p:1","t":2.5,"state":"OPEN","protocol":null}))
            .unwrap();
        assert!(matches!(
            e,
            Event::State {
                state: ReadyState::Open,
                protocol: None,
                ..
            }
        ));
        // Errors name the field.
        let err = event(&json!({"type":"frame","id":"p:1","t":1,"dir":"sideways","op":"text","size":1,"data":"a"})).unwrap_err();
        assert!(err.contains("`dir`") && err.contains("sideways"), "{err}");
        assert_eq!(event(&json!({"type":"frame","id":"p:1","t":1,"dir":"in","op":"text","size":-1,"data":"a"})).unwrap_err(), "invalid type for `size`: a number, expected a whole number from 0");
        assert_eq!(event(&json!({"type":"close","id":"p:1","t":1,"code":70000,"was_clean":true,"initiator":"server"})).unwrap_err(), "invalid type for `code`: a number, expected a whole number from 0 to 65535");
        assert_eq!(
            event(&json!({"type":"teleport","t":1})).unwrap_err(),
            "unknown event type `teleport`"
        );
        assert_eq!(event(&json!({"t":1})).unwrap_err(), "missing field `type`");
        assert_eq!(
            event(&json!({"type":"error","id":"p:1"})).unwrap_err(),
            "missing field `t`"
        );
        assert_eq!(
            sequenced(&json!([1])).unwrap_err(),
            "invalid type: a list, expected an event object"
        );
        assert_eq!(
            event(&json!({"type":"page","t":1,"url":null})).unwrap_err(),
            "invalid type for `url`: null, expected a string"
        );
    }

    /// Whatever `Serialize` writes, this reader reads back the same: one variant of each kind.
    #[test]
    fn round_trips_every_variant() {
        let id = || "p:1".to_string();
        let all = vec![
            Event::Page {
                t: 1.0,
                url: "https://x/".into(),
            },
            Event::Socket {
                id: id(),
                t: 1.5,
                url: "ws://x/?token=a".into(),
                protocols: vec!["v1".into()],
                stack: "at f".into(),
                frame: "https://x/".into(),
            },
            Event::State {
                id: id(),
                t: 2.0,
                state: ReadyState::Open,
                protocol: Some("v1".into()),
                extensions: Some("permessage-deflate".into()),
            },
            Event::State {
                id: id(),
                t: 2.0,
                state: ReadyState::Closing,
                protocol: None,
                extensions: None,
            },
            Event::Frame {
                id: id(),
                t: 3.0,
                dir: Direction::In,
                op: Opcode::Binary,
                size: 70_000,
                data: "AAEC".into(),
                truncated: true,
            },
            Event::CloseCall {
                id: id(),
                t: 4.0,
                by: Initiator::Panel,
                code: Some(4001),
                reason: Some("test".into()),
            },
            Event::CloseCall {
                id: id(),
                t: 4.0,
                by: Initiator::Page,
                code: None,
                reason: None,
            },
            Event::Close {
                id: id(),
                t: 5.0,
                code: 1006,
                reason: String::new(),
                was_clean: false,
                initiator: Initiator::Server,
            },
            Event::Error { id: id(), t: 5.0 },
            Event::SendError {
                id: id(),
                t: 5.0,
                name: "InvalidStateError".into(),
                message: "Still in CONNECTING state.".into(),
            },
            Event::Handshake {
                t: 0.5,
                url: "ws://x/".into(),
                status: Some(403),
                error: None,
            },
            Event::Handshake {
                t: 0.5,
                url: "ws://x/".into(),
                status: None,
                error: Some("net::ERR_CONNECTION_REFUSED".into()),
            },
            Event::Dropped {
                t: 6.0,
                frames: 30,
                bytes: 3072,
            },
        ];
        for (i, event) in all.into_iter().enumerate() {
            let s = Sequenced {
                seq: i as u64 + 1,
                event,
            };
            let v = serde_json::to_value(&s).unwrap();
            assert_eq!(sequenced(&v).unwrap(), s, "{v}");
        }
    }
}
