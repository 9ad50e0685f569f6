//! Render checks in a real browser (wasm-bindgen-test + headless Chromium). Business logic is
//! tested natively in the core; these only prove the components draw what the model holds.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use socketscope::{mode::Mode, store::Model, ui::Panel};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn render(mode: Mode, model: Model) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let model = RwSignal::new(model);
    let notice = RwSignal::new(String::new());
    let handle = leptos::mount::mount_to(host.clone(), move || view! { <Panel mode=mode model=model notice=notice /> });
    handle.forget();
    host
}

use wasm_bindgen::JsCast;

#[wasm_bindgen_test]
fn empty_standalone_page_says_what_to_do() {
    let host = render(Mode::Standalone, Model::default());
    let text = host.text_content().unwrap();
    assert!(text.contains("install the extension"), "{text}");
    assert!(text.contains("0 connections"), "{text}");
}

#[wasm_bindgen_test]
fn payloads_render_as_text_never_html() {
    let url = "ws://127.0.0.1:9/chat";
    let payload = "<img src=x onerror=alert(1)>";
    let mut model = Model::default();
    model.ingest_text(&format!(
        r#"{{"v":1,"page":"p","events":[{{"seq":1,"type":"socket","id":"p:1","t":1,"url":"{url}"}},
        {{"seq":2,"type":"frame","id":"p:1","t":2,"dir":"in","op":"text","size":{},"data":"{payload}"}}]}}"#,
        payload.len()
    ));
    let host = render(Mode::Tab { tab: 1 }, model);
    assert!(host.text_content().unwrap().contains(payload));
    assert!(host.query_selector("img").unwrap().is_none(), "payload was parsed as HTML");
    assert!(host.text_content().unwrap().contains(url));
}
