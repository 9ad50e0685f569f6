//! Offline signature verification, behind one function: [`verify`].
//!
//! HS*, RS* and PS* go through `jsonwebtoken-rustcrypto`'s low-level `crypto::verify`, which
//! checks only the signature. Its `decode` is deliberately not used: `decode` calls
//! `validation::validate`, which reads `SystemTime::now()` unconditionally (even with
//! `validate_exp: false`), and that panics on wasm32-unknown-unknown. ES256/ES384, which that
//! crate lacks, use RustCrypto's `p256`/`p384`. Times are checked here against the `now` the caller
//! passes in, with a leeway for clock skew.
//!
//! The types ([`Alg`], [`VerifyOptions`], [`Outcome`], [`Verification`]) are always here; [`verify`]
//! itself (in `verify/check.rs`) needs the `verify` feature, which brings the crypto crates. The
//! panel ships it as a separate wasm module that it loads on the first Verify click.

use super::finding::{Finding, FindingCode};
use crate::schema::EpochMs;
use serde::Serialize;

#[cfg(feature = "verify")]
mod check;
#[cfg(feature = "verify")]
pub use check::verify;

/// A JWS `alg` value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Alg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    /// `none`, in any letter case (attackers try `None` and `NONE` on lax servers).
    None,
    /// Anything else (EdDSA, ES512, typos).
    Other(String),
}

impl Alg {
    pub fn parse(s: &str) -> Alg {
        match s {
            "HS256" => Alg::HS256,
            "HS384" => Alg::HS384,
            "HS512" => Alg::HS512,
            "RS256" => Alg::RS256,
            "RS384" => Alg::RS384,
            "RS512" => Alg::RS512,
            "PS256" => Alg::PS256,
            "PS384" => Alg::PS384,
            "PS512" => Alg::PS512,
            "ES256" => Alg::ES256,
            "ES384" => Alg::ES384,
            n if n.eq_ignore_ascii_case("none") => Alg::None,
            other => Alg::Other(other.to_string()),
        }
    }
}

/// The clock and skew to check `exp`/`nbf` with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct VerifyOptions {
    /// The moment to judge `exp` and `nbf` at (ms since the epoch). Passed in: never read here.
    pub now_ms: EpochMs,
    /// Seconds of clock skew tolerated.
    pub leeway_s: u64,
}

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The signature verified and `exp`/`nbf` (when present) hold at `now`.
    Valid,
    /// The signature verified but the token is expired or not yet valid at `now`.
    ValidSignatureBadTime,
    /// No key verified the signature.
    InvalidSignature,
    /// No key could even be tried (unreadable key, wrong key type, no key for the `kid`).
    NoUsableKey,
    /// The token can't be verified at all (malformed, `alg: none`, unsupported `alg`).
    NotVerifiable,
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    pub outcome: Outcome,
    /// The label of the key that verified, e.g. "JWKS key 1 (kid \"k2\")".
    pub verified_with: Option<String>,
    pub findings: Vec<Finding>,
}

impl Verification {
    pub fn has(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}
