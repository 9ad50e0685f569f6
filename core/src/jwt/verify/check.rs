//! Signature and time checks (feature `verify`).

use super::{Alg, Outcome, Verification, VerifyOptions};
use crate::jwt::b64::{self, Alphabet};
use crate::jwt::decode;
use crate::jwt::finding::{Finding, FindingCode};
use crate::jwt::keys::{parse_keys, Key, KeyInput, PublicKey};
use crate::jwt::times::{human_duration, format_utc};
use jsonwebtoken_rustcrypto::{crypto, Algorithm, DecodingKey};

/// What kind of key an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Hmac,
    Rsa,
    P256,
    P384,
}

impl Alg {
    fn family(&self) -> Option<Family> {
        Some(match self {
            Alg::HS256 | Alg::HS384 | Alg::HS512 => Family::Hmac,
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => Family::Rsa,
            Alg::ES256 => Family::P256,
            Alg::ES384 => Family::P384,
            Alg::None | Alg::Other(_) => return None,
        })
    }

    fn jsonwebtoken(&self) -> Option<Algorithm> {
        Some(match self {
            Alg::HS256 => Algorithm::HS256,
            Alg::HS384 => Algorithm::HS384,
            Alg::HS512 => Algorithm::HS512,
            Alg::RS256 => Algorithm::RS256,
            Alg::RS384 => Algorithm::RS384,
            Alg::RS512 => Algorithm::RS512,
            Alg::PS256 => Algorithm::PS256,
            Alg::PS384 => Algorithm::PS384,
            Alg::PS512 => Algorithm::PS512,
            _ => return None,
        })
    }
}

fn family_of(key: &PublicKey) -> Family {
    match key {
        PublicKey::Hmac(_) => Family::Hmac,
        PublicKey::Rsa(_) => Family::Rsa,
        PublicKey::P256(_) => Family::P256,
        PublicKey::P384(_) => Family::P384,
    }
}

impl Verification {
    fn stop(outcome: Outcome, findings: Vec<Finding>) -> Self {
        Verification { outcome, verified_with: None, findings }
    }
}

/// Verify `token`'s signature with `key` and check its times at `opts.now_ms`.
pub fn verify(token: &str, key: &KeyInput, opts: &VerifyOptions) -> Verification {
    let token = decode::strip_bearer(token.trim());
    let decoded = decode::decode(token);
    let (Some(header), Some((message, sig_text))) = (&decoded.header, token.rsplit_once('.')) else {
        let f = Finding::error(
            FindingCode::NotVerifiable,
            "the token's header could not be decoded, so there is no algorithm to verify with; fix the problems \
             the inspection lists first.",
        );
        return Verification::stop(Outcome::NotVerifiable, vec![f]);
    };
    if decoded.part_count != 3 {
        let f = Finding::error(FindingCode::NotVerifiable, "the token does not have 3 parts, so there is no signature to verify.");
        return Verification::stop(Outcome::NotVerifiable, vec![f]);
    }
    let alg = Alg::parse(header.get("alg").and_then(|a| a.as_str()).unwrap_or(""));
    let Some(family) = alg.family() else {
        let f = match &alg {
            Alg::None => Finding::error(
                FindingCode::AlgNone,
                "alg is none: there is no signature to verify, and a server must reject this token.",
            ),
            _ => Finding::error(
                FindingCode::UnsupportedAlg,
                format!("alg {alg:?} can't be verified here (supported: HS256/384/512, RS256/384/512, PS256/384/512, \
                         ES256, ES384); verify it with the issuer's library."),
            ),
        };
        return Verification::stop(Outcome::NotVerifiable, vec![f]);
    };

    let (keys, mut findings) = parse_keys(key);
    let kid = decoded.kid();
    let candidates = select_keys(&keys, kid, key, &mut findings);
    let fitting: Vec<&Key> = candidates.iter().copied().filter(|k| family_of(&k.key) == family).collect();
    if fitting.is_empty() {
        if let Some(k) = candidates.first() {
            findings.push(mismatch(&alg, k));
        }
        return Verification::stop(Outcome::NoUsableKey, findings);
    }
    for k in &fitting {
        if let Some(key_alg) = &k.alg {
            if Alg::parse(key_alg) != alg {
                findings.push(Finding::warning(
                    FindingCode::KeyAlgMismatch,
                    format!("{} is declared for {key_alg} but the token uses {alg:?}; servers that honour the key's alg \
                             reject the token.", k.label),
                ));
            }
        }
    }
    let sig_bytes = decoded.signature.clone().unwrap_or_default();
    let verified = fitting.iter().find(|k| signature_ok(&alg, message, sig_text, &sig_bytes, &k.key, &mut findings));
    let Some(winner) = verified else {
        findings.push(Finding::error(
            FindingCode::InvalidSignature,
            format!("the signature does not verify with {} ({}): the token was signed with another key (the server \
                     answers invalid_signature), or altered. Check which secret or key the issuer uses{}.",
                fitting.iter().map(|k| k.label.as_str()).collect::<Vec<_>>().join(", "),
                fitting.first().map(|k| k.key.kind()).unwrap_or(""),
                if family == Family::Hmac { "; for a tenant-specific secret, check the tenant" } else { "" }),
        ));
        if let KeyInput::Secret { secret, encoding } = key {
            hint_other_encoding(&alg, message, sig_text, secret, *encoding, &mut findings);
        }
        return Verification::stop(Outcome::InvalidSignature, findings);
    };
    findings.push(Finding::info(FindingCode::SignatureValid, format!("the signature verifies with {}.", winner.label)));
    let times_ok = check_times(decoded.claims.as_ref(), opts, &mut findings);
    Verification {
        outcome: if times_ok { Outcome::Valid } else { Outcome::ValidSignatureBadTime },
        verified_with: Some(winner.label.clone()),
        findings,
    }
}

/// Keys to try: for a JWKS and a token with `kid`, the keys with that kid; otherwise all.
fn select_keys<'a>(keys: &'a [Key], kid: Option<&str>, input: &KeyInput, findings: &mut Vec<Finding>) -> Vec<&'a Key> {
    if keys.is_empty() {
        if findings.is_empty() {
            findings.push(Finding::error(FindingCode::BadKey, "the key input holds no usable key."));
        }
        return vec![];
    }
    match (input, kid) {
        (KeyInput::Jwks(_), Some(kid)) => {
            let by_kid: Vec<&Key> = keys.iter().filter(|k| k.kid.as_deref() == Some(kid)).collect();
            if by_kid.is_empty() {
                let kids: Vec<String> = keys.iter().filter_map(|k| k.kid.as_ref()).map(|k| format!("\"{k}\"")).collect();
                findings.push(Finding::error(
                    FindingCode::NoKeyForKid,
                    format!("the token's kid \"{kid}\" is not in the JWKS (it has {}); the issuer rotated keys or this \
                             is another issuer's JWKS. Fetch the current JWKS.",
                        if kids.is_empty() { "no kids".to_string() } else { kids.join(", ") }),
                ));
            }
            by_kid
        }
        _ => keys.iter().collect(),
    }
}

fn mismatch(alg: &Alg, k: &Key) -> Finding {
    let msg = match (&k.key, alg.family()) {
        (PublicKey::Rsa(_) | PublicKey::P256(_) | PublicKey::P384(_), Some(Family::Hmac)) => format!(
            "the token says {alg:?} (HMAC) but {} is {}: a server that feeds a public key to HMAC is open to \
             algorithm confusion. Expect {alg:?} tokens to be signed with a shared secret; paste that.",
            k.label,
            k.key.kind()
        ),
        _ => format!("the token is {alg:?} but {} is {}; paste the key type that algorithm needs.", k.label, k.key.kind()),
    };
    Finding::error(FindingCode::KeyAlgMismatch, msg)
}

fn signature_ok(alg: &Alg, message: &str, sig_text: &str, sig: &[u8], key: &PublicKey, findings: &mut Vec<Finding>) -> bool {
    use p256::ecdsa::signature::Verifier;
    match key {
        PublicKey::Hmac(secret) => jwt_crate_verify(alg, message, sig_text, DecodingKey::from_hmac_secret(secret)),
        PublicKey::Rsa(k) => jwt_crate_verify(alg, message, sig_text, DecodingKey::Rsa(k.clone())),
        PublicKey::P256(k) => match p256::ecdsa::Signature::try_from(sig) {
            Ok(s) => k.verify(message.as_bytes(), &s).is_ok(),
            Err(_) => {
                findings.push(ec_length(sig, 64, "ES256"));
                false
            }
        },
        PublicKey::P384(k) => match p384::ecdsa::Signature::try_from(sig) {
            Ok(s) => k.verify(message.as_bytes(), &s).is_ok(),
            Err(_) => {
                findings.push(ec_length(sig, 96, "ES384"));
                false
            }
        },
    }
}

fn ec_length(sig: &[u8], want: usize, alg: &str) -> Finding {
    let der = if sig.first() == Some(&0x30) { " It starts like a DER sequence: the issuer used DER, but JWS needs the raw r||s form." } else { "" };
    Finding::error(
        FindingCode::InvalidSignature,
        format!("the {alg} signature is {} bytes; JWS needs exactly {want} (r and s, fixed width).{der}", sig.len()),
    )
}

fn jwt_crate_verify(alg: &Alg, message: &str, sig_text: &str, key: DecodingKey) -> bool {
    let Some(a) = alg.jsonwebtoken() else { return false };
    // Ok(false): HMAC mismatch; Err(InvalidSignature): RSA mismatch or undecodable signature.
    matches!(crypto::verify(sig_text, message, &key, a), Ok(true))
}

/// When an HMAC secret fails, try the other reading of it, and say so if that one verifies.
fn hint_other_encoding(alg: &Alg, message: &str, sig_text: &str, secret: &str, used: crate::jwt::keys::SecretEncoding, findings: &mut Vec<Finding>) {
    use crate::jwt::keys::SecretEncoding;
    let other = match used {
        SecretEncoding::Utf8 => b64::decode(secret.trim(), Alphabet::Either).ok().map(|d| d.bytes),
        SecretEncoding::Base64 => Some(secret.as_bytes().to_vec()),
    };
    let Some(bytes) = other.filter(|b| !b.is_empty()) else { return };
    if jwt_crate_verify(alg, message, sig_text, DecodingKey::from_hmac_secret(&bytes)) {
        let (was, is) = match used {
            SecretEncoding::Utf8 => ("UTF-8 text", "base64"),
            SecretEncoding::Base64 => ("base64", "UTF-8 text"),
        };
        findings.push(Finding::warning(
            FindingCode::InvalidSignature,
            format!("the signature does verify when the secret is read as {is} instead of {was}: switch the secret's \
                     encoding (and check that client and server read the secret the same way)."),
        ));
    }
}

/// `exp`/`nbf` at `now`, with leeway. False when either fails.
fn check_times(claims: Option<&serde_json::Map<String, serde_json::Value>>, opts: &VerifyOptions, findings: &mut Vec<Finding>) -> bool {
    let Some(claims) = claims else { return true };
    let leeway = opts.leeway_s as f64 * 1000.0;
    let mut ok = true;
    if let Some(exp) = claims.get("exp").and_then(|v| v.as_f64()).map(|s| s * 1000.0) {
        if opts.now_ms >= exp + leeway {
            ok = false;
            findings.push(Finding::error(
                FindingCode::ExpiredNow,
                format!("the signature is good but the token expired at {} ({} ago, leeway {} s); the server answers \
                         token_expired. Get a fresh token.", format_utc(exp), human_duration(opts.now_ms - exp), opts.leeway_s),
            ));
        }
    }
    if let Some(nbf) = claims.get("nbf").and_then(|v| v.as_f64()).map(|s| s * 1000.0) {
        if opts.now_ms + leeway < nbf {
            ok = false;
            findings.push(Finding::error(
                FindingCode::NotYetValid,
                format!("the signature is good but the token is not valid until {} ({} from now, leeway {} s); check \
                         the issuer's clock.", format_utc(nbf), human_duration(nbf - opts.now_ms), opts.leeway_s),
            ));
        }
    }
    ok
}
