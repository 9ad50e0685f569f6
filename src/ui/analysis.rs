//! The chosen connection's analysis, visible without a click: diagnostics first, then the close
//! card and the token cards. Gathers inputs from the session model and hands them to the core;
//! the cards (src/ui/cards/) only draw what the core returns. Also the exports.

use crate::store::PanelState;
use crate::ui::cards::{location_label, token_target, CloseCard, DiagnosticItem, DiagnosticsList, TokenCard, CLOSE_TARGET, TIMELINE_TARGET};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use socketscope_core::close_codes::{parse_project_profile, Profile};
use socketscope_core::diagnostics::{self, diagnose_connection, Context, Diagnosis, Evidence as Proof};
use socketscope_core::export::{export_session, ExportOptions};
use socketscope_core::jwt::{self, scopes::OperationScopes, InspectOptions, Inspection, Moments, ScopeMap};
use socketscope_core::schema::Direction;
use socketscope_core::session::{ConnId, Connection, FrameRef, Model};
use socketscope_core::settings::Settings;


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

/// The diagnostics context for the user's settings at `now`.
pub fn diagnostic_context(settings: &Settings, now: f64) -> Context {
    Context {
        project_profiles: project_profiles(settings),
        inspect: inspect_options(settings),
        auth_events: settings.auth_events.clone(),
        ..Context::new(now)
    }
}

/// Where a piece of evidence leads in the panel (the target handed to [`follow_evidence`]):
/// - `frame:<index>`: that frame, selected in the frame list;
/// - `topic:<name>`: the frame list filtered to that topic;
/// - `token:<where>`: the token card of the token found there (a connection can carry several, e.g.
///   one in the URL and another in a join payload);
/// - `close`, `timeline`: the close card, or the readyState timeline (which shows the handshake,
///   the transitions and the times a gap lies between).
pub fn target_of(e: &Proof) -> String {
    match e {
        Proof::Frame { at, .. } => format!("frame:{}", at.index),
        Proof::Topic { name, .. } => format!("topic:{name}"),
        Proof::Token { location, .. } => token_target(&location_label(location)),
        Proof::Close { .. } => CLOSE_TARGET.into(),
        Proof::Transition { .. } | Proof::Handshake { .. } | Proof::Gap { .. } => TIMELINE_TARGET.into(),
    }
}

/// Go to an evidence target ([`target_of`]): select the frame or filter the topic (on the Frames
/// tab, `show_frames`), or move the focus to the card or the timeline, which scrolls it into view.
fn follow_evidence(state: PanelState, target: &str, show_frames: Callback<()>) {
    match target.split_once(':') {
        Some(("frame", i)) => {
            if let Ok(i) = i.parse::<u32>() {
                show_frames.run(());
                state.selected_frame.set(Some(i));
            }
        }
        Some(("topic", name)) => {
            show_frames.run(());
            state.selected_frame.set(None);
            state.filter_topic.set(name.to_string());
        }
        // A card or the timeline: the element marked with this target. Compared here rather than
        // in a selector, which would need the token's location escaped.
        _ => {
            let Ok(marked) = document().query_selector_all("[data-evidence-target]") else { return };
            let found = (0..marked.length())
                .filter_map(|i| marked.item(i)?.dyn_into::<web_sys::HtmlElement>().ok())
                .find(|el| el.get_attribute("data-evidence-target").as_deref() == Some(target));
            if let Some(el) = found {
                let _ = el.focus();
            }
        }
    }
}

/// A core diagnosis as a list row, each piece of evidence with its [`target_of`].
pub fn item_of(d: &Diagnosis) -> DiagnosticItem {
    let kind = serde_json::to_value(d.rule).ok().and_then(|v| v.as_str().map(|s| s.replace('_', " "))).unwrap_or_default();
    let message = if d.next_step.is_empty() { d.cause.clone() } else { format!("{} Next: {}", d.cause, d.next_step) };
    d.evidence.iter().fold(DiagnosticItem::new(d.severity, kind, message), |item, e| item.with_evidence(e.label(), target_of(e)))
}

/// Every distinct token of a connection (URL, subprotocols, sent payloads), found by the core's
/// diagnostics so the cards and the rules look at the same tokens.
pub fn tokens_of(model: &Model, c: &Connection) -> Vec<jwt::FoundToken> {
    let mut seen = std::collections::HashSet::new();
    diagnostics::facts::tokens(model, c).into_iter().map(|t| t.found).filter(|t| seen.insert(t.token.clone())).collect()
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
#[derive(Clone, PartialEq)]
struct Analysis {
    tokens: Vec<(String, Inspection)>,
    close: Option<(socketscope_core::close_codes::CloseExplanation, Vec<socketscope_core::close_codes::Collision>)>,
    connect_ms: f64,
    close_ms: Option<f64>,
    items: Vec<DiagnosticItem>,
}

impl Analysis {
    /// What the cards show: everything but each time claim's distance to "now", which moves on
    /// every analysis (the cards count down from `now` themselves).
    fn for_view(&self) -> Analysis {
        let mut a = self.clone();
        for (_, i) in &mut a.tokens {
            for t in &mut i.times {
                t.from_now_ms = 0.0;
            }
        }
        a
    }
}

/// Redraw the analysis only when what it shows changed: rebuilding the cards twice a second while
/// frames stream in cost the live view its frame budget, and reset a key being typed into a
/// verify box.
fn changed(old: Option<&Option<Analysis>>, new: Option<&Option<Analysis>>) -> bool {
    match (old, new) {
        (Some(Some(a)), Some(Some(b))) => a.for_view() != b.for_view(),
        (a, b) => a.map(Option::is_some) != b.map(Option::is_some),
    }
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
    let ctx = diagnostic_context(settings, now);
    let profiles = diagnostics::facts::profiles_for(c, &ctx.project_profiles);
    let close = c.close.as_ref().map(|cl| {
        let collisions: Vec<_> = profiles.collisions().into_iter().filter(|x| x.code == cl.code).collect();
        (profiles.explain(cl.code, &cl.reason), collisions)
    });
    // The token cards list each token's own findings; this list is the core's rules.
    let items: Vec<DiagnosticItem> = diagnose_connection(model, conn, &ctx).iter().map(item_of).collect();
    Some(Analysis { tokens, close, connect_ms, close_ms, items })
}

#[component]
pub fn ConnectionAnalysis(
    conn: ConnId,
    /// Brings the Frames tab up, for evidence that leads to a frame or a topic.
    show_frames: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let now = RwSignal::new(js_sys::Date::now());
    // The token countdown ticks once a second while the panel is open.
    let handle = set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let analysis = Memo::new_with_compare(
        move |_| {
            let settings = state.settings.get();
            state.read_slow(|s| {
                // An open connection is judged against "now" (a stream that stalled, a request
                // that got no reply), so it is re-judged every second even when no frame arrives.
                let open = s.session.connection(conn).is_some_and(|c| c.close.is_none());
                let now = if open { now.get() } else { now.get_untracked() };
                analyse(&s.session, conn, &settings, now)
            })
        },
        changed,
    );
    // The cards are what the user opened the panel for: the bench reports when they are drawn.
    Effect::new(|_| crate::perf::mark_once("cards"));
    move || {
        let Some(a) = analysis.get() else { return ().into_any() };
        let connect = a.connect_ms;
        let close_ms = a.close_ms;
        view! {
            <div class="analysis" data-testid="analysis">
                <DiagnosticsList items=a.items empty="No problems found on this connection." on_evidence=Callback::new(move |target: String| follow_evidence(state, &target, show_frames)) />
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

crate::ui::lazy::lazy_fn! {
    /// The capture as a session file's text. In its own chunk: only an Export click needs it.
    export => fn session_file(state: PanelState, opts: ExportOptions) -> String {
        state.store.with_value(|s| export_session(&s.session, &opts))
    }
}

/// Save the whole capture as a Socketscope session file or a Chrome-compatible HAR, redacted
/// unless the user turned redaction off. A HAR is the session file converted by the HAR module
/// (`har/`, loaded on first use). `retry`: [`crate::ui::lazy::retry_hint`].
pub fn export(state: PanelState, kind: ExportKind, retry: &'static str) {
    let redact = state.settings.with_untracked(|s| s.redact_exports);
    let opts = ExportOptions { redact, now: js_sys::Date::now() };
    wasm_bindgen_futures::spawn_local(async move {
        match session_file(state, opts).await {
            Ok(session) => save_export(state, kind, opts, session),
            Err(crate::ui::lazy::LoadFailed) => state.status.set(format!(
                "Could not export: a file of this build is missing or broken (the console says which). {retry}, then try again."
            )),
        }
    });
}

fn save_export(state: PanelState, kind: ExportKind, ExportOptions { redact, now }: ExportOptions, session: String) {
    let saved = move |name: &str, text: Result<String, String>| {
        let note = if redact { "tokens redacted" } else { "tokens NOT redacted: treat the file as a secret" };
        state.status.set(match text.and_then(|text| crate::ui::download::save_text(name, "application/json", &text).map(|()| text.len())) {
            Ok(bytes) => format!("Saved {name} ({bytes} bytes, {note})."),
            Err(e) => format!("Could not save {name}: {e}"),
        });
    };
    match kind {
        ExportKind::Session => saved("socketscope-session.json", Ok(session)),
        ExportKind::Har => {
            state.status.set("Writing the HAR…".into());
            wasm_bindgen_futures::spawn_local(async move {
                let args = [session.into(), redact.into(), now.into()];
                let har = crate::modules::call_for("har", "har_from_session", &args).await.and_then(|r| {
                    r.map(|v| match v {
                        serde_json::Value::String(text) => Ok(text),
                        other => Err(format!("the HAR module answered with {} instead of the HAR's text", socketscope_core::json::kind(&other))),
                    })
                });
                saved("socketscope.har", har.map_err(|e| format!("the HAR module failed ({e}); reload the panel and try again")).and_then(|r| r));
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socketscope_core::jwt::TokenLocation;
    use socketscope_core::schema::ReadyState;

    /// Every kind of evidence leads somewhere the panel can show (an exhaustive match in
    /// `target_of` makes a new kind choose its place).
    #[test]
    fn every_kind_of_evidence_has_a_place_to_go() {
        let at = FrameRef { conn: 3, index: 42 };
        let cases = [
            (Proof::Frame { at, t: 1.0, what: "reply".into() }, "frame:42"),
            (Proof::Topic { conn: 3, name: "document:acme:doc-1".into(), what: "Unjoined before the push".into() }, "topic:document:acme:doc-1"),
            (Proof::Token { conn: 3, location: TokenLocation::UrlQuery { param: "token".into() }, frame: None, what: "expired".into() }, "token:URL query parameter `token`"),
            (Proof::Close { conn: 3, t: 2.0, code: 4001, reason: "token_expired".into() }, "close"),
            (Proof::Transition { conn: 3, index: 1, t: 1.5, state: ReadyState::Open }, "timeline"),
            (Proof::Handshake { conn: Some(3), t: 1.2, status: Some(101), error: None }, "timeline"),
            (Proof::Gap { conn: 3, from: 1.0, to: 2.0, what: "no frame for 1 s".into() }, "timeline"),
        ];
        for (evidence, want) in cases {
            assert_eq!(target_of(&evidence), want, "{}", evidence.label());
        }
    }
}
