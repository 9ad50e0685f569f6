//! The chosen connection's analysis, visible without a click: diagnostics first, then the close
//! card and the token cards. Gathers inputs from the session model and hands them to the core;
//! the cards (src/ui/cards/) only draw what the core returns. Also the exports.

use crate::store::PanelState;
use crate::ui::cards::{location_label, CloseCard, DiagnosticItem, DiagnosticsList, TokenCard};
use leptos::prelude::*;
use socketscope_core::close_codes::{parse_project_profile, Library, Profile, ProfileSet};
use socketscope_core::export::{export_session, ExportOptions};
use socketscope_core::har::export_har;
use socketscope_core::jwt::{self, scopes::OperationScopes, InspectOptions, Inspection, Moments, ScopeMap};
use socketscope_core::protocols::{Opcode, Protocol};
use socketscope_core::schema::Direction;
use socketscope_core::session::{ConnId, Connection, FrameRef, Model};
use socketscope_core::settings::Settings;

/// Payload frames scanned for tokens per connection (tokens travel early: join, auth messages).
const TOKEN_SCAN_FRAMES: usize = 500;

/// The close-code library a decoded protocol implies.
pub fn library_of(p: Protocol) -> Option<Library> {
    match p {
        Protocol::PhoenixV1 | Protocol::PhoenixV2 => Some(Library::Phoenix),
        Protocol::GraphqlWs => Some(Library::GraphqlWs),
        Protocol::ActionCable => Some(Library::ActionCable),
        _ => None,
    }
}

pub fn project_profiles(settings: &Settings) -> Vec<Profile> {
    settings.project_profiles.iter().filter_map(|text| parse_project_profile(text).profile).collect()
}

pub fn inspect_options(settings: &Settings) -> InspectOptions {
    InspectOptions {
        required_claims: settings.required_claims.clone(),
        leeway_s: settings.leeway_seconds,
        scope_map: ScopeMap {
            operations: settings
                .operation_scopes
                .iter()
                .map(|(op, scope)| OperationScopes { operation: op.clone(), requires: vec![scope.clone()] })
                .collect(),
        },
    }
}

/// Every distinct token of a connection with where it was found: URL, subprotocols, payloads.
pub fn tokens_of(model: &Model, c: &Connection) -> Vec<jwt::FoundToken> {
    let mut found = jwt::find_in_url(&c.url);
    found.extend(jwt::find_in_subprotocols(&c.requested));
    for i in 0..(c.frames.len() as u32).min(TOKEN_SCAN_FRAMES as u32) {
        let Some(f) = model.frame(FrameRef { conn: c.id, index: i }) else { continue };
        if f.record.op() != Opcode::Text {
            continue;
        }
        if let Some(text) = f.text() {
            if text.contains("eyJ") {
                found.extend(jwt::find_in_text(text));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|t| seen.insert(t.token.clone()));
    found
}

/// Event names the page sent on this connection (for the scope checks).
pub fn operations_of(model: &Model, c: &Connection) -> Vec<String> {
    let mut ops: Vec<String> = Vec::new();
    for i in 0..c.frames.len() as u32 {
        let Some(f) = model.frame(FrameRef { conn: c.id, index: i }) else { continue };
        if f.record.dir() == Direction::Out {
            if let Some(e) = f.event {
                if !ops.iter().any(|o| o == e) {
                    ops.push(e.to_string());
                }
            }
        }
    }
    ops
}

/// Everything the analysis area shows for one connection, computed once per redraw.
struct Analysis {
    tokens: Vec<(String, Inspection)>,
    close: Option<(socketscope_core::close_codes::CloseExplanation, Vec<socketscope_core::close_codes::Collision>)>,
    connect_ms: f64,
    close_ms: Option<f64>,
    items: Vec<DiagnosticItem>,
}

fn analyse(model: &Model, conn: ConnId, settings: &Settings, now: f64) -> Option<Analysis> {
    let c = model.connection(conn)?;
    let connect_ms = c.opened_at().unwrap_or(c.created);
    let close_ms = c.close.as_ref().map(|cl| cl.t);
    let moments = Moments { now_ms: now, connect_ms: Some(connect_ms), close_ms };
    let ops = operations_of(model, c);
    let op_refs: Vec<&str> = ops.iter().map(String::as_str).collect();
    let opts = inspect_options(settings);
    let tokens: Vec<(String, Inspection)> = tokens_of(model, c)
        .into_iter()
        .map(|t| (location_label(&t.location), jwt::inspect(&t.token, &moments, &op_refs, &opts)))
        .collect();
    let detected = c.protocol().and_then(|(p, _)| library_of(p));
    let profiles = ProfileSet::for_connection(c.negotiated.as_deref(), detected, &project_profiles(settings));
    let close = c.close.as_ref().map(|cl| {
        let collisions: Vec<_> = profiles.collisions().into_iter().filter(|x| x.code == cl.code).collect();
        (profiles.explain(cl.code, &cl.reason), collisions)
    });
    let mut items: Vec<DiagnosticItem> = Vec::new();
    for (where_, insp) in &tokens {
        items.extend(insp.findings.iter().map(|f| DiagnosticItem::from(f).with_evidence(format!("token in {where_}"), "token")));
    }
    if let Some((_, collisions)) = &close {
        items.extend(collisions.iter().map(DiagnosticItem::from));
    }
    Some(Analysis { tokens, close, connect_ms, close_ms, items })
}

#[component]
pub fn ConnectionAnalysis(conn: ConnId) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let now = RwSignal::new(js_sys::Date::now());
    // The token countdown ticks once a second while the panel is open.
    let handle = set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let analysis = move || {
        let settings = state.settings.get();
        state.read(|s| analyse(&s.session, conn, &settings, now.get_untracked()))
    };
    move || {
        let Some(a) = analysis() else { return ().into_any() };
        let connect = a.connect_ms;
        let close_ms = a.close_ms;
        view! {
            <div class="analysis" data-testid="analysis">
                <DiagnosticsList items=a.items empty="No problems found on this connection." />
                {a.close.map(|(explanation, collisions)| view! { <CloseCard explanation=explanation collisions=collisions /> })}
                {a.tokens.into_iter().map(|(where_, insp)| match close_ms {
                    Some(closed) => view! { <TokenCard inspection=insp now=now connect_time=connect location=where_ close_time=closed /> }.into_any(),
                    None => view! { <TokenCard inspection=insp now=now connect_time=connect location=where_ /> }.into_any(),
                }).collect_view()}
            </div>
        }
        .into_any()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Session,
    Har,
}

/// Save the whole capture as a Socketscope session file or a Chrome-compatible HAR, redacted
/// unless the user turned redaction off.
pub fn export(state: PanelState, kind: ExportKind) {
    let redact = state.settings.with_untracked(|s| s.redact_exports);
    let opts = ExportOptions { redact, now: js_sys::Date::now() };
    let (name, mime, text) = state.store.with_value(|s| match kind {
        ExportKind::Session => ("socketscope-session.json", "application/json", export_session(&s.session, &opts)),
        ExportKind::Har => (
            "socketscope.har",
            "application/json",
            serde_json::to_string_pretty(&export_har(&s.session, &opts)).unwrap_or_default(),
        ),
    });
    let note = if redact { "tokens redacted" } else { "tokens NOT redacted: treat the file as a secret" };
    state.status.set(match crate::ui::download::save_text(name, mime, &text) {
        Ok(()) => format!("Saved {name} ({} bytes, {note}).", text.len()),
        Err(e) => format!("Could not save {name}: {e}"),
    });
}
