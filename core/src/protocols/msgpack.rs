//! MessagePack, hand-written (the full spec is small and a crate would cost wasm size).
//! [`parse`] builds a [`Value`] tree for display; [`decode`] labels a binary frame that is
//! exactly one MessagePack value, taking the topic and event from the configured key paths.
//! Nesting is bounded by [`MAX_DEPTH`] and declared lengths are checked against the remaining
//! bytes before anything is allocated, so hostile input cannot exhaust memory or the stack.

use std::borrow::Cow;

use super::typed_json::GenericJsonConfig;
use super::{Decoded, Direction, FrameInput, Kind, Message, Mismatch, Opcode, Payload, Protocol, Reason};

const P: Protocol = Protocol::MessagePack;
pub const MAX_DEPTH: usize = 64;

/// A MessagePack value, the tree the panel shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Nil,
    Bool(bool),
    /// Negative integers (and any signed encoding).
    Int(i64),
    UInt(u64),
    F32(f32),
    F64(f64),
    /// A str; invalid UTF-8 is replaced (the bytes are still in the frame).
    Str(String),
    Bin(Vec<u8>),
    Array(Vec<Value>),
    /// Keys can be any value in MessagePack, so this is a list of pairs, in wire order.
    Map(Vec<(Value, Value)>),
    /// Extension type (e.g. -1 is a timestamp) with its raw data.
    Ext(i8, Vec<u8>),
}

impl Value {
    /// A JSON rendering for display: bin and ext become `{"$bin": base64}` / `{"$ext": t, ...}`;
    /// non-string map keys are rendered as their JSON text.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Nil => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::UInt(u) => J::from(*u),
            Value::F32(f) => serde_json::Number::from_f64(*f as f64).map(J::Number).unwrap_or(J::Null),
            Value::F64(f) => serde_json::Number::from_f64(*f).map(J::Number).unwrap_or(J::Null),
            Value::Str(s) => J::String(s.clone()),
            Value::Bin(b) => serde_json::json!({ "$bin": super::base64::encode(b) }),
            Value::Array(a) => J::Array(a.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(
                m.iter()
                    .map(|(k, v)| {
                        let key = k.key_label();
                        (key, v.to_json())
                    })
                    .collect(),
            ),
            Value::Ext(t, d) => serde_json::json!({ "$ext": t, "data": super::base64::encode(d) }),
        }
    }

    /// A map key as a JSON object key. Container keys get a short label, not their rendering:
    /// rendering nested container keys as strings escapes them again at every level, which
    /// grows exponentially with depth (found by the protocols_msgpack fuzz target).
    pub fn key_label(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Nil => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            Value::F32(f) => f.to_string(),
            Value::F64(f) => f.to_string(),
            Value::Bin(b) => format!("$bin:{}", super::base64::encode(b)),
            Value::Array(a) => format!("<array of {}>", a.len()),
            Value::Map(m) => format!("<map of {}>", m.len()),
            Value::Ext(t, d) => format!("<ext {t}, {} bytes>", d.len()),
        }
    }

    /// The value at a dotted key path (string keys in maps, indices in arrays).
    pub fn get_path(&self, path: &str) -> Option<&Value> {
        let mut cur = self;
        for seg in path.split('.') {
            cur = match cur {
                Value::Map(m) => m.iter().find(|(k, _)| matches!(k, Value::Str(s) if s == seg)).map(|(_, v)| v)?,
                Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Scalars as text (for topics and events).
    pub fn as_label(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(i) => Some(i.to_string()),
            Value::UInt(u) => Some(u.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Why MessagePack did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    pub reason: Reason,
    pub at: usize,
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn err(&self, reason: Reason) -> ParseError {
        ParseError { reason, at: self.i }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        let end = self.i.checked_add(n).filter(|&e| e <= self.b.len()).ok_or(self.err(Reason::Truncated))?;
        let s = &self.b[self.i..end];
        self.i = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, ParseError> {
        Ok(self.take(1)?[0])
    }
    fn be(&mut self, n: usize) -> Result<u64, ParseError> {
        Ok(self.take(n)?.iter().fold(0u64, |a, &b| a << 8 | b as u64))
    }
    /// A declared element count, checked against the bytes left (each element needs >= 1 byte).
    fn count(&mut self, n: u64, per: usize) -> Result<usize, ParseError> {
        let left = (self.b.len() - self.i) as u64;
        if n.saturating_mul(per as u64) > left {
            return Err(self.err(Reason::Truncated));
        }
        Ok(n as usize)
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err(Reason::TooDeep));
        }
        let c = self.u8()?;
        Ok(match c {
            0x00..=0x7f => Value::UInt(c as u64),
            0x80..=0x8f => self.map((c & 0x0f) as u64, depth)?,
            0x90..=0x9f => self.array((c & 0x0f) as u64, depth)?,
            0xa0..=0xbf => self.str((c & 0x1f) as usize)?,
            0xc0 => Value::Nil,
            0xc1 => return Err(ParseError { reason: Reason::ReservedByte, at: self.i - 1 }),
            0xc2 => Value::Bool(false),
            0xc3 => Value::Bool(true),
            0xc4..=0xc6 => {
                let n = self.be(1 << (c - 0xc4))? as usize;
                Value::Bin(self.take(n)?.to_vec())
            }
            0xc7..=0xc9 => {
                let n = self.be(1 << (c - 0xc7))? as usize;
                let t = self.u8()? as i8;
                Value::Ext(t, self.take(n)?.to_vec())
            }
            0xca => Value::F32(f32::from_bits(self.be(4)? as u32)),
            0xcb => Value::F64(f64::from_bits(self.be(8)?)),
            0xcc..=0xcf => Value::UInt(self.be(1 << (c - 0xcc))?),
            0xd0 => Value::Int(self.be(1)? as u8 as i8 as i64),
            0xd1 => Value::Int(self.be(2)? as u16 as i16 as i64),
            0xd2 => Value::Int(self.be(4)? as u32 as i32 as i64),
            0xd3 => Value::Int(self.be(8)? as i64),
            0xd4..=0xd8 => {
                let t = self.u8()? as i8;
                Value::Ext(t, self.take(1 << (c - 0xd4))?.to_vec())
            }
            0xd9..=0xdb => {
                let n = self.be(1 << (c - 0xd9))? as usize;
                self.str(n)?
            }
            0xdc | 0xdd => {
                let n = self.be(if c == 0xdc { 2 } else { 4 })?;
                self.array(n, depth)?
            }
            0xde | 0xdf => {
                let n = self.be(if c == 0xde { 2 } else { 4 })?;
                self.map(n, depth)?
            }
            0xe0..=0xff => Value::Int(c as i8 as i64),
        })
    }
    fn str(&mut self, n: usize) -> Result<Value, ParseError> {
        Ok(Value::Str(String::from_utf8_lossy(self.take(n)?).into_owned()))
    }
    fn array(&mut self, n: u64, depth: usize) -> Result<Value, ParseError> {
        let n = self.count(n, 1)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.value(depth + 1)?);
        }
        Ok(Value::Array(v))
    }
    fn map(&mut self, n: u64, depth: usize) -> Result<Value, ParseError> {
        let n = self.count(n, 2)?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let k = self.value(depth + 1)?;
            let val = self.value(depth + 1)?;
            v.push((k, val));
        }
        Ok(Value::Map(v))
    }
}

/// Parse exactly one MessagePack value.
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    if bytes.is_empty() {
        return Err(ParseError { reason: Reason::Empty, at: 0 });
    }
    let mut r = Reader { b: bytes, i: 0 };
    let v = r.value(0)?;
    if r.i != bytes.len() {
        return Err(r.err(Reason::TrailingData));
    }
    Ok(v)
}

/// Label a binary frame that holds one MessagePack value. Scalars alone are not accepted: any
/// byte is a valid positive fixint, so only maps and arrays are evidence of MessagePack.
pub fn decode<'a>(input: &FrameInput<'a>, cfg: &GenericJsonConfig) -> Result<Decoded<'a>, Mismatch> {
    if input.op != Opcode::Binary {
        return Err(Mismatch::new(P, Reason::WrongOpcode));
    }
    let v = parse(input.bytes).map_err(|e| Mismatch::at(P, e.reason, e.at))?;
    if !matches!(v, Value::Map(_) | Value::Array(_)) {
        return Err(Mismatch::new(P, Reason::UnknownType));
    }
    let kind = if input.dir == Direction::Out { Kind::Push } else { Kind::Broadcast };
    let mut m = Message::new(kind).payload(Payload::MessagePack);
    let label = |path: &Option<String>| path.as_deref().and_then(|p| v.get_path(p)).and_then(Value::as_label).map(Cow::Owned);
    m.topic = label(&cfg.topic_path);
    m.event = label(&cfg.event_path);
    Ok(Decoded::one(P, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_lengths_cannot_allocate_past_the_input() {
        // array32 claiming 4 billion elements in 5 bytes.
        assert_eq!(parse(&[0xdd, 0xff, 0xff, 0xff, 0xff]).unwrap_err().reason, Reason::Truncated);
        assert_eq!(parse(&[0xc1]).unwrap_err().reason, Reason::ReservedByte);
        let deep = vec![0x91u8; 10_000];
        assert_eq!(parse(&deep).unwrap_err().reason, Reason::TooDeep);
    }

    #[test]
    fn nested_container_keys_render_in_linear_time() {
        // 60 levels of {<map>: ...} as keys: exponential if keys were rendered recursively.
        let mut bytes = vec![0x81u8; 60];
        bytes.push(0xc0);
        bytes.extend(std::iter::repeat_n(0xc0, 60));
        let v = parse(&bytes).unwrap();
        assert!(v.to_json().to_string().len() < 10_000);
    }

    #[test]
    fn all_integer_widths() {
        assert_eq!(parse(&[0xd0, 0xfb]).unwrap(), Value::Int(-5));
        assert_eq!(parse(&[0xfb]).unwrap(), Value::Int(-5));
        assert_eq!(parse(&[0xcd, 0x01, 0x2c]).unwrap(), Value::UInt(300));
        assert_eq!(parse(&[0xcf, 0, 0, 0, 1, 0x2a, 0x05, 0xf2, 0]).unwrap(), Value::UInt(5_000_000_000));
    }
}
