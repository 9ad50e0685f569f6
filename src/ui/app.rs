//! The app: wires the transport to the store, provides the state, picks the view for the mode.

use crate::{
    mode::Mode,
    store::{PanelState, Store},
    transport::{Incoming, JsTransport},
    ui::panel::SessionView,
};
use leptos::prelude::*;
use socketscope_core::schema::{Command, VERSION};
use socketscope_core::settings::{self, Settings};
use wasm_bindgen::JsCast;

const SETTINGS_KEY: &str = "socketscope.settings";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Settings are remembered in the extension (they hold no secrets: keys are kept only on opt-in,
/// inside the token card). The standalone page stores nothing unless the user asks.
fn load_settings(mode: Mode) -> (Settings, Vec<String>) {
    if mode == Mode::Standalone {
        return (Settings::default(), Vec::new());
    }
    match storage().and_then(|s| s.get_item(SETTINGS_KEY).ok().flatten()) {
        Some(text) => settings::load(&text),
        None => (Settings::default(), Vec::new()),
    }
}

#[component]
pub fn App(mode: Mode, transport: JsTransport) -> impl IntoView {
    let (settings, problems) = load_settings(mode);
    let mut store = Store::default();
    store.problems.extend(problems);
    let state = PanelState::new(store, settings);
    provide_context(state);
    provide_context(mode);
    if transport.is_connected() {
        provide_context::<crate::transport::TransportHandle>(StoredValue::new_local(transport.clone()));
    }

    // Listen once the panel is mounted (a microtask after this): what waited meanwhile then lands
    // in a panel that only has to draw it.
    let listener = transport.clone();
    wasm_bindgen_futures::spawn_local(async move {
        listener.listen(move |msg| match msg {
            Incoming::Batch(text) => {
                crate::perf::mark_once("first-batch");
                state.write(|s| s.ingest_text(&text));
                crate::perf::mark_once("first-batch-ingested");
            }
            Incoming::Notice(text) => state.write(|s| s.notice(&text, js_sys::Date::now())),
        });
    });
    if transport.is_connected() {
        let t = transport.clone();
        // Settings reach the page whenever they change (install now, configure later). The first
        // `sync` is the transport's own (sent on connect, before the wasm loaded; it keeps what
        // arrives until we listen), so the relay's replay overlaps the wasm compile.
        Effect::new(move |_| {
            let capture = state.settings.with(|s| s.capture.clone());
            let _ = t.send(&Command::Settings { v: VERSION, settings: capture });
        });
    }
    // The diagnostics context follows the settings (profiles, token checks).
    Effect::new(move |_| {
        let ctx = state.settings.with(|s| crate::ui::analysis::diagnostic_context(s, js_sys::Date::now()));
        state.write_now(|s| {
            s.ctx = Some(ctx);
            s.refresh_problems();
        });
    });
    // The topic key path applies to frames decoded from now on (decoding happens at ingest).
    Effect::new(move |_| {
        let path = state.settings.with(|s| Some(s.topic_key_path.clone()).filter(|p| !p.is_empty()));
        state.store.update_value(|s| {
            s.session.config.decode.typed_json.topic_path = path.clone();
            s.session.config.decode.generic.topic_path = path;
        });
    });
    if mode != Mode::Standalone {
        Effect::new(move |_| {
            let text = state.settings.with(|s| serde_json::to_string(s).unwrap_or_default());
            if let Some(s) = storage() {
                let _ = s.set_item(SETTINGS_KEY, &text);
            }
        });
    }
    install_keyboard(state);

    let hint = match mode {
        Mode::Standalone => "Standalone page: install the extension to capture live sockets, or import a HAR or session file.",
        Mode::Unattached => "No tab attached: open this page as panel.html?tab=<id>, or use the Socketscope panel in DevTools.",
        Mode::DevTools { .. } | Mode::Tab { .. } => {
            "No WebSocket yet. Sockets opened before the extension was installed or enabled appear after a reload of the page."
        }
    };
    let tab_gone = move || state.read(|s| s.tab_status.as_deref() == Some("closed"));
    view! {
        <div class="app" data-mode=mode.label()>
            <span class="mode" data-testid="mode">{mode.label()}</span>
            <Show when=tab_gone>
                <p class="notice" role="alert" data-testid="tab-closed">"The inspected tab was closed. What was captured stays here until you clear it or close this page."</p>
            </Show>
            {match mode {
                Mode::Standalone => crate::ui::lazy::show("standalone page", crate::ui::standalone::standalone_page()).into_any(),
                _ => view! { <SessionView live=true empty_hint=hint /> }.into_any(),
            }}
        </div>
    }
}

/// `/` focuses the filter, Esc leaves it (or closes the frame details).
fn install_keyboard(state: PanelState) {
    let handler = window_event_listener(leptos::ev::keydown, move |ev| {
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        match ev.key().as_str() {
            "/" if !in_field => {
                ev.prevent_default();
                if let Some(el) = document().get_element_by_id("frame-filter") {
                    let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            }
            "Escape" => {
                if in_field {
                    if let Some(el) = document().active_element() {
                        let _ = el.unchecked_into::<web_sys::HtmlElement>().blur();
                    }
                } else {
                    state.selected_frame.set(None);
                }
            }
            _ => {}
        }
    });
    std::mem::forget(handler);
}
