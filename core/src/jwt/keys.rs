//! Reading verification keys as users paste them: a shared secret (UTF-8 or base64), a PEM block,
//! one JWK, or a JWKS document. Bad input yields findings, never a panic; a JWKS with one bad key
//! still yields the others.
//!
//! The input types ([`KeyInput`], [`SecretEncoding`]) are always here; reading keys
//! ([`parse_keys`], in `keys/parse.rs`) needs the `verify` feature (RSA and EC crates).

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[cfg(feature = "verify")]
mod parse;
#[cfg(feature = "verify")]
pub use parse::{parse_keys, Key, PublicKey};

/// How to read a shared secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretEncoding {
    /// The secret's UTF-8 bytes, as most libraries take it (`jwt.encode(claims, "secret")`).
    Utf8,
    /// Base64 (standard or URL alphabet), as some issuers store random secrets.
    Base64,
}

/// Key material as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "text")]
pub enum KeyInput {
    Secret { secret: String, encoding: SecretEncoding },
    Pem(String),
    Jwk(String),
    Jwks(String),
}

impl KeyInput {
    /// Guess the kind from pasted text: a PEM block, a JWKS (`{"keys": [...]}`), a JWK (`{"kty":
    /// ...}`), or else a UTF-8 secret.
    pub fn guess(text: &str) -> KeyInput {
        let t = text.trim();
        if t.starts_with("-----BEGIN") {
            return KeyInput::Pem(t.into());
        }
        if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(t) {
            if o.contains_key("keys") {
                return KeyInput::Jwks(t.into());
            }
            if o.contains_key("kty") {
                return KeyInput::Jwk(t.into());
            }
        }
        KeyInput::Secret { secret: text.into(), encoding: SecretEncoding::Utf8 }
    }
}
