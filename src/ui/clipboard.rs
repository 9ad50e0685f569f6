//! Copying to the clipboard, with the outcome in the status line. The browser can refuse (the
//! panel not focused, no permission): the user must then not be told it was copied.

use crate::store::PanelState;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Write `text`; once the browser has it, say `done` (or why it failed) in the status line.
pub fn copy(text: &str, done: String) {
    let state = use_context::<PanelState>();
    let Some(window) = web_sys::window() else { return };
    let written = wasm_bindgen_futures::JsFuture::from(window.navigator().clipboard().write_text(text));
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = match written.await {
            Ok(_) => done,
            Err(e) => {
                let why = e.dyn_into::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|e| format!("{e:?}"));
                format!("Could not copy: the browser refused ({why}). Click into the panel and try again.")
            }
        };
        if let Some(state) = state {
            state.status.set(outcome);
        }
    });
}
