//! The standalone page (`dist/web/`): the token debugger, the close-code lookup and offline
//! analysis of a HAR or a session export. Fully offline: no transport, no network, nothing stored.
//! Every fact comes from `socketscope-core`; the cards are the panel's (`crate::ui::cards`).

mod analysis;
mod close;
mod files;
mod import;
mod token;

pub use close::{code_from_hash, parse_code, CloseLookup};
pub use analysis::{import, Analysis, Loaded};
pub use import::ImportZone;
pub use token::{route, Pasted, TokenDebugger};

use crate::store::{PanelState, Store};
use leptos::prelude::*;
use socketscope_core::settings::Settings;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Token,
    Close,
    Import,
}

crate::ui::lazy::lazy_view! {
    /// The standalone page, in its own chunk: the DevTools panel never loads it.
    standalone => fn standalone_page() { view! { <StandalonePage /> }.into_any() }
}

/// The whole standalone page. Reads `#code=<n>` from the URL once (a deep link to the close-code
/// lookup; tokens are never read from or written to the URL). The lead's `App` renders this in
/// `Mode::Standalone`.
#[component]
pub fn StandalonePage() -> impl IntoView {
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    let hash_code = web_sys::window().and_then(|w| w.location().hash().ok()).and_then(|h| code_from_hash(&h));
    let tab = RwSignal::new(if hash_code.is_some() { Tab::Close } else { Tab::Token });
    let now: Signal<f64> = now.into();
    // The app's state (its settings: project close-code profiles, required claims, scope map);
    // made here when the page is mounted on its own (render tests).
    let state = use_context::<PanelState>().unwrap_or_else(|| {
        let s = PanelState::new(Store::default(), Settings::default());
        provide_context(s);
        s
    });
    let settings = state.settings;

    let tab_button = move |t: Tab, label: &'static str, id: &'static str| {
        view! {
            <button role="tab" class="tab" data-testid=id aria-selected=move || (tab.get() == t).to_string()
                on:click=move |_| tab.set(t)>{label}</button>
        }
    };
    view! {
        <div class="standalone" data-testid="standalone">
            <header class="bar">
                <strong>"Socketscope"</strong>
                <span class="muted">"Everything runs in this page: nothing you paste or drop is sent anywhere or stored."</span>
            </header>
            <nav class="tabs" role="tablist">
                {tab_button(Tab::Token, "Token debugger", "tab-token")}
                {tab_button(Tab::Close, "Close code lookup", "tab-close")}
                {tab_button(Tab::Import, "Offline analysis (HAR, session)", "tab-import")}
            </nav>
            <main class="standalone-main">
                // Each tool stays mounted so switching tabs keeps what was pasted.
                <div role="tabpanel" hidden=move || tab.get() != Tab::Token><TokenDebugger now=now settings=settings.get_untracked() /></div>
                <div role="tabpanel" hidden=move || tab.get() != Tab::Close><CloseLookup initial=hash_code.clone().unwrap_or_default() settings=settings /></div>
                <div role="tabpanel" hidden=move || tab.get() != Tab::Import><ImportZone settings=settings /></div>
            </main>
        </div>
    }
}
