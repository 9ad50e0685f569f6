//! Offline analysis: drop a Chrome HAR (with `_webSocketMessages`) or a Socketscope session export.
//! The file is read in the page; nothing is uploaded or stored.

use super::files::read_text;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The import drop zone and what it loaded.
#[component]
pub fn ImportZone(#[prop(into)] now: Signal<f64>) -> impl IntoView {
    let _ = now;
    let loaded = RwSignal::new(None::<(String, Result<String, String>)>);
    let over = RwSignal::new(false);
    let take = move |file: web_sys::File| read_text(file, move |name, r| loaded.set(Some((name, r))));
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(f) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            take(f);
        }
    };
    let on_pick = move |ev: web_sys::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        if let Some(f) = input.files().and_then(|f| f.get(0)) {
            take(f);
        }
        input.set_value("");
    };
    view! {
        <section class="tool import-tool" aria-label="Offline analysis">
            <label class="drop" data-testid="import-drop" data-over=move || over.get().to_string()
                on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); over.set(true); }
                on:dragleave=move |_| over.set(false)
                on:drop=on_drop>
                <strong>"Drop a Chrome HAR or a Socketscope session here"</strong>
                <span class="muted">" or pick one: "</span>
                <input type="file" data-testid="import-file" accept=".har,.json,application/json" on:change=on_pick />
                <span class="muted block">"Chrome: DevTools › Network › right-click › Save all as HAR with content. The file is read in this page and never leaves it."</span>
            </label>
            {move || loaded.get().map(|(name, r)| match r {
                Err(e) => view! { <p class="bad" data-testid="import-status">{format!("{name}: {e}")}</p> }.into_any(),
                Ok(text) => view! { <super::analysis::Analysis name=name text=text now=now /> }.into_any(),
            })}
        </section>
    }
}
