//! Finding tokens where WebSocket clients put them: URL query values, subprotocols, and anywhere
//! in JSON payloads (`connect_document {token}`, `phx_join {access_token}`, graphql-ws
//! `connection_init` payloads, ActionCable identifiers that are JSON inside a string).

use super::b64::{self, Alphabet};
use super::decode::strip_bearer;
use serde::Serialize;
use serde_json::Value;

/// How a subprotocol carried the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubprotocolForm {
    /// phoenix.js's `base64url.bearer.phx.<base64url of the token>`.
    PhoenixBearer,
    /// Another `base64url.bearer.<name>.<base64url of the token>` (e.g. Kubernetes').
    Base64Bearer { prefix: String },
    /// `["bearer", <jwt>]`: a `bearer` entry followed by the token as its own subprotocol.
    BearerPair,
    /// The token itself as a subprotocol.
    Raw,
}

/// Where a token was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "in")]
pub enum TokenLocation {
    /// The value of query parameter `param` in the socket URL.
    UrlQuery { param: String },
    /// Entry `index` of the requested subprotocols.
    Subprotocol { index: usize, form: SubprotocolForm },
    /// A string inside a JSON payload, at `path` (`$.payload.token`, `$[4].access_token`; a
    /// JSON document inside a string shows as `$.identifier<json>.token`).
    Json { path: String },
    /// Byte `offset` of a payload that is not JSON.
    Text { offset: usize },
}

/// A token and where it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundToken {
    pub token: String,
    pub location: TokenLocation,
}

fn is_b64url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// True when `s` has the shape of a JWS: three base64url parts, the first decoding to a JSON
/// object (headers always start with `{`, i.e. `eyJ`). Cheap enough to run on every string of
/// every payload; it never decodes more than the header.
pub fn looks_like_jwt(s: &str) -> bool {
    let s = s.trim();
    if !s.starts_with("eyJ") || s.len() < 10 {
        return false;
    }
    let mut parts = s.split('.');
    let (Some(h), Some(c), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let all_b64 = |p: &str| p.bytes().all(is_b64url_byte);
    if h.is_empty() || c.is_empty() || !all_b64(h) || !all_b64(c) || !all_b64(sig) {
        return false;
    }
    match b64::decode(h, Alphabet::Url) {
        Ok(d) => serde_json::from_slice::<Value>(&d.bytes).map(|v| v.is_object()).unwrap_or(false),
        Err(_) => false,
    }
}

/// The token in `s` if `s` is one, possibly behind `Bearer `.
fn token_in(s: &str) -> Option<String> {
    let t = strip_bearer(s.trim());
    looks_like_jwt(t).then(|| t.to_string())
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Tokens in the query values of a socket URL.
pub fn find_in_url(url: &str) -> Vec<FoundToken> {
    let Some((_, rest)) = url.split_once('?') else { return Vec::new() };
    let query = rest.split('#').next().unwrap_or("");
    query
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let token = token_in(&percent_decode(v))?;
            Some(FoundToken { token, location: TokenLocation::UrlQuery { param: percent_decode(k) } })
        })
        .collect()
}

/// Tokens in the requested subprotocols.
pub fn find_in_subprotocols(protocols: &[String]) -> Vec<FoundToken> {
    let mut out = Vec::new();
    for (index, p) in protocols.iter().enumerate() {
        let p = p.trim();
        if let Some(rest) = p.strip_prefix("base64url.bearer.") {
            // The encoded token is the last dot-separated label: base64url has no dots.
            let (name, encoded) = rest.rsplit_once('.').unwrap_or(("", rest));
            let Ok(d) = b64::decode(encoded, Alphabet::Either) else { continue };
            let Some(token) = std::str::from_utf8(&d.bytes).ok().and_then(token_in) else { continue };
            let form = if name == "phx" {
                SubprotocolForm::PhoenixBearer
            } else {
                SubprotocolForm::Base64Bearer { prefix: format!("base64url.bearer.{name}.") }
            };
            out.push(FoundToken { token, location: TokenLocation::Subprotocol { index, form } });
        } else if let Some(token) = token_in(p) {
            let after_bearer = index > 0 && protocols[index - 1].trim().eq_ignore_ascii_case("bearer");
            let form = if after_bearer { SubprotocolForm::BearerPair } else { SubprotocolForm::Raw };
            out.push(FoundToken { token, location: TokenLocation::Subprotocol { index, form } });
        }
    }
    out
}

fn push_key(path: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !key.as_bytes()[0].is_ascii_digit();
    if simple {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

/// How deep JSON-inside-a-string may nest before the walk stops (guards against pathological
/// payloads; real ones nest once, as ActionCable's identifier does).
const MAX_EMBEDDED_DEPTH: usize = 4;

fn walk(v: &Value, path: String, embedded: usize, out: &mut Vec<FoundToken>) {
    match v {
        Value::String(s) => {
            if let Some(token) = token_in(s) {
                out.push(FoundToken { token, location: TokenLocation::Json { path } });
            } else if embedded < MAX_EMBEDDED_DEPTH && s.trim_start().starts_with(['{', '[']) {
                if let Ok(inner) = serde_json::from_str::<Value>(s) {
                    walk(&inner, format!("{path}<json>"), embedded + 1, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, format!("{path}[{i}]"), embedded, out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                walk(item, push_key(&path, k), embedded, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Tokens anywhere in a JSON value, with their paths (`$` is the root).
pub fn find_in_json(value: &Value) -> Vec<FoundToken> {
    let mut out = Vec::new();
    walk(value, "$".into(), 0, &mut out);
    out
}

/// Tokens in a text payload: walks it as JSON when it parses, otherwise scans the text for
/// JWT-shaped runs (`eyJ...`), e.g. in STOMP headers or a SignalR record.
pub fn find_in_text(text: &str) -> Vec<FoundToken> {
    let trimmed = text.trim_end_matches('\u{1e}');
    if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
        return find_in_json(&v);
    }
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text.get(i..).and_then(|t| t.find("eyJ")) {
        let start = i + pos;
        let mut end = start;
        while end < bytes.len() && (is_b64url_byte(bytes[end]) || bytes[end] == b'.') {
            end += 1;
        }
        let candidate = &text[start..end];
        if looks_like_jwt(candidate) {
            out.push(FoundToken { token: candidate.to_string(), location: TokenLocation::Text { offset: start } });
        }
        i = end.max(start + 3);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_handles_truncated_escapes() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("a%41"), "aA");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn json_paths_quote_odd_keys() {
        assert_eq!(push_key("$", "token"), "$.token");
        assert_eq!(push_key("$", "x-token"), "$[\"x-token\"]");
        assert_eq!(push_key("$", "0a"), "$[\"0a\"]");
    }
}
