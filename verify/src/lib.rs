//! `verify(token, key, now_ms, leeway_s)`: the core's [`socketscope_core::jwt::verify`] for the
//! panel, as a wasm module of its own so the crypto crates stay out of the startup wasm. Strings
//! in, JSON out: the panel's verify box reads the answer the same way whether it ran here or
//! inside the panel (feature `inline-verify` of the UI crate, used by the render tests).

use socketscope_core::jwt::{self, KeyInput, VerifyOptions};
use wasm_bindgen::prelude::wasm_bindgen;

/// - `token`: the JWT as shown in the token card.
/// - `key`: a [`KeyInput`] as JSON (`{"kind": "jwks", "text": "..."}`), built by the verify box.
/// - `now_ms`, `leeway_s`: when to judge `exp`/`nbf`, and the clock skew allowed.
///
/// Returns the core's `Verification` as JSON, or `{"error": "..."}` when `key` is not a `KeyInput`.
#[wasm_bindgen]
pub fn verify(token: &str, key: &str, now_ms: f64, leeway_s: f64) -> String {
    verify_json(token, key, now_ms, leeway_s)
}

/// [`verify`] without the wasm-bindgen export (for native tests).
pub fn verify_json(token: &str, key: &str, now_ms: f64, leeway_s: f64) -> String {
    let key: KeyInput = match serde_json::from_str(key) {
        Ok(k) => k,
        Err(e) => return serde_json::json!({ "error": format!("the key input is not a KeyInput: {e}") }).to_string(),
    };
    let opts = VerifyOptions { now_ms, leeway_s: leeway_s.max(0.0) as u64 };
    serde_json::to_string(&jwt::verify(token, &key, &opts)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HS256, kid "k2", signed with `second-key-for-tests` (as in tests/render_cards.rs).
    const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsyIn0.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTcwMDAwMDAwMCwic2NvcGUiOiJkb2M6cmVhZCIsIm5vdGUiOiI8aW1nIHNyYz14IG9uZXJyb3I9YWxlcnQoMSk-In0.eCntuZt1LjChAK-dorjRkyBrKLzpSfrB53irrFNkJb8";

    #[test]
    fn answers_with_the_cores_verification_as_json() {
        let key = serde_json::to_string(&KeyInput::Secret {
            secret: "second-key-for-tests".into(),
            encoding: jwt::SecretEncoding::Utf8,
        })
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&verify_json(TOKEN, &key, 1_700_000_000_000.0, 0.0)).unwrap();
        assert_eq!(v["outcome"], "valid", "{v}");
        assert_eq!(v["verified_with"], "the secret", "{v}");
        assert_eq!(v["findings"][0]["code"], "signature_valid", "{v}");
        assert_eq!(v["findings"][0]["severity"], "info", "{v}");
    }

    #[test]
    fn a_malformed_key_input_is_an_error_not_a_panic() {
        let v: serde_json::Value = serde_json::from_str(&verify_json(TOKEN, "nope", 0.0, 0.0)).unwrap();
        assert!(v["error"].as_str().unwrap().contains("KeyInput"), "{v}");
    }
}
