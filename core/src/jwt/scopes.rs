//! Scopes: read from `scope` (OAuth 2: one space-separated string), `scopes` or `scp` (a string or
//! an array, depending on the issuer), and checked against what each operation needs.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The claims that may carry scopes, in the order they are read.
pub const SCOPE_CLAIMS: [&str; 3] = ["scope", "scopes", "scp"];

/// The scopes a token grants, and which claims they came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scopes {
    /// Claim names that held scopes (usually one).
    pub claims: Vec<String>,
    /// Every scope granted, in order, without duplicates.
    pub values: Vec<String>,
}

impl Scopes {
    pub fn grants(&self, scope: &str) -> bool {
        self.values.iter().any(|s| s == scope)
    }
}

/// A scope claim that is neither a string nor an array of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadScopeClaim {
    pub claim: String,
    pub found: &'static str,
}

/// Read the scopes of `claims`. `None` when no scope claim is present.
pub fn scopes_of(claims: &Map<String, Value>) -> (Option<Scopes>, Vec<BadScopeClaim>) {
    let mut scopes = Scopes::default();
    let mut bad = Vec::new();
    let add = |s: &str, scopes: &mut Scopes| {
        if !s.is_empty() && !scopes.grants(s) {
            scopes.values.push(s.to_string());
        }
    };
    for name in SCOPE_CLAIMS {
        let Some(v) = claims.get(name) else { continue };
        match v {
            Value::String(s) => s.split_whitespace().for_each(|p| add(p, &mut scopes)),
            Value::Array(items) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(Value::as_str).for_each(|p| add(p.trim(), &mut scopes))
            }
            other => {
                bad.push(BadScopeClaim { claim: name.into(), found: super::decode::kind_of(other) });
                continue;
            }
        }
        scopes.claims.push(name.into());
    }
    ((!scopes.claims.is_empty()).then_some(scopes), bad)
}

/// Which scopes each operation needs. Operations are the names the protocol decoders give
/// messages: a Phoenix event (`submitOp`), a Django `type`, a graphql operation name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeMap {
    pub operations: Vec<OperationScopes>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationScopes {
    pub operation: String,
    /// All of these are needed.
    pub requires: Vec<String>,
}

impl ScopeMap {
    /// The document service of the Phoenix debugging guide: joining needs nothing,
    /// `connect_document` needs `doc:read`, `submitOp` needs `doc:write`.
    pub fn document_service() -> Self {
        let op = |o: &str, s: &str| OperationScopes { operation: o.into(), requires: vec![s.into()] };
        ScopeMap { operations: vec![op("connect_document", "doc:read"), op("submitOp", "doc:write")] }
    }

    /// The scopes `operation` needs; empty when the map does not name it.
    pub fn required_for(&self, operation: &str) -> &[String] {
        self.operations
            .iter()
            .find(|o| o.operation == operation)
            .map(|o| o.requires.as_slice())
            .unwrap_or(&[])
    }

    /// Load a map from JSON: `{"operations": [{"operation": "submitOp", "requires": ["doc:write"]}]}`.
    pub fn from_json(text: &str) -> Result<Self, String> {
        crate::json::parse(text).map_err(|e| {
            format!("the scope map is not valid ({e}); expected {{\"operations\": [{{\"operation\": \"submitOp\", \"requires\": [\"doc:write\"]}}]}}")
        })
    }
}

/// The outcome of checking one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum ScopeCheck {
    /// The map does not name the operation.
    NotMapped,
    /// Every required scope is granted.
    Granted,
    /// These required scopes are missing.
    Missing { missing: Vec<String> },
    /// The token has no scope claim at all, and the operation needs scopes.
    NoScopeClaim { required: Vec<String> },
}

/// Check `operation` against `scopes` with `map`.
pub fn check(scopes: Option<&Scopes>, operation: &str, map: &ScopeMap) -> ScopeCheck {
    let required = map.required_for(operation);
    if required.is_empty() {
        return ScopeCheck::NotMapped;
    }
    match scopes {
        None => ScopeCheck::NoScopeClaim { required: required.to_vec() },
        Some(s) => {
            let missing: Vec<String> = required.iter().filter(|r| !s.grants(r)).cloned().collect();
            if missing.is_empty() {
                ScopeCheck::Granted
            } else {
                ScopeCheck::Missing { missing }
            }
        }
    }
}
