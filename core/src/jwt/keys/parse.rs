//! Reading key material into usable keys (feature `verify`).

use super::{KeyInput, SecretEncoding};
use crate::jwt::b64::{self, Alphabet};
use crate::jwt::finding::{Finding, FindingCode};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value};

/// A public (or shared) key, ready to verify with.
#[derive(Debug, Clone)]
pub enum PublicKey {
    Hmac(Vec<u8>),
    Rsa(RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    pub fn kind(&self) -> &'static str {
        match self {
            PublicKey::Hmac(_) => "an HMAC secret",
            PublicKey::Rsa(_) => "an RSA public key",
            PublicKey::P256(_) => "a P-256 public key",
            PublicKey::P384(_) => "a P-384 public key",
        }
    }
}

/// One usable key.
#[derive(Debug, Clone)]
pub struct Key {
    /// From the JWK, when there was one.
    pub kid: Option<String>,
    /// The JWK's `alg`, when present.
    pub alg: Option<String>,
    pub key: PublicKey,
    /// For messages: "JWKS key 2 (kid \"k2\")", "PEM public key".
    pub label: String,
}

/// Read every usable key in `input`, plus findings for what could not be read.
pub fn parse_keys(input: &KeyInput) -> (Vec<Key>, Vec<Finding>) {
    let mut findings = Vec::new();
    let keys = match input {
        KeyInput::Secret { secret, encoding } => match secret_bytes(secret, *encoding) {
            Ok(bytes) => {
                if bytes.is_empty() {
                    findings.push(Finding::error(FindingCode::BadKey, "the secret is empty; paste the server's signing secret."));
                    vec![]
                } else {
                    vec![Key { kid: None, alg: None, key: PublicKey::Hmac(bytes), label: "the secret".into() }]
                }
            }
            Err(f) => {
                findings.push(f);
                vec![]
            }
        },
        KeyInput::Pem(text) => match parse_pem(text) {
            Ok((key, from_private)) => {
                if from_private {
                    findings.push(Finding::warning(
                        FindingCode::PrivateKeyGiven,
                        "a private key was pasted; only its public half was used. Verification needs only the \
                         public key: avoid pasting private keys into tools.",
                    ));
                }
                vec![Key { kid: None, alg: None, key, label: "the PEM key".into() }]
            }
            Err(f) => {
                findings.push(f);
                vec![]
            }
        },
        KeyInput::Jwk(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(o)) => match parse_jwk(&o, "the JWK".into()) {
                Ok(k) => vec![k],
                Err(f) => {
                    findings.push(f);
                    vec![]
                }
            },
            _ => {
                findings.push(Finding::error(FindingCode::BadKey, "the JWK is not a JSON object; paste one key like {\"kty\": \"RSA\", \"n\": ..., \"e\": ...}."));
                vec![]
            }
        },
        KeyInput::Jwks(text) => {
            let keys = serde_json::from_str::<Value>(text)
                .ok()
                .and_then(|v| v.get("keys").and_then(Value::as_array).cloned());
            match keys {
                None => {
                    findings.push(Finding::error(FindingCode::BadKey, "the JWKS is not a JSON object with a `keys` array; paste the whole document served at the issuer's jwks_uri."));
                    vec![]
                }
                Some(list) => list
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| {
                        let kid = v.get("kid").and_then(Value::as_str);
                        let label = match kid {
                            Some(k) => format!("JWKS key {i} (kid \"{k}\")"),
                            None => format!("JWKS key {i}"),
                        };
                        let parsed = match v.as_object() {
                            Some(o) => parse_jwk(o, label.clone()),
                            None => Err(Finding::error(FindingCode::BadKey, format!("{label} is not an object; it was skipped."))),
                        };
                        parsed.map_err(|f| findings.push(f)).ok()
                    })
                    .collect(),
            }
        }
    };
    (keys, findings)
}

fn secret_bytes(secret: &str, encoding: SecretEncoding) -> Result<Vec<u8>, Finding> {
    match encoding {
        SecretEncoding::Utf8 => Ok(secret.as_bytes().to_vec()),
        SecretEncoding::Base64 => b64::decode(secret.trim(), Alphabet::Either).map(|d| d.bytes).map_err(|e| {
            Finding::error(
                FindingCode::BadKey,
                format!("the secret is not base64 ({}); if it is a plain password, choose UTF-8 instead.", describe_b64(e)),
            )
        }),
    }
}

fn describe_b64(e: b64::B64Error) -> String {
    match e {
        b64::B64Error::InvalidByte { offset, byte } => format!("byte 0x{byte:02x} at offset {offset}"),
        b64::B64Error::Truncated { len } => format!("{len} characters cannot be whole base64"),
    }
}

fn parse_pem(text: &str) -> Result<(PublicKey, bool), Finding> {
    let text = text.trim();
    let label = text
        .strip_prefix("-----BEGIN ")
        .and_then(|r| r.split_once("-----"))
        .map(|(l, _)| l.trim().to_string())
        .unwrap_or_default();
    let bad = |what: &str| {
        Finding::error(FindingCode::BadKey, format!("the PEM block ({label}) could not be read as {what}; check that it was copied whole, including the BEGIN and END lines."))
    };
    match label.as_str() {
        "PUBLIC KEY" => {
            if let Ok(k) = RsaPublicKey::from_public_key_pem(text) {
                return Ok((PublicKey::Rsa(k), false));
            }
            if let Ok(k) = <p256::ecdsa::VerifyingKey as p256::pkcs8::DecodePublicKey>::from_public_key_pem(text) {
                return Ok((PublicKey::P256(k), false));
            }
            if let Ok(k) = <p384::ecdsa::VerifyingKey as p384::pkcs8::DecodePublicKey>::from_public_key_pem(text) {
                return Ok((PublicKey::P384(k), false));
            }
            Err(bad("an RSA, P-256 or P-384 public key (other curves and Ed25519 are not supported)"))
        }
        "RSA PUBLIC KEY" => RsaPublicKey::from_pkcs1_pem(text).map(|k| (PublicKey::Rsa(k), false)).map_err(|_| bad("a PKCS#1 RSA public key")),
        "PRIVATE KEY" => {
            if let Ok(k) = RsaPrivateKey::from_pkcs8_pem(text) {
                return Ok((PublicKey::Rsa(k.to_public_key()), true));
            }
            if let Ok(k) = <p256::SecretKey as p256::pkcs8::DecodePrivateKey>::from_pkcs8_pem(text) {
                return Ok((PublicKey::P256(k.public_key().into()), true));
            }
            if let Ok(k) = <p384::SecretKey as p384::pkcs8::DecodePrivateKey>::from_pkcs8_pem(text) {
                return Ok((PublicKey::P384(k.public_key().into()), true));
            }
            Err(bad("an RSA, P-256 or P-384 private key"))
        }
        "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_pem(text).map(|k| (PublicKey::Rsa(k.to_public_key()), true)).map_err(|_| bad("a PKCS#1 RSA private key")),
        "EC PRIVATE KEY" => {
            if let Ok(k) = p256::SecretKey::from_sec1_pem(text) {
                return Ok((PublicKey::P256(k.public_key().into()), true));
            }
            if let Ok(k) = p384::SecretKey::from_sec1_pem(text) {
                return Ok((PublicKey::P384(k.public_key().into()), true));
            }
            Err(bad("a P-256 or P-384 private key"))
        }
        "CERTIFICATE" => Err(Finding::error(
            FindingCode::BadKey,
            "this is a certificate, not a key; extract its public key with `openssl x509 -in cert.pem -pubkey -noout` and paste that.",
        )),
        "" => Err(Finding::error(FindingCode::BadKey, "the PEM text has no `-----BEGIN ...-----` line; paste the whole block.")),
        other => Err(Finding::error(FindingCode::BadKey, format!("a PEM block of type \"{other}\" is not a key Socketscope can use; paste a PUBLIC KEY block."))),
    }
}

fn b64_field(o: &Map<String, Value>, name: &str, label: &str) -> Result<Vec<u8>, Finding> {
    let s = o.get(name).and_then(Value::as_str).ok_or_else(|| {
        Finding::error(FindingCode::BadKey, format!("{label} has no `{name}` string; it was skipped."))
    })?;
    b64::decode(s, Alphabet::Either).map(|d| d.bytes).map_err(|e| {
        Finding::error(FindingCode::BadKey, format!("{label}: `{name}` is not base64url ({}); it was skipped.", describe_b64(e)))
    })
}

fn parse_jwk(o: &Map<String, Value>, label: String) -> Result<Key, Finding> {
    let kid = o.get("kid").and_then(Value::as_str).map(String::from);
    let alg = o.get("alg").and_then(Value::as_str).map(String::from);
    let kty = o.get("kty").and_then(Value::as_str).unwrap_or("");
    let key = match kty {
        "RSA" => {
            let n = BigUint::from_bytes_be(&b64_field(o, "n", &label)?);
            let e = BigUint::from_bytes_be(&b64_field(o, "e", &label)?);
            PublicKey::Rsa(RsaPublicKey::new(n, e).map_err(|err| {
                Finding::error(FindingCode::BadKey, format!("{label} is not a usable RSA key ({err}); it was skipped."))
            })?)
        }
        "EC" => {
            let crv = o.get("crv").and_then(Value::as_str).unwrap_or("");
            let mut point = vec![0x04];
            point.extend(b64_field(o, "x", &label)?);
            point.extend(b64_field(o, "y", &label)?);
            let bad = |_| Finding::error(FindingCode::BadKey, format!("{label}: x and y are not a point on {crv}; it was skipped."));
            match crv {
                "P-256" => PublicKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(bad)?),
                "P-384" => PublicKey::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(bad)?),
                other => {
                    return Err(Finding::error(
                        FindingCode::BadKey,
                        format!("{label} is on curve \"{other}\"; Socketscope verifies P-256 (ES256) and P-384 (ES384) only."),
                    ))
                }
            }
        }
        "oct" => PublicKey::Hmac(b64_field(o, "k", &label)?),
        other => {
            return Err(Finding::error(
                FindingCode::BadKey,
                format!("{label} has kty \"{other}\"; Socketscope verifies RSA, EC (P-256, P-384) and oct keys. It was skipped."),
            ))
        }
    };
    Ok(Key { kid, alg, key, label })
}
