//! Reading a user's file (picked or dropped) as text, in the page: nothing is uploaded.

use wasm_bindgen::{closure::Closure, JsCast, JsValue};

/// Read `file` as text and call `done(name, text)`, or `done(name, Err(..))`.
pub fn read_text(file: web_sys::File, done: impl FnOnce(String, Result<String, String>) + 'static) {
    let name = file.name();
    let failed_name = name.clone();
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let done2 = done.clone();
    let ok = Closure::once(move |v: JsValue| {
        if let Some(f) = done.borrow_mut().take() {
            f(name, Ok(v.as_string().unwrap_or_default()));
        }
    });
    let err = Closure::once(move |e: JsValue| {
        if let Some(f) = done2.borrow_mut().take() {
            let why = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default();
            f(failed_name, Err(format!("the browser could not read the file ({why}); try picking it again")));
        }
    });
    let _ = file.text().then2(&ok, &err);
    ok.forget();
    err.forget();
}

/// The first file of an `<input type=file>` change event, read as text. The input is reset so
/// picking the same file again reloads it.
pub fn read_file_text(ev: &web_sys::Event, done: impl FnOnce(String, Result<String, String>) + 'static) {
    let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    read_text(file, done);
    input.set_value("");
}
