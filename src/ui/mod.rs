//! Leptos components. Thin: they read the model and render text (payloads are never HTML).

mod app;

pub use app::{App, Panel};

use crate::{mode::Mode, transport::JsTransport};

pub fn mount(mode: Mode, transport: JsTransport) {
    leptos::mount::mount_to_body(move || leptos::view! { <App mode=mode transport=transport.clone() /> });
}
pub mod hex;
pub mod json_tree;
pub mod virtual_list;
pub mod standalone; pub mod cards;
