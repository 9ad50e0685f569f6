//! The diagnostics list: findings ranked by severity, each with its evidence.
//!
//! The rows are a small view model ([`DiagnosticItem`]) built from the core's findings: JWT
//! findings, close-code collisions, profile problems. When the core's diagnostics rules land, a
//! `From` for their type is all the list needs.

use crate::ui::dom::{el, Node};
use leptos::prelude::*;
use socketscope_core::close_codes::{Collision, ProfileProblem};
use socketscope_core::diagnostics::Severity;
use socketscope_core::jwt::Finding;

/// A link from a finding to what proves it (a frame, the token, the close). `target` is opaque to
/// the list: the caller's `on_evidence` callback receives it (e.g. `"frame:p:1:42"`, `"token"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub label: String,
    pub target: String,
}

/// The evidence targets that are places on the page, each marked there with
/// `data-evidence-target` (frames and topics are reached through the panel's state instead).
pub const CLOSE_TARGET: &str = "close";
pub const TIMELINE_TARGET: &str = "timeline";
/// The token card of the token found at `location` (its `location_label`).
pub fn token_target(location: &str) -> String {
    format!("token:{location}")
}

/// One row of [`DiagnosticsList`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticItem {
    pub severity: Severity,
    /// A short kind, e.g. "expired at connect" (from the finding's code).
    pub kind: String,
    /// What happened and what to do next (the core's message, as is).
    pub message: String,
    pub evidence: Vec<Evidence>,
}

impl DiagnosticItem {
    pub fn new(severity: Severity, kind: impl Into<String>, message: impl Into<String>) -> Self {
        DiagnosticItem { severity, kind: kind.into(), message: message.into(), evidence: Vec::new() }
    }
    pub fn with_evidence(mut self, label: impl Into<String>, target: impl Into<String>) -> Self {
        self.evidence.push(Evidence { label: label.into(), target: target.into() });
        self
    }
}

/// `ExpiredAtConnect` -> "expired at connect", from the core's serde name of the code.
fn words<T: serde::Serialize>(code: &T) -> String {
    match serde_json::to_value(code) {
        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
        _ => String::new(),
    }
}

impl From<&Finding> for DiagnosticItem {
    fn from(f: &Finding) -> Self {
        DiagnosticItem::new(f.severity, words(&f.code), f.message.clone())
    }
}

impl From<&Collision> for DiagnosticItem {
    fn from(c: &Collision) -> Self {
        DiagnosticItem::new(c.severity(), "close-code collision", c.to_string())
    }
}

impl From<&ProfileProblem> for DiagnosticItem {
    fn from(p: &ProfileProblem) -> Self {
        DiagnosticItem::new(p.severity(), "profile", p.to_string())
    }
}

/// Sort by severity, worst first; ties keep their order (the core orders findings the way a
/// person would fix them).
pub fn ranked(items: Vec<DiagnosticItem>) -> Vec<DiagnosticItem> {
    socketscope_core::diagnostics::rank_by_severity(items, |item| item.severity)
}

/// Findings ranked by severity (errors first), each with its message and evidence links.
///
/// - `items`: rows, e.g. `inspection.findings.iter().map(DiagnosticItem::from).collect()`.
/// - `on_evidence`: called with an [`Evidence::target`] when its link is clicked; without it, and
///   for evidence whose target is empty, the evidence is shown as plain text.
/// - `empty`: what to say when there is nothing (default "No problems found.").
///
/// Each row is `li[data-testid=diagnostic][data-severity=error|warning|info]`.
#[component]
pub fn DiagnosticsList(
    items: Vec<DiagnosticItem>,
    #[prop(optional)] on_evidence: Option<Callback<String>>,
    #[prop(optional, into)] empty: Option<String>,
) -> impl IntoView {
    diagnostics_list(items, on_evidence, empty)
}

/// [`DiagnosticsList`] as a tree, for the cards that include one.
pub fn diagnostics_list(items: Vec<DiagnosticItem>, on_evidence: Option<Callback<String>>, empty: Option<String>) -> Node {
    if items.is_empty() {
        let text = empty.unwrap_or_else(|| "No problems found.".into());
        return el("p").class("diag-empty").testid("diagnostics-empty").text(text);
    }
    let rows = ranked(items).into_iter().map(|item| {
        let sev = item.severity.label();
        let evidence = (!item.evidence.is_empty()).then(|| {
            let links = item.evidence.into_iter().map(|e| match on_evidence {
                // Evidence with nowhere to go stays text: a link that does nothing misleads.
                Some(_) if !e.target.is_empty() => el("button").class("link evidence").attr("data-evidence", e.target).text(e.label),
                _ => el("span").class("evidence").text(e.label),
            });
            el("span").class("diag-evidence").text("Evidence: ").children(links)
        });
        el("li")
            .class("diag")
            .testid("diagnostic")
            .attr("data-severity", sev)
            .child(el("span").class("sev").attr("data-sev", sev).text(sev))
            .child(el("span").class("diag-kind").text(item.kind))
            .child(el("span").class("diag-msg").text(item.message))
            .opt(evidence)
    });
    let list = el("ul").class("diagnostics").attr("aria-label", "Diagnostics").children(rows);
    match on_evidence {
        Some(on) => list.on_click_of("data-evidence", on),
        None => list,
    }
}
