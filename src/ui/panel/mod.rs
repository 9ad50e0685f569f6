//! The live panel (DevTools panel and extension tab), and the same views over an imported
//! session in the standalone page. Every view reads the [`PanelState`] from context.

pub mod actions;
pub mod compose;
pub mod connections;
pub mod frames;
pub mod lanes;
pub mod settings;
pub mod shell;
pub mod timeline;
pub mod toolbar;

use crate::store::PanelState;
use leptos::prelude::*;

/// What the right-hand side shows under the connection header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Frames,
    Topics,
}

/// Connections on the left; the chosen connection's header, timeline, analysis and frames on the right.
#[component]
pub fn SessionView(
    /// Live capture (pause, send, force-close available) or an imported session.
    live: bool,
    /// Shown when there is no connection at all.
    empty_hint: &'static str,
) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let tab = RwSignal::new(Tab::Frames);
    let on_tab = Memo::new(move |_| tab.get());
    let has_any = move || state.read(|s| !s.session.connections().is_empty());
    // Only a change of connection rebuilds the detail area; new frames update it in place.
    let current = Memo::new(move |_| state.current());
    // The first screen is the connections list: while the transport still holds a backlog (a
    // panel opened on a busy page), the detail area (timeline, analysis, frames) is drawn one
    // animation frame after the first connections, so the list paints first. Everything that
    // already arrived, or data there at mount (an import), is drawn all at once.
    let transport = use_context::<crate::transport::TransportHandle>();
    let detail_ready = RwSignal::new(state.store.with_value(|s| !s.session.connections().is_empty()));
    Effect::new(move |_| {
        if detail_ready.get_untracked() || !has_any() {
            return;
        }
        if transport.is_some_and(|t| t.with_value(|t| t.backlog()) > 0) {
            request_animation_frame(move || detail_ready.set(true));
        } else {
            detail_ready.set(true);
        }
    });
    view! {
        <div class="session">
            <toolbar::Toolbar live=live />
            <div class="split">
                <section class="connections" aria-label="Connections">
                    <Show when=has_any fallback=move || view! { <p class="empty" data-testid="empty">{empty_hint}</p> }>
                        <connections::ConnectionList />
                    </Show>
                </section>
                <section class="detail" aria-label="Connection details">
                    {move || current.get().filter(|_| detail_ready.get()).map(|conn| {
                        // Another connection: its topics are not the last one's.
                        state.filter_topic.set(String::new());
                        let show_frames = Callback::new(move |_| tab.set(Tab::Frames));
                        view! {
                            <connections::ConnectionHeader conn=conn live=live />
                            <timeline::Timeline conn=conn />
                            <crate::ui::analysis::ConnectionAnalysis conn=conn show_frames=show_frames />
                            <div class="tabs" role="tablist">
                                <button role="tab" aria-selected=move || (on_tab.get() == Tab::Frames).to_string() on:click=move |_| tab.set(Tab::Frames)>"Frames"</button>
                                <button role="tab" aria-selected=move || (on_tab.get() == Tab::Topics).to_string() on:click=move |_| tab.set(Tab::Topics)>"Topics"</button>
                            </div>
                            // Each pane is built when its tab opens, never rebuilt in place: a tab
                            // set to the tab it already shows changes nothing (a memo).
                            {move || (on_tab.get() == Tab::Frames).then(|| crate::ui::lazy::show("frame list", frames::frame_pane(conn)))}
                            {move || (on_tab.get() == Tab::Topics).then(|| crate::ui::lazy::show("topic lanes", lanes::topic_lanes(conn, Callback::new(move |_: u32| show_frames.run(())))))}
                            {live.then(|| crate::ui::lazy::show("live actions", actions::live_actions(conn)))}
                        }
                    })}
                </section>
            </div>
            <footer class="problems" data-testid="problems" role="status">
                {move || state.read(|s| s.problems.last().cloned().unwrap_or_default())}
                " "
                {move || state.status.get()}
            </footer>
        </div>
    }
}
