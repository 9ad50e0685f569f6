//! Inspection: decode a token and check it against the moments of its connection, the required
//! claims and the scopes its operations need. Never fails as a whole: returns what was decoded and
//! one [`Finding`] per problem, in the order a person would fix them (structure, header, times,
//! claims, scopes).

use super::decode::{self, Decoded};
use super::finding::{Finding, FindingCode};
use super::scopes::{self, ScopeCheck, ScopeMap, Scopes};
use super::times::{self, human_duration, ClaimTime, Moments, TimeClaim};
use super::verify::Alg;
use serde::Serialize;

/// What to check. `Default` requires `exp` (a token that never expires is worth a warning on a
/// socket that lives for hours), allows no clock skew, and has an empty scope map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectOptions {
    /// Claims that must be present; each absent one is a `MissingClaim` finding.
    pub required_claims: Vec<String>,
    /// Seconds of clock skew tolerated on `exp`, `nbf` and `iat`.
    pub leeway_s: u64,
    pub scope_map: ScopeMap,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions { required_claims: vec!["exp".into()], leeway_s: 0, scope_map: ScopeMap::default() }
    }
}

impl InspectOptions {
    /// The Phoenix guide's document service: `exp` and `sub` required, its scope map.
    pub fn document_service() -> Self {
        InspectOptions {
            required_claims: vec!["exp".into(), "sub".into()],
            leeway_s: 0,
            scope_map: ScopeMap::document_service(),
        }
    }
}

/// Everything known about one token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub token: String,
    pub decoded: Decoded,
    pub times: Vec<ClaimTime>,
    pub scopes: Option<Scopes>,
    /// Operation -> outcome, for each operation passed in that the scope map names.
    pub scope_checks: Vec<(String, ScopeCheck)>,
    pub findings: Vec<Finding>,
}

impl Inspection {
    pub fn time(&self, claim: TimeClaim) -> Option<&ClaimTime> {
        self.times.iter().find(|t| t.claim == claim)
    }
    pub fn has(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// Inspect `token` at `moments`, for a connection that used `operations` (message names; may be
/// empty).
pub fn inspect(token: &str, moments: &Moments, operations: &[&str], opts: &InspectOptions) -> Inspection {
    let decoded = decode::decode(token);
    let mut findings = decoded.findings.clone();
    check_header(&decoded, &mut findings);
    let mut times = Vec::new();
    let mut scopes = None;
    let mut scope_checks = Vec::new();
    if let Some(claims) = &decoded.claims {
        let (good, bad) = times::claim_times(claims, moments);
        for b in bad {
            findings.push(Finding::error(
                FindingCode::BadTimeClaim,
                format!("`{}` is {} but must be a number of seconds since 1970 (NumericDate); servers reject \
                         or ignore it. Fix the issuer.", b.claim.name(), b.found),
            ));
        }
        check_times(&good, moments, opts.leeway_s, &mut findings);
        times = good;
        for name in &opts.required_claims {
            if !claims.contains_key(name) {
                findings.push(Finding::error(
                    FindingCode::MissingClaim,
                    format!("the required claim `{name}` is missing; a server that checks it answers \
                             missing_claims. Add it where the token is issued."),
                ));
            }
        }
        let (s, bad) = scopes::scopes_of(claims);
        for b in bad {
            findings.push(Finding::warning(
                FindingCode::BadScopeClaim,
                format!("`{}` is a {}, but scopes are a space-separated string or an array of strings; it was \
                         ignored.", b.claim, b.found),
            ));
        }
        scopes = s;
        check_scopes(scopes.as_ref(), operations, &opts.scope_map, &mut scope_checks, &mut findings);
    }
    Inspection { token: decode::strip_bearer(token.trim()).to_string(), decoded, times, scopes, scope_checks, findings }
}

fn check_header(d: &Decoded, findings: &mut Vec<Finding>) {
    let Some(header) = &d.header else { return };
    match header.get("alg").and_then(|a| a.as_str()) {
        None => findings.push(Finding::error(
            FindingCode::MissingAlg,
            "the header has no `alg` (string), so no server can verify it; the issuer must set it.",
        )),
        Some(a) => match Alg::parse(a) {
            Alg::None => findings.push(Finding::error(
                FindingCode::AlgNone,
                "`alg` is \"none\": the token is not signed and anyone can forge it. A server that accepts it \
                 is vulnerable; one that rejects it answers invalid_signature. Sign tokens on the server.",
            )),
            Alg::Other(name) => findings.push(Finding::info(
                FindingCode::UnsupportedAlg,
                format!("`alg` is \"{name}\", which Socketscope cannot verify offline (it verifies HS*, RS*, PS*, \
                         ES256 and ES384); the claims are still shown."),
            )),
            _ => {}
        },
    }
}

fn check_times(times: &[ClaimTime], m: &Moments, leeway_s: u64, findings: &mut Vec<Finding>) {
    let leeway = leeway_s as f64 * 1000.0;
    let get = |c| times.iter().find(|t| t.claim == c);
    if let Some(exp) = get(TimeClaim::Exp) {
        let at = &exp.utc;
        match (exp.from_connect_ms, exp.from_close_ms) {
            (Some(dc), _) if dc + leeway <= 0.0 => findings.push(Finding::error(
                FindingCode::ExpiredAtConnect,
                format!("the token had expired when the socket connected: exp {at} is {} before the connect. \
                         The client sent a stale token: refresh it before (re)connecting.", human_duration(dc)),
            )),
            (_, Some(dclose)) if dclose + leeway <= 0.0 => findings.push(Finding::error(
                FindingCode::ExpiredBeforeClose,
                format!("the token expired while the socket was open: exp {at} is {} before the close. A server \
                         that re-checks tokens closes at expiry: refresh the token and reconnect before exp.",
                    human_duration(dclose)),
            )),
            _ if exp.from_now_ms + leeway <= 0.0 => findings.push(Finding::warning(
                FindingCode::ExpiredNow,
                format!("the token is expired now (exp {at}, {} ago); reusing it for a reconnect will fail.",
                    human_duration(exp.from_now_ms)),
            )),
            _ => {}
        }
    }
    let reference = m.connect_ms.map(|c| (c, "the connect")).unwrap_or((m.now_ms, "now"));
    if let Some(nbf) = get(TimeClaim::Nbf) {
        let early = nbf.at_ms - reference.0;
        if early > leeway {
            findings.push(Finding::error(
                FindingCode::NotYetValid,
                format!("the token was not yet valid at {}: nbf {} is {} later. Check the issuer's clock, or \
                         allow some leeway on the server.", reference.1, nbf.utc, human_duration(early)),
            ));
        }
    }
    if let Some(iat) = get(TimeClaim::Iat) {
        let ahead = iat.at_ms - reference.0;
        if ahead > leeway {
            findings.push(Finding::warning(
                FindingCode::IssuedInFuture,
                format!("iat {} is {} after {}: the issuer's clock is ahead of this machine's. Servers with strict \
                         iat checks reject such tokens; sync the clocks or allow leeway.",
                    iat.utc, human_duration(ahead), reference.1),
            ));
        }
    }
}

fn check_scopes(
    scopes: Option<&Scopes>,
    operations: &[&str],
    map: &ScopeMap,
    checks: &mut Vec<(String, ScopeCheck)>,
    findings: &mut Vec<Finding>,
) {
    for op in operations {
        if checks.iter().any(|(o, _)| o == op) {
            continue;
        }
        let result = scopes::check(scopes, op, map);
        match &result {
            ScopeCheck::NotMapped => continue,
            ScopeCheck::Granted => {}
            ScopeCheck::Missing { missing } => findings.push(Finding::error(
                FindingCode::MissingScope,
                format!("`{op}` needs {} but the token grants only [{}]; the server rejects it with a scope \
                         error. Issue the token with {}.", missing.join(", "),
                    scopes.map(|s| s.values.join(", ")).unwrap_or_default(), missing.join(", ")),
            )),
            ScopeCheck::NoScopeClaim { required } => findings.push(Finding::error(
                FindingCode::NoScopes,
                format!("`{op}` needs {} but the token has no `scope`, `scopes` or `scp` claim. Issue the token \
                         with the scopes.", required.join(", ")),
            )),
        }
        checks.push((op.to_string(), result));
    }
}
