//! Offline analysis: drop a Chrome HAR (with `_webSocketMessages`) or a Socketscope session export.
//! The file is read in the page; nothing is uploaded or stored.

use super::analysis::{import, Analysis, Loaded};
use super::files::read_text;
use leptos::prelude::*;
use socketscope_core::settings::Settings;
use wasm_bindgen::JsCast;

/// The import drop zone and what it loaded, shown with the panel's views. `settings`: the page's
/// settings (project close-code profiles, required claims, operation map).
#[component]
pub fn ImportZone(settings: RwSignal<Settings>) -> impl IntoView {
    // The last import's outcome waits here until the view takes it (a model is not cheap to clone);
    // `imports` counts them, so the view is rebuilt once per file.
    let outcome = StoredValue::new_local(None::<Result<Loaded, String>>);
    let imports = RwSignal::new(0u32);
    // The file being read, while it is (a large HAR takes a moment, and the HAR reader loads first).
    let reading = RwSignal::new(None::<String>);
    let over = RwSignal::new(false);
    let take = move |f: web_sys::File| {
        reading.set(Some(f.name()));
        read_text(f, move |name, text| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = match text {
                    Ok(text) => import(&name, text).await,
                    Err(e) => Err(format!("{name}: {e}")),
                };
                outcome.set_value(Some(result));
                reading.set(None);
                imports.update(|n| *n += 1);
            })
        })
    };
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
            {move || reading.get().map(|name| view! { <p class="hint" data-testid="import-reading" role="status">{format!("Reading {name}…")}</p> })}
            {move || {
                imports.track();
                outcome.try_update_value(Option::take).flatten().map(|r| match r {
                    Err(e) => view! { <p class="bad" data-testid="import-status">{e}</p> }.into_any(),
                    Ok(loaded) => view! { <Analysis loaded=loaded settings=settings /> }.into_any(),
                })
            }}
        </section>
    }
}
