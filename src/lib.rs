//! Socketscope's UI crate: the Leptos app (DevTools panel, extension tab, standalone page) and the
//! thin browser glue. All interpretation lives in `socketscope-core`; this crate only shows it.

pub mod mode;
pub mod modules;
pub mod perf;
pub mod regex;
pub mod store;
pub mod transport;
pub mod ui;

use wasm_bindgen::prelude::*;

/// Entry point, called by `boot.js` after the wasm is loaded (it detects the mode in JS because
/// only JS can see `chrome.devtools`). `transport` is `{listen, send}` or undefined (standalone).
#[wasm_bindgen]
pub fn start(mode: &str, tab: Option<i32>, transport: JsValue) {
    console_error_panic_hook::set_once();
    perf::mark_once("wasm-ready");
    let mode = mode::Mode::from_boot(mode, tab);
    let transport = transport::JsTransport::from_js(transport);
    ui::mount(mode, transport);
    perf::mark_once("mounted");
}
