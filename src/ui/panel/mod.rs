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
use socketscope_core::session::ConnId;
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
    let has_any = move || state.read(|s| !s.session.connections().is_empty());
    // Only a change of connection rebuilds the detail area; new frames update it in place.
    let current = Memo::new(move |_| state.current());
    // The detail area's code is a chunk, fetched when there is first a connection to show (so
    // the connections list, the first screen, paints before it), or again, after a failed fetch,
    // when the user picks a connection.
    let detail = RwSignal::new(DetailCode::Unloaded);
    Effect::new(move |_| {
        if current.get().is_some() && matches!(detail.get_untracked(), DetailCode::Unloaded | DetailCode::Failed) {
            detail.set(DetailCode::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                let code = detail_builder().await.map_or(DetailCode::Failed, DetailCode::Ready);
                detail.try_set(code);
            });
        }
    });
    let retry = crate::ui::lazy::retry_hint();
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
                    {move || current.get().map(|conn| {
                        // Another connection: its topics are not the last one's.
                        state.filter_topic.set(String::new());
                        // Built here, synchronously, once the code is in: a view that waits
                        // (a Suspend) would be rebuilt in place on the next connection change,
                        // leaving the last connection's effects running on disposed values.
                        match detail.get() {
                            DetailCode::Ready(build) => build(conn, live),
                            DetailCode::Failed => crate::ui::lazy::failed("connection details", retry).into_any(),
                            DetailCode::Unloaded | DetailCode::Loading => ().into_any(),
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

/// Draws a connection's details: a function of the chunk, handed over once it is loaded.
type DetailBuilder = fn(ConnId, bool) -> AnyView;

/// Where the detail area's code is.
#[derive(Debug, Clone, Copy)]
enum DetailCode {
    Unloaded,
    Loading,
    Ready(DetailBuilder),
    Failed,
}

crate::ui::lazy::lazy_fn! {
    /// The chosen connection's header, timeline, analysis (diagnostics, close and token cards) and
    /// tabs: drawn right after the connections list, the first screen, from the chunk fetched then.
    after_first_screen => fn detail_builder() -> DetailBuilder {
        |conn, live| view! { <ConnectionDetail conn=conn live=live /> }.into_any()
    }
}

#[component]
fn ConnectionDetail(conn: ConnId, live: bool) -> impl IntoView {
    let tab = RwSignal::new(Tab::Frames);
    let on_tab = Memo::new(move |_| tab.get());
    let show_frames = Callback::new(move |_| tab.set(Tab::Frames));
    // The cards first: the frame list scans every frame so far, so it is drawn one frame later.
    let frames_due = crate::ui::latch::Latch::default();
    frames_due.turn_on_after_frame(std::time::Duration::from_millis(100));
    view! {
        <connections::ConnectionHeader conn=conn live=live />
        <timeline::Timeline conn=conn />
        <crate::ui::analysis::ConnectionAnalysis conn=conn show_frames=show_frames />
        <div class="tabs" role="tablist">
            <button role="tab" aria-selected=move || (on_tab.get() == Tab::Frames).to_string() on:click=move |_| tab.set(Tab::Frames)>"Frames"</button>
            <button role="tab" aria-selected=move || (on_tab.get() == Tab::Topics).to_string() on:click=move |_| tab.set(Tab::Topics)>"Topics"</button>
        </div>
        // Each pane is built when its tab opens, never rebuilt in place: a tab set to the tab it
        // already shows changes nothing (a memo).
        {move || (frames_due.is_on() && on_tab.get() == Tab::Frames).then(|| view! { <frames::FramePane conn=conn /> })}
        {move || (on_tab.get() == Tab::Topics).then(|| view! { <lanes::TopicLanes conn=conn on_pick=move |_: u32| show_frames.run(()) /> })}
        {live.then(|| view! { <actions::LiveActions conn=conn /> })}
    }
}
