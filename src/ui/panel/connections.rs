//! The connections list (grouped by endpoint, so reconnects sit together with their backoff) and
//! the chosen connection's header.

use super::shell;
use crate::store::{mask_tokens_in_url, PanelState};
use crate::ui::format::{duration, state_name};
use leptos::prelude::*;
use socketscope_core::session::{ConnId, Connection};

/// One row's worth of facts, copied out of the model so the row redraws only when they change.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: ConnId,
    url: String,
    state: &'static str,
    protocol: String,
    ins: u64,
    outs: u64,
    duration: String,
    close: Option<u16>,
    problem: bool,
    /// "reconnect 3 after 2.0 s" for the 2nd and later connection to one endpoint.
    reconnect: Option<String>,
}

fn row(c: &Connection, problem: bool, reconnect: Option<String>, now: f64) -> Row {
    let end = c.ended_at().unwrap_or(now);
    Row {
        id: c.id,
        url: mask_tokens_in_url(&c.url),
        state: state_name(c.state()),
        protocol: c.protocol().map(|(p, _)| p.label().to_string()).unwrap_or_default(),
        ins: c.counters.frames[0],
        outs: c.counters.frames[1],
        duration: duration(end - c.created),
        close: c.close.as_ref().map(|cl| cl.code),
        problem,
        reconnect,
    }
}

#[component]
pub fn ConnectionList() -> impl IntoView {
    let state = expect_context::<PanelState>();
    let rows = Memo::new(move |_| {
        let preserve = state.settings.with(|s| s.preserve_log);
        let now = js_sys::Date::now();
        state.read(|s| {
            let mut out = Vec::new();
            for c in s.visible_connections(preserve) {
                let ep = &s.session.endpoints()[c.endpoint];
                let pos = ep.connections.iter().position(|&x| x == c.id).unwrap_or(0);
                let reconnect = (pos > 0).then(|| {
                    let prev = s.session.connection(ep.connections[pos - 1]);
                    let gap = prev.and_then(|p| p.ended_at()).map(|e| c.created - e);
                    match gap {
                        Some(g) => format!("reconnect #{pos} after {}", duration(g)),
                        None => format!("reconnect #{pos}"),
                    }
                });
                out.push(row(c, s.has_problem(c), reconnect, now));
            }
            out
        })
    });
    // Marks the first screen with data, for the panel benchmark (tests/bench/panel.mjs) and for
    // anyone profiling the panel in DevTools.
    let marked = StoredValue::new(false);
    Effect::new(move |_| {
        if !marked.get_value() && state.read(|s| !s.session.connections().is_empty()) {
            marked.set_value(true);
            crate::perf::mark_once("first-data");
        }
    });
    view! {
        <ul class="conn-list" role="listbox" aria-label="WebSocket connections">
            // Keyed by id: a row stays the same element while its counts change.
            <For each=move || rows.with(|r| r.iter().map(|r| r.id).collect::<Vec<_>>()) key=|id| *id let:id>
                <ConnRow id=id row=Signal::derive(move || rows.with(|r| r.iter().find(|r| r.id == id).cloned())) />
            </For>
        </ul>
    }
}

/// One list entry. The `<li>` stays put (clickable, focus kept) while its contents follow the row.
#[component]
fn ConnRow(id: ConnId, #[prop(into)] row: Signal<Option<Row>>) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let selected = move || state.current() == Some(id);
    let pick = move || {
        state.selected.set(Some(id));
        state.pinned.set(true);
        state.selected_frame.set(None);
    };
    let problem = move || row.with(|r| r.as_ref().is_some_and(|r| r.problem));
    view! {
        <li class="conn" class:problem=problem class:selected=selected role="option"
            aria-selected=move || selected().to_string() tabindex="0" data-testid="connection"
            on:click=move |_| pick()
            on:keydown=move |ev| if ev.key() == "Enter" { pick() }>
            {move || row.get().map(|r| view! {
                <span class="badge" data-state=r.state>{r.state}</span>
                {r.close.map(|c| view! { <span class="badge code" data-testid="close-code">{c}</span> })}
                <span class="url" data-testid="conn-url">{r.url}</span>
                <span class="meta">
                    {(!r.protocol.is_empty()).then(|| view! { <span class="proto">{r.protocol}</span> })}
                    <span>{format!("↓{} ↑{}", r.ins, r.outs)}</span>
                    <span>{r.duration}</span>
                    {r.reconnect.map(|t| view! { <span class="reconnect">{t}</span> })}
                </span>
            })}
        </li>
    }
}

/// URL, state, protocol, counts, creation stack, and copy-as-command buttons.
#[component]
pub fn ConnectionHeader(conn: ConnId, live: bool) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let info = move || {
        state.read(|s| {
            s.session.connection(conn).map(|c| {
                (
                    mask_tokens_in_url(&c.url),
                    c.url.clone(),
                    c.requested.clone(),
                    c.negotiated.clone(),
                    c.frame_url.clone(),
                    c.stack.clone(),
                    state_name(c.state()),
                    c.protocol().map(|(p, by)| (p.label().to_string(), detected_by(by))),
                )
            })
        })
    };
    let copy = move |which: &'static str| {
        if let Some((_, url, protos, _, frame_url, ..)) = info() {
            let origin = socketscope_core::diagnostics::facts::origin_of(&frame_url);
            let cmd = match which {
                "websocat" => shell::websocat(&url, &protos, origin.as_deref()),
                _ => shell::wscat(&url, &protos, origin.as_deref()),
            };
            crate::ui::clipboard::copy(&cmd, format!("Copied a {which} command (it contains the token: share it with care)."));
        }
    };
    let _ = live;
    move || {
        info().map(|(masked, _, requested, negotiated, _, stack, st, proto)| {
            view! {
                <div class="conn-head">
                    <h2 class="conn-title" data-testid="conn-title">{masked}</h2>
                    <div class="meta">
                        <span class="badge" data-state=st>{st}</span>
                        {proto.map(|(p, why)| view! { <span data-testid="protocol">{p}" · "<span class="muted">{why}</span></span> })}
                        {(!requested.is_empty()).then(|| view! { <span>"requested: " {requested.join(", ")}</span> })}
                        {negotiated.map(|p| view! { <span>"negotiated: " {p}</span> })}
                        <button class="link" on:click=move |_| copy("websocat")>"Copy as websocat"</button>
                        <button class="link" on:click=move |_| copy("wscat")>"Copy as wscat"</button>
                    </div>
                    {(!stack.is_empty()).then(|| view! {
                        <details class="stack"><summary>"Opened by"</summary><pre>{stack}</pre></details>
                    })}
                </div>
            }
        })
    }
}

/// Why a protocol was chosen, in words.
fn detected_by(by: &socketscope_core::protocols::DetectedBy) -> String {
    use socketscope_core::protocols::DetectedBy;
    match by {
        DetectedBy::Subprotocol(p) => format!("subprotocol {p}"),
        DetectedBy::Url(why) => format!("URL: {why}"),
        DetectedBy::Content(i) => format!("frame #{} matched", i + 1),
        DetectedBy::User => "chosen by you".into(),
    }
}


