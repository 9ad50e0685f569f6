//! The one transport seam. On the JS side it is `extension/transport.js` (`{listen, send}`), made
//! by `boot.js` in the two extension modes; the standalone page has none. Messages are validated
//! on arrival by `socketscope_core::schema`.

use socketscope_core::schema::Command;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The JS transport object from `extension/transport.js`.
    pub type JsTransportObject;

    #[wasm_bindgen(method, catch)]
    fn listen(this: &JsTransportObject, callback: &Closure<dyn FnMut(JsValue)>) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn send(this: &JsTransportObject, command: JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn backlog(this: &JsTransportObject) -> Result<u32, JsValue>;
}

/// A message from the background, still as JS.
pub enum Incoming {
    /// JSON text of a batch, to be validated by the core.
    Batch(String),
    /// A notice such as `{notice: "tab", status: "loading"}`, as JSON text.
    Notice(String),
}

/// What components get from context: a Copy handle (the JS object itself is not `Send`).
pub type TransportHandle = leptos::prelude::StoredValue<JsTransport, leptos::prelude::LocalStorage>;

/// Send through the handle if there is one; the error says what to do.
pub fn send_via(handle: Option<TransportHandle>, command: &Command) -> Result<(), String> {
    use leptos::prelude::WithValue;
    match handle {
        Some(h) => h.with_value(|t| t.send(command)),
        None => Err("no page is attached (standalone page or imported session): open Socketscope on a tab to send commands".into()),
    }
}

#[derive(Clone)]
pub struct JsTransport {
    inner: Option<std::rc::Rc<JsTransportObject>>,
}

impl JsTransport {
    pub fn from_js(value: JsValue) -> JsTransport {
        let inner = (!value.is_undefined() && !value.is_null())
            .then(|| std::rc::Rc::new(value.unchecked_into::<JsTransportObject>()));
        JsTransport { inner }
    }

    pub fn is_connected(&self) -> bool {
        self.inner.is_some()
    }

    /// Calls `on_message` for every message; the closure lives as long as the page.
    pub fn listen(&self, mut on_message: impl FnMut(Incoming) + 'static) {
        let Some(inner) = &self.inner else { return };
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |msg: JsValue| {
            // Stringify once: the core validates JSON text, whatever a (possibly forged) sender put in.
            let text = js_sys::JSON::stringify(&msg).ok().and_then(|s| s.as_string()).unwrap_or_default();
            let is_notice = js_sys::Reflect::has(&msg, &JsValue::from_str("notice")).unwrap_or(false);
            on_message(if is_notice { Incoming::Notice(text) } else { Incoming::Batch(text) });
        });
        if let Err(e) = inner.listen(&callback) {
            web_sys::console::error_2(&"Socketscope: transport.listen failed".into(), &e);
        }
        callback.forget();
    }

    /// How many received messages still wait to be handed over (0 without a transport).
    pub fn backlog(&self) -> u32 {
        self.inner.as_ref().and_then(|t| t.backlog().ok()).unwrap_or(0)
    }

    /// Sends a command. Returns an error text for the UI when there is no channel.
    pub fn send(&self, command: &Command) -> Result<(), String> {
        let Some(inner) = &self.inner else {
            return Err("no page is attached: commands need the extension (DevTools panel or panel.html?tab=<id>)".into());
        };
        let text = serde_json::to_string(command).map_err(|e| e.to_string())?;
        let value = js_sys::JSON::parse(&text).map_err(|e| format!("{e:?}"))?;
        inner.send(value).map_err(|e| format!("the extension refused the command: {e:?}"))
    }
}
