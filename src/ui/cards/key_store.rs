//! Verify keys the user chose to remember ("Remember this key on this machine", off by default).
//! They live in this page's `localStorage` only: the extension's own origin for the panel, the
//! page's origin for the standalone page. Nothing here is exported or sent anywhere.
//!
//! A key is remembered per signer, the token's issuer and `kid` (`iss` claim, `kid` header): the
//! next token from the same signer gets the key back, whatever connection it came from.

use serde::Serialize;

const PREFIX: &str = "socketscope.verify-key:";

/// What is stored: the pasted text and what the user said it is (`KeyKind`'s value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remembered {
    pub key: String,
    pub kind: String,
}

/// The storage slot of the token's signer, and a label for it ("issuer https://a, kid k1").
pub fn slot_of(token: &str) -> (String, String) {
    let d = socketscope_core::jwt::decode(token);
    let iss = d.claims.as_ref().and_then(|c| c.get("iss")).and_then(|v| v.as_str()).unwrap_or("");
    let kid = d.kid().unwrap_or("");
    let label = match (iss, kid) {
        ("", "") => "tokens without an issuer or kid".to_string(),
        (iss, "") => format!("issuer {iss}"),
        ("", kid) => format!("kid {kid}"),
        (iss, kid) => format!("issuer {iss}, kid {kid}"),
    };
    // JSON keeps the two parts apart whatever they contain.
    (format!("{PREFIX}{}", serde_json::json!([iss, kid])), label)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load(slot: &str) -> Option<Remembered> {
    read(&storage()?.get_item(slot).ok().flatten()?)
}

/// What `save` wrote, or `None` for anything else (another version's or a damaged entry).
pub fn read(text: &str) -> Option<Remembered> {
    use socketscope_core::json::{object, string_of};
    let v = serde_json::from_str(text).ok()?;
    let o = object(&v, "a stored key").ok()?;
    Some(Remembered { key: string_of(o, "key").ok()?, kind: string_of(o, "kind").ok()? })
}

/// Stores the key; the error says why it could not (storage off or full).
pub fn save(slot: &str, value: &Remembered) -> Result<(), String> {
    let s = storage().ok_or("this page has no local storage (disabled by the browser?), so the key is kept in memory only")?;
    let text = serde_json::to_string(value).map_err(|e| e.to_string())?;
    s.set_item(slot, &text).map_err(|_| "the browser refused to store the key (storage full or blocked); it is kept in memory only".to_string())
}

pub fn forget(slot: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_issuer_and_kid() {
        // {"alg":"HS256","kid":"k1"} . {"iss":"https://auth.example","sub":"u"}
        let a = "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZSIsInN1YiI6InUifQ.c2ln";
        let (slot, label) = slot_of(a);
        assert_eq!(slot, r#"socketscope.verify-key:["https://auth.example","k1"]"#);
        assert_eq!(label, "issuer https://auth.example, kid k1");
        // Not a JWT at all: one shared slot, said plainly.
        assert_eq!(slot_of("garbage").1, "tokens without an issuer or kid");
    }

    #[test]
    fn reads_back_what_it_stores_and_nothing_else() {
        let r = Remembered { key: "-----BEGIN PUBLIC KEY-----\n…".into(), kind: "pem".into() };
        assert_eq!(read(&serde_json::to_string(&r).unwrap()), Some(r));
        for damaged in ["", "[]", r#"{"key":"k"}"#, r#"{"key":1,"kind":"pem"}"#] {
            assert_eq!(read(damaged), None, "{damaged}");
        }
    }
}
