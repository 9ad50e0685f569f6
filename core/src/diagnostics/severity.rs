//! How bad a finding is. Shared by every inspector in the core (close-code profiles, JWT
//! inspection, diagnostics rules) so the UI sorts and colours them one way.

use serde::{Deserialize, Serialize};

/// Ordered: `Info < Warning < Error`, so `max()` over findings gives the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong by itself (e.g. "token expires in 5 minutes").
    Info,
    /// Probably wrong or about to go wrong (e.g. "alg none", a close-code collision).
    Warning,
    /// Explains a failure (e.g. "token expired before connect", "server refused the handshake").
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}
