//! Leptos components. Thin: they read the model and render text (payloads are never HTML).

pub mod analysis;
mod app;
pub mod cards;
pub mod clipboard;
pub mod dom;
pub mod download;
pub mod format;
pub mod hex;
pub mod json_tree;
pub mod latch;
pub mod lazy;
pub mod panel;
pub mod standalone;
pub mod virtual_list;

pub use app::App;

use crate::{mode::Mode, transport::JsTransport};

pub fn mount(mode: Mode, transport: JsTransport) {
    leptos::mount::mount_to_body(move || leptos::view! { <App mode=mode transport=transport.clone() /> });
}
