use crate::{
    mode::Mode,
    store::{ConnRow, Model},
    transport::{Incoming, JsTransport},
};
use leptos::prelude::*;
use socketscope_core::schema::{Command, Direction, ReadyState, VERSION};

/// Wires the transport to the model, then renders the panel.
#[component]
pub fn App(mode: Mode, transport: JsTransport) -> impl IntoView {
    let model = RwSignal::new(Model::default());
    let notice = RwSignal::new(String::new());
    transport.listen(move |msg| match msg {
        Incoming::Batch(text) => model.update(|m| m.ingest_text(&text)),
        Incoming::Notice(text) => notice.set(text),
    });
    if transport.is_connected() {
        let _ = transport.send(&Command::Sync { v: VERSION, page: None, since: 0 });
    }
    view! { <Panel mode=mode model=model notice=notice /> }
}

/// Everything visible, over a model signal (render tests drive this directly).
#[component]
pub fn Panel(mode: Mode, model: RwSignal<Model>, notice: RwSignal<String>) -> impl IntoView {
    let selected = RwSignal::new(None::<String>);

    let counts = move || {
        model.with(|m| {
            let frames: usize = m.connections.iter().map(|c| c.frames.len()).sum();
            format!("{} connections · {} frames · {} schema problems", m.connections.len(), frames, m.problems.len())
        })
    };
    let empty_hint = match mode {
        Mode::Standalone => "Standalone page: install the extension to capture live sockets.",
        Mode::Unattached => "No tab attached: open this page as panel.html?tab=<id>, or use the DevTools panel.",
        Mode::DevTools { .. } | Mode::Tab { .. } => {
            "No WebSocket yet. Sockets opened before the extension was installed need a reload."
        }
    };

    view! {
        <header class="bar">
            <strong>"Socketscope"</strong>
            <span class="mode" data-testid="mode">{mode.label()}</span>
            <span class="counts" data-testid="counts">{counts}</span>
        </header>
        <main class="split">
            <section class="connections" aria-label="Connections">
                <Show when=move || model.with(|m| m.connections.is_empty())>
                    <p class="empty" data-testid="empty">{empty_hint}</p>
                </Show>
                <ul>
                    <For
                        each=move || model.with(|m| m.connections.iter().map(|c| c.id.clone()).collect::<Vec<_>>())
                        key=|id| id.clone()
                        children=move |id| {
                            let row_id = id.clone();
                            let row = move || model.with(|m| m.connections.iter().find(|c| c.id == row_id).cloned());
                            let click_id = id.clone();
                            view! {
                                <li class="conn" data-testid="connection" on:click=move |_| selected.set(Some(click_id.clone()))>
                                    {move || row().map(|c| view! { <ConnSummary conn=c /> })}
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
            <section class="frames" aria-label="Frames">
                {move || {
                    let id = selected.get().or_else(|| model.with(|m| m.connections.last().map(|c| c.id.clone())));
                    id.and_then(|id| model.with(|m| m.connections.iter().find(|c| c.id == id).cloned()))
                        .map(|c| view! { <FrameList conn=c /> })
                }}
            </section>
        </main>
        <footer class="problems" data-testid="problems">
            {move || model.with(|m| m.problems.last().cloned().unwrap_or_default())}
            {move || notice.get()}
        </footer>
    }
}

fn state_name(s: ReadyState) -> &'static str {
    match s {
        ReadyState::Connecting => "CONNECTING",
        ReadyState::Open => "OPEN",
        ReadyState::Closing => "CLOSING",
        ReadyState::Closed => "CLOSED",
    }
}

#[component]
fn ConnSummary(conn: ConnRow) -> impl IntoView {
    let (ins, outs) = conn.frames.iter().fold((0, 0), |(i, o), f| match f.dir {
        Direction::In => (i + 1, o),
        Direction::Out => (i, o + 1),
    });
    let close = conn.close.map(|(code, reason)| format!(" · closed {code} {reason}"));
    view! {
        <span class="state" data-state=state_name(conn.state)>{state_name(conn.state)}</span>
        " "
        <span class="url" data-testid="conn-url">{conn.url}</span>
        <span class="counts">{format!(" ↓{ins} ↑{outs}")}</span>
        {close}
    }
}

#[component]
fn FrameList(conn: ConnRow) -> impl IntoView {
    let base = conn.opened_at;
    let rows = conn
        .frames
        .into_iter()
        .map(|f| {
            let arrow = if f.dir == Direction::In { "↓" } else { "↑" };
            let body = if f.binary { format!("[binary {} B] {}", f.size, f.data) } else { f.data };
            let cut = f.truncated.then(|| format!(" … ({} B in all)", f.size));
            view! {
                <tr data-testid="frame" data-dir=if f.dir == Direction::In { "in" } else { "out" }>
                    <td>{arrow}</td>
                    <td class="num">{format!("{:.1} ms", f.t - base)}</td>
                    <td class="num">{f.size}</td>
                    <td class="payload">{body}{cut}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2 class="conn-title">{conn.url}</h2>
        <table class="frame-list">
            <thead><tr><th></th><th>"time"</th><th>"bytes"</th><th>"data"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
