#![no_main]
// Fuzz verification from both sides: fuzzed key text (PEM, JWK, JWKS, secret) against real
// tokens of every algorithm family, and fuzzed tokens against real keys. Never a panic.
use libfuzzer_sys::fuzz_target;
use socketscope_core::jwt::{self, KeyInput, SecretEncoding, VerifyOptions};

const TOKENS: &str = include_str!("../../tests/fixtures/jwt/tokens.json");
const JWKS: &str = include_str!("../../tests/fixtures/jwt/keys/jwks.json");
const RSA_PEM: &str = include_str!("../../tests/fixtures/jwt/keys/rsa-public.pem");
const P256_PEM: &str = include_str!("../../tests/fixtures/jwt/keys/p256-public.pem");

/// Parsed once: re-reading the fixture on every input would dominate the run.
fn tokens() -> &'static [String] {
    static T: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    T.get_or_init(load)
}

fn load() -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(TOKENS).unwrap();
    ["hs256_valid", "jwks_rs256_by_kid", "es256_valid", "es384_valid"]
        .iter()
        .filter_map(|n| v["cases"].as_array()?.iter().find(|c| c["name"] == *n)?["token"].as_str().map(String::from))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let opts = VerifyOptions { now_ms: 1.8e12, leeway_s: 30 };
    let keys = [
        KeyInput::guess(text),
        KeyInput::Jwk(text.into()),
        KeyInput::Jwks(text.into()),
        KeyInput::Secret { secret: text.into(), encoding: SecretEncoding::Base64 },
    ];
    for t in tokens() {
        for k in &keys {
            let _ = jwt::verify(t, k, &opts);
        }
    }
    let real = [
        KeyInput::Jwks(JWKS.into()),
        KeyInput::Pem(RSA_PEM.into()),
        KeyInput::Pem(P256_PEM.into()),
        KeyInput::Secret { secret: "tenant-1-secret".into(), encoding: SecretEncoding::Utf8 },
    ];
    for k in &real {
        let _ = jwt::verify(text, k, &opts);
    }
});
