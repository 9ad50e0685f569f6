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

/// `items` worst first; ties keep their order (findings come in the order a person would fix
/// them). Three passes instead of a sort: a sort is ~4 KB of wasm per item type, this ~0.2 KB.
pub fn rank_by_severity<T>(items: Vec<T>, severity: impl Fn(&T) -> Severity) -> Vec<T> {
    let (mut errors, mut warnings, mut infos) = (Vec::new(), Vec::new(), Vec::new());
    for item in items {
        match severity(&item) {
            Severity::Error => errors.push(item),
            Severity::Warning => warnings.push(item),
            Severity::Info => infos.push(item),
        }
    }
    errors.extend(warnings);
    errors.extend(infos);
    errors
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

#[cfg(test)]
mod tests {
    use super::{rank_by_severity, Severity::*};

    #[test]
    fn worst_first_and_ties_keep_their_order() {
        let items = [(Info, 1), (Error, 2), (Warning, 3), (Error, 4), (Info, 5), (Warning, 6)];
        let ranked = rank_by_severity(items.to_vec(), |i| i.0);
        assert_eq!(ranked.iter().map(|i| i.1).collect::<Vec<_>>(), [2, 4, 3, 6, 1, 5]);
    }
}
