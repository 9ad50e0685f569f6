//! Decoding a token's header and claims without verifying anything.
//!
//! Each part is decoded on its own, so a token with a broken signature still shows its claims and
//! a token with broken claims still shows its header. Every problem is a [`Finding`] naming the
//! part and, for base64, the offset (within the part and within the whole token).

use super::b64::{self, Alphabet, B64Error};
use super::finding::{Finding, FindingCode};
use serde::Serialize;
use serde_json::{Map, Value};

/// The three parts of a JWS compact serialisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    Header,
    Claims,
    Signature,
}

impl Part {
    /// 1-based position, as people count parts.
    pub fn number(self) -> usize {
        match self {
            Part::Header => 1,
            Part::Claims => 2,
            Part::Signature => 3,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Part::Header => "header",
            Part::Claims => "claims",
            Part::Signature => "signature",
        }
    }
}

/// What could be decoded, plus what went wrong.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Decoded {
    /// Number of dot-separated parts found.
    pub part_count: usize,
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
    /// Raw signature bytes, when the third part is valid base64url.
    #[serde(skip)]
    pub signature: Option<Vec<u8>>,
    pub findings: Vec<Finding>,
}

impl Decoded {
    /// The header's `alg`, if it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.as_ref()?.get("alg")?.as_str()
    }
    /// The header's `kid`, if it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.as_ref()?.get("kid")?.as_str()
    }
}

/// Decode `token` (surrounding whitespace and a `Bearer ` prefix are ignored).
pub fn decode(token: &str) -> Decoded {
    let token = strip_bearer(token.trim());
    let parts: Vec<&str> = token.split('.').collect();
    let mut out = Decoded { part_count: parts.len(), ..Decoded::default() };
    if parts.len() != 3 {
        let hint = match parts.len() {
            5 => " It has 5 parts, so it is probably an encrypted JWE: it can't be read without the \
                  decryption key.",
            1 => " It has no dots at all: it is not a JWT (perhaps an opaque session token).",
            _ => " Check that the whole token was copied, and nothing else.",
        };
        out.findings.push(Finding::error(
            FindingCode::WrongPartCount,
            format!("the token has {} dot-separated parts, a JWT has 3 (header.claims.signature).{hint}", parts.len()),
        ));
    }
    // Byte offset of each part in the token, for messages.
    let mut starts = Vec::with_capacity(parts.len());
    let mut at = 0;
    for p in &parts {
        starts.push(at);
        at += p.len() + 1;
    }
    if let Some(h) = parts.first() {
        out.header = decode_json_part(Part::Header, h, starts[0], &mut out.findings);
    }
    if let Some(c) = parts.get(1) {
        out.claims = decode_json_part(Part::Claims, c, starts[1], &mut out.findings);
    }
    if parts.len() >= 3 {
        let s = parts[2];
        if s.is_empty() {
            out.signature = Some(Vec::new());
            out.findings.push(Finding::warning(
                FindingCode::EmptySignature,
                "the signature (part 3) is empty: this is an unsecured token that any server must reject \
                 unless it accepts alg none. Sign it on the server.",
            ));
        } else {
            out.signature = decode_b64_part(Part::Signature, s, starts[2], &mut out.findings);
        }
    }
    out
}

/// Strip a leading `Bearer ` (any case), as found in headers and query values.
pub fn strip_bearer(s: &str) -> &str {
    match s.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => s[7..].trim_start(),
        _ => s,
    }
}

fn decode_b64_part(part: Part, text: &str, start: usize, findings: &mut Vec<Finding>) -> Option<Vec<u8>> {
    let (n, name) = (part.number(), part.name());
    if text.is_empty() {
        findings.push(Finding::error(
            FindingCode::BadBase64,
            format!("part {n} ({name}) is empty; the token was probably cut or built wrongly"),
        ));
        return None;
    }
    match b64::decode(text, Alphabet::Either) {
        Ok(d) => {
            if d.padded {
                findings.push(Finding::warning(
                    FindingCode::NonCanonicalBase64,
                    format!("part {n} ({name}) ends with '=' padding, which JWTs must not have; strict servers \
                             reject it. Encode with base64url without padding."),
                ));
            }
            if let Some(off) = d.mixed_alphabet_at {
                findings.push(Finding::warning(
                    FindingCode::NonCanonicalBase64,
                    format!("part {n} ({name}) uses standard base64 ('+' or '/') at offset {off} (token offset {}); \
                             JWTs use base64url ('-' and '_'). Strict servers reject it.", start + off),
                ));
            }
            Some(d.bytes)
        }
        Err(B64Error::InvalidByte { offset, byte }) => {
            let shown = if byte.is_ascii_graphic() { format!("'{}'", byte as char) } else { format!("byte 0x{byte:02x}") };
            findings.push(Finding::error(
                FindingCode::BadBase64,
                format!("part {n} ({name}) is not base64url: {shown} at offset {offset} (token offset {}). \
                         The token was probably altered, URL-encoded or joined with other text.", start + offset),
            ));
            None
        }
        Err(B64Error::Truncated { len }) => {
            findings.push(Finding::error(
                FindingCode::BadBase64,
                format!("part {n} ({name}) has {len} characters, which can't be valid base64url (one character \
                         too many or too few): the token was cut. Copy it again in full."),
            ));
            None
        }
    }
}

fn decode_json_part(
    part: Part,
    text: &str,
    start: usize,
    findings: &mut Vec<Finding>,
) -> Option<Map<String, Value>> {
    let bytes = decode_b64_part(part, text, start, findings)?;
    let (n, name) = (part.number(), part.name());
    let s = match std::str::from_utf8(&bytes) {
        Ok(s) => s,
        Err(e) => {
            findings.push(Finding::error(
                FindingCode::NotUtf8,
                format!("part {n} ({name}) decodes to bytes that are not UTF-8 (at decoded byte {}); it is \
                         not JSON, so this is not a JWT part.", e.valid_up_to()),
            ));
            return None;
        }
    };
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Object(m)) => Some(m),
        Ok(other) => {
            findings.push(Finding::error(
                FindingCode::NotAnObject,
                format!("part {n} ({name}) is JSON but a {}, not an object; a JWT {name} must be a JSON object.",
                    kind_of(&other)),
            ));
            None
        }
        Err(e) => {
            findings.push(Finding::error(
                FindingCode::NotJson,
                format!("part {n} ({name}) decodes to text that is not JSON (line {}, column {}: {}). The \
                         issuer wrote it wrongly, or this is not a JWT.", e.line(), e.column(), e),
            ));
            None
        }
    }
}

/// "string", "array", ... for messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
