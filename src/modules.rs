//! The lazily loaded wasm modules (`verify/`, `har/`), called through boot.js's
//! `socketscopeModule(name, fn, ...args)`: the first call imports the module, later ones reuse it.

use wasm_bindgen::{JsCast, JsValue};

/// Call `function` of module `name`; its answer is text. `Err` says why there is no answer.
pub async fn call(name: &str, function: &str, args: &[JsValue]) -> Result<String, String> {
    let why = |e: JsValue| {
        e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| format!("{e:?}"))
    };
    let f = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("socketscopeModule"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| "this page cannot load Socketscope's modules (no socketscopeModule: boot.js sets it)".to_string())?;
    let all = js_sys::Array::new();
    all.push(&name.into());
    all.push(&function.into());
    for a in args {
        all.push(a);
    }
    let promise = f.apply(&JsValue::NULL, &all).map_err(why)?;
    let answer = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&promise)).await.map_err(why)?;
    answer.as_string().ok_or_else(|| format!("the {name} module answered with something other than text"))
}

/// A call whose answer is `{"ok": ...}` or `{"error": "..."}` (the `har` module's envelope); gives
/// the `ok` value. Outer `Err`: the module could not be loaded or answered nonsense; inner `Err`:
/// its error. Callers read the value themselves: a generic `from_value` here would put serde's
/// deserializers into the startup wasm (socketscope_core::json says why that matters).
pub async fn call_for(name: &str, function: &str, args: &[JsValue]) -> Result<Result<serde_json::Value, String>, String> {
    let text = call(name, function, args).await?;
    let mut v: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("the {name} module's answer is not JSON: {e}"))?;
    if let Some(e) = v.get("error").and_then(|e| e.as_str()) {
        return Ok(Err(e.to_string()));
    }
    Ok(Ok(v.get_mut("ok").map(serde_json::Value::take).unwrap_or_default()))
}
