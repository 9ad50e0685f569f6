//! JWT inspection: find tokens in what a WebSocket sends, decode them without trusting them,
//! check their times and scopes, and verify them offline.
//!
//! Entry points:
//! - [`find_in_url`], [`find_in_subprotocols`], [`find_in_text`], [`find_in_json`]: where tokens are.
//! - [`inspect`]: decode + checks against the connection's moments ([`Moments`]) and the operations
//!   it used; returns an [`Inspection`] with every [`Finding`].
//! - [`verify`]: signature (HS*, RS*, PS*, ES256, ES384) and times, with keys as a secret, PEM, JWK
//!   or JWKS ([`KeyInput`]). Feature `verify` (default): the panel loads it lazily as its own module.
//!
//! **Time is passed in.** Nothing here reads a clock; `SystemTime::now()` panics on wasm32.

pub mod b64;
pub mod decode;
pub mod find;
pub mod finding;
pub mod inspect;
pub mod keys;
pub mod scopes;
pub mod times;
pub mod verify;

pub use decode::{decode, Decoded, Part};
pub use find::{find_in_json, find_in_subprotocols, find_in_text, find_in_url, looks_like_jwt, FoundToken, SubprotocolForm, TokenLocation};
pub use finding::{Finding, FindingCode, Severity};
pub use inspect::{inspect, InspectOptions, Inspection};
pub use keys::{KeyInput, SecretEncoding};
pub use scopes::{ScopeCheck, ScopeMap, Scopes};
pub use times::{ClaimTime, Moments, TimeClaim};
pub use verify::{Alg, Outcome, Verification, VerifyOptions};
#[cfg(feature = "verify")]
pub use verify::verify;
