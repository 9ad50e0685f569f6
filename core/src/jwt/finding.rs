//! What JWT inspection and verification report: one [`Finding`] per problem or notable fact.

pub use crate::diagnostics::Severity;
use serde::Serialize;

/// Every kind of finding, so the UI and the diagnostics rules can match on them without parsing
/// messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    // Structure.
    /// Not three dot-separated parts.
    WrongPartCount,
    /// A part is not base64url (bad byte, cut short).
    BadBase64,
    /// A part used `=` padding or the `+`/`/` alphabet: most servers reject that.
    NonCanonicalBase64,
    /// The header or the claims are not UTF-8.
    NotUtf8,
    /// The header or the claims are not JSON.
    NotJson,
    /// The header or the claims are JSON but not an object.
    NotAnObject,
    /// The signature part is empty (an unsecured JWT).
    EmptySignature,
    // Header.
    /// The header has no `alg`.
    MissingAlg,
    /// `alg: none`: the token is not signed.
    AlgNone,
    /// An `alg` this inspector cannot verify (e.g. EdDSA, ES512).
    UnsupportedAlg,
    // Times.
    /// `exp`, `nbf` or `iat` is not a number.
    BadTimeClaim,
    /// `exp` was already past when the socket connected.
    ExpiredAtConnect,
    /// `exp` passed while the socket was open, before it closed.
    ExpiredBeforeClose,
    /// `exp` is past now (the socket may have closed before it expired).
    ExpiredNow,
    /// `nbf` was still in the future at connect time.
    NotYetValid,
    /// `iat` is in the future relative to connect time: clocks disagree.
    IssuedInFuture,
    // Claims.
    /// A claim in the required set is absent.
    MissingClaim,
    /// No `scope`, `scopes` or `scp` claim.
    NoScopes,
    /// The token lacks a scope an operation needs.
    MissingScope,
    /// A `scope`/`scopes`/`scp` claim of the wrong type.
    BadScopeClaim,
    // Verification.
    /// The signature verified with the given key.
    SignatureValid,
    /// The signature did not verify with the given key.
    InvalidSignature,
    /// The key cannot be read (bad PEM, JWK or JWKS).
    BadKey,
    /// The key's type does not fit the token's `alg` (e.g. an HMAC secret for RS256).
    KeyAlgMismatch,
    /// A JWKS has no key with the token's `kid`.
    NoKeyForKid,
    /// Verification was asked for a token that could not be decoded.
    NotVerifiable,
    /// A private key was given; only its public half was used.
    PrivateKeyGiven,
}

/// One finding: how bad, what kind, and a message that says what happened and what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: FindingCode,
    pub message: String,
}

impl Finding {
    pub fn new(severity: Severity, code: FindingCode, message: impl Into<String>) -> Self {
        Finding { severity, code, message: message.into() }
    }
    pub fn error(code: FindingCode, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }
    pub fn warning(code: FindingCode, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }
    pub fn info(code: FindingCode, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, code, message)
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.severity.label(), self.message)
    }
}
